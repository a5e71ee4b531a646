import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { definePricingModel } from "../src/index.js"
import type { BatchParams, EuropeanOption } from "../src/index.js"

// A third-party style model: Bachelier-like intrinsic-plus-constant, enough to exercise the contract's types.
const model = definePricingModel({
  name: "@acme/flat",
  version: "1.0.0",
  params: Schema.Struct({ premium: Schema.Finite }),
  price: (option: EuropeanOption, { premium }) =>
    Math.exp(-option.rate * option.expiry) *
    (Math.max(option.type === "call" ? option.forward - option.strike : option.strike - option.forward, 0) + premium)
})

describe("PricingModel", () => {
  it("definePricingModel keeps the object and fixes the parameter type", () => {
    expect(model.name).toBe("@acme/flat")
    expect(model.greeks).toBeUndefined()
    const params = Schema.decodeUnknownSync(model.params)({ premium: 1 })
    expect(model.price({ type: "call", forward: 105, strike: 100, expiry: 1, rate: 0 }, params)).toBe(6)
  })

  it("its params Schema rejects bad parameters", () => {
    expect(() => Schema.decodeUnknownSync(model.params)({ premium: "x" })).toThrow()
  })

  it("batch params take a number or a column per numeric field", () => {
    const shared: BatchParams<{ vol: number }> = { vol: 0.5 }
    const column: BatchParams<{ vol: number }> = { vol: new Float64Array([0.4, 0.5]) }
    expect(typeof shared.vol).toBe("number")
    expect(column.vol).toBeInstanceOf(Float64Array)
  })
})
