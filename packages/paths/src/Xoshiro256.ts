/**
 * xoshiro256** (Blackman & Vigna 2018, "Scrambled linear pseudorandom number generators"): 256 bits of state,
 * period 2²⁵⁶ − 1, 64-bit outputs that pass BigCrush and PractRand, and a jump function that moves a stream
 * 2¹²⁸ steps ahead, which gives up to 2¹²⁸ non-overlapping streams (one per block of paths or per worker).
 *
 * - Seeding: SplitMix64 from the seed (a whole number in [0, 2⁵³) or a bigint in [0, 2⁶⁴)), the seeding the
 *   authors recommend; so seeds 0, 1, 2, … give unrelated streams.
 * - Arithmetic: on 32-bit halves with `Math.imul` and exact double products; BigInt is used only at seeding and
 *   by {@link nextUint64}. The outputs are those of the authors' C reference bit for bit (the test checks them
 *   against values printed by `test/fixtures/c/xoshiro256starstar.c`).
 * - Uniforms: the top 52 bits `k` of an output give `(k + ½)·2⁻⁵²`, in (0, 1), never 0 or 1, exact, and
 *   symmetric about ½ (so `1 − u` is exact and is another possible draw).
 *
 * A `Xoshiro256` is its eight state words; functions mutate it in place.
 *
 * @since 0.1.0
 */
import { InvalidInput } from "@hedgekit/sdk"
import { splitMix64 } from "./internal/splitMix64.js"
import { checkRange } from "./internal/validate.js"
import * as X from "./internal/xoshiro.js"

/**
 * The generator's state: s0 … s3 as (high, low) 32-bit words, `words[2i]` high and `words[2i + 1]` low.
 *
 * @since 0.1.0
 * @category models
 */
export interface Xoshiro256 {
  readonly words: Int32Array
}

/**
 * A seed as 64 unsigned bits; throws `InvalidInput` on `field` for anything else.
 *
 * @since 0.1.0
 * @category constructors
 */
export const seedBits = (seed: unknown, field = "seed"): bigint => {
  if (typeof seed === "bigint" && seed >= 0n && seed < 1n << 64n) return seed
  if (typeof seed === "number" && Number.isSafeInteger(seed) && seed >= 0) return BigInt(seed)
  throw new InvalidInput({ field, value: seed, expected: "a whole number in [0, 2^53) or a bigint in [0, 2^64)" })
}

/**
 * A generator seeded by SplitMix64 from `seed`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (seed: number | bigint): Xoshiro256 => {
  const words = new Int32Array(8)
  X.setState(words, 0, splitMix64(seedBits(seed), 4))
  return { words }
}

/**
 * An independent copy of `g` (same position, separate state).
 *
 * @since 0.1.0
 * @category constructors
 */
export const clone = (g: Xoshiro256): Xoshiro256 => ({ words: g.words.slice() })

/**
 * Moves `g` 2¹²⁸ steps ahead (the reference `jump()`) and returns it. Jumping a copy k times gives stream k:
 * no two such streams overlap for fewer than 2¹²⁸ draws each.
 *
 * @since 0.1.0
 * @category streams
 */
export const jump = (g: Xoshiro256): Xoshiro256 => {
  X.jump(g.words, 0)
  return g
}

/**
 * Moves `g` 2¹⁹² steps ahead (the reference `long_jump()`): 2⁶⁴ starting points, each with room for 2⁶⁴
 * {@link jump}s, e.g. one per machine.
 *
 * @since 0.1.0
 * @category streams
 */
export const longJump = (g: Xoshiro256): Xoshiro256 => {
  X.longJump(g.words, 0)
  return g
}

/**
 * `count` streams from one seed: stream 0 is `make(seed)`, stream k is stream k − 1 jumped once.
 *
 * @since 0.1.0
 * @category streams
 */
export const streams = (seed: number | bigint, count: number): Array<Xoshiro256> => {
  if (!(Number.isInteger(count) && count >= 0)) {
    throw new InvalidInput({ field: "count", value: count, expected: "a whole number of streams ≥ 0" })
  }
  const out: Array<Xoshiro256> = []
  const g = make(seed)
  for (let k = 0; k < count; k++) {
    if (k > 0) jump(g)
    out.push(clone(g))
  }
  return out
}

const halves = new Uint32Array(2)

/**
 * The next 64-bit output as a bigint (the reference `next()`): for checks and interoperability, not hot loops.
 *
 * @since 0.1.0
 * @category draws
 */
export const nextUint64 = (g: Xoshiro256): bigint => {
  X.nextHalves(g.words, 0, halves)
  return X.toBigInt(halves[0]!, halves[1]!)
}

/**
 * The next uniform in (0, 1): `(k + ½)·2⁻⁵²` from the output's top 52 bits.
 *
 * @since 0.1.0
 * @category draws
 */
export const nextUniform = (g: Xoshiro256): number => X.nextUniform(g.words, 0)

/**
 * Fills `out[offset … offset + length)` with uniforms in (0, 1), one output each, and returns `out`.
 * Allocation-free; the same numbers as as many {@link nextUniform} calls.
 *
 * @since 0.1.0
 * @category draws
 */
export const fillUniforms = (
  g: Xoshiro256,
  out: Float64Array,
  offset = 0,
  length = out.length - offset
): Float64Array => {
  checkRange(out, offset, length)
  X.fillUniforms(g.words, 0, out, offset, length)
  return out
}
