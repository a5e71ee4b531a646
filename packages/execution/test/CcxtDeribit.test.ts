import type { Venue } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { assert, describe, it } from "vitest"
import type * as Ccxt from "../src/Ccxt.js"
import { DERIBIT_SYMBOLS, deribitError, FakeDeribit } from "./support/ccxtDeribit.js"
import { configFor, steppingClock, until, withCcxt } from "./support/ccxtHarness.js"

const PERP = "BTC-PERPETUAL"
const LINEAR = "BTC_USDC-PERPETUAL"
const CALL = "BTC-26MAR27-100000-C"

const setup = (overrides: Partial<Ccxt.CcxtConfig> = {}) => {
  const fake = new FakeDeribit()
  return { fake, config: configFor(fake, "deribit", DERIBIT_SYMBOLS, overrides) }
}

describe("ccxt adapter: Deribit (fallback)", () => {
  it("places on the testnet with label = client id, amount = contracts × 10 USD, valid_until; the fill's fee is in BTC", async () => {
    const { fake, config } = setup()
    const validUntilMs = Date.now() + 10_000
    const update = await withCcxt(config, (v) => v.place({ clientOrderId: "hk-s1-1700000000000-1", symbol: PERP, side: "buy", quantity: 3, type: "market", validUntilMs }))
    const [sent] = fake.sent("/api/v2/private/buy")
    assert.strictEqual(sent!.url.host, "test.deribit.com")
    assert.deepStrictEqual(
      [sent!.query.instrument_name, sent!.query.amount, sent!.query.type, sent!.query.label, sent!.query.valid_until],
      [PERP, "30", "market", "hk-s1-1700000000000-1", String(validUntilMs)]
    )
    assert.isUndefined(sent!.query.clientOrderId, "ccxt's deribit does not map clientOrderId: the adapter sends label")
    assert.deepStrictEqual([update.state, update.filledQuantity, update.averagePrice, update.clientOrderId], ["filled", 3, 100_000, "hk-s1-1700000000000-1"])
    const fill = update.fills[0]!
    assert.deepStrictEqual([fill.quantity, fill.price, fill.feeCurrency, fill.liquidity], [3, 100_000, "BTC", "taker"])
    assert.closeTo(fill.fee, 0.0005 * 30 / 100_000, 1e-15)
    // the answer carried the trades: no extra request for them
    assert.strictEqual(fake.sent("/api/v2/private/get_user_trades_by_order").length, 0)
  })

  it("puts option limits on Deribit's price-dependent tick (0.0005 above 0.005), post-only with reject_post_only", async () => {
    const { fake, config } = setup()
    await withCcxt(config, (v) =>
      Effect.all([
        v.place({ clientOrderId: "hk-b", symbol: CALL, side: "buy", quantity: 1.5, type: "limit", limitPrice: 0.0123, postOnly: true }),
        v.place({ clientOrderId: "hk-s", symbol: CALL, side: "sell", quantity: 0.5, type: "limit", limitPrice: 0.0123, reduceOnly: true }),
        v.place({ clientOrderId: "hk-t", symbol: CALL, side: "buy", quantity: 0.2, type: "limit", limitPrice: 0.00417 })
      ]))
    const [buy] = fake.sent("/api/v2/private/buy")
    const [sell] = fake.sent("/api/v2/private/sell")
    assert.deepStrictEqual([buy!.query.price, buy!.query.amount, buy!.query.post_only, buy!.query.reject_post_only], ["0.012", "1.5", "true", "true"])
    assert.deepStrictEqual([sell!.query.price, sell!.query.reduce_only, sell!.query.time_in_force], ["0.0125", "true", "good_til_cancelled"])
    assert.strictEqual(fake.sent("/api/v2/private/buy")[1]!.query.price, "0.0041", "below 0.005 the tick is 0.0001")
  })

  it("finds orders by label (private/get_order_state_by_label) after a restart, cancels one, and reports an unknown label as undefined", async () => {
    const { fake, config } = setup()
    await withCcxt(config, (v) =>
      Effect.all([
        v.place({ clientOrderId: "hk-rec-1", symbol: PERP, side: "sell", quantity: 2, type: "market" }),
        v.place({ clientOrderId: "hk-rec-2", symbol: LINEAR, side: "buy", quantity: 250, type: "limit", limitPrice: 98_000 })
      ]))
    await withCcxt(config, (v) =>
      Effect.gen(function*() {
        const filled = yield* v.orderByClientId("hk-rec-1")
        assert.deepStrictEqual([filled!.state, filled!.filledQuantity, filled!.symbol, filled!.fills.length], ["filled", 2, PERP, 1])
        const open = yield* v.orderByClientId("hk-rec-2")
        assert.deepStrictEqual([open!.state, open!.symbol, open!.filledQuantity], ["open", LINEAR, 0])
        assert.isUndefined(yield* v.orderByClientId("hk-rec-3"))
        const byLabel = fake.sent("/api/v2/private/get_order_state_by_label").map((r) => `${r.query.currency}:${r.query.label}`)
        assert.includeMembers(byLabel, ["BTC:hk-rec-1", "USDC:hk-rec-2", "BTC:hk-rec-3", "USDC:hk-rec-3"])
        assert.deepStrictEqual((yield* v.openOrders).map((o) => o.clientOrderId), ["hk-rec-2"])
        const cancelled = yield* v.cancel("hk-rec-2")
        assert.strictEqual(cancelled.state, "cancelled")
        assert.strictEqual(fake.sent("/api/v2/private/cancel")[0]!.query.order_id, open!.venueOrderId)
      }))
  })

  it("fillsSince reads each instrument's trades by time (start, end, ascending) and converts USD amounts to contracts", async () => {
    const { fake, config } = setup()
    fake.now = steppingClock()
    for (const amount of [50, 120]) {
      fake.ledger.submit({ clientId: `hk-f-${amount}`, instrument: PERP, side: "buy", type: "market", amount, price: undefined, postOnly: false, reduceOnly: false, timeInForce: undefined, request: {} })
    }
    fake.ledger.submit({ clientId: "hk-f-opt", instrument: CALL, side: "sell", type: "market", amount: 0.3, price: undefined, postOnly: false, reduceOnly: false, timeInForce: undefined, request: {} })
    fake.ledger.submit({ clientId: "web-order", instrument: PERP, side: "sell", type: "market", amount: 10, price: undefined, postOnly: false, reduceOnly: false, timeInForce: undefined, request: {} })
    const fills = await withCcxt(config, (v) => v.fillsSince(Date.now() - 3_600_000))
    assert.deepStrictEqual(fills.map((f) => [f.clientOrderId, f.symbol, f.quantity, f.feeCurrency]), [
      ["hk-f-50", PERP, 5, "BTC"], ["hk-f-120", PERP, 12, "BTC"], ["hk-f-opt", CALL, 0.3, "BTC"]
    ])
    const request = fake.sent("/api/v2/private/get_user_trades_by_instrument_and_time")[0]!
    assert.deepStrictEqual([request.query.sorting, typeof request.query.end_timestamp], ["asc", "string"])
  })

  it("streams a later maker fill of a resting order with its rebate", async () => {
    const { fake, config } = setup()
    await withCcxt(config, (v) =>
      Effect.gen(function*() {
        const got: Array<Venue.Fill> = []
        yield* Effect.forkScoped(Stream.runForEach(v.fills, (f) => Effect.sync(() => got.push(f))))
        const resting = yield* v.place({ clientOrderId: "hk-mk", symbol: PERP, side: "sell", quantity: 4, type: "limit", limitPrice: 100_250 })
        fake.ledger.fill(resting.venueOrderId!, 40, 100_250, "maker")
        yield* until(() => got.length === 1, "the maker fill")
        const fill = got[0]!
        assert.deepStrictEqual([fill.clientOrderId, fill.quantity, fill.liquidity, fill.feeCurrency], ["hk-mk", 4, "maker", "BTC"])
        assert.isBelow(fill.fee, 0, "a maker rebate is a negative fee")
      }))
  })

  it("reports positions in contracts (BTC-PERPETUAL: 10-USD contracts; USDC perpetual: 0.001 BTC) and the account summaries' equity", async () => {
    const { fake, config } = setup()
    fake.openingPositions = { [PERP]: -50, [CALL]: 1.5, [LINEAR]: 0.25 }
    const [positions, balances] = await withCcxt(config, (v) => Effect.all([v.positions, v.balances]))
    assert.sameDeepMembers([...positions], [{ symbol: PERP, quantity: -5 }, { symbol: CALL, quantity: 1.5 }, { symbol: LINEAR, quantity: 250 }])
    assert.sameDeepMembers([...balances], [{ currency: "BTC", total: 2.5, available: 2.1 }, { currency: "USDC", total: 12_000, available: 11_500 }])
    assert.sameMembers(fake.sent("/api/v2/private/get_positions").map((r) => r.query.currency!), ["BTC", "USDC"])
  })

  it("normalises ticker Greeks: vega (USD/vol-pt) × 100, theta (USD/day) × 365, rho × 100, IVs ÷ 100, coin delta = delta − mark", async () => {
    const { config } = setup()
    const g = await withCcxt(config, (v) => v.greeks(CALL))
    // hand-computed from the ticker: 141.90146 × 100 = 14 190.146; −13.48784 × 365 = −4 923.0616; 130.63998 × 100 = 13 063.998;
    // NTD 0.59621 − 0.2168 = 0.37941; mark_iv 61.27 % = 0.6127
    assert.deepStrictEqual([g.delta, g.gamma], [0.59621, 0.00002])
    assert.closeTo(g.vega, 14_190.146, 1e-9)
    assert.closeTo(g.theta, -4_923.0616, 1e-9)
    assert.closeTo(g.rho!, 13_063.998, 1e-9)
    assert.closeTo(g.coinDelta!, 0.37941, 1e-12)
    assert.closeTo(g.markIv!, 0.6127, 1e-12)
    assert.closeTo(g.bidIv!, 0.6051, 1e-12)
    assert.closeTo(g.askIv!, 0.6188, 1e-12)
    assert.deepStrictEqual([g.underlyingPrice, g.markPrice, g.unitsPerContract, g.timeMs], [103_992.71, 0.2168, 1, 1_767_225_600_000])
  })

  it("maps Deribit's codes: 10028 too_many_requests is retryable, 10009 not_enough_funds is not", async () => {
    const { fake, config } = setup()
    fake.failNext("/api/v2/private/buy", deribitError(10028, "too_many_requests", 429))
    fake.failNext("/api/v2/private/sell", deribitError(10009, "not_enough_funds"))
    const [limited, broke] = await withCcxt(config, (v) =>
      Effect.all([
        Effect.flip(v.place({ clientOrderId: "hk-1", symbol: PERP, side: "buy", quantity: 1, type: "market" })),
        Effect.flip(v.place({ clientOrderId: "hk-2", symbol: PERP, side: "sell", quantity: 1, type: "market" }))
      ]))
    assert.deepStrictEqual([limited.venue, limited.operation, limited.code, limited.retryable], ["deribit", "place", "10028", true])
    assert.match(limited.detail, /^DDoSProtection: /)
    assert.deepStrictEqual([broke.code, broke.retryable], ["10009", false])
    assert.match(broke.detail, /^InsufficientFunds: /)
  })
})
