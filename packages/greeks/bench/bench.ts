/**
 * Benchmarks of @hedgekit/greeks, run in one process:
 *
 *   cd packages/greeks && pnpm run bench
 *
 * 1. Chain Greeks: every Greek to third order over a chain of 100 000 seeded crypto-like options
 *    (`ClosedForm.black76Batch`), beside the first-order kernels it builds on (`@hedgekit/models`
 *    `Black76.greeksBatch`) and the fastest npm peer (`@uqee/black-scholes` `option()`, first order only).
 * 2. Model-agnostic Greeks (`Numerical.greeks`): options per second, with the model's analytic first-order
 *    Greeks and from the price alone.
 * 3. Portfolio: the exposure of a 1 000-option book built from the bundled Deribit chain, and its scenario grid
 *    of 41 index shocks × 21 vol shocks × 5 time steps (full revaluation and Greek approximation).
 *
 * Run from `packages/greeks` (paths are relative to it). Throughput is the median of several repetitions after a warm-up pass; outputs are folded into a checksum.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import { resolve } from "node:path"
import { Black76, Models } from "@hedgekit/models"
import { definePricingModel } from "@hedgekit/sdk"
import { ClosedForm, Numerical, Portfolio, Scenario } from "../src/index.js"

interface UqeeOption {
  readonly price: number
  readonly delta: number
  readonly gamma: number
  readonly vega: number
  readonly theta: number
  readonly rho: number
}
interface UqeeModule {
  BlackScholes: new() => { option(args: { rate: number; sigma: number; strike: number; time: number; type: "call" | "put"; underlying: number }): UqeeOption }
}
const require = createRequire(import.meta.url)
const uqee = require("@uqee/black-scholes") as UqeeModule
const uqeeVersion = (require("@uqee/black-scholes/package.json") as { version: string }).version

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}
const seconds = (f: () => void): number => {
  const t0 = process.hrtime.bigint()
  f()
  return Number(process.hrtime.bigint() - t0) / 1e9
}
const timed = (reps: number, f: () => void): { median: number; min: number; max: number } => {
  f() // warm-up
  const ts: Array<number> = []
  for (let i = 0; i < reps; i++) {
    ;(globalThis as { gc?: () => void }).gc?.()
    ts.push(seconds(f))
  }
  return { median: median(ts), min: Math.min(...ts), max: Math.max(...ts) }
}

// Seeded inputs (mulberry32): F 20k–120k, K/F 0.5–2 log-symmetric, T 1 h – 2 y, σ 0.2–1.5, r = 0.
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const N = 100_000
const u = rng(20261125)
const isCall = new Uint8Array(N), forward = new Float64Array(N), strike = new Float64Array(N)
const expiry = new Float64Array(N), rate = new Float64Array(N), vol = new Float64Array(N)
for (let i = 0; i < N; i++) {
  isCall[i] = u() < 0.5 ? 1 : 0
  forward[i] = 20_000 + 100_000 * u()
  strike[i] = forward[i]! * Math.exp(Math.log(2) * (2 * u() - 1))
  expiry[i] = (1 + 17_519 * u() ** 3) / 8760
  vol[i] = 0.2 + 1.3 * u()
}
const chain = { length: N, isCall, forward, strike, expiry, rate, vol }
const all = ClosedForm.makeColumns(N)
const first = { price: all.price, delta: all.delta, gamma: all.gamma, vega: all.vega, theta: all.theta, rho: all.rho }
const status = new Uint8Array(N)
let checksum = 0
const fold = (c: Float64Array) => {
  for (let i = 0; i < c.length; i += 997) checksum += c[i]!
}

const lines: Array<string> = []
const row = (cells: ReadonlyArray<string | number>) => lines.push(`| ${cells.join(" | ")} |`)
const rate3 = (n: number, t: { median: number; min: number; max: number }) =>
  `${(n / t.median / 1e6).toFixed(2)} (${(n / t.max / 1e6).toFixed(2)}–${(n / t.min / 1e6).toFixed(2)})`

const start = Date.now()
lines.push("## Chain Greeks (100 000 options)", "")
row(["library", "API", "Greeks", "M options/s median (min–max)"])
row(["---", "---", "---", "---:"])
const all16 = timed(9, () => {
  ClosedForm.black76Batch(chain, all, status)
  fold(all.ultima)
})
row(["@hedgekit/greeks", "ClosedForm.black76Batch", "price + 15 Greeks to third order", rate3(N, all16)])
const firstOnly = timed(9, () => {
  Black76.greeksBatch(chain, first, status)
  fold(first.theta)
})
row(["@hedgekit/models", "Black76.greeksBatch", "price, delta, gamma, vega, theta, rho", rate3(N, firstOnly)])
const peer = new uqee.BlackScholes()
const peerRun = timed(9, () => {
  for (let i = 0; i < N; i++) {
    const o = peer.option({ rate: 0, sigma: vol[i]!, strike: strike[i]!, time: expiry[i]!, type: isCall[i] === 1 ? "call" : "put", underlying: forward[i]! })
    first.price[i] = o.price
    first.delta[i] = o.delta
    first.gamma[i] = o.gamma
    first.vega[i] = o.vega
    first.theta[i] = o.theta
    first.rho[i] = o.rho
  }
  fold(first.theta)
})
row([`@uqee/black-scholes ${uqeeVersion}`, "option() (default)", "price, delta, gamma, vega, theta, rho", rate3(N, peerRun)])

lines.push("", "## Model-agnostic Greeks (`Numerical.greeks`, 2 000 options)", "")
row(["model", "differences of", "k options/s median (min–max)", "model calls per option"])
row(["---", "---", "---:", "---:"])
const M = 2_000
const priceOnly = definePricingModel({ name: "black76-price-only", version: "0", params: Models.black76.params, price: Models.black76.price })
for (const [label, model, from] of [
  ["black76 (analytic first order)", Models.black76, "delta, gamma, vega, price"],
  ["black76, price only", priceOnly, "price"]
] as const) {
  let calls = 0
  const counted = definePricingModel({
    ...model,
    price: (o, p) => {
      calls++
      return model.price(o, p)
    },
    ...(model.greeks === undefined ? {} : {
      greeks: (o: Parameters<NonNullable<typeof model.greeks>>[0], p: { readonly vol: number }) => {
        calls++
        return model.greeks!(o, p)
      }
    })
  })
  const t = timed(3, () => {
    for (let i = 0; i < M; i++) {
      const r = Numerical.greeks(counted, { type: isCall[i] === 1 ? "call" : "put", forward: forward[i]!, strike: strike[i]!, expiry: expiry[i]!, rate: 0 }, { vol: vol[i]! })
      checksum += r.greeks.speed!.value
    }
  })
  row([label, from, `${(M / t.median / 1e3).toFixed(1)} (${(M / t.max / 1e3).toFixed(1)}–${(M / t.min / 1e3).toFixed(1)})`, (calls / (4 * M)).toFixed(0)])
}

{
  const out = { price: new Float64Array(M), delta: new Float64Array(M), gamma: new Float64Array(M), vega: new Float64Array(M), theta: new Float64Array(M), rho: new Float64Array(M), vanna: new Float64Array(M), volga: new Float64Array(M), charm: new Float64Array(M), veta: new Float64Array(M), speed: new Float64Array(M), zomma: new Float64Array(M), color: new Float64Array(M), ultima: new Float64Array(M), dualDelta: new Float64Array(M), dualGamma: new Float64Array(M) }
  const sub = { length: M, isCall: isCall.subarray(0, M), forward: forward.subarray(0, M), strike: strike.subarray(0, M), expiry: expiry.subarray(0, M), rate: rate.subarray(0, M) }
  const st = new Uint8Array(M)
  const t = timed(5, () => {
    Numerical.greeksBatch(Models.black76, sub, { vol: vol.subarray(0, M) }, out, st)
    fold(out.speed)
  })
  row(["black76, `greeksBatch` (columns through the model's batch kernels)", "delta, gamma, vega, price", `${(M / t.median / 1e3).toFixed(1)} (${(M / t.max / 1e3).toFixed(1)}–${(M / t.min / 1e3).toFixed(1)})`, "—"])
}

// A 1 000-option book from the first snapshot of the bundled Deribit chain: every listed option there, with
// quantities −10…10 contracts, cycled to 1 000 positions, plus a short perpetual and coin cash.
const csv = readFileSync(resolve(process.cwd(), "../../data/deribit/deribit_btc_option_chain_weekly.csv"), "utf8").trim().split("\n")
const cols = csv[0]!.split(",")
const records = csv.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i]!, v])) as Record<string, string>)
const ts = records[0]!.timestamp_ms!
const snap = records.filter((r) => r.timestamp_ms === ts && Number(r.expiry_ms) > Number(ts))
const market: Portfolio.Market = {
  timestampMs: Number(ts),
  underlyings: [{ underlying: "BTC", index: Number(snap[0]!.index_price), rate: 0, forwards: [...new Map(snap.map((r) => [Number(r.expiry_ms), Number(r.underlying)]))].map(([expiryMs, f]) => ({ expiryMs, forward: f })) }],
  vols: snap.map((r) => ({ symbol: r.instrument_name!, vol: Number(r.implied_volatility) }))
}
const positions: Array<Portfolio.Position> = []
for (let i = 0; i < 1_000; i++) {
  const r = snap[i % snap.length]!
  positions.push({
    id: `${r.instrument_name}#${i}`,
    quantity: ((i * 7919) % 21) - 10 || 1,
    instrument: { kind: "option", symbol: r.instrument_name!, underlying: "BTC", optionType: r.option_type as "call" | "put", strike: Number(r.strike), expiryMs: Number(r.expiry_ms), settlement: "inverse", multiplier: 1 }
  })
}
positions.push({ id: "perp", quantity: -1_000, instrument: { kind: "perpetual", symbol: "BTC-PERPETUAL", underlying: "BTC", settlement: "inverse", contractSize: 10 } })
const book: Portfolio.Book = { positions, cash: [{ currency: "BTC", amount: 5 }] }
const shocks = (n: number, lo: number, hi: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1))
const spec: Scenario.Spec = { spotShocks: shocks(41, -0.4, 0.4), volShocks: shocks(21, -0.2, 0.2), volShock: "absolute", days: [0, 1, 7, 14, 30] }

lines.push("", `## Portfolio (1 000 options from the bundled Deribit chain, ${snap.length} distinct, + perpetual + cash)`, "")
row(["task", "ms median (min–max)", "option revaluations / s"])
row(["---", "---:", "---:"])
const ex = timed(9, () => {
  checksum += Portfolio.exposure(book, market, "coin").exposures[0]!.delta
})
row(["`Portfolio.exposure` (coin accounting, buckets)", `${(ex.median * 1e3).toFixed(2)} (${(ex.min * 1e3).toFixed(2)}–${(ex.max * 1e3).toFixed(2)})`, "—"])
const cells = 41 * 21 * 5
const gr = timed(5, () => {
  checksum += Scenario.grid(book, market, "BTC", spec, "usd").full[cells - 1]!
})
row([`\`Scenario.grid\` 41 × 21 × 5 (${cells} cells × ${snap.length} distinct options, full + Taylor)`, `${(gr.median * 1e3).toFixed(1)} (${(gr.min * 1e3).toFixed(1)}–${(gr.max * 1e3).toFixed(1)})`, `${((cells * snap.length) / gr.median / 1e6).toFixed(1)} M`])

const header = [
  "# @hedgekit/greeks benchmark",
  "",
  `- Date: ${new Date().toISOString()}`,
  `- Node: ${process.version} (${process.platform}/${process.arch})`,
  `- CPU: ${os.cpus()[0]?.model ?? "unknown"} (${os.cpus().length} logical cores; the benchmark runs on one)`,
  "- Command: `cd packages/greeks && pnpm run bench`",
  `- Wall time: ${((Date.now() - start) / 1000).toFixed(0)} s; checksum ${checksum.toPrecision(6)}`,
  ""
]
const text = [...header, ...lines, ""].join("\n")
writeFileSync(resolve(process.cwd(), "bench/results.md"), text)
process.stdout.write(text)
