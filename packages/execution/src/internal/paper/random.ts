/**
 * The paper exchange's random numbers: a SplitMix32 generator (a 32-bit counter stepped by the golden-ratio
 * increment, each output a full-avalanche mix of the counter), so a run is a pure function of its seed. Nothing
 * here reads `Math.random` or the clock.
 */

/** A uniform generator on [0, 1). */
export interface Random {
  readonly next: () => number
}

const GOLDEN = 0x9e3779b9

/**
 * A seeded SplitMix32 stream. Seeds are taken modulo 2³² (a non-integer or negative seed is first mixed to an
 * unsigned integer), so every number is a valid seed and nearby seeds give unrelated streams.
 */
export const splitMix32 = (seed: number): Random => {
  let state = Number.isInteger(seed) ? seed >>> 0 : mixDouble(seed)
  return {
    next: () => {
      state = (state + GOLDEN) >>> 0
      let z = state
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      z = (z ^ (z >>> 16)) >>> 0
      return z / 4294967296
    }
  }
}

/** A non-integer seed's bits folded into 32: its two halves of the IEEE-754 representation, xored. */
const mixDouble = (x: number): number => {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, Number.isFinite(x) ? x : 0)
  return (view.getUint32(0) ^ view.getUint32(4)) >>> 0
}
