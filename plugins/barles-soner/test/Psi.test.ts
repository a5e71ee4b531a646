import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { onePlusPsi, psi } from "../src/index.js"
import { fixture } from "./support.js"

const K = Math.cbrt(2.25) // (3/2)^(2/3)
const rel = (x: number, ref: number): number => Math.abs(x - ref) / Math.abs(ref)

describe("Ψ against the 40-digit mpmath integration of its ODE", () => {
  it("agrees to 1e-14 relative in Ψ and in 1 + Ψ, from |A| = 1e-15 to 1e6, on both sides of every region edge", () => {
    expect(fixture.points.length).toBeGreaterThanOrEqual(70)
    let worstPsi = 0, worstOne = 0
    for (const p of fixture.points) {
      worstPsi = Math.max(worstPsi, rel(psi(p.A), Number(p.psi30)))
      worstOne = Math.max(worstOne, rel(onePlusPsi(p.A), p.onePlusPsi))
    }
    expect(worstPsi).toBeLessThan(1e-14)
    expect(worstOne).toBeLessThan(1e-14)
  })
})

describe("Ψ's closed form, by hand", () => {
  // from √A = √Ψ − arsinh(√Ψ)/√(1 + Ψ) and √−A = arcsin(√−Ψ)/√(1 + Ψ) − √−Ψ at round values of Ψ
  it("Ψ = 3 at A = (√3 − ln(2 + √3)/2)² ≈ 1.152557", () => {
    const a = (Math.sqrt(3) - Math.log(2 + Math.sqrt(3)) / 2) ** 2
    expect(a).toBeCloseTo(1.152557, 6)
    expect(psi(a)).toBeCloseTo(3, 13)
  })
  it("Ψ = 1 at A = (1 − arsinh(1)/√2)² ≈ 0.141959", () => {
    const a = (1 - Math.asinh(1) / Math.SQRT2) ** 2
    expect(a).toBeCloseTo(0.141959, 6)
    expect(psi(a)).toBeCloseTo(1, 14)
  })
  it("Ψ = −3/4 at A = −(2π/3 − √3/2)² ≈ −1.508892 (√(1 + Ψ) = 1/2, arcsin(√3/2) = π/3)", () => {
    const a = -(((2 * Math.PI) / 3 - Math.sqrt(3) / 2) ** 2)
    expect(a).toBeCloseTo(-1.508892, 6)
    expect(psi(a)).toBeCloseTo(-0.75, 14)
    expect(onePlusPsi(a)).toBeCloseTo(0.25, 14)
  })
  it("special values", () => {
    expect(psi(0)).toBe(0)
    expect(psi(-0)).toBe(0)
    expect(onePlusPsi(0)).toBe(1)
    expect(psi(NaN)).toBeNaN()
    expect(onePlusPsi(NaN)).toBeNaN()
    expect(psi(Infinity)).toBe(Infinity)
    expect(psi(-Infinity)).toBe(-1)
    expect(onePlusPsi(-Infinity)).toBe(0)
    expect(psi(Number.MIN_VALUE)).toBeGreaterThan(0)
    expect(psi(1e300)).toBeCloseTo(1e300, -290)
    expect(onePlusPsi(-1e300)).toBeGreaterThan(0)
  })
})

describe("Ψ's asymptotics", () => {
  it("Ψ(A) ~ (3/2)^(2/3)·∛A as A → 0, from either side, with the next term (8/15)·k²·∛A²", () => {
    for (const a of [1e-30, -1e-30]) expect(psi(a) / Math.cbrt(a)).toBeCloseTo(K, 9)
    for (const a of [1e-12, -1e-12, 1e-9, -1e-9]) {
      const t = Math.cbrt(a)
      // the remainder is O(A): a few |A| at most
      expect(Math.abs(psi(a) - K * t - (8 / 15) * K * K * t * t)).toBeLessThan(5 * Math.abs(a))
    }
  })
  it("Ψ(A)/A → 1 as A → +∞, with Ψ(A) − A − ln(4A) → 0", () => {
    for (const a of [1e4, 1e6, 1e8, 1e10]) expect(Math.abs(psi(a) / a - 1)).toBeLessThan((2 * Math.log(4 * a)) / a)
    const gaps = [1e2, 1e4, 1e6, 1e8].map((a) => Math.abs(psi(a) - a - Math.log(4 * a)))
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeLessThan(gaps[i - 1]! / 10)
    expect(gaps[3]!).toBeLessThan(1e-5)
  })
  it("Ψ(A) → −1 as A → −∞, with 1 + Ψ(A) ≈ π²/(4(√−A + 2)²)", () => {
    for (const a of [-1e4, -1e8, -1e12, -1e20]) {
      expect(onePlusPsi(a) * (Math.sqrt(-a) + 2) ** 2).toBeCloseTo(Math.PI ** 2 / 4, a < -1e6 ? 6 : 4)
      // in doubles Ψ itself rounds to −1 once 1 + Ψ < 2^−53; 1 + Ψ keeps its digits
      expect(psi(a)).toBeGreaterThanOrEqual(-1)
      expect(onePlusPsi(a)).toBeGreaterThan(0)
    }
  })
})

describe("Ψ's properties", () => {
  const logUniform = (lo: number, hi: number) =>
    fc.double({ min: Math.log10(lo), max: Math.log10(hi), noNaN: true }).map((e) => 10 ** e)
  const signedA = fc.tuple(fc.boolean(), logUniform(1e-12, 1e6)).map(([neg, m]) => (neg ? -m : m))

  it("solves the ODE Ψ' = (Ψ + 1)/(2√(AΨ) − A): a central difference matches the right-hand side", () => {
    fc.assert(
      fc.property(signedA, (a) => {
        const h = 1e-4 * Math.abs(a)
        const slope = (psi(a + h) - psi(a - h)) / (2 * h)
        const p = psi(a)
        const rhs = (p + 1) / (2 * Math.sqrt(a * p) - a)
        expect(rel(slope, rhs)).toBeLessThan(1e-6)
      }),
      { numRuns: 300 }
    )
  })

  it("is increasing, takes the sign of A, stays above −1, and A·Ψ(A) ≥ 0", () => {
    fc.assert(
      fc.property(signedA, signedA, (a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a]
        // non-decreasing up to the rounding of Ψ itself (two A a few ulp apart may round either way)
        expect(psi(lo)).toBeLessThanOrEqual(psi(hi) + 4 * Number.EPSILON * Math.abs(psi(hi)))
        expect(Math.sign(psi(a))).toBe(Math.sign(a))
        expect(onePlusPsi(a)).toBeGreaterThan(0)
        expect(a * psi(a)).toBeGreaterThanOrEqual(0)
      }),
      { numRuns: 300 }
    )
  })

  it("inverts the closed form: A(Ψ(A)) = A", () => {
    // A back from Ψ (A > 0) or from δ = √(1 + Ψ) (A < 0: 1 + Ψ taken as computed, not as 1 + a rounded Ψ)
    const back = (a: number): number => {
      if (a > 0) {
        const p = psi(a)
        return (Math.sqrt(p) - Math.asinh(Math.sqrt(p)) / Math.sqrt(1 + p)) ** 2
      }
      const d = Math.sqrt(onePlusPsi(a))
      return -((Math.acos(d) / d - Math.sqrt(1 - d * d)) ** 2)
    }
    // where the closed form itself is accurate (it cancels for small |Ψ|, which is why psi uses a series there)
    const a = fc.tuple(fc.boolean(), logUniform(1e-2, 1e8)).map(([neg, m]) => (neg ? -m : m))
    fc.assert(fc.property(a, (x) => {
      expect(rel(back(x), x)).toBeLessThan(1e-11)
    }), { numRuns: 300 })
  })
})
