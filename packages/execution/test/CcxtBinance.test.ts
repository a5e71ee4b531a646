import type { Venue } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import { assert, describe, it } from "vitest"
import type * as Ccxt from "../src/Ccxt.js"
import { BINANCE_SYMBOLS, FakeBinance } from "./support/ccxtBinance.js"
import { buildFailure, configFor, withCcxt } from "./support/ccxtHarness.js"

const PERP = "BTCUSDT-PERP"
const CALL = "BTC-270326-100000-C"

const setup = (overrides: Partial<Ccxt.CcxtConfig> = {}) => {
  const fake = new FakeBinance()
  return { fake, config: configFor(fake, "binance", BINANCE_SYMBOLS, overrides) }
}

describe("ccxt adapter: Binance (USDⓈ-M perpetuals and options)", () => {
  it("sandbox is Binance demo trading (ccxt refuses the futures testnet), which lists no options", async () => {
    const fake = new FakeBinance()
    const update = await withCcxt(configFor(fake, "binance", { [PERP]: "BTC/USDT:USDT" }), (v) =>
      v.place({ clientOrderId: "hk-d-1", symbol: PERP, side: "buy", quantity: 0.004, type: "market" }))
    const [sent] = fake.sent("/fapi/v1/order", "POST")
    assert.strictEqual(sent!.url.host, "demo-fapi.binance.com")
    const form = sent!.json as Record<string, string>
    assert.deepStrictEqual([form.symbol, form.side, form.type, form.quantity, form.newClientOrderId], ["BTCUSDT", "BUY", "MARKET", "0.004", "hk-d-1"])
    assert.deepStrictEqual([update.state, update.filledQuantity, update.fills[0]!.feeCurrency, update.fills[0]!.clientOrderId], ["filled", 0.004, "USDT", "hk-d-1"])
    const noOptions = await buildFailure(configFor(new FakeBinance(), "binance", BINANCE_SYMBOLS)) as Venue.VenueError
    assert.match(noOptions.detail, /does not list \(in sandbox mode\)/)
  })

  it("sends option orders as Binance documents them (clientOrderId, postOnly, LIMIT only) and normalises the mark Greeks", async () => {
    const { fake, config } = setup({ sandbox: false })
    const [placed, market, greeks] = await withCcxt(config, (v) =>
      Effect.all([
        v.place({ clientOrderId: "hk-o-1", symbol: CALL, side: "buy", quantity: 0.5, type: "limit", limitPrice: 6_003, postOnly: true }),
        v.place({ clientOrderId: "hk-o-2", symbol: CALL, side: "buy", quantity: 0.5, type: "market" }),
        v.greeks(CALL)
      ]))
    const [sent] = fake.sent("/eapi/v1/order", "POST")
    assert.strictEqual(sent!.url.host, "eapi.binance.com")
    const form = sent!.json as Record<string, string>
    assert.deepStrictEqual(
      [form.symbol, form.type, form.price, form.quantity, form.clientOrderId, form.newClientOrderId, form.postOnly, form.timeInForce],
      [CALL, "LIMIT", "6000", "0.5", "hk-o-1", "hk-o-1", "true", "GTC"]
    )
    assert.deepStrictEqual([placed.state, placed.clientOrderId], ["open", "hk-o-1"])
    assert.deepStrictEqual([market.state, market.reason], ["rejected", "Binance options take limit orders only"])
    assert.strictEqual(fake.sent("/eapi/v1/order", "POST").length, 1)
    // hand-computed from /eapi/v1/mark: vega 188.7712 USDT/pt → 18 877.12; theta −51.2033 USDT/day → −18 689.2045 USDT/yr
    assert.deepStrictEqual([greeks.delta, greeks.gamma, greeks.markIv, greeks.bidIv, greeks.askIv, greeks.markPrice], [0.56012, 0.00002201, 0.5405, 0.5312, 0.5498, 6_150])
    assert.closeTo(greeks.vega, 18_877.12, 1e-9)
    assert.closeTo(greeks.theta, -18_689.2045, 1e-9)
  })

  it("after a restart: finds orders by client id and learns the client ids of trades from their orders (Binance trades carry none)", async () => {
    const { fake, config } = setup({ sandbox: false })
    await withCcxt(config, (v) =>
      Effect.all([
        v.place({ clientOrderId: "hk-r-1", symbol: PERP, side: "sell", quantity: 0.01, type: "market" }),
        v.place({ clientOrderId: "hk-r-2", symbol: CALL, side: "sell", quantity: 1, type: "limit", limitPrice: 6_200 })
      ]))
    const fills = await withCcxt(config, (v) => v.fillsSince(Date.now() - 60_000))
    assert.deepStrictEqual(fills.map((f) => [f.clientOrderId, f.symbol, f.quantity]), [["hk-r-1", PERP, 0.01]])
    const byId = fake.sent("/fapi/v1/order", "GET").filter((r) => r.query.orderId !== undefined)
    assert.strictEqual(byId.length, 1, "the trade's order was read once for its client id")
    const [perp, option, missing] = await withCcxt(config, (v) =>
      Effect.all([v.orderByClientId("hk-r-1"), v.orderByClientId("hk-r-2"), v.orderByClientId("hk-r-3")]))
    assert.deepStrictEqual([perp!.state, perp!.filledQuantity, perp!.fills.length], ["filled", 0.01, 1])
    assert.deepStrictEqual([option!.state, option!.symbol], ["open", CALL])
    assert.isUndefined(missing)
    assert.include(fake.sent("/fapi/v1/order", "GET").map((r) => r.query.origClientOrderId), "hk-r-1")
    assert.include(fake.sent("/eapi/v1/order", "GET").map((r) => r.query.clientOrderId), "hk-r-2")
  })
})
