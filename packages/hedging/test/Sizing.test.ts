import { readFileSync } from "node:fs"
import { Portfolio } from "@hedgekit/greeks"
import { type Instrument, RebalancePolicy } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Context, Costs, Policies, Sizing } from "../src/index.js"

// The book and market of the repository's example: Deribit BTC options at the first bundled snapshot
// (2025-12-30 17:31 UTC, index 88 524.21 USD).
const { configure, decideOne } = RebalancePolicy
const root = new URL("../../../data/examples/", import.meta.url)
const book = Schema.decodeUnknownSync(Portfolio.Book)(JSON.parse(readFileSync(new URL("book.json", root), "utf8")))
const market = Schema.decodeUnknownSync(Portfolio.Market)(JSON.parse(readFileSync(new URL("market.json", root), "utf8")))
const S = market.underlyings[0]!.index
const optionsOnly: Portfolio.Book = { positions: book.positions.filter((p) => p.instrument.kind === "option") }
const march = market.underlyings[0]!.forwards.find((f) => f.expiryMs === Date.UTC(2026, 2, 27, 8))!

const instruments: ReadonlyArray<readonly [Instrument.Instrument, number]> = [
  [{ kind: "perpetual", symbol: "BTC-PERPETUAL", underlying: "BTC", settlement: "inverse", contractSize: 10 }, 1],
  [{ kind: "perpetual", symbol: "BTC_USDC-PERPETUAL", underlying: "BTC", settlement: "linear", contractSize: 1 }, 0.001],
  [{ kind: "future", symbol: "BTC-27MAR26", underlying: "BTC", settlement: "inverse", contractSize: 10, expiryMs: march.expiryMs }, 1],
  [{ kind: "future", symbol: "BTC_USDC-27MAR26", underlying: "BTC", settlement: "linear", contractSize: 1, expiryMs: march.expiryMs }, 0.001],
  [{ kind: "spot", symbol: "BTC", underlying: "BTC" }, 0.0001]
]

const deltaOf = (b: Portfolio.Book, accounting: Portfolio.Accounting) => {
  const r = Portfolio.exposure(b, market, accounting)
  expect(r.errors).toEqual([])
  return r.exposures[0]!.delta
}

describe("hedge instruments and sizing", () => {
  for (const accounting of ["usd", "coin"] as const) {
    for (const [instrument, lot] of instruments) {
      if (instrument.kind === "spot" && accounting === "coin") continue
      it(`${accounting} accounting, hedged with ${instrument.symbol}: delta-neutral to within one lot`, () => {
        const D = deltaOf(optionsOnly, accounting)
        const order = Sizing.hedgeOrder(D, instrument, market, accounting, lot)
        const hedged = deltaOf({ positions: [...optionsOnly.positions, { id: "hedge", instrument, quantity: order.quantity }] }, accounting)
        expect(Math.abs(hedged)).toBeLessThanOrEqual(Math.abs(order.unitDelta) * lot / 2 + 1e-12)
        expect(hedged).toBeCloseTo(order.residual, 10)
        expect(Math.sign(order.quantity * order.unitDelta)).toBe(-Math.sign(D))
      })
    }
  }

  it("the units: an inverse contract carries 10/P coins, a linear one P/S, a dated future converts at F/S", () => {
    const [inv, lin, fut, linFut] = instruments.map(([i]) => Sizing.unitDelta(i, market, "usd"))
    expect(inv).toBeCloseTo(10 / S, 15)
    expect(lin).toBe(1)
    expect(fut).toBeCloseTo(10 / march.forward, 15)
    expect(linFut).toBeCloseTo(march.forward / S, 14)
  })

  it("an inverse perpetual's coin exposure Q/S drifts with the price: the same USD position hedges less as it rises", () => {
    const up = { ...market, underlyings: market.underlyings.map((u) => ({ ...u, index: u.index * 1.1 })) }
    const perp = instruments[0]![0]
    expect(Sizing.unitDelta(perp, up, "usd") / Sizing.unitDelta(perp, market, "usd")).toBeCloseTo(1 / 1.1, 14)
  })

  it("spot coin cannot hedge coin accounting: a clear error", () => {
    expect(() => Sizing.unitDelta(instruments[4]![0], market, "coin")).toThrow(/numéraire of coin accounting/)
  })

  it("rounding never flips the hedge's side and leaves at most half a lot (fast-check)", () => {
    fc.assert(fc.property(fc.double({ min: -500, max: 500, noNaN: true }), fc.constantFrom(...instruments), (delta, [instrument, lot]) => {
      const o = Sizing.hedgeOrder(delta, instrument, market, "usd", lot)
      if (o.quantity !== 0) expect(Math.sign(o.quantity * o.unitDelta)).toBe(-Math.sign(delta))
      expect(Math.abs(o.residual)).toBeLessThanOrEqual(Math.max(Math.abs(delta), Math.abs(o.unitDelta) * lot / 2) + 1e-12)
    }))
  })

  it("an option leg pays its premium: coin cash leaves USD accounting's delta, USD cash leaves coin accounting's", () => {
    const option = optionsOnly.positions.find((p) => p.instrument.kind === "option" && p.instrument.optionType === "call")!.instrument as Instrument.OptionInstrument
    const costs = { lot: 0.1, feePerContract: 0.0003, halfSpreadPerContract: 0.0005 }
    const usd = Sizing.optionLeg(option, market, "usd", 0, costs)
    const value = Portfolio.exposure({ positions: [{ id: "o", instrument: option, quantity: 1 }] }, market, "usd").exposures[0]!.value
    expect(usd.cashDelta).toBeCloseTo(-(value + 0.0003 * S) / S, 12)
    expect(usd.cost).toBeCloseTo((0.0003 + 0.0005) * S, 9)
    const coin = Sizing.optionLeg(option, market, "coin", 0, costs)
    expect(coin.cashDelta).toBe(0)
    expect(coin.delta).toBeCloseTo(usd.delta - value / S, 12)
    // from Deribit's schedule: 0.0003 BTC, but never above 12.5 % of a cheap option's premium
    const scheduled = Sizing.optionLeg(option, market, "coin", 0, { lot: 0.1, fees: Costs.deribit.options, halfSpreadPerContract: 0 })
    expect(scheduled.cost).toBeCloseTo(Math.min(0.0003, 0.125 * value / S), 15)
    const far = { ...option, strike: 200_000, symbol: "FAR" }
    const farValue = Portfolio.exposure({ positions: [{ id: "f", instrument: far, quantity: 1 }] }, { ...market, vols: [...(market.vols ?? []), { symbol: "FAR", vol: 0.5 }] }, "coin").exposures[0]!.value
    const capped = Sizing.optionLeg(far, { ...market, vols: [...(market.vols ?? []), { symbol: "FAR", vol: 0.5 }] }, "coin", 0, { lot: 0.1, fees: Costs.deribit.options, halfSpreadPerContract: 0 })
    expect(farValue * 0.125).toBeLessThan(0.0003)
    expect(capped.cost).toBeCloseTo(0.125 * farValue, 15)
    const linear = Sizing.optionLeg({ ...option, settlement: "linear" }, market, "coin", 0, { ...costs, feePerContract: 5 })
    expect(linear.cashDelta).toBeCloseTo((value + 5) / S, 12)
  })
})

describe("pre-trade cost", () => {
  it("an inverse perpetual: taker fee on the USD size in coin, plus half the spread", () => {
    const c = Costs.orderCost({ kind: "future", settlement: "inverse", side: "buy", size: 10_000, mid: 100_000, halfSpread: 0.5, role: "taker", fees: Costs.deribit.perpetual })
    expect(c.currency).toBe("coin")
    expect(c.price).toBe(100_000.5)
    expect(c.fee).toBeCloseTo(0.0005 * 10_000 / 100_000.5, 18)
    expect(c.spread).toBeCloseTo(10_000 / 100_000 - 10_000 / 100_000.5, 18)
    expect(c.proportional).toBeCloseTo((c.fee + c.spread) / 0.1, 15)
    expect(c.proportional).toBeCloseTo(0.0005 + 0.5 / 100_000, 8)
  })

  it("an option walked through the recorded Deribit book: 3 contracts at a VWAP of 0.11208 BTC, fee 0.0009 BTC", () => {
    const asks: Costs.Levels = [[0.0955, 0.5], [0.108, 1], [0.12, 1], [0.121, 2.1], [0.25, 12]]
    const mid = (0.0955 + 0.0895) / 2
    const c = Costs.orderCost({ kind: "option", settlement: "inverse", side: "buy", size: 3, mid, levels: asks, role: "taker", fees: Costs.deribit.options })
    expect(c.price).toBeCloseTo((0.5 * 0.0955 + 1 * 0.108 + 1 * 0.12 + 0.5 * 0.121) / 3, 15)
    expect(c.fee).toBeCloseTo(0.0009, 12)
    expect(c.spread).toBeCloseTo(3 * (c.price - mid), 12)
    expect(c.impact).toBe(0)
    // beyond the visible 16.6 contracts: an error, or square-root impact when a model is given
    expect(() => Costs.orderCost({ kind: "option", settlement: "inverse", side: "buy", size: 20, mid, levels: asks, role: "taker", fees: Costs.deribit.options })).toThrow(/visible 16\.6/)
    const deep = Costs.orderCost({ kind: "option", settlement: "inverse", side: "buy", size: 20, mid, levels: asks, role: "taker", fees: Costs.deribit.options, impact: { dailyVolume: 100, dailyVol: 0.2 } })
    expect(deep.impact).toBeGreaterThan(0)
    expect(deep.price).toBeGreaterThan(Costs.walkBook(asks, 16.6).vwap)
  })
})

describe("a policy on the example book", () => {
  const setup = Schema.decodeUnknownSync(Context.HedgeSetup)({
    accounting: "usd",
    hedge: { instrument: instruments[0]![0], lot: 1, fees: Costs.deribit.perpetual, halfSpread: 0.25 }
  })

  it("takes the book's hedge position from the book and excludes it from the exposure it hedges", () => {
    const ctx = Context.contextOf(book, market, setup)
    const all = deltaOf(book, "usd")
    expect(ctx.book.delta + ctx.hedge.delta).toBeCloseTo(all, 10)
    expect(ctx.hedge.delta).toBeCloseTo(-1500 * 10 / S, 12)
    expect(ctx.hedge.cost).toBeCloseTo(0.0005 + 0.25 / S, 8)
    expect(ctx.vol).toBeGreaterThan(0.3)
    expect(ctx.vol).toBeLessThan(0.8)
  })

  it("after the decision, the book is within the band (or one lot of it)", () => {
    const unhedged = { ...book, positions: book.positions.filter((p) => p.instrument.symbol !== "BTC-PERPETUAL") }
    // γ 1e-3 per USD: the book's −1.35 BTC is outside the ±0.85 BTC band
    const policy = configure(Policies.whalleyWilmott, { riskAversion: 1e-3 })
    const d = decideOne(policy, Context.contextOf(unhedged, market, setup))
    expect(d.action).toBe("trade")
    const q = d.orders[0]!.side === "buy" ? d.orders[0]!.quantity : -d.orders[0]!.quantity
    const after = { ...unhedged, positions: [...unhedged.positions, { id: "perp", instrument: instruments[0]![0], quantity: q }] }
    const again = decideOne(policy, Context.contextOf(after, market, setup))
    expect(again.action).toBe("hold")
  })

  it("rejects a hedge position given twice", () => {
    expect(() => Context.contextOf(book, market, { ...setup, hedge: { ...setup.hedge, position: 0 } })).toThrow(/given once/)
  })
})
