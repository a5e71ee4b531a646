/**
 * The golden runs of `Paths.test.ts`: one small run per process whose hash and a few values are committed, so a
 * change of numbers (code, Node/V8 version, machine) is seen. A failing golden test prints the new hash and
 * values; commit them only for an intended change of the numbers (and say so in the changeset).
 */
import { Grid, Paths, Process } from "../src/index.js"

/** FNV-1a (64-bit) over the IEEE-754 bits of the values, little-endian whatever the machine. */
export const fnv1a = (...arrays: ReadonlyArray<Float64Array>): string => {
  let h = 0xcbf29ce484222325n
  for (const a of arrays) {
    const view = new DataView(a.buffer, a.byteOffset, a.byteLength)
    for (let i = 0; i < a.byteLength; i++) {
      h ^= BigInt(view.getUint8(i))
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn
    }
  }
  return h.toString(16).padStart(16, "0")
}

const crypto = { initialVariance: 0.5, meanReversion: 2, longRunVariance: 0.45, volOfVol: 2, correlation: -0.5 }

export const goldenRuns: ReadonlyArray<{ readonly name: string; readonly process: Process.Process; readonly antithetic: boolean }> = [
  { name: "gbm", process: Process.gbm({ spot: 100_000, vol: 0.6, rate: 0.05 }), antithetic: false },
  { name: "merton", process: Process.merton({ spot: 100_000, vol: 0.4, jumpIntensity: 50, jumpMean: -0.02, jumpVol: 0.05 }), antithetic: true },
  { name: "kou", process: Process.kou({ spot: 100_000, vol: 0.4, jumpIntensity: 50, upProbability: 0.4, upRate: 30, downRate: 25, mu: 0.2 }), antithetic: false },
  { name: "heston", process: Process.heston({ spot: 100_000, rate: 0.05, ...crypto }), antithetic: true },
  { name: "bates", process: Process.bates({ spot: 100_000, ...crypto, jumpIntensity: 50, jumpMean: -0.02, jumpVol: 0.05 }), antithetic: false }
]

/** 96 paths (one full block and a partial one), hourly for a day, seed 20261125. */
export const goldenRun = (process: Process.Process, antithetic: boolean) =>
  Paths.generate(process, {
    paths: 96,
    grid: Grid.minutes({ stepMinutes: 60, steps: 24 }),
    seed: 20261125,
    antithetic,
    variance: Process.hasVariance(process)
  })
