/**
 * Running one property with fast-check and turning its shrunk counterexample into a {@link ConformanceFailure};
 * the number generators shared by both suites.
 */
import * as fc from "fast-check"
import type { ConformanceFailure, Range } from "../Failure.js"
import { thrown } from "./format.js"

/**
 * Thrown by a property's check when the property does not hold: `detail` says what was observed, what was
 * expected and the tolerance. Anything else thrown by a check is reported as "threw …".
 */
export class Violation extends Error {
  override readonly name = "Violation"
  constructor(readonly detail: string) {
    super(detail)
  }
}

/** One property to run. */
export interface PropertyRun<T> {
  readonly subject: string
  readonly property: string
  readonly title: string
  readonly arbitrary: fc.Arbitrary<T>
  /**
   * Checks one case: returns `true` when the property applied to it, `false` when it did not (a price outside
   * the attainable range for the implied-vol round trip, a hedge outside the band, …); throws {@link Violation}
   * when it does not hold.
   */
  readonly check: (sample: T) => boolean
  /** The case in words, with units. */
  readonly show: (sample: T) => string
  /** What the cases need to exercise the property, for the "never exercised" report. */
  readonly needs: string
  readonly numRuns: number
  readonly seed?: number | undefined
  readonly path?: string | undefined
  /** Wall-clock budget of the whole run, shrinking included, ms. */
  readonly timeLimit?: number | undefined
}

/** Runs the property; `undefined` when it holds. */
export const runProperty = <T>(run: PropertyRun<T>): ConformanceFailure | undefined => {
  let exercised = 0
  const property = fc.property(run.arbitrary, (sample) => {
    let applied: boolean
    try {
      applied = run.check(sample)
    } catch (error) {
      if (error instanceof Violation) throw error
      throw new Violation(`threw ${thrown(error)}`)
    }
    if (applied) exercised++
  })
  const parameters: fc.Parameters<[T]> = {
    numRuns: run.numRuns,
    ...(run.seed !== undefined ? { seed: run.seed } : {}),
    ...(run.path !== undefined ? { path: run.path } : {}),
    // past the budget fast-check stops: generating (the property passes on the cases run) or shrinking (the
    // counterexample is the smallest found so far); the plugin only watches the clock, whatever the case type
    ...(run.timeLimit !== undefined ? { plugins: [fc.interruptAfterTimeLimit(run.timeLimit) as unknown as fc.Plugin<[T]>] } : {})
  }
  const details = fc.check(property, parameters)
  const head = `${run.subject}: ${run.title}`
  if (details.failed) {
    const error = details.errorInstance
    const detail = error instanceof Violation ? error.detail : `threw ${thrown(error)}`
    if (details.counterexample === null) {
      return { subject: run.subject, property: run.property, title: run.title, detail, message: `${head} failed: ${detail}`, seed: details.seed }
    }
    const sample = details.counterexample[0]
    const path = details.counterexamplePath ?? undefined
    const replay = `fast-check seed ${details.seed}${path !== undefined ? `, path "${path}"` : ""}, ${details.numShrinks} shrink${
      details.numShrinks === 1 ? "" : "s"
    }${details.interrupted ? `, shrinking stopped at the ${run.timeLimit} ms time limit` : ""}`
    return {
      subject: run.subject,
      property: run.property,
      title: run.title,
      detail,
      message: `${head} failed — counterexample ${run.show(sample)}: ${detail} (${replay})`,
      counterexample: sample,
      seed: details.seed,
      ...(path !== undefined ? { path } : {}),
      shrinks: details.numShrinks
    }
  }
  if (exercised === 0) {
    const detail = details.interrupted
      ? `the ${run.timeLimit} ms time limit ran out after ${details.numRuns} case(s), none of which applied (it needs ${run.needs}); raise timeLimit`
      : `none of the ${details.numRuns} generated cases applied (it needs ${run.needs}); widen the generated domain`
    return { subject: run.subject, property: run.property, title: run.title, detail, message: `${head} was never exercised: ${detail}`, seed: details.seed }
  }
  return undefined
}

/** Whether a value is a fast-check arbitrary (duck-typed, so that a second copy of fast-check works too). */
export const isArbitrary = (u: unknown): u is fc.Arbitrary<unknown> =>
  typeof u === "object" && u !== null && typeof (u as { generate?: unknown }).generate === "function" &&
  typeof (u as { shrink?: unknown }).shrink === "function" && typeof (u as { canShrinkWithoutContext?: unknown }).canShrinkWithoutContext === "function"

/** A fixed value or an arbitrary, as an arbitrary. */
export const arbitraryOf = <A>(x: A | fc.Arbitrary<A>): fc.Arbitrary<A> => (isArbitrary(x) ? (x as fc.Arbitrary<A>) : fc.constant(x as A))

/** 1, 2 or 5 × a power of ten, the nearest at or above x. */
const niceStep = (x: number): number => {
  const p = Math.pow(10, Math.floor(Math.log10(x)))
  const m = x / p
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p
}

/**
 * Numbers in [min, max], from three sources: round numbers on a grid of about a thousand steps (uniform), any
 * number of the range (uniform, 2³¹ steps) and fast-check's doubles (uniform over the representable doubles, so
 * spread across orders of magnitude, with a bias to the ends and to tiny values: subnormals, ±0). Failing cases
 * shrink to the grid where they can — a counterexample reads `forward: 100, expiry: 0.25` rather than
 * `forward: 121.30613194252673`.
 */
export const numberIn = (range: Range): fc.Arbitrary<number> => {
  const { max, min } = range
  if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max)) {
    throw new RangeError(`a range needs finite min ≤ max, got [${min}, ${max}]`)
  }
  if (min === max) return fc.constant(min)
  const doubles = fc.double({ min, max, noNaN: true, noDefaultInfinity: true })
  const STEPS = 0x7fffffff
  const uniform = fc.integer({ min: 0, max: STEPS }).map((i) => Math.min(max, min + (max - min) * (i / STEPS)))
  const step = niceStep((max - min) / 1000)
  const lo = Math.ceil(min / step), hi = Math.floor(max / step)
  if (!(lo <= hi)) return fc.oneof({ withCrossShrink: true }, { arbitrary: uniform, weight: 3 }, { arbitrary: doubles, weight: 1 })
  // i / (1/step) rounds once (0.05, not 25 × 0.002 = 0.05000000000000001)
  const inverse = step < 1 ? Math.round(1 / step) : 0
  const grid = fc.integer({ min: lo, max: hi }).map((i) => (inverse > 0 ? i / inverse : i * step))
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: grid, weight: 2 },
    { arbitrary: uniform, weight: 3 },
    { arbitrary: doubles, weight: 1 }
  )
}

/** A {@link Range} or an arbitrary, as an arbitrary of numbers. */
export const numbers = (x: Range | fc.Arbitrary<number>): fc.Arbitrary<number> => (isArbitrary(x) ? x : numberIn(x))
