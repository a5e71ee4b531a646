/**
 * Row kernels for the lognormal (Black) family: each writes the price and the Greeks of one option into
 * caller-owned columns at row `i`. Inputs are assumed valid (the callers check them).
 *
 * The price is built from the out-of-the-money option, so an in-the-money price is intrinsic + time value
 * and nothing is subtracted. The OTM value is first taken as the difference F·Φ(d1) − K·Φ(d2), reusing the
 * Φ values the Greeks need; when that difference has cancelled more than two bits it is recomputed with the
 * cancellation-free normalised Black function (asymptotic and small-s expansions, erfcx forms).
 */
import * as Normal from "../Normal.js"
import { normalisedBlack } from "./normalisedBlack.js"

/** Output columns the kernels write (`dividendRho` only for the spot model). */
export interface Columns {
  readonly price: Float64Array
  readonly delta: Float64Array
  readonly gamma: Float64Array
  readonly vega: Float64Array
  readonly theta: Float64Array
  readonly rho: Float64Array
}

// Shared results of `core`, kept in module scope so that the row kernels allocate nothing.
let undiscounted = 0 // undiscounted price B
let cdfD1 = 0 // Φ(q·d1)
let cdfD2 = 0 // Φ(q·d2)
let pdfD1 = 0 // φ(d1)

const core = (q: number, F: number, K: number, s: number): void => {
  const x = Math.log(F / K)
  const d1 = x / s + 0.5 * s
  const d2 = d1 - s
  // o: the out-of-the-money side (+1 call when F ≤ K, −1 put when F > K).
  const o = x > 0 ? -1 : 1
  const c1 = Normal.cdf(o * d1)
  const c2 = Normal.cdf(o * d2)
  const first = F * c1
  const second = K * c2
  let otm = o * (first - second)
  if (!(otm > 0.25 * (o > 0 ? first : second))) {
    otm = Math.sqrt(F) * Math.sqrt(K) * normalisedBlack(x, s, o)
  }
  if (o === q) {
    undiscounted = otm
    cdfD1 = c1
    cdfD2 = c2
  } else {
    undiscounted = q * (F - K) + otm
    cdfD1 = 1 - c1
    cdfD2 = 1 - c2
  }
  pdfD1 = Normal.pdf(d1)
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
  const df = Math.exp(-r * T)
  const price = df * undiscounted
  const dfVega = df * F * pdfD1 * sqrtT
  out.price[i] = price
  out.delta[i] = df * q * cdfD1
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
  const carry = Math.exp(-d * T)
  const df = Math.exp(-r * T)
  const F = S * Math.exp((r - d) * T)
  core(q, F, K, s)
  const price = df * undiscounted
  const sVega = S * carry * pdfD1 * sqrtT
  const spotTerm = S * carry * cdfD1 // S·e^{−dT}·Φ(q·d1)
  const strikeTerm = K * df * cdfD2 // K·e^{−rT}·Φ(q·d2)
  out.price[i] = price
  out.delta[i] = q * carry * cdfD1
  out.gamma[i] = carry * pdfD1 / (S * s)
  out.vega[i] = sVega
  out.theta[i] = -sVega * sigma / (2 * T) + q * (d * spotTerm - r * strikeTerm)
  out.rho[i] = q * T * strikeTerm
  if (dividendRho !== undefined) dividendRho[i] = -q * T * spotTerm
}
