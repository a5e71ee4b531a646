import type { Instrument } from "@hedgekit/sdk"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Accounting } from "../src/index.js"

const expiryMs = Date.UTC(2026, 2, 27, 8)
const option = (optionType: "call" | "put", strike: number, settlement: "inverse" | "linear" = "inverse"): Instrument.OptionInstrument => ({
  kind: "option", symbol: `BTC-${strike}-${optionType}`, underlying: "BTC", optionType, strike, expiryMs, settlement, multiplier: 1
})
const inversePerp: Instrument.PerpetualInstrument = { kind: "perpetual", symbol: "BTC-PERPETUAL", underlying: "BTC", settlement: "inverse", contractSize: 10 }
const linearPerp: Instrument.PerpetualInstrument = { kind: "perpetual", symbol: "BTCUSDT", underlying: "BTC", settlement: "linear", contractSize: 0.001 }
const spot: Instrument.SpotInstrument = { kind: "spot", symbol: "BTC", underlying: "BTC" }

describe("options", () => {
  it("an inverse call pays max(S − K, 0)/S coin, a put max(K − S, 0)/S; linear ones pay USD", () => {
    const a = Accounting.make({ legs: [option("call", 80_000), option("put", 120_000), option("call", 80_000, "linear")], hedge: inversePerp }, 1)
    Accounting.tradeOption(a, 0, 0, 2, 0.21, 0.21, 0)
    Accounting.tradeOption(a, 0, 1, -1, 0.18, 0.18, 0)
    Accounting.tradeOption(a, 0, 2, 1, 20_500, 20_500, 0)
    expect(a.coin[0]).toBeCloseTo(-0.42 + 0.18, 15)
    expect(a.usd[0]).toBe(-20_500)
    Accounting.settleOption(a, 0, 0, 100_000)
    Accounting.settleOption(a, 0, 1, 100_000)
    Accounting.settleOption(a, 0, 2, 100_000)
    // 2 × 0.2 BTC received, 1 × 1/6 BTC paid; 20 000 USD received
    expect(a.coin[0]).toBeCloseTo(-0.24 + 0.4 - 20_000 / 120_000 * 1.2, 14)
    expect(a.coin[0]).toBeCloseTo(-0.24 + 0.4 - 0.2, 14)
    expect(a.usd[0]).toBe(-500)
    expect([a.legs[0]![0], a.legs[1]![0], a.legs[2]![0]]).toEqual([0, 0, 0])
  })

  it("premiums and fees in the premium's currency; delivery fees capped at 12.5 % of the payoff", () => {
    const a = Accounting.make({ legs: [option("call", 99_000)], hedge: inversePerp }, 1)
    Accounting.tradeOption(a, 0, 0, -2, 0.05, 0.0505, 0.0006)
    expect(a.coin[0]).toBeCloseTo(0.1 - 0.0006, 15)
    expect(a.premiumCoin[0]).toBeCloseTo(0.1, 15)
    expect(a.slippageCoin[0]).toBeCloseTo(0.001, 15) // sold 0.0005 under the mark, twice
    // 0.015 % of the underlying per contract, but the 1 % ITM payoff is 0.0099 BTC: cap 0.00124
    Accounting.settleOption(a, 0, 0, 100_000, 0.00015)
    expect(a.coin[0]).toBeCloseTo(0.1 - 0.0006 - 2 * 0.01 - Math.min(2 * 0.00015, 0.125 * 2 * 0.01), 15)
  })
})

describe("perpetuals, futures and spot", () => {
  it("an inverse perpetual of Q USD pays Q(1/P₀ − 1/P) coin, however many marks in between", () => {
    const a = Accounting.make({ legs: [], hedge: inversePerp }, 2)
    for (const i of [0, 1]) Accounting.tradeHedge(a, i, 1000, 100_000, 100_000, 0)
    Accounting.markHedge(a, 0, 110_000)
    for (const p of [103_000, 97_500, 108_250, 110_000]) Accounting.markHedge(a, 1, p)
    const exact = 10_000 * (1 / 100_000 - 1 / 110_000)
    expect(a.coin[0]).toBeCloseTo(exact, 16)
    expect(a.coin[1]).toBeCloseTo(exact, 16)
    expect(exact).toBeCloseTo(0.00909090909, 11)
  })

  it("a linear perpetual of q coins pays q(P − P₀) USD; fills away from the mark are slippage", () => {
    const a = Accounting.make({ legs: [], hedge: linearPerp }, 1)
    Accounting.tradeHedge(a, 0, 500, 100_010, 100_000, 25) // 0.5 BTC bought 10 above the mark, 25 USD fee
    expect(a.usd[0]).toBeCloseTo(-5 - 25, 10)
    expect(a.slippageUsd[0]).toBeCloseTo(5, 10)
    Accounting.markHedge(a, 0, 90_000)
    expect(a.usd[0]).toBeCloseTo(-5 - 25 - 5_000, 9)
  })

  it("inverse slippage and fees in coin: 10 000 USD bought 10 above a 100 000 mark, taker 5 bp", () => {
    const a = Accounting.make({ legs: [], hedge: inversePerp }, 1)
    Accounting.tradeHedge(a, 0, 1000, 100_010, 100_000, 0.0005 * 10_000 / 100_010)
    expect(a.slippageCoin[0]).toBeCloseTo(10_000 * (1 / 100_000 - 1 / 100_010), 18)
    expect(a.feesCoin[0]).toBeCloseTo(0.00004999500049995, 18)
    expect(a.coin[0]).toBeCloseTo(-a.slippageCoin[0]! - a.feesCoin[0]!, 18)
  })

  it("funding: longs pay a positive rate on their notional, discrete or accrued per millisecond", () => {
    const inv = Accounting.make({ legs: [], hedge: inversePerp }, 2)
    Accounting.tradeHedge(inv, 0, 1000, 100_000, 100_000, 0)
    Accounting.tradeHedge(inv, 1, -1000, 100_000, 100_000, 0)
    for (const i of [0, 1]) Accounting.fundDiscrete(inv, i, 0.0001, 100_000)
    expect(inv.coin[0]).toBeCloseTo(-0.00001, 18)
    expect(inv.coin[1]).toBeCloseTo(0.00001, 18)
    const lin = Accounting.make({ legs: [], hedge: linearPerp }, 1)
    Accounting.tradeHedge(lin, 0, 1000, 100_000, 100_000, 0)
    Accounting.fundDiscrete(lin, 0, 0.0001, 100_000)
    expect(lin.usd[0]).toBeCloseTo(-10, 12)
    // continuous: 0.01 % per 8 h, 4 h of it
    const cont = Accounting.make({ legs: [], hedge: inversePerp }, 1)
    Accounting.tradeHedge(cont, 0, 1000, 100_000, 100_000, 0)
    Accounting.fundContinuous(cont, 0, 0.0001, 8 * 3_600_000, 100_000, 0)
    Accounting.fundContinuous(cont, 0, 0.0001, 8 * 3_600_000, 100_000, 4 * 3_600_000)
    expect(cont.fundingCoin[0]).toBeCloseTo(0.000005, 18)
  })

  it("spot: coins bought move USD into coin", () => {
    const a = Accounting.make({ legs: [], hedge: spot }, 1, { usd: 100_000 })
    Accounting.tradeHedge(a, 0, 0.5, 100_000, 100_000, 5)
    expect(a.coin[0]).toBe(0.5)
    expect(a.usd[0]).toBe(50_000 - 5)
  })

  it("a dated future settles at the delivery price", () => {
    const future: Instrument.FutureInstrument = { kind: "future", symbol: "BTC-27MAR26", underlying: "BTC", settlement: "inverse", contractSize: 10, expiryMs }
    const a = Accounting.make({ legs: [], hedge: future }, 1)
    Accounting.tradeHedge(a, 0, -100, 90_000, 90_000, 0)
    Accounting.settleFuture(a, 0, 87_000)
    expect(a.coin[0]).toBeCloseTo(-1_000 * (1 / 90_000 - 1 / 87_000), 17)
    expect(a.hedge[0]).toBe(0)
  })
})

describe("coin and USD views", () => {
  it("agree with the price path: 1 BTC of collateral shorted as 100 000 USD of inverse perpetual is USD-flat", () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 20_000, max: 300_000, noNaN: true }), { minLength: 1, maxLength: 30 }), (prices) => {
      const a = Accounting.make({ legs: [], hedge: inversePerp }, 1, { coin: 1 })
      Accounting.tradeHedge(a, 0, -10_000, 100_000, 100_000, 0)
      for (const p of prices) {
        Accounting.markHedge(a, 0, p)
        expect(Accounting.equityUsd(a, 0, p, [])).toBeCloseTo(100_000, 6)
        // the coin view of the same account: 100 000 USD worth of coin
        expect(Accounting.equityCoin(a, 0, p, [])).toBeCloseTo(100_000 / p, 12)
      }
    }))
  })

  it("an unhedged short inverse call loses in coin exactly its payoff, and in USD that payoff × S", () => {
    const a = Accounting.make({ legs: [option("call", 100_000)], hedge: inversePerp }, 1)
    Accounting.tradeOption(a, 0, 0, -1, 0.04, 0.04, 0)
    const S = 125_000
    Accounting.settleOption(a, 0, 0, S)
    expect(Accounting.equityCoin(a, 0, S, [0])).toBeCloseTo(0.04 - 0.2, 15)
    expect(Accounting.equityUsd(a, 0, S, [0])).toBeCloseTo((0.04 - 0.2) * S, 9)
  })
})
