/**
 * Jump-diffusion benchmark: time per option and accuracy of `Merton` and `Kou` on the rows of the 30-digit
 * fixtures (test/fixtures/mpmath/jump_merton.json, jump_kou.json: 150 rows each, 1 day – 5 years, strikes within
 * ±4 standard deviations, crypto-like parameters).
 *
 *   cd packages/models && npx tsup bench/jumps.ts --no-config --format esm --target node20 --out-dir .cache/bench --silent && node .cache/bench/jumps.js
 *
 * Timing: the scalar `price` and `greeks` over every fixture row, repeated until about half a second has passed
 * (after a warm-up pass), median of five such runs, reported as µs per option; also split by expiry, since the
 * Fourier method's cost grows like 1/(σ√T). Accuracy: max relative error against the references, and the worst
 * error as a fraction of the test bar (1e-12 relative, or 1e-15 × F absolute where the price is below 1e-3 × F).
 */
import { readFileSync } from "node:fs"
import * as os from "node:os"
import * as Kou from "../src/Kou.js"
import * as Merton from "../src/Merton.js"

type OptionType = "call" | "put"
type Row = Readonly<Record<string, string>> & { readonly type: OptionType }

const load = (name: string): ReadonlyArray<Row> => {
  const url = new URL(`../test/fixtures/mpmath/${name}`, import.meta.url)
  // Bundled to .cache/bench: resolve from the package directory instead when the relative path misses.
  const path = url.pathname.includes("/.cache/") ? `${process.cwd()}/test/fixtures/mpmath/${name}` : url.pathname
  return (JSON.parse(readFileSync(path, "utf8")) as { rows: ReadonlyArray<Row> }).rows
}

interface Option {
  readonly type: OptionType
  readonly F: number
  readonly K: number
  readonly T: number
  readonly r: number
  readonly ref: number
}

interface Model<P> {
  readonly name: string
  readonly rows: ReadonlyArray<Option & { readonly p: P }>
  readonly price: (type: OptionType, F: number, K: number, T: number, r: number, p: P) => number
  readonly greeks: (type: OptionType, F: number, K: number, T: number, r: number, p: P) => { readonly price: number }
}

const option = (r: Row): Option => ({
  type: r.type,
  F: Number(r["F"]),
  K: Number(r["K"]),
  T: Number(r["T"]),
  r: Number(r["r"]),
  ref: Number(r["price"])
})

const merton: Model<Merton.Params> = {
  name: "Merton (series)",
  rows: load("jump_merton.json").map((r) => ({
    ...option(r),
    p: { vol: Number(r["vol"]), jumpIntensity: Number(r["jumpIntensity"]), jumpMean: Number(r["jumpMean"]), jumpVol: Number(r["jumpVol"]) }
  })),
  price: Merton.price,
  greeks: Merton.greeks
}

const kou: Model<Kou.Params> = {
  name: "Kou (Fourier)",
  rows: load("jump_kou.json").map((r) => ({
    ...option(r),
    p: {
      vol: Number(r["vol"]),
      jumpIntensity: Number(r["jumpIntensity"]),
      upProbability: Number(r["upProbability"]),
      upRate: Number(r["upRate"]),
      downRate: Number(r["downRate"])
    }
  })),
  price: Kou.price,
  greeks: Kou.greeks
}

let sink = 0

/** Median µs per option of `run` over `rows`. */
const time = <R>(rows: ReadonlyArray<R>, run: (row: R) => number): number => {
  if (rows.length === 0) return NaN
  for (const row of rows) sink += run(row)
  const samples: Array<number> = []
  for (let s = 0; s < 5; s++) {
    let count = 0
    const start = performance.now()
    let elapsed = 0
    while (elapsed < 100) {
      for (const row of rows) sink += run(row)
      count += rows.length
      elapsed = performance.now() - start
    }
    samples.push((elapsed * 1000) / count)
  }
  samples.sort((a, b) => a - b)
  return samples[2]!
}

const fmt = (x: number, digits = 1): string => (Number.isNaN(x) ? "–" : x.toFixed(digits))

const report = <P>(m: Model<P>): string => {
  let maxRel = 0, worstBar = 0
  for (const o of m.rows) {
    const got = m.price(o.type, o.F, o.K, o.T, o.r, o.p)
    maxRel = Math.max(maxRel, Math.abs(got / o.ref - 1))
    const bar = o.ref < 1e-3 * o.F ? 1e-15 * o.F : 1e-12 * o.ref
    worstBar = Math.max(worstBar, Math.abs(got - o.ref) / bar)
  }
  const price = time(m.rows, (o) => m.price(o.type, o.F, o.K, o.T, o.r, o.p))
  const greeks = time(m.rows, (o) => m.greeks(o.type, o.F, o.K, o.T, o.r, o.p).price)
  const bucket = (lo: number, hi: number) =>
    time(m.rows.filter((o) => o.T > lo && o.T <= hi), (o) => m.price(o.type, o.F, o.K, o.T, o.r, o.p))
  const week = bucket(0, 7.5 / 365), quarter = bucket(7.5 / 365, 0.25), longer = bucket(0.25, Infinity)
  return `| ${m.name} | ${m.rows.length} | ${fmt(price)} | ${fmt(greeks)} | ${fmt(week)} | ${fmt(quarter)} | ${fmt(longer)} | ${
    maxRel.toExponential(1)
  } | ${worstBar.toExponential(1)} |`
}

console.log(`Node ${process.version}, ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores\n`)
console.log("| model | rows | price µs/option | greeks µs/option | price, T ≤ 1 week | 1 week < T ≤ 3 months | T > 3 months | max rel. error | worst error / bar |")
console.log("|---|---|---|---|---|---|---|---|---|")
console.log(report(merton))
console.log(report(kou))
if (sink === 0.5) console.log("")
