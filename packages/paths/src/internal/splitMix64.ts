/**
 * SplitMix64 (Steele, Lea & Flood 2014), the seeding generator xoshiro's authors recommend: it turns any 64-bit
 * seed, even 0 or a run of small consecutive integers, into four well-mixed, non-zero-in-practice state words.
 * It runs once per seed, so it may use BigInt.
 *
 * @internal
 */

const MASK = (1n << 64n) - 1n

/** The first `count` outputs of SplitMix64 started at `seed` (a 64-bit unsigned integer). */
export const splitMix64 = (seed: bigint, count: number): Array<bigint> => {
  let x = seed & MASK
  const out: Array<bigint> = []
  for (let i = 0; i < count; i++) {
    x = (x + 0x9e3779b97f4a7c15n) & MASK
    let z = x
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK
    out.push(z ^ (z >> 31n))
  }
  return out
}
