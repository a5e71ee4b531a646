import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { assert, describe, it } from "vitest"
import type * as Ccxt from "../src/Ccxt.js"
import { configFor, steppingClock, until, withCcxt } from "./support/ccxtHarness.js"
import { FakeOkx, OKX_SYMBOLS } from "./support/ccxtOkx.js"

const PERP = "BTC-USDT-PERP"
const INVERSE = "BTC-USD-PERP"
const CALL = "BTC-26MAR27-100000-C"

const setup = (overrides: Partial<Ccxt.CcxtConfig> = {}) => {
  const fake = new FakeOkx()
  return { fake, config: configFor(fake, "okx", OKX_SYMBOLS, overrides) }
}

describe("ccxt adapter: OKX", () => {
  it("places a market order with the client id as clOrdId (escaped), contracts as sz, in demo trading, and returns its fill", async () => {
    const { fake, config } = setup()
    const update = await withCcxt(config, (v) => v.place({ clientOrderId: "hk-s1-1700000000000-1", symbol: PERP, side: "buy", quantity: 3, type: "market" }))
    const [sent] = fake.sent("/api/v5/trade/batch-orders", "POST")
    const row = (sent!.json as Array<Record<string, string>>)[0]!
    assert.deepStrictEqual(
      [row.instId, row.side, row.ordType, row.sz, row.clOrdId, row.tdMode],
      ["BTC-USDT-SWAP", "buy", "market", "3", "hkQhs1Qh1700000000000Qh1", "cross"]
    )
    assert.strictEqual(sent!.headers["x-simulated-trading"], "1", "sandbox = OKX demo trading")
    assert.strictEqual(update.state, "filled")
    assert.strictEqual(update.clientOrderId, "hk-s1-1700000000000-1")
    assert.strictEqual(update.filledQuantity, 3)
    assert.strictEqual(update.averagePrice, 100_000)
    const fill = update.fills[0]!
    assert.deepStrictEqual(
      [fill.clientOrderId, fill.symbol, fill.side, fill.quantity, fill.price, fill.feeCurrency, fill.liquidity],
      ["hk-s1-1700000000000-1", PERP, "buy", 3, 100_000, "USDT", "taker"]
    )
    // OKX reports fee "-1.5" (charged); the SDK counts a paid fee positive: 0.05 % × 3 × 0.01 BTC × 100 000
    assert.closeTo(fill.fee, 1.5, 1e-9)
  })

  it("rests a post-only limit on the option (price rounded down to the tick for a buy), lists it, and cancels it by client id", async () => {
    const { fake, config } = setup()
    await withCcxt(config, (v) =>
      Effect.gen(function*() {
        const placed = yield* v.place({ clientOrderId: "hk-opt-1", symbol: CALL, side: "buy", quantity: 10, type: "limit", limitPrice: 0.06123, postOnly: true })
        assert.strictEqual(placed.state, "open")
        assert.strictEqual(placed.filledQuantity, 0)
        const row = (fake.sent("/api/v5/trade/batch-orders")[0]!.json as Array<Record<string, string>>)[0]!
        assert.deepStrictEqual([row.ordType, row.px, row.sz, row.clOrdId], ["post_only", "0.061", "10", "hkQhoptQh1"])
        // someone else's order on the same instrument is not ours
        fake.ledger.submit({
          clientId: "manual1", instrument: "BTC-USD-270326-100000-C", side: "sell", type: "limit", amount: 1, price: 0.07, postOnly: false,
          reduceOnly: false, timeInForce: "limit", request: {}
        })
        const open = yield* v.openOrders
        assert.deepStrictEqual(open.map((o) => [o.clientOrderId, o.symbol, o.state]), [["hk-opt-1", CALL, "open"]])
        const cancelled = yield* v.cancel("hk-opt-1")
        assert.strictEqual(cancelled.state, "cancelled")
        assert.strictEqual(cancelled.venueOrderId, placed.venueOrderId)
        assert.deepStrictEqual((fake.sent("/api/v5/trade/cancel-order")[0]!.json as Record<string, string>).ordId, placed.venueOrderId)
        assert.strictEqual((yield* v.openOrders).length, 0)
        // cancelling again reports the final state; an unknown id is "rejected", not an error
        assert.strictEqual((yield* v.cancel("hk-opt-1")).state, "cancelled")
        const unknown = yield* v.cancel("hk-never-sent")
        assert.strictEqual(unknown.state, "rejected")
        assert.match(unknown.reason!, /no order/)
      }))
  })

  it("sends reduce-only and IOC limits as OKX order types", async () => {
    const { fake, config } = setup({ limitTimeInForce: "IOC" })
    await withCcxt(config, (v) => v.place({ clientOrderId: "hk-r-1", symbol: INVERSE, side: "sell", quantity: 2, type: "limit", limitPrice: 100_500.04, reduceOnly: true }))
    const row = (fake.sent("/api/v5/trade/batch-orders")[0]!.json as Array<Record<string, unknown>>)[0]!
    // a sell rounds up to the 0.1 tick
    assert.deepStrictEqual([row.ordType, row.px, String(row.reduceOnly), row.sz], ["ioc", "100500.1", "true", "2"])
  })

  it("refuses locally what cannot be sent: off-lot size, an id too long once escaped, an unmapped symbol, a limit without price", async () => {
    const { fake, config } = setup()
    await withCcxt(config, (v) =>
      Effect.gen(function*() {
        const sent = fake.requests.length
        const off = yield* v.place({ clientOrderId: "hk-a", symbol: PERP, side: "buy", quantity: 2.5, type: "market" })
        assert.strictEqual(off.state, "rejected")
        assert.match(off.reason!, /multiple of 1 contracts/)
        const long = yield* v.place({ clientOrderId: "hk-session12-1700000000000-123", symbol: PERP, side: "buy", quantity: 1, type: "market" })
        assert.strictEqual(long.state, "rejected")
        assert.match(long.reason!, /above its 32/)
        assert.strictEqual((yield* v.place({ clientOrderId: "hk-b", symbol: "ETH-PERP", side: "buy", quantity: 1, type: "market" })).state, "rejected")
        assert.strictEqual((yield* v.place({ clientOrderId: "hk-c", symbol: PERP, side: "buy", quantity: 1, type: "limit" })).state, "rejected")
        assert.strictEqual(fake.requests.length, sent, "nothing was sent")
      }))
  })

  it("finds an order by client id after a restart (clOrdId lookup), with its fills; an unknown id is undefined", async () => {
    const { fake, config } = setup()
    await withCcxt(config, (v) => v.place({ clientOrderId: "hk-rec-1", symbol: INVERSE, side: "sell", quantity: 4, type: "market" }))
    // a new adapter: nothing cached, so it must ask OKX by clOrdId
    const [found, missing] = await withCcxt(config, (v) => Effect.all([v.orderByClientId("hk-rec-1"), v.orderByClientId("hk-rec-2")]))
    assert.isDefined(found)
    assert.deepStrictEqual([found!.state, found!.filledQuantity, found!.symbol], ["filled", 4, INVERSE])
    assert.strictEqual(found!.fills.length, 1)
    // inverse perpetual: the fee is in the coin, 0.05 % × 4 × 100 USD / 100 000
    assert.deepStrictEqual([found!.fills[0]!.feeCurrency, found!.fills[0]!.quantity], ["BTC", 4])
    assert.closeTo(found!.fills[0]!.fee, 0.0005 * 400 / 100_000, 1e-12)
    assert.isUndefined(missing)
    const lookups = fake.sent("/api/v5/trade/order").map((r) => r.query.clOrdId).filter((id) => id !== undefined)
    assert.include(lookups, "hkQhrecQh1")
  })

  it("fillsSince pages back through OKX's 100-row fills history, keeps our prefix, oldest first", async () => {
    const { fake, config } = setup()
    fake.now = steppingClock()
    const order = fake.ledger.submit({
      clientId: "hkQhbigQh1", instrument: "BTC-USDT-SWAP", side: "buy", type: "limit", amount: 500, price: 99_000, postOnly: false, reduceOnly: false,
      timeInForce: "limit", request: {}
    })
    for (let i = 0; i < 150; i++) fake.ledger.fill(order.id, 1, 99_000, "maker")
    const foreign = fake.ledger.submit({
      clientId: "other7", instrument: "BTC-USDT-SWAP", side: "sell", type: "market", amount: 1, price: undefined, postOnly: false, reduceOnly: false,
      timeInForce: "market", request: {}
    })
    const fills = await withCcxt(config, (v) => v.fillsSince(Date.now() - 3_600_000))
    assert.strictEqual(fills.length, 150)
    assert.isTrue(fills.every((f) => f.clientOrderId === "hk-big-1" && f.liquidity === "maker" && f.quantity === 1))
    assert.isTrue(fills.every((f, i) => i === 0 || f.timeMs >= fills[i - 1]!.timeMs), "oldest first")
    assert.isFalse(fills.some((f) => f.venueOrderId === foreign.id))
    assert.isAtLeast(fake.sent("/api/v5/trade/fills-history").length, 2, "paged")
  })

  it("streams later fills of a resting order once each (not those place returned, nor older trades)", async () => {
    const { fake, config } = setup()
    const old = fake.ledger.submit({
      clientId: "hkQholdQh1", instrument: "BTC-USDT-SWAP", side: "buy", type: "market", amount: 1, price: undefined, postOnly: false, reduceOnly: false,
      timeInForce: "market", request: {}
    })
    await withCcxt(config, (v) =>
      Effect.gen(function*() {
        const got: Array<string> = []
        yield* Effect.forkScoped(Stream.runForEach(v.fills, (f) => Effect.sync(() => got.push(`${f.clientOrderId}:${f.quantity}:${f.liquidity}`))))
        const market = yield* v.place({ clientOrderId: "hk-m-1", symbol: PERP, side: "buy", quantity: 2, type: "market" })
        assert.strictEqual(market.fills.length, 1)
        const resting = yield* v.place({ clientOrderId: "hk-l-1", symbol: PERP, side: "sell", quantity: 5, type: "limit", limitPrice: 101_000 })
        fake.ledger.fill(resting.venueOrderId!, 2, 101_000, "maker")
        yield* until(() => got.length >= 1, "the first later fill")
        fake.ledger.fill(resting.venueOrderId!, 3, 101_000, "maker")
        yield* until(() => got.length >= 2, "the second later fill")
        yield* Effect.sleep("120 millis") // a few more polls: nothing is repeated
        assert.deepStrictEqual(got, ["hk-l-1:2:maker", "hk-l-1:3:maker"])
        assert.isAtLeast(fake.sent("/api/v5/trade/fills-history").length, 4)
      }))
    assert.isDefined(old)
  })

  it("reports positions in contracts (net, signed) and balances per currency", async () => {
    const { fake, config } = setup()
    fake.openingPositions = { "BTC-USDT-SWAP": 5, "BTC-USD-SWAP": -3, "BTC-USD-270326-100000-C": 10, "ETH-USDT-SWAP": 7 }
    const [positions, balances] = await withCcxt(config, (v) => Effect.all([v.positions, v.balances]))
    assert.sameDeepMembers([...positions], [{ symbol: PERP, quantity: 5 }, { symbol: INVERSE, quantity: -3 }, { symbol: CALL, quantity: 10 }])
    assert.sameDeepMembers([...balances], [{ currency: "USDT", total: 25_000.5, available: 21_000.25 }, { currency: "BTC", total: 1.25, available: 1.2 }])
    const asked = fake.sent("/api/v5/account/positions")[0]!.query.instId!.split(",")
    assert.sameMembers(asked, ["BTC-USDT-SWAP", "BTC-USD-SWAP", "BTC-USD-270326-100000-C"])
  })

  it("describes each instrument's contract: OKX ctVal × ctMult of ctValCcy", async () => {
    const { config } = setup()
    const [perp, inverse, call] = await withCcxt(config, (v) => Effect.all([v.instrument(PERP), v.instrument(INVERSE), v.instrument(CALL)]))
    assert.deepStrictEqual([perp.contractSize, perp.contractCurrency, perp.settlement, perp.quantityStep, perp.amountPerContract], [0.01, "BTC", "linear", 1, 1])
    assert.deepStrictEqual([inverse.contractSize, inverse.contractCurrency, inverse.settlement, inverse.venueId], [100, "USD", "inverse", "BTC-USD-SWAP"])
    assert.deepStrictEqual([call.kind, call.contractSize, call.contractCurrency, call.strike, call.optionType, call.tickSize], ["option", 0.01, "BTC", 100_000, "call", 0.0005])
  })

  it("normalises opt-summary Greeks: the BS delta and gamma, vegaBS × 100, the coin theta × fwdPx × 365", async () => {
    const { config } = setup()
    const g = await withCcxt(config, (v) => v.greeks(CALL))
    // hand-computed from the opt-summary row: vegaBS 190.35 USD/pt → 19 035 USD per 1.00;
    // theta −0.00047 BTC/day × 101 250.5 USD/BTC × 365 = −17 369.523 USD/yr
    assert.closeTo(g.delta, 0.5523, 1e-12)
    assert.closeTo(g.gamma, 0.0000214, 1e-15)
    assert.closeTo(g.vega, 19_035, 1e-9)
    assert.closeTo(g.theta, -0.00047 * 101_250.5 * 365, 1e-9)
    assert.closeTo(g.theta, -17_369.52328, 1e-4)
    assert.closeTo(g.coinDelta!, 0.4731, 1e-12)
    assert.deepStrictEqual([g.markIv, g.bidIv, g.askIv, g.underlyingPrice, g.unitsPerContract], [0.5551, 0.5488, 0.5612, 101_250.5, 0.01])
    const notOption = await withCcxt(config, (v) => Effect.flip(v.greeks(PERP)))
    assert.match(notOption.detail, /not an option/)
  })
})
