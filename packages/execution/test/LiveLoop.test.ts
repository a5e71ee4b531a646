import { BacktestVenue, Engine, Replay } from "@hedgekit/backtest"
import type { Venue } from "@hedgekit/sdk"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import * as Journal from "../src/Journal.js"
import * as KillSwitch from "../src/KillSwitch.js"
import * as ClientIds from "../src/internal/ccxt/clientIds.js"
import * as LiveLoop from "../src/LiveLoop.js"
import { config, costs, hedge, HOUR, T0, tape } from "./support/tape.js"

const journalFile = () => join(mkdtempSync(join(tmpdir(), "hk-live-")), "journal.sqlite")

/** The live loop against a backtest venue on the synthetic tape, its journal at `path`. */
const live = (path: string, c: Partial<LiveLoop.LiveConfig> = {}, venue = BacktestVenue.make({ hedge, costs }), events = tape()) => {
  const journal = Journal.open(path)
  const program = LiveLoop.run(Stream.fromIterable(events), { ...config(), prefix: "t", clock: "events", killSwitch: { settlementPause: false }, ...c }).pipe(
    BacktestVenue.provide(venue),
    Effect.provideService(Journal.Journal, journal)
  )
  return Effect.runPromiseExit(program).then((exit) => ({ exit, journal, venue }))
}

describe("LiveLoop", () => {
  it("gives the backtest's numbers, with every order journalled once and filled", async () => {
    const backtest = await Replay.run(tape(), config())
    const { exit, journal } = await live(journalFile())
    expect(Exit.isSuccess(exit)).toBe(true)
    if (!Exit.isSuccess(exit)) return
    const r = exit.value
    expect(Array.from(r.engine.pnl())).toEqual(Array.from(backtest.engine.pnl()))
    for (const term of Engine.attributionTerms) expect(r.engine.attribution[term][0]).toBe(backtest.engine.attribution[term][0])
    const intents = journal.intents()
    expect(intents.length).toBe(r.orders.length)
    expect(intents.length).toBeGreaterThan(50)
    expect(intents.every((i) => i.state === "filled" && i.clientOrderId.startsWith(r.session))).toBe(true)
    expect(new Set(intents.map((i) => i.clientOrderId)).size).toBe(intents.length)
    expect(journal.fills().length).toBe(intents.length)
    // valid-until on the events' clock
    expect(intents.every((i) => i.validUntilMs! - i.createdMs === 10_000)).toBe(true)
    expect(r.recovery).toMatchObject({ resolved: [], unsent: [], cancelled: [], adopted: [] })
  })

  it("starts from the venue's hedge position after a restart", async () => {
    const path = journalFile()
    const venue = BacktestVenue.make({ hedge, costs })
    // a first run that stops a day in (the process ends), then a second one on the same venue and journal
    const first = await live(path, {}, venue, tape().filter((e) => e.timeMs < T0 + 24 * HOUR))
    expect(Exit.isSuccess(first.exit)).toBe(true)
    first.journal.close()
    const held = (await Effect.runPromise(venue.positions))[0]!.quantity
    expect(held).not.toBe(0)
    const second = await live(path, {}, venue, tape().filter((e) => e.timeMs >= T0 + 24 * HOUR - 6 * HOUR))
    expect(Exit.isSuccess(second.exit)).toBe(true)
    if (!Exit.isSuccess(second.exit)) return
    const r = second.exit.value
    // the loop hedged what it held: its first decision trades the difference only
    const first2 = r.orders[0]!
    expect(Math.abs(first2.quantity)).toBeLessThan(Math.abs(held))
    expect(r.engine.account.hedge[0]).toBe((await Effect.runPromise(venue.positions))[0]!.quantity)
    const ids = second.journal.intents().map((i) => i.clientOrderId)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("pauses around 08:00 UTC without tripping", async () => {
    const { exit, journal } = await live(journalFile(), { killSwitch: {} })
    expect(Exit.isSuccess(exit)).toBe(true)
    if (!Exit.isSuccess(exit)) return
    const paused = exit.value.orders.filter((o) => o.state === "rejected")
    expect(paused.length).toBeGreaterThan(0)
    for (const o of paused) {
      expect(o.reason).toMatch(/settlement pause/)
      expect(new Date(o.timeMs).getUTCHours()).toBe(8)
    }
    expect(journal.intents().filter((i) => i.state === "rejected").length).toBe(paused.length)
  })

  it("trips on an order above the notional limit, cancels our open orders and says why", async () => {
    const inner = BacktestVenue.make({ hedge, costs })
    const cancelled: Array<string> = []
    // a resting order of ours and one of someone else
    const open: Array<Venue.OrderUpdate> = [
      { clientOrderId: "t-old-1", symbol: hedge.symbol, state: "open", filledQuantity: 0, timeMs: 0, fills: [] },
      { clientOrderId: "other-1", symbol: hedge.symbol, state: "open", filledQuantity: 0, timeMs: 0, fills: [] }
    ]
    const venue: BacktestVenue.BacktestVenue = {
      ...inner,
      openOrders: Effect.sync(() => [...open]),
      cancel: (id) =>
        Effect.sync(() => {
          cancelled.push(id)
          open.splice(open.findIndex((o) => o.clientOrderId === id), 1)
          return { clientOrderId: id, symbol: hedge.symbol, state: "cancelled" as const, filledQuantity: 0, timeMs: 0, fills: [] }
        })
    }
    const { exit } = await live(journalFile(), { killSwitch: { settlementPause: false, maxOrderNotionalUsd: 1_000 } }, venue)
    expect(Exit.isFailure(exit)).toBe(true)
    if (!Exit.isFailure(exit)) return
    const error = Cause.squash(exit.cause) as KillSwitch.KillSwitchTripped
    expect(error).toBeInstanceOf(KillSwitch.KillSwitchTripped)
    expect(error.message).toMatch(/USD notional .* above the limit of 1000 USD/)
    // recovery cancels the stale one at start; the trip finds nothing more of ours
    expect(cancelled).toEqual(["t-old-1"])
  })

  it("trips when the policy's net delta limit halts it", async () => {
    const { exit } = await live(journalFile(), { killSwitch: { settlementPause: false, maxNetDelta: 1e-6 } })
    expect(Exit.isFailure(exit)).toBe(true)
    if (Exit.isFailure(exit)) expect(Cause.squash(exit.cause)).toBeInstanceOf(KillSwitch.KillSwitchTripped)
  })

  it("trips on stale market data and on too many orders a minute", async () => {
    const inner = BacktestVenue.make({ hedge, costs })
    const stale = await live(journalFile(), { clock: "wall", killSwitch: { settlementPause: false, staleAfterMs: 60_000 } }, inner)
    expect(Exit.isFailure(stale.exit)).toBe(true)
    if (Exit.isFailure(stale.exit)) expect((Cause.squash(stale.exit.cause) as Error).message).toMatch(/market data stale/)
    // the tape decides hourly: on the events' clock one order a minute is never exceeded…
    const ok = await live(journalFile(), { killSwitch: { settlementPause: false, maxOrdersPerMinute: 1 } })
    expect(Exit.isSuccess(ok.exit)).toBe(true)
    // …while a venue that rejects makes the loop retry every hour only, so force many orders at one time instead
    const burst = KillSwitch.make(inner, { maxOrdersPerMinute: 2, settlementPause: false }, { prefix: "t-", hedge, now: () => T0 })
    await Effect.runPromise(inner.observe(tape()[1]!))
    const place = (id: string) => Effect.runPromise(burst.venue.place({ clientOrderId: id, symbol: hedge.symbol, side: "buy", quantity: 1, type: "market" }))
    expect((await place("t-1")).state).toBe("filled")
    expect((await place("t-2")).state).toBe("filled")
    const third = await place("t-3")
    expect(third.state).toBe("rejected")
    expect(third.reason).toMatch(/3 orders within a minute/)
    expect(burst.tripped()).toBeInstanceOf(KillSwitch.KillSwitchTripped)
  })

  it("says when the settlement pause applies", () => {
    expect(KillSwitch.inSettlementPause(Date.UTC(2026, 2, 27, 7, 58, 59, 999))).toBe(false)
    expect(KillSwitch.inSettlementPause(Date.UTC(2026, 2, 27, 7, 59))).toBe(true)
    expect(KillSwitch.inSettlementPause(Date.UTC(2026, 2, 27, 8, 0, 59, 999))).toBe(true)
    expect(KillSwitch.inSettlementPause(Date.UTC(2026, 2, 27, 8, 1))).toBe(false)
  })

  it("refuses a prefix that could collide with others' labels, or make ids too long for a venue", async () => {
    for (const prefix of ["bad prefix!", "under_score", "ninechars", "Upper"]) {
      const { exit } = await live(journalFile(), { prefix })
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) expect(String(Cause.squash(exit.cause))).toMatch(/1–8 lower-case letters or digits/)
    }
  })

  it("makes client ids every venue takes: <prefix>-<start><decision><n>, ≤ 31 characters", async () => {
    const { exit, journal } = await live(journalFile(), { prefix: "abcdefg8" })
    expect(Exit.isSuccess(exit)).toBe(true)
    const ids = journal.intents().map((i) => i.clientOrderId)
    expect(ids.length).toBeGreaterThan(50)
    for (const id of ids) {
      expect(id).toMatch(/^abcdefg8-[0-9a-z]{16}[0-9a-z]{1,6}$/)
      for (const codec of [ClientIds.okx, ClientIds.bybit, ClientIds.binance, ClientIds.deribit]) {
        const sent = codec.encode(id)
        expect("id" in sent ? codec.decode(sent.id) : sent.reason).toBe(id)
      }
    }
    // the 36⁶-th order of a session still fits OKX (escaped) and the 36-character venues
    const worst = `abcdefg8-${"z".repeat(16)}${(36 ** 6 - 1).toString(36)}`
    expect(worst.length).toBe(31)
    expect(ClientIds.okx.encode(worst)).toEqual({ id: worst.replace("-", "Qh") })
  })
})
