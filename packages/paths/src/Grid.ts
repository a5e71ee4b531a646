/**
 * Time grids: the times, in years from the start of the paths (ACT/365, as `Time.yearFraction` counts them), at
 * which a path has a value. `times[0]` is where every path starts at the process's spot; step `i` goes from
 * `times[i]` to `times[i + 1]`.
 *
 * - `uniform({ horizonYears, steps })` — `steps` equal steps over the horizon;
 * - `minutes({ stepMinutes, steps })` — a backtest clock, down to one minute (`{ stepMinutes: 60, steps: 720 }`
 *   is 30 days hourly);
 * - `fromTimes(times)` — any strictly increasing times, e.g. the timestamps of recorded market data.
 *
 * The processes have constant parameters, so only the step lengths matter; a grid may start at any time ≥ 0.
 *
 * @since 0.1.0
 */
import { InvalidInput, Time } from "@hedgekit/sdk"
import { wholeNumber } from "./internal/validate.js"

/**
 * Minutes in one year of 365 days.
 *
 * @since 0.1.0
 * @category constants
 */
export const MINUTES_PER_YEAR = Time.MS_PER_YEAR / 60_000

/** More steps than any backtest needs; the bound keeps a typo from allocating gigabytes. */
const MAX_STEPS = 10_000_000

/**
 * Times in years, strictly increasing; `steps = times.length − 1`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Grid {
  readonly times: Float64Array
  readonly steps: number
}

const stepsOf = (steps: unknown): number =>
  wholeNumber("steps", steps, 1, MAX_STEPS, `a whole number of steps in [1, ${MAX_STEPS}]`)

/**
 * `steps` equal steps from 0 to `horizonYears`; the last time is `horizonYears` exactly.
 *
 * @example Grid.uniform({ horizonYears: 30 / 365, steps: 720 }) // 30 days, hourly
 * @since 0.1.0
 * @category constructors
 */
export const uniform = (options: { readonly horizonYears: number; readonly steps: number }): Grid => {
  const steps = stepsOf(options.steps)
  const horizon = options.horizonYears
  if (!(horizon > 0 && horizon < Infinity)) {
    throw new InvalidInput({ field: "horizonYears", value: horizon, expected: "a finite horizon > 0 (years)" })
  }
  const times = new Float64Array(steps + 1)
  for (let i = 1; i < steps; i++) times[i] = (horizon * i) / steps
  times[steps] = horizon
  return { times, steps }
}

/**
 * `steps` steps of `stepMinutes` each (at least one minute), starting at 0: `times[i] = i·stepMinutes/525,600`.
 *
 * @example Grid.minutes({ stepMinutes: 60, steps: 720 }) // 30 days, hourly
 * @since 0.1.0
 * @category constructors
 */
export const minutes = (options: { readonly stepMinutes: number; readonly steps: number }): Grid => {
  const steps = stepsOf(options.steps)
  const step = options.stepMinutes
  if (!(step >= 1 && step < Infinity)) {
    throw new InvalidInput({ field: "stepMinutes", value: step, expected: "a finite step of at least 1 minute" })
  }
  const times = new Float64Array(steps + 1)
  for (let i = 1; i <= steps; i++) times[i] = (i * step) / MINUTES_PER_YEAR
  return { times, steps }
}

/**
 * A grid of given times (years), copied: finite, ≥ 0 and strictly increasing, at least two of them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromTimes = (times: ArrayLike<number>): Grid => {
  const n = times.length
  if (!(n >= 2 && n <= MAX_STEPS + 1)) {
    throw new InvalidInput({ field: "times", value: n, expected: `between 2 and ${MAX_STEPS + 1} times` })
  }
  const copy = Float64Array.from(times)
  for (let i = 0; i < n; i++) {
    const t = copy[i]!
    const ok = i === 0 ? t >= 0 && t < Infinity : t > copy[i - 1]! && t < Infinity
    if (!ok) {
      throw new InvalidInput({
        field: `times[${i}]`,
        value: t,
        expected: i === 0 ? "a finite start time ≥ 0 (years)" : `a finite time after times[${i - 1}] = ${copy[i - 1]} (years)`
      })
    }
  }
  return { times: copy, steps: n - 1 }
}
