/**
 * Simulated backtests: the hedge loop over many paths in lockstep, fed by a path generator (`@hedgekit/paths`'
 * `Paths.stepper` fits {@link PathSource}), every option valued at a flat implied vol on the simulated index
 * (forward = index: no carry), the hedge instrument marked at the index.
 *
 * @since 0.1.0
 */
import { type Instrument, InvalidInput, type RebalancePolicy } from "@hedgekit/sdk"
import type * as Accounting from "./Accounting.js"
import * as Engine from "./Engine.js"

const YEAR_MS = 365 * 86_400_000

/**
 * What the loop needs of a path generator: all paths advanced one grid step at a time into a caller-owned array.
 *
 * @since 0.1.0
 * @category models
 */
export interface PathSource {
  readonly paths: number
  readonly steps: number
  /** Grid times in years from the start. */
  readonly times: Float64Array
  readonly read: (spot: Float64Array) => void
  readonly step: (spot: Float64Array) => number
}

/**
 * An option of the simulated book, by strike and time to expiry from the start.
 *
 * @since 0.1.0
 * @category models
 */
export interface SimulatedLeg {
  readonly optionType: "call" | "put"
  readonly strike: number
  readonly expiryYears: number
  readonly quantity: number
  readonly settlement: "inverse" | "linear"
  readonly multiplier?: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface SimulationConfig {
  readonly legs: ReadonlyArray<SimulatedLeg>
  readonly hedge: Accounting.Holdings["hedge"]
  readonly costs: Engine.HedgeCosts
  readonly policy: RebalancePolicy.Rebalancer
  readonly accounting: "usd" | "coin"
  /** The vol every option is valued and hedged at (decimal). */
  readonly impliedVol: number
  /** The UTC time of the grid's start (default 2026-01-05 00:00), for policy clocks and expiry dates. */
  readonly startMs?: number
  /** A constant discrete funding rate on the perpetual, paid every `intervalHours` on the UTC grid. */
  readonly funding?: { readonly rate: number; readonly intervalHours: number }
  readonly optionFees?: Engine.EngineConfig["optionFees"]
  readonly attribution?: boolean
  /** Where hedge orders go (default: fills at once through `costs`). */
  readonly executor?: Engine.Executor
  /**
   * Legs settle at the mean of the path's index over the grid times in the last `settlementWindowMinutes` before
   * their expiry, the expiry included (default 30: Deribit's 07:30–08:00 TWAP; an hourly grid has only the
   * expiry in it).
   */
  readonly settlementWindowMinutes?: number
  /** Rows per block of a step (see `EngineConfig.rowBlock`). */
  readonly rowBlock?: number
}

/**
 * Runs the book over every path from the grid's start to its end. Legs settle at the average of the index over
 * the grid times of their settlement window (see `settlementWindowMinutes`); a grid time at each expiry is
 * required.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (source: PathSource, config: SimulationConfig): Engine.Engine => {
  const startMs = config.startMs ?? Date.UTC(2026, 0, 5)
  const n = source.paths
  const times = source.times
  const toMs = (years: number) => startMs + Math.round(years * YEAR_MS)
  if (!(config.impliedVol > 0 && config.impliedVol < 10)) throw new InvalidInput({ field: "impliedVol", value: config.impliedVol, expected: "a vol in (0, 10) (decimal)" })
  const legs: Array<Instrument.OptionInstrument> = Array.from(config.legs, (l, k) => {
    const expiryMs = toMs(l.expiryYears)
    if (!Array.prototype.some.call(times, (t: number) => toMs(t) === expiryMs)) {
      throw new InvalidInput({ field: `legs[${k}].expiryYears`, value: l.expiryYears, expected: "a time on the simulation grid (the leg settles there)" })
    }
    return {
      kind: "option", symbol: `SIM-${l.strike}-${l.optionType === "call" ? "C" : "P"}-${k}`, underlying: config.hedge.underlying,
      optionType: l.optionType, strike: l.strike, expiryMs, settlement: l.settlement, multiplier: l.multiplier ?? 1
    }
  })
  const engine = Engine.make({
    holdings: { legs, hedge: config.hedge },
    positions: Array.from(config.legs, (l) => l.quantity),
    accounting: config.accounting,
    policy: config.policy,
    hedge: config.costs,
    ...(config.optionFees ? { optionFees: config.optionFees } : {}),
    ...(config.executor ? { executor: config.executor } : {}),
    ...(config.rowBlock !== undefined ? { rowBlock: config.rowBlock } : {}),
    attribution: config.attribution ?? true
  }, n)
  // in the engine's memory where it has room: read each step without a copy
  const spot = engine.marketColumn()
  const flat = engine.marketColumn().fill(config.impliedVol)
  const vol = Array.from(legs, () => flat)
  const forward = Array.from(legs, () => spot)
  const market = (k: number): Engine.StepMarket => ({ timeMs: toMs(times[k]!), spot, mark: spot, forward, vol })
  const expiries = Array.from(new Set(Array.from(legs, (l) => l.expiryMs)))
  const windowMin = config.settlementWindowMinutes ?? 30
  if (!(windowMin >= 0 && windowMin < Infinity)) {
    throw new InvalidInput({ field: "settlementWindowMinutes", value: windowMin, expected: "a window ≥ 0 (minutes)" })
  }
  const windowMs = windowMin * 60_000
  // running sums of the index over each expiry's window, per path
  const twapSum = Array.from(expiries, () => new Float64Array(n)), twapCount = Array.from(expiries, () => 0)
  const delivery = new Float64Array(n)
  const fundEveryMs = config.funding ? config.funding.intervalHours * 3_600_000 : Infinity
  source.read(spot)
  engine.open(market(0))
  const last = legs.reduce((m, l) => Math.max(m, l.expiryMs), -Infinity)
  for (let k = 1; k <= source.steps; k++) {
    const prevMs = toMs(times[k - 1]!)
    source.step(spot)
    const m = market(k)
    if (config.funding && Math.floor(m.timeMs / fundEveryMs) > Math.floor(prevMs / fundEveryMs)) {
      engine.fund(m.timeMs, config.funding.rate, fundEveryMs, "discrete", spot)
    }
    for (let e = 0; e < expiries.length; e++) {
      const expiry = expiries[e]!
      if (!(m.timeMs > expiry - windowMs || m.timeMs === expiry) || m.timeMs > expiry) continue
      const sum = twapSum[e]!
      for (let i = 0; i < n; i++) sum[i]! += spot[i]!
      twapCount[e]! += 1
      if (m.timeMs === expiry) {
        for (let i = 0; i < n; i++) delivery[i] = sum[i]! / twapCount[e]!
        engine.settle(expiry, delivery)
      }
    }
    if (k === source.steps || m.timeMs >= last) {
      engine.finish(m)
      break
    }
    engine.step(m)
  }
  return engine
}
