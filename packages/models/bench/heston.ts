/**
 * Heston and Bates speed and accuracy on the mpmath fixture rows (test/fixtures/mpmath/heston_*.json).
 *
 *   cd packages/models && npx tsup bench/heston.ts --no-config --format esm --target node20 --out-dir .cache/bench --silent && node .cache/bench/heston.js
 *
 * - single price, cold: `price` over every fixture row in turn; consecutive rows have different parameters
 *   and expiries, so every call builds its nodes from scratch (step selection + characteristic function).
 * - single price, same expiry: `price` over 100 strikes of one expiry and parameter set, one call each; the
 *   nodes of the expiry are reused from the previous call (strikes within ±4 standard deviations).
 * - priceStrikes: for every fixture row, that row's strike plus 99 others from −4 to +4 standard deviations
 *   (100 strikes) in one `priceStrikes` call; µs per strike.
 * Max error: |price − reference|/F over the fixture rows (for priceStrikes, the fixture strike in the call).
 * Timings: median of 31 timed repetitions after 300 ms of warm-up; results folded into a checksum.
 */
import { readFileSync } from "node:fs"
import * as os from "node:os"
import * as Bates from "../src/Bates.js"
import * as Heston from "../src/Heston.js"

interface Table {
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string | number>>
}

interface Row {
  readonly type: "call" | "put"
  readonly F: number
  readonly K: number
  readonly T: number
  readonly r: number
  readonly params: Bates.Params
  readonly ref: number
}

const load = (name: string): Array<Row> => {
  const t = JSON.parse(readFileSync(new URL(`../../test/fixtures/mpmath/${name}`, import.meta.url) /* run from .cache/bench */, "utf8")) as Table
  const at = (row: ReadonlyArray<string | number>, c: string): number => Number(row[t.columns.indexOf(c)])
  return t.rows.map((row) => ({
    type: row[t.columns.indexOf("type")] as "call" | "put",
    F: at(row, "forward"),
    K: at(row, "strike"),
    T: at(row, "expiry"),
    r: at(row, "rate"),
    params: {
      initialVariance: at(row, "initialVariance"),
      meanReversion: at(row, "meanReversion"),
      longRunVariance: at(row, "longRunVariance"),
      volOfVol: at(row, "volOfVol"),
      correlation: at(row, "correlation"),
      jumpIntensity: t.columns.includes("jumpIntensity") ? at(row, "jumpIntensity") : 0,
      jumpMean: t.columns.includes("jumpMean") ? at(row, "jumpMean") : 0,
      jumpVol: t.columns.includes("jumpVol") ? at(row, "jumpVol") : 0
    },
    ref: at(row, "price")
  }))
}

interface Model {
  readonly name: string
  readonly rows: Array<Row>
  readonly price: (type: "call" | "put", F: number, K: number, T: number, r: number, p: Bates.Params) => number
  readonly priceStrikes: (
    isCall: Uint8Array,
    F: number,
    K: Float64Array,
    T: number,
    r: number,
    p: Bates.Params,
    out: Float64Array,
    status: Uint8Array
  ) => void
}

const models: ReadonlyArray<Model> = [
  { name: "Heston", rows: load("heston_heston.json"), price: Heston.price, priceStrikes: Heston.priceStrikes },
  { name: "Bates", rows: load("heston_bates.json"), price: Bates.price, priceStrikes: Bates.priceStrikes }
]

let checksum = 0
const REPS = 31
const WARM_MS = 300
const median = (xs: Array<number>): number => xs.sort((a, b) => a - b)[xs.length >> 1]!

/** Median µs per unit of `units` work items done by `run`. */
const time = (run: () => void, units: number): number => {
  // Warm up for WARM_MS (not one pass: on a busy machine the optimising compiler may not have finished yet).
  const w0 = performance.now()
  do run()
  while (performance.now() - w0 < WARM_MS)
  const samples: Array<number> = []
  for (let k = 0; k < REPS; k++) {
    const t0 = performance.now()
    run()
    samples.push(((performance.now() - t0) * 1000) / units)
  }
  return median(samples)
}

const N_STRIKES = 100
const sdOf = (row: Row): number => Math.sqrt(Math.max(row.params.initialVariance, row.params.longRunVariance) * row.T)

const strikesFor = (row: Row): Float64Array => {
  const ks = new Float64Array(N_STRIKES)
  ks[0] = row.K
  const sd = sdOf(row)
  for (let i = 1; i < N_STRIKES; i++) ks[i] = row.F * Math.exp((-4 + (8 * (i - 1)) / (N_STRIKES - 2)) * sd)
  return ks
}

const lines: Array<string> = []
for (const m of models) {
  const { rows } = m
  // Single price, cold.
  let maxSingle = 0
  for (const row of rows) maxSingle = Math.max(maxSingle, Math.abs(m.price(row.type, row.F, row.K, row.T, row.r, row.params) - row.ref) / row.F)
  const single = time(() => {
    for (const row of rows) checksum += m.price(row.type, row.F, row.K, row.T, row.r, row.params)
  }, rows.length)
  // Single price, one expiry (nodes reused).
  const warmRows = rows.slice(0, 20)
  const warm = time(() => {
    for (const row of warmRows) {
      const sd = sdOf(row)
      for (let i = 0; i < N_STRIKES; i++) checksum += m.price("call", row.F, row.F * Math.exp((-4 + (8 * i) / (N_STRIKES - 1)) * sd), row.T, row.r, row.params)
    }
  }, warmRows.length * N_STRIKES)
  // priceStrikes.
  const strikeSets = rows.map(strikesFor)
  const isCall = rows.map((row) => {
    const a = new Uint8Array(N_STRIKES).fill(1)
    a[0] = row.type === "call" ? 1 : 0
    return a
  })
  const out = new Float64Array(N_STRIKES)
  const status = new Uint8Array(N_STRIKES)
  let maxStrikes = 0
  rows.forEach((row, i) => {
    m.priceStrikes(isCall[i]!, row.F, strikeSets[i]!, row.T, row.r, row.params, out, status)
    if (status[0] !== 0) throw new Error(`status ${status[0]} on ${JSON.stringify(row)}`)
    maxStrikes = Math.max(maxStrikes, Math.abs(out[0]! - row.ref) / row.F)
  })
  const strikes = time(() => {
    rows.forEach((row, i) => {
      m.priceStrikes(isCall[i]!, row.F, strikeSets[i]!, row.T, row.r, row.params, out, status)
      checksum += out[0]!
    })
  }, rows.length * N_STRIKES)
  const fmt = (x: number) => x.toFixed(x < 10 ? 2 : 1)
  lines.push(`| ${m.name} | \`price\`, each call a new expiry and parameter set | ${fmt(single)} | ${maxSingle.toExponential(1)} |`)
  lines.push(`| ${m.name} | \`price\`, 100 strikes of one expiry (nodes reused) | ${fmt(warm)} | – |`)
  lines.push(`| ${m.name} | \`priceStrikes\`, 100 strikes per expiry | ${fmt(strikes)} | ${maxStrikes.toExponential(1)} |`)
}

const cpu = os.cpus()[0]?.model ?? "unknown CPU"
console.log(`Heston/Bates on ${models[0]!.rows.length} Heston and ${models[1]!.rows.length} Bates fixture rows; Node ${process.version}, ${cpu}`)
console.log("")
console.log("| model | entry point | µs per option | max \\|price − ref\\|/F |")
console.log("|---|---|---|---|")
for (const l of lines) console.log(l)
console.log("")
console.log(`(checksum ${checksum.toPrecision(6)})`)
