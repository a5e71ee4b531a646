import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import * as Black76 from "../src/Black76.js"
import * as Calibrate from "../src/Calibrate.js"
import * as Fit from "../src/Fit.js"
import * as Sabr from "../src/Sabr.js"
import * as Svi from "../src/Svi.js"

describe("Fit.levenbergMarquardt", () => {
  it("solves Rosenbrock's valley from (−1.2, 1)", () => {
    const r = Fit.levenbergMarquardt({ m: 2, n: 2, residuals: (x, out) => { out[0] = 10 * (x[1]! - x[0]! * x[0]!); out[1] = 1 - x[0]! } }, [-1.2, 1])
    expect(r.converged).toBe(true)
    expect(r.x[0]).toBeCloseTo(1, 10)
    expect(r.x[1]).toBeCloseTo(1, 10)
  })

  it("recovers an exponential decay from exact data, with and without a Jacobian", () => {
    const t = Float64Array.from({ length: 30 }, (_, i) => i / 5)
    const y = t.map((x) => 3 * Math.exp(-0.7 * x) + 0.5)
    const residuals = (p: Float64Array, out: Float64Array) => t.forEach((x, i) => { out[i] = p[0]! * Math.exp(-p[1]! * x) + p[2]! - y[i]! })
    const jacobian = (p: Float64Array, J: Float64Array) => t.forEach((x, i) => { J[3 * i] = Math.exp(-p[1]! * x); J[3 * i + 1] = -p[0]! * x * Math.exp(-p[1]! * x); J[3 * i + 2] = 1 })
    for (const problem of [{ m: 30, n: 3, residuals }, { m: 30, n: 3, residuals, jacobian }]) {
      const r = Fit.levenbergMarquardt(problem, [1, 0.1, 0])
      expect(Math.abs(r.x[0]! - 3)).toBeLessThan(1e-9)
      expect(Math.abs(r.x[1]! - 0.7)).toBeLessThan(1e-9)
      expect(Math.abs(r.x[2]! - 0.5)).toBeLessThan(1e-9)
    }
  })

  it("rejects a start with a non-finite residual or too few residuals, naming it", () => {
    expect(() => Fit.levenbergMarquardt({ m: 1, n: 1, residuals: (x, out) => { out[0] = Math.log(x[0]!) } }, [-1])).toThrow(/x0/)
    expect(() => Fit.levenbergMarquardt({ m: 1, n: 2, residuals: () => {} }, [0, 0])).toThrow(/residuals/)
  })
})

describe("Calibrate on exact smiles recovers the parameters", () => {
  const strikes = Float64Array.from({ length: 25 }, (_, i) => 60_000 * Math.exp(-0.6 + (1.2 * i) / 24))
  it("SVI", () => {
    const truth = { a: 0.01, b: 0.08, rho: -0.35, m: 0.05, sigma: 0.15 }
    const T = 0.25
    const vols = strikes.map((K) => Math.sqrt(Svi.totalVariance(truth, Math.log(K / 60_000)) / T))
    const fit = Calibrate.svi({ forward: 60_000, expiry: T, strikes, vols })
    expect(fit.quality.rmse).toBeLessThan(1e-10)
    for (const key of ["a", "b", "rho", "m", "sigma"] as const) expect(Math.abs(fit.params[key] - truth[key])).toBeLessThan(1e-7)
    expect(fit.butterfly.ok).toBe(true)
  })
  it("SABR at β = 1", () => {
    const truth = { alpha: 0.55, beta: 1, correlation: -0.25, volOfVol: 1.4 }
    const vols = strikes.map((K) => Sabr.lognormalVol(60_000, K, 0.1, truth))
    const fit = Calibrate.sabr({ forward: 60_000, expiry: 0.1, strikes, vols }, 1)
    expect(fit.quality.rmse).toBeLessThan(1e-10)
    expect(Math.abs(fit.params.correlation - truth.correlation)).toBeLessThan(1e-7)
    expect(Math.abs(fit.params.volOfVol - truth.volOfVol)).toBeLessThan(1e-7)
  })
  it("SSVI across four expiries", () => {
    const truth: Svi.Ssvi = { phi: "powerLaw", rho: -0.3, eta: 1.1, gamma: 0.4 }
    const slices = [0.02, 0.1, 0.25, 1].map((T) => {
      const theta = 0.36 * T
      const ks = strikes.map((K) => Math.log(K / 60_000))
      // ATM quote included so that θ is read exactly
      const withAtm = [...strikes, 60_000]
      const vols = [...ks, 0].map((k) => Math.sqrt(Svi.ssviTotalVariance(truth, theta, k) / T))
      return { forward: 60_000, expiry: T, strikes: withAtm, vols }
    })
    const fit = Calibrate.ssvi(slices)
    for (const q of fit.quality) expect(q.rmse).toBeLessThan(1e-9)
    expect(Math.abs(fit.params.rho - -0.3)).toBeLessThan(1e-7)
    expect(fit.checks.butterfly.ok).toBe(true)
    expect(fit.checks.calendar.ok).toBe(true)
  })
})

// The first snapshot of the bundled Deribit chain: out-of-the-money, two-sided quotes per expiry, vega weights.
const slices: Array<Calibrate.Slice> = (() => {
  const text = readFileSync(new URL("../../../data/deribit/deribit_btc_option_chain_weekly.csv", import.meta.url), "utf8").trim().split("\n")
  const cols = text[0]!.split(",")
  const rows = text.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i]!, v])) as Record<string, string>)
  const ts = rows[0]!.timestamp_ms!
  const snapshot = rows.filter((r) => r.timestamp_ms === ts && r.bid_price !== "" && r.ask_price !== "" && Number(r.bid_price) <= Number(r.ask_price) && Number(r.implied_volatility) > 0)
  const byExpiry = new Map<string, Array<Record<string, string>>>()
  for (const r of snapshot) byExpiry.set(r.expiry_ms!, [...(byExpiry.get(r.expiry_ms!) ?? []), r])
  const slices: Array<Calibrate.Slice> = []
  for (const [expiryMs, rs] of byExpiry) {
    // out-of-the-money quotes only, one per strike
    const F = Number(rs[0]!.underlying)
    const otm = rs.filter((r) => (r.option_type === "call") === (Number(r.strike) >= F))
    if (otm.length < 6) continue
    const T = (Number(expiryMs) - Number(ts)) / (365 * 86_400_000)
    const strikes = otm.map((r) => Number(r.strike)), vols = otm.map((r) => Number(r.implied_volatility))
    const weights = otm.map((r, i) => Black76.greeks(r.option_type as "call", F, strikes[i]!, T, 0, vols[i]!).vega / F)
    slices.push({ forward: F, expiry: T, strikes, vols, weights })
  }
  return slices
})()

describe("Calibrate on the bundled Deribit chain (first snapshot, two-sided quotes)", () => {
  it("SVI per expiry fits Deribit's marks to under a vol point (vega-weighted RMSE)", () => {
    expect(slices.length).toBeGreaterThanOrEqual(6)
    for (const s of slices) {
      const fit = Calibrate.svi(s)
      expect(fit.quality.rmse * 100).toBeLessThan(0.5) // measured 0.03–0.2
    }
  })

  it("SABR (β = 1) per expiry and SSVI across expiries fit with their RMSE reported", () => {
    for (const s of slices) expect(Calibrate.sabr(s, 1).quality.rmse * 100).toBeLessThan(1) // measured 0.05–0.35
    const surface = Calibrate.ssvi(slices.filter((s) => s.expiry > 3 / 365))
    for (const q of surface.quality) expect(q.rmse * 100).toBeLessThan(10)
  })
})

describe("Heston and Bates surface calibration", () => {
  it("recovers Heston parameters from its own surface", async () => {
    const Heston = await import("../src/Heston.js")
    const truth = { initialVariance: 0.3, meanReversion: 3, longRunVariance: 0.4, volOfVol: 1.5, correlation: -0.3 }
    const slices = [14 / 365, 60 / 365, 0.5].map((T) => {
      const strikes = Float64Array.from({ length: 15 }, (_, i) => 60_000 * Math.exp((-1 + (2 * i) / 14) * 0.6 * Math.sqrt(T)))
      const vols = Array.from(strikes, (K) => Black76.impliedVol(K >= 60_000 ? "call" : "put", Heston.price(K >= 60_000 ? "call" : "put", 60_000, K, T, 0, truth), 60_000, K, T, 0))
      return { forward: 60_000, expiry: T, strikes, vols }
    })
    const fit = Calibrate.heston(slices)
    for (const q of fit.quality) expect(q.rmse).toBeLessThan(1e-6)
    expect(Math.abs(fit.params.correlation - truth.correlation)).toBeLessThan(1e-3)
    expect(Math.abs(fit.params.volOfVol / truth.volOfVol - 1)).toBeLessThan(1e-3)
  })

  it("fits Heston and Bates to the bundled chain's first snapshot (expiries from 3 days), reporting the RMSE per expiry", () => {
    const surfaceSlices = slices.filter((s) => s.expiry > 3 / 365)
    const h = Calibrate.heston(surfaceSlices)
    const b = Calibrate.bates(surfaceSlices)
    const mean = (f: Calibrate.SurfaceFit<unknown>) => f.quality.reduce((a, q) => a + q.rmse, 0) / f.quality.length
    expect(mean(h) * 100).toBeLessThan(3)
    expect(mean(b) * 100).toBeLessThanOrEqual(mean(h) * 100 + 0.05) // jumps can only help, up to the solver
  })
})
