import type { MarketEvent } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { afterEach, assert, beforeEach, describe, it } from "vitest"
import type * as Deribit from "../src/Deribit.js"
import { collect, configFor, PERP, PERP_BOOK, startFake, until, withDeribit } from "./support/deribitHarness.js"
import type { FakeDeribit } from "./support/fakeDeribit.js"

let fake: FakeDeribit
beforeEach(async () => {
  fake = await startFake()
})
afterEach(async () => {
  await fake.close()
})

const subscribedTo = (channel: string) => () => fake.requests("private/subscribe").some((r) => (r.params.channels as Array<string>).includes(channel))

/** The fake's levels, as the adapter's book snapshot shows them. */
const fakeLevels = (depth = 20) => {
  const { bids, asks } = fake.exchange.levels(PERP)
  return { bids: bids.slice(0, depth), asks: asks.slice(0, depth) }
}
const levelsOf = (snapshot: Deribit.BookSnapshot | undefined) => ({ bids: snapshot?.bids.map(([p, a]) => [p, a]), asks: snapshot?.asks.map(([p, a]) => [p, a]) })

describe("Deribit adapter: market data", () => {
  it("tickers become SDK events: perpetual mark and top of book, option quotes (decimal vol, coin premium), the index", async () => {
    const option = fake.exchange.instruments("BTC", "option").find((i) => i.option_type === "call")!
    await withDeribit(configFor(fake), (d) =>
      Effect.gen(function*() {
        const events = yield* collect(d.marketData([PERP, option.instrument_name]))
        yield* until(subscribedTo("deribit_price_index.btc_usd"), "the subscription")
        fake.setIndex(100_500)
        fake.setMark(PERP, 100_001)
        fake.setMark(option.instrument_name, 0.0421, 62.5)
        yield* until(() => events.some((e) => e.kind === "option" && e.mark > 0), "the option event")
        const index = events.find((e): e is MarketEvent.IndexEvent => e.kind === "index")!
        assert.deepStrictEqual([index.underlying, index.price], ["BTC", 100_500])
        const perp = events.filter((e): e is MarketEvent.PerpetualEvent => e.kind === "perpetual").at(-1)!
        assert.deepStrictEqual([perp.symbol, perp.underlying, perp.mark, perp.bid, perp.ask], [PERP, "BTC", 100_001, 99_990, 100_010])
        const quote = events.filter((e): e is MarketEvent.OptionEvent => e.kind === "option").at(-1)!
        assert.strictEqual(quote.symbol, option.instrument_name)
        assert.deepStrictEqual([quote.optionType, quote.strike, quote.expiryMs, quote.settlement, quote.premiumUnit], ["call", option.strike, option.expiration_timestamp, "inverse", "coin"])
        assert.strictEqual(quote.mark, 0.0421)
        assert.closeTo(quote.markVol!, 0.625, 1e-12)
        assert.strictEqual(quote.forward, 100_001)
        assert.strictEqual(quote.index, 100_500)
      }))
  })

  it("an unknown instrument fails the stream with a non-retryable VenueError", async () => {
    await withDeribit(configFor(fake), (d) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Stream.runDrain(d.marketData([PERP, "BTC-NOPE"])))
        assert.deepStrictEqual([error.code, error.retryable, error.operation], ["10020", false, "marketData"])
        const bookError = yield* Effect.flip(Stream.runDrain(d.orderBook("BTC-NOPE")))
        assert.strictEqual(bookError.code, "10020")
        const direct = yield* Effect.flip(d.instrument("BTC-NOPE"))
        assert.deepStrictEqual([direct.code, direct.retryable], ["10020", false])
      }))
  })
})

describe("Deribit adapter: order books", () => {
  it("applies changes chained by prev_change_id, and re-snapshots after a lost notification (change_id gap)", async () => {
    await withDeribit(configFor(fake), (d) =>
      Effect.gen(function*() {
        const events = yield* collect(d.events)
        const books = yield* collect(d.orderBook(PERP))
        yield* until(() => books.length >= 1, "the first snapshot")
        assert.deepStrictEqual(levelsOf(books.at(-1)), fakeLevels())
        // incremental changes
        fake.setBook(PERP, { bids: [[99_995, 1_000], ...PERP_BOOK.bids] })
        fake.externalTrade(PERP, "buy", 1_000)
        yield* until(() => books.length >= 3, "two changes")
        assert.deepStrictEqual(levelsOf(books.at(-1)), fakeLevels())
        assert.strictEqual(fake.requests("public/get_order_book").length, 0)
        // one change is lost: the next one names a change_id the adapter never saw
        fake.faults.bookGap(PERP)
        fake.setBook(PERP, { asks: [[100_030, 7_000]] })
        fake.setBook(PERP, { bids: [[99_900, 3_000]] })
        yield* until(() => fake.requests("public/get_order_book").length === 1, "the re-snapshot")
        yield* until(() => JSON.stringify(levelsOf(books.at(-1))) === JSON.stringify(fakeLevels()), "the book to match the venue")
        assert.deepStrictEqual(levelsOf(books.at(-1)), { bids: [[99_900, 3_000]], asks: [[100_030, 7_000]] })
        assert.isTrue(events.some((e) => e._tag === "BookResync" && e.reason === "gap"))
        // and the chain continues from the snapshot
        fake.setBook(PERP, { bids: [[99_910, 2_000]] })
        yield* until(() => books.at(-1)?.bids[0]?.[0] === 99_910, "a change after the snapshot")
        assert.deepStrictEqual(levelsOf(books.at(-1)), fakeLevels())
        assert.strictEqual(fake.requests("public/get_order_book").length, 1)
      }))
  })

  it("after a reconnect: resubscribes, re-snapshots the book, and market data flows again", async () => {
    await withDeribit(configFor(fake), (d) =>
      Effect.gen(function*() {
        const events = yield* collect(d.events)
        const books = yield* collect(d.orderBook(PERP, { depth: 2 }))
        const ticks = yield* collect(d.marketData([PERP], { index: false }))
        yield* until(() => books.length >= 1, "the first snapshot")
        fake.faults.disconnectAll()
        // the book moves while the adapter is away
        fake.setBook(PERP, { bids: [[99_000, 10]], asks: [[101_000, 20]] })
        yield* until(() => events.some((e) => e._tag === "Reconnected"), "the reconnect")
        yield* until(() => events.some((e) => e._tag === "BookResync" && e.reason === "reconnect"), "the re-snapshot")
        yield* until(() => books.at(-1)?.bids[0]?.[0] === 99_000, "the new book")
        assert.deepStrictEqual(levelsOf(books.at(-1)), { bids: [[99_000, 10]], asks: [[101_000, 20]] })
        const resubscribed = fake.requests("private/subscribe").filter((r) => r.connId === 2).flatMap((r) => r.params.channels as Array<string>)
        assert.includeMembers(resubscribed, [`book.${PERP}.100ms`, `ticker.${PERP}.100ms`, "user.trades.any.BTC.raw"])
        const before = ticks.length
        fake.setMark(PERP, 100_123)
        yield* until(() => ticks.length > before, "a ticker after the reconnect")
        assert.strictEqual((ticks.at(-1) as MarketEvent.PerpetualEvent).mark, 100_123)
      }))
  })

  it("unsubscribes when the last stream on a channel ends", async () => {
    await withDeribit(configFor(fake), (d) =>
      Effect.gen(function*() {
        yield* Effect.scoped(Effect.gen(function*() {
          const books = yield* collect(d.orderBook(PERP))
          yield* until(() => books.length >= 1, "a snapshot")
        }))
        yield* until(() => fake.requests("private/unsubscribe").length === 1, "the unsubscribe")
        assert.deepStrictEqual(fake.requests("private/unsubscribe")[0]!.params.channels, [`book.${PERP}.100ms`])
      }))
  })
})
