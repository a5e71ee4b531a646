/**
 * The backtest venue: the SDK's `Venue` for a replay, filling the hedge's orders through the cost model — a market
 * order (or a marketable limit) fills whole and at once at the hedge's last mark ± the half-spread, paying the
 * taker fee in the fee's currency (coin for inverse perpetuals and futures, USD for linear ones and spot). It
 * follows the replayed tape through the SDK's `MarketFeed` (the hedge loop hands it each event), so it never fills
 * at a price the loop has not seen yet.
 *
 * Like a venue, it refuses what a venue would: an unknown symbol, no price yet, a quantity that is not a whole
 * number of lots or is below the minimum, a limit that is not marketable (no resting orders here), a post-only
 * order (it would take liquidity) — an `OrderUpdate` in state `"rejected"` with the reason, not an error.
 *
 * @since 0.1.0
 */
import { type MarketEvent, Venue } from "@hedgekit/sdk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import type * as Accounting from "./Accounting.js"
import * as Engine from "./Engine.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface BacktestVenueConfig {
  readonly hedge: Accounting.Holdings["hedge"]
  readonly costs: Engine.HedgeCosts
  /** The venue's name in errors and order ids (default "backtest"). */
  readonly name?: string
}

/**
 * A backtest venue: both the `Venue` and the `MarketFeed` services, and what it has filled.
 *
 * @since 0.1.0
 * @category models
 */
export interface BacktestVenue extends Venue.VenueService, Venue.MarketFeedService {
  /** Every order it was sent, with its outcome, in order. */
  readonly orders: ReadonlyArray<Venue.OrderUpdate>
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (config: BacktestVenueConfig): BacktestVenue => {
  const { hedge, costs } = config
  const name = config.name ?? "backtest"
  const minimum = costs.minimum ?? costs.lot
  const feeCurrency = hedge.kind !== "spot" && hedge.settlement === "inverse" ? hedge.underlying : "USD"
  let mark = NaN
  let nowMs = NaN
  let position = 0
  let fees = 0
  let sequence = 0
  const orders: Array<Venue.OrderUpdate> = []
  const scratch: Engine.Fill = { quantity: 0, price: NaN, fee: 0 }

  const reject = (order: Venue.OrderRequest, reason: string): Venue.OrderUpdate => {
    const update: Venue.OrderUpdate = {
      clientOrderId: order.clientOrderId, symbol: order.symbol, state: "rejected", filledQuantity: 0, timeMs: nowMs, reason, fills: []
    }
    orders.push(update)
    return update
  }

  const place = (order: Venue.OrderRequest): Venue.OrderUpdate => {
    if (order.symbol !== hedge.symbol) return reject(order, `unknown symbol ${order.symbol} (this venue trades ${hedge.symbol})`)
    if (!(mark > 0)) return reject(order, `no price for ${hedge.symbol} yet`)
    const lots = order.quantity / costs.lot
    if (Math.abs(lots - Math.round(lots)) > 1e-9 * Math.max(1, lots)) return reject(order, `quantity ${order.quantity} is not a multiple of the lot ${costs.lot}`)
    if (order.quantity < minimum) return reject(order, `quantity ${order.quantity} is below the minimum ${minimum}`)
    if (order.postOnly === true) return reject(order, "post-only order would take liquidity (this venue has no book to rest on)")
    const sign = order.side === "buy" ? 1 : -1
    Engine.takerFill(hedge, costs, sign * order.quantity, mark, scratch)
    const price = scratch.price
    if (order.type === "limit" && (order.limitPrice === undefined || sign * (order.limitPrice - price) < 0)) {
      return reject(order, `limit ${order.limitPrice} is not marketable at ${price} (this venue does not rest orders)`)
    }
    const fee = scratch.fee
    position += sign * order.quantity
    fees += fee
    sequence++
    const fill: Venue.Fill = {
      clientOrderId: order.clientOrderId, venueOrderId: `${name}-${sequence}`, tradeId: `${name}-trade-${sequence}`, symbol: order.symbol,
      side: order.side, quantity: order.quantity, price, fee, feeCurrency, liquidity: "taker", timeMs: nowMs
    }
    const update: Venue.OrderUpdate = {
      clientOrderId: order.clientOrderId, venueOrderId: fill.venueOrderId!, symbol: order.symbol, state: "filled",
      filledQuantity: order.quantity, averagePrice: price, timeMs: nowMs, fills: [fill]
    }
    orders.push(update)
    return update
  }

  const observe = (event: MarketEvent.MarketEvent): void => {
    nowMs = event.timeMs
    if (hedge.kind === "spot") {
      if (event.kind === "index") mark = event.price
    } else if (event.kind === "perpetual" && (event.symbol === hedge.symbol || hedge.kind !== "perpetual")) mark = event.mark
  }

  return {
    name,
    orders,
    place: (order) => Effect.sync(() => place(order)),
    cancel: (clientOrderId) =>
      Effect.sync((): Venue.OrderUpdate => {
        const known = orders.find((o) => o.clientOrderId === clientOrderId)
        // every order here is final at once: nothing is left to cancel
        return known ?? { clientOrderId, symbol: hedge.symbol, state: "rejected", filledQuantity: 0, timeMs: nowMs, reason: "no such order", fills: [] }
      }),
    fills: Stream.empty,
    orderByClientId: (clientOrderId) => Effect.sync(() => [...orders].reverse().find((o) => o.clientOrderId === clientOrderId)),
    fillsSince: (sinceMs) => Effect.sync(() => orders.flatMap((o) => o.fills).filter((f) => f.timeMs >= sinceMs)),
    openOrders: Effect.succeed([]),
    positions: Effect.sync(() => [{ symbol: hedge.symbol, quantity: position }]),
    balances: Effect.sync(() => [{ currency: feeCurrency, total: -fees }]),
    observe: (event) =>
      Effect.sync(() => {
        observe(event)
        return []
      })
  }
}

/**
 * Provides a backtest venue as both the `Venue` and the `MarketFeed` services.
 *
 * @since 0.1.0
 * @category layers
 */
export const provide = (venue: BacktestVenue) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, Venue.Venue | Venue.MarketFeed>> =>
  effect.pipe(Effect.provideService(Venue.Venue, venue), Effect.provideService(Venue.MarketFeed, venue)) as never

/**
 * A layer of a new backtest venue, as both the `Venue` and the `MarketFeed` services.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: BacktestVenueConfig): Layer.Layer<Venue.Venue | Venue.MarketFeed> =>
  Layer.effectContext(
    Effect.sync(() => {
      const venue = make(config)
      return Context.make(Venue.Venue, venue).pipe(Context.add(Venue.MarketFeed, venue))
    })
  )
