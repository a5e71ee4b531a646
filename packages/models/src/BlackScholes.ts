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
import type { GreeksColumns } from "./Black76.js"
import type { Instrument } from "@hedgekit/sdk"
import { blackGreeksLoop, blackGreeksOne, one, oneGreeks } from "./internal/blackKernel.js"
import { impliedBlackVolatilityAt } from "./internal/letsBeRational.js"
import { ABOVE_MAXIMUM, BELOW_INTRINSIC } from "./internal/sentinels.js"
import { CARRY, DISCOUNT, FORWARD, FORWARD_MINUS_STRIKE, LOG_MONEYNESS, spotPrice, spotTerms, terms } from "./internal/spotTerms.js"
import { blamed, checkColumns, lognormalRow, optionSign, outputColumns, throwIfInvalid, volStatus } from "./internal/validate.js"

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
 * A chain of discounted premiums to invert, as columns.
 *
 * @since 0.1.0
 * @category models
 */
export interface ImpliedVolBatch extends Omit<Batch, "vol"> {
  readonly price: Float64Array
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
  const dt = d * T, carry = (r - d) * T
  return dt > -700 && dt < 700 && carry > -700 && carry < 700 ? 0 : BatchStatus.INVALID_DIVIDEND
}

/** Implied vol from {@link terms}: the bounds and the solver see the same undiscounted F, K and intrinsic. */
const spotImpliedVol = (q: number, price: number, S: number, K: number, T: number): number => {
  const F = terms[FORWARD]!, df = terms[DISCOUNT]!, intrinsic = q * terms[FORWARD_MINUS_STRIKE]!
  const undiscounted = price / df
  // Checked in both the discounted terms the caller sees (S·e^{−qT} is exactly S when q = 0) and the
  // undiscounted ones the solver uses, so a price at a bound cannot round its way inside.
  if (price <= df * Math.max(intrinsic, 0) || undiscounted <= Math.max(intrinsic, 0)) return BELOW_INTRINSIC
  if (price >= (q > 0 ? S * terms[CARRY]! : K * df) || undiscounted >= (q > 0 ? F : K)) return ABOVE_MAXIMUM
  return impliedBlackVolatilityAt(undiscounted, F, K, terms[LOG_MONEYNESS]!, intrinsic, T, q)
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
  throwIfInvalid(volStatus(vol, expiry), vol)
  spotTerms(spot, strike, expiry, rate, dividend)
  return spotPrice(q, spot, strike, expiry, vol)
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
  throwIfInvalid(volStatus(vol, expiry), vol)
  blackGreeksOne(q, spot, strike, expiry, rate, dividend, vol)
  return { ...oneGreeks(), dividendRho: one.dividendRho[0]! }
}

/**
 * The attainable range of the discounted price: (intrinsic, upper) with the intrinsic value on the forward,
 * discounted, and the upper bound S·e^{−qT} for a call, K·e^{−rT} for a put.
 *
 * @since 0.1.0
 * @category implied volatility
 */
export const priceBounds = (
  type: Instrument.OptionType,
  spot: number,
  strike: number,
  expiry: number,
  rate: number,
  dividend: number
): { readonly lower: number; readonly upper: number } => {
  const q = optionSign(type)
  check(spot, strike, expiry, rate, dividend)
  spotTerms(spot, strike, expiry, rate, dividend)
  const df = terms[DISCOUNT]!
  return {
    lower: df * Math.max(q * terms[FORWARD_MINUS_STRIKE]!, 0),
    upper: q > 0 ? spot * terms[CARRY]! : strike * df
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
  spotTerms(spot, strike, expiry, rate, dividend)
  const vol = spotImpliedVol(q, price, spot, strike, expiry)
  if (vol === BELOW_INTRINSIC || vol === ABOVE_MAXIMUM) {
    const df = terms[DISCOUNT]!
    throw new PriceOutOfBounds({
      price,
      lower: df * Math.max(q * terms[FORWARD_MINUS_STRIKE]!, 0),
      upper: q > 0 ? spot * terms[CARRY]! : strike * df
    })
  }
  return vol
}

/**
 * Discounted premiums of a chain into `out`, a `BatchStatus` code per row into `status`.
 *
 * @since 0.1.0
 * @category batch
 */
export const priceBatch = (input: Batch, out: Float64Array, status: Uint8Array): void => {
  checkColumns(input.length, { isCall: input.isCall, spot: input.spot, strike: input.strike, expiry: input.expiry, rate: input.rate, dividend: input.dividend, vol: input.vol, out, status })
  const { dividend, expiry, isCall, length, rate, spot, strike, vol } = input
  for (let i = 0; i < length; i++) {
    const S = spot[i]!, K = strike[i]!, T = expiry[i]!, r = rate[i]!, d = dividend[i]!, sigma = vol[i]!
    let code = rowStatus(S, K, T, r, d)
    if (code === 0 && isCall[i]! > 1) code = BatchStatus.INVALID_TYPE
    if (code === 0) code = volStatus(sigma, T)
    status[i] = code
    if (code === 0) {
      spotTerms(S, K, T, r, d)
      out[i] = spotPrice(isCall[i] === 1 ? 1 : -1, S, K, T, sigma)
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
export const greeksBatch = (input: Batch, out: GreeksBatchOutput, status: Uint8Array): void => {
  checkColumns(input.length, { isCall: input.isCall, spot: input.spot, strike: input.strike, expiry: input.expiry, rate: input.rate, dividend: input.dividend, vol: input.vol, status, dividendRho: out.dividendRho, ...outputColumns(out) })
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
}

/**
 * Implied vols of a chain of discounted premiums.
 *
 * @since 0.1.0
 * @category batch
 */
export const impliedVolBatch = (
  input: ImpliedVolBatch,
  out: Float64Array,
  status: Uint8Array
): void => {
  checkColumns(input.length, { isCall: input.isCall, spot: input.spot, strike: input.strike, expiry: input.expiry, rate: input.rate, dividend: input.dividend, price: input.price, out, status })
  const { dividend, expiry, isCall, length, price, rate, spot, strike } = input
  for (let i = 0; i < length; i++) {
    const S = spot[i]!, K = strike[i]!, T = expiry[i]!, r = rate[i]!, d = dividend[i]!, p = price[i]!
    let code = rowStatus(S, K, T, r, d)
    if (code === 0 && isCall[i]! > 1) code = BatchStatus.INVALID_TYPE
    if (code === 0 && !Number.isFinite(p)) code = BatchStatus.INVALID_PRICE
    let vol = NaN
    if (code === 0) {
      spotTerms(S, K, T, r, d)
      vol = spotImpliedVol(isCall[i] === 1 ? 1 : -1, p, S, K, T)
      if (vol === BELOW_INTRINSIC) code = BatchStatus.BELOW_INTRINSIC
      else if (vol === ABOVE_MAXIMUM) code = BatchStatus.ABOVE_MAXIMUM
      if (code !== 0) vol = NaN
    }
    status[i] = code
    out[i] = vol
  }
}
