/**
 * Seeded benchmark inputs: a crypto-like mix of Black-76 options. Mirrored line by line in
 * bench/reference.py; every input is formed from the uniforms with +, -, *, / only (correctly rounded in
 * both languages), so both produce bit-identical doubles.
 */

/** murmur3's 32-bit finaliser, used to expand the seed into xoshiro state. */
const fmix32 = (h0: number): number => {
  let h = h0 >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b) >>> 0
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35) >>> 0
  h ^= h >>> 16
  return h >>> 0
}

/** xoshiro128** (Blackman & Vigna), 32-bit state words. */
export class Xoshiro128ss {
  private s0: number
  private s1: number
  private s2: number
  private s3: number

  constructor(seed: number) {
    const word = (k: number): number => fmix32((seed + Math.imul(0x9e3779b9, k + 1)) >>> 0)
    this.s0 = word(0)
    this.s1 = word(1)
    this.s2 = word(2)
    this.s3 = word(3)
  }

  next32(): number {
    const s1 = this.s1
    const x = Math.imul(s1, 5)
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0
    const t = s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21)
    return result
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.next32() >>> 5
    const b = this.next32() >>> 6
    return (a * 67108864 + b) / 9007199254740992
  }
}

export interface Rows {
  readonly length: number
  readonly isCall: Uint8Array
  readonly forward: Float64Array
  readonly strike: Float64Array
  readonly expiry: Float64Array
  readonly rate: Float64Array
  readonly vol: Float64Array
}

export const SEED = 20240601
export const HOURS_PER_YEAR = 8760

/**
 * F uniform in [20k, 120k); K/F in [0.5, 2], log-symmetric around 1; T from 1 hour to 2 years, skewed
 * to short expiries (hours = 1 + 17519·u³, median ≈ 3 months); σ uniform in [0.2, 1.5); half calls;
 * r = 0.
 */
export const generateRows = (length: number, seed: number = SEED): Rows => {
  const rng = new Xoshiro128ss(seed)
  const isCall = new Uint8Array(length)
  const forward = new Float64Array(length)
  const strike = new Float64Array(length)
  const expiry = new Float64Array(length)
  const rate = new Float64Array(length)
  const vol = new Float64Array(length)
  for (let i = 0; i < length; i++) {
    const F = 20000 + 100000 * rng.uniform()
    const z = 2 * rng.uniform() - 1
    const moneyness = z >= 0 ? 1 + z : 1 / (1 - z)
    forward[i] = F
    strike[i] = F * moneyness
    const u = rng.uniform()
    expiry[i] = (1 + 17519 * (u * u * u)) / HOURS_PER_YEAR
    vol[i] = 0.2 + 1.3 * rng.uniform()
    isCall[i] = rng.uniform() < 0.5 ? 1 : 0
  }
  return { length, isCall, forward, strike, expiry, rate, vol }
}
