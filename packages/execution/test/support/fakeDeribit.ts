/**
 * A fake Deribit: a `ws` server on loopback that speaks the subset of Deribit's JSON-RPC 2.0 WebSocket API the
 * adapter uses, over the in-memory exchange of `fakeDeribitExchange.ts`, with a fault-injection API for tests.
 *
 * Protocol: `public/auth` (client_credentials, refresh_token; connection-scoped tokens with an expiry),
 * `public/set_heartbeat` (then `test_request`s; a connection that does not answer one with `public/test` before
 * the next is closed), `public/test`, `public/get_time`, `public/subscribe`/`private/subscribe` (and
 * unsubscribe) to `ticker.{i}.100ms`, `book.{i}.100ms` (snapshot, then changes chained by
 * `prev_change_id`), `deribit_price_index.{index}`, `user.orders.{kind}.{currency}.raw`,
 * `user.trades.{kind}.{currency}.raw`, `user.orders.{instrument}.raw`, `user.trades.{instrument}.raw`;
 * `private/enable_cancel_on_disconnect` (scope connection or account; not after `private/logout`),
 * `public/get_instruments`, `public/get_instrument`, `public/get_order_book`, `public/ticker`,
 * `private/buy|sell|edit|cancel|cancel_by_label|cancel_all|cancel_all_by_currency`, `private/get_order_state`,
 * `private/get_order_state_by_label`, `private/get_open_orders_by_currency|label|instrument`,
 * `private/get_user_trades_by_currency_and_time`, `private/get_user_trades_by_order`, `private/get_positions`,
 * `private/get_position`, `private/get_account_summary`. `valid_until` is honoured (`13888 timed_out` when the
 * request is processed after it). Optional per-class credit limits answer `10028`, and a client that keeps
 * exceeding has its connection closed.
 *
 * Control methods (no auth; for a fake run in another process): `fake/orders`, `fake/trades`, `fake/requests`,
 * `fake/positions`, `fake/set_book`, `fake/set_mark`, `fake/set_index`, `fake/external_trade`, `fake/fault`.
 */
import type { AddressInfo } from "node:net"
import { WebSocket, WebSocketServer } from "ws"
import {
  type ExchangeEvent,
  FakeExchange,
  type FakeExchangeOptions,
  type FakeOrder,
  type FakeTrade,
  type Level,
  RpcError,
  type Side
} from "./fakeDeribitExchange.js"

export { FakeExchange, RpcError } from "./fakeDeribitExchange.js"
export type { FakeInstrument, FakeOrder, FakeTrade, Level, Side } from "./fakeDeribitExchange.js"

export interface RateClassLimit {
  /** Credits per second (requests per second at one credit a request). */
  readonly rate: number
  /** Pool size (burst). */
  readonly burst: number
}

export interface FakeDeribitOptions extends FakeExchangeOptions {
  readonly host?: string
  /** 0 (default) picks a free port. */
  readonly port?: number
  readonly clientId?: string
  readonly clientSecret?: string
  /** Access-token lifetime (default 900 s). */
  readonly tokenTtlSec?: number
  /** Smallest heartbeat interval accepted (Deribit: 10 s; tests use less). */
  readonly minHeartbeatSec?: number
  /** Server-side rate limits per class (default: none). */
  readonly rateLimits?: { readonly matching?: RateClassLimit; readonly nonMatching?: RateClassLimit }
  /** Consecutive `10028` answers after which the connection is closed (default 20). */
  readonly terminateAfter10028?: number
  /** Page size cap of `private/get_user_trades_by_currency_and_time` (Deribit: 1000). */
  readonly maxTradesPerPage?: number
}

export interface RequestRecord {
  readonly connId: number
  readonly id: unknown
  readonly method: string
  readonly params: Record<string, unknown>
  readonly timeMs: number
}

type MethodMatch = string | RegExp

interface Fault {
  readonly match: MethodMatch
  remaining: number
}

interface Connection {
  readonly id: number
  readonly ws: WebSocket
  token: string | undefined
  readonly channels: Set<string>
  heartbeat: ReturnType<typeof setInterval> | undefined
  awaitingTest: boolean
  cancelOnDisconnect: "connection" | "account" | undefined
  loggedOut: boolean
  consecutive10028: number
}

interface Token {
  readonly connId: number
  expiresAt: number
  refreshToken: string
}

const MATCHING = new Set([
  "private/buy", "private/sell", "private/edit", "private/edit_by_label", "private/cancel", "private/cancel_by_label", "private/cancel_all",
  "private/cancel_all_by_currency", "private/cancel_all_by_instrument", "private/close_position"
])

const matches = (match: MethodMatch, method: string): boolean => typeof match === "string" ? match === method : match.test(method)

const redactParams = (method: string, params: Record<string, unknown>): Record<string, unknown> =>
  method === "public/auth" ? { ...params, ...(params.client_secret !== undefined ? { client_secret: "<redacted>" } : {}), ...(params.refresh_token !== undefined ? { refresh_token: "<redacted>" } : {}) } : params

/** A credit bucket per class, shared by every connection of the account (as on Deribit). */
class Credits {
  #tokens: number
  #last: number
  constructor(readonly limit: RateClassLimit, now: number) {
    this.#tokens = limit.burst
    this.#last = now
  }
  take(now: number): boolean {
    this.#tokens = Math.min(this.limit.burst, this.#tokens + (now - this.#last) / 1000 * this.limit.rate)
    this.#last = now
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }
}

/**
 * The fake server. `start` listens on loopback; `url` is what the adapter connects to.
 */
export class FakeDeribit {
  readonly exchange: FakeExchange
  readonly #wss: WebSocketServer
  readonly #options: FakeDeribitOptions
  readonly #connections = new Map<number, Connection>()
  readonly #tokens = new Map<string, Token>()
  readonly #refreshTokens = new Map<string, string>()
  readonly #requests: Array<RequestRecord> = []
  #connSeq = 0
  #tokenSeq = 0
  #credits: { matching?: Credits; nonMatching?: Credits } = {}
  readonly #fired = {
    dropBefore: 0, dropAfter: 0, delayResponse: 0, delayProcessing: 0, rateLimited: 0, settlement: 0, expiredToken: 0, disconnected: 0
  }

  readonly #faults = {
    triggers: [] as Array<{ match: MethodMatch; remaining: number; action: () => void }>,
    dropBefore: [] as Array<Fault>,
    dropAfter: [] as Array<Fault>,
    delayResponse: [] as Array<Fault & { ms: number }>,
    delayProcessing: [] as Array<Fault & { ms: number }>,
    rateLimited: 0,
    settlementUntil: 0,
    silentUntil: 0,
    bookGaps: new Set<string>()
  }
  readonly #timers = new Set<ReturnType<typeof setTimeout>>()

  private constructor(wss: WebSocketServer, options: FakeDeribitOptions) {
    this.#wss = wss
    this.#options = options
    this.exchange = new FakeExchange(options)
    this.setRateLimits(options.rateLimits)
    wss.on("connection", (ws) => this.#accept(ws))
  }

  static start(options: FakeDeribitOptions = {}): Promise<FakeDeribit> {
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 })
      wss.once("error", reject)
      wss.once("listening", () => {
        wss.off("error", reject)
        resolve(new FakeDeribit(wss, options))
      })
    })
  }

  get port(): number {
    return (this.#wss.address() as AddressInfo).port
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws/api/v2`
  }

  /** The credentials the fake accepts. */
  get credentials(): { readonly clientId: string; readonly clientSecret: string } {
    return { clientId: this.#options.clientId ?? "fake-client-id", clientSecret: this.#options.clientSecret ?? "fake-client-secret" }
  }

  close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer)
    for (const conn of this.#connections.values()) {
      if (conn.heartbeat !== undefined) clearInterval(conn.heartbeat)
      conn.ws.terminate()
    }
    return new Promise((resolve) => this.#wss.close(() => resolve()))
  }

  // ---------------------------------------------------------------------------------------------- inspection

  /** Every request received, in order (`public/auth` secrets replaced by `<redacted>`). */
  requests(method?: MethodMatch): Array<RequestRecord> {
    return method === undefined ? [...this.#requests] : this.#requests.filter((r) => matches(method, r.method))
  }

  orders(): Array<FakeOrder> {
    return this.exchange.orders()
  }

  ordersByLabel(label: string): Array<FakeOrder> {
    return this.exchange.orders().filter((o) => o.label === label)
  }

  trades(): Array<FakeTrade> {
    return this.exchange.trades()
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.#connections.size
  }

  /** Connections accepted so far. */
  get connectionsAccepted(): number {
    return this.#connSeq
  }

  // ---------------------------------------------------------------------------------------------- market control

  setBook(instrument: string, levels: { readonly bids?: ReadonlyArray<Level>; readonly asks?: ReadonlyArray<Level> }): void {
    this.#publish(this.exchange.setBook(instrument, levels))
  }

  setMark(instrument: string, mark: number | undefined, markIv?: number): void {
    this.#publish(this.exchange.setMark(instrument, mark, markIv))
  }

  setIndex(price: number, indexName = "btc_usd"): void {
    this.#publish(this.exchange.setIndex(price, indexName))
  }

  /** An outside taker: fills the account's resting orders (maker) and outside liquidity. */
  externalTrade(instrument: string, side: Side, amount: number, limitPrice?: number): void {
    this.#publish(this.exchange.externalTrade(instrument, side, amount, limitPrice))
  }

  setRateLimits(limits: FakeDeribitOptions["rateLimits"]): void {
    const now = this.exchange.now()
    this.#credits = {
      ...(limits?.matching !== undefined ? { matching: new Credits(limits.matching, now) } : {}),
      ...(limits?.nonMatching !== undefined ? { nonMatching: new Credits(limits.nonMatching, now) } : {})
    }
  }

  /** Sends a `test_request` on every connection with a heartbeat set, now. */
  sendTestRequest(): void {
    for (const conn of this.#connections.values()) if (conn.heartbeat !== undefined) this.#testRequest(conn)
  }

  // ---------------------------------------------------------------------------------------------- faults

  readonly faults = {
    /** Closes the connection on the next request(s) matching `method`: `before` processing it or `after` (no answer). */
    dropConnection: (options: { readonly method: MethodMatch; readonly when: "before" | "after"; readonly count?: number }): void => {
      const fault = { match: options.method, remaining: options.count ?? 1 }
      if (options.when === "before") this.#faults.dropBefore.push(fault)
      else this.#faults.dropAfter.push(fault)
    },
    /** Processes the next matching request(s) at once but answers `ms` later (`Infinity`: never). */
    delayResponse: (options: { readonly method: MethodMatch; readonly ms: number; readonly count?: number }): void => {
      this.#faults.delayResponse.push({ match: options.method, remaining: options.count ?? 1, ms: options.ms })
    },
    /** Holds the next matching request(s) `ms` before processing (`valid_until` is checked then). */
    delayProcessing: (options: { readonly method: MethodMatch; readonly ms: number; readonly count?: number }): void => {
      this.#faults.delayProcessing.push({ match: options.method, remaining: options.count ?? 1, ms: options.ms })
    },
    /** Answers `10028 too_many_requests` to the next `count` requests (any method but `public/test`). */
    rateLimit: (count: number): void => {
      this.#faults.rateLimited += count
    },
    /** Answers `10041 settlement_in_progress` to matching-engine requests for `ms`. */
    settlement: (ms: number): void => {
      this.#faults.settlementUntil = this.exchange.now() + ms
    },
    /** The next change notification of `instrument`'s book is lost (its `change_id` is skipped). */
    bookGap: (instrument: string): void => {
      this.#faults.bookGaps.add(instrument)
    },
    /** Sends nothing at all for `ms` (answers, notifications, heartbeats): a peer gone quiet behind a live socket. */
    silence: (ms: number): void => {
      this.#faults.silentUntil = this.exchange.now() + ms
    },
    /** Every access token expires now: private methods answer `13009` until the client authenticates again. */
    expireTokens: (): void => {
      for (const token of this.#tokens.values()) token.expiresAt = 0
    },
    /** Drops every connection (a network blip); cancel-on-disconnect applies. */
    disconnectAll: (): void => {
      for (const conn of this.#connections.values()) {
        this.#fired.disconnected++
        conn.ws.terminate()
      }
    },
    /**
     * Runs `action` (another fault: `expireTokens`, `disconnectAll`, …) when the `nth` request matching `method`
     * arrives, before it is handled: a fault at a point of the run rather than after a time, which a fast run
     * could finish before.
     */
    at: (options: { readonly method: MethodMatch; readonly nth: number }, action: () => void): void => {
      this.#faults.triggers.push({ match: options.method, remaining: options.nth, action })
    },
    /** How many times each injected fault has acted so far (a test can check that its fault really happened). */
    fired: () => ({ ...this.#fired }),
    clear: (): void => {
      this.#faults.triggers.length = 0
      this.#faults.dropBefore.length = 0
      this.#faults.dropAfter.length = 0
      this.#faults.delayResponse.length = 0
      this.#faults.delayProcessing.length = 0
      this.#faults.rateLimited = 0
      this.#faults.settlementUntil = 0
      this.#faults.silentUntil = 0
      this.#faults.bookGaps.clear()
    }
  }

  // ---------------------------------------------------------------------------------------------- connections

  #accept(ws: WebSocket): void {
    const conn: Connection = {
      id: ++this.#connSeq, ws, token: undefined, channels: new Set(), heartbeat: undefined, awaitingTest: false,
      cancelOnDisconnect: undefined, loggedOut: false, consecutive10028: 0
    }
    this.#connections.set(conn.id, conn)
    ws.on("message", (raw) => this.#onMessage(conn, raw.toString()))
    ws.on("close", () => this.#onClose(conn))
    ws.on("error", () => ws.terminate())
  }

  #onClose(conn: Connection): void {
    if (!this.#connections.delete(conn.id)) return
    if (conn.heartbeat !== undefined) clearInterval(conn.heartbeat)
    if (conn.token !== undefined) {
      const token = this.#tokens.get(conn.token)
      if (token !== undefined) this.#refreshTokens.delete(token.refreshToken)
      this.#tokens.delete(conn.token)
    }
    if (conn.cancelOnDisconnect !== undefined && !conn.loggedOut) {
      const scope = conn.cancelOnDisconnect
      const { events } = this.exchange.cancelWhere((o) => scope === "account" || o.connId === conn.id, "cancel_on_disconnect")
      this.#publish(events)
    }
  }

  #send(conn: Connection, message: unknown): void {
    if (this.exchange.now() < this.#faults.silentUntil) return
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(message))
  }

  #later(ms: number, f: () => void): void {
    if (!Number.isFinite(ms)) return
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      f()
    }, ms)
    this.#timers.add(timer)
  }

  #take<F extends Fault>(list: Array<F>, method: string): F | undefined {
    const index = list.findIndex((f) => f.remaining > 0 && matches(f.match, method))
    if (index < 0) return undefined
    const fault = list[index]!
    if (--fault.remaining <= 0) list.splice(index, 1)
    return fault
  }

  #onMessage(conn: Connection, raw: string): void {
    const usIn = Date.now() * 1000
    let message: { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown }
    try {
      message = JSON.parse(raw)
    } catch {
      this.#send(conn, { jsonrpc: "2.0", error: { code: -32700, message: "Parse error" } })
      return
    }
    const id = message.id
    const method = typeof message.method === "string" ? message.method : ""
    const params = (typeof message.params === "object" && message.params !== null ? message.params : {}) as Record<string, unknown>
    this.#requests.push({ connId: conn.id, id, method, params: redactParams(method, params), timeMs: this.exchange.now() })
    const respond = (body: { result: unknown } | { error: unknown }) => {
      const usOut = Date.now() * 1000
      this.#send(conn, { jsonrpc: "2.0", id, ...body, usIn, usOut, usDiff: usOut - usIn, testnet: true })
    }
    const fail = (e: RpcError) => respond({ error: { code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) } })

    if (message.jsonrpc !== "2.0" || method === "") {
      fail(new RpcError(-32600, "Invalid Request"))
      return
    }
    for (const trigger of this.#faults.triggers) {
      if (matches(trigger.match, method) && --trigger.remaining === 0) trigger.action()
    }
    if (this.#take(this.#faults.dropBefore, method) !== undefined) {
      this.#fired.dropBefore++
      conn.ws.terminate()
      return
    }
    if (method !== "public/test" && !method.startsWith("fake/")) {
      if (this.#faults.rateLimited > 0 || !this.#credit(method)) {
        if (this.#faults.rateLimited > 0) {
          this.#faults.rateLimited--
          this.#fired.rateLimited++
        }
        conn.consecutive10028++
        fail(new RpcError(10028, "too_many_requests"))
        if (conn.consecutive10028 >= (this.#options.terminateAfter10028 ?? 20)) conn.ws.close(1008, "too many requests")
        return
      }
      conn.consecutive10028 = 0
    }
    if (MATCHING.has(method) && this.exchange.now() < this.#faults.settlementUntil) {
      this.#fired.settlement++
      fail(new RpcError(10041, "settlement_in_progress"))
      return
    }
    const run = () => {
      if (!this.#connections.has(conn.id)) return
      let body: { result: unknown } | { error: unknown }
      try {
        body = { result: this.#dispatch(conn, method, params) }
      } catch (e) {
        if (!(e instanceof RpcError)) throw e
        body = { error: { code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) } }
      }
      if (this.#take(this.#faults.dropAfter, method) !== undefined) {
        this.#fired.dropAfter++
        conn.ws.terminate()
        return
      }
      const delay = this.#take(this.#faults.delayResponse, method)
      if (delay !== undefined) {
        this.#fired.delayResponse++
        this.#later(delay.ms, () => respond(body))
      } else respond(body)
    }
    const hold = this.#take(this.#faults.delayProcessing, method)
    if (hold !== undefined) {
      this.#fired.delayProcessing++
      this.#later(hold.ms, run)
    }
    else run()
  }

  #credit(method: string): boolean {
    const bucket = MATCHING.has(method) ? this.#credits.matching : this.#credits.nonMatching
    return bucket === undefined || bucket.take(this.exchange.now())
  }

  #requireAuth(conn: Connection): void {
    const token = conn.token === undefined ? undefined : this.#tokens.get(conn.token)
    if (token === undefined) throw new RpcError(13009, "unauthorized", { reason: "not authenticated on this connection" })
    if (token.expiresAt <= this.exchange.now()) {
      this.#fired.expiredToken++
      throw new RpcError(13009, "unauthorized", { reason: "token has expired", param: "access_token" })
    }
  }

  #issueToken(conn: Connection): Record<string, unknown> {
    if (conn.token !== undefined) {
      const old = this.#tokens.get(conn.token)
      if (old !== undefined) this.#refreshTokens.delete(old.refreshToken)
      this.#tokens.delete(conn.token)
    }
    const ttl = this.#options.tokenTtlSec ?? 900
    const access = `access-${conn.id}-${++this.#tokenSeq}-${Math.random().toString(36).slice(2)}`
    const refresh = `refresh-${conn.id}-${this.#tokenSeq}-${Math.random().toString(36).slice(2)}`
    this.#tokens.set(access, { connId: conn.id, expiresAt: this.exchange.now() + ttl * 1000, refreshToken: refresh })
    this.#refreshTokens.set(refresh, access)
    conn.token = access
    return { access_token: access, refresh_token: refresh, expires_in: ttl, scope: "connection mainaccount trade:read_write", token_type: "bearer", enabled_features: [], sid: `fake-${conn.id}` }
  }

  #testRequest(conn: Connection): void {
    if (this.exchange.now() < this.#faults.silentUntil) return
    if (conn.awaitingTest) {
      conn.ws.close(1000, "heartbeat not answered")
      return
    }
    conn.awaitingTest = true
    this.#send(conn, { jsonrpc: "2.0", method: "heartbeat", params: { type: "test_request" } })
  }

  #dispatch(conn: Connection, method: string, params: Record<string, unknown>): unknown {
    const ex = this.exchange
    if (method.startsWith("private/")) this.#requireAuth(conn)
    const currencyOf = (p: unknown): string => (typeof p === "string" ? p : "BTC")
    const instrumentCurrency = (name: string) => ex.instrument(name)?.base_currency
    switch (method) {
      case "public/test":
        conn.awaitingTest = false
        return { version: "1.2.26-fake" }
      case "public/get_time":
        return ex.now()
      case "public/hello":
        return { version: "1.2.26-fake" }
      case "public/auth": {
        const grant = params.grant_type
        if (grant === "client_credentials") {
          if (params.client_id !== this.credentials.clientId || params.client_secret !== this.credentials.clientSecret) {
            throw new RpcError(13004, "invalid_credentials")
          }
          return this.#issueToken(conn)
        }
        if (grant === "refresh_token") {
          const access = typeof params.refresh_token === "string" ? this.#refreshTokens.get(params.refresh_token) : undefined
          const token = access === undefined ? undefined : this.#tokens.get(access)
          if (token === undefined || token.connId !== conn.id) throw new RpcError(13009, "unauthorized", { reason: "invalid refresh token", param: "refresh_token" })
          return this.#issueToken(conn)
        }
        throw new RpcError(-32602, "Invalid params", { param: "grant_type", reason: "client_credentials or refresh_token" })
      }
      case "private/logout":
        conn.loggedOut = true
        setImmediate(() => conn.ws.close(1000, "logout"))
        return "ok"
      case "public/set_heartbeat": {
        const interval = params.interval
        if (typeof interval !== "number" || interval < (this.#options.minHeartbeatSec ?? 10)) {
          throw new RpcError(-32602, "Invalid params", { param: "interval", reason: `must be at least ${this.#options.minHeartbeatSec ?? 10}` })
        }
        if (conn.heartbeat !== undefined) clearInterval(conn.heartbeat)
        conn.awaitingTest = false
        conn.heartbeat = setInterval(() => this.#testRequest(conn), interval * 1000)
        return "ok"
      }
      case "public/disable_heartbeat":
        if (conn.heartbeat !== undefined) clearInterval(conn.heartbeat)
        conn.heartbeat = undefined
        return "ok"
      case "private/enable_cancel_on_disconnect":
        conn.cancelOnDisconnect = params.scope === "account" ? "account" : "connection"
        return "ok"
      case "private/disable_cancel_on_disconnect":
        conn.cancelOnDisconnect = undefined
        return "ok"
      case "public/subscribe":
      case "private/subscribe": {
        const channels = Array.isArray(params.channels) ? params.channels.filter((c): c is string => typeof c === "string") : []
        const accepted: Array<string> = []
        for (const channel of channels) {
          const isPrivate = channel.startsWith("user.")
          if (isPrivate && method === "public/subscribe") continue
          if (!this.#validChannel(channel)) continue
          accepted.push(channel)
          const fresh = !conn.channels.has(channel)
          conn.channels.add(channel)
          if (fresh && channel.startsWith("book.")) {
            const name = channel.split(".")[1]!
            setImmediate(() => this.#send(conn, { jsonrpc: "2.0", method: "subscription", params: { channel, data: ex.bookSnapshot(name) } }))
          }
        }
        return accepted
      }
      case "public/unsubscribe":
      case "private/unsubscribe": {
        const channels = Array.isArray(params.channels) ? params.channels.filter((c): c is string => typeof c === "string") : []
        for (const channel of channels) conn.channels.delete(channel)
        return [...conn.channels]
      }
      case "public/unsubscribe_all":
      case "private/unsubscribe_all":
        conn.channels.clear()
        return "ok"
      case "public/get_instruments":
        return ex.instruments(currencyOf(params.currency), typeof params.kind === "string" ? params.kind : undefined)
      case "public/get_instrument":
        return ex.requireInstrument(params.instrument_name)
      case "public/get_order_book": {
        const instrument = ex.requireInstrument(params.instrument_name)
        return ex.orderBook(instrument.instrument_name, typeof params.depth === "number" ? params.depth : 20)
      }
      case "public/ticker":
        return ex.ticker(ex.requireInstrument(params.instrument_name).instrument_name)
      case "public/get_index_price":
        return { index_price: ex.indexPrice(typeof params.index_name === "string" ? params.index_name : "btc_usd"), estimated_delivery_price: ex.indexPrice() }
      case "private/buy":
      case "private/sell": {
        const result = ex.place(method === "private/buy" ? "buy" : "sell", params, conn.id)
        this.#publish(result.events)
        return { order: result.order, trades: result.trades }
      }
      case "private/edit": {
        const result = ex.edit(params.order_id, params)
        this.#publish(result.events)
        return { order: result.order, trades: result.trades }
      }
      case "private/cancel": {
        const result = ex.cancel(params.order_id)
        this.#publish(result.events)
        return result.order
      }
      case "private/cancel_by_label": {
        const currency = typeof params.currency === "string" ? params.currency : undefined
        const { count, events } = ex.cancelWhere((o) => o.label === params.label && (currency === undefined || instrumentCurrency(o.instrument_name) === currency), "user_request")
        this.#publish(events)
        return count
      }
      case "private/cancel_all": {
        const { count, events } = ex.cancelWhere(() => true, "user_request")
        this.#publish(events)
        return count
      }
      case "private/cancel_all_by_currency": {
        const currency = currencyOf(params.currency)
        const { count, events } = ex.cancelWhere((o) => instrumentCurrency(o.instrument_name) === currency, "user_request")
        this.#publish(events)
        return count
      }
      case "private/get_order_state":
        return ex.order(params.order_id)
      case "private/get_order_state_by_label": {
        const currency = currencyOf(params.currency)
        return ex.orders().filter((o) => o.label === params.label && instrumentCurrency(o.instrument_name) === currency)
      }
      case "private/get_open_orders_by_currency": {
        const currency = currencyOf(params.currency)
        const kind = typeof params.kind === "string" ? params.kind : "any"
        return ex.orders().filter((o) => o.order_state === "open" && instrumentCurrency(o.instrument_name) === currency && (kind === "any" || ex.instrument(o.instrument_name)?.kind === kind))
      }
      case "private/get_open_orders_by_label": {
        const currency = currencyOf(params.currency)
        return ex.orders().filter((o) => o.order_state === "open" && o.label === params.label && instrumentCurrency(o.instrument_name) === currency)
      }
      case "private/get_open_orders_by_instrument":
        return ex.orders().filter((o) => o.order_state === "open" && o.instrument_name === params.instrument_name)
      case "private/get_user_trades_by_currency_and_time": {
        const currency = currencyOf(params.currency)
        const start = typeof params.start_timestamp === "number" ? params.start_timestamp : 0
        const end = typeof params.end_timestamp === "number" ? params.end_timestamp : Number.MAX_SAFE_INTEGER
        const count = Math.min(this.#options.maxTradesPerPage ?? 1000, typeof params.count === "number" ? params.count : 10)
        const kind = typeof params.kind === "string" ? params.kind : "any"
        let trades = ex.trades().filter((t) =>
          instrumentCurrency(t.instrument_name) === currency && t.timestamp >= start && t.timestamp <= end && (kind === "any" || ex.instrument(t.instrument_name)?.kind === kind))
        if (params.sorting !== "asc") trades = trades.reverse()
        return { trades: trades.slice(0, count), has_more: trades.length > count }
      }
      case "private/get_user_trades_by_order":
        return ex.trades().filter((t) => t.order_id === params.order_id)
      case "private/get_positions":
        return ex.positions(currencyOf(params.currency), typeof params.kind === "string" ? params.kind : undefined)
      case "private/get_position": {
        const instrument = ex.requireInstrument(params.instrument_name)
        const found = ex.positions(instrument.base_currency).find((p) => p.instrument_name === instrument.instrument_name)
        return found ?? { instrument_name: instrument.instrument_name, kind: instrument.kind, size: 0, direction: "zero", average_price: 0 }
      }
      case "private/get_account_summary":
        return ex.accountSummary(currencyOf(params.currency))
      // ------------------------------------------------------------------------------------------ control
      case "fake/orders":
        return ex.orders().filter((o) => typeof params.label !== "string" || o.label === params.label)
      case "fake/trades":
        return ex.trades()
      case "fake/requests":
        return this.requests(typeof params.method === "string" ? params.method : undefined)
      case "fake/positions":
        return ex.positions()
      case "fake/set_book":
        this.setBook(String(params.instrument_name), {
          ...(Array.isArray(params.bids) ? { bids: params.bids as Array<Level> } : {}),
          ...(Array.isArray(params.asks) ? { asks: params.asks as Array<Level> } : {})
        })
        return "ok"
      case "fake/set_mark":
        this.setMark(String(params.instrument_name), typeof params.mark === "number" ? params.mark : undefined, typeof params.mark_iv === "number" ? params.mark_iv : undefined)
        return "ok"
      case "fake/set_index":
        this.setIndex(Number(params.price), typeof params.index_name === "string" ? params.index_name : "btc_usd")
        return "ok"
      case "fake/external_trade":
        this.externalTrade(String(params.instrument_name), params.side === "sell" ? "sell" : "buy", Number(params.amount), typeof params.price === "number" ? params.price : undefined)
        return "ok"
      case "fake/fault":
        this.#controlFault(params)
        return "ok"
      default:
        throw new RpcError(-32601, "Method not found")
    }
  }

  #controlFault(params: Record<string, unknown>): void {
    const method = typeof params.method === "string" ? params.method : ""
    const ms = typeof params.ms === "number" ? params.ms : params.ms === null ? Infinity : 0
    const count = typeof params.count === "number" ? params.count : 1
    switch (params.type) {
      case "drop_connection":
        return this.faults.dropConnection({ method, when: params.when === "after" ? "after" : "before", count })
      case "delay_response":
        return this.faults.delayResponse({ method, ms, count })
      case "delay_processing":
        return this.faults.delayProcessing({ method, ms, count })
      case "rate_limit":
        return this.faults.rateLimit(count)
      case "settlement":
        return this.faults.settlement(ms)
      case "silence":
        return this.faults.silence(ms)
      case "book_gap":
        return this.faults.bookGap(String(params.instrument_name))
      case "expire_tokens":
        return this.faults.expireTokens()
      case "disconnect_all":
        return setImmediate(() => this.faults.disconnectAll()) as unknown as void
      case "clear":
        return this.faults.clear()
      default:
        throw new RpcError(-32602, "Invalid params", { param: "type" })
    }
  }

  #validChannel(channel: string): boolean {
    const parts = channel.split(".")
    const ex = this.exchange
    switch (parts[0]) {
      case "ticker":
      case "book":
        return parts.length === 3 && ex.instrument(parts[1]!) !== undefined
      case "deribit_price_index":
        return parts.length === 2
      case "user":
        return (parts[1] === "orders" || parts[1] === "trades") && (parts.length === 5 || parts.length === 4)
      default:
        return false
    }
  }

  /** Sends what an exchange operation caused to the connections subscribed to it. */
  #publish(events: ReadonlyArray<ExchangeEvent>): void {
    const ex = this.exchange
    for (const event of events) {
      switch (event.type) {
        case "order": {
          const instrument = ex.instrument(event.order.instrument_name)!
          this.#notify(this.#userChannels("orders", instrument.kind, instrument.base_currency, instrument.instrument_name), event.order)
          break
        }
        case "trades": {
          const byInstrument = new Map<string, Array<FakeTrade>>()
          for (const t of event.trades) byInstrument.set(t.instrument_name, [...(byInstrument.get(t.instrument_name) ?? []), t])
          for (const [name, trades] of byInstrument) {
            const instrument = ex.instrument(name)!
            this.#notify(this.#userChannels("trades", instrument.kind, instrument.base_currency, name), trades)
          }
          break
        }
        case "book": {
          const change = ex.bookChange(event.instrument)
          if (change !== undefined) {
            if (this.#faults.bookGaps.delete(event.instrument)) {
              // lost on the way: clients see the next change's prev_change_id point at one they never got
            } else {
              this.#notify([`book.${event.instrument}.100ms`, `book.${event.instrument}.raw`], change.data)
            }
          }
          this.#notify([`ticker.${event.instrument}.100ms`, `ticker.${event.instrument}.raw`], ex.ticker(event.instrument))
          break
        }
        case "index":
          this.#notify([`deribit_price_index.${event.indexName}`], { index_name: event.indexName, price: event.price, timestamp: ex.now() })
          break
      }
    }
  }

  #userChannels(what: "orders" | "trades", kind: string, currency: string, instrument: string): Array<string> {
    const out: Array<string> = [`user.${what}.${instrument}.raw`]
    for (const k of [kind, "any"]) for (const c of [currency, "any"]) out.push(`user.${what}.${k}.${c}.raw`)
    return out
  }

  #notify(channels: ReadonlyArray<string>, data: unknown): void {
    for (const conn of this.#connections.values()) {
      for (const channel of channels) {
        if (conn.channels.has(channel)) this.#send(conn, { jsonrpc: "2.0", method: "subscription", params: { channel, data } })
      }
    }
  }
}
