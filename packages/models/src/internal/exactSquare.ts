/**
 * exp(−c·x²) at the exact square: x² is split into p + e (Dekker's product of Veltkamp halves), so the only
 * errors are `Math.exp`'s at an exact argument and one multiplication — a rounded x² of size 700 alone
 * would cost ~100 ulp. `c` must be a power of two (±1, ½, ¼, …) so that c·e is exact. Valid for |x| < 1e150.
 */
export const expNegScaledSquare = (x: number, c: number): number => {
  const split = 134217729 * x // 2^27 + 1
  const hi = split - (split - x)
  const lo = x - hi
  const p = x * x
  const e = hi * hi - p + 2 * hi * lo + lo * lo
  return Math.exp(-c * p) * (1 - c * e)
}
