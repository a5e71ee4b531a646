/**
 * The crash tests' tape and book (synthetic, not market data): BTC near 100 000 USD, a 7-day call and put snapshot at
 * the start, then an index and BTC-PERPETUAL mark every minute for 12 minutes; short 1 call and 0.5 put, hedged to
 * delta-neutral on BTC-PERPETUAL (10-USD contracts) every minute, counted in BTC — so that the hedge the policy wants
 * at the end depends on the market only, not on the prices the venue filled at.
 */
import type { Replay } from "@hedgekit/backtest"
import { Policies } from "@hedgekit/hedging"
import { type MarketEvent, RebalancePolicy } from "@hedgekit/sdk"

export const T0 = Date.UTC(2026, 1, 2, 12)
export const PERP = "BTC-PERPETUAL"
const EXPIRY = T0 + 7 * 86_400_000 - 4 * 3_600_000
export const TICKS = 12

export const crashTape = (): Array<MarketEvent.MarketEvent> => {
  const events: Array<MarketEvent.MarketEvent> = []
  const S0 = 100_000
  events.push({ kind: "index", timeMs: T0, underlying: "BTC", price: S0 })
  events.push({ kind: "perpetual", timeMs: T0, symbol: PERP, underlying: "BTC", mark: S0 })
  for (const optionType of ["call", "put"] as const) {
    events.push({
      kind: "option", timeMs: T0, symbol: `BTC-7D-100000-${optionType === "call" ? "C" : "P"}`, underlying: "BTC", optionType, strike: 100_000,
      expiryMs: EXPIRY, settlement: "inverse", premiumUnit: "coin", mark: 0.03, markVol: 0.55, forward: S0, index: S0
    })
  }
  for (let k = 1; k <= TICKS; k++) {
    // a fixed zig-zag with a drift: every minute a different delta to hedge
    const S = S0 * (1 + 0.004 * Math.sin(1.3 * k) + 0.001 * k)
    events.push({ kind: "index", timeMs: T0 + 60_000 * k, underlying: "BTC", price: S })
    events.push({ kind: "perpetual", timeMs: T0 + 60_000 * k, symbol: PERP, underlying: "BTC", mark: S })
  }
  return events
}

export const crashHedge = { kind: "perpetual", symbol: PERP, underlying: "BTC", settlement: "inverse", contractSize: 10 } as const

export const crashConfig = (): Replay.ReplayConfig => ({
  legs: [{ symbol: "BTC-7D-100000-C", quantity: -1 }, { symbol: "BTC-7D-100000-P", quantity: -0.5 }],
  openMs: T0,
  hedge: crashHedge,
  costs: { lot: 1, fees: { maker: 0, taker: 0.0005 }, halfSpread: 0.0001 },
  policy: RebalancePolicy.configure(Policies.timeInterval, { intervalMinutes: 1, alignToUtc: false }),
  accounting: "coin",
  spot: "index",
  smile: "sticky-strike",
  crossSpread: false
})
