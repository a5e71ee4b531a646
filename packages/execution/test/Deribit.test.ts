import { Venue } from "@hedgekit/sdk"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { afterEach, assert, beforeEach, describe, it } from "vitest"
import * as Deribit from "../src/Deribit.js"
import { collect, configFor, PERP, startFake, until, withDeribit } from "./support/deribitHarness.js"
import type { FakeDeribit } from "./support/fakeDeribit.js"

let fake: FakeDeribit
beforeEach(async () => {
  fake = await startFake()
})
afterEach(async () => {
  await fake.close()
})

const market = (clientOrderId: string, side: Venue.Side, quantity: number): Venue.OrderRequest => ({
  clientOrderId, symbol: PERP, side, quantity, type: "market"
})

describe("Deribit adapter: orders, fills, account", () => {
  it("places a market order in contracts: amount = contracts × 10 USD, label = clientOrderId, valid_until = now + horizon", async () => {
    const update = await withDeribit(configFor(fake, { validUntilMs: 7_000 }), (d) => d.place(market("hk-1-1", "buy", 3)))
    assert.strictEqual(update.state, "filled")
    assert.strictEqual(update.clientOrderId, "hk-1-1")
    assert.strictEqual(update.filledQuantity, 3)
    assert.strictEqual(update.averagePrice, 100_010)
    assert.strictEqual(update.fills.length, 1)
    const fill = update.fills[0]!
    assert.deepStrictEqual([fill.quantity, fill.price, fill.side, fill.liquidity, fill.feeCurrency], [3, 100_010, "buy", "taker", "BTC"])
    assert.closeTo(fill.fee, 0.0005 * 30 / 100_010, 1e-8)
    const [request] = fake.requests("private/buy")
    assert.strictEqual(request!.params.amount, 30)
    assert.strictEqual(request!.params.label, "hk-1-1")
    const validUntil = request!.params.valid_until as number
    assert.isTrue(validUntil > request!.timeMs + 6_000 && validUntil <= request!.timeMs + 7_100, `valid_until ${validUntil - request!.timeMs} ms ahead`)
  })

  it("rests a limit order, rounds its price to the tick away from the market, and cancels it by label", async () => {
    await withDeribit(configFor(fake), (d) =>
      Effect.gen(function*() {
        const placed = yield* d.place({ clientOrderId: "hk-lim", symbol: PERP, side: "buy", quantity: 2, type: "limit", limitPrice: 99_000.3 })
        assert.strictEqual(placed.state, "open")
        assert.strictEqual(fake.requests("private/buy")[0]!.params.price, 99_000)
        const open = yield* d.openOrders
        assert.deepStrictEqual(open.map((o) => [o.clientOrderId, o.state]), [["hk-lim", "open"]])
        const cancelled = yield* d.cancel("hk-lim")
        assert.strictEqual(cancelled.state, "cancelled")
        assert.strictEqual((yield* d.openOrders).length, 0)
        // cancelling again reports the final state, not an error
        assert.strictEqual((yield* d.cancel("hk-lim")).state, "cancelled")
        assert.strictEqual((yield* d.cancel("hk-unknown")).state, "rejected")
      }))
  })

  it("refuses locally what Deribit would refuse: off-step quantity, long label, unknown symbol, limit without price", async () => {
    await withDeribit(configFor(fake), (d) =>
      Effect.gen(function*() {
        const off = yield* d.place(market("hk-a", "buy", 2.5))
        assert.strictEqual(off.state, "rejected")
        assert.match(off.reason!, /multiple/)
        const long = yield* d.place(market("x".repeat(65), "buy", 1))
        assert.strictEqual(long.state, "rejected")
        assert.match(long.reason!, /64/)
        assert.strictEqual((yield* d.place({ ...market("hk-b", "buy", 1), symbol: "BTC-NOPE" })).state, "rejected")
        assert.strictEqual((yield* d.place({ ...market("hk-c", "buy", 1), type: "limit" })).state, "rejected")
        // a 64-character label is fine
        assert.strictEqual((yield* d.place(market("y".repeat(64), "buy", 1))).state, "filled")
      }))
    assert.strictEqual(fake.requests("private/buy").length, 1)
  })

  it("partial fills: a limit order fills partly at once, rests, and its later fills arrive on `fills` once each", async () => {
    await withDeribit(configFor(fake), (d) =>
      Effect.gen(function*() {
        const fills = yield* collect(d.fills)
        // 5 000 USD at 100 010 and 10 000 at 100 020: a 2 000-contract (20 000 USD) buy at 100 020 takes 15 000
        const placed = yield* d.place({ clientOrderId: "hk-part", symbol: PERP, side: "buy", quantity: 2_000, type: "limit", limitPrice: 100_020 })
        assert.strictEqual(placed.state, "partially-filled")
        assert.strictEqual(placed.filledQuantity, 1_500)
        assert.deepStrictEqual(placed.fills.map((f) => [f.price, f.quantity]), [[100_010, 500], [100_020, 1_000]])
        // the immediate fills are not repeated on the stream
        yield* Effect.sleep("50 millis")
        assert.strictEqual(fills.length, 0)
        // an outside seller hits the resting 5 000 USD in two prints
        fake.externalTrade(PERP, "sell", 2_000)
        fake.externalTrade(PERP, "sell", 3_000)
        yield* until(() => fills.length === 2, "two maker fills")
        assert.deepStrictEqual(fills.map((f) => [f.clientOrderId, f.quantity, f.price, f.liquidity]), [["hk-part", 200, 100_020, "maker"], ["hk-part", 300, 100_020, "maker"]])
        const [state] = yield* d.orderStateByLabel("hk-part")
        assert.strictEqual(state!.state, "filled")
        assert.strictEqual(state!.filledQuantity, 2_000)
        assert.strictEqual(state!.fills.length, 4)
        const trades = yield* d.userTradesSince(0)
        assert.deepStrictEqual(new Set(trades.map((t) => t.tradeId)).size, 4)
      }))
  })

  it("positions in contracts (signed) and the balance in the currency", async () => {
    await withDeribit(configFor(fake), (d) =>
      Effect.gen(function*() {
        yield* d.place(market("hk-p1", "buy", 5))
        yield* d.place(market("hk-p2", "sell", 8))
        const positions = yield* d.positions
        assert.deepStrictEqual(positions.map((p) => [p.symbol, p.quantity]), [[PERP, -3]])
        const [balance] = yield* d.balances
        assert.strictEqual(balance!.currency, "BTC")
        assert.isTrue(balance!.total < 10 && balance!.total > 9.99)
        assert.isDefined(balance!.available)
      }))
  })

  it("options: quantities are BTC contracts (0.1 steps), fees in BTC", async () => {
    const option = fake.exchange.instruments("BTC", "option")[0]!.instrument_name
    fake.setBook(option, { bids: [[0.0400, 10]], asks: [[0.0420, 10]] })
    await withDeribit(configFor(fake), (d) =>
      Effect.gen(function*() {
        const update = yield* d.place({ clientOrderId: "hk-opt", symbol: option, side: "buy", quantity: 0.3, type: "market" })
        assert.strictEqual(update.state, "filled")
        assert.strictEqual(update.filledQuantity, 0.3)
        assert.strictEqual(fake.requests("private/buy")[0]!.params.amount, 0.3)
        assert.strictEqual(update.fills[0]!.feeCurrency, "BTC")
        const off = yield* d.place({ clientOrderId: "hk-opt2", symbol: option, side: "buy", quantity: 0.25, type: "market" })
        assert.strictEqual(off.state, "rejected")
      }))
  })

  it("orderUpdates streams the account's order changes under the label prefix", async () => {
    await withDeribit(configFor(fake, { labelPrefix: "hk-" }), (d) =>
      Effect.gen(function*() {
        const updates = yield* collect(d.orderUpdates)
        yield* d.place({ clientOrderId: "hk-u", symbol: PERP, side: "sell", quantity: 1, type: "limit", limitPrice: 101_000 })
        yield* d.place({ clientOrderId: "other-u", symbol: PERP, side: "sell", quantity: 1, type: "limit", limitPrice: 101_000 })
        yield* d.cancel("hk-u")
        yield* until(() => updates.some((u) => u.state === "cancelled"), "the cancel update")
        assert.deepStrictEqual(updates.map((u) => [u.clientOrderId, u.state]), [["hk-u", "open"], ["hk-u", "cancelled"]])
        const orphans = yield* d.openOrdersByLabelPrefix("other-")
        assert.deepStrictEqual(orphans.map((o) => o.clientOrderId), ["other-u"])
        assert.deepStrictEqual((yield* d.openOrders).length, 0)
      }))
  })

  it("edits a resting order (quantity and price) and cancels one order by its venue id", async () => {
    await withDeribit(configFor(fake), (d) =>
      Effect.gen(function*() {
        yield* d.place({ clientOrderId: "hk-edit", symbol: PERP, side: "sell", quantity: 3, type: "limit", limitPrice: 101_000 })
        const bigger = yield* d.edit("hk-edit", { quantity: 5 })
        assert.deepStrictEqual([bigger.state, bigger.filledQuantity], ["open", 0])
        assert.strictEqual(fake.ordersByLabel("hk-edit")[0]!.amount, 50)
        // moving the price through the bid fills it: 5 000 USD sit at 99 990
        const crossed = yield* d.edit("hk-edit", { limitPrice: 99_990 })
        assert.deepStrictEqual([crossed.state, crossed.filledQuantity, crossed.fills.length], ["filled", 5, 1])
        assert.strictEqual((yield* d.edit("hk-edit", { limitPrice: 99_000 })).state, "rejected")
        const resting = yield* d.place({ clientOrderId: "hk-byid", symbol: PERP, side: "buy", quantity: 1, type: "limit", limitPrice: 90_000 })
        const cancelled = yield* d.cancelByVenueId(resting.venueOrderId!)
        assert.deepStrictEqual([cancelled.clientOrderId, cancelled.state], ["hk-byid", "cancelled"])
        const gone = yield* Effect.flip(d.cancelByVenueId(resting.venueOrderId!))
        assert.deepStrictEqual([gone.code, gone.retryable], ["11044", false])
      }))
  })

  it("labels are not deduplicated (as on Deribit): the same label twice is two orders, and resolving shows both", async () => {
    await withDeribit(configFor(fake), (d) =>
      Effect.gen(function*() {
        yield* d.place(market("hk-twice", "buy", 1))
        yield* d.place(market("hk-twice", "buy", 2))
        const resolution = yield* d.resolveByLabel("hk-twice")
        assert.strictEqual(resolution._tag, "Found")
        if (resolution._tag === "Found") assert.deepStrictEqual(resolution.orders.map((o) => o.filledQuantity), [1, 2])
        // cancel by label cancels every open order that carries it
        yield* d.place({ clientOrderId: "hk-dup", symbol: PERP, side: "buy", quantity: 1, type: "limit", limitPrice: 90_000 })
        yield* d.place({ clientOrderId: "hk-dup", symbol: PERP, side: "buy", quantity: 1, type: "limit", limitPrice: 90_500 })
        yield* d.cancel("hk-dup")
        assert.deepStrictEqual(fake.ordersByLabel("hk-dup").map((o) => o.order_state), ["cancelled", "cancelled"])
      }))
  })

  it("userTradesSince pages through get_user_trades_by_currency_and_time", async () => {
    await fake.close()
    fake = await startFake({ maxTradesPerPage: 3 })
    await withDeribit(configFor(fake), (d) =>
      Effect.gen(function*() {
        const t0 = yield* d.serverTimeMs
        // paging is by time: trades of one millisecond must fit a page (Deribit pages hold 1 000)
        for (let i = 0; i < 4; i++) {
          yield* d.place(market(`hk-page-${i}`, i % 2 === 0 ? "buy" : "sell", 600))
          yield* Effect.sleep("3 millis")
        }
        const trades = yield* d.userTradesSince(t0 - 1_000)
        // 600 contracts = 6 000 USD: the first buy and the first sell take two levels each
        assert.strictEqual(trades.length, fake.trades().length)
        assert.strictEqual(trades.length, 6)
        assert.deepStrictEqual(trades.map((t) => t.tradeId), fake.trades().map((t) => t.trade_id))
        assert.isAbove(fake.requests("private/get_user_trades_by_currency_and_time").length, 2)
        assert.strictEqual((yield* d.userTradesSince(Date.now() + 60_000)).length, 0)
      }))
  })

  it("valid_until follows the venue's clock (skew measured with public/get_time), not the local one", async () => {
    await fake.close()
    fake = await startFake({ now: () => Date.now() - 120_000 })
    await withDeribit(configFor(fake, { validUntilMs: 5_000 }), (d) =>
      Effect.gen(function*() {
        assert.closeTo((yield* d.serverTimeMs) - Date.now(), -120_000, 200)
        assert.strictEqual((yield* d.place(market("hk-skew", "buy", 1))).state, "filled")
        const request = fake.requests("private/buy")[0]!
        assert.closeTo((request.params.valid_until as number) - request.timeMs, 5_000, 200)
      }))
  })

  it("provides the SDK Venue through layer, layerConfig and configFromEnv", async () => {
    const config = configFor(fake)
    const program = Effect.gen(function*() {
      const venue = yield* Venue.Venue
      const deribit = yield* Deribit.Deribit
      assert.strictEqual(venue, deribit)
      return yield* venue.place(market(`hk-layer-${fake.requests("private/buy").length}`, "buy", 1))
    })
    const viaLayer = await Effect.runPromise(program.pipe(Effect.provide(Deribit.layer(config))))
    assert.strictEqual(viaLayer.state, "filled")
    const viaConfig = await Effect.runPromise(program.pipe(Effect.provide(Deribit.layerConfig({
      url: Config.succeed(fake.url),
      clientId: Config.Redacted("ID"),
      clientSecret: Config.Redacted("SECRET"),
      heartbeatIntervalSec: Config.succeed(0)
    })), Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({ ID: fake.credentials.clientId, SECRET: fake.credentials.clientSecret })))))
    assert.strictEqual(viaConfig.state, "filled")
    const env = ConfigProvider.fromEnv({
      env: { HK_DERIBIT_CLIENT_ID: fake.credentials.clientId, HK_DERIBIT_CLIENT_SECRET: fake.credentials.clientSecret, HK_DERIBIT_URL: fake.url, HK_DERIBIT_HEARTBEAT_SEC: "0", HK_DERIBIT_MATCHING_RATE: "50" }
    })
    const fromEnv = await Effect.runPromise(Deribit.configFromEnv("HK_DERIBIT").parse(env))
    assert.strictEqual(fromEnv.url, fake.url)
    assert.deepStrictEqual(fromEnv.rateLimits, { matching: { ratePerSec: 50, burst: 20 } })
    assert.notInclude(String(fromEnv.clientSecret), fake.credentials.clientSecret)
    assert.notInclude(JSON.stringify(fromEnv), fake.credentials.clientSecret)
    const viaEnv = await Effect.runPromise(program.pipe(Effect.provide(Deribit.layerConfig(Deribit.configFromEnv("HK_DERIBIT"))), Effect.provide(ConfigProvider.layer(env))))
    assert.strictEqual(viaEnv.state, "filled")
  })

  it("fails to build with bad credentials (not retried), without the secret in the error", async () => {
    const secret = "wrong-secret-DO-NOT-PRINT"
    const exit = await Effect.runPromiseExit(Effect.scoped(Deribit.make(configFor(fake, { clientSecret: Redacted.make(secret) }))))
    assert.isTrue(exit._tag === "Failure")
    const text = JSON.stringify(exit) + String((exit as { cause?: unknown }).cause)
    assert.notInclude(text, secret)
    assert.include(text, "13004")
    assert.strictEqual(fake.requests("public/auth").length, 1)
  })
})
