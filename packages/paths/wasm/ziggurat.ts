// AssemblyScript source of the WebAssembly fast path of the Ziggurat (src/internal/ziggurat.ts's fillNormals).
// Compiled by scripts/build-wasm.mjs into src/internal/zigguratWasm.generated.ts; rebuild after any change here.
//
// xoshiro256** in native 64-bit arithmetic and the draw's fast test, bit for bit what the JavaScript loop
// computes. The slow paths (wedge test, tail) need exp and log, which stay in JavaScript so that the numbers are
// V8's fdlibm everywhere: on the first draw that misses the fast test, `fill` stores the stream, leaves the draw
// in the miss scratch and returns its index; the host finishes that normal and calls again from the next one.
//
// Memory is imported (the host sizes it once, never grows it, and gives it zeroed); the tables X and RATIO are
// copied in by the host from the JavaScript ones, so both paths use the very same doubles.

const LAYERS = 256
const X = memory.data(8 * (LAYERS + 1), 16)
const RATIO = memory.data(8 * LAYERS, 16)
// the missed draw: its magnitude (f64) and the output's low 32 bits (layer and sign)
const MISS = memory.data(16, 16)

const TWO_M52: f64 = 2.220446049250313e-16

// A state word is stored as the host's (hi, lo) pair of i32: read little-endian as one u64, its halves are swapped.
@inline function loadWord(p: usize): u64 {
  return rotl<u64>(load<u64>(p), 32)
}

@inline function storeWord(p: usize, s: u64): void {
  store<u64>(p, rotl<u64>(s, 32))
}

/**
 * Writes normals to the f64s `out[from … to)` from the stream whose eight i32 words are at `state`; returns `to`,
 * or the index of the first draw that missed the fast test (the stream is then stored one output past that draw).
 */
export function fill(state: usize, out: usize, from: i32, to: i32): i32 {
  let s0 = loadWord(state)
  let s1 = loadWord(state + 8)
  let s2 = loadWord(state + 16)
  let s3 = loadWord(state + 24)
  let i = from
  while (i < to) {
    const r = rotl<u64>(s1 * 5, 7) * 9
    const t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl<u64>(s3, 45)
    // (k + ½)·2⁻⁵² for the top 52 bits k: exact, as the host's hi·2⁻³² + ((lo >>> 12) + ½)·2⁻⁵² is
    const m = (<f64>(<i64>(r >>> 12)) + 0.5) * TWO_M52
    const layer = (<usize>r & 0xff) << 3
    if (!(m < load<f64>(RATIO + layer))) {
      store<f64>(MISS, m)
      store<u32>(MISS + 8, <u32>r)
      break
    }
    // bit 8 of the output is the sign: flipping the sign bit is the host's exact ×(−1)
    store<f64>(out + (<usize>i << 3), reinterpret<f64>(reinterpret<u64>(m * load<f64>(X + layer)) ^ ((r & 0x100) << 55)))
    i++
  }
  storeWord(state, s0)
  storeWord(state + 8, s1)
  storeWord(state + 16, s2)
  storeWord(state + 24, s3)
  return i
}

/** Where the host copies X (257 f64). */
export function xTable(): usize {
  return X
}

/** Where the host copies RATIO (256 f64). */
export function ratioTable(): usize {
  return RATIO
}

/** The missed draw: magnitude (f64) at +0, the output's low 32 bits at +8. */
export function missed(): usize {
  return MISS
}

/** First byte above the static data, from which the host lays out streams and outputs. */
export function heapBase(): usize {
  return __heap_base
}
