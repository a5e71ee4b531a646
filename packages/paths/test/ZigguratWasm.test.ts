/**
 * The WebAssembly fast path of the Ziggurat (wasm/ziggurat.ts, with ziggurat.ts's slow path finishing its misses)
 * against the JavaScript `fillNormals`: the same normals and the same final stream words bit for bit, on random
 * states, lengths, pieces and streams, with the slow paths (tail, wedge accepted, wedge rejected) counted to show
 * they ran. Then GBM paths through the instance against the fallback, and the fallback itself.
 */
import * as fc from "fast-check"
import { afterEach, describe, expect, it, vi } from "vitest"
import { Grid, Paths, Process } from "../src/index.js"
import type { State } from "../src/internal/kernels.js"
import { nextHalves, setState } from "../src/internal/xoshiro.js"
import { fillNormals, RATIO, X } from "../src/internal/ziggurat.js"
import type { ZigguratWasm } from "../src/internal/zigguratWasm.js"
import { fillNormalsWasm, newZiggurat, wasmAvailable } from "../src/internal/zigguratWasm.js"
import { splitMix64 } from "../src/internal/splitMix64.js"

const bits = (a: Float64Array): BigUint64Array => new BigUint64Array(a.buffer, a.byteOffset, a.length)

/** The index of the first element whose bits differ, or -1. */
const firstDifference = (a: Float64Array, b: Float64Array): number => {
  if (a.length !== b.length) return Math.min(a.length, b.length)
  const x = bits(a), y = bits(b)
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i
  return -1
}

const sameWords = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((w, i) => w === b[i])

interface Tally {
  misses: number
  tail: number
  wedgeAccepted: number
  wedgeRejected: number
}

/**
 * `z` with a `fill` that classifies each miss by the outputs the slow path took, found by stepping the stream the
 * module stored at the miss until it equals the stream at the next call: layer 0 is the tail; otherwise one
 * output is an accepted wedge test and more is a rejection (then a new draw).
 */
const counting = (z: ZigguratWasm, at: number, tally: Tally): ZigguratWasm => {
  let pending: Int32Array | undefined
  let layer = 0
  const scratch = new Uint32Array(2)
  const fill: ZigguratWasm["fill"] = (state, out, from, to) => {
    if (pending !== undefined) {
      const now = z.words.subarray(at, at + 8)
      let steps = 0
      while (!sameWords(pending, now)) {
        if (++steps > 1000) throw new Error("the slow path's stream was not found within 1000 outputs")
        nextHalves(pending, 0, scratch)
      }
      if (layer === 0) tally.tail++
      else if (steps === 1) tally.wedgeAccepted++
      else tally.wedgeRejected++
      pending = undefined
    }
    const i = z.fill(state, out, from, to)
    if (i < to) {
      tally.misses++
      pending = z.words.slice(at, at + 8)
      layer = z.missLo[0]! & 0xff
    }
    return i
  }
  return { ...z, fill }
}

const SENTINEL = -12345.678

describe("the WebAssembly Ziggurat", () => {
  it("runs here (Node 20): else the comparisons below would compare nothing", () => {
    expect(wasmAvailable()).toBe(true)
    const z = newZiggurat(8, 64)
    expect(z).toBeDefined()
    expect(z!.words.buffer).toBe(z!.out.buffer)
  })

  it("holds the JavaScript tables X and RATIO, bit for bit (a table 1 ulp off would hardly ever show in the draws)", () => {
    const z = newZiggurat(8, 1)!
    expect(z.x.buffer).toBe(z.words.buffer)
    expect(firstDifference(z.x, X)).toBe(-1)
    expect(firstDifference(z.ratio, RATIO)).toBe(-1)
    expect(X.length).toBe(257)
    expect(RATIO.length).toBe(256)
  })

  it("gives the JavaScript fillNormals' normals and final stream words bit for bit (random states, lengths, pieces), slow paths included", () => {
    const tally: Tally = { misses: 0, tail: 0, wedgeAccepted: 0, wedgeRejected: 0 }
    let normals = 0
    const seeded = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((seed) => {
      const w = new Int32Array(8)
      setState(w, 0, splitMix64(seed, 4))
      return w
    })
    // any non-zero 256-bit state, not only those SplitMix64 gives
    const raw = fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 8, maxLength: 8 })
      .filter((w) => w.some((x) => x !== 0))
      .map((w) => Int32Array.from(w))
    const streams = fc.array(fc.oneof(seeded, raw), { minLength: 1, maxLength: 3 })
    fc.assert(
      fc.property(
        streams,
        fc.nat(),
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 800 }), { minLength: 1, maxLength: 8 }),
        (states, pick, offset, pieces) => {
          const at = 8 * (pick % states.length)
          const total = pieces.reduce((a, b) => a + b, 0)
          const size = offset + total + 3 // room either side, which neither may touch
          const words = new Int32Array(8 * states.length)
          states.forEach((w, j) => words.set(w, 8 * j))
          const out = new Float64Array(size).fill(SENTINEL)
          const z = newZiggurat(words.length, size)
          if (z === undefined) throw new Error("no WebAssembly instance")
          z.words.set(words)
          z.out.fill(SENTINEL)
          const zc = counting(z, at, tally)
          let o = offset
          for (const n of pieces) {
            fillNormals(words, at, out, o, n)
            fillNormalsWasm(zc, at, o, n)
            o += n
          }
          normals += total
          expect(firstDifference(z.out, out), "first normal whose bits differ").toBe(-1)
          expect(sameWords(z.words, words), "stream words").toBe(true)
          expect(out[offset + total]).toBe(SENTINEL)
        }
      ),
      { numRuns: 150 }
    )
    // the slow paths ran, each kind many times (about 1.5 % of draws miss the fast test, 1 in 4000 is a tail draw)
    expect(normals).toBeGreaterThan(100_000)
    expect(tally.misses).toBe(tally.tail + tally.wedgeAccepted + tally.wedgeRejected)
    expect(tally.misses).toBeGreaterThan(normals * 0.005)
    expect(tally.tail).toBeGreaterThan(5)
    expect(tally.wedgeAccepted).toBeGreaterThan(50)
    expect(tally.wedgeRejected).toBeGreaterThan(50)
  })

  it("a miss on the last normal of a call leaves the stream where the JavaScript leaves it", () => {
    // find a seed and a length whose last draw misses the fast test, then fill exactly up to it
    const tally: Tally = { misses: 0, tail: 0, wedgeAccepted: 0, wedgeRejected: 0 }
    const z = newZiggurat(8, 1)!
    let found = 0
    for (let seed = 0n; found < 20 && seed < 2000n; seed++) {
      const words = new Int32Array(8)
      setState(words, 0, splitMix64(seed, 4))
      z.words.set(words)
      const before = tally.misses
      fillNormalsWasm(counting(z, 0, tally), 0, 0, 1)
      const js = new Float64Array(1)
      fillNormals(words, 0, js, 0, 1)
      expect(firstDifference(z.out, js)).toBe(-1)
      expect(sameWords(z.words, words)).toBe(true)
      if (tally.misses > before) found++
    }
    expect(found).toBe(20)
  })
})

describe("GBM paths on Ziggurat normals", () => {
  const gbm = Process.gbm({ spot: 100_000, vol: 0.6, rate: 0.05 })
  const grid = Grid.minutes({ stepMinutes: 60, steps: 40 })
  const stateOf = (s: Paths.Stepper): State => (s as unknown as { state: State }).state

  it("keep the streams and the scratch in the instance's memory; other processes and inversion do not", () => {
    const s = stateOf(Paths.stepper(gbm, { paths: 200, grid, seed: 3, normals: "ziggurat" }))
    expect(s.zig).toBeDefined()
    expect(s.words).toBe(s.zig!.words)
    expect(s.u).toBe(s.zig!.out)
    expect(s.words.length).toBe(8 * 4)
    expect(stateOf(Paths.stepper(gbm, { paths: 200, grid, seed: 3 })).zig).toBeUndefined()
  })

  afterEach(() => {
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  const runs = async () => {
    vi.resetModules()
    const fresh = await import("../src/index.js")
    return [false, true].map((antithetic) => {
      const options = { paths: 330, grid, seed: 77, antithetic, normals: "ziggurat" } as const
      const stepper = fresh.Paths.stepper(gbm, options)
      const rows = new Float64Array(330 * 41)
      const spot = new Float64Array(330)
      stepper.read(spot)
      rows.set(spot, 0)
      for (let t = 1; t <= 40; t++) {
        stepper.step(spot)
        rows.set(spot, 330 * t)
      }
      const state = stateOf(stepper)
      return { rows, words: state.words.slice(), wasm: state.zig !== undefined }
    })
  }

  it("equal the JavaScript fallback's bit for bit, stream words included, where there is no WebAssembly", async () => {
    const withWasm = await runs()
    vi.stubGlobal("WebAssembly", undefined)
    const without = await runs()
    for (let k = 0; k < 2; k++) {
      expect(withWasm[k]!.wasm).toBe(true)
      expect(without[k]!.wasm).toBe(false)
      expect(firstDifference(withWasm[k]!.rows, without[k]!.rows)).toBe(-1)
      expect(sameWords(withWasm[k]!.words, without[k]!.words)).toBe(true)
    }
  })

  it("fall back silently where an instance cannot be made, and give each instance a memory that cannot grow", async () => {
    const real = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly
    const RealMemory = real["Memory"] as new(limits: { initial: number; maximum?: number }) => object
    const limits: Array<{ initial: number; maximum?: number }> = []
    vi.stubGlobal("WebAssembly", {
      ...real,
      Module: real["Module"],
      Instance: real["Instance"],
      Memory: function Memory(l: { initial: number; maximum?: number }) {
        limits.push(l)
        return new RealMemory(l)
      }
    })
    const recorded = await runs()
    expect(recorded.every((r) => r.wasm)).toBe(true)
    expect(limits.length).toBe(2)
    for (const l of limits) expect(l.maximum).toBe(l.initial)

    vi.stubGlobal("WebAssembly", {
      ...real,
      Module: real["Module"],
      Instance: real["Instance"],
      Memory: function Memory() {
        throw new RangeError("WebAssembly.Memory(): could not allocate memory")
      }
    })
    const failed = await runs()
    expect(failed.every((r) => !r.wasm)).toBe(true)
    vi.unstubAllGlobals()
    const reference = await runs()
    for (let k = 0; k < 2; k++) expect(firstDifference(failed[k]!.rows, reference[k]!.rows)).toBe(-1)
  })
})
