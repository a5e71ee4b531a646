/**
 * Accuracy against references computed elsewhere:
 *  - fixtures/vg_reference.json (fixtures/generate.py): 30-digit prices by two independent mpmath methods (the
 *    difference of two gamma variables with incomplete gamma functions, and the Brownian time change) that agree
 *    to 1e-28; 8 parameter sets (equity-like and crypto-like, σ 0.12–0.9, ν 0.01–1, θ −0.5 to 0.77, one within 0.05
 *    of the martingale bound), expiries 1 day – 5 years, strikes 0.5F – 2F, calls and puts, rates −1 % to 10 %;
 *  - the published VG values of Fang & Oosterlee (2008), recomputed by both methods in the same script.
 */
import { describe, expect, it } from "vitest"
import { BatchStatus } from "@hedgekit/sdk"
import { VarianceGamma } from "../src/index.js"
import { loadJson } from "./fixtures/load.js"

interface Row {
  readonly set: string
  readonly type: "call" | "put"
  readonly F: string
  readonly K: string
  readonly T: string
  readonly r: string
  readonly sigma: string
  readonly nu: string
  readonly theta: string
  readonly price: string
}

interface Published {
  readonly S0: string
  readonly K: string
  readonly r: string
  readonly sigma: string
  readonly nu: string
  readonly theta: string
  readonly T: string
  readonly published: string
  readonly recomputed: string
}

const fixture = loadJson<{ readonly rows: ReadonlyArray<Row>; readonly published: ReadonlyArray<Published> }>(
  new URL("./fixtures/vg_reference.json", import.meta.url)
)

const optionOf = (row: Row) => ({
  type: row.type,
  forward: Number(row.F),
  strike: Number(row.K),
  expiry: Number(row.T),
  rate: Number(row.r)
})
const paramsOf = (row: Row) => ({ sigma: Number(row.sigma), nu: Number(row.nu), theta: Number(row.theta) })

/**
 * The accuracy bar: 2e-13 relative, with an absolute floor of 1e-17 × F for the smallest premiums (deep wings of
 * short expiries, down to 1e-65 × F in the fixture), where the last digits of a premium are below any quote.
 */
const overBar = (got: number, ref: number, F: number): number => Math.abs(got - ref) / Math.max(2e-13 * ref, 1e-17 * F)

describe("30-digit references", () => {
  it("holds every fixture row within the bar", () => {
    expect(fixture.rows.length).toBeGreaterThanOrEqual(600)
    let worst = 0
    let worstRow: Row | undefined
    for (const row of fixture.rows) {
      const got = VarianceGamma.price(optionOf(row), paramsOf(row))
      const score = overBar(got, Number(row.price), Number(row.F))
      if (score > worst) {
        worst = score
        worstRow = row
      }
    }
    expect(worst, JSON.stringify(worstRow)).toBeLessThanOrEqual(1)
  })

  it("is within 1e-10 relative on every row with a premium above 1e-12 × F (the brief's bar)", () => {
    for (const row of fixture.rows) {
      const ref = Number(row.price)
      if (ref < 1e-12 * Number(row.F)) continue
      const got = VarianceGamma.price(optionOf(row), paramsOf(row))
      expect(Math.abs(got - ref) / ref).toBeLessThan(1e-10)
    }
  })

  it("greeks().price agrees with price() on every row", () => {
    for (const row of fixture.rows) {
      const o = optionOf(row), p = paramsOf(row)
      const v = VarianceGamma.price(o, p)
      expect(Math.abs(VarianceGamma.greeks(o, p).price - v)).toBeLessThanOrEqual(1e-14 * v + 1e-18 * o.forward)
    }
  })

  it("priceBatch over the fixture (parameters as columns) equals price row by row", () => {
    const n = fixture.rows.length
    const batch = {
      length: n,
      isCall: new Uint8Array(n),
      forward: new Float64Array(n),
      strike: new Float64Array(n),
      expiry: new Float64Array(n),
      rate: new Float64Array(n)
    }
    const sigma = new Float64Array(n), nu = new Float64Array(n), theta = new Float64Array(n)
    fixture.rows.forEach((row, i) => {
      const o = optionOf(row), p = paramsOf(row)
      batch.isCall[i] = o.type === "call" ? 1 : 0
      batch.forward[i] = o.forward
      batch.strike[i] = o.strike
      batch.expiry[i] = o.expiry
      batch.rate[i] = o.rate
      sigma[i] = p.sigma
      nu[i] = p.nu
      theta[i] = p.theta
    })
    const out = new Float64Array(n), status = new Uint8Array(n)
    VarianceGamma.priceBatch(batch, { sigma, nu, theta }, out, status)
    fixture.rows.forEach((row, i) => {
      expect(status[i]).toBe(BatchStatus.OK)
      expect(out[i]).toBe(VarianceGamma.price(optionOf(row), paramsOf(row)))
    })
  })
})

describe("published values: Fang & Oosterlee (2008), VG, S0 = 100, K = 90, r = 0.1, σ = 0.12, θ = −0.14, ν = 0.2", () => {
  it.each(fixture.published)("T = $T: call $published", (row) => {
    const r = Number(row.r), T = Number(row.T)
    const call = VarianceGamma.price(
      { type: "call", forward: Number(row.S0) * Math.exp(r * T), strike: Number(row.K), expiry: T, rate: r },
      { sigma: Number(row.sigma), nu: Number(row.nu), theta: Number(row.theta) }
    )
    // the published figure has 9 decimals
    expect(Math.abs(call - Number(row.published))).toBeLessThanOrEqual(5e-10)
    // and the 30-digit recomputation agrees with it to those decimals, and with the plugin to 1e-13
    expect(Math.abs(Number(row.recomputed) - Number(row.published))).toBeLessThanOrEqual(5e-10)
    expect(Math.abs(call / Number(row.recomputed) - 1)).toBeLessThan(1e-13)
  })
})
