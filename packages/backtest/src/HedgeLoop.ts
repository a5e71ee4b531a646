/**
 * The hedge loop: market events in, orders out to a `Venue` — the same code for a backtest, a paper exchange and a
 * live venue. It keeps one book (Replay.ts documents what it assumes about the market between option snapshots),
 * values it with Black-76 at every timestamp that brings a price, asks the policy for a decision, and sends the
 * decision's order to the SDK's `Venue` service; fills are booked as they come back.
 *
 * Per event, in this order: (1) when the event starts a new timestamp, the previous one is acted on — expiries
 * settled, then the decision taken (events of one timestamp are all applied before, in `MarketEvent.compare`'s
 * order); (2) its orders are placed, one at a time, and the fills in each answer booked; (3) a venue simulated on
 * the same tape (the optional `MarketFeed` service) sees the event and returns the fills it causes, which are
 * booked; (4) the event is applied. Fills that a venue reports later arrive on `Venue.fills` and are booked in
 * arrival order. A fill is booked once, however often it is reported (by trade id), and only for the hedge
 * instrument.
 *
 * Orders carry a `clientOrderId` of `<prefix>-<decision time ms>-<sequence>`. A rejected order is not retried: the
 * policy sees the delta it left unhedged at its next decision. A `VenueError` stops the loop with that error (a
 * journal that resends safely comes with the execution package).
 *
 * @since 0.1.0
 */
import { InvalidInput, type MarketEvent, RebalancePolicy, Venue } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type * as Engine from "./Engine.js"
import * as ReplayCore from "./internal/replayCore.js"
import type { Point, ReplayConfig, ReplayResult } from "./Replay.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface HedgeLoopConfig extends ReplayConfig {
  /** Prefix of the loop's client order ids (default "hk"). */
  readonly orderIdPrefix?: string
  /**
   * The client order id of the loop's `sequence`-th order (from 1), decided at `decisionMs`; default
   * `<orderIdPrefix>-<decision ms>-<sequence>`. A live loop makes ids short enough for its venue.
   */
  readonly clientOrderId?: (decisionMs: number, sequence: number) => string
  /**
   * Called after each decision, once its orders were sent and their immediate fills booked (for a live status
   * line, or a kill switch that watches the policy): what the policy did and said, and the book after it.
   */
  readonly onDecision?: (decision: Decision) => Effect.Effect<void, Venue.VenueError>
}

/**
 * A decision of the loop, as `onDecision` sees it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Decision extends Point {
  /** `"hold"`, `"trade"`, `"halt"` (a kill switch in the policy) or `"error"`. */
  readonly action: "hold" | "trade" | "halt" | "error"
  /** The policy's reason, in words. */
  readonly reason: string
  /** Contracts the decision asked for (signed). */
  readonly quantity: number
}

/**
 * An order the loop sent, and how it ended (or stood) when the venue answered.
 *
 * @since 0.1.0
 * @category models
 */
export interface OrderRecord {
  readonly clientOrderId: string
  /** The decision's time (UTC ms). */
  readonly timeMs: number
  readonly side: Venue.Side
  /** Contracts (coins for spot), as sent. */
  readonly quantity: number
  readonly state: Venue.OrderState
  readonly filledQuantity: number
  readonly averagePrice?: number
  readonly reason?: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface HedgeLoopResult extends ReplayResult {
  readonly orders: ReadonlyArray<OrderRecord>
  /** Fills booked (each trade id once). */
  readonly fills: number
}

type Item = { readonly event: MarketEvent.MarketEvent } | { readonly fill: Venue.Fill }

const USD_LIKE = new Set(["USD", "USDC", "USDT"])

/**
 * Runs the loop over `events` against the `Venue` in context (and its `MarketFeed`, when it has one).
 *
 * @since 0.1.0
 * @category running
 */
export const run = <E>(
  events: Stream.Stream<MarketEvent.MarketEvent, E>,
  config: HedgeLoopConfig
): Effect.Effect<HedgeLoopResult, E | Venue.VenueError | InvalidInput, Venue.Venue> =>
  Effect.gen(function*() {
    const venue = yield* Venue.Venue
    const feed = yield* Effect.serviceOption(Venue.MarketFeed)
    const prefix = config.orderIdPrefix ?? "hk"
    const idOf = config.clientOrderId ?? ((ms: number, n: number) => `${prefix}-${ms}-${n}`)
    const hedge = config.hedge
    const inverse = hedge.kind !== "spot" && hedge.settlement === "inverse"

    // the engine's executor only collects the decision's order; the loop sends it
    const intents: Array<{ quantity: number; timeMs: number }> = []
    const executor: Engine.Executor = {
      execute: (_path, quantity, _mark, timeMs, fill) => {
        intents.push({ quantity, timeMs })
        fill.quantity = 0
      }
    }
    const core = yield* Effect.try({ try: () => ReplayCore.make(config, executor), catch: (e) => e as InvalidInput })
    const orders: Array<OrderRecord> = []
    const booked = new Set<string>()
    let sequence = 0

    const book = (fill: Venue.Fill): Effect.Effect<void, InvalidInput> =>
      Effect.suspend(() => {
        if (fill.symbol !== hedge.symbol || booked.has(fill.tradeId)) return Effect.void
        const engine = core.engine()
        if (engine === undefined) return Effect.void
        const coinFee = fill.feeCurrency === hedge.underlying
        if (inverse ? !coinFee : !USD_LIKE.has(fill.feeCurrency)) {
          return Effect.fail(new InvalidInput({ field: "fill.feeCurrency", value: fill.feeCurrency, expected: inverse ? `${hedge.underlying} (an inverse instrument's fee)` : "USD, USDC or USDT (a linear instrument's fee)" }))
        }
        booked.add(fill.tradeId)
        return Effect.try({
          try: () => engine.fill(0, fill.side === "buy" ? fill.quantity : -fill.quantity, fill.price, fill.fee, core.hedgeMark()),
          catch: (e) => e as InvalidInput
        })
      })

    const send = Effect.gen(function*() {
      while (intents.length > 0) {
        const { quantity, timeMs } = intents.shift()!
        const side: Venue.Side = quantity > 0 ? "buy" : "sell"
        const order: Venue.OrderRequest = {
          clientOrderId: idOf(timeMs, ++sequence), symbol: hedge.symbol, side, quantity: Math.abs(quantity), type: "market", reason: config.policy.name
        }
        const update = yield* venue.place(order)
        orders.push({
          clientOrderId: order.clientOrderId, timeMs, side, quantity: order.quantity, state: update.state, filledQuantity: update.filledQuantity,
          ...(update.averagePrice !== undefined ? { averagePrice: update.averagePrice } : {}),
          ...(update.reason !== undefined ? { reason: update.reason } : {})
        })
        for (const fill of update.fills) yield* book(fill)
      }
      const recorded = core.recordDecision()
      const engine = core.engine()
      if (recorded !== undefined && config.onDecision !== undefined && engine !== undefined) {
        const out = engine.outputs
        const code = out.action[0]!
        yield* config.onDecision({
          ...recorded,
          action: code === RebalancePolicy.TRADE ? "trade" : code === RebalancePolicy.HALT ? "halt" : code === RebalancePolicy.ERROR ? "error" : "hold",
          reason: RebalancePolicy.reasonText(config.policy, out, 0),
          quantity: out.quantity[0]!
        })
      }
    })

    const onEvent = (event: MarketEvent.MarketEvent) =>
      Effect.gen(function*() {
        yield* Effect.try({ try: () => core.advance(event), catch: (e) => e as InvalidInput })
        yield* send
        if (core.done()) return
        if (Option.isSome(feed)) for (const fill of yield* feed.value.observe(event)) yield* book(fill)
        core.apply(event)
      })

    const items: Stream.Stream<Item, E | Venue.VenueError> = Stream.merge(
      Stream.map(events, (event): Item => ({ event })),
      Stream.map(venue.fills, (fill): Item => ({ fill })),
      { haltStrategy: "left" }
    )
    // stop reading the data once every leg has settled (or the end time came)
    yield* Stream.runForEachWhile(items, (item) =>
      Effect.map("event" in item ? onEvent(item.event) : book(item.fill), () => !core.done()))
    yield* Effect.try({ try: () => core.end(), catch: (e) => e as InvalidInput })
    yield* send
    core.close()
    const result = yield* Effect.try({ try: () => core.result(), catch: (e) => e as InvalidInput })
    return { ...result, orders, fills: booked.size }
  })
