/**
 * Kou (2002) double-exponential jump-diffusion: European options on a forward F whose log-returns add to a
 * diffusion with vol σ Poisson jumps (intensity λ per year) that are up-jumps ~ Exp(η₁) with probability p and
 * down-jumps ~ −Exp(η₂) otherwise. Premiums are discounted at r. The jumps are compensated so that F is a
 * martingale: ln(F_T/F) = −(σ²/2 + λζ)·T + σ·W_T + Σ J_i with ζ = E[e^J] − 1 = p·η₁/(η₁ − 1) + (1 − p)·η₂/(η₂ + 1) − 1,
 * finite only for η₁ > 1.
 *
 * Method: Fourier inversion of the closed-form characteristic function (not Kou's Hh-function series, whose
 * alternating sums lose digits), on a contour through the saddle point of the out-of-the-money option (a call
 * above the forward, a put below; in-the-money = intrinsic + out-of-the-money), with the trapezoidal rule. Step
 * and truncation come from rigorous bounds (analyticity strip of the integrand and its Gaussian decay) for an
 * error budget of 2⁻⁵⁴ × the out-of-the-money price; see `internal/jumpFourier.ts`. Measured against 30-digit
 * references (`test/Kou.test.ts`, 180 rows, 1 day – 5 years, ±4 standard deviations, 30 of them at vol 1.5 – 3
 * over 1 – 5 years): ≤ 1e-14 relative where the price is ≥ 1e-3 × F, ≤ 3e-17 × F absolute (7e-14 relative) below.
 * The rounding of the sum, not the bounded discretisation, is what is left; it is bounded to first order with the
 * sum, and an option whose bound exceeds the accuracy bar (never seen with vol ≤ 3 and expiry ≤ 5 years; at the
 * money with vol × √expiry ≳ 2000) is refused with `InvalidInput` on `vol` (`INVALID_VOL` in batches) rather than
 * returned inaccurate. Cost: a few µs per option for expiries of months, up to ~100 µs at one day.
 *
 * Greeks come from the same integral, differentiated under it (analytic, same nodes): delta ∂V/∂F, gamma ∂²V/∂F²,
 * vega ∂V/∂σ of the diffusion vol (= σ·T·F²·gamma), theta = −∂V/∂T (F, r and the parameters fixed), rho = −T·V.
 * Their discretisation is bounded with the same analysis but they are only checked against differences of the
 * price, not against references.
 *
 * Units as in `Black76`; `jumpIntensity` per year, `upRate` η₁ and `downRate` η₂ per unit of log-return (mean
 * jump sizes 1/η₁ and 1/η₂). Domain: vol > 0, jumpIntensity ≥ 0 with at most 700 expected jumps to expiry,
 * upProbability ∈ [0, 1], upRate > 1, downRate > 0, all finite. Scalar functions throw `InvalidInput` naming the
 * field; batches write a `BatchStatus` code per row (`INVALID_VOL` for vol, `INVALID_PARAMS` for the jump
 * parameters). With λ = 0 the functions return Black-76's numbers exactly.
 *
 * @since 0.1.0
 */
import { BatchStatus, definePricingModel } from "@hedgekit/sdk"
import type { BatchParams, EuropeanBatch, GreeksColumns, Instrument, PricingModel } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import packageJson from "../package.json" with { type: "json" }
import type { Greeks } from "./Black76.js"
import { KOU_MAX_JUMPS, kouIntegrals, kouIntegralsOut, kouParamsField } from "./internal/jumpFourier.js"
import { black76GreeksInto, blackOne, paramAt, paramColumn, paramError } from "./internal/jumpParams.js"
import { black } from "./internal/normalisedBlack.js"
import { blamed, checkColumns, lognormalRow, optionColumns, optionSign, throwIfInvalid } from "./internal/validate.js"

/**
 * `{ vol, jumpIntensity, upProbability, upRate, downRate }`: diffusion vol σ > 0 (decimal per √year), jump
 * intensity λ ≥ 0 (per year), probability p ∈ [0, 1] that a jump is up, and the exponential rates η₁ > 1 (up)
 * and η₂ > 0 (down) of the log-jump sizes.
 *
 * @since 0.1.0
 * @category models
 */
export const Params = Schema.Struct({
  vol: Schema.Finite.check(Schema.isGreaterThan(0)),
  jumpIntensity: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)),
  upProbability: Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  upRate: Schema.Finite.check(Schema.isGreaterThan(1)),
  downRate: Schema.Finite.check(Schema.isGreaterThan(0))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Params = typeof Params.Type

const FIELDS = ["", "vol", "jumpIntensity", "upProbability", "upRate", "downRate"] as const

const EXPECTED = [
  "",
  "a volatility > 0 with a finite vol × √expiry",
  `a finite number of jumps per year ≥ 0 with jumpIntensity × expiry ≤ ${KOU_MAX_JUMPS}`,
  "a probability in [0, 1]",
  "a finite rate > 1 (the mean up-jump 1/upRate must be < 1 for a finite forward)",
  "a finite rate > 0"
] as const

/** The expected vol where the sum cannot reach the accuracy bar (not seen with vol ≤ 3, expiry ≤ 5 years). */
const UNSUPPORTED =
  "a vol for which the Fourier sum keeps 1e-12 relative accuracy at this expiry, strike and jump parameters " +
  "(supported: vol ≤ 3 with expiry ≤ 5 years)"

/**
 * Whether an undiscounted price `value` is within the accuracy bar (1e-12 relative, 1e-15 × F absolute below
 * 1e-3 × F) given the sum's rounding bound `rounding` and the amount `clamped` taken off by the no-arbitrage
 * bounds. The bound is first order, node by node: measured against 40-digit references it is 5 to 40 times the
 * error actually made, so it may reach 4 bars; the clamp, which only ever absorbs rounding, one.
 */
const accurate = (value: number, rounding: number, clamped: number, F: number): boolean => {
  const bar = value < 1e-3 * F ? 1e-15 * F : 1e-12 * value
  return rounding <= 4 * bar && clamped <= bar
}

const check = (type: Instrument.OptionType, F: number, K: number, T: number, r: number, p: Params): number => {
  const q = optionSign(type)
  const code = lognormalRow(F, K, T, r, BatchStatus.INVALID_FORWARD)
  throwIfInvalid(code, blamed(code, F, K, T, r))
  const field = kouParamsField(T, p.vol, p.jumpIntensity, p.upProbability, p.upRate, p.downRate)
  if (field !== 0) {
    const value = [0, p.vol, p.jumpIntensity, p.upProbability, p.upRate, p.downRate][field]!
    throw paramError(FIELDS[field]!, value, EXPECTED[field]!)
  }
  return q
}

/** Undiscounted call over the contour's side: F·J + residues (side ≤ 0 adds F, side < 0 subtracts K). */
const callFrom = (side: number, F: number, K: number, J: number): number =>
  side > 0 ? F * J : side < 0 ? F * J + (F - K) : F + F * J

const priceOne = (
  q: number,
  F: number,
  K: number,
  T: number,
  r: number,
  vol: number,
  lambda: number,
  p: number,
  eta1: number,
  eta2: number
): number => {
  const df = Math.exp(-r * T)
  if (lambda === 0) return df * black(F, K, vol, T, q)
  const side = kouIntegrals(F, K, T, vol, lambda, p, eta1, eta2, false)
  const J = kouIntegralsOut[0]!
  const rounding = F * kouIntegralsOut[4]!
  // The out-of-the-money option is F·J itself (sides ±1); the other one adds its intrinsic value.
  let undiscounted: number
  if (side !== 0 && side === q) undiscounted = F * J
  else if (side !== 0) undiscounted = F * J + q * (F - K)
  else undiscounted = q > 0 ? callFrom(0, F, K, J) : F * J + K
  // Rounding cannot take a price past its bounds: intrinsic below, F (call) or K (put) above. NaN (reported
  // as an invalid vol) where the sum's rounding, or the clamp, is beyond the accuracy bar.
  const upper = q > 0 ? F : K
  const value = Math.min(Math.max(undiscounted, Math.max(q * (F - K), 0)), upper)
  return accurate(value, rounding, Math.abs(value - undiscounted), F) ? df * value : NaN
}

const unsupported = (vol: number) => paramError("vol", vol, UNSUPPORTED)

/**
 * Discounted Kou premium.
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
  params: Params
): number => {
  const q = check(type, forward, strike, expiry, rate, params)
  const v = priceOne(q, forward, strike, expiry, rate, params.vol, params.jumpIntensity, params.upProbability, params.upRate, params.downRate)
  if (Number.isNaN(v)) throw unsupported(params.vol)
  return v
}

const out = new Float64Array(6)

const greeksOne = (
  q: number,
  F: number,
  K: number,
  T: number,
  r: number,
  vol: number,
  lambda: number,
  p: number,
  eta1: number,
  eta2: number
): void => {
  if (lambda === 0) {
    black76GreeksInto(q, F, K, T, r, vol)
    out[0] = blackOne.price[0]!
    out[1] = blackOne.delta[0]!
    out[2] = blackOne.gamma[0]!
    out[3] = blackOne.vega[0]!
    out[4] = blackOne.theta[0]!
    out[5] = blackOne.rho[0]!
    return
  }
  const side = kouIntegrals(F, K, T, vol, lambda, p, eta1, eta2, true)
  const J = kouIntegralsOut[0]!, Jd = kouIntegralsOut[1]!, Jg = kouIntegralsOut[2]!, Jt = kouIntegralsOut[3]!
  const df = Math.exp(-r * T)
  const call = callFrom(side, F, K, J)
  // d(F·J)/dF = Jd; the residue F adds 1 to the call's delta on sides ≤ 0.
  const callDelta = Jd + (side > 0 ? 0 : 1)
  let undiscounted: number
  if (side !== 0) undiscounted = side === q ? F * J : F * J + q * (F - K)
  else undiscounted = q > 0 ? call : F * J + K
  const V = accurate(undiscounted, F * kouIntegralsOut[4]!, 0, F) ? df * undiscounted : NaN
  const gamma = (df * Jg) / F
  out[0] = V
  out[1] = df * (q > 0 ? callDelta : callDelta - 1)
  out[2] = gamma
  out[3] = vol * T * F * F * gamma
  out[4] = r * V - df * F * Jt
  out[5] = -T * V
}

/**
 * Price and Greeks (analytic, from the same Fourier integral): `{ price, delta, gamma, vega, theta, rho }`, vega
 * with respect to the diffusion vol.
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
  params: Params
): Greeks => {
  const q = check(type, forward, strike, expiry, rate, params)
  greeksOne(q, forward, strike, expiry, rate, params.vol, params.jumpIntensity, params.upProbability, params.upRate, params.downRate)
  if (Number.isNaN(out[0]!)) throw unsupported(params.vol)
  return { price: out[0]!, delta: out[1]!, gamma: out[2]!, vega: out[3]!, theta: out[4]!, rho: out[5]! }
}

type Column = Float64Array | undefined
type Columns = readonly [Column, Column, Column, Column, Column]

const columnsOf = (p: BatchParams<Params>, length: number): Columns => [
  paramColumn("vol", p.vol, length),
  paramColumn("jumpIntensity", p.jumpIntensity, length),
  paramColumn("upProbability", p.upProbability, length),
  paramColumn("upRate", p.upRate, length),
  paramColumn("downRate", p.downRate, length)
]

const rowParams = new Float64Array(5)

/** The row's status code; its parameters are left in `rowParams`. */
const rowStatus = (o: EuropeanBatch, p: BatchParams<Params>, c: Columns, i: number): number => {
  const T = o.expiry[i]!
  rowParams[0] = paramAt(c[0], p.vol, i)
  rowParams[1] = paramAt(c[1], p.jumpIntensity, i)
  rowParams[2] = paramAt(c[2], p.upProbability, i)
  rowParams[3] = paramAt(c[3], p.upRate, i)
  rowParams[4] = paramAt(c[4], p.downRate, i)
  let code = lognormalRow(o.forward[i]!, o.strike[i]!, T, o.rate[i]!, BatchStatus.INVALID_FORWARD)
  if (code === 0 && o.isCall[i]! > 1) code = BatchStatus.INVALID_TYPE
  if (code === 0) {
    const field = kouParamsField(T, rowParams[0]!, rowParams[1]!, rowParams[2]!, rowParams[3]!, rowParams[4]!)
    if (field !== 0) code = field === 1 ? BatchStatus.INVALID_VOL : BatchStatus.INVALID_PARAMS
  }
  return code
}

/**
 * Kou (2002) as a `PricingModel` (`price`, analytic `greeks`, `priceBatch`, `greeksBatch`). In batch calls each
 * parameter is one number for every row or a column with each row's value.
 *
 * @since 0.1.0
 * @category models
 */
export const model: PricingModel<Params> = definePricingModel<Params>({
  name: "kou",
  version: packageJson.version,
  description: "Kou (2002) double-exponential jump-diffusion on the forward (compensated); vol decimal per √year",
  params: Params,
  price: (o, p) => price(o.type, o.forward, o.strike, o.expiry, o.rate, p),
  greeks: (o, p) => greeks(o.type, o.forward, o.strike, o.expiry, o.rate, p),
  priceBatch: (options, params, prices, status) => {
    checkColumns(options.length, { ...optionColumns(options), out: prices, status })
    const c = columnsOf(params, options.length)
    for (let i = 0; i < options.length; i++) {
      const code = rowStatus(options, params, c, i)
      const v = code === 0
        ? priceOne(
          options.isCall[i] === 1 ? 1 : -1,
          options.forward[i]!,
          options.strike[i]!,
          options.expiry[i]!,
          options.rate[i]!,
          rowParams[0]!,
          rowParams[1]!,
          rowParams[2]!,
          rowParams[3]!,
          rowParams[4]!
        )
        : NaN
      status[i] = code === 0 && Number.isNaN(v) ? BatchStatus.INVALID_VOL : code
      prices[i] = v
    }
  },
  greeksBatch: (options, params, columns: GreeksColumns, status) => {
    checkColumns(options.length, {
      ...optionColumns(options),
      status,
      "out.price": columns.price,
      "out.delta": columns.delta,
      "out.gamma": columns.gamma,
      "out.vega": columns.vega,
      "out.theta": columns.theta,
      "out.rho": columns.rho
    })
    const c = columnsOf(params, options.length)
    for (let i = 0; i < options.length; i++) {
      const code = rowStatus(options, params, c, i)
      status[i] = code
      if (code === 0) {
        greeksOne(
          options.isCall[i] === 1 ? 1 : -1,
          options.forward[i]!,
          options.strike[i]!,
          options.expiry[i]!,
          options.rate[i]!,
          rowParams[0]!,
          rowParams[1]!,
          rowParams[2]!,
          rowParams[3]!,
          rowParams[4]!
        )
        if (Number.isNaN(out[0]!)) {
          status[i] = BatchStatus.INVALID_VOL
          out.fill(NaN)
        }
      } else out.fill(NaN)
      columns.price[i] = out[0]!
      columns.delta[i] = out[1]!
      columns.gamma[i] = out[2]!
      if (columns.vega !== undefined) columns.vega[i] = out[3]!
      columns.theta[i] = out[4]!
      columns.rho[i] = out[5]!
    }
  }
})
