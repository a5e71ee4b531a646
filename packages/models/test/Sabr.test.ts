import { readFileSync } from "node:fs"
import { InvalidInput } from "@hedgekit/sdk"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Bachelier from "../src/Bachelier.js"
import * as Black76 from "../src/Black76.js"
import * as Sabr from "../src/Sabr.js"

interface Row {
  readonly forward: number
  readonly strike: number
  readonly expiry: number
  readonly alpha: number
  readonly beta: number
  readonly correlation: number
  readonly volOfVol: number
  readonly obloj?: string
  readonly hagan?: string
  readonly normal: string
}
const rows = (JSON.parse(readFileSync(new URL("./fixtures/mpmath/sabr.json", import.meta.url), "utf8")) as { rows: ReadonlyArray<Row> }).rows

describe("SABR implied vols against the published formulas (100-digit mpmath)", () => {
  const worst = { obloj: 0, hagan: 0, normal: 0 }
  const check = (kind: keyof typeof worst, got: number, ref: string | undefined, row: Row) => {
    if (ref === undefined) return
    const error = Math.abs(got / Number(ref) - 1)
    worst[kind] = Math.max(worst[kind], error)
    if (!(error <= 1e-14)) expect.fail(`${kind}: got ${got}, reference ${ref} (relative error ${error.toExponential(2)}) at ${JSON.stringify(row)}`)
  }
  it(`every row to 1e-14 relative (${rows.length} rows: β 0–1, ν 0–3, K = F, K = F(1 ± 1e-12…1e-4), ±2.5 st. dev., F ≤ 0 for β = 0)`, () => {
    for (const row of rows) {
      const p = { alpha: row.alpha, beta: row.beta, correlation: row.correlation, volOfVol: row.volOfVol }
      if (row.obloj !== undefined) check("obloj", Sabr.lognormalVol(row.forward, row.strike, row.expiry, p), row.obloj, row)
      if (row.hagan !== undefined) check("hagan", Sabr.lognormalVol(row.forward, row.strike, row.expiry, p, "hagan"), row.hagan, row)
      check("normal", Sabr.normalVol(row.forward, row.strike, row.expiry, p), row.normal, row)
    }
    expect(worst.obloj).toBeGreaterThan(0)
  })
})

describe("SABR properties", () => {
  const params = fc.record({
    alpha: fc.double({ min: 0.05, max: 2, noNaN: true }),
    beta: fc.constant(1),
    correlation: fc.double({ min: -0.9, max: 0.9, noNaN: true }),
    volOfVol: fc.double({ min: 0, max: 3, noNaN: true })
  })
  it("ν = 0, β = 1 is a flat smile at α·(1 + α²·0·T): Black-76 at vol α", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), (alpha, m) => {
        const v = Sabr.lognormalVol(100, 100 * Math.exp(m), 1, { alpha, beta: 1, correlation: 0.3, volOfVol: 0 })
        expect(Math.abs(v / alpha - 1)).toBeLessThan(1e-15)
      }),
      { seed: 31 }
    )
  })

  it("is continuous through the money (K = F ± tiny)", () => {
    fc.assert(
      fc.property(params, fc.double({ min: 0, max: 1, noNaN: true }), (p0, beta) => {
        const p = { ...p0, beta, alpha: p0.alpha * 100 ** (1 - beta) }
        const atm = Sabr.lognormalVol(100, 100, 0.5, p)
        for (const e of [1e-13, 1e-9, 1e-6]) {
          // the smile's slope d ln σ / d ln K stays below 100 on this domain
          expect(Math.abs(Sabr.lognormalVol(100, 100 * (1 + e), 0.5, p) / atm - 1)).toBeLessThan(100 * e + 1e-14)
          expect(Math.abs(Sabr.normalVol(100, 100 * (1 - e), 0.5, p) / Sabr.normalVol(100, 100, 0.5, p) - 1)).toBeLessThan(100 * e + 1e-14)
        }
      }),
      { seed: 32, numRuns: 500 }
    )
  })

  it("prices with Black-76 / Bachelier at the SABR vol, through the PricingModel too", () => {
    const p = { alpha: 0.6, beta: 1, correlation: -0.3, volOfVol: 1.2 }
    const v = Sabr.lognormalVol(90_000, 100_000, 0.1, p)
    expect(Sabr.price("call", 90_000, 100_000, 0.1, 0, p)).toBe(Black76.price("call", 90_000, 100_000, 0.1, 0, v))
    expect(Sabr.model.price({ type: "call", forward: 90_000, strike: 100_000, expiry: 0.1, rate: 0 }, p)).toBe(Black76.price("call", 90_000, 100_000, 0.1, 0, v))
    const n = { alpha: 0.01, beta: 0, correlation: 0.2, volOfVol: 0.5 }
    expect(Sabr.normalPrice("put", 0.01, -0.005, 2, 0.01, n)).toBe(Bachelier.price("put", 0.01, -0.005, 2, 0.01, Sabr.normalVol(0.01, -0.005, 2, n)))
  })

  it("rejects parameters outside their domain, naming them", () => {
    const p = { alpha: 0.6, beta: 1, correlation: -0.3, volOfVol: 1.2 }
    expect(() => Sabr.lognormalVol(100, 100, 1, { ...p, correlation: 1 })).toThrow(InvalidInput)
    expect(() => Sabr.lognormalVol(100, 100, 1, { ...p, correlation: 1 })).toThrow(/correlation/)
    expect(() => Sabr.lognormalVol(100, 100, 1, { ...p, beta: 1.5 })).toThrow(/beta/)
    expect(() => Sabr.lognormalVol(100, 100, 1, { ...p, alpha: 0 })).toThrow(/alpha/)
    expect(() => Sabr.lognormalVol(100, 100, 1, { ...p, volOfVol: NaN })).toThrow(/volOfVol/)
    expect(() => Sabr.lognormalVol(100, -1, 1, p)).toThrow(/strike/)
    expect(() => Sabr.normalVol(-1, 1, 1, { ...p, beta: 0.5 })).toThrow(/forward/)
    expect(() => Sabr.lognormalVol(100, 100, 0, p)).toThrow(/expiry/)
  })
})
