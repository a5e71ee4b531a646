/**
 * The normalised Black function of P. Jäckel, "Let's Be Rational" (Wilmott, January 2015, with the 2017
 * revision of the central regions):
 *
 *     b(x, s, θ) = θ·[ e^{x/2}·Φ(θ·(x/s + s/2)) − e^{−x/2}·Φ(θ·(x/s − s/2)) ],   x = ln(F/K), s = σ√T,
 *
 * i.e. the undiscounted Black price divided by √(F·K). With h = x/s and t = s/2 the out-of-the-money value
 * is b = φ-weighted difference  b = v·[Y(h+t) − Y(h−t)],  Y(z) = Φ(z)/φ(z),  v = ∂b/∂s = e^{−(h²+t²)/2}/√(2π).
 *
 * Regions (for the out-of-the-money call, x < 0):
 *  1. h < −10 and t < |h| − 10 + τ: asymptotic expansion of Y(h+t) − Y(h−t) (Abramowitz & Stegun 26.2.12);
 *  2. t < τ = 2·ε^{1/16} ≈ 0.21: Taylor expansion of Y(h+t) − Y(h−t) in t to order t¹³ (in otmCallAndVega);
 *  3. otherwise: Cody's erfc/erfcx combined so that erfc is only used at arguments below 0.46875 and erfcx
 *     above, which minimises both the number of exponentials and the sensitivity to argument rounding.
 * In-the-money values are intrinsic plus the out-of-the-money value, so nothing is subtracted.
 *
 * The common Gaussian factor e^{−(h²+t²)/2} is evaluated from a double-double exponent built from the
 * exact quotient x/s; in the far wings h²/2 reaches several hundred and a rounded exponent alone would
 * cost hundreds of ulp. Because b ≤ v in regions 1–2 and b ≤ e^{−(h²+t²)/2} in region 3, no factor
 * underflows before the final product whenever b itself is a normal double.
 *
 * @module
 */
import { erf, erfcx } from "../Normal.js"
import { erfcxLargeRational, erfcxMid, erfSmall } from "./cody.js"

/**
 * Constants as a const enum, which the compiler replaces by literals: V8 does not fold module-level
 * `const` doubles into optimised code but reloads and type-checks them at each use, and phis fed by such
 * loads were kept as boxed heap numbers.
 */
const enum K {
  /** 2^27 + 1, Veltkamp split into 26-bit halves */
  SPLITTER = 134217729,
  SQRT1_2 = 0.7071067811865476,
  /** 1/(2√2) */
  HALF_SQRT1_2 = 0.35355339059327373,
  INV_SQRT_2PI = 0.3989422804014327,
  SQRT_PI = 1.772453850905516,
  SQRT_PI_OVER_2 = 1.2533141373155003,
  CODY_THRESHOLD = 0.46875,
  /** η: the asymptotic expansion is used for arguments of Y below −10 (where it can reach ε relative). */
  ASYMPTOTIC_THRESHOLD = -10,
  /** τ = 2·ε^{1/16}: truncating the small-t series after t¹³ leaves an error below ε. */
  SMALL_T_THRESHOLD = 0.21022410381342865,
}

/**
 * Scratch of {@link otmCallAndVegaIO}: x, s, b_max in slots 0–2; b and ∂b/∂s come back in slots 3 and 4
 * (slots 5–7 are internal). Doubles crossing a call that V8 does not inline are boxed into fresh heap
 * numbers; through a typed array they stay unboxed.
 */
export const otmIO = new Float64Array(8)
const io = otmIO

/**
 * exp(−(h² + t²)/2) with h = x/s and t = s/2 taken at their exact values: the quotient's rounding error
 * and the squares' rounding errors are carried in a second word and applied to first order.
 * Requires s > 0.
 */
function gaussianFactor(x: number, s: number): number {
  const h = x / s
  const t = 0.5 * s
  const hh = h * h
  const tt = t * t
  const sum = hh + tt
  if (!(sum < 1491)) return sum >= 1491 ? 0 : NaN // exp(−745.5) rounds to 0
  // Split h and s (t's halves are s's halves scaled by ½, exactly).
  let c = K.SPLITTER * h
  const hHi = c - (c - h)
  const hLo = h - hHi
  c = K.SPLITTER * s
  const sHi = c - (c - s)
  const sLo = s - sHi
  // δ = x/s − h, from the exact remainder x − h·s.
  const prod = h * s
  const prodErr = hHi * sHi - prod + hHi * sLo + hLo * sHi + hLo * sLo
  const delta = (x - prod - prodErr) / s
  const hhErr = hHi * hHi - hh + 2 * hHi * hLo + hLo * hLo
  const tHi = 0.5 * sHi
  const tLo = 0.5 * sLo
  const ttErr = tHi * tHi - tt + 2 * tHi * tLo + tLo * tLo
  const v = sum - hh
  const sumErr = hh - (sum - v) + (tt - v)
  const lo = sumErr + hhErr + ttErr + 2 * h * delta
  return Math.exp(-0.5 * sum) * (1 - 0.5 * lo)
}

/**
 * Region 1: b/v = Y(h+t) − Y(h−t) from the asymptotic series Y(z) ~ −Σ (−1)ⁿ(2n−1)!!·z^{−(2n+1)}.
 * Pairing the two series gives (t/r)·Σ 2(−1)ⁿ(2n−1)!!·qⁿ·Pₙ(e) with r = h² − t², q = (h/r)², e = (t/h)²,
 * Pₙ(e) = Σₖ C(2n+1, 2k+1)·eᵏ, free of the cancellation of the raw difference. Pₙ obeys
 * P_{n+1} = 2(1+e)·Pₙ − (1−e)²·P_{n−1}.
 */
function asymptoticExpansionOverVega(h: number, t: number): number {
  const e = (t / h) * (t / h)
  const r = (h + t) * (h - t)
  const q = (h / r) * (h / r)
  const a2 = 2 * (1 + e)
  const b2 = (1 - e) * (1 - e)
  let pPrev = 1
  let p = 3 + e
  let coeff = -q
  let sum = 1 + coeff * p
  // The difference converges more slowly than Y itself ((2n+1)-fold larger relative terms), so up to 40
  // terms are allowed; at |h ± t| ≥ 9.79 the smallest term lies far beyond that and below ε·sum.
  for (let n = 1; n < 40; n++) {
    coeff *= -(2 * n + 1) * q
    const pNext = a2 * p - b2 * pPrev
    pPrev = p
    p = pNext
    const term = coeff * p
    sum += term
    if (Math.abs(term) < 1e-17 * sum) break
  }
  return ((2 * t) / r) * sum
}

/**
 * a = 1 + h·Y(h) = Y′(h) for h < 0, given g = e^{−(h²+t²)/2}. For −h/√2 > 4 it is taken straight from
 * Cody's third-interval form erfcx(u) = (1/√π − z·P(z)/Q(z))/u, z = 1/u², which gives a = √π·z·P(z)/Q(z)
 * without the cancellation of 1 + h·Y(h) (a ~ 1/h² there). For u ≤ 0.46875, erfcx(u) = e^{h²/2}·erfc(u)
 * takes e^{h²/2} = e^{−t²/2}/g from the Gaussian factor at hand instead of another exponential.
 */
function yPrime(h: number, t: number, g: number): number {
  const u = -K.SQRT1_2 * h
  if (u <= K.CODY_THRESHOLD) {
    // w = t²/2 < τ²/2 ≈ 0.022: the Taylor series of e^{−w} to w⁷ is exact to 1e-18.
    const w = 0.5 * t * t
    const ew =
      1 - w * (1 - w * (0.5 - w * (1 / 6 - w * (1 / 24 - w * (1 / 120 - w * (1 / 720 - w * (1 / 5040)))))))
    return 1 + h * K.SQRT_PI_OVER_2 * (ew / g) * (1 - erfSmall(u)) // erf(u) for 0 < u ≤ 0.46875
  }
  if (u <= 4) return 1 + h * K.SQRT_PI_OVER_2 * erfcxMid(u)
  return K.SQRT_PI * erfcxLargeRational(1 / (u * u))
}

/**
 * Region 2: b/v = 2·Σₖ Y^{(2k+1)}(h)·t^{2k+1}/(2k+1)!, k ≤ 6, given g = e^{−(h²+t²)/2}. From Y′ = 1 + hY every
 * odd derivative is a·Aₖ(h²) − Bₖ(h²) with a = Y′(h) and integer polynomials Aₖ, Bₖ. All terms are positive,
 * so multiplying by 1/(2k+1)! instead of dividing costs at most ε·term.
 * Reads h, t, g from `io` slots 5–7 and writes b/v to slot 5: too large for V8 to inline, it would box
 * three arguments and its result on every call.
 */
function smallTExpansionIO(): void {
  const h = io[5]!
  const t = io[6]!
  const a = yPrime(h, t, io[7]!)
  const w = t * t
  const z = h * h
  const c1 = (a * (z + 3) - 1) * (1 / 6)
  const c2 = (a * ((z + 10) * z + 15) - (z + 7)) * (1 / 120)
  const c3 = (a * (((z + 21) * z + 105) * z + 105) - ((z + 18) * z + 57)) * (1 / 5040)
  const c4 = (a * ((((z + 36) * z + 378) * z + 1260) * z + 945) - (((z + 33) * z + 285) * z + 561)) * (1 / 362880)
  const c5 =
    (a * (((((z + 55) * z + 990) * z + 6930) * z + 17325) * z + 10395) -
      ((((z + 52) * z + 840) * z + 4680) * z + 6555)) *
    (1 / 39916800)
  const c6 =
    (a * ((((((z + 78) * z + 2145) * z + 25740) * z + 135135) * z + 270270) * z + 135135) -
      (((((z + 75) * z + 1926) * z + 20370) * z + 82845) * z + 89055)) *
    (1 / 6227020800)
  io[5] = 2 * t * (a + w * (c1 + w * (c2 + w * (c3 + w * (c4 + w * (c5 + w * c6))))))
}

/**
 * b/v, the out-of-the-money value over its vega v = e^{−(h²+t²)/2}/√(2π), where one of the two expansions
 * applies (x < 0 far out of the money, or small s); NaN elsewhere. For callers that hold the Gaussian factor
 * g = e^{−(h²+t²)/2} already: the price is then √(F·K)·v·(b/v) without another exponential.
 * @param x - log-moneyness of the out-of-the-money call, ≤ 0
 * @param s - total volatility σ√T, > 0
 * @param g - e^{−((x/s)² + (s/2)²)/2}
 */
export function expansionOverVega(x: number, s: number, g: number): number {
  const t = 0.5 * s
  if (x < s * K.ASYMPTOTIC_THRESHOLD && t * s + x < s * (K.SMALL_T_THRESHOLD + K.ASYMPTOTIC_THRESHOLD)) {
    return asymptoticExpansionOverVega(x / s, t)
  }
  if (!(t < K.SMALL_T_THRESHOLD)) return NaN
  io[5] = x / s
  io[6] = t
  io[7] = g
  smallTExpansionIO()
  return io[5]!
}

/**
 * erfcx(y) for y ≥ 0, equal to `erfcx` of Normal. Cody's middle interval 0.46875 < y ≤ 4, the one the solver
 * needs, is evaluated in line; the rest is left to `erfcx`, which keeps the body small enough for V8 to
 * inline at several call sites.
 */
export function erfcxNonNegative(y: number): number {
  return y > K.CODY_THRESHOLD && y <= 4 ? erfcxMid(y) : erfcx(y)
}

/**
 * Second result of {@link otmCallAndVega}: the normalised vega ∂b/∂s at the same (x, s), in slot 0. A
 * typed array stores the double unboxed, so the solver gets both values from one Gaussian factor
 * without allocating.
 */
export const vegaOut = new Float64Array(1)

/**
 * {@link otmCallAndVega} on `otmIO`: b(x, s, +1) to slot 3 and ∂b/∂s to slot 4 for x = slot 0 ≤ 0,
 * s = slot 1 > 0, b_max = slot 2 (0 if unknown). Not reentrant.
 */
export function otmCallAndVegaIO(): void {
  const x = io[0]!
  const s = io[1]!
  const t = 0.5 * s
  // g = gaussianFactor(x, s), written out: as a call it would use up most of V8's inlining budget and
  // leave the erfcx evaluations below as boxing calls.
  const h = x / s
  const hh = h * h
  const tt = t * t
  const sum = hh + tt
  let g: number
  if (!(sum < 1491)) g = sum >= 1491 ? 0 : NaN
  else {
    let c = K.SPLITTER * h
    const hHi = c - (c - h)
    const hLo = h - hHi
    c = K.SPLITTER * s
    const sHi = c - (c - s)
    const sLo = s - sHi
    const prod = h * s
    const prodErr = hHi * sHi - prod + hHi * sLo + hLo * sHi + hLo * sLo
    const delta = (x - prod - prodErr) / s
    const hhErr = hHi * hHi - hh + 2 * hHi * hLo + hLo * hLo
    const tHi = 0.5 * sHi
    const tLo = 0.5 * sLo
    const ttErr = tHi * tHi - tt + 2 * tHi * tLo + tLo * tLo
    const w = sum - hh
    const sumErr = hh - (sum - w) + (tt - w)
    g = Math.exp(-0.5 * sum) * (1 - 0.5 * (sumErr + hhErr + ttErr + 2 * h * delta))
  }
  const v = K.INV_SQRT_2PI * g
  io[4] = v
  if (x === 0) {
    io[3] = erf(K.HALF_SQRT1_2 * s) // Φ(s/2) − Φ(−s/2)
    return
  }
  // h < η and t < τ + |h| − |η|, tested without dividing by s.
  if (x < s * K.ASYMPTOTIC_THRESHOLD && t * s + x < s * (K.SMALL_T_THRESHOLD + K.ASYMPTOTIC_THRESHOLD)) {
    io[3] = asymptoticExpansionOverVega(h, t) * v
    return
  }
  if (t < K.SMALL_T_THRESHOLD) {
    io[5] = h
    io[6] = t
    io[7] = g
    smallTExpansionIO()
    io[3] = io[5]! * v
    return
  }
  const q1 = -K.SQRT1_2 * (h + t)
  const q2 = K.SQRT1_2 * (t - h) // > 0, as h < 0
  // One Cody evaluation per argument, shared by both forms below (fewer call sites keep them inlined).
  const a1 = Math.abs(q1)
  const c1 = a1 < K.CODY_THRESHOLD ? erfSmall(q1) : erfcxNonNegative(a1)
  const c2 = q2 < K.CODY_THRESHOLD ? erfSmall(q2) : erfcxNonNegative(q2)
  if (q1 >= K.CODY_THRESHOLD) {
    io[3] = 0.5 * g * (c1 - c2)
    return
  }
  // b = ½·[e^{x/2}·erfc(q1) − e^{−x/2}·erfc(q2)] with e^{−x/2} = 1/b_max.
  const bMax = io[2]!
  const bm = bMax > 0 ? bMax : Math.exp(0.5 * x)
  const first = q1 > -K.CODY_THRESHOLD ? bm * (1 - c1) : 2 * bm - g * c1
  const second = q2 < K.CODY_THRESHOLD ? (1 - c2) / bm : g * c2
  io[3] = 0.5 * (first - second)
}

/**
 * Out-of-the-money call value b(x, s, +1) for x ≤ 0 and s > 0; also stores ∂b/∂s in `vegaOut[0]`.
 * Not reentrant across the read of `vegaOut` (read it before the next call).
 *
 * The Gaussian factor g is the only exponential: with ht = x/2, e^{x/2}·e^{−(h+t)²/2} =
 * e^{−x/2}·e^{−(h−t)²/2} = g, so every erfc of region 3 is rewritten in terms of g·erfcx, erf near zero
 * and b_max = e^{x/2}. Callers that know b_max (the implied-volatility solver) pass it; 0 means unknown.
 */
export function otmCallAndVega(x: number, s: number, bMax: number): number {
  io[0] = x
  io[1] = s
  io[2] = bMax
  otmCallAndVegaIO()
  vegaOut[0] = io[4]!
  return io[3]!
}

/** Out-of-the-money call value b(x, s, +1) for x ≤ 0, s ≥ 0. */
function otmCall(x: number, s: number): number {
  if (!(s > 0)) return s === 0 ? 0 : NaN
  return otmCallAndVega(x, s, 0)
}

/**
 * Normalised Black value b(x, s, θ) = Black(F, K, σ, T, θ)/√(F·K), undiscounted, to full relative
 * precision including values down to the smallest normal doubles.
 * @param x - log-moneyness ln(F/K) (dimensionless)
 * @param s - total volatility σ·√T (dimensionless, ≥ 0)
 * @param theta - +1 for a call, −1 for a put
 * @returns b ≥ 0 (price in units of √(F·K))
 */
export function normalisedBlack(x: number, s: number, theta: number): number {
  const xc = theta < 0 ? -x : x // a put at x is a call at −x
  if (xc > 0) return 2 * Math.sinh(0.5 * xc) + otmCall(-xc, s)
  return otmCall(xc, s)
}

/**
 * Normalised vega ∂b/∂s = exp(−((x/s)² + (s/2)²)/2)/√(2π), identical for calls and puts.
 * @param x - log-moneyness ln(F/K)
 * @param s - total volatility σ·√T (≥ 0)
 * @returns ∂b/∂s ≥ 0 (units of √(F·K) per unit of s)
 */
export function normalisedVega(x: number, s: number): number {
  if (!(s > 0)) return s === 0 ? (x === 0 ? K.INV_SQRT_2PI : 0) : NaN
  return K.INV_SQRT_2PI * gaussianFactor(x, s)
}

/**
 * ln(F/K) with relative accuracy of about one ulp also near the money: there F − K is exact (Sterbenz)
 * and log1p avoids the absolute error ε of rounding F/K, which would be a relative error ε/|x|.
 * @param F - forward (> 0)
 * @param K - strike (> 0)
 * @returns x = ln(F/K)
 */
export function logMoneyness(F: number, K: number): number {
  const d = F - K
  return Math.abs(d) < 0.5 * K ? Math.log1p(d / K) : Math.log(F / K)
}

/**
 * Undiscounted Black (1976) price F·Φ(θd₁)·θ − K·Φ(θd₂)·θ, as √F·√K·b(ln(F/K), σ√T, θ). In-the-money
 * prices are θ(F − K) plus the out-of-the-money counterpart, so the intrinsic part carries one rounding.
 * @param F - forward price (> 0)
 * @param K - strike (> 0, same units as F)
 * @param sigma - volatility per √year (decimal, e.g. 0.2)
 * @param T - time to expiry in years (≥ 0)
 * @param theta - +1 for a call, −1 for a put
 * @returns price in the units of F
 */
export function black(F: number, K: number, sigma: number, T: number, theta: number): number {
  const x = logMoneyness(F, K)
  const s = sigma * Math.sqrt(T)
  const intrinsic = theta < 0 ? K - F : F - K
  if (intrinsic > 0) return intrinsic + Math.sqrt(F) * Math.sqrt(K) * normalisedBlack(x, s, -theta)
  return Math.sqrt(F) * Math.sqrt(K) * normalisedBlack(x, s, theta)
}
