import { assert, describe, it } from "vitest"
import * as Binance from "../src/Binance.js"
import { collect } from "../src/EventSource.js"
import { assertOrdered, countByKind, data, iso } from "./helpers.js"

const BARS = data("binance/binance_btcusdt_perp_1h.csv")
const FUNDING = data("binance/binance_btcusdt_funding_8h.csv")
const HOUR = 3_600_000

describe("Binance.perpetualBars on data/binance/binance_btcusdt_perp_1h.csv", () => {
  it("28,890 bars → 28,890 perpetual events at the bar close, mark = close", async () => {
    const source = Binance.perpetualBars(BARS)
    const events = await collect(source)
    assert.deepStrictEqual(countByKind(events), { perpetual: 28890 })
    assert.strictEqual(source.stats.badRows, 0)
    assertOrdered(events)
    // line 2: 2023-01-01 00:00:00,16537.5,16540.9,16504.0,16527.0,5381.399 → closes at 01:00
    assert.deepStrictEqual(events[0], { kind: "perpetual", timeMs: iso("2023-01-01T01:00:00Z"), symbol: "BTCUSDT", underlying: "BTC", mark: 16527 })
    // the last line: 2026-04-18 17:00:00,…,75836.7,… → closes at 18:00
    assert.deepStrictEqual(events.at(-1), { kind: "perpetual", timeMs: iso("2026-04-18T18:00:00Z"), symbol: "BTCUSDT", underlying: "BTC", mark: 75836.7 })
    // hourly, no gaps
    assert.isTrue(events.every((e, i) => i === 0 || e.timeMs - events[i - 1]!.timeMs === HOUR))
  })

  it("the demo window 2025-12-15 → 2026-04-01: 107 days × 24 bars, and reading stops at its end", async () => {
    const source = Binance.perpetualBars(BARS, { fromMs: iso("2025-12-15T00:00:00Z"), toMs: iso("2026-04-01T00:00:00Z") })
    const events = await collect(source)
    assert.strictEqual(events.length, 107 * 24)
    // line 25898: 2025-12-15 00:00:00,…,88414.9 closes at 01:00; the bar opening 2025-12-14 23:00 closes at 00:00
    assert.strictEqual(events[0]!.timeMs, iso("2025-12-15T00:00:00Z"))
    assert.deepInclude(events[1], { timeMs: iso("2025-12-15T01:00:00Z"), mark: 88414.9 })
    // line 28465: 2026-03-31 23:00:00,…,68241.5 closes at 2026-04-01 00:00: outside; the read stops there
    assert.deepInclude(events.at(-1), { timeMs: iso("2026-03-31T23:00:00Z") })
    assert.strictEqual(source.stats.rows, 28464)
    assert.strictEqual(source.stats.outsideWindow, 28464 - 107 * 24)
  })
})

describe("Binance.funding on data/binance/binance_btcusdt_funding_8h.csv", () => {
  it("3,612 discrete 8-hour funding events, times rounded to the second", async () => {
    const source = Binance.funding(FUNDING)
    const events = await collect(source)
    assert.deepStrictEqual(countByKind(events), { funding: 3612 })
    assert.strictEqual(source.stats.badRows, 0)
    assertOrdered(events)
    assert.deepStrictEqual(events[0], {
      kind: "funding",
      timeMs: iso("2023-01-01T00:00:00Z"),
      symbol: "BTCUSDT",
      underlying: "BTC",
      rate: 0.0001,
      intervalMs: 8 * HOUR,
      mode: "discrete"
    })
    // line 3: 2023-01-01 08:00:00.008 → 08:00:00.000; line 4: 6.91e-06
    assert.strictEqual(events[1]!.timeMs, iso("2023-01-01T08:00:00Z"))
    assert.deepInclude(events[2], { timeMs: iso("2023-01-01T16:00:00Z"), rate: 6.91e-6 })
    // every settlement on the 00/08/16 UTC grid
    assert.isTrue(events.every((e) => e.timeMs % (8 * HOUR) === 0))
  })

  it("roundToMs: 0 keeps Binance's stamp (08:00:00.008)", async () => {
    const events = await collect(Binance.funding(FUNDING, { roundToMs: 0 }))
    assert.strictEqual(events[1]!.timeMs, iso("2023-01-01T08:00:00.008Z"))
  })

  it("the demo window holds 107 × 3 settlements", async () => {
    const events = await collect(Binance.funding(FUNDING, { fromMs: iso("2025-12-15T00:00:00Z"), toMs: iso("2026-04-01T00:00:00Z") }))
    assert.strictEqual(events.length, 321)
    // line 3291: 2026-01-01 08:00:00.002,0.0001
    assert.deepInclude(events.find((e) => e.timeMs === iso("2026-01-01T08:00:00Z")), { rate: 0.0001 })
  })
})
