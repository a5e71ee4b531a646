import { Costs } from "@hedgekit/hedging"
import { type Instrument, type MarketEvent, Venue } from "@hedgekit/sdk"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import * as Paper from "../src/Paper.js"

const T0 = Date.UTC(2026, 0, 1)
const PERP = "BTC-PERPETUAL"
const perp: Instrument.PerpetualInstrument = { kind: "perpetual", symbol: PERP, underlying: "BTC", settlement: "inverse", contractSize: 10 }
const linear: Instrument.PerpetualInstrument = { kind: "perpetual", symbol: "BTCUSDT", underlying: "BTC", settlement: "linear", contractSize: 0.001 }
const call: Instrument.OptionInstrument = {
  kind: "option", symbol: "BTC-27MAR26-100000-C", underlying: "BTC", optionType: "call", strike: 100_000, expiryMs: Date.UTC(2026, 2, 27, 8), settlement: "inverse", multiplier: 1
}

const run = <A, E>(effect: Effect.Effect<A, E>): A => Effect.runSync(effect)

const mark = (price: number, timeMs = T0, extra: { bid?: number; ask?: number; symbol?: string } = {}): MarketEvent.MarketEvent => ({
  kind: "perpetual", timeMs, symbol: extra.symbol ?? PERP, underlying: "BTC", mark: price,
  ...(extra.bid !== undefined ? { bid: extra.bid } : {}), ...(extra.ask !== undefined ? { ask: extra.ask } : {})
})
const trade = (side: "buy" | "sell", price: number, amount: number, timeMs = T0): MarketEvent.MarketEvent => ({ kind: "trade", timeMs, symbol: PERP, side, price, amount })
const optionQuote = (bid: number | undefined, ask: number | undefined, m: number, timeMs = T0, o = call): MarketEvent.MarketEvent => ({
  kind: "option", timeMs, symbol: o.symbol, underlying: "BTC", optionType: o.optionType, strike: o.strike, expiryMs: o.expiryMs, settlement: o.settlement,
  premiumUnit: o.settlement === "inverse" ? "coin" : "usd", mark: m, forward: 100_000, index: 100_000,
  ...(bid !== undefined ? { bid } : {}), ...(ask !== undefined ? { ask } : {})
} as MarketEvent.MarketEvent)

let ids = 0
const order = (o: Partial<Venue.OrderRequest> = {}): Venue.OrderRequest => ({ clientOrderId: `o${++ids}`, symbol: PERP, side: "buy", quantity: 1, type: "market", ...o })

const perpSpec = (o: Partial<Paper.PaperInstrument> = {}): Paper.PaperInstrument => ({ instrument: perp, lot: 1, tick: { tick: 0.5 }, ...o })
const venueOf = (o: Partial<Paper.PaperConfig> = {}, spec: Partial<Paper.PaperInstrument> = {}) => Paper.make({ instruments: [perpSpec(spec)], ...o })

describe("Paper: taking liquidity", () => {
  const deep = { book: { halfSpread: 0.0001, levels: 3, size: 2, step: 0.0002 }, quotes: "mark" as const }

  it("walks the levels, one fill per level at its price, and takes what it filled out of the book", () => {
    const v = venueOf({}, deep)
    run(v.observe(mark(50_000)))
    expect(v.book(PERP)!.asks).toEqual([[50_005, 2], [50_015, 2], [50_025, 2]])
    expect(v.book(PERP)!.bids).toEqual([[49_995, 2], [49_985, 2], [49_975, 2]])
    const u = run(v.place(order({ quantity: 5 })))
    expect(u.state).toBe("filled")
    expect(u.fills.map((f) => [f.price, f.quantity, f.liquidity])).toEqual([[50_005, 2, "taker"], [50_015, 2, "taker"], [50_025, 1, "taker"]])
    expect(u.averagePrice).toBeCloseTo((2 * 50_005 + 2 * 50_015 + 50_025) / 5, 9)
    expect(u.filledQuantity).toBe(5)
    expect(v.book(PERP)!.asks).toEqual([[50_025, 1]])
    // the next quote restores the depth
    run(v.observe(mark(50_000, T0 + 1)))
    expect(v.book(PERP)!.asks).toEqual([[50_005, 2], [50_015, 2], [50_025, 2]])
  })

  it("fills in part when the depth runs out and cancels the rest of a market order", () => {
    const v = venueOf({}, deep)
    run(v.observe(mark(50_000)))
    const u = run(v.place(order({ side: "sell", quantity: 8 })))
    expect(u.state).toBe("cancelled")
    expect(u.filledQuantity).toBe(6)
    expect(u.fills.map((f) => f.price)).toEqual([49_995, 49_985, 49_975])
    expect(u.reason).toMatch(/depth exhausted: 2 of 8 unfilled/)
    // nothing is left on the bid side until the next quote
    const none = run(v.place(order({ side: "sell" })))
    expect(none.state).toBe("rejected")
    expect(none.reason).toMatch(/no bids/)
    expect(run(v.positions)).toEqual([{ symbol: PERP, quantity: -6 }])
  })

  it("with partial fills off, fills whole: the part beyond the depth at the last level", () => {
    const v = venueOf({ partialFills: false }, deep)
    run(v.observe(mark(50_000)))
    const u = run(v.place(order({ quantity: 10 })))
    expect(u.state).toBe("filled")
    expect(u.fills.map((f) => [f.price, f.quantity])).toEqual([[50_005, 2], [50_015, 2], [50_025, 6]])
  })

  it("uses the event's bid and ask when it has them, the synthetic book around the mark otherwise", () => {
    const v = venueOf({}, { book: { halfSpread: 0.001, levels: 2, size: 1, step: 0.001 } })
    run(v.observe(mark(50_000, T0, { bid: 49_990, ask: 50_010 })))
    expect(v.book(PERP)!.asks).toEqual([[50_010, 1], [50_060.5, 1]]) // 50 010 × 1.001 rounded up to the tick
    expect(v.book(PERP)!.bids).toEqual([[49_990, 1], [49_940, 1]]) // 49 990 × 0.999 rounded down
    run(v.observe(mark(50_000, T0 + 1)))
    expect(v.book(PERP)!.asks).toEqual([[50_050, 1], [50_100, 1]])
    // options: the quoted sides; a side quoted at 0 is empty
    const o = Paper.make({ instruments: [{ instrument: call, lot: 0.1 }] })
    run(o.observe(optionQuote(0, 0.0015, 0.001)))
    expect(o.book(call.symbol)!.bids).toEqual([])
    expect(o.book(call.symbol)!.asks).toEqual([[0.0015, Infinity]])
    const sell = run(o.place(order({ symbol: call.symbol, side: "sell", quantity: 0.1 })))
    expect(sell.reason).toMatch(/no bids/)
  })

  it("fills a crossing limit order as a taker up to its price and rests the rest", () => {
    const v = Paper.make({ instruments: [perpSpec()] })
    run(v.setBook(PERP, { timeMs: T0, bids: [[49_990, 5]], asks: [[50_010, 1], [50_020, 2], [50_030, 5]] }))
    const u = run(v.place(order({ type: "limit", limitPrice: 50_020, quantity: 5 })))
    expect(u.state).toBe("partially-filled")
    expect(u.fills.map((f) => [f.price, f.quantity])).toEqual([[50_010, 1], [50_020, 2]])
    const open = run(v.openOrders)
    expect(open.map((x) => [x.clientOrderId, x.state, x.filledQuantity])).toEqual([[u.clientOrderId, "partially-filled", 3]])
    expect(v.book(PERP)!.asks).toEqual([[50_030, 5]])
  })
})

describe("Paper: resting orders and queue position", () => {
  const l2 = (bids: Costs.Levels, asks: Costs.Levels, timeMs = T0) => ({ timeMs, bids, asks })

  it("fills a resting bid only after the size ahead of it has traded", () => {
    const v = Paper.make({ instruments: [perpSpec({ fees: Costs.deribit.weeklyFuture })] })
    run(v.setBook(PERP, l2([[49_990, 5], [49_980, 10]], [[50_010, 5]])))
    const u = run(v.place(order({ type: "limit", limitPrice: 49_990, quantity: 3 })))
    expect(u.state).toBe("open")
    expect(run(v.step(trade("sell", 49_990, 4))).fills).toEqual([]) // 4 of the 5 ahead
    const second = run(v.step(trade("sell", 49_990, 3, T0 + 1))) // the last 1 ahead, then 2 for us
    expect(second.fills.map((f) => [f.price, f.quantity, f.liquidity])).toEqual([[49_990, 2, "maker"]])
    expect(second.updates.map((x) => [x.state, x.filledQuantity])).toEqual([["partially-filled", 2]])
    // a maker rebate: a negative fee
    expect(second.fills[0]!.fee).toBeCloseTo((-0.0001 * 20) / 49_990, 15)
    // a trade through the price: nobody is left ahead
    const third = run(v.step(trade("sell", 49_980, 5, T0 + 2)))
    expect(third.fills.map((f) => [f.price, f.quantity])).toEqual([[49_990, 1]])
    expect(third.updates.at(-1)!.state).toBe("filled")
    expect(run(v.openOrders)).toEqual([])
    expect(run(v.positions)[0]!.quantity).toBe(3)
  })

  it("shares a trade's volume between its resting orders, best price then time, and ignores trades that do not reach them", () => {
    const v = Paper.make({ instruments: [perpSpec()] })
    run(v.setBook(PERP, l2([[49_990, 1]], [[50_010, 1]])))
    const a = run(v.place(order({ type: "limit", limitPrice: 49_985, quantity: 2 })))
    const b = run(v.place(order({ type: "limit", limitPrice: 49_995, quantity: 2 })))
    const c = run(v.place(order({ type: "limit", limitPrice: 49_995, quantity: 2 })))
    expect(run(v.step(trade("sell", 50_000, 10))).fills).toEqual([]) // above every bid
    expect(run(v.step(trade("buy", 49_995, 10))).fills).toEqual([]) // a buyer meets offers, not bids
    const r = run(v.step(trade("sell", 49_985, 5)))
    // b and c (better price, nobody ahead) first, in time order, then a
    expect(r.fills.map((f) => [f.clientOrderId, f.quantity, f.price])).toEqual([
      [b.clientOrderId, 2, 49_995],
      [c.clientOrderId, 2, 49_995],
      [a.clientOrderId, 1, 49_985]
    ])
  })

  it("moves the queue with the book: less size shown is size ahead gone; a level gone inside the range leaves nobody ahead", () => {
    const v = Paper.make({ instruments: [perpSpec()] })
    run(v.setBook(PERP, l2([[49_990, 5], [49_980, 5]], [[50_010, 5]])))
    run(v.place(order({ type: "limit", limitPrice: 49_990, quantity: 4 })))
    run(v.setBook(PERP, l2([[49_990, 3], [49_980, 5]], [[50_010, 5]], T0 + 1))) // 2 of the 5 ahead gone: 3 left
    run(v.setBook(PERP, l2([[49_990, 6], [49_980, 5]], [[50_010, 5]], T0 + 2))) // added size queues behind
    expect(run(v.step(trade("sell", 49_990, 4, T0 + 3))).fills.map((f) => f.quantity)).toEqual([1])
    run(v.setBook(PERP, l2([[49_995, 1], [49_980, 5]], [[50_010, 5]], T0 + 4))) // the level is gone: nobody ahead
    expect(run(v.step(trade("sell", 49_990, 1, T0 + 5))).fills.map((f) => f.quantity)).toEqual([1])
    // the other side reaching the price fills as a maker at the order's price, up to the size that reaches it
    const crossed = run(v.setBook(PERP, l2([[49_980, 5]], [[49_985, 1], [49_990, 5], [49_995, 5]], T0 + 6)))
    expect(crossed.fills.map((f) => [f.price, f.quantity, f.liquidity])).toEqual([[49_990, 2, "maker"]])
    expect(v.book(PERP)!.asks).toEqual([[49_990, 4], [49_995, 5]])
  })

  it("with partial fills off, fills a resting order whole once a trade reaches its price, whatever the queue", () => {
    const v = Paper.make({ instruments: [perpSpec()], partialFills: false })
    run(v.setBook(PERP, l2([[49_990, 50]], [[50_010, 5]])))
    run(v.place(order({ type: "limit", limitPrice: 49_990, quantity: 7 })))
    expect(run(v.step(trade("buy", 50_010, 100))).fills).toEqual([])
    expect(run(v.step(trade("sell", 49_990, 1))).fills.map((f) => [f.price, f.quantity, f.liquidity])).toEqual([[49_990, 7, "maker"]])
  })

  it("fills a resting order when a synthetic book moves through it", () => {
    const v = venueOf({}, { book: { halfSpread: 0.0001 }, quotes: "mark" })
    run(v.observe(mark(50_000)))
    const u = run(v.place(order({ type: "limit", limitPrice: 49_900, quantity: 3 })))
    expect(u.state).toBe("open")
    expect(run(v.observe(mark(49_950, T0 + 1)))).toEqual([]) // ask 49 955: not there yet
    const fills = run(v.observe(mark(49_880, T0 + 2)))
    expect(fills.map((f) => [f.price, f.quantity, f.liquidity, f.timeMs])).toEqual([[49_900, 3, "maker", T0 + 2]])
  })

  it("cancels a resting order, which then never fills", () => {
    const v = Paper.make({ instruments: [perpSpec()] })
    run(v.setBook(PERP, l2([[49_990, 1]], [[50_010, 1]])))
    const u = run(v.place(order({ type: "limit", limitPrice: 49_995, quantity: 2 })))
    const c = run(v.cancel(u.clientOrderId))
    expect(c.state).toBe("cancelled")
    expect(run(v.openOrders)).toEqual([])
    expect(run(v.step(trade("sell", 49_000, 100))).fills).toEqual([])
    expect(run(v.cancel(u.clientOrderId)).state).toBe("cancelled") // final: its state again
    const unknown = run(v.cancel("nope"))
    expect([unknown.state, unknown.reason]).toEqual(["rejected", "no such order"])
    expect(v.orders.map((o) => o.state)).toEqual(["cancelled"])
  })
})

describe("Paper: latency", () => {
  it("matches an order against the book as of its arrival, t + market-data delay + order latency", () => {
    const v = venueOf({ latency: { marketDataMs: 40, orderMs: 60 } }, { quotes: "mark" })
    run(v.observe(mark(50_000)))
    const u = run(v.place(order({ quantity: 2 })))
    expect([u.state, u.filledQuantity, u.fills]).toEqual(["open", 0, []])
    expect(run(v.openOrders).map((o) => o.clientOrderId)).toEqual([u.clientOrderId])
    expect(run(v.observe(mark(50_100, T0 + 50)))).toEqual([])
    // an event at the arrival time itself is part of the book the order meets: it is matched before the next one
    expect(run(v.observe(mark(50_200, T0 + 100)))).toEqual([])
    const step = run(v.step(mark(50_300, T0 + 101)))
    expect(step.fills.map((f) => [f.price, f.quantity, f.timeMs])).toEqual([[50_200, 2, T0 + 100]])
    expect(step.updates.map((x) => [x.clientOrderId, x.state, x.timeMs])).toEqual([[u.clientOrderId, "filled", T0 + 100]])
    expect(v.orders[0]!.state).toBe("filled")
  })

  it("fills at once with no latency", () => {
    const v = venueOf({}, { quotes: "mark" })
    run(v.observe(mark(50_000)))
    const u = run(v.place(order()))
    expect([u.state, u.fills[0]!.price, u.fills[0]!.timeMs]).toEqual(["filled", 50_000, T0])
  })

  it("pushes fills and updates onto its streams as they happen", async () => {
    const v = venueOf({ latency: { orderMs: 10 } }, { quotes: "mark" })
    const program = Effect.gen(function*() {
      const fills = yield* Effect.forkChild(Stream.runCollect(Stream.take(v.fills, 1)))
      const updates = yield* Effect.forkChild(Stream.runCollect(Stream.take(v.updates, 2)))
      yield* Effect.yieldNow
      yield* v.observe(mark(50_000))
      const u = yield* v.place(order())
      yield* v.observe(mark(50_100, T0 + 20))
      return { u, fills: yield* Fiber.join(fills), updates: yield* Fiber.join(updates) }
    })
    const { u, fills, updates } = await Effect.runPromise(program)
    expect(Array.from(fills).map((f) => [f.clientOrderId, f.price, f.timeMs])).toEqual([[u.clientOrderId, 50_000, T0 + 10]])
    expect(Array.from(updates).map((x) => x.state)).toEqual(["open", "filled"])
  })

  it("sends a cancel with the same latency, never ahead of its order", () => {
    const v = venueOf({ latency: { orderMs: 100 } })
    run(v.setBook(PERP, { timeMs: T0, bids: [[49_990, 1]], asks: [[50_010, 1]] }))
    const u = run(v.place(order({ type: "limit", limitPrice: 49_995 })))
    run(v.advance(T0 + 50))
    const c = run(v.cancel(u.clientOrderId))
    expect([c.state, c.reason]).toEqual(["open", "cancel requested"])
    const arrived = run(v.advance(T0 + 100)) // the order reaches the book and rests
    expect(arrived.updates.map((x) => x.state)).toEqual(["open"])
    expect(run(v.openOrders).length).toBe(1)
    const cancelled = run(v.advance(T0 + 150))
    expect(cancelled.updates.map((x) => [x.state, x.timeMs])).toEqual([["cancelled", T0 + 150]])
    expect(run(v.openOrders)).toEqual([])
  })

  it("is deterministic for a seed: same seed, same fills; another seed, other arrival times", () => {
    const session = (seed: number) => {
      const v = venueOf({ seed, latency: { orderMs: 10, jitterMs: 1_000 } }, { quotes: "mark" })
      const fills: Array<Venue.Fill> = []
      run(v.observe(mark(50_000)))
      for (let k = 0; k < 5; k++) run(v.place(order({ clientOrderId: `s${k}`, quantity: k + 1 })))
      for (let t = 100; t <= 2_000; t += 100) fills.push(...run(v.observe(mark(50_000 + t, T0 + t))))
      return fills
    }
    const a = session(7), b = session(7), c = session(8)
    expect(a.length).toBe(5)
    expect(a).toEqual(b)
    const times = (fs: ReadonlyArray<Venue.Fill>) => fs.map((f) => f.timeMs)
    expect(times(c)).not.toEqual(times(a))
    for (const f of a) {
      expect(f.timeMs).toBeGreaterThanOrEqual(T0 + 10)
      expect(f.timeMs).toBeLessThan(T0 + 1_010)
      // the price of the last quote before its arrival
      expect(f.price).toBe(50_000 + 100 * Math.floor((f.timeMs - T0) / 100))
    }
  })
})

describe("Paper: rejections", () => {
  const reasonOf = (u: Venue.OrderUpdate) => {
    expect(u.state).toBe("rejected")
    expect(u.filledQuantity).toBe(0)
    return u.reason
  }

  it("refuses at placement what a venue's gateway would", () => {
    const v = venueOf({}, { minimum: 2 })
    run(v.observe(mark(50_000)))
    const cases: Array<[Partial<Venue.OrderRequest>, RegExp]> = [
      [{ symbol: "ETH-PERPETUAL" }, /unknown symbol ETH-PERPETUAL/],
      [{ quantity: 2.5 }, /not a multiple of the lot 1/],
      [{ quantity: 1 }, /below the minimum 2/],
      [{ quantity: 2, type: "limit", limitPrice: 50_000.3 }, /not on the tick 0.5/],
      [{ quantity: 2, type: "limit" }, /needs a limit price/],
      [{ quantity: 2, postOnly: true }, /post-only market order/]
    ]
    for (const [o, reason] of cases) expect(reasonOf(run(v.place(order(o))))).toMatch(reason)
    expect(run(v.place(order({ quantity: 2, type: "limit", limitPrice: 50_000.5 }))).state).toBe("filled")
  })

  it("checks the tick schedule's steps", () => {
    const v = Paper.make({ instruments: [{ instrument: call, lot: 0.1, tick: { tick: 0.0001, steps: [{ abovePrice: 0.005, tick: 0.0005 }] } }] })
    run(v.observe(optionQuote(0.0095, 0.0105, 0.01)))
    expect(reasonOf(run(v.place(order({ symbol: call.symbol, quantity: 0.1, type: "limit", limitPrice: 0.0093 }))))).toMatch(/not on the tick 0.0005/)
    expect(run(v.place(order({ symbol: call.symbol, quantity: 0.1, type: "limit", limitPrice: 0.0032 }))).state).toBe("open")
  })

  it("refuses at the book: no book, post-only crossing, reduce-only increasing, past validUntil, expired", () => {
    const v = venueOf({}, { quotes: "mark", book: { halfSpread: 0.0001 } })
    expect(reasonOf(run(v.place(order())))).toMatch(/no book for BTC-PERPETUAL yet/)
    run(v.observe(mark(50_000)))
    expect(reasonOf(run(v.place(order({ type: "limit", limitPrice: 50_005, postOnly: true }))))).toMatch(/post-only order would cross: limit 50005 against the best ask 50005/)
    expect(run(v.place(order({ type: "limit", limitPrice: 50_004.5, postOnly: true }))).state).toBe("open")
    expect(reasonOf(run(v.place(order({ reduceOnly: true }))))).toMatch(/reduce-only order would increase the position \(0/)
    expect(run(v.place(order({ quantity: 3 }))).state).toBe("filled")
    expect(reasonOf(run(v.place(order({ side: "buy", reduceOnly: true }))))).toMatch(/reduce-only/)
    expect(reasonOf(run(v.place(order({ side: "sell", quantity: 4, reduceOnly: true }))))).toMatch(/reduce-only/)
    expect(run(v.place(order({ side: "sell", quantity: 3, reduceOnly: true }))).state).toBe("filled")

    const slow = venueOf({ latency: { orderMs: 500 } }, { quotes: "mark" })
    run(slow.observe(mark(50_000)))
    const late = run(slow.place(order({ validUntilMs: T0 + 200 })))
    expect(late.state).toBe("open")
    const step = run(slow.step(mark(50_000, T0 + 1_000)))
    expect(step.updates.map((u) => [u.state, u.reason])).toEqual([["rejected", `timed out: reached the book at ${T0 + 500}, after validUntilMs ${T0 + 200}`]])

    const o = Paper.make({ instruments: [{ instrument: call, lot: 0.1 }] })
    run(o.observe(optionQuote(0.001, 0.002, 0.0015)))
    run(o.step({ kind: "settlement", timeMs: call.expiryMs, underlying: "BTC", expiryMs: call.expiryMs, price: 90_000 }))
    expect(reasonOf(run(o.place(order({ symbol: call.symbol, quantity: 0.1 }))))).toMatch(/has expired/)
  })

  it("refuses an order the margin cannot carry, and lets a reducing one through", () => {
    // inverse perpetual, 10 % initial margin: 0.1 × q × 10 / 50 000 = 2e-5 BTC per contract; 0.01 BTC carries < 500
    const v = venueOf({ balances: { BTC: 0.01 } }, { quotes: "mark", initialMargin: 0.1, fees: Costs.deribit.perpetual })
    run(v.observe(mark(50_000)))
    expect(run(v.place(order({ quantity: 400 }))).state).toBe("filled")
    const fee = (0.0005 * 4_000) / 50_000
    const [btc] = run(v.balances)
    expect(btc!.currency).toBe("BTC")
    expect(btc!.total).toBeCloseTo(0.01 - fee, 15)
    expect(btc!.available).toBeCloseTo(0.01 - fee - 0.008, 15)
    expect(reasonOf(run(v.place(order({ quantity: 200 }))))).toMatch(/insufficient margin: 0.01202 BTC needed with this order, equity 0.00996 BTC/)
    // a resting order reserves margin too
    expect(reasonOf(run(v.place(order({ quantity: 100, type: "limit", limitPrice: 40_000 }))))).toMatch(/insufficient margin/)
    // the price falls: the loss leaves the account under water, yet it may still reduce
    run(v.observe(mark(45_000, T0 + 1)))
    expect(run(v.balances)[0]!.available).toBeLessThan(0)
    expect(reasonOf(run(v.place(order({ quantity: 1 }))))).toMatch(/insufficient margin/)
    expect(run(v.place(order({ side: "sell", quantity: 300 }))).state).toBe("filled")
  })

  it("needs the premium for long options and margins short ones", () => {
    const o = Paper.make({ balances: { BTC: 0.05 }, instruments: [{ instrument: call, lot: 0.1, initialMargin: 0.15 }] })
    run(o.observe(optionQuote(0.009, 0.01, 0.0095)))
    // 5 contracts at 0.01 = 0.05 BTC plus the fee: more than the balance
    expect(reasonOf(run(o.place(order({ symbol: call.symbol, quantity: 5 }))))).toMatch(/insufficient margin/)
    expect(run(o.place(order({ symbol: call.symbol, quantity: 4 }))).state).toBe("filled")
    // short 0.3 more than held: 0.15 × 0.3 BTC of margin on top of the long's value: too much
    expect(reasonOf(run(o.place(order({ symbol: call.symbol, side: "sell", quantity: 4.3 }))))).toMatch(/insufficient margin/)
    expect(run(o.place(order({ symbol: call.symbol, side: "sell", quantity: 4 }))).state).toBe("filled")
  })
})

describe("Paper: fees and the account", () => {
  it("charges taker fees in coin for inverse and in the quote currency for linear instruments", () => {
    const v = Paper.make({
      instruments: [
        { instrument: perp, lot: 1, fees: Costs.deribit.perpetual },
        { instrument: linear, lot: 1, fees: { maker: 0.0002, taker: 0.0005 }, currency: "USDT" }
      ]
    })
    run(v.observe(mark(50_000)))
    run(v.observe(mark(50_000, T0, { symbol: "BTCUSDT" })))
    const inv = run(v.place(order({ quantity: 7 }))).fills[0]!
    expect([inv.fee, inv.feeCurrency, inv.liquidity]).toEqual([(0.0005 * 70) / 50_000, "BTC", "taker"])
    const lin = run(v.place(order({ symbol: "BTCUSDT", quantity: 1_000, side: "sell" }))).fills[0]!
    expect(lin.fee).toBeCloseTo(0.0005 * 1 * 50_000, 9)
    expect(lin.feeCurrency).toBe("USDT")
    expect(run(v.balances).map((b) => [b.currency, b.total])).toEqual([["BTC", -inv.fee], ["USDT", -lin.fee]])
  })

  it("caps an option's fee at 12.5 % of its premium (Deribit)", () => {
    const cheap = { ...call, symbol: "BTC-27MAR26-200000-C", strike: 200_000 }
    const o = Paper.make({ instruments: [{ instrument: call, lot: 0.1 }, { instrument: cheap, lot: 0.1 }] })
    run(o.observe(optionQuote(0.049, 0.05, 0.0495)))
    run(o.observe(optionQuote(0.0004, 0.0006, 0.0005, T0, cheap)))
    const dear = run(o.place(order({ symbol: call.symbol, quantity: 2 }))).fills[0]!
    expect(dear.fee).toBeCloseTo(0.0003 * 2, 15)
    const capped = run(o.place(order({ symbol: cheap.symbol, quantity: 2 }))).fills[0]!
    expect(capped.fee).toBeCloseTo(0.125 * 0.0006 * 2, 15)
    expect(capped.fee).toBe(Costs.optionFee(Costs.deribit.options, "taker", 2, 0.0006))
    // premium and fee leave the coin balance
    expect(run(o.balances)[0]!.total).toBeCloseTo(-(2 * 0.05 + dear.fee) - (2 * 0.0006 + capped.fee), 15)
  })

  it("charges a linear option's fee as a rate of the index, in its currency", () => {
    const usdc: Instrument.OptionInstrument = { ...call, symbol: "BTC_USDC-27MAR26-100000-C", settlement: "linear" }
    const o = Paper.make({ instruments: [{ instrument: usdc, lot: 0.01, currency: "USDC" }] })
    run(o.observe(optionQuote(4_900, 5_000, 4_950, T0, usdc)))
    const f = run(o.place(order({ symbol: usdc.symbol, quantity: 1 }))).fills[0]!
    expect([f.fee, f.feeCurrency]).toEqual([Costs.optionFee(Costs.deribit.linearOptions, "taker", 1, 5_000, 1, 100_000), "USDC"])
    expect(f.fee).toBeCloseTo(50, 9)
  })

  it("marks perpetuals to market into the balance, pays funding and settles options", () => {
    const v = Paper.make({ instruments: [{ instrument: perp, lot: 1 }, { instrument: call, lot: 0.1 }] })
    run(v.observe(mark(50_000)))
    const fill = run(v.place(order({ quantity: 10 }))).fills[0]!
    run(v.observe(mark(50_500, T0 + 1)))
    const pnl = 100 * (1 / 50_000 - 1 / 50_500)
    expect(run(v.balances)[0]!.total).toBeCloseTo(pnl - fill.fee, 15)
    run(v.step({ kind: "funding", timeMs: T0 + 2, symbol: PERP, underlying: "BTC", rate: 0.0001, intervalMs: 8 * 3_600_000, mode: "discrete" }))
    const funding = (0.0001 * 100) / 50_500
    expect(run(v.balances)[0]!.total).toBeCloseTo(pnl - fill.fee - funding, 15)
    // continuous funding accrues on the position held, at the last rate
    run(v.step({ kind: "funding", timeMs: T0 + 3, symbol: PERP, underlying: "BTC", rate: 0.0008, intervalMs: 8, mode: "continuous" }))
    run(v.step({ kind: "funding", timeMs: T0 + 5, symbol: PERP, underlying: "BTC", rate: 0, intervalMs: 8, mode: "continuous" }))
    const accrued = (((0.0008 * 2) / 8) * 100) / 50_500
    expect(run(v.balances)[0]!.total).toBeCloseTo(pnl - fill.fee - funding - accrued, 15)
    // a long call paid at expiry
    run(v.observe(optionQuote(0.02, 0.03, 0.025, T0 + 6)))
    const c = run(v.place(order({ symbol: call.symbol, quantity: 1 }))).fills[0]!
    const before = run(v.balances)[0]!.total
    run(v.step({ kind: "settlement", timeMs: call.expiryMs, underlying: "BTC", expiryMs: call.expiryMs, price: 110_000 }))
    expect(run(v.balances)[0]!.total).toBeCloseTo(before + 10_000 / 110_000, 15)
    expect(before).toBeCloseTo(pnl - fill.fee - funding - accrued - 0.03 - c.fee, 15)
    expect(run(v.positions)).toEqual([{ symbol: PERP, quantity: 10 }, { symbol: call.symbol, quantity: 0 }])
  })

  it("trades spot against the index, moving the coin and the quote balances", () => {
    const spot: Instrument.SpotInstrument = { kind: "spot", symbol: "BTC_USDC", underlying: "BTC" }
    const v = Paper.make({ balances: { USDC: 100_000 }, instruments: [{ instrument: spot, lot: 0.0001, fees: { maker: 0, taker: 0.001 }, currency: "USDC", book: { halfSpread: 0.0001 } }] })
    run(v.step({ kind: "index", timeMs: T0, underlying: "BTC", price: 50_000 }))
    const f = run(v.place(order({ symbol: spot.symbol, quantity: 0.5 }))).fills[0]!
    expect(f.price).toBe(50_000 * (1 + 0.0001))
    expect(f.fee).toBeCloseTo(0.001 * 0.5 * f.price, 9)
    expect(run(v.balances).map((b) => [b.currency, b.total])).toEqual([["USDC", 100_000 - 0.5 * f.price - f.fee], ["BTC", 0.5]])
  })

  it("answers a resend of the same client order id with the order it has, not a second order", () => {
    const v = venueOf({}, { quotes: "mark" })
    run(v.observe(mark(50_000)))
    const first = run(v.place(order({ clientOrderId: "same", quantity: 2 })))
    const again = run(v.place(order({ clientOrderId: "same", quantity: 2 })))
    expect(again.state).toBe("filled")
    expect(again.venueOrderId).toBe(first.venueOrderId)
    expect(run(v.positions)[0]!.quantity).toBe(2)
  })
})

describe("Paper: config and layers", () => {
  it("refuses a config it cannot run", () => {
    expect(() => Paper.make({ instruments: [] })).toThrow(/at least one instrument/)
    expect(() => Paper.make({ instruments: [perpSpec(), perpSpec()] })).toThrow(/each symbol once/)
    expect(() => Paper.make({ instruments: [{ instrument: call, lot: 0.1, fees: { maker: 0, taker: 0 } }] })).toThrow(/premiumCap/)
    expect(() => Paper.make({ instruments: [perpSpec({ lot: 0 })] })).toThrow(/lot/)
    expect(() => Paper.make({ instruments: [{ instrument: { kind: "spot", symbol: "BTC", underlying: "BTC" }, lot: 1 }] })).toThrow(/spot has no default/)
    expect(() => Paper.make({ instruments: [perpSpec()], latency: { orderMs: -1 } })).toThrow(/latency.orderMs/)
    const v = Paper.make({ instruments: [perpSpec()] })
    const error = run(Effect.flip(v.setBook("ETH-PERPETUAL", { timeMs: T0, bids: [], asks: [] })))
    expect(error).toBeInstanceOf(Venue.VenueError)
    expect(error.message).toMatch(/paper setBook failed: invalid symbol: got "ETH-PERPETUAL"/)
  })

  it("is provided as a Venue and a MarketFeed by its layer, also from a ConfigProvider", async () => {
    const use = Effect.gen(function*() {
      const feed = yield* Venue.MarketFeed
      const venue = yield* Venue.Venue
      yield* feed.observe(mark(50_000))
      return yield* venue.place(order({ quantity: 3 }))
    })
    const direct = await Effect.runPromise(use.pipe(Effect.provide(Paper.layer({ instruments: [perpSpec()] }))))
    expect(direct.state).toBe("filled")
    const provider = ConfigProvider.fromUnknown({
      paper: {
        name: "cfg",
        instruments: [{ instrument: perp, lot: 1, book: { halfSpread: 0.0001 }, quotes: "mark" }],
        latency: { orderMs: 0 }
      }
    })
    const layer = Paper.layerConfig(Config.schema(Paper.PaperConfig, "paper")).pipe(Layer.provide(ConfigProvider.layer(provider)))
    const viaConfig = await Effect.runPromise(use.pipe(Effect.provide(layer)))
    expect(viaConfig.state).toBe("filled")
    expect(viaConfig.venueOrderId).toBe("cfg-1")
    expect(viaConfig.averagePrice).toBe(50_000 * (1 + 0.0001))
  })
})
