/**
 * xoshiro256** (Blackman & Vigna 2018) on 32-bit halves, over a flat `Int32Array` that may hold many streams:
 * stream `j` is the eight words `[at, at + 8)` with `at = 8j`, laid out `s0.hi, s0.lo, s1.hi, s1.lo, …, s3.lo`.
 *
 * The reference step, in 64-bit arithmetic:
 *
 *   result = rotl(s1 · 5, 7) · 9
 *   t = s1 << 17;  s2 ^= s0;  s3 ^= s1;  s1 ^= s2;  s0 ^= s3;  s2 ^= t;  s3 = rotl(s3, 45)
 *
 * The products by 5 and 9 are exact in doubles for the low half (< 9 · 2³²), so the carry into the high half is
 * the integer part of the double product over 2³²; the high half is `Math.imul` + carry. No BigInt, no
 * allocation: the loops keep the eight words in locals and store them back once.
 *
 * @internal
 */

const TWO_M32 = 2 ** -32
const TWO_M52 = 2 ** -52

/**
 * The uniform a 64-bit output maps to: its top 52 bits `k` give `(k + ½)·2⁻⁵²`, the midpoint of one of 2⁵² equal
 * cells of (0, 1). Never 0 or 1, exact in a double, and symmetric: `1 − u` is exact and is itself such a midpoint,
 * so an antithetic uniform `1 − u` is another possible draw and `Φ⁻¹(1 − u) = −Φ⁻¹(u)` holds exactly.
 */
const uniformOf = (hi: number, lo: number): number => hi * TWO_M32 + ((lo >>> 12) + 0.5) * TWO_M52

/** Fills `out[offset … offset + length)` with uniforms from stream `at` and advances it by `length` steps. */
export const fillUniforms = (words: Int32Array, at: number, out: Float64Array, offset: number, length: number): void => {
  let h0 = words[at]!, l0 = words[at + 1]!, h1 = words[at + 2]!, l1 = words[at + 3]!
  let h2 = words[at + 4]!, l2 = words[at + 5]!, h3 = words[at + 6]!, l3 = words[at + 7]!
  const end = offset + length
  for (let i = offset; i < end; i++) {
    // s1 · 5
    const a = (l1 >>> 0) * 5
    const mLo = a >>> 0
    const mHi = (Math.imul(h1, 5) + (a - mLo) * TWO_M32) | 0
    // rotl(·, 7) · 9
    const rHi = (mHi << 7) | (mLo >>> 25)
    const rLo = ((mLo << 7) | (mHi >>> 25)) >>> 0
    const b = rLo * 9
    const lo = b >>> 0
    const hi = (Math.imul(rHi, 9) + (b - lo) * TWO_M32) >>> 0
    out[i] = uniformOf(hi, lo)
    // state transition
    const tHi = (h1 << 17) | (l1 >>> 15)
    const tLo = l1 << 17
    h2 ^= h0; l2 ^= l0; h3 ^= h1; l3 ^= l1
    h1 ^= h2; l1 ^= l2; h0 ^= h3; l0 ^= l3
    h2 ^= tHi; l2 ^= tLo
    const nHi = (l3 << 13) | (h3 >>> 19) // rotl 45 = swap the halves, then rotl 13
    l3 = (h3 << 13) | (l3 >>> 19)
    h3 = nHi
  }
  words[at] = h0; words[at + 1] = l0; words[at + 2] = h1; words[at + 3] = l1
  words[at + 4] = h2; words[at + 5] = l2; words[at + 6] = h3; words[at + 7] = l3
}

/** Advances stream `at` one step; writes the 64-bit output's halves into `out[0]` (high) and `out[1]` (low). */
export const nextHalves = (words: Int32Array, at: number, out: Uint32Array): void => {
  let h0 = words[at]!, l0 = words[at + 1]!, h1 = words[at + 2]!, l1 = words[at + 3]!
  let h2 = words[at + 4]!, l2 = words[at + 5]!, h3 = words[at + 6]!, l3 = words[at + 7]!
  const a = (l1 >>> 0) * 5
  const mLo = a >>> 0
  const mHi = (Math.imul(h1, 5) + (a - mLo) * TWO_M32) | 0
  const rHi = (mHi << 7) | (mLo >>> 25)
  const rLo = ((mLo << 7) | (mHi >>> 25)) >>> 0
  const b = rLo * 9
  out[1] = b >>> 0
  out[0] = Math.imul(rHi, 9) + (b - (b >>> 0)) * TWO_M32
  const tHi = (h1 << 17) | (l1 >>> 15)
  const tLo = l1 << 17
  h2 ^= h0; l2 ^= l0; h3 ^= h1; l3 ^= l1
  h1 ^= h2; l1 ^= l2; h0 ^= h3; l0 ^= l3
  h2 ^= tHi; l2 ^= tLo
  const nHi = (l3 << 13) | (h3 >>> 19)
  l3 = (h3 << 13) | (l3 >>> 19)
  h3 = nHi
  words[at] = h0; words[at + 1] = l0; words[at + 2] = h1; words[at + 3] = l1
  words[at + 4] = h2; words[at + 5] = l2; words[at + 6] = h3; words[at + 7] = l3
}

const halves = new Uint32Array(2)

/** One uniform in (0, 1) from stream `at` (see {@link fillUniforms}). */
export const nextUniform = (words: Int32Array, at: number): number => {
  nextHalves(words, at, halves)
  return uniformOf(halves[0]!, halves[1]!)
}

/** The reference jump polynomials, as (high, low) 32-bit words of s0 … s3's 64-bit constants. */
const JUMP = new Int32Array([
  0x180ec6d3, 0x3cfd0aba, 0xd5a61266 | 0, 0xf0c9392c | 0, 0xa9582618 | 0, 0xe03fc9aa | 0, 0x39abdc45, 0x29b1661c
])
const LONG_JUMP = new Int32Array([
  0x76e15d3e, 0xfefdcbbf | 0, 0xc5004e44 | 0, 0x1c522fb3, 0x77710069, 0x854ee241 | 0, 0x39109bb0, 0x2acbe635
])

/** Jumps stream `at` ahead by 2¹²⁸ steps (`JUMP`) or 2¹⁹² (`LONG_JUMP`): the reference's GF(2) polynomial. */
const jumpBy = (poly: Int32Array, words: Int32Array, at: number): void => {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0
  for (let w = 0; w < 4; w++) {
    for (let b = 0; b < 64; b++) {
      const word = b < 32 ? poly[2 * w + 1]! : poly[2 * w]!
      if ((word >>> (b & 31)) & 1) {
        a0 ^= words[at]!; a1 ^= words[at + 1]!; a2 ^= words[at + 2]!; a3 ^= words[at + 3]!
        a4 ^= words[at + 4]!; a5 ^= words[at + 5]!; a6 ^= words[at + 6]!; a7 ^= words[at + 7]!
      }
      nextHalves(words, at, halves)
    }
  }
  words[at] = a0; words[at + 1] = a1; words[at + 2] = a2; words[at + 3] = a3
  words[at + 4] = a4; words[at + 5] = a5; words[at + 6] = a6; words[at + 7] = a7
}

/** Advances stream `at` by 2¹²⁸ steps. */
export const jump = (words: Int32Array, at: number): void => jumpBy(JUMP, words, at)

/** Advances stream `at` by 2¹⁹² steps. */
export const longJump = (words: Int32Array, at: number): void => jumpBy(LONG_JUMP, words, at)

/** Writes four 64-bit state words (s0 … s3) into stream `at`. */
export const setState = (words: Int32Array, at: number, state: ReadonlyArray<bigint>): void => {
  for (let i = 0; i < 4; i++) {
    const s = state[i]!
    words[at + 2 * i] = Number(s >> 32n) | 0
    words[at + 2 * i + 1] = Number(s & 0xffffffffn) | 0
  }
}

/** Combines the halves written by {@link nextHalves} into a 64-bit unsigned BigInt. */
export const toBigInt = (hi: number, lo: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)
