/**
 * The engine's row pass in WebAssembly (source wasm/book.ts, bytes in bookWasm.generated.ts): one instance per
 * engine, with its own memory of a fixed size (it never grows, so the views into it stay attached) holding the
 * columns the pass reads and writes. The engine allocates those columns here (`column`), fills the parameter
 * block (`args`, `f64`) and calls `pass`. Without WebAssembly, or when instantiating fails, there is no book
 * (`undefined`) and the engine runs its JavaScript loop.
 *
 * @internal
 */
import { HEAP_BASE, WASM_BASE64 } from "./bookWasm.generated.js"

/** Rows of each accumulator column (wasm/book.ts CHUNK). */
const CHUNK = 512
const SUMS = 10
const PAGE = 65536

/** i32 slots of the parameter block (wasm/book.ts). */
export const Slot = {
  N: 0, LEGS: 1, FLAGS: 2, ONLY: 3,
  SPOT: 4, MARK: 5, CASH: 6, USD: 7, POS: 8, REF: 9, VOL0: 10,
  W: 11, D: 12, OPTW: 13, OPTD: 14, G: 15, V: 16, REFVOL: 17,
  TAU: 18, EXPIRING: 19, SETTLE: 20, VOLIN: 21, UNIT: 22, HEDGEIN: 23, BOOKDELTA: 24, BOOKGAMMA: 25, BOOKVEGA: 26,
  SUMS: 27, F64: 28,
  LEG: 32, LEG_SLOTS: 12
} as const

/** Per leg, from `Slot.LEG + k·Slot.LEG_SLOTS`. */
export const LegSlot = { LIVE: 0, POS: 1, FWD: 2, VOL: 3, PRICE: 4, DELTA: 5, GAMMA: 6, VEGA: 7, INV: 8, NEAR: 9 } as const

/** Flags (i32 slot FLAGS). */
export const Flag = { ONE: 1, PRICED: 2, FILL: 4, KEEP: 8, COIN: 16, SPOT_HEDGE: 32, INVERSE_HEDGE: 64 } as const

export interface Book {
  /** A new zeroed column of the book's rows in its memory. */
  readonly column: () => Float64Array
  /** The i32 parameter block; column offsets are byte offsets into `buffer`. */
  readonly args: Int32Array
  /** The f64 slots: 0 the contract size, per leg k at 8 + 4k: multiplier, years to expiry, expiry (ms). */
  readonly f64: Float64Array
  readonly buffer: ArrayBuffer
  /** The row pass over rows [from, to). */
  readonly pass: (from: number, to: number) => void
}

/** The part of the WebAssembly API used here (not in the ES2022 lib). */
interface WasmApi {
  readonly Module: new(bytes: Uint8Array) => object
  readonly Instance: new(module: object, imports: object) => { readonly exports: Record<string, unknown> }
  readonly Memory: new(limits: { readonly initial: number; readonly maximum: number }) => { readonly buffer: ArrayBuffer }
}

let module: object | null | undefined // undefined: not tried yet, null: unavailable

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16

/**
 * A book for `rows` rows with room for `columns` columns and `legs` legs, or undefined where WebAssembly is
 * unavailable (or `disabled`, for tests of the JavaScript loop).
 */
export const makeBook = (rows: number, columns: number, legs: number): Book | undefined => {
  if (disabled) return undefined
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly
  if (api === undefined) return undefined
  if (module === undefined) {
    try {
      module = new api.Module(Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0)))
    } catch {
      module = null
    }
  }
  if (module === null) return undefined
  const argsAt = align16(HEAP_BASE)
  const i32Slots = Slot.LEG + legs * Slot.LEG_SLOTS
  const f64At = align16(argsAt + 4 * i32Slots)
  const f64Slots = 8 + 4 * legs
  const sumsAt = align16(f64At + 8 * f64Slots)
  const columnBytes = align16(8 * rows)
  let next = align16(sumsAt + 8 * SUMS * CHUNK)
  const end = next + columns * columnBytes
  const pages = Math.ceil(end / PAGE)
  try {
    const memory = new api.Memory({ initial: pages, maximum: pages })
    const { exports } = new api.Instance(module, { env: { memory } })
    const buffer = memory.buffer
    const args = new Int32Array(buffer, argsAt, i32Slots)
    args[Slot.SUMS] = sumsAt
    args[Slot.F64] = f64At
    const pass = exports["pass"] as (args: number, from: number, to: number) => void
    return {
      column: () => {
        if (next + columnBytes > end) throw new Error(`book: more than ${columns} columns`)
        const c = new Float64Array(buffer, next, rows)
        next += columnBytes
        return c
      },
      args,
      f64: new Float64Array(buffer, f64At, f64Slots),
      buffer,
      pass: (from, to) => pass(argsAt, from, to)
    }
  } catch {
    return undefined // e.g. more memory than wasm32 or the engine allows
  }
}

let disabled = false

/** Tests: run the engine's JavaScript loop (true) or the WebAssembly pass where available (false). */
export const disableBook = (off: boolean): void => {
  disabled = off
}
