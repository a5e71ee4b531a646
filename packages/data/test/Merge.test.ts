import { MarketEvent } from "@hedgekit/sdk"
import * as fc from "fast-check"
import { assert, describe, it } from "vitest"
import * as Binance from "../src/Binance.js"
import * as Deribit from "../src/Deribit.js"
import { collect, report } from "../src/EventSource.js"
import { merge } from "../src/Merge.js"
import { assertOrdered, countByKind, data, iso } from "./helpers.js"

type Event = MarketEvent.MarketEvent

const demoWindow = { fromMs: iso("2025-12-15T00:00:00Z"), toMs: iso("2026-04-01T00:00:00Z") }
const demo = (window: { fromMs: number; toMs: number } = demoWindow) => [
  Deribit.optionChain(data("deribit/deribit_btc_options_27MAR26.csv"), window),
  Deribit.perpetualSnapshots(data("deribit/deribit_btc_perpetual_at_snapshots.csv"), window),
  Deribit.futuresSnapshots(data("deribit/deribit_btc_futures_at_snapshots.csv"), window),
  Binance.perpetualBars(data("binance/binance_btcusdt_perp_1h.csv"), window),
  Binance.funding(data("binance/binance_btcusdt_funding_8h.csv"), window)
]

describe("merge of the bundled demo files over 2025-12-15 → 2026-04-01", async () => {
  const sources = demo()
  const market = merge(sources)
  const events = await collect(market)

  it("holds every source's events, in MarketEvent.compare order", () => {
    const perSource = sources.map((s) => s.stats.events)
    assert.strictEqual(events.length, perSource.reduce((a, b) => a + b, 0))
    assert.deepStrictEqual(countByKind(events), {
      index: 340,
      forward: 340 + sources[2]!.stats.events,
      option: 25497,
      perpetual: sources[1]!.stats.events + 107 * 24,
      funding: 321
    })
    assert.isAbove(assertOrdered(events), 0)
    assert.deepStrictEqual(market.outOfOrder, [0, 0, 0, 0, 0])
    assert.strictEqual(market.stats.length, 5)
    assert.isTrue(market.stats.every((s) => s.complete && s.badRows === 0))
  })

  it("keeps each source's own order (stable)", async () => {
    const origin = new WeakMap<Event, number>()
    const delivered: Array<Array<Event>> = []
    async function* tagged(source: AsyncIterable<Event>, i: number): AsyncGenerator<Event> {
      delivered[i] = []
      for await (const event of source) {
        origin.set(event, i)
        delivered[i]!.push(event)
        yield event
      }
    }
    // one week, through plain async generators (one event per await)
    const merged = await collect(merge(demo({ fromMs: iso("2026-01-05T00:00:00Z"), toMs: iso("2026-01-12T00:00:00Z") }).map(tagged)))
    assert.isAbove(merged.length, 1000)
    for (let i = 0; i < 5; i++) {
      const mine = merged.filter((e) => origin.get(e) === i)
      assert.strictEqual(mine.length, delivered[i]!.length)
      assert.isTrue(mine.every((e, k) => e === delivered[i]![k]), `source ${i} reordered`)
    }
  })

  it("at 2026-01-01 08:00 UTC the bar close (perpetual) comes before the funding payment", () => {
    const at = events.filter((e) => e.timeMs === iso("2026-01-01T08:00:00Z"))
    assert.deepStrictEqual(at, [
      { kind: "perpetual", timeMs: iso("2026-01-01T08:00:00Z"), symbol: "BTCUSDT", underlying: "BTC", mark: 87603.7 },
      { kind: "funding", timeMs: iso("2026-01-01T08:00:00Z"), symbol: "BTCUSDT", underlying: "BTC", rate: 0.0001, intervalMs: 28_800_000, mode: "discrete" }
    ])
  })

  it("at a snapshot shared by the chain and the perpetual file: index, perpetual, forwards, options", () => {
    const t = 1767115875944
    const kinds = events.filter((e) => e.timeMs === t).map((e) => e.kind)
    const firstOf = (kind: string) => kinds.indexOf(kind as Event["kind"])
    assert.deepStrictEqual([firstOf("index"), firstOf("perpetual"), firstOf("forward")], [0, 1, 2])
    assert.isTrue(kinds.slice(firstOf("option")).every((k) => k === "option"))
  })

  it("reports every source", () => {
    const text = report(market)
    assert.strictEqual(text.split("\n").length, 5)
    assert.include(text, "deribit_btc_options_27MAR26.csv (deribit/option_chain): 25497 rows, 26177 events")
  })
})

const arbitraryEvent = (source: number): fc.Arbitrary<Event> =>
  fc.record({ t: fc.integer({ min: 0, max: 20 }), k: fc.integer({ min: 0, max: 2 }), n: fc.nat(1000) }).map(({ k, n, t }): Event =>
    k === 0
      ? { kind: "index", timeMs: t, underlying: `S${source}`, price: n + 1 }
      : k === 1
      ? { kind: "perpetual", timeMs: t, symbol: `S${source}`, underlying: "BTC", mark: n + 1 }
      : { kind: "funding", timeMs: t, symbol: `S${source}`, underlying: "BTC", rate: n, intervalMs: 1, mode: "discrete" }
  )

async function* iterate(events: ReadonlyArray<Event>): AsyncGenerator<Event> {
  for (const event of events) yield event
}

describe("merge (property)", () => {
  it("equals a stable sort of the concatenated sorted sources (ties: the source listed first)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5 }).chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => fc.array(arbitraryEvent(i), { maxLength: 30 })))),
        async (lists) => {
          const sorted = lists.map((list) => [...list].sort(MarketEvent.compare))
          const merged = await collect(merge(sorted.map(iterate)))
          const expected = sorted.flat().sort(MarketEvent.compare) // stable: concatenation order breaks ties
          assert.deepStrictEqual(merged, expected)
        }
      ),
      { numRuns: 200 }
    )
  })

  it("counts a foreign source's out-of-order events and passes them through", async () => {
    const a: Array<Event> = [
      { kind: "index", timeMs: 5, underlying: "BTC", price: 1 },
      { kind: "index", timeMs: 3, underlying: "BTC", price: 2 }
    ]
    const market = merge([iterate(a), iterate([{ kind: "index", timeMs: 4, underlying: "ETH", price: 3 }])])
    const events = await collect(market)
    assert.strictEqual(events.length, 3)
    assert.deepStrictEqual(market.outOfOrder, [1, 0])
  })
})
