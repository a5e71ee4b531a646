/**
 * A synthetic tape for the loop's tests (not market data): an hourly index and inverse perpetual from a seeded random
 * walk, BTC 90 000/100 000/110 000 calls and puts every 6 hours with a skewed smile, 8-hourly funding, a settlement
 * at expiry 3 days and 8 hours after the start.
 */
import { Policies } from "@hedgekit/hedging"
import type { Replay } from "@hedgekit/backtest"
import { type MarketEvent, RebalancePolicy } from "@hedgekit/sdk"

export const HOUR = 3_600_000
export const T0 = Date.UTC(2026, 0, 1)
export const EXPIRY = T0 + 3 * 24 * HOUR + 8 * HOUR
export const PERP = "BTC-PERPETUAL"

/**
 * A synthetic tape (not market data): an hourly index and inverse perpetual from a seeded random walk, a 100 000
 * call and put snapshot every 6 hours with a skewed smile, 8-hourly funding, a settlement at expiry.
 */
export const tape = (seed = 11): Array<MarketEvent.MarketEvent> => {
  let x = seed
  const uniform = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    return (x + 0.5) / 4294967296
  }
  const events: Array<MarketEvent.MarketEvent> = []
  let S = 100_000
  for (let t = T0; t <= EXPIRY; t += HOUR) {
    S *= Math.exp(0.01 * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()))
    const basis = 1 + 0.0002 * ((EXPIRY - t) / (24 * HOUR))
    events.push({ kind: "index", timeMs: t, underlying: "BTC", price: S })
    events.push({ kind: "perpetual", timeMs: t, symbol: PERP, underlying: "BTC", mark: S * (1 + 0.0001 * (uniform() - 0.5)) })
    if ((t - T0) % (6 * HOUR) === 0 && t < EXPIRY) {
      for (const strike of [90_000, 100_000, 110_000]) {
        for (const optionType of ["call", "put"] as const) {
          events.push({
            kind: "option", timeMs: t, symbol: `BTC-${strike}-${optionType === "call" ? "C" : "P"}`, underlying: "BTC", optionType, strike,
            expiryMs: EXPIRY, settlement: "inverse", premiumUnit: "coin", mark: 0.01, markVol: 0.5 + 0.1 * (strike / 100_000 - 1) ** 2 + 0.02 * uniform(),
            forward: S * basis, index: S
          })
        }
      }
    }
    if ((t - T0) % (8 * HOUR) === 0 && t > T0) {
      events.push({ kind: "funding", timeMs: t, symbol: PERP, underlying: "BTC", rate: 0.0001 * (uniform() - 0.3), intervalMs: 8 * HOUR, mode: "discrete" })
    }
  }
  events.push({ kind: "settlement", timeMs: EXPIRY, underlying: "BTC", expiryMs: EXPIRY, price: S })
  return events.sort((a, b) => a.timeMs - b.timeMs)
}

export const hedge = { kind: "perpetual", symbol: PERP, underlying: "BTC", settlement: "inverse", contractSize: 10 } as const
export const costs = { lot: 1, fees: { maker: 0, taker: 0.0005 }, halfSpread: 0.00005 }
export const config = (policy = RebalancePolicy.configure(Policies.timeInterval, { intervalMinutes: 60, alignToUtc: false })): Replay.ReplayConfig => ({
  legs: [{ symbol: "BTC-100000-C", quantity: -5 }, { symbol: "BTC-100000-P", quantity: -5 }],
  openMs: T0,
  hedge,
  costs,
  policy,
  accounting: "usd",
  spot: "index",
  smile: "sticky-moneyness",
  optionFees: { maker: 0.0003, taker: 0.0003, premiumCap: 0.125 }
})

