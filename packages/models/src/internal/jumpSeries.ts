/**
 * Merton (1976) jump-diffusion on a forward: the Poisson-weighted series of normalised Black prices, with a
 * rigorous bound on the truncated tail.
 *
 * Model (forward measure, F a martingale): ln(F_T/F) = −(σ²/2 + λζ)T + σW_T + Σ_{i ≤ N_T} J_i with
 * N_T ~ Poisson(m = λT), J_i ~ N(μ, δ²) and ζ = E[e^J] − 1 = e^a − 1, a = μ + δ²/2. Given N_T = n, F_T is
 * lognormal with mean F_n = F·e^{n·a − λζT} and log variance s_n² = σ²T + n·δ², so
 *
 *     E[(F_T − K)^+] = Σₙ wₙ·Black(F_n, K, s_n),   wₙ = e^{−m}·mⁿ/n!.
 *
 * With m' = m·e^a (= λ'T of Merton's form), wₙ·F_n/F = cₙ = e^{−m'}·m'ⁿ/n!, a second Poisson weight: the series
 * is summed as √(wₙ·cₙ)·√(F·K)·b(xₙ, sₙ) with xₙ = ln(F/K) + n·a − λζT and b the normalised Black function
 * (full relative precision in the wings), so no F_n is ever formed and nothing overflows however large n·a is.
 * Every term is positive: the sum has no cancellation and its relative error is that of the worst term.
 *
 * Truncation. A call term is at most F_n, a put term at most K, so the tail after term n is at most
 *   call: F·Σ_{j>n} c_j ≤ F·c_{n+1}·(n+2)/(n+2−m'),   put: K·Σ_{j>n} w_j ≤ K·w_{n+1}·(n+2)/(n+2−m)
 * (Poisson tail by the geometric series of the ratios m/(j+1) ≤ m/(n+2), valid once n + 2 > m). Summation stops
 * at the first n where this bound is ≤ 2⁻⁵⁴ × the partial sum, so the truncation error is below 5.6e-17 of the
 * price (relative) however small the price is; an underflowed bound (far wings where the price is 0) stops it too.
 * The Greeks use the same bound times (1 + (n+2)/m), for theta's factor n/T.
 *
 * Domain: m ≤ 700 and m' ≤ 700 (e^{−m} and e^{−m'} stay normal doubles); that is up to 700 expected jumps.
 *
 * @internal
 */
import { cdf, pdf } from "../Normal.js"
import { logMoneyness, normalisedBlack } from "./normalisedBlack.js"

const enum C {
  /** 2⁻⁵⁴: the truncation bound relative to the partial sum. */
  TOLERANCE = 5.551115123125783e-17,
  /** Largest expected number of jumps m (and m') whose e^{−m} is a normal double. */
  MAX_JUMPS = 700,
  /** Safety stop; never reached in the domain (the tail bound falls below ε·sum after m + 40√m terms). */
  MAX_TERMS = 100000
}

/** Largest λT (and λT·e^{μ+δ²/2}) accepted. */
export const MERTON_MAX_JUMPS: number = C.MAX_JUMPS

/**
 * Which Merton input is outside the domain: 0 ok, 1 vol, 2 jumpIntensity, 3 jumpMean, 4 jumpVol. Expiry must
 * already be valid (finite, > 0).
 */
export const mertonParamsField = (T: number, sigma: number, lambda: number, mu: number, delta: number): number => {
  if (!(sigma > 0 && sigma * Math.sqrt(T) < Infinity)) return 1
  if (!(lambda >= 0 && lambda * T <= C.MAX_JUMPS)) return 2
  if (!(mu > -Infinity && mu < Infinity)) return 3
  if (!(delta >= 0 && delta < Infinity)) return 4
  // The tilted intensity m' = λT·e^{μ+δ²/2} bounds the work and the weights (not needed without jumps).
  if (lambda > 0 && !(lambda * T * Math.exp(mu + 0.5 * delta * delta) <= C.MAX_JUMPS)) return delta * delta > Math.abs(mu) ? 4 : 3
  return 0
}

/** True when the jumps leave the forward's law unchanged (no jumps, or jumps of size exactly 0). */
export const mertonIsBlack = (lambda: number, mu: number, delta: number): boolean =>
  lambda === 0 || (mu === 0 && delta === 0)

/**
 * Undiscounted Merton price (inputs valid and not {@link mertonIsBlack}). `q` = +1 call, −1 put.
 */
export function mertonUndiscounted(
  q: number,
  F: number,
  K: number,
  T: number,
  sigma: number,
  lambda: number,
  mu: number,
  delta: number
): number {
  const m = lambda * T
  const a = mu + 0.5 * delta * delta
  const zeta = Math.expm1(a)
  const mTilted = m * (1 + zeta)
  const drift = -m * zeta // ln(F_n/F) = n·a + drift
  const x0 = logMoneyness(F, K)
  const v0 = sigma * sigma * T
  const jumpVar = delta * delta
  let w = Math.exp(-m)
  let c = Math.exp(-mTilted)
  let sum = 0
  for (let n = 0; n < C.MAX_TERMS; n++) {
    const s = Math.sqrt(v0 + n * jumpVar)
    sum += Math.sqrt(w) * Math.sqrt(c) * normalisedBlack(x0 + (n * a + drift), s, q)
    const wNext = (w * m) / (n + 1)
    const cNext = (c * mTilted) / (n + 1)
    const tail = q > 0
      ? (n + 2 > mTilted ? (cNext * Math.sqrt(F / K) * (n + 2)) / (n + 2 - mTilted) : Infinity)
      : (n + 2 > m ? (wNext * Math.sqrt(K / F) * (n + 2)) / (n + 2 - m) : Infinity)
    if (tail <= C.TOLERANCE * sum) break
    w = wNext
    c = cNext
  }
  return Math.sqrt(F) * Math.sqrt(K) * sum
}

/** Outputs of {@link mertonGreeksInto}: price, delta, gamma, vega, theta, rho (discounted). */
export const mertonOut = new Float64Array(6)

/**
 * Discounted price and Greeks into {@link mertonOut}, term by term from each Black term's Greeks
 * (inputs valid and not {@link mertonIsBlack}). With Pₙ, Δₙ = q·Φ(q·d1ₙ), φₙ = φ(d1ₙ) the undiscounted Black
 * price, delta and density of term n, D = e^{−rT} and V the price:
 *
 *   delta = D·Σ cₙ·Δₙ,   gamma = D·Σ cₙ·φₙ/(F·sₙ),   vega (∂/∂σ) = σ·T·F²·gamma,   rho = −T·V,
 *   theta = −∂V/∂T = r·V − σ·vega/(2T) + D·Σ [λζ·F·cₙ·Δₙ − (n/T − λ)·wₙ·Pₙ]
 *
 * (∂wₙ/∂T = λ(wₙ₋₁ − wₙ) = (n/T − λ)·wₙ, ∂F_n/∂T = −λζ·F_n, ∂sₙ²/∂T = σ²).
 */
export function mertonGreeksInto(
  q: number,
  F: number,
  K: number,
  T: number,
  r: number,
  sigma: number,
  lambda: number,
  mu: number,
  delta: number
): void {
  const m = lambda * T
  const a = mu + 0.5 * delta * delta
  const zeta = Math.expm1(a)
  const mTilted = m * (1 + zeta)
  const drift = -m * zeta
  const x0 = logMoneyness(F, K)
  const v0 = sigma * sigma * T
  const jumpVar = delta * delta
  const sqrtFK = Math.sqrt(F) * Math.sqrt(K)
  let w = Math.exp(-m)
  let c = Math.exp(-mTilted)
  let price = 0, dlt = 0, gam = 0, jumpTheta = 0
  for (let n = 0; n < C.MAX_TERMS; n++) {
    const s = Math.sqrt(v0 + n * jumpVar)
    const x = x0 + (n * a + drift)
    const term = Math.sqrt(w) * Math.sqrt(c) * sqrtFK * normalisedBlack(x, s, q)
    const d1 = x / s + 0.5 * s
    const phi = pdf(d1)
    const deltaN = q * cdf(q * d1)
    price += term
    dlt += c * deltaN
    gam += (c * phi) / s
    jumpTheta += lambda * zeta * F * c * deltaN - (n / T - lambda) * term
    const wNext = (w * m) / (n + 1)
    const cNext = (c * mTilted) / (n + 1)
    const tail = q > 0
      ? (n + 2 > mTilted ? (cNext * F * (n + 2)) / (n + 2 - mTilted) : Infinity)
      : (n + 2 > m ? (wNext * K * (n + 2)) / (n + 2 - m) : Infinity)
    if (tail * (1 + (n + 2) / m) <= C.TOLERANCE * price) break
    w = wNext
    c = cNext
  }
  const df = Math.exp(-r * T)
  const V = df * price
  const gamma = (df * gam) / F
  const vega = sigma * T * F * F * gamma
  mertonOut[0] = V
  mertonOut[1] = df * dlt
  mertonOut[2] = gamma
  mertonOut[3] = vega
  mertonOut[4] = r * V - (sigma * vega) / (2 * T) + df * jumpTheta
  mertonOut[5] = -T * V
}
