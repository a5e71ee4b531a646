/**
 * Backtest engine benchmark: 10,000 GBM paths × 720 hourly steps (30 days) of a short call hedged by a delta band
 * (0.05 coin, to delta-neutral) with 5 bp costs —
 * - a plain C++ loop (bench/loop.cpp, g++ -O2: GBM, the Black-Scholes delta through std::erfc, the band, the costs;
 *   median of REPS runs, with its CPU time by std::clock, the engine's being its thread's),
 * - a plain JavaScript loop doing the same work,
 * - the real engine (`Simulate.run`: paths from `@hedgekit/paths`, Black-76 valuation of the book, the SDK's policy
 *   runner, the cost model, exact accounting; attribution off) on one core with the paths' normals by inversion
 *   and by the Ziggurat, and with the Ziggurat on two `worker_threads` (timed from when both workers are warmed
 *   up, and with their start-up).
 *
 * Environment: PATHS (default 10,000), REPS (runs per engine figure, median; default 3), ROW_BLOCK (the engine's
 * `rowBlock`, rows per block of a step; default all rows in one block).
 *
 *   cd packages/backtest && npx -y pnpm@10.34.9 run bench
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync } from "node:fs"
import * as os from "node:os"
import { Worker } from "node:worker_threads"
import { DAYS, K, ROW_BLOCK, S0, VOL, runShare } from "./engineRun.js"
import type { NormalMethod } from "./engineRun.js"

const PATHS = Number(process.env["PATHS"] ?? 10_000), STEPS = 720

/** The C++ loop's wall and CPU seconds (its own `std::clock`), median of `REPS` runs; undefined without g++. */
const cxx = (): { seconds: number; cpu: number; best: number } | undefined => {
  const src = new URL("../bench/loop.cpp", import.meta.url).pathname
  const dir = `${process.cwd()}/.cache/bench`
  mkdirSync(dir, { recursive: true })
  try {
    execFileSync("g++", ["-O2", "-o", `${dir}/loop`, existsSync(src) ? src : `${process.cwd()}/bench/loop.cpp`])
  } catch {
    return undefined
  }
  const runs = Array.from({ length: REPS }, () => execFileSync(`${dir}/loop`, [String(PATHS), String(STEPS)], { encoding: "utf8" }).trim().split(" ").map(Number))
  return { seconds: median(runs.map((r) => r[0]!)), cpu: median(runs.map((r) => r[2]!)), best: Math.min(...runs.map((r) => r[0]!)) }
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

/** Runs the paths on `n` workers; wall time with the workers' start-up, and from "go" (all warmed up) to the last result. */
const workers = async (n: number, normals: NormalMethod): Promise<{ wall: number; compute: number; cpu: number; meanPnl: number }> => {
  // shares start on the generator's 64-path stream blocks, so the workers draw exactly the one-core run's paths
  const share = 64 * Math.ceil(PATHS / n / 64)
  const url = new URL("./engineWorker.js", import.meta.url)
  const start = process.hrtime.bigint()
  const pool = Array.from({ length: n }, (_, w) => {
    const first = w * share
    const paths = Math.min(share, PATHS - first)
    const worker = new Worker(url, { workerData: { paths, steps: STEPS, firstPath: first, normals } })
    const ready = new Promise<void>((resolve, reject) => {
      worker.once("message", () => resolve())
      worker.once("error", reject)
    })
    return { worker, paths, ready }
  })
  await Promise.all(pool.map((p) => p.ready))
  const go = process.hrtime.bigint()
  const results = await Promise.all(pool.map(({ worker, paths }) => new Promise<{ meanPnl: number; cpuSeconds: number; paths: number }>((resolve, reject) => {
    worker.once("message", (r: { meanPnl: number; cpuSeconds: number }) => resolve({ ...r, paths }))
    worker.once("error", reject)
    worker.postMessage("go")
  })))
  const end = process.hrtime.bigint()
  await Promise.all(pool.map(({ worker }) => worker.terminate()))
  const meanPnl = results.reduce((a, r) => a + r.meanPnl * r.paths, 0) / PATHS
  // the slowest worker's CPU time: the wall time the run would take with a free core per worker
  const cpu = Math.max(...results.map((r) => r.cpuSeconds))
  return { wall: Number(end - start) / 1e9, compute: Number(end - go) / 1e9, cpu, meanPnl }
}

const REPS = Number(process.env["REPS"] ?? 3)
const median = (xs: ReadonlyArray<number>): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
const ns = (s: number) => `${((s / (PATHS * STEPS)) * 1e9).toFixed(0)} ns per path-step`
console.log(`backtest engine — ${PATHS} paths × ${STEPS} hourly steps; ${os.cpus()[0]?.model ?? "cpu"}, ${os.availableParallelism()} cores, node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}; engine figures are medians of ${REPS} runs; rows per block ${ROW_BLOCK ?? "all"}`)
const cpp = cxx()
const c = cpp?.seconds
console.log(cpp === undefined ? "C++ loop (g++ -O2):                  skipped (no g++)" : `C++ loop (g++ -O2):                  ${cpp.seconds.toFixed(3)} s  ${ns(cpp.seconds)}  (CPU ${cpp.cpu.toFixed(3)} s)`)
const js = plain()
console.log(`plain JavaScript loop:               ${js.toFixed(3)} s  ${ns(js)}`)
const vsC = (s: number) => (c ? `  (${(s / c).toFixed(2)}× the C++ loop)` : "")
const oneCore = (normals: NormalMethod) => {
  runShare(512, STEPS, 0, normals) // warm-up
  const runs = Array.from({ length: REPS }, () => runShare(PATHS, STEPS, 0, normals))
  return {
    seconds: median(runs.map((r) => r.seconds)), cpu: median(runs.map((r) => r.cpuSeconds)), best: Math.min(...runs.map((r) => r.seconds)),
    meanPnl: runs[0]!.meanPnl
  }
}
const inv = oneCore("inversion")
console.log(`engine, one core, inversion normals: ${inv.seconds.toFixed(3)} s  ${ns(inv.seconds)}${vsC(inv.seconds)}`)
const one = oneCore("ziggurat")
console.log(`engine, one core, Ziggurat normals:  ${one.seconds.toFixed(3)} s  ${ns(one.seconds)}${vsC(one.seconds)}` +
  (cpp ? `; CPU time ${one.cpu.toFixed(2)} s, ${(one.cpu / cpp.cpu).toFixed(2)}× the C++ loop's` : ""))
// one worker with every path, warmed the same way as the two: the like-for-like base of the parallel speed-up
const ones = []
for (let r = 0; r < REPS; r++) ones.push(await workers(1, "ziggurat"))
const oneWorker = median(ones.map((t) => t.compute))
console.log(`engine, one worker, Ziggurat:        ${oneWorker.toFixed(3)} s  ${ns(oneWorker)}${vsC(oneWorker)}`)
const twos = []
for (let r = 0; r < REPS; r++) twos.push(await workers(2, "ziggurat"))
const wall = median(twos.map((t) => t.wall)), compute = median(twos.map((t) => t.compute)), cpu = median(twos.map((t) => t.cpu))
console.log(`engine, two workers, Ziggurat:       ${compute.toFixed(3)} s  ${ns(compute)}${vsC(compute)}  (${(oneWorker / compute).toFixed(2)}× faster than one worker, ${(one.seconds / compute).toFixed(2)}× than the main thread, after the workers' start-up and warm-up)`)
console.log(`  with the workers' start-up:        ${wall.toFixed(3)} s  ${ns(wall)}  (${(one.seconds / wall).toFixed(2)}× faster than one core)`)
console.log(`  CPU time (the slowest worker's vs one core's; what the wall times would be with a free core each): ${cpu.toFixed(2)} s vs ${one.cpu.toFixed(2)} s, ${(one.cpu / cpu).toFixed(2)}×`)
// the least disturbed of the runs: on a shared machine other tenants only ever add time
const bestOneWorker = Math.min(...ones.map((t) => t.compute)), bestTwo = Math.min(...twos.map((t) => t.compute))
console.log(`best of ${REPS} runs each: ${cpp ? `C++ ${ns(cpp.best)}, ` : ""}engine one core ${ns(one.best)}` +
  `${cpp ? ` (${(one.best / cpp.best).toFixed(2)}× the C++ loop)` : ""}, one worker ${ns(bestOneWorker)}, two workers ${ns(bestTwo)}` +
  ` (${(bestOneWorker / bestTwo).toFixed(2)}× faster than one worker)`)
const same = Math.abs(twos[0]!.meanPnl - one.meanPnl) <= 1e-9 * Math.abs(one.meanPnl)
console.log(`mean P&L: one core ${one.meanPnl.toFixed(4)}, two workers ${twos[0]!.meanPnl.toFixed(4)}${same ? " (the same paths)" : " (DIFFERENT)"}; inversion ${inv.meanPnl.toFixed(4)}`)
