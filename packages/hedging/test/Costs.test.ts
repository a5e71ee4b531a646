import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Costs } from "../src/index.js"

describe("fees", () => {
  it("Deribit options: 0.0003 BTC per contract, capped at 12.5 % of the premium (a 0.0001 BTC option pays 0.0000125)", () => {
    expect(Costs.optionFee(Costs.deribit.options, "taker", 1, 0.0001)).toBeCloseTo(0.0000125, 15)
    expect(Costs.optionFee(Costs.deribit.options, "taker", -10, 0.05)).toBeCloseTo(0.003, 15)
    expect(Costs.optionFee(Costs.deribit.options, "maker", 0.5, 0.0955)).toBeCloseTo(0.00015, 15)
  })
  it("Deribit perpetual: 5 bp taker on the USD notional, in BTC; none as maker; a weekly future's maker rebate", () => {
    expect(Costs.futureFee(Costs.deribit.perpetual, "taker", "inverse", 10_000, 100_000)).toBeCloseTo(0.00005, 15)
    // USDC linear: options pay 0.05 % of the index as taker, capped at 12.5 % of the premium; perpetuals 0.05 % of notional
    expect(Costs.optionFee(Costs.deribit.linearOptions, "taker", 1, 50, 1, 100_000)).toBeCloseTo(6.25, 12)
    expect(Costs.optionFee(Costs.deribit.linearOptions, "maker", 2, 500, 1, 100_000)).toBeCloseTo(20, 12)
    expect(Costs.futureFee(Costs.deribit.linearPerpetual, "taker", "linear", 0.1, 100_000)).toBeCloseTo(5, 12)
    expect(Costs.futureFee(Costs.deribit.perpetual, "maker", "inverse", 10_000, 100_000)).toBe(0)
    expect(Costs.futureFee(Costs.deribit.weeklyFuture, "maker", "inverse", 10_000, 100_000)).toBeCloseTo(-0.00001, 15)
    expect(Costs.futureFee({ maker: 0, taker: 0.0005 }, "taker", "linear", 0.5, 100_000)).toBeCloseTo(25, 12)
  })
})

describe("walking a real order book", () => {
  // Deribit BTC-15JAN21-28000-C on 2020-12-31 03:18:50 UTC (a public/get_order_book response recorded in a public
  // client's tests): asks and bids in BTC per contract, sizes in contracts.
  const asks: Costs.Levels = [[0.0955, 0.5], [0.108, 1], [0.12, 1], [0.121, 2.1], [0.25, 12]]
  const bids: Costs.Levels = [[0.0895, 23.4], [0.051, 0.5], [0.001, 1]]

  it("buys 3 contracts at the volume-weighted 0.11208 BTC, reaching the 0.121 level", () => {
    const w = Costs.walkBook(asks, 3)
    expect(w.vwap).toBeCloseTo((0.5 * 0.0955 + 1 * 0.108 + 1 * 0.12 + 0.5 * 0.121) / 3, 15)
    expect(w.worst).toBe(0.121)
    expect(w.unfilled).toBe(0)
  })
  it("says what the visible book cannot fill", () => {
    const w = Costs.walkBook(bids, 30)
    expect(w.filled).toBeCloseTo(24.9, 12)
    expect(w.unfilled).toBeCloseTo(5.1, 12)
  })
  it("square-root impact beyond it: 1 % of daily volume at 3 % daily vol is 0.3 % of the price", () => {
    expect(Costs.squareRootImpact(100, 10_000, 0.03)).toBeCloseTo(0.003, 15)
  })
})

describe("rounding", () => {
  // Deribit BTC options: tick 0.0001 BTC, 0.0005 above 0.005.
  const ticks: Costs.Ticks = { tick: 0.0001, steps: [{ abovePrice: 0.005, tick: 0.0005 }] }
  it("uses Deribit's tick steps and rounds a buy up, a sell down", () => {
    expect(Costs.tickAt(ticks, 0.004)).toBe(0.0001)
    expect(Costs.tickAt(ticks, 0.0051)).toBe(0.0005)
    expect(Costs.roundPrice(ticks, 0.01234, "buy")).toBe(0.0125)
    expect(Costs.roundPrice(ticks, 0.01234, "sell")).toBe(0.012)
    expect(Costs.roundPrice(ticks, 0.00123, "buy")).toBe(0.0013)
    expect(Costs.roundPrice(ticks, 0.0125, "sell")).toBe(0.0125)
  })
  it("a BTC-PERPETUAL hedge of q BTC is round(q·S/10)·10 USD; a remainder too small to send is kept as residual", () => {
    const S = 88_524.21, q = -0.1234
    const { order, residual } = Costs.sizeOrder(q * S, 10)
    expect(order).toBe(Math.round((q * S) / 10) * 10)
    expect(order + residual).toBeCloseTo(q * S, 9)
    expect(Costs.sizeOrder(0.04, 0.1)).toEqual({ order: 0, residual: 0.04 })
  })
  it("never flips the sign of a hedge, and order + residual is the desired quantity (fast-check)", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(0.1, 1, 10, 0.001), (desired, lot) => {
        const { order, residual } = Costs.sizeOrder(desired, lot)
        expect(order === 0 || Math.sign(order) === Math.sign(desired)).toBe(true)
        expect(Math.abs(order + residual - desired)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(desired)))
        expect(Math.abs(residual)).toBeLessThanOrEqual(lot / 2 + 1e-9 * Math.max(1, Math.abs(desired)))
      })
    )
  })
  it("refuses a bad size, naming it", () => {
    expect(() => Costs.sizeOrder(1, 0)).toThrow(/lot/)
    expect(() => Costs.walkBook([[0.1, 1]], -1)).toThrow(/size/)
    expect(() => Costs.optionFee(Costs.deribit.options, "taker", 1, -0.1)).toThrow(/premium/)
  })
})
