/**
 * Heston (1993): stochastic variance, European options on a forward F, discounted at a continuously
 * compounded rate r:
 *
 *   dF/F = √v dW₁,   dv = κ(θ − v)dt + σ√v dW₂,   d⟨W₁, W₂⟩ = ρ dt.
 *
 * Parameters (`Params`): `initialVariance` v₀ > 0, `meanReversion` κ > 0 (per year), `longRunVariance` θ > 0,
 * `volOfVol` σ > 0, `correlation` ρ ∈ (−1, 1). The Feller condition 2κθ ≥ σ² is not required. Units as in
 * `Black76`: prices per 1 unit of underlying, discounted; `expiry` in years; `delta` ∂V/∂F, `gamma` ∂²V/∂F²,
 * `theta` = −∂V/∂T with F and r fixed (per year), `rho` = ∂V/∂r with F fixed (= −T·V). There is no vega (no
 * single vol input).
 *
 * ## Method
 *
 * Characteristic function: X = ln(F_T/F), φ(z) = E[e^{izX}] in the "little trap" form of Albrecher, Mayer,
 * Schoutens & Tistaert (2007, "The little Heston trap", Wilmott Magazine), with every 1/σ² cancelled
 * analytically (so σ → 0 is stable) and the logarithm taken as log1p of a small number. The principal branch
 * is the continuous one on the contour used here; the reference generator checks this on every fixture row
 * (test/fixtures/mpmath/heston_reference.py).
 *
 * Representation: Lewis (2001, "A simple option formula for general jump-diffusion and other exponential Lévy
 * processes"), written here on Im z = −1/2 (the engine moves the line, below), with a Black-76 control variate of total variance
 * W = θT + (v₀ − θ)(1 − e^{−κT})/κ (the expected integrated variance):
 *
 *   V/(e^{−rT}√(FK)) = b_BS(x, √W) + (1/π)∫₀^∞ Re[e^{iux}(φ_BS − φ)(u − i/2)]/(u² + 1/4) du,   x = ln(F/K),
 *
 * where b_BS is the normalised Black price (`normalisedBlack`, full relative precision in the wings) and
 * φ_BS(u − i/2) = e^{−W(u² + 1/4)/2}. Calls and puts differ only in b_BS (put-call parity on the forward), and
 * the out-of-the-money side is computed: the integral is added to the out-of-the-money Black price and the
 * in-the-money side adds the intrinsic value 2·sinh(|x|/2), so nothing cancels.
 *
 * Why this integrand: φ(0) = φ(−i) = 1 for any martingale, so the poles of 1/(u² + 1/4) at u = ±i/2 cancel in
 * φ_BS − φ; the integrand is analytic in the whole strip |Im u| < a whenever the moments E[e^{pX}] exist for
 * p ∈ [1/2 − a, 1/2 + a]. For a ≤ 1/2 that is always true, and E[e^{pX}] ≤ (E[e^X])^p = 1 there (Jensen).
 *
 * Quadrature: the trapezoidal rule on the real line, u_j = j·h (the integrand is even in u after taking the
 * real part), which converges geometrically for integrands analytic in a strip (Trefethen & Weideman 2014,
 * "The exponentially convergent trapezoidal rule", Thm 5.1). Equally spaced nodes make e^{iu_j x} = (e^{ihx})^j,
 * so many strikes are summed against the same nodes by Horner's rule, with no trigonometry per node.
 *
 * Contour and discretisation error (a priori): the poles of 1/(z² + iz) cancel in φ_BS − φ, so the same
 * integral may be taken on any line Im z = −p inside the strip where the moments m(q) = E[e^{qX}] exist (closed
 * form in real arithmetic, +∞ after the moment explosion time of Andersen & Piterbarg 2007), with no residue where
 * the line crosses −i/2 (Andersen & Lake 2018). The trapezoidal rule on a line whose integrand is analytic for
 * |Im u| < a errs by at most the edge integrals over (e^{2πa/h} − 1) (Trefethen & Weideman 2014, Thm 5.1); with
 * edges q₁ = p − a, q₂ = p + a that is, in units of F,
 *
 *   (E(q₁) + E(q₂)) / (2(e^{2πa/h} − 1)),   E(q) = e^{(q − 1)x}(m(q) + m_BS(q))/√|q(1 − q)|.
 *
 * For each expiry the engine searches a short ladder of edges below 0 and above 1 (started near the distance where
 * the Black-76 moment alone would reach the level that sets the step; a few moments per side), keeps the pair that
 * allows the largest step, sets p = (q₁ + q₂)/2 ∈ [0.05, 0.95] (where the principal branches stay continuous) and
 * solves the bound for h ≤ 5e-12·F over the option's strikes (`internal/hestonFourier.ts`, `chooseContour`).
 * q₁ = 0.1, q₂ = 0.9 is always admissible (m ≤ 1 by Jensen). Long expiries with large σ and ρ > 0 have q₂ near 1
 * and need small steps. A single price builds nodes for its own strike only (the bound grows with e^{(q − 1)x}
 * over the strikes served); a second strike of the same expiry and parameters, and `priceStrikes`, get nodes for
 * every strike within ±4 standard deviations, which later calls on that expiry reuse.
 *
 * Truncation (a posteriori): the nodes stop at the first j where the envelope
 * h·√(K/F)·(|φ_BS| + |φ|)/(π(u_j² + 1/4)), extended by a geometric tail at the observed decay ratio
 * (|φ(u − i/2)| decays like e^{−(v₀ + κθT)√(1−ρ²)u/σ} for large u, so the tail is geometric), is below
 * 5e-12·F at two consecutive nodes. The two budgets together stay well below the 1e-10·F target; measured
 * errors against the 30-digit references are in the README and `test/Heston.test.ts`.
 *
 * Greeks: delta and gamma by differentiating under the integral (factors (1/2 + iu)/F and −(u² + 1/4)/F²), theta
 * from ∂ln φ/∂T = κθB + v₀B′ with the Riccati equation for B′ (control-variate vol held fixed), on nodes built
 * with a 100× tighter budget. Scalar functions throw `InvalidInput` naming the field, and `NoConvergence` if the
 * quadrature would need more than 65,536 nodes; batch functions write `BatchStatus` codes (`INVALID_PARAMS`
 * for a parameter outside its domain).
 *
 * @since 0.1.0
 */
import { definePricingModel } from "@hedgekit/sdk"
import type { Instrument, PricingModel } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import packageJson from "../package.json" with { type: "json" }
import * as Engine from "./internal/hestonModel.js"

/**
 * `{ initialVariance, meanReversion, longRunVariance, volOfVol, correlation }`.
 *
 * @since 0.1.0
 * @category models
 */
export const Params = Schema.Struct({
  initialVariance: Schema.Finite.check(Schema.isGreaterThan(0)),
  meanReversion: Schema.Finite.check(Schema.isGreaterThan(0)),
  longRunVariance: Schema.Finite.check(Schema.isGreaterThan(0)),
  volOfVol: Schema.Finite.check(Schema.isGreaterThan(0)),
  correlation: Schema.Finite.check(Schema.isGreaterThan(-1), Schema.isLessThan(1))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Params = typeof Params.Type

/**
 * Price and Greeks of one option (no vega: the model has no single vol input).
 *
 * @since 0.1.0
 * @category models
 */
export type Greeks = Engine.Greeks

const NAME = "heston"
const FIELDS = Engine.HESTON_FIELDS

/**
 * Discounted Heston price.
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
 * Discounted prices of one expiry's strikes into `out`, sharing one set of characteristic-function
 * evaluations across all of them (the quadrature step is chosen for the whole range of strikes). `isCall[i]`
 * is 1 for a call, 0 for a put; `status[i]` gets a `BatchStatus` code (a bad forward, expiry, rate or
 * parameter marks every row). Rows `0 … length − 1` are written (default: every strike).
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
 * Heston as a `PricingModel`. In `priceBatch` each parameter is one number or a column; consecutive rows with
 * the same expiry and parameters share their characteristic-function evaluations (sort a chain by expiry).
 *
 * @since 0.1.0
 * @category models
 */
export const model: PricingModel<Params> = definePricingModel<Params>({
  name: NAME,
  version: packageJson.version,
  description: "Heston (1993) stochastic variance on the forward; Lewis/Fourier pricing to 1e-10 × F",
  params: Params,
  price: (o, p) => price(o.type, o.forward, o.strike, o.expiry, o.rate, p),
  greeks: (o, p) => greeks(o.type, o.forward, o.strike, o.expiry, o.rate, p),
  priceBatch: (options, params, out, status) => Engine.priceBatch(FIELDS, options, params, out, status)
})
