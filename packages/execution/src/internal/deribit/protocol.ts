/**
 * Deribit JSON-RPC 2.0 payloads the adapter reads (as Schemas, decoded at the boundary; unknown fields are
 * ignored), the rate-limit class of each method, and the error codes the adapter treats specially.
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"

const Num = Schema.Finite
const OptNum = Schema.optional(Schema.NullOr(Num))

/** `public/get_instruments` / `public/get_instrument`. */
export const Instrument = Schema.Struct({
  instrument_name: Schema.String,
  kind: Schema.String,
  base_currency: Schema.String,
  settlement_currency: Schema.optional(Schema.String),
  quote_currency: Schema.optional(Schema.String),
  instrument_type: Schema.optional(Schema.String),
  contract_size: Num,
  min_trade_amount: Num,
  tick_size: Num,
  tick_size_steps: Schema.optional(Schema.Array(Schema.Struct({ above_price: Num, tick_size: Num }))),
  option_type: Schema.optional(Schema.Literals(["call", "put"])),
  strike: OptNum,
  expiration_timestamp: Num,
  settlement_period: Schema.optional(Schema.String),
  is_active: Schema.optional(Schema.Boolean)
})
export type Instrument = typeof Instrument.Type
export const Instruments = Schema.Array(Instrument)

/** An order, as in `private/buy`'s `order`, `get_order_state*`, `get_open_orders*` and `user.orders.*`. */
export const Order = Schema.Struct({
  order_id: Schema.String,
  label: Schema.optional(Schema.String),
  instrument_name: Schema.String,
  direction: Schema.Literals(["buy", "sell"]),
  amount: Num,
  contracts: OptNum,
  filled_amount: Num,
  average_price: OptNum,
  price: Schema.optional(Schema.Union([Num, Schema.String, Schema.Null])),
  order_state: Schema.String,
  order_type: Schema.optional(Schema.String),
  creation_timestamp: Num,
  last_update_timestamp: Num,
  cancel_reason: Schema.optional(Schema.String),
  reject_reason: Schema.optional(Schema.String)
})
export type Order = typeof Order.Type

/** A trade of the account, as in `private/buy`'s `trades`, `get_user_trades_*` and `user.trades.*`. */
export const Trade = Schema.Struct({
  trade_id: Schema.String,
  order_id: Schema.String,
  label: Schema.optional(Schema.String),
  instrument_name: Schema.String,
  direction: Schema.Literals(["buy", "sell"]),
  amount: Num,
  contracts: OptNum,
  price: Num,
  fee: Num,
  fee_currency: Schema.String,
  liquidity: Schema.Literals(["M", "T"]),
  timestamp: Num
})
export type Trade = typeof Trade.Type

/** `private/buy|sell|edit`. */
export const OrderResult = Schema.Struct({ order: Order, trades: Schema.Array(Trade) })

export const Orders = Schema.Array(Order)
export const Trades = Schema.Array(Trade)

/** `private/get_user_trades_by_currency_and_time`. */
export const TradesPage = Schema.Struct({ trades: Trades, has_more: Schema.optional(Schema.Boolean) })

/** `private/get_positions`: `size` in the instrument's amount units (USD for inverse futures), signed. */
export const Position = Schema.Struct({
  instrument_name: Schema.String,
  kind: Schema.optional(Schema.String),
  size: Num,
  size_currency: OptNum,
  average_price: OptNum,
  direction: Schema.optional(Schema.String)
})
export const Positions = Schema.Array(Position)

/** `private/get_account_summary`. */
export const AccountSummary = Schema.Struct({
  currency: Schema.String,
  equity: Num,
  balance: Num,
  available_funds: OptNum
})

/** `public/auth`. */
export const AuthResult = Schema.Struct({
  access_token: Schema.String,
  refresh_token: Schema.String,
  expires_in: Num,
  scope: Schema.optional(Schema.String)
})
export type AuthResult = typeof AuthResult.Type

/** `book.{instrument}.{interval}`: `[action, price, amount]` with action `new` | `change` | `delete`. */
export const BookNotification = Schema.Struct({
  type: Schema.optional(Schema.Literals(["snapshot", "change"])),
  instrument_name: Schema.String,
  timestamp: Num,
  change_id: Num,
  prev_change_id: OptNum,
  bids: Schema.Array(Schema.Tuple([Schema.String, Num, Num])),
  asks: Schema.Array(Schema.Tuple([Schema.String, Num, Num]))
})
export type BookNotification = typeof BookNotification.Type

/** `public/get_order_book`. */
export const OrderBook = Schema.Struct({
  instrument_name: Schema.String,
  timestamp: Num,
  change_id: Num,
  bids: Schema.Array(Schema.Tuple([Num, Num])),
  asks: Schema.Array(Schema.Tuple([Num, Num]))
})
export type OrderBook = typeof OrderBook.Type

/** `ticker.{instrument}.{interval}` (and `public/ticker`). */
export const Ticker = Schema.Struct({
  instrument_name: Schema.String,
  timestamp: Num,
  mark_price: Num,
  index_price: OptNum,
  best_bid_price: OptNum,
  best_ask_price: OptNum,
  mark_iv: OptNum,
  underlying_price: OptNum
})
export type Ticker = typeof Ticker.Type

/** `deribit_price_index.{index_name}`. */
export const IndexPrice = Schema.Struct({ index_name: Schema.String, price: Num, timestamp: Num })

/** Decodes a payload; `undefined` and a short reason when it does not have the expected shape. */
export const decode = <S extends Schema.ConstraintDecoder<unknown>>(schema: S) => {
  const run = Schema.decodeUnknownResult(schema)
  return (input: unknown): { readonly ok: true; readonly value: S["Type"] } | { readonly ok: false; readonly error: string } => {
    const result = run(input)
    return Result.isSuccess(result) ? { ok: true, value: result.success } : { ok: false, error: result.failure.message }
  }
}

/**
 * Rate-limit classes: Deribit meters matching-engine requests (order entry and cancels) apart from everything
 * else (support article "Rate Limits").
 */
export type RateClass = "matching" | "nonMatching"

const MATCHING_METHODS = new Set([
  "private/buy", "private/sell", "private/edit", "private/edit_by_label", "private/cancel", "private/cancel_all", "private/cancel_all_by_currency",
  "private/cancel_all_by_instrument", "private/cancel_all_by_kind_or_type", "private/cancel_by_label", "private/close_position",
  "private/mass_quote", "private/cancel_quotes"
])

export const rateClassOf = (method: string): RateClass => (MATCHING_METHODS.has(method) ? "matching" : "nonMatching")

/** `too_many_requests`. */
export const TOO_MANY_REQUESTS = 10028
/** `unauthorized`: expired or connection-scoped token; authenticate again and retry once. */
export const UNAUTHORIZED = 13009
/** `invalid_credentials`. */
export const INVALID_CREDENTIALS = 13004

/**
 * Codes after which the same request may succeed later (the request was not executed): retry, settlement in
 * progress, matching-engine queue full, too many concurrent requests, maintenance, internal error, temporarily
 * unavailable, timed out (also what `valid_until` produces).
 */
export const RETRYABLE_CODES: ReadonlySet<number> = new Set([10028, 10040, 10041, 10047, 10066, 11051, 11094, 13028, 13888])

export const isRetryableCode = (code: number): boolean => RETRYABLE_CODES.has(code)
