/**
 * Backtest engine benchmark: 10,000 GBM paths × 720 hourly steps (30 days) of a short call hedged by a delta band
 * (0.05 coin, to delta-neutral) with 5 bp costs —
 * - a plain C++ loop (bench/loop.cpp, g++ -O2: GBM, the Black-Scholes delta through std::erfc, the band, the costs),
 * - a plain JavaScript loop doing the same work,
 * - the real engine (`Simulate.run`: paths from `@hedgekit/paths`, Black-76 valuation of the book, the SDK's policy
 *   runner, the cost model, exact accounting; attribution off) on one core, and on two `worker_threads`.
 *
 *   cd packages/backtest && npx -y pnpm@10.34.9 run bench
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync } from "node:fs"
import * as os from "node:os"
import { Worker } from "node:worker_threads"
import { DAYS, K, S0, VOL, runShare } from "./engineRun.js"

const PATHS = Number(process.env["PATHS"] ?? 10_000), STEPS = 720

const cxx = (): number | undefined => {
  const src = new URL("../bench/loop.cpp", import.meta.url).pathname
  const dir = `${process.cwd()}/.cache/bench`
  mkdirSync(dir, { recursive: true })
  try {
    execFileSync("g++", ["-O2", "-o", `${dir}/loop`, existsSync(src) ? src : `${process.cwd()}/bench/loop.cpp`])
  } catch {
    return undefined
  }
  return Number(execFileSync(`${dir}/loop`, [String(PATHS), String(STEPS)], { encoding: "utf8" }).split(" ")[0])
}

/** The same work as loop.cpp in plain JavaScript. */
const plain = (): number => {
  const T = DAYS / 365, dt = T / STEPS, band = 0.05, cost = 0.0005
  let x = 0x9e3779b9
  const uniform = () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    return ((x >>> 0) + 0.5) / 4294967296
  }
  // erfc by W. J. Cody's rational approximations is in @hedgekit/models; here the textbook series would be slow, so
  // use the same Φ as the engine would not be "plain": Abramowitz–Stegun 7.1.26 keeps the loop comparable in work
  const erfc = (z: number) => {
    const t = 1 / (1 + 0.3275911 * Math.abs(z))
    const y = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z)
    return z >= 0 ? y : 2 - y
  }
  const start = process.hrtime.bigint()
  let total = 0
  for (let p = 0; p < PATHS; p++) {
    let S = S0, hedge = 0, cash = 0
    for (let k = 0; k < STEPS; k++) {
      const sd = VOL * Math.sqrt(T - k * dt)
      const d1 = Math.log(S / K) / sd + 0.5 * sd
      const delta = 0.5 * erfc(-d1 / Math.SQRT2)
      if (Math.abs(hedge - delta) > band) {
        const q = delta - hedge
        cash -= q * S + Math.abs(q) * S * cost
        hedge = delta
      }
      const z = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
      S *= Math.exp(VOL * Math.sqrt(dt) * z - 0.5 * VOL * VOL * dt)
    }
    total += cash + hedge * S - Math.max(S - K, 0)
  }
  void total
  return Number(process.hrtime.bigint() - start) / 1e9
}

const workers = async (n: number): Promise<number> => {
  // shares start on the generator's 64-path stream blocks, so the workers draw exactly the one-core run's paths
  const share = 64 * Math.ceil(PATHS / n / 64)
  const url = new URL("./engineWorker.js", import.meta.url)
  const start = process.hrtime.bigint()
  await Promise.all(Array.from({ length: n }, (_, w) => new Promise((resolve, reject) => {
    const first = w * share
    const worker = new Worker(url, { workerData: { paths: Math.min(share, PATHS - first), steps: STEPS, firstPath: first } })
    worker.once("message", resolve)
    worker.once("error", reject)
  })))
  return Number(process.hrtime.bigint() - start) / 1e9
}

const ns = (s: number) => `${((s / (PATHS * STEPS)) * 1e9).toFixed(0)} ns per path-step`
console.log(`backtest engine — ${PATHS} paths × ${STEPS} hourly steps; ${os.cpus()[0]?.model ?? "cpu"}, ${os.availableParallelism()} cores, node ${process.version}`)
const c = cxx()
console.log(c === undefined ? "C++ loop (g++ -O2):        skipped (no g++)" : `C++ loop (g++ -O2):        ${c.toFixed(3)} s  ${ns(c)}`)
const js = plain()
console.log(`plain JavaScript loop:     ${js.toFixed(3)} s  ${ns(js)}`)
runShare(500, STEPS, 0) // warm-up
const one = runShare(PATHS, STEPS, 0)
console.log(`engine, one core:          ${one.seconds.toFixed(3)} s  ${ns(one.seconds)}${c ? `  (${(one.seconds / c).toFixed(2)}× the C++ loop)` : ""}`)
const two = await workers(2)
console.log(`engine, two workers:       ${two.toFixed(3)} s  ${ns(two)}  (${(one.seconds / two).toFixed(2)}× faster than one core, worker start-up included)`)
