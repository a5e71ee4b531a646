import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { afterAll, assert, describe, it } from "vitest"
import * as Binance from "../src/Binance.js"
import { FileUnreadable, isDataError, MissingColumn } from "../src/DataError.js"
import { collect, report, toStream } from "../src/EventSource.js"
import * as Tardis from "../src/Tardis.js"
import { data, fixture } from "./helpers.js"

const FUNDING = data("binance/binance_btcusdt_funding_8h.csv")
const scratch: Array<string> = []
const tmp = (name: string): string => {
  const path = join(tmpdir(), `hedgekit-data-${process.pid}-${name}`)
  scratch.push(path)
  return path
}
afterAll(() => {
  for (const path of scratch) rmSync(path, { force: true })
})

const failure = async (source: AsyncIterable<unknown>): Promise<unknown> => {
  try {
    for await (const _ of source) {
      // drain
    }
  } catch (error) {
    return error
  }
  return assert.fail("expected the read to fail")
}

describe("errors", () => {
  it("a missing required column is a MissingColumn naming the file and the column", async () => {
    const file = fixture("tardis/options_chain_no_mark_price.csv")
    const error = await failure(Tardis.optionsChain(file))
    assert.instanceOf(error, MissingColumn)
    assert.isTrue(isDataError(error))
    const missing = error as MissingColumn
    assert.strictEqual(missing.file, file)
    assert.strictEqual(missing.column, "mark_price")
    assert.strictEqual(missing.format, "tardis/options_chain")
    assert.include(missing.message, `no column "mark_price"`)
  })

  it("the clock decides which timestamp column is needed", async () => {
    const file = tmp("no-local.csv")
    writeFileSync(file, "exchange,symbol,timestamp,id,side,price,amount\nderibit,BTC-PERPETUAL,1585699200245000,1,buy,6412.5,10\n")
    assert.propertyVal(await failure(Tardis.trades(file)), "column", "local_timestamp")
    assert.strictEqual((await collect(Tardis.trades(file, { clock: "exchange" }))).length, 1)
  })

  it("an empty file is a MissingColumn with an empty header", async () => {
    const error = await failure(Binance.funding(fixture("tardis/empty.csv")))
    assert.instanceOf(error, MissingColumn)
    assert.deepStrictEqual((error as MissingColumn).header, [])
    assert.include((error as MissingColumn).message, "the file is empty")
  })

  it("a missing file and a truncated gzip are FileUnreadable", async () => {
    assert.instanceOf(await failure(Binance.funding(tmp("nowhere.csv"))), FileUnreadable)
    const whole = readFileSync(fixture("tardis/deribit_options_chain_2020-04-01_OPTIONS.csv.gz"))
    const cut = tmp("cut.csv.gz")
    writeFileSync(cut, whole.subarray(0, whole.length - 20))
    const error = await failure(Tardis.optionsChain(cut))
    assert.instanceOf(error, FileUnreadable)
    assert.strictEqual((error as FileUnreadable).file, cut)
  })
})

describe("passes", () => {
  it("each iteration reads the file again with fresh stats", async () => {
    const source = Binance.funding(FUNDING)
    const first = await collect(source)
    const second = await collect(source)
    assert.strictEqual(JSON.stringify(second), JSON.stringify(first))
    assert.strictEqual(source.stats.events, 3612)
  })

  it("stopping early leaves the stats incomplete (and the report says so)", async () => {
    const source = Binance.funding(FUNDING)
    let n = 0
    for await (const _ of source) if (++n === 10) break
    assert.isFalse(source.stats.complete)
    assert.include(report(source), "incomplete")
  })
})

describe("toStream", () => {
  it("gives the same events as the async iterable", async () => {
    const source = Binance.funding(FUNDING)
    const events = await Effect.runPromise(Stream.runCollect(toStream(source)))
    assert.strictEqual(events.length, 3612)
    assert.strictEqual(JSON.stringify(events), JSON.stringify(await collect(source)))
  })

  it("fails with the reader's error in the error channel", async () => {
    const exit = await Effect.runPromiseExit(Stream.runDrain(toStream(Tardis.optionsChain(fixture("tardis/options_chain_no_mark_price.csv")))))
    assert.isTrue(Exit.isFailure(exit))
    const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
    assert.deepInclude(error, { _tag: "Fail" })
    assert.propertyVal((error as { error: MissingColumn }).error, "_tag", "MissingColumn")
  })
})

describe("memory", () => {
  it("streams 200,000 generated rows with bounded heap growth", async () => {
    setFlagsFromString("--expose-gc")
    const gc = runInNewContext("gc") as () => void
    const N = 200_000
    const file = tmp("trades-200k.csv")
    const fd = openSync(file, "w")
    writeSync(fd, "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n")
    const t0 = 1585699200000000
    for (let chunk = 0; chunk < N; chunk += 10_000) {
      const rows: Array<string> = []
      for (let i = chunk; i < chunk + 10_000; i++) {
        rows.push(`deribit,BTC-PERPETUAL,${t0 + i * 1000},${t0 + i * 1000 + 250},${100_000_000 + i},${i % 3 === 0 ? "sell" : "buy"},${6400 + (i % 97) * 0.5},${10 * (1 + (i % 50))}`)
      }
      writeSync(fd, rows.join("\n") + "\n")
    }
    closeSync(fd)

    gc()
    const base = process.memoryUsage().heapUsed
    let peak = 0, n = 0, sum = 0
    const source = Tardis.trades(file)
    for await (const event of source) {
      n++
      if (event.kind === "trade") sum += event.amount
      if (n % 50_000 === 0) {
        gc()
        peak = Math.max(peak, process.memoryUsage().heapUsed - base)
      }
    }
    assert.strictEqual(n, N)
    assert.strictEqual(source.stats.badRows, 0)
    let expected = 0
    for (let i = 0; i < N; i++) expected += 10 * (1 + (i % 50))
    assert.strictEqual(sum, expected)
    // the file is ≈ 17 MB and its 200k events would take tens of MB; a stream holds one chunk and one batch
    assert.isBelow(peak, 8 * 1024 * 1024, `heap grew by ${(peak / 1048576).toFixed(1)} MB`)
  })
})
