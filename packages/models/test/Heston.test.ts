/**
 * Heston: accuracy against 30-digit references (fixtures/mpmath/heston_reference.py, two Fourier representations
 * at 40 and 45 digits agreeing to ≤ 1e-25·F), Alan Lewis's published reference prices, put-call parity,
 * model-free properties (fast-check), the σ → 0 limit (Black-76 at the integrated variance), Greeks, batch
 * entry points and typed errors.
 *
 * The accuracy bar is absolute: |price − reference| ≤ 1e-10·F for every row. Properties that compare several
 * prices allow a few times the engine's own error budget (1e-11·F per price).
 */
import { BatchStatus } from "@hedgekit/sdk"
import fc from "fast-check"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import * as Black76 from "../src/Black76.js"
import * as Heston from "../src/Heston.js"
import { columns, fmt, loadJson, type Table } from "./fixtures/fixtures.js"

type OptionType = "call" | "put"
const RUNS = { numRuns: Number(process.env["HEDGEKIT_PROPERTY_RUNS"] ?? 150) } as const
const BAR = 1e-10
/** Slack for properties combining prices: a few times the per-price error budget (1e-11·F). */
const SLACK = 5e-11

const table = loadJson<Table>(new URL("./fixtures/mpmath/heston_heston.json", import.meta.url))
const col = columns(table)

const paramsOf = (row: ReadonlyArray<string | number | null>): Heston.Params => ({
  initialVariance: col.num(row, "initialVariance"),
  meanReversion: col.num(row, "meanReversion"),
  longRunVariance: col.num(row, "longRunVariance"),
  volOfVol: col.num(row, "volOfVol"),
  correlation: col.num(row, "correlation")
})

const integratedVariance = (p: Heston.Params, T: number): number =>
  p.longRunVariance * T + (p.initialVariance - p.longRunVariance) * (-Math.expm1(-p.meanReversion * T) / p.meanReversion)

describe("Heston accuracy (mpmath references)", () => {
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
      const err = Math.abs(Heston.price(type, F, K, T, r, p) - ref) / F
      worst = Math.max(worst, err)
      if (!(err <= BAR)) failures.push(`${type} F=${fmt(F)} K=${fmt(K)} T=${fmt(T)} ${JSON.stringify(p)}: err/F=${err.toExponential(2)}`)
      const g = Heston.greeks(type, F, K, T, r, p)
      worstDelta = Math.max(worstDelta, Math.abs(g.delta - col.num(row, "delta")))
      worstGamma = Math.max(worstGamma, Math.abs(g.gamma - col.num(row, "gamma")) * F)
      if (!(Math.abs(g.price - ref) <= BAR * F)) failures.push(`greeks().price ${type} F=${fmt(F)} K=${fmt(K)} T=${fmt(T)}`)
    }
    console.log(
      `Heston vs mpmath: max |price − ref|/F = ${worst.toExponential(2)}, max |Δ − ref| = ${worstDelta.toExponential(2)}, ` +
        `max |Γ − ref|·F = ${worstGamma.toExponential(2)} (${table.rows.length} rows)`
    )
    expect(failures).toEqual([])
    expect(worstDelta).toBeLessThan(1e-8)
    expect(worstGamma).toBeLessThan(1e-7)
  })

  it("reproduces Alan Lewis's published reference prices (financepress.com, 2019)", () => {
    // S = 100, r = 1 %, q = 2 %, T = 1, v0 = 0.04, κ = 4, θ = 0.25, σ = 1, ρ = −0.5 ("Heston Model Reference
    // Prices", Mathematica at 50 digits, about 20 good digits). F = S·e^{(r−q)T}.
    const p: Heston.Params = { initialVariance: 0.04, meanReversion: 4, longRunVariance: 0.25, volOfVol: 1, correlation: -0.5 }
    const F = 100 * Math.exp(-0.01)
    const published: ReadonlyArray<readonly [number, number, number]> = [
      [80, 7.958878113256768285, 26.774758743998854221],
      [90, 12.017966707346304988, 20.933349000596710388],
      [100, 17.055270961270109414, 16.070154917028834278],
      [110, 23.017825898442800539, 12.132211516709844868],
      [120, 29.811026202682471843, 9.0249134834578356366]
    ]
    for (const [K, put, call] of published) {
      expect(Math.abs(Heston.price("put", F, K, 1, 0.01, p) - put)).toBeLessThan(BAR * F)
      expect(Math.abs(Heston.price("call", F, K, 1, 0.01, p) - call)).toBeLessThan(BAR * F)
    }
  })
})

// ---------------------------------------------------------------------------------------------------
// Properties.

const logUniform = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map((x) => Math.min(hi, Math.max(lo, Math.exp(x))))

const params: fc.Arbitrary<Heston.Params> = fc.record({
  initialVariance: logUniform(0.02, 1.2),
  meanReversion: logUniform(0.2, 6),
  longRunVariance: logUniform(0.02, 1.2),
  volOfVol: logUniform(0.1, 3),
  correlation: fc.double({ min: -0.8, max: 0.4, noNaN: true })
})

interface Case {
  readonly p: Heston.Params
  readonly F: number
  readonly T: number
  readonly r: number
  readonly z: number
  readonly type: OptionType
}

const cases: fc.Arbitrary<Case> = fc.record({
  p: params,
  F: logUniform(50, 1e5),
  T: logUniform(1 / 365, 5),
  r: fc.double({ min: -0.02, max: 0.08, noNaN: true }),
  z: fc.double({ min: -4, max: 4, noNaN: true }),
  type: fc.constantFrom<OptionType>("call", "put")
})

/** Strike z standard deviations from the forward, with the larger of √v₀ and √θ as the vol. */
const strikeOf = ({ F, T, p, z }: Case): number =>
  F * Math.exp(z * Math.sqrt(Math.max(p.initialVariance, p.longRunVariance) * T))

describe("Heston properties", () => {
  it("put-call parity on the forward: C − P = e^{−rT}(F − K)", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const K = strikeOf(c)
        const C = Heston.price("call", c.F, K, c.T, c.r, c.p)
        const P = Heston.price("put", c.F, K, c.T, c.r, c.p)
        const df = Math.exp(-c.r * c.T)
        expect(Math.abs(C - P - df * (c.F - K))).toBeLessThanOrEqual(1e-14 * Math.max(c.F, K))
      }),
      RUNS
    )
  })

  it("no-arbitrage bounds: max(F − K, 0)·e^{−rT} ≤ C ≤ F·e^{−rT}, and the same for puts", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const K = strikeOf(c)
        const df = Math.exp(-c.r * c.T)
        const C = Heston.price("call", c.F, K, c.T, c.r, c.p)
        const P = Heston.price("put", c.F, K, c.T, c.r, c.p)
        const tol = 1e-15 * Math.max(c.F, K)
        expect(C).toBeGreaterThanOrEqual(df * Math.max(c.F - K, 0) - tol)
        expect(C).toBeLessThanOrEqual(df * c.F + tol)
        expect(P).toBeGreaterThanOrEqual(df * Math.max(K - c.F, 0) - tol)
        expect(P).toBeLessThanOrEqual(df * K + tol)
      }),
      RUNS
    )
  })

  it("call prices decrease and are convex in the strike", () => {
    fc.assert(
      fc.property(cases, fc.double({ min: 0.002, max: 0.2, noNaN: true }), (c, step) => {
        const K = strikeOf(c)
        const sd = Math.sqrt(Math.max(c.p.initialVariance, c.p.longRunVariance) * c.T)
        const dk = K * step * sd
        const [lo, mid, hi] = [K - dk, K, K + dk].map((k) => Heston.price("call", c.F, k, c.T, c.r, c.p)) as [number, number, number]
        const tol = SLACK * c.F
        expect(lo).toBeGreaterThanOrEqual(mid - tol)
        expect(mid).toBeGreaterThanOrEqual(hi - tol)
        expect(lo - 2 * mid + hi).toBeGreaterThanOrEqual(-tol)
      }),
      RUNS
    )
  })

  it("priceStrikes and the model's priceBatch equal the scalar prices", () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: 1, max: 60 }), (c, n) => {
        const sd = Math.sqrt(Math.max(c.p.initialVariance, c.p.longRunVariance) * c.T)
        const strikes = Float64Array.from({ length: n }, (_, i) => c.F * Math.exp((n === 1 ? c.z : -4 + (8 * i) / (n - 1)) * sd))
        const isCall = Uint8Array.from({ length: n }, (_, i) => i % 2)
        const out = new Float64Array(n)
        const status = new Uint8Array(n)
        Heston.priceStrikes(isCall, c.F, strikes, c.T, c.r, c.p, out, status)
        const batchOut = new Float64Array(n)
        const batchStatus = new Uint8Array(n)
        const col = (v: number) => new Float64Array(n).fill(v)
        Heston.model.priceBatch!(
          { length: n, isCall, forward: col(c.F), strike: strikes, expiry: col(c.T), rate: col(c.r) },
          { ...c.p, volOfVol: col(c.p.volOfVol) },
          batchOut,
          batchStatus
        )
        for (let i = 0; i < n; i++) {
          const scalar = Heston.price(isCall[i] === 1 ? "call" : "put", c.F, strikes[i]!, c.T, c.r, c.p)
          expect(status[i]).toBe(BatchStatus.OK)
          expect(batchStatus[i]).toBe(BatchStatus.OK)
          expect(Math.abs(out[i]! - scalar)).toBeLessThanOrEqual(2e-11 * c.F)
          expect(Math.abs(batchOut[i]! - scalar)).toBeLessThanOrEqual(2e-11 * c.F)
        }
      }),
      { numRuns: 60 }
    )
  })
})

describe("Heston limits and Greeks", () => {
  it("σ → 0 is Black-76 at the integrated variance w = θT + (v₀ − θ)(1 − e^{−κT})/κ", () => {
    // With ρ = 0 the first correction is O(σ²); with ρ ≠ 0 it is O(ρσ), so σ = 1e-12 there.
    for (const [sigma, rho] of [[1e-8, 0], [1e-12, -0.6], [1e-12, 0.3]] as const) {
      for (const T of [1 / 365, 0.1, 1, 5]) {
        const p: Heston.Params = { initialVariance: 0.7, meanReversion: 1.5, longRunVariance: 0.4, volOfVol: sigma, correlation: rho }
        const vol = Math.sqrt(integratedVariance(p, T) / T)
        for (const z of [-4, -1, 0, 2, 4]) {
          const F = 40_000
          const K = F * Math.exp(z * vol * Math.sqrt(T))
          for (const type of ["call", "put"] as const) {
            const err = Math.abs(Heston.price(type, F, K, T, 0.02, p) - Black76.price(type, F, K, T, 0.02, vol))
            expect(err).toBeLessThanOrEqual(BAR * F)
          }
        }
      }
    }
  })

  it("theta is −∂V/∂T (F, r fixed) and rho is −T·V", () => {
    const p: Heston.Params = { initialVariance: 0.5, meanReversion: 1.2, longRunVariance: 0.6, volOfVol: 2, correlation: -0.4 }
    for (const T of [7 / 365, 0.25, 2]) {
      for (const K of [40_000, 50_000, 65_000]) {
        const F = 50_000, r = 0.03
        const g = Heston.greeks("call", F, K, T, r, p)
        const dT = 1e-4 * T
        const fd = -(Heston.price("call", F, K, T + dT, r, p) - Heston.price("call", F, K, T - dT, r, p)) / (2 * dT)
        expect(Math.abs(g.theta - fd)).toBeLessThanOrEqual(1e-6 * F)
        expect(g.rho).toBe(-T * g.price)
        const dF = 1e-4 * F
        const fdDelta = (Heston.price("call", F + dF, K, T, r, p) - Heston.price("call", F - dF, K, T, r, p)) / (2 * dF)
        expect(Math.abs(g.delta - fdDelta)).toBeLessThanOrEqual(1e-6)
      }
    }
  })
})

describe("Heston inputs and errors", () => {
  const good: Heston.Params = { initialVariance: 0.5, meanReversion: 1, longRunVariance: 0.5, volOfVol: 1.5, correlation: -0.3 }
  const bad: ReadonlyArray<readonly [keyof Heston.Params, number]> = [
    ["correlation", 1],
    ["correlation", -1],
    ["correlation", NaN],
    ["meanReversion", 0],
    ["meanReversion", -1],
    ["initialVariance", 0],
    ["longRunVariance", -0.1],
    ["volOfVol", 0],
    ["volOfVol", Infinity],
    ["initialVariance", NaN]
  ]

  it("throws InvalidInput naming the parameter, never NaN", () => {
    for (const [field, value] of bad) {
      const p = { ...good, [field]: value }
      for (const f of [() => Heston.price("call", 100, 100, 1, 0, p), () => Heston.greeks("put", 100, 100, 1, 0, p)]) {
        expect(f).toThrow(expect.objectContaining({ _tag: "InvalidInput", field }))
      }
      expect(() => Schema.decodeUnknownSync(Heston.Params)(p)).toThrow()
    }
    expect(Schema.decodeUnknownSync(Heston.Params)(good)).toEqual(good)
  })

  it("throws InvalidInput for bad option inputs (expiry ≤ 0, forward, strike, type)", () => {
    const cases: ReadonlyArray<readonly [() => unknown, string]> = [
      [() => Heston.price("call", 100, 100, 0, 0, good), "expiry"],
      [() => Heston.price("call", 100, 100, -1, 0, good), "expiry"],
      [() => Heston.price("call", 100, 100, NaN, 0, good), "expiry"],
      [() => Heston.price("call", -5, 100, 1, 0, good), "forward"],
      [() => Heston.price("call", 100, 0, 1, 0, good), "strike"],
      [() => Heston.price("call", 100, 100, 1, NaN, good), "rate"],
      [() => Heston.price("straddle" as OptionType, 100, 100, 1, 0, good), "type"]
    ]
    for (const [f, field] of cases) expect(f).toThrow(expect.objectContaining({ _tag: "InvalidInput", field }))
  })

  it("batch entry points write status codes per row", () => {
    const strikes = Float64Array.of(90, -1, 110, NaN)
    const isCall = Uint8Array.of(1, 1, 0, 2)
    const out = new Float64Array(4)
    const status = new Uint8Array(4)
    Heston.priceStrikes(isCall, 100, strikes, 0.5, 0, good, out, status)
    expect(Array.from(status)).toEqual([BatchStatus.OK, BatchStatus.INVALID_STRIKE, BatchStatus.OK, BatchStatus.INVALID_STRIKE])
    expect(Number.isNaN(out[1])).toBe(true)
    Heston.priceStrikes(isCall, 100, strikes, 0.5, 0, { ...good, correlation: 1 }, out, status)
    expect(Array.from(status)).toEqual([13, 13, 13, 13].map(() => BatchStatus.INVALID_PARAMS))
    Heston.priceStrikes(isCall, 100, strikes, 0, 0, good, out, status)
    expect(Array.from(status)).toEqual([1, 2, 3, 4].map(() => BatchStatus.INVALID_EXPIRY))
    expect(() => Heston.priceStrikes(isCall, 100, strikes, 0.5, 0, good, new Float64Array(2), status)).toThrow(
      expect.objectContaining({ _tag: "InvalidInput", field: "out" })
    )

    const n = 3
    const f64 = (...v: Array<number>) => Float64Array.from(v)
    const batchOut = new Float64Array(n)
    const batchStatus = new Uint8Array(n)
    Heston.model.priceBatch!(
      { length: n, isCall: Uint8Array.of(1, 0, 1), forward: f64(100, 100, 100), strike: f64(100, 100, 100), expiry: f64(1, 1, 1), rate: f64(0, 0, 0) },
      { ...good, correlation: f64(0.2, 1.5, -0.2) },
      batchOut,
      batchStatus
    )
    expect(Array.from(batchStatus)).toEqual([BatchStatus.OK, BatchStatus.INVALID_PARAMS, BatchStatus.OK])
    expect(batchOut[0]).toBeCloseTo(Heston.price("call", 100, 100, 1, 0, { ...good, correlation: 0.2 }), 12)
    expect(() =>
      Heston.model.priceBatch!(
        { length: n, isCall: Uint8Array.of(1, 0, 1), forward: f64(100, 100, 100), strike: f64(100, 100, 100), expiry: f64(1, 1, 1), rate: f64(0, 0, 0) },
        { ...good, correlation: f64(0.2) },
        batchOut,
        batchStatus
      )
    ).toThrow(expect.objectContaining({ _tag: "InvalidInput", field: "correlation" }))
  })

  it("is a PricingModel named heston", () => {
    expect(Heston.model.name).toBe("heston")
    expect(Heston.model.version).toMatch(/^\d+\.\d+\.\d+/)
    const o = { type: "call" as const, forward: 100, strike: 105, expiry: 0.5, rate: 0.01 }
    expect(Heston.model.price(o, good)).toBe(Heston.price("call", 100, 105, 0.5, 0.01, good))
    expect(Heston.model.greeks!(o, good).delta).toBe(Heston.greeks("call", 100, 105, 0.5, 0.01, good).delta)
  })
})
