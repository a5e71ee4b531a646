/**
 * Black-76 price + Greeks through the WebAssembly kernel (wasmKernel.ts). Columns that all live in one kernel's
 * memory (`Black76.makeWasmColumns`) are computed where they are; any others are copied through staging
 * columns of {@link CHUNK} rows, allocated once, in a kernel of their own. Rows the kernel flags (invalid inputs,
 * x = 0, an F/K out of the normal range, |d| ≥ 37 short of the far wings where everything is 0) are redone by
 * the JavaScript loop, which writes their status codes and NaNs as always. Each function returns false, having
 * done nothing, where there is no kernel.
 */
import type { GreeksColumns } from "../Black76.js"
import type { EuropeanBatch } from "@hedgekit/sdk"
import { blackGreeksLoop, one } from "./blackKernel.js"
import type { Kernel } from "./wasmKernel.js"
import { CHUNK, newKernel } from "./wasmKernel.js"

/** Every column of one Greeks call: inputs with their vols, outputs, status. */
export interface Frame extends EuropeanBatch {
  readonly vol: Float64Array
  readonly out: GreeksColumns
  readonly status: Uint8Array
}

const F64 = 8
const aligned = (bytes: number): number => Math.ceil(bytes / 16) * 16

/** Bytes of a frame of `rows` rows: two u8 and eleven f64 columns, each 16-byte aligned. */
const frameBytes = (rows: number): number => 2 * aligned(rows) + 11 * aligned(rows * F64)

/** A frame of `rows` rows laid out in `kernel`'s memory from its heap start. */
const layFrame = (kernel: Kernel, rows: number): Frame => {
  let at = kernel.heapStart
  const take = (bytes: number): number => {
    const p = at
    at += aligned(bytes)
    return p
  }
  const { buffer } = kernel
  const u8 = () => new Uint8Array(buffer, take(rows), rows)
  const f64 = () => new Float64Array(buffer, take(rows * F64), rows)
  return {
    length: rows,
    isCall: u8(),
    forward: f64(),
    strike: f64(),
    expiry: f64(),
    rate: f64(),
    vol: f64(),
    out: { price: f64(), delta: f64(), gamma: f64(), vega: f64(), theta: f64(), rho: f64() },
    status: u8()
  }
}

/** Byte offsets of a frame's columns in its kernel's memory, in the kernel's argument order. */
interface Offsets {
  isCall: number
  forward: number
  strike: number
  expiry: number
  rate: number
  vol: number
  price: number
  delta: number
  gamma: number
  vega: number
  theta: number
  rho: number
  status: number
}

const offsets = (f: Frame, into: Offsets): Offsets => {
  into.isCall = f.isCall.byteOffset
  into.forward = f.forward.byteOffset
  into.strike = f.strike.byteOffset
  into.expiry = f.expiry.byteOffset
  into.rate = f.rate.byteOffset
  into.vol = f.vol.byteOffset
  into.price = f.out.price.byteOffset
  into.delta = f.out.delta.byteOffset
  into.gamma = f.out.gamma.byteOffset
  into.vega = f.out.vega.byteOffset
  into.theta = f.out.theta.byteOffset
  into.rho = f.out.rho.byteOffset
  into.status = f.status.byteOffset
  return into
}

const noOffsets = (): Offsets => ({
  isCall: 0, forward: 0, strike: 0, expiry: 0, rate: 0, vol: 0,
  price: 0, delta: 0, gamma: 0, vega: 0, theta: 0, rho: 0, status: 0
})

/** Columns in a kernel's memory are recognised by their buffer. */
const kernels = new WeakMap<ArrayBufferLike, Kernel>()

/** A frame of `length` rows in a new kernel's memory (fixed size, so its views stay attached), or undefined. */
export const wasmFrame = (length: number): Frame | undefined => {
  const kernel = newKernel(frameBytes(length))
  if (kernel === undefined) return undefined
  kernels.set(kernel.buffer, kernel)
  return layFrame(kernel, length)
}

interface Staging {
  readonly kernel: Kernel
  readonly frame: Frame
  readonly at: Offsets
}

// Staging: CHUNK rows plus the padding row the kernel reads and writes after an odd count.
let staging: Staging | null | undefined

const stagingFrame = (): Staging | null => {
  if (staging === undefined) {
    const kernel = newKernel(frameBytes(CHUNK + 2))
    if (kernel === undefined) staging = null
    else {
      const frame = layFrame(kernel, CHUNK + 2)
      staging = { kernel, frame, at: offsets(frame, noOffsets()) }
    }
  }
  return staging
}

// The JavaScript loop's columns for the flagged rows of one chunk, allocated on the first flagged row.
let redoFrame: Frame | undefined

const jsFrame = (rows: number): Frame => {
  const f64 = () => new Float64Array(rows)
  return {
    length: rows,
    isCall: new Uint8Array(rows),
    forward: f64(),
    strike: f64(),
    expiry: f64(),
    rate: f64(),
    vol: f64(),
    out: { price: f64(), delta: f64(), gamma: f64(), vega: f64(), theta: f64(), rho: f64() },
    status: new Uint8Array(rows)
  }
}

/**
 * Runs the kernel on rows [lo, lo + n) of the columns at `p`; returns the number of flagged rows. Offsets are
 * read once per frame, not per call: reading `byteOffset` in the call costs more than a one-row kernel call.
 * `hedge`: delta, gamma and vega only (price, theta and rho are not written).
 */
const run = (kernel: Kernel, p: Offsets, lo: number, n: number, hedge: boolean): number => {
  const o = lo * F64
  return hedge
    ? kernel.hedgeGreeks(n, p.isCall + lo, p.forward + o, p.strike + o, p.expiry + o, p.rate + o, p.vol + o,
      p.delta + o, p.gamma + o, p.vega + o, p.status + lo, kernel.flaggedAt)
    : kernel.greeks(n, p.isCall + lo, p.forward + o, p.strike + o, p.expiry + o, p.rate + o, p.vol + o,
      p.price + o, p.delta + o, p.gamma + o, p.vega + o, p.theta + o, p.rho + o, p.status + lo, kernel.flaggedAt)
}

/**
 * The JavaScript loop on the `m` flagged rows `srcLo + flagged[j]` of `src`, written to rows `dstLo + flagged[j]`
 * of `out` and `status`.
 */
const redo = (
  m: number,
  flagged: Uint32Array,
  src: Frame,
  srcLo: number,
  out: GreeksColumns,
  status: Uint8Array,
  dstLo: number
): void => {
  const r = (redoFrame ??= jsFrame(CHUNK))
  for (let j = 0; j < m; j++) {
    const i = srcLo + flagged[j]!
    r.isCall[j] = src.isCall[i]!
    r.forward[j] = src.forward[i]!
    r.strike[j] = src.strike[i]!
    r.expiry[j] = src.expiry[i]!
    r.rate[j] = src.rate[i]!
    r.vol[j] = src.vol[i]!
  }
  blackGreeksLoop(m, r.isCall, r.forward, r.strike, r.expiry, r.rate, undefined, r.vol, 0, r.out, undefined, r.status)
  for (let j = 0; j < m; j++) {
    const i = dstLo + flagged[j]!
    out.price[i] = r.out.price[j]!
    out.delta[i] = r.out.delta[j]!
    out.gamma[i] = r.out.gamma[j]!
    out.vega[i] = r.out.vega[j]!
    out.theta[i] = r.out.theta[j]!
    out.rho[i] = r.out.rho[j]!
    status[i] = r.status[j]!
  }
}

/**
 * Rows [lo, lo + n) of `input` (vols from `vols`, or already in the staging vol column) through the staging
 * frame, into the same rows of `out` and `status`.
 */
const staged = (
  { at, frame: s, kernel }: Staging,
  input: EuropeanBatch,
  vols: Float64Array | undefined,
  lo: number,
  n: number,
  out: GreeksColumns,
  status: Uint8Array,
  hedge: boolean
): void => {
  const hi = lo + n
  s.isCall.set(input.isCall.subarray(lo, hi))
  s.forward.set(input.forward.subarray(lo, hi))
  s.strike.set(input.strike.subarray(lo, hi))
  s.expiry.set(input.expiry.subarray(lo, hi))
  s.rate.set(input.rate.subarray(lo, hi))
  if (vols !== undefined) s.vol.set(vols.subarray(lo, hi))
  if (n % 2 === 1) padAfter(s, n)
  const m = run(kernel, at, 0, n, hedge)
  const so = s.out
  if (!hedge) out.price.set(so.price.subarray(0, n), lo)
  out.delta.set(so.delta.subarray(0, n), lo)
  out.gamma.set(so.gamma.subarray(0, n), lo)
  out.vega.set(so.vega.subarray(0, n), lo)
  if (!hedge) {
    out.theta.set(so.theta.subarray(0, n), lo)
    out.rho.set(so.rho.subarray(0, n), lo)
  }
  status.set(s.status.subarray(0, n), lo)
  if (m > 0) redo(m, kernel.flagged, s, 0, out, status, lo)
}

/** The padding row after an odd count repeats the last row, so that it costs no extra expansion work. */
const padAfter = (s: Frame, n: number): void => {
  s.isCall[n] = s.isCall[n - 1]!
  s.forward[n] = s.forward[n - 1]!
  s.strike[n] = s.strike[n - 1]!
  s.expiry[n] = s.expiry[n - 1]!
  s.rate[n] = s.rate[n - 1]!
  s.vol[n] = s.vol[n - 1]!
}

const within = (kernel: Kernel, c: Uint8Array | Float64Array): boolean =>
  c.buffer === kernel.buffer && c.byteOffset >= kernel.heapStart

/** Whether every column of the call lies in `kernel`'s memory, above its scratch. */
const inKernel = (kernel: Kernel, input: EuropeanBatch, vols: Float64Array, out: GreeksColumns, status: Uint8Array) =>
  within(kernel, input.isCall) && within(kernel, input.forward) && within(kernel, input.strike) &&
  within(kernel, input.expiry) && within(kernel, input.rate) && within(kernel, vols) && within(kernel, status) &&
  within(kernel, out.price) && within(kernel, out.delta) && within(kernel, out.gamma) && within(kernel, out.vega) &&
  within(kernel, out.theta) && within(kernel, out.rho)

/** Columns found in a kernel's memory: the kernel, the frame and its offsets. */
interface InPlace {
  readonly kernel: Kernel
  readonly vol: Float64Array
  readonly out: GreeksColumns
  readonly status: Uint8Array
  readonly whole: Frame
  readonly at: Offsets
}

// Zero-copy calls by their input object: a caller that values the same columns again (a backtest's every step, a
// live book's every tick) skips finding them and reading their offsets. Views never move, so an entry stays true.
const located = new WeakMap<EuropeanBatch, InPlace>()

/** The option columns are the same arrays (a caller may build a new batch object around them, or swap one). */
const sameColumns = (a: EuropeanBatch, b: EuropeanBatch): boolean =>
  a.isCall === b.isCall && a.forward === b.forward && a.strike === b.strike && a.expiry === b.expiry && a.rate === b.rate

const locate = (input: EuropeanBatch, vol: Float64Array | undefined, out: GreeksColumns, status: Uint8Array): InPlace | undefined => {
  const kernel = vol === undefined ? undefined : kernels.get(input.forward.buffer)
  if (kernel === undefined || vol === undefined || !inKernel(kernel, input, vol, out, status)) return undefined
  // the frames' one shape (as layFrame and jsFrame make them), not a spread of the caller's object: a spread takes
  // its shape from whatever object the caller passed, and the code reading frames would see a new one per caller
  const whole: Frame = {
    length: input.length, isCall: input.isCall, forward: input.forward, strike: input.strike, expiry: input.expiry, rate: input.rate,
    vol, out, status
  }
  const found = { kernel, vol, out, status, whole, at: offsets(whole, noOffsets()) }
  located.set(input, found)
  return found
}

/**
 * Black-76 rows [0, input.length) through the kernel, as `blackGreeksLoop` with `dividend` undefined. Columns
 * already checked by the caller. `hedge`: only delta, gamma and vega are written for certain (rows the kernel
 * hands to the JavaScript loop get every output).
 */
export const wasmGreeksRows = (
  input: EuropeanBatch,
  volColumn: Float64Array | undefined,
  volScalar: number,
  out: GreeksColumns,
  status: Uint8Array,
  hedge = false
): boolean => {
  const s = stagingFrame()
  if (s === null) return false
  const n = input.length
  const seen = located.get(input)
  const inPlace = seen !== undefined && seen.vol === volColumn && seen.out === out && seen.status === status &&
      sameColumns(seen.whole, input)
    ? seen
    : locate(input, volColumn, out, status)
  if (inPlace !== undefined) {
    // In place, in chunks (the flagged list holds one). An odd last row goes through staging, because the
    // kernel would also write the row after it.
    const { kernel: own, whole, at } = inPlace
    const even = n - (n % 2)
    for (let lo = 0; lo < even; lo += CHUNK) {
      const m = run(own, at, lo, Math.min(CHUNK, even - lo), hedge)
      if (m > 0) redo(m, own.flagged, whole, lo, out, status, lo)
    }
    if (even < n) staged(s, input, volColumn, even, 1, out, status, hedge)
    return true
  }
  if (volColumn === undefined) s.frame.vol.fill(volScalar, 0, Math.min(n, CHUNK) + 1)
  for (let lo = 0; lo < n; lo += CHUNK) staged(s, input, volColumn, lo, Math.min(CHUNK, n - lo), out, status, hedge)
  return true
}

/**
 * One Black-76 row through the kernel (inputs already validated), results in `one` as `blackGreeksOne` leaves
 * them, so that a scalar `greeks` call gives the batch's numbers.
 */
export const wasmGreeksOne = (q: number, forward: number, strike: number, expiry: number, rate: number, vol: number): boolean => {
  const s = stagingFrame()
  if (s === null) return false
  const { kernel } = s
  // By value rather than through the staging columns: at one row per call, passing 15 offsets costs more.
  if (kernel.greeksOne(q > 0 ? 1 : 0, forward, strike, expiry, rate, vol) > 0) return false // flagged: JS, as in a batch
  const r = kernel.one
  one.price[0] = r[0]!
  one.delta[0] = r[2]!
  one.gamma[0] = r[4]!
  one.vega[0] = r[6]!
  one.theta[0] = r[8]!
  one.rho[0] = r[10]!
  return true
}
