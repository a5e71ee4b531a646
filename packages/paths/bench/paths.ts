/**
 * Path-generation benchmark: uniforms and normals per second, then path-steps per second of every process on a
 * backtest's shape — 10,000 paths × 720 hourly steps (30 days) advanced in lockstep by a stepper into one
 * caller-owned array, as a backtest engine does — plain and antithetic.
 *
 *   cd packages/paths && npx -y pnpm@10.34.9 run bench
 *
 * Each figure is the median of several timed runs after a warm-up. For scale, the refined `Normal.inverseCdf`
 * of `@hedgekit/models` (AS241 + a Halley step) is timed on the same uniforms.
 *
 * The Ziggurat's `fillNormals` is also timed in nanoseconds per normal, in JavaScript and through the WebAssembly
 * fast path (`zigguratWasm.ts`), from the same streams: in one bulk call, and in blocks of 64 over 157 streams, as
 * the GBM kernel draws 10,000 paths' normals; both must give the same bits.
 */
import * as os from "node:os"
import { Normal } from "@hedgekit/models"
import { Grid, Normals, Paths, Process, Xoshiro256 } from "../src/index.js"
import { fillNormals } from "../src/internal/ziggurat.js"
import { fillNormalsWasm, newZiggurat } from "../src/internal/zigguratWasm.js"

const median = (xs: Array<number>): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const time = (f: () => void, runs: number): number => {
  f() // warm-up
  const ts: Array<number> = []
  for (let r = 0; r < runs; r++) {
    const t = performance.now()
    f()
    ts.push(performance.now() - t)
  }
  return median(ts) / 1000
}
const fmt = (perSecond: number): string =>
  perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(1)} M/s` : `${(perSecond / 1e3).toFixed(0)} k/s`

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, load ${os.loadavg()[0]!.toFixed(1)}`)

// draws
const N = 1 << 20
const buf = new Float64Array(N)
const g = Xoshiro256.make(1)
const rows: Array<[string, string]> = []
rows.push(["uniforms (Xoshiro256.fillUniforms)", fmt(N / time(() => Xoshiro256.fillUniforms(g, buf), 9))])
rows.push(["normals (Normals.fill, AS241)", fmt(N / time(() => Normals.fill(g, buf), 9))])
rows.push(["normals (Normals.fillAntithetic)", fmt(N / time(() => Normals.fillAntithetic(g, buf), 9))])
rows.push(["normals (Normals.fillZiggurat)", fmt(N / time(() => Normals.fillZiggurat(g, buf), 9))])
const u = Xoshiro256.fillUniforms(g, new Float64Array(N))
rows.push([
  "for scale: models' Normal.inverseCdf (AS241 + Halley)",
  fmt(N / time(() => {
    for (let i = 0; i < N; i++) buf[i] = Normal.inverseCdf(u[i]!)
  }, 5))
])
for (const [what, speed] of rows) console.log(`${what.padEnd(56)} ${speed}`)

// the Ziggurat's fillNormals, JavaScript and WebAssembly, from the same streams
{
  const STREAMS = 157 // 10,000 paths in blocks of 64
  const BLOCK = 64
  const SWEEPS = 100
  const zw = newZiggurat(8 * STREAMS, N)
  if (zw === undefined) {
    console.log("\nfillNormals: no WebAssembly here")
  } else {
    const start = new Int32Array(8 * STREAMS)
    const seeds = Xoshiro256.streams(1, STREAMS)
    seeds.forEach((s, j) => start.set(s.words, 8 * j))
    const words = start.slice()
    const bulk = () => fillNormals(words, 0, buf, 0, N)
    const bulkWasm = () => fillNormalsWasm(zw, 0, 0, N)
    const blocks = () => {
      for (let r = 0; r < SWEEPS; r++) for (let j = 0; j < STREAMS; j++) fillNormals(words, 8 * j, buf, 0, BLOCK)
    }
    const blocksWasm = () => {
      for (let r = 0; r < SWEEPS; r++) for (let j = 0; j < STREAMS; j++) fillNormalsWasm(zw, 8 * j, 0, BLOCK)
    }
    // the same bits, normals and streams, before timing
    words.set(start)
    zw.words.set(start)
    bulk()
    bulkWasm()
    blocks()
    blocksWasm()
    const wasmBits = new BigUint64Array(zw.out.buffer, zw.out.byteOffset, N)
    const same = new BigUint64Array(buf.buffer).every((b, i) => b === wasmBits[i]) && words.every((w, i) => w === zw.words[i])
    if (!same) throw new Error("fillNormals: WebAssembly and JavaScript differ")
    const ns = (f: () => void, count: number) => (time(f, 9) * 1e9) / count
    const perBlock = STREAMS * SWEEPS * BLOCK
    const js = [ns(bulk, N), ns(blocks, perBlock)]
    const wasm = [ns(bulkWasm, N), ns(blocksWasm, perBlock)]
    console.log(`\nZiggurat fillNormals, ns per normal (same bits: checked)   ${"bulk 2^20".padStart(10)} ${"blocks of 64".padStart(13)}`)
    console.log(`${"JavaScript".padEnd(56)} ${js[0]!.toFixed(2).padStart(10)} ${js[1]!.toFixed(2).padStart(13)}`)
    console.log(`${"WebAssembly fast path + JavaScript slow path".padEnd(56)} ${wasm[0]!.toFixed(2).padStart(10)} ${wasm[1]!.toFixed(2).padStart(13)}`)
    console.log(`${"ratio".padEnd(56)} ${(js[0]! / wasm[0]!).toFixed(1).padStart(9)}× ${(js[1]! / wasm[1]!).toFixed(1).padStart(12)}×`)
  }
}

// processes
const PATHS = 10_000
const STEPS = 720
const grid = Grid.minutes({ stepMinutes: 60, steps: STEPS })
const crypto = { initialVariance: 0.36, meanReversion: 3, longRunVariance: 0.4, volOfVol: 1.5, correlation: -0.3 }
const processes: Array<[string, Process.Process, ("inversion" | "ziggurat")?]> = [
  ["gbm", Process.gbm({ spot: 100_000, vol: 0.6, rate: 0.05 })],
  ["gbm, Ziggurat normals", Process.gbm({ spot: 100_000, vol: 0.6, rate: 0.05 }), "ziggurat"],
  ["merton (λ 20/yr)", Process.merton({ spot: 100_000, vol: 0.5, jumpIntensity: 20, jumpMean: -0.02, jumpVol: 0.05, rate: 0.05 })],
  ["kou (λ 20/yr)", Process.kou({ spot: 100_000, vol: 0.5, jumpIntensity: 20, upProbability: 0.4, upRate: 25, downRate: 20, rate: 0.05 })],
  ["heston (QE)", Process.heston({ spot: 100_000, rate: 0.05, ...crypto })],
  ["bates (QE, λ 20/yr)", Process.bates({ spot: 100_000, rate: 0.05, ...crypto, jumpIntensity: 20, jumpMean: -0.02, jumpVol: 0.05 })]
]
const spot = new Float64Array(PATHS)
const variance = new Float64Array(PATHS)
console.log(`\n${PATHS} paths × ${STEPS} hourly steps (${(PATHS * STEPS / 1e6).toFixed(1)} M path-steps), stepper into one array`)
console.log(`${"process".padEnd(22)} ${"plain".padStart(14)} ${"antithetic".padStart(14)}   (seconds per run, plain)`)
for (const [name, p, normals] of processes) {
  const run = (antithetic: boolean) => () => {
    const s = Paths.stepper(p, { paths: PATHS, grid, seed: 42, antithetic, normals: normals ?? "inversion" })
    const v = Process.hasVariance(p) ? variance : undefined
    while (!s.done) s.step(spot, v)
  }
  const plain = time(run(false), 3)
  const anti = time(run(true), 3)
  console.log(`${name.padEnd(22)} ${fmt((PATHS * STEPS) / plain).padStart(14)} ${fmt((PATHS * STEPS) / anti).padStart(14)}   ${plain.toFixed(2)} s`)
}
