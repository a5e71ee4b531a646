/**
 * Andersen's QE step checked without Monte Carlo noise: the expectations over the step's two draws are taken
 * by quadrature (over Z_v in the quadratic branch, over U_v in the exponential one; Z integrates in closed form,
 * E[e^{cZ}] = e^{c²/2}), so the moment matching and the martingale correction are tested to 1e-8 or better.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { PSI_C, QeStep } from "../src/internal/hestonQe.js"

interface Case {
  readonly kappa: number
  readonly theta: number
  readonly sigma: number
  readonly rho: number
  readonly v: number
  readonly dt: number
}

/** m, s² and ψ of the exact conditional law of v(t + Δ), recomputed here from the CIR moments. */
const target = (c: Case) => {
  const e = Math.exp(-c.kappa * c.dt)
  const m = c.theta + (c.v - c.theta) * e
  const s2 = (c.v * c.sigma ** 2 * e * (1 - e)) / c.kappa + (c.theta * c.sigma ** 2 * (1 - e) ** 2) / (2 * c.kappa)
  return { m, s2, psi: s2 / (m * m) }
}

/** Simpson weight of node j of 0 … n (n even), step h. */
const simpson = (j: number, n: number, h: number): number => (h / 3) * (j === 0 || j === n ? 1 : j % 2 === 1 ? 4 : 2)

/**
 * E[v′], E[v′²] and E[e^{ΔX}] of one step from v, by Simpson's rule: over Z_v ∈ [−12, 12] with the normal
 * density (quadratic branch), or over U_v ∈ (p, 1) through U_v = 1 − (1 − p)e^{−y}, y ∈ [0, 30], plus the atom
 * at v′ = 0 (exponential branch). There the martingale integrand decays like e^{−(1 − A/β)y}, so its tail beyond
 * y = 30 is added from the decay rate of the last two nodes.
 */
const stepMoments = (c: Case, drift: number) => {
  const qe = new QeStep(c.kappa, c.theta, c.sigma, c.rho)
  qe.setStep(c.dt, drift)
  const { psi } = target(c)
  let e1 = 0, e2 = 0, mart = 0
  /** adds the current outputs with weight w; returns the martingale integrand e^{ΔX} averaged over Z */
  const add = (w: number): number => {
    const v1 = qe.vNext
    const dx0 = qe.dx
    const uv = qe.uv, zv = qe.zv
    qe.slot(uv)
    qe.zv = zv
    qe.move(c.v, false, 1)
    const slope = qe.dx - dx0 // √(K₃v + K₄v′)
    const g = Math.exp(dx0 + 0.5 * slope * slope)
    e1 += w * v1
    e2 += w * v1 * v1
    mart += w * g
    return g
  }
  if (psi <= PSI_C) {
    const n = 24_000, h = 24 / n
    for (let j = 0; j <= n; j++) {
      const z = -12 + j * h
      qe.slot(0.5)
      qe.zv = z
      qe.move(c.v, false, 0)
      add(simpson(j, n, h) * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI))
    }
  } else {
    const p = (psi - 1) / (psi + 1)
    qe.slot(p / 2)
    qe.move(c.v, false, 0)
    add(p)
    const n = 60_000, top = 30, h = top / n
    let last = 0, before = 0
    for (let j = 0; j <= n; j++) {
      const y = j * h
      qe.slot(1 - (1 - p) * Math.exp(-y))
      qe.move(c.v, false, 0)
      before = last
      last = add(simpson(j, n, h) * (1 - p) * Math.exp(-y)) * (1 - p) * Math.exp(-y)
    }
    const rate = Math.log(before / last) / h
    mart += last / rate
  }
  return { mean: e1, variance: e2 - e1 * e1, martingale: mart, uncorrected: qe.uncorrected }
}

const crypto = fc.record({
  kappa: fc.double({ min: 0.5, max: 5, noNaN: true }),
  theta: fc.double({ min: 0.3, max: 1, noNaN: true }),
  sigma: fc.double({ min: 1, max: 3, noNaN: true }),
  rho: fc.double({ min: -0.7, max: 0.3, noNaN: true }),
  v: fc.oneof(fc.double({ min: 0.3, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.01, noNaN: true })),
  dt: fc.constantFrom(1 / 525_600, 1 / 8760, 1 / 365, 1 / 52, 0.25)
})

describe("QE step (Andersen 2008)", () => {
  it("matches the exact conditional mean and variance of v(t + Δ) in both branches (fast-check, crypto parameters)", () => {
    fc.assert(
      fc.property(crypto, (c) => {
        const { m, s2 } = target(c)
        const r = stepMoments(c, 0)
        expect(Math.abs(r.mean / m - 1), `E[v'] ${JSON.stringify(c)}`).toBeLessThan(1e-8)
        expect(Math.abs(r.variance / s2 - 1), `Var[v'] ${JSON.stringify(c)}`).toBeLessThan(1e-6)
      }),
      { numRuns: 40 }
    )
  })

  it("is martingale-corrected: E[e^{ΔX} | v] = e^{mΔ} in the discrete scheme (fast-check)", () => {
    fc.assert(
      fc.property(crypto, fc.double({ min: -0.2, max: 0.5, noNaN: true }), (c, drift) => {
        const r = stepMoments(c, drift)
        expect(r.uncorrected).toBe(0)
        expect(Math.abs(r.martingale / Math.exp(drift * c.dt) - 1), JSON.stringify(c)).toBeLessThan(1e-9)
      }),
      { numRuns: 40 }
    )
  })

  it("both branches occur: ψ ≤ 1.5 from a high variance, ψ > 1.5 near zero", () => {
    const base = { kappa: 2, theta: 0.5, sigma: 2, rho: -0.5, dt: 1 / 52 }
    expect(target({ ...base, v: 0.8 }).psi).toBeLessThan(PSI_C)
    expect(target({ ...base, v: 0.001 }).psi).toBeGreaterThan(PSI_C)
  })

  it("falls back to the uncorrected K₀ when E[e^{Av′}] is infinite (ρ > 0, small σ, a long step), and counts it", () => {
    const c = { kappa: 1, theta: 0.04, sigma: 0.5, rho: 0.9, v: 0.04, dt: 50 }
    const qe = new QeStep(c.kappa, c.theta, c.sigma, c.rho)
    qe.setStep(c.dt, 0)
    qe.slot(0.7)
    qe.move(c.v, false, 0.3)
    expect(qe.uncorrected).toBe(1)
    expect(Number.isFinite(qe.dx)).toBe(true)
  })
})
