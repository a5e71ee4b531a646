/**
 * The numerical building blocks: the Mills ratio against 30-digit values (fixtures/mills_reference.py), and the
 * gamma-function pieces against identities and values computed here from their definitions.
 */
import { describe, expect, it } from "vitest"
import { expm1MinusX, logDensityConstant, logMinusDigamma } from "../src/internal/gamma.js"
import { millsRatio, normalCdf } from "../src/internal/normal.js"
import { loadJson } from "./fixtures/load.js"

const mills = loadJson<{ readonly rows: ReadonlyArray<{ readonly z: string; readonly R: string }> }>(
  new URL("./fixtures/mills_reference.json", import.meta.url)
)

describe("Mills ratio", () => {
  it("matches 30-digit values on [0, 1e12] to 1e-15 relative (a few ulps)", () => {
    let worst = 0
    for (const row of mills.rows) {
      const z = Number(row.z)
      const ref = Number(row.R)
      worst = Math.max(worst, Math.abs(millsRatio(z) - ref) / ref)
    }
    expect(mills.rows.length).toBeGreaterThan(900)
    expect(worst).toBeLessThan(1e-15)
  })

  it("gives Φ with relative precision in the lower tail and Φ(0) = ½", () => {
    expect(Math.abs(normalCdf(0) - 0.5)).toBeLessThan(2e-16)
    // Φ(−10) and Φ(−30) from mpmath.ncdf at 30 digits
    expect(Math.abs(normalCdf(-10) / 7.6198530241605260659733432516e-24 - 1)).toBeLessThan(2e-15)
    expect(Math.abs(normalCdf(-30) / 4.90671392714818705953380925658e-198 - 1)).toBeLessThan(1e-14)
    expect(normalCdf(40)).toBe(1)
    expect(normalCdf(-37)).toBeGreaterThan(0)
  })
})

describe("gamma pieces", () => {
  /** ln Γ by the definition's integral is too slow here; use Γ(n) = (n − 1)! and Γ(½) = √π. */
  const C = (a: number, lnGamma: number) => a * Math.log(a) - a - lnGamma

  it("C(a) = a ln a − a − ln Γ(a) at integers, half-integers and across the Stirling switch", () => {
    let factorial = 1
    for (let n = 1; n <= 30; n++) {
      if (n > 1) factorial *= n - 1
      expect(Math.abs(logDensityConstant(n) - C(n, Math.log(factorial)))).toBeLessThan(4e-15 * Math.max(1, n))
    }
    expect(Math.abs(logDensityConstant(0.5) - C(0.5, 0.5 * Math.log(Math.PI)))).toBeLessThan(3e-15)
    // continuity across a = 10, where the Stirling form takes over
    expect(Math.abs(logDensityConstant(10 - 1e-12) - logDensityConstant(10))).toBeLessThan(1e-13)
    // large a: C(a) → ½ ln(a/2π) − 1/(12a)
    const a = 1e8
    expect(Math.abs(logDensityConstant(a) - (0.5 * Math.log(a / (2 * Math.PI)) - 1 / (12 * a)))).toBeLessThan(4e-15)
  })

  it("λ(a) = ln a − ψ(a): ψ(1) = −γ, ψ(½) = −γ − 2 ln 2, recurrence, large a", () => {
    const euler = 0.5772156649015329
    expect(Math.abs(logMinusDigamma(1) - euler)).toBeLessThan(1e-15)
    expect(Math.abs(logMinusDigamma(0.5) - (Math.log(0.5) + euler + 2 * Math.log(2)))).toBeLessThan(2e-15)
    for (const x of [0.001, 0.3, 2.5, 9.5, 12.25, 400]) {
      // ψ(x + 1) = ψ(x) + 1/x  ⇔  λ(x + 1) = λ(x) + ln(1 + 1/x) − 1/x
      const lhs = logMinusDigamma(x + 1)
      const rhs = logMinusDigamma(x) + Math.log1p(1 / x) - 1 / x
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-14 * Math.max(1, 1 / x))
    }
    expect(Math.abs(logMinusDigamma(1e6) - (0.5e-6 + 1 / 12e12))).toBeLessThan(1e-22)
  })

  it("e^y − 1 − y keeps its relative precision near 0", () => {
    expect(expm1MinusX(0)).toBe(0)
    expect(Math.abs(expm1MinusX(1e-8) / 5.000000016666667e-17 - 1)).toBeLessThan(1e-15)
    expect(Math.abs(expm1MinusX(-0.5) - (Math.exp(-0.5) - 0.5)) ).toBeLessThan(1e-16)
    expect(Math.abs(expm1MinusX(0.7499) / (Math.expm1(0.7499) - 0.7499) - 1)).toBeLessThan(1e-15)
    expect(Math.abs(expm1MinusX(3) - (Math.exp(3) - 4))).toBeLessThan(1e-14)
  })
})
