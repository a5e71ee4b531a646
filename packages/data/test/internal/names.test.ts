import { assert, describe, it } from "vitest"
import { headerNames, splitLine } from "../../src/internal/csv.js"
import { underlyingOf } from "../../src/internal/symbols.js"
import { expiryOfName, parseUtc } from "../../src/internal/time.js"

describe("parseUtc", () => {
  it("reads ccxt's and ISO stamps as UTC, keeping sub-millisecond digits", () => {
    assert.strictEqual(parseUtc("2023-01-01 08:00:00.008"), Date.UTC(2023, 0, 1, 8, 0, 0, 8))
    assert.strictEqual(parseUtc("2023-01-01T08:00:00Z"), Date.UTC(2023, 0, 1, 8))
    assert.strictEqual(parseUtc("2023-01-01 08:00:00.123456"), Date.UTC(2023, 0, 1, 8) + 123.456)
    assert.strictEqual(parseUtc("2026-03-27"), Date.UTC(2026, 2, 27))
  })

  it("rejects dates that do not exist and other zones", () => {
    for (const text of ["2026-02-30 00:00:00", "2026-13-01 00:00:00", "2026-01-01 24:00:00", "2026-01-01 08:00:00+02:00", "yesterday", ""]) {
      assert.isNaN(parseUtc(text), text)
    }
  })
})

describe("expiryOfName", () => {
  it("Deribit DMMMYY and YYMMDD names expire at 08:00 UTC", () => {
    assert.strictEqual(expiryOfName("BTC-27MAR26"), Date.UTC(2026, 2, 27, 8))
    assert.strictEqual(expiryOfName("BTC-9JUN20-9875-P"), Date.UTC(2020, 5, 9, 8))
    assert.strictEqual(expiryOfName("BTC-USD-260327"), Date.UTC(2026, 2, 27, 8))
    assert.strictEqual(expiryOfName("BTCUSDT_260327"), Date.UTC(2026, 2, 27, 8))
  })

  it("perpetuals and impossible dates have none", () => {
    for (const name of ["BTC-PERPETUAL", "BTCUSDT", "BTC-USDT-SWAP", "BTC_USDC-PERPETUAL", "BTC-31FEB26", "BTC-1XYZ26"]) {
      assert.isNaN(expiryOfName(name), name)
    }
  })
})

describe("underlyingOf", () => {
  it("finds the coin across naming schemes", () => {
    for (const name of ["BTC-27MAR26-90000-C", "BTC-PERPETUAL", "BTC_USDC-PERPETUAL", "BTC-USDT-SWAP", "BTCUSDT", "BTCUSD_PERP", "BTCUSDT_260327", "btc-perpetual"]) {
      assert.strictEqual(underlyingOf(name), "BTC", name)
    }
    assert.strictEqual(underlyingOf("USDT"), "USDT")
  })
})

describe("csv", () => {
  it("splits quoted fields with doubled quotes and commas inside", () => {
    assert.deepStrictEqual(splitLine(`a,"b,c","say ""hi""",,d`), ["a", "b,c", `say "hi"`, "", "d"])
    assert.deepStrictEqual(splitLine("a,,"), ["a", "", ""])
  })

  it("header names are trimmed and lose a byte-order mark", () => {
    assert.deepStrictEqual(headerNames("\uFEFFtimestamp, rate "), ["timestamp", "rate"])
  })
})
