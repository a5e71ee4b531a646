/**
 * Venue conventions reproduced from real published payloads. Each payload is one snapshot as the venue sent it
 * (a Deribit ticker / order-book response recorded in public client libraries' tests, and the venues' own
 * documentation examples). A venue stamps its Greeks a moment apart from `timestamp`, `underlying_price` and
 * `mark_iv` and rounds them, so the bars are the printed precision plus that timing: Deribit deltas to ±2 in the
 * 5th decimal, gammas to the 5-decimal rounding, vega/theta/rho to 1e-3 relative (what a few seconds of a
 * 15-day option's clock and a tick of its forward move them by).
 */
import { describe, expect, it } from "vitest"
import { Binance, Bybit, Deribit, Inverse, Okx } from "../src/index.js"

const YEAR_MS = 365 * 86_400_000
const rel = (got: number, want: number) => Math.abs(got / want - 1)

describe("Deribit public/ticker greeks", () => {
  // [instrument, timestamp ms, expiration ms, underlying_price, mark_iv %, reported greeks]
  const payloads = [
    ["BTC-15JAN21-28000-C", 1609384730848, 1610697600000, 29153.69, 87.2, { delta: 0.62396, gamma: 0.00007, vega: 22.57564, theta: -64.77785, rho: 6.46787 }],
    ["BTC-30SEP22-60000-C", 1654161839367, 1664524800000, 30220.5, 67.7, { delta: 0.05785, gamma: 0.00001, vega: 20.05335, theta: -5.65962, rho: 4.91491 }],
    ["ETH-24JUN22-1600-P", 1654247489923, 1656057600000, 1806.5, 86.54, { delta: -0.24537, gamma: 0.00084, vega: 1.36169, theta: -2.81237, rho: -0.28927 }],
    ["BTC-23FEB24-45000-C", 1707627659690, 1708675200000, 48559.14, 46.17, { delta: 0.82809, gamma: 0.00006, vega: 22.55662, theta: -42.9504, rho: 12.04475 }],
    ["BTC-10SEP25-106000-P", 1757433676689, 1757491200000, 110714.7602, 49.22, { delta: -0.01874, gamma: 0.00002, vega: 2.16672, theta: -15.99927, rho: -0.03815 }],
    ["BTC-15SEP26-77000-C", 1789344931096, 1789459200000, 76904.4, 31.2, { delta: 0.47736, gamma: 0.00028, vega: 18.43602, theta: -217.49347, rho: 1.31068 }]
  ] as const

  for (const [name, ts, expiration, underlyingPrice, markIv, reported] of payloads) {
    it(name, () => {
      const strike = Number(name.split("-")[2])
      const g = Deribit.tickerGreeks({
        type: name.endsWith("-C") ? "call" : "put",
        underlyingPrice,
        strike,
        expiry: (expiration - ts) / YEAR_MS,
        interestRate: 0,
        markIv
      })
      expect(Math.abs(g.delta - reported.delta)).toBeLessThanOrEqual(2e-5)
      expect(Math.abs(g.gamma - reported.gamma)).toBeLessThanOrEqual(5.01e-6)
      expect(rel(g.vega, reported.vega)).toBeLessThan(1e-3)
      expect(rel(g.theta, reported.theta)).toBeLessThan(1e-3)
      expect(rel(g.rho, reported.rho)).toBeLessThan(1e-3)
    })
  }

  it("under a day to expiry, theta is the remaining time value, not the 1-day decay", () => {
    const input = { type: "put" as const, underlyingPrice: 110714.7602, strike: 106000, expiry: (1757491200000 - 1757433676689) / YEAR_MS, interestRate: 0, markIv: 49.22 }
    const g = Deribit.tickerGreeks(input)
    expect(g.theta).toBeCloseTo(-15.99, 1) // reported −15.99927; the 1-day decay would be −80.04
  })

  it("reproduces the Tardis row of BTC-9JUN20-9875-P (F 9756.36, iv 62.89, τ 0.0036530)", () => {
    const g = Deribit.tickerGreeks({ type: "put", underlyingPrice: 9756.36, strike: 9875, expiry: 0.003653, interestRate: 0, markIv: 62.89 })
    expect(g.delta).toBeCloseTo(-0.61752, 5)
    expect(g.gamma).toBeCloseTo(0.00103, 5)
    expect(rel(g.vega, 2.24964)).toBeLessThan(1e-4)
    expect(rel(g.theta, -53.05655)).toBeLessThan(1e-4)
  })

  it("types a ticker's greeks and rejects non-numbers", () => {
    const t = Deribit.fromTicker({ delta: 0.62396, gamma: 0.00007, vega: 22.57564, theta: -64.77785, rho: 6.46787 })
    expect(t.vega).toBe(22.57564)
    expect(() => Deribit.fromTicker({ delta: NaN, gamma: 0, vega: 0, theta: 0, rho: 0 })).toThrow(/greeks.delta/)
    expect(Deribit.volFromPercent(62.89)).toBe(0.6289)
    expect(() => Deribit.volFromPercent(0)).toThrow(/mark_iv/)
  })
})

describe("OKX opt-summary", () => {
  it("reproduces the 2024 WebSocket example (BTC-USD-241013-70000-P) to its 10 printed decimals", () => {
    // ts 1728703155650, expiry 2024-10-13 08:00 UTC, fwdPx 62604.6993093463, markVol 0.3675503331; r = 1 %.
    const g = Okx.optSummaryGreeks({
      type: "put", fwdPx: 62604.6993093463, strike: 70000, expiry: (1728806400000 - 1728703155650) / YEAR_MS, rate: 0.01, markVol: 0.3675503331
    })
    const reported = Okx.fromOptSummary({ deltaBS: "-0.9999672034", gammaBS: "0.0000000002", vegaBS: "0.0000114332", delta: "-1.1180902625", gamma: "2.2361957091", vega: "0.0000000001", theta: "0.0000032334" })
    expect(Math.abs(g.deltaBS - reported.deltaBS)).toBeLessThan(5e-10)
    expect(Math.abs(g.delta - reported.delta)).toBeLessThan(5e-10)
    expect(Math.abs(g.gamma - reported.gamma)).toBeLessThan(1e-9)
    expect(Math.abs(g.theta - reported.theta)).toBeLessThan(1e-10) // printed 0.0000032334
    expect(Math.abs(g.gammaBS - reported.gammaBS)).toBeLessThan(1e-10)
    expect(Math.abs(g.vega - reported.vega)).toBeLessThan(1e-10)
    // vegaBS is 4e-4 below Black-76 in this payload (deep in the money, 29 hours out); the other fields match.
    expect(rel(g.vegaBS, reported.vegaBS)).toBeLessThan(1e-3)
  })

  it("the 2022 REST example (BTC-USD-220309-33000-C/P) satisfies the PA relations exactly", () => {
    // S = vegaBS / vega(PA); then gamma(PA) = S·gammaBS − 2·delta(PA) for both rows.
    const S = 0.7089307622132419 / 1.8173851073258973e-5
    for (const [deltaBS, deltaPA, gammaPA] of [
      [0.9857332101544538, 0.8310206676289528, -1.1965483553276135],
      [-0.01426678984554619, -0.014668822072611904, 0.49483062407551576]
    ] as const) {
      const g = Inverse.fromForwardGreeks({ price: (deltaBS - deltaPA) * S, delta: deltaBS, gamma: 1.1933182397798109e-5, vega: 70.89307622132419, theta: 0 }, S, S)
      expect(rel(g.coinDelta, deltaPA)).toBeLessThan(1e-14)
      expect(rel(g.coinGamma, gammaPA)).toBeLessThan(1e-12)
      expect(rel(g.vegaCoin / 100, 1.8173851073258973e-5)).toBeLessThan(1e-14)
    }
  })

  it("rejects a malformed field", () => {
    expect(() => Okx.fromOptSummary({ deltaBS: "", gammaBS: "0", vegaBS: "0", delta: "0", gamma: "0", vega: "0", theta: "0" })).toThrow(/deltaBS/)
  })
})

describe("Bybit and Binance", () => {
  it("Bybit WebSocket example BTC-6JAN23-17500-C: Black-76 on underlyingPrice, gamma and theta × days under a day", () => {
    const g = Bybit.tickerGreeks({ type: "call", underlyingPrice: 16815.1, strike: 17500, expiry: (1672992000000 - 1672917511074) / YEAR_MS, markIv: 0.4896 })
    // The payload's forward is ~0.1 USD off its own greeks (they fit F = 16814.96): 1e-3 relative.
    expect(rel(g.delta, 0.047831)).toBeLessThan(1e-3)
    expect(rel(g.gamma, 0.00021453)).toBeLessThan(1e-3)
    expect(rel(g.vega, 0.81351067)).toBeLessThan(1e-3)
    expect(rel(g.theta, -19.9115368)).toBeLessThan(1e-3)
  })

  it("Binance optionMarkPrice example: Black-Scholes on the index, r = 0", () => {
    for (const [expiration, markIV, reported] of [
      [1763625600000, 0.9408058, { delta: 0.11111964, gamma: 0.00001245, vega: 30.63855919, theta: -164.26702615 }],
      [1763884800000, 0.93310237, { delta: 0.14869196, gamma: 0.00001326, vega: 43.43627792, theta: -172.12148811 }]
    ] as const) {
      const g = Binance.markGreeks({ type: "call", indexPrice: 104334.60217391, strike: 126000, expiry: (expiration - 1762867543321) / YEAR_MS, riskFreeInterest: 0, markIV })
      expect(rel(g.delta, reported.delta)).toBeLessThan(1e-6)
      expect(Math.abs(g.gamma - reported.gamma)).toBeLessThan(5e-9)
      expect(rel(g.vega, reported.vega)).toBeLessThan(1e-6)
      expect(rel(g.theta, reported.theta)).toBeLessThan(1e-6)
    }
  })
})
