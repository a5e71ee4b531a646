import { readFileSync } from "node:fs"
import { BlackScholes } from "@hedgekit/models"
import { BatchStatus, definePricingModel } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ClosedForm, Numerical } from "../src/index.js"

interface FixtureRow {
  readonly type: "call" | "put"
  readonly spot?: number
  readonly forward?: number
  readonly strike: number
  readonly expiry: number
  readonly rate: number
  readonly dividend?: number
  readonly vol: number
  readonly values: Readonly<Record<string, string>>
}
interface Fixture {
  readonly model: string
  readonly greeks: ReadonlyArray<string>
  readonly rows: ReadonlyArray<FixtureRow>
}
const load = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`./fixtures/mpmath/greeks-${name}.json`, import.meta.url), "utf8")) as Fixture

/**
 * The absolute floor of each Greek where it crosses zero: 1e-15 × its natural scale, built from the underlying
 * U (spot or forward) by its dimension in price units — delta 1, gamma 1/U, vega, theta and rho U (the issue's
 * scales), and so on; Bachelier's vol is in price units, so each derivative in it divides by U as well.
 */
const scale = (greek: string, U: number, bachelier: boolean): number => {
  const price: Record<string, number> = {
    price: 1, delta: 0, gamma: -1, vega: 1, theta: 1, rho: 1, dividendRho: 1, vanna: 0, volga: 1, charm: 0,
    veta: 1, speed: -2, zomma: -1, color: -1, ultima: 1, dualDelta: 0, dualGamma: -1
  }
  const volOrder: Record<string, number> = { vega: 1, vanna: 1, volga: 2, veta: 1, zomma: 1, ultima: 3 }
  return U ** (price[greek]! - (bachelier ? volOrder[greek] ?? 0 : 0))
}

const RELATIVE = 1e-12
const ABSOLUTE = 1e-15

const check = (fixture: Fixture, compute: (row: FixtureRow) => Record<string, number>) => {
  const bachelier = fixture.model === "bachelier"
  let worst = 0
  for (const row of fixture.rows) {
    const got = compute(row)
    const U = row.spot ?? row.forward!
    for (const greek of fixture.greeks) {
      const ref = Number(row.values[greek])
      const bar = RELATIVE * Math.abs(ref) + ABSOLUTE * scale(greek, U, bachelier)
      const error = Math.abs(got[greek]! - ref)
      worst = Math.max(worst, error / bar)
      if (!(error <= bar)) {
        expect.fail(`${fixture.model} ${greek}: got ${got[greek]}, reference ${ref} (error ${error.toExponential(2)} > bar ${bar.toExponential(2)}) at ${JSON.stringify({ ...row, values: undefined })}`)
      }
    }
  }
  return worst
}

describe("ClosedForm against the 30-digit mpmath reference (≤ 1e-12 relative, or 1e-15 × scale absolute)", () => {
  const bsm = load("bsm"), black76 = load("black76"), bachelier = load("bachelier")

  it("covers every Greek of every model", () => {
    expect(bsm.greeks).toEqual(["price", "delta", "gamma", "vega", "theta", "rho", "dividendRho", ...ClosedForm.greekNames.slice(6)])
    expect(black76.greeks).toEqual([...ClosedForm.greekNames])
    expect(bachelier.greeks).toEqual([...ClosedForm.greekNames])
    expect(bsm.rows.length + black76.rows.length + bachelier.rows.length).toBeGreaterThanOrEqual(700)
  })

  it("Black-Scholes-Merton, scalar and batch", () => {
    const worst = check(bsm, (r) => ({ ...ClosedForm.blackScholes(r.type, r.spot!, r.strike, r.expiry, r.rate, r.dividend!, r.vol) }))
    expect(worst).toBeGreaterThan(0) // the check ran on real differences
    const n = bsm.rows.length
    const col = (f: (r: FixtureRow) => number) => Float64Array.from(bsm.rows, f)
    const out = ClosedForm.makeColumns(n)
    const status = new Uint8Array(n)
    ClosedForm.blackScholesBatch({
      length: n, isCall: Uint8Array.from(bsm.rows, (r) => (r.type === "call" ? 1 : 0)), spot: col((r) => r.spot!),
      strike: col((r) => r.strike), expiry: col((r) => r.expiry), rate: col((r) => r.rate), dividend: col((r) => r.dividend!),
      vol: col((r) => r.vol)
    }, out, status)
    let i = 0
    check(bsm, () => {
      const row = Object.fromEntries(Object.entries(out).map(([k, c]) => [k, c[i]!]))
      i++
      return row
    })
    expect([...status].every((s) => s === BatchStatus.OK)).toBe(true)
  })

  for (const [fixture, scalar, batch] of [
    [black76, ClosedForm.black76, ClosedForm.black76Batch],
    [bachelier, ClosedForm.bachelier, ClosedForm.bachelierBatch]
  ] as const) {
    it(`${fixture.model}, scalar and batch`, () => {
      check(fixture, (r) => ({ ...scalar(r.type, r.forward!, r.strike, r.expiry, r.rate, r.vol) }))
      const n = fixture.rows.length
      const col = (f: (r: FixtureRow) => number) => Float64Array.from(fixture.rows, f)
      const out = ClosedForm.makeColumns(n)
      const status = new Uint8Array(n)
      batch({
        length: n, isCall: Uint8Array.from(fixture.rows, (r) => (r.type === "call" ? 1 : 0)), forward: col((r) => r.forward!),
        strike: col((r) => r.strike), expiry: col((r) => r.expiry), rate: col((r) => r.rate), vol: col((r) => r.vol)
      }, out, status)
      let i = 0
      check(fixture, () => {
        const row = Object.fromEntries(Object.entries(out).map(([k, c]) => [k, c[i]!]))
        i++
        return row
      })
    })
  }
})

describe("ClosedForm properties (fast-check)", () => {
  const type = fc.constantFrom("call" as const, "put" as const)
  const expiry = fc.double({ min: 1 / 8760, max: 5, noNaN: true })
  const vol = fc.double({ min: 0.05, max: 2, noNaN: true })
  const rate = fc.double({ min: -0.05, max: 0.2, noNaN: true })
  const moneyness = fc.double({ min: -3, max: 3, noNaN: true }) // standard deviations
  const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)) + 1e-14 * scale

  it("a call and a put differ by the Greeks of their parity forward, e^{−qT}S − e^{−rT}K", () => {
    fc.assert(
      fc.property(expiry, vol, rate, rate, moneyness, (T, sigma, r, q, m) => {
        const S = 60_000, K = S * Math.exp(m * sigma * Math.sqrt(T))
        const c = ClosedForm.blackScholes("call", S, K, T, r, q, sigma)
        const p = ClosedForm.blackScholes("put", S, K, T, r, q, sigma)
        const Q = Math.exp(-q * T), D = Math.exp(-r * T)
        for (const g of ["gamma", "vega", "vanna", "volga", "veta", "speed", "zomma", "color", "ultima", "dualGamma"] as const) {
          expect(close(c[g], p[g], Math.abs(c[g]) + 1e-300)).toBe(true)
        }
        expect(close(c.delta - p.delta, Q, 1)).toBe(true)
        expect(close(c.dualDelta - p.dualDelta, -D, 1)).toBe(true)
        expect(close(c.charm - p.charm, q * Q, 1)).toBe(true)
        expect(close(c.price - p.price, S * Q - K * D, S)).toBe(true)
      }),
      { numRuns: 300, seed: 1 }
    )
  })

  it("price is homogeneous of degree one in (underlying, strike): V = U·delta + K·dualDelta", () => {
    fc.assert(
      fc.property(type, expiry, vol, rate, moneyness, (t, T, sigma, r, m) => {
        const F = 2_500, K = F * Math.exp(m * sigma * Math.sqrt(T))
        const g = ClosedForm.black76(t, F, K, T, r, sigma)
        expect(close(F * g.delta + K * g.dualDelta, g.price, F)).toBe(true)
        // and gamma in strike mirrors gamma in the forward: K²·∂²V/∂K² = F²·∂²V/∂F²
        expect(close(K * K * g.dualGamma, F * F * g.gamma, F)).toBe(true)
      }),
      { numRuns: 300, seed: 2 }
    )
  })

  it("Bachelier depends on F − K only: delta = −dualDelta and gamma = dualGamma", () => {
    fc.assert(
      fc.property(type, expiry, vol, rate, moneyness, (t, T, v, r, m) => {
        const F = 100, sigma = v * F, K = F + m * sigma * Math.sqrt(T)
        const g = ClosedForm.bachelier(t, F, K, T, r, sigma)
        expect(close(g.delta, -g.dualDelta, 1)).toBe(true)
        expect(g.gamma).toBe(g.dualGamma)
      }),
      { numRuns: 200, seed: 3 }
    )
  })

  it("every Greek agrees with Richardson differences of the BSM price (out-of-the-money rows)", () => {
    // BSM as a contract model whose "forward" is the spot: Numerical then differences at a fixed spot. (Its rate
    // also moves the forward, against the contract, so rho is left to the fixtures; q·T moves the log-forward, so
    // the yield varies on the scale σ√T/T.)
    const bsm = definePricingModel({
      name: "bsm-spot",
      version: "0.0.0",
      params: Schema.Struct({ vol: Schema.Finite, dividend: Schema.Finite }),
      price: (o, p) => BlackScholes.price(o.type, o.forward, o.strike, o.expiry, o.rate, p.dividend, p.vol)
    })
    fc.assert(
      fc.property(expiry, vol, rate, rate, fc.double({ min: 0, max: 3, noNaN: true }), type, (T, sigma, r, q, m, t) => {
        const S = 60_000, K = t === "call" ? S * Math.exp(m * sigma * Math.sqrt(T)) : S * Math.exp(-m * sigma * Math.sqrt(T) - 1e-9)
        const exact = ClosedForm.blackScholes(t, S, K, T, r, q, sigma)
        const fd = Numerical.greeks(bsm, { type: t, forward: S, strike: K, expiry: T, rate: r }, { vol: sigma, dividend: q }, { paramScales: { dividend: sigma / Math.sqrt(T) } })
        const s = sigma * Math.sqrt(T)
        const premium = 0.4 * S * s
        const widths: Record<string, number> = { F: S * s, v: sigma, T }
        const order: Record<string, string> = {
          delta: "F", gamma: "FF", speed: "FFF", vega: "v", volga: "vv", ultima: "vvv", theta: "T", charm: "FT",
          color: "FFT", vanna: "Fv", zomma: "FFv", veta: "vT", dualDelta: "F", dualGamma: "FF"
        }
        for (const [greek, dims] of Object.entries(order)) {
          const natural = premium / [...dims].reduce((a, d) => a * widths[d]!, 1)
          const e = exact[greek as keyof ClosedForm.SpotGreeks]
          const got = fd.greeks[greek as Numerical.GreekName]!.value
          const bar = dims.length === 1 ? 1e-8 : dims.length === 2 ? 1e-6 : 1e-3
          // relative to max(|Greek|, 10⁻³ of its natural size)
          const error = Math.abs(got - e) / Math.max(Math.abs(e), 1e-3 * natural)
          expect({ greek, error: error < bar ? "ok" : error }).toEqual({ greek, error: "ok" })
        }
        expect(Math.abs(fd.params.dividend!.value - exact.dividendRho)).toBeLessThan(1e-8 * Math.max(Math.abs(exact.dividendRho), 1e-3 * premium * T))
      }),
      { numRuns: 150, seed: 4 }
    )
  })
})
