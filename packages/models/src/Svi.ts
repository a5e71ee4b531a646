/**
 * SVI smiles (Gatheral 2004) and the surface SSVI (Gatheral & Jacquier 2014, "Arbitrage-free SVI volatility
 * surfaces", Quantitative Finance 14(1)), with their no-arbitrage checks.
 *
 * A slice gives the total implied variance w(k) = σ_BS(k)²·T at log-moneyness k = ln(K/F):
 * - raw: w(k) = a + b·(ρ(k − m) + √((k − m)² + σ²)), with b ≥ 0, |ρ| < 1, σ > 0, a + bσ√(1 − ρ²) ≥ 0;
 * - natural: w(k) = Δ + ω/2·(1 + ζρ(k − μ) + √((ζ(k − μ) + ρ)² + 1 − ρ²)), ω ≥ 0, ζ > 0;
 * - jump-wings (at expiry t): v (ATM variance), ψ (ATM skew), p and c (put and call wing slopes),
 *   ṽ (minimum variance), all as defined in Gatheral & Jacquier (2014, §3.3).
 * SSVI: w(k, θ) = θ/2·(1 + ρφ(θ)k + √((φ(θ)k + ρ)² + 1 − ρ²)) for the ATM total variance θ_t, with φ either
 * Heston-like φ(θ) = (1 − (1 − e^{−λθ})/(λθ))/(λθ) or power-law φ(θ) = η/(θ^γ(1 + θ)^{1−γ}).
 *
 * Checks: butterfly (a slice's density is non-negative) ⇔ g(k) = (1 − kw'/(2w))² − w'²/4·(1/w + 1/4) + w''/2 ≥ 0
 * with w > 0; calendar (total variance non-decreasing in T at every k). SSVI is free of butterfly arbitrage when
 * θφ(θ)(1 + |ρ|) < 4 and θφ(θ)²(1 + |ρ|) ≤ 4 (GJ Theorem 4.2), and of calendar arbitrage when θ_t is
 * non-decreasing and 0 ≤ ∂_θ(θφ(θ)) ≤ φ(θ)(1 + √(1 − ρ²))/ρ² (Theorem 4.1).
 *
 * @since 0.1.0
 */
import { InvalidInput } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"

/**
 * Raw SVI parameters: `a` (variance level), `b` ≥ 0 (wing slope), `rho` ∈ (−1, 1) (skew), `m` (shift in k),
 * `sigma` > 0 (ATM curvature); total variance, per the slice's expiry.
 *
 * @since 0.1.0
 * @category models
 */
export const Raw = Schema.Struct({
  a: Schema.Finite,
  b: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)),
  rho: Schema.Finite.check(Schema.isGreaterThan(-1), Schema.isLessThan(1)),
  m: Schema.Finite,
  sigma: Schema.Finite.check(Schema.isGreaterThan(0))
})

/**
 * @since 0.1.0
 * @category models
 */
export type Raw = typeof Raw.Type

/**
 * Natural SVI parameters (Δ, μ, ρ, ω, ζ).
 *
 * @since 0.1.0
 * @category models
 */
export interface Natural {
  readonly delta: number
  readonly mu: number
  readonly rho: number
  readonly omega: number
  readonly zeta: number
}

/**
 * Jump-wings SVI parameters at expiry `t` (years): `v` ATM variance, `psi` ATM skew, `p` put-wing slope,
 * `c` call-wing slope, `vMin` minimum variance (Gatheral & Jacquier's ṽ).
 *
 * @since 0.1.0
 * @category models
 */
export interface JumpWings {
  readonly v: number
  readonly psi: number
  readonly p: number
  readonly c: number
  readonly vMin: number
}

const fail = (field: string, value: unknown, expected: string): never => {
  throw new InvalidInput({ field, value, expected })
}

/**
 * Checks a raw slice's domain: b ≥ 0, |ρ| < 1, σ > 0, finite a and m, and a + bσ√(1 − ρ²) ≥ 0 (the minimum of
 * w is non-negative).
 *
 * @since 0.1.0
 * @category models
 */
export const checkRaw = (p: Raw): void => {
  if (!Number.isFinite(p.a)) fail("a", p.a, "a finite variance level")
  if (!(p.b >= 0 && p.b < Infinity)) fail("b", p.b, "a finite wing slope b ≥ 0")
  if (!(p.rho > -1 && p.rho < 1)) fail("rho", p.rho, "ρ in (−1, 1)")
  if (!Number.isFinite(p.m)) fail("m", p.m, "a finite shift m")
  if (!(p.sigma > 0 && p.sigma < Infinity)) fail("sigma", p.sigma, "a finite σ > 0")
  if (!(p.a + p.b * p.sigma * Math.sqrt(1 - p.rho * p.rho) >= 0)) {
    fail("a", p.a, `a + bσ√(1 − ρ²) ≥ 0 (a minimum total variance ≥ 0; it is ${p.a + p.b * p.sigma * Math.sqrt(1 - p.rho * p.rho)})`)
  }
}

/**
 * Total implied variance w(k) of a raw slice at log-moneyness k = ln(K/F).
 *
 * @since 0.1.0
 * @category smiles
 */
export const totalVariance = (p: Raw, k: number): number => {
  const x = k - p.m
  return p.a + p.b * (p.rho * x + Math.hypot(x, p.sigma))
}

/**
 * Black implied vol of a raw slice at strike K for forward F and expiry T (years): √(w(ln(K/F))/T).
 *
 * @since 0.1.0
 * @category smiles
 */
export const impliedVol = (p: Raw, forward: number, strike: number, expiry: number): number => {
  checkRaw(p)
  if (!(forward > 0 && forward < Infinity)) fail("forward", forward, "a finite forward > 0")
  if (!(strike > 0 && strike < Infinity)) fail("strike", strike, "a finite strike > 0")
  if (!(expiry > 0 && expiry < Infinity)) fail("expiry", expiry, "a time to expiry in years > 0")
  const w = totalVariance(p, Math.log(strike / forward))
  if (!(w > 0)) fail("strike", strike, `a strike where the slice's total variance is > 0 (it is ${w})`)
  return Math.sqrt(w / expiry)
}

/** w', w'' of a raw slice at k. */
const derivatives = (p: Raw, k: number): readonly [w: number, w1: number, w2: number] => {
  const x = k - p.m
  const r = Math.hypot(x, p.sigma)
  return [p.a + p.b * (p.rho * x + r), p.b * (p.rho + x / r), (p.b * p.sigma * p.sigma) / (r * r * r)]
}

/**
 * Gatheral's g(k): the slice's risk-neutral density is φ(d₋)·g(k)/√w, so the slice is free of butterfly
 * arbitrage where g ≥ 0 (and w > 0).
 *
 * @since 0.1.0
 * @category arbitrage
 */
export const g = (p: Raw, k: number): number => {
  const [w, w1, w2] = derivatives(p, k)
  const t = 1 - (k * w1) / (2 * w)
  return t * t - ((w1 * w1) / 4) * (1 / w + 0.25) + w2 / 2
}

/**
 * A no-arbitrage check's outcome: `ok`, the worst value found (≥ 0 means no arbitrage) and where.
 *
 * @since 0.1.0
 * @category arbitrage
 */
export interface Check {
  readonly ok: boolean
  readonly worst: number
  readonly at: number
}

/**
 * Butterfly check of a raw slice: min g(k) (and w(k) > 0) over `points` log-moneynesses evenly spaced on
 * [−range, range] around m, plus m itself.
 *
 * @since 0.1.0
 * @category arbitrage
 */
export const butterfly = (p: Raw, range = 3, points = 2001): Check => {
  checkRaw(p)
  let worst = Infinity, at = NaN
  for (let i = 0; i <= points; i++) {
    const k = i === points ? p.m : p.m - range + (2 * range * i) / (points - 1)
    const w = totalVariance(p, k)
    const v = w > 0 ? g(p, k) : -Infinity
    if (v < worst) {
      worst = v
      at = k
    }
  }
  return { ok: worst >= 0, worst, at }
}

/**
 * Calendar check of two raw slices, the earlier first: min over k of w_later(k) − w_earlier(k) on a grid of
 * [−range, range].
 *
 * @since 0.1.0
 * @category arbitrage
 */
export const calendar = (earlier: Raw, later: Raw, range = 3, points = 2001): Check => {
  checkRaw(earlier)
  checkRaw(later)
  let worst = Infinity, at = NaN
  for (let i = 0; i < points; i++) {
    const k = -range + (2 * range * i) / (points - 1)
    const d = totalVariance(later, k) - totalVariance(earlier, k)
    if (d < worst) {
      worst = d
      at = k
    }
  }
  return { ok: worst >= 0, worst, at }
}

/**
 * Raw parameters of a natural slice (Gatheral & Jacquier 2014, Lemma 3.3).
 *
 * @since 0.1.0
 * @category conversions
 */
export const rawFromNatural = (n: Natural): Raw => {
  if (!(n.zeta > 0)) fail("zeta", n.zeta, "ζ > 0")
  if (!(n.omega >= 0)) fail("omega", n.omega, "ω ≥ 0")
  if (!(n.rho > -1 && n.rho < 1)) fail("rho", n.rho, "ρ in (−1, 1)")
  return {
    a: n.delta + (n.omega / 2) * (1 - n.rho * n.rho),
    b: (n.omega * n.zeta) / 2,
    rho: n.rho,
    m: n.mu - n.rho / n.zeta,
    sigma: Math.sqrt(1 - n.rho * n.rho) / n.zeta
  }
}

/**
 * Natural parameters of a raw slice (the inverse of {@link rawFromNatural}).
 *
 * @since 0.1.0
 * @category conversions
 */
export const naturalFromRaw = (p: Raw): Natural => {
  checkRaw(p)
  if (!(p.b > 0)) fail("b", p.b, "b > 0 (a flat slice has no natural form)")
  const root = Math.sqrt(1 - p.rho * p.rho)
  const zeta = root / p.sigma
  const omega = (2 * p.b) / zeta
  return { delta: p.a - (omega / 2) * (1 - p.rho * p.rho), mu: p.m + p.rho / zeta, rho: p.rho, omega, zeta }
}

/**
 * Jump-wings parameters of a raw slice at expiry `t` years (Gatheral & Jacquier 2014, §3.3).
 *
 * @since 0.1.0
 * @category conversions
 */
export const jumpWingsFromRaw = (p: Raw, t: number): JumpWings => {
  checkRaw(p)
  if (!(t > 0 && t < Infinity)) fail("t", t, "an expiry in years > 0")
  const r = Math.hypot(p.m, p.sigma)
  const w = p.a + p.b * (-p.rho * p.m + r)
  if (!(w > 0)) fail("a", p.a, `a slice with ATM total variance > 0 (it is ${w})`)
  const sw = Math.sqrt(w)
  return {
    v: w / t,
    psi: ((p.b / 2) * (-p.m / r + p.rho)) / sw,
    p: (p.b * (1 - p.rho)) / sw,
    c: (p.b * (1 + p.rho)) / sw,
    vMin: (p.a + p.b * p.sigma * Math.sqrt(1 - p.rho * p.rho)) / t
  }
}

/**
 * Raw parameters of a jump-wings slice at expiry `t` (Gatheral & Jacquier 2014, Lemma 3.5). Throws when they do
 * not determine a raw slice (e.g. m = 0 with ρ = 0, where σ is free).
 *
 * @since 0.1.0
 * @category conversions
 */
export const rawFromJumpWings = (j: JumpWings, t: number): Raw => {
  if (!(t > 0 && t < Infinity)) fail("t", t, "an expiry in years > 0")
  if (!(j.v > 0)) fail("v", j.v, "an ATM variance > 0")
  if (!(j.p >= 0 && j.c >= 0 && j.p + j.c > 0)) fail("p", j.p, "wing slopes p, c ≥ 0, not both 0")
  const w = j.v * t
  const sw = Math.sqrt(w)
  const b = (sw / 2) * (j.c + j.p)
  const rho = 1 - (j.p * sw) / b
  const beta = rho - (2 * j.psi * sw) / b
  if (!(Math.abs(beta) <= 1)) fail("psi", j.psi, `an ATM skew with |ρ − 2ψ√w/b| ≤ 1 (it is ${beta})`)
  if (beta === 0) {
    // m = 0: then v·t = a + bσ and ṽ·t = a + bσ√(1 − ρ²) fix σ unless ρ = 0.
    const root = Math.sqrt(1 - rho * rho)
    if (root === 1) fail("psi", j.psi, "a slice whose σ is determined (ψ = 0 with p = c leaves it free)")
    const sigma = ((j.v - j.vMin) * t) / (b * (1 - root))
    return { a: j.v * t - b * sigma, b, rho, m: 0, sigma }
  }
  const alpha = Math.sign(beta) * Math.sqrt(1 / (beta * beta) - 1)
  const m = ((j.v - j.vMin) * t) / (b * (-rho + Math.sign(alpha) * Math.sqrt(1 + alpha * alpha) - alpha * Math.sqrt(1 - rho * rho)))
  const sigma = alpha * m
  const raw = { a: j.vMin * t - b * sigma * Math.sqrt(1 - rho * rho), b, rho, m, sigma }
  checkRaw(raw)
  return raw
}

/**
 * An SSVI surface: correlation `rho` and the curvature function φ, Heston-like (`lambda` > 0) or power-law
 * (`eta` > 0, `gamma` ∈ (0, 1)).
 *
 * @since 0.1.0
 * @category models
 */
export type Ssvi =
  | { readonly rho: number; readonly phi: "heston"; readonly lambda: number }
  | { readonly rho: number; readonly phi: "powerLaw"; readonly eta: number; readonly gamma: number }

const checkSsvi = (s: Ssvi): void => {
  if (!(s.rho > -1 && s.rho < 1)) fail("rho", s.rho, "ρ in (−1, 1)")
  if (s.phi === "heston") {
    if (!(s.lambda > 0 && s.lambda < Infinity)) fail("lambda", s.lambda, "λ > 0")
  } else {
    if (!(s.eta > 0 && s.eta < Infinity)) fail("eta", s.eta, "η > 0")
    if (!(s.gamma > 0 && s.gamma < 1)) fail("gamma", s.gamma, "γ in (0, 1)")
  }
}

/**
 * φ(θ) of an SSVI surface, for an ATM total variance θ > 0.
 *
 * @since 0.1.0
 * @category smiles
 */
export const phi = (s: Ssvi, theta: number): number => {
  if (s.phi === "heston") {
    const x = s.lambda * theta
    // (1 − (1 − e^{−x})/x)/x, by its series near 0 where the difference cancels
    if (x < 1e-4) return s.lambda * (0.5 - x / 6 + (x * x) / 24)
    return (1 + Math.expm1(-x) / x) / x
  }
  return s.eta / (Math.pow(theta, s.gamma) * Math.pow(1 + theta, 1 - s.gamma))
}

/**
 * SSVI total variance at log-moneyness k on the slice of ATM total variance θ.
 *
 * @since 0.1.0
 * @category smiles
 */
export const ssviTotalVariance = (s: Ssvi, theta: number, k: number): number => {
  checkSsvi(s)
  if (!(theta > 0 && theta < Infinity)) fail("theta", theta, "an ATM total variance θ > 0")
  const f = phi(s, theta)
  const y = f * k + s.rho
  return (theta / 2) * (1 + s.rho * f * k + Math.sqrt(y * y + 1 - s.rho * s.rho))
}

/**
 * The raw SVI slice of an SSVI surface at θ (Gatheral & Jacquier 2014, Lemma 3.3 with Δ = μ = 0, ω = θ, ζ = φ).
 *
 * @since 0.1.0
 * @category conversions
 */
export const ssviSlice = (s: Ssvi, theta: number): Raw => {
  checkSsvi(s)
  if (!(theta > 0 && theta < Infinity)) fail("theta", theta, "an ATM total variance θ > 0")
  return rawFromNatural({ delta: 0, mu: 0, rho: s.rho, omega: theta, zeta: phi(s, theta) })
}

/**
 * Gatheral & Jacquier's sufficient conditions for an SSVI surface over the ATM total variances `thetas`
 * (one per expiry, in expiry order): butterfly (θφ(1 + |ρ|) < 4 and θφ²(1 + |ρ|) ≤ 4 at every θ) and calendar
 * (θ non-decreasing, and 0 ≤ ∂_θ(θφ) ≤ φ(1 + √(1 − ρ²))/ρ² on a fine grid spanning the thetas). `worst` is the
 * smallest margin found (≥ 0 passes).
 *
 * @since 0.1.0
 * @category arbitrage
 */
export const ssviChecks = (s: Ssvi, thetas: ReadonlyArray<number>): { readonly butterfly: Check; readonly calendar: Check } => {
  checkSsvi(s)
  thetas.forEach((t, i) => {
    if (!(t > 0 && t < Infinity)) fail(`thetas[${i}]`, t, "an ATM total variance > 0")
  })
  const r = Math.abs(s.rho)
  // θφ(1 + |ρ|) < 4 (strict) and θφ²(1 + |ρ|) ≤ 4
  let bfOk = true, bf = Infinity, bfAt = NaN
  for (const t of thetas) {
    const f = phi(s, t)
    const strict = 4 - t * f * (1 + r), loose = 4 - t * f * f * (1 + r)
    if (!(strict > 0 && loose >= 0)) bfOk = false
    if (Math.min(strict, loose) < bf) {
      bf = Math.min(strict, loose)
      bfAt = t
    }
  }
  let cal = Infinity, calAt = NaN
  for (let i = 1; i < thetas.length; i++) {
    const d = thetas[i]! - thetas[i - 1]!
    if (d < cal) {
      cal = d
      calAt = thetas[i]!
    }
  }
  if (thetas.length > 0) {
    const lo = Math.min(...thetas), hi = Math.max(...thetas)
    const upper = s.rho === 0 ? Infinity : (1 + Math.sqrt(1 - s.rho * s.rho)) / (s.rho * s.rho)
    for (let i = 0; i <= 400; i++) {
      const t = lo * Math.pow(hi / lo, i / 400)
      const h = 1e-6 * t
      const slope = ((t + h) * phi(s, t + h) - (t - h) * phi(s, t - h)) / (2 * h)
      const margin = Math.min(slope, upper * phi(s, t) - slope)
      if (margin < cal) {
        cal = margin
        calAt = t
      }
    }
  }
  return {
    butterfly: { ok: bfOk, worst: bf, at: bfAt },
    calendar: { ok: cal >= 0, worst: cal, at: calAt }
  }
}
