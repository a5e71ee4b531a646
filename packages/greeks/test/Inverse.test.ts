import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ClosedForm, Inverse } from "../src/index.js"

const inverse = (type: "call" | "put", F: number, K: number, T: number, vol: number, S: number) =>
  Inverse.fromForwardGreeks(ClosedForm.black76(type, F, K, T, 0, vol), F, S)

describe("Inverse (coin-settled) Greeks", () => {
  it("reproduces the worked example (S = F = K = 100 000, σ = 50 %, 30 days)", () => {
    const g = inverse("call", 100_000, 100_000, 30 / 365, 0.5, 100_000)
    expect(g.valueUsd).toBeCloseTo(5713.8, 1)
    expect(g.valueCoin).toBeCloseTo(0.05714, 5)
    expect(g.forwardDelta).toBeCloseTo(0.5286, 4)
    expect(g.coinDelta).toBeCloseTo(0.4714, 4) // Net Transaction Delta = Δ − mark price
    expect(g.forwardGamma * 1e5).toBeCloseTo(2.776, 3)
    expect(g.vegaUsd / 100).toBeCloseTo(114.08, 2)
    expect(g.thetaUsd / 365).toBeCloseTo(-95.07, 2)
    expect(g.coinGamma).toBeCloseTo(1.833, 3) // S²·Γ_coin
    expect(100_000 * g.spotGamma).toBeCloseTo(2.776, 3) // S·Γ_usd
  })

  it("coin delta and coin gamma are S·∂V_coin/∂S and S²·∂²V_coin/∂S² (differences at a fixed basis)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("call" as const, "put" as const),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: 7 / 365, max: 1, noNaN: true }),
        fc.double({ min: 0.2, max: 1.5, noNaN: true }),
        fc.double({ min: 0.98, max: 1.05, noNaN: true }),
        (type, m, T, vol, basis) => {
          const S = 80_000, F = S * basis, K = F * Math.exp(m * vol * Math.sqrt(T))
          const coin = (s: number) => ClosedForm.black76(type, s * basis, K, T, 0, vol).price / s
          // five-point stencils, O(h⁴)
          const h = 2 ** Math.round(Math.log2(2e-3 * S * vol * Math.sqrt(T)))
          const [m2, m1, c, p1, p2] = [-2, -1, 0, 1, 2].map((k) => coin(S + k * h)) as [number, number, number, number, number]
          const d1 = (8 * (p1 - m1) - (p2 - m2)) / (12 * h)
          const d2 = (-(p2 + m2) + 16 * (p1 + m1) - 30 * c) / (12 * h * h)
          const g = inverse(type, F, K, T, vol, S)
          expect(Math.abs(g.coinDelta - S * d1)).toBeLessThan(1e-7)
          expect(Math.abs(g.coinGamma - S * S * d2)).toBeLessThan(1e-5 * (Math.abs(g.coinGamma) + S * g.spotGamma))
        }
      ),
      { numRuns: 200, seed: 7 }
    )
  })

  it("a deep in-the-money call has negative coin gamma; USD and coin accounting differ by the premium", () => {
    const g = inverse("call", 100_000, 60_000, 30 / 365, 0.5, 100_000)
    expect(g.coinGamma).toBeLessThan(0)
    const usd = Inverse.positionDelta(g, -10, 1, "usd")
    const coin = Inverse.positionDelta(g, -10, 1, "coin")
    expect(usd - coin).toBeCloseTo(-10 * g.valueCoin, 12)
    expect(Inverse.cashDelta(2.5, "usd")).toBe(2.5)
    expect(Inverse.cashDelta(2.5, "coin")).toBe(0)
  })

  it("converts forward delta to spot delta with F/S", () => {
    const g = inverse("put", 101_000, 95_000, 0.25, 0.6, 100_000)
    expect(g.spotDelta / g.forwardDelta).toBeCloseTo(1.01, 14)
    expect(g.spotGamma / g.forwardGamma).toBeCloseTo(1.01 ** 2, 13)
  })

  it("rejects a non-positive divisor or a NaN Greek, naming the field", () => {
    expect(() => Inverse.fromForwardGreeks({ price: 1, delta: 0.5, gamma: 1e-5, vega: 1, theta: -1 }, 100, 0)).toThrow(/coinPrice/)
    expect(() => Inverse.fromForwardGreeks({ price: NaN, delta: 0.5, gamma: 1e-5, vega: 1, theta: -1 }, 100, 100)).toThrow(/greeks.price/)
  })
})
