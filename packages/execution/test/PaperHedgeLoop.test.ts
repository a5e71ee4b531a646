import { BacktestVenue, Engine, HedgeLoop, type Replay } from "@hedgekit/backtest"
import { Policies } from "@hedgekit/hedging"
import { type MarketEvent, RebalancePolicy } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import * as Paper from "../src/Paper.js"
import { config, costs, hedge, tape } from "./support/tape.js"

const policies = [
  RebalancePolicy.configure(Policies.timeInterval, { intervalMinutes: 60, alignToUtc: false }),
  RebalancePolicy.configure(Policies.deltaBand, { halfWidthCoins: 0.2, target: "centre" })
]

const viaBacktest = (events: ReadonlyArray<MarketEvent.MarketEvent>, c: Replay.ReplayConfig) =>
  Effect.runPromise(HedgeLoop.run(Stream.fromIterable(events), c).pipe(BacktestVenue.provide(BacktestVenue.make({ hedge: c.hedge, costs: c.costs }))))

const viaPaper = (events: ReadonlyArray<MarketEvent.MarketEvent>, c: Replay.ReplayConfig, venue: Paper.PaperVenue) =>
  Effect.runPromise(HedgeLoop.run(Stream.fromIterable(events), c).pipe(Paper.provide(venue)))

/** Two runs are the same run: points, P&L, attribution, trades, settlements, orders — to the last bit. */
const expectSameRun = (a: HedgeLoop.HedgeLoopResult, b: HedgeLoop.HedgeLoopResult): void => {
  expect(a.points).toEqual(b.points)
  expect(Array.from(a.engine.pnl())).toEqual(Array.from(b.engine.pnl()))
  for (const term of Engine.attributionTerms) expect(a.engine.attribution[term][0]).toBe(b.engine.attribution[term][0])
  expect(a.engine.trades[0]).toBe(b.engine.trades[0])
  expect(Array.from(a.engine.account.hedge)).toEqual(Array.from(b.engine.account.hedge))
  expect(a.settlements).toEqual(b.settlements)
  expect(a.events).toBe(b.events)
  expect(a.fills).toBe(b.fills)
  expect(a.orders).toEqual(b.orders)
}

describe("Paper in the hedge loop", () => {
  it("with no latency, no depth limit and no partial fills, gives the backtest venue's run bit for bit", async () => {
    const events = tape()
    for (const policy of policies) {
      const c = config(policy)
      const backtest = await viaBacktest(events, c)
      expect(backtest.points.length).toBeGreaterThan(60)
      expect(backtest.fills).toBeGreaterThan(10)
      const venue = Paper.make(Paper.backtestEquivalent(c.hedge, c.costs))
      expectSameRun(await viaPaper(events, c, venue), backtest)
      expect((await Effect.runPromise(venue.positions))[0]!.quantity).toBe(backtest.engine.account.hedge[0])
      // spelled out: the same book, configured by hand, with quotes taken from events (the tape has none)
      const byHand = Paper.make({
        name: "paper-by-hand",
        seed: 99,
        instruments: [{ instrument: hedge, lot: 1, fees: costs.fees, book: { halfSpread: costs.halfSpread } }],
        latency: { orderMs: 0, marketDataMs: 0, jitterMs: 0 },
        partialFills: false
      })
      expectSameRun(await viaPaper(events, c, byHand), backtest)
    }
  })

  it("runs the loop end to end with latency, jitter and finite depth: fills come back from the feed, each booked once", async () => {
    const events = tape()
    const c = config()
    const venue = Paper.make({
      seed: 3,
      instruments: [{ instrument: hedge, lot: 1, fees: costs.fees, book: { halfSpread: costs.halfSpread, levels: 3, size: 2_000 } }],
      latency: { orderMs: 150, marketDataMs: 50, jitterMs: 100 }
    })
    const result = await viaPaper(events, c, venue)
    expect(result.orders.length).toBeGreaterThan(10)
    // every order was acknowledged open; its fills came later, from `observe`
    expect(result.orders.every((o) => o.state === "open")).toBe(true)
    const final = venue.orders
    expect(final.length).toBe(result.orders.length)
    const filled = final.filter((o) => o.filledQuantity > 0)
    const fillCount = filled.reduce((a, o) => a + o.fills.length, 0)
    // each order reached the book, filled whole or cut at the depth (the last one too: the expiry's events came after it)
    expect(final.filter((o) => o.state === "filled").length).toBeGreaterThan(10)
    for (const o of final) expect(["filled", "cancelled"]).toContain(o.state)
    expect(result.fills).toBe(fillCount)
    // the engine holds what the venue filled
    const position = (await Effect.runPromise(venue.positions))[0]!.quantity
    expect(result.engine.account.hedge[0]).toBeCloseTo(position, 9)
    // a fill of an order arrives 200–300 ms after its decision, and an order bigger than the book's 6 000
    // contracts is cut at the depth
    for (const o of final.filter((x) => x.fills.length > 0)) {
      const decided = Number(o.clientOrderId.split("-")[1])
      for (const f of o.fills) {
        expect(f.timeMs - decided).toBeGreaterThanOrEqual(200)
        expect(f.timeMs - decided).toBeLessThan(300)
      }
    }
    expect(final.some((o) => o.state === "cancelled")).toBe(true)
    for (const o of final) if (o.state === "cancelled") expect(o.filledQuantity).toBe(6_000)
    const total = Engine.attributionTerms.reduce((a, t) => a + result.engine.attribution[t][0]!, 0)
    expect(total).toBeCloseTo(result.engine.pnl()[0]!, 6)
    // and a second run with the same seed is the same run
    const again = Paper.make({
      seed: 3,
      instruments: [{ instrument: hedge, lot: 1, fees: costs.fees, book: { halfSpread: costs.halfSpread, levels: 3, size: 2_000 } }],
      latency: { orderMs: 150, marketDataMs: 50, jitterMs: 100 }
    })
    expectSameRun(await viaPaper(events, c, again), result)
  })
})
