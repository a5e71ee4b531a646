/**
 * The tail of Wichura's AS241 (PPND16) inverse normal, as functions of u = √(−ln p): shared by
 * `Normal.inverseCdf` and the implied-volatility guesses (which hold ln p rather than p). Relative accuracy
 * about 1e-16. Two small functions, so that V8 inlines the common one.
 */

/** The (negative) quantile of a lower-tail probability p ≤ 0.075, from u = √(−ln p). */
export function as241Tail(u: number): number {
  if (u > 5) return as241FarTail(u - 5)
  const w = u - 1.6
  const num =
    ((((((7.7454501427834140764e-4 * w + 0.0227238449892691845833) * w + 0.24178072517745061177) * w +
      1.27045825245236838258) *
      w +
      3.64784832476320460504) *
      w +
      5.7694972214606914055) *
      w +
      4.6303378461565452959) *
      w +
    1.42343711074968357734
  const den =
    ((((((1.05075007164441684324e-9 * w + 5.475938084995344946e-4) * w + 0.0151986665636164571966) * w +
      0.14810397642748007459) *
      w +
      0.68976733498510000455) *
      w +
      1.6763848301838038494) *
      w +
      2.05319162663775882187) *
      w +
    1
  return -num / den
}

/** AS241's far tail: the (negative) quantile from w = √(−ln p) − 5 > 0 (p < 1.4e-11). */
export function as241FarTail(w: number): number {
  const num =
    ((((((2.01033439929228813265e-7 * w + 2.71155556874348757815e-5) * w + 0.0012426609473880784386) * w +
      0.026532189526576123093) *
      w +
      0.29656057182850489123) *
      w +
      1.7848265399172913358) *
      w +
      5.4637849111641143699) *
      w +
    6.6579046435011037772
  const den =
    ((((((2.04426310338993978564e-15 * w + 1.4215117583164458887e-7) * w + 1.8463183175100546818e-5) * w +
      7.868691311456132591e-4) *
      w +
      0.0148753612908506148525) *
      w +
      0.13692988092273580531) *
      w +
      0.59983220655588793769) *
      w +
    1
  return -num / den
}
