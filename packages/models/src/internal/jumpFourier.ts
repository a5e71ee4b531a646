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
 * intrinsic + the out-of-the-money value. θ is the saddle point θ* of e^{E(θ)}/|θ(θ − 1)| (convex in θ: found by
 * bisection on the whole open interval; the pole terms keep it inside). Where θ* is within min(width/4, 1) of an
 * end, θ is moved towards that margin (the strip, hence the step, grows with the distance to the singularity)
 * only as far as the integrand's scale e^{E(θ)}/|θ(θ − 1)| stays within 4 × its value at θ*. On that contour the
 * integrand is essentially positive near u = 0, so the sum keeps the relative precision of the price in the wings.
 * A large total variance σ²T puts θ* close to a pole (about 1/(T·G(1) − k) from w = 1, 1/(T·G(0) + k) from
 * w = 0): 0.05 from w = 1 at σ = 3, T = 3.8 at the money, where θ = 1.18. Holding the contour at the margin
 * there (θ = 2) instead made the integrand e^{30} times its saddle-point scale, and the cancellation in the sum
 * returned prices off by up to 12% (or clamped to F). Zero-weight jump sides (p = 0 or 1) put no singularity at
 * their rate; their end is moved out of the way ({@link C.NO_POLE}).
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
 * The Greeks use the same nodes with budgets for their integrands (no 1/(w(w − 1)) decay). The rounding of the
 * sum (ε times the integrand's absolute integral, about ε × the price on the saddle contour) is estimated to first
 * order alongside it: each node's |e^E/(w(w − 1))| times the absolute error of E (the sum of the magnitudes of
 * its parts) plus a few ulps; against 40-digit references that is 5 to 40 times the error made. The caller turns
 * the option down when it exceeds the accuracy bar (`Kou.ts`). Not covered: the rounding of the inputs (k = ln(K/F)
 * in particular, as for Black-76).
 *
 * The cost is the number of nodes, about (V + h)/h: a few hundred for expiries of months, thousands for one day
 * (V ~ 1/(σ√T)); near a pole h shrinks with the distance to it, but V is small there: under 150 nodes at σ = 3.
 *
 * @internal
 */
import { logMoneyness } from "./normalisedBlack.js"

const enum C {
  PI = 3.141592653589793,
  TWO_PI = 6.283185307179586,
  /** 2⁻⁵⁴: the error budget relative to the out-of-the-money price. */
  TOLERANCE = 5.551115123125783e-17,
  /** 2⁻⁵², the spacing of doubles at 1. */
  EPSILON = 2.220446049250313e-16,
  /** Smallest budget, absolute in units of F. */
  FLOOR = 1e-300,
  /** The narrowest contour interval integrated on its own side; narrower ones use Lewis's strip. */
  MIN_WIDTH = 0.25,
  MAX_JUMPS = 700,
  /** Stand-in rate for a jump side of zero weight (no pole): far beyond any saddle, and its square finite. */
  NO_POLE = 1e150,
  /** ln of the largest factor by which the contour's integrand scale may exceed the saddle point's. */
  LOSS = 1.3862943611198906
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

/**
 * The saddle point: the root of {@link slope} in (lo, hi), both ends excluded. Each end is a singularity at
 * which the slope tends to −∞ (lower) or +∞ (upper), so the root is interior, however close to a pole the
 * total variance pushes it; an end at {@link C.NO_POLE} is bracketed by doubling first.
 */
function saddle(lo: number, hi: number): number {
  let a = lo, b = hi
  if (hi === C.NO_POLE || lo === -C.NO_POLE) {
    // Bracket from the finite end outwards.
    const finite = hi === C.NO_POLE ? lo : hi
    const dir = hi === C.NO_POLE ? 1 : -1
    let d = 1
    while (d < 1e100 && dir * slope(finite + dir * d) < 0) d *= 2
    if (dir > 0) b = finite + d
    else a = finite - d
  }
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (a + b)
    // Relative to the distance from either end, so that a saddle next to a pole is still found to 1e-6 of it.
    if (b - a <= 1e-6 * Math.min(mid - lo, hi - mid)) break
    if (slope(mid) < 0) a = mid
    else b = mid
  }
  return 0.5 * (a + b)
}

/** ln[e^{E(θ)}/|θ(θ − 1)|], the saddle-point scale of the integrand on the contour Re w = θ. */
const lnScale = (th: number): number => lnA(th) - Math.log(Math.abs(th * (th - 1)))

/**
 * The contour's abscissa: the saddle point θ*, or, when θ* is within min(width/4, 1) of an end of (lo, hi),
 * the point nearest that margin at which the integrand's scale is at most e^{LOSS} times its scale at θ*.
 * Near a singularity the strip of analyticity, hence the step, shrinks with the distance to it; the cap on the
 * scale caps the cancellation in the sum (a contour held away from the saddle without it makes the integrand
 * larger than the price by e^{lnScale(θ) − lnScale(θ*)}: e^{30} at σ = 3, T = 3.8 at the money).
 */
function contourAbscissa(lo: number, hi: number): number {
  const star = saddle(lo, hi)
  const margin = Math.min(0.25 * (hi - lo), 1)
  const edge = star < lo + margin ? lo + margin : star > hi - margin ? hi - margin : star
  if (edge === star) return star
  const limit = lnScale(star) + C.LOSS
  if (lnScale(edge) <= limit) return edge
  // lnScale is convex with its minimum at θ*: bisect [θ*, edge] for the point where it crosses the limit.
  let inside = star, outside = edge
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (inside + outside)
    if (lnScale(mid) <= limit) inside = mid
    else outside = mid
    if (Math.abs(outside - inside) <= 1e-3 * Math.abs(inside - star)) break
  }
  return inside
}

/**
 * Results of {@link kouIntegrals}: J, and for Greeks Jd = (1/π)∫Re[e^E/(w−1)], Jg = (1/π)∫Re e^E, Jt = (1/π)∫Re[e^E·G];
 * then a first-order bound on the rounding error of J (the sum of each node's error, in units of F).
 */
export const kouIntegralsOut = new Float64Array(5)

/**
 * The trapezoidal sums of the four integrals on the contour Re w = θ with step h and nodes 0 … n.
 */
function trapezoid(theta: number, h: number, n: number, greeks: boolean): void {
  let sp = 0, sd = 0, sg = 0, st = 0, se = 0
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
    const p1 = T_ * (wwRe * gRe), p2 = T_ * (wwIm * gIm), p3 = T_ * (wwRe * gIm), p4 = T_ * (wwIm * gRe)
    const eRe = p1 - p2 + base
    const eIm = p3 + p4 - u * k_
    const mag = Math.exp(eRe)
    const cr = mag * Math.cos(eIm)
    const ci = mag * Math.sin(eIm)
    const weight = j === 0 ? 0.5 : 1
    // Re[e^E / ww] = (cr·wwRe + ci·wwIm)/|ww|²
    const ww2 = wwRe * wwRe + wwIm * wwIm
    sp += weight * ((cr * wwRe + ci * wwIm) / ww2)
    // Rounding: |e^E/ww| (≤ e^{Re E}(|wwRe| + |wwIm|)/|ww|²) times the absolute error of E over ε, plus a few
    // ulps for the arithmetic after it.
    se += weight * ((mag * (Math.abs(wwRe) + Math.abs(wwIm))) / ww2) *
      (8 + Math.abs(p1) + Math.abs(p2) + Math.abs(p3) + Math.abs(p4) + Math.abs(base) + Math.abs(u * k_))
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
  kouIntegralsOut[4] = f * se * C.EPSILON
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
  // A jump side of zero weight puts no singularity at its rate: move it out of the way.
  if (A1 === 0) E1 = C.NO_POLE
  if (A2 === 0) E2 = C.NO_POLE
  let side = k_ >= 0 ? 1 : -1
  if ((side > 0 ? E1 - 1 : E2) < C.MIN_WIDTH) side = 0
  const lo = side > 0 ? 1 : side < 0 ? -E2 : 0
  const hi = side > 0 ? E1 : side < 0 ? 0 : 1
  const theta = side === 0 ? 0.5 : contourAbscissa(lo, hi)
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
