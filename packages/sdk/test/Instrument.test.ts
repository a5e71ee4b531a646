import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { Instrument, Market, Time } from "../src/index.js"

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

describe("Market", () => {
  const option = Schema.decodeUnknownSync(Instrument.OptionInstrument)({
    kind: "option",
    symbol: "BTC-27MAR26-90000-C",
    underlying: "BTC",
    optionType: "call",
    strike: 90000,
    expiryMs: 1774598400000,
    settlement: "inverse",
    multiplier: 1
  })

  it("turns an instrument and a market into model inputs, time from the timestamps", () => {
    const inputs = Market.europeanOption(option, 1767115875944, 89559.35, 0)
    expect(inputs).toEqual({
      type: "call",
      forward: 89559.35,
      strike: 90000,
      expiry: (1774598400000 - 1767115875944) / 31_536_000_000,
      rate: 0
    })
  })

  it("refuses an expired option, a bad forward and a bad rate with typed errors", () => {
    expect(() => Market.europeanOption(option, 1774598400000, 89559.35, 0)).toThrow(/invalid atMs/)
    expect(() => Market.europeanOption(option, 0, -1, 0)).toThrow(/invalid forward: got -1/)
    expect(() => Market.europeanOption(option, 0, 1, NaN)).toThrow(/invalid rate/)
  })

  it("decodes an option quote with one-sided books", () => {
    const quote = Schema.decodeUnknownSync(Market.OptionQuote)({
      timestampMs: 1767115875944,
      symbol: "BTC-31DEC25-100000-C",
      premiumUnit: "coin",
      ask: 0.0001,
      mark: 0,
      markVol: 0.5932,
      forward: 88535.18
    })
    expect(quote.bid).toBeUndefined()
    expect(() => Schema.decodeUnknownSync(Market.OptionQuote)({ ...quote, mark: -1 })).toThrow(/mark/)
  })
})
