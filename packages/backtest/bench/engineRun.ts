/**
 * One share of the engine benchmark: `paths` GBM paths (from `firstPath` of the seeded stream) × `steps` hourly
 * steps of a short call hedged by a delta band with 5 bp costs, through `Simulate.run`, the paths' normals drawn
 * by `normals` (`@hedgekit/paths`' inversion, the default there, or its Ziggurat).
 */
import { readFileSync } from "node:fs"
import { Policies } from "@hedgekit/hedging"
import { Grid, Paths, Process } from "@hedgekit/paths"
import { RebalancePolicy } from "@hedgekit/sdk"
import * as Simulate from "../src/Simulate.js"

export const S0 = 100_000, K = 100_000, VOL = 0.6, DAYS = 30

export type NormalMethod = "inversion" | "ziggurat"

/** ROW_BLOCK: the engine's `rowBlock` (rows per block of a step; default every row in one block). */
export const ROW_BLOCK = process.env["ROW_BLOCK"] ? Number(process.env["ROW_BLOCK"]) : undefined

/**
 * CPU seconds of the calling thread (Linux: /proc/thread-self/stat, 10 ms ticks), or NaN elsewhere. On a loaded
 * machine a thread's CPU time says what its work costs when it has a core, which its wall time does not.
 */
export const threadCpuSeconds = (): number => {
  try {
    const fields = readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1]!.split(" ")
    // after "pid (comm) ": state is field 3, utime field 14, stime field 15
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
}

export const runShare = (
  paths: number,
  steps: number,
  firstPath: number,
  normals: NormalMethod = "ziggurat"
): { seconds: number; cpuSeconds: number; meanPnl: number } => {
  const stepper = Paths.stepper(Process.gbm({ spot: S0, vol: VOL }), {
    paths, grid: Grid.uniform({ horizonYears: DAYS / 365, steps }), seed: 2026, firstPath, normals
  })
  const start = process.hrtime.bigint()
  const cpu = threadCpuSeconds()
  const engine = Simulate.run(stepper, {
    legs: [{ optionType: "call", strike: K, expiryYears: DAYS / 365, quantity: -1, settlement: "linear" }],
    hedge: { kind: "perpetual", symbol: "BTCUSDC", underlying: "BTC", settlement: "linear", contractSize: 1 },
    costs: { lot: 1e-9, minimum: 0, fees: { maker: 0.0005, taker: 0.0005 }, halfSpread: 0 },
    policy: RebalancePolicy.configure(Policies.deltaBand, { halfWidthCoins: 0.05, target: "centre" }),
    accounting: "usd",
    impliedVol: VOL,
    attribution: false,
    ...(ROW_BLOCK !== undefined ? { rowBlock: ROW_BLOCK } : {})
  })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const cpuSeconds = threadCpuSeconds() - cpu
  const pnl = engine.pnl()
  return { seconds, cpuSeconds, meanPnl: pnl.reduce((a, b) => a + b, 0) / pnl.length }
}

/** `runs` runs back to back, timed together: wall and CPU seconds per run, and the last run's mean P&L. */
export const batch = (runs: number, run: () => { seconds: number; cpuSeconds: number; meanPnl: number }) => {
  let seconds = 0, cpuSeconds = 0, meanPnl = NaN
  for (let r = 0; r < runs; r++) {
    const one = run()
    seconds += one.seconds
    cpuSeconds += one.cpuSeconds
    meanPnl = one.meanPnl
  }
  return { seconds: seconds / runs, cpuSeconds: cpuSeconds / runs, meanPnl }
}
