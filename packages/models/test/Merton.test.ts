/**
 * Merton (1976) jump-diffusion: 30-digit references (fixtures/mpmath/jump_reference.py → jump_merton.json), a
 * published table, model-free properties (fast-check), the Black-76 limits, Greeks against differences of the
 * price, the pricing-model contract and the typed errors.
 */
import fc from "fast-check"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { BatchStatus, InvalidInput } from "@hedgekit/sdk"
import * as Black76 from "../src/Black76.js"
import * as Merton from "../src/Merton.js"
import { loadJson } from "./fixtures/fixtures.js"

type OptionType = "call" | "put"

interface Row {
  readonly type: OptionType
  readonly F: string
  readonly K: string
  readonly T: string
  readonly r: string
  readonly vol: string
  readonly jumpIntensity: string
  readonly jumpMean: string
  readonly jumpVol: string
  readonly price: string
}

const fixture = loadJson<{ readonly rows: ReadonlyArray<Row> }>(new URL("./fixtures/mpmath/jump_merton.json", import.meta.url))

const RUNS = { numRuns: Number(process.env["HEDGEKIT_PROPERTY_RUNS"] ?? 200) } as const

const paramsOf = (row: Row): Merton.Params => ({
  vol: Number(row.vol),
  jumpIntensity: Number(row.jumpIntensity),
  jumpMean: Number(row.jumpMean),
  jumpVol: Number(row.jumpVol)
})

/** The accuracy bar: 1e-12 relative, or 1e-15 × F absolute where the price is below 1e-3 × F. */
const errorOverBar = (got: number, ref: number, F: number): number =>
  ref < 1e-3 * F ? Math.abs(got - ref) / (1e-15 * F) : Math.abs(got - ref) / (1e-12 * ref)

// ------------------------------------------------------------------------------------------------------------
// Random inputs: crypto-like parameters, strikes within ±5 standard deviations of the total log variance.

const logUniform = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map((x) => Math.min(hi, Math.max(lo, Math.exp(x))))

interface Case {
  readonly type: OptionType
  readonly F: number
  readonly K: number
  readonly T: number
  readonly r: number
  readonly p: Merton.Params
}

const params = fc.record({
  vol: fc.double({ min: 0.2, max: 1.5, noNaN: true }),
  jumpIntensity: logUniform(0.1, 30),
  jumpMean: fc.double({ min: -0.3, max: 0.15, noNaN: true }),
  jumpVol: fc.double({ min: 0.01, max: 0.5, noNaN: true })
})

const totalSd = (T: number, p: Merton.Params): number =>
  Math.sqrt(p.vol * p.vol * T + p.jumpIntensity * T * (p.jumpMean * p.jumpMean + p.jumpVol * p.jumpVol))

const cases: fc.Arbitrary<Case> = fc.record({
  type: fc.constantFrom<OptionType>("call", "put"),
  F: logUniform(50, 2e5),
  T: logUniform(1 / 365, 5),
  r: fc.double({ min: -0.02, max: 0.1, noNaN: true }),
  z: fc.double({ min: -5, max: 5, noNaN: true }),
  p: params
}).map(({ F, T, p, r, type, z }) => ({ type, F, K: F * Math.exp(z * totalSd(T, p)), T, r, p }))

const px = (c: Case, over: Partial<Case> = {}, p: Partial<Merton.Params> = {}): number => {
  const o = { ...c, ...over }
  return Merton.price(o.type, o.F, o.K, o.T, o.r, { ...o.p, ...p })
}

describe("Merton against 30-digit references", () => {
  it("prices every fixture row within 1e-12 relative (1e-15 × F absolute below 1e-3 × F)", () => {
    expect(fixture.rows.length).toBeGreaterThanOrEqual(150)
    let worst = 0
    for (const row of fixture.rows) {
      const F = Number(row.F)
      const got = Merton.price(row.type, F, Number(row.K), Number(row.T), Number(row.r), paramsOf(row))
      const ratio = errorOverBar(got, Number(row.price), F)
      worst = Math.max(worst, ratio)
      if (!(ratio <= 1)) throw new Error(`row ${JSON.stringify(row)}: got ${got}, error ${ratio} × the bar`)
    }
    console.log(`Merton: worst error ${worst.toExponential(2)} × the bar over ${fixture.rows.length} rows`)
  })

  it("prices with greeks() and the batch as the scalar price does", () => {
    const n = fixture.rows.length
    const o = {
      length: n,
      isCall: new Uint8Array(fixture.rows.map((r) => (r.type === "call" ? 1 : 0))),
      forward: new Float64Array(fixture.rows.map((r) => Number(r.F))),
      strike: new Float64Array(fixture.rows.map((r) => Number(r.K))),
      expiry: new Float64Array(fixture.rows.map((r) => Number(r.T))),
      rate: new Float64Array(fixture.rows.map((r) => Number(r.r)))
    }
    const column = (name: keyof Merton.Params) => new Float64Array(fixture.rows.map((r) => paramsOf(r)[name]))
    const out = new Float64Array(n)
    const status = new Uint8Array(n)
    Merton.model.priceBatch?.(
      o,
      { vol: column("vol"), jumpIntensity: column("jumpIntensity"), jumpMean: column("jumpMean"), jumpVol: column("jumpVol") },
      out,
      status
    )
    fixture.rows.forEach((row, i) => {
      const F = Number(row.F), ref = Number(row.price)
      expect(status[i]).toBe(BatchStatus.OK)
      expect(out[i]).toBe(Merton.price(row.type, F, Number(row.K), Number(row.T), Number(row.r), paramsOf(row)))
      const g = Merton.greeks(row.type, F, Number(row.K), Number(row.T), Number(row.r), paramsOf(row))
      expect(errorOverBar(g.price, ref, F)).toBeLessThanOrEqual(1)
    })
  })

  // Haug (1998), "The Complete Guide to Option Pricing Formulas", p. 9, as reproduced (and corrected to 1e-2
  // where Haug's 11-term truncation was short) in QuantLib's test-suite/jumpdiffusion.cpp (testMerton76): calls on
  // a spot S = 100, r = 8 %, q = 0, total vol v = 25 %, a share γ of the variance from jumps whose mean jump
  // e^J − 1 is 0: δ = v·√(γ/λ), σ = v·√(1 − γ), μ_J = −δ²/2. Values to 2 decimals.
  it("reproduces Haug's published table (2 decimals)", () => {
    const table: ReadonlyArray<readonly [K: number, T: number, lambda: number, gamma: number, value: number]> = [
      [80, 0.1, 1, 0.25, 20.67],
      [90, 0.25, 5, 0.25, 12.75],
      [100, 0.5, 1, 0.25, 8.95],
      [110, 0.1, 10, 0.25, 0.56],
      [120, 0.25, 5, 0.25, 0.63],
      [100, 0.1, 1, 0.5, 3.14],
      [110, 0.5, 5, 0.5, 4.67],
      [90, 0.25, 10, 0.5, 12.75],
      [100, 0.5, 10, 0.25, 9.03],
      [120, 0.1, 10, 0.5, 0.07]
    ]
    for (const [K, T, lambda, gamma, value] of table) {
      const jumpVol = 0.25 * Math.sqrt(gamma / lambda)
      const p = { vol: 0.25 * Math.sqrt(1 - gamma), jumpIntensity: lambda, jumpMean: -0.5 * jumpVol * jumpVol, jumpVol }
      const got = Merton.price("call", 100 * Math.exp(0.08 * T), K, T, 0.08, p)
      expect(Math.abs(got - value)).toBeLessThanOrEqual(0.005 + 1e-9)
    }
  })
})

describe("Merton properties", () => {
  it("satisfies put-call parity C − P = e^{−rT}(F − K)", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const call = px(c, { type: "call" }), put = px(c, { type: "put" })
        const parity = Math.exp(-c.r * c.T) * (c.F - c.K)
        expect(Math.abs(call - put - parity)).toBeLessThanOrEqual(1e-13 * (c.F + c.K))
      }),
      RUNS
    )
  })

  it("stays within the no-arbitrage bounds", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const df = Math.exp(-c.r * c.T)
        const v = px(c)
        expect(Number.isFinite(v)).toBe(true)
        if (c.type === "call") {
          expect(v).toBeGreaterThanOrEqual(df * Math.max(c.F - c.K, 0) * (1 - 1e-14))
          expect(v).toBeLessThanOrEqual(df * c.F)
        } else {
          expect(v).toBeGreaterThanOrEqual(df * Math.max(c.K - c.F, 0) * (1 - 1e-14))
          expect(v).toBeLessThanOrEqual(df * c.K)
        }
      }),
      RUNS
    )
  })

  it("is monotone and convex in the strike", () => {
    fc.assert(
      fc.property(cases, fc.double({ min: 1e-3, max: 0.2, noNaN: true }), (c, step) => {
        const h = step * c.K
        const lo = px(c, { K: c.K - h }), mid = px(c), hi = px(c, { K: c.K + h })
        const tol = 1e-12 * (lo + mid + hi) + 1e-300
        if (c.type === "call") expect(lo - hi).toBeGreaterThanOrEqual(-tol)
        else expect(hi - lo).toBeGreaterThanOrEqual(-tol)
        expect(lo + hi - 2 * mid).toBeGreaterThanOrEqual(-tol)
      }),
      RUNS
    )
  })

  it("increases with the diffusion vol", () => {
    fc.assert(
      fc.property(cases, fc.double({ min: 1.001, max: 2, noNaN: true }), (c, factor) => {
        expect(px(c, {}, { vol: c.p.vol * factor })).toBeGreaterThanOrEqual(px(c) * (1 - 1e-13))
      }),
      RUNS
    )
  })

  it("prices a batch with scalar and column parameters exactly as the scalar function", () => {
    fc.assert(
      fc.property(fc.array(cases, { minLength: 1, maxLength: 8 }), params, (rows, shared) => {
        const n = rows.length
        const o = {
          length: n,
          isCall: new Uint8Array(rows.map((c) => (c.type === "call" ? 1 : 0))),
          forward: new Float64Array(rows.map((c) => c.F)),
          strike: new Float64Array(rows.map((c) => c.K)),
          expiry: new Float64Array(rows.map((c) => c.T)),
          rate: new Float64Array(rows.map((c) => c.r))
        }
        const out = new Float64Array(n), status = new Uint8Array(n)
        Merton.model.priceBatch?.(o, { ...shared, vol: new Float64Array(rows.map((c) => c.p.vol)) }, out, status)
        rows.forEach((c, i) => {
          expect(status[i]).toBe(0)
          expect(out[i]).toBe(Merton.price(c.type, c.F, c.K, c.T, c.r, { ...shared, vol: c.p.vol }))
        })
        const columns = { price: new Float64Array(n), delta: new Float64Array(n), gamma: new Float64Array(n), vega: new Float64Array(n), theta: new Float64Array(n), rho: new Float64Array(n) }
        Merton.model.greeksBatch?.(o, shared, columns, status)
        rows.forEach((c, i) => {
          const g = Merton.greeks(c.type, c.F, c.K, c.T, c.r, shared)
          expect([columns.price[i], columns.delta[i], columns.gamma[i], columns.vega[i], columns.theta[i], columns.rho[i]]).toEqual(
            [g.price, g.delta, g.gamma, g.vega, g.theta, g.rho]
          )
        })
      }),
      { numRuns: 50 }
    )
  })
})

describe("Merton limits", () => {
  it("is Black-76 exactly without jumps (λ = 0) and with jumps of size 0 (μ_J = δ_J = 0)", () => {
    fc.assert(
      fc.property(cases, (c) => {
        for (const p of [{ ...c.p, jumpIntensity: 0 }, { ...c.p, jumpMean: 0, jumpVol: 0 }]) {
          expect(Merton.price(c.type, c.F, c.K, c.T, c.r, p)).toBe(Black76.price(c.type, c.F, c.K, c.T, c.r, c.p.vol))
          expect(Merton.greeks(c.type, c.F, c.K, c.T, c.r, p)).toEqual(Black76.greeks(c.type, c.F, c.K, c.T, c.r, c.p.vol))
        }
      }),
      RUNS
    )
  })

  it("tends to Black-76 continuously as the jumps vanish", () => {
    const p = { vol: 0.6, jumpIntensity: 5, jumpMean: -0.05, jumpVol: 0.1 }
    const black = Black76.price("call", 60_000, 70_000, 0.25, 0, 0.6)
    const tiny = Merton.price("call", 60_000, 70_000, 0.25, 0, { ...p, jumpIntensity: 1e-12 })
    expect(Math.abs(tiny / black - 1)).toBeLessThan(1e-10)
    const small = Merton.price("call", 60_000, 70_000, 0.25, 0, { ...p, jumpMean: 1e-9, jumpVol: 1e-9 })
    expect(Math.abs(small / black - 1)).toBeLessThan(1e-6)
  })
})

describe("Merton Greeks", () => {
  const central = (f: (x: number) => number, x: number, h: number): number => (f(x + h) - f(x - h)) / (2 * h)

  it("agree with central differences of the price", () => {
    fc.assert(
      fc.property(cases.filter((c) => c.T > 0.01 && Math.abs(Math.log(c.K / c.F)) < 3 * totalSd(c.T, c.p)), (c) => {
        const g = Merton.greeks(c.type, c.F, c.K, c.T, c.r, c.p)
        const at = (over: Partial<Case>, p: Partial<Merton.Params> = {}) => px(c, over, p)
        const scale = Math.max(Math.abs(g.price), 1e-6 * c.F)
        const hF = 1e-4 * c.F
        const delta = central((F) => at({ F }), c.F, hF)
        const gamma = central((F) => Merton.greeks(c.type, F, c.K, c.T, c.r, c.p).delta, c.F, hF)
        const vega = central((vol) => at({}, { vol }), c.p.vol, 1e-5 * c.p.vol)
        const theta = -central((T) => at({ T }), c.T, 1e-5 * c.T)
        const rho = central((r) => at({ r }), c.r, 1e-5)
        expect(Math.abs(g.delta - delta)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(delta)) + 1e-9 * scale / c.F)
        expect(Math.abs(g.gamma - gamma)).toBeLessThanOrEqual(1e-6 * Math.abs(gamma) + 1e-10 / c.F)
        expect(Math.abs(g.vega - vega)).toBeLessThanOrEqual(1e-6 * Math.abs(vega) + 1e-9 * scale)
        expect(Math.abs(g.theta - theta)).toBeLessThanOrEqual(1e-6 * Math.abs(theta) + 1e-7 * scale / c.T)
        expect(Math.abs(g.rho - rho)).toBeLessThanOrEqual(1e-6 * Math.abs(rho) + 1e-9 * scale)
        expect(g.rho).toBe(-c.T * g.price)
      }),
      { numRuns: 100 }
    )
  })
})

describe("Merton as a pricing model", () => {
  it("decodes its params and prices as the module does", () => {
    const p = Schema.decodeUnknownSync(Merton.model.params)({ vol: 0.6, jumpIntensity: 4, jumpMean: -0.05, jumpVol: 0.15 })
    const option = { type: "put", forward: 60_000, strike: 55_000, expiry: 30 / 365, rate: 0.01 } as const
    expect(Merton.model.name).toBe("merton")
    expect(Merton.model.price(option, p)).toBe(Merton.price("put", 60_000, 55_000, 30 / 365, 0.01, p))
    expect(Merton.model.greeks?.(option, p)).toEqual(Merton.greeks("put", 60_000, 55_000, 30 / 365, 0.01, p))
    for (const bad of [{ vol: 0, jumpIntensity: 1, jumpMean: 0, jumpVol: 0.1 }, { vol: 0.5, jumpIntensity: -1, jumpMean: 0, jumpVol: 0.1 }, { vol: 0.5, jumpIntensity: 1, jumpMean: 0, jumpVol: -0.1 }, { vol: 0.5, jumpIntensity: 1, jumpMean: 0 }]) {
      expect(() => Schema.decodeUnknownSync(Merton.model.params)(bad)).toThrow()
    }
  })
})

describe("Merton errors", () => {
  const p = { vol: 0.6, jumpIntensity: 4, jumpMean: -0.05, jumpVol: 0.15 }
  const fieldOf = (f: () => unknown): string => {
    try {
      const v = f()
      return `no error (got ${String(v)})`
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInput)
      return (e as InvalidInput).field
    }
  }

  it("throws InvalidInput naming the field, never NaN", () => {
    const cases: ReadonlyArray<readonly [string, () => unknown]> = [
      ["vol", () => Merton.price("call", 100, 100, 1, 0, { ...p, vol: 0 })],
      ["vol", () => Merton.price("call", 100, 100, 1, 0, { ...p, vol: -0.2 })],
      ["vol", () => Merton.greeks("call", 100, 100, 1, 0, { ...p, vol: NaN })],
      ["jumpIntensity", () => Merton.price("call", 100, 100, 1, 0, { ...p, jumpIntensity: -1 })],
      ["jumpIntensity", () => Merton.price("call", 100, 100, 1, 0, { ...p, jumpIntensity: NaN })],
      ["jumpIntensity", () => Merton.price("call", 100, 100, 1, 0, { ...p, jumpIntensity: Infinity })],
      ["jumpIntensity", () => Merton.price("call", 100, 100, 10, 0, { ...p, jumpIntensity: 1e3 })],
      ["jumpMean", () => Merton.price("call", 100, 100, 1, 0, { ...p, jumpMean: NaN })],
      ["jumpMean", () => Merton.price("call", 100, 100, 1, 0, { ...p, jumpMean: 800 })],
      ["jumpVol", () => Merton.price("put", 100, 100, 1, 0, { ...p, jumpVol: -0.1 })],
      ["jumpVol", () => Merton.greeks("put", 100, 100, 1, 0, { ...p, jumpVol: NaN })],
      ["expiry", () => Merton.price("call", 100, 100, 0, 0, p)],
      ["expiry", () => Merton.price("call", 100, 100, -1, 0, p)],
      ["forward", () => Merton.price("call", NaN, 100, 1, 0, p)],
      ["strike", () => Merton.price("call", 100, 0, 1, 0, p)],
      ["rate", () => Merton.price("call", 100, 100, 1, NaN, p)],
      ["type", () => Merton.price("straddle" as OptionType, 100, 100, 1, 0, p)]
    ]
    for (const [field, f] of cases) expect(fieldOf(f)).toBe(field)
  })

  it("marks bad rows in a batch and rejects short parameter columns", () => {
    const o = {
      length: 4,
      isCall: new Uint8Array([1, 0, 1, 1]),
      forward: new Float64Array([100, 100, 100, 100]),
      strike: new Float64Array([100, 90, 110, 100]),
      expiry: new Float64Array([1, 1, 1, 0]),
      rate: new Float64Array(4)
    }
    const out = new Float64Array(4), status = new Uint8Array(4)
    Merton.model.priceBatch?.(o, { ...p, jumpIntensity: new Float64Array([4, -1, 4, 4]), vol: new Float64Array([0.5, 0.5, 0, 0.5]) }, out, status)
    expect([...status]).toEqual([BatchStatus.OK, BatchStatus.INVALID_PARAMS, BatchStatus.INVALID_VOL, BatchStatus.INVALID_EXPIRY])
    expect(Number.isFinite(out[0])).toBe(true)
    expect([out[1], out[2], out[3]].every(Number.isNaN)).toBe(true)
    expect(() => Merton.model.priceBatch?.(o, { ...p, jumpVol: new Float64Array(3) }, out, status)).toThrow(/jumpVol/)
  })
})
