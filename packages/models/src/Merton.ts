/**
 * Merton (1976) jump-diffusion: European options on a forward F whose log-returns add to a diffusion with vol σ
 * Poisson jumps (intensity λ per year) with normal log-jumps N(μ_J, δ_J²). Premiums are discounted at r.
 *
 * The jumps are compensated so that F is a martingale (the forward stays the expected price at expiry):
 *
 *     ln(F_T/F) = −(σ²/2 + λζ)·T + σ·W_T + Σ_{i ≤ N_T} J_i,   ζ = E[e^J] − 1 = e^{μ_J + δ_J²/2} − 1.
 *
 * Given n jumps F_T is lognormal with forward F_n = F·e^{n(μ_J + δ_J²/2) − λζT} and total variance
 * σ²T + n·δ_J², so the premium is the Poisson-weighted series of Black-76 prices
 *
 *     V = e^{−rT}·Σₙ e^{−λT}(λT)ⁿ/n! · Black(F_n, K, σₙ, T),   σₙ² = σ² + n·δ_J²/T,
 *
 * which is Merton's Σₙ e^{−λ′T}(λ′T)ⁿ/n!·BS(S, K, σₙ, rₙ) with λ′ = λ(1 + ζ), rₙ = r − λζ + n·ln(1 + ζ)/T on the
 * spot S = F·e^{−rT} (the factor (1 + ζ)ⁿ·e^{−λζT} of λ′'s weights is the ratio F_n/F, moved into each term's forward).
 * Each term is the package's Black-76 (normalised Black function, full relative precision in the wings); all terms
 * are positive, so the sum has no cancellation. It stops at the first n where a rigorous bound on the rest
 * (the Poisson tail beyond n times the largest term there: F_j for a call, K for a put) is below 2⁻⁵⁴ of the
 * partial sum: the truncation error is under 5.6e-17 of the price, in the wings too.
 *
 * Greeks are the same series of Black-76 Greeks, term by term (analytic, not differences): delta ∂V/∂F, gamma
 * ∂²V/∂F², vega ∂V/∂σ of the diffusion vol (= σ·T·F²·gamma), theta = −∂V/∂T with F, r and the model parameters
 * fixed (including the Poisson weights' and the compensator's dependence on T), rho = −T·V.
 *
 * Units as in `Black76`; `jumpIntensity` per year, `jumpMean` and `jumpVol` in log-return units. Domain: vol > 0,
 * jumpIntensity ≥ 0, jumpVol ≥ 0, all finite, and at most 700 expected jumps to expiry (λT, and λ′T, ≤ 700).
 * Scalar functions throw `InvalidInput` naming the field; batches write a `BatchStatus` code per row
 * (`INVALID_VOL` for vol, `INVALID_PARAMS` for the jump parameters). Without jumps (λ = 0, or μ_J = δ_J = 0) the
 * functions return Black-76's numbers exactly.
 *
 * @since 0.1.0
 */
import { BatchStatus, definePricingModel } from "@hedgekit/sdk"
import type { BatchParams, EuropeanBatch, GreeksColumns, Instrument, PricingModel } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import packageJson from "../package.json" with { type: "json" }
import type { Greeks } from "./Black76.js"
import { black76GreeksInto, blackOne, paramAt, paramColumn, paramError } from "./internal/jumpParams.js"
import {
  MERTON_MAX_JUMPS,
  mertonGreeksInto,
  mertonIsBlack,
  mertonOut,
  mertonParamsField,
  mertonUndiscounted
} from "./internal/jumpSeries.js"
import { black } from "./internal/normalisedBlack.js"
import { blamed, checkColumns, lognormalRow, optionColumns, optionSign, throwIfInvalid } from "./internal/validate.js"

/**
 * `{ vol, jumpIntensity, jumpMean, jumpVol }`: diffusion vol σ > 0 (decimal per √year), jump intensity λ ≥ 0
 * (jumps per year), mean μ_J and standard deviation δ_J ≥ 0 of the log-jump.
 *
 * @since 0.1.0
 * @category models
 */
export const Params = Schema.Struct({
  vol: Schema.Finite.check(Schema.isGreaterThan(0)),
  jumpIntensity: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)),
  jumpMean: Schema.Finite,
  jumpVol: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Params = typeof Params.Type

const FIELDS = ["", "vol", "jumpIntensity", "jumpMean", "jumpVol"] as const

const EXPECTED = [
  "",
  "a volatility > 0 with a finite vol × √expiry",
  `a finite number of jumps per year ≥ 0 with jumpIntensity × expiry ≤ ${MERTON_MAX_JUMPS}`,
  `a finite log-jump mean with jumpIntensity × expiry × e^{jumpMean + jumpVol²/2} ≤ ${MERTON_MAX_JUMPS}`,
  `a finite log-jump standard deviation ≥ 0 with jumpIntensity × expiry × e^{jumpMean + jumpVol²/2} ≤ ${MERTON_MAX_JUMPS}`
] as const

const check = (type: Instrument.OptionType, F: number, K: number, T: number, r: number, p: Params): number => {
  const q = optionSign(type)
  const code = lognormalRow(F, K, T, r, BatchStatus.INVALID_FORWARD)
  throwIfInvalid(code, blamed(code, F, K, T, r))
  const field = mertonParamsField(T, p.vol, p.jumpIntensity, p.jumpMean, p.jumpVol)
  if (field !== 0) {
    const value = [0, p.vol, p.jumpIntensity, p.jumpMean, p.jumpVol][field]!
    throw paramError(FIELDS[field]!, value, EXPECTED[field]!)
  }
  return q
}

const priceOne = (q: number, F: number, K: number, T: number, r: number, s: number, l: number, m: number, d: number) =>
  mertonIsBlack(l, m, d) ? Math.exp(-r * T) * black(F, K, s, T, q) : Math.exp(-r * T) * mertonUndiscounted(q, F, K, T, s, l, m, d)

/**
 * Discounted Merton premium.
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
  return priceOne(q, forward, strike, expiry, rate, params.vol, params.jumpIntensity, params.jumpMean, params.jumpVol)
}

const greeksOne = (q: number, F: number, K: number, T: number, r: number, s: number, l: number, m: number, d: number) => {
  if (mertonIsBlack(l, m, d)) {
    black76GreeksInto(q, F, K, T, r, s)
    mertonOut[0] = blackOne.price[0]!
    mertonOut[1] = blackOne.delta[0]!
    mertonOut[2] = blackOne.gamma[0]!
    mertonOut[3] = blackOne.vega[0]!
    mertonOut[4] = blackOne.theta[0]!
    mertonOut[5] = blackOne.rho[0]!
  } else mertonGreeksInto(q, F, K, T, r, s, l, m, d)
}

/**
 * Price and Greeks (analytic, term by term): `{ price, delta, gamma, vega, theta, rho }`, vega with respect to
 * the diffusion vol.
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
  greeksOne(q, forward, strike, expiry, rate, params.vol, params.jumpIntensity, params.jumpMean, params.jumpVol)
  return {
    price: mertonOut[0]!,
    delta: mertonOut[1]!,
    gamma: mertonOut[2]!,
    vega: mertonOut[3]!,
    theta: mertonOut[4]!,
    rho: mertonOut[5]!
  }
}

type Columns = readonly [Float64Array | undefined, Float64Array | undefined, Float64Array | undefined, Float64Array | undefined]

const columnsOf = (p: BatchParams<Params>, length: number): Columns => [
  paramColumn("vol", p.vol, length),
  paramColumn("jumpIntensity", p.jumpIntensity, length),
  paramColumn("jumpMean", p.jumpMean, length),
  paramColumn("jumpVol", p.jumpVol, length)
]

/** The row's status code; the row's parameters are left in `row`. */
const rowStatus = (o: EuropeanBatch, p: BatchParams<Params>, c: Columns, i: number, row: Float64Array): number => {
  const F = o.forward[i]!, K = o.strike[i]!, T = o.expiry[i]!, r = o.rate[i]!
  row[0] = paramAt(c[0], p.vol, i)
  row[1] = paramAt(c[1], p.jumpIntensity, i)
  row[2] = paramAt(c[2], p.jumpMean, i)
  row[3] = paramAt(c[3], p.jumpVol, i)
  let code = lognormalRow(F, K, T, r, BatchStatus.INVALID_FORWARD)
  if (code === 0 && o.isCall[i]! > 1) code = BatchStatus.INVALID_TYPE
  if (code === 0) {
    const field = mertonParamsField(T, row[0], row[1], row[2], row[3])
    if (field !== 0) code = field === 1 ? BatchStatus.INVALID_VOL : BatchStatus.INVALID_PARAMS
  }
  return code
}

const rowParams = new Float64Array(4)

/**
 * Merton (1976) as a `PricingModel` (`price`, analytic `greeks`, `priceBatch`, `greeksBatch`). In batch calls
 * each parameter is one number for every row or a column with each row's value.
 *
 * @since 0.1.0
 * @category models
 */
export const model: PricingModel<Params> = definePricingModel<Params>({
  name: "merton",
  version: packageJson.version,
  description: "Merton (1976) jump-diffusion on the forward (lognormal jumps, compensated); vol decimal per √year",
  params: Params,
  price: (o, p) => price(o.type, o.forward, o.strike, o.expiry, o.rate, p),
  greeks: (o, p) => greeks(o.type, o.forward, o.strike, o.expiry, o.rate, p),
  priceBatch: (options, params, out, status) => {
    checkColumns(options.length, { ...optionColumns(options), out, status })
    const c = columnsOf(params, options.length)
    const row = rowParams
    for (let i = 0; i < options.length; i++) {
      const code = rowStatus(options, params, c, i, row)
      status[i] = code
      out[i] = code === 0
        ? priceOne(
          options.isCall[i] === 1 ? 1 : -1,
          options.forward[i]!,
          options.strike[i]!,
          options.expiry[i]!,
          options.rate[i]!,
          row[0]!,
          row[1]!,
          row[2]!,
          row[3]!
        )
        : NaN
    }
  },
  greeksBatch: (options, params, out: GreeksColumns, status) => {
    checkColumns(options.length, {
      ...optionColumns(options),
      status,
      "out.price": out.price,
      "out.delta": out.delta,
      "out.gamma": out.gamma,
      "out.vega": out.vega,
      "out.theta": out.theta,
      "out.rho": out.rho
    })
    const c = columnsOf(params, options.length)
    const row = rowParams
    for (let i = 0; i < options.length; i++) {
      const code = rowStatus(options, params, c, i, row)
      status[i] = code
      if (code === 0) {
        greeksOne(
          options.isCall[i] === 1 ? 1 : -1,
          options.forward[i]!,
          options.strike[i]!,
          options.expiry[i]!,
          options.rate[i]!,
          row[0]!,
          row[1]!,
          row[2]!,
          row[3]!
        )
      } else mertonOut.fill(NaN)
      out.price[i] = mertonOut[0]!
      out.delta[i] = mertonOut[1]!
      out.gamma[i] = mertonOut[2]!
      if (out.vega !== undefined) out.vega[i] = mertonOut[3]!
      out.theta[i] = mertonOut[4]!
      out.rho[i] = mertonOut[5]!
    }
  }
})
