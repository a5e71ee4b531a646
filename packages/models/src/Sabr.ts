/**
 * SABR (Hagan, Kumar, Lesniewski & Woodward 2002, "Managing smile risk", Wilmott Magazine): the forward F
 * follows dF = α_t·F^β dW₁, dα = ν·α_t dW₂, d⟨W₁,W₂⟩ = ρ dt. This module gives the asymptotic implied vols:
 *
 * - lognormal (Black) vol, with Obłój's (2008, "Fine-tune your smile: correction to Hagan et al.", Wilmott
 *   Magazine) leading term by default, or Hagan's original (`formula: "hagan"`). Both are σ_B = I⁰·(1 + I¹·T)
 *   with
 *     I¹ = (1−β)²α²/(24·(FK)^{1−β}) + ρβνα/(4·(FK)^{(1−β)/2}) + (2 − 3ρ²)ν²/24,
 *     Obłój:  I⁰ = ν·ln(F/K)/x(z),  z = ν·(F^{1−β} − K^{1−β})/(α(1−β))  (ν·ln(F/K)/α for β = 1),
 *     Hagan:  I⁰ = α/((FK)^{(1−β)/2}·(1 + (1−β)²L²/24 + (1−β)⁴L⁴/1920)) · z/x(z),  z = (ν/α)(FK)^{(1−β)/2}·L,
 *   L = ln(F/K) and x(z) = ln((√(1 − 2ρz + z²) + z − ρ)/(1 − ρ));
 * - normal (Bachelier) vol (Hagan et al. 2002, appendix B):
 *     σ_N = α(1−β)(F − K)/(F^{1−β} − K^{1−β}) · ζ/x(ζ) · (1 + [−β(2−β)α²/(24·F_m^{2−2β}) + ρανβ/(4·F_m^{1−β})
 *           + (2 − 3ρ²)ν²/24]·T),  ζ = (ν/α)(F − K)/F_m^β,  F_m = √(FK);
 *   for β = 0 the first factor is α and F, K may be ≤ 0.
 *
 * Every removable singularity (K = F, ν → 0, β → 1) is evaluated through its limit with log1p/expm1 forms, so
 * the formulas hold to a few ulp near the money. Prices are Black-76 (lognormal) or Bachelier (normal) at the
 * SABR vol.
 *
 * Parameters: `alpha` α > 0 (the vol level: lognormal for β = 1, normal for β = 0, in F^{1−β} units),
 * `beta` β ∈ [0, 1], `correlation` ρ ∈ (−1, 1), `volOfVol` ν ≥ 0 (per √year).
 *
 * @since 0.1.0
 */
import { definePricingModel, InvalidInput } from "@hedgekit/sdk"
import type { Instrument, PricingModel } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import packageJson from "../package.json" with { type: "json" }
import * as Bachelier from "./Bachelier.js"
import * as Black76 from "./Black76.js"

/**
 * @since 0.1.0
 * @category models
 */
export const Params = Schema.Struct({
  alpha: Schema.Finite.check(Schema.isGreaterThan(0)),
  beta: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0), Schema.isLessThanOrEqualTo(1)),
  correlation: Schema.Finite.check(Schema.isGreaterThan(-1), Schema.isLessThan(1)),
  volOfVol: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Params = typeof Params.Type

/**
 * Which lognormal expansion: Obłój's corrected leading term (default) or Hagan et al.'s original.
 *
 * @since 0.1.0
 * @category models
 */
export type Formula = "obloj" | "hagan"

const checkParams = (p: Params): void => {
  if (!(p.alpha > 0 && p.alpha < Infinity)) throw new InvalidInput({ field: "alpha", value: p.alpha, expected: "a finite α > 0" })
  if (!(p.beta >= 0 && p.beta <= 1)) throw new InvalidInput({ field: "beta", value: p.beta, expected: "β in [0, 1]" })
  if (!(p.correlation > -1 && p.correlation < 1)) {
    throw new InvalidInput({ field: "correlation", value: p.correlation, expected: "ρ in (−1, 1)" })
  }
  if (!(p.volOfVol >= 0 && p.volOfVol < Infinity)) throw new InvalidInput({ field: "volOfVol", value: p.volOfVol, expected: "a finite ν ≥ 0" })
}

const checkExpiry = (expiry: number): void => {
  if (!(expiry > 0 && expiry < Infinity)) throw new InvalidInput({ field: "expiry", value: expiry, expected: "a time to expiry in years > 0" })
}

/** z/x(z), with x(z) = ln((√(1 − 2ρz + z²) + z − ρ)/(1 − ρ)) written as log1p of a cancellation-free u. */
export const zOverX = (z: number, rho: number): number => {
  // Near 0 (also where z is so small that u would lose bits to underflow): 1 − ρz/2 + (2 − 3ρ²)z²/12 + O(z³).
  if (Math.abs(z) < 1e-6) return 1 - (rho * z) / 2 + ((2 - 3 * rho * rho) * z * z) / 12
  const s = Math.sqrt(1 - 2 * rho * z + z * z)
  const w = (z - 2 * rho) / (s + 1) // (s − 1)/z, since s² − 1 = z(z − 2ρ)
  // z > 0: the argument of the log is 1 + z(w + 1)/(1 − ρ). z < 0: s + z − ρ cancels; by s² − (z − ρ)² = 1 − ρ²
  // it equals (1 − ρ²)/(s − z + ρ), so x = −log1p(−z(1 − w)/(1 + ρ)), with nothing cancelling.
  return z > 0 ? z / Math.log1p((z * (w + 1)) / (1 - rho)) : z / -Math.log1p((-z * (1 - w)) / (1 + rho))
}

/** y/expm1(y), 1 at y = 0. */
const overExpm1 = (y: number): number => (y === 0 ? 1 : y / Math.expm1(y))

/**
 * The SABR lognormal (Black) implied vol at strike K for a forward F and expiry T (years); F, K > 0.
 *
 * @since 0.1.0
 * @category implied vol
 */
export const lognormalVol = (forward: number, strike: number, expiry: number, params: Params, formula: Formula = "obloj"): number => {
  checkParams(params)
  checkExpiry(expiry)
  if (!(forward > 0 && forward < Infinity)) throw new InvalidInput({ field: "forward", value: forward, expected: "a finite forward > 0" })
  if (!(strike > 0 && strike < Infinity)) throw new InvalidInput({ field: "strike", value: strike, expected: "a finite strike > 0" })
  const { alpha, beta, correlation: rho, volOfVol: nu } = params
  const gap = forward - strike
  const L = Math.abs(gap) < 0.5 * strike ? Math.log1p(gap / strike) : Math.log(forward / strike)
  const c = 1 - beta
  // (FK)^{(1−β)/2} = K^{1−β}·e^{(1−β)L/2}
  const fkHalf = Math.pow(strike, c) * Math.exp(0.5 * c * L)
  const i1 = (c * c * alpha * alpha) / (24 * fkHalf * fkHalf) + (rho * beta * nu * alpha) / (4 * fkHalf) + ((2 - 3 * rho * rho) * nu * nu) / 24
  let i0: number
  if (formula === "obloj") {
    // I⁰ = α·(L/q)·(z/x(z)) with q = (F^{1−β} − K^{1−β})/(1−β) = K^{1−β}·expm1((1−β)L)/(1−β) and z = ν·q/α.
    // Far from the money F^{1−β} − K^{1−β} does not cancel and is taken as it stands (expm1 of a rounded L
    // would carry L's rounding, amplified by |L|).
    const direct = Math.abs(c * L) >= 0.5
    const q = c === 0 ? L : direct ? (Math.pow(forward, c) - Math.pow(strike, c)) / c : (Math.pow(strike, c) * Math.expm1(c * L)) / c
    const lOverQ = c === 0 ? 1 : direct ? L / q : overExpm1(c * L) / Math.pow(strike, c)
    i0 = alpha * lOverQ * zOverX((nu * q) / alpha, rho)
  } else {
    const cl2 = c * c * L * L
    const z = (nu / alpha) * fkHalf * L
    i0 = (alpha / (fkHalf * (1 + cl2 / 24 + (cl2 * cl2) / 1920))) * zOverX(z, rho)
  }
  return i0 * (1 + i1 * expiry)
}

/**
 * The SABR normal (Bachelier) implied vol at strike K, price units per √year. β = 0 allows F, K ≤ 0.
 *
 * @since 0.1.0
 * @category implied vol
 */
export const normalVol = (forward: number, strike: number, expiry: number, params: Params): number => {
  checkParams(params)
  checkExpiry(expiry)
  const { alpha, beta, correlation: rho, volOfVol: nu } = params
  if (!Number.isFinite(forward)) throw new InvalidInput({ field: "forward", value: forward, expected: "a finite forward" })
  if (!Number.isFinite(strike)) throw new InvalidInput({ field: "strike", value: strike, expected: "a finite strike" })
  if (beta === 0) {
    return alpha * zOverX((nu * (forward - strike)) / alpha, rho) * (1 + ((2 - 3 * rho * rho) * nu * nu * expiry) / 24)
  }
  if (!(forward > 0)) throw new InvalidInput({ field: "forward", value: forward, expected: "a forward > 0 when β > 0" })
  if (!(strike > 0)) throw new InvalidInput({ field: "strike", value: strike, expected: "a strike > 0 when β > 0" })
  const c = 1 - beta
  const gap = forward - strike
  const L = Math.abs(gap) < 0.5 * strike ? Math.log1p(gap / strike) : Math.log(forward / strike)
  const fm = strike * Math.exp(0.5 * L) // √(FK)
  // (1−β)(F − K)/(F^{1−β} − K^{1−β}) = (F − K)/K^{1−β} · (1−β)/expm1((1−β)L); at β = 1 it is (F − K)/(K·L).
  const lead = c === 0
    ? (L === 0 ? strike : gap / L)
    : gap === 0
    ? Math.pow(strike, beta)
    : Math.abs(c * L) >= 0.5
    ? (c * gap) / (Math.pow(forward, c) - Math.pow(strike, c))
    : (gap / Math.pow(strike, c)) * (c / Math.expm1(c * L))
  const zeta = ((nu / alpha) * gap) / Math.pow(fm, beta)
  const fmc = Math.pow(fm, c)
  const correction = (-beta * (2 - beta) * alpha * alpha) / (24 * fmc * fmc) + (rho * alpha * nu * beta) / (4 * fmc) + ((2 - 3 * rho * rho) * nu * nu) / 24
  return alpha * lead * zOverX(zeta, rho) * (1 + correction * expiry)
}

/**
 * Discounted price at the SABR lognormal vol with Black-76.
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
  params: Params,
  formula: Formula = "obloj"
): number => Black76.price(type, forward, strike, expiry, rate, lognormalVol(forward, strike, expiry, params, formula))

/**
 * Discounted price at the SABR normal vol with Bachelier.
 *
 * @since 0.1.0
 * @category pricing
 */
export const normalPrice = (type: Instrument.OptionType, forward: number, strike: number, expiry: number, rate: number, params: Params): number =>
  Bachelier.price(type, forward, strike, expiry, rate, normalVol(forward, strike, expiry, params))

/**
 * Lognormal SABR (Obłój) as a `PricingModel`: Black-76 at the SABR vol of each strike. Its Greeks include the
 * smile's own movement (they come from differences of this price, `@hedgekit/greeks` `Numerical`).
 *
 * @since 0.1.0
 * @category models
 */
export const model: PricingModel<Params> = definePricingModel({
  name: "sabr",
  version: packageJson.version,
  description: "SABR (Hagan et al. 2002, Obłój 2008 leading term): Black-76 at the SABR lognormal vol",
  params: Params,
  price: (o, p) => price(o.type, o.forward, o.strike, o.expiry, o.rate, p)
})
