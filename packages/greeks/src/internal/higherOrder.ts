/**
 * Second- and third-order Greeks of the closed-form models, written into columns after the models' own kernels
 * have written the price and the first-order Greeks of the same rows (whose `status` is then 0). Each Greek is
 * a first-order Greek times a polynomial in d1, d2 (Bachelier: d), so no row needs more than one logarithm
 * and one normal CDF (for the dual delta): the Gaussian density is read off the kernel's vega.
 *
 * Notation: θ = +1 call / −1 put, s = σ√T, D = e^{−rT}, Q = e^{−qT}, b = r − q (Black-76 is b = 0 with q = r on
 * the forward), ∂d1/∂T = (bT + s²/2 − ln(U/K))/(2Ts) with U the spot (BSM) or the forward.
 * Time derivatives are taken for calendar time passing (−∂/∂T), like theta.
 */
import { Normal } from "@hedgekit/models"

/** Columns written by the loops: the higher-order Greeks. */
export interface HigherColumns {
  readonly vanna: Float64Array
  readonly volga: Float64Array
  readonly charm: Float64Array
  readonly veta: Float64Array
  readonly speed: Float64Array
  readonly zomma: Float64Array
  readonly color: Float64Array
  readonly ultima: Float64Array
  readonly dualDelta: Float64Array
  readonly dualGamma: Float64Array
}

/** Columns read by the loops: the first-order Greeks already computed for the same rows. */
export interface FirstColumns {
  readonly delta: Float64Array
  readonly gamma: Float64Array
  readonly vega: Float64Array
}

const nan = (out: HigherColumns, i: number): void => {
  out.vanna[i] = out.volga[i] = out.charm[i] = out.veta[i] = out.speed[i] = NaN
  out.zomma[i] = out.color[i] = out.ultima[i] = out.dualDelta[i] = out.dualGamma[i] = NaN
}

/** ln(U/K) to a few ulp, also near the money (log1p of the exact difference there). */
export const logRatio = (U: number, K: number): number => {
  const gap = U - K
  return Math.abs(gap) < 0.5 * K ? Math.log1p(gap / K) : Math.log(U / K)
}

/**
 * Black-Scholes-Merton (`dividend` given; `underlying` is the spot, Greeks with the spot fixed) or Black-76
 * (`dividend` undefined; `underlying` is the forward, Greeks with the forward fixed).
 */
export const blackHigherRows = (
  n: number,
  isCall: Uint8Array,
  underlying: Float64Array,
  strike: Float64Array,
  expiry: Float64Array,
  rate: Float64Array,
  dividend: Float64Array | undefined,
  vol: Float64Array,
  first: FirstColumns,
  out: HigherColumns,
  status: Uint8Array
): void => {
  const { delta, gamma, vega } = first
  for (let i = 0; i < n; i++) {
    if (status[i] !== 0) {
      nan(out, i)
      continue
    }
    const U = underlying[i]!, K = strike[i]!, T = expiry[i]!, r = rate[i]!, sigma = vol[i]!
    // Black-76 on a forward is BSM with carry b = 0 and yield q = r.
    const q = dividend === undefined ? r : dividend[i]!
    const b = dividend === undefined ? 0 : r - q
    const theta = isCall[i] === 1 ? 1 : -1
    const sqrtT = Math.sqrt(T)
    const s = sigma * sqrtT
    const lnUK = logRatio(U, K)
    const x = lnUK + b * T // ln(F/K)
    const d1 = x / s + 0.5 * s
    const d2 = d1 - s
    const dd1dT = (b * T + 0.5 * s * s - lnUK) / (2 * T * s)
    const D = r === 0 ? 1 : Math.exp(-r * T)
    const g = gamma[i]!, v = vega[i]!
    // e^{−qT}φ(d1) = ∂Δ/∂d1, read off the kernel's vega = U·e^{−qT}φ(d1)·√T (no second exponential)
    const Qphi = v / (U * sqrtT)
    const d1d2 = d1 * d2
    out.vanna[i] = -Qphi * d2 / sigma
    out.volga[i] = v * d1d2 / sigma
    out.charm[i] = q * delta[i]! - Qphi * dd1dT
    out.veta[i] = v * (q - 0.5 / T + d1 * dd1dT)
    out.speed[i] = -g / U * (d1 / s + 1)
    out.zomma[i] = g * (d1d2 - 1) / sigma
    out.color[i] = g * (q + 0.5 / T + d1 * dd1dT)
    out.ultima[i] = -v / (sigma * sigma) * (d1d2 * (1 - d1d2) + d1 * d1 + d2 * d2)
    out.dualDelta[i] = -theta * D * Normal.cdf(theta * d2)
    // ∂²V/∂K² = D·φ(d2)/(K·s) and D·F·φ(d2)/K = Q·U·φ(d1): the spot gamma scaled by (U/K)².
    const ratio = U / K
    out.dualGamma[i] = g * ratio * ratio
  }
}

/** Bachelier on a forward, Greeks with the forward fixed; d = (F − K)/s. */
export const bachelierHigherRows = (
  n: number,
  isCall: Uint8Array,
  forward: Float64Array,
  strike: Float64Array,
  expiry: Float64Array,
  rate: Float64Array,
  vol: Float64Array,
  first: FirstColumns,
  out: HigherColumns,
  status: Uint8Array
): void => {
  const { delta, gamma, vega } = first
  for (let i = 0; i < n; i++) {
    if (status[i] !== 0) {
      nan(out, i)
      continue
    }
    const F = forward[i]!, K = strike[i]!, T = expiry[i]!, r = rate[i]!, sigma = vol[i]!
    const theta = isCall[i] === 1 ? 1 : -1
    const s = sigma * Math.sqrt(T)
    const d = (F - K) / s
    const D = r === 0 ? 1 : Math.exp(-r * T)
    const g = gamma[i]!, v = vega[i]!
    // e^{−rT}φ(d), read off the kernel's vega = e^{−rT}φ(d)·√T
    const Dphi = v / Math.sqrt(T)
    const dd = d * d
    out.vanna[i] = -Dphi * d / sigma
    out.volga[i] = v * dd / sigma
    out.charm[i] = r * delta[i]! + Dphi * d / (2 * T)
    out.veta[i] = v * (r - (1 + dd) / (2 * T))
    out.speed[i] = -g * d / s
    out.zomma[i] = g * (dd - 1) / sigma
    out.color[i] = g * (r + (1 - dd) / (2 * T))
    out.ultima[i] = v * dd / (sigma * sigma) * (dd - 3)
    out.dualDelta[i] = -theta * D * Normal.cdf(theta * d)
    out.dualGamma[i] = g
  }
}
