/**
 * Standard normals by Marsaglia & Tsang's Ziggurat (J. Stat. Software 5(8), 2000), 256 layers, in the signed
 * form of Doornik's ZIGNOR (2005), on xoshiro256** outputs (`xoshiro.ts`'s layout).
 *
 * One 64-bit output (hi, lo) gives the layer (the low 8 bits of lo), the sign (bit 8) and the magnitude
 * m = (k + ½)·2⁻⁵² of its top 52 bits (the uniform `fillUniforms` would give): z = ±m·X[layer]. That is the answer
 * 98.5 % of the time (m < X[layer + 1]/X[layer]); otherwise the wedge test or the tail (layer 0) draws further
 * outputs of the same stream, and a rejected draw starts over with the next output. So a normal costs one
 * output most of the time and a few more now and then: the count of outputs a stream gives per normal varies,
 * which is why a path's normals are not at fixed positions of its stream (inversion's are).
 *
 * Exact symmetry: the sign is one bit and the magnitude does not depend on it, so z and −z are equally likely
 * bit for bit. Determinism: the tables and the slow paths use `Math.exp`, `Math.log` and `Math.sqrt`, which V8
 * computes with its own fdlibm port (see `Normals`), the rest is plain IEEE-754 arithmetic.
 *
 * @internal
 */
import { nextUniform } from "./xoshiro.js"

const LAYERS = 256
/** The base layer's right edge and each layer's area (Marsaglia & Tsang's constants for 256 layers). */
const R = 3.6541528853610088
const AREA = 0.00492867323399

const density = (x: number): number => Math.exp(-0.5 * x * x)

/** X[i]: right edge of layer i (X[0] = AREA/f(R), the base layer's equivalent width; X[256] = 0). */
export const X = new Float64Array(LAYERS + 1)
/** RATIO[i] = X[i + 1]/X[i]: below it, a draw of layer i is inside the next layer's edge, so under the curve. */
export const RATIO = new Float64Array(LAYERS)
/** F[i] = f(X[i]). */
const F = new Float64Array(LAYERS + 1)
X[0] = AREA / density(R)
X[1] = R
for (let i = 2; i < LAYERS; i++) X[i] = Math.sqrt(-2 * Math.log(AREA / X[i - 1]! + density(X[i - 1]!)))
X[LAYERS] = 0
for (let i = 0; i < LAYERS; i++) RATIO[i] = X[i + 1]! / X[i]!
for (let i = 0; i <= LAYERS; i++) F[i] = density(X[i]!)
F[0] = density(R) // the base layer's wedge test never runs (its slow path is the tail)

const TWO_M32 = 2 ** -32
const TWO_M52 = 2 ** -52

/**
 * The slow path of a draw that missed the fast test: layer `layer`, sign `neg`, magnitude `m`. Continues from
 * stream `at` (its words current) and returns the normal. Also finishes the WebAssembly fast path's misses
 * (`zigguratWasm.ts`).
 */
export const slow = (words: Int32Array, at: number, layer: number, neg: boolean, m: number): number => {
  for (;;) {
    if (layer === 0) {
      // the tail beyond R (Marsaglia 1964): x = −ln(u₁)/R, accepted when −2 ln(u₂) > x²
      let x: number, y: number
      do {
        x = -Math.log(nextUniform(words, at)) / R
        y = -Math.log(nextUniform(words, at))
      } while (y + y < x * x)
      return neg ? -(R + x) : R + x
    }
    const x = m * X[layer]!
    // a point of the layer's rectangle, at height between f(X[layer]) and f(X[layer + 1]), under the curve?
    if (F[layer]! + nextUniform(words, at) * (F[layer + 1]! - F[layer]!) < density(x)) return neg ? -x : x
    // rejected: a new draw from the next output
    const u = nextRaw(words, at)
    layer = rawLo & 0xff
    neg = (rawLo & 0x100) !== 0
    m = u
    if (m < RATIO[layer]!) return neg ? -m * X[layer]! : m * X[layer]!
  }
}

let rawLo = 0

/** The next output's magnitude (top 52 bits as a midpoint uniform); its low word is left in `rawLo`. */
const nextRaw = (words: Int32Array, at: number): number => {
  let h0 = words[at]!, l0 = words[at + 1]!, h1 = words[at + 2]!, l1 = words[at + 3]!
  let h2 = words[at + 4]!, l2 = words[at + 5]!, h3 = words[at + 6]!, l3 = words[at + 7]!
  const a = (l1 >>> 0) * 5
  const mLo = a >>> 0
  const mHi = (Math.imul(h1, 5) + (a - mLo) * TWO_M32) | 0
  const rHi = (mHi << 7) | (mLo >>> 25)
  const rLo = ((mLo << 7) | (mHi >>> 25)) >>> 0
  const b = rLo * 9
  const lo = b >>> 0
  const hi = (Math.imul(rHi, 9) + (b - lo) * TWO_M32) >>> 0
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
  rawLo = lo
  return hi * TWO_M32 + ((lo >>> 12) + 0.5) * TWO_M52
}

/**
 * Fills `out[offset … offset + length)` with standard normals from stream `at` and advances it by one output
 * per normal plus those the slow paths take.
 */
export const fillNormals = (words: Int32Array, at: number, out: Float64Array, offset: number, length: number): void => {
  let h0 = words[at]!, l0 = words[at + 1]!, h1 = words[at + 2]!, l1 = words[at + 3]!
  let h2 = words[at + 4]!, l2 = words[at + 5]!, h3 = words[at + 6]!, l3 = words[at + 7]!
  const end = offset + length
  for (let i = offset; i < end; i++) {
    // xoshiro256** output (see xoshiro.ts)
    const a = (l1 >>> 0) * 5
    const mLo = a >>> 0
    const mHi = (Math.imul(h1, 5) + (a - mLo) * TWO_M32) | 0
    const rHi = (mHi << 7) | (mLo >>> 25)
    const rLo = ((mLo << 7) | (mHi >>> 25)) >>> 0
    const b = rLo * 9
    const lo = b >>> 0
    const hi = (Math.imul(rHi, 9) + (b - lo) * TWO_M32) >>> 0
    const tHi = (h1 << 17) | (l1 >>> 15)
    const tLo = l1 << 17
    h2 ^= h0; l2 ^= l0; h3 ^= h1; l3 ^= l1
    h1 ^= h2; l1 ^= l2; h0 ^= h3; l0 ^= l3
    h2 ^= tHi; l2 ^= tLo
    const nHi = (l3 << 13) | (h3 >>> 19)
    l3 = (h3 << 13) | (l3 >>> 19)
    h3 = nHi
    // the draw
    const m = hi * TWO_M32 + ((lo >>> 12) + 0.5) * TWO_M52
    const layer = lo & 0xff
    if (m < RATIO[layer]!) {
      // the sign without a branch (it is a coin toss, which a branch predictor cannot learn): ×(±1) is exact
      out[i] = m * X[layer]! * (1 - ((lo >>> 7) & 2))
      continue
    }
    words[at] = h0; words[at + 1] = l0; words[at + 2] = h1; words[at + 3] = l1
    words[at + 4] = h2; words[at + 5] = l2; words[at + 6] = h3; words[at + 7] = l3
    out[i] = slow(words, at, layer, (lo & 0x100) !== 0, m)
    h0 = words[at]!; l0 = words[at + 1]!; h1 = words[at + 2]!; l1 = words[at + 3]!
    h2 = words[at + 4]!; l2 = words[at + 5]!; h3 = words[at + 6]!; l3 = words[at + 7]!
  }
  words[at] = h0; words[at + 1] = l0; words[at + 2] = h1; words[at + 3] = l1
  words[at + 4] = h2; words[at + 5] = l2; words[at + 6] = h3; words[at + 7] = l3
}
