/**
 * Cases where published npm option libraries are measurably wrong, pinned against 50-digit references
 * (fixtures/mpmath/peer-regressions.json, written by fixtures/mpmath/generate.py). The peers are not imported
 * here; each case records what the peer gets wrong and checks that we get it right, with the same
 * condition-number tolerances as Accuracy.test.ts:
 *
 *   - black-scholes 1.1.0: the normal CDF is a 100-term Taylor series forced to 0 for x ≤ −8, so it has no
 *     correct digits around −7 and beyond; a 1-day call struck at 2.5·S is priced 0.
 *   - implied-volatility 1.0.0: bisection that stops when the price matches 'to the cent', on top of that
 *     CDF; a σ = 0.60 option whose price is far below a cent (or underflows to 0 there) comes back at σ ≈ 2.18.
 *   - @uqee/black-scholes 1.0.7: a 5-coefficient CDF approximation (absolute error ~7e-8) gives relative
 *     price errors of ~5e-3 on a 7-day call 67 % out of the money; its implied-vol bisection is bracketed in
 *     [0, 2] and returns 0 for σ ≥ 2; for S = K exactly with r = 0 its σ = 0 'intrinsic' price is 0/0 = NaN,
 *     which sends it down its negative-vol branch and it returns −0.
 *   - deep wings (|d| > 7) and 1-day expiries in all three models.
 */
import { describe, expect, it } from "vitest"
import { Bachelier, Black76, BlackScholes, Normal } from "../src/index.js"
import { EPS, fmt, loadJson, ulp } from "./fixtures/fixtures.js"

type OptionType = "call" | "put"
type Model = "bsm" | "black76" | "bachelier"

interface PriceCase {
  readonly name: string
  readonly kind: "price"
  readonly model: Model
  readonly type: OptionType
  readonly inputs: Readonly<Record<string, number>>
  readonly d1: number
  readonly reference: Readonly<Record<string, string>>
  readonly kappa: Readonly<Record<string, number | null>>
  readonly note: string
}

interface VolCase {
  readonly name: string
  readonly kind: "impliedVol"
  readonly model: Model
  readonly type: OptionType
  readonly inputs: Readonly<Record<string, number>>
  readonly vol: number
  readonly price: number
  readonly impliedVol: string
  readonly vega: string
  readonly dPdUnderlying: string
  readonly dPdStrike: string
  readonly note: string
}

interface CdfCase {
  readonly name: string
  readonly kind: "cdf"
  readonly x: number
  readonly reference: string
  readonly kappa: number
  readonly note: string
}

type Case = PriceCase | VolCase | CdfCase

const { cases } = loadJson<{ cases: ReadonlyArray<Case> }>(new URL("./fixtures/mpmath/peer-regressions.json", import.meta.url))

const input = (c: { inputs: Readonly<Record<string, number>> }, name: string): number => {
  const v = c.inputs[name]
  if (v === undefined) throw new Error(`case has no input ${name}`)
  return v
}

const greeksOf = (c: PriceCase): Readonly<Record<string, number>> => {
  const K = input(c, "strike")
  const T = input(c, "expiry")
  const r = input(c, "rate")
  const v = input(c, "vol")
  switch (c.model) {
    case "bsm":
      return { ...BlackScholes.greeks(c.type, input(c, "spot"), K, T, r, input(c, "dividend"), v) }
    case "black76":
      return { ...Black76.greeks(c.type, input(c, "forward"), K, T, r, v) }
    case "bachelier":
      return { ...Bachelier.greeks(c.type, input(c, "forward"), K, T, r, v) }
  }
}

const priceOf = (c: PriceCase): number => {
  const K = input(c, "strike")
  const T = input(c, "expiry")
  const r = input(c, "rate")
  const v = input(c, "vol")
  switch (c.model) {
    case "bsm":
      return BlackScholes.price(c.type, input(c, "spot"), K, T, r, input(c, "dividend"), v)
    case "black76":
      return Black76.price(c.type, input(c, "forward"), K, T, r, v)
    case "bachelier":
      return Bachelier.price(c.type, input(c, "forward"), K, T, r, v)
  }
}

const volOf = (c: VolCase, price: number): number => {
  const K = input(c, "strike")
  const T = input(c, "expiry")
  const r = input(c, "rate")
  switch (c.model) {
    case "bsm":
      return BlackScholes.impliedVol(c.type, price, input(c, "spot"), K, T, r, input(c, "dividend"))
    case "black76":
      return Black76.impliedVol(c.type, price, input(c, "forward"), K, T, r)
    case "bachelier":
      return Bachelier.impliedVol(c.type, price, input(c, "forward"), K, T, r)
  }
}

const underlyingOf = (c: { model: Model; inputs: Readonly<Record<string, number>> }): number =>
  input(c, c.model === "bsm" ? "spot" : "forward")

/** Natural scale for the absolute Greek floor (see Accuracy.test.ts). */
const scaleOf = (c: PriceCase, greek: string): number => {
  if (c.model === "bachelier") {
    const L = Math.abs(input(c, "forward")) + input(c, "vol") * Math.sqrt(input(c, "expiry"))
    return greek === "delta" || greek === "vega" ? 1 : greek === "gamma" ? 1 / L : L
  }
  const S = underlyingOf(c)
  return greek === "delta" ? 1 : greek === "gamma" ? 1 / S : S
}

const kappaOf = (c: PriceCase, greek: string): number => {
  const k = c.kappa[greek]
  return k === null || k === undefined ? Infinity : k
}

const byKind = <K extends Case["kind"]>(kind: K) => cases.filter((c): c is Extract<Case, { kind: K }> => c.kind === kind)

describe("regressions: fixture sanity", () => {
  it("covers every peer failure mode", () => {
    const names = cases.map((c) => c.name).join("\n")
    expect(names).toMatch(/1-day call K = 2\.5 S/)
    expect(names).toMatch(/vol 0\.60 call/)
    expect(names).toMatch(/67% OTM/)
    expect(names).toMatch(/vol 3\.0 round trip/)
    expect(names).toMatch(/S = K, r = 0/)
    expect(byKind("price").filter((c) => Math.abs(c.d1) > 7).length).toBeGreaterThanOrEqual(8)
    expect(byKind("price").filter((c) => Math.abs(input(c, "expiry") - 1 / 365) < 1e-12).length).toBeGreaterThanOrEqual(12)
  })
})

describe("regressions: Normal.cdf in the lower tail (black-scholes 1.1.0 returns 0 at x ≤ −8)", () => {
  for (const c of byKind("cdf")) {
    it(`${c.name} = ${c.reference}`, () => {
      const want = Number(c.reference)
      const got = Normal.cdf(c.x)
      const tol = Math.max(1e-14, 8 * c.kappa * EPS) * want
      expect(got).toBeGreaterThan(0)
      expect(Math.abs(got - want), `got ${fmt(got)} want ${fmt(want)} tol ${fmt(tol)}`).toBeLessThanOrEqual(tol)
    })
  }
})

describe("regressions: prices and Greeks", () => {
  for (const c of byKind("price")) {
    it(`${c.name} (${c.note}; d1 = ${c.d1.toFixed(2)})`, () => {
      const want = Number(c.reference.price)
      const got = priceOf(c)
      // A far-wing price must come back positive and to full relative accuracy, not 0 or a CDF-noise value.
      expect(got).toBeGreaterThan(0)
      const ptol = Math.max(1e-14, 8 * kappaOf(c, "price") * EPS) * want
      expect(Math.abs(got - want), `price got ${fmt(got)} want ${fmt(want)} tol ${fmt(ptol)}`).toBeLessThanOrEqual(ptol)
      const g = greeksOf(c)
      for (const [greek, ref] of Object.entries(c.reference)) {
        const w = Number(ref)
        const value = g[greek]
        expect(value, `${greek} missing from greeks()`).toBeTypeOf("number")
        const rel = greek === "price" ? Math.max(1e-14, 8 * kappaOf(c, greek) * EPS) : Math.max(1e-13, 16 * kappaOf(c, greek) * EPS)
        const tol = Math.max(rel * Math.abs(w), greek === "price" ? 0 : 1e-15 * scaleOf(c, greek))
        const err = Math.abs((value ?? NaN) - w)
        expect(err, `${greek} got ${fmt(value ?? NaN)} want ${fmt(w)} tol ${fmt(tol)}`).toBeLessThanOrEqual(tol)
      }
    })
  }
})

describe("regressions: implied volatility", () => {
  for (const c of byKind("impliedVol")) {
    it(`${c.name} (${c.note}; price ${fmt(c.price)})`, () => {
      const want = Number(c.impliedVol)
      const vega = Number(c.vega)
      const sens = Math.abs(c.price) + Math.abs(underlyingOf(c) * Number(c.dPdUnderlying)) +
        Math.abs(input(c, "strike") * Number(c.dPdStrike))
      const tol = 1e-13 * want + 8 * (ulp(c.price) + EPS * sens) / vega
      const got = volOf(c, c.price)
      // The peers return 0, 2.18 or σ capped at 2 here.
      expect(got).toBeGreaterThan(0)
      expect(Math.abs(got - want), `vol got ${fmt(got)} want ${fmt(want)} tol ${fmt(tol)}`).toBeLessThanOrEqual(tol)
      // And the vol that generated the price is recovered to the same precision.
      expect(Math.abs(got - c.vol)).toBeLessThanOrEqual(tol + Math.abs(want - c.vol))
    })
  }
})
