/**
 * Deribit as an SDK `Venue`: JSON-RPC 2.0 over one WebSocket (`ws`), kept alive across disconnects, with the
 * operations a journal needs to recover after a crash or a lost answer.
 *
 * **Orders.** `place` sends `private/buy|sell` with the `clientOrderId` as Deribit's `label` (1–64 characters)
 * and `valid_until` = now (server clock) + `validUntilMs` — after that instant Deribit refuses to execute the
 * request (`13888 timed_out`), so a request that was not delivered in time can never execute later. Quantities
 * are contracts, as everywhere in the SDK: `amount = quantity × contract_size` (BTC-PERPETUAL: 10-USD contracts,
 * so 3 contracts go out as `amount: 30` USD; options: 1-BTC contracts). A quantity off the amount step or below
 * the minimum, a limit order without a price, an unknown instrument or a bad label is answered with a `"rejected"`
 * update and never sent; limit prices are put on the tick grid away from the market (a buy rounds down, a sell up).
 *
 * **Lost answers are not resent.** Deribit does not deduplicate labels. When an order request times out or its
 * connection dies in flight, `place` fails with a `VenueError` that is `retryable` with code `"timeout"` or
 * `"connection-lost"`: the order may or may not exist. Ask {@link DeribitService.resolveByLabel} (which reads
 * `private/get_order_state_by_label`): `Found` gives the order(s) and their fills; `NotFound` says whether
 * `valid_until` (plus a clock margin) has passed, after which sending again is safe. Whether to send again is the
 * journal's decision, never this adapter's.
 *
 * **Errors** map to `VenueError { venue: "deribit", operation, code, retryable, detail }`: Deribit's code as a
 * string, `retryable` for 10028, 10040, 10041, 10047, 10066, 11051, 11094, 13028, 13888 (and the adapter's
 * `"timeout"`, `"connection-lost"`, `"not-sent"`, `"not-connected"`), not for the rest. `10028` is retried here
 * after emptying the client-side bucket, with exponential backoff; `13009` triggers a new authentication and one
 * retry. Credentials never appear in errors, logs or `toString` output (they are `Redacted`).
 *
 * **Connection.** Authentication by client credentials, token refresh before expiry, heartbeats answered,
 * cancel-on-disconnect enabled, subscriptions restored and books re-snapshotted after every reconnect (capped
 * exponential backoff), and a `Reconnected` event on {@link DeribitService.events} so the loop can reconcile.
 * Trades missed while disconnected are fetched (`private/get_user_trades_by_currency_and_time`) and delivered on
 * `fills`; each trade is delivered once (by trade id), and trades already returned by `place` are not repeated.
 *
 * @since 0.1.0
 */
import { type MarketEvent, Venue } from "@hedgekit/sdk"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Exit from "effect/Exit"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { LocalBook } from "./internal/deribit/book.js"
import * as Mapping from "./internal/deribit/mapping.js"
import * as Protocol from "./internal/deribit/protocol.js"
import * as Session from "./internal/deribit/session.js"

/**
 * Deribit's testnet WebSocket endpoint (separate keys from mainnet).
 *
 * @since 0.1.0
 * @category constants
 */
export const TESTNET_URL = "wss://test.deribit.com/ws/api/v2"

/**
 * Deribit's production WebSocket endpoint.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAINNET_URL = "wss://www.deribit.com/ws/api/v2"

/**
 * A client-side token bucket: `burst` requests at once, `ratePerSec` sustained.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimit {
  readonly ratePerSec: number
  readonly burst: number
}

/**
 * The adapter's configuration. Only the credentials are required; the network defaults to testnet.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeribitConfig {
  /** `"testnet"` (default) or `"mainnet"`; ignored when `url` is set. */
  readonly network?: "testnet" | "mainnet"
  /** An explicit endpoint (a local fake in tests). */
  readonly url?: string
  readonly clientId: Redacted.Redacted<string>
  readonly clientSecret: Redacted.Redacted<string>
  /** The currency whose orders, trades, positions and balance this adapter manages (default "BTC"). */
  readonly currency?: string
  /**
   * Labels this process owns: `fills`, `orderUpdates`, `openOrders` and the default of `openOrdersByLabelPrefix`
   * only show orders whose label starts with it (default: every order of the currency).
   */
  readonly labelPrefix?: string
  /** `valid_until` horizon of order requests, ms after now (default 10 000). */
  readonly validUntilMs?: number
  /** `public/set_heartbeat` interval in seconds (Deribit's minimum is 10; default 10; 0 turns it off). */
  readonly heartbeatIntervalSec?: number
  /** Timeout of a request other than an order (default 10 000 ms). */
  readonly requestTimeoutMs?: number
  /** Timeout of `private/buy|sell|edit` (default 5 000 ms; keep it below `validUntilMs`). */
  readonly orderTimeoutMs?: number
  readonly connectTimeoutMs?: number
  /** Attempts at the first connection before the layer fails (default 5). */
  readonly connectAttempts?: number
  /** `private/enable_cancel_on_disconnect` scope (default "connection"; "off" leaves it disabled). */
  readonly cancelOnDisconnect?: "connection" | "account" | "off"
  /**
   * Client-side limits per class: matching engine (buy, sell, edit, cancel*) and everything else. Defaults: 5/s
   * with a burst of 20 (Deribit's lowest tier) and 20/s with a burst of 100 (non-matching); set them from
   * `private/get_account_summary`'s `limits` for a higher tier, with some headroom (say 10 % less rate and burst):
   * network jitter compresses the gaps between requests on arrival.
   */
  readonly rateLimits?: { readonly matching?: RateLimit; readonly nonMatching?: RateLimit }
  /** Retries after `10028` (default 4), with exponential backoff from `rateLimitBackoffMs` (default 250). */
  readonly rateLimitRetries?: number
  readonly rateLimitBackoffMs?: number
  /** Reconnect backoff (defaults: 250 ms doubling to 30 s, jittered). */
  readonly reconnect?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number; readonly factor?: number }
  /** Fraction of a token's lifetime after which it is refreshed (default 0.8). */
  readonly tokenRefreshAt?: number
  /** Clock margin added to `valid_until` before a missing order counts as safe to resend (default 2 000 ms). */
  readonly resendMarginMs?: number
}

/**
 * One book, best levels first: `[price, amount]` with the amount in Deribit's units (USD for inverse futures,
 * coins for options).
 *
 * @since 0.1.0
 * @category models
 */
export interface BookSnapshot {
  readonly instrument: string
  readonly timeMs: number
  readonly changeId: number
  readonly bids: ReadonlyArray<readonly [number, number]>
  readonly asks: ReadonlyArray<readonly [number, number]>
}

/**
 * What the venue knows of a label. `NotFound.safeToResend`: this process sent the label with a `valid_until` that
 * has passed (server clock plus `resendMarginMs`), so the request can no longer execute. `validUntilMs` is
 * `undefined` when this process did not send it (after a restart, the journal's record decides).
 *
 * @since 0.1.0
 * @category models
 */
export type Resolution =
  | { readonly _tag: "Found"; readonly orders: ReadonlyArray<Venue.OrderUpdate> }
  | { readonly _tag: "NotFound"; readonly label: string; readonly validUntilMs: number | undefined; readonly safeToResend: boolean }

/**
 * Connection and data-integrity events: `Connected`, `Disconnected`, `Reconnected` (reconcile now),
 * `Authenticated`, `RateLimited`, `BookResync` (a book was re-snapshotted after a gap or reconnect),
 * `FillsRecovered` (trades missed while disconnected, delivered on `fills`).
 *
 * @since 0.1.0
 * @category models
 */
export type DeribitEvent = Session.SessionEvent

/**
 * An instrument's trading specification (from `public/get_instruments`).
 *
 * @since 0.1.0
 * @category models
 */
export type InstrumentSpec = Mapping.InstrumentInfo

/**
 * The Deribit service: the SDK's `VenueService` and what recovery and live data need.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeribitService extends Venue.VenueService {
  readonly currency: string
  /**
   * The SDK's recovery lookup: the most recent order with this label (open or not) with its fills, `undefined` when
   * Deribit has none (only conclusive once the order's `valid_until` has passed).
   */
  readonly orderByClientId: (clientOrderId: string) => Effect.Effect<Venue.OrderUpdate | undefined, Venue.VenueError>
  /** The SDK's recovery fills: our trades (labels under `labelPrefix`) since `sinceMs`, oldest first. */
  readonly fillsSince: (sinceMs: number) => Effect.Effect<ReadonlyArray<Venue.Fill>, Venue.VenueError>
  /** Every order with this label (Deribit keeps closed orders about 30 minutes), oldest first, with their fills. */
  readonly orderStateByLabel: (label: string) => Effect.Effect<ReadonlyArray<Venue.OrderUpdate>, Venue.VenueError>
  /** Whether an order whose answer was lost exists; see {@link Resolution}. */
  readonly resolveByLabel: (label: string) => Effect.Effect<Resolution, Venue.VenueError>
  /** Open orders whose label starts with `prefix` (default `labelPrefix`): orphans to cancel after a crash. */
  readonly openOrdersByLabelPrefix: (prefix?: string) => Effect.Effect<ReadonlyArray<Venue.OrderUpdate>, Venue.VenueError>
  /** The account's trades in the currency since `timeMs` (UTC ms), oldest first, every label. */
  readonly userTradesSince: (timeMs: number) => Effect.Effect<ReadonlyArray<Venue.Fill>, Venue.VenueError>
  /** Changes the quantity (total, in contracts) and/or limit price of the open order with this label. */
  readonly edit: (clientOrderId: string, change: { readonly quantity?: number; readonly limitPrice?: number }) => Effect.Effect<Venue.OrderUpdate, Venue.VenueError>
  /** Cancels one order by Deribit's order id (labels may be shared by several orders). */
  readonly cancelByVenueId: (venueOrderId: string) => Effect.Effect<Venue.OrderUpdate, Venue.VenueError>
  readonly instrument: (symbol: string) => Effect.Effect<InstrumentSpec, Venue.VenueError>
  /** Order updates as Deribit reports them (`user.orders.any.{currency}.raw`), for orders under `labelPrefix`. */
  readonly orderUpdates: Stream.Stream<Venue.OrderUpdate>
  /**
   * SDK market events from `ticker.{symbol}.100ms`: perpetual marks with top of book, dated futures as forwards,
   * option quotes (coin premiums, decimal vols); with `index` (default true) the currency's index from
   * `deribit_price_index.{currency}_usd`.
   */
  readonly marketData: (symbols: ReadonlyArray<string>, options?: { readonly index?: boolean }) => Stream.Stream<MarketEvent.MarketEvent, Venue.VenueError>
  /** A book kept from `book.{symbol}.100ms`, re-snapshotted on a `change_id` gap or a reconnect; one snapshot per change. */
  readonly orderBook: (symbol: string, options?: { readonly depth?: number }) => Stream.Stream<BookSnapshot, Venue.VenueError>
  readonly events: Stream.Stream<DeribitEvent>
  /** Deribit's clock as this process estimates it (ms). */
  readonly serverTimeMs: Effect.Effect<number>
  readonly isConnected: Effect.Effect<boolean>
}

/**
 * The Deribit service tag (its layers also provide the SDK's `Venue`).
 *
 * @since 0.1.0
 * @category models
 */
export class Deribit extends Context.Service<Deribit, DeribitService>()("@hedgekit/execution/Deribit") {}

const VENUE = "deribit"
const ORDER_OPERATIONS = new Set(["place", "edit"])
const SEEN_CAP = 100_000

const configError = (detail: string) => new Venue.VenueError({ venue: VENUE, operation: "configure", code: "config", retryable: false, detail })

/** A call failure as the SDK's error. Order requests whose outcome is unknown say how to find out. */
const toVenueError = (operation: string) => (f: Session.CallFailure): Venue.VenueError => {
  const unknownOutcome = ORDER_OPERATIONS.has(operation)
    ? "; the order may have been executed: resolve it by label before sending it again"
    : ""
  switch (f._tag) {
    case "RpcError":
      return new Venue.VenueError({ venue: VENUE, operation, code: String(f.code), retryable: Protocol.isRetryableCode(f.code), detail: Session.describe(f) })
    case "Timeout":
      return new Venue.VenueError({ venue: VENUE, operation, code: "timeout", retryable: true, detail: `${Session.describe(f)}${unknownOutcome}` })
    case "ConnectionLost":
      return f.sent
        ? new Venue.VenueError({ venue: VENUE, operation, code: "connection-lost", retryable: true, detail: `${Session.describe(f)}${unknownOutcome}` })
        : new Venue.VenueError({ venue: VENUE, operation, code: "not-sent", retryable: true, detail: Session.describe(f) })
    case "NotConnected":
      return new Venue.VenueError({ venue: VENUE, operation, code: "not-connected", retryable: true, detail: Session.describe(f) })
    case "BadResponse":
      return new Venue.VenueError({ venue: VENUE, operation, code: "bad-response", retryable: false, detail: f.detail })
  }
}

const badResponse = (operation: string, what: string, error: string) =>
  new Venue.VenueError({ venue: VENUE, operation, code: "bad-response", retryable: false, detail: `unexpected ${what}: ${error}` })

const decodeOrderResult = Protocol.decode(Protocol.OrderResult)
const decodeOrder = Protocol.decode(Protocol.Order)
const decodeOrders = Protocol.decode(Protocol.Orders)
const decodeTrades = Protocol.decode(Protocol.Trades)
const decodeTradesPage = Protocol.decode(Protocol.TradesPage)
const decodeInstrument = Protocol.decode(Protocol.Instrument)
const decodeInstruments = Protocol.decode(Protocol.Instruments)
const decodePositions = Protocol.decode(Protocol.Positions)
const decodeSummary = Protocol.decode(Protocol.AccountSummary)
const decodeBook = Protocol.decode(Protocol.BookNotification)
const decodeOrderBook = Protocol.decode(Protocol.OrderBook)
const decodeTicker = Protocol.decode(Protocol.Ticker)
const decodeIndex = Protocol.decode(Protocol.IndexPrice)

const positiveOr = (value: number | undefined, fallback: number, name: string): number => {
  const v = value ?? fallback
  if (!(v > 0) || !Number.isFinite(v)) throw configError(`${name} must be a positive number (got ${v})`)
  return v
}

const resolveSessionConfig = (config: DeribitConfig): Session.SessionConfig & { readonly url: string } => {
  const rate = (r: RateLimit | undefined, fallback: RateLimit, name: string): RateLimit => ({
    ratePerSec: positiveOr(r?.ratePerSec, fallback.ratePerSec, `rateLimits.${name}.ratePerSec`),
    burst: Math.max(1, positiveOr(r?.burst, fallback.burst, `rateLimits.${name}.burst`))
  })
  const heartbeat = config.heartbeatIntervalSec ?? 10
  if (!(heartbeat >= 0) || !Number.isFinite(heartbeat)) throw configError(`heartbeatIntervalSec must be 0 or more (got ${heartbeat})`)
  const url = config.url ?? (config.network === "mainnet" ? MAINNET_URL : TESTNET_URL)
  if (!/^wss?:\/\//.test(url)) throw configError("url must be a ws:// or wss:// URL")
  const refreshAt = config.tokenRefreshAt ?? 0.8
  if (!(refreshAt > 0 && refreshAt < 1)) throw configError(`tokenRefreshAt must be between 0 and 1 (got ${refreshAt})`)
  return {
    url,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    heartbeatIntervalSec: heartbeat,
    requestTimeoutMs: positiveOr(config.requestTimeoutMs, 10_000, "requestTimeoutMs"),
    connectTimeoutMs: positiveOr(config.connectTimeoutMs, 10_000, "connectTimeoutMs"),
    connectAttempts: Math.max(1, Math.floor(positiveOr(config.connectAttempts, 5, "connectAttempts"))),
    cancelOnDisconnect: config.cancelOnDisconnect ?? "connection",
    rateLimits: {
      matching: rate(config.rateLimits?.matching, { ratePerSec: 5, burst: 20 }, "matching"),
      nonMatching: rate(config.rateLimits?.nonMatching, { ratePerSec: 20, burst: 100 }, "nonMatching")
    },
    rateLimitRetries: Math.max(0, Math.floor(config.rateLimitRetries ?? 4)),
    rateLimitBackoffMs: positiveOr(config.rateLimitBackoffMs, 250, "rateLimitBackoffMs"),
    reconnect: {
      initialDelayMs: positiveOr(config.reconnect?.initialDelayMs, 250, "reconnect.initialDelayMs"),
      maxDelayMs: positiveOr(config.reconnect?.maxDelayMs, 30_000, "reconnect.maxDelayMs"),
      factor: Math.max(1, positiveOr(config.reconnect?.factor, 2, "reconnect.factor"))
    },
    tokenRefreshAt: refreshAt
  }
}

/**
 * Connects (first connection, authentication, instruments of the currency) and returns the service; the scope
 * closes the connection (which cancels this connection's open orders when cancel-on-disconnect is on).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (config: DeribitConfig): Effect.Effect<DeribitService, Venue.VenueError, Scope.Scope> =>
  Effect.gen(function*() {
    const sessionConfig = yield* Effect.try({ try: () => resolveSessionConfig(config), catch: (e) => (e instanceof Venue.VenueError ? e : configError(String(e))) })
    const currency = config.currency ?? "BTC"
    const labelPrefix = config.labelPrefix ?? ""
    const horizonMs = yield* Effect.try({ try: () => positiveOr(config.validUntilMs, 10_000, "validUntilMs"), catch: (e) => e as Venue.VenueError })
    const orderTimeoutMs = yield* Effect.try({ try: () => positiveOr(config.orderTimeoutMs, 5_000, "orderTimeoutMs"), catch: (e) => e as Venue.VenueError })
    const resendMarginMs = config.resendMarginMs ?? 2_000
    const session = yield* Session.make(sessionConfig)
    const call = (operation: string, method: string, params: Record<string, unknown>, options?: Session.CallOptions) =>
      session.call(method, params, options).pipe(Effect.mapError(toVenueError(operation)))
    const read = (operation: string, method: string, params: Record<string, unknown>) => call(operation, method, params, { idempotent: true })
    const ours = (label: string | undefined) => (label ?? "").startsWith(labelPrefix)

    // ------------------------------------------------------------------------------------ instruments
    const instruments = new Map<string, Mapping.InstrumentInfo>()
    const remember = (raw: Protocol.Instrument) => {
      const info = Mapping.toInstrumentInfo(raw)
      instruments.set(info.name, info)
      return info
    }
    const infoFor = (symbol: string): Effect.Effect<Mapping.InstrumentInfo | undefined, Venue.VenueError> =>
      Effect.suspend(() => {
        const known = instruments.get(symbol)
        if (known !== undefined) return Effect.succeed(known)
        return session.call("public/get_instrument", { instrument_name: symbol }, { idempotent: true }).pipe(
          Effect.map((raw) => {
            const decoded = decodeInstrument(raw)
            return decoded.ok ? remember(decoded.value) : undefined
          }),
          Effect.catch((f) =>
            f._tag === "RpcError" && (f.code === 10020 || f.code === 13020 || f.code === -32602) ? Effect.succeed(undefined) : Effect.fail(toVenueError("instrument")(f))
          )
        )
      })
    const infosFor = (symbols: Iterable<string>) =>
      Effect.forEach([...new Set(symbols)], (s) => Effect.map(infoFor(s), (info) => [s, info] as const)).pipe(Effect.map((pairs) => new Map(pairs)))

    // ------------------------------------------------------------------------------------ fills and order updates
    const fillListeners = new Set<(fill: Venue.Fill) => void>()
    const orderListeners = new Set<(update: Venue.OrderUpdate) => void>()
    const seen = new Set<string>()
    const seenOrder: Array<string> = []
    /** Labels with a `place`/`edit` awaiting its answer: their trade notifications wait for it. */
    const inFlight = new Map<string, { count: number; buffered: Array<Venue.Fill> }>()
    const sentValidUntil = new Map<string, number>()

    /** The latest `valid_until` sent per label (entries an hour past it are dropped, to bound the map). */
    const rememberValidUntil = (label: string, validUntil: number) => {
      sentValidUntil.set(label, Math.max(validUntil, sentValidUntil.get(label) ?? 0))
      if (sentValidUntil.size > 10_000) {
        const horizon = session.serverNowMs() - 3_600_000
        for (const [key, until] of sentValidUntil) if (until < horizon) sentValidUntil.delete(key)
      }
    }
    const markSeen = (tradeId: string): boolean => {
      if (seen.has(tradeId)) return false
      seen.add(tradeId)
      seenOrder.push(tradeId)
      if (seenOrder.length > SEEN_CAP) seen.delete(seenOrder.shift()!)
      return true
    }
    const deliver = (fill: Venue.Fill): boolean => {
      if (!ours(fill.clientOrderId)) return false
      const waiting = inFlight.get(fill.clientOrderId)
      if (waiting !== undefined) {
        if (!seen.has(fill.tradeId) && !waiting.buffered.some((f) => f.tradeId === fill.tradeId)) waiting.buffered.push(fill)
        return false
      }
      if (!markSeen(fill.tradeId)) return false
      for (const listener of fillListeners) listener(fill)
      return true
    }
    const beginInFlight = (label: string) => {
      const entry = inFlight.get(label) ?? { count: 0, buffered: [] }
      entry.count++
      inFlight.set(label, entry)
    }
    /** The answer came (or never will): trades in it are delivered by `place`; the rest go out on `fills`. */
    const endInFlight = (label: string, answered: ReadonlyArray<Venue.Fill>) => {
      for (const fill of answered) markSeen(fill.tradeId)
      const entry = inFlight.get(label)
      if (entry === undefined) return
      if (--entry.count > 0) return
      inFlight.delete(label)
      for (const fill of entry.buffered) deliver(fill)
    }

    yield* session.subscribe([`user.trades.any.${currency}.raw`], (data) => {
      const decoded = decodeTrades(Array.isArray(data) ? data : [data])
      if (!decoded.ok) return
      for (const trade of decoded.value) deliver(Mapping.toFill(trade, instruments.get(trade.instrument_name)))
    })
    yield* session.subscribe([`user.orders.any.${currency}.raw`], (data) => {
      const decoded = decodeOrders(Array.isArray(data) ? data : [data])
      if (!decoded.ok) return
      for (const order of decoded.value) {
        if (!ours(order.label)) continue
        const update = Mapping.toOrderUpdate(order, instruments.get(order.instrument_name), [])
        for (const listener of orderListeners) listener(update)
      }
    })

    // ------------------------------------------------------------------------------------ reads
    const userTradesSince = (timeMs: number): Effect.Effect<ReadonlyArray<Venue.Fill>, Venue.VenueError> =>
      Effect.gen(function*() {
        const trades: Array<Protocol.Trade> = []
        const ids = new Set<string>()
        const end = Math.ceil(session.serverNowMs() + 60_000)
        const historical = session.serverNowMs() - timeMs > 23 * 3600_000
        let start = Math.floor(timeMs)
        for (let page = 0; page < 10_000; page++) {
          const raw = yield* read("userTradesSince", "private/get_user_trades_by_currency_and_time", {
            currency, start_timestamp: start, end_timestamp: end, count: 1000, sorting: "asc", ...(historical ? { historical: true } : {})
          })
          const decoded = decodeTradesPage(raw)
          if (!decoded.ok) return yield* Effect.fail(badResponse("userTradesSince", "trades page", decoded.error))
          let fresh = 0
          let last = start
          for (const trade of decoded.value.trades) {
            last = Math.max(last, trade.timestamp)
            if (ids.has(trade.trade_id)) continue
            ids.add(trade.trade_id)
            trades.push(trade)
            fresh++
          }
          if (decoded.value.has_more !== true || decoded.value.trades.length === 0) break
          // the next page starts at the last timestamp seen (inclusive, deduplicated by trade id); a page made
          // only of trades already seen (more than `count` in one millisecond) cannot be paged by time: skip it
          start = fresh === 0 ? last + 1 : last
        }
        const infos = yield* infosFor(trades.map((t) => t.instrument_name))
        return trades.sort((a, b) => a.timestamp - b.timestamp).map((t) => Mapping.toFill(t, infos.get(t.instrument_name)))
      })

    const fillsOfOrder = (orderId: string) =>
      Effect.gen(function*() {
        const raw = yield* read("orderStateByLabel", "private/get_user_trades_by_order", { order_id: orderId })
        const decoded = decodeTrades(raw)
        if (!decoded.ok) return yield* Effect.fail(badResponse("orderStateByLabel", "trades", decoded.error))
        const infos = yield* infosFor(decoded.value.map((t) => t.instrument_name))
        return decoded.value.map((t) => Mapping.toFill(t, infos.get(t.instrument_name)))
      })

    const ordersToUpdates = (orders: ReadonlyArray<Protocol.Order>, withFills: boolean) =>
      Effect.gen(function*() {
        const infos = yield* infosFor(orders.map((o) => o.instrument_name))
        const sorted = [...orders].sort((a, b) => a.creation_timestamp - b.creation_timestamp)
        return yield* Effect.forEach(sorted, (order) =>
          withFills && order.filled_amount > 0
            ? Effect.map(fillsOfOrder(order.order_id), (fills) => Mapping.toOrderUpdate(order, infos.get(order.instrument_name), fills))
            : Effect.succeed(Mapping.toOrderUpdate(order, infos.get(order.instrument_name), [])))
      })

    const ordersByLabel = (operation: string, label: string) =>
      Effect.gen(function*() {
        const raw = yield* read(operation, "private/get_order_state_by_label", { currency, label })
        const decoded = decodeOrders(raw)
        if (!decoded.ok) return yield* Effect.fail(badResponse(operation, "orders", decoded.error))
        return decoded.value
      })

    const openOrdersOf = (operation: string, method: string, params: Record<string, unknown>) =>
      Effect.gen(function*() {
        const raw = yield* read(operation, method, params)
        const decoded = decodeOrders(raw)
        if (!decoded.ok) return yield* Effect.fail(badResponse(operation, "orders", decoded.error))
        return decoded.value
      })

    const orderStateByLabel = (label: string) => Effect.flatMap(ordersByLabel("orderStateByLabel", label), (orders) => ordersToUpdates(orders, true))

    const resolveByLabel = (label: string): Effect.Effect<Resolution, Venue.VenueError> =>
      Effect.map(orderStateByLabel(label), (orders): Resolution => {
        if (orders.length > 0) return { _tag: "Found", orders }
        const validUntilMs = sentValidUntil.get(label)
        return { _tag: "NotFound", label, validUntilMs, safeToResend: validUntilMs !== undefined && session.serverNowMs() > validUntilMs + resendMarginMs }
      })

    const openOrdersByLabelPrefix = (prefix: string = labelPrefix) =>
      Effect.flatMap(openOrdersOf("openOrdersByLabelPrefix", "private/get_open_orders_by_currency", { currency }), (orders) =>
        ordersToUpdates(orders.filter((o) => (o.label ?? "").startsWith(prefix)), false))

    // ------------------------------------------------------------------------------------ orders
    const submit = (operation: "place" | "edit", label: string, method: string, params: Record<string, unknown>) =>
      Effect.gen(function*() {
        beginInFlight(label)
        const exit = yield* call(operation, method, params, { timeoutMs: orderTimeoutMs }).pipe(
          Effect.onInterrupt(() => Effect.sync(() => endInFlight(label, []))),
          Effect.exit
        )
        if (Exit.isFailure(exit)) {
          endInFlight(label, [])
          return yield* Effect.failCause(exit.cause)
        }
        const decoded = decodeOrderResult(exit.value)
        if (!decoded.ok) {
          endInFlight(label, [])
          return yield* Effect.fail(badResponse(operation, "order result", decoded.error))
        }
        const info = instruments.get(decoded.value.order.instrument_name)
        const answered = decoded.value.trades.map((t) => Mapping.toFill(t, info))
        endInFlight(label, answered)
        return Mapping.toOrderUpdate(decoded.value.order, info, answered)
      })

    const place = Effect.fn("Deribit.place")(function*(order: Venue.OrderRequest) {
      const nowMs = session.serverNowMs()
      const labelIssue = Mapping.labelProblem(order.clientOrderId)
      if (labelIssue !== undefined) return Mapping.localRejection(order, labelIssue, nowMs)
      const info = yield* infoFor(order.symbol)
      if (info === undefined) return Mapping.localRejection(order, `unknown instrument ${order.symbol}`, nowMs)
      const amount = Mapping.toAmount(info, order.quantity)
      if ("reason" in amount) return Mapping.localRejection(order, amount.reason, nowMs)
      const params: Record<string, unknown> = { instrument_name: info.name, amount: amount.amount, type: order.type, label: order.clientOrderId }
      if (order.type === "limit") {
        if (order.limitPrice === undefined) return Mapping.localRejection(order, "a limit order needs limitPrice", nowMs)
        params.price = Mapping.roundLimitPrice(info, order.limitPrice, order.side)
        if (order.postOnly === true) {
          params.post_only = true
          params.reject_post_only = true
        }
      } else if (order.postOnly === true) {
        return Mapping.localRejection(order, "a post-only order cannot be a market order", nowMs)
      }
      if (order.reduceOnly === true) params.reduce_only = true
      const validUntil = Math.floor(order.validUntilMs ?? nowMs + horizonMs)
      params.valid_until = validUntil
      rememberValidUntil(order.clientOrderId, validUntil)
      return yield* submit("place", order.clientOrderId, order.side === "buy" ? "private/buy" : "private/sell", params)
    })

    const cancelByVenueId = Effect.fn("Deribit.cancelByVenueId")(function*(venueOrderId: string) {
      const raw = yield* call("cancel", "private/cancel", { order_id: venueOrderId })
      const decoded = decodeOrder(raw)
      if (!decoded.ok) return yield* Effect.fail(badResponse("cancel", "order", decoded.error))
      return Mapping.toOrderUpdate(decoded.value, yield* infoFor(decoded.value.instrument_name), [])
    })

    const cancel = Effect.fn("Deribit.cancel")(function*(clientOrderId: string) {
      const open = yield* openOrdersOf("cancel", "private/get_open_orders_by_label", { currency, label: clientOrderId })
      if (open.length === 0) {
        const known = yield* ordersByLabel("cancel", clientOrderId)
        const updates = yield* ordersToUpdates(known, false)
        const last = updates[updates.length - 1]
        if (last !== undefined) return last
        return Mapping.localRejection(
          { clientOrderId, symbol: "", side: "buy", quantity: 1, type: "market" },
          `no ${currency} order with label ${clientOrderId}`,
          session.serverNowMs()
        )
      }
      const updates: Array<Venue.OrderUpdate> = []
      for (const order of [...open].sort((a, b) => a.creation_timestamp - b.creation_timestamp)) {
        const update = yield* cancelByVenueId(order.order_id).pipe(
          // filled or cancelled meanwhile: report what it became
          Effect.catchIf((e) => e.code === "10004" || e.code === "11044" || e.code === "10010", () =>
            Effect.flatMap(read("cancel", "private/get_order_state", { order_id: order.order_id }), (raw) => {
              const decoded = decodeOrder(raw)
              return decoded.ok ? Effect.succeed(Mapping.toOrderUpdate(decoded.value, instruments.get(decoded.value.instrument_name), [])) : Effect.fail(badResponse("cancel", "order", decoded.error))
            }))
        )
        updates.push(update)
      }
      return updates[updates.length - 1]!
    })

    const edit = Effect.fn("Deribit.edit")(function*(clientOrderId: string, change: { readonly quantity?: number; readonly limitPrice?: number }) {
      const open = yield* openOrdersOf("edit", "private/get_open_orders_by_label", { currency, label: clientOrderId })
      const target = [...open].sort((a, b) => b.creation_timestamp - a.creation_timestamp)[0]
      const nowMs = session.serverNowMs()
      if (target === undefined) {
        return Mapping.localRejection({ clientOrderId, symbol: "", side: "buy", quantity: 1, type: "market" }, `no open ${currency} order with label ${clientOrderId}`, nowMs)
      }
      const info = yield* infoFor(target.instrument_name)
      if (info === undefined) return yield* Effect.fail(badResponse("edit", "instrument", target.instrument_name))
      const validUntil = Math.floor(nowMs + horizonMs)
      const params: Record<string, unknown> = { order_id: target.order_id, amount: target.amount, valid_until: validUntil }
      rememberValidUntil(clientOrderId, validUntil)
      if (change.quantity !== undefined) {
        const amount = Mapping.toAmount(info, change.quantity)
        if ("reason" in amount) {
          return Mapping.localRejection({ clientOrderId, symbol: target.instrument_name, side: target.direction, quantity: change.quantity, type: "limit" }, amount.reason, nowMs)
        }
        params.amount = amount.amount
      }
      if (change.limitPrice !== undefined) params.price = Mapping.roundLimitPrice(info, change.limitPrice, target.direction)
      else if (typeof target.price === "number") params.price = target.price
      return yield* submit("edit", clientOrderId, "private/edit", params)
    })

    const openOrders = Effect.flatMap(openOrdersOf("openOrders", "private/get_open_orders_by_currency", { currency }), (orders) =>
      ordersToUpdates(orders.filter((o) => ours(o.label)), false))

    const positions = Effect.gen(function*() {
      const raw = yield* read("positions", "private/get_positions", { currency })
      const decoded = decodePositions(raw)
      if (!decoded.ok) return yield* Effect.fail(badResponse("positions", "positions", decoded.error))
      const infos = yield* infosFor(decoded.value.map((p) => p.instrument_name))
      return decoded.value.map((p) => Mapping.toPosition(p, infos.get(p.instrument_name)))
    })

    const balances = Effect.gen(function*() {
      const raw = yield* read("balances", "private/get_account_summary", { currency })
      const decoded = decodeSummary(raw)
      if (!decoded.ok) return yield* Effect.fail(badResponse("balances", "account summary", decoded.error))
      const s = decoded.value
      return [{ currency: s.currency, total: s.equity, ...(typeof s.available_funds === "number" ? { available: s.available_funds } : {}) }]
    })

    // ------------------------------------------------------------------------------------ streams
    const fromListeners = <A>(listeners: Set<(a: A) => void>): Stream.Stream<A> =>
      Stream.callback<A>((queue) =>
        Effect.acquireRelease(
          Effect.sync(() => {
            const listener = (a: A) => {
              Queue.offerUnsafe(queue, a)
            }
            listeners.add(listener)
            return listener
          }),
          (listener) => Effect.sync(() => listeners.delete(listener))
        ))

    const events: Stream.Stream<DeribitEvent> = Stream.callback<DeribitEvent>((queue) =>
      Effect.acquireRelease(Effect.sync(() => session.addListener((e) => Queue.offerUnsafe(queue, e))), (remove) => Effect.sync(remove)))

    const marketData = (symbols: ReadonlyArray<string>, options: { readonly index?: boolean } = {}): Stream.Stream<MarketEvent.MarketEvent, Venue.VenueError> =>
      Stream.callback<MarketEvent.MarketEvent, Venue.VenueError>((queue) =>
        Effect.gen(function*() {
          const infos = new Map<string, Mapping.InstrumentInfo>()
          for (const symbol of symbols) {
            const info = yield* infoFor(symbol)
            if (info === undefined) {
              return yield* Effect.fail(new Venue.VenueError({ venue: VENUE, operation: "marketData", code: "10020", retryable: false, detail: `unknown instrument ${symbol}` }))
            }
            infos.set(symbol, info)
          }
          const channels = symbols.map((s) => `ticker.${s}.100ms`)
          if (options.index !== false) channels.push(`deribit_price_index.${currency.toLowerCase()}_usd`)
          yield* session.subscribe(channels, (data, channel) => {
            if (channel.startsWith("deribit_price_index.")) {
              const decoded = decodeIndex(data)
              if (decoded.ok && decoded.value.price > 0) {
                Queue.offerUnsafe(queue, { kind: "index", timeMs: decoded.value.timestamp, underlying: currency, price: decoded.value.price })
              }
              return
            }
            const decoded = decodeTicker(data)
            if (!decoded.ok) return
            const info = infos.get(decoded.value.instrument_name)
            if (info === undefined) return
            for (const event of Mapping.tickerEvents(decoded.value, info)) Queue.offerUnsafe(queue, event)
          })
        }))

    const orderBook = (symbol: string, options: { readonly depth?: number } = {}): Stream.Stream<BookSnapshot, Venue.VenueError> =>
      Stream.callback<BookSnapshot, Venue.VenueError>((out) =>
        Effect.gen(function*() {
          const info = yield* infoFor(symbol)
          if (info === undefined) {
            return yield* Effect.fail(new Venue.VenueError({ venue: VENUE, operation: "orderBook", code: "10020", retryable: false, detail: `unknown instrument ${symbol}` }))
          }
          const depth = options.depth ?? 20
          const book = new LocalBook(symbol)
          type Item = { readonly _tag: "notification"; readonly data: unknown } | { readonly _tag: "reconnected" }
          const inbox = yield* Queue.unbounded<Item>()
          const remove = session.addListener((event) => {
            if (event._tag === "Reconnected") Queue.offerUnsafe(inbox, { _tag: "reconnected" })
          })
          yield* Effect.addFinalizer(() => Effect.sync(remove))
          const publish = () => {
            if (book.changeId === undefined) return
            const { bids, asks } = book.top(depth)
            Queue.offerUnsafe(out, { instrument: symbol, timeMs: book.timeMs, changeId: book.changeId, bids, asks })
          }
          const resnapshot = (reason: "gap" | "reconnect") =>
            Effect.gen(function*() {
              session.emit({ _tag: "BookResync", instrument: symbol, reason, timeMs: Date.now() })
              const raw = yield* read("orderBook", "public/get_order_book", { instrument_name: symbol, depth: 1000 })
              const decoded = decodeOrderBook(raw)
              if (!decoded.ok) return yield* Effect.fail(badResponse("orderBook", "order book", decoded.error))
              book.applySnapshot(decoded.value)
              publish()
            })
          const step = (item: Item) =>
            Effect.gen(function*() {
              if (item._tag === "reconnected") {
                book.invalidate()
                return yield* resnapshot("reconnect")
              }
              const decoded = decodeBook(item.data)
              if (!decoded.ok) return
              const result = book.apply(decoded.value)
              if (result === "applied") publish()
              else if (result === "gap") yield* resnapshot("gap")
            })
          yield* Effect.forkScoped(
            Effect.forever(Effect.flatMap(Queue.take(inbox), (item) =>
              step(item).pipe(Effect.catch((e) => Effect.logWarning(`deribit: book ${symbol}: ${e.message}`).pipe(Effect.andThen(Effect.sync(() => book.invalidate())))))))
          )
          yield* session.subscribe([`book.${symbol}.100ms`], (data) => {
            Queue.offerUnsafe(inbox, { _tag: "notification", data })
          })
        }))

    // ------------------------------------------------------------------------------------ connect
    session.onReady((ready) =>
      ready.reconnect
        ? Effect.gen(function*() {
          // notifications may have been lost before the drop was noticed (up to the silence watchdog's 3 intervals)
          const since = (ready.downSinceMs ?? Date.now()) - Math.max(60_000, sessionConfig.heartbeatIntervalSec * 6_000)
          const missed = yield* userTradesSince(since)
          let count = 0
          for (const fill of missed) if (deliver(fill)) count++
          if (count > 0) session.emit({ _tag: "FillsRecovered", count, timeMs: Date.now() })
        })
        : Effect.void
    )
    yield* session.start.pipe(Effect.mapError(toVenueError("connect")))
    const raw = yield* read("instruments", "public/get_instruments", { currency, expired: false })
    const decoded = decodeInstruments(raw)
    if (!decoded.ok) return yield* Effect.fail(badResponse("instruments", "instruments", decoded.error))
    for (const instrument of decoded.value) remember(instrument)

    const service: DeribitService = {
      name: VENUE,
      currency,
      place,
      cancel,
      fills: fromListeners(fillListeners),
      openOrders,
      positions,
      balances,
      orderByClientId: (clientOrderId) => Effect.map(orderStateByLabel(clientOrderId), (orders) => orders.at(-1)),
      fillsSince: (sinceMs) => Effect.map(userTradesSince(sinceMs), (fills) => fills.filter((f) => ours(f.clientOrderId))),
      orderStateByLabel,
      resolveByLabel,
      openOrdersByLabelPrefix,
      userTradesSince,
      edit,
      cancelByVenueId,
      instrument: (symbol) =>
        Effect.flatMap(infoFor(symbol), (info) =>
          info === undefined
            ? Effect.fail(new Venue.VenueError({ venue: VENUE, operation: "instrument", code: "10020", retryable: false, detail: `unknown instrument ${symbol}` }))
            : Effect.succeed(info)),
      orderUpdates: fromListeners(orderListeners),
      marketData,
      orderBook,
      events,
      serverTimeMs: Effect.sync(() => session.serverNowMs()),
      isConnected: Effect.sync(() => session.isReady())
    }
    return service
  })

/**
 * A layer providing both the {@link Deribit} service and the SDK's `Venue`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: DeribitConfig): Layer.Layer<Deribit | Venue.Venue, Venue.VenueError> =>
  Layer.effectContext(Effect.map(make(config), (service) => Context.make(Deribit, service).pipe(Context.add(Venue.Venue, service))))

/**
 * {@link layer} from `Config`s (e.g. `{ clientId: Config.Redacted("DERIBIT_CLIENT_ID"), … }`, or
 * {@link configFromEnv}). Credentials come from configuration, never from command-line flags.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (config: Config.Wrap<DeribitConfig>): Layer.Layer<Deribit | Venue.Venue, Venue.VenueError | Config.ConfigError> =>
  Layer.unwrap(Effect.map(Config.unwrap(config), layer))

/**
 * The configuration from environment variables: `{prefix}_CLIENT_ID`, `{prefix}_CLIENT_SECRET` (both read as
 * `Redacted`), and optionally `{prefix}_NETWORK` (testnet | mainnet), `{prefix}_URL`, `{prefix}_CURRENCY`,
 * `{prefix}_LABEL_PREFIX`, `{prefix}_VALID_UNTIL_MS`, `{prefix}_HEARTBEAT_SEC`, `{prefix}_MATCHING_RATE`,
 * `{prefix}_MATCHING_BURST`, `{prefix}_NON_MATCHING_RATE`, `{prefix}_NON_MATCHING_BURST`.
 *
 * @since 0.1.0
 * @category layers
 */
export const configFromEnv = (prefix = "DERIBIT"): Config.Config<DeribitConfig> =>
  Config.all({
    clientId: Config.Redacted(`${prefix}_CLIENT_ID`),
    clientSecret: Config.Redacted(`${prefix}_CLIENT_SECRET`),
    network: Config.option(Config.Literals(["testnet", "mainnet"], `${prefix}_NETWORK`)),
    url: Config.option(Config.String(`${prefix}_URL`)),
    currency: Config.option(Config.String(`${prefix}_CURRENCY`)),
    labelPrefix: Config.option(Config.String(`${prefix}_LABEL_PREFIX`)),
    validUntilMs: Config.option(Config.Finite(`${prefix}_VALID_UNTIL_MS`)),
    heartbeatIntervalSec: Config.option(Config.Finite(`${prefix}_HEARTBEAT_SEC`)),
    matchingRate: Config.option(Config.Finite(`${prefix}_MATCHING_RATE`)),
    matchingBurst: Config.option(Config.Finite(`${prefix}_MATCHING_BURST`)),
    nonMatchingRate: Config.option(Config.Finite(`${prefix}_NON_MATCHING_RATE`)),
    nonMatchingBurst: Config.option(Config.Finite(`${prefix}_NON_MATCHING_BURST`))
  }).pipe(
    Config.map((c): DeribitConfig => {
      const out: { -readonly [K in keyof DeribitConfig]: DeribitConfig[K] } = { clientId: c.clientId, clientSecret: c.clientSecret }
      const network = Option.getOrUndefined(c.network)
      const url = Option.getOrUndefined(c.url)
      const currency = Option.getOrUndefined(c.currency)
      const labelPrefix = Option.getOrUndefined(c.labelPrefix)
      const validUntilMs = Option.getOrUndefined(c.validUntilMs)
      const heartbeatIntervalSec = Option.getOrUndefined(c.heartbeatIntervalSec)
      if (network !== undefined) out.network = network
      if (url !== undefined) out.url = url
      if (currency !== undefined) out.currency = currency
      if (labelPrefix !== undefined) out.labelPrefix = labelPrefix
      if (validUntilMs !== undefined) out.validUntilMs = validUntilMs
      if (heartbeatIntervalSec !== undefined) out.heartbeatIntervalSec = heartbeatIntervalSec
      const rates: { matching?: RateLimit; nonMatching?: RateLimit } = {}
      if (Option.isSome(c.matchingRate) || Option.isSome(c.matchingBurst)) {
        rates.matching = { ratePerSec: Option.getOrElse(c.matchingRate, () => 5), burst: Option.getOrElse(c.matchingBurst, () => 20) }
      }
      if (Option.isSome(c.nonMatchingRate) || Option.isSome(c.nonMatchingBurst)) {
        rates.nonMatching = { ratePerSec: Option.getOrElse(c.nonMatchingRate, () => 20), burst: Option.getOrElse(c.nonMatchingBurst, () => 100) }
      }
      if (rates.matching !== undefined || rates.nonMatching !== undefined) out.rateLimits = rates
      return out
    })
  )

/**
 * Deribit error codes after which the same request may succeed later (the request was not executed).
 *
 * @since 0.1.0
 * @category constants
 */
export const RETRYABLE_CODES: ReadonlySet<number> = Protocol.RETRYABLE_CODES
