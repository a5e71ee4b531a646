/**
 * Market observations, as Schemas (decoded from venue payloads and data files) and their types, and the
 * step from an instrument and a market to a model's inputs. Timestamps are UTC epoch milliseconds; prices are
 * in the quote currency (USD for BTC-USD) unless a field names another unit.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { InvalidInput } from "./Errors.js"
import type { OptionInstrument } from "./Instrument.js"
import type { EuropeanOption } from "./PricingModel.js"
import { yearFraction } from "./Time.js"

const PositiveFinite = Schema.Finite.check(Schema.isGreaterThan(0))
const NonNegativeFinite = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))
const Timestamp = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * One price of an underlying at one time: an index (Deribit's BTC index, the spot), a perpetual's or a
 * future's mark.
 *
 * @since 0.1.0
 * @category models
 */
export const UnderlyingQuote = Schema.Struct({
  timestampMs: Timestamp,
  symbol: Schema.String,
  price: PositiveFinite
})

/**
 * @since 0.1.0
 * @category models
 */
export type UnderlyingQuote = typeof UnderlyingQuote.Type

/**
 * How an option's premium is quoted: `coin` per contract (Deribit and OKX inverse options: 0.05 BTC) or
 * `quote` currency per contract (USDC options).
 *
 * @since 0.1.0
 * @category models
 */
export const PremiumUnit = Schema.Literals(["coin", "quote"])

/**
 * @since 0.1.0
 * @category models
 */
export type PremiumUnit = typeof PremiumUnit.Type

/**
 * One option's quote at one time, as a venue publishes it: best bid and ask (absent when that side is empty)
 * and mark premiums in `premiumUnit` per contract, the mark implied vol (decimal: 0.55 = 55 %, not Deribit's
 * percent), the forward the venue marks the option with (Deribit's `underlying_price`) and the index.
 *
 * @since 0.1.0
 * @category models
 */
export const OptionQuote = Schema.Struct({
  timestampMs: Timestamp,
  symbol: Schema.String,
  premiumUnit: PremiumUnit,
  bid: Schema.optional(NonNegativeFinite),
  ask: Schema.optional(NonNegativeFinite),
  mark: NonNegativeFinite,
  markVol: Schema.optional(PositiveFinite),
  forward: PositiveFinite,
  index: Schema.optional(PositiveFinite)
})

/**
 * @since 0.1.0
 * @category models
 */
export type OptionQuote = typeof OptionQuote.Type

/**
 * The inputs a `PricingModel` values an option with, at time `atMs`: time to expiry in ACT/365 years from the
 * timestamps (never rounded to days), the forward to the option's expiry and the continuously compounded
 * discount rate. Throws `InvalidInput` for an option at or past its expiry (it is settled, not priced), a
 * forward that is not a positive number, or a rate that is not finite.
 *
 * @since 0.1.0
 * @category constructors
 */
export const europeanOption = (
  option: OptionInstrument,
  atMs: number,
  forward: number,
  rate: number
): EuropeanOption => {
  const expiry = yearFraction(atMs, option.expiryMs)
  if (!(expiry > 0)) {
    throw new InvalidInput({
      field: "atMs",
      value: atMs,
      expected: `a time before the expiry of ${option.symbol} (${new Date(option.expiryMs).toISOString()})`
    })
  }
  if (!(forward > 0 && forward < Infinity)) {
    throw new InvalidInput({ field: "forward", value: forward, expected: "a finite forward price > 0" })
  }
  if (!Number.isFinite(rate)) {
    throw new InvalidInput({ field: "rate", value: rate, expected: "a finite continuously compounded rate" })
  }
  return { type: option.optionType, forward, strike: option.strike, expiry, rate }
}
