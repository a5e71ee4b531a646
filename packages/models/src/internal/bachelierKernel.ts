/**
 * Bachelier (normal model) kernels: the undiscounted option price and its inverse, the implied normal
 * volatility.
 *
 * Both reduce to the out-of-the-money time value. With s = σ√T, t = |F − K|/s ≥ 0 and R(t) = Φ(−t)/φ(t)
 * the Mills ratio,
 *
 *   time value = s·φ(t) − |F − K|·Φ(−t) = s·φ(t)·g(t),   g(t) = 1 − t·R(t) = E[(Z − t)⁺]/φ(t).
 *
 * The textbook form cancels: deep out of the money its two terms agree in all but ~2·log10(t) digits,
 * and an erfcx-based 1 − t·R(t) has the same t²-fold error amplification until an asymptotic series takes
 * over (t ≳ 15). Here g is evaluated directly from piecewise polynomial fits (Chebyshev interpolants at
 * 50 digits, fit error < 1.5e-17 relative; regenerate with `test/fixtures/mpmath/bachelier_reference.py
 * --coefficients`), so the time value keeps full relative precision for every t. In the money the price is
 * intrinsic + time value, never a difference.
 *
 * Deep out of the money the price is ill-conditioned in its inputs: a relative perturbation δ of t moves it
 * by t²·δ. Rounding s = σ√T and t = |F − K|/s would therefore cost up to ~t² ulp (≈1400 at t = 37), so the
 * price kernel carries t and t² as double-double values (Dekker products) and corrects φ, g and s to first
 * order. The result is accurate to a few ulp as a function of the exact double inputs.
 *
 * The inverse follows P. Jäckel, "Implied Normal Volatility" (Wilmott, 2017): a closed-form rational
 * approximation of the inverse of Φ̃(x) = Φ(x) + φ(x)/x (x < 0) and one third-order Householder step
 * (two in the far extrapolation x < −38, see there).
 *
 * @module
 */

import { pdf } from "../Normal.js"
import { ABOVE_MAXIMUM, BELOW_INTRINSIC } from "./sentinels.js"

const INV_SQRT_2PI = 0.3989422804014327
const SQRT_2PI = 2.5066282746310002
// Veltkamp splitting constant 2^27 + 1: splits a double into two 26-bit halves whose products are exact.
const SPLITTER = 134217729
// Below this time value/|F − K| (x̄ < −36.3) the Householder residual is formed with both of its terms
// scaled by 2^500, so neither φ(x̄) nor the normalised price becomes subnormal. This covers ratios down
// to ~1e-450, i.e. every price bachelier() can return unless |F − K| > 1e137.
const TINY_RATIO = 1e-280
const SCALE = 3.273390607896142e150 // 2^500
const LN_SCALE = 346.5735902799726 // 500·ln 2
// Jäckel's switch between the two branches of the initial guess, in Φ̃ = −time value/|F − K|.
const PHI_TILDE_SWITCH = -0.001882039271

/**
 * g(t) = 1 − t·R(t) for t ≥ 0, R the Mills ratio; decreasing from 1 at t = 0 like 1/t² − 3/t⁴ + ….
 * Piecewise polynomials in t − centre below 6 (short pieces keep Horner's condition number near 1) and
 * g = u·P(u), u = 1/t², above. Measured relative error ≤ 1.4 ulp at an exact t.
 */
function millsComplement(t: number): number {
  let x: number
  if (t < 1) {
    x = t - 0.5
    return (
      0.5618177717731538 +
      x * (-0.5954555705671154 +
      x * (0.41295387913137493 +
      x * (-0.22890213876167392 +
      x * (0.10903852569858663 +
      x * (-0.04632168211988422 +
      x * (0.017947564962852224 +
      x * (-0.006438311444396707 +
      x * (0.0021615433914435557 +
      x * (-0.0006847029597461087 +
      x * (0.0002059362776389995 +
      x * (-5.911127279032721e-5 +
      x * (1.6258967392600016e-5 +
      x * (-4.2931956961870735e-6 +
      x * (1.0954343708352857e-6 +
      x * (-2.870613422676366e-7 +
      x * 6.838952833442284e-8)))))))))))))))
    )
  }
  if (t < 2) {
    x = t - 1.5
    return (
      0.22627654267305497 +
      x * (-0.1764008242083809 +
      x * (0.09397592451676967 +
      x * (-0.04121244984580589 +
      x * (0.015870639480046647 +
      x * (-0.005541920617420955 +
      x * (0.0017886477427014249 +
      x * (-0.000540371777525935 +
      x * (0.0001542013813453994 +
      x * (-4.184623584024375e-5 +
      x * (1.0856692048268378e-5 +
      x * (-2.704213629424139e-6 +
      x * (6.482803062182327e-7 +
      x * (-1.50336224468453e-7 +
      x * (3.5397808999186894e-8 +
      x * -7.698736718625469e-9))))))))))))))
    )
  }
  if (t < 3) {
    x = t - 2.5
    return (
      0.11433722167551583 +
      x * (-0.0684220571410041 +
      x * (0.028809650249260733 +
      x * (-0.010202986696115515 +
      x * (0.0032263500646792747 +
      x * (-0.000937571641801354 +
      x * (0.0002546151622529748 +
      x * (-6.53279516445679e-5 +
      x * (1.5958608650982766e-5 +
      x * (-3.733068010711363e-6 +
      x * (8.399208763263956e-7 +
      x * (-1.823061949883946e-7 +
      x * (3.833265969496742e-8 +
      x * (-8.112611174052834e-9 +
      x * 1.6068890725478261e-9)))))))))))))
    )
  }
  if (t < 4) {
    x = t - 3.5
    return (
      0.06701280861121685 +
      x * (-0.03202293882896478 +
      x * (0.01097266566052818 +
      x * (-0.003210026143865778 +
      x * (0.0008487823443128353 +
      x * (-0.00020835889496428133 +
      x * (4.82137796692022e-5 +
      x * (-1.0619592348246145e-5 +
      x * (2.24161646497073e-6 +
      x * (-4.557122764427908e-7 +
      x * (8.953805135575736e-8 +
      x * (-1.7066619904626573e-8 +
      x * (3.2526977476893188e-9 +
      x * -5.863769616848779e-10))))))))))))
    )
  }
  if (t < 6) {
    x = t - 5
    return (
      0.03595947642342118 +
      x * (-0.013010722598209885 +
      x * (0.003432669927896458 +
      x * (-0.0007842447526109591 +
      x * (0.000163917368535278 +
      x * (-3.21438196158642e-5 +
      x * (5.9969573589585356e-6 +
      x * (-1.0737623086792783e-6 +
      x * (1.8560675883837494e-7 +
      x * (-3.110538902106461e-8 +
      x * (5.070257425328001e-9 +
      x * (-8.059399126947022e-10 +
      x * (1.251591809284787e-10 +
      x * (-1.8955106500473662e-11 +
      x * (2.8242960603895667e-12 +
      x * (-4.516167693849082e-13 +
      x * 6.466218870898006e-14)))))))))))))))
    )
  }
  const u = 1 / (t * t)
  return (
    u *
    (1 +
      u * (-2.999999999999773 +
      u * (14.9999999993855 +
      u * (-104.99999933841944 +
      u * (944.9996242023669 +
      u * (-10394.87029954305 +
      u * (135105.4521847623 +
      u * (-2022339.256590787 +
      u * (33923137.76147209 +
      u * (-609252993.2467679 +
      u * (10829377196.34471 +
      u * (-170926361994.21964 +
      u * (2108332021964.301 +
      u * (-17256077721373.707 +
      u * 68322691384503.945))))))))))))))
  )
}

/**
 * Out-of-the-money time value s·φ(t)·g(t), t = |F − K|/s, given diff = F − K (≠ 0) and s = σ√T > 0.
 * For t ≥ 1/4 the arguments t and t² are carried in double-double so that the t²-fold sensitivity of the
 * result to its argument is not fed by rounding errors (see the module comment).
 */
function otmTimeValue(F: number, K: number, diff: number, sigma: number, T: number, s: number): number {
  const a = Math.abs(diff)
  const tRounded = a / s
  if (tRounded < 0.25 || !(a < 1e290 && s < 1e290 && sigma < 1e290)) {
    // Elasticity of the result in t is below ~0.4 here, so plain rounding costs at most ~1 ulp; the
    // second condition keeps Dekker splits below overflow (such scales are not used in practice).
    return s * (INV_SQRT_2PI * Math.exp(-0.5 * tRounded * tRounded)) * millsComplement(tRounded)
  }
  // Beyond t = 55 the result underflows for any s < 1e290.
  if (tRounded > 55) return 0
  // |F − K| = ah + al exactly (Knuth's two-sum).
  const kk = diff - F
  let al = F - (diff - kk) + (-K - kk)
  let ah = diff
  if (ah < 0) {
    ah = -ah
    al = -al
  }
  // √T = r + rl, s = sh + sl.
  const r = Math.sqrt(T)
  let c = SPLITTER * r
  const rHi = c - (c - r)
  const rLo = r - rHi
  const rr = r * r
  const rrErr = rHi * rHi - rr + 2 * rHi * rLo + rLo * rLo
  const rl = (T - rr - rrErr) / (2 * r)
  c = SPLITTER * sigma
  const sgHi = c - (c - sigma)
  const sgLo = sigma - sgHi
  const sh = sigma * r
  const sl = sgHi * rHi - sh + sgHi * rLo + sgLo * rHi + sgLo * rLo + sigma * rl
  // t = th + tl = (ah + al)/(sh + sl).
  const th = ah / sh
  c = SPLITTER * th
  const tHi = c - (c - th)
  const tLo = th - tHi
  c = SPLITTER * sh
  const shHi = c - (c - sh)
  const shLo = sh - shHi
  const p = th * sh
  const pErr = tHi * shHi - p + tHi * shLo + tLo * shHi + tLo * shLo
  const tl = (ah - p - pErr + al - th * sl) / sh
  // t² = q + ql.
  const q = th * th
  const ql = tHi * tHi - q + 2 * tHi * tLo + tLo * tLo + 2 * th * tl
  const gv = millsComplement(th)
  // d ln g / dt = t − (1 − g)/(t·g), from g' = t·g − R and R = (1 − g)/t.
  const dlng = th - (1 - gv) / (th * gv)
  const factor = INV_SQRT_2PI * gv * (1 + (sl / sh - 0.5 * ql + dlng * tl))
  if (q < 1400) return sh * factor * Math.exp(-0.5 * q)
  // exp(−t²/2) alone would be subnormal although the product may not be: apply exp(−t²/4) twice, the
  // intermediate products decreasing monotonically to the result.
  const e = Math.exp(-0.25 * q)
  return sh * factor * e * e
}

/**
 * Undiscounted Bachelier (normal model) price of a European option,
 * θ·(F − K)·Φ(θ·d) + s·φ(d), s = σ√T, d = (F − K)/s.
 *
 * Accurate to a few ulp relative to the exact result for the given doubles in every regime, including
 * deep out of the money down to the underflow threshold (prices of 1e-300 and below, also where
 * exp(−d²/2) alone would underflow), and for negative forwards and strikes. Computed as intrinsic + time
 * value without subtraction. (With |F − K|, σ or σ√T above 1e290 the double-double correction is skipped
 * to avoid overflow in the splits, and deep out of the money the error grows to ~d² ulp.)
 *
 * @param F - forward (price units; any sign)
 * @param K - strike (price units; any sign)
 * @param sigma - absolute (normal) volatility, price units per √year, ≥ 0
 * @param T - time to expiry in years, ≥ 0
 * @param theta - +1 for a call, −1 for a put
 * @returns undiscounted price (price units); intrinsic value when σ√T = 0, NaN for σ√T < 0 or NaN inputs
 */
export function bachelier(F: number, K: number, sigma: number, T: number, theta: number): number {
  const diff = F - K
  const intrinsic = theta * diff > 0 ? theta * diff : 0
  const s = sigma * Math.sqrt(T)
  if (!(s > 0)) return s === 0 ? intrinsic : NaN
  if (diff === 0) return s * INV_SQRT_2PI
  return intrinsic + otmTimeValue(F, K, diff, sigma, T, s)
}

/**
 * Implied normal (Bachelier) volatility of an undiscounted option price, after P. Jäckel, "Implied
 * Normal Volatility" (2017): with η = time value/|F − K|, solve Φ̃(x) = −η for x = −|F − K|/(σ√T) < 0,
 * Φ̃(x) = Φ(x) + φ(x)/x, from Jäckel's rational initial guess followed by one third-order Householder
 * step (two for x̄ < −38), then σ = |F − K|/(|x|·√T).
 *
 * The residual of the Householder step is formed as Φ̃(x̄)/φ(x̄) + η/φ(x̄) = −g(t)/t + η/φ(x̄) with the
 * cancellation-free g above, so deep out of the money (time values down to ~1e-450 of |F − K|) the
 * result still has full precision. Near the money (|F − K| < 2.5e-8 × time value) the expansion
 * time value = s/√(2π) − |F − K|/2 + O(s·t²) gives σ = (time value + |F − K|/2)·√(2π/T) to within
 * t²/2 < 1e-16, and exactly σ = price·√(2π/T) at F = K.
 *
 * Accuracy: a few ulp relative to the exact implied volatility of the double inputs, in and out of the
 * money (the time value is formed against the exact intrinsic value). Relative to the volatility that
 * generated a rounded price, add the price rounding divided by vega.
 *
 * Bounds: the Bachelier price increases without bound in σ, so every finite price above intrinsic has an
 * implied volatility; ABOVE_MAXIMUM is returned only for price = +∞, or for T = 0 with price above
 * intrinsic (no volatility then changes the price).
 *
 * @param price - undiscounted option price (price units)
 * @param F - forward (price units; any sign)
 * @param K - strike (price units; any sign)
 * @param T - time to expiry in years, > 0
 * @param theta - +1 for a call, −1 for a put
 * @returns absolute volatility σ (price units per √year), or BELOW_INTRINSIC for price ≤ max(θ(F − K), 0)
 *   (compared with the exact F − K of the inputs, not its rounded value),
 *   or ABOVE_MAXIMUM (see above); NaN for NaN inputs or T < 0
 */
export function impliedNormalVolatility(price: number, F: number, K: number, T: number, theta: number): number {
  const diff = F - K
  // In the money, time value = price − θ(F − K) is formed against the exact F − K = diff + diffErr
  // (two-sum): price − θ·diff is exact whenever the time value is below the intrinsic value (Sterbenz),
  // so v keeps a relative error ≤ ε/2 however small it is compared with the intrinsic value.
  const kk = diff - F
  const diffErr = F - (diff - kk) + (-K - kk)
  const v = theta * diff > 0 ? price - theta * diff - theta * diffErr : price
  if (!(v > 0)) return v <= 0 ? BELOW_INTRINSIC : NaN
  if (v === Infinity) return ABOVE_MAXIMUM
  if (!(T > 0)) return T === 0 ? ABOVE_MAXIMUM : NaN
  const a = Math.abs(diff)
  const sqrtT = Math.sqrt(T)
  if (a < 2.5e-8 * v) return ((v + 0.5 * a) * SQRT_2PI) / sqrtT

  // Initial guess x̄ ≈ Φ̃⁻¹(−η), Jäckel (2017): a rational function of 1/(Φ̃ − ½) near the money and of
  // h = √(−ln η) far from it; relative accuracy ~2e-4 or better, which one fourth-order step takes to
  // machine precision.
  const tiny = v < TINY_RATIO * a
  const eta = tiny ? (v * SCALE) / a : v / a
  let x: number
  if (eta > -PHI_TILDE_SWITCH && !tiny) {
    const w = 1 / (-eta - 0.5)
    const w2 = w * w
    const xi =
      (0.032114372355 - w2 * (0.016969777977 - w2 * (2.6207332461e-3 - 9.6066952861e-5 * w2))) /
      (1 - w2 * (0.6635646938 - w2 * (0.14528712196 - 0.010472855461 * w2)))
    x = w * (INV_SQRT_2PI + xi * w2)
  } else {
    const h = Math.sqrt((tiny ? LN_SCALE : 0) - Math.log(eta))
    x =
      (9.4883409779 - h * (9.6320903635 - h * (0.58556997323 + 2.1464093351 * h))) /
      (1 - h * (0.65174820867 + h * (1.5120247828 + 6.6437847132e-5 * h)))
  }

  // Householder step of order 3 on f(x) = Φ̃(x) + η, with f' = −φ/x², f''/f' = −(x² + 2)/x and
  // f'''/f' = (x⁴ + 3x² + 6)/x², written in t = −x > 0. Below x̄ = −38 (η < 1e-316) the guess is used
  // beyond the range it was fitted on, and a second step restores full precision.
  const steps = x < -38 ? 2 : 1
  for (let k = 0; k < steps; k++) {
    const t = -x
    const t2 = t * t
    const invT = 1 / t
    const phi = tiny ? INV_SQRT_2PI * Math.exp(LN_SCALE - 0.5 * t2) : pdf(x)
    // f(x̄)/φ(x̄); both terms carry the same 2^500 scale when tiny.
    const residual = eta / phi - millsComplement(t) * invT
    const nu = residual * t2 // Newton step −f/f'
    const h2 = (t2 + 2) * invT
    const h3 = t2 + 3 + 6 * invT * invT
    x += (nu * (1 + 0.5 * h2 * nu)) / (1 + nu * (h2 + h3 * nu * (1 / 6)))
  }
  return a / (-x * sqrtT)
}
