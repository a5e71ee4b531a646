import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Black76 from "../src/Black76.js"
import * as Svi from "../src/Svi.js"

const rawArb = fc
  .record({
    a: fc.double({ min: -0.05, max: 0.3, noNaN: true }),
    b: fc.double({ min: 0.01, max: 0.8, noNaN: true }),
    rho: fc.double({ min: -0.9, max: 0.9, noNaN: true }),
    m: fc.double({ min: -0.3, max: 0.3, noNaN: true }),
    sigma: fc.double({ min: 0.02, max: 0.8, noNaN: true })
  })
  .filter((p) => p.a + p.b * p.sigma * Math.sqrt(1 - p.rho * p.rho) > 1e-3)
  // near m = 0 = ρ the jump-wings inverse is ill-conditioned (at the point, σ is free; tested on its own)
  .filter((p) => Math.abs(p.m) > 1e-3 || Math.abs(p.rho) > 1e-3)
const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b))

describe("SVI", () => {
  it("raw ↔ natural ↔ jump-wings round trips", () => {
    fc.assert(
      fc.property(rawArb, fc.double({ min: 0.02, max: 3, noNaN: true }), (p, t) => {
        const n = Svi.naturalFromRaw(p)
        const back = Svi.rawFromNatural(n)
        for (const key of ["a", "b", "rho", "m", "sigma"] as const) expect(close(back[key], p[key], 1e-12)).toBe(true)
        const j = Svi.jumpWingsFromRaw(p, t)
        const again = Svi.rawFromJumpWings(j, t)
        for (const key of ["a", "b", "rho", "m", "sigma"] as const) expect(close(again[key], p[key], 1e-8)).toBe(true)
        // the natural form gives the same total variance
        for (const k of [-1, -0.2, 0, 0.3, 1.5]) {
          const y = n.zeta * (k - n.mu) + n.rho
          const w = n.delta + (n.omega / 2) * (1 + n.zeta * n.rho * (k - n.mu) + Math.sqrt(y * y + 1 - n.rho * n.rho))
          expect(close(w, Svi.totalVariance(p, k), 1e-13)).toBe(true)
        }
      }),
      { numRuns: 300, seed: 21 }
    )
  })

  it("jump-wings cannot invert a slice with m = 0 and ρ = 0 (σ is free), and says so", () => {
    const j = Svi.jumpWingsFromRaw({ a: 0.02, b: 0.1, rho: 0, m: 0, sigma: 0.1 }, 1)
    expect(() => Svi.rawFromJumpWings(j, 1)).toThrow(/psi/)
  })

  it("jump-wings reproduce their definitions: v, ψ, p, c and ṽ from the slice itself", () => {
    const p = { a: 0.04, b: 0.4, rho: -0.4, m: 0.1, sigma: 0.2 }, t = 0.5
    const j = Svi.jumpWingsFromRaw(p, t)
    const w0 = Svi.totalVariance(p, 0)
    expect(j.v).toBeCloseTo(w0 / t, 15)
    const h = 1e-6
    const skew = (Math.sqrt(Svi.totalVariance(p, h)) - Math.sqrt(Svi.totalVariance(p, -h))) / (2 * h) // ∂√w/∂k at 0
    expect(j.psi).toBeCloseTo(skew, 8)
    const far = 1e6
    expect(j.c).toBeCloseTo((Svi.totalVariance(p, far) - Svi.totalVariance(p, far - 1)) / Math.sqrt(w0), 6)
    expect(j.p).toBeCloseTo((Svi.totalVariance(p, -far) - Svi.totalVariance(p, -far + 1)) / Math.sqrt(w0), 6)
  })

  it("g(k) is the density: ∂²C/∂K² = φ(d₋)·g(k)/(K√w) for Black-76 prices at the slice's vols", () => {
    fc.assert(
      fc.property(rawArb, fc.double({ min: -1, max: 1, noNaN: true }), (p, k) => {
        const F = 100, T = 0.75, K = F * Math.exp(k)
        const call = (strike: number) => Black76.price("call", F, strike, T, 0, Svi.impliedVol(p, F, strike, T))
        const h = 1e-3 * K
        const d2 = (-call(K + 2 * h) + 16 * call(K + h) - 30 * call(K) + 16 * call(K - h) - call(K - 2 * h)) / (12 * h * h)
        const w = Svi.totalVariance(p, k)
        const dm = -k / Math.sqrt(w) - Math.sqrt(w) / 2
        const density = (Math.exp(-0.5 * dm * dm) / Math.sqrt(2 * Math.PI)) * Svi.g(p, k) / (K * Math.sqrt(w))
        expect(Math.abs(d2 - density)).toBeLessThan(1e-5 * (Math.abs(density) + 1e-4))
      }),
      { numRuns: 200, seed: 22 }
    )
  })

  it("finds the butterfly arbitrage of Axel Vogt's slice (Gatheral & Jacquier 2014, Example 3.1) and none in a sound slice", () => {
    const vogt = { a: -0.041, b: 0.1331, rho: 0.306, m: 0.3586, sigma: 0.4153 }
    const check = Svi.butterfly(vogt, 1.5)
    expect(check.ok).toBe(false)
    expect(check.worst).toBeLessThan(0)
    expect(Svi.g(vogt, check.at)).toBe(check.worst)
    expect(Svi.butterfly({ a: 0.04, b: 0.4, rho: -0.4, m: 0.1, sigma: 0.2 }).ok).toBe(true)
  })

  it("calendar: a later slice below an earlier one somewhere is flagged", () => {
    const early = { a: 0.02, b: 0.2, rho: -0.3, m: 0, sigma: 0.2 }
    expect(Svi.calendar(early, { ...early, a: 0.03 }).ok).toBe(true)
    const crossing = Svi.calendar(early, { ...early, a: 0.03, b: 0.1 })
    expect(crossing.ok).toBe(false)
    expect(Math.abs(crossing.at)).toBeGreaterThan(0.5)
  })

  it("rejects a slice outside its domain, naming the parameter", () => {
    expect(() => Svi.checkRaw({ a: 0, b: -1, rho: 0, m: 0, sigma: 0.1 })).toThrow(/\bb\b/)
    expect(() => Svi.checkRaw({ a: 0, b: 1, rho: 1, m: 0, sigma: 0.1 })).toThrow(/rho/)
    expect(() => Svi.checkRaw({ a: -1, b: 1, rho: 0, m: 0, sigma: 0.1 })).toThrow(/minimum total variance/)
    expect(() => Svi.impliedVol({ a: 0.04, b: 0.1, rho: 0, m: 0, sigma: 0.1 }, 100, 100, 0)).toThrow(/expiry/)
  })
})

describe("SSVI", () => {
  const ssviArb = fc.record({
    rho: fc.double({ min: -0.9, max: 0.9, noNaN: true }),
    gamma: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
    scale: fc.double({ min: 0.1, max: 1, noNaN: true })
  })

  it("power-law φ with η(1 + |ρ|) ≤ 2 and γ ≤ ½ passes both checks, and its slices are free of butterfly and calendar arbitrage", () => {
    fc.assert(
      fc.property(ssviArb, ({ gamma, rho, scale }) => {
        const s: Svi.Ssvi = { phi: "powerLaw", rho, gamma, eta: (scale * 2) / (1 + Math.abs(rho)) }
        const thetas = [0.005, 0.02, 0.05, 0.1, 0.3, 0.8]
        const checks = Svi.ssviChecks(s, thetas)
        expect(checks.butterfly.ok).toBe(true)
        expect(checks.calendar.ok).toBe(true)
        for (const t of thetas) {
          const slice = Svi.ssviSlice(s, t)
          expect(Svi.butterfly(slice, 3, 601).worst).toBeGreaterThanOrEqual(-1e-12)
          for (const k of [-2, -0.5, 0, 0.5, 2]) expect(Svi.totalVariance(slice, k)).toBeCloseTo(Svi.ssviTotalVariance(s, t, k), 12)
        }
        for (let i = 1; i < thetas.length; i++) {
          expect(Svi.calendar(Svi.ssviSlice(s, thetas[i - 1]!), Svi.ssviSlice(s, thetas[i]!)).worst).toBeGreaterThanOrEqual(-1e-12)
        }
      }),
      { numRuns: 100, seed: 23 }
    )
  })

  it("the Heston-like φ: ATM total variance is θ, and λ ≥ (1 + |ρ|)/4 passes the butterfly condition (GJ Corollary 4.1)", () => {
    const s: Svi.Ssvi = { phi: "heston", rho: -0.5, lambda: 0.5 }
    expect(Svi.ssviTotalVariance(s, 0.09, 0)).toBeCloseTo(0.09, 15)
    expect(Svi.phi(s, 1e-9)).toBeCloseTo(0.25, 8) // λ/2 as θ → 0
    expect(Svi.ssviChecks(s, [0.01, 0.04, 0.1, 0.5, 2]).butterfly.ok).toBe(true)
    const steep: Svi.Ssvi = { phi: "powerLaw", rho: -0.7, eta: 5, gamma: 0.3 }
    expect(Svi.ssviChecks(steep, [0.01, 0.5, 2]).butterfly.ok).toBe(false)
    expect(Svi.ssviChecks(s, [0.04, 0.03]).calendar.ok).toBe(false) // θ must not decrease
  })
})
