/**
 * Reader throughput: rows and events per second, streaming from disk, for each bundled file, the merged demo
 * set, and generated Tardis files (1,000,000 `trades` rows, 200,000 `options_chain` rows, plain and gzip)
 * written to the OS temp directory first. Each figure is the best of five passes (the OS page cache is warm
 * after the first); the events are consumed one by one with `for await`, as a backtest loop would, and
 * again in arrays through `batches()`.
 *
 *   cd packages/data && npx -y pnpm@10.34.9 run bench
 */
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs"
import * as os from "node:os"
import { join, resolve } from "node:path"
import { gzipSync } from "node:zlib"
import * as Binance from "../src/Binance.js"
import * as Deribit from "../src/Deribit.js"
import type { FileSource } from "../src/EventSource.js"
import { merge, type MergedSource } from "../src/Merge.js"
import * as Tardis from "../src/Tardis.js"

// run from packages/data (the bundle lives in .cache/bench)
const data = (path: string): string => resolve(process.cwd(), "../../data", path)

const PASSES = 5

const statsOf = (source: FileSource | MergedSource): ReadonlyArray<FileSource["stats"]> =>
  source._tag === "MergedSource" ? source.stats : [source.stats]

/** Best-of-`PASSES` wall time of one full pass, events taken one by one (`for await`) or in arrays (`batches`). */
const time = async (source: FileSource | MergedSource, mode: "events" | "batches"): Promise<number> => {
  let best = Infinity
  for (let pass = 0; pass < PASSES; pass++) {
    const t0 = performance.now()
    let n = 0
    if (mode === "events") for await (const _ of source) n++
    else for await (const batch of source.batches()) n += batch.length
    best = Math.min(best, performance.now() - t0)
    const counted = statsOf(source).reduce((sum, s) => sum + s.events, 0)
    if (n !== counted) throw new Error(`pass ${pass}: ${n} events consumed, the stats count ${counted}`)
  }
  return best
}

const generated: Array<string> = []
const write = (name: string, header: string, n: number, row: (i: number) => string): string => {
  const path = join(os.tmpdir(), `hedgekit-bench-${process.pid}-${name}`)
  const fd = openSync(path, "w")
  writeSync(fd, header + "\n")
  for (let start = 0; start < n; start += 10_000) {
    const rows: Array<string> = []
    for (let i = start; i < Math.min(n, start + 10_000); i++) rows.push(row(i))
    writeSync(fd, rows.join("\n") + "\n")
  }
  closeSync(fd)
  generated.push(path)
  return path
}
const gzip = (path: string): string => {
  writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)))
  generated.push(`${path}.gz`)
  return `${path}.gz`
}

const T0 = 1585699200000000
const trades = write("trades.csv", "exchange,symbol,timestamp,local_timestamp,id,side,price,amount", 1_000_000, (i) =>
  `deribit,BTC-PERPETUAL,${T0 + i * 1000},${T0 + i * 1000 + 250},${100_000_000 + i},${i % 3 === 0 ? "sell" : "buy"},${6400 + (i % 97) * 0.5},${10 * (1 + (i % 50))}`)
const strikes = [5000, 5500, 6000, 6500, 7000, 7500, 8000, 9000]
const chain = write(
  "options_chain.csv",
  "exchange,symbol,timestamp,local_timestamp,type,strike_price,expiration,open_interest,last_price,bid_price,bid_amount,bid_iv,ask_price,ask_amount,ask_iv,mark_price,mark_iv,underlying_index,underlying_price,delta,gamma,vega,theta,rho",
  200_000,
  (i) => {
    const k = strikes[i % strikes.length]!, type = (i >> 3) % 2 === 0 ? "call" : "put"
    const f = 6400 + ((i >> 4) % 200) * 0.5
    return `deribit,BTC-3APR20-${k}-${type === "call" ? "C" : "P"},${T0 + i * 5000},${T0 + i * 5000 + 120},${type},${k},1585900800000000,100.5,0.04,0.0415,5,78.2,0.043,10,84.1,0.0422,81.3,SYN.BTC-3APR20,${f},0.41,0.0008,2.3,-45.2,0.12`
  }
)
const chainGz = gzip(chain)

const rows: Array<[string, FileSource | MergedSource]> = [
  ["deribit_btc_options_27MAR26.csv (option chain)", Deribit.optionChain(data("deribit/deribit_btc_options_27MAR26.csv"))],
  ["deribit_btc_option_chain_weekly.csv", Deribit.optionChain(data("deribit/deribit_btc_option_chain_weekly.csv"))],
  ["deribit_btc_futures_at_snapshots.csv", Deribit.futuresSnapshots(data("deribit/deribit_btc_futures_at_snapshots.csv"))],
  ["binance_btcusdt_perp_1h.csv (bars)", Binance.perpetualBars(data("binance/binance_btcusdt_perp_1h.csv"))],
  ["binance_btcusdt_funding_8h.csv", Binance.funding(data("binance/binance_btcusdt_funding_8h.csv"))],
  ["demo merge (chain, perpetual, futures, bars, funding)", merge([
    Deribit.optionChain(data("deribit/deribit_btc_options_27MAR26.csv")),
    Deribit.perpetualSnapshots(data("deribit/deribit_btc_perpetual_at_snapshots.csv")),
    Deribit.futuresSnapshots(data("deribit/deribit_btc_futures_at_snapshots.csv")),
    Binance.perpetualBars(data("binance/binance_btcusdt_perp_1h.csv")),
    Binance.funding(data("binance/binance_btcusdt_funding_8h.csv"))
  ])],
  ["generated tardis trades, 1M rows", Tardis.trades(trades)],
  ["generated tardis options_chain, 200k rows", Tardis.optionsChain(chain)],
  ["generated tardis options_chain, 200k rows, .gz", Tardis.optionsChain(chainGz)]
]

try {
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} (${os.cpus().length} cores), ${os.platform()}`)
  console.log(["source".padEnd(52), "rows".padStart(8), "events".padStart(8), "ms".padStart(6), "rows/s".padStart(8), "events/s".padStart(9), "ms¹".padStart(6), "events/s¹".padStart(10)].join(" "))
  for (const [name, source] of rows) {
    const perEvent = await time(source, "events")
    const batched = await time(source, "batches")
    const stats = statsOf(source)
    const n = stats.reduce((sum, s) => sum + s.rows, 0), events = stats.reduce((sum, s) => sum + s.events, 0)
    const rate = (x: number, ms: number) => `${(x / ms / 1000).toFixed(2)} M`
    console.log([
      name.padEnd(52),
      String(n).padStart(8),
      String(events).padStart(8),
      perEvent.toFixed(0).padStart(6),
      rate(n, perEvent).padStart(8),
      rate(events, perEvent).padStart(9),
      batched.toFixed(0).padStart(6),
      rate(events, batched).padStart(10)
    ].join(" "))
  }
  console.log(`best of ${PASSES} passes; ¹ consuming source.batches() (arrays of events) instead of one event per await`)
} finally {
  for (const path of generated) rmSync(path, { force: true })
}
