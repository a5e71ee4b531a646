import { Bates, Heston, Kou, Merton } from "@hedgekit/models"
import { InvalidInput } from "@hedgekit/sdk"
import * as fc from "fast-check"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { Process } from "../src/index.js"

const errorOf = (f: () => unknown): InvalidInput => {
  try {
    f()
  } catch (e) {
    if (e instanceof InvalidInput) return e
    throw e
  }
  throw new Error("expected an InvalidInput")
}

const good = {
  gbm: { spot: 100_000, vol: 0.6 },
  merton: { spot: 100_000, vol: 0.5, jumpIntensity: 10, jumpMean: -0.02, jumpVol: 0.05 },
  kou: { spot: 100_000, vol: 0.5, jumpIntensity: 10, upProbability: 0.4, upRate: 25, downRate: 20 },
  heston: { spot: 100_000, initialVariance: 0.36, meanReversion: 3, longRunVariance: 0.4, volOfVol: 1.5, correlation: -0.3 },
  bates: { spot: 100_000, initialVariance: 0.36, meanReversion: 3, longRunVariance: 0.4, volOfVol: 1.5, correlation: -0.3, jumpIntensity: 10, jumpMean: -0.02, jumpVol: 0.05 }
} as const

const make = (name: keyof typeof good, params: Record<string, unknown>): Process.Process =>
  (Process[name] as (p: unknown) => Process.Process)(params)

/** Values outside each field's domain. */
const bad: Record<string, ReadonlyArray<unknown>> = {
  spot: [0, -1, NaN, Infinity, "100"],
  vol: [0, -0.1, NaN],
  jumpIntensity: [-1, NaN],
  jumpMean: [NaN, Infinity],
  jumpVol: [-0.01],
  upProbability: [-0.1, 1.1],
  upRate: [1, 0.5],
  downRate: [0, -2],
  initialVariance: [0, -0.1],
  meanReversion: [0],
  longRunVariance: [-1],
  volOfVol: [0],
  correlation: [1, -1, 2]
}

describe("parameters", () => {
  it("use @hedgekit/models' names: each model's Params decodes the process's parameters minus spot", () => {
    const minusSpot = <T extends { spot: number }>({ spot: _, ...rest }: T) => rest
    expect(() => Schema.decodeUnknownSync(Merton.Params)(minusSpot(good.merton), { onExcessProperty: "error" })).not.toThrow()
    expect(() => Schema.decodeUnknownSync(Kou.Params)(minusSpot(good.kou), { onExcessProperty: "error" })).not.toThrow()
    expect(() => Schema.decodeUnknownSync(Heston.Params)(minusSpot(good.heston), { onExcessProperty: "error" })).not.toThrow()
    expect(() => Schema.decodeUnknownSync(Bates.Params)(minusSpot(good.bates), { onExcessProperty: "error" })).not.toThrow()
  })

  it("a value outside its domain raises InvalidInput naming that field (fast-check over processes, fields, values)", () => {
    const cases = Object.entries(good).flatMap(([name, params]) =>
      Object.keys(params).flatMap((field) => (bad[field] ?? []).map((value) => ({ name: name as keyof typeof good, field, value })))
    )
    fc.assert(
      fc.property(fc.constantFrom(...cases), ({ name, field, value }) => {
        const e = errorOf(() => make(name, { ...good[name], [field]: value }))
        expect(e.field).toBe(field)
        expect(Object.is(e.value, value) || (Number.isNaN(value) && Number.isNaN(e.value))).toBe(true)
        expect(e.message).toContain(field)
      }),
      { numRuns: 200 }
    )
  })

  it("a missing field, an unknown field and a non-object are named", () => {
    const { vol: _, ...noVol } = good.gbm
    expect(errorOf(() => make("gbm", noVol)).field).toBe("vol")
    expect(errorOf(() => make("heston", { ...good.heston, kappa: 2 })).field).toBe("kappa")
    expect(errorOf(() => make("kou", null as unknown as Record<string, unknown>)).field).toBe("kou")
  })

  it("a Merton compensator that overflows is refused on jumpMean", () => {
    expect(errorOf(() => Process.merton({ ...good.merton, jumpMean: 800 })).field).toBe("jumpMean")
  })
})

describe("drift", () => {
  it("is rate − dividend by default (risk-neutral), 0 without them, or mu; mu with rate is ambiguous", () => {
    expect(Process.gbm({ ...good.gbm, rate: 0.05, dividend: 0.02 }).drift).toBeCloseTo(0.03, 15)
    expect(Process.heston(good.heston).drift).toBe(0)
    expect(Process.kou({ ...good.kou, mu: 0.3 }).drift).toBe(0.3)
    expect(errorOf(() => Process.merton({ ...good.merton, mu: 0.3, rate: 0.05 })).field).toBe("mu")
  })

  it("the jump compensators are E[e^J] − 1", () => {
    expect(Process.mertonJumpMean(-0.02, 0.05)).toBeCloseTo(Math.exp(-0.02 + 0.00125) - 1, 16)
    expect(Process.kouJumpMean(0.4, 25, 20)).toBeCloseTo(0.4 * 25 / 24 + 0.6 * 20 / 21 - 1, 15)
  })
})
