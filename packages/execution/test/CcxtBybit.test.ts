import type { Venue } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { assert, describe, it } from "vitest"
import type * as Ccxt from "../src/Ccxt.js"
import { BYBIT_SYMBOLS, FakeBybit } from "./support/ccxtBybit.js"
import { configFor, steppingClock, until, withCcxt } from "./support/ccxtHarness.js"

const PERP = "BTCUSDT-PERP"
const CALL = "BTC-26MAR27-100000-C"

const setup = (overrides: Partial<Ccxt.CcxtConfig> = {}) => {
  const fake = new FakeBybit()
  return { fake, config: configFor(fake, "bybit", BYBIT_SYMBOLS, overrides) }
}

describe("ccxt adapter: Bybit", () => {
  it("places a market order on the testnet with orderLinkId = client id, qty in coins (1-coin contracts), and returns its fill", async () => {
    const { fake, config } = setup()
    const update = await withCcxt(config, (v) => v.place({ clientOrderId: "hk-s1-1700000000000-1", symbol: PERP, side: "sell", quantity: 0.25, type: "market" }))
    const [sent] = fake.sent("/v5/order/create", "POST")
    assert.strictEqual(sent!.url.host, "api-testnet.bybit.com")
    const body = sent!.json as Record<string, string>
    assert.deepStrictEqual([body.category, body.symbol, body.side, body.orderType, body.qty, body.orderLinkId], ["linear", "BTCUSDT", "Sell", "Market", "0.25", "hk-s1-1700000000000-1"])
    assert.deepStrictEqual([update.state, update.filledQuantity, update.averagePrice], ["filled", 0.25, 100_000])
    const fill = update.fills[0]!
    assert.deepStrictEqual([fill.side, fill.quantity, fill.price, fill.feeCurrency, fill.liquidity, fill.clientOrderId], ["sell", 0.25, 100_000, "USDT", "taker", "hk-s1-1700000000000-1"])
    assert.closeTo(fill.fee, 0.00055 * 0.25 * 100_000, 1e-9)
  })

  it("sends a post-only option limit (USDC-settled, price on the 5-USDC tick) and cancels it by client id", async () => {
    const { fake, config } = setup()
    await withCcxt(config, (v) =>
      Effect.gen(function*() {
        const placed = yield* v.place({ clientOrderId: "hk-o-1", symbol: CALL, side: "sell", quantity: 0.5, type: "limit", limitPrice: 6_181, postOnly: true })
        const body = fake.sent("/v5/order/create")[0]!.json as Record<string, string>
        assert.deepStrictEqual([body.category, body.symbol, body.price, body.qty, body.timeInForce, body.orderLinkId], ["option", CALL, "6185", "0.5", "PostOnly", "hk-o-1"])
        assert.strictEqual(placed.state, "open")
        const open = yield* v.openOrders
        assert.deepStrictEqual(open.map((o) => [o.clientOrderId, o.symbol]), [["hk-o-1", CALL]])
        const cancelled = yield* v.cancel("hk-o-1")
        assert.strictEqual(cancelled.state, "cancelled")
        assert.strictEqual((fake.sent("/v5/order/cancel")[0]!.json as Record<string, string>).orderId, placed.venueOrderId)
      }))
  })

  it("finds an order by orderLinkId after a restart — in /v5/order/realtime, else /v5/order/history — and not an unknown one", async () => {
    const { fake, config } = setup()
    fake.now = steppingClock()
    await withCcxt(config, (v) =>
      Effect.all([
        v.place({ clientOrderId: "hk-rec-1", symbol: PERP, side: "buy", quantity: 0.1, type: "market" }),
        v.place({ clientOrderId: "hk-rec-2", symbol: PERP, side: "buy", quantity: 0.2, type: "limit", limitPrice: 95_000 })
      ]))
    fake.ledger.fill(fake.ledger.byClientId("hk-rec-2")[0]!.id, 0.05, 95_000, "maker")
    const [filled, partial, missing] = await withCcxt(config, (v) => Effect.all([v.orderByClientId("hk-rec-1"), v.orderByClientId("hk-rec-2"), v.orderByClientId("hk-rec-3")]))
    assert.deepStrictEqual([filled!.state, filled!.filledQuantity, filled!.fills.length], ["filled", 0.1, 1])
    assert.deepStrictEqual([partial!.state, partial!.filledQuantity, partial!.fills.map((f) => [f.quantity, f.liquidity])], ["partially-filled", 0.05, [[0.05, "maker"]]])
    assert.isUndefined(missing)
    const history = fake.sent("/v5/order/history").map((r) => r.query.orderLinkId)
    assert.include(history, "hk-rec-1", "a filled order is looked up in the history")
    assert.include(history, "hk-rec-3")
  })

  it("fillsSince and the fills stream read /v5/execution/list; the stream delivers each later fill once", async () => {
    const { fake, config } = setup()
    await withCcxt(config, (v) =>
      Effect.gen(function*() {
        const got: Array<Venue.Fill> = []
        yield* Effect.forkScoped(Stream.runForEach(v.fills, (f) => Effect.sync(() => got.push(f))))
        const resting = yield* v.place({ clientOrderId: "hk-l-9", symbol: PERP, side: "buy", quantity: 1, type: "limit", limitPrice: 99_500 })
        fake.ledger.fill(resting.venueOrderId!, 0.4, 99_500, "maker")
        yield* until(() => got.length === 1, "a later fill")
        yield* Effect.sleep("100 millis")
        assert.strictEqual(got.length, 1)
        assert.deepStrictEqual([got[0]!.clientOrderId, got[0]!.quantity, got[0]!.liquidity, got[0]!.feeCurrency], ["hk-l-9", 0.4, "maker", "USDT"])
        const since = yield* v.fillsSince(Date.now() - 60_000)
        assert.deepStrictEqual(since.map((f) => f.tradeId), [got[0]!.tradeId])
        const asked = fake.sent("/v5/execution/list").map((r) => `${r.query.category}/${r.query.symbol}/${r.query.execType}`)
        assert.includeMembers(asked, ["linear/BTCUSDT/Trade", `option/${CALL}/Trade`])
      }))
  })

  it("reports positions in contracts (coins for linear perpetuals) and the unified account's balances", async () => {
    const { fake, config } = setup()
    fake.ledger.submit({ clientId: "x", instrument: "BTCUSDT", side: "sell", type: "market", amount: 0.75, price: undefined, postOnly: false, reduceOnly: false, timeInForce: undefined, request: {} })
    fake.ledger.submit({ clientId: "y", instrument: CALL, side: "buy", type: "market", amount: 2, price: undefined, postOnly: false, reduceOnly: false, timeInForce: undefined, request: {} })
    const [positions, balances] = await withCcxt(config, (v) => Effect.all([v.positions, v.balances]))
    assert.sameDeepMembers([...positions], [{ symbol: PERP, quantity: -0.75 }, { symbol: CALL, quantity: 2 }])
    assert.sameDeepMembers([...balances], [{ currency: "USDT", total: 30_000.5, available: 28_000 }, { currency: "USDC", total: 5_000, available: 4_500.75 }])
    assert.strictEqual(fake.sent("/v5/account/wallet-balance")[0]!.query.accountType, "UNIFIED")
  })

  it("normalises ticker Greeks: vega × 100 (per 1.00 of vol), theta × 365 (per year), IVs as decimals", async () => {
    const { config } = setup()
    const g = await withCcxt(config, (v) => v.greeks(CALL))
    // hand-computed from the ticker: vega 190.3512 USD/pt → 19 035.12; theta −47.8211 USD/day → −17 454.7015 USD/yr
    assert.deepStrictEqual([g.delta, g.gamma], [0.55231, 0.00002143])
    assert.closeTo(g.vega, 19_035.12, 1e-9)
    assert.closeTo(g.theta, -17_454.7015, 1e-9)
    assert.deepStrictEqual([g.markIv, g.bidIv, g.askIv, g.underlyingPrice, g.markPrice, g.unitsPerContract], [0.5201, 0.5105, 0.5296, 101_240.8, 6_180.25, 1])
  })
})
