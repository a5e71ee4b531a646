import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { Instrument, Time } from "../src/index.js"

const decode = Schema.decodeUnknownSync(Instrument.Instrument)

describe("Instrument", () => {
  it("decodes a Deribit inverse option", () => {
    const option = decode({
      kind: "option",
      symbol: "BTC-27MAR26-90000-C",
      underlying: "BTC",
      optionType: "call",
      strike: 90000,
      expiryMs: 1774598400000,
      settlement: "inverse",
      multiplier: 1
    })
    expect(option.kind).toBe("option")
  })

  it("rejects a non-positive strike and an unknown settlement, naming the path", () => {
    const base = {
      kind: "option",
      symbol: "X",
      underlying: "BTC",
      optionType: "put",
      strike: 100,
      expiryMs: 0,
      settlement: "inverse",
      multiplier: 1
    }
    expect(() => decode({ ...base, strike: -1 })).toThrow(/strike/)
    expect(() => decode({ ...base, settlement: "physical" })).toThrow()
  })

  it("decodes perpetuals, futures and spot by kind", () => {
    expect(decode({ kind: "perpetual", symbol: "BTC-PERPETUAL", underlying: "BTC", settlement: "inverse", contractSize: 10 }).kind)
      .toBe("perpetual")
    expect(
      decode({ kind: "future", symbol: "BTC-27MAR26", underlying: "BTC", expiryMs: 1774598400000, settlement: "inverse", contractSize: 10 })
        .kind
    ).toBe("future")
    expect(decode({ kind: "spot", symbol: "BTC", underlying: "BTC" }).kind).toBe("spot")
  })
})

describe("Time", () => {
  it("measures ACT/365 from millisecond timestamps, without day rounding", () => {
    expect(Time.yearFraction(0, 365 * 86_400_000)).toBe(1)
    // The bundled chain's first BTC-27MAR26 row: 2025-12-30 17:31:15.944 UTC → 2026-03-27 08:00 UTC.
    expect(Time.yearFraction(1767115875944, 1774598400000)).toBe((1774598400000 - 1767115875944) / 31_536_000_000)
    expect(Time.yearFraction(1767115875944, 1774598400000)).toBeCloseTo(0.2372692813, 10)
    expect(Time.yearFraction(60_000, 0)).toBeLessThan(0)
  })
})
