/**
 * Seeded price paths of a `Process` on a `Grid`, step by step into the caller's arrays (`stepper`, what a
 * backtest engine advances in lockstep with its hedging decisions) or all at once (`generate`).
 *
 * ```ts
 * const process = Process.heston({ spot: 100_000, initialVariance: 0.36, meanReversion: 3, longRunVariance: 0.4, volOfVol: 1.5, correlation: -0.3 })
 * const paths = Paths.stepper(process, { paths: 10_000, grid: Grid.minutes({ stepMinutes: 60, steps: 720 }), seed: 42, antithetic: true })
 * const spot = new Float64Array(10_000), variance = new Float64Array(10_000)
 * paths.read(spot, variance)                        // t = 0: every path at 100 000 USD
 * while (!paths.done) { paths.step(spot, variance) } // one hour at a time, no allocation
 * ```
 *
 * Reproducibility: the paths are a function of (process, grid, seed, antithetic, path index) only. Path p does
 * not depend on how many paths are asked for nor on who generates them: paths come in blocks of 64, block b
 * draws from the seed's xoshiro256** stream jumped b times (2¹²⁸ steps each), and a partial last block is
 * simulated whole. A worker given `firstPath` (a multiple of 64) produces exactly the paths
 * `firstPath … firstPath + paths − 1` of a single run. `stepper` and `generate` give the same numbers.
 *
 * Antithetic variates: paths 2k and 2k + 1 share their draws, the second with every normal negated (z → −z,
 * exactly) and every uniform reflected (u → 1 − u: jump counts, Kou's jump sizes, the QE exponential branch).
 *
 * Layouts of `generate`: `"time"` (default) stores row t, all paths at `times[t]`, contiguously:
 * `spot[t·paths + p]`, the rows a stepper writes; `"path"` stores each path contiguously:
 * `spot[p·(steps + 1) + t]`. `variance` (Heston, Bates, on request) has the same layout. Values are in the
 * process's units: spot in USD, variance per year (decimal).
 *
 * @since 0.1.0
 */
import { InvalidInput } from "@hedgekit/sdk"
import type * as Grid from "./Grid.js"
import { BLOCK_PATHS, kernelOf, MAX_JUMPS_PER_STEP, stateArrays } from "./internal/kernels.js"
import type { Kernel, NormalMethod, State } from "./internal/kernels.js"
import { splitMix64 } from "./internal/splitMix64.js"
import { wholeNumber } from "./internal/validate.js"
import { jump, setState } from "./internal/xoshiro.js"
import type * as Process from "./Process.js"
import { hasVariance } from "./Process.js"
import { seedBits } from "./Xoshiro256.js"

/**
 * Paths per random stream; `firstPath` must be a multiple of it.
 *
 * @since 0.1.0
 * @category constants
 */
export const STREAM_PATHS = BLOCK_PATHS

/**
 * What to simulate.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** number of paths (even with `antithetic`) */
  readonly paths: number
  readonly grid: Grid.Grid
  /** a whole number in [0, 2^53) or a bigint in [0, 2^64) */
  readonly seed: number | bigint
  /** pairs of paths with negated normals (default false) */
  readonly antithetic?: boolean
  /** index of the first path, a multiple of {@link STREAM_PATHS} (default 0): a worker's share of a larger run */
  readonly firstPath?: number
  /**
   * how normals are drawn (default `"inversion"`): `"ziggurat"` (GBM only) costs about half as much per normal
   * beyond its uniform (far less where WebAssembly runs its fast path, with the same numbers), exact too, but gives
   * other paths — see `Normals.fillZiggurat`. Blocks, workers (`firstPath`), antithetics and `reset` work the same
   * way with either.
   */
  readonly normals?: "inversion" | "ziggurat"
}

/**
 * Advances every path one grid step at a time into the caller's arrays. `read`, `step` and `reset` allocate
 * nothing.
 *
 * @since 0.1.0
 * @category models
 */
export interface Stepper {
  readonly process: Process.Process
  readonly paths: number
  readonly steps: number
  /** the grid's times, years */
  readonly times: Float64Array
  /** grid index of the current values: 0 after creation or `reset`, `steps` at the end */
  readonly index: number
  /** `times[index]`, years */
  readonly time: number
  /** `index === steps` */
  readonly done: boolean
  /**
   * Writes the current values: `spot[p]` in USD for p < paths and, for Heston and Bates, `variance[p]` when
   * given. At index 0 every spot is the process's spot.
   */
  readonly read: (spot: Float64Array, variance?: Float64Array) => void
  /** Moves every path to the next time and writes its values as `read` does; returns the new index. */
  readonly step: (spot: Float64Array, variance?: Float64Array) => number
  /** Back to index 0, with the streams rewound: the same paths again. */
  readonly reset: () => void
}

const TAGS: ReadonlySet<string> = new Set(["Gbm", "Merton", "Kou", "Heston", "Bates"])

const checkProcess = (process: Process.Process): void => {
  if (typeof process !== "object" || process === null || !TAGS.has(process._tag)) {
    throw new InvalidInput({
      field: "process",
      value: process,
      expected: "a process from Process.gbm, merton, kou, heston or bates"
    })
  }
}

const checkGrid = (grid: Grid.Grid): void => {
  const times = grid?.times
  let ok = times instanceof Float64Array && times.length >= 2 && grid.steps === times.length - 1 && times[0]! >= 0
  // a grid built by hand gets the checks of Grid.fromTimes: a step of length ≤ 0 or NaN would poison every path
  for (let i = 1; ok && i < times.length; i++) ok = times[i]! > times[i - 1]! && times[i]! < Infinity
  if (!ok) {
    throw new InvalidInput({ field: "grid", value: grid, expected: "a grid from Grid.uniform, minutes or fromTimes (strictly increasing times ≥ 0)" })
  }
}

const maxStep = (times: Float64Array): number => {
  let max = 0
  for (let i = 1; i < times.length; i++) max = Math.max(max, times[i]! - times[i - 1]!)
  return max
}

const checkJumps = (process: Process.Process, times: Float64Array): void => {
  if (process._tag === "Gbm" || process._tag === "Heston") return
  const perStep = process.jumpIntensity * maxStep(times)
  if (!(perStep <= MAX_JUMPS_PER_STEP)) {
    throw new InvalidInput({
      field: "jumpIntensity",
      value: process.jumpIntensity,
      expected: `at most ${MAX_JUMPS_PER_STEP} expected jumps in the longest step (jumps per year × step in years)`
    })
  }
}

class PathStepper implements Stepper {
  index = 0
  readonly steps: number
  readonly times: Float64Array
  private readonly state: State
  private readonly start: Int32Array
  private readonly kernel: Kernel
  private readonly spot0: number
  private readonly v0: number

  constructor(
    readonly process: Process.Process,
    readonly paths: number,
    grid: Grid.Grid,
    seed: bigint,
    anti: boolean,
    firstPath: number,
    normals: NormalMethod
  ) {
    this.times = grid.times
    this.steps = grid.steps
    this.kernel = kernelOf(process, normals)
    this.spot0 = process.spot
    this.v0 = hasVariance(process) ? process.initialVariance : NaN
    const blocks = Math.ceil(paths / BLOCK_PATHS)
    const slots = anti ? BLOCK_PATHS / 2 : BLOCK_PATHS
    // block b's stream: the seed's stream jumped (firstPath/64 + b) times
    const { words, u, zig } = stateArrays(this.kernel, blocks, slots)
    const g = new Int32Array(8)
    setState(g, 0, splitMix64(seed, 4))
    for (let j = 0; j < firstPath / BLOCK_PATHS; j++) jump(g, 0)
    for (let b = 0; b < blocks; b++) {
      if (b > 0) jump(g, 0)
      words.set(g, 8 * b)
    }
    this.start = words.slice()
    const n = blocks * BLOCK_PATHS
    this.state = {
      blocks,
      anti,
      slots,
      words,
      u,
      x: new Float64Array(n),
      v: new Float64Array(hasVariance(process) ? n : 0).fill(this.v0),
      zig
    }
  }

  get time(): number {
    return this.times[this.index]!
  }

  get done(): boolean {
    return this.index === this.steps
  }

  read(spot: Float64Array, variance?: Float64Array): void {
    this.check(spot, variance)
    this.write(spot, 0, 1, variance)
  }

  step(spot: Float64Array, variance?: Float64Array): number {
    this.check(spot, variance)
    this.advance()
    this.write(spot, 0, 1, variance)
    return this.index
  }

  reset(): void {
    this.state.words.set(this.start)
    this.state.x.fill(0)
    this.state.v.fill(this.v0)
    this.index = 0
  }

  /** @internal moves one step without writing */
  advance(): void {
    const i = this.index
    if (i >= this.steps) {
      throw new InvalidInput({ field: "step", value: i + 1, expected: `at most ${this.steps} steps (the grid's last time); reset() to replay` })
    }
    this.kernel.advance(this.state, this.times[i + 1]! - this.times[i]!)
    this.index = i + 1
  }

  /** @internal writes path p's values at `out[offset + p·stride]` */
  write(spot: Float64Array, offset: number, stride: number, variance: Float64Array | undefined): void {
    const { x, v } = this.state
    const s0 = this.spot0
    const n = this.paths
    for (let p = 0, j = offset; p < n; p++, j += stride) spot[j] = s0 * Math.exp(x[p]!)
    if (variance !== undefined) for (let p = 0, j = offset; p < n; p++, j += stride) variance[j] = v[p]!
  }

  private check(spot: Float64Array, variance: Float64Array | undefined): void {
    if (!(spot instanceof Float64Array && spot.length >= this.paths)) {
      throw new InvalidInput({ field: "spot", value: spot instanceof Float64Array ? spot.length : spot, expected: `a Float64Array of at least ${this.paths} values` })
    }
    if (variance === undefined) return
    if (!hasVariance(this.process)) {
      throw new InvalidInput({ field: "variance", value: "Float64Array", expected: `nothing: ${this.process._tag} has no variance path` })
    }
    if (!(variance instanceof Float64Array && variance.length >= this.paths)) {
      throw new InvalidInput({ field: "variance", value: variance instanceof Float64Array ? variance.length : variance, expected: `a Float64Array of at least ${this.paths} values` })
    }
  }
}

const make = (process: Process.Process, options: Options): PathStepper => {
  checkProcess(process)
  if (typeof options !== "object" || options === null) {
    throw new InvalidInput({ field: "options", value: options, expected: "{ paths, grid, seed, antithetic?, firstPath?, normals? }" })
  }
  const anti = options.antithetic ?? false
  if (typeof anti !== "boolean") throw new InvalidInput({ field: "antithetic", value: anti, expected: "true or false" })
  const paths = wholeNumber("paths", options.paths, 1, 2 ** 31 - 1, "a whole number of paths ≥ 1")
  if (anti && paths % 2 !== 0) throw new InvalidInput({ field: "paths", value: paths, expected: "an even number of paths (antithetic pairs)" })
  const firstPath = wholeNumber("firstPath", options.firstPath ?? 0, 0, Number.MAX_SAFE_INTEGER, `a whole index ≥ 0, a multiple of ${BLOCK_PATHS}`)
  if (firstPath % BLOCK_PATHS !== 0) {
    throw new InvalidInput({ field: "firstPath", value: firstPath, expected: `a multiple of ${BLOCK_PATHS} (paths per random stream)` })
  }
  const normals = options.normals ?? "inversion"
  if (normals !== "inversion" && normals !== "ziggurat") {
    throw new InvalidInput({ field: "normals", value: normals, expected: "\"inversion\" or \"ziggurat\"" })
  }
  if (normals === "ziggurat" && process._tag !== "Gbm") {
    throw new InvalidInput({ field: "normals", value: normals, expected: `"inversion": Ziggurat normals are for GBM only (not ${process._tag})` })
  }
  checkGrid(options.grid)
  checkJumps(process, options.grid.times)
  return new PathStepper(process, paths, options.grid, seedBits(options.seed), anti, firstPath, normals)
}

/**
 * A stepper over the paths: see {@link Stepper}. Throws `InvalidInput` naming the option or parameter at fault
 * (`paths`, `seed`, `firstPath`, `grid`, `antithetic`, `normals`, `jumpIntensity` for more than 700 expected jumps in
 * a step).
 *
 * @since 0.1.0
 * @category constructors
 */
export const stepper = (process: Process.Process, options: Options): Stepper => make(process, options)

/**
 * Options of {@link generate}: those of a stepper, the layout and whether to keep the variance paths.
 *
 * @since 0.1.0
 * @category models
 */
export interface GenerateOptions extends Options {
  /** `"time"` (default): `spot[t·paths + p]`; `"path"`: `spot[p·(steps + 1) + t]` */
  readonly layout?: "time" | "path"
  /** also return the variance paths (Heston, Bates only) */
  readonly variance?: boolean
  /** write into these instead of allocating; at least (steps + 1)·paths values each */
  readonly into?: { readonly spot: Float64Array; readonly variance?: Float64Array }
}

/**
 * Every path at every time of the grid.
 *
 * @since 0.1.0
 * @category models
 */
export interface Generated {
  readonly times: Float64Array
  readonly paths: number
  readonly steps: number
  readonly layout: "time" | "path"
  /** USD, (steps + 1)·paths values in `layout` */
  readonly spot: Float64Array
  /** per year (decimal), same layout; only when asked for */
  readonly variance?: Float64Array
}

/**
 * All paths at all times of the grid, into new arrays or `options.into`. The same numbers as a {@link stepper}
 * with the same options.
 *
 * @since 0.1.0
 * @category constructors
 */
export const generate = (process: Process.Process, options: GenerateOptions): Generated => {
  const s = make(process, options)
  const layout = options.layout ?? "time"
  if (layout !== "time" && layout !== "path") {
    throw new InvalidInput({ field: "layout", value: layout, expected: "\"time\" or \"path\"" })
  }
  const wantVariance = options.variance ?? false
  if (wantVariance && !hasVariance(process)) {
    throw new InvalidInput({ field: "variance", value: true, expected: `false: ${process._tag} has no variance path` })
  }
  const size = (s.steps + 1) * s.paths
  const into = options.into
  const spot = into?.spot ?? new Float64Array(size)
  const variance = wantVariance ? into?.variance ?? new Float64Array(size) : undefined
  for (const [field, a] of [["into.spot", spot], ["into.variance", variance]] as const) {
    if (a !== undefined && !(a instanceof Float64Array && a.length >= size)) {
      throw new InvalidInput({ field, value: a instanceof Float64Array ? a.length : a, expected: `a Float64Array of at least ${size} values` })
    }
  }
  const rowStride = layout === "time" ? s.paths : 1
  const pathStride = layout === "time" ? 1 : s.steps + 1
  for (let t = 0; ; t++) {
    s.write(spot, t * rowStride, pathStride, variance)
    if (t === s.steps) break
    s.advance()
  }
  return variance === undefined
    ? { times: s.times, paths: s.paths, steps: s.steps, layout, spot }
    : { times: s.times, paths: s.paths, steps: s.steps, layout, spot, variance }
}
