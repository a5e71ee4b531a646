/**
 * OKX, Bybit, Binance (options and perpetuals/futures) and Deribit as an SDK `Venue`, through ccxt's unified REST
 * API. ccxt is an optional peer dependency: it is loaded with a dynamic `import("ccxt")` when the layer is built,
 * and a missing ccxt fails the layer with a non-retryable `VenueError` saying to install it.
 *
 * **Symbols and units.** `symbols` maps each SDK (hedgekit) symbol to a ccxt unified symbol — perpetuals
 * `BTC/USDT:USDT` (linear) or `BTC/USD:BTC` (inverse), futures `BTC/USD:BTC-241227`, options
 * `BTC/USD:BTC-241227-50000-C` (Deribit, OKX: coin-settled), `BTC/USDC:USDC-241227-50000-C` (Bybit),
 * `BTC/USDT:USDT-241227-50000-C` (Binance). Only mapped instruments are traded and reported. Quantities are
 * contracts, as everywhere in the SDK, and so are positions and fills: one contract is
 *
 * | venue | perpetual / future | option | ccxt `amount` sent |
 * |---|---|---|---|
 * | OKX | `ctVal × ctMult` of `ctValCcy` (BTC-USDT-SWAP 0.01 BTC; BTC-USD-SWAP 100 USD) | `ctVal × ctMult` BTC (0.01) | contracts (`sz`) |
 * | Bybit | 1 coin (linear), 1 USD (inverse) | 1 coin | contracts (= `qty`) |
 * | Binance | 1 coin (USDⓈ-M), 100 or 10 USD (COIN-M) | `unit` coins (1) | contracts (= `quantity`) |
 * | Deribit | `contract_size` USD (BTC-PERPETUAL 10) or coin (USDC linear) | 1 coin | contracts × `contract_size` (Deribit's `amount`) |
 *
 * {@link CcxtService.instrument} gives each mapped instrument's contract size and steps. A quantity off the
 * venue's step or below its minimum, a limit order without a price, a post-only market order, an unmapped symbol
 * or a client id the venue cannot carry is answered with a `"rejected"` update and never sent (ccxt would
 * otherwise truncate the size silently). Limit prices are put on the tick grid away from the market (a buy
 * rounds down, a sell up; Deribit's price-dependent option ticks included).
 *
 * **Orders.** `place` is `createOrder(symbol, "market" | "limit", side, amount, price, params)` with the client
 * id as the venue's field — OKX `clOrdId`, Bybit `orderLinkId`, Binance futures `newClientOrderId`, all through
 * ccxt's `params.clientOrderId`, and Deribit `label` (ccxt does not map it there) — plus `postOnly`, `reduceOnly`,
 * `timeInForce` (limit orders: `limitTimeInForce`, default GTC) and, on Deribit, `valid_until` from the order's
 * `validUntilMs`. Binance options (limit orders only) go to `/eapi/v1/order` through ccxt's implicit API with
 * Binance's `clientOrderId`, since ccxt 4.5's `createOrder` sends `newClientOrderId` there. OKX takes 1–32 letters and digits, so ids are escaped
 * reversibly there (see `internal/ccxt/clientIds`). Where the venue acknowledges without a state (OKX, Bybit),
 * the order is read back; a market order is read until it is final or `settleMs` has passed; its fills are
 * fetched and returned with the update. `cancel` finds the order (by the venue id this process saw, else by the
 * client id), cancels it by venue id, and reads its final state; an unknown id answers `"rejected"`.
 *
 * **Recovery.** `orderByClientId` asks the venue by client id: OKX and Binance `fetchOrder` with the client id
 * (each mapped instrument in turn), Bybit `/v5/order/realtime` then `/v5/order/history` filtered by
 * `orderLinkId`, Deribit `private/get_order_state_by_label`. `fillsSince` pages `fetchMyTrades` per mapped
 * instrument (OKX and Bybit backwards with `until`, Binance and Deribit forwards). `openOrders` lists
 * `fetchOpenOrders` per instrument, keeping orders whose client id starts with `clientOrderPrefix`.
 *
 * **Fills.** `fills` polls `fetchMyTrades` per mapped instrument every `fillsPollMs` (default 1 000 ms),
 * re-reading an overlap (`fillsOverlapMs`, default 30 s) so that late-indexed trades are not missed, and delivers
 * each trade once by id: fills of orders this process placed, and any fill of ours timed after the stream started
 * — older trades are history, which recovery's `fillsSince` adopts and the positions already include — and never
 * one that `place` already returned. Only fills with a client id under `clientOrderPrefix` are ours; a trade the
 * venue reports without its client id (Binance) is matched to its order (read once per order). ccxt.pro (bundled
 * with ccxt 4) has `watchMyTrades`, but this adapter polls REST: one transport to mock, to rate-limit and to
 * reason about. A retryable error in a poll is logged and retried at the next poll; any other ends the stream.
 *
 * **Errors.** ccxt's exceptions map to `VenueError { venue, operation, code, retryable, detail }`: `retryable` for
 * `NetworkError` and its subclasses (`RateLimitExceeded`, `DDoSProtection`, `ExchangeNotAvailable`,
 * `OnMaintenance`, `RequestTimeout`, `InvalidNonce`) and `CancelPending`; not for `ExchangeError` and its
 * subclasses (`InvalidOrder`, `InsufficientFunds`, `BadRequest`, `AuthenticationError`, …) or anything else.
 * `code` is the venue's code (OKX `sCode`/`code`, Bybit `retCode`, Binance `code`, Deribit `error.code`) or
 * `http-<status>`. A retryable failure of `place` may still have placed the order: ask `orderByClientId` before
 * sending again.
 *
 * **Sandbox.** `sandbox` (default `true`) is ccxt's sandbox: OKX demo trading (`x-simulated-trading`), Bybit and
 * Deribit testnets; for Binance, whose futures testnet ccxt refuses, Binance demo trading — which lists no
 * options, so Binance options need `sandbox: false`.
 *
 * **Secrets.** API key, secret and passphrase are `Redacted` (read them with `Config.Redacted`, never from
 * flags); they are unwrapped only into the ccxt instance, which is never exposed, and every error detail and log
 * line is scrubbed of their values.
 *
 * **Greeks.** {@link CcxtService.greeks} is ccxt's `fetchGreeks` normalised with `@hedgekit/greeks`' venue
 * conventions into delta per unit of underlying, gamma per USD, vega in USD per 1.00 of vol, theta in USD per
 * year and decimal IVs (see `OptionGreeks`).
 *
 * @since 0.1.0
 */
import { Venue } from "@hedgekit/sdk"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Errors from "./internal/ccxt/errors.js"
import type * as GreeksModule from "./internal/ccxt/greeks.js"
import { loadCcxt } from "./internal/ccxt/load.js"
import * as Mapping from "./internal/ccxt/mapping.js"
import * as Profiles from "./internal/ccxt/profiles.js"
import type { CcxtOrder, CcxtTrade } from "./internal/ccxt/types.js"

/**
 * The venues this adapter supports (ccxt exchange ids).
 *
 * @since 0.1.0
 * @category models
 */
export type ExchangeId = Profiles.ExchangeId

/**
 * @since 0.1.0
 * @category constants
 */
export const EXCHANGE_IDS: ReadonlyArray<ExchangeId> = Profiles.EXCHANGE_IDS

/**
 * An option's Greeks in hedgekit units (per unit of underlying; vega per 1.00 of vol, theta per year, IVs as
 * decimals).
 *
 * @since 0.1.0
 * @category models
 */
export type OptionGreeks = GreeksModule.OptionGreeks

/**
 * The adapter's configuration. Credentials are `Redacted`; `sandbox` defaults to `true` (testnet / demo
 * trading): set it to `false` to trade for real.
 *
 * @since 0.1.0
 * @category models
 */
export interface CcxtConfig {
  readonly exchange: ExchangeId
  readonly apiKey: Redacted.Redacted<string>
  readonly secret: Redacted.Redacted<string>
  /** OKX's API passphrase (ccxt's `password`). */
  readonly password?: Redacted.Redacted<string> | undefined
  /** Testnet / demo trading (default `true`). */
  readonly sandbox?: boolean | undefined
  /** SDK symbol → ccxt unified symbol, for every instrument this venue trades and reports. */
  readonly symbols: Readonly<Record<string, string>>
  /** `openOrders`, `fills` and `fillsSince` only show orders whose client id starts with it (default: every client id). */
  readonly clientOrderPrefix?: string | undefined
  /** ccxt's client-side rate limiter (default `true`). */
  readonly enableRateLimit?: boolean | undefined
  /** ccxt's request timeout (default 10 000 ms). */
  readonly timeoutMs?: number | undefined
  /** How often `fills` polls (default 1 000 ms). */
  readonly fillsPollMs?: number | undefined
  /** How far back each poll re-reads (default 30 000 ms). */
  readonly fillsOverlapMs?: number | undefined
  /** How long `place` (market orders) and `cancel` read an order until it is final (default 2 000 ms). */
  readonly settleMs?: number | undefined
  /** Pause between those reads (default 200 ms). */
  readonly settlePollMs?: number | undefined
  /** Time in force of limit orders that are not post-only (default "GTC"). */
  readonly limitTimeInForce?: "GTC" | "IOC" | "FOK" | undefined
  /** The venue's name in errors (default: the exchange id). */
  readonly name?: string | undefined
  /** Extra ccxt `options`, merged over the adapter's (e.g. `{ defaultMarginMode: "isolated" }`). */
  readonly ccxtOptions?: Readonly<Record<string, unknown>> | undefined
  /**
   * A fetch-compatible function ccxt sends every HTTP request through (ccxt's `fetchImplementation`: a proxy, a
   * recording transport, or a fake venue in tests).
   */
  readonly fetchImplementation?: ((url: string, init: Record<string, unknown>) => Promise<unknown>) | undefined
}

/**
 * A mapped instrument as the adapter trades it.
 *
 * @since 0.1.0
 * @category models
 */
export interface InstrumentSpec {
  readonly symbol: string
  readonly ccxtSymbol: string
  /** The venue's instrument id (`BTC-USD-SWAP`, `BTCUSDT`, `BTC-PERPETUAL`, …). */
  readonly venueId: string
  readonly kind: Mapping.Kind
  readonly settlement: "linear" | "inverse" | "spot"
  /** One contract is `contractSize` of `contractCurrency`. */
  readonly contractSize: number
  readonly contractCurrency: string
  /** ccxt's `amount` per contract (Deribit: the contract size; elsewhere 1). */
  readonly amountPerContract: number
  readonly quantityStep?: number
  readonly minQuantity?: number
  readonly tickSize?: number
  readonly settle?: string
  readonly expiryMs?: number
  readonly strike?: number
  readonly optionType?: "call" | "put"
}

/**
 * The ccxt service: the SDK's `VenueService` (with `orderByClientId` and `fillsSince`, which crash recovery
 * needs) and what is specific to it.
 *
 * @since 0.1.0
 * @category models
 */
export interface CcxtService extends Venue.VenueService {
  readonly exchange: ExchangeId
  readonly orderByClientId: (clientOrderId: string) => Effect.Effect<Venue.OrderUpdate | undefined, Venue.VenueError>
  readonly fillsSince: (sinceMs: number) => Effect.Effect<ReadonlyArray<Venue.Fill>, Venue.VenueError>
  /** An option's Greeks from the venue (`fetchGreeks`), normalised to hedgekit units. */
  readonly greeks: (symbol: string) => Effect.Effect<OptionGreeks, Venue.VenueError>
  readonly instrument: (symbol: string) => Effect.Effect<InstrumentSpec, Venue.VenueError>
  /** How `fills` learns of trades: this adapter polls REST `fetchMyTrades`. */
  readonly fillsMode: "poll"
  /** The loaded ccxt's version. */
  readonly ccxtVersion: string | undefined
}

/**
 * The ccxt service tag.
 *
 * @since 0.1.0
 * @category models
 */
export class Ccxt extends Context.Service<Ccxt, CcxtService>()("@hedgekit/execution/Ccxt") {}

const DAY_MS = 86_400_000

const configError = (venue: string, detail: string) => new Venue.VenueError({ venue, operation: "config", retryable: false, detail })

const str = (x: unknown): string | undefined => (typeof x === "string" && x.length > 0 ? x : undefined)

/**
 * Builds the service (in a scope: the ccxt instance is closed with it). Loads ccxt and the venue's markets, and
 * checks that every mapped symbol exists.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (config: CcxtConfig): Effect.Effect<CcxtService, Venue.VenueError, Scope.Scope> =>
  Effect.gen(function*() {
    const exchangeId = config.exchange
    const venue = config.name ?? exchangeId
    const profile = Profiles.PROFILES[exchangeId] as Profiles.Profile | undefined
    if (profile === undefined) {
      return yield* configError(venue, `unsupported exchange "${String(exchangeId)}" (supported: ${Profiles.EXCHANGE_IDS.join(", ")})`)
    }
    const entries = Object.entries(config.symbols)
    if (entries.length === 0) return yield* configError(venue, "no symbols: map at least one SDK symbol to a ccxt unified symbol")
    const secrets = [config.apiKey, config.secret, config.password].flatMap((r) => (r === undefined ? [] : [Redacted.value(r)]))
    const module = yield* loadCcxt(venue)
    const context: Errors.ErrorContext = { module, venue, exchangeId, secrets }
    const toError = (operation: string) => (error: unknown) => Errors.toVenueError(context, operation, error)
    const call = <A>(operation: string, f: () => Promise<A>): Effect.Effect<A, Venue.VenueError> =>
      Effect.tryPromise({ try: f, catch: toError(operation) })
    const isNotFound = (error: unknown) => Errors.isA(context, error, "OrderNotFound")
    const helpers: Profiles.Helpers = { isNotFound }
    const warn = (text: string) => Effect.logWarning(Errors.scrub(`${venue}: ${text}`, secrets))

    const Ctor = module.exchange(exchangeId)
    if (Ctor === undefined) return yield* configError(venue, `the installed ccxt ${module.version ?? ""} has no "${exchangeId}" exchange`)

    // load only the market types the mapping uses (the user's `fetchMarkets` option wins)
    const parsed = entries.map(([, s]) => Mapping.parseSymbol(s))
    const marketOptions = parsed.every((p) => p !== undefined) && config.ccxtOptions?.fetchMarkets === undefined
      ? profile.marketOptions(parsed as ReadonlyArray<Mapping.ParsedSymbol>)
      : {}
    const exchange = yield* Effect.acquireRelease(
      Effect.try({
        try: () => {
          const ex = new Ctor({
            apiKey: Redacted.value(config.apiKey),
            secret: Redacted.value(config.secret),
            ...(config.password !== undefined ? { password: Redacted.value(config.password) } : {}),
            enableRateLimit: config.enableRateLimit ?? true,
            timeout: config.timeoutMs ?? 10_000,
            options: { ...marketOptions, ...config.ccxtOptions }
          })
          if (config.fetchImplementation !== undefined) (ex as unknown as { fetchImplementation: unknown }).fetchImplementation = config.fetchImplementation
          if (config.sandbox ?? true) profile.sandbox(ex)
          return ex
        },
        catch: toError("connect")
      }),
      (ex) => (ex.close === undefined ? Effect.void : Effect.ignore(Effect.tryPromise(() => ex.close!())))
    )
    yield* call("loadMarkets", () => exchange.loadMarkets())

    const units = { amountIsVenueAmount: profile.amountIsVenueAmount, contractSize: profile.contractSize, contractCurrency: profile.contractCurrency }
    const specs: Array<Mapping.Spec> = []
    const bySdk = new Map<string, Mapping.Spec>()
    const byCcxt = new Map<string, Mapping.Spec>()
    for (const [symbol, ccxtSymbol] of entries) {
      const market = exchange.markets?.[ccxtSymbol]
      if (market === undefined) {
        return yield* configError(venue, `${symbol} maps to "${ccxtSymbol}", which ${exchangeId} does not list${config.sandbox ?? true ? " (in sandbox mode)" : ""}`)
      }
      if (byCcxt.has(ccxtSymbol)) return yield* configError(venue, `"${ccxtSymbol}" is mapped twice`)
      const spec = Mapping.makeSpec(symbol, market, exchange.precisionMode, units)
      specs.push(spec)
      bySdk.set(symbol, spec)
      byCcxt.set(ccxtSymbol, spec)
    }
    // instruments outside the mapping (an order found by client id on another instrument): the ccxt symbol stands in
    const adHoc = new Map<string, Mapping.Spec>()
    const specOf = (ccxtSymbol: string | undefined): Mapping.Spec | undefined => {
      if (ccxtSymbol === undefined) return undefined
      const known = byCcxt.get(ccxtSymbol) ?? adHoc.get(ccxtSymbol)
      if (known !== undefined) return known
      const market = exchange.markets?.[ccxtSymbol]
      if (market === undefined) return undefined
      const spec = Mapping.makeSpec(ccxtSymbol, market, exchange.precisionMode, units)
      adHoc.set(ccxtSymbol, spec)
      return spec
    }

    const prefix = config.clientOrderPrefix
    const ours = (clientOrderId: string | undefined): clientOrderId is string =>
      clientOrderId !== undefined && clientOrderId.length > 0 && (prefix === undefined || clientOrderId.startsWith(prefix))
    const settleMs = config.settleMs ?? 2_000
    const settlePollMs = config.settlePollMs ?? 200
    const pollMs = config.fillsPollMs ?? 1_000
    const overlapMs = config.fillsOverlapMs ?? 30_000

    /** Orders this process placed or found: SDK client id → venue id and instrument. */
    const located = new Map<string, { readonly venueOrderId: string; readonly spec: Mapping.Spec }>()
    /** Venue order id → SDK client id ("" when the venue has none for it). */
    const clientByVenueId = new Map<string, string>()
    /** Trades delivered by `place` or `fills` (trade id → time), each delivered once. */
    const delivered = new Map<string, number>()
    /** Venue ids of the orders this process placed. */
    const placedHere = new Set<string>()
    const remember = (clientOrderId: string, venueOrderId: string | undefined, spec: Mapping.Spec) => {
      if (venueOrderId === undefined) return
      located.set(clientOrderId, { venueOrderId, spec })
      clientByVenueId.set(venueOrderId, clientOrderId)
    }
    const prune = (nowMs: number) => {
      for (const [id, t] of delivered) if (t < nowMs - DAY_MS) delivered.delete(id)
    }

    const decode = (raw: string | undefined): string | undefined => (raw === undefined ? undefined : profile.clientIds.decode(raw))
    const clientIdOfOrder = (order: CcxtOrder): string | undefined => decode(profile.orderClientId(order))

    // ------------------------------------------------------------------------------------ trades
    const tradesPage = (spec: Mapping.Spec, sinceMs: number, nowMs: number): Effect.Effect<Array<CcxtTrade>, Venue.VenueError> =>
      call("trades", async () => {
        const limit = profile.tradePageSize
        const out = new Map<string, CcxtTrade>()
        const extra = profile.tradeParams(nowMs)
        let since = Math.floor(sinceMs)
        let until = Math.floor(nowMs)
        for (let page = 0; page < 50; page++) {
          const batch = profile.tradePaging === "forward"
            ? await exchange.fetchMyTrades(spec.ccxtSymbol, since, limit, extra)
            : await exchange.fetchMyTrades(spec.ccxtSymbol, Math.floor(sinceMs), limit, { ...extra, until })
          let fresh = 0
          let newest = since
          let oldest = until
          for (const trade of batch) {
            const ts = trade.timestamp ?? since
            newest = Math.max(newest, ts)
            oldest = Math.min(oldest, ts)
            if (trade.id !== undefined && !out.has(trade.id)) {
              out.set(trade.id, trade)
              fresh++
            }
          }
          if (batch.length < limit || fresh === 0) break
          if (profile.tradePaging === "forward") since = newest
          else until = oldest
        }
        return [...out.values()].filter((t) => (t.timestamp ?? sinceMs) >= sinceMs).sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
      })

    /** The SDK client id of a trade's order: from the trade, from what this process knows, else asked of the venue. */
    const clientIdOfTrade = (trade: CcxtTrade, spec: Mapping.Spec): Effect.Effect<string> =>
      Effect.gen(function*() {
        const direct = decode(profile.tradeClientId(trade))
        if (direct !== undefined) return direct
        const orderId = trade.order
        if (orderId === undefined) return ""
        const cached = clientByVenueId.get(orderId)
        if (cached !== undefined) return cached
        const order = yield* call("fills", () => profile.readOrder(exchange, helpers, orderId, spec)).pipe(
          Effect.catch((e) => Effect.as(warn(`could not read order ${orderId} for the client id of trade ${trade.id}: ${e.detail}`), undefined))
        )
        const id = order === undefined ? "" : clientIdOfOrder(order) ?? ""
        clientByVenueId.set(orderId, id)
        return id
      })

    const fillsOf = (spec: Mapping.Spec, trades: ReadonlyArray<CcxtTrade>, clientOrderId: string | undefined, nowMs: number) =>
      Effect.gen(function*() {
        const fills: Array<Venue.Fill> = []
        for (const trade of trades) {
          const id = clientOrderId ?? (yield* clientIdOfTrade(trade, spec))
          const fill = Mapping.toFill(spec, trade, id, nowMs)
          if ("skip" in fill) yield* warn(`skipped ${fill.skip} on ${spec.ccxtSymbol}`)
          else fills.push(fill)
        }
        return fills
      })

    /** The trades of one order. */
    const orderTrades = (spec: Mapping.Spec, order: CcxtOrder, clientOrderId: string, nowMs: number) =>
      Effect.gen(function*() {
        const id = order.id
        if (id === undefined) return []
        let trades: ReadonlyArray<CcxtTrade>
        if (order.trades !== undefined && order.trades.length > 0) trades = order.trades
        else if (profile.orderTradesSupported(exchange, spec)) trades = yield* call("orderTrades", () => exchange.fetchOrderTrades(id, spec.ccxtSymbol))
        else {
          const since = (order.timestamp ?? nowMs - DAY_MS) - 1_000
          trades = (yield* tradesPage(spec, since, nowMs)).filter((t) => t.order === id)
        }
        return yield* fillsOf(spec, trades.filter((t) => t.order === undefined || t.order === id), clientOrderId, nowMs)
      })

    const filledOf = (order: CcxtOrder) => (typeof order.filled === "number" && order.filled > 0 ? order.filled : 0)

    const rejectionReason = (order: CcxtOrder): string | undefined =>
      str(order.info.sMsg) ?? str(order.info.rejectReason) ?? str(order.info.reject_reason) ?? str(order.info.cancelType)

    /** An order as an SDK update, with its fills when it has any (and `withFills`). */
    const toUpdate = (spec: Mapping.Spec, order: CcxtOrder, clientOrderId: string, nowMs: number, withFills: boolean) =>
      Effect.gen(function*() {
        const state = Mapping.stateOf(order) ?? "open"
        const fills = withFills && filledOf(order) > 0
          ? yield* orderTrades(spec, order, clientOrderId, nowMs).pipe(
            Effect.catch((e) => Effect.as(warn(`fills of order ${order.id} not read: ${e.detail}`), [] as Array<Venue.Fill>))
          )
          : []
        return Mapping.toUpdate(spec, order, clientOrderId, state, fills, nowMs, state === "rejected" ? rejectionReason(order) ?? "rejected by the venue" : undefined)
      })

    const readOrder = (operation: string, spec: Mapping.Spec, venueOrderId: string) =>
      call(operation, async () => {
        try {
          return await profile.readOrder(exchange, helpers, venueOrderId, spec)
        } catch (error) {
          if (isNotFound(error)) return undefined
          throw error
        }
      })

    /** Reads an order until it is final (or only until its state is known, when `final` is false) or `settleMs` passed. */
    const settle = (operation: string, spec: Mapping.Spec, order: CcxtOrder, final: boolean) =>
      Effect.gen(function*() {
        const id = order.id
        let current = order
        const done = (o: CcxtOrder) => {
          const state = Mapping.stateOf(o)
          return state !== undefined && (!final || Mapping.isFinal(state))
        }
        if (done(current) || id === undefined) return current
        const deadline = Date.now() + settleMs
        for (;;) {
          const read = yield* readOrder(operation, spec, id).pipe(
            Effect.catch((e) => Effect.as(warn(`order ${id} not read back: ${e.detail}`), undefined))
          )
          if (read !== undefined) current = read
          if (done(current) || Date.now() >= deadline) return current
          yield* Effect.sleep(settlePollMs)
        }
      })

    // ------------------------------------------------------------------------------------ orders
    const place = (order: Venue.OrderRequest): Effect.Effect<Venue.OrderUpdate, Venue.VenueError> =>
      Effect.gen(function*() {
        const nowMs = Date.now()
        const spec = bySdk.get(order.symbol)
        if (spec === undefined) return Mapping.localRejection(order, `unknown symbol ${order.symbol} (not in this venue's symbol map)`, nowMs)
        const encoded = profile.clientIds.encode(order.clientOrderId)
        if ("reason" in encoded) return Mapping.localRejection(order, encoded.reason, nowMs)
        const problem = Mapping.quantityProblem(spec, order.quantity)
        if (problem !== undefined) return Mapping.localRejection(order, problem, nowMs)
        if (order.type === "limit" && order.limitPrice === undefined) return Mapping.localRejection(order, "a limit order needs a limitPrice", nowMs)
        if (order.type === "market" && order.postOnly === true) return Mapping.localRejection(order, "a post-only order must be a limit order", nowMs)
        const refused = profile.refuse(order, spec)
        if (refused !== undefined) return Mapping.localRejection(order, refused, nowMs)
        const price = order.type === "limit" ? Mapping.roundLimitPrice(profile.tickAt(spec, order.limitPrice!), order.limitPrice!, order.side) : undefined
        const params: Record<string, unknown> = {
          ...profile.clientIdParams(encoded.id),
          ...(order.postOnly === true ? { postOnly: true } : {}),
          ...(order.reduceOnly === true ? { reduceOnly: true } : {}),
          ...(order.type === "limit" && order.postOnly !== true ? { timeInForce: config.limitTimeInForce ?? "GTC" } : {}),
          ...profile.orderParams(order, spec)
        }
        const amount = Mapping.toAmount(spec, order.quantity)
        const created = yield* call("place", () =>
          profile.createOrder(exchange, spec, {
            type: order.type, side: order.side, amount, price, clientId: encoded.id, postOnly: order.postOnly === true,
            reduceOnly: order.reduceOnly === true, timeInForce: config.limitTimeInForce
          }) ?? exchange.createOrder(spec.ccxtSymbol, order.type, order.side, amount, price, params))
        remember(order.clientOrderId, created.id, spec)
        if (created.id !== undefined) placedHere.add(created.id)
        const current = yield* settle("place", spec, created, order.type === "market")
        const update = yield* toUpdate(spec, current, order.clientOrderId, Date.now(), true)
        // each trade once: what `fills` already delivered is not repeated here, and what is here `fills` will not repeat
        const fills = update.fills.filter((f) => !delivered.has(f.tradeId))
        for (const f of fills) delivered.set(f.tradeId, f.timeMs)
        prune(nowMs)
        return { ...update, fills }
      })

    /** The order sent with this client id: where this process saw it, else searched by client id. */
    const locate = (operation: string, clientOrderId: string) =>
      Effect.gen(function*() {
        const encoded = profile.clientIds.encode(clientOrderId)
        if ("reason" in encoded) return undefined
        const seen = located.get(clientOrderId)
        if (seen !== undefined) {
          const order = yield* readOrder(operation, seen.spec, seen.venueOrderId)
          if (order !== undefined) return { order, spec: seen.spec }
        }
        const order = yield* call(operation, () => profile.findByClientId(exchange, helpers, encoded.id, specs))
        if (order === undefined) return undefined
        const spec = specOf(order.symbol)
        if (spec === undefined) return undefined
        remember(clientOrderId, order.id, spec)
        return { order, spec }
      })

    const orderByClientId = (clientOrderId: string): Effect.Effect<Venue.OrderUpdate | undefined, Venue.VenueError> =>
      Effect.gen(function*() {
        const found = yield* locate("orderByClientId", clientOrderId)
        if (found === undefined) return undefined
        return yield* toUpdate(found.spec, found.order, clientOrderId, Date.now(), true)
      })

    const cancel = (clientOrderId: string): Effect.Effect<Venue.OrderUpdate, Venue.VenueError> =>
      Effect.gen(function*() {
        const nowMs = Date.now()
        const found = yield* locate("cancel", clientOrderId)
        if (found === undefined) {
          return { clientOrderId, symbol: "", state: "rejected", filledQuantity: 0, timeMs: nowMs, reason: `no order with client id ${clientOrderId} on ${venue}`, fills: [] }
        }
        const { order, spec } = found
        const id = order.id
        if (id === undefined || Mapping.isFinal(Mapping.stateOf(order))) return yield* toUpdate(spec, order, clientOrderId, nowMs, true)
        const answer = yield* call("cancel", async () => {
          try {
            return await exchange.cancelOrder(id, spec.ccxtSymbol)
          } catch (error) {
            // filled or cancelled meanwhile: its final state is read below
            if (isNotFound(error)) return undefined
            throw error
          }
        })
        const base = answer !== undefined && answer.id !== undefined && typeof answer.filled === "number" ? answer : { ...order, status: undefined }
        const current = yield* settle("cancel", spec, base, true)
        return yield* toUpdate(spec, current, clientOrderId, Date.now(), true)
      })

    const openOrders: Effect.Effect<ReadonlyArray<Venue.OrderUpdate>, Venue.VenueError> = Effect.gen(function*() {
      const out: Array<Venue.OrderUpdate> = []
      for (const spec of specs) {
        const orders = yield* call("openOrders", () => profile.openOrders(exchange, spec))
        for (const order of orders) {
          const clientOrderId = clientIdOfOrder(order)
          if (!ours(clientOrderId)) continue
          remember(clientOrderId, order.id, spec)
          out.push(yield* toUpdate(spec, order, clientOrderId, Date.now(), false))
        }
      }
      return out
    })

    const positions: Effect.Effect<ReadonlyArray<Venue.VenuePosition>, Venue.VenueError> = Effect.gen(function*() {
      const raw = yield* call("positions", () => profile.positions(exchange, specs))
      const net = new Map<string, number>()
      for (const position of raw) {
        const spec = position.symbol === undefined ? undefined : byCcxt.get(position.symbol)
        if (spec === undefined) continue
        const contracts = Mapping.positionContracts(spec, position)
        if (contracts !== undefined) net.set(spec.symbol, (net.get(spec.symbol) ?? 0) + contracts)
      }
      return [...net].filter(([, q]) => q !== 0).map(([symbol, quantity]) => ({ symbol, quantity: Number(quantity.toPrecision(12)) }))
    })

    const balances: Effect.Effect<ReadonlyArray<Venue.Balance>, Venue.VenueError> = Effect.gen(function*() {
      const accounts = yield* call("balances", () => profile.balances(exchange, specs))
      const merged = new Map<string, { total: number; available: number | undefined }>()
      for (const account of accounts) {
        for (const [currency, total] of Object.entries(account.total ?? {})) {
          if (typeof total !== "number" || !Number.isFinite(total)) continue
          const free = account.free?.[currency]
          const prev = merged.get(currency)
          const available = typeof free === "number" && Number.isFinite(free) ? free : undefined
          merged.set(currency, {
            total: (prev?.total ?? 0) + total,
            available: available === undefined ? prev?.available : (prev?.available ?? 0) + available
          })
        }
      }
      return [...merged]
        .filter(([, b]) => b.total !== 0 || (b.available ?? 0) !== 0)
        .map(([currency, b]) => ({ currency, total: b.total, ...(b.available !== undefined ? { available: b.available } : {}) }))
    })

    const fillsSince = (sinceMs: number): Effect.Effect<ReadonlyArray<Venue.Fill>, Venue.VenueError> =>
      Effect.gen(function*() {
        const nowMs = Date.now()
        const out: Array<Venue.Fill> = []
        for (const spec of specs) {
          const trades = yield* tradesPage(spec, sinceMs, nowMs)
          for (const fill of yield* fillsOf(spec, trades, undefined, nowMs)) if (ours(fill.clientOrderId)) out.push(fill)
        }
        return out.sort((a, b) => a.timeMs - b.timeMs)
      })

    // ------------------------------------------------------------------------------------ fills stream
    const fills: Stream.Stream<Venue.Fill, Venue.VenueError> = Stream.suspend(() => {
      const seen = new Map<string, number>()
      const startMs = Date.now()
      let cursor = startMs
      let first = true
      const poll = Effect.gen(function*() {
        if (!first) yield* Effect.sleep(pollMs)
        first = false
        const nowMs = Date.now()
        const since = Math.min(cursor, nowMs) - overlapMs
        const out: Array<Venue.Fill> = []
        for (const spec of specs) {
          const trades = yield* tradesPage(spec, since, nowMs)
          for (const trade of trades) {
            if (trade.id === undefined || seen.has(trade.id)) continue
            const ts = trade.timestamp ?? nowMs
            seen.set(trade.id, ts)
            cursor = Math.max(cursor, ts)
            if (delivered.has(trade.id)) continue
            // a fill of an order this process placed, or anything that happened since the stream started; older
            // trades of other orders are history (recovery's `fillsSince` adopts them, and positions include them)
            const fresh = (trade.order !== undefined && placedHere.has(trade.order)) || ts >= startMs
            if (!fresh) continue
            const [fill] = yield* fillsOf(spec, [trade], undefined, nowMs)
            if (fill === undefined || !ours(fill.clientOrderId)) continue
            delivered.set(fill.tradeId, fill.timeMs)
            out.push(fill)
          }
        }
        for (const [id, t] of seen) if (t < since - overlapMs) seen.delete(id)
        prune(nowMs)
        return out.sort((a, b) => a.timeMs - b.timeMs)
      })
      const tolerant = poll.pipe(
        Effect.catch((e) => e.retryable ? Effect.as(warn(`fills poll failed, retrying: ${e.message}`), [] as Array<Venue.Fill>) : Effect.fail(e))
      )
      return Stream.paginate(undefined as void, () => Effect.map(tolerant, (batch) => [batch, Option.some(undefined as void)] as const))
    })

    // ------------------------------------------------------------------------------------ extras
    const mapped = (operation: string, symbol: string) =>
      Effect.suspend(() => {
        const spec = bySdk.get(symbol)
        return spec === undefined
          ? Effect.fail(new Venue.VenueError({ venue, operation, retryable: false, detail: `unknown symbol ${symbol} (not in this venue's symbol map)` }))
          : Effect.succeed(spec)
      })

    const greeks = (symbol: string): Effect.Effect<OptionGreeks, Venue.VenueError> =>
      Effect.gen(function*() {
        const spec = yield* mapped("greeks", symbol)
        if (spec.kind !== "option") return yield* new Venue.VenueError({ venue, operation: "greeks", retryable: false, detail: `${symbol} is not an option` })
        if (exchange.has.fetchGreeks !== true) {
          return yield* new Venue.VenueError({ venue, operation: "greeks", retryable: false, detail: `ccxt's ${exchangeId} has no fetchGreeks` })
        }
        const raw = yield* call("greeks", () => exchange.fetchGreeks(spec.ccxtSymbol))
        const result = profile.greeks({ symbol, ccxtSymbol: spec.ccxtSymbol, venue, unitsPerContract: spec.contractSize }, raw)
        if ("problem" in result) {
          return yield* new Venue.VenueError({ venue, operation: "greeks", code: "bad-greeks", retryable: false, detail: `${symbol}: ${result.problem}` })
        }
        return result
      })

    const instrument = (symbol: string): Effect.Effect<InstrumentSpec, Venue.VenueError> =>
      Effect.map(mapped("instrument", symbol), (spec): InstrumentSpec => {
        const m = spec.market
        return {
          symbol: spec.symbol,
          ccxtSymbol: spec.ccxtSymbol,
          venueId: m.id,
          kind: spec.kind,
          settlement: spec.settlement,
          contractSize: spec.contractSize,
          contractCurrency: spec.contractCurrency,
          amountPerContract: spec.amountPerContract,
          ...(spec.quantityStep !== undefined ? { quantityStep: spec.quantityStep } : {}),
          ...(spec.minQuantity !== undefined ? { minQuantity: spec.minQuantity } : {}),
          ...(spec.tickSize !== undefined ? { tickSize: spec.tickSize } : {}),
          ...(m.settle !== undefined ? { settle: m.settle } : {}),
          ...(typeof m.expiry === "number" ? { expiryMs: m.expiry } : {}),
          ...(typeof m.strike === "number" ? { strike: m.strike } : {}),
          ...(m.optionType === "call" || m.optionType === "put" ? { optionType: m.optionType } : {})
        }
      })

    const service: CcxtService = {
      name: venue,
      exchange: exchangeId,
      place,
      cancel,
      fills,
      openOrders,
      positions,
      balances,
      orderByClientId,
      fillsSince,
      greeks,
      instrument,
      fillsMode: "poll",
      ccxtVersion: module.version
    }
    return service
  })

/**
 * A layer providing both the {@link Ccxt} service and the SDK's `Venue`. The ccxt instance lives as long as the
 * layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: CcxtConfig): Layer.Layer<Ccxt | Venue.Venue, Venue.VenueError> =>
  Layer.effectContext(Effect.map(make(config), (service) => Context.make(Ccxt, service).pipe(Context.add(Venue.Venue, service))))

/**
 * {@link layer} from `Config`s (e.g. `{ exchange: Config.succeed("okx"), apiKey: Config.Redacted("OKX_API_KEY"), … }`,
 * or {@link configFromEnv}). Credentials come from configuration, never from command-line flags.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (config: Config.Wrap<CcxtConfig>): Layer.Layer<Ccxt | Venue.Venue, Venue.VenueError | Config.ConfigError> =>
  Layer.unwrap(Effect.map(Config.unwrap(config), layer))

/**
 * Parses a symbol map written `SDK=ccxt,SDK=ccxt` (e.g. `BTC-PERP=BTC/USDT:USDT,BTC-27DEC24-50000-C=BTC/USD:BTC-241227-50000-C`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseSymbolMap = (text: string): { readonly symbols: Record<string, string> } | { readonly error: string } => {
  const symbols: Record<string, string> = {}
  for (const part of text.split(/[,;\n]/).map((p) => p.trim()).filter((p) => p.length > 0)) {
    const eq = part.indexOf("=")
    const sdk = eq > 0 ? part.slice(0, eq).trim() : ""
    const ccxt = eq > 0 ? part.slice(eq + 1).trim() : ""
    if (sdk.length === 0 || ccxt.length === 0) return { error: `"${part}" is not SDK=ccxt` }
    if (symbols[sdk] !== undefined) return { error: `${sdk} is mapped twice` }
    symbols[sdk] = ccxt
  }
  if (Object.keys(symbols).length === 0) return { error: "no symbols" }
  return { symbols }
}

/**
 * The configuration from environment variables: `{prefix}_EXCHANGE` (okx | bybit | binance | deribit),
 * `{prefix}_API_KEY`, `{prefix}_SECRET` and optionally `{prefix}_PASSWORD` (OKX passphrase) — all three read as
 * `Redacted` — `{prefix}_SYMBOLS` (`SDK=ccxt,…`, see {@link parseSymbolMap}), and optionally `{prefix}_SANDBOX`
 * (default true), `{prefix}_CLIENT_ORDER_PREFIX`, `{prefix}_RATE_LIMIT` (default true), `{prefix}_FILLS_POLL_MS`,
 * `{prefix}_TIMEOUT_MS`.
 *
 * @since 0.1.0
 * @category layers
 */
export const configFromEnv = (prefix = "CCXT"): Config.Config<CcxtConfig> =>
  Config.all({
    exchange: Config.Literals(Profiles.EXCHANGE_IDS, `${prefix}_EXCHANGE`),
    apiKey: Config.Redacted(`${prefix}_API_KEY`),
    secret: Config.Redacted(`${prefix}_SECRET`),
    password: Config.option(Config.Redacted(`${prefix}_PASSWORD`)),
    symbols: Config.String(`${prefix}_SYMBOLS`).pipe(
      Config.mapEffect((text) => {
        const parsed = parseSymbolMap(text)
        return "error" in parsed
          ? Effect.fail(new Config.ConfigError(new ConfigProvider.SourceError({ message: `${prefix}_SYMBOLS: ${parsed.error}` })))
          : Effect.succeed(parsed.symbols)
      })
    ),
    sandbox: Config.option(Config.Boolean(`${prefix}_SANDBOX`)),
    clientOrderPrefix: Config.option(Config.String(`${prefix}_CLIENT_ORDER_PREFIX`)),
    enableRateLimit: Config.option(Config.Boolean(`${prefix}_RATE_LIMIT`)),
    fillsPollMs: Config.option(Config.Finite(`${prefix}_FILLS_POLL_MS`)),
    timeoutMs: Config.option(Config.Finite(`${prefix}_TIMEOUT_MS`))
  }).pipe(
    Config.map((c): CcxtConfig => ({
      exchange: c.exchange,
      apiKey: c.apiKey,
      secret: c.secret,
      symbols: c.symbols,
      ...(Option.isSome(c.password) ? { password: c.password.value } : {}),
      ...(Option.isSome(c.sandbox) ? { sandbox: c.sandbox.value } : {}),
      ...(Option.isSome(c.clientOrderPrefix) ? { clientOrderPrefix: c.clientOrderPrefix.value } : {}),
      ...(Option.isSome(c.enableRateLimit) ? { enableRateLimit: c.enableRateLimit.value } : {}),
      ...(Option.isSome(c.fillsPollMs) ? { fillsPollMs: c.fillsPollMs.value } : {}),
      ...(Option.isSome(c.timeoutMs) ? { timeoutMs: c.timeoutMs.value } : {})
    }))
  )
