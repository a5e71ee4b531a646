/**
 * Bates (1996): Heston stochastic variance plus Merton lognormal jumps in the forward, compensated so that F
 * stays a martingale:
 *
 *   dF/F = √v dW₁ + (e^J − 1)dN − λk̄ dt,   dv = κ(θ − v)dt + σ√v dW₂,   d⟨W₁, W₂⟩ = ρ dt,
 *   N Poisson with intensity λ, J ~ N(μ_J, δ_J²), k̄ = E[e^J − 1] = e^{μ_J + δ_J²/2} − 1.
 *
 * Parameters (`Params`): the five of `Heston.Params` plus `jumpIntensity` λ ≥ 0 (jumps per year), `jumpMean`
 * μ_J (mean of the log jump size) and `jumpVol` δ_J ≥ 0 (its standard deviation). λ = 0 is Heston.
 *
 * Method: that of `Heston` (see its module docs), with ln φ gaining λT(e^{izμ_J − z²δ_J²/2} − 1 − iz·k̄). The
 * jump part is entire, so the analytic strip of the integrand is still set by the variance process; the
 * moments m(p) in the discretisation bound gain the factor exp(λT(e^{pμ_J + p²δ_J²/2} − 1 − p·k̄)), which is
 * finite for every p (δ_J > 0 makes it grow like e^{p²δ_J²/2}, which then limits the strip width used). The
 * control variate's total variance adds the jump variance λT(μ_J² + δ_J²). |φ| oscillates with the jump factor
 * e^{λT(e^{−u²δ_J²/2}cos(uμ_J) − 1)} (for small δ_J over a long range of u), so the truncation envelope takes that
 * factor at its largest over the rest of the line, cos = 1, rather than where the nodes happen to be. Units,
 * Greeks and errors as in `Heston`.
 *
 * @since 0.1.0
 */
import { definePricingModel } from "@hedgekit/sdk"
import type { Instrument, PricingModel } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import packageJson from "../package.json" with { type: "json" }
import * as Engine from "./internal/hestonModel.js"

/**
 * `{ initialVariance, meanReversion, longRunVariance, volOfVol, correlation, jumpIntensity, jumpMean, jumpVol }`.
 *
 * @since 0.1.0
 * @category models
 */
export const Params = Schema.Struct({
  initialVariance: Schema.Finite.check(Schema.isGreaterThan(0)),
  meanReversion: Schema.Finite.check(Schema.isGreaterThan(0)),
  longRunVariance: Schema.Finite.check(Schema.isGreaterThan(0)),
  volOfVol: Schema.Finite.check(Schema.isGreaterThan(0)),
  correlation: Schema.Finite.check(Schema.isGreaterThan(-1), Schema.isLessThan(1)),
  jumpIntensity: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)),
  jumpMean: Schema.Finite,
  jumpVol: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Params = typeof Params.Type

/**
 * Price and Greeks of one option (no vega).
 *
 * @since 0.1.0
 * @category models
 */
export type Greeks = Engine.Greeks

const NAME = "bates"
const FIELDS = Engine.BATES_FIELDS

/**
 * Discounted Bates price.
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
): number => Engine.price(NAME, FIELDS, type, forward, strike, expiry, rate, params)

/**
 * Price, delta, gamma, theta and rho in one pass.
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
): Greeks => Engine.greeks(NAME, FIELDS, type, forward, strike, expiry, rate, params)

/**
 * Discounted prices of one expiry's strikes, sharing the characteristic-function evaluations (see
 * `Heston.priceStrikes`).
 *
 * @since 0.1.0
 * @category batch
 */
export const priceStrikes = (
  isCall: Uint8Array,
  forward: number,
  strikes: Float64Array,
  expiry: number,
  rate: number,
  params: Params,
  out: Float64Array,
  status: Uint8Array,
  length: number = strikes.length
): void => Engine.priceStrikes(FIELDS, isCall, forward, strikes, expiry, rate, params, out, status, length)

/**
 * Bates as a `PricingModel` (batch parameters: one number or a column each).
 *
 * @since 0.1.0
 * @category models
 */
export const model: PricingModel<Params> = definePricingModel<Params>({
  name: NAME,
  version: packageJson.version,
  description: "Bates (1996): Heston plus compensated Merton lognormal jumps in the forward; Fourier pricing to 1e-10 × F",
  params: Params,
  price: (o, p) => price(o.type, o.forward, o.strike, o.expiry, o.rate, p),
  greeks: (o, p) => greeks(o.type, o.forward, o.strike, o.expiry, o.rate, p),
  priceBatch: (options, params, out, status) => Engine.priceBatch(FIELDS, options, params, out, status)
})
