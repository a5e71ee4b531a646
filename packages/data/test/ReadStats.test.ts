import { rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "vitest"
import * as Deribit from "../src/Deribit.js"
import { collect } from "../src/EventSource.js"
import * as ReadStats from "../src/ReadStats.js"
import * as Tardis from "../src/Tardis.js"
import { fixture } from "./helpers.js"

const scratch: Array<string> = []
const tmp = (name: string): string => {
  const path = join(tmpdir(), `hedgekit-data-${process.pid}-${name}`)
  scratch.push(path)
  return path
}
afterAll(() => {
  for (const path of scratch) rmSync(path, { force: true })
})

describe("bad rows", () => {
  it("are counted per reason with their line numbers, and the good rows still flow", async () => {
    const source = Tardis.trades(fixture("tardis/trades_bad_rows.csv"))
    const events = await collect(source)
    assert.deepStrictEqual(events.map((e) => e.timeMs), [1585699200310.123, 1585699201400])
    const stats = source.stats
    assert.strictEqual(stats.lines, 13)
    assert.strictEqual(stats.rows, 11)
    assert.strictEqual(stats.blankLines, 1)
    assert.strictEqual(stats.usedRows, 2)
    assert.strictEqual(stats.badRows, 9)
    assert.deepStrictEqual(stats.bad, {
      "bad-number": {
        count: 2,
        first: [
          { line: 3, column: "price", value: "64x3", detail: "a price > 0" },
          { line: 13, column: "amount", value: "1e400", detail: "a price > 0" }
        ]
      },
      "missing-column": { count: 1, first: [{ line: 4, column: "price", value: "", detail: "the row has 6 field(s), the header more" }] },
      "non-positive-price": {
        count: 2,
        first: [
          { line: 5, column: "price", value: "0", detail: "a price > 0" },
          { line: 11, column: "amount", value: "-5", detail: "a price > 0" }
        ]
      },
      "time-backwards": {
        count: 1,
        first: [{ line: 6, column: "local_timestamp", value: "1585699200200000", detail: "a time at or after the previous row's 2020-04-01T00:00:00.310Z" }]
      },
      "missing-value": { count: 1, first: [{ line: 8, column: "price", value: "", detail: "a value" }] },
      "bad-value": { count: 1, first: [{ line: 9, column: "side", value: "unknown", detail: "buy or sell" }] },
      "bad-time": { count: 1, first: [{ line: 10, column: "local_timestamp", value: "not-a-time", detail: "microseconds since the epoch" }] }
    })
  })

  it("keep only the first five line numbers per reason, and count them all", async () => {
    const file = tmp("bad.csv")
    const rows = ["snapshot_timestamp_ms,instrument_name,candle_found,candle_price_used"]
    for (let i = 0; i < 12; i++) rows.push(`${1767115875944 + i},BTC-PERPETUAL,True,${i % 2 === 0 ? "-1" : "88000.5"}`)
    writeFileSync(file, rows.join("\n") + "\n")
    const source = Deribit.perpetualSnapshots(file)
    const events = await collect(source)
    assert.strictEqual(events.length, 6)
    assert.deepStrictEqual(source.stats.bad["non-positive-price"]?.count, 6)
    assert.deepStrictEqual(source.stats.bad["non-positive-price"]?.first.map((row) => row.line), [2, 4, 6, 8, 10])
  })

  it("a bad row in an option chain does not end or split its snapshot", async () => {
    const file = tmp("chain.csv")
    writeFileSync(
      file,
      [
        "timestamp_ms,instrument_name,option_type,strike,expiry_ms,mark_price,underlying,index_price",
        "1000,BTC-27MAR26-90000-C,call,90000,1774598400000,0.1,90000,89000",
        "1000,BTC-27MAR26-90000-P,straddle,90000,1774598400000,0.1,90000,89000",
        "9999999,BTC-27MAR26-95000-C,call,95000,1774598400000,oops,90010,89010",
        "1000,BTC-27MAR26-95000-C,call,95000,1774598400000,0.08,90020,89020",
        "2000,BTC-27MAR26-90000-C,call,90000,1774598400000,0.1,91000,90000"
      ].join("\n")
    )
    const source = Deribit.optionChain(file)
    const events = await collect(source)
    assert.deepStrictEqual(events.map((e) => `${e.timeMs} ${e.kind}`), [
      "1000 index",
      "1000 forward",
      "1000 option",
      "1000 option",
      "2000 index",
      "2000 forward",
      "2000 option"
    ])
    assert.deepStrictEqual(Object.keys(source.stats.bad).sort(), ["bad-number", "bad-value"])
    assert.deepInclude(events[0], { price: 89000 }) // lower median of 89000, 89020
  })

  it("format: a summary line, a line per reason with the first lines and an example", async () => {
    const source = Tardis.trades(fixture("tardis/trades_bad_rows.csv"))
    await collect(source)
    const text = ReadStats.format(source.stats)
    const lines = text.split("\n")
    assert.match(lines[0]!, /trades_bad_rows\.csv \(tardis\/trades\): 11 rows, 2 events \(trade 2\), 2020-04-01T00:00:00\.310Z → 2020-04-01T00:00:01\.400Z; 9 bad row\(s\)$/)
    assert.include(text, "  bad-number: 2 row(s), line(s) 3, 13 (line 3: price \"64x3\": a price > 0)")
    assert.include(text, "  time-backwards: 1 row(s), line(s) 6")
    assert.strictEqual(lines.length, 8)
  })
})
