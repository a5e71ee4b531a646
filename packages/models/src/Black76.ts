/**
 * Black (1976): European options on a forward F with lognormal volatility, discounted at a continuously
 * compounded rate r. The model Deribit marks its options with (F = the option's `underlying_price`, r = 0).
 *
 * Units: prices in the forward's currency per 1 unit of underlying; `vol` decimal per √year (0.5 = 50 %);
 * `expiry` in years; `rate` continuously compounded decimal. Greeks: `delta` ∂V/∂F; `gamma` ∂²V/∂F²;
 * `vega` ∂V/∂σ per 1.00 of vol; `theta` dV/dt per year of calendar time, F and r fixed (= −∂V/∂T);
 * `rho` ∂V/∂r per 1.00, F fixed (= −T·V).
 *
 * Scalar functions throw `InvalidInput` / `PriceOutOfBounds`; batch functions write a `BatchStatus` code per row.
 *
 * @since 0.1.0
 */
import { BatchStatus, PriceOutOfBounds } from "@hedgekit/sdk"
import type { EuropeanBatch, GreeksColumns as SdkGreeksColumns, Instrument } from "@hedgekit/sdk"
import { wasmFrame, wasmGreeksOne } from "./internal/black76Wasm.js"
import { blackGreeksOne, oneGreeks } from "./internal/blackKernel.js"
import { greeksRows, priceRows } from "./internal/black76Rows.js"
import { impliedBlackVolatility } from "./internal/letsBeRational.js"
import { black } from "./internal/normalisedBlack.js"
import { ABOVE_MAXIMUM, BELOW_INTRINSIC } from "./internal/sentinels.js"
import { blamed, checkColumns, checkGreeksColumns, optionColumns, lognormalRow, optionSign, throwIfInvalid, volStatus } from "./internal/validate.js"

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
 * Caller-owned output columns of the `greeksBatch` functions of every model here: the SDK's columns, with
 * vega always written.
 *
 * @since 0.1.0
 * @category models
 */
export interface GreeksColumns extends SdkGreeksColumns {
  readonly vega: Float64Array
}

/**
 * A chain to value: the option columns plus each row's vol.
 *
 * @since 0.1.0
 * @category models
 */
export interface Batch extends EuropeanBatch {
  readonly vol: Float64Array
}

/**
 * A chain of prices to invert: the option columns plus each row's discounted price.
 *
 * @since 0.1.0
 * @category models
 */
export interface ImpliedVolBatch extends EuropeanBatch {
  readonly price: Float64Array
}

const check = (forward: number, strike: number, expiry: number, rate: number): void => {
  const code = lognormalRow(forward, strike, expiry, rate, BatchStatus.INVALID_FORWARD)
  throwIfInvalid(code, blamed(code, forward, strike, expiry, rate))
}

/**
 * Discounted Black-76 premium, full relative precision down to 1e-300 in the wings.
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
  return Math.exp(-rate * expiry) * black(forward, strike, vol, expiry, q)
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
  // The batch's kernel on one row, so that a scalar call gives the batch's numbers.
  if (!wasmGreeksOne(q, forward, strike, expiry, rate, vol)) blackGreeksOne(q, forward, strike, expiry, rate, undefined, vol)
  return oneGreeks()
}

/**
 * The attainable range of the discounted price: (intrinsic, upper), both discounted.
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
  const df = Math.exp(-rate * expiry)
  return { lower: df * Math.max(q * (forward - strike), 0), upper: df * (q > 0 ? forward : strike) }
}

/**
 * The Black volatility that reproduces a discounted premium, to full double precision ("Let's Be Rational":
 * a rational initial guess and two third-order steps). Throws `PriceOutOfBounds` for a price at or below the
 * discounted intrinsic value or at or above the discounted upper bound (F for a call, K for a put).
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
  // Bounds in discounted terms, checked before undiscounting so a price exactly at a bound cannot round inside.
  const lower = df * Math.max(q * (forward - strike), 0)
  const upper = df * (q > 0 ? forward : strike)
  const vol = price <= lower || price >= upper
    ? BELOW_INTRINSIC
    : impliedBlackVolatility(price / df, forward, strike, expiry, q)
  if (vol === BELOW_INTRINSIC || vol === ABOVE_MAXIMUM) throw new PriceOutOfBounds({ price, lower, upper })
  return vol
}

/**
 * Discounted premiums of a chain into `out`; `status[i]` gets a `BatchStatus` code (0 = ok, `out[i]` NaN
 * otherwise).
 *
 * @since 0.1.0
 * @category batch
 */
export const priceBatch = (input: Batch, out: Float64Array, status: Uint8Array): void => {
  checkColumns(input.length, { ...optionColumns(input), vol: input.vol, out, status })
  priceRows(input, input.vol, 0, out, status)
}

/**
 * Prices and Greeks of a chain into caller-owned columns (allocation-free). Runs a WebAssembly SIMD kernel
 * where the runtime has one (otherwise the JavaScript loop: same status codes, values within about 5e-13): columns
 * from {@link makeWasmColumns} are computed in place, any others are copied through staging columns.
 *
 * @since 0.1.0
 * @category batch
 */
export const greeksBatch = (input: Batch, out: GreeksColumns, status: Uint8Array): void => {
  checkGreeksColumns(input, out, status)
  greeksRows(input, input.vol, 0, out, status)
}

/**
 * Delta, gamma and vega of a chain — what a hedge reads at every step — without the price, theta and rho.
 * The numbers and status codes are `greeksBatch`'s bit for bit; where the WebAssembly kernel runs, it skips the
 * second tail Φ(d2), the premium and the premium's cancellation expansions — about half the kernel's work (in the
 * backtest engine's profile the kernel's share of a step fell from 27 % to 14 %). `out.price`, `out.theta` and
 * `out.rho` must be there but their contents afterwards are unspecified (rows the kernel hands to the JavaScript
 * loop get them, others keep what they held).
 *
 * @since 0.1.0
 * @category batch
 */
export const hedgeGreeksBatch = (input: Batch, out: GreeksColumns, status: Uint8Array): void => {
  checkGreeksColumns(input, out, status)
  greeksRows(input, input.vol, 0, out, status, true)
}

/**
 * Implied vols of a chain of discounted premiums into `out`; out-of-range prices get `BELOW_INTRINSIC` /
 * `ABOVE_MAXIMUM` in `status` and NaN in `out`.
 *
 * @since 0.1.0
 * @category batch
 */
export const impliedVolBatch = (input: ImpliedVolBatch, out: Float64Array, status: Uint8Array): void => {
  checkColumns(input.length, { ...optionColumns(input), price: input.price, out, status })
  const { expiry, forward, isCall, length, price, rate, strike } = input
  for (let i = 0; i < length; i++) {
    const F = forward[i]!, K = strike[i]!, T = expiry[i]!, r = rate[i]!, p = price[i]!
    let code = lognormalRow(F, K, T, r, BatchStatus.INVALID_FORWARD)
    if (code === 0 && isCall[i]! > 1) code = BatchStatus.INVALID_TYPE
    if (code === 0 && !Number.isFinite(p)) code = BatchStatus.INVALID_PRICE
    let vol = NaN
    if (code === 0) {
      const df = Math.exp(-r * T)
      const q = isCall[i] === 1 ? 1 : -1
      vol = p <= df * Math.max(q * (F - K), 0)
        ? BELOW_INTRINSIC
        : p >= df * (q > 0 ? F : K)
        ? ABOVE_MAXIMUM
        : impliedBlackVolatility(p / df, F, K, T, q)
      if (vol === BELOW_INTRINSIC) code = BatchStatus.BELOW_INTRINSIC
      else if (vol === ABOVE_MAXIMUM) code = BatchStatus.ABOVE_MAXIMUM
      if (code !== 0) vol = NaN
    }
    status[i] = code
    out[i] = vol
  }
}

/**
 * Columns for {@link greeksBatch} that live in WebAssembly memory, so that the batch copies nothing.
 *
 * @since 0.1.0
 * @category batch
 */
export interface WasmColumns {
  readonly input: Batch
  readonly out: GreeksColumns
  readonly status: Uint8Array
  /** False where there is no WebAssembly SIMD: the columns are then ordinary typed arrays. */
  readonly inWasmMemory: boolean
}

/**
 * Allocates `length` rows of input, output and status columns in a WebAssembly memory of their own, for
 * `greeksBatch(columns.input, columns.out, columns.status)` without copies: fill the inputs in place and read
 * the outputs in place. Every column must come from the same call for the batch to skip the copies; a
 * `length` below the allocated rows and `subarray` views of these columns work too.
 *
 * Lifetime: the memory has a fixed size (it never grows), so the views stay valid for as long as they are
 * reachable, and it is freed with them. Allocate once and reuse: each call reserves a new memory of about
 * 90 bytes per row. Outputs are written as the kernel goes, so views into these columns must not overlap.
 *
 * @since 0.1.0
 * @category batch
 */
export const makeWasmColumns = (length: number): WasmColumns => {
  checkColumns(length, {})
  const frame = wasmFrame(length)
  if (frame !== undefined) {
    const { expiry, forward, isCall, out, rate, status, strike, vol } = frame
    return { input: { length, isCall, forward, strike, expiry, rate, vol }, out, status, inWasmMemory: true }
  }
  const f64 = () => new Float64Array(length)
  return {
    input: { length, isCall: new Uint8Array(length), forward: f64(), strike: f64(), expiry: f64(), rate: f64(), vol: f64() },
    out: { price: f64(), delta: f64(), gamma: f64(), vega: f64(), theta: f64(), rho: f64() },
    status: new Uint8Array(length),
    inWasmMemory: false
  }
}
