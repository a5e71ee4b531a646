import { Models } from "@hedgekit/models"
import { definePricingModel, InvalidInput } from "@hedgekit/sdk"
import type { PricingModel } from "@hedgekit/sdk"
import * as fc from "fast-check"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { ClosedForm, Numerical } from "../src/index.js"

type Row = readonly [type: "call" | "put", F: number, K: number, T: number, r: number, vol: number]

const FIRST = new Set(["delta", "vega", "theta", "rho", "dualDelta"])
const SECOND = new Set(["gamma", "vanna", "volga", "charm", "veta", "dualGamma"])

// Each Greek's natural size: an at-the-money premium over the scales of its inputs (forward and strike: the
// option's standard deviation in price units; vol: σ; time: T; rate: 1/T). "Relative" errors are taken against
// max(|Greek|, 1e-3 × natural size), so that a Greek crossing zero is held to an absolute bar.
const POWERS: Record<string, readonly [f: number, v: number, t: number, r: number]> = {
  delta: [1, 0, 0, 0], gamma: [2, 0, 0, 0], speed: [3, 0, 0, 0], vega: [0, 1, 0, 0], volga: [0, 2, 0, 0],
  ultima: [0, 3, 0, 0], theta: [0, 0, 1, 0], rho: [0, 0, 0, 1], charm: [1, 0, 1, 0], color: [2, 0, 1, 0],
  vanna: [1, 1, 0, 0], zomma: [2, 1, 0, 0], veta: [0, 1, 1, 0], dualDelta: [1, 0, 0, 0], dualGamma: [2, 0, 0, 0]
}
const natural = (greek: string, width: number, vol: number, T: number, premium: number): number => {
  const [f, v, t, r] = POWERS[greek]!
  return premium / (width ** f * vol ** v * T ** t * T ** -r)
}

const priceOnly = <P>(model: PricingModel<P>): PricingModel<P> =>
  definePricingModel({ name: `${model.name}-price-only`, version: "0.0.0", params: model.params, price: model.price })

const grid = (bachelier: boolean): ReadonlyArray<Row> => {
  const rows: Array<Row> = []
  for (const type of ["call", "put"] as const)
    for (const T of [1 / 525600, 1 / 8760, 7 / 365, 0.25, 2, 10])
      for (const v of [0.05, 0.5, 2])
        for (const m of [-4, -1, 0, 0.5, 3]) {
          const F = 50_000
          const vol = bachelier ? v * F : v
          const s = v * Math.sqrt(T)
          rows.push([type, F, bachelier ? F + m * s * F : F * Math.exp(m * s), T, 0.03, vol])
        }
  return rows
}

const worstErrors = (
  model: PricingModel<{ readonly vol: number }>,
  closed: (...row: Row) => ClosedForm.AllGreeks,
  rows: ReadonlyArray<Row>,
  bachelier: boolean
) => {
  const worst: Record<string, number> = {}
  for (const row of rows) {
    const [type, F, K, T, r, vol] = row
    const exact = closed(...row)
    const got = Numerical.greeks(model, { type, forward: F, strike: K, expiry: T, rate: r }, { vol })
    const s = (bachelier ? vol / F : vol) * Math.sqrt(T)
    const premium = 0.4 * Math.exp(-r * T) * F * s
    for (const [greek, estimate] of Object.entries(got.greeks)) {
      const e = exact[greek as keyof ClosedForm.AllGreeks]
      const floor = 1e-3 * natural(greek, F * s, vol, T, premium)
      const error = Math.abs(estimate!.value - e) / Math.max(Math.abs(e), floor)
      worst[greek] = Math.max(worst[greek] ?? 0, Number.isNaN(error) ? Infinity : error)
    }
  }
  return worst
}

describe("Numerical.greeks against the closed forms (1 minute – 10 years, σ 5 %–200 %, ±4 standard deviations)", () => {
  const cases = [
    { name: "black76", model: Models.black76, closed: (t: Row[0], F: number, K: number, T: number, r: number, v: number) => ClosedForm.black76(t, F, K, T, r, v), bachelier: false },
    { name: "bachelier", model: Models.bachelier, closed: (t: Row[0], F: number, K: number, T: number, r: number, v: number) => ClosedForm.bachelier(t, F, K, T, r, v), bachelier: true }
  ]
  for (const { bachelier, closed, model, name } of cases) {
    for (const variant of [model, priceOnly(model)]) {
      it(`${variant.name}: first order ≤ 1e-8, second order ≤ 1e-6, third order ≤ 1e-3`, () => {
        const worst = worstErrors(variant, closed, grid(bachelier), bachelier)
        expect(Object.keys(worst).sort()).toEqual(Object.keys(POWERS).sort())
        for (const [greek, error] of Object.entries(worst)) {
          const bar = FIRST.has(greek) ? 1e-8 : SECOND.has(greek) ? 1e-6 : 1e-3
          expect({ greek, error: error <= bar ? "ok" : error }).toEqual({ greek, error: "ok" })
        }
      })
    }
    void name
  }

  it("agrees with the closed forms on random Black-76 options (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("call" as const, "put" as const),
        fc.double({ min: 1e3, max: 2e5, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 1 / 365, max: 3, noNaN: true }),
        fc.double({ min: -0.05, max: 0.2, noNaN: true }),
        fc.double({ min: 0.1, max: 1.5, noNaN: true }),
        (type, F, m, T, r, vol) => {
          const K = F * Math.exp(m * vol * Math.sqrt(T))
          const exact = ClosedForm.black76(type, F, K, T, r, vol)
          const got = Numerical.greeks(priceOnly(Models.black76), { type, forward: F, strike: K, expiry: T, rate: r }, { vol })
          const s = vol * Math.sqrt(T)
          const premium = 0.4 * Math.exp(-r * T) * F * s
          for (const greek of [...FIRST, ...SECOND]) {
            const e = exact[greek as keyof ClosedForm.AllGreeks]
            const error = Math.abs(got.greeks[greek as Numerical.GreekName]!.value - e) / Math.max(Math.abs(e), 1e-3 * natural(greek, F * s, vol, T, premium))
            expect(error).toBeLessThan(FIRST.has(greek) ? 1e-8 : 1e-6)
          }
        }
      ),
      { numRuns: 200, seed: 20261125 }
    )
  })
})

describe("Numerical.greeks reports how each number was obtained", () => {
  const option = { type: "call" as const, forward: 60_000, strike: 65_000, expiry: 0.1, rate: 0 }

  it("uses the model's analytic Greeks and differences them for the higher orders", () => {
    const r = Numerical.greeks(Models.black76, option, { vol: 0.6 })
    expect(r.greeks.delta).toEqual({ value: Models.black76.greeks!(option, { vol: 0.6 }).delta, method: "analytic", from: "model" })
    expect(r.greeks.speed?.from).toBe("gamma")
    expect(r.greeks.vanna?.from).toBe("delta")
    expect(r.greeks.ultima?.from).toBe("vega")
    expect(r.greeks.dualDelta?.from).toBe("price")
    expect(r.params.vol).toBe(r.greeks.vega)
    expect(r.steps.forward).toBeGreaterThan(0)
  })

  it("differences the price of a model that has only `price`", () => {
    const r = Numerical.greeks(priceOnly(Models.black76), option, { vol: 0.6 })
    for (const estimate of Object.values(r.greeks)) expect(estimate).toMatchObject({ method: "difference", from: "price" })
    expect(Numerical.greeks(Models.black76, option, { vol: 0.6 }, { useAnalytic: false }).greeks.delta?.method).toBe("difference")
  })

  it("gives parameter sensitivities, and no vega family without a vol parameter", () => {
    // A toy two-parameter model: Black-76 at σ = a + b·ln(K/F).
    const skew = definePricingModel({
      name: "skew",
      version: "0.0.0",
      params: Schema.Struct({ a: Schema.Finite, b: Schema.Finite }),
      price: (o, { a, b }) => Models.black76.price(o, { vol: a + b * Math.log(o.strike / o.forward) })
    })
    const r = Numerical.greeks(skew, option, { a: 0.6, b: -0.2 })
    expect(r.greeks.vega).toBeUndefined()
    expect(r.greeks.vanna).toBeUndefined()
    const x = Math.log(option.strike / option.forward)
    const vega = ClosedForm.black76("call", 60_000, 65_000, 0.1, 0, 0.6 - 0.2 * x).vega
    expect(r.params.a!.value).toBeCloseTo(vega, 6)
    expect(r.params.b!.value / (vega * x) - 1).toBeLessThan(1e-8)
    // With `a` declared the vol, its derivatives are the vega family.
    const asVol = Numerical.greeks(skew, option, { a: 0.6, b: -0.2 }, { volParam: "a" })
    expect(asVol.greeks.vega!.value / vega - 1).toBeLessThan(1e-8)
    expect(() => Numerical.greeks(skew, option, { a: 0.6, b: -0.2 }, { volParam: "vol" })).toThrow(InvalidInput)
  })

  it("shrinks the steps of a parameter at the edge of its domain", () => {
    const bounded = definePricingModel({
      name: "bounded",
      version: "0.0.0",
      params: Schema.Struct({ vol: Schema.Finite }),
      price: (o, { vol }) => {
        if (vol > 0.5) throw new InvalidInput({ field: "vol", value: vol, expected: "≤ 0.5" })
        return Models.black76.price(o, { vol })
      }
    })
    const r = Numerical.greeks(bounded, option, { vol: 0.5 - 1e-6 })
    const exact = ClosedForm.black76("call", 60_000, 65_000, 0.1, 0, 0.5 - 1e-6)
    expect(Math.abs(r.greeks.vega!.value / exact.vega - 1)).toBeLessThan(1e-6)
  })

  it("takes one-sided differences for a parameter exactly at its domain's edge, and names what it cannot difference", () => {
    const capped = definePricingModel({
      name: "capped",
      version: "0.0.0",
      params: Schema.Struct({ vol: Schema.Finite, cap: Schema.Finite }),
      price: (o, { cap, vol }) => {
        if (vol > 0.5) throw new InvalidInput({ field: "vol", value: vol, expected: "≤ 0.5" })
        if (cap !== 1) throw new InvalidInput({ field: "cap", value: cap, expected: "exactly 1" })
        return Models.black76.price(o, { vol })
      }
    })
    const r = Numerical.greeks(capped, option, { vol: 0.5, cap: 1 })
    const exact = ClosedForm.black76("call", 60_000, 65_000, 0.1, 0, 0.5)
    expect(Math.abs(r.greeks.vega!.value / exact.vega - 1)).toBeLessThan(1e-8)
    expect(r.params.cap).toBeUndefined()
    expect(r.failures.cap).toMatch(/cap/)
    expect(r.greeks.volga).toBeUndefined() // a second derivative has no one-sided fallback
    expect(r.failures.volga).toMatch(/vol/)
    expect(Math.abs(r.greeks.delta!.value / exact.delta - 1)).toBeLessThan(1e-8)
  })

  it("passes on the model's own error for an option it cannot price", () => {
    expect(() => Numerical.greeks(Models.black76, { ...option, expiry: -1 }, { vol: 0.6 })).toThrow(InvalidInput)
  })
})

describe("Numerical.greeksBatch", () => {
  const rows = grid(false).filter((_, i) => i % 3 === 0)
  const n = rows.length + 1
  const col = (f: (r: Row) => number, bad: number) => Float64Array.from([...rows.map(f), bad])
  const chain = {
    length: n,
    isCall: Uint8Array.from([...rows.map((r) => (r[0] === "call" ? 1 : 0)), 1]),
    forward: col((r) => r[1], 50_000),
    strike: col((r) => r[2], 50_000),
    expiry: col((r) => r[3], -1), // the last row cannot be priced
    rate: col((r) => r[4], 0)
  }
  const vols = col((r) => r[5], 0.5)

  for (const model of [Models.black76, priceOnly(Models.black76)]) {
    it(`${model.name}: the scalar results, row by row, and NaN with a status for a bad row`, () => {
      const out = { price: new Float64Array(n), delta: new Float64Array(n), gamma: new Float64Array(n), vega: new Float64Array(n), vanna: new Float64Array(n), speed: new Float64Array(n), charm: new Float64Array(n), dualGamma: new Float64Array(n) }
      const status = new Uint8Array(n)
      Numerical.greeksBatch(model, chain, { vol: vols }, out, status)
      rows.forEach(([type, F, K, T, r, vol], i) => {
        expect(status[i]).toBe(0)
        const one = Numerical.greeks(model, { type, forward: F, strike: K, expiry: T, rate: r }, { vol })
        expect(out.price[i]).toBe(one.price)
        for (const g of ["delta", "gamma", "vega", "vanna", "speed", "charm", "dualGamma"] as const) {
          const a = out[g][i]!, b = one.greeks[g]!.value
          expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.abs(b) + 1e-300)
        }
      })
      expect(status[n - 1]).not.toBe(0)
      expect(out.delta[n - 1]).toBeNaN()
    })
  }

  it("a model without priceBatch is called row by row", () => {
    const plain = definePricingModel({ name: "plain", version: "0", params: Models.black76.params, price: Models.black76.price })
    const out = { price: new Float64Array(n), gamma: new Float64Array(n) }
    const status = new Uint8Array(n)
    Numerical.greeksBatch(plain, chain, { vol: vols }, out, status)
    const [type, F, K, T, r, vol] = rows[5]!
    expect(out.gamma[5]).toBeCloseTo(ClosedForm.black76(type, F, K, T, r, vol).gamma, 12)
    expect(status[n - 1]).not.toBe(0)
  })

  it("rejects short output columns, naming them", () => {
    expect(() => Numerical.greeksBatch(Models.black76, chain, { vol: 0.5 }, { price: new Float64Array(1) }, new Uint8Array(n))).toThrow(/out.price/)
  })
})
