import { Venue } from "@hedgekit/sdk"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "vitest"
import * as Ccxt from "../src/Ccxt.js"
import { BYBIT_SYMBOLS, FakeBybit } from "./support/ccxtBybit.js"
import { DERIBIT_SYMBOLS, FakeDeribit } from "./support/ccxtDeribit.js"
import { buildFailure, configFor, CREDENTIALS, logged, withCcxt } from "./support/ccxtHarness.js"
import { FakeOkx, OKX_SYMBOLS } from "./support/ccxtOkx.js"

const order = (clientOrderId: string, symbol: string, quantity = 1): Venue.OrderRequest => ({ clientOrderId, symbol, side: "buy", quantity, type: "market" })

const SECRETS = [CREDENTIALS.apiKey, CREDENTIALS.secret, CREDENTIALS.password]

/** Every string a caller could see of an error. */
const surfaces = (e: unknown): Array<string> => {
  const error = e as Venue.VenueError
  return [String(e), error.message, error.detail, JSON.stringify(e), (e as Error).stack ?? ""]
}

describe("ccxt adapter: errors", () => {
  it("maps ccxt's classes to VenueError.retryable with the venue's code (OKX)", async () => {
    const fake = new FakeOkx()
    const path = "/api/v5/trade/batch-orders"
    fake.failNext(path, { status: 429, body: { code: "50011", msg: "Too Many Requests", data: [] } })
    fake.failNext(path, { body: { code: "1", msg: "All operations failed", data: [{ clOrdId: "hkQh2", ordId: "", sCode: "51008", sMsg: "Order failed. Insufficient USDT margin in account", tag: "" }] } })
    fake.failNext(path, { body: { code: "50001", msg: "Service temporarily unavailable. Please try again later.", data: [] } })
    fake.failNext(path, { status: 503, body: "<html>Service Unavailable</html>" })
    fake.breakNext(path, new TypeError("fetch failed"))
    fake.delayNext(path, 2_000)
    const errors = await withCcxt(configFor(fake, "okx", OKX_SYMBOLS, { timeoutMs: 150 }), (v) =>
      Effect.forEach(["hk-1", "hk-2", "hk-3", "hk-4", "hk-5", "hk-6"], (id) => Effect.flip(v.place(order(id, "BTC-USDT-PERP")))))
    const seen = errors.map((e) => [e.detail.split(":")[0], e.code, e.retryable])
    // the transport faults come first (the fake applies them before any answer)
    assert.deepStrictEqual(seen, [
      ["NetworkError", undefined, true],
      ["RequestTimeout", undefined, true],
      ["RateLimitExceeded", "50011", true],
      ["InsufficientFunds", "51008", false],
      ["OnMaintenance", "50001", true],
      ["ExchangeNotAvailable", "http-503", true]
    ])
    assert.isTrue(errors.every((e) => e instanceof Venue.VenueError && e.venue === "okx" && e.operation === "place"))
  })

  it("maps Bybit's retCodes: 10006 (HTTP 429) is retryable, 110007 (insufficient balance) and 10001 (bad request) are not", async () => {
    const fake = new FakeBybit()
    fake.failNext("/v5/order/create", { status: 429, body: { retCode: 10006, retMsg: "Too many visits!", result: {}, retExtInfo: {}, time: 1 } })
    fake.failNext("/v5/order/create", { body: { retCode: 110007, retMsg: "ab not enough for new order", result: {}, retExtInfo: {}, time: 1 } })
    fake.failNext("/v5/order/create", { body: { retCode: 10001, retMsg: "params error: qty invalid", result: {}, retExtInfo: {}, time: 1 } })
    const errors = await withCcxt(configFor(fake, "bybit", BYBIT_SYMBOLS), (v) =>
      Effect.forEach(["hk-1", "hk-2", "hk-3"], (id) => Effect.flip(v.place(order(id, "BTCUSDT-PERP", 0.01)))))
    assert.deepStrictEqual(errors.map((e) => [e.detail.split(":")[0], e.code, e.retryable]), [
      ["RateLimitExceeded", "10006", true],
      ["InsufficientFunds", "110007", false],
      ["BadRequest", "10001", false]
    ])
  })

  it("fails the layer with a config error for a symbol the venue does not list, and for an empty map", async () => {
    const fake = new FakeOkx()
    const unknown = await buildFailure(configFor(fake, "okx", { "ETH-PERP": "ETH/USDT:USDT" })) as Venue.VenueError
    assert.deepStrictEqual([unknown.operation, unknown.retryable], ["config", false])
    assert.match(unknown.detail, /ETH-PERP maps to "ETH\/USDT:USDT", which okx does not list/)
    const empty = await buildFailure(configFor(fake, "okx", {})) as Venue.VenueError
    assert.match(empty.detail, /no symbols/)
  })

  it("never shows a credential: in errors (auth failures echoing the key included), logs, or the config", async () => {
    const errors: Array<unknown> = []
    logged.length = 0
    // OKX: a wrong secret → 50113 Invalid Sign
    const okx = new FakeOkx()
    const wrong = { ...configFor(okx, "okx", OKX_SYMBOLS), secret: Redacted.make("hk-test-WRONG-secret-1234") }
    errors.push(await withCcxt(wrong, (v) => Effect.flip(v.place(order("hk-a", "BTC-USDT-PERP")))))
    // Bybit echoes the signed string, API key included, in its auth error ("origin_string[…]")
    const bybit = new FakeBybit()
    bybit.failNext("/v5/order/create", {
      status: 401,
      body: { retCode: 10004, retMsg: `error sign! origin_string[1767225600000${CREDENTIALS.apiKey}5000{"symbol":"BTCUSDT"}] secret=${CREDENTIALS.secret}`, result: {}, retExtInfo: {}, time: 1 }
    })
    errors.push(await withCcxt(configFor(bybit, "bybit", BYBIT_SYMBOLS), (v) => Effect.flip(v.place(order("hk-b", "BTCUSDT-PERP", 0.01)))))
    // Deribit: transport failure whose message carries the passphrase-like value, and an unauthorized answer
    const deribit = new FakeDeribit()
    deribit.breakNext("/api/v2/private/get_account_summaries", new TypeError(`connect ECONNREFUSED (token ${CREDENTIALS.password})`))
    deribit.failNext("/api/v2/private/get_positions", { status: 401, body: { jsonrpc: "2.0", error: { code: 13009, message: `unauthorized key ${CREDENTIALS.apiKey}` } } })
    const config = { ...configFor(deribit, "deribit", DERIBIT_SYMBOLS), password: Redacted.make(CREDENTIALS.password) }
    errors.push(...await withCcxt(config, (v) =>
      Effect.all([Effect.flip(v.balances), Effect.flip(v.positions), Effect.flip(v.greeks("BTC-PERPETUAL"))])))
    // a failing fills poll is logged
    deribit.failNext("/api/v2/private/get_user_trades_by_instrument_and_time", { status: 429, body: { jsonrpc: "2.0", error: { code: 10028, message: `too_many_requests for ${CREDENTIALS.apiKey}` } } })
    await withCcxt(config, (v) => Stream.runDrain(Stream.take(v.fills, 1)).pipe(Effect.timeout("300 millis"), Effect.ignore))
    const unauthorized = errors[0] as Venue.VenueError
    assert.deepStrictEqual([unauthorized.code, unauthorized.retryable], ["50113", false])
    assert.match(unauthorized.detail, /^AuthenticationError: /)
    assert.deepStrictEqual([(errors[1] as Venue.VenueError).code, (errors[2] as Venue.VenueError).retryable, (errors[3] as Venue.VenueError).code], ["10004", true, "13009"])
    assert.isTrue(logged.some((line) => line.includes("fills poll failed")), "the failed poll was logged")
    const texts = [...errors.flatMap(surfaces), ...logged, String(config), JSON.stringify(config), String(config.apiKey)]
    for (const secret of SECRETS) {
      for (const text of texts) assert.notInclude(text, secret)
    }
    assert.isTrue(texts.some((t) => t.includes("<redacted>")), "what was echoed is shown redacted")
  })

  it("loads ccxt only dynamically: no static value import of ccxt anywhere in the adapter's sources", () => {
    const root = join(__dirname, "..", "src")
    const files = [join(root, "Ccxt.ts"), ...readdirSync(join(root, "internal", "ccxt")).map((f) => join(root, "internal", "ccxt", f))]
    let dynamic = 0
    for (const file of files) {
      // code only: the documentation may mention `import("ccxt")`
      const source = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")
      assert.notMatch(source, /^\s*import\s+(?!type\b)[^;]*from\s+["']ccxt["']/m, file)
      assert.notMatch(source, /^\s*export\s+[^;]*from\s+["']ccxt["']/m, file)
      assert.notMatch(source, /require\(\s*["']ccxt["']\s*\)/, file)
      dynamic += (source.match(/import\(\s*["']ccxt["']\s*\)/g) ?? []).length
    }
    assert.strictEqual(dynamic, 1, "one dynamic import, in the loader")
  })

  it("builds from configuration (environment), with the credentials Redacted, and provides the SDK Venue", async () => {
    const fake = new FakeDeribit()
    const env = ConfigProvider.fromEnv({
      env: {
        HK_CCXT_EXCHANGE: "deribit",
        HK_CCXT_API_KEY: CREDENTIALS.apiKey,
        HK_CCXT_SECRET: CREDENTIALS.secret,
        HK_CCXT_SYMBOLS: "BTC-PERPETUAL=BTC/USD:BTC, BTC-26MAR27-100000-C=BTC/USD:BTC-270326-100000-C",
        HK_CCXT_RATE_LIMIT: "false",
        HK_CCXT_CLIENT_ORDER_PREFIX: "hk-"
      }
    })
    const parsed = await Effect.runPromise(Ccxt.configFromEnv("HK_CCXT").parse(env))
    assert.isTrue(Redacted.isRedacted(parsed.apiKey) && Redacted.isRedacted(parsed.secret))
    assert.deepStrictEqual(parsed.symbols, { "BTC-PERPETUAL": "BTC/USD:BTC", "BTC-26MAR27-100000-C": "BTC/USD:BTC-270326-100000-C" })
    assert.deepStrictEqual([parsed.exchange, parsed.enableRateLimit, parsed.clientOrderPrefix, parsed.sandbox], ["deribit", false, "hk-", undefined])
    const layer = Ccxt.layer({ ...parsed, fetchImplementation: fake.fetch })
    const [name, balances, greeks] = await Effect.runPromise(Effect.gen(function*() {
      const venue = yield* Venue.Venue
      const ccxt = yield* Ccxt.Ccxt
      return [venue.name, yield* venue.balances, yield* ccxt.greeks("BTC-26MAR27-100000-C")] as const
    }).pipe(Effect.provide(layer)))
    assert.strictEqual(name, "deribit")
    assert.deepStrictEqual(balances.map((b) => b.currency), ["BTC", "USDC"])
    assert.closeTo(greeks.vega, 14_190.146, 1e-9)
    const bad = await Effect.runPromise(Effect.flip(Ccxt.configFromEnv("HK_CCXT").parse(ConfigProvider.fromEnv({
      env: { HK_CCXT_EXCHANGE: "deribit", HK_CCXT_API_KEY: "k", HK_CCXT_SECRET: "s", HK_CCXT_SYMBOLS: "BTC-PERPETUAL" }
    }))))
    assert.match(String(bad), /HK_CCXT_SYMBOLS: "BTC-PERPETUAL" is not SDK=ccxt/)
    assert.isTrue(Layer.isLayer(Ccxt.layerConfig(Ccxt.configFromEnv("HK_CCXT"))))
  })
})
