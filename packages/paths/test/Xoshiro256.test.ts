import { InvalidInput } from "@hedgekit/sdk"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Xoshiro256 } from "../src/index.js"

// Printed by test/fixtures/c/xoshiro256starstar.c (the authors' reference code): the first four outputs, three
// after jump(), three after a further long_jump().
const GOLDEN: ReadonlyArray<readonly [bigint, string]> = [
  [0n, "99ec5f36cb75f2b4 bf6e1f784956452a 1a5f849d4933e6e0 6aa594f1262d2d2c | jump: 2d2d68024469b89e fd4c3ae46ca64165 ed7442d7ebee7731 | long jump: 9c08dd99ce5fcb28 3f37264746c46107 d99e548f4b5bdb39"],
  [1n, "b3f2af6d0fc710c5 853b559647364cea 92f89756082a4514 642e1c7bc266a3a7 | jump: f770713745c5da5e c55814dc11e24154 a89c369d7a17f617 | long jump: 5ecb825353af5b86 10b21c2730e69ad3 bc970b860c8a97f0"],
  [42n, "15780b2e0c2ec716 6104d9866d113a7e ae17533239e499a1 ecb8ad4703b360a1 | jump: 77369f9f12449a8b 1eab92f3c9460792 f5484aa43e93f003 | long jump: df94d0af8b59afd2 be03230666d8c5b2 0eb4d84742eb761a"],
  [20261125n, "a95216bb197221b1 8b0316fce0d767bc 8495d78e321f87ef fc27e49faf52cf04 | jump: 77498a5c31cab8c3 05509726a61f17c9 b3224c00d3df0424 | long jump: 1dd842c5820f1550 9be44f739e13f73e e813943618d63461"],
  [2n ** 64n - 1n, "8f5520d52a7ead08 c476a018caa1802d 81de31c0d260469e bf658d7e065f3c2f | jump: 43687b585c887bc0 fb2cf49dc975a324 65652550492c0eb9 | long jump: be5c398d947c7666 d0613d5ef416d7e6 3f222f049984f0b1"]
]

const hex = (n: bigint): string => n.toString(16).padStart(16, "0")

/** An independent 64-bit BigInt transcription of the reference code, to compare with on arbitrary seeds. */
class Reference {
  static readonly M = (1n << 64n) - 1n
  readonly s: Array<bigint>
  constructor(seed: bigint) {
    let x = seed
    this.s = [0, 1, 2, 3].map(() => {
      x = (x + 0x9e3779b97f4a7c15n) & Reference.M
      let z = x
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & Reference.M
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & Reference.M
      return z ^ (z >> 31n)
    })
  }
  static rotl(v: bigint, k: bigint): bigint {
    return ((v << k) | (v >> (64n - k))) & Reference.M
  }
  next(): bigint {
    const s = this.s as [bigint, bigint, bigint, bigint]
    const result = (Reference.rotl((s[1] * 5n) & Reference.M, 7n) * 9n) & Reference.M
    const t = (s[1] << 17n) & Reference.M
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = Reference.rotl(s[3], 45n)
    return result
  }
  jump(): void {
    const poly = [0x180ec6d33cfd0aban, 0xd5a61266f0c9392cn, 0xa9582618e03fc9aan, 0x39abdc4529b1661cn]
    const acc = [0n, 0n, 0n, 0n]
    for (const p of poly) {
      for (let b = 0n; b < 64n; b++) {
        if ((p >> b) & 1n) for (let i = 0; i < 4; i++) acc[i]! ^= this.s[i]!
        this.next()
      }
    }
    for (let i = 0; i < 4; i++) this.s[i] = acc[i]!
  }
}

const seed64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })

describe("xoshiro256**", () => {
  it("reproduces the reference C code's outputs, jump() and long_jump() (golden values)", () => {
    for (const [seed, expected] of GOLDEN) {
      const g = Xoshiro256.make(seed)
      const head = [0, 1, 2, 3].map(() => hex(Xoshiro256.nextUint64(g))).join(" ")
      Xoshiro256.jump(g)
      const jumped = [0, 1, 2].map(() => hex(Xoshiro256.nextUint64(g))).join(" ")
      Xoshiro256.longJump(g)
      const longJumped = [0, 1, 2].map(() => hex(Xoshiro256.nextUint64(g))).join(" ")
      expect(`${head} | jump: ${jumped} | long jump: ${longJumped}`, `seed ${seed}`).toBe(expected)
    }
  })

  it("equals a 64-bit BigInt transcription of the reference on any seed, before and after a jump (fast-check)", () => {
    fc.assert(
      fc.property(seed64, fc.integer({ min: 0, max: 40 }), (seed, skip) => {
        const g = Xoshiro256.make(seed)
        const r = new Reference(seed)
        for (let i = 0; i < skip; i++) expect(Xoshiro256.nextUint64(g)).toBe(r.next())
        Xoshiro256.jump(g)
        r.jump()
        for (let i = 0; i < 5; i++) expect(Xoshiro256.nextUint64(g)).toBe(r.next())
      }),
      { numRuns: 40 }
    )
  })

  it("a jump commutes with a step (both are linear maps of the state): jump(next(g)) = next(jump(g))", () => {
    fc.assert(
      fc.property(seed64, (seed) => {
        const a = Xoshiro256.make(seed)
        const b = Xoshiro256.clone(a)
        Xoshiro256.nextUint64(a)
        Xoshiro256.jump(a)
        Xoshiro256.jump(b)
        Xoshiro256.nextUint64(b)
        expect(Array.from(a.words)).toEqual(Array.from(b.words))
      }),
      { numRuns: 20 }
    )
  })

  it("uniforms are the midpoints (k + ½)·2⁻⁵² of the output's top 52 bits: in (0, 1), and 1 − u is one too", () => {
    fc.assert(
      fc.property(seed64, (seed) => {
        const g = Xoshiro256.make(seed)
        const copy = Xoshiro256.clone(g)
        for (let i = 0; i < 50; i++) {
          const u = Xoshiro256.nextUniform(g)
          const k = Xoshiro256.nextUint64(copy) >> 12n
          expect(u).toBe((Number(k) + 0.5) * 2 ** -52)
          expect(u > 0 && u < 1).toBe(true)
          const reflected = (1 - u) * 2 ** 52 - 0.5
          expect(Number.isInteger(reflected)).toBe(true)
        }
      }),
      { numRuns: 50 }
    )
  })

  it("fillUniforms draws the same numbers as nextUniform, within the requested range only", () => {
    const a = Xoshiro256.make(7)
    const b = Xoshiro256.make(7)
    const out = new Float64Array(1000).fill(-1)
    Xoshiro256.fillUniforms(a, out, 10, 900)
    expect(out[9]).toBe(-1)
    expect(out[910]).toBe(-1)
    for (let i = 10; i < 910; i++) expect(out[i]).toBe(Xoshiro256.nextUniform(b))
    expect(Xoshiro256.nextUniform(a)).toBe(Xoshiro256.nextUniform(b))
  })

  it("streams(seed, n): stream k is the seed's generator jumped k times", () => {
    const streams = Xoshiro256.streams(99, 4)
    const g = Xoshiro256.make(99)
    for (let k = 0; k < 4; k++) {
      if (k > 0) Xoshiro256.jump(g)
      expect(Array.from(streams[k]!.words)).toEqual(Array.from(g.words))
    }
    const firsts = streams.map((s) => Xoshiro256.nextUint64(s))
    expect(new Set(firsts).size).toBe(4)
  })

  it("different seeds, even neighbours, give different streams; a number seed equals its bigint", () => {
    const first = (seed: number | bigint) => Xoshiro256.nextUint64(Xoshiro256.make(seed))
    expect(first(1)).not.toBe(first(2))
    expect(first(123)).toBe(first(123n))
    expect(first(0)).not.toBe(first(2n ** 63n))
  })

  it("rejects seeds that are not whole numbers in range, naming the seed", () => {
    for (const seed of [-1, 0.5, NaN, 2 ** 53, -1n, 2n ** 64n, "1" as unknown as number]) {
      const error = (() => {
        try {
          Xoshiro256.make(seed)
        } catch (e) {
          return e
        }
      })()
      expect(error).toBeInstanceOf(InvalidInput)
      expect((error as InvalidInput).field).toBe("seed")
    }
  })

  it("fillUniforms refuses a range outside the array", () => {
    const g = Xoshiro256.make(1)
    expect(() => Xoshiro256.fillUniforms(g, new Float64Array(4), 2, 3)).toThrow(InvalidInput)
    expect(() => Xoshiro256.fillUniforms(g, new Float64Array(4), -1)).toThrow(InvalidInput)
  })
})
