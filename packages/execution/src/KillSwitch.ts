/**
 * The kill switch of a live loop: a guard in front of the venue that refuses, or stops everything, when trading has
 * stopped being safe.
 *
 * - **Trips** (cancels every open order of ours and refuses all orders from then on, saying why): an order above
 *   `maxOrderNotionalUsd`; more than `maxOrdersPerMinute` orders in 60 s; market data older than `staleAfterMs` when
 *   an order is about to go; or a trip from outside (the loop trips it when the policy's own kill switch — net delta
 *   beyond `maxNetDelta` — halts it).
 * - **Pauses** (refuses without tripping): the minutes around Deribit's daily settlement, 07:59–08:01 UTC, when
 *   prices jump and the venue may answer 10041 (`settlementPause`, on by default).
 *
 * A refused order comes back as an `OrderUpdate` in state `rejected` with the reason, like a venue's refusal, so the
 * hedge loop treats it as one (the delta stays unhedged until the next decision).
 *
 * @since 0.1.0
 */
import type { Accounting } from "@hedgekit/backtest"
import type { Venue } from "@hedgekit/sdk";
import { type MarketEvent } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

const Positive = Schema.Finite.check(Schema.isGreaterThan(0))

/**
 * @since 0.1.0
 * @category models
 */
export const Limits = Schema.Struct({
  /** Largest order, USD notional (inverse contracts × their USD size; linear × the mark). */
  maxOrderNotionalUsd: Schema.optional(Positive),
  /** Most orders in any 60 seconds. */
  maxOrdersPerMinute: Schema.optional(Schema.Int.check(Schema.isGreaterThan(0))),
  /** Market data older than this when an order is due (ms) trips the switch. */
  staleAfterMs: Schema.optional(Positive),
  /** Largest |book delta + hedge delta| (coins) before the policy halts (and the switch trips). */
  maxNetDelta: Schema.optional(Positive),
  /** Refuse orders from 07:59 to 08:01 UTC (default true). */
  settlementPause: Schema.optional(Schema.Boolean)
})

/** @since 0.1.0 @category models */
export type Limits = typeof Limits.Type

/**
 * The loop stopped because the kill switch tripped.
 *
 * @since 0.1.0
 * @category errors
 */
export class KillSwitchTripped extends Schema.TaggedError<KillSwitchTripped>()("KillSwitchTripped", {
  reason: Schema.String,
  cancelled: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `kill switch tripped: ${this.reason}${this.cancelled.length > 0 ? `; cancelled ${this.cancelled.join(", ")}` : ""}`
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface KillSwitch {
  /** The guarded venue. */
  readonly venue: Venue.VenueService
  /** Every market event the loop sees (for the hedge's mark and the age of the data). */
  readonly observe: (event: MarketEvent.MarketEvent) => void
  /** Trips the switch: cancels our open orders and refuses every order from now on. */
  readonly trip: (reason: string) => Effect.Effect<void, Venue.VenueError>
  /** Why it tripped, if it did. */
  readonly tripped: () => KillSwitchTripped | undefined
}

const DAY_MS = 86_400_000
const PAUSE_FROM = 7 * 3_600_000 + 59 * 60_000
const PAUSE_TO = 8 * 3_600_000 + 60_000

/**
 * Whether `timeMs` (UTC) falls in the settlement pause, 07:59:00–08:00:59.999.
 *
 * @since 0.1.0
 * @category guards
 */
export const inSettlementPause = (timeMs: number): boolean => {
  const t = ((timeMs % DAY_MS) + DAY_MS) % DAY_MS
  return t >= PAUSE_FROM && t < PAUSE_TO
}

/**
 * Guards `venue` with `limits`. `now` is the loop's clock (the wall clock live; the events' time in a replay).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  venue: Venue.VenueService,
  limits: Limits,
  options: {
    readonly prefix: string
    readonly hedge: Accounting.Holdings["hedge"]
    readonly now: () => number
    /** Told of each order a trip cancels (to journal it). */
    readonly onCancel?: (update: Venue.OrderUpdate) => void
  }
): KillSwitch => {
  const decoded = Schema.decodeUnknownSync(Limits)(limits)
  const { hedge, prefix, now } = options
  const pause = decoded.settlementPause ?? true
  const sent: Array<number> = []
  let lastEventMs = NaN
  let mark = NaN
  let trippedBy: KillSwitchTripped | undefined

  const refuse = (order: Venue.OrderRequest, reason: string): Venue.OrderUpdate => ({
    clientOrderId: order.clientOrderId, symbol: order.symbol, state: "rejected", filledQuantity: 0, timeMs: now(), reason, fills: []
  })

  const trip = (reason: string): Effect.Effect<void, Venue.VenueError> =>
    Effect.gen(function*() {
      if (trippedBy !== undefined) return
      trippedBy = new KillSwitchTripped({ reason, cancelled: [] })
      const cancelled: Array<string> = []
      for (const order of yield* venue.openOrders) {
        if (!order.clientOrderId.startsWith(prefix)) continue
        const update = yield* venue.cancel(order.clientOrderId)
        options.onCancel?.(update)
        cancelled.push(order.clientOrderId)
      }
      trippedBy = new KillSwitchTripped({ reason, cancelled })
    })

  const notionalUsd = (quantity: number): number =>
    hedge.kind === "spot" ? quantity * mark : hedge.settlement === "inverse" ? quantity * hedge.contractSize : quantity * hedge.contractSize * mark

  return {
    observe: (event) => {
      if (!(event.timeMs <= lastEventMs)) lastEventMs = event.timeMs // NaN until the first event
      if (event.kind === "perpetual" && event.symbol === hedge.symbol) mark = event.mark
      else if (event.kind === "index" && hedge.kind === "spot") mark = event.price
    },
    trip,
    tripped: () => trippedBy,
    venue: {
      ...venue,
      place: (order) =>
        Effect.gen(function*() {
          if (trippedBy !== undefined) return refuse(order, `kill switch tripped: ${trippedBy.reason}`)
          const t = now()
          if (pause && inSettlementPause(t)) return refuse(order, "settlement pause (07:59–08:01 UTC)")
          if (decoded.staleAfterMs !== undefined && !(t - lastEventMs <= decoded.staleAfterMs)) {
            yield* trip(lastEventMs === lastEventMs ? `market data stale: the last event is ${((t - lastEventMs) / 1000).toFixed(1)} s old (limit ${(decoded.staleAfterMs / 1000).toFixed(1)} s)` : "no market data yet")
            return refuse(order, `kill switch tripped: ${trippedBy!.reason}`)
          }
          if (decoded.maxOrderNotionalUsd !== undefined) {
            const usd = notionalUsd(order.quantity)
            if (!(usd <= decoded.maxOrderNotionalUsd)) {
              yield* trip(`an order of ${usd.toFixed(0)} USD notional (${order.side} ${order.quantity} ${order.symbol}) above the limit of ${decoded.maxOrderNotionalUsd} USD`)
              return refuse(order, `kill switch tripped: ${trippedBy!.reason}`)
            }
          }
          if (decoded.maxOrdersPerMinute !== undefined) {
            while (sent.length > 0 && sent[0]! <= t - 60_000) sent.shift()
            if (sent.length >= decoded.maxOrdersPerMinute) {
              yield* trip(`${sent.length + 1} orders within a minute, above the limit of ${decoded.maxOrdersPerMinute}`)
              return refuse(order, `kill switch tripped: ${trippedBy!.reason}`)
            }
            sent.push(t)
          }
          return yield* venue.place(order)
        })
    }
  }
}
