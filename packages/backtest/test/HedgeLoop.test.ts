import { Policies } from "@hedgekit/hedging"
import { type MarketEvent, RebalancePolicy, Venue } from "@hedgekit/sdk"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { BacktestVenue, Engine, HedgeLoop, Replay } from "../src/index.js"
import * as ReplayCore from "../src/internal/replayCore.js"
import { config, costs, EXPIRY, hedge, HOUR, PERP, T0, tape } from "./support/tape.js"

/** The loop with the engine filling at once through the cost model, driven without a venue. */
const replayAtOnce = (events: ReadonlyArray<MarketEvent.MarketEvent>, c: Replay.ReplayConfig) => {
  const core = ReplayCore.make(c, Engine.costExecutor(c.hedge, c.costs))
  for (const e of events) {
    core.advance(e)
    core.recordDecision()
    if (core.done()) break
    core.apply(e)
  }
  core.end()
  core.recordDecision()
  core.close()
  return core.result()
}

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

describe("HedgeLoop", () => {
  it("through the backtest venue gives the same run, to the last bit, as fills booked at once", async () => {
    const events = tape()
    for (const policy of [undefined, RebalancePolicy.configure(Policies.deltaBand, { halfWidthCoins: 0.2, target: "centre" })]) {
      const direct = replayAtOnce(events, config(policy))
      const viaVenue = await Replay.run(events, config(policy))
      expect(viaVenue.points.length).toBeGreaterThan(60)
      expect(viaVenue.points).toEqual(direct.points)
      expect(Array.from(viaVenue.engine.pnl())).toEqual(Array.from(direct.engine.pnl()))
      for (const term of Engine.attributionTerms) expect(viaVenue.engine.attribution[term][0]).toBe(direct.engine.attribution[term][0])
      expect(viaVenue.engine.trades[0]).toBe(direct.engine.trades[0])
      expect(viaVenue.settlements).toEqual(direct.settlements)
      expect(viaVenue.events).toBe(direct.events)
    }
  })

  it("values each decision at the latest snapshot's vols: the legs' smiles follow snapshots that arrive after the opening", () => {
    const events = tape()
    const c: Replay.ReplayConfig = { ...config(), legs: [{ symbol: "BTC-100000-C", quantity: -5 }], smile: "sticky-strike" }
    // sticky strike at a quoted strike: the vol is the snapshot's own, the out-of-the-money side's (the call at or
    // above the forward, the put below)
    const quoted = new Map<number, number>()
    for (const e of events) {
      if (e.kind === "option" && e.strike === 100_000 && e.markVol !== undefined && (e.optionType === "call") === (e.strike >= e.forward)) quoted.set(e.timeMs, e.markVol)
    }
    const snapshots = [...quoted.keys()]
    expect(snapshots.length).toBeGreaterThan(10)
    const core = ReplayCore.make(c, Engine.costExecutor(c.hedge, c.costs))
    const seen: Array<{ timeMs: number; vol: number }> = []
    for (const e of events) {
      core.advance(e)
      const p = core.recordDecision()
      if (p !== undefined && p.timeMs < EXPIRY - 24 * HOUR) seen.push({ timeMs: p.timeMs, vol: core.engine()!.inputs.vol[0]! })
      if (core.done()) break
      core.apply(e)
    }
    expect(seen.length).toBeGreaterThan(50)
    for (const { timeMs, vol } of seen) {
      const latest = snapshots.filter((t) => t <= timeMs).at(-1)!
      expect(vol).toBe(quoted.get(latest))
    }
  })

  it("keeps only the last pointsKept decision points, the run otherwise unchanged", async () => {
    const events = tape()
    const all = replayAtOnce(events, config())
    for (const kept of [1, 7, 25, all.points.length, all.points.length + 5]) {
      const some = replayAtOnce(events, { ...config(), pointsKept: kept })
      expect(some.points).toEqual(all.points.slice(-kept))
      expect(Array.from(some.engine.pnl())).toEqual(Array.from(all.engine.pnl()))
    }
    for (const bad of [0, -3, 2.5, NaN]) {
      expect(() => replayAtOnce(events, { ...config(), pointsKept: bad })).toThrow(/pointsKept/)
    }
  })

  it("sends each decision as a market order with its intent id and records the venue's answer", async () => {
    const venue = BacktestVenue.make({ hedge, costs })
    const result = await run(HedgeLoop.run(Stream.fromIterable(tape()), { ...config(), orderIdPrefix: "t1" }).pipe(BacktestVenue.provide(venue)))
    expect(result.orders.length).toBe(result.engine.trades[0])
    expect(result.fills).toBe(result.orders.length)
    expect(new Set(result.orders.map((o) => o.clientOrderId)).size).toBe(result.orders.length)
    for (const o of result.orders) {
      expect(o.clientOrderId).toMatch(/^t1-\d{13}-\d+$/)
      expect(o.state).toBe("filled")
      expect(Number.isInteger(o.quantity)).toBe(true)
    }
    // the venue's position is the engine's hedge
    const positions = await run(venue.positions)
    expect(positions[0]!.quantity).toBe(result.engine.account.hedge[0])
  })

  it("books fills that come later, each once, and the attribution still adds up to the P&L", async () => {
    // a paper venue that fills half of each order at once (whole lots) and the rest at the next event it sees,
    // reporting that second fill twice (again on the next event): booked once
    const pending: Array<Venue.Fill> = []
    let n = 0
    let mark = NaN
    const fillOf = (order: Venue.OrderRequest, quantity: number, id: string): Venue.Fill => ({
      clientOrderId: order.clientOrderId, tradeId: id, symbol: order.symbol, side: order.side, quantity, price: mark,
      fee: (0.0005 * quantity * 10) / mark, feeCurrency: "BTC", liquidity: "taker", timeMs: 0
    })
    const paper: Venue.VenueService & Venue.MarketFeedService = {
      name: "paper",
      place: (order) =>
        Effect.sync(() => {
          const now = Math.floor(order.quantity / 2)
          const fills = now > 0 ? [fillOf(order, now, `p${++n}`)] : []
          const rest = fillOf(order, order.quantity - now, `p${++n}`)
          pending.push(rest, rest)
          return { clientOrderId: order.clientOrderId, symbol: order.symbol, state: "partially-filled" as const, filledQuantity: now, timeMs: 0, fills }
        }),
      cancel: () => Effect.die("not used"),
      fills: Stream.empty,
      openOrders: Effect.succeed([]),
      positions: Effect.succeed([]),
      balances: Effect.succeed([]),
      observe: (event) =>
        Effect.sync(() => {
          if (event.kind === "perpetual") mark = event.mark
          return pending.splice(0, 2)
        })
    }
    const result = await run(
      HedgeLoop.run(Stream.fromIterable(tape()), config()).pipe(Effect.provideService(Venue.Venue, paper), Effect.provideService(Venue.MarketFeed, paper))
    )
    const e = result.engine
    expect(result.orders.every((o) => o.state === "partially-filled")).toBe(true)
    // every order's two halves, except the rest of the decision at the last timestamp (no event came after it)
    const sent = result.orders.reduce((a, o) => a + o.quantity, 0)
    const lastRest = result.orders.at(-1)!.quantity - Math.floor(result.orders.at(-1)!.quantity / 2)
    const signed = result.orders.reduce((a, o) => a + (o.side === "buy" ? o.quantity : -o.quantity), 0)
    expect(Math.abs(e.account.hedge[0]! - signed)).toBeLessThanOrEqual(lastRest)
    expect(sent).toBeGreaterThan(0)
    const total = Engine.attributionTerms.reduce((a, t) => a + e.attribution[t][0]!, 0)
    expect(total).toBeCloseTo(e.pnl()[0]!, 6)
    expect(result.fills).toBeLessThan(2 * result.orders.length + 1)
  })

  it("goes on after a rejection: the policy sees the delta left unhedged", async () => {
    const inner = BacktestVenue.make({ hedge, costs })
    let k = 0
    const flaky: BacktestVenue.BacktestVenue = {
      ...inner,
      place: (order) =>
        ++k % 2 === 0
          ? Effect.succeed({ clientOrderId: order.clientOrderId, symbol: order.symbol, state: "rejected" as const, filledQuantity: 0, timeMs: 0, reason: "margin", fills: [] })
          : inner.place(order)
    }
    const result = await run(HedgeLoop.run(Stream.fromIterable(tape()), config()).pipe(BacktestVenue.provide(flaky)))
    const rejected = result.orders.filter((o) => o.state === "rejected")
    expect(rejected.length).toBeGreaterThan(0)
    expect(rejected[0]!.reason).toBe("margin")
    expect(result.engine.trades[0]).toBe(result.orders.length - rejected.length)
  })

  it("stops with the venue's error", async () => {
    const inner = BacktestVenue.make({ hedge, costs })
    const down: BacktestVenue.BacktestVenue = {
      ...inner,
      place: () => Effect.fail(new Venue.VenueError({ venue: "down", operation: "place", retryable: true, detail: "connection reset" }))
    }
    const exit = await Effect.runPromiseExit(HedgeLoop.run(Stream.fromIterable(tape()), config()).pipe(BacktestVenue.provide(down)))
    expect(Exit.isFailure(exit)).toBe(true)
    if (Exit.isFailure(exit)) {
      const error = Cause.squash(exit.cause)
      expect(error).toBeInstanceOf(Venue.VenueError)
      expect((error as Venue.VenueError).message).toContain("connection reset")
    }
  })
})

describe("BacktestVenue", () => {
  const perp = (mark: number): MarketEvent.MarketEvent => ({ kind: "perpetual", timeMs: T0, symbol: PERP, underlying: "BTC", mark })
  const order = (o: Partial<Venue.OrderRequest>): Venue.OrderRequest => ({ clientOrderId: "x", symbol: PERP, side: "buy", quantity: 3, type: "market", ...o })

  it("fills a market order at the mark plus the half-spread, paying the taker fee in coin", async () => {
    const venue = BacktestVenue.make({ hedge, costs })
    await run(venue.observe(perp(50_000)))
    const u = await run(venue.place(order({})))
    expect(u.state).toBe("filled")
    const f = u.fills[0]!
    expect(f.price).toBe(50_000 * (1 + 0.00005))
    expect(f.fee).toBeCloseTo((0.0005 * 30) / f.price, 18)
    expect(f.feeCurrency).toBe("BTC")
    const s = await run(venue.place(order({ side: "sell", quantity: 1, clientOrderId: "y" })))
    expect(s.fills[0]!.price).toBe(50_000 * (1 - 0.00005))
    expect(await run(venue.positions)).toEqual([{ symbol: PERP, quantity: 2 }])
  })

  it("rejects what a venue would, saying why", async () => {
    const venue = BacktestVenue.make({ hedge, costs: { ...costs, lot: 1, minimum: 2 } })
    expect((await run(venue.place(order({})))).reason).toMatch(/no price/)
    await run(venue.observe(perp(50_000)))
    const cases: Array<[Partial<Venue.OrderRequest>, RegExp]> = [
      [{ symbol: "ETH-PERPETUAL" }, /unknown symbol/],
      [{ quantity: 2.5 }, /multiple of the lot/],
      [{ quantity: 1 }, /below the minimum/],
      [{ postOnly: true }, /post-only/],
      [{ type: "limit", limitPrice: 49_000 }, /not marketable/]
    ]
    for (const [o, reason] of cases) {
      const u = await run(venue.place(order(o)))
      expect(u.state).toBe("rejected")
      expect(u.reason).toMatch(reason)
    }
    expect((await run(venue.place(order({ type: "limit", limitPrice: 51_000 })))).state).toBe("filled")
  })
})
