/**
 * Row kernels for the lognormal (Black) family: each writes the price and the Greeks of one option into
 * caller-owned columns at row `i`. Inputs are assumed valid (the callers check them).
 *
 * The price is built from the out-of-the-money option, so an in-the-money price is intrinsic + time value
 * and nothing is subtracted. The OTM value is first taken as the difference F·Φ(d1) − K·Φ(d2), reusing the
 * Φ values the Greeks need; when that difference has cancelled more than two bits it is recomputed with the
 * cancellation-free normalised Black function (asymptotic and small-s expansions, erfcx forms).
 */
import { cdf, erf, erfcx, pdf } from "../Normal.js"
import { logMoneyness, normalisedBlack } from "./normalisedBlack.js"

/** Output columns the kernels write (`dividendRho` only for the spot model). */
export interface Columns {
  readonly price: Float64Array
  readonly delta: Float64Array
  readonly gamma: Float64Array
  readonly vega: Float64Array
  readonly theta: Float64Array
  readonly rho: Float64Array
}

// Results of `core`, in a preallocated array: module-level `let` doubles would be re-boxed on every write.
const work = new Float64Array(4)
const UNDISCOUNTED = 0 // undiscounted price B
const CDF_D1 = 1 // Φ(q·d1)
const CDF_D2 = 2 // Φ(q·d2)
const PDF_D1 = 3 // φ(d1)

const SQRT1_2 = 0.7071067811865476
const SQRT_PI_OVER_2 = 1.2533141373155003
/** Cody's erf/erfcx switch 0.46875 in Φ's argument (×√2). */
const CENTRAL = 0.6629126073623883
/** Beyond this |d|, φ(d) nears the subnormal range: take the careful path. */
const WING = 37

/**
 * Φ(z) from a known φ(z) with one rational function and no exponential: Φ(z) = √(π/2)·erfcx(−z/√2)·φ(z)
 * in the lower tail (erfcx's relative error ignores the rounding of its argument), ½ + ½·erf(z/√2) in the
 * centre, 1 − Φ(−z) above.
 */
const cdfFromPdf = (z: number, density: number): number => {
  if (z < -CENTRAL) return SQRT_PI_OVER_2 * erfcx(-SQRT1_2 * z) * density
  if (z <= CENTRAL) return 0.5 + 0.5 * erf(SQRT1_2 * z)
  return 1 - SQRT_PI_OVER_2 * erfcx(SQRT1_2 * z) * density
}

/**
 * Undiscounted price and the Φ/φ values the Greeks need. One logarithm and one exponential: φ(d2) is
 * φ(d1)·F/K (since d1² − d2² = 2·ln(F/K)), and each Φ comes from its φ through a rational function.
 */
const core = (q: number, F: number, K: number, s: number): void => {
  const ratio = F / K
  const x = logMoneyness(F, K)
  const d1 = x / s + 0.5 * s
  const d2 = d1 - s
  // o: the out-of-the-money side (+1 call when F ≤ K, −1 put when F > K).
  const o = x > 0 ? -1 : 1
  let c1: number, c2: number, p1: number
  if (d1 > -WING && d1 < WING && d2 > -WING && d2 < WING) {
    p1 = pdf(d1)
    c1 = cdfFromPdf(o * d1, p1)
    c2 = cdfFromPdf(o * d2, p1 * ratio)
  } else {
    p1 = pdf(d1)
    c1 = cdf(o * d1)
    c2 = cdf(o * d2)
  }
  const first = F * c1
  const second = K * c2
  let otm = o * (first - second)
  if (!(otm > 0.25 * (o > 0 ? first : second))) {
    // More than two bits cancelled (deep out of the money at small σ√T): the cancellation-free form.
    otm = Math.sqrt(F) * Math.sqrt(K) * normalisedBlack(x, s, o)
  }
  if (o === q) {
    work[UNDISCOUNTED] = otm
    work[CDF_D1] = c1
    work[CDF_D2] = c2
  } else {
    work[UNDISCOUNTED] = q * (F - K) + otm
    work[CDF_D1] = 1 - c1
    work[CDF_D2] = 1 - c2
  }
  work[PDF_D1] = p1
}

/** Black-76 on a forward: Greeks with the forward held fixed. */
export const black76Into = (
  q: number,
  F: number,
  K: number,
  T: number,
  r: number,
  sigma: number,
  out: Columns,
  i: number
): void => {
  const sqrtT = Math.sqrt(T)
  const s = sigma * sqrtT
  core(q, F, K, s)
  const df = r === 0 ? 1 : Math.exp(-r * T)
  const price = df * work[UNDISCOUNTED]!
  const pdfD1 = work[PDF_D1]!
  const dfVega = df * F * pdfD1 * sqrtT
  out.price[i] = price
  out.delta[i] = df * q * work[CDF_D1]!
  out.gamma[i] = df * pdfD1 / (F * s)
  out.vega[i] = dfVega
  out.theta[i] = r * price - dfVega * sigma / (2 * T)
  out.rho[i] = -T * price
}

/** Black-Scholes-Merton on a spot with continuous yield `d`: Greeks with the spot held fixed. */
export const bsmInto = (
  q: number,
  S: number,
  K: number,
  T: number,
  r: number,
  d: number,
  sigma: number,
  out: Columns,
  dividendRho: Float64Array | undefined,
  i: number
): void => {
  const sqrtT = Math.sqrt(T)
  const s = sigma * sqrtT
  const carry = d === 0 ? 1 : Math.exp(-d * T)
  const df = r === 0 ? 1 : Math.exp(-r * T)
  const F = r === d ? S : S * Math.exp((r - d) * T)
  core(q, F, K, s)
  const price = df * work[UNDISCOUNTED]!
  const pdfD1 = work[PDF_D1]!
  const cdfD1 = work[CDF_D1]!
  const sVega = S * carry * pdfD1 * sqrtT
  const spotTerm = S * carry * cdfD1 // S·e^{−dT}·Φ(q·d1)
  const strikeTerm = K * df * work[CDF_D2]! // K·e^{−rT}·Φ(q·d2)
  out.price[i] = price
  out.delta[i] = q * carry * cdfD1
  out.gamma[i] = carry * pdfD1 / (S * s)
  out.vega[i] = sVega
  out.theta[i] = -sVega * sigma / (2 * T) + q * (d * spotTerm - r * strikeTerm)
  out.rho[i] = q * T * strikeTerm
  if (dividendRho !== undefined) dividendRho[i] = -q * T * spotTerm
}
