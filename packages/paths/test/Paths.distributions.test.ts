/**
 * The simulated distributions against theory, each within 4 standard errors (batch means over whole antithetic
 * pairs): the discounted spot is a martingale; the cumulants of the log-return (four of them for the Lévy
 * processes, mean and variance for Heston and Bates) and, for Heston's QE scheme, the mean and variance of the
 * variance, which QE matches exactly at any step size.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Grid, Paths, Process } from "../src/index.js"
import { cumulants, type Estimate, withError, zScore } from "./stats.js"
import { hestonMoments, kouJumps, levyCumulants, mertonJumps, varianceMoments } from "./theory.js"

const K = 4

/** S_T and v_T of every path, by stepping to the end of the grid. */
const terminal = (process: Process.Process, options: Paths.Options) => {
  const s = Paths.stepper(process, options)
  const spot = new Float64Array(options.paths)
  const variance = Process.hasVariance(process) ? new Float64Array(options.paths) : undefined
  while (!s.done) s.step(spot, variance)
  return { spot, variance, T: s.time - s.times[0]! }
}

const first = (xs: ArrayLike<number>, from: number, to: number) => {
  let s = 0
  for (let i = from; i < to; i++) s += xs[i]!
  return [s / (to - from)]
}

/** Mean of e^{−mT}·S_T/S₀ − 1 with its standard error. */
const martingaleGap = (spot: Float64Array, spot0: number, drift: number, T: number): Estimate => {
  const d = Math.exp(-drift * T) / spot0
  return withError(Float64Array.from(spot, (s) => s * d - 1), first, 40)[0]!
}

const logReturns = (spot: Float64Array, spot0: number) => Float64Array.from(spot, (s) => Math.log(s / spot0))

const expectNear = (e: Estimate, target: number, what: string) => {
  expect(zScore(e, target), `${what}: ${e.value} vs ${target} ± ${e.se}`).toBeLessThan(K)
}

// an irregular grid: the kernels take each step's own length
const irregular = Grid.fromTimes([0, 0.01, 0.02, 0.05, 0.06, 0.1, 0.13, 0.2, 0.21, 0.25])

describe("GBM", () => {
  const process = Process.gbm({ spot: 100_000, vol: 0.8, rate: 0.05, dividend: 0.02 })
  const { spot, T } = terminal(process, { paths: 40_000, grid: irregular, seed: 1 })

  it("e^{−(r − q)T}·S_T is a martingale", () => {
    expectNear(martingaleGap(spot, 100_000, 0.03, T), 0, "E[e^{-(r-q)T} S_T]/S0 - 1")
  })

  it("ln(S_T/S₀) ~ N((r − q − σ²/2)T, σ²T): its four cumulants", () => {
    const theory = levyCumulants(0.03, 0.8, T)
    withError(logReturns(spot, 100_000), cumulants).forEach((e, i) => expectNear(e, theory[i]!, `κ${i + 1}`))
  })

  it("with mu: E[S_T] = S₀·e^{μT}, and antithetic pairs still do", () => {
    const real = Process.gbm({ spot: 100_000, vol: 0.8, mu: 0.4 })
    const plain = terminal(real, { paths: 20_000, grid: Grid.uniform({ horizonYears: 0.5, steps: 6 }), seed: 2 })
    expectNear(martingaleGap(plain.spot, 100_000, 0.4, plain.T), 0, "E[S_T e^{-mu T}]/S0 - 1")
    const anti = terminal(real, { paths: 20_000, grid: Grid.uniform({ horizonYears: 0.5, steps: 6 }), seed: 2, antithetic: true })
    expectNear(martingaleGap(anti.spot, 100_000, 0.4, anti.T), 0, "antithetic E[S_T e^{-mu T}]/S0 - 1")
  })
})

describe("Merton jump diffusion", () => {
  const params = { spot: 100_000, vol: 0.3, jumpIntensity: 10, jumpMean: -0.08, jumpVol: 0.15, rate: 0.04 }
  const process = Process.merton(params)
  const grid = Grid.uniform({ horizonYears: 0.5, steps: 10 })

  it("compensated: e^{−rT}·S_T is a martingale (plain and antithetic)", () => {
    for (const antithetic of [false, true]) {
      const { spot, T } = terminal(process, { paths: 40_000, grid, seed: 3, antithetic })
      expectNear(martingaleGap(spot, 100_000, 0.04, T), 0, `antithetic ${antithetic}`)
    }
  })

  it("the four cumulants of ln(S_T/S₀): λT·E[Jⁿ] added to the diffusion's", () => {
    const { spot, T } = terminal(process, { paths: 40_000, grid, seed: 4 })
    const theory = levyCumulants(0.04, 0.3, T, mertonJumps(10, -0.08, 0.15))
    withError(logReturns(spot, 100_000), cumulants).forEach((e, i) => expectNear(e, theory[i]!, `κ${i + 1}`))
  })

  it("many jumps per step (λΔt = 25) still give the right cumulants", () => {
    const busy = Process.merton({ ...params, jumpIntensity: 500, jumpMean: -0.002, jumpVol: 0.02 })
    const { spot, T } = terminal(busy, { paths: 20_000, grid: Grid.uniform({ horizonYears: 0.1, steps: 2 }), seed: 5 })
    const theory = levyCumulants(0.04, 0.3, T, mertonJumps(500, -0.002, 0.02))
    withError(logReturns(spot, 100_000), cumulants).slice(0, 3).forEach((e, i) => expectNear(e, theory[i]!, `κ${i + 1}`))
  })
})

describe("Kou double-exponential jumps", () => {
  const process = Process.kou({ spot: 100_000, vol: 0.3, jumpIntensity: 10, upProbability: 0.4, upRate: 10, downRate: 8, rate: 0.02, dividend: 0.01 })
  const grid = Grid.uniform({ horizonYears: 0.5, steps: 10 })

  it("compensated: e^{−(r − q)T}·S_T is a martingale (plain and antithetic)", () => {
    for (const antithetic of [false, true]) {
      const { spot, T } = terminal(process, { paths: 40_000, grid, seed: 6, antithetic })
      expectNear(martingaleGap(spot, 100_000, 0.01, T), 0, `antithetic ${antithetic}`)
    }
  })

  it("the four cumulants of ln(S_T/S₀), E[Jⁿ] = p·n!/η₁ⁿ + (1 − p)(−1)ⁿn!/η₂ⁿ", () => {
    const { spot, T } = terminal(process, { paths: 40_000, grid, seed: 7 })
    const theory = levyCumulants(0.01, 0.3, T, kouJumps(10, 0.4, 10, 8))
    withError(logReturns(spot, 100_000), cumulants).forEach((e, i) => expectNear(e, theory[i]!, `κ${i + 1}`))
  })

  it("all up (p = 1) or all down (p = 0) jumps", () => {
    for (const p of [0, 1]) {
      const one = Process.kou({ spot: 100, vol: 0.2, jumpIntensity: 20, upProbability: p, upRate: 15, downRate: 12 })
      const { spot, T } = terminal(one, { paths: 20_000, grid, seed: 8 })
      const theory = levyCumulants(0, 0.2, T, kouJumps(20, p, 15, 12))
      withError(logReturns(spot, 100), cumulants).slice(0, 3).forEach((e, i) => expectNear(e, theory[i]!, `p ${p} κ${i + 1}`))
    }
  })
})

/** Crypto-like Heston parameters (Feller violated when 2κθ < σ²). */
const hestonArb = fc.record({
  initialVariance: fc.double({ min: 0.3, max: 1, noNaN: true }),
  longRunVariance: fc.double({ min: 0.3, max: 1, noNaN: true }),
  meanReversion: fc.double({ min: 0.5, max: 5, noNaN: true }),
  volOfVol: fc.double({ min: 1, max: 3, noNaN: true }),
  correlation: fc.double({ min: -0.7, max: 0.3, noNaN: true })
})

describe("Heston, Andersen's QE scheme", () => {
  it("E[v_T] = θ + (v₀ − θ)e^{−κT} and Var[v_T] (CIR) at any step size, Feller or not; e^{−(r−q)T}S_T a martingale (fast-check)", () => {
    fc.assert(
      fc.property(
        hestonArb,
        fc.constantFrom(1, 3, 8),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1e6 }),
        (h, steps, horizon, antithetic, seed) => {
          const process = Process.heston({ spot: 50_000, rate: 0.05, dividend: 0.01, ...h })
          const { spot, variance, T } = terminal(process, { paths: 16_000, grid: Grid.uniform({ horizonYears: horizon, steps }), seed, antithetic })
          const theory = varianceMoments({ ...h, drift: 0.04 }, T)
          const [mean, varV] = withError(variance!, (xs, a, b) => cumulants(xs, a, b).slice(0, 2), 40)
          const where = `${JSON.stringify(h)} T ${T} steps ${steps} feller ${2 * h.meanReversion * h.longRunVariance >= h.volOfVol ** 2}`
          expectNear(mean!, theory.mean, `E[v_T] ${where}`)
          expectNear(varV!, theory.variance, `Var[v_T] ${where}`)
          expectNear(martingaleGap(spot, 50_000, 0.04, T), 0, `martingale ${where}`)
        }
      ),
      { numRuns: 12 }
    )
  })

  const crypto = { initialVariance: 0.5, meanReversion: 2, longRunVariance: 0.45, volOfVol: 2, correlation: -0.5 }

  it("the moment-ODE theory agrees with the CIR closed forms (a check of the test's own theory)", () => {
    const m = hestonMoments({ ...crypto, drift: 0.03 }, 0.7)
    const v = varianceMoments({ ...crypto, drift: 0.03 }, 0.7)
    expect(m.meanV).toBeCloseTo(v.mean, 12)
    expect(m.varV).toBeCloseTo(v.variance, 12)
  })

  it("mean and variance of ln(S_T/S₀) on a daily grid match the moment ODEs (Feller violated: 2κθ = 1.8 < σ² = 4)", () => {
    const process = Process.heston({ spot: 100_000, rate: 0.03, ...crypto })
    const { spot, T } = terminal(process, { paths: 20_000, grid: Grid.minutes({ stepMinutes: 1440, steps: 90 }), seed: 9, antithetic: true })
    const theory = hestonMoments({ ...crypto, drift: 0.03 }, T)
    const [mean, variance] = withError(logReturns(spot, 100_000), (xs, a, b) => cumulants(xs, a, b).slice(0, 2), 40)
    expectNear(mean!, theory.meanX, "E[ln S_T/S0]")
    expectNear(variance!, theory.varX, "Var[ln S_T/S0]")
  })

  it("ρ > 0 with a small vol of vol and coarse steps stays a martingale", () => {
    const h = { initialVariance: 0.04, meanReversion: 1, longRunVariance: 0.04, volOfVol: 0.2, correlation: 0.6 }
    const { spot, T } = terminal(Process.heston({ spot: 100, ...h }), { paths: 20_000, grid: Grid.uniform({ horizonYears: 1, steps: 2 }), seed: 10 })
    expectNear(martingaleGap(spot, 100, 0, T), 0, "martingale")
  })
})

describe("Bates (Heston + Merton jumps)", () => {
  const h = { initialVariance: 0.6, meanReversion: 3, longRunVariance: 0.5, volOfVol: 1.5, correlation: -0.4 }
  const jumps = { jumpIntensity: 12, jumpMean: -0.05, jumpVol: 0.1 }
  const process = Process.bates({ spot: 100_000, rate: 0.05, ...h, ...jumps })

  it("compensated: e^{−rT}·S_T is a martingale on a coarse grid; E[v_T], Var[v_T] are Heston's", () => {
    const { spot, variance, T } = terminal(process, { paths: 30_000, grid: Grid.uniform({ horizonYears: 0.5, steps: 4 }), seed: 11, antithetic: true })
    expectNear(martingaleGap(spot, 100_000, 0.05, T), 0, "martingale")
    const theory = varianceMoments({ ...h, drift: 0.05 }, T)
    const [mean, varV] = withError(variance!, (xs, a, b) => cumulants(xs, a, b).slice(0, 2), 40)
    expectNear(mean!, theory.mean, "E[v_T]")
    expectNear(varV!, theory.variance, "Var[v_T]")
  })

  it("mean and variance of ln(S_T/S₀): Heston's plus λT(μ_J − k̄) and λT(μ_J² + δ_J²)", () => {
    const { spot, T } = terminal(process, { paths: 20_000, grid: Grid.minutes({ stepMinutes: 1440, steps: 60 }), seed: 12 })
    const j = mertonJumps(12, -0.05, 0.1)
    const base = hestonMoments({ ...h, drift: 0.05 }, T)
    const [mean, variance] = withError(logReturns(spot, 100_000), (xs, a, b) => cumulants(xs, a, b).slice(0, 2), 40)
    expectNear(mean!, base.meanX + 12 * T * (j.raw[0] - j.zeta), "E[ln S_T/S0]")
    expectNear(variance!, base.varX + 12 * T * j.raw[1], "Var[ln S_T/S0]")
  })
})
