import { Normal } from "@hedgekit/models"
import { InvalidInput } from "@hedgekit/sdk"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Normals, Xoshiro256 } from "../src/index.js"
import { sampleMoments } from "./stats.js"

/** The uniform grid of `Xoshiro256`: u = (k + ½)·2⁻⁵², k ∈ [0, 2⁵²). */
const gridUniform = fc.bigInt({ min: 0n, max: 2n ** 52n - 1n }).map((k) => (Number(k) + 0.5) * 2 ** -52)

describe("Normals.fromUniform (AS241)", () => {
  it("is within 4e-15 relative of Normal.inverseCdf (few-ulp accurate) over the centre, the tails and the grid's ends", () => {
    const g = Xoshiro256.make(3)
    const u = Xoshiro256.fillUniforms(g, new Float64Array(100_000))
    const extremes = [2 ** -53, 1 - 2 ** -53, 1e-300, 1e-20, 1e-11, 1.4e-11, 0.075, 0.0749, 0.925, 0.5 + 2 ** -53, 0.5 - 2 ** -53]
    let worst = 0
    let at = NaN
    for (const p of [...u, ...extremes, ...Array.from(u, (x) => x ** 8)]) {
      const exact = Normal.inverseCdf(p)
      const rel = Math.abs(Normals.fromUniform(p) - exact) / Math.abs(exact)
      if (rel > worst) {
        worst = rel
        at = p
      }
    }
    expect(worst, `worst at u = ${at}`).toBeLessThan(4e-15)
  })

  it("is odd on the uniform grid, bit for bit: Φ⁻¹(1 − u) = −Φ⁻¹(u) (fast-check)", () => {
    fc.assert(
      fc.property(gridUniform, (u) => {
        expect(Normals.fromUniform(1 - u)).toBe(-Normals.fromUniform(u))
      }),
      { numRuns: 2000 }
    )
  })

  it("reaches ±8.2 at the ends of the grid and is monotone across the branch boundaries", () => {
    expect(Normals.fromUniform(2 ** -53)).toBeCloseTo(-8.2095, 3)
    expect(Normals.fromUniform(1 - 2 ** -53)).toBeCloseTo(8.2095, 3)
    for (const b of [0.075, 0.925, Math.exp(-25)]) {
      const below = Normals.fromUniform(b * (1 - 1e-12))
      const above = Normals.fromUniform(b * (1 + 1e-12))
      expect(below).toBeLessThan(above)
    }
  })
})

describe("normal draws", () => {
  it("fill = fromUniform of fillUniforms; next = the same one at a time", () => {
    const out = Normals.fill(Xoshiro256.make(11), new Float64Array(257))
    const u = Xoshiro256.fillUniforms(Xoshiro256.make(11), new Float64Array(257))
    const g = Xoshiro256.make(11)
    for (let i = 0; i < 257; i++) {
      expect(out[i]).toBe(Normals.fromUniform(u[i]!))
      expect(Normals.next(g)).toBe(out[i])
    }
  })

  it("fillAntithetic gives pairs z, −z exactly, whose first members are fill's normals", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5 }), (seed, pairs, offset) => {
        const out = new Float64Array(offset + 2 * pairs + 3).fill(7)
        Normals.fillAntithetic(Xoshiro256.make(seed), out, offset, 2 * pairs)
        const plain = Normals.fill(Xoshiro256.make(seed), new Float64Array(pairs))
        for (let k = 0; k < pairs; k++) {
          expect(out[offset + 2 * k]).toBe(plain[k])
          expect(out[offset + 2 * k + 1]).toBe(-plain[k]!)
        }
        expect(out[offset + 2 * pairs]).toBe(7)
        if (offset > 0) expect(out[offset - 1]).toBe(7)
      })
    )
    expect(() => Normals.fillAntithetic(Xoshiro256.make(1), new Float64Array(3))).toThrow(InvalidInput)
  })

  it("2²⁰ draws have mean 0, variance 1, skewness 0 and kurtosis 3 within 4 standard errors; tail frequencies match Φ", () => {
    const n = 2 ** 20
    const z = Normals.fill(Xoshiro256.make(20261125), new Float64Array(n))
    const m = sampleMoments(z)
    expect(Math.abs(m.mean) / Math.sqrt(1 / n)).toBeLessThan(4)
    expect(Math.abs(m.variance - 1) / Math.sqrt(2 / n)).toBeLessThan(4)
    expect(Math.abs(m.skewness) / Math.sqrt(6 / n)).toBeLessThan(4)
    expect(Math.abs(m.kurtosis - 3) / Math.sqrt(24 / n)).toBeLessThan(4)
    for (const x of [-3, -2, -1, 0, 1.5, 2.5, 3.5]) {
      const p = Normal.cdf(x)
      let count = 0
      for (let i = 0; i < n; i++) if (z[i]! <= x) count++
      expect(Math.abs(count / n - p) / Math.sqrt((p * (1 - p)) / n), `P(Z ≤ ${x})`).toBeLessThan(4)
    }
  })
})
