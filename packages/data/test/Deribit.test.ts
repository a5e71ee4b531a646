import type { MarketEvent } from "@hedgekit/sdk"
import { assert, describe, it } from "vitest"
import * as Deribit from "../src/Deribit.js"
import { collect } from "../src/EventSource.js"
import { assertOrdered, countByKind, data } from "./helpers.js"

type Event = MarketEvent.MarketEvent

const CHAIN = data("deribit/deribit_btc_options_27MAR26.csv")
const WEEKLY = data("deribit/deribit_btc_option_chain_weekly.csv")
const PERPETUAL = data("deribit/deribit_btc_perpetual_at_snapshots.csv")
const FUTURES = data("deribit/deribit_btc_futures_at_snapshots.csv")

const EXPIRY_27MAR26 = Date.UTC(2026, 2, 27, 8)

describe("Deribit.optionChain on data/deribit/deribit_btc_options_27MAR26.csv", async () => {
  const source = Deribit.optionChain(CHAIN)
  const events = await collect(source)

  it("reads every row: 25,497 options, one index and one forward per snapshot (340)", () => {
    assert.deepStrictEqual(countByKind(events), { index: 340, forward: 340, option: 25497 })
    const stats = source.stats
    assert.strictEqual(stats.rows, 25497)
    assert.strictEqual(stats.usedRows, 25497)
    assert.strictEqual(stats.badRows, 0)
    assert.isTrue(stats.complete)
    assert.strictEqual(stats.firstTimeMs, 1767115875944)
    assert.strictEqual(stats.lastTimeMs, 1774587584428)
  })

  it("is in time order, index then forward then the options at each snapshot", () => {
    assert.strictEqual(assertOrdered(events), 340)
    const first = events.slice(0, 3)
    assert.deepStrictEqual(first.map((e) => e.kind), ["index", "forward", "option"])
  })

  it("index and forward are the snapshot's lower medians (first snapshot: 58 rows)", () => {
    // awk over the 58 rows at 1767115875944: sorted index_price[29] = 88524.98, sorted underlying[29] = 89559.35
    assert.deepStrictEqual(events[0], { kind: "index", timeMs: 1767115875944, underlying: "BTC", price: 88524.98 })
    assert.deepStrictEqual(events[1], {
      kind: "forward",
      timeMs: 1767115875944,
      underlying: "BTC",
      expiryMs: EXPIRY_27MAR26,
      forward: 89559.35
    })
  })

  it("maps the first row (line 2) field by field", () => {
    // 1767115875944,BTC-27MAR26-55000-C,call,55000,1774598400000,0.389,0.391,0.38972839,0.5824,…,89558.3,BTC-27MAR26,88530.78
    assert.deepStrictEqual(events[2], {
      kind: "option",
      timeMs: 1767115875944,
      symbol: "BTC-27MAR26-55000-C",
      underlying: "BTC",
      optionType: "call",
      strike: 55000,
      expiryMs: 1774598400000,
      settlement: "inverse",
      premiumUnit: "coin",
      bid: 0.389,
      ask: 0.391,
      mark: 0.38972839,
      markVol: 0.5824,
      forward: 89558.3,
      index: 88530.78
    })
  })

  it("leaves out an empty bid and ask (line 234) and keeps a put (line 12000)", () => {
    const line234 = events.find((e) => e.kind === "option" && e.timeMs === 1767259115173 && e.symbol === "BTC-27MAR26-55000-C")
    assert.isDefined(line234)
    assert.notProperty(line234, "bid")
    assert.notProperty(line234, "ask")
    assert.propertyVal(line234, "mark", 0.38407836)
    const line12000 = events.find((e) => e.kind === "option" && e.timeMs === 1771235076380 && e.symbol === "BTC-27MAR26-82000-P")
    assert.deepInclude(line12000, { optionType: "put", strike: 82000, bid: 0.1935, ask: 0.199, mark: 0.19607741, markVol: 0.4601, forward: 69164.98, index: 68989.97 })
  })

  it("keeps a mark of 0 (127 far-out-of-the-money rows): a premium may be 0", () => {
    const zero = events.filter((e) => e.kind === "option" && e.mark === 0)
    assert.strictEqual(zero.length, 127)
  })
})

describe("Deribit.optionChain on the weekly surface", () => {
  it("one forward per snapshot and expiry (385 pairs over 34 snapshots), 21,866 options", async () => {
    const source = Deribit.optionChain(WEEKLY)
    const events = await collect(source)
    assert.deepStrictEqual(countByKind(events), { index: 34, forward: 385, option: 21866 })
    assert.strictEqual(source.stats.badRows, 0)
    assertOrdered(events)
    // forwards within a snapshot by expiry, ascending
    const first = events.filter((e): e is Extract<Event, { kind: "forward" }> => e.kind === "forward" && e.timeMs === events[0]!.timeMs)
    assert.deepStrictEqual(first.map((e) => e.expiryMs), [...first.map((e) => e.expiryMs)].sort((a, b) => a - b))
  })

  it("a window keeps only its events and counts the rest", async () => {
    const fromMs = Date.UTC(2026, 1, 1), toMs = Date.UTC(2026, 2, 1)
    const source = Deribit.optionChain(WEEKLY, { fromMs, toMs })
    const events = await collect(source)
    assert.isAbove(events.length, 0)
    assert.isTrue(events.every((e) => e.timeMs >= fromMs && e.timeMs < toMs))
    assert.isAbove(source.stats.outsideWindow, 0)
    assert.strictEqual(source.stats.events, events.length)
  })
})

describe("Deribit.perpetualSnapshots", () => {
  it("419 perpetual events; line 3 is the candle's close (88079.0)", async () => {
    const source = Deribit.perpetualSnapshots(PERPETUAL)
    const events = await collect(source)
    assert.deepStrictEqual(countByKind(events), { perpetual: 419 })
    assert.deepStrictEqual(events[1], { kind: "perpetual", timeMs: 1767129471988, symbol: "BTC-PERPETUAL", underlying: "BTC", mark: 88079 })
    assertOrdered(events)
  })

  it("at: price stamps the price at the candle's open, or its close one minute later", async () => {
    const events = await collect(Deribit.perpetualSnapshots(PERPETUAL, { at: "price" }))
    assert.strictEqual(events[0]!.timeMs, 1767115860000) // open chosen: candle_open_time_ms
    assert.strictEqual(events[1]!.timeMs, 1767129420000 + 60_000) // close chosen
  })
})

describe("Deribit.futuresSnapshots", async () => {
  const source = Deribit.futuresSnapshots(FUTURES)
  const events = await collect(source)

  it("2,927 forward events, expiry from the name", () => {
    assert.deepStrictEqual(countByKind(events), { forward: 2927 })
    assert.strictEqual(source.stats.badRows, 0)
    assertOrdered(events)
    const line6 = events.find((e) => e.kind === "forward" && e.timeMs === 1767115875944 && e.expiryMs === EXPIRY_27MAR26)
    assert.deepStrictEqual(line6, { kind: "forward", timeMs: 1767115875944, underlying: "BTC", expiryMs: EXPIRY_27MAR26, forward: 89559.35 })
  })

  it("agrees with the chain's forward for BTC-27MAR26 at all 340 snapshots (within 0.02 %)", async () => {
    // the two files stamp a snapshot's ISO time to ms differently: 175 of the 340 differ by 1 ms
    const chain = await collect(Deribit.optionChain(CHAIN))
    const fromChain = new Map(chain.flatMap((e) => (e.kind === "forward" ? [[e.timeMs, e.forward] as const] : [])))
    let exact = 0, shared = 0
    for (const e of events) {
      if (e.kind !== "forward" || e.expiryMs !== EXPIRY_27MAR26) continue
      const f = fromChain.get(e.timeMs) ?? fromChain.get(e.timeMs + 1) ?? fromChain.get(e.timeMs - 1)
      if (f === undefined) continue
      shared++
      if (fromChain.has(e.timeMs)) exact++
      assert.isBelow(Math.abs(e.forward / f - 1), 2e-4, `at ${e.timeMs}: futures file ${e.forward}, chain ${f}`)
    }
    assert.strictEqual(shared, 340)
    assert.strictEqual(exact, 165)
  })

  it("price: candle reads term_mark_price_final", async () => {
    const candle = await collect(Deribit.futuresSnapshots(FUTURES, { price: "candle" }))
    const line6 = candle.find((e) => e.kind === "forward" && e.timeMs === 1767115875944 && e.expiryMs === EXPIRY_27MAR26)
    assert.propertyVal(line6, "forward", 89555)
  })
})
