/**
 * The venue contract: where a hedge loop sends its orders — a backtest venue filling through a cost model, a
 * paper exchange, or a real venue (Deribit, OKX, Bybit, Binance). A venue is an Effect service, provided by a
 * `Layer`, so the loop is the same code in backtest, paper and live.
 *
 * Quantities are in the instrument's own units (option contracts; perpetual and future contracts — Deribit's
 * inverse BTC-PERPETUAL counts 10-USD contracts; coins for spot), prices in the instrument's quote unit (coin per
 * contract for inverse options, USD per coin for futures). `clientOrderId` is the loop's intent id: the venue
 * echoes it on every update and fill (Deribit's `label`, ccxt's `clientOrderId`), which is what lets a journal
 * reconcile after a crash.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type { MarketEvent } from "./MarketEvent.js"

const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * @since 0.1.0
 * @category orders
 */
export const Side = Schema.Literals(["buy", "sell"])

/** @since 0.1.0 @category orders */
export type Side = typeof Side.Type

/**
 * An order to send. `type: "market"` takes liquidity at any price; `"limit"` needs `limitPrice` (a marketable
 * limit crosses the spread but never beyond it). `postOnly` rejects rather than take liquidity.
 *
 * @since 0.1.0
 * @category orders
 */
export const OrderRequest = Schema.Struct({
  clientOrderId: Schema.String,
  symbol: Schema.String,
  side: Side,
  quantity: Positive,
  type: Schema.Literals(["market", "limit"]),
  limitPrice: Schema.optional(Positive),
  postOnly: Schema.optional(Schema.Boolean),
  reduceOnly: Schema.optional(Schema.Boolean),
  validUntilMs: Schema.optional(Schema.Finite),
  reason: Schema.optional(Schema.String)
})

/** @since 0.1.0 @category orders */
export type OrderRequest = typeof OrderRequest.Type

/**
 * One execution. `fee` is in `feeCurrency` (the coin for inverse instruments, USD/USDC for linear ones); negative
 * for a maker rebate.
 *
 * @since 0.1.0
 * @category orders
 */
export const Fill = Schema.Struct({
  clientOrderId: Schema.String,
  venueOrderId: Schema.optional(Schema.String),
  tradeId: Schema.String,
  symbol: Schema.String,
  side: Side,
  quantity: Positive,
  price: Positive,
  fee: Schema.Finite,
  feeCurrency: Schema.String,
  liquidity: Schema.Literals(["maker", "taker"]),
  timeMs: Schema.Finite
})

/** @since 0.1.0 @category orders */
export type Fill = typeof Fill.Type

/**
 * @since 0.1.0
 * @category orders
 */
export const OrderState = Schema.Literals(["open", "partially-filled", "filled", "cancelled", "rejected"])

/** @since 0.1.0 @category orders */
export type OrderState = typeof OrderState.Type

/**
 * An order's state as the venue reports it, with the fills that happened at placement (a market order against a
 * backtest venue fills at once; later fills arrive on {@link VenueService.fills}).
 *
 * @since 0.1.0
 * @category orders
 */
export const OrderUpdate = Schema.Struct({
  clientOrderId: Schema.String,
  venueOrderId: Schema.optional(Schema.String),
  symbol: Schema.String,
  state: OrderState,
  filledQuantity: NonNegative,
  averagePrice: Schema.optional(Positive),
  timeMs: Schema.Finite,
  reason: Schema.optional(Schema.String),
  fills: Schema.Array(Fill)
})

/** @since 0.1.0 @category orders */
export type OrderUpdate = typeof OrderUpdate.Type

/**
 * @since 0.1.0
 * @category accounts
 */
export const VenuePosition = Schema.Struct({ symbol: Schema.String, quantity: Schema.Finite })

/** @since 0.1.0 @category accounts */
export type VenuePosition = typeof VenuePosition.Type

/**
 * @since 0.1.0
 * @category accounts
 */
export const Balance = Schema.Struct({ currency: Schema.String, total: Schema.Finite, available: Schema.optional(Schema.Finite) })

/** @since 0.1.0 @category accounts */
export type Balance = typeof Balance.Type

/**
 * A venue refused or failed an operation. `retryable` says whether sending the same request again (with the same
 * `clientOrderId`) is safe and may succeed; `code` is the venue's own.
 *
 * @since 0.1.0
 * @category errors
 */
export class VenueError extends Schema.TaggedError<VenueError>()("VenueError", {
  venue: Schema.String,
  operation: Schema.String,
  code: Schema.optional(Schema.String),
  retryable: Schema.Boolean,
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.venue} ${this.operation} failed${this.code === undefined ? "" : ` (${this.code})`}: ${this.detail}${this.retryable ? " — retryable" : ""}`
  }
}

/**
 * What a venue provides.
 *
 * @since 0.1.0
 * @category models
 */
export interface VenueService {
  readonly name: string
  readonly place: (order: OrderRequest) => Effect.Effect<OrderUpdate, VenueError>
  readonly cancel: (clientOrderId: string) => Effect.Effect<OrderUpdate, VenueError>
  /** Fills after placement, as they happen. */
  readonly fills: Stream.Stream<Fill, VenueError>
  readonly openOrders: Effect.Effect<ReadonlyArray<OrderUpdate>, VenueError>
  readonly positions: Effect.Effect<ReadonlyArray<VenuePosition>, VenueError>
  readonly balances: Effect.Effect<ReadonlyArray<Balance>, VenueError>
  /**
   * The order a `clientOrderId` was sent as, open or not, with its fills — `undefined` when the venue has no such
   * order (for an order sent with `validUntilMs`, only trustworthy once that time has passed). What crash recovery
   * asks before it decides an order whose send was cut short was never placed; a venue without it cannot recover
   * such orders.
   */
  readonly orderByClientId?: (clientOrderId: string) => Effect.Effect<OrderUpdate | undefined, VenueError>
  /** Our fills from `sinceMs` on (UTC ms), oldest first: what recovery adopts when the journal missed them. */
  readonly fillsSince?: (sinceMs: number) => Effect.Effect<ReadonlyArray<Fill>, VenueError>
}

/**
 * The venue service tag.
 *
 * @since 0.1.0
 * @category models
 */
export class Venue extends Context.Service<Venue, VenueService>()("@hedgekit/sdk/Venue") {}

/**
 * What a venue simulated on a replayed tape (a backtest venue, a paper exchange in replay) needs besides
 * {@link VenueService}: the market the loop sees. The hedge loop hands it every market event in order — after it
 * has acted on the previous timestamp and before it applies the event, so the venue never sees a price the loop
 * has not — and books the fills `observe` returns (resting orders the new prices reached) at once, which keeps a
 * replay deterministic. A live venue has its own market data and does not provide this service.
 *
 * @since 0.1.0
 * @category models
 */
export interface MarketFeedService {
  readonly observe: (event: MarketEvent) => Effect.Effect<ReadonlyArray<Fill>, VenueError>
}

/**
 * The market feed service tag (optional in the hedge loop's context).
 *
 * @since 0.1.0
 * @category models
 */
export class MarketFeed extends Context.Service<MarketFeed, MarketFeedService>()("@hedgekit/sdk/Venue/MarketFeed") {}
