/**
 * Market events: the one stream every data source is normalised to and every hedge loop consumes — a
 * historical file, a simulated path, or a venue's live feed. Timestamps are UTC epoch milliseconds (sources in
 * microseconds keep the fraction); prices in USD per coin unless a field names another unit; vols decimal.
 *
 * Events at one timestamp are applied in the fixed order of {@link rank}: market data first (index, perpetual,
 * forwards, options), then funding, then settlements — so an expiry and an index update at the same millisecond
 * never race: the loop has seen the index before it settles, and values the book only after the expired legs
 * are gone. Within one kind, the source's order is kept.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { OptionType, Settlement } from "./Instrument.js"
import { PremiumUnit } from "./Market.js"

const Time = Schema.Finite
const Price = Schema.Finite.check(Schema.isGreaterThan(0))
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * The underlying's index (spot) price — Deribit's BTC index, a spot mid.
 *
 * @since 0.1.0
 * @category events
 */
export const IndexEvent = Schema.Struct({
  kind: Schema.Literal("index"),
  timeMs: Time,
  underlying: Schema.String,
  price: Price
})

/**
 * A perpetual's mark (and, when the source has them, its best bid and ask).
 *
 * @since 0.1.0
 * @category events
 */
export const PerpetualEvent = Schema.Struct({
  kind: Schema.Literal("perpetual"),
  timeMs: Time,
  symbol: Schema.String,
  underlying: Schema.String,
  mark: Price,
  bid: Schema.optional(Price),
  ask: Schema.optional(Price)
})

/**
 * A perpetual's funding. `discrete`: a payment at `timeMs` of `rate` × position notional (Binance, OKX, Bybit:
 * every 8 h, longs pay when positive). `continuous`: `rate` per `intervalMs` accrues from `timeMs` until the next
 * funding event of the symbol (Deribit accrues per millisecond).
 *
 * @since 0.1.0
 * @category events
 */
export const FundingEvent = Schema.Struct({
  kind: Schema.Literal("funding"),
  timeMs: Time,
  symbol: Schema.String,
  underlying: Schema.String,
  rate: Schema.Finite,
  intervalMs: Price,
  mode: Schema.Literals(["discrete", "continuous"])
})

/**
 * The forward to one expiry (a dated future's mark, or the synthetic forward options are marked on).
 *
 * @since 0.1.0
 * @category events
 */
export const ForwardEvent = Schema.Struct({
  kind: Schema.Literal("forward"),
  timeMs: Time,
  underlying: Schema.String,
  expiryMs: Time,
  forward: Price
})

/**
 * One option's quote: bid, ask and mark premiums in `premiumUnit` per contract (coin for Deribit's inverse
 * options), the mark implied vol (decimal), the forward it is marked on and the index.
 *
 * @since 0.1.0
 * @category events
 */
export const OptionEvent = Schema.Struct({
  kind: Schema.Literal("option"),
  timeMs: Time,
  symbol: Schema.String,
  underlying: Schema.String,
  optionType: OptionType,
  strike: Price,
  expiryMs: Time,
  settlement: Settlement,
  premiumUnit: PremiumUnit,
  bid: Schema.optional(NonNegative),
  ask: Schema.optional(NonNegative),
  mark: NonNegative,
  markVol: Schema.optional(Price),
  forward: Price,
  index: Schema.optional(Price)
})

/**
 * The delivery price of an expiry (Deribit: the TWAP of the index from 07:30 to 08:00 UTC), at which its options
 * and futures settle.
 *
 * @since 0.1.0
 * @category events
 */
export const SettlementEvent = Schema.Struct({
  kind: Schema.Literal("settlement"),
  timeMs: Time,
  underlying: Schema.String,
  expiryMs: Time,
  price: Price
})

/**
 * A public trade print.
 *
 * @since 0.1.0
 * @category events
 */
export const TradeEvent = Schema.Struct({
  kind: Schema.Literal("trade"),
  timeMs: Time,
  symbol: Schema.String,
  side: Schema.Literals(["buy", "sell"]),
  price: Price,
  amount: Price
})

/**
 * @since 0.1.0
 * @category events
 */
export const MarketEvent = Schema.Union([IndexEvent, PerpetualEvent, FundingEvent, ForwardEvent, OptionEvent, SettlementEvent, TradeEvent])

/** @since 0.1.0 @category events */
export type MarketEvent = typeof MarketEvent.Type
/** @since 0.1.0 @category events */
export type IndexEvent = typeof IndexEvent.Type
/** @since 0.1.0 @category events */
export type PerpetualEvent = typeof PerpetualEvent.Type
/** @since 0.1.0 @category events */
export type FundingEvent = typeof FundingEvent.Type
/** @since 0.1.0 @category events */
export type ForwardEvent = typeof ForwardEvent.Type
/** @since 0.1.0 @category events */
export type OptionEvent = typeof OptionEvent.Type
/** @since 0.1.0 @category events */
export type SettlementEvent = typeof SettlementEvent.Type
/** @since 0.1.0 @category events */
export type TradeEvent = typeof TradeEvent.Type

const RANK: Readonly<Record<MarketEvent["kind"], number>> = {
  index: 0,
  perpetual: 1,
  forward: 2,
  option: 3,
  trade: 4,
  funding: 5,
  settlement: 6
}

/**
 * The order of kinds at one timestamp: index, perpetual, forward, option, trade, funding, settlement.
 *
 * @since 0.1.0
 * @category ordering
 */
export const rank = (event: MarketEvent): number => RANK[event.kind]

/**
 * Compares two events: by time, then by {@link rank}. A stable sort with it keeps each source's own order
 * within a kind.
 *
 * @since 0.1.0
 * @category ordering
 */
export const compare = (a: MarketEvent, b: MarketEvent): number => a.timeMs - b.timeMs || RANK[a.kind] - RANK[b.kind]
