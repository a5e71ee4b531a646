import * as fc from "fast-check"
import { assert, describe, it } from "vitest"
import * as ClientIds from "../src/internal/ccxt/clientIds.js"
import { scrub, venueCode } from "../src/internal/ccxt/errors.js"
import * as Mapping from "../src/internal/ccxt/mapping.js"

describe("ccxt adapter: client ids, symbols, codes", () => {
  it("escapes OKX client ids reversibly into letters and digits (and never decodes a malformed escape)", () => {
    const id = fc.string({ unit: fc.constantFrom(..."abcQqZ019-_.:/".split("")), minLength: 1, maxLength: 16 })
    fc.assert(fc.property(id, (x) => {
      const encoded = ClientIds.okx.encode(x)
      if ("reason" in encoded) return encoded.reason.includes("above its 32")
      return /^[A-Za-z0-9]+$/.test(encoded.id) && ClientIds.okx.decode(encoded.id) === x
    }))
    assert.deepStrictEqual(ClientIds.okx.encode("hk-lqz1-1700000000000-1"), { id: "hkQhlqz1Qh1700000000000Qh1" })
    assert.isUndefined(ClientIds.okx.decode("e847386590ce4dBCQx"), "Q must start an escape")
    assert.match((ClientIds.okx.encode("a b") as { reason: string }).reason, /cannot carry/)
    assert.deepStrictEqual(ClientIds.bybit.encode("hk-1_2"), { id: "hk-1_2" })
    assert.match((ClientIds.bybit.encode("x".repeat(37)) as { reason: string }).reason, /36/)
    assert.match((ClientIds.deribit.encode("y".repeat(65)) as { reason: string }).reason, /64/)
  })

  it("reads a unified symbol's kind before the markets are loaded", () => {
    assert.deepStrictEqual(Mapping.parseSymbol("BTC/USDT"), { base: "BTC", quote: "USDT", settle: undefined, kind: "spot" })
    assert.deepStrictEqual(Mapping.parseSymbol("BTC/USD:BTC"), { base: "BTC", quote: "USD", settle: "BTC", kind: "perpetual" })
    assert.strictEqual(Mapping.parseSymbol("BTC/USD:BTC-270326")?.kind, "future")
    assert.strictEqual(Mapping.parseSymbol("AVAX/USDC:USDC-270326-8.6-P")?.kind, "option")
    assert.isUndefined(Mapping.parseSymbol("BTC-PERPETUAL"))
  })

  it("finds the venue's code in ccxt's messages, else the HTTP status", () => {
    assert.strictEqual(venueCode("okx", `okx {"code":"1","data":[{"sCode":"51008","sMsg":"x"}],"msg":""}`), "51008")
    assert.strictEqual(venueCode("okx", `okx {"code":"50011","data":[],"msg":"Too Many Requests"}`), "50011")
    assert.strictEqual(venueCode("bybit", `bybit {"retCode":110007,"retMsg":"ab not enough"}`), "110007")
    assert.strictEqual(venueCode("binance", `binance {"code":-2019,"msg":"Margin is insufficient."}`), "-2019")
    assert.strictEqual(venueCode("deribit", `deribit {"jsonrpc":"2.0","error":{"code":10028,"message":"too_many_requests"}}`), "10028")
    assert.strictEqual(venueCode("okx", "okx POST https://www.okx.com/api/v5/trade/batch-orders 503 Service Unavailable <html>"), "http-503")
    assert.isUndefined(venueCode("okx", "okx POST https://www.okx.com/api/v5/trade/batch-orders fetch failed"))
  })

  it("rounds limit prices away from the market", () => {
    assert.strictEqual(Mapping.roundLimitPrice(0.5, 100_000.74, "buy"), 100_000.5)
    assert.strictEqual(Mapping.roundLimitPrice(0.5, 100_000.26, "sell"), 100_000.5)
    assert.strictEqual(Mapping.roundLimitPrice(0.5, 100_000.5, "sell"), 100_000.5)
    assert.strictEqual(Mapping.roundLimitPrice(0.0005, 0.0123, "buy"), 0.012)
  })
})

describe("ccxt adapter: scrubbing", () => {
  it("redacts credential values and URL signatures", () => {
    assert.strictEqual(
      scrub("binance GET https://fapi.binance.com/fapi/v1/order?timestamp=1&signature=9c93fa44cb03 404 key=K3Y-value", ["K3Y-value"]),
      "binance GET https://fapi.binance.com/fapi/v1/order?timestamp=1&signature=<redacted> 404 key=<redacted>"
    )
  })
})
