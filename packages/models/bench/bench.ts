/**
 * Black-76 price + Greeks and implied-vol benchmark of @hedgekit/models against the npm peers
 * (black-scholes 1.1.0 + greeks 1.0.0, @uqee/black-scholes 1.0.7, implied-volatility 1.0.0), run in one
 * process on the same seeded inputs.
 *
 *   cd packages/models && pnpm run bench
 *
 * hedgekit's price + Greeks batch is timed three ways: `Black76.greeksBatch` on ordinary arrays (the
 * WebAssembly kernel behind copies through staging columns), `Black76.greeksBatch` on columns from
 * `Black76.makeWasmColumns` (no copies; filled once, outside the timing), and the JavaScript loop on its own.
 *
 * Throughput: median of several timed repetitions after a warm-up pass, inputs and outputs allocated once
 * outside the timed loops; every library writes into the same output columns, which are folded into a
 * checksum after each repetition. Peers that are too slow for 10⁶ rows inside the time budget are timed on
 * the first N rows of the same stream (the rows are i.i.d., so any prefix is the same mix); the table
 * says how many.
 *
 * Accuracy: every library's timed code path is also run on the first 2,000 rows, whose values bench/
 * reference.py computed with mpmath at 60 digits (checked at 90). Peers price on a spot, so they get
 * S = F, r = 0 (Black-76 ≡ BSM then), and their units are converted: vega per 1 % → per 1.00, theta per
 * day → per year, theta as +∂V/∂T → −∂V/∂T.
 */
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import { fileURLToPath } from "node:url"
import { Black76 } from "../src/index.js"
import { blackGreeksLoop } from "../src/internal/blackKernel.js"
import { generateRows, SEED } from "./rows.js"
import type { Rows } from "./rows.js"

// ---------------------------------------------------------------------------------------------------
// Peers (CommonJS, untyped): loaded at run time from node_modules, exactly as published.

type CallPut = "call" | "put"
interface MattBlackScholes {
  blackScholes(s: number, k: number, t: number, v: number, r: number, callPut: CallPut): number
}
interface MattGreeks {
  getDelta(s: number, k: number, t: number, v: number, r: number, callPut: CallPut): number
  getGamma(s: number, k: number, t: number, v: number, r: number): number
  getVega(s: number, k: number, t: number, v: number, r: number): number
  getTheta(s: number, k: number, t: number, v: number, r: number, callPut: CallPut, scale?: number): number
}
interface MattImpliedVol {
  getImpliedVolatility(price: number, s: number, k: number, t: number, r: number, callPut: CallPut): number
}
interface UqeeOption {
  readonly price: number
  readonly delta: number
  readonly gamma: number
  readonly vega: number
  readonly theta: number
  readonly rho: number
}
interface UqeeBlackScholes {
  option(args: { rate: number; sigma: number; strike: number; time: number; type: CallPut; underlying: number }): UqeeOption
  sigma(args: { price: number; rate: number; strike: number; time: number; type: CallPut; underlying: number }): number
}
interface UqeeModule {
  BlackScholes: new(args?: {
    sigmaToPricePrecision?: "single" | "double"
    priceToSigmaMethod?: "bisection" | "newton-raphson"
  }) => UqeeBlackScholes
}

const require = createRequire(import.meta.url)
const mattBs = require("black-scholes") as MattBlackScholes
const mattGreeks = require("greeks") as MattGreeks
const mattIv = require("implied-volatility") as MattImpliedVol
const uqee = require("@uqee/black-scholes") as UqeeModule
const peerVersion = (name: string): string => (require(`${name}/package.json`) as { version: string }).version

const uqeeSingle = new uqee.BlackScholes() // defaults: single-precision CDF, bisection IV
const uqeeDouble = new uqee.BlackScholes({ sigmaToPricePrecision: "double" })
const uqeeDoubleNewton = new uqee.BlackScholes({ sigmaToPricePrecision: "double", priceToSigmaMethod: "newton-raphson" })

// ---------------------------------------------------------------------------------------------------
// Configuration

const N = 1_000_000
const REPS_FAST = 7
const REPS_SLOW = 3
/** Target wall time of one timed repetition; slow peers get a prefix of the rows sized to it. */
const TARGET_REP_SECONDS = 2
const MIN_SLICE = 1_000
const DBL_MIN = 2.2250738585072014e-308
/** An implied vol off by more than this (relative) counts as a failure ("wrong"). */
const WRONG_IV = 1e-2
const gc = (globalThis as { gc?: () => void }).gc

// ---------------------------------------------------------------------------------------------------
// Output columns and runners

interface Out {
  readonly price: Float64Array
  readonly delta: Float64Array
  readonly gamma: Float64Array
  readonly vega: Float64Array
  readonly theta: Float64Array
  readonly rho: Float64Array
}

const columns = (n: number): Out => ({
  price: new Float64Array(n),
  delta: new Float64Array(n),
  gamma: new Float64Array(n),
  vega: new Float64Array(n),
  theta: new Float64Array(n),
  rho: new Float64Array(n)
})

interface IvRows extends Rows {
  readonly price: Float64Array
}

/** Computes rows [0, n) of `rows` into `out`. */
type GreeksRunner = (rows: Rows, out: Out, status: Uint8Array, n: number) => void
type IvRunner = (rows: IvRows, out: Float64Array, status: Uint8Array, n: number) => void

const prefix = <R extends Rows>(rows: R, n: number): R => (n === rows.length ? rows : { ...rows, length: n })

/** Columns a runner owns (inputs copied in once, outside the timed region) instead of the shared ones. */
interface Owned {
  readonly rows: Rows
  readonly out: Out
  readonly status: Uint8Array
}

/** The rows copied into columns in WebAssembly memory (`Black76.makeWasmColumns`), for zero-copy batches. */
const inWasmMemory = (rows: Rows): Owned => {
  const { input, out, status } = Black76.makeWasmColumns(rows.length)
  input.isCall.set(rows.isCall)
  input.forward.set(rows.forward)
  input.strike.set(rows.strike)
  input.expiry.set(rows.expiry)
  input.rate.set(rows.rate)
  input.vol.set(rows.vol)
  return { rows: input, out, status }
}

const greeksRunners: ReadonlyArray<{ name: string; api: string; fast: boolean; own?: (rows: Rows) => Owned; run: GreeksRunner }> = [
  {
    name: "hedgekit",
    api: "Black76.greeksBatch (wasm, staging copies)",
    fast: true,
    run: (rows, out, status, n) => Black76.greeksBatch(prefix(rows, n), out, status)
  },
  {
    name: "hedgekit",
    api: "Black76.greeksBatch (wasm, makeWasmColumns, no copies)",
    fast: true,
    own: inWasmMemory,
    run: (rows, out, status, n) => Black76.greeksBatch(prefix(rows, n), out, status)
  },
  {
    name: "hedgekit",
    api: "JS loop (internal blackGreeksLoop)",
    fast: true,
    run: (rows, out, status, n) =>
      blackGreeksLoop(n, rows.isCall, rows.forward, rows.strike, rows.expiry, rows.rate, undefined, rows.vol, 0, out, undefined, status)
  },
  {
    name: "hedgekit",
    api: "Black76.greeks (scalar)",
    fast: true,
    run: (rows, out, _status, n) => {
      const { expiry, forward, isCall, rate, strike, vol } = rows
      for (let i = 0; i < n; i++) {
        const g = Black76.greeks(isCall[i] === 1 ? "call" : "put", forward[i]!, strike[i]!, expiry[i]!, rate[i]!, vol[i]!)
        out.price[i] = g.price
        out.delta[i] = g.delta
        out.gamma[i] = g.gamma
        out.vega[i] = g.vega
        out.theta[i] = g.theta
      }
    }
  },
  {
    name: `@uqee/black-scholes ${peerVersion("@uqee/black-scholes")}`,
    api: "option() default (single)",
    fast: true,
    run: (rows, out, _status, n) => uqeeGreeks(uqeeSingle, rows, out, n)
  },
  {
    name: `@uqee/black-scholes ${peerVersion("@uqee/black-scholes")}`,
    api: "option() precision: double",
    fast: true,
    run: (rows, out, _status, n) => uqeeGreeks(uqeeDouble, rows, out, n)
  },
  {
    name: `black-scholes ${peerVersion("black-scholes")} + greeks ${peerVersion("greeks")}`,
    api: "blackScholes + get*",
    fast: false,
    run: (rows, out, _status, n) => {
      const { expiry, forward, isCall, strike, vol } = rows
      for (let i = 0; i < n; i++) {
        const S = forward[i]!, K = strike[i]!, T = expiry[i]!, v = vol[i]!
        const type: CallPut = isCall[i] === 1 ? "call" : "put"
        out.price[i] = mattBs.blackScholes(S, K, T, v, 0, type)
        out.delta[i] = mattGreeks.getDelta(S, K, T, v, 0, type)
        out.gamma[i] = mattGreeks.getGamma(S, K, T, v, 0)
        out.vega[i] = 100 * mattGreeks.getVega(S, K, T, v, 0) // per 1 % → per 1.00
        out.theta[i] = 365 * mattGreeks.getTheta(S, K, T, v, 0, type) // per day → per year
      }
    }
  }
]

function uqeeGreeks(model: UqeeBlackScholes, rows: Rows, out: Out, n: number): void {
  const { expiry, forward, isCall, strike, vol } = rows
  for (let i = 0; i < n; i++) {
    const o = model.option({
      rate: 0,
      sigma: vol[i]!,
      strike: strike[i]!,
      time: expiry[i]!,
      type: isCall[i] === 1 ? "call" : "put",
      underlying: forward[i]!
    })
    out.price[i] = o.price
    out.delta[i] = o.delta
    out.gamma[i] = o.gamma
    out.vega[i] = o.vega
    out.theta[i] = -o.theta // +∂V/∂T (time to expiry) → −∂V/∂T
  }
}

function uqeeIv(model: UqeeBlackScholes, rows: IvRows, out: Float64Array, n: number): void {
  const { expiry, forward, isCall, price, strike } = rows
  for (let i = 0; i < n; i++) {
    out[i] = model.sigma({
      price: price[i]!,
      rate: 0,
      strike: strike[i]!,
      time: expiry[i]!,
      type: isCall[i] === 1 ? "call" : "put",
      underlying: forward[i]!
    })
  }
}

let scalarThrows = 0

const ivRunners: ReadonlyArray<{ name: string; api: string; fast: boolean; run: IvRunner }> = [
  {
    name: "hedgekit",
    api: "Black76.impliedVolBatch",
    fast: true,
    run: (rows, out, status, n) => Black76.impliedVolBatch(prefix(rows, n), out, status)
  },
  {
    name: "hedgekit",
    api: "Black76.impliedVol (scalar)",
    fast: true,
    run: (rows, out, _status, n) => {
      const { expiry, forward, isCall, price, rate, strike } = rows
      for (let i = 0; i < n; i++) {
        try {
          out[i] = Black76.impliedVol(isCall[i] === 1 ? "call" : "put", price[i]!, forward[i]!, strike[i]!, expiry[i]!, rate[i]!)
        } catch {
          scalarThrows++
          out[i] = NaN
        }
      }
    }
  },
  {
    name: `@uqee/black-scholes ${peerVersion("@uqee/black-scholes")}`,
    api: "sigma() default (bisection, single)",
    fast: true,
    run: (rows, out, _status, n) => uqeeIv(uqeeSingle, rows, out, n)
  },
  {
    name: `@uqee/black-scholes ${peerVersion("@uqee/black-scholes")}`,
    api: "sigma() bisection, double",
    fast: true,
    run: (rows, out, _status, n) => uqeeIv(uqeeDouble, rows, out, n)
  },
  {
    name: `@uqee/black-scholes ${peerVersion("@uqee/black-scholes")}`,
    api: "sigma() newton-raphson, double",
    fast: true,
    run: (rows, out, _status, n) => uqeeIv(uqeeDoubleNewton, rows, out, n)
  },
  {
    name: `implied-volatility ${peerVersion("implied-volatility")}`,
    api: "getImpliedVolatility",
    fast: false,
    run: (rows, out, _status, n) => {
      const { expiry, forward, isCall, price, strike } = rows
      for (let i = 0; i < n; i++) {
        out[i] = mattIv.getImpliedVolatility(price[i]!, forward[i]!, strike[i]!, expiry[i]!, 0, isCall[i] === 1 ? "call" : "put")
      }
    }
  }
]

// ---------------------------------------------------------------------------------------------------
// Timing

let checksum = 0

const fold = (xs: Float64Array, n: number): number => {
  let s = 0
  for (let i = 0; i < n; i++) {
    const v = xs[i]!
    if (v === v && Math.abs(v) < Infinity) s += v
  }
  return s
}

const seconds = (f: () => void): number => {
  const t0 = process.hrtime.bigint()
  f()
  return Number(process.hrtime.bigint() - t0) / 1e9
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!)
}

interface Timing {
  readonly rows: number
  readonly reps: number
  readonly mops: number // median, M rows/s
  readonly minMops: number
  readonly maxMops: number
}

/**
 * Slow runners are calibrated on a short probe and timed on the largest prefix (whole thousands, at least
 * MIN_SLICE rows) that fits TARGET_REP_SECONDS, with REPS_SLOW repetitions (the probe is their warm-up).
 * Fast runners get one full warm-up pass, then REPS_FAST repetitions (5 when a pass takes over 0.6 s).
 * Garbage is collected between repetitions, outside the timed region.
 */
const measure = (fast: boolean, run: (n: number) => void, sum: (n: number) => number): Timing => {
  let n = N
  let reps = REPS_SLOW
  if (fast) {
    const warm = seconds(() => run(N))
    reps = warm < 0.6 ? REPS_FAST : 5
  } else {
    run(100)
    const perRow = seconds(() => run(200)) / 200
    n = Math.min(N, Math.max(MIN_SLICE, Math.round(TARGET_REP_SECONDS / perRow / 1000) * 1000))
  }
  checksum += sum(n)
  const rates: Array<number> = []
  for (let r = 0; r < reps; r++) {
    gc?.()
    rates.push(n / seconds(() => run(n)) / 1e6)
    checksum += sum(n)
  }
  return { rows: n, reps, mops: median(rates), minMops: Math.min(...rates), maxMops: Math.max(...rates) }
}

// ---------------------------------------------------------------------------------------------------
// Reference

interface Reference {
  readonly seed: number
  readonly sample: number
  readonly inputs: {
    readonly isCall: ReadonlyArray<number>
    readonly forward: ReadonlyArray<string>
    readonly strike: ReadonlyArray<string>
    readonly expiry: ReadonlyArray<string>
    readonly vol: ReadonlyArray<string>
  }
  readonly reference: {
    readonly price: ReadonlyArray<string>
    readonly delta: ReadonlyArray<string>
    readonly gamma: ReadonlyArray<string>
    readonly vega: ReadonlyArray<string>
    readonly theta: ReadonlyArray<string>
    readonly ivPrice: ReadonlyArray<string>
    readonly iv: ReadonlyArray<string | null>
    readonly quotable: ReadonlyArray<boolean>
  }
}

const referencePath = fileURLToPath(new URL("../../bench/reference.json", import.meta.url))
const referenceScript = fileURLToPath(new URL("../../bench/reference.py", import.meta.url))
const resultsPath = fileURLToPath(new URL("../../bench/results.md", import.meta.url))

const loadReference = (): Reference => {
  if (!existsSync(referencePath)) {
    console.log("bench/reference.json missing: running python3 bench/reference.py (mpmath, about a minute)…")
    execFileSync("python3", [referenceScript], { stdio: "inherit" })
  }
  return JSON.parse(readFileSync(referencePath, "utf8")) as Reference
}

/** The reference sample must be the first rows of this run's stream, bit for bit. */
const checkSample = (ref: Reference, rows: Rows): void => {
  const { inputs } = ref
  const bad = (msg: string): never => {
    throw new Error(`bench/reference.json does not match the input stream (${msg}); rerun python3 bench/reference.py`)
  }
  if (ref.seed !== SEED) bad(`seed ${ref.seed} ≠ ${SEED}`)
  for (let i = 0; i < ref.sample; i++) {
    if (
      inputs.isCall[i] !== rows.isCall[i] || Number(inputs.forward[i]) !== rows.forward[i] ||
      Number(inputs.strike[i]) !== rows.strike[i] || Number(inputs.expiry[i]) !== rows.expiry[i] ||
      Number(inputs.vol[i]) !== rows.vol[i]
    ) bad(`row ${i}`)
  }
}

const relErr = (got: number, ref: number): number =>
  got === ref ? 0 : Number.isNaN(got) ? Infinity : Math.abs(got - ref) / Math.max(Math.abs(ref), DBL_MIN)

const GREEK_KEYS = ["price", "delta", "gamma", "vega", "theta"] as const
type GreekKey = (typeof GREEK_KEYS)[number]

interface GreeksAccuracy {
  readonly max: Record<GreekKey, number>
  readonly quotablePrice: number
}

const greeksAccuracy = (ref: Reference, sample: Rows, run: GreeksRunner, own?: (rows: Rows) => Owned): GreeksAccuracy => {
  const n = ref.sample
  const { out, rows, status } = own?.(sample) ?? { rows: sample, out: columns(n), status: new Uint8Array(n) }
  run(rows, out, status, n)
  const max = { price: 0, delta: 0, gamma: 0, vega: 0, theta: 0 }
  let quotablePrice = 0
  for (let i = 0; i < n; i++) {
    for (const k of GREEK_KEYS) {
      const e = relErr(out[k][i]!, Number(ref.reference[k][i]))
      if (!(e <= max[k])) max[k] = e
      if (k === "price" && ref.reference.quotable[i] && !(e <= quotablePrice)) quotablePrice = e
    }
  }
  return { max, quotablePrice }
}

interface IvAccuracy {
  readonly solvable: number
  readonly quotable: number
  readonly maxAll: number
  readonly maxQuotable: number
  readonly nan: number
  readonly nonPositive: number
  readonly wrong: number
  readonly quotableFailures: number
}

const ivAccuracy = (ref: Reference, rows: Rows, run: IvRunner): IvAccuracy => {
  const n = ref.sample
  const ivRows: IvRows = { ...rows, price: Float64Array.from(ref.reference.ivPrice, Number) }
  const out = new Float64Array(n)
  run(ivRows, out, new Uint8Array(n), n)
  let solvable = 0, quotable = 0, maxAll = 0, maxQuotable = 0, nan = 0, nonPositive = 0, wrong = 0, quotableFailures = 0
  for (let i = 0; i < n; i++) {
    const r = ref.reference.iv[i]
    if (r === null || r === undefined) continue
    solvable++
    const q = ref.reference.quotable[i] === true
    if (q) quotable++
    const sigma = Number(r)
    const got = out[i]!
    let failed = true
    if (!Number.isFinite(got)) nan++
    else if (got <= 0) nonPositive++
    else {
      const e = Math.abs(got - sigma) / sigma
      maxAll = Math.max(maxAll, e)
      if (q) maxQuotable = Math.max(maxQuotable, e)
      if (e > WRONG_IV) wrong++
      else failed = false
    }
    if (failed && q) quotableFailures++
  }
  return { solvable, quotable, maxAll, maxQuotable, nan, nonPositive, wrong, quotableFailures }
}

// ---------------------------------------------------------------------------------------------------
// Formatting

const fmtErr = (e: number): string => (e === 0 ? "0" : e === Infinity ? "NaN/∞" : e.toExponential(1))
const fmtRate = (m: number): string => (m >= 0.1 ? m.toFixed(2) : m >= 0.001 ? m.toFixed(4) : m.toExponential(2))
const fmtRows = (n: number): string => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`)

const table = (head: ReadonlyArray<string>, body: ReadonlyArray<ReadonlyArray<string>>, markdown: boolean): string => {
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)))
  const line = (cells: ReadonlyArray<string>): string =>
    markdown
      ? `| ${cells.join(" | ")} |`
      : cells.map((x, c) => (c < 2 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join("  ")
  const rule = markdown
    ? `|${head.map((_, c) => (c < 2 ? " --- " : " ---: ")).join("|")}|`
    : widths.map((w) => "-".repeat(w)).join("  ")
  return [line(head), rule, ...body.map(line)].join("\n")
}

// ---------------------------------------------------------------------------------------------------
// Main

const main = (): void => {
  const started = Date.now()
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU"
  console.log(`@hedgekit/models Black-76 benchmark — node ${process.version}, ${cpu}, ${os.cpus().length} logical cores`)
  if (gc === undefined) console.log("(run with node --expose-gc to collect garbage between repetitions)")

  const rows = generateRows(N)
  const ref = loadReference()
  checkSample(ref, rows)
  const sampleRows = generateRows(ref.sample)

  // Implied-vol inputs: hedgekit's own Black-76 prices of the same rows (accuracy is measured separately,
  // on correctly rounded mpmath prices).
  const ivRows: IvRows = { ...rows, price: new Float64Array(N) }
  const priceStatus = new Uint8Array(N)
  Black76.priceBatch(rows, ivRows.price, priceStatus)

  const out = columns(N)
  const status = new Uint8Array(N)
  const ivOut = new Float64Array(N)

  // --- price + Greeks
  console.log(`\nPrice + delta, gamma, vega, theta: ${N.toLocaleString("en-US")} options (r = 0, S = F for the peers)`)
  const greeksResults = greeksRunners.map((g) => {
    const target = g.own?.(rows) ?? { rows, out, status }
    const timing = measure(
      g.fast,
      (n) => g.run(target.rows, target.out, target.status, n),
      (n) => fold(target.out.price, n) + fold(target.out.delta, n)
    )
    const acc = greeksAccuracy(ref, sampleRows, g.run, g.own)
    console.log(`  ${g.name} ${g.api}: ${fmtRate(timing.mops)} M/s on ${fmtRows(timing.rows)} rows`)
    return { ...g, timing, acc }
  })

  // --- implied vol
  let unattainable = 0
  {
    const probe = new Float64Array(N)
    Black76.impliedVolBatch(ivRows, probe, status)
    for (let i = 0; i < N; i++) if (status[i] !== 0) unattainable++
  }
  console.log(`\nImplied vol: ${N.toLocaleString("en-US")} prices`)
  const ivResults = ivRunners.map((g) => {
    scalarThrows = 0
    const timing = measure(g.fast, (n) => g.run(ivRows, ivOut, status, n), (n) => fold(ivOut, n))
    const throwsPerRep = g.fast ? scalarThrows / (timing.reps + 1) : 0
    const acc = ivAccuracy(ref, sampleRows, g.run)
    console.log(`  ${g.name} ${g.api}: ${fmtRate(timing.mops)} M/s on ${fmtRows(timing.rows)} rows`)
    return { ...g, timing, acc, throwsPerRep }
  })

  // --- tables
  const rateCell = (t: Timing): string => `${fmtRate(t.mops)} (${fmtRate(t.minMops)}–${fmtRate(t.maxMops)})`
  const greeksHead = [
    "library",
    "API",
    "rows timed",
    "M options/s median (min–max)",
    "price",
    "price (quotable)",
    "delta",
    "gamma",
    "vega",
    "theta"
  ]
  const greeksBody = greeksResults.map((r) => [
    r.name,
    r.api,
    `${fmtRows(r.timing.rows)} ×${r.timing.reps}`,
    rateCell(r.timing),
    fmtErr(r.acc.max.price),
    fmtErr(r.acc.quotablePrice),
    fmtErr(r.acc.max.delta),
    fmtErr(r.acc.max.gamma),
    fmtErr(r.acc.max.vega),
    fmtErr(r.acc.max.theta)
  ])
  const ivHead = [
    "library",
    "API",
    "rows timed",
    "M prices/s median (min–max)",
    "max |σ̂−σ|/σ (all)",
    "max (quotable)",
    "failures NaN / ≤0 / wrong",
    "failures (quotable)"
  ]
  const ivBody = ivResults.map((r) => [
    r.name,
    r.api,
    `${fmtRows(r.timing.rows)} ×${r.timing.reps}`,
    rateCell(r.timing),
    fmtErr(r.acc.maxAll),
    fmtErr(r.acc.maxQuotable),
    `${r.acc.nan} / ${r.acc.nonPositive} / ${r.acc.wrong}`,
    `${r.acc.quotableFailures}`
  ])

  const solvable = ivResults[0]!.acc.solvable
  const quotableIv = ivResults[0]!.acc.quotable
  const quotablePrices = ref.reference.quotable.filter(Boolean).length

  // --- goals
  const hkGreeks = (api: string): number => greeksResults.find((r) => r.api.startsWith(api))!.timing.mops
  const peerGreeks = greeksResults.filter((r) => r.name !== "hedgekit")
  const fastestPeer = peerGreeks.reduce((a, b) => (b.timing.mops > a.timing.mops ? b : a))
  const hkIvBatch = ivResults[0]!.timing.mops
  const hkIvScalar = ivResults[1]!.timing.mops
  const peerIv = ivResults.filter((r) => r.name !== "hedgekit")
  const fastestIv = peerIv.reduce((a, b) => (b.timing.mops > a.timing.mops ? b : a))
  const verdict = (ok: boolean): string => (ok ? "**met**" : "**NOT met**")
  const greeksGoal: ReadonlyArray<readonly [string, string]> = [
    ["batch, wasm with staging copies", "Black76.greeksBatch (wasm, staging"],
    ["batch, wasm on makeWasmColumns (no copies)", "Black76.greeksBatch (wasm, makeWasmColumns"],
    ["the JS loop alone", "JS loop"],
    ["scalar", "Black76.greeks (scalar)"]
  ]
  const goals = [
    `- Price + Greeks ≥ 2× the fastest npm peer (${fastestPeer.name} ${fastestPeer.api}, ${fmtRate(fastestPeer.timing.mops)} M/s): ` +
    greeksGoal.map(([what, api]) => {
      const mops = hkGreeks(api)
      const ratio = mops / fastestPeer.timing.mops
      return `${what} ${fmtRate(mops)} M/s = ${ratio.toFixed(2)}× → ${verdict(ratio >= 2)}`
    }).join("; ") + ".",
    `- Implied vol ≥ the fastest npm solver (${fastestIv.name} ${fastestIv.api}, ${fmtRate(fastestIv.timing.mops)} M/s) and ≥ 2 M/s on one core: ` +
    `batch ${fmtRate(hkIvBatch)} M/s → ${verdict(hkIvBatch >= fastestIv.timing.mops && hkIvBatch >= 2)}; ` +
    `scalar ${fmtRate(hkIvScalar)} M/s → ${verdict(hkIvScalar >= fastestIv.timing.mops && hkIvScalar >= 2)}.`
  ]

  const scalarThrowNote = ivResults[1]!.throwsPerRep
  const notes = [
    `Inputs: ${N.toLocaleString("en-US")} seeded rows (xoshiro128**, seed ${SEED}): F uniform 20k–120k, K/F in [0.5, 2] ` +
    `(log-symmetric), T = (1 + 17519·u³) hours (1 h – 2 y, median ≈ 3 months), σ uniform 0.2–1.5, half calls, r = 0. ` +
    `Peers get S = F, r = 0; their vega (per 1 %) and theta (per day, or +∂V/∂T) are converted to per 1.00 and −∂V/∂T per year.`,
    `hedgekit's Black76.greeksBatch runs a WebAssembly f64x2 SIMD kernel: on ordinary arrays through staging copies, on ` +
    `Black76.makeWasmColumns columns in place (inputs filled once, outside the timing). "JS loop" is the same computation ` +
    `in JavaScript, the fallback where there is no WebAssembly SIMD; the scalar Black76.greeks runs the kernel on one row.`,
    `Throughput: median of the repetitions after one warm-up pass, one thread; inputs/outputs allocated once, ` +
    `outputs folded into a checksum (${checksum.toExponential(6)}). Slow peers are timed on a prefix of the same stream ("rows timed").`,
    `Errors: maximum relative error against mpmath (60 digits) on the first ${ref.sample} rows, |got − ref| / max(|ref|, DBL_MIN), ` +
    `NaN counted as ∞. "quotable" = rows with at least 1e-4·F of time value (one 0.0001 BTC tick): ${quotablePrices} of ${ref.sample}.`,
    `Implied vol: throughput inputs are hedgekit's Black-76 prices of the 10⁶ rows (${unattainable.toLocaleString("en-US")} of them ` +
    `are at/below intrinsic or 0 after rounding and have no implied vol; every library still gets them). Accuracy inputs are the ` +
    `correctly rounded mpmath prices of the ${ref.sample} sample rows; σ is the exact implied vol of that double price, ` +
    `${solvable} rows have one (${quotableIv} quotable). Failures: NaN/∞ (for hedgekit: a non-OK status), ≤ 0 (uqee's ` +
    `"failed"/negative answers), wrong = off by more than ${WRONG_IV * 100} % of σ.` +
    (scalarThrowNote > 0 ? ` The scalar impliedVol threw PriceOutOfBounds ${Math.round(scalarThrowNote).toLocaleString("en-US")} times per pass (caught, counted in the timing).` : "")
  ]

  const elapsed = (Date.now() - started) / 1000
  console.log(`\n## Price + Greeks (max relative error vs mpmath)\n`)
  console.log(table(greeksHead, greeksBody, false))
  console.log(`\n## Implied vol\n`)
  console.log(table(ivHead, ivBody, false))
  console.log(`\n${goals.join("\n")}`)
  console.log(`\n${notes.map((n) => `* ${n}`).join("\n")}`)
  console.log(`\n(total ${elapsed.toFixed(0)} s; results written to bench/results.md)`)

  const md = [
    "# @hedgekit/models benchmark: Black-76 price + Greeks and implied vol",
    "",
    `- Date: ${new Date().toISOString()}`,
    `- Node: ${process.version} (${process.platform}/${process.arch})`,
    `- CPU: ${cpu} (${os.cpus().length} logical cores; the benchmark runs on one)`,
    "- Command: `cd packages/models && pnpm run bench`",
    `- Wall time: ${elapsed.toFixed(0)} s`,
    "",
    `## Price + delta, gamma, vega, theta (${N.toLocaleString("en-US")} options)`,
    "",
    "Error columns: maximum relative error against the mpmath reference.",
    "",
    table(greeksHead, greeksBody, true),
    "",
    `## Implied vol (${N.toLocaleString("en-US")} prices)`,
    "",
    table(ivHead, ivBody, true),
    "",
    "## Goals",
    "",
    ...goals,
    "",
    "## Method",
    "",
    ...notes.map((n) => `- ${n}`),
    ""
  ].join("\n")
  writeFileSync(resultsPath, md)
}

main()
