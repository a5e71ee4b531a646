/**
 * Loading of the f64x2 WebAssembly Greeks kernel (source wasm/blackKernel.ts, bytes in
 * blackKernelWasm.generated.ts). The module is compiled synchronously on first use and kept. Every kernel
 * instance gets its own memory whose maximum is its initial size: it can never grow, so a view into it is never
 * detached. Without WebAssembly or its SIMD extension, or when compiling or instantiating fails, there is no
 * kernel (`undefined`) and callers run the JavaScript loop.
 */
import { HEAP_BASE, WASM_BASE64 } from "./blackKernelWasm.generated.js"

/**
 * The kernel: rows [0, n) of columns given as byte offsets into its memory; returns how many rows it flagged
 * for the JavaScript loop (status 255, row indices in `flagged`).
 */
export type GreeksExport = (
  n: number,
  isCall: number,
  forward: number,
  strike: number,
  expiry: number,
  rate: number,
  vol: number,
  price: number,
  delta: number,
  gamma: number,
  vega: number,
  theta: number,
  rho: number,
  status: number,
  flagged: number
) => number

/** `greeks` writing delta, gamma and vega only (the same numbers and flagged rows); no price, theta or rho. */
export type HedgeGreeksExport = (
  n: number,
  isCall: number,
  forward: number,
  strike: number,
  expiry: number,
  rate: number,
  vol: number,
  delta: number,
  gamma: number,
  vega: number,
  status: number,
  flagged: number
) => number

/** The kernel on one row given by value (call: 1 call, 0 put); returns 1 when it flags the row. */
export type GreeksOneExport = (call: number, forward: number, strike: number, expiry: number, rate: number, vol: number) => number

export interface Kernel {
  readonly greeks: GreeksExport
  readonly hedgeGreeks: HedgeGreeksExport
  readonly greeksOne: GreeksOneExport
  /** The outputs of `greeksOne`: price, delta, gamma, vega, theta, rho at indices 0, 2, …, 10. */
  readonly one: Float64Array
  /** The instance's memory; fixed size. */
  readonly buffer: ArrayBuffer
  /** Indices of the rows flagged by the last call, room for {@link CHUNK}; at byte offset `flaggedAt`. */
  readonly flagged: Uint32Array
  readonly flaggedAt: number
  /** The first byte free for columns (16-byte aligned). */
  readonly heapStart: number
}

/** Rows per kernel call at most (the size of the flagged list). */
export const CHUNK = 4096

const PAGE = 65536

/** The part of the WebAssembly API used here (not in the ES2022 lib); absent in some runtimes. */
interface WasmApi {
  readonly Module: new(bytes: Uint8Array) => object
  readonly Instance: new(module: object, imports: object) => { readonly exports: Record<string, unknown> }
  readonly Memory: new(limits: { readonly initial: number; readonly maximum: number }) => { readonly buffer: ArrayBuffer }
}

let api: WasmApi | undefined
let module: object | null | undefined // undefined: not tried yet, null: unavailable

const compile = (): object | null => {
  try {
    api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly
    if (api === undefined) return null
    // A CompileError here means no SIMD (or a mangled module): fall back silently.
    return new api.Module(Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0)))
  } catch {
    return null
  }
}

/** Whether the kernel can run here (compiles it on the first call). */
export const wasmAvailable = (): boolean => {
  if (module === undefined) module = compile()
  return module !== null
}

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16

/** A new instance with `bytes` free for columns above its scratch and flagged list, or undefined. */
export const newKernel = (bytes: number): Kernel | undefined => {
  if (!wasmAvailable() || api === undefined || module === null || module === undefined) return undefined
  const flaggedAt = align16(HEAP_BASE)
  const heapStart = align16(flaggedAt + 4 * CHUNK)
  const pages = Math.ceil((heapStart + bytes) / PAGE)
  try {
    const memory = new api.Memory({ initial: pages, maximum: pages })
    const { exports } = new api.Instance(module, { env: { memory } })
    const buffer = memory.buffer
    return {
      greeks: exports["greeks"] as GreeksExport,
      hedgeGreeks: exports["hedgeGreeks"] as HedgeGreeksExport,
      greeksOne: exports["greeksOne"] as GreeksOneExport,
      one: new Float64Array(buffer, (exports["oneOutputs"] as () => number)(), 12),
      buffer,
      flagged: new Uint32Array(buffer, flaggedAt, CHUNK),
      flaggedAt,
      heapStart
    }
  } catch {
    return undefined // e.g. more memory than wasm32 or the engine allows
  }
}
