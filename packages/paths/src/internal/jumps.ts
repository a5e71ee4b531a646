/**
 * Jump draws from uniforms: Poisson counts by inversion (one uniform per count, so an antithetic count is the
 * count of 1 − u) and Kou's double-exponential sizes (one uniform per jump).
 *
 * @internal
 */

/**
 * The Poisson(m) count whose CDF first reaches `u`, by sequential search from 0 with `em` = e^{−m} (m ≤ 700, so
 * e^{−m} is a normal double). Stops when the CDF no longer moves (u within rounding of 1, or underflow of the
 * terms), so it always ends, after about m + a few √m terms.
 */
export const poissonCount = (u: number, m: number, em: number): number => {
  let k = 0
  let term = em
  let cdf = em
  while (u > cdf) {
    k++
    term *= m / k
    const next = cdf + term
    if (next === cdf) break
    cdf = next
  }
  return k
}

/**
 * A Kou jump size (log-return) from u ∈ (0, 1): up, Exp(upRate), when u < p, using u/p; down, −Exp(downRate),
 * otherwise, using (1 − u)/(1 − p). Both ratios are uniform in (0, 1] and never 0, so the size is finite.
 */
export const kouJump = (u: number, p: number, upMean: number, downMean: number): number =>
  u < p ? -Math.log(u / p) * upMean : Math.log((1 - u) / (1 - p)) * downMean
