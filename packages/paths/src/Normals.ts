/**
 * Standard normal draws by inversion: z = Φ⁻¹(u) of one xoshiro256** uniform u = (k + ½)·2⁻⁵² (see
 * `Xoshiro256`), with Φ⁻¹ by Wichura's AS241 (PPND16, Applied Statistics 37, 1988), the algorithm
 * `Normal.inverseCdf` of `@hedgekit/models` starts from, without its final Halley step.
 *
 * Why inversion is the default rather than a Ziggurat or Marsaglia's polar method ({@link fillZiggurat} and
 * `Paths.Options.normals: "ziggurat"` offer the Ziggurat where speed matters more than fixed draw positions):
 * - one uniform per normal, always: the n-th normal of a stream is a function of the n-th output only, so a
 *   path's draws sit at fixed positions of its stream (what makes blocks, workers and replays line up);
 * - exact antithetics: AS241 is odd on the uniform grid (q = u − ½ is exact and the upper tail goes through
 *   1 − u, also exact), so Φ⁻¹(1 − u) = −Φ⁻¹(u) bit for bit;
 * - accuracy: within 1.1e-15 relative of `Normal.inverseCdf` (few-ulp accurate) over (0, 1) — the test bounds it
 *   at 4e-15 — and the tails reach ±8.2 (u = 2⁻⁵³);
 * - determinism: the centre (|u − ½| ≤ 0.425, 85 % of draws) is a rational function in plain IEEE-754
 *   arithmetic; the tails add `Math.log` and `Math.sqrt`, which V8 computes with its own fdlibm port, not the
 *   platform's libm, so every machine running Node gets the same bits (`test/Paths.test.ts` holds golden values).
 * - speed: no refinement step (the Halley step costs two more exponentials for digits a Monte Carlo estimate
 *   cannot see); tens of millions of normals per second (README).
 *
 * @since 0.1.0
 */
import { InvalidInput } from "@hedgekit/sdk"
import { checkRange } from "./internal/validate.js"
import * as X from "./internal/xoshiro.js"
import { fillNormals } from "./internal/ziggurat.js"
import type { Xoshiro256 } from "./Xoshiro256.js"

/**
 * Φ⁻¹(u) for u ∈ (0, 1) by AS241 (relative error ≈ 1e-16 of the algorithm, ≤ 1.1e-15 measured against
 * `Normal.inverseCdf`). No domain check: u = 0 or 1 give ∓∞, NaN gives NaN.
 *
 * @since 0.1.0
 * @category transforms
 */
export const fromUniform = (u: number): number => {
  const q = u - 0.5
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) *
          r +
          13731.693765509461125) *
          r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) *
        r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    )
  }
  const x = tail(Math.sqrt(-Math.log(q < 0 ? u : 1 - u)))
  return q < 0 ? -x : x
}

/** AS241's tails: Φ⁻¹ of the upper-tail probability p ≤ 0.075 from s = √(−ln p), as a positive number. */
const tail = (s: number): number => {
  if (s <= 5) {
    const r = s - 1.6
    return (
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) *
        r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) *
        r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1)
    )
  }
  const r = s - 5
  return (
    (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
      0.026532189526576123093) *
      r +
      0.29656057182850489123) *
      r +
      1.7848265399172913358) *
      r +
      5.4637849111641143699) *
      r +
      6.6579046435011037772) /
    (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
      7.868691311456132591e-4) *
      r +
      0.0148753612908506148525) *
      r +
      0.13692988092273580531) *
      r +
      0.59983220655588793769) *
      r +
      1)
  )
}

/**
 * The next standard normal from `g`.
 *
 * @since 0.1.0
 * @category draws
 */
export const next = (g: Xoshiro256): number => fromUniform(X.nextUniform(g.words, 0))

/**
 * Fills `out[offset … offset + length)` with standard normals, one uniform each, and returns `out`.
 * Allocation-free.
 *
 * @since 0.1.0
 * @category draws
 */
export const fill = (g: Xoshiro256, out: Float64Array, offset = 0, length = out.length - offset): Float64Array => {
  checkRange(out, offset, length)
  X.fillUniforms(g.words, 0, out, offset, length)
  const end = offset + length
  for (let i = offset; i < end; i++) out[i] = fromUniform(out[i]!)
  return out
}

/**
 * Fills `out[offset … offset + length)` with antithetic pairs `z, −z` (`length` even; half as many uniforms as
 * {@link fill}) and returns `out`. The pairs' first members are the normals {@link fill} would give.
 *
 * @since 0.1.0
 * @category draws
 */
export const fillAntithetic = (
  g: Xoshiro256,
  out: Float64Array,
  offset = 0,
  length = out.length - offset
): Float64Array => {
  checkRange(out, offset, length)
  if (length % 2 !== 0) throw new InvalidInput({ field: "length", value: length, expected: "an even count (pairs z, −z)" })
  const half = length / 2
  // draw into the second half of the range, then spread forwards: slot k is read before it is overwritten
  X.fillUniforms(g.words, 0, out, offset + half, half)
  for (let k = 0; k < half; k++) {
    const z = fromUniform(out[offset + half + k]!)
    out[offset + 2 * k] = z
    out[offset + 2 * k + 1] = -z
  }
  return out
}

/**
 * Fills `out[offset … offset + length)` with standard normals by the Ziggurat (Marsaglia & Tsang 2000, 256
 * layers) and returns `out`: about half of inversion's cost on top of the uniform, exact (rejection sampling of
 * the density itself, no approximation of Φ⁻¹; the tables' layers have equal areas to about 1e-11), with z and −z
 * equally likely bit for bit, and as reproducible across machines (plain IEEE-754 arithmetic and V8's own
 * `Math.exp`/`Math.log`).
 *
 * The difference from {@link fill}: a normal takes one 64-bit output 98.5 % of the time and a few more otherwise
 * (rejections and the tail beyond 3.654), so the n-th normal is not a function of the n-th output, and the
 * numbers are other numbers than inversion's. Allocation-free.
 *
 * @since 0.1.0
 * @category draws
 */
export const fillZiggurat = (g: Xoshiro256, out: Float64Array, offset = 0, length = out.length - offset): Float64Array => {
  checkRange(out, offset, length)
  fillNormals(g.words, 0, out, offset, length)
  return out
}
