/**
 * Implied Black volatility after P. Jäckel, "Let's Be Rational" (Wilmott, January 2015; 2016/2017
 * revisions).
 *
 * The normalised price β = price/√(F·K) is inverted for s = σ√T. In-the-money options are first reduced
 * to their out-of-the-money counterpart (β minus the normalised intrinsic value) and puts are mapped to
 * calls (x → −x), so the core works with x ≤ 0, 0 < β < b_max = e^{x/2}.
 *
 * Initial guess: with s_c = √(2|x|) (the inflection point of b in s), s_l and s_u from the tangent at s_c,
 * the β-axis splits into four branches (b_l = b(s_l), b_u = b(s_u), s_l and the vegas there depend on x alone
 * and are read from fitted tables, lbrBrackets.generated.ts, as in Jäckel's 2024 revision, rather than
 * evaluated):
 *   [0, b_l)       rational cubic in β of the lower asymptotic map f_l = (2π/√27)·|x|·Φ(−|x|/(√3 s))³,
 *                  inverted in closed form;
 *   [b_l, b_c)     rational cubic interpolation of s(β) with slopes 1/b′ and zero convexity at b_c;
 *   [b_c, b_u]     likewise on the right of the inflection point;
 *   (b_u, b_max)   rational cubic of the upper map f_u = Φ(−s/2), inverted via Φ⁻¹.
 * Refinement: two third-order Householder steps on a branch-specific objective, g = 1/ln b − 1/ln β at the
 * bottom (near-linear in s as b → 0), g = ln((b_max−β)/(b_max−b)) at the top (with b_max − b evaluated
 * directly, without cancellation), g = b − β in between. Each step stays inside the branch's bracket.
 *
 * @module
 */
import { cdf, erfcx, inverseCdf, pdf } from "../Normal.js"
import { as241Tail } from "./as241.js"
import { erfSmall } from "./cody.js"
import {
  erfcxNonNegative,
  logMoneyness,
  normalisedVega,
  otmCallAndVegaIO,
  otmIO as io,
} from "./normalisedBlack.js"
import { LOWER, UPPER } from "./lbrBrackets.generated.js"
import { ABOVE_MAXIMUM, BELOW_INTRINSIC } from "./sentinels.js"

/**
 * Constants as a const enum, which the compiler replaces by literals: V8 does not fold module-level
 * `const` doubles into optimised code but reloads and type-checks them at each use, and phis fed by such
 * loads were kept as boxed heap numbers.
 */
const enum C {
  EPSILON = 2.220446049250313e-16,
  DBL_MIN = 2.2250738585072014e-308,
  DBL_MAX = 1.7976931348623157e308,
  SQRT_DBL_MAX = 1.3407807929942596e154,
  SQRT1_2 = 0.7071067811865476,
  TWO_PI = 6.283185307179586,
  SQRT_2_OVER_PI = 0.7978845608028654,
  INV_SQRT_2PI = 0.3989422804014327,
  SQRT_2PI = 2.5066282746310002,
  SQRT_PI_OVER_2 = 1.2533141373155003,
  SQRT_3 = 1.7320508075688772,
  SQRT_1_3 = 0.5773502691896257,
  TWO_PI_OVER_SQRT_27 = 1.2091995761561452,
  /** ln(√3/∛(2π)) = ln 0.9386434874273835 */
  LN_SQRT_3_OVER_CBRT_2PI = -0.06331954446906043,
  /** AS241's lower-tail range, p ≤ 0.075, and its logarithm. */
  AS241_TAIL = 0.075,
  LN_AS241_TAIL = -2.5902671654458267,
  PI_OVER_6 = 0.5235987755982988,
  /** r ≥ 2/ε² makes the rational cubic degenerate to linear interpolation. */
  RC_MAX_CONTROL = 4.056481920730334e31,
  /** −(1 − √ε) */
  RC_MIN_CONTROL = -0.9999999850988388,
  ITERATIONS = 2,
  /**
   * Householder(3) converges quartically: after an unclamped step ds the error is about C·(ds/s)⁴·s, with
   * C ≤ 13 measured over |x| ≤ 60, s ∈ [1e-3, 20] in all three branches. Below this step size a second
   * step cannot move s by more than ~1e-17·s and is skipped.
   */
  QUARTIC_CONVERGED = 3e-5,
  CODY_THRESHOLD = 0.46875,
  /** 0.46875·√2 */
  CDF_CENTRAL = 0.6629126073623883,
  /** 2^27 + 1 */
  SPLITTER = 134217729,
  /** Pieces of the bracket tables and coefficients per function (see lbrBrackets.generated.ts). */
  BRACKET_PIECES = 32,
  BRACKET_COEFFICIENTS = 8,
  /**
   * Relative widening of the branch brackets: b_l and b_u come from tables good to ~4e-16, so a β within an
   * ulp or two of them may be assigned to the neighbouring branch, whose root then lies just outside it.
   */
  BRACKET_SLACK = 1e-12,
}

/**
 * Function number `which` of a bracket table (lbrBrackets.generated.ts) that holds `functions` functions per
 * piece (LOWER: fl, gl, sl; UPPER: fu, gu), at q = √−x: a degree-7 polynomial on the piece of
 * z = q/(1+q) ∈ [0, 1) that holds z.
 */
export function bracketFunction(table: Float64Array, functions: number, which: number, q: number): number {
  const z = q / (1 + q)
  let piece = Math.floor(C.BRACKET_PIECES * z)
  if (piece > C.BRACKET_PIECES - 1) piece = C.BRACKET_PIECES - 1
  const t = 2 * (C.BRACKET_PIECES * z - piece) - 1
  const o = C.BRACKET_COEFFICIENTS * (functions * piece + which)
  return (
    table[o]! +
    t *
      (table[o + 1]! +
        t *
          (table[o + 2]! +
            t * (table[o + 3]! + t * (table[o + 4]! + t * (table[o + 5]! + t * (table[o + 6]! + t * table[o + 7]!))))))
  )
}

/**
 * Delbourgo–Gregory rational cubic through (xl, yl), (xr, yr) with end slopes dl, dr and control
 * parameter r (r = 3 is the cubic Hermite spline, r → ∞ linear); r matches the second derivative d2 at the
 * right (or left) end and is floored for shape preservation. Takes [x, xl, xr, yl, yr, dl, dr, d2] in `rc`
 * and leaves the value in rc[0]: as arguments these eight doubles would be boxed on every call.
 */
const rc = new Float64Array(8)

function interpolate(curvatureAtRight: boolean, preferShape: boolean): void {
  const xl = rc[1]!
  const xr = rc[2]!
  const yl = rc[3]!
  const yr = rc[4]!
  const dl = rc[5]!
  const dr = rc[6]!
  const h = xr - xl
  const slope = (yr - yl) / h
  const num = 0.5 * h * rc[7]! + (dr - dl)
  const den = curvatureAtRight ? dr - slope : slope - dl
  let r = Math.abs(num) < C.DBL_MIN ? 0 : Math.abs(den) < C.DBL_MIN ? (num > 0 ? C.RC_MAX_CONTROL : C.RC_MIN_CONTROL) : num / den
  r = Math.max(r, minimumControl(dl, dr, slope, preferShape))
  if (Math.abs(h) <= 0) {
    rc[0] = 0.5 * (yl + yr)
    return
  }
  const t = (rc[0]! - xl) / h
  if (!(r >= C.RC_MAX_CONTROL)) {
    const omt = 1 - t
    const t2 = t * t
    const omt2 = omt * omt
    rc[0] =
      (yr * t2 * t + (r * yr - h * dr) * t2 * omt + (r * yl + h * dl) * t * omt2 + yl * omt2 * omt) / (1 + (r - 3) * t * omt)
    return
  }
  rc[0] = yr * t + yl * (1 - t)
}

/** Smallest control parameter that keeps the interpolant monotone and convex/concave where the data are. */
function minimumControl(dl: number, dr: number, slope: number, preferShape: boolean): number {
  const monotonic = dl * slope >= 0 && dr * slope >= 0
  const convex = dl <= slope && slope <= dr
  const concave = dl >= slope && slope >= dr
  if (!monotonic && !convex && !concave) return C.RC_MIN_CONTROL
  const drMinusDl = dr - dl
  const drMinusS = dr - slope
  const sMinusDl = slope - dl
  let r1 = -C.DBL_MAX
  let r2 = -C.DBL_MAX
  if (monotonic) {
    if (Math.abs(slope) >= C.DBL_MIN) r1 = (dr + dl) / slope
    else if (preferShape) r1 = C.RC_MAX_CONTROL
  }
  if (convex || concave) {
    if (Math.abs(sMinusDl) >= C.DBL_MIN && Math.abs(drMinusS) >= C.DBL_MIN) {
      r2 = Math.max(Math.abs(drMinusDl / drMinusS), Math.abs(drMinusDl / sMinusDl))
    } else if (preferShape) r2 = C.RC_MAX_CONTROL
  } else if (monotonic && preferShape) r2 = C.RC_MAX_CONTROL
  return Math.max(C.RC_MIN_CONTROL, r1, r2)
}

/**
 * Φ⁻¹(e^{lnP}) for the initial guesses. In the lower tail this is Wichura's AS241 (PPND16, relative
 * accuracy ~1e-16) straight from u = √(−ln p), without the polishing step of `inverseCdf`, whose exponential
 * buys nothing next to the guess's own error of up to 1e-2 that the Householder steps remove.
 */
function guessInverseCdf(lnP: number): number {
  if (!(lnP <= C.LN_AS241_TAIL)) return inverseCdf(Math.exp(lnP))
  return as241Tail(Math.sqrt(-lnP))
}

/**
 * ln(a/b) for a, b > 0. Within 1/256 of each other a − b is exact (Sterbenz) and seven terms of the
 * log1p series are good to 2e-18 relative, so the last Householder step needs no logarithm.
 */
function logRatio(a: number, b: number): number {
  const r = (a - b) / b
  if (Math.abs(r) < 0.00390625) {
    return r * (1 - r * (0.5 - r * (1 / 3 - r * (0.25 - r * (0.2 - r * (1 / 6 - r * (1 / 7)))))))
  }
  return Math.log(a / b)
}

/**
 * Scratch of {@link normalisedImpliedVolatility}: β, x, b_max in slots 0–2 on entry, s in slot 0 on return.
 * Doubles passed to or returned from a call that V8 does not inline are boxed into heap numbers.
 */
const solveIO = new Float64Array(3)

/**
 * Normalised implied volatility s for an out-of-the-money call (x ≤ 0) with 0 < β < e^{x/2}, from and to
 * `solveIO`. Guess and refinement share one body so that the iterates never leave registers; b and b′ come
 * from `otmCallAndVegaIO` through `otmIO`.
 */
function normalisedImpliedVolatility(): void {
  const beta = solveIO[0]!
  const x = solveIO[1]!
  const bMax = solveIO[2]!
  io[0] = x
  io[2] = bMax
  const q = Math.sqrt(-x)
  const sC = Math.SQRT2 * q
  let bC = 0
  let vC = C.INV_SQRT_2PI
  if (sC > 0) {
    // At s_c, h = −t: b_c = ½·b_max − ½·erfc(q)/b_max with q = √−x, and e^{−(h²+t²)/2} = e^{x/2} = b_max.
    // erfc(q) = erfcx(q)·b_max²; below Cody's threshold 1 − erfcx(q) would cancel, so there
    // b_c = (erf(q) + e^x − 1)/(2·b_max), whose terms differ by a factor ≥ 2.4.
    bC = q > C.CODY_THRESHOLD ? 0.5 * bMax * (1 - erfcxNonNegative(q)) : (0.5 * (erfSmall(q) + Math.expm1(x))) / bMax
    vC = C.INV_SQRT_2PI * bMax
  }
  // b_l, b_u and the vegas there depend on x alone: read from tables instead of evaluating b, which saves
  // one of the solver's three evaluations of b.
  let s: number
  let sLeft = C.DBL_MIN
  let sRight = C.DBL_MAX
  let lower = false
  if (beta < bC) {
    // s_l = s_c − b_c/v_c cancels as x → 0; the table keeps it consistent with b_l.
    const sL = bracketFunction(LOWER, 3, 2, q) * (-x / (1 + q))
    const bL = bMax * bracketFunction(LOWER, 3, 0, q) * (-x / (1 - x))
    const vL = bMax * bracketFunction(LOWER, 3, 1, q)
    if (beta < bL) {
      // Lowest branch: interpolate f_l(β) on [0, b_l] with f(0) = 0, f′(0) = 1 and f, f′, f″ at b_l.
      const ax = -x
      const z = (C.SQRT_1_3 * ax) / sL
      const y = z * z
      const s2 = sL * sL
      // One exponential, E = e^{−z²/2}: with z² = h²/3 at s_l, e^{s_l²/8} = E³/g_l, where g_l = √(2π)·v_l
      // is the Gaussian factor of b_l, and the powers of e^{z²} in f′ and f″ cancel against Φ(−z)/E.
      let e: number
      if (Math.abs(z) < 37) {
        // √(2π)·φ(z) as `pdf` evaluates it, from the exact z² (Dekker).
        const c = C.SPLITTER * z
        const hi = c - (c - z)
        const lo = z - hi
        e = C.SQRT_2PI * (C.INV_SQRT_2PI * (Math.exp(-0.5 * y) * (1 - 0.5 * (hi * hi - y + 2 * hi * lo + lo * lo))))
      } else e = C.SQRT_2PI * pdf(z)
      let phiLow: number
      let ratio: number // Φ(−z)/φ(z)
      if (z > C.CDF_CENTRAL) {
        const c = erfcxNonNegative(C.SQRT1_2 * z)
        phiLow = 0.5 * c * e
        ratio = C.SQRT_PI_OVER_2 * c
      } else {
        phiLow = z >= -C.CDF_CENTRAL ? 0.5 + 0.5 * erfSmall(C.SQRT1_2 * -z) : cdf(-z) // Φ(−z) as `cdf` forms it
        ratio = (C.SQRT_2PI * phiLow) / e
      }
      const gL = C.SQRT_2PI * vL
      const e3 = e * e * e
      const d = gL > 1e-280 && e3 > 1e-280 ? e3 / gL : Math.exp(0.125 * s2) // e^{s_l²/8}
      const pe = C.INV_SQRT_2PI * ratio // Φ(−z)·e^{z²/2}
      rc[7] =
        ((C.PI_OVER_6 * y) / (s2 * sL)) *
        pe *
        (8 * C.SQRT_3 * sL * ax + (3 * s2 * (s2 - 8) - 8 * x * x) * ratio) *
        (gL > 1e-280 ? d / gL : Math.exp(1.5 * y + 0.25 * s2))
      const fL = C.TWO_PI_OVER_SQRT_27 * ax * (phiLow * phiLow * phiLow)
      rc[0] = beta
      rc[1] = 0
      rc[2] = bL
      rc[3] = 0
      rc[4] = fL
      rc[5] = 1
      rc[6] = C.TWO_PI * y * (pe * pe) * d
      interpolate(true, true)
      let f = rc[0]!
      if (!(f > 0)) {
        // Round-off at extreme |x|: quadratic through f(0) = 0, f′(0) = 1 and f(b_l).
        const u = beta / bL
        f = (fL * u + bL * (1 - u)) * u
      }
      // Φ⁻¹(c·∛(f/|x|)) from its logarithm: ln ∛u = ln u/3 replaces the cube root.
      const fr = f / ax
      const lnP = C.LN_SQRT_3_OVER_CBRT_2PI + (fr > C.DBL_MIN ? Math.log(fr) : Math.log(f) - Math.log(ax)) / 3
      s = Math.abs(x / (C.SQRT_3 * guessInverseCdf(lnP)))
      sRight = sL * (1 + C.BRACKET_SLACK)
      lower = true
    } else {
      rc[0] = beta
      rc[1] = bL
      rc[2] = bC
      rc[3] = sL
      rc[4] = sC
      rc[5] = 1 / vL
      rc[6] = 1 / vC
      rc[7] = 0
      interpolate(true, false)
      s = rc[0]!
      sLeft = sL * (1 - C.BRACKET_SLACK)
      sRight = sC
    }
  } else {
    const sU = vC > C.DBL_MIN ? sC + (bMax - bC) / vC : sC
    const bBarU = bMax * bracketFunction(UPPER, 2, 0, q)
    const bU = bMax - bBarU
    const vU = bMax * bracketFunction(UPPER, 2, 1, q)
    if (beta <= bU) {
      rc[0] = beta
      rc[1] = bC
      rc[2] = bU
      rc[3] = sC
      rc[4] = sU
      rc[5] = 1 / vC
      rc[6] = 1 / vU
      rc[7] = 0
      interpolate(false, false)
      s = rc[0]!
      sLeft = sC
      sRight = sU * (1 + C.BRACKET_SLACK)
    } else {
      s = upperGuess(beta, bMax, x, sU, bU, bBarU)
      sLeft = sU * (1 - C.BRACKET_SLACK)
      if (beta > 0.5 * bMax) {
        solveIO[0] = refineUpper(beta, x, bMax, s, sLeft, sRight)
        return
      }
    }
  }
  // Householder(3) on g = 1/ln b − 1/ln β in the lowest branch, g = b − β otherwise (see below).
  const lnBeta = lower ? Math.log(beta) : 0
  let ds = C.DBL_MAX
  for (let i = 0; i < C.ITERATIONS && Math.abs(ds) > C.EPSILON * s; i++) {
    io[1] = s
    otmCallAndVegaIO()
    const b = io[3]!
    const bp = io[4]!
    const h = x / s
    const bHh2 = (h * h) / s - 0.25 * s // b″/b′
    const bHh3 = bHh2 * bHh2 - 3 * (h / s) * (h / s) - 0.25 // b‴/b′
    if (!lower) {
      const nu = (beta - b) / bp
      ds = nu * ((1 + 0.5 * bHh2 * nu) / (1 + nu * (bHh2 + (bHh3 * nu) / 6)))
    } else if (!(b > 0 && bp > 0)) {
      // Underflow far outside the guess's accuracy: bisect towards the bracket instead.
      ds = 0.5 * (sLeft + Math.min(sRight, 2 * s)) - s
    } else {
      // With λ = 1/ln b: ν = −g/g′ = ln(β/b)·(ln b/ln β)·b/b′, h₂ = b″/b′ − (b′/b)(1 + 2λ),
      // h₃ = b‴/b′ + (b′/b)²(2 + 6λ(1+λ)) − 3(b″/b)(1 + 2λ). ln(β/b) is one logarithm of a ratio near 1,
      // which keeps ε relative accuracy in b even when ln b ≈ −690; ln b = ln β − ln(β/b).
      const r = (beta - b) / b
      // Within 1/256, β − b is exact (Sterbenz) and seven log1p terms are good to 2e-18 relative.
      const lnBetaOverB =
        Math.abs(r) < 0.00390625
          ? r * (1 - r * (0.5 - r * (1 / 3 - r * (0.25 - r * (0.2 - r * (1 / 6 - r * (1 / 7)))))))
          : Math.log(beta / b)
      const lnB = lnBeta - lnBetaOverB
      const bpob = bp / b
      const lambda = 1 / lnB
      const otl = 1 + 2 * lambda
      const nu = (lnBetaOverB * lnB) / lnBeta / bpob
      const hh2 = bHh2 - bpob * otl
      const hh3 = bHh3 + bpob * bpob * (2 + 6 * lambda * (1 + lambda)) - bHh2 * bpob * 3 * otl
      ds = nu * ((1 + 0.5 * hh2 * nu) / (1 + nu * (hh2 + (hh3 * nu) / 6)))
    }
    const next = Math.max(sLeft, Math.min(sRight, s + ds))
    ds = next === s + ds && Math.abs(ds) <= C.QUARTIC_CONVERGED * s ? 0 : next - s
    s = next
  }
  solveIO[0] = s
}

/** Highest branch guess: interpolate f_u(β) = Φ(−s/2) on [b_u, b_max] with f(b_max) = 0, f′(b_max) = −½. */
function upperGuess(beta: number, bMax: number, x: number, sU: number, bU: number, bBarU: number): number {
  const fU = cdf(-0.5 * sU)
  let fp = -0.5
  let fpp = 0
  if (x !== 0) {
    const w = (x / sU) * (x / sU)
    fp = -0.5 * Math.exp(0.5 * w)
    fpp = C.SQRT_PI_OVER_2 * Math.exp(w + 0.125 * sU * sU) * (w / sU)
  }
  let f = -1
  if (fpp > -C.SQRT_DBL_MAX && fpp < C.SQRT_DBL_MAX) {
    rc[0] = beta
    rc[1] = bU
    rc[2] = bMax
    rc[3] = fU
    rc[4] = 0
    rc[5] = fp
    rc[6] = -0.5
    rc[7] = fpp
    interpolate(false, true)
    f = rc[0]!
  }
  if (f <= 0) {
    // Quadratic through f(b_u), f(b_max) = 0 and f′(b_max) = −½.
    const h = bBarU
    const u = (beta - bU) / h
    f = (fU * (1 - u) + 0.5 * h * u) * (1 - u)
  }
  return -2 * (f < C.AS241_TAIL ? guessInverseCdf(Math.log(f)) : inverseCdf(f))
}

/** Householder(3) correction factor: step = ν·(1 + ν·h₂/2)/(1 + ν·(h₂ + ν·h₃/6)). */
function householderFactor(nu: number, hh2: number, hh3: number): number {
  return (1 + 0.5 * hh2 * nu) / (1 + nu * (hh2 + (hh3 * nu) / 6))
}

/**
 * Objective g = ln(β̄/b̄) with b̄ = b_max − b = ½·[erfcx((t+h)/√2) + erfcx((t−h)/√2)]·e^{−(h²+t²)/2}
 * evaluated without subtraction; g′ = b′/b̄ = √(2/π)/[erfcx(·) + erfcx(·)], ν = −g/g′,
 * h₂ = b″/b′ + g′, h₃ = b‴/b′ + g′(2g′ + 3b″/b′).
 */
function refineUpper(beta: number, x: number, bMax: number, s0: number, sLeft: number, sRight: number): number {
  const betaBar = bMax - beta
  let s = s0
  let ds = C.DBL_MAX
  for (let i = 0; i < C.ITERATIONS && Math.abs(ds) > C.EPSILON * s; i++) {
    const h = x / s
    const t = 0.5 * s
    const gp = C.SQRT_2_OVER_PI / (erfcx(C.SQRT1_2 * (t + h)) + erfcx(C.SQRT1_2 * (t - h)))
    const bBar = normalisedVega(x, s) / gp
    if (!(bBar > C.DBL_MIN)) {
      ds = 0.5 * (sLeft + s) - s
    } else {
      const g = logRatio(betaBar, bBar)
      const bHh2 = (h * h) / s - 0.25 * s
      const bHh3 = bHh2 * bHh2 - 3 * (h / s) * (h / s) - 0.25
      const nu = -g / gp
      const hh2 = bHh2 + gp
      const hh3 = bHh3 + gp * (2 * gp + 3 * bHh2)
      ds = nu * householderFactor(nu, hh2, hh3)
    }
    const next = Math.max(sLeft, Math.min(sRight, s + ds))
    ds = next === s + ds && Math.abs(ds) <= C.QUARTIC_CONVERGED * s ? 0 : next - s
    s = next
  }
  return s
}

/**
 * Implied Black volatility of an undiscounted option price.
 * @param price - undiscounted option price (units of F)
 * @param F - forward (> 0)
 * @param K - strike (> 0)
 * @param T - time to expiry in years (> 0)
 * @param theta - +1 for a call, −1 for a put
 * @returns σ per √year (decimal), or `BELOW_INTRINSIC` if price ≤ max(θ(F − K), 0), or `ABOVE_MAXIMUM`
 *   if price ≥ F (call) / K (put). Inputs are not otherwise validated (NaN in, NaN out).
 */
export function impliedBlackVolatility(price: number, F: number, K: number, T: number, theta: number): number {
  return impliedBlackVolatilityAt(price, F, K, logMoneyness(F, K), theta < 0 ? K - F : F - K, T, theta)
}

/**
 * {@link impliedBlackVolatility} for callers that hold x = ln(F/K) and the intrinsic value θ·(F − K) more
 * accurately than F and K alone give them (an option on a spot: ln(S/K) + (r − q)T and (S − K) + S·expm1(…)).
 * @param x - ln(F/K)
 * @param intrinsic - θ·(F − K), undiscounted (may be negative)
 */
export function impliedBlackVolatilityAt(
  price: number,
  F: number,
  K: number,
  x: number,
  intrinsic: number,
  T: number,
  theta: number
): number {
  if (price <= intrinsic || price <= 0) return BELOW_INTRINSIC
  if (price >= (theta < 0 ? K : F)) return ABOVE_MAXIMUM
  // In the money: keep only the time value, which is the price of the out-of-the-money counterpart
  // (put-call parity). Every out-of-the-money option is a call at x = −|ln(F/K)| (a put at x is a call at −x).
  const timeValue = intrinsic > 0 ? price - intrinsic : price
  const xo = -Math.abs(x)
  const beta = timeValue / (Math.sqrt(F) * Math.sqrt(K))
  if (!(beta > 0)) return beta === 0 ? 0 : NaN
  const bMax = Math.exp(0.5 * xo)
  if (beta >= bMax) return ABOVE_MAXIMUM
  solveIO[0] = beta
  solveIO[1] = xo
  solveIO[2] = bMax
  normalisedImpliedVolatility()
  return solveIO[0]! / Math.sqrt(T)
}
