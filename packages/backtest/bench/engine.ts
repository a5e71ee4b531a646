/**
 * Backtest engine benchmark: 10,000 GBM paths × 720 hourly steps (30 days) of a short call hedged by a delta band
 * (0.05 coin, to delta-neutral) with 5 bp costs —
 * - a plain C++ loop (bench/loop.cpp, g++ -O2: GBM, the Black-Scholes delta through std::erfc, the band, the costs;
 *   with its CPU time by std::clock, the engine's being its thread's),
 * - a plain JavaScript loop doing the same work,
 * - the real engine (`Simulate.run`: paths from `@hedgekit/paths`, Black-76 valuation of the book, the SDK's policy
 *   runner, the cost model, exact accounting; attribution off) on one core with the paths' normals by inversion
 *   and by the Ziggurat, and with the Ziggurat on one and on two `worker_threads`.
 *
 * Every engine is warmed by WARM full runs first: a fresh thread's code keeps being re-optimized in the background
 * through its first runs, and on two cores those compile threads take CPU from two workers. Each contestant then
 * times BATCH runs back to back, as a pool's worker runs job after job (an engine idle for a second runs its next
 * run slower).
 *
 * The machine's speed drifts (it is shared), so each repetition runs the C++ loop, two C++ loops side by side on
 * half the paths each (what the machine gives two processes at that moment), the engine on one core, one worker and
 * two workers back to back, and the ratios are taken within a repetition; the figures are medians over the
 * repetitions, with the best run of each beside them.
 *
 * Environment: PATHS (default 10,000), REPS (repetitions; default 5), WARM (warm-up runs; default 2), BATCH (runs
 * timed together; default 3), ROW_BLOCK (the engine's `rowBlock`, rows per block of a step; default all rows in one
 * block), PER_REP=1 (print each repetition's two-core ratios).
 *
 *   cd packages/backtest && npx -y pnpm@10.34.9 run bench
 */
import { execFileSync, spawn } from "node:child_process"
import { existsSync, mkdirSync } from "node:fs"
import * as os from "node:os"
import { dirname } from "node:path"
import { Worker } from "node:worker_threads"
import { batch, DAYS, K, ROW_BLOCK, S0, VOL, runShare } from "./engineRun.js"
import type { NormalMethod } from "./engineRun.js"

const PATHS = Number(process.env["PATHS"] ?? 10_000), STEPS = 720
const REPS = Number(process.env["REPS"] ?? 5)
const WARM = Number(process.env["WARM"] ?? 2)
const BATCH = Number(process.env["BATCH"] ?? 3)
const median = (xs: ReadonlyArray<number>): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!

/** Where the C++ loop is built. */
const CPP_LOOP = `${process.cwd()}/.cache/bench/loop`

/** Builds the C++ loop; a function running it once (wall and CPU seconds, its own `std::clock`), or undefined without g++. */
const cxx = (): (() => { seconds: number; cpuSeconds: number; meanPnl: number }) | undefined => {
  const src = new URL("../bench/loop.cpp", import.meta.url).pathname
  mkdirSync(dirname(CPP_LOOP), { recursive: true })
  try {
    execFileSync("g++", ["-O2", "-o", CPP_LOOP, existsSync(src) ? src : `${process.cwd()}/bench/loop.cpp`])
  } catch {
    return undefined
  }
  return () => {
    const [seconds, meanPnl, cpuSeconds] = execFileSync(CPP_LOOP, [String(PATHS), String(STEPS)], { encoding: "utf8" }).trim().split(" ").map(Number)
    return { seconds: seconds!, cpuSeconds: cpuSeconds!, meanPnl: meanPnl! }
  }
}

/**
 * The machine's own two-core speedup at this moment, for the same work: two C++ processes side by side, each on half
 * the paths; wall seconds per run (`runs` runs, each from both starts to both ends). On a shared host this says how
 * much of the second core the other tenants leave.
 */
const cxxPair = async (runs: number): Promise<number> => {
  const half = String(Math.ceil(PATHS / 2))
  const once = () => new Promise<void>((resolve, reject) => {
    const child = spawn(CPP_LOOP, [half, String(STEPS)], { stdio: "ignore" })
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`C++ loop exited with ${code}`))))
    child.on("error", reject)
  })
  const start = process.hrtime.bigint()
  for (let r = 0; r < runs; r++) await Promise.all([once(), once()])
  return Number(process.hrtime.bigint() - start) / 1e9 / runs
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

/**
 * `n` workers sharing the paths, started and warmed (`WARM` full runs of their share each); `run` times `BATCH` runs
 * of all of them, from "go" to the last result, per run. Shares start on the generator's 64-path stream blocks, so the workers draw
 * exactly the one-core run's paths.
 */
const pool = async (n: number, normals: NormalMethod) => {
  const share = 64 * Math.ceil(PATHS / n / 64)
  const url = new URL("./engineWorker.js", import.meta.url)
  const start = process.hrtime.bigint()
  const workers = Array.from({ length: n }, (_, w) => {
    const first = w * share
    const paths = Math.min(share, PATHS - first)
    const worker = new Worker(url, { workerData: { paths, steps: STEPS, firstPath: first, normals, warm: WARM } })
    const ready = new Promise<void>((resolve, reject) => {
      worker.once("message", () => resolve())
      worker.once("error", reject)
    })
    return { worker, paths, ready }
  })
  await Promise.all(workers.map((p) => p.ready))
  const startUp = Number(process.hrtime.bigint() - start) / 1e9
  const run = async (): Promise<ReturnType<typeof batch>> => {
    const go = process.hrtime.bigint()
    const results = await Promise.all(workers.map(({ worker, paths }) => new Promise<{ meanPnl: number; cpuSeconds: number; paths: number }>((resolve, reject) => {
      worker.once("message", (r: ReturnType<typeof batch>) => resolve({ ...r, paths }))
      worker.once("error", reject)
      worker.postMessage(BATCH)
    })))
    const seconds = Number(process.hrtime.bigint() - go) / 1e9 / BATCH
    // the slowest worker's CPU time (per run): the wall time the run would take with a free core per worker
    return { seconds, cpuSeconds: Math.max(...results.map((r) => r.cpuSeconds)), meanPnl: results.reduce((a, r) => a + r.meanPnl * r.paths, 0) / PATHS }
  }
  return { startUp, run, close: () => Promise.all(workers.map(({ worker }) => worker.terminate())) }
}

const ns = (s: number) => `${((s / (PATHS * STEPS)) * 1e9).toFixed(0)} ns per path-step`
const x = (r: number) => `${r.toFixed(2)}×`
console.log(`backtest engine — ${PATHS} paths × ${STEPS} hourly steps; ${os.cpus()[0]?.model ?? "cpu"}, ${os.availableParallelism()} cores, node ${process.version}, load average ${os.loadavg().map((v) => v.toFixed(1)).join(" ")}; ${REPS} repetitions; rows per block ${ROW_BLOCK ?? "all"}`)
const cpp = cxx()
const js = plain()
console.log(`plain JavaScript loop:               ${js.toFixed(3)} s  ${ns(js)}`)

// inversion normals: one core only, for comparison
for (let w = 0; w < WARM; w++) runShare(PATHS, STEPS, 0, "inversion")
const inv = Array.from({ length: REPS }, () => runShare(PATHS, STEPS, 0, "inversion"))
console.log(`engine, one core, inversion normals: ${median(inv.map((r) => r.seconds)).toFixed(3)} s  ${ns(median(inv.map((r) => r.seconds)))}`)

for (let w = 0; w < WARM; w++) runShare(PATHS, STEPS, 0, "ziggurat")
const one = await pool(1, "ziggurat"), two = await pool(2, "ziggurat")
type Timing = ReturnType<typeof batch>
const reps: Array<{ c?: Timing; pair?: number; core: Timing; w1: Timing; w2: Timing }> = []
for (let r = 0; r < REPS; r++) {
  const c = cpp ? batch(BATCH, cpp) : undefined
  const pair = cpp ? await cxxPair(BATCH) : undefined
  const core = batch(BATCH, () => runShare(PATHS, STEPS, 0, "ziggurat"))
  const w1 = await one.run()
  const w2 = await two.run()
  reps.push({ ...(c ? { c } : {}), ...(pair !== undefined ? { pair } : {}), core, w1, w2 })
}
await Promise.all([one.close(), two.close()])

const med = (f: (r: (typeof reps)[number]) => number) => median(reps.map(f))
const best = (f: (r: (typeof reps)[number]) => number) => Math.min(...reps.map(f))
const line = (label: string, f: (r: (typeof reps)[number]) => number, extra = "") =>
  console.log(`${label.padEnd(37)}${med(f).toFixed(3)} s  ${ns(med(f))}  (best ${ns(best(f))})${extra}`)
if (cpp) {
  line("C++ loop (g++ -O2):", (r) => r.c!.seconds, `  CPU ${med((r) => r.c!.cpuSeconds).toFixed(3)} s`)
  line("C++ loop, two processes at once:", (r) => r.pair!, `  ${x(med((r) => r.c!.seconds / r.pair!))} faster than one (the machine's two-core speedup)`)
} else console.log("C++ loop (g++ -O2):                  skipped (no g++)")
line("engine, one core, Ziggurat normals:", (r) => r.core.seconds, cpp
  ? `  ${x(med((r) => r.core.seconds / r.c!.seconds))} the C++ loop (CPU time ${x(med((r) => r.core.cpuSeconds / r.c!.cpuSeconds))})`
  : "")
line("engine, one worker, Ziggurat:", (r) => r.w1.seconds, cpp ? `  ${x(med((r) => r.w1.seconds / r.c!.seconds))} the C++ loop` : "")
line("engine, two workers, Ziggurat:", (r) => r.w2.seconds,
  `  ${x(med((r) => r.w1.seconds / r.w2.seconds))} faster than one worker (CPU time of the slowest worker: ${x(med((r) => r.w1.cpuSeconds / r.w2.cpuSeconds))})`)
if (process.env["PER_REP"]) {
  for (const [i, r] of reps.entries()) {
    console.log(`  repetition ${i + 1}: two workers ${x(r.w1.seconds / r.w2.seconds)} one worker${r.pair !== undefined ? `; C++ pair ${x(r.c!.seconds / r.pair)} one C++` : ""}`)
  }
}
console.log(`  workers' start-up and warm-up (${WARM} full runs): one worker ${one.startUp.toFixed(2)} s, two workers ${two.startUp.toFixed(2)} s`)
const pnl = reps[0]!.core.meanPnl, pnl2 = reps[0]!.w2.meanPnl
const same = Math.abs(pnl2 - pnl) <= 1e-9 * Math.abs(pnl)
console.log(`mean P&L: one core ${pnl.toFixed(4)}, two workers ${pnl2.toFixed(4)}${same ? " (the same paths)" : " (DIFFERENT)"}; inversion ${inv[0]!.meanPnl.toFixed(4)}`)
