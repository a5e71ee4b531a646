/**
 * Generators for the suites' options.
 *
 * @since 0.1.0
 */
import type * as fc from "fast-check"
import { numberIn } from "./internal/run.js"

/**
 * Numbers in [min, max] (both finite): any double of the range, fast-check's bias to its ends included, and
 * round numbers on a grid of about a thousand steps that failing cases shrink to — so that a counterexample
 * reads `vol: 0.05` rather than `vol: 0.05123456789`. What the suites use for their own ranges.
 *
 * @example fc.record({ vol: between(0.05, 2), jumpIntensity: between(0, 5) })
 * @since 0.1.0
 * @category generators
 */
export const between = (min: number, max: number): fc.Arbitrary<number> => numberIn({ min, max })
