import { describe, expect, it } from "vitest"
import { BatchStatus, InvalidInput, isHedgekitError, NoConvergence, PriceOutOfBounds, toRecord } from "../src/index.js"

describe("Errors", () => {
  it("InvalidInput names the field, the value and what was expected", () => {
    const e = new InvalidInput({ field: "spot", value: -1, expected: "a finite number > 0" })
    expect(e._tag).toBe("InvalidInput")
    expect(e).toBeInstanceOf(Error)
    expect(e.message).toBe("invalid spot: got -1, expected a finite number > 0")
    expect(new InvalidInput({ field: "vol", value: NaN, expected: "x" }).message).toContain("got NaN")
    expect(new InvalidInput({ field: "type", value: "cal", expected: "x" }).message).toContain("got \"cal\"")
  })

  it("PriceOutOfBounds says which bound and the attainable range", () => {
    const below = new PriceOutOfBounds({ price: 1, lower: 2, upper: 100 })
    expect(below.message).toContain("below the lower bound")
    expect(below.message).toContain("between 2 and 100")
    const above = new PriceOutOfBounds({ price: 150, lower: 0, upper: 100 })
    expect(above.message).toContain("above the upper bound")
  })

  it("records are JSON-ready with tag, field, value and message", () => {
    const record = toRecord(new PriceOutOfBounds({ price: 150, lower: 0, upper: 100 }))
    expect(record).toEqual({ tag: "PriceOutOfBounds", field: "price", value: 150, message: expect.any(String) })
    expect(JSON.parse(JSON.stringify(record))).toEqual(record)
    const nc = toRecord(new NoConvergence({ method: "brent", iterations: 50, detail: "residual 1e-3" }))
    expect(nc.message).toBe("brent did not converge after 50 iteration(s): residual 1e-3")
  })

  it("the guard recognises our errors only", () => {
    expect(isHedgekitError(new InvalidInput({ field: "a", value: 1, expected: "b" }))).toBe(true)
    expect(isHedgekitError(new Error("x"))).toBe(false)
    expect(isHedgekitError({ _tag: "Other" })).toBe(false)
    expect(isHedgekitError(null)).toBe(false)
  })
})

describe("BatchStatus", () => {
  it("codes map back to the errors the scalar API throws", () => {
    const e = BatchStatus.toError(BatchStatus.INVALID_STRIKE, -5)
    expect(e._tag).toBe("InvalidInput")
    expect(e._tag === "InvalidInput" && e.field).toBe("strike")
    const b = BatchStatus.toError(BatchStatus.ABOVE_MAXIMUM, 150, { lower: 0, upper: 100 })
    expect(b._tag).toBe("PriceOutOfBounds")
    expect(BatchStatus.describe(BatchStatus.INVALID_EXPIRY).field).toBe("expiry")
  })

  it("codes are distinct and fit a Uint8Array", () => {
    const codes = Object.entries(BatchStatus).filter(([, v]) => typeof v === "number").map(([, v]) => v as number)
    expect(new Set(codes).size).toBe(codes.length)
    for (const c of codes) expect(c >= 0 && c < 256 && Number.isInteger(c)).toBe(true)
  })
})
