/**
 * Black-Scholes-Merton: European options on a spot S paying a continuous yield q (dividend, or any carry:
 * the forward is F = S·e^{(r−q)T}), discounted at the continuously compounded rate r. Priced through the
 * same cancellation-free normalised Black function as {@link Black76}.
 *
 * Units: prices in the spot's currency per 1 unit of underlying; `vol` decimal per √year; `expiry` in years;
 * `rate` and `dividend` continuously compounded decimals. Greeks hold the spot fixed: `delta` ∂V/∂S; `gamma`
 * ∂²V/∂S²; `vega` ∂V/∂σ per 1.00 of vol; `theta` dV/dt per year of calendar time (= −∂V/∂T, negative for a
 * long call when r ≥ 0 = q); `rho` ∂V/∂r per 1.00; `dividendRho` ∂V/∂q per 1.00.
 *
 * @since 0.1.0
 */
import { BatchStatus, PriceOutOfBounds } from "@hedgekit/sdk"
import type { GreeksColumns, Instrument } from "@hedgekit/sdk"
import { blackGreeksLoop, blackGreeksOne, one } from "./internal/blackKernel.js"
import { impliedBlackVolatility } from "./internal/letsBeRational.js"
import { black } from "./internal/normalisedBlack.js"
import { ABOVE_MAXIMUM, BELOW_INTRINSIC } from "./internal/sentinels.js"
import { blamed, lognormalRow, optionSign, throwIfInvalid, volStatus } from "./internal/validate.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Greeks {
  readonly price: number
  readonly delta: number
  readonly gamma: number
  readonly vega: number
  readonly theta: number
  readonly rho: number
  readonly dividendRho: number
}

/**
 * A chain on a spot, as columns. `isCall[i]` is 1 for a call, 0 for a put.
 *
 * @since 0.1.0
 * @category models
 */
export interface Batch {
  readonly length: number
  readonly isCall: Uint8Array
  readonly spot: Float64Array
  readonly strike: Float64Array
  readonly expiry: Float64Array
  readonly rate: Float64Array
  readonly dividend: Float64Array
  readonly vol: Float64Array
}

/**
 * Output columns of {@link greeksBatch}.
 *
 * @since 0.1.0
 * @category models
 */
export interface GreeksBatchOutput extends GreeksColumns {
  readonly dividendRho: Float64Array
}

const rowStatus = (S: number, K: number, T: number, r: number, d: number): number => {
  const code = lognormalRow(S, K, T, r, BatchStatus.INVALID_SPOT)
  if (code !== 0) return code
  const dt = d * T
  return dt > -700 && dt < 700 ? 0 : BatchStatus.INVALID_DIVIDEND
}

const check = (spot: number, strike: number, expiry: number, rate: number, dividend: number): void => {
  const code = rowStatus(spot, strike, expiry, rate, dividend)
  throwIfInvalid(code, code === BatchStatus.INVALID_DIVIDEND ? dividend : blamed(code, spot, strike, expiry, rate))
}

/**
 * Discounted premium.
 *
 * @since 0.1.0
 * @category pricing
 */
export const price = (
  type: Instrument.OptionType,
  spot: number,
  strike: number,
  expiry: number,
  rate: number,
  dividend: number,
  vol: number
): number => {
  const q = optionSign(type)
  check(spot, strike, expiry, rate, dividend)
  throwIfInvalid(volStatus(vol), vol)
  const df = Math.exp(-rate * expiry)
  const price = df * black(spot * Math.exp((rate - dividend) * expiry), strike, vol, expiry, q)
  // Rounding the forward and the discount factor can put a price at its upper bound one ulp above it.
  return Math.min(price, q > 0 ? spot * Math.exp(-dividend * expiry) : strike * df)
}

/**
 * Price and first-order Greeks (spot held fixed) in one pass.
 *
 * @since 0.1.0
 * @category greeks
 */
export const greeks = (
  type: Instrument.OptionType,
  spot: number,
  strike: number,
  expiry: number,
  rate: number,
  dividend: number,
  vol: number
): Greeks => {
  const q = optionSign(type)
  check(spot, strike, expiry, rate, dividend)
  throwIfInvalid(volStatus(vol), vol)
  blackGreeksOne(q, spot, strike, expiry, rate, dividend, vol)
  return {
    price: one.price[0]!,
    delta: one.delta[0]!,
    gamma: one.gamma[0]!,
    vega: one.vega[0]!,
    theta: one.theta[0]!,
    rho: one.rho[0]!,
    dividendRho: one.dividendRho[0]!
  }
}

/**
 * The volatility that reproduces a discounted premium, to full double precision. Throws `PriceOutOfBounds`
 * outside (discounted intrinsic on the forward, S·e^{−qT} for a call or K·e^{−rT} for a put).
 *
 * @since 0.1.0
 * @category implied volatility
 */
export const impliedVol = (
  type: Instrument.OptionType,
  price: number,
  spot: number,
  strike: number,
  expiry: number,
  rate: number,
  dividend: number
): number => {
  const q = optionSign(type)
  check(spot, strike, expiry, rate, dividend)
  if (!Number.isFinite(price)) throw BatchStatus.toError(BatchStatus.INVALID_PRICE, price)
  const df = Math.exp(-rate * expiry)
  const carry = Math.exp(-dividend * expiry)
  // Bounds in discounted terms, checked before undiscounting so a price exactly at a bound cannot round inside.
  const lower = Math.max(q * (spot * carry - strike * df), 0)
  const upper = q > 0 ? spot * carry : strike * df
  const vol = price <= lower || price >= upper
    ? BELOW_INTRINSIC
    : impliedBlackVolatility(price / df, spot * Math.exp((rate - dividend) * expiry), strike, expiry, q)
  if (vol === BELOW_INTRINSIC || vol === ABOVE_MAXIMUM) throw new PriceOutOfBounds({ price, lower, upper })
  return vol
}

/**
 * Discounted premiums of a chain into `out`, a `BatchStatus` code per row into `status`.
 *
 * @since 0.1.0
 * @category batch
 */
export const priceBatch = (input: Batch, out: Float64Array, status: Uint8Array): void => {
  const { dividend, expiry, isCall, length, rate, spot, strike, vol } = input
  for (let i = 0; i < length; i++) {
    const S = spot[i]!, K = strike[i]!, T = expiry[i]!, r = rate[i]!, d = dividend[i]!, sigma = vol[i]!
    let code = rowStatus(S, K, T, r, d)
    if (code === 0) code = volStatus(sigma)
    status[i] = code
    if (code === 0) {
      const q = isCall[i] === 1 ? 1 : -1
      const df = Math.exp(-r * T)
      out[i] = Math.min(df * black(S * Math.exp((r - d) * T), K, sigma, T, q), q > 0 ? S * Math.exp(-d * T) : K * df)
    } else {
      out[i] = NaN
    }
  }
}

/**
 * Prices and Greeks of a chain into caller-owned columns (allocation-free).
 *
 * @since 0.1.0
 * @category batch
 */
export const greeksBatch = (input: Batch, out: GreeksBatchOutput, status: Uint8Array): void =>
  blackGreeksLoop(
    input.length,
    input.isCall,
    input.spot,
    input.strike,
    input.expiry,
    input.rate,
    input.dividend,
    input.vol,
    0,
    out,
    out.dividendRho,
    status
  )

/**
 * Implied vols of a chain of discounted premiums.
 *
 * @since 0.1.0
 * @category batch
 */
export const impliedVolBatch = (
  input: Omit<Batch, "vol"> & { readonly price: Float64Array },
  out: Float64Array,
  status: Uint8Array
): void => {
  const { dividend, expiry, isCall, length, price, rate, spot, strike } = input
  for (let i = 0; i < length; i++) {
    const S = spot[i]!, K = strike[i]!, T = expiry[i]!, r = rate[i]!, d = dividend[i]!, p = price[i]!
    let code = rowStatus(S, K, T, r, d)
    if (code === 0 && !Number.isFinite(p)) code = BatchStatus.INVALID_PRICE
    let vol = NaN
    if (code === 0) {
      const df = Math.exp(-r * T), carry = Math.exp(-d * T)
      const q = isCall[i] === 1 ? 1 : -1
      vol = p <= Math.max(q * (S * carry - K * df), 0)
        ? BELOW_INTRINSIC
        : p >= (q > 0 ? S * carry : K * df)
        ? ABOVE_MAXIMUM
        : impliedBlackVolatility(p / df, S * Math.exp((r - d) * T), K, T, q)
      if (vol === BELOW_INTRINSIC) code = BatchStatus.BELOW_INTRINSIC
      else if (vol === ABOVE_MAXIMUM) code = BatchStatus.ABOVE_MAXIMUM
      if (code !== 0) vol = NaN
    }
    status[i] = code
    out[i] = vol
  }
}
