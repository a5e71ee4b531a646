/**
 * The normal Mills ratio R(z) = (1 − Φ(z))/φ(z) for z ≥ 0, to about 1e-16 relative, from which the pricing kernel
 * builds every normal probability it needs: Φ(−z) = φ(z)·R(z) keeps full relative precision in the far tail (no
 * 1 − Φ cancellation), and products such as e^m·Φ(d₁) are formed as φ(d₂)·R(−d₁) without over- or underflow.
 *
 * Method: R is mapped to t = (z − 5)/(z + 5) ∈ [−1, 1), where y(t) = (z + 5)·R(z) is smooth up to t = 1 (y → 1,
 * as R(z) ~ 1/z), and y is a Chebyshev series of 27 terms evaluated by Clenshaw's recurrence. The coefficients were
 * computed at 40 digits by `scripts/mills.py` (interpolation at 160 Chebyshev nodes); the terms left out sum to
 * 4e-19 and y ≥ 1, so the series is accurate to a few units of 1e-17 relative before rounding.
 * `test/Normal.test.ts` checks R against 30-digit values on [0, 40] and beyond.
 *
 * @internal
 */

const COEFFICIENTS = [
  2.7196852387678242555,
  -2.3690676056508791831,
  0.85110764519129009316,
  -0.25267101020189897835,
  0.061015386404907040526,
  -0.011475514073056178165,
  1.4946108965619614021e-3,
  -7.5285508404314180944e-5,
  -1.7441640986188531907e-5,
  4.1650693764604264587e-6,
  -1.0754917411154359728e-7,
  -9.4712264255509214156e-8,
  1.1672253441654395959e-8,
  1.8216467239028025385e-9,
  -4.7026125036358784305e-10,
  -3.3960991403471658438e-11,
  1.6931861387628094468e-11,
  7.1162612334266919614e-13,
  -6.1926282678062521438e-13,
  -2.2672531819948238888e-14,
  2.3690546063399658383e-14,
  1.2094286091906465002e-15,
  -9.3880691369470256348e-16,
  -7.9556715200499731507e-17,
  3.7260120477204471894e-17,
  5.2580065979294418204e-18,
  -1.3939308845394615503e-18
] as const

const TOP = COEFFICIENTS.length - 1

/** 1/√(2π). */
export const INV_SQRT_2PI = 0.3989422804014327

/**
 * The Mills ratio R(z) = (1 − Φ(z))/φ(z) for z ≥ 0 (R(0) = √(π/2); R(z) → 1/z). Beyond z = 1e8 the first two
 * terms of the asymptotic series 1/z − 1/z³ are exact in double precision.
 */
export const millsRatio = (z: number): number => {
  if (z > 1e8) return 1 / z - 1 / (z * z * z)
  const t = (z - 5) / (z + 5)
  const t2 = 2 * t
  let b1 = 0
  let b2 = 0
  for (let k = TOP; k >= 1; k--) {
    const b0 = t2 * b1 - b2 + COEFFICIENTS[k]!
    b2 = b1
    b1 = b0
  }
  return (t * b1 - b2 + COEFFICIENTS[0]) / (z + 5)
}

/** Arguments and results of {@link millsRatioPair}: z₁, z₂ in, R(z₁), R(z₂) out. */
export const millsPair = new Float64Array(2)

/**
 * Replaces z₁, z₂ ≥ 0 in {@link millsPair} by R(z₁), R(z₂): the two Clenshaw recurrences run in one loop, so that
 * their dependency chains overlap (the pricing kernel needs R at |d₁| and |d₂| at every node). Arguments pass
 * through the array because V8 boxes a double handed to a call it does not inline.
 */
export const millsRatioPair = (): void => {
  const z1 = millsPair[0]!, z2 = millsPair[1]!
  if (z1 > 1e8 || z2 > 1e8) {
    millsPair[0] = millsRatio(z1)
    millsPair[1] = millsRatio(z2)
    return
  }
  const t = (z1 - 5) / (z1 + 5), u = (z2 - 5) / (z2 + 5)
  const t2 = 2 * t, u2 = 2 * u
  let b1 = 0, b2 = 0, c1 = 0, c2 = 0
  for (let k = TOP; k >= 1; k--) {
    const c = COEFFICIENTS[k]!
    const b0 = t2 * b1 - b2 + c
    const c0 = u2 * c1 - c2 + c
    b2 = b1
    b1 = b0
    c2 = c1
    c1 = c0
  }
  millsPair[0] = (t * b1 - b2 + COEFFICIENTS[0]) / (z1 + 5)
  millsPair[1] = (u * c1 - c2 + COEFFICIENTS[0]) / (z2 + 5)
}

/** The standard normal distribution function Φ(x), with full relative precision for x < 0. */
export const normalCdf = (x: number): number => {
  if (x <= 0) return INV_SQRT_2PI * Math.exp(-0.5 * x * x) * millsRatio(-x)
  return 1 - INV_SQRT_2PI * Math.exp(-0.5 * x * x) * millsRatio(x)
}
