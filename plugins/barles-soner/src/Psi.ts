/**
 * Barles & Soner's volatility function Ψ: the solution of
 *
 * ```text
 * Ψ'(A) = (Ψ(A) + 1) / (2·√(A·Ψ(A)) − A),   A ≠ 0,   Ψ(0) = 0
 * ```
 *
 * (Barles & Soner 1998, Finance Stoch. 2:369). Ψ is increasing from −1 (A → −∞) through 0 (A = 0) to +∞, with
 * A·Ψ(A) ≥ 0, and
 *
 * - Ψ(A) = k·∛A + (8/15)·k²·∛A² + O(A), k = (3/2)^(2/3) ≈ 1.3104, as A → 0 (∛ the real cube root: Ψ takes the sign
 *   of A);
 * - Ψ(A) = A + ln(4A) + o(1) as A → +∞, so Ψ(A)/A → 1;
 * - Ψ(A) = −1 + π²/(4·(√−A + 2)²)·(1 + o(1)) as A → −∞, i.e. 1 + Ψ(A) ≈ π²/(4|A|).
 *
 * ## How it is computed
 *
 * Read as an equation for A(Ψ), the ODE is linear in √|A| and integrates in closed form (derivation in the
 * README):
 *
 * ```text
 * Ψ > 0:  √A  = √Ψ − arsinh(√Ψ)/√(1 + Ψ)
 * Ψ < 0:  √−A = arcsin(√−Ψ)/√(1 + Ψ) − √−Ψ
 * ```
 *
 * and both are A = Ψ³·G(Ψ)² with G(Ψ) = Σ_{n≥1} cₙ·(−Ψ)^(n−1), cₙ = 4ⁿ(n!)²/(2n+1)! (the Taylor coefficients of
 * arcsin(y)/√(1 − y²)), analytic for |Ψ| < 1. {@link psi} inverts that relation by Newton's method in three
 * regions, each in the variable where it is well conditioned and the iteration monotone:
 *
 * - |Ψ| ≤ 0.1: Ψ·G(Ψ)^(2/3) = ∛A, G by its series (20 terms) — no cancellation near 0, started from the two-term
 *   expansion;
 * - Ψ > 0.1: in x = √Ψ, x − arsinh(x)/√(1 + x²) = √A (increasing and convex: Newton converges monotonically);
 * - Ψ < −0.1: in δ = √(1 + Ψ), arccos(δ)/δ − √(1 − δ²) = √−A (decreasing and convex, started below the root at
 *   δ = π/(2(√−A + 2))), so 1 + Ψ = δ² keeps its relative precision as Ψ → −1.
 *
 * Against an independent 40-digit integration of the ODE (mpmath, `test/fixtures/generate.py`) the results agree
 * to a few units in the last place: relative error below 1e−14 in Ψ and in 1 + Ψ for |A| from 1e−15 to 1e6
 * (see the tests). Each call takes 2–7 Newton steps and allocates nothing.
 *
 * @since 0.1.0
 */

/** (3/2)^(2/3), the constant of Ψ(A) ~ k·∛A at 0. */
const K = Math.cbrt(2.25)

const TERMS = 20
/** cₙ = 4ⁿ(n!)²/(2n+1)! for n = 1 … TERMS, at index n − 1: c₁ = 2/3, c₂ = 8/15, c₃ = 16/35, … */
const C = new Float64Array(TERMS)
{
  let c = 1 // c₀
  for (let n = 1; n <= TERMS; n++) {
    c *= (2 * n) / (2 * n + 1) // cₙ/cₙ₋₁ = 4n²/((2n)(2n+1))
    C[n - 1] = c
  }
}

/** G(Ψ) = Σ cₙ(−Ψ)^(n−1), by Horner's rule. */
const seriesG = (p: number): number => {
  let s = 0
  for (let i = TERMS - 1; i >= 0; i--) s = s * -p + C[i]!
  return s
}

/** G'(Ψ) = −Σ_{m≥1} m·c_{m+1}·(−Ψ)^(m−1). */
const seriesDG = (p: number): number => {
  let s = 0
  for (let i = TERMS - 1; i >= 1; i--) s = s * -p - i * C[i]!
  return s
}

/** A at a Ψ with |Ψ| < 1, from the series: A = Ψ³·G(Ψ)². */
const argumentOfSmall = (p: number): number => {
  const g = seriesG(p)
  return p * p * p * g * g
}

/** The edges of the series region: A(0.1) ≈ 3.813e−4 and A(−0.1) ≈ −5.257e−4. */
const A_HIGH = argumentOfSmall(0.1)
const A_LOW = argumentOfSmall(-0.1)

const MAX_STEPS = 60

/** |Ψ| ≤ 0.1: Newton on F(Ψ) = Ψ·G(Ψ)^(2/3) − ∛A, which is ≈ (2/3)^(2/3)·(Ψ − ∛A/k) near 0. */
const solveSmall = (a: number): number => {
  const t = Math.cbrt(a)
  let p = K * t * (1 + (8 / 15) * K * t)
  for (let i = 0; i < MAX_STEPS; i++) {
    const g = seriesG(p)
    const g13 = Math.cbrt(g)
    const g23 = g13 * g13
    const step = (p * g23 - t) / (g23 + ((2 / 3) * p * seriesDG(p)) / g13)
    p -= step
    if (!(Math.abs(step) > 1e-12 * Math.abs(p))) break
  }
  return p
}

/** Ψ > 0.1: Newton in x = √Ψ on x − arsinh(x)/√(1 + x²) = √A; returns Ψ = x². */
const solvePositive = (a: number): number => {
  const r = Math.sqrt(a)
  const t = Math.cbrt(a)
  // the expansion at +∞ where it is good, the one at 0 below; Newton fixes either (g is increasing and convex)
  let x = Math.sqrt(a >= 2 ? a + Math.log(4) + Math.log(a) : K * t * (1 + (8 / 15) * K * t))
  for (let i = 0; i < MAX_STEPS; i++) {
    const q = 1 + x * x
    const w = Math.asinh(x) / Math.sqrt(q)
    const step = (x - w - r) / ((x * (x + w)) / q)
    x -= step
    if (!(Math.abs(step) > 1e-12 * x)) break
  }
  return x * x
}

/** Ψ < −0.1: Newton in δ = √(1 + Ψ) on arccos(δ)/δ − √(1 − δ²) = √−A; returns δ. */
const solveNegative = (a: number): number => {
  const v = Math.sqrt(-a)
  // below the root for every A < 0 (1 + Ψ exceeds π²/(4(√−A + 2)²)): Newton then climbs to it monotonically
  let d = Math.PI / (2 * (v + 2))
  for (let i = 0; i < MAX_STEPS; i++) {
    const s = Math.sqrt(1 - d * d)
    const ac = Math.acos(d)
    const step = (ac / d - s - v) / (-s / d - ac / (d * d))
    d -= step
    if (!(Math.abs(step) > 1e-12 * d)) break
  }
  return d
}

/**
 * Ψ(A), Barles & Soner's volatility adjustment: the adjusted variance is σ²·(1 + Ψ(A)). Increasing, odd-like
 * near 0 (Ψ ~ (3/2)^(2/3)·∛A), Ψ(A) ~ A as A → +∞ and Ψ → −1 as A → −∞. NaN for NaN; Ψ(+∞) = +∞, Ψ(−∞) = −1.
 * Allocation-free.
 *
 * @param a - the dimensionless argument A (for a hedger, A = e^{r(T−t)}·κ²·γ·S²·Γ with Γ the gamma of the
 *   position owed; `argumentOf` computes it for a book)
 * @since 0.1.0
 * @category psi
 */
export const psi = (a: number): number => {
  if (a === 0) return 0
  if (a > A_HIGH) return a === Infinity ? Infinity : solvePositive(a)
  if (a < A_LOW) {
    if (a === -Infinity) return -1
    const d = solveNegative(a)
    return (d - 1) * (d + 1)
  }
  return a === a ? solveSmall(a) : NaN
}

/**
 * 1 + Ψ(A), the ratio σ̂²/σ² of the adjusted to the reference variance, with its relative precision kept as
 * A → −∞ (where it tends to 0 like π²/(4|A|)). Always > 0 for a finite A. Allocation-free.
 *
 * @since 0.1.0
 * @category psi
 */
export const onePlusPsi = (a: number): number => {
  if (a < A_LOW) {
    if (a === -Infinity) return 0
    const d = solveNegative(a)
    return d * d
  }
  return 1 + psi(a)
}
