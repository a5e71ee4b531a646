import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { BatchStatus } from "@hedgekit/sdk"
import { Bachelier, Black76, Models } from "../src/index.js"

const chain = {
  length: 3,
  isCall: new Uint8Array([1, 0, 1]),
  forward: new Float64Array([90_000, 90_000, 90_000]),
  strike: new Float64Array([100_000, 80_000, 90_000]),
  expiry: new Float64Array([30 / 365, 7 / 365, 1 / 365]),
  rate: new Float64Array([0, 0, 0.01])
}
const columns = () => ({
  price: new Float64Array(3),
  delta: new Float64Array(3),
  gamma: new Float64Array(3),
  vega: new Float64Array(3),
  theta: new Float64Array(3),
  rho: new Float64Array(3)
})

describe("the closed-form models as SDK pricing models", () => {
  it("decode their params and price exactly as the modules do", () => {
    const params = Schema.decodeUnknownSync(Models.black76.params)({ vol: 0.55 })
    const option = { type: "call", forward: 90_000, strike: 100_000, expiry: 30 / 365, rate: 0 } as const
    expect(Models.black76.price(option, params)).toBe(Black76.price("call", 90_000, 100_000, 30 / 365, 0, 0.55))
    expect(Models.black76.greeks?.(option, params)).toEqual(Black76.greeks("call", 90_000, 100_000, 30 / 365, 0, 0.55))
    expect(Models.bachelier.price(option, { vol: 40_000 })).toBe(Bachelier.price("call", 90_000, 100_000, 30 / 365, 0, 40_000))
    expect(() => Schema.decodeUnknownSync(Models.black76.params)({ vol: -1 })).toThrow()
    expect(() => Schema.decodeUnknownSync(Models.black76.params)({})).toThrow()
  })

  it("take one vol for every row or a column of vols in batch calls", () => {
    const shared = columns(), perRow = columns()
    const status = new Uint8Array(3)
    Models.black76.greeksBatch?.(chain, { vol: 0.6 }, shared, status)
    expect([...status]).toEqual([0, 0, 0])
    Models.black76.greeksBatch?.(chain, { vol: new Float64Array([0.6, 0.6, 0.6]) }, perRow, status)
    expect(perRow).toEqual(shared)
    const prices = new Float64Array(3)
    Models.black76.priceBatch?.(chain, { vol: new Float64Array([0.5, 0.7, 0.9]) }, prices, status)
    expect(prices[1]).toBe(Black76.price("put", 90_000, 80_000, 7 / 365, 0, 0.7))
  })

  it("mark rows with a bad vol and reject a short vol column", () => {
    const out = columns()
    const status = new Uint8Array(3)
    Models.black76.greeksBatch?.(chain, { vol: new Float64Array([0.5, NaN, 0.5]) }, out, status)
    expect([...status]).toEqual([BatchStatus.OK, BatchStatus.INVALID_VOL, BatchStatus.OK])
    Models.bachelier.priceBatch?.(chain, { vol: -3 }, new Float64Array(3), status)
    expect([...status]).toEqual([BatchStatus.INVALID_VOL, BatchStatus.INVALID_VOL, BatchStatus.INVALID_VOL])
    expect(() => Models.black76.priceBatch?.(chain, { vol: new Float64Array(2) }, new Float64Array(3), status)).toThrow(
      /vol/
    )
  })
})
