/**
 * Bachelier (normal model): European options on a forward F that moves with an absolute volatility σ —
 * price units per √year, not a fraction — discounted at the continuously compounded rate r. Forward and strike
 * may be zero or negative (spreads, rates, funding).
 *
 * Units: prices in the forward's currency per 1 unit of underlying; `vol` absolute (20 = 20 price units per
 * √year); `expiry` in years. Greeks hold F fixed: `delta` ∂V/∂F; `gamma` ∂²V/∂F²; `vega` ∂V/∂σ per 1 unit of
 * absolute vol; `theta` dV/dt per year of calendar time (= −∂V/∂T); `rho` ∂V/∂r per 1.00 (= −T·V).
 *
 * @since 0.1.0
 */
import { BatchStatus, PriceOutOfBounds } from "@hedgekit/sdk"
import type { GreeksColumns } from "./Black76.js"
import type { EuropeanBatch, Instrument } from "@hedgekit/sdk"
import { bachelier, impliedNormalVolatility } from "./internal/bachelierKernel.js"
import { greeksInto, greeksRows, priceRows } from "./internal/bachelierRows.js"
import { ABOVE_MAXIMUM, BELOW_INTRINSIC } from "./internal/sentinels.js"
import { blamed, checkColumns, checkGreeksColumns, optionColumns, normalRow, optionSign, throwIfInvalid, volStatus } from "./internal/validate.js"

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
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Batch extends EuropeanBatch {
  readonly vol: Float64Array
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ImpliedVolBatch extends EuropeanBatch {
  readonly price: Float64Array
}

const check = (forward: number, strike: number, expiry: number, rate: number): void => {
  const code = normalRow(forward, strike, expiry, rate)
  throwIfInvalid(code, blamed(code, forward, strike, expiry, rate))
}

/**
 * Discounted premium, full relative precision far out of the money.
 *
 * @since 0.1.0
 * @category pricing
 */
export const price = (
  type: Instrument.OptionType,
  forward: number,
  strike: number,
  expiry: number,
  rate: number,
  vol: number
): number => {
  const q = optionSign(type)
  check(forward, strike, expiry, rate)
  throwIfInvalid(volStatus(vol, expiry), vol)
  return Math.exp(-rate * expiry) * bachelier(forward, strike, vol, expiry, q)
}

const scratch: GreeksColumns = {
  price: new Float64Array(1),
  delta: new Float64Array(1),
  gamma: new Float64Array(1),
  vega: new Float64Array(1),
  theta: new Float64Array(1),
  rho: new Float64Array(1)
}

/**
 * Price and first-order Greeks in one pass.
 *
 * @since 0.1.0
 * @category greeks
 */
export const greeks = (
  type: Instrument.OptionType,
  forward: number,
  strike: number,
  expiry: number,
  rate: number,
  vol: number
): Greeks => {
  const q = optionSign(type)
  check(forward, strike, expiry, rate)
  throwIfInvalid(volStatus(vol, expiry), vol)
  greeksInto(q, forward, strike, expiry, rate, vol, scratch, 0)
  return {
    price: scratch.price[0]!,
    delta: scratch.delta[0]!,
    gamma: scratch.gamma[0]!,
    vega: scratch.vega[0]!,
    theta: scratch.theta[0]!,
    rho: scratch.rho[0]!
  }
}

/**
 * The attainable range of the discounted price: (discounted intrinsic value, +∞); the normal model has no
 * finite upper bound.
 *
 * @since 0.1.0
 * @category implied volatility
 */
export const priceBounds = (
  type: Instrument.OptionType,
  forward: number,
  strike: number,
  expiry: number,
  rate: number
): { readonly lower: number; readonly upper: number } => {
  const q = optionSign(type)
  check(forward, strike, expiry, rate)
  return { lower: Math.exp(-rate * expiry) * Math.max(q * (forward - strike), 0), upper: Infinity }
}

/**
 * The absolute (normal) volatility that reproduces a discounted premium, to full double precision (Jäckel's
 * "Implied Normal Volatility"). Throws `PriceOutOfBounds` at or below the discounted intrinsic value; the
 * normal model has no finite upper bound.
 *
 * @since 0.1.0
 * @category implied volatility
 */
export const impliedVol = (
  type: Instrument.OptionType,
  price: number,
  forward: number,
  strike: number,
  expiry: number,
  rate: number
): number => {
  const q = optionSign(type)
  check(forward, strike, expiry, rate)
  if (!Number.isFinite(price)) throw BatchStatus.toError(BatchStatus.INVALID_PRICE, price)
  const df = Math.exp(-rate * expiry)
  const vol = impliedNormalVolatility(price / df, forward, strike, expiry, q)
  if (vol === BELOW_INTRINSIC || vol === ABOVE_MAXIMUM) {
    throw new PriceOutOfBounds({ price, lower: df * Math.max(q * (forward - strike), 0), upper: Infinity })
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
  checkColumns(input.length, { ...optionColumns(input), vol: input.vol, out, status })
  priceRows(input, input.vol, 0, out, status)
}

/**
 * Prices and Greeks of a chain into caller-owned columns.
 *
 * @since 0.1.0
 * @category batch
 */
export const greeksBatch = (input: Batch, out: GreeksColumns, status: Uint8Array): void => {
  checkGreeksColumns(input, out, status)
  greeksRows(input, input.vol, 0, out, status)
}

/**
 * Implied normal vols of a chain of discounted premiums.
 *
 * @since 0.1.0
 * @category batch
 */
export const impliedVolBatch = (input: ImpliedVolBatch, out: Float64Array, status: Uint8Array): void => {
  checkColumns(input.length, { ...optionColumns(input), price: input.price, out, status })
  const { expiry, forward, isCall, length, price, rate, strike } = input
  for (let i = 0; i < length; i++) {
    const F = forward[i]!, K = strike[i]!, T = expiry[i]!, r = rate[i]!, p = price[i]!
    let code = normalRow(F, K, T, r)
    if (code === 0 && isCall[i]! > 1) code = BatchStatus.INVALID_TYPE
    if (code === 0 && !Number.isFinite(p)) code = BatchStatus.INVALID_PRICE
    let vol = NaN
    if (code === 0) {
      vol = impliedNormalVolatility(p / Math.exp(-r * T), F, K, T, isCall[i] === 1 ? 1 : -1)
      if (vol === BELOW_INTRINSIC) code = BatchStatus.BELOW_INTRINSIC
      else if (vol === ABOVE_MAXIMUM) code = BatchStatus.ABOVE_MAXIMUM
      if (code !== 0) vol = NaN
    }
    status[i] = code
    out[i] = vol
  }
}
