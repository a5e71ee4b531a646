/**
 * Error function family and the standard normal distribution in IEEE double precision.
 *
 * `erf`, `erfc` and `erfcx` use W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev
 * approximations for the error function", Math. Comp. 23, 1969), whose rational parts are good to about
 * 18 digits. Every Gaussian factor exp(−z²) is evaluated from an exact two-term representation of z², so
 * no accuracy is lost to rounding z² (a rounded z² of size 700 alone would cost ~100 ulp).
 *
 * `cdf` keeps full relative precision far into the lower tail: Φ(x) = ½·erfcx(−x/√2)·exp(−x²/2). The
 * relative error of erfcx is insensitive to the rounding of its argument, whereas erfc(−x/√2) would
 * inherit a relative error of about x²·ε from the rounding of x/√2.
 *
 * `inverseCdf` is Wichura's AS241 (PPND16) followed by one Halley correction against the accurate `cdf`.
 *
 * All functions are allocation-free and take and return plain numbers.
 *
 * @module
 */

import { InvalidInput } from "@hedgekit/sdk"
import { as241Tail } from "./internal/as241.js"
import { erfcxLarge, erfcxMid, erfSmall } from "./internal/cody.js"
import { expNegScaledSquare } from "./internal/exactSquare.js"

// Constants as a const enum, written in as literals: V8 reloads and checks module-level `const` doubles at each
// use in optimised code instead of folding them.
const enum C {
  SQRT1_2 = 0.7071067811865476,
  INV_SQRT_2PI = 0.3989422804014327,
  /** Cody's switch between the erf and erfc approximations, and the same point in Φ's argument (0.46875·√2). */
  CODY_THRESHOLD = 0.46875,
  CDF_CENTRAL = 0.6629126073623883
}

const notANumber = (field: string): InvalidInput =>
  new InvalidInput({ field, value: NaN, expected: "a number (±Infinity is allowed)" })





/** erfcx(y) for y ≥ 0 (the scaled complementary error function, no Gaussian factor involved). */
function erfcxNonNegative(y: number): number {
  if (y <= C.CODY_THRESHOLD) return Math.exp(y * y) * (1 - erfSmall(y)) // y² ≤ 0.22: its rounding is harmless
  if (y <= 4) return erfcxMid(y)
  return erfcxLarge(y)
}

/** erfc(y) for y > 0.46875; subnormal results are formed with a single final rounding. */
function erfcUpper(y: number): number {
  if (y > 27.3) return 0 // erfc(27.3) < 2^−1075
  const r = y <= 4 ? erfcxMid(y) : erfcxLarge(y)
  if (y < 26) return r * expNegScaledSquare(y, 1)
  const g = expNegScaledSquare(y, 0.5)
  return r * g * g
}

/**
 * Error function erf(x) = 2/√π ∫₀ˣ exp(−u²) du.
 * @param x - real argument (dimensionless)
 * @returns erf(x) ∈ [−1, 1], to within a few ulp
 */
export const erf = (x: number): number => {
  if (x !== x) throw notANumber("x")
  const y = Math.abs(x)
  if (y <= C.CODY_THRESHOLD) return erfSmall(x)
  const r = 1 - erfcUpper(y)
  return x < 0 ? -r : r
}

/**
 * Complementary error function erfc(x) = 1 − erf(x), relative accuracy of a few ulp on the whole real
 * line (including the subnormal range up to x ≈ 27.2, beyond which it is 0).
 * @param x - real argument (dimensionless)
 * @returns erfc(x) ∈ [0, 2]
 */
export const erfc = (x: number): number => {
  if (x !== x) throw notANumber("x")
  const y = Math.abs(x)
  if (y <= C.CODY_THRESHOLD) return 1 - erfSmall(x)
  const r = erfcUpper(y)
  return x < 0 ? 2 - r : r
}

/**
 * Scaled complementary error function erfcx(x) = exp(x²)·erfc(x), relative accuracy of a few ulp.
 * Overflows to +Infinity for x < −26.628.
 * @param x - real argument (dimensionless)
 * @returns erfcx(x) > 0
 */
export const erfcx = (x: number): number => {
  if (x !== x) throw notANumber("x")
  if (x >= 0) return erfcxNonNegative(x)
  if (x < -26.628) return Infinity
  // erfcx(x) = 2·exp(x²) − erfcx(−x); the difference is benign since erfcx(−x) ≤ 1 ≤ exp(x²).
  return 2 * expNegScaledSquare(x, -1) - erfcxNonNegative(-x)
}

/**
 * Standard normal cumulative distribution function Φ(x), relative accuracy of a few ulp for all x whose
 * Φ(x) is a normal double (x ≳ −37.5), then the correctly scaled subnormal, and 0 below x ≈ −38.5.
 * @param x - standard score (dimensionless)
 * @returns Φ(x) ∈ [0, 1]
 */
export const cdf = (x: number): number => {
  if (x !== x) throw notANumber("x")
  if (x < -C.CDF_CENTRAL) {
    if (x < -39) return 0
    const r = 0.5 * erfcxNonNegative(-C.SQRT1_2 * x)
    if (x > -37) return r * expNegScaledSquare(x, 0.5)
    const g = expNegScaledSquare(x, 0.25)
    return r * g * g
  }
  if (x <= C.CDF_CENTRAL) return 0.5 + 0.5 * erfSmall(C.SQRT1_2 * x)
  if (x > 8.3) return 1 // Φ(−8.3) < ε/4
  // 1 − Φ(−x) ≥ 0.74, so the subtraction loses nothing.
  return 1 - 0.5 * erfcxNonNegative(C.SQRT1_2 * x) * expNegScaledSquare(x, 0.5)
}

/**
 * Standard normal probability density φ(x) = exp(−x²/2)/√(2π), relative accuracy of about one ulp
 * (exp(−x²/2) is evaluated at the exact x², not its rounded value).
 * @param x - standard score (dimensionless)
 * @returns φ(x) ≥ 0 (per unit of x)
 */
export const pdf = (x: number): number => {
  if (x !== x) throw notANumber("x")
  const y = Math.abs(x)
  if (y < 37) return C.INV_SQRT_2PI * expNegScaledSquare(x, 0.5)
  if (y > 39) return 0
  const g = expNegScaledSquare(x, 0.25)
  return C.INV_SQRT_2PI * g * g
}

/** AS241 (PPND16) tail branch for a lower-tail probability r ≤ 0.075; returns the (negative) quantile. */
function ppnd16Tail(r: number): number {
  return as241Tail(Math.sqrt(-Math.log(r)))
}

/**
 * Inverse of the standard normal CDF, Φ⁻¹(p): AS241 followed by one Halley step. Relative accuracy of a
 * few ulp for p ∈ [DBL_MIN, 1). Upper-tail probabilities are mapped through 1 − p, which is exact for
 * p ≥ ½, so quantiles above Φ⁻¹(1 − 2⁻⁵³) ≈ 8.2 cannot be reached (p rounds to 1).
 *
 * Returns −Infinity at p = 0 and +Infinity at p = 1; throws `InvalidInput` for p outside [0, 1] or NaN.
 * @param p - probability (dimensionless)
 * @returns the standard score x with Φ(x) = p
 */
export const inverseCdf = (p: number): number => {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity
    if (p === 1) return Infinity
    throw new InvalidInput({ field: "p", value: p, expected: "a probability in [0, 1]" })
  }
  const q = p - 0.5
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q
    const num =
      ((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
        45921.953931549871457) *
        r +
        13731.693765509461125) *
        r +
        1971.5909503065514427) *
        r +
        133.14166789178437745) *
        r +
      3.387132872796366608
    const den =
      ((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) *
        r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
      1
    const x = (q * num) / den
    // Newton step on Φ(x) − ½ = ½·erf(x/√2) = q: q is exact here (Sterbenz) and the residual keeps
    // relative precision, so small quantiles near p = ½ stay accurate to the last bit.
    const d = (0.5 * erfSmallOrUpper(C.SQRT1_2 * x) - q) / pdf(x)
    return x - d
  }
  const lower = q < 0
  const r = lower ? p : 1 - p // 1 − p is exact for p ≥ ½
  let x = ppnd16Tail(r)
  if (r >= 2.2250738585072014e-308) {
    // Halley step on Φ(x) − r with Φ and φ sharing one exponential; Φ(x) ≈ r so the difference is exact.
    const g = expNegScaledSquare(x, 0.5)
    const phi = C.INV_SQRT_2PI * g
    const d = (0.5 * erfcxNonNegative(-C.SQRT1_2 * x) * g - r) / phi
    x -= d / (1 + 0.5 * x * d)
  }
  return lower ? x : -x
}

/** erf for any |v| below the central AS241 range (|v| ≤ 1.03). */
function erfSmallOrUpper(v: number): number {
  const y = Math.abs(v)
  if (y <= C.CODY_THRESHOLD) return erfSmall(v)
  const r = 1 - erfcxMid(y) * expNegScaledSquare(y, 1)
  return v < 0 ? -r : r
}
