import { Venue } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import * as Journal from "../src/Journal.js"
import * as Recovery from "../src/Recovery.js"

const file = () => join(mkdtempSync(join(tmpdir(), "hk-journal-")), "journal.sqlite")
const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(e)

/** A venue kept in memory: market orders fill at 100, limits rest; `lose` drops the answer of the next place. */
const memoryVenue = () => {
  const orders = new Map<string, Venue.OrderUpdate>()
  const trades: Array<Venue.Fill> = []
  let n = 0
  let clock = 1_000
  const state = { lose: false, fail: false, position: 0 }
  const venue: Venue.VenueService = {
    name: "memory",
    place: (order) =>
      Effect.suspend(() => {
        if (state.fail) {
          state.fail = false
          return Effect.fail(new Venue.VenueError({ venue: "memory", operation: "place", retryable: true, detail: "connection reset before sending" }))
        }
        const fills: Array<Venue.Fill> = []
        let update: Venue.OrderUpdate
        if (order.type === "market") {
          const fill: Venue.Fill = {
            clientOrderId: order.clientOrderId, tradeId: `t${++n}`, symbol: order.symbol, side: order.side, quantity: order.quantity, price: 100,
            fee: 0.01, feeCurrency: "USD", liquidity: "taker", timeMs: clock++
          }
          fills.push(fill)
          trades.push(fill)
          state.position += order.side === "buy" ? order.quantity : -order.quantity
          update = { clientOrderId: order.clientOrderId, symbol: order.symbol, state: "filled", filledQuantity: order.quantity, averagePrice: 100, timeMs: clock, fills }
        } else {
          update = { clientOrderId: order.clientOrderId, symbol: order.symbol, state: "open", filledQuantity: 0, timeMs: clock, fills }
        }
        orders.set(order.clientOrderId, update)
        if (state.lose) {
          state.lose = false
          return Effect.fail(new Venue.VenueError({ venue: "memory", operation: "place", code: "timeout", retryable: true, detail: "no answer" }))
        }
        return Effect.succeed(update)
      }),
    cancel: (id) =>
      Effect.sync(() => {
        const o = orders.get(id)!
        const update: Venue.OrderUpdate = { ...o, state: "cancelled", fills: [] }
        orders.set(id, update)
        return update
      }),
    fills: Stream.empty,
    openOrders: Effect.sync(() => [...orders.values()].filter((o) => o.state === "open")),
    positions: Effect.sync(() => [{ symbol: "PERP", quantity: state.position }]),
    balances: Effect.succeed([]),
    orderByClientId: (id) => Effect.sync(() => orders.get(id)),
    fillsSince: (since) => Effect.sync(() => trades.filter((t) => t.timeMs >= since))
  }
  return { venue, state, orders, trades }
}

const order = (id: string, o: Partial<Venue.OrderRequest> = {}): Venue.OrderRequest => ({ clientOrderId: id, symbol: "PERP", side: "buy", quantity: 2, type: "market", ...o })

describe("Journal", () => {
  it("writes the intent before sending, then the answer and its fills, each fill once", async () => {
    const j = Journal.open(file())
    const { venue } = memoryVenue()
    const seen: Array<string> = []
    const v = Journal.journalled(venue, j, {
      now: () => 5_000,
      onPoint: (p, id) => {
        seen.push(p)
        if (p === "after-intent") expect(j.intent(id)!.state).toBe("sending")
      }
    })
    const update = await run(v.place(order("hk-1")))
    expect(update.state).toBe("filled")
    expect(seen).toEqual(["before-intent", "after-intent", "after-send", "before-fill", "after-update"])
    const intent = j.intent("hk-1")!
    expect(intent).toMatchObject({ state: "filled", filledQuantity: 2, validUntilMs: 15_000, symbol: "PERP", side: "buy" })
    expect(j.fills()).toHaveLength(1)
    expect(j.recordFill(update.fills[0]!, false)).toBe(false)
    expect(j.fills()).toHaveLength(1)
    expect(j.events().map((e) => e.kind)).toEqual(["intent", "update", "fill"])
    expect(() => j.recordIntent(order("hk-1"), 6_000)).toThrow(/used before/)
    j.close()
  })

  it("keeps everything across a reopen (the file is the state)", async () => {
    const path = file()
    const j = Journal.open(path)
    await run(Journal.journalled(memoryVenue().venue, j).place(order("hk-1")))
    j.close()
    const again = Journal.open(path)
    expect(again.intent("hk-1")!.state).toBe("filled")
    expect(again.fills()).toHaveLength(1)
    again.close()
  })

  it("leaves an intent `sending` when the send fails, with the error in the history", async () => {
    const j = Journal.open(file())
    const m = memoryVenue()
    m.state.fail = true
    const exit = await Effect.runPromiseExit(Journal.journalled(m.venue, j).place(order("hk-2")))
    expect(exit._tag).toBe("Failure")
    expect(j.intent("hk-2")!.state).toBe("sending")
    expect(j.unresolved().map((i) => i.clientOrderId)).toEqual(["hk-2"])
    expect(j.events().at(-1)).toMatchObject({ kind: "error", clientOrderId: "hk-2" })
  })
})

describe("Recovery", () => {
  it("resolves an order that reached the venue, marks one that never did unsent, cancels our open orders and adopts missed fills", async () => {
    const j = Journal.open(file())
    const m = memoryVenue()
    let t = 10_000
    const v = Journal.journalled(m.venue, j, { now: () => t, validForMs: 1_000 })
    // 1: placed and filled, but the answer was lost (a timeout): the journal says `sending`
    m.state.lose = true
    await Effect.runPromiseExit(v.place(order("hk-1")))
    // 2: journalled, then the process died before sending
    j.recordIntent({ ...order("hk-2"), validUntilMs: t + 1_000 }, t)
    // 3: a resting limit of ours, and one of another strategy
    await run(v.place(order("hk-3", { type: "limit", limitPrice: 90 })))
    await run(m.venue.place(order("other-1", { type: "limit", limitPrice: 90 })))
    // 4: a fill the journal never saw (filled while the process was down)
    await run(m.venue.place(order("hk-4")))
    expect(j.unresolved().map((i) => i.clientOrderId)).toEqual(["hk-1", "hk-2", "hk-3"])
    t += 5_000
    const report = await run(Recovery.recover(j, m.venue, { prefix: "hk-", now: () => t, sinceMs: 0 }))
    expect(report.unsent).toEqual(["hk-2"])
    expect(report.resolved).toEqual([{ clientOrderId: "hk-1", state: "filled" }, { clientOrderId: "hk-3", state: "cancelled" }])
    expect(report.cancelled).toEqual(["hk-3"])
    expect(m.orders.get("other-1")!.state).toBe("open")
    expect(report.adopted.map((f) => f.clientOrderId)).toEqual(["hk-4"])
    expect(report.positions).toEqual([{ symbol: "PERP", quantity: 4 }])
    expect(j.unresolved()).toEqual([])
    expect(j.intent("hk-1")!.state).toBe("filled")
    expect(j.intent("hk-2")!.state).toBe("unsent")
    expect(j.fills().map((f) => [f.clientOrderId, f.adopted])).toEqual([["hk-1", false], ["hk-4", true]])
    // a second recovery finds nothing more to do
    const again = await run(Recovery.recover(j, m.venue, { prefix: "hk-", now: () => t, sinceMs: 0 }))
    expect([again.resolved.length, again.unsent.length, again.cancelled.length, again.adopted.length]).toEqual([0, 0, 0, 0])
  })

  it("waits for an in-flight order's valid-until before calling it unsent", async () => {
    const j = Journal.open(file())
    const m = memoryVenue()
    const start = Date.now()
    j.recordIntent({ ...order("hk-9"), validUntilMs: start + 150 }, start)
    const report = await run(Recovery.recover(j, m.venue, { prefix: "hk-", skewMs: 50 }))
    expect(Date.now() - start).toBeGreaterThanOrEqual(200)
    expect(report.unsent).toEqual(["hk-9"])
  })

  it("refuses a venue that cannot look orders up", async () => {
    const j = Journal.open(file())
    const { orderByClientId: _, ...blind } = memoryVenue().venue
    const exit = await Effect.runPromiseExit(Recovery.recover(j, blind, { prefix: "hk-" }))
    expect(exit._tag).toBe("Failure")
  })
})
