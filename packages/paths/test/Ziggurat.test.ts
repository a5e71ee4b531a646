import { Normal } from "@hedgekit/models"
import { InvalidInput } from "@hedgekit/sdk"
import { describe, expect, it } from "vitest"
import { Grid, Normals, Paths, Process, Xoshiro256 } from "../src/index.js"
import { fnv1a } from "./golden.js"
import { sampleMoments } from "./stats.js"

const hourly = (steps: number) => Grid.minutes({ stepMinutes: 60, steps })
const gbm = Process.gbm({ spot: 100_000, vol: 0.6, rate: 0.05 })

const errorOf = (f: () => unknown): InvalidInput => {
  try {
    f()
  } catch (e) {
    if (e instanceof InvalidInput) return e
    throw e
  }
  throw new Error("expected an InvalidInput")
}

describe("Normals.fillZiggurat", () => {
  it("golden values (Node 20, x64): the first draws of a seed and a GBM run on Ziggurat normals", () => {
    const z = Normals.fillZiggurat(Xoshiro256.make(20261125), new Float64Array(4))
    expect(Array.from(z)).toEqual([-0.7964465689109483, -0.6112298028304773, -0.33493108803411975, -3.1761539295781733])
    const r = Paths.generate(gbm, { paths: 96, grid: hourly(24), seed: 20261125, normals: "ziggurat" })
    const n = 96, T = 24
    const got = { hash: fnv1a(r.spot), values: [r.spot[T * n]!, r.spot[T * n + 1]!, r.spot[T * n + 95]!, r.spot[n + 64]!] }
    expect(got, `new golden values ${JSON.stringify(got)}`).toEqual({
      hash: "0183cb70a343e40c",
      values: [98554.10234810461, 109339.89367645246, 101921.74747527878, 100063.03549943303]
    })
  })

  it("2²⁰ draws have mean 0, variance 1, skewness 0 and kurtosis 3 within 4 standard errors; Φ holds from the tail to the centre", () => {
    const n = 2 ** 20
    const z = Normals.fillZiggurat(Xoshiro256.make(7), new Float64Array(n))
    const m = sampleMoments(z)
    expect(Math.abs(m.mean) / Math.sqrt(1 / n)).toBeLessThan(4)
    expect(Math.abs(m.variance - 1) / Math.sqrt(2 / n)).toBeLessThan(4)
    expect(Math.abs(m.skewness) / Math.sqrt(6 / n)).toBeLessThan(4)
    expect(Math.abs(m.kurtosis - 3) / Math.sqrt(24 / n)).toBeLessThan(4)
    // the tail branch is beyond ±3.654, the wedges everywhere between the layers' edges
    for (const x of [-4.2, -3.8, -3.654, -3, -2, -1, -0.3, 0, 0.3, 1, 2, 3, 3.654, 3.8, 4.2]) {
      const p = Normal.cdf(x)
      let count = 0
      for (let i = 0; i < n; i++) if (z[i]! <= x) count++
      expect(Math.abs(count / n - p) / Math.sqrt((p * (1 - p)) / n), `P(Z ≤ ${x})`).toBeLessThan(4)
    }
  })

  it("is a function of the stream only: the same seed gives the same draws, in one call or in pieces", () => {
    const whole = Normals.fillZiggurat(Xoshiro256.make(11), new Float64Array(10_000))
    const g = Xoshiro256.make(11)
    const pieces = new Float64Array(10_000)
    for (let o = 0; o < 10_000; o += 64) Normals.fillZiggurat(g, pieces, o, Math.min(64, 10_000 - o))
    expect(pieces).toEqual(whole)
    expect(() => Normals.fillZiggurat(Xoshiro256.make(1), new Float64Array(3), 2, 2)).toThrow(InvalidInput)
  })
})

describe("Paths with normals: \"ziggurat\"", () => {
  it("inversion stays the default", () => {
    const options = { paths: 70, grid: hourly(6), seed: 4 }
    expect(Paths.generate(gbm, options).spot).toEqual(Paths.generate(gbm, { ...options, normals: "inversion" }).spot)
    expect(Paths.generate(gbm, options).spot).not.toEqual(Paths.generate(gbm, { ...options, normals: "ziggurat" }).spot)
  })

  it("follows the stream layout: block b's normals are fillZiggurat of the seed's stream jumped b times", () => {
    const grid = hourly(1)
    const dt = grid.times[1]!
    const a = (0.05 - 0.5 * 0.36) * dt
    const b = 0.6 * Math.sqrt(dt)
    const spot = new Float64Array(128)
    Paths.stepper(gbm, { paths: 128, grid, seed: 5, normals: "ziggurat" }).step(spot)
    const g = Xoshiro256.make(5)
    for (let block = 0; block < 2; block++) {
      if (block > 0) Xoshiro256.jump(g)
      const z = Normals.fillZiggurat(Xoshiro256.clone(g), new Float64Array(64))
      for (let k = 0; k < 64; k++) expect(spot[64 * block + k]).toBe(100_000 * Math.exp(a + b * z[k]!))
    }
  })

  it("antithetic pairs have exactly negated normals; path p does not depend on the split between workers; reset replays", () => {
    const grid = hourly(12)
    const options = { grid, seed: 9, antithetic: true, normals: "ziggurat" } as const
    const whole = Paths.generate(gbm, { ...options, paths: 300, layout: "path" })
    const dt = grid.times[1]!
    const drift = (0.05 - 0.5 * 0.36) * dt
    for (let p = 0; p < 300; p += 2) {
      for (let t = 1; t <= 12; t++) {
        const i = p * 13 + t, j = (p + 1) * 13 + t
        const sum = Math.log(whole.spot[i]! / whole.spot[i - 1]!) + Math.log(whole.spot[j]! / whole.spot[j - 1]!)
        expect(Math.abs(sum - 2 * drift)).toBeLessThan(1e-12)
      }
    }
    const timeLayout = Paths.generate(gbm, { ...options, paths: 300 })
    const worker = Paths.generate(gbm, { ...options, paths: 172, firstPath: 128 })
    for (let t = 0; t <= 12; t++) for (let p = 0; p < 172; p++) expect(worker.spot[t * 172 + p]).toBe(timeLayout.spot[t * 300 + 128 + p])
    const s = Paths.stepper(gbm, { ...options, paths: 100 })
    const spot = new Float64Array(100)
    s.step(spot)
    const first = Array.from(spot)
    s.reset()
    s.step(spot)
    expect(Array.from(spot)).toEqual(first)
  })

  it("names the field: an unknown method, or Ziggurat normals for a process other than GBM", () => {
    expect(errorOf(() => Paths.stepper(gbm, { paths: 4, grid: hourly(2), seed: 1, normals: "box-muller" as never })).field).toBe("normals")
    const heston = Process.heston({ spot: 100_000, initialVariance: 0.36, meanReversion: 3, longRunVariance: 0.4, volOfVol: 1.5, correlation: -0.3 })
    expect(errorOf(() => Paths.stepper(heston, { paths: 4, grid: hourly(2), seed: 1, normals: "ziggurat" })).field).toBe("normals")
  })
})
