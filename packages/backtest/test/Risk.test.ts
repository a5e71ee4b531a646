import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Risk } from "../src/index.js"

describe("risk statistics", () => {
  it("on 1 … 100 − 50.5: hand-computed VaR and CVaR", () => {
    const pnl = Array.from({ length: 100 }, (_, i) => i + 1 - 50.5) // −49.5 … 49.5
    // the worst 5 outcomes: −49.5 … −45.5
    expect(Risk.valueAtRisk(pnl, 0.95)).toBe(45.5)
    expect(Risk.conditionalValueAtRisk(pnl, 0.95)).toBeCloseTo(47.5, 12)
    expect(Risk.valueAtRisk(pnl, 0.99)).toBe(49.5)
    expect(Risk.conditionalValueAtRisk(pnl, 0.99)).toBeCloseTo(49.5, 12)
    const s = Risk.summarize(pnl)
    expect(s.mean).toBeCloseTo(0, 12)
    expect(s.std).toBeCloseTo(Math.sqrt((100 * 101) / 12), 10) // variance of 1…n with n − 1: n(n+1)/12
  })

  it("a fractional tail: 30 outcomes at 95 % weigh the second-worst by half", () => {
    const pnl = [-10, -6, ...Array.from({ length: 28 }, () => 1)]
    // m = 1.5: (−(−10) − 0.5·(−6))/1.5
    expect(Risk.conditionalValueAtRisk(pnl, 0.95)).toBeCloseTo((10 + 3) / 1.5, 12)
    expect(Risk.valueAtRisk(pnl, 0.95)).toBe(6)
  })

  it("a normal sample: VaR95 1.645σ, CVaR95 2.063σ, entropic λσ²/2", () => {
    // a deterministic normal sample: the quantiles of (i − ½)/n
    const n = 50_000
    const inv = (p: number) => {
      // Acklam-free: bisection on erf through the complementary error function of Math
      let lo = -10, hi = 10
      for (let k = 0; k < 80; k++) {
        const mid = (lo + hi) / 2
        const cdf = 0.5 * (1 + erf(mid / Math.SQRT2))
        if (cdf < p) lo = mid
        else hi = mid
      }
      return (lo + hi) / 2
    }
    const pnl = Float64Array.from({ length: n }, (_, i) => 3 * inv((i + 0.5) / n))
    expect(Risk.valueAtRisk(pnl, 0.95) / 3).toBeCloseTo(1.6448536, 3)
    expect(Risk.conditionalValueAtRisk(pnl, 0.95) / 3).toBeCloseTo(2.0627128, 3)
    expect(Risk.conditionalValueAtRisk(pnl, 0.99) / 3).toBeCloseTo(2.6652142, 2)
    expect(Risk.entropicRisk(pnl, 0.1)).toBeCloseTo((0.1 * 9) / 2, 3)
  })

  it("CVaR ≥ VaR, entropic risk ≥ −mean, and neither overflows on large losses", () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.constantFrom(0.9, 0.95, 0.99), (pnl, alpha) => {
      expect(Risk.conditionalValueAtRisk(pnl, alpha)).toBeGreaterThanOrEqual(Risk.valueAtRisk(pnl, alpha) - 1e-9)
      const mean = pnl.reduce((a, b) => a + b, 0) / pnl.length
      const e = Risk.entropicRisk(pnl, 0.01)
      expect(Number.isFinite(e)).toBe(true)
      expect(e).toBeGreaterThanOrEqual(-mean - 1e-6 * (1 + Math.abs(mean)))
    }))
  })

  it("says what is wrong with its input", () => {
    expect(() => Risk.summarize([])).toThrow(/at least one/)
    expect(() => Risk.valueAtRisk([1, Number.NaN], 0.95)).toThrow(/pnl\[1\]/)
    expect(() => Risk.valueAtRisk([1], 95)).toThrow(/alpha/)
  })
})

/** erf through Abramowitz–Stegun 7.1.26 is too coarse here: use the series/continued fraction of erfc. */
function erf(x: number): number {
  const t = Math.abs(x)
  if (t < 3) {
    // Taylor series, converges fast for |x| < 3
    let sum = t, term = t
    for (let k = 1; k < 200; k++) {
      term *= (-t * t) / k
      sum += term / (2 * k + 1)
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum
  }
  // continued fraction for erfc
  let f = 0
  for (let k = 60; k >= 1; k--) f = (k / 2) / (t + f)
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f)
  return Math.sign(x) * (1 - erfc)
}
