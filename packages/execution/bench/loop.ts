/**
 * Execution benchmark, in one process:
 *
 * 1. Tick → valuation → decision → order sent: the live loop (`LiveLoop.run`, kill switch on) against the paper
 *    exchange, for a book of 200 options (5 expiries × 20 strikes × call and put, each with its own vol from its
 *    snapshot), hedged on BTC-PERPETUAL by a 0.01-coin delta band so that most ticks trade. Ticks are perpetual
 *    marks one second apart (a synthetic random walk, benchmark input, not market data). Latency per tick that
 *    traded: from the loop receiving the event that completes the tick's timestamp to the paper exchange receiving
 *    the order — with the journal on disk (each intent synced to its record log before it is sent), on a journal in
 *    memory (no sync: the loop alone), and on disk again in a child process run with `--v8-pool-size=1`.
 * 2. The disk's floor: 4 KiB written in place and `fdatasync`ed.
 * 3. Journal throughput: intents written and synced per second, then the same with their answer and fill (what
 *    the loop writes per filled order).
 *
 *   cd packages/execution && npx -y pnpm@10.34.9 run bench
 *
 * Environment: TICKS (default 3 000), INTENTS (default 2 000), TAIL=1 (print the 15 slowest orders' split).
 */
import { Policies } from "@hedgekit/hedging"
import { type MarketEvent, RebalancePolicy, Venue } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { execFileSync } from "node:child_process"
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Journal, LiveLoop, Paper } from "../src/index.js"

const TICKS = Number(process.env["TICKS"] ?? 3_000)
const INTENTS = Number(process.env["INTENTS"] ?? 2_000)
const T0 = Date.UTC(2026, 0, 5)
const DAY = 86_400_000
const PERP = "BTC-PERPETUAL"

const hedge = { kind: "perpetual", symbol: PERP, underlying: "BTC", settlement: "inverse", contractSize: 10 } as const
const costs = { lot: 1, fees: { maker: 0, taker: 0.0005 }, halfSpread: 0.00005 }

/** 200 options and a snapshot of each, then `ticks` index + perpetual marks a second apart. */
const tape = (ticks: number): { events: Array<MarketEvent.MarketEvent>; legs: Array<{ symbol: string; quantity: number }> } => {
  let x = 12345
  const uniform = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    return (x + 0.5) / 4294967296
  }
  const events: Array<MarketEvent.MarketEvent> = []
  const legs: Array<{ symbol: string; quantity: number }> = []
  const S0 = 100_000
  events.push({ kind: "index", timeMs: T0, underlying: "BTC", price: S0 })
  events.push({ kind: "perpetual", timeMs: T0, symbol: PERP, underlying: "BTC", mark: S0 })
  for (const days of [2, 9, 30, 58, 86]) {
    const expiryMs = T0 + days * DAY + 8 * 3_600_000
    for (let j = 0; j < 20; j++) {
      const strike = 70_000 + 3_000 * j
      for (const optionType of ["call", "put"] as const) {
        const symbol = `BTC-${days}D-${strike}-${optionType === "call" ? "C" : "P"}`
        legs.push({ symbol, quantity: uniform() < 0.5 ? -1 : 1 })
        events.push({
          kind: "option", timeMs: T0, symbol, underlying: "BTC", optionType, strike, expiryMs, settlement: "inverse", premiumUnit: "coin",
          mark: 0.01, markVol: 0.5 + 0.2 * (strike / S0 - 1) ** 2, forward: S0 * (1 + 0.0002 * days), index: S0
        })
      }
    }
  }
  let S = S0
  for (let k = 1; k <= ticks; k++) {
    S *= Math.exp(0.002 * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()))
    events.push({ kind: "index", timeMs: T0 + 1000 * k, underlying: "BTC", price: S })
    events.push({ kind: "perpetual", timeMs: T0 + 1000 * k, symbol: PERP, underlying: "BTC", mark: S })
  }
  return { events, legs }
}

const percentile = (xs: Array<number>, p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!
}

const loopLatency = async (journalPath: string) => {
  const { events, legs } = tape(TICKS)
  const venue = Paper.make(Paper.backtestEquivalent(hedge, costs))
  const received = new Map<number, bigint>() // event time → when the loop got the event completing it
  const latencies: Array<number> = []
  const intentMs: Array<number> = []
  let pending = NaN
  // time each order from the arrival of the event that made the loop act on the previous timestamp
  const timed: Venue.VenueService = {
    ...venue,
    place: (order) =>
      Effect.suspend(() => {
        const at = received.get(pending)
        if (at !== undefined) {
          latencies.push(Number(process.hrtime.bigint() - at) / 1e6)
          intentMs.push(lastIntentMs) // the journal wrote this order's intent just before
        }
        return venue.place(order)
      })
  }
  // one event per pull, so that the arrival time is taken when the loop asks for the event
  const stream = Stream.map(Stream.rechunk(Stream.fromIterable(events), 1), (e) => {
    if (!received.has(e.timeMs)) {
      received.set(e.timeMs, process.hrtime.bigint())
      pending = e.timeMs
    }
    return e
  })
  // the journal, with its synced intent write timed: the part of each latency that is the disk's
  const file = Journal.open(journalPath)
  let lastIntentMs = NaN
  const journal: Journal.JournalFile = {
    ...file,
    recordIntent: (order, nowMs) => {
      const t = process.hrtime.bigint()
      file.recordIntent(order, nowMs)
      lastIntentMs = Number(process.hrtime.bigint() - t) / 1e6
    }
  }
  const start = process.hrtime.bigint()
  const result = await Effect.runPromise(
    LiveLoop.run(stream, {
      legs, openMs: T0, hedge, costs,
      policy: RebalancePolicy.configure(Policies.deltaBand, { halfWidthCoins: 0.01, target: "centre" }),
      accounting: "usd", spot: "index", smile: "sticky-moneyness", crossSpread: false,
      prefix: "bench", clock: "events", killSwitch: { settlementPause: false, maxOrdersPerMinute: 1_000_000 }
    }).pipe(Effect.provideService(Venue.Venue, timed), Effect.provideService(Venue.MarketFeed, venue), Effect.provideService(Journal.Journal, journal))
  )
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  journal.close()
  return { latencies, intentMs, seconds, orders: result.orders.length, ticks: TICKS }
}

const journalThroughput = (path: string) => {
  const journal = Journal.open(path)
  let start = process.hrtime.bigint()
  for (let i = 0; i < INTENTS; i++) journal.recordIntent({ clientOrderId: `a-${i}`, symbol: PERP, side: "buy", quantity: 1, type: "market" }, T0 + i)
  const intentsPerSecond = INTENTS / (Number(process.hrtime.bigint() - start) / 1e9)
  start = process.hrtime.bigint()
  for (let i = 0; i < INTENTS; i++) {
    const id = `b-${i}`
    journal.recordIntent({ clientOrderId: id, symbol: PERP, side: "buy", quantity: 1, type: "market" }, T0 + i)
    const fill: Venue.Fill = { clientOrderId: id, tradeId: `t-${i}`, symbol: PERP, side: "buy", quantity: 1, price: 100_000, fee: 5e-8, feeCurrency: "BTC", liquidity: "taker", timeMs: T0 + i }
    journal.recordUpdate({ clientOrderId: id, symbol: PERP, state: "filled", filledQuantity: 1, averagePrice: 100_000, timeMs: T0 + i, fills: [fill] }, T0 + i)
  }
  const ordersPerSecond = INTENTS / (Number(process.hrtime.bigint() - start) / 1e9)
  journal.close()
  return { intentsPerSecond, ordersPerSecond }
}

const dir = mkdtempSync(join(os.tmpdir(), "hk-bench-"))
process.on("exit", () => rmSync(dir, { recursive: true, force: true }))
const child = process.argv.includes("--disk-loop-only")

const report = async (label: string, path: string) => {
  const r = await loopLatency(path)
  console.log(
    `tick → order sent, 200-option book, ${label}: p50 ${percentile(r.latencies, 0.5).toFixed(3)} ms, p99 ${percentile(r.latencies, 0.99).toFixed(3)} ms, max ${Math.max(...r.latencies).toFixed(3)} ms over ${r.latencies.length} orders (${r.ticks} ticks in ${r.seconds.toFixed(2)} s, ${(r.ticks / r.seconds).toFixed(0)} ticks/s)`
  )
  const rest = r.latencies.map((l, i) => l - (r.intentMs[i] ?? 0))
  console.log(`  of which the journal's intent write: p50 ${percentile(r.intentMs, 0.5).toFixed(3)} ms, p99 ${percentile(r.intentMs, 0.99).toFixed(3)} ms; the rest (valuation, decision, kill switch, venue): p50 ${percentile(rest, 0.5).toFixed(3)} ms, p99 ${percentile(rest, 0.99).toFixed(3)} ms`)
  if (process.env["TAIL"]) {
    const slowest = r.latencies.map((_, i) => i).sort((a, b) => r.latencies[b]! - r.latencies[a]!).slice(0, 15)
    for (const i of slowest) console.log(`    order ${i}: ${r.latencies[i]!.toFixed(3)} ms = intent write ${r.intentMs[i]!.toFixed(3)} + rest ${rest[i]!.toFixed(3)}`)
  }
}

if (!child) console.log(`execution — ${os.cpus()[0]?.model ?? "cpu"}, ${os.availableParallelism()} cores, node ${process.version}, journal in ${dir} (removed at the end)`)
await loopLatency(join(dir, "warm.journal")) // warm-up
if (child) {
  await report("journal on disk, V8 helper threads: 1", join(dir, "loop.journal"))
  process.exit(0)
}
await report("journal on disk (each record synced)", join(dir, "loop.journal"))
await report("journal in memory (no sync)", ":memory:")
// the same on-disk loop in a process whose V8 keeps one helper thread: on 2 cores, the loop's thread then finds a
// core free when its sync returns (V8's default of four helpers can hold both while it waits)
console.log(
  execFileSync(process.execPath, ["--v8-pool-size=1", fileURLToPath(import.meta.url), "--disk-loop-only"], { encoding: "utf8", env: process.env }).trimEnd()
)

/** The disk's own floor: 4 KiB written in place and `fdatasync`ed, `n` times. */
const rawSync = (path: string, n = 2_000) => {
  const fd = openSync(path, "w")
  const block = Buffer.alloc(4096, 1)
  const ms: Array<number> = []
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint()
    writeSync(fd, block, 0, block.length, (i % 16) * block.length)
    fdatasyncSync(fd)
    ms.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  closeSync(fd)
  return ms
}
const raw = rawSync(join(dir, "raw.bin"))
console.log(`disk: 4 KiB write + fdatasync p50 ${percentile(raw, 0.5).toFixed(3)} ms, p99 ${percentile(raw, 0.99).toFixed(3)} ms, max ${Math.max(...raw).toFixed(3)} ms`)
const j = journalThroughput(join(dir, "throughput.journal"))
console.log(
  `journal: ${j.intentsPerSecond.toFixed(0)} intents/s (each synced to the record log); ${j.ordersPerSecond.toFixed(0)} orders/s with their answer and fill (two synced records each; SQLite commits every 64 records)`
)
