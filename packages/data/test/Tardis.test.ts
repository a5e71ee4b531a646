import { assert, describe, it } from "vitest"
import { collect } from "../src/EventSource.js"
import * as Tardis from "../src/Tardis.js"
import { assertOrdered, countByKind, fixture } from "./helpers.js"

const CHAIN = fixture("tardis/deribit_options_chain_2020-04-01_OPTIONS.csv")
const DERIBIT_TICKER = fixture("tardis/deribit_derivative_ticker_2020-04-01_FUTURES.csv")
const BINANCE_TICKER = fixture("tardis/binance-futures_derivative_ticker_2020-04-01_BTCUSDT.csv")
const TRADES = fixture("tardis/deribit_trades_2020-04-01_BTC-PERPETUAL.csv")

const EXPIRY_3APR20 = Date.UTC(2020, 3, 3, 8)
const EXPIRY_26JUN20 = Date.UTC(2020, 5, 26, 8)
const HOUR = 3_600_000

describe("Tardis.optionsChain", () => {
  it("maps a row: µs → ms keeping the fraction, mark_iv % → decimal, Deribit → inverse, coin", async () => {
    const events = await collect(Tardis.optionsChain(CHAIN))
    const first = events.find((e) => e.kind === "option")
    assert.deepStrictEqual(first, {
      kind: "option",
      timeMs: 1585699200123.456,
      symbol: "BTC-3APR20-6500-C",
      underlying: "BTC",
      optionType: "call",
      strike: 6500,
      expiryMs: EXPIRY_3APR20,
      settlement: "inverse",
      premiumUnit: "coin",
      bid: 0.0415,
      ask: 0.043,
      mark: 0.04224541,
      markVol: 0.813,
      forward: 6427.13
    })
  })

  it("index from underlying_index = index_price, forwards from the others, each only on change", async () => {
    const source = Tardis.optionsChain(CHAIN)
    const events = await collect(source)
    assert.deepStrictEqual(countByKind(events), { index: 1, forward: 3, option: 6 })
    assert.strictEqual(source.stats.badRows, 0)
    assertOrdered(events)
    assert.deepStrictEqual(
      events.filter((e) => e.kind === "forward"),
      [
        { kind: "forward", timeMs: 1585699200123.456, underlying: "BTC", expiryMs: EXPIRY_3APR20, forward: 6427.13 },
        { kind: "forward", timeMs: 1585699200612, underlying: "BTC", expiryMs: EXPIRY_26JUN20, forward: 6480.5 },
        { kind: "forward", timeMs: 1585699201100.25, underlying: "BTC", expiryMs: EXPIRY_3APR20, forward: 6430 }
      ]
    )
  })

  it("at one timestamp: the index (from the third row) first, then the forward, then the options in file order", async () => {
    const events = await collect(Tardis.optionsChain(CHAIN))
    const at = events.filter((e) => e.timeMs === 1585699200123.456)
    assert.deepStrictEqual(at.map((e) => e.kind), ["index", "forward", "option", "option", "option"])
    assert.deepStrictEqual(at[0], { kind: "index", timeMs: 1585699200123.456, underlying: "BTC", price: 6420.5 })
    assert.deepStrictEqual(at.slice(2).map((e) => (e.kind === "option" ? e.symbol : "")), ["BTC-3APR20-6500-C", "BTC-3APR20-6500-P", "BTC-1APR20-6250-P"])
    // the one-sided row (no bid) keeps its ask and drops the bid
    assert.notProperty(at[4], "bid")
    assert.propertyVal(at[4], "ask", 0.0004)
  })

  it("reads the .gz file to the same events", async () => {
    const gz = Tardis.optionsChain(`${CHAIN}.gz`)
    assert.deepStrictEqual(await collect(gz), await collect(Tardis.optionsChain(CHAIN)))
    assert.strictEqual(gz.stats.rows, 6)
    assert.isTrue(gz.stats.complete)
  })

  it("clock: exchange stamps the exchange's timestamp", async () => {
    const events = await collect(Tardis.optionsChain(CHAIN, { clock: "exchange" }))
    assert.deepStrictEqual(events.filter((e) => e.kind === "option").map((e) => e.timeMs), [1585699200017, 1585699200018, 1585699200020, 1585699200500, 1585699201001, 1585699201002])
  })

  it("settlement and premium unit can be set (a linear venue)", async () => {
    const events = await collect(Tardis.optionsChain(CHAIN, { settlement: "linear", premiumUnit: "quote" }))
    assert.deepInclude(events.find((e) => e.kind === "option"), { settlement: "linear", premiumUnit: "quote" })
  })
})

describe("Tardis.derivativeTicker", () => {
  it("Deribit: continuous funding, events only when a value changes, a dated future → forward", async () => {
    const source = Tardis.derivativeTicker(DERIBIT_TICKER)
    const events = await collect(source)
    assertOrdered(events)
    assert.deepStrictEqual(events, [
      { kind: "index", timeMs: 1585699200101, underlying: "BTC", price: 6410.12 },
      { kind: "perpetual", timeMs: 1585699200101, symbol: "BTC-PERPETUAL", underlying: "BTC", mark: 6412.37 },
      { kind: "funding", timeMs: 1585699200101, symbol: "BTC-PERPETUAL", underlying: "BTC", rate: 0.00012, intervalMs: 8 * HOUR, mode: "continuous" },
      { kind: "forward", timeMs: 1585699200102.5, underlying: "BTC", expiryMs: EXPIRY_26JUN20, forward: 6480.61 },
      // line 4 changes only the open interest: no event
      { kind: "index", timeMs: 1585699201110, underlying: "BTC", price: 6411.01 },
      { kind: "perpetual", timeMs: 1585699201110, symbol: "BTC-PERPETUAL", underlying: "BTC", mark: 6413.02 },
      { kind: "funding", timeMs: 1585699202120, symbol: "BTC-PERPETUAL", underlying: "BTC", rate: 0.0000981, intervalMs: 8 * HOUR, mode: "continuous" }
    ])
    assert.strictEqual(source.stats.usedRows, 5)
  })

  it("the .gz file gives the same events", async () => {
    assert.deepStrictEqual(await collect(Tardis.derivativeTicker(`${DERIBIT_TICKER}.gz`)), await collect(Tardis.derivativeTicker(DERIBIT_TICKER)))
  })

  it("Binance: a discrete payment at funding_timestamp with the last rate quoted for it, after the perpetual at that time", async () => {
    const source = Tardis.derivativeTicker(BINANCE_TICKER)
    const events = await collect(source)
    assertOrdered(events)
    const at8 = Date.UTC(2020, 3, 1, 8)
    assert.deepStrictEqual(countByKind(events), { index: 2, perpetual: 3, funding: 1 })
    assert.deepStrictEqual(events.filter((e) => e.timeMs === at8), [
      { kind: "index", timeMs: at8, underlying: "BTC", price: 6440.7 },
      { kind: "perpetual", timeMs: at8, symbol: "BTCUSDT", underlying: "BTC", mark: 6444.4 },
      { kind: "funding", timeMs: at8, symbol: "BTCUSDT", underlying: "BTC", rate: 0.000105, intervalMs: 8 * HOUR, mode: "discrete" }
    ])
    // the 16:00 funding announced on the last row is reported, not emitted
    assert.deepStrictEqual(source.stats.notes, ["BTCUSDT: funding due at 2020-04-01T16:00:00.000Z is after the last row, not emitted: 1 row(s), the first at line 5"])
  })

  it("funding: continuous overrides the venue default", async () => {
    const events = await collect(Tardis.derivativeTicker(BINANCE_TICKER, { funding: "continuous", fundingIntervalMs: 4 * HOUR }))
    const funding = events.filter((e) => e.kind === "funding")
    assert.deepStrictEqual(funding.map((e) => [e.rate, e.mode, e.intervalMs]), [
      [0.0001, "continuous", 4 * HOUR],
      [0.000105, "continuous", 4 * HOUR],
      [0.00003, "continuous", 4 * HOUR]
    ])
  })
})

describe("Tardis.trades", () => {
  it("one trade per row; side unknown is a bad row", async () => {
    const source = Tardis.trades(TRADES)
    const events = await collect(source)
    assert.deepStrictEqual(events[0], { kind: "trade", timeMs: 1585699200310.123, symbol: "BTC-PERPETUAL", side: "sell", price: 6412.5, amount: 1200 })
    assert.deepStrictEqual(countByKind(events), { trade: 4 })
    assert.deepStrictEqual(source.stats.bad, {
      "bad-value": { count: 1, first: [{ line: 5, column: "side", value: "unknown", detail: "buy or sell" }] }
    })
  })

  it("finds columns by name: reordered columns, CRLF line ends and quoted fields give the same events", async () => {
    const good = (await collect(Tardis.trades(TRADES)))
    assert.deepStrictEqual(await collect(Tardis.trades(fixture("tardis/trades_reordered_crlf.csv"))), good)
  })
})
