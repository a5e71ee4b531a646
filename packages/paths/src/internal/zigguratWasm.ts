/**
 * The Ziggurat's fast path in WebAssembly (source wasm/ziggurat.ts, bytes in zigguratWasm.generated.ts), with
 * `ziggurat.ts`'s JavaScript slow path finishing each draw the module hands back: the same normals and the same
 * stream words as `fillNormals`, bit for bit (the slow path's `Math.exp`/`Math.log` stay V8's).
 *
 * The module is compiled synchronously on first use and kept. Every instance gets its own memory whose maximum is
 * its initial size: it never grows, so the views into it (`words`, `out`) are never detached, and callers keep
 * their streams and outputs there, so no draws or words are copied. Without WebAssembly, or when compiling or
 * instantiating fails, there is no instance (`undefined`) and callers run `fillNormals`.
 *
 * @internal
 */
import { RATIO, slow, X } from "./ziggurat.js"
import { HEAP_BASE, WASM_BASE64 } from "./zigguratWasm.generated.js"

/** The module's `fill`: normals into the f64s at byte `out`, indices [from, to), from the stream at byte `state`. */
type FillExport = (state: number, out: number, from: number, to: number) => number

/** An instance with its streams and outputs in its memory. */
export interface ZigguratWasm {
  /** Stream words, `xoshiro.ts`'s layout (eight per stream). */
  readonly words: Int32Array
  /** Where the normals go. */
  readonly out: Float64Array
  readonly fill: FillExport
  /** The draw `fill` stopped at: its magnitude, and the output's low word (layer and sign). */
  readonly missM: Float64Array
  readonly missLo: Int32Array
  /** The module's copies of `ziggurat.ts`'s X and RATIO. */
  readonly x: Float64Array
  readonly ratio: Float64Array
}

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
    return new api.Module(Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0)))
  } catch {
    return null
  }
}

/** Whether the module can run here (compiles it on the first call). */
export const wasmAvailable = (): boolean => {
  if (module === undefined) module = compile()
  return module !== null
}

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16

/** A new instance holding `words` stream words and `normals` outputs, or undefined. */
export const newZiggurat = (words: number, normals: number): ZigguratWasm | undefined => {
  if (!wasmAvailable() || api === undefined || module === null || module === undefined) return undefined
  const wordsAt = align16(HEAP_BASE)
  const outAt = align16(wordsAt + 4 * words)
  const pages = Math.max(1, Math.ceil((outAt + 8 * normals) / PAGE))
  try {
    const memory = new api.Memory({ initial: pages, maximum: pages })
    const { exports } = new api.Instance(module, { env: { memory } })
    const buffer = memory.buffer
    const at = (name: string): number => (exports[name] as () => number)()
    // the JavaScript tables themselves, not a recomputation: the fast test and z = ±m·X[layer] must be the same doubles
    const x = new Float64Array(buffer, at("xTable"), X.length)
    const ratio = new Float64Array(buffer, at("ratioTable"), RATIO.length)
    x.set(X)
    ratio.set(RATIO)
    const missAt = at("missed")
    return {
      x,
      ratio,
      words: new Int32Array(buffer, wordsAt, words),
      out: new Float64Array(buffer, outAt, normals),
      fill: exports["fill"] as FillExport,
      missM: new Float64Array(buffer, missAt, 1),
      missLo: new Int32Array(buffer, missAt + 8, 1)
    }
  } catch {
    return undefined // e.g. more memory than wasm32 or the engine allows
  }
}

/**
 * `fillNormals` on an instance: fills `z.out[offset … offset + length)` with standard normals from the stream at
 * `z.words[at …]`. The module runs the fast path; each draw that misses it is finished here by the slow path,
 * which continues the same stream, and the module takes over again from the next normal.
 */
export const fillNormalsWasm = (z: ZigguratWasm, at: number, offset: number, length: number): void => {
  const { fill, words, out, missM, missLo } = z
  const state = words.byteOffset + 4 * at
  const outAt = out.byteOffset
  const end = offset + length
  for (let i = fill(state, outAt, offset, end); i < end; i = fill(state, outAt, i + 1, end)) {
    const lo = missLo[0]!
    out[i] = slow(words, at, lo & 0xff, (lo & 0x100) !== 0, missM[0]!)
  }
}
