/**
 * Deribit's conventions for option Greeks and vols (`public/ticker` → `greeks`, `mark_iv`), read and written
 * exactly. Deribit values its options with Black-76 on the option's `underlying_price` (a future or synthetic
 * forward, so delta is the forward delta) at r = `interest_rate` (0), with τ = (expiration − now)/365 days, and
 * reports per 1 contract of 1 coin:
 *
 * | field | meaning |
 * |---|---|
 * | `delta` | ∂V_usd/∂F, coins (not premium-adjusted; the account's `delta_total` uses Δ − mark price) |
 * | `gamma` | ∂²V_usd/∂F², per USD (printed to 5 decimals) |
 * | `vega` | ∂V_usd/∂σ, USD per vol point (0.01) |
 * | `theta` | USD per calendar day: the 1-day decay, or the whole remaining time value if that is smaller (under a day) |
 * | `rho` | USD per 1 % of rate, of the spot Black-Scholes form K·τ·e^{−rτ}·Φ(±d2)/100 (not Black-76's −τV) |
 * | `mark_iv` | percent (62.89 = 0.6289) |
 *
 * Deribit rounds these to 5 decimals; recompute rather than read gamma.
 *
 * @since 0.1.0
 */
import type { Instrument } from "@hedgekit/sdk"
import { InvalidInput } from "@hedgekit/sdk"
import * as ClosedForm from "./ClosedForm.js"
import * as Units from "./Units.js"

/**
 * The `greeks` object of a Deribit ticker, with units.
 *
 * @since 0.1.0
 * @category models
 */
export interface TickerGreeks {
  readonly delta: Units.Delta<"contract">
  readonly gamma: Units.Gamma<"contract">
  readonly vega: Units.Vega<"USD", "perPoint", "contract">
  readonly theta: Units.Theta<"USD", "perDay", "contract">
  readonly rho: Units.Rho<"USD", "perPoint", "contract">
}

/**
 * Inputs as Deribit's ticker has them.
 *
 * @since 0.1.0
 * @category models
 */
export interface TickerInput {
  readonly type: Instrument.OptionType
  /** `underlying_price`, USD. */
  readonly underlyingPrice: number
  readonly strike: number
  /** Years to expiry: (`expiration_timestamp` − now) / (365 × 86 400 000). */
  readonly expiry: number
  /** `interest_rate`, decimal (Deribit: 0). */
  readonly interestRate: number
  /** `mark_iv`, in percent. */
  readonly markIv: number
}

const DAYS_PER_YEAR = 365

/**
 * Vol as a decimal from Deribit's percent (`mark_iv` 62.89 → 0.6289).
 *
 * @since 0.1.0
 * @category conversions
 */
export const volFromPercent = (percent: number): number => {
  if (!(percent > 0 && Number.isFinite(percent))) {
    throw new InvalidInput({ field: "mark_iv", value: percent, expected: "an implied vol in percent, > 0 (62.89 = 62.89 %)" })
  }
  return percent / 100
}

/**
 * Deribit's percent from a decimal vol (0.6289 → 62.89).
 *
 * @since 0.1.0
 * @category conversions
 */
export const volToPercent = (vol: number): number => vol * 100

/**
 * Deribit's theta from a raw theta (per year) and the remaining time value: the 1-day decay θ/365, or, when
 * that would exceed it (under a day to expiry), the whole time value lost by expiry.
 *
 * @since 0.1.0
 * @category conversions
 */
export const tickerTheta = (thetaPerYear: number, timeValue: number): Units.Theta<"USD", "perDay", "contract"> => {
  const day = thetaPerYear / DAYS_PER_YEAR
  return Units.theta(day < 0 && -day > timeValue ? -timeValue : day, "USD", "perDay", "contract")
}

/**
 * The ticker Greeks Deribit would report for these inputs (unrounded).
 *
 * @since 0.1.0
 * @category greeks
 */
export const tickerGreeks = (input: TickerInput): TickerGreeks => {
  const { expiry, interestRate, strike, type, underlyingPrice } = input
  const vol = volFromPercent(input.markIv)
  const g = ClosedForm.black76(type, underlyingPrice, strike, expiry, interestRate, vol)
  const intrinsic = Math.exp(-interestRate * expiry) * Math.max(type === "call" ? underlyingPrice - strike : strike - underlyingPrice, 0)
  return {
    delta: Units.delta(g.delta, "contract"),
    gamma: Units.gamma(g.gamma, "contract"),
    vega: Units.perPoint(Units.vega(g.vega, "USD", "per1", "contract")),
    theta: tickerTheta(g.theta, Math.max(g.price - intrinsic, 0)),
    // K·τ·e^{−rτ}·Φ(θ·d2) = −K·τ·∂V/∂K
    rho: Units.perPoint(Units.rho(-strike * expiry * g.dualDelta, "USD", "per1", "contract"))
  }
}

/**
 * Types a ticker's raw `greeks` object (numbers as received) with Deribit's units.
 *
 * @since 0.1.0
 * @category conversions
 */
export const fromTicker = (greeks: { readonly delta: number; readonly gamma: number; readonly vega: number; readonly theta: number; readonly rho: number }): TickerGreeks => {
  for (const key of ["delta", "gamma", "vega", "theta", "rho"] as const) {
    if (!Number.isFinite(greeks[key])) throw new InvalidInput({ field: `greeks.${key}`, value: greeks[key], expected: "a finite number" })
  }
  return {
    delta: Units.delta(greeks.delta, "contract"),
    gamma: Units.gamma(greeks.gamma, "contract"),
    vega: Units.vega(greeks.vega, "USD", "perPoint", "contract"),
    theta: Units.theta(greeks.theta, "USD", "perDay", "contract"),
    rho: Units.rho(greeks.rho, "USD", "perPoint", "contract")
  }
}

/**
 * Deribit's display price of an option in coin: the USD value ÷ the index.
 *
 * @since 0.1.0
 * @category conversions
 */
export const markPrice = (valueUsd: Units.Value<"USD", "contract">, indexPrice: number): Units.Value<"coin", "contract"> =>
  Units.toCoin(valueUsd, indexPrice)
