/**
 * Status codes that batch kernels write into a caller-owned `Uint8Array`, one per row, instead of throwing:
 * a bad row must not stop a chain of thousands. `OK` is 0, so a zero-filled status array reads "all good"
 * only after the kernel has run. {@link toError} turns a code back into the tagged error the scalar API throws.
 *
 * @since 0.1.0
 */
import { InvalidInput, NoConvergence, PriceOutOfBounds } from "./Errors.js"
import type { HedgekitError } from "./Errors.js"

/** @since 0.1.0 @category codes */
export const OK = 0
/** The option type column is neither call nor put. @since 0.1.0 @category codes */
export const INVALID_TYPE = 1
/** @since 0.1.0 @category codes */
export const INVALID_SPOT = 2
/** @since 0.1.0 @category codes */
export const INVALID_FORWARD = 3
/** @since 0.1.0 @category codes */
export const INVALID_STRIKE = 4
/** @since 0.1.0 @category codes */
export const INVALID_EXPIRY = 5
/** @since 0.1.0 @category codes */
export const INVALID_RATE = 6
/** @since 0.1.0 @category codes */
export const INVALID_DIVIDEND = 7
/** @since 0.1.0 @category codes */
export const INVALID_VOL = 8
/** The price column is not a finite number. @since 0.1.0 @category codes */
export const INVALID_PRICE = 9
/** The price is at or below the intrinsic value. @since 0.1.0 @category codes */
export const BELOW_INTRINSIC = 10
/** The price is at or above the upper bound. @since 0.1.0 @category codes */
export const ABOVE_MAXIMUM = 11
/** @since 0.1.0 @category codes */
export const NO_CONVERGENCE = 12
/** A model parameter (other than the columns above) is outside its domain. @since 0.1.0 @category codes */
export const INVALID_PARAMS = 13

/**
 * What a code means: the input column it blames, what that column expects, and a short label for reports.
 *
 * @since 0.1.0
 * @category codes
 */
export const describe = (
  code: number
): { readonly field: string; readonly expected: string; readonly label: string } => {
  switch (code) {
    case OK:
      return { field: "", expected: "", label: "ok" }
    case INVALID_TYPE:
      return { field: "type", expected: "\"call\" or \"put\"", label: "invalid option type" }
    case INVALID_SPOT:
      return { field: "spot", expected: "a finite number > 0", label: "invalid spot" }
    case INVALID_FORWARD:
      return { field: "forward", expected: "a finite number (> 0 for lognormal models)", label: "invalid forward" }
    case INVALID_STRIKE:
      return { field: "strike", expected: "a finite number (> 0 for lognormal models)", label: "invalid strike" }
    case INVALID_EXPIRY:
      return { field: "expiry", expected: "a finite number of years > 0", label: "invalid expiry" }
    case INVALID_RATE:
      return {
        field: "rate",
        expected: "a finite continuously compounded rate (decimal) with |rate × expiry| < 700",
        label: "invalid rate"
      }
    case INVALID_DIVIDEND:
      return {
        field: "dividend",
        expected: "a finite continuous yield (decimal) with |dividend × expiry| and |(rate − dividend) × expiry| < 700",
        label: "invalid dividend"
      }
    case INVALID_VOL:
      return { field: "vol", expected: "a volatility > 0 with a finite vol × √expiry", label: "invalid vol" }
    case INVALID_PRICE:
      return { field: "price", expected: "a finite option price", label: "invalid price" }
    case BELOW_INTRINSIC:
      return {
        field: "price",
        expected: "a price strictly between the intrinsic value and the upper bound",
        label: "price at or below intrinsic"
      }
    case ABOVE_MAXIMUM:
      return {
        field: "price",
        expected: "a price strictly between the intrinsic value and the upper bound",
        label: "price at or above the upper bound"
      }
    case NO_CONVERGENCE:
      return { field: "vol", expected: "a converged solution", label: "no convergence" }
    default:
      return { field: "params", expected: "model parameters inside their domain", label: "invalid model parameters" }
  }
}

/**
 * The tagged error for a row's status code. `value` is the offending input value, `bounds` the attainable
 * price range for the two price-bound codes.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toError = (
  code: number,
  value: number,
  bounds?: { readonly lower: number; readonly upper: number }
): HedgekitError => {
  if ((code === BELOW_INTRINSIC || code === ABOVE_MAXIMUM) && bounds !== undefined) {
    return new PriceOutOfBounds({ price: value, lower: bounds.lower, upper: bounds.upper })
  }
  if (code === NO_CONVERGENCE) {
    return new NoConvergence({ method: "implied volatility", iterations: 0, detail: `no solution for ${value}` })
  }
  const { expected, field } = describe(code)
  return new InvalidInput({ field, value, expected })
}
