import { InvalidInput } from "@hedgekit/sdk"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Grid, Normals, Paths, Process, Xoshiro256 } from "../src/index.js"
import { fnv1a, goldenRun, goldenRuns } from "./golden.js"

/** Values computed once (Node 20, x64) and committed: another machine or a change of the numbers shows here. */
const GOLDEN: Record<string, { hash: string; values: ReadonlyArray<number>; variance?: ReadonlyArray<number> }> = {
  gbm: { hash: "9706379e9b6aef5e", values: [98555.01837439179, 99206.10457020468, 97945.95096685765, 99056.03227337962] },
  merton: { hash: "4c0c579135736d2a", values: [98214.45241559112, 102292.64404460345, 100559.09725766219, 99380.30563234356] },
  kou: { hash: "251d788d03c8b312", values: [99449.94885228462, 101370.14230956309, 99970.45674236977, 99377.30413569433] },
  heston: {
    hash: "fd53cada20478c45",
    values: [100049.20656186168, 99911.73062921857, 106466.04988792352, 100584.11290968297],
    variance: [0.4642897431779357, 0.32468648862583166]
  },
  bates: {
    hash: "1e35863caf72e021",
    values: [101420.8164362544, 103126.84677206859, 97487.95412406218, 100594.20358242202],
    variance: [0.5440460267106385, 0.5286423851177785]
  }
}

const errorOf = (f: () => unknown): InvalidInput => {
  try {
    f()
  } catch (e) {
    if (e instanceof InvalidInput) return e
    throw e
  }
  throw new Error("expected an InvalidInput")
}

const all = goldenRuns.map((r) => [r.name, r.process] as const)
const hourly = (steps: number) => Grid.minutes({ stepMinutes: 60, steps })

describe("reproducibility", () => {
  it.each(goldenRuns.map((r) => [r.name, r] as const))("golden values: %s (96 paths, hourly for a day, seed 20261125)", (name, { process, antithetic }) => {
    const r = goldenRun(process, antithetic)
    const n = r.paths, T = r.steps
    const got = {
      hash: r.variance === undefined ? fnv1a(r.spot) : fnv1a(r.spot, r.variance),
      values: [r.spot[T * n]!, r.spot[T * n + 1]!, r.spot[T * n + 95]!, r.spot[n + 64]!],
      ...(r.variance === undefined ? {} : { variance: [r.variance[T * n]!, r.variance[T * n + 95]!] })
    }
    expect(got, `${name}: new golden values ${JSON.stringify(got)}`).toEqual(GOLDEN[name])
  })

  it.each(all)("same seed ⇒ bit-identical paths; another seed ⇒ every path differs: %s", (_, process) => {
    const options = { paths: 130, grid: hourly(10), seed: 77n }
    const a = Paths.generate(process, options)
    const b = Paths.generate(process, options)
    expect(fnv1a(a.spot)).toBe(fnv1a(b.spot))
    expect(a.spot).toEqual(b.spot)
    const c = Paths.generate(process, { ...options, seed: 78 })
    for (let p = 0; p < 130; p++) expect(c.spot[10 * 130 + p]).not.toBe(a.spot[10 * 130 + p])
  })

  it("follows the documented stream layout: GBM's first step is S₀·e^{(m − σ²/2)Δ + σ√Δ·z}, z from block b's stream", () => {
    const process = Process.gbm({ spot: 100_000, vol: 0.6, rate: 0.05, dividend: 0.01 })
    const grid = hourly(1)
    const dt = grid.times[1]!
    const a = (0.04 - 0.5 * 0.36) * dt
    const b = 0.6 * Math.sqrt(dt)
    for (const antithetic of [false, true]) {
      const spot = new Float64Array(128)
      Paths.stepper(process, { paths: 128, grid, seed: 5, antithetic }).step(spot)
      const g = Xoshiro256.make(5)
      for (let block = 0; block < 2; block++) {
        if (block > 0) Xoshiro256.jump(g)
        const z = Normals.fill(Xoshiro256.clone(g), new Float64Array(antithetic ? 32 : 64))
        for (let k = 0; k < z.length; k++) {
          if (antithetic) {
            expect(spot[64 * block + 2 * k]).toBe(100_000 * Math.exp(a + b * z[k]!))
            expect(spot[64 * block + 2 * k + 1]).toBe(100_000 * Math.exp(a - b * z[k]!))
          } else {
            expect(spot[64 * block + k]).toBe(100_000 * Math.exp(a + b * z[k]!))
          }
        }
      }
    }
  })

  it.each(all)("path p does not depend on the number of paths nor on the split between workers (firstPath): %s", (_, process) => {
    const grid = hourly(12)
    const whole = Paths.generate(process, { paths: 300, grid, seed: 9, antithetic: true })
    const prefix = Paths.generate(process, { paths: 100, grid, seed: 9, antithetic: true })
    const worker = Paths.generate(process, { paths: 172, grid, seed: 9, antithetic: true, firstPath: 128 })
    for (let t = 0; t <= 12; t++) {
      for (let p = 0; p < 100; p++) expect(prefix.spot[t * 100 + p]).toBe(whole.spot[t * 300 + p])
      for (let p = 0; p < 172; p++) expect(worker.spot[t * 172 + p]).toBe(whole.spot[t * 300 + 128 + p])
    }
  })

  it("reset() replays the same paths; read() at the start gives the spot", () => {
    const process = Process.bates({ spot: 65_000, initialVariance: 0.4, meanReversion: 2, longRunVariance: 0.4, volOfVol: 1.5, correlation: -0.4, jumpIntensity: 30, jumpMean: -0.01, jumpVol: 0.04 })
    const s = Paths.stepper(process, { paths: 70, grid: hourly(5), seed: 3 })
    const spot = new Float64Array(70), variance = new Float64Array(70)
    s.read(spot, variance)
    expect(Array.from(spot)).toEqual(new Array(70).fill(65_000))
    expect(Array.from(variance)).toEqual(new Array(70).fill(0.4))
    const first: Array<Array<number>> = []
    while (!s.done) {
      s.step(spot)
      first.push(Array.from(spot))
    }
    expect(s.index).toBe(5)
    expect(s.time).toBe(s.times[5])
    s.reset()
    expect(s.index).toBe(0)
    for (let t = 0; t < 5; t++) {
      expect(s.step(spot)).toBe(t + 1)
      expect(Array.from(spot)).toEqual(first[t])
    }
    expect(errorOf(() => s.step(spot)).field).toBe("step")
  })
})

describe("stepper and generate", () => {
  it.each(all)("a stepper writes the rows of generate's time layout; the path layout is its transpose: %s", (_, process) => {
    const options = { paths: 66, grid: Grid.fromTimes([0, 0.001, 0.003, 0.004, 0.01]), seed: 12, antithetic: true }
    const variance = Process.hasVariance(process)
    const byTime = Paths.generate(process, { ...options, variance })
    const byPath = Paths.generate(process, { ...options, variance, layout: "path" })
    const s = Paths.stepper(process, options)
    const spot = new Float64Array(66), v = variance ? new Float64Array(66) : undefined
    for (let t = 0; t <= 4; t++) {
      if (t === 0) s.read(spot, v)
      else s.step(spot, v)
      for (let p = 0; p < 66; p++) {
        expect(byTime.spot[t * 66 + p]).toBe(spot[p])
        expect(byPath.spot[p * 5 + t]).toBe(spot[p])
        if (v !== undefined) {
          expect(byTime.variance![t * 66 + p]).toBe(v[p])
          expect(byPath.variance![p * 5 + t]).toBe(v[p])
        }
      }
    }
  })

  it("generate writes into caller-owned arrays when given", () => {
    const process = Process.gbm({ spot: 10, vol: 0.2 })
    const into = { spot: new Float64Array(3 * 4 + 5) }
    const r = Paths.generate(process, { paths: 4, grid: hourly(2), seed: 1, into })
    expect(r.spot).toBe(into.spot)
    expect(into.spot[12]).toBe(0)
    expect(Array.from(into.spot.subarray(0, 4))).toEqual([10, 10, 10, 10])
  })

  it("antithetic pairs have exactly negated normals: the pair's log-returns sum to twice the drift term", () => {
    const process = Process.gbm({ spot: 1, vol: 0.9, rate: 0.1 })
    const grid = hourly(48)
    const r = Paths.generate(process, { paths: 64, grid, seed: 4, antithetic: true })
    const dt = grid.times[1]!
    const twice = 2 * 48 * (0.1 - 0.5 * 0.81) * dt
    for (let k = 0; k < 32; k++) {
      const a = Math.log(r.spot[48 * 64 + 2 * k]!), b = Math.log(r.spot[48 * 64 + 2 * k + 1]!)
      expect(Math.abs(a + b - twice)).toBeLessThan(1e-13)
      expect(Math.abs(a - b)).toBeGreaterThan(1e-6)
    }
  })

  it("antithetic Heston pairs reflect the variance draw: same variance after a step only when Z_v = 0", () => {
    const process = Process.heston({ spot: 1, initialVariance: 0.5, meanReversion: 2, longRunVariance: 0.5, volOfVol: 1, correlation: -0.5 })
    const r = Paths.generate(process, { paths: 64, grid: hourly(1), seed: 4, antithetic: true, variance: true })
    // one quadratic step from the same v₀: v = a(b ± Z_v)², so √v_A + √v_B = 2b√a is the same for every pair
    const sums = Array.from({ length: 32 }, (_, k) => Math.sqrt(r.variance![64 + 2 * k]!) + Math.sqrt(r.variance![64 + 2 * k + 1]!))
    for (const s of sums) expect(Math.abs(s / sums[0]! - 1)).toBeLessThan(1e-12)
    expect(r.variance![64]).not.toBe(r.variance![65])
  })
})

describe("invalid input names the field", () => {
  const gbm = Process.gbm({ spot: 100, vol: 0.5 })
  const grid = hourly(3)
  const cases: ReadonlyArray<readonly [string, () => unknown]> = [
    ["paths", () => Paths.stepper(gbm, { paths: 0, grid, seed: 1 })],
    ["paths", () => Paths.stepper(gbm, { paths: 2.5, grid, seed: 1 })],
    ["paths", () => Paths.stepper(gbm, { paths: 7, grid, seed: 1, antithetic: true })],
    ["seed", () => Paths.stepper(gbm, { paths: 8, grid, seed: -3 })],
    ["firstPath", () => Paths.stepper(gbm, { paths: 8, grid, seed: 1, firstPath: 10 })],
    ["grid", () => Paths.stepper(gbm, { paths: 8, grid: { times: new Float64Array(1), steps: 0 }, seed: 1 })],
    ["grid", () => Paths.stepper(gbm, { paths: 8, grid: { times: new Float64Array([0, 0.1, 0.1]), steps: 2 }, seed: 1 })],
    ["process", () => Paths.stepper({ spot: 100, vol: 0.5 } as unknown as Process.Process, { paths: 8, grid, seed: 1 })],
    ["jumpIntensity", () => Paths.stepper(Process.merton({ spot: 1, vol: 0.1, jumpIntensity: 1e7, jumpMean: 0, jumpVol: 0.01 }), { paths: 8, grid, seed: 1 })],
    ["spot", () => Paths.stepper(gbm, { paths: 8, grid, seed: 1 }).step(new Float64Array(7))],
    ["variance", () => Paths.stepper(gbm, { paths: 8, grid, seed: 1 }).read(new Float64Array(8), new Float64Array(8))],
    ["variance", () => Paths.generate(gbm, { paths: 8, grid, seed: 1, variance: true })],
    ["layout", () => Paths.generate(gbm, { paths: 8, grid, seed: 1, layout: "rows" as "time" })],
    ["into.spot", () => Paths.generate(gbm, { paths: 8, grid, seed: 1, into: { spot: new Float64Array(31) } })]
  ]
  it.each(cases)("%s", (field, f) => {
    expect(errorOf(f).field).toBe(field)
  })

  it("any number of paths and any seed work; antithetic needs an even count (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.boolean(), (paths, seed, antithetic) => {
        const make = () => Paths.generate(gbm, { paths, grid: hourly(1), seed, antithetic })
        if (antithetic && paths % 2 === 1) expect(errorOf(make).field).toBe("paths")
        else expect(make().spot.every((s) => s > 0 && Number.isFinite(s))).toBe(true)
      }),
      { numRuns: 50 }
    )
  })
})
