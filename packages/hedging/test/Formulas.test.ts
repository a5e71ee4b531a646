import { Black76 } from "@hedgekit/models"
import { InvalidInput } from "@hedgekit/sdk"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Formulas } from "../src/index.js"

describe("Leland (1985)", () => {
  it("σ 50 %, round-trip 0.1 %, hourly: Le 0.149, σ_L 53.6 % (DOMAIN §5.3)", () => {
    const hour = 1 / 8760
    expect(Formulas.lelandNumber(0.001, 0.5, hour)).toBeCloseTo(0.1494, 4)
    expect(Formulas.lelandVol(0.5, 0.001, hour, "short")).toBeCloseTo(0.536, 3)
    expect(Formulas.lelandVol(0.5, 0.001, hour, "long")).toBeCloseTo(0.5 * Math.sqrt(1 - 0.14937), 4)
  })
  it("refuses a long position whose Leland number reaches 1", () => {
    expect(() => Formulas.lelandVol(0.1, 0.01, 1 / 8760, "long")).toThrow(InvalidInput)
  })
})

describe("Whalley & Wilmott (1997)", () => {
  it("10 × 7-day ATM BTC calls (Γ 5.76e-4/USD), S 100 000, κ 5 bp: H 0.63 BTC at γ 1e-4, 0.29 at 1e-3 (DOMAIN §5.5)", () => {
    expect(Formulas.whalleyWilmottBand(0.0005, 100_000, 5.76e-4, 1e-4)).toBeCloseTo(0.629, 3)
    expect(Formulas.whalleyWilmottBand(0.0005, 100_000, 5.76e-4, 1e-3)).toBeCloseTo(0.292, 3)
  })
  it("the position gamma of the example is that of 10 seven-day at-the-money calls at 50 % vol", () => {
    const g = 10 * Black76.greeks("call", 100_000, 100_000, 7 / 365, 0, 0.5).gamma
    expect(Math.abs(g / 5.76e-4 - 1)).toBeLessThan(1e-3)
  })
  it("widens as costs rise, narrows as risk aversion rises, vanishes without cost (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 0.01, noNaN: true }),
        fc.double({ min: 1e-7, max: 1e-2, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e-2, noNaN: true }),
        (cost, gamma, gammaAversion) => {
          const h = Formulas.whalleyWilmottBand(cost, 60_000, gamma, gammaAversion)
          expect(Formulas.whalleyWilmottBand(cost * 2, 60_000, gamma, gammaAversion)).toBeGreaterThan(h)
          expect(Formulas.whalleyWilmottBand(cost, 60_000, gamma, gammaAversion * 2)).toBeLessThan(h)
          expect(Formulas.whalleyWilmottBand(0, 60_000, gamma, gammaAversion)).toBe(0)
        }
      )
    )
  })
})

describe("Zakamouline (2006)", () => {
  it("collapses to continuous delta hedging without cost: no band, σ_m = σ", () => {
    const z = Formulas.zakamoulineBand(0, 100_000, 0.5, 0.1, 5.76e-4, 1e-4)
    expect(z.halfWidth).toBe(0)
    expect(z.modifiedVol).toBe(0.5)
  })
  it("evaluates its published terms (κ 5 bp, S 100 000, σ 50 %, τ 0.1, Γ 5.76e-4, γ 1e-4)", () => {
    const kappa = 0.0005, S = 100_000, sigma = 0.5, tau = 0.1, G = 5.76e-4, g = 1e-4
    const z = Formulas.zakamoulineBand(kappa, S, sigma, tau, G, g)
    expect(z.h0).toBeCloseTo(kappa / (g * S * sigma * sigma * tau), 15)
    expect(z.h1).toBeCloseTo(1.12 * kappa ** 0.31 * tau ** 0.05 * (1 / sigma) ** 0.25 * Math.sqrt(G / g), 14)
    expect(z.k).toBeLessThan(0)
    expect(z.modifiedVol).toBeLessThan(sigma) // long gamma: σ²(1 + K) with K < 0
    expect(Formulas.zakamoulineBand(kappa, S, sigma, tau, -G, g).modifiedVol).toBeGreaterThan(sigma)
  })
  it("the band widens with cost and narrows with risk aversion (fast-check)", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-5, max: 0.002, noNaN: true }), fc.double({ min: 1e-5, max: 1e-3, noNaN: true }), (cost, aversion) => {
        const z = Formulas.zakamoulineBand(cost, 60_000, 0.6, 0.05, 2e-4, aversion)
        expect(Formulas.zakamoulineBand(cost * 1.5, 60_000, 0.6, 0.05, 2e-4, aversion).halfWidth).toBeGreaterThan(z.halfWidth)
        expect(Formulas.zakamoulineBand(cost, 60_000, 0.6, 0.05, 2e-4, aversion * 1.5).halfWidth).toBeLessThan(z.halfWidth)
      })
    )
  })
})

describe("Trading to the band", () => {
  it("never trades inside the band and goes to the nearest edge outside (fast-check)", () => {
    fc.assert(
      fc.property(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }), (hedge, target, h) => {
        const to = Formulas.toBandEdge(hedge, target, h)
        if (Math.abs(hedge - target) <= h) expect(to).toBe(hedge)
        else expect(Math.abs(Math.abs(to - target) - h)).toBeLessThan(1e-12)
        expect(Math.sign(to - target) * Math.sign(hedge - target)).toBeGreaterThanOrEqual(0)
      })
    )
  })
})

describe("Kamal & Derman (1999)", () => {
  it("S = K = 100, σ 80 %, 30 days: 1.611 / 0.806 / 0.403 for 25 / 100 / 400 rebalances (DOMAIN §5.2)", () => {
    const vega = Black76.greeks("call", 100, 100, 30 / 365, 0, 0.8).vega
    expect(Formulas.hedgingErrorStd(vega, 0.8, 25)).toBeCloseTo(1.611, 3)
    expect(Formulas.hedgingErrorStd(vega, 0.8, 100)).toBeCloseTo(0.806, 3)
    expect(Formulas.hedgingErrorStd(vega, 0.8, 400)).toBeCloseTo(0.403, 3)
    expect(() => Formulas.hedgingErrorStd(vega, 0.8, 2.5)).toThrow(/rebalances/)
  })
})

describe("delta-gamma(-vega) hedge ratios (DOMAIN §5.7)", () => {
  it("the hedged book has zero delta and gamma (and vega) (fast-check)", () => {
    const signed = (lo: number, hi: number) => fc.tuple(fc.double({ min: lo, max: hi, noNaN: true }), fc.constantFrom(1, -1)).map(([x, s]) => s * x)
    const greek = fc.record({ delta: signed(0, 50), gamma: signed(1e-3, 1), vega: signed(1e-2, 100) })
    fc.assert(
      fc.property(greek, greek, greek, (book, a, b) => {
        fc.pre(Math.abs(a.gamma * b.vega - b.gamma * a.vega) > 1e-6 * (Math.abs(a.gamma * b.vega) + Math.abs(b.gamma * a.vega)))
        const dg = Formulas.deltaGammaHedge(book, a)
        expect(Math.abs(book.gamma + dg.option * a.gamma)).toBeLessThan(1e-9)
        expect(Math.abs(book.delta + dg.option * a.delta + dg.underlying)).toBeLessThan(1e-9)
        const dgv = Formulas.deltaGammaVegaHedge(book, a, b)
        // residuals relative to the sizes of the terms that cancel
        const sum = (...xs: Array<number>) => [Math.abs(xs.reduce((p, x) => p + x, 0)), xs.reduce((p, x) => p + Math.abs(x), 0)] as const
        for (const [residual, size] of [
          sum(book.gamma, dgv.first * a.gamma, dgv.second * b.gamma),
          sum(book.vega, dgv.first * a.vega, dgv.second * b.vega),
          sum(book.delta, dgv.first * a.delta, dgv.second * b.delta, dgv.underlying)
        ]) expect(residual).toBeLessThanOrEqual(1e-12 * size + 1e-300)
      })
    )
  })
  it("refuses a hedge option without gamma, or two options with proportional gamma and vega", () => {
    expect(() => Formulas.deltaGammaHedge({ delta: 1, gamma: 1 }, { delta: 1, gamma: 0 })).toThrow(/option.gamma/)
    expect(() => Formulas.deltaGammaVegaHedge({ delta: 1, gamma: 1, vega: 1 }, { delta: 0.5, gamma: 1, vega: 2 }, { delta: 0.5, gamma: 2, vega: 4 })).toThrow(/second/)
  })
})
