/**
 * Nested trapezoidal lattices, as the Fourier and the time-change integrals both use them: the step is halved
 * (each new lattice adding the midpoints of the last) until two successive lattices agree on every integral in use.
 */

/**
 * Halves the step from `h0` until two successive lattices agree. `refine(H)` adds the midpoints of the lattice of
 * step `H` to `sums` (the five integrands' sums: the price, then the Greeks, gamma third) and `envSums` (their
 * envelopes' sums), false when it fails. Agreement: |H·Σ − previous| ≤ `agree`·H·Σenvelope for the price, and with
 * `greeks` for every Greek (gamma only with `gammaOn`).
 *
 * @returns the halvings made, the finest lattice's H·Σ in `out`; or -1 when `refine` failed or the lattices did not
 * agree within `maxLevels` halvings
 */
export const halveUntilAgreed = (
  h0: number,
  refine: (H: number) => boolean,
  sums: Float64Array,
  envSums: Float64Array,
  greeks: boolean,
  gammaOn: boolean,
  agree: number,
  maxLevels: number,
  out: Float64Array
): number => {
  let last0 = h0 * sums[0]!, last1 = h0 * sums[1]!, last2 = h0 * sums[2]!, last3 = h0 * sums[3]!, last4 = h0 * sums[4]!
  let H = h0
  let level = 0
  let converged = false
  while (level < maxLevels) {
    level++
    if (!refine(H)) return -1
    H *= 0.5
    const s0 = H * sums[0]!, s1 = H * sums[1]!, s2 = H * sums[2]!, s3 = H * sums[3]!, s4 = H * sums[4]!
    converged = Math.abs(s0 - last0) <= agree * H * envSums[0]! &&
      (!greeks ||
        (Math.abs(s1 - last1) <= agree * H * envSums[1]! &&
          (!gammaOn || Math.abs(s2 - last2) <= agree * H * envSums[2]!) &&
          Math.abs(s3 - last3) <= agree * H * envSums[3]! &&
          Math.abs(s4 - last4) <= agree * H * envSums[4]!))
    last0 = s0
    last1 = s1
    last2 = s2
    last3 = s3
    last4 = s4
    if (converged) break
  }
  if (!converged) return -1
  out[0] = last0
  out[1] = last1
  out[2] = last2
  out[3] = last3
  out[4] = last4
  return level
}
