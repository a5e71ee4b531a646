// Cases found in review: each failed before its fix. Reference values from mpmath at 40 digits.
import { BatchStatus } from "@hedgekit/sdk"
import { describe, expect, it } from "vitest"
import { Black76, BlackScholes } from "../src/index.js"

const rel = (a: number, b: number) => Math.abs(a / b - 1)

describe("edge cases", () => {
  it("BSM near the money at one minute keeps full precision when r ≠ q (carry not lost in a rounded forward)", () => {
    // S = K = 100, T = 1 minute, r = 5 %, q = 0, σ = 0.1 %: price 5.9915113256652834e-5 (mpmath).
    const T = 1 / 525_600
    expect(rel(BlackScholes.price("call", 100, 100, T, 0.05, 0, 0.001), 5.9915113256652834e-5)).toBeLessThan(1e-14)
    expect(rel(BlackScholes.greeks("call", 100, 100, T, 0.05, 0, 0.001).price, 5.9915113256652834e-5)).toBeLessThan(1e-14)
    expect(rel(BlackScholes.impliedVol("call", 5.9915113256652834e-5, 100, 100, T, 0.05, 0), 0.001)).toBeLessThan(1e-14)
  })

  it("in-the-money Greeks keep their tails at huge σ√T instead of rounding 1 − Φ to 0", () => {
    // BSM put S = 100, K = 90, T = 10, r = 0, q = 3 %, σ = 1000 %: delta = −1.0605870198711535e-56 (mpmath).
    const g = BlackScholes.greeks("put", 100, 90, 10, 0, 0.03, 10)
    expect(rel(g.delta, -1.0605870198711535e-56)).toBeLessThan(1e-12)
    expect(g.dividendRho).toBeGreaterThan(0)
  })

  it("at the money the Greeks' price is the price", () => {
    // Black-76 F = K = 100, T = 1, σ = 20 %: 100·erf(0.1/√2) = 7.9655674554057963 (mpmath).
    expect(rel(Black76.greeks("call", 100, 100, 1, 0, 0.2).price, 7.9655674554057963)).toBeLessThan(3e-16)
    expect(Black76.greeks("call", 100, 100, 1, 0, 0.2).price).toBe(Black76.price("call", 100, 100, 1, 0, 0.2))
  })

  it("a forward that would overflow is a typed error on the dividend, not a NaN", () => {
    expect(() => BlackScholes.price("call", 100, 100, 10, 60, -60, 0.2)).toThrow(/invalid dividend/)
    expect(() => BlackScholes.greeks("call", 100, 100, 10, 60, -60, 0.2)).toThrow(/invalid dividend/)
  })

  it("PriceOutOfBounds names the bound the price is at", () => {
    const p = BlackScholes.price("call", 100, 80, 1 / 365, 0.05, 0.03, 0.001) // all intrinsic
    try {
      BlackScholes.impliedVol("call", p, 100, 80, 1 / 365, 0.05, 0.03)
      expect.unreachable()
    } catch (error) {
      expect((error as Error).message).toContain("at or below the lower bound")
    }
  })

  it("batch rows with an option-type code other than 0 or 1 get INVALID_TYPE", () => {
    const input = {
      length: 3,
      isCall: new Uint8Array([1, 2, 255]),
      forward: new Float64Array([100, 100, 100]),
      strike: new Float64Array([90, 90, 90]),
      expiry: new Float64Array([1, 1, 1]),
      rate: new Float64Array(3),
      vol: new Float64Array([0.2, 0.2, 0.2])
    }
    const out = new Float64Array(3)
    const status = new Uint8Array(3)
    Black76.priceBatch(input, out, status)
    expect([...status]).toEqual([BatchStatus.OK, BatchStatus.INVALID_TYPE, BatchStatus.INVALID_TYPE])
    expect(Number.isNaN(out[1]!)).toBe(true)
  })

  it("a column shorter than the batch is rejected up front, naming it", () => {
    const input = {
      length: 3,
      isCall: new Uint8Array(3).fill(1),
      forward: new Float64Array(3).fill(100),
      strike: new Float64Array(2).fill(100),
      expiry: new Float64Array(3).fill(1),
      rate: new Float64Array(3),
      vol: new Float64Array(3).fill(0.2)
    }
    expect(() => Black76.priceBatch(input, new Float64Array(3), new Uint8Array(3))).toThrow(/invalid strike: got 2/)
    const ok = { ...input, strike: new Float64Array(3).fill(100) }
    expect(() => Black76.priceBatch(ok, new Float64Array(2), new Uint8Array(3))).toThrow(/invalid out: got 2/)
  })

  it("a vol whose σ√T overflows is an invalid vol, row by row, not a thrown NaN", () => {
    expect(() => Black76.greeks("call", 100, 110, 1e20, 0, 1e300)).toThrow(/invalid vol/)
    const input = {
      length: 2,
      isCall: new Uint8Array(2),
      forward: new Float64Array([100, 100]),
      strike: new Float64Array([110, 110]),
      expiry: new Float64Array([1, 1e20]),
      rate: new Float64Array(2),
      vol: new Float64Array([0.5, 1e300])
    }
    const out = {
      price: new Float64Array(2),
      delta: new Float64Array(2),
      gamma: new Float64Array(2),
      vega: new Float64Array(2),
      theta: new Float64Array(2),
      rho: new Float64Array(2)
    }
    const status = new Uint8Array(2)
    Black76.greeksBatch(input, out, status)
    expect([...status]).toEqual([BatchStatus.OK, BatchStatus.INVALID_VOL])
  })
})
