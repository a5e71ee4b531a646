/**
 * Bates: accuracy against 30-digit references (fixtures/mpmath/heston_reference.py), λ = 0 ≡ Heston, σ → 0 ≡
 * the Merton (1976) jump-diffusion series computed here, put-call parity and model-free properties, batch entry
 * points and typed errors.
 */
import { BatchStatus } from "@hedgekit/sdk"
import fc from "fast-check"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import * as Bates from "../src/Bates.js"
import * as Black76 from "../src/Black76.js"
import * as Heston from "../src/Heston.js"
import { columns, fmt, loadJson, type Table } from "./fixtures/fixtures.js"

type OptionType = "call" | "put"
const RUNS = { numRuns: Number(process.env["HEDGEKIT_PROPERTY_RUNS"] ?? 100) } as const
const BAR = 1e-10
const SLACK = 5e-11

const table = loadJson<Table>(new URL("./fixtures/mpmath/heston_bates.json", import.meta.url))
const col = columns(table)

const paramsOf = (row: ReadonlyArray<string | number | null>): Bates.Params => ({
  initialVariance: col.num(row, "initialVariance"),
  meanReversion: col.num(row, "meanReversion"),
  longRunVariance: col.num(row, "longRunVariance"),
  volOfVol: col.num(row, "volOfVol"),
  correlation: col.num(row, "correlation"),
  jumpIntensity: col.num(row, "jumpIntensity"),
  jumpMean: col.num(row, "jumpMean"),
  jumpVol: col.num(row, "jumpVol")
})

describe("Bates accuracy (mpmath references)", () => {
  it(`prices every fixture row to ${BAR} × F (${table.rows.length} rows)`, () => {
    let worst = 0
    let worstDelta = 0
    let worstGamma = 0
    const failures: Array<string> = []
    for (const row of table.rows) {
      const type = col.str(row, "type") as OptionType
      const F = col.num(row, "forward"), K = col.num(row, "strike"), T = col.num(row, "expiry"), r = col.num(row, "rate")
      const p = paramsOf(row)
      const ref = col.num(row, "price")
      const err = Math.abs(Bates.price(type, F, K, T, r, p) - ref) / F
      worst = Math.max(worst, err)
      if (!(err <= BAR)) failures.push(`${type} F=${fmt(F)} K=${fmt(K)} T=${fmt(T)} ${JSON.stringify(p)}: err/F=${err.toExponential(2)}`)
      const g = Bates.greeks(type, F, K, T, r, p)
      worstDelta = Math.max(worstDelta, Math.abs(g.delta - col.num(row, "delta")))
      worstGamma = Math.max(worstGamma, Math.abs(g.gamma - col.num(row, "gamma")) * F)
    }
    console.log(
      `Bates vs mpmath: max |price − ref|/F = ${worst.toExponential(2)}, max |Δ − ref| = ${worstDelta.toExponential(2)}, ` +
        `max |Γ − ref|·F = ${worstGamma.toExponential(2)} (${table.rows.length} rows)`
    )
    expect(failures).toEqual([])
    expect(worstDelta).toBeLessThan(1e-8)
    expect(worstGamma).toBeLessThan(1e-7)
  })
})

const logUniform = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map((x) => Math.min(hi, Math.max(lo, Math.exp(x))))

const params: fc.Arbitrary<Bates.Params> = fc.record({
  initialVariance: logUniform(0.02, 1.2),
  meanReversion: logUniform(0.2, 6),
  longRunVariance: logUniform(0.02, 1.2),
  volOfVol: logUniform(0.1, 3),
  correlation: fc.double({ min: -0.8, max: 0.4, noNaN: true }),
  jumpIntensity: logUniform(0.01, 10),
  jumpMean: fc.double({ min: -0.3, max: 0.15, noNaN: true }),
  jumpVol: fc.double({ min: 0, max: 0.4, noNaN: true })
})

interface Case {
  readonly p: Bates.Params
  readonly F: number
  readonly T: number
  readonly r: number
  readonly z: number
}

const cases: fc.Arbitrary<Case> = fc.record({
  p: params,
  F: logUniform(50, 1e5),
  T: logUniform(1 / 365, 5),
  r: fc.double({ min: -0.02, max: 0.08, noNaN: true }),
  z: fc.double({ min: -4, max: 4, noNaN: true })
})

const strikeOf = ({ F, T, p, z }: Case): number => F * Math.exp(z * Math.sqrt(Math.max(p.initialVariance, p.longRunVariance) * T))

describe("Bates properties", () => {
  it("put-call parity, bounds, monotone and convex in strike", () => {
    fc.assert(
      fc.property(cases, fc.double({ min: 0.002, max: 0.2, noNaN: true }), (c, step) => {
        const K = strikeOf(c)
        const df = Math.exp(-c.r * c.T)
        const C = Bates.price("call", c.F, K, c.T, c.r, c.p)
        const P = Bates.price("put", c.F, K, c.T, c.r, c.p)
        const tol = 1e-15 * Math.max(c.F, K)
        expect(Math.abs(C - P - df * (c.F - K))).toBeLessThanOrEqual(1e-14 * Math.max(c.F, K))
        expect(C).toBeGreaterThanOrEqual(df * Math.max(c.F - K, 0) - tol)
        expect(C).toBeLessThanOrEqual(df * c.F + tol)
        const sd = Math.sqrt(Math.max(c.p.initialVariance, c.p.longRunVariance) * c.T)
        const dk = K * step * sd
        const lo = Bates.price("call", c.F, K - dk, c.T, c.r, c.p)
        const hi = Bates.price("call", c.F, K + dk, c.T, c.r, c.p)
        expect(lo).toBeGreaterThanOrEqual(C - SLACK * c.F)
        expect(C).toBeGreaterThanOrEqual(hi - SLACK * c.F)
        expect(lo - 2 * C + hi).toBeGreaterThanOrEqual(-SLACK * c.F)
      }),
      RUNS
    )
  })

  it("priceStrikes and priceBatch equal the scalar prices", () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: 1, max: 40 }), (c, n) => {
        const sd = Math.sqrt(Math.max(c.p.initialVariance, c.p.longRunVariance) * c.T)
        const strikes = Float64Array.from({ length: n }, (_, i) => c.F * Math.exp((n === 1 ? c.z : -4 + (8 * i) / (n - 1)) * sd))
        const isCall = Uint8Array.from({ length: n }, (_, i) => (i + 1) % 2)
        const out = new Float64Array(n)
        const status = new Uint8Array(n)
        Bates.priceStrikes(isCall, c.F, strikes, c.T, c.r, c.p, out, status)
        const batchOut = new Float64Array(n)
        const batchStatus = new Uint8Array(n)
        const f = (v: number) => new Float64Array(n).fill(v)
        Bates.model.priceBatch!(
          { length: n, isCall, forward: f(c.F), strike: strikes, expiry: f(c.T), rate: f(c.r) },
          { ...c.p, jumpIntensity: f(c.p.jumpIntensity) },
          batchOut,
          batchStatus
        )
        for (let i = 0; i < n; i++) {
          const scalar = Bates.price(isCall[i] === 1 ? "call" : "put", c.F, strikes[i]!, c.T, c.r, c.p)
          expect(status[i]).toBe(BatchStatus.OK)
          expect(batchStatus[i]).toBe(BatchStatus.OK)
          expect(Math.abs(out[i]! - scalar)).toBeLessThanOrEqual(2e-11 * c.F)
          expect(Math.abs(batchOut[i]! - scalar)).toBeLessThanOrEqual(2e-11 * c.F)
        }
      }),
      { numRuns: 40 }
    )
  })
})

/**
 * Merton (1976) on a forward with deterministic variance W: given n jumps, ln F_T is normal with mean
 * ln F − λk̄T + nμ − (W + nδ²)/2 and variance W + nδ², i.e. a Black-76 price on F_n = F·e^{−λk̄T + nμ + nδ²/2}.
 */
const mertonSeries = (type: OptionType, F: number, K: number, T: number, r: number, W: number, lam: number, mu: number, dl: number): number => {
  const kbar = Math.expm1(mu + 0.5 * dl * dl)
  let weight = Math.exp(-lam * T)
  let sum = 0
  for (let n = 0; n < 400; n++) {
    if (n > 0) weight *= (lam * T) / n
    const Fn = F * Math.exp(-lam * kbar * T + n * mu + 0.5 * n * dl * dl)
    const term = weight * Black76.price(type, Fn, K, T, 0, Math.sqrt((W + n * dl * dl) / T))
    sum += term
    if (n > lam * T && weight < 1e-20) break
  }
  return Math.exp(-r * T) * sum
}

describe("Bates limits", () => {
  it("λ = 0 is Heston", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const K = strikeOf(c)
        const h: Heston.Params = {
          initialVariance: c.p.initialVariance,
          meanReversion: c.p.meanReversion,
          longRunVariance: c.p.longRunVariance,
          volOfVol: c.p.volOfVol,
          correlation: c.p.correlation
        }
        const b = Bates.price("call", c.F, K, c.T, c.r, { ...c.p, jumpIntensity: 0 })
        expect(Math.abs(b - Heston.price("call", c.F, K, c.T, c.r, h))).toBeLessThanOrEqual(1e-15 * c.F)
      }),
      { numRuns: 50 }
    )
  })

  it("σ → 0 is the Merton jump-diffusion series (deterministic variance)", () => {
    for (const [lam, mu, dl] of [[1, -0.1, 0.15], [5, 0.05, 0.3], [0.3, -0.25, 0.05], [2, -0.08, 0]] as const) {
      for (const T of [1 / 365, 0.1, 1, 5]) {
        const p: Bates.Params = {
          initialVariance: 0.6,
          meanReversion: 2,
          longRunVariance: 0.35,
          volOfVol: 1e-12,
          correlation: -0.5,
          jumpIntensity: lam,
          jumpMean: mu,
          jumpVol: dl
        }
        const W = p.longRunVariance * T + (p.initialVariance - p.longRunVariance) * (-Math.expm1(-p.meanReversion * T) / p.meanReversion)
        const sd = Math.sqrt((W + lam * T * (mu * mu + dl * dl)))
        for (const z of [-4, -1.5, 0, 1, 4]) {
          const F = 25_000
          const K = F * Math.exp(z * sd)
          for (const type of ["call", "put"] as const) {
            const err = Math.abs(Bates.price(type, F, K, T, 0.01, p) - mertonSeries(type, F, K, T, 0.01, W, lam, mu, dl))
            expect(err, `${type} λ=${lam} μ=${mu} δ=${dl} T=${T} z=${z}`).toBeLessThanOrEqual(BAR * F)
          }
        }
      }
    }
  })
})

describe("Bates inputs and errors", () => {
  const good: Bates.Params = {
    initialVariance: 0.5,
    meanReversion: 1,
    longRunVariance: 0.5,
    volOfVol: 1.5,
    correlation: -0.3,
    jumpIntensity: 1,
    jumpMean: -0.05,
    jumpVol: 0.1
  }
  it("throws InvalidInput naming the parameter", () => {
    const bad: ReadonlyArray<readonly [keyof Bates.Params, number]> = [
      ["jumpIntensity", -1],
      ["jumpIntensity", NaN],
      ["jumpMean", Infinity],
      ["jumpVol", -0.1],
      ["correlation", 1],
      ["meanReversion", 0]
    ]
    for (const [field, value] of bad) {
      const p = { ...good, [field]: value }
      expect(() => Bates.price("call", 100, 100, 1, 0, p)).toThrow(expect.objectContaining({ _tag: "InvalidInput", field }))
      expect(() => Bates.greeks("call", 100, 100, 1, 0, p)).toThrow(expect.objectContaining({ _tag: "InvalidInput", field }))
      expect(() => Schema.decodeUnknownSync(Bates.Params)(p)).toThrow()
      const out = new Float64Array(1)
      const status = new Uint8Array(1)
      Bates.priceStrikes(Uint8Array.of(1), 100, Float64Array.of(100), 1, 0, p, out, status)
      expect(status[0]).toBe(BatchStatus.INVALID_PARAMS)
      expect(Number.isNaN(out[0])).toBe(true)
    }
    expect(() => Bates.price("put", 100, 100, 0, 0, good)).toThrow(expect.objectContaining({ _tag: "InvalidInput", field: "expiry" }))
  })

  it("is a PricingModel named bates with Greeks", () => {
    expect(Bates.model.name).toBe("bates")
    const g = Bates.greeks("put", 30_000, 28_000, 0.1, 0.02, good)
    expect(g.rho).toBe(-0.1 * g.price)
    expect(g.delta).toBeLessThan(0)
    expect(g.gamma).toBeGreaterThan(0)
    const o = { type: "put" as const, forward: 30_000, strike: 28_000, expiry: 0.1, rate: 0.02 }
    expect(Bates.model.price(o, good)).toBe(Bates.price("put", 30_000, 28_000, 0.1, 0.02, good))
  })
})
