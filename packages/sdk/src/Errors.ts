/**
 * The tagged errors every hedgekit package and plugin raises. Each names what went wrong: the field, the value
 * and what was expected, so a message can be shown to a user as it is.
 *
 * They are `Schema.TaggedError` classes: plain code may `throw` them (they extend `Error`), Effect code may
 * `yield*` them, and both can be told apart by `_tag`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

const show = (value: unknown): string => {
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value)
  if (typeof value === "string") return JSON.stringify(value)
  if (value === undefined) return "nothing"
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/**
 * An input that is missing, of the wrong type or outside its domain.
 *
 * @example new InvalidInput({ field: "spot", value: -1, expected: "a finite number > 0 (price of one unit of the underlying)" })
 * @since 0.1.0
 * @category errors
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", {
  field: Schema.String,
  value: Schema.Unknown,
  expected: Schema.String
}) {
  override get message(): string {
    return `invalid ${this.field}: got ${show(this.value)}, expected ${this.expected}`
  }
}

/**
 * An option price outside the range a model can attain: at or below the intrinsic value (no volatility
 * reproduces it) or at or above the upper bound (a call worth the discounted forward). Implied volatility is
 * defined only strictly inside `(lower, upper)`.
 *
 * @since 0.1.0
 * @category errors
 */
export class PriceOutOfBounds extends Schema.TaggedError<PriceOutOfBounds>()("PriceOutOfBounds", {
  price: Schema.Number,
  lower: Schema.Number,
  upper: Schema.Number
}) {
  override get message(): string {
    // The nearer bound is the one crossed (a price within rounding of a bound may sit a hair on either side).
    const below = Math.abs(this.price - this.lower) <= Math.abs(this.price - this.upper)
    const side = below ? "at or below the lower bound (intrinsic value)" : "at or above the upper bound"
    return `price ${show(this.price)} is ${side}: implied volatility exists only for prices strictly between ${
      show(this.lower)
    } and ${show(this.upper)}`
  }
}

/**
 * An iterative method that did not reach its tolerance.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoConvergence extends Schema.TaggedError<NoConvergence>()("NoConvergence", {
  method: Schema.String,
  iterations: Schema.Number,
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.method} did not converge after ${this.iterations} iteration(s): ${this.detail}`
  }
}

/**
 * Every error the hedgekit contracts define.
 *
 * @since 0.1.0
 * @category errors
 */
export type HedgekitError = InvalidInput | PriceOutOfBounds | NoConvergence

const tags: ReadonlySet<string> = new Set(["InvalidInput", "PriceOutOfBounds", "NoConvergence"])

/**
 * Whether a thrown or failed value is one of the hedgekit errors.
 *
 * @since 0.1.0
 * @category guards
 */
export const isHedgekitError = (u: unknown): u is HedgekitError =>
  typeof u === "object" && u !== null && "_tag" in u && typeof u._tag === "string" && tags.has(u._tag)

/**
 * The plain, JSON-ready form of an error, as the CLI writes it into an output row: `{ tag, field, value, message }`.
 * `field` names the input at fault (`"price"` for a price out of bounds).
 *
 * @since 0.1.0
 * @category conversions
 */
export interface ErrorRecord {
  readonly tag: string
  readonly field: string
  readonly value: unknown
  readonly message: string
}

/**
 * @since 0.1.0
 * @category conversions
 */
export const toRecord = (error: HedgekitError): ErrorRecord => {
  switch (error._tag) {
    case "InvalidInput":
      return { tag: error._tag, field: error.field, value: error.value, message: error.message }
    case "PriceOutOfBounds":
      return { tag: error._tag, field: "price", value: error.price, message: error.message }
    case "NoConvergence":
      return { tag: error._tag, field: error.method, value: error.iterations, message: error.message }
  }
}
