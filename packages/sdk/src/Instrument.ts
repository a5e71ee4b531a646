/**
 * Instruments a desk holds or hedges with, as Schemas (decoded from configs, files and venue payloads) and the
 * types derived from them. Prices are in the quote currency (USD for BTC-USD) per unit of the underlying unless
 * a field says otherwise; timestamps are UTC epoch milliseconds.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category models
 */
export const OptionType = Schema.Literals(["call", "put"])

/**
 * `"call"` or `"put"`.
 *
 * @since 0.1.0
 * @category models
 */
export type OptionType = typeof OptionType.Type

/**
 * How a contract settles. `inverse`: quoted, margined and paid in the underlying coin (Deribit and OKX BTC/ETH
 * options, inverse perpetuals). `linear`: quoted and paid in the quote currency (USDC options and perpetuals).
 *
 * @since 0.1.0
 * @category models
 */
export const Settlement = Schema.Literals(["inverse", "linear"])

/**
 * @since 0.1.0
 * @category models
 */
export type Settlement = typeof Settlement.Type

const PositiveFinite = Schema.Finite.check(Schema.isGreaterThan(0))
const Timestamp = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * A European option. `multiplier` is the number of units of the underlying one contract is for (1 on
 * Deribit BTC/ETH options; 10 for SOL_USDC options).
 *
 * @since 0.1.0
 * @category models
 */
export const OptionInstrument = Schema.Struct({
  kind: Schema.Literal("option"),
  symbol: Schema.String,
  underlying: Schema.String,
  optionType: OptionType,
  strike: PositiveFinite,
  expiryMs: Timestamp,
  settlement: Settlement,
  multiplier: PositiveFinite
})

/**
 * @since 0.1.0
 * @category models
 */
export type OptionInstrument = typeof OptionInstrument.Type

/**
 * A perpetual swap. `contractSize` is in USD per contract for inverse perpetuals (10 on BTC-PERPETUAL) and in
 * units of the underlying for linear ones.
 *
 * @since 0.1.0
 * @category models
 */
export const PerpetualInstrument = Schema.Struct({
  kind: Schema.Literal("perpetual"),
  symbol: Schema.String,
  underlying: Schema.String,
  settlement: Settlement,
  contractSize: PositiveFinite
})

/**
 * @since 0.1.0
 * @category models
 */
export type PerpetualInstrument = typeof PerpetualInstrument.Type

/**
 * A dated future, settled at `expiryMs`. `contractSize` as for perpetuals.
 *
 * @since 0.1.0
 * @category models
 */
export const FutureInstrument = Schema.Struct({
  kind: Schema.Literal("future"),
  symbol: Schema.String,
  underlying: Schema.String,
  expiryMs: Timestamp,
  settlement: Settlement,
  contractSize: PositiveFinite
})

/**
 * @since 0.1.0
 * @category models
 */
export type FutureInstrument = typeof FutureInstrument.Type

/**
 * The underlying itself, held outright (spot coin or a USD stablecoin position).
 *
 * @since 0.1.0
 * @category models
 */
export const SpotInstrument = Schema.Struct({
  kind: Schema.Literal("spot"),
  symbol: Schema.String,
  underlying: Schema.String
})

/**
 * @since 0.1.0
 * @category models
 */
export type SpotInstrument = typeof SpotInstrument.Type

/**
 * Any instrument, told apart by `kind`.
 *
 * @since 0.1.0
 * @category models
 */
export const Instrument = Schema.Union([OptionInstrument, PerpetualInstrument, FutureInstrument, SpotInstrument])

/**
 * @since 0.1.0
 * @category models
 */
export type Instrument = typeof Instrument.Type
