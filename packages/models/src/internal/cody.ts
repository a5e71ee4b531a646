/**
 * W. J. Cody's rational Chebyshev approximations for the error function ("Rational Chebyshev approximations
 * for the error function", Math. Comp. 23, 1969): the rational parts, good to about 18 digits, shared by
 * `Normal` and the Black kernels. Each piece is small enough for V8 to inline at its call sites.
 */

const enum Cody {
  INV_SQRT_PI = 0.5641895835477563,
}

/** Cody's first interval, |x| ≤ 0.46875: erf(x) = x·P(x²)/Q(x²). */
export function erfSmall(x: number): number {
  const z = x * x
  const num =
    (((0.185777706184603153 * z + 3.16112374387056560) * z + 113.864154151050156) * z + 377.485237685302021) * z +
    3209.37758913846947
  const den = (((z + 23.6012909523441209) * z + 244.024637934444173) * z + 1282.61652607737228) * z + 2844.23683343917062
  return (x * num) / den
}

/** Cody's second interval, 0.46875 < y ≤ 4: erfcx(y) = P(y)/Q(y). */
export function erfcxMid(y: number): number {
  const num =
    (((((((2.15311535474403846e-8 * y + 0.564188496988670089) * y + 8.88314979438837594) * y + 66.1191906371416295) *
      y +
      298.635138197400131) *
      y +
      881.95222124176909) *
      y +
      1712.04761263407058) *
      y +
      2051.07837782607147) *
      y +
    1230.33935479799725
  const den =
    (((((((y + 15.7449261107098347) * y + 117.693950891312499) * y + 537.181101862009858) * y + 1621.38957456669019) * y +
      3290.79923573345963) *
      y +
      4362.61909014324716) *
      y +
      3439.36767414372164) *
      y +
    1230.33935480374942
  return num / den
}

/** z·P(z)/Q(z) of Cody's third interval, z = 1/y² for y > 4: erfcx(y) = (1/√π − z·P(z)/Q(z))/y. */
export function erfcxLargeRational(z: number): number {
  const num =
    ((((0.0163153871373020978 * z + 0.305326634961232344) * z + 0.360344899949804439) * z + 0.125781726111229246) * z +
      0.0160837851487422766) *
      z +
    6.58749161529837803e-4
  const den =
    ((((z + 2.56852019228982242) * z + 1.87295284992346047) * z + 0.527905102951428412) * z + 0.0605183413124413191) * z +
    0.00233520497626869185
  return (z * num) / den
}

/** Cody's third interval, y > 4: erfcx(y) = (1/√π − z·P(z)/Q(z))/y with z = 1/y². */
export function erfcxLarge(y: number): number {
  if (y >= 6.71e7) return Cody.INV_SQRT_PI / y // 1 − 1/(2y²) == 1 in double precision
  return (Cody.INV_SQRT_PI - erfcxLargeRational(1 / (y * y))) / y
}
