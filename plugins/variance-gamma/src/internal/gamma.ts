/**
 * The gamma-function pieces of the Variance Gamma time change G ~ Gamma(shape a = T/ν, scale ν). In the variable
 * y = ln(G/T) (G/T has mean 1) the density of y is
 *
 *     p(y) = exp(C(a) − a·(e^y − 1 − y)),    C(a) = a·ln a − a − ln Γ(a),
 *
 * a form that stays exact as a → ∞ (where p tends to the normal density with variance 1/a, and C(a) → ½·ln(a/2π)),
 * with no cancellation between a·ln a and ln Γ(a). Theta needs ∂ ln p/∂a = ln(G/ν) − ψ(a) = y + λ(a), with
 * λ(a) = ln a − ψ(a) (ψ the digamma function), which is 1/(2a) + O(a⁻²) for large a.
 *
 * Both use Stirling's series for a ≥ 10 (the first neglected term is below 2e-18 there) and the recurrences
 * Γ(a + 1) = a·Γ(a), ψ(a + 1) = ψ(a) + 1/a below.
 *
 * @internal
 */

const HALF_LN_2PI = 0.9189385332046728

/** Stirling's correction ln Γ(x) − [(x − ½)·ln x − x + ½·ln 2π] for x ≥ 10 (Bernoulli numbers B₂ … B₁₈). */
const stirling = (x: number): number => {
  const r = 1 / x
  const r2 = r * r
  return r * (1 / 12 +
    r2 * (-1 / 360 +
      r2 * (1 / 1260 +
        r2 * (-1 / 1680 +
          r2 * (1 / 1188 +
            r2 * (-691 / 360360 +
              r2 * (1 / 156 +
                r2 * (-3617 / 122400 + r2 * (43867 / 244188)))))))))
}

/** λ(x) = ln x − ψ(x) for x ≥ 10: 1/(2x) + Σ B₂ₖ/(2k·x²ᵏ), k = 1 … 8. */
const lambdaLarge = (x: number): number => {
  const r2 = 1 / (x * x)
  return 0.5 / x +
    r2 * (1 / 12 +
      r2 * (-1 / 120 +
        r2 * (1 / 252 +
          r2 * (-1 / 240 +
            r2 * (1 / 132 +
              r2 * (-691 / 32760 + r2 * (1 / 12 + r2 * (-3617 / 8160))))))))
}

/** C(a) = a·ln a − a − ln Γ(a), the log-normalising constant of the density of y = ln(G/T); a > 0. */
export const logDensityConstant = (a: number): number => {
  if (a >= 10) return 0.5 * Math.log(a) - HALF_LN_2PI - stirling(a)
  // ln Γ(a) = ln Γ(a + n) − ln[a(a + 1)…(a + n − 1)] with a + n ≥ 10
  let x = a
  let product = 1
  while (x < 10) {
    product *= x
    x += 1
  }
  const lnGamma = (x - 0.5) * Math.log(x) - x + HALF_LN_2PI + stirling(x) - Math.log(product)
  return a * Math.log(a) - a - lnGamma
}

/** λ(a) = ln a − ψ(a) > 0; a > 0. */
export const logMinusDigamma = (a: number): number => {
  if (a >= 10) return lambdaLarge(a)
  // ψ(a) = ψ(a + n) − Σ 1/(a + i): λ(a) = λ(a + n) − ln(1 + n/a) + Σ 1/(a + i)
  let x = a
  let sum = 0
  while (x < 10) {
    sum += 1 / x
    x += 1
  }
  return lambdaLarge(x) - Math.log1p((x - a) / a) + sum
}

/** e^y − 1 − y with full relative precision (a Taylor series where |y| < 0.75, where expm1(y) − y would cancel). */
export const expm1MinusX = (y: number): number => {
  if (Math.abs(y) >= 0.75) return Math.expm1(y) - y
  // y²/2! + y³/3! + … until a term is below 2⁻⁵⁶ of the sum (by k = 19 at |y| = 0.75: 0.75^19/19! < 1e-18 × 0.75²/2)
  let term = 0.5 * y * y
  let sum = term
  for (let k = 3; k <= 19; k++) {
    term *= y / k
    sum += term
    if (Math.abs(term) <= 1.3877787807814457e-17 * Math.abs(sum)) break
  }
  return sum
}
