/**
 * The WebAssembly Greeks kernel (wasm/blackKernel.ts) against the JavaScript loop it ports, on seeded rows that
 * cover every branch: the Cody intervals, both cancellation expansions, the |d| ≥ 37 wings, x = 0, r ≠ 0 up
 * to |r·T| near 700, and every kind of invalid row. Then the ways columns reach it (staging copies, columns
 * in wasm memory, views at an offset, arrays longer than `length`, odd lengths) and the fallback without
 * WebAssembly.
 */
import { BatchStatus } from "@hedgekit/sdk"
import { afterEach, describe, expect, it, vi } from "vitest"
import { Black76, Models } from "../src/index.js"
import type { GreeksColumns } from "../src/Black76.js"
import { blackGreeksLoop } from "../src/internal/blackKernel.js"
import { wasmAvailable } from "../src/internal/wasmKernel.js"

const KEYS = ["price", "delta", "gamma", "vega", "theta", "rho"] as const

const columns = (n: number): GreeksColumns => ({
  price: new Float64Array(n),
  delta: new Float64Array(n),
  gamma: new Float64Array(n),
  vega: new Float64Array(n),
  theta: new Float64Array(n),
  rho: new Float64Array(n)
})

/** mulberry32: a small seeded generator, uniform in [0, 1). */
const generator = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Rows {
  readonly length: number
  readonly isCall: Uint8Array
  readonly forward: Float64Array
  readonly strike: Float64Array
  readonly expiry: Float64Array
  readonly rate: Float64Array
  readonly vol: Float64Array
}

const BAD = [NaN, -1, 0, Infinity, -Infinity] as const
const DBL_MIN = 2.2250738585072014e-308

/** Seeded rows: log-uniform forward, expiry and vol; strikes in standard deviations, out to the far wings. */
const seededRows = (n: number, seed: number): Rows => {
  const u = generator(seed)
  const logUniform = (lo: number, hi: number) => lo * Math.pow(hi / lo, u())
  const pick = <T>(xs: ReadonlyArray<T>): T => xs[Math.floor(u() * xs.length)]!
  const rows: Rows = {
    length: n,
    isCall: new Uint8Array(n),
    forward: new Float64Array(n),
    strike: new Float64Array(n),
    expiry: new Float64Array(n),
    rate: new Float64Array(n),
    vol: new Float64Array(n)
  }
  for (let i = 0; i < n; i++) {
    const F = logUniform(1e-2, 1e6)
    const T = logUniform(1 / 525_600, 30) // a minute to 30 years
    const sigma = u() < 0.1 ? logUniform(1e-4, 1e-2) : logUniform(1e-2, 5) // tiny σ√T: the small-t expansion
    const s = sigma * Math.sqrt(T)
    const kind = u()
    // Moneyness in standard deviations: the centre, the tails, and past |d| = 37 into the wings.
    const z = kind < 0.6 ? 8 * (u() - 0.5) : kind < 0.85 ? 80 * (u() - 0.5) : kind < 0.95 ? 200 * (u() - 0.5) : 0
    rows.forward[i] = F
    rows.strike[i] = z === 0 ? F : F * Math.exp(z * s)
    rows.expiry[i] = T
    rows.vol[i] = sigma
    rows.rate[i] = u() < 0.5 ? 0 : u() < 0.95 ? -0.1 + 0.4 * u() : (u() < 0.5 ? -1 : 1) * logUniform(1, 699) / T
    rows.isCall[i] = u() < 0.5 ? 1 : 0
    if (u() < 0.03) {
      // One bad field per invalid row, each kind the JavaScript loop distinguishes.
      const field = Math.floor(u() * 7)
      if (field === 0) rows.forward[i] = pick(BAD)
      else if (field === 1) rows.strike[i] = pick(BAD)
      else if (field === 2) rows.expiry[i] = pick(BAD)
      else if (field === 3) rows.rate[i] = pick([NaN, Infinity, 701 / T, -701 / T])
      else if (field === 4) rows.vol[i] = pick([...BAD, 1e308]) // 1e308·√T overflows for T > 3.2
      else if (field === 5) rows.isCall[i] = pick([2, 255])
      else rows.expiry[i] = 1e-320 // subnormal expiry: valid
    }
  }
  return rows
}

const jsLoop = (rows: Rows, vols: Float64Array | undefined, volScalar: number, out: GreeksColumns, status: Uint8Array) =>
  blackGreeksLoop(rows.length, rows.isCall, rows.forward, rows.strike, rows.expiry, rows.rate, undefined, vols, volScalar, out, undefined, status)

/**
 * Largest relative difference over all rows and outputs; statuses, NaNs and the sign of zeros must match
 * exactly. Values must agree to 1e-12 relative (relative to DBL_MIN below it, as in the benchmark: subnormals
 * have fewer digits), theta to 1e-12 of its larger term: θ = r·V − vega·σ/(2T) can cancel (r ≠ 0, in the
 * money), and then ulp-level differences in V or vega, which both loops are entitled to, are amplified in θ by
 * the cancellation, whichever loop is the more accurate.
 */
const compare = (
  rows: Rows,
  vol: (i: number) => number,
  a: GreeksColumns,
  aStatus: Uint8Array,
  b: GreeksColumns,
  bStatus: Uint8Array
) => {
  let worst = 0
  let identical = 0
  const mismatches: Array<string> = []
  for (let i = 0; i < rows.length; i++) {
    if (aStatus[i] !== bStatus[i]) mismatches.push(`row ${i}: status ${aStatus[i]} vs ${bStatus[i]}`)
    for (const k of KEYS) {
      const x = a[k][i]!, y = b[k][i]!
      if (Object.is(x, y)) {
        identical++
        continue
      }
      if (Number.isNaN(x) || Number.isNaN(y) || x === y) { // a NaN, or +0 vs −0
        mismatches.push(`row ${i}: ${k} ${Object.is(x, -0) ? "-0" : x} vs ${Object.is(y, -0) ? "-0" : y}`)
        continue
      }
      const scale = k === "theta"
        ? Math.max(Math.abs(x), Math.abs(rows.rate[i]! * b.price[i]!), Math.abs(b.vega[i]! * vol(i) / (2 * rows.expiry[i]!)))
        : Math.max(Math.abs(x), Math.abs(y))
      const rel = Math.abs(x - y) / Math.max(scale, DBL_MIN)
      if (rel > worst) worst = rel
      if (!(rel <= 1e-12)) mismatches.push(`row ${i}: ${k} ${x} vs ${y} (rel ${rel})`)
    }
  }
  return { worst, identical: identical / (KEYS.length * rows.length), mismatches: mismatches.slice(0, 10) }
}

const sameBits = (a: GreeksColumns, b: GreeksColumns, from: number, to: number): boolean => {
  for (const k of KEYS) {
    for (let i = from; i < to; i++) if (!Object.is(a[k][i], b[k][i])) return false
  }
  return true
}

describe("the WebAssembly Greeks kernel", () => {
  const N = 120_000
  const rows = seededRows(N, 20261124)
  const js = columns(N), jsStatus = new Uint8Array(N)
  jsLoop(rows, rows.vol, 0, js, jsStatus)
  const wasm = columns(N), wasmStatus = new Uint8Array(N)
  Black76.greeksBatch(rows, wasm, wasmStatus)

  it("runs here (Node has WebAssembly SIMD), so the suite tests it", () => {
    expect(wasmAvailable()).toBe(true)
    expect(Black76.makeWasmColumns(4).inWasmMemory).toBe(true)
  })

  it("the seeded rows reach every status code and both expansions' regions", () => {
    const codes = new Set(jsStatus)
    for (const code of [
      BatchStatus.OK,
      BatchStatus.INVALID_FORWARD,
      BatchStatus.INVALID_STRIKE,
      BatchStatus.INVALID_EXPIRY,
      BatchStatus.INVALID_RATE,
      BatchStatus.INVALID_VOL,
      BatchStatus.INVALID_TYPE
    ]) expect(codes).toContain(code)
    let wings = 0, zeros = 0, atTheMoney = 0
    for (let i = 0; i < N; i++) {
      if (jsStatus[i] !== BatchStatus.OK) continue
      const d1 = Math.log(rows.forward[i]! / rows.strike[i]!) / (rows.vol[i]! * Math.sqrt(rows.expiry[i]!))
      if (Math.abs(d1) > 37) wings++
      if (js.price[i] === 0) zeros++
      if (rows.forward[i] === rows.strike[i]) atTheMoney++
    }
    expect(wings).toBeGreaterThan(1000)
    expect(zeros).toBeGreaterThan(100)
    expect(atTheMoney).toBeGreaterThan(1000)
  })

  it(`matches the JavaScript loop on ${N} rows: same status codes and NaNs, values within 1e-12`, () => {
    const { identical, mismatches, worst } = compare(rows, (i) => rows.vol[i]!, wasm, wasmStatus, js, jsStatus)
    expect(mismatches).toEqual([])
    expect(worst).toBeLessThan(1e-12)
    expect(identical).toBeGreaterThan(0.5) // the same formulas: most values are the same bits
  })

  it("the scalar Black76.greeks gives the batch's numbers (it runs the kernel on one row)", () => {
    let checked = 0
    for (let i = 0; i < 20_000; i++) {
      if (wasmStatus[i] !== BatchStatus.OK) continue
      const g = Black76.greeks(rows.isCall[i] === 1 ? "call" : "put", rows.forward[i]!, rows.strike[i]!, rows.expiry[i]!,
        rows.rate[i]!, rows.vol[i]!)
      for (const k of KEYS) if (!Object.is(g[k], wasm[k][i])) expect.fail(`row ${i}: ${k} ${g[k]} vs ${wasm[k][i]}`)
      checked++
    }
    expect(checked).toBeGreaterThan(19_000)
  })

  it("gives the same bits through every path: staging, columns in wasm memory, views, odd lengths", () => {
    const n = 10_001 // odd, and more than two staging chunks
    const cols = Black76.makeWasmColumns(n + 7)
    const { input } = cols
    input.isCall.set(rows.isCall.subarray(0, n + 7))
    input.forward.set(rows.forward.subarray(0, n + 7))
    input.strike.set(rows.strike.subarray(0, n + 7))
    input.expiry.set(rows.expiry.subarray(0, n + 7))
    input.rate.set(rows.rate.subarray(0, n + 7))
    input.vol.set(rows.vol.subarray(0, n + 7))
    for (const k of KEYS) cols.out[k].fill(-7)
    cols.status.fill(77)
    // Zero-copy with `length` below the allocated rows: the rows after it stay untouched.
    Black76.greeksBatch({ ...input, length: n }, cols.out, cols.status)
    expect(sameBits(cols.out, wasm, 0, n)).toBe(true)
    expect([...cols.status.subarray(0, n)]).toEqual([...wasmStatus.subarray(0, n)])
    for (const k of KEYS) expect([...cols.out[k].subarray(n)]).toEqual([-7, -7, -7, -7, -7, -7, -7])
    expect([...cols.status.subarray(n)]).toEqual([77, 77, 77, 77, 77, 77, 77])

    // Views into wasm memory at a non-zero byteOffset (still no copies), odd length.
    const at = 3
    const view = <T extends Uint8Array | Float64Array>(c: T): T => c.subarray(at) as T
    const out = { price: view(cols.out.price), delta: view(cols.out.delta), gamma: view(cols.out.gamma),
      vega: view(cols.out.vega), theta: view(cols.out.theta), rho: view(cols.out.rho) }
    const viewInput = { length: n, isCall: view(input.isCall), forward: view(input.forward), strike: view(input.strike),
      expiry: view(input.expiry), rate: view(input.rate), vol: view(input.vol) }
    Black76.greeksBatch(viewInput, out, view(cols.status))
    const shifted = columns(n + at), shiftedStatus = new Uint8Array(n + at)
    Black76.greeksBatch({ ...rows, length: n + at }, shifted, shiftedStatus)
    for (const k of KEYS) expect(Object.is(out[k][0], shifted[k][at])).toBe(true)
    for (let i = 0; i < n; i++) {
      for (const k of KEYS) if (!Object.is(out[k][i], shifted[k][i + at])) expect.fail(`row ${i}: ${k}`)
    }

    // Ordinary arrays: views at a non-zero byteOffset, longer than `length` (staging copies).
    const offset = <T extends Uint8Array | Float64Array>(c: T): T => {
      const bigger = new (c.constructor as new(n: number) => T)(c.length + 9)
      bigger.set(c, 9)
      return bigger.subarray(9) as T
    }
    const m = n + 1
    const jsInput = { length: n, isCall: offset(rows.isCall.subarray(0, m)), forward: offset(rows.forward.subarray(0, m)),
      strike: offset(rows.strike.subarray(0, m)), expiry: offset(rows.expiry.subarray(0, m)), rate: offset(rows.rate.subarray(0, m)),
      vol: offset(rows.vol.subarray(0, m)) }
    const jsOut = { price: offset(new Float64Array(m).fill(-7)), delta: offset(new Float64Array(m).fill(-7)),
      gamma: offset(new Float64Array(m).fill(-7)), vega: offset(new Float64Array(m).fill(-7)),
      theta: offset(new Float64Array(m).fill(-7)), rho: offset(new Float64Array(m).fill(-7)) }
    const jsOutStatus = offset(new Uint8Array(m).fill(77))
    Black76.greeksBatch(jsInput, jsOut, jsOutStatus)
    expect(sameBits(jsOut, wasm, 0, n)).toBe(true)
    expect([...jsOutStatus.subarray(0, n)]).toEqual([...wasmStatus.subarray(0, n)])
    for (const k of KEYS) expect(jsOut[k][n]).toBe(-7)
    expect(jsOutStatus[n]).toBe(77)
  })
})

describe("hedgeGreeksBatch: delta, gamma and vega only", () => {
  const N = 120_000
  const rows = seededRows(N, 20261125)
  const full = columns(N), fullStatus = new Uint8Array(N)
  Black76.greeksBatch(rows, full, fullStatus)
  const HEDGE = ["delta", "gamma", "vega"] as const

  it("gives greeksBatch's delta, gamma, vega and status codes bit for bit (copies and columns in wasm memory, odd length)", () => {
    const copied = columns(N), copiedStatus = new Uint8Array(N).fill(77)
    Black76.hedgeGreeksBatch(rows, copied, copiedStatus)
    const n = N - 1 // odd
    const cols = Black76.makeWasmColumns(n)
    cols.input.isCall.set(rows.isCall.subarray(0, n))
    cols.input.forward.set(rows.forward.subarray(0, n))
    cols.input.strike.set(rows.strike.subarray(0, n))
    cols.input.expiry.set(rows.expiry.subarray(0, n))
    cols.input.rate.set(rows.rate.subarray(0, n))
    cols.input.vol.set(rows.vol.subarray(0, n))
    Black76.hedgeGreeksBatch(cols.input, cols.out, cols.status)
    let differences = 0
    for (let i = 0; i < N; i++) {
      if (copiedStatus[i] !== fullStatus[i]) differences++
      for (const k of HEDGE) if (!Object.is(copied[k][i], full[k][i])) differences++
      if (i < n) {
        if (cols.status[i] !== fullStatus[i]) differences++
        for (const k of HEDGE) if (!Object.is(cols.out[k][i], full[k][i])) differences++
      }
    }
    expect(differences).toBe(0)
  })

  it("does not write the premium where the kernel ran (so it saves that work), and does where it hands rows to JavaScript", () => {
    const out = columns(N), status = new Uint8Array(N)
    out.price.fill(-7)
    Black76.hedgeGreeksBatch(rows, out, status)
    let untouched = 0, redone = 0
    for (let i = 0; i < N; i++) {
      if (out.price[i] === -7) untouched++
      else if (Object.is(out.price[i], full.price[i])) redone++
      else expect.fail(`row ${i}: price ${out.price[i]} is neither untouched nor greeksBatch's ${full.price[i]}`)
    }
    expect(untouched).toBeGreaterThan(N / 2)
    expect(redone).toBeGreaterThan(0) // the invalid rows and the wings short of |d| = 40
  })

  it("checks its columns as greeksBatch does", () => {
    expect(() => Black76.hedgeGreeksBatch({ ...rows, length: N + 1 }, full, fullStatus)).toThrow(/rows/)
  })
})

afterEach(() => {
  vi.unstubAllGlobals()
  vi.resetModules()
})

describe("without WebAssembly SIMD", () => {
  const rows = seededRows(5_001, 7)
  const expected = columns(rows.length), expectedStatus = new Uint8Array(rows.length)
  jsLoop(rows, rows.vol, 0, expected, expectedStatus)

  const check = async () => {
    vi.resetModules()
    const fresh = await import("../src/index.js")
    const out = columns(rows.length), status = new Uint8Array(rows.length)
    fresh.Black76.greeksBatch(rows, out, status)
    expect(sameBits(out, expected, 0, rows.length)).toBe(true)
    expect([...status]).toEqual([...expectedStatus])
    const cols = fresh.Black76.makeWasmColumns(8)
    expect(cols.inWasmMemory).toBe(false)
    expect(cols.input.forward).toBeInstanceOf(Float64Array)
  }

  it("falls back to the JavaScript loop where there is no WebAssembly", async () => {
    vi.stubGlobal("WebAssembly", undefined)
    await check()
  })

  it("falls back where the module does not compile (no SIMD)", async () => {
    // As an engine without SIMD: it has WebAssembly but rejects the module's v128 instructions.
    const real = (globalThis as unknown as { WebAssembly: Record<string, new(...args: Array<unknown>) => object> }).WebAssembly
    const CompileError = real["CompileError"]!
    vi.stubGlobal("WebAssembly", {
      CompileError,
      Instance: real["Instance"],
      Memory: real["Memory"],
      Module: function Module() {
        throw new CompileError("invalid value type 'v128'")
      }
    })
    await check()
  })
})

describe("columns in wasm memory", () => {
  it("stay attached when more are allocated (each memory has a fixed size)", () => {
    const a = Black76.makeWasmColumns(1000)
    const b = Black76.makeWasmColumns(2_000_000)
    expect(a.input.forward.length).toBe(1000)
    expect(a.out.rho.byteLength).toBe(8000)
    expect(b.status.length).toBe(2_000_000)
    a.input.forward[999] = 1
    expect(a.input.forward[999]).toBe(1)
  })

  it("reject a length that is not a whole number of rows", () => {
    expect(() => Black76.makeWasmColumns(-1)).toThrow(/length/)
    expect(() => Black76.makeWasmColumns(1.5)).toThrow(/length/)
  })

  it("serve the pricing model too, with a vol column or one vol for all rows", () => {
    const n = 2_001
    const rows = seededRows(n, 99)
    const cols = Black76.makeWasmColumns(n)
    cols.input.isCall.set(rows.isCall)
    cols.input.forward.set(rows.forward)
    cols.input.strike.set(rows.strike)
    cols.input.expiry.set(rows.expiry)
    cols.input.rate.set(rows.rate)
    cols.input.vol.fill(0.55)
    Models.black76.greeksBatch?.(cols.input, { vol: cols.input.vol }, cols.out, cols.status)
    const shared = columns(n), sharedStatus = new Uint8Array(n)
    Models.black76.greeksBatch?.(rows, { vol: 0.55 }, shared, sharedStatus)
    expect(sameBits(cols.out, shared, 0, n)).toBe(true)
    expect([...cols.status]).toEqual([...sharedStatus])
    const js = columns(n), jsStatus = new Uint8Array(n)
    jsLoop(rows, undefined, 0.55, js, jsStatus)
    const { mismatches } = compare(rows, () => 0.55, shared, sharedStatus, js, jsStatus)
    expect(mismatches).toEqual([])
  })
})
