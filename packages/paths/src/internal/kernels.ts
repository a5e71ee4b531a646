/**
 * One time step of every path of a process, in log space: `x[p] = ln(S_p/S₀)` (and `v[p]`, the variance, for
 * Heston and Bates). The caller's arrays are written elsewhere; these loops only advance the state.
 *
 * Streams: paths come in blocks of {@link BLOCK_PATHS}; block b draws from its own xoshiro256** stream (words
 * `8b … 8b + 7`). At each step a block first draws `slots × draws` uniforms in one loop (slot k's fixed draws
 * at `u[k·draws …]`), then the slots in order draw their jump extras, if any, from the same stream. Without
 * antithetics slot k is path 64b + k; with them slot k is the pair (64b + 2k, 64b + 2k + 1), whose second path
 * uses 1 − u for each uniform and −z for each normal (exact: see `Normals`).
 *
 * With Ziggurat normals (GBM only) a block's stream gives its slots' normals in order instead, each taking one
 * output or, now and then, a few more (`ziggurat.ts`). Where WebAssembly runs, the streams and the scratch live
 * in a Ziggurat instance's memory and its fast path draws them (`zigguratWasm.ts`: the same numbers).
 *
 * Fixed draws per slot and step, in order — GBM: z; Merton, Kou: z, the jump count; Heston: the variance
 * uniform, z; Bates: the variance uniform, z, the jump count. Extras — Merton, Bates: one normal for the sum of
 * the step's log jumps (given n jumps it is N(nμ_J, nδ_J²)); Kou: one uniform per jump. A pair draws extras for
 * the larger of its two counts and shares them (reflected for the second path).
 *
 * @internal
 */
import { fromUniform } from "../Normals.js"
import * as P from "../Process.js"
import { QeStep } from "./hestonQe.js"
import { kouJump, poissonCount } from "./jumps.js"
import { fillUniforms, nextUniform } from "./xoshiro.js"
import { fillNormals } from "./ziggurat.js"
import type { ZigguratWasm } from "./zigguratWasm.js"
import { fillNormalsWasm, newZiggurat } from "./zigguratWasm.js"

/** Paths per stream: a multiple of which a worker's first path must be. */
export const BLOCK_PATHS = 64

/** The simulation state shared by the kernels. */
export interface State {
  readonly blocks: number
  readonly anti: boolean
  /** slots per block: 64, or 32 pairs */
  readonly slots: number
  readonly words: Int32Array
  readonly u: Float64Array
  readonly x: Float64Array
  readonly v: Float64Array
  /** The WebAssembly Ziggurat whose memory holds `words` and `u` (`u` is its `out`), if the kernel runs one. */
  readonly zig: ZigguratWasm | undefined
}

/** A process's step: `draws` fixed uniforms per slot, `advance` moves every path over `dt` years. */
export interface Kernel {
  readonly draws: number
  /** Whether the kernel draws through a WebAssembly Ziggurat when one can be made (see {@link stateArrays}). */
  readonly wasm: boolean
  readonly advance: (s: State, dt: number) => void
}

/** How the kernels turn the stream into normals (see `Paths.Options.normals`). */
export type NormalMethod = "inversion" | "ziggurat"

const gbm = (p: P.Gbm, normals: NormalMethod): Kernel => {
  const s2 = p.vol * p.vol
  if (normals === "ziggurat") return gbmZiggurat(p)
  return {
    draws: 1,
    wasm: false,
    advance: (s, dt) => {
      const a = (p.drift - 0.5 * s2) * dt
      const b = p.vol * Math.sqrt(dt)
      const { u, x, slots, anti, words } = s
      for (let blk = 0; blk < s.blocks; blk++) {
        fillUniforms(words, 8 * blk, u, 0, slots)
        const base = blk * BLOCK_PATHS
        if (anti) {
          for (let k = 0; k < slots; k++) {
            const w = b * fromUniform(u[k]!)
            const i = base + 2 * k
            x[i]! += a + w
            x[i + 1]! += a - w
          }
        } else {
          for (let k = 0; k < slots; k++) x[base + k]! += a + b * fromUniform(u[k]!)
        }
      }
    }
  }
}

/**
 * GBM on Ziggurat normals: block b's stream gives its slots' normals in slot order, step after step. With a
 * WebAssembly instance the words and `z` are in its memory, so a block's draws need no copies.
 */
const gbmZiggurat = (p: P.Gbm): Kernel => {
  const s2 = p.vol * p.vol
  return {
    draws: 1,
    wasm: true,
    advance: (s, dt) => {
      const a = (p.drift - 0.5 * s2) * dt
      const b = p.vol * Math.sqrt(dt)
      const { u: z, x, slots, anti, words, zig } = s
      for (let blk = 0; blk < s.blocks; blk++) {
        if (zig === undefined) fillNormals(words, 8 * blk, z, 0, slots)
        else fillNormalsWasm(zig, 8 * blk, 0, slots)
        const base = blk * BLOCK_PATHS
        if (anti) {
          for (let k = 0; k < slots; k++) {
            const w = b * z[k]!
            const i = base + 2 * k
            x[i]! += a + w
            x[i + 1]! += a - w
          }
        } else {
          for (let k = 0; k < slots; k++) x[base + k]! += a + b * z[k]!
        }
      }
    }
  }
}

const merton = (p: P.Merton): Kernel => {
  const zeta = P.mertonJumpMean(p.jumpMean, p.jumpVol)
  const { jumpMean, jumpVol, jumpIntensity: lambda } = p
  return {
    draws: 2,
    wasm: false,
    advance: (s, dt) => {
      const a = (p.drift - 0.5 * p.vol * p.vol - lambda * zeta) * dt
      const b = p.vol * Math.sqrt(dt)
      const m = lambda * dt
      const em = Math.exp(-m)
      const { u, x, slots, anti, words } = s
      for (let blk = 0; blk < s.blocks; blk++) {
        const at = 8 * blk
        fillUniforms(words, at, u, 0, 2 * slots)
        const base = blk * BLOCK_PATHS
        for (let k = 0; k < slots; k++) {
          const w = b * fromUniform(u[2 * k]!)
          const uN = u[2 * k + 1]!
          const nA = poissonCount(uN, m, em)
          const nB = anti ? poissonCount(1 - uN, m, em) : 0
          let jA = 0
          let jB = 0
          if (nA + nB > 0) {
            const zJ = jumpVol * fromUniform(nextUniform(words, at))
            if (nA > 0) jA = nA * jumpMean + Math.sqrt(nA) * zJ
            if (nB > 0) jB = nB * jumpMean - Math.sqrt(nB) * zJ
          }
          if (anti) {
            const i = base + 2 * k
            x[i]! += a + w + jA
            x[i + 1]! += a - w + jB
          } else {
            x[base + k]! += a + w + jA
          }
        }
      }
    }
  }
}

const kou = (p: P.Kou): Kernel => {
  const zeta = P.kouJumpMean(p.upProbability, p.upRate, p.downRate)
  const { upProbability: q, jumpIntensity: lambda } = p
  const upMean = 1 / p.upRate
  const downMean = 1 / p.downRate
  return {
    draws: 2,
    wasm: false,
    advance: (s, dt) => {
      const a = (p.drift - 0.5 * p.vol * p.vol - lambda * zeta) * dt
      const b = p.vol * Math.sqrt(dt)
      const m = lambda * dt
      const em = Math.exp(-m)
      const { u, x, slots, anti, words } = s
      for (let blk = 0; blk < s.blocks; blk++) {
        const at = 8 * blk
        fillUniforms(words, at, u, 0, 2 * slots)
        const base = blk * BLOCK_PATHS
        for (let k = 0; k < slots; k++) {
          const w = b * fromUniform(u[2 * k]!)
          const uN = u[2 * k + 1]!
          const nA = poissonCount(uN, m, em)
          const nB = anti ? poissonCount(1 - uN, m, em) : 0
          let jA = 0
          let jB = 0
          const n = nA > nB ? nA : nB
          for (let j = 0; j < n; j++) {
            const e = nextUniform(words, at)
            if (j < nA) jA += kouJump(e, q, upMean, downMean)
            if (j < nB) jB += kouJump(1 - e, q, upMean, downMean)
          }
          if (anti) {
            const i = base + 2 * k
            x[i]! += a + w + jA
            x[i + 1]! += a - w + jB
          } else {
            x[base + k]! += a + w + jA
          }
        }
      }
    }
  }
}

/** Heston by Andersen's QE scheme (`hestonQe.ts`); Bates adds Merton's jumps to the log-spot. */
const hestonLike = (p: P.Heston | P.Bates): Kernel => {
  const bates = p._tag === "Bates"
  const lambda = bates ? p.jumpIntensity : 0
  const jumpMean = bates ? p.jumpMean : 0
  const jumpVol = bates ? p.jumpVol : 0
  const zeta = bates ? P.mertonJumpMean(jumpMean, jumpVol) : 0
  const draws = bates ? 3 : 2
  const qe = new QeStep(p.meanReversion, p.longRunVariance, p.volOfVol, p.correlation)
  return {
    draws,
    wasm: false,
    advance: (s, dt) => {
      qe.setStep(dt, p.drift - lambda * zeta)
      const m = lambda * dt
      const em = Math.exp(-m)
      const { u, x, v, slots, anti, words } = s
      for (let blk = 0; blk < s.blocks; blk++) {
        const at = 8 * blk
        fillUniforms(words, at, u, 0, draws * slots)
        const base = blk * BLOCK_PATHS
        for (let k = 0; k < slots; k++) {
          const r = draws * k
          qe.slot(u[r]!)
          const z = fromUniform(u[r + 1]!)
          let jA = 0
          let jB = 0
          if (bates) {
            const uN = u[r + 2]!
            const nA = poissonCount(uN, m, em)
            const nB = anti ? poissonCount(1 - uN, m, em) : 0
            if (nA + nB > 0) {
              const zJ = jumpVol * fromUniform(nextUniform(words, at))
              if (nA > 0) jA = nA * jumpMean + Math.sqrt(nA) * zJ
              if (nB > 0) jB = nB * jumpMean - Math.sqrt(nB) * zJ
            }
          }
          const i = anti ? base + 2 * k : base + k
          qe.move(v[i]!, false, z)
          x[i]! += qe.dx + jA
          v[i] = qe.vNext
          if (anti) {
            qe.move(v[i + 1]!, true, -z)
            x[i + 1]! += qe.dx + jB
            v[i + 1] = qe.vNext
          }
        }
      }
    }
  }
}

/**
 * A state's stream words (eight per block) and draw scratch (`draws` per slot): in a new WebAssembly Ziggurat's
 * memory when the kernel runs one and an instance can be made, else plain arrays (and `zig` undefined).
 */
export const stateArrays = (kernel: Kernel, blocks: number, slots: number): Pick<State, "words" | "u" | "zig"> => {
  const scratch = slots * kernel.draws
  const zig = kernel.wasm ? newZiggurat(8 * blocks, scratch) : undefined
  return zig === undefined
    ? { words: new Int32Array(8 * blocks), u: new Float64Array(scratch), zig }
    : { words: zig.words, u: zig.out, zig }
}

/** The kernel of a process. */
export const kernelOf = (p: P.Process, normals: NormalMethod = "inversion"): Kernel => {
  switch (p._tag) {
    case "Gbm":
      return gbm(p, normals)
    case "Merton":
      return merton(p)
    case "Kou":
      return kou(p)
    case "Heston":
    case "Bates":
      return hestonLike(p)
  }
}

/** The largest number of expected jumps in one step, λ·Δt, the Poisson inversion takes (e^{−700} is normal). */
export const MAX_JUMPS_PER_STEP = 700
