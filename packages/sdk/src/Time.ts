/**
 * Time to expiry. hedgekit measures it from UTC millisecond timestamps in calendar years of 365 days (ACT/365,
 * the convention Deribit's Greeks and IVs use), never rounded to whole days.
 *
 * @since 0.1.0
 */
import { InvalidInput } from "./Errors.js"

/**
 * Milliseconds in one year of 365 days.
 *
 * @since 0.1.0
 * @category constants
 */
export const MS_PER_YEAR = 365 * 24 * 60 * 60 * 1000

/**
 * Years from `fromMs` to `toMs` (ACT/365); negative if `toMs` is earlier.
 *
 * @since 0.1.0
 * @category conversions
 */
export const yearFraction = (fromMs: number, toMs: number): number => {
  if (!Number.isFinite(fromMs)) throw new InvalidInput({ field: "fromMs", value: fromMs, expected: "epoch milliseconds" })
  if (!Number.isFinite(toMs)) throw new InvalidInput({ field: "toMs", value: toMs, expected: "epoch milliseconds" })
  return (toMs - fromMs) / MS_PER_YEAR
}
