/**
 * Kou (2002) double-exponential jump-diffusion on a forward by Fourier inversion of the closed-form
 * characteristic function, with the trapezoidal rule on a contour through the saddle point and a stated error
 * bound that sets the step and the truncation for each option.
 *
 * Model (forward measure): X = ln(F_T/F) = −(σ²/2 + λζ)T + σW_T + Σ_{i ≤ N_T} J_i, N_T ~ Poisson(λT), J = +Exp(η₁)
 * with probability p, −Exp(η₂) otherwise, ζ = E[e^J] − 1 = p/(η₁ − 1) − q/(η₂ + 1) (q = 1 − p). Its cumulant
 * function ln E[e^{wX}] = T·κ(w) factorises without cancellation as
 *
 *     κ(w) = w(w − 1)·G(w),   G(w) = σ²/2 + λp/((η₁ − w)(η₁ − 1)) + λq/((η₂ + w)(η₂ + 1)),
 *
 * analytic for −η₂ < Re w < η₁. With k = ln(K/F) and w = θ + iu,
 *
 *     J(θ) = (1/π) ∫₀^∞ Re[ e^{E(w)} / (w(w − 1)) ] du,   E(w) = T·κ(w) − (w − 1)·k,
 *
 * is the undiscounted out-of-the-money call over F for 1 < θ < η₁, the put over F for −η₂ < θ < 0 (moving the
 * contour across w = 1 and w = 0 picks up the residues 1 and −K/F), and call/F − 1 for 0 < θ < 1 (Lewis).
 * Out-of-the-money options are integrated on their own side, so nothing cancels; in-the-money options are
 * intrinsic + the out-of-the-money value. θ is the saddle point of e^{E(θ)}/|θ(θ − 1)| (convex in θ: found by
 * bisection), kept min(width/4, 1) inside its interval. On that contour the integrand is essentially positive
 * near u = 0, so the sum keeps the relative precision of the price in the wings.
 *
 * Error control (both bounds rigorous for the exact integrand):
 *  - discretisation: the integrand is analytic in the strip |Im u| < a (Re w ∈ (θ − a, θ + a)); on each line of
 *    the strip |e^{E}| ≤ A(θ′)·e^{−σ²T·x²/2} with A(θ′) = e^{T·κ(θ′) − (θ′ − 1)k} (the jump part of the tilted
 *    characteristic function has modulus ≤ 1) and |w(w − 1)| ≥ x² + |θ′(θ′ − 1)|, so its line integral is at most
 *    M = max A(θ ± a)·π/√(min |θ′(θ′ − 1)|) (A is log-convex). The trapezoidal rule's error on the whole line is
 *    ≤ 2M/(e^{2πa/h} − 1) (Trefethen & Weideman, SIAM Review 2014, Thm 5.1); h is chosen for half the budget,
 *    with a the best of four fractions of the distance to the nearest singularity.
 *  - truncation: ∫_V^∞ |integrand| ≤ A(θ)·e^{−βV²}/(2βV³), β = σ²T/2; the sum stops at V + h for the other half.
 * The budget is 2⁻⁵⁴ × the out-of-the-money price/F, from a saddle-point estimate first; if the computed value
 * shows the budget was too loose, the integral is redone with the budget from that value (at most twice more).
 * The Greeks use the same nodes with budgets for their integrands (no 1/(w(w − 1)) decay). What is not bounded
 * is the rounding of the sum (ε times the integrand's absolute integral, about ε × the price on the saddle
 * contour) and of the inputs (k = ln(K/F) in particular, as for Black-76).
 *
 * The cost is the number of nodes, about (V + h)/h: a few hundred for expiries of months, thousands for one day
 * (V ~ 1/(σ√T)).
 *
 * @internal
 */
import { logMoneyness } from "./normalisedBlack.js"

const enum C {
  PI = 3.141592653589793,
  TWO_PI = 6.283185307179586,
  /** 2⁻⁵⁴: the error budget relative to the out-of-the-money price. */
  TOLERANCE = 5.551115123125783e-17,
  /** Smallest budget, absolute in units of F. */
  FLOOR = 1e-300,
  /** The narrowest contour interval integrated on its own side; narrower ones use Lewis's strip. */
  MIN_WIDTH = 0.25,
  MAX_JUMPS = 700
}

/** Largest λT accepted. */
export const KOU_MAX_JUMPS: number = C.MAX_JUMPS

/**
 * Which Kou input is outside the domain: 0 ok, 1 vol, 2 jumpIntensity, 3 upProbability, 4 upRate, 5 downRate.
 * Expiry must already be valid.
 */
export const kouParamsField = (
  T: number,
  sigma: number,
  lambda: number,
  p: number,
  eta1: number,
  eta2: number
): number => {
  if (!(sigma > 0 && sigma * Math.sqrt(T) < Infinity)) return 1
  if (!(lambda >= 0 && lambda * T <= C.MAX_JUMPS)) return 2
  if (!(p >= 0 && p <= 1)) return 3
  if (!(eta1 > 1 && eta1 < Infinity)) return 4
  if (!(eta2 > 0 && eta2 < Infinity)) return 5
  return 0
}

// Model constants of the current option (set by `setup`), module-level so the helpers need no arguments.
let T_ = 0, k_ = 0, half = 0, A1 = 0, A2 = 0, E1 = 0, E2 = 0, beta = 0

/** G(θ) for real θ. */
const gReal = (th: number): number => half + A1 / (E1 - th) + A2 / (E2 + th)

/** ln A(θ) = T·κ(θ) − (θ − 1)k. */
const lnA = (th: number): number => T_ * th * (th - 1) * gReal(th) - (th - 1) * k_

/** d/dθ of ln[e^{E(θ)}/|θ(θ − 1)|]: increasing in θ on each interval. */
const slope = (th: number): number => {
  const g = gReal(th)
  const dg = A1 / ((E1 - th) * (E1 - th)) - A2 / ((E2 + th) * (E2 + th))
  return T_ * ((2 * th - 1) * g + th * (th - 1) * dg) - k_ - 1 / th - 1 / (th - 1)
}

/** Results of {@link kouIntegrals}: J, and for Greeks Jd = (1/π)∫Re[e^E/(w−1)], Jg = (1/π)∫Re e^E, Jt = (1/π)∫Re[e^E·G]. */
export const kouIntegralsOut = new Float64Array(4)

/**
 * The trapezoidal sums of the four integrals on the contour Re w = θ with step h and nodes 0 … n.
 */
function trapezoid(theta: number, h: number, n: number, greeks: boolean): void {
  let sp = 0, sd = 0, sg = 0, st = 0
  const tm1 = theta - 1
  const b1 = E1 - theta
  const b2 = E2 + theta
  const ww0 = theta * tm1
  const base = -tm1 * k_
  for (let j = 0; j <= n; j++) {
    const u = j * h
    const uu = u * u
    // G(w) = half + A1/(b1 − iu) + A2/(b2 + iu)
    const r1 = A1 / (b1 * b1 + uu)
    const r2 = A2 / (b2 * b2 + uu)
    const gRe = half + r1 * b1 + r2 * b2
    const gIm = (r1 - r2) * u
    // w(w − 1) = θ(θ−1) − u² + i·u(2θ − 1)
    const wwRe = ww0 - uu
    const wwIm = u * (2 * theta - 1)
    // E = T·w(w−1)·G − (θ − 1)k − i·u·k
    const eRe = T_ * (wwRe * gRe - wwIm * gIm) + base
    const eIm = T_ * (wwRe * gIm + wwIm * gRe) - u * k_
    const mag = Math.exp(eRe)
    const cr = mag * Math.cos(eIm)
    const ci = mag * Math.sin(eIm)
    const weight = j === 0 ? 0.5 : 1
    // Re[e^E / ww] = (cr·wwRe + ci·wwIm)/|ww|²
    sp += weight * ((cr * wwRe + ci * wwIm) / (wwRe * wwRe + wwIm * wwIm))
    if (greeks) {
      // Re[e^E/(w − 1)], w − 1 = (θ − 1) + iu
      sd += weight * ((cr * tm1 + ci * u) / (tm1 * tm1 + uu))
      sg += weight * cr
      st += weight * (cr * gRe - ci * gIm)
    }
  }
  const f = h / C.PI
  kouIntegralsOut[0] = f * sp
  kouIntegralsOut[1] = f * sd
  kouIntegralsOut[2] = f * sg
  kouIntegralsOut[3] = f * st
}

/**
 * Runs the contour integral(s) for one option into {@link kouIntegralsOut} and returns the contour's side:
 * +1 (J = call/F), −1 (J = put/F) or 0 (Lewis: J = call/F − 1). Parameters valid, λ > 0.
 */
export function kouIntegrals(
  F: number,
  K: number,
  T: number,
  sigma: number,
  lambda: number,
  p: number,
  eta1: number,
  eta2: number,
  greeks: boolean
): number {
  T_ = T
  k_ = -logMoneyness(F, K)
  half = 0.5 * sigma * sigma
  A1 = (lambda * p) / (eta1 - 1)
  A2 = (lambda * (1 - p)) / (eta2 + 1)
  E1 = eta1
  E2 = eta2
  beta = half * T
  let side = k_ >= 0 ? 1 : -1
  if ((side > 0 ? eta1 - 1 : eta2) < C.MIN_WIDTH) side = 0
  const lo = side > 0 ? 1 : side < 0 ? -eta2 : 0
  const hi = side > 0 ? eta1 : side < 0 ? 0 : 1
  const margin = Math.min(0.25 * (hi - lo), 1)
  let theta: number
  if (side === 0) theta = 0.5
  else {
    let a = lo + margin, b = hi - margin
    if (slope(a) >= 0) theta = a
    else if (slope(b) <= 0) theta = b
    else {
      for (let i = 0; i < 60 && b - a > 1e-9 * (1 + Math.abs(a)); i++) {
        const mid = 0.5 * (a + b)
        if (slope(mid) < 0) a = mid
        else b = mid
      }
      theta = 0.5 * (a + b)
    }
  }
  const aMax = Math.min(theta - lo, hi - theta)
  const lnA0 = lnA(theta)
  // Saddle-point estimate of |J| (Lewis: of 1, the call/F − 1 scale is not small).
  let estimate: number
  if (side === 0) estimate = 1
  else {
    const dd = 1e-4 * Math.max(1, Math.abs(theta))
    const curvature = (slope(theta + dd) - slope(theta - dd)) / (2 * dd)
    estimate = Math.exp(lnA0) / Math.abs(theta * (theta - 1)) / Math.sqrt(C.TWO_PI * Math.max(curvature, 1e-300))
    estimate = Math.min(estimate, 1)
  }
  // |G| on the contour itself (|1/(b ± iu)| ≤ 1/b), for the Greeks' truncation.
  const gLine = half + A1 / (E1 - theta) + A2 / (E2 + theta)
  let budget = Math.max(C.TOLERANCE * estimate * 0.0625, C.FLOOR)
  for (let pass = 0; pass < 3; pass++) {
    // Step: the best of four strip widths.
    const lnHalfBudget = Math.log(0.5 * budget)
    let h = 0
    for (let i = 1; i <= 4; i++) {
      const a = aMax * (i === 1 ? 0.3 : i === 2 ? 0.55 : i === 3 ? 0.75 : 0.9)
      const tl = theta - a, th = theta + a
      const cMin = Math.min(Math.abs(tl * (tl - 1)), Math.abs(th * (th - 1)))
      let lnM = Math.max(lnA(tl), lnA(th)) + Math.log(C.PI / Math.sqrt(cMin))
      if (greeks) {
        // Greeks' integrands: e^E times G, 1/(w − 1) or 1, with only the Gaussian decay.
        const gStrip = half + A1 / (E1 - th) + A2 / (E2 + tl)
        const factor = Math.max(1, gStrip, 1 / Math.abs(th - 1), 1 / Math.abs(tl - 1))
        lnM = Math.max(lnM, Math.max(lnA(tl), lnA(th)) + Math.log(Math.sqrt(C.PI / beta) * factor))
      }
      // (1/2π)·2M/(e^{2πa/h} − 1) ≤ budget/2  ⇐  2πa/h ≥ ln(1 + 2M/(π·budget))
      const lnRatio = lnM - Math.log(C.PI) + Math.log(2) - Math.log(budget)
      const needed = lnRatio > 30 ? lnRatio : Math.log1p(Math.exp(lnRatio))
      const step = (C.TWO_PI * a) / Math.max(needed, 1e-3)
      if (step > h) h = step
    }
    // Truncation: (1/π)·A0·e^{−βV²}/(2βV³) ≤ budget/2 (Greeks: /(2βV)·max factors).
    const lnGreek = greeks ? Math.log(Math.max(1, gLine)) : 0
    let V = Math.sqrt(Math.max(1, lnA0 - lnHalfBudget) / beta)
    for (let i = 0; i < 3; i++) {
      const lnTail = lnA0 - Math.log(C.TWO_PI * beta) - (greeks ? Math.log(V) - lnGreek : 3 * Math.log(V))
      V = Math.sqrt(Math.max(0, lnTail - lnHalfBudget) / beta)
    }
    const n = Math.ceil(V / h) + 1
    trapezoid(theta, h, n, greeks)
    const scale = side === 0 ? 1 + kouIntegralsOut[0]! : kouIntegralsOut[0]!
    if (budget <= C.TOLERANCE * scale || budget <= C.FLOOR) break
    budget = Math.max(C.TOLERANCE * 0.5 * (scale > 0 ? scale : budget * 1e-6), C.FLOOR)
  }
  return side
}
