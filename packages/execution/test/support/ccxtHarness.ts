/**
 * Test support for the ccxt adapter: an in-process transport that ccxt sends every HTTP request through (ccxt's
 * `fetchImplementation`), a base class for fake venues answering in the venues' documented REST formats, and
 * helpers to run a program against the adapter while capturing what it logs.
 *
 * Everything the fakes answer is TEST DATA written from the venues' public API documentation (response shapes
 * and field names); the values are made up.
 */
import { createHmac } from "node:crypto"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import type * as Scope from "effect/Scope"
import * as Ccxt from "../../src/Ccxt.js"

/** One HTTP request as the fake venue saw it. */
export interface Request {
  readonly method: string
  readonly url: URL
  /** Path and query as sent (`/api/v5/trade/order?instId=…`). */
  readonly target: string
  readonly path: string
  readonly query: Record<string, string>
  readonly headers: Record<string, string>
  readonly body: string
  /** The body parsed as JSON (or form-encoded), when it is one. */
  readonly json: unknown
}

export interface Reply {
  readonly status?: number
  readonly body: unknown
}

type Route = (request: Request) => Reply

/** The credentials every fake checks signatures against. Never to appear in an error or a log line. */
export const CREDENTIALS = {
  apiKey: "hk-test-APIKEY-7f3a91c2d4",
  secret: "hk-test-SECRET-c0ffee-5ecret-d00d",
  password: "hk-test-PASSPHRASE-b4d5eed"
} as const

export const hmac = (secret: string, payload: string, encoding: "hex" | "base64"): string =>
  createHmac("sha256", secret).update(payload).digest(encoding)

const parseBody = (body: string, contentType: string | undefined): unknown => {
  if (body.length === 0) return undefined
  try {
    return JSON.parse(body)
  } catch {
    if (contentType?.includes("x-www-form-urlencoded") === true) return Object.fromEntries(new URLSearchParams(body))
    return undefined
  }
}

/**
 * A fake venue: routes `METHOD /path` to handlers, records every request, checks authentication of private
 * paths, and answers queued failures first.
 */
export abstract class FakeVenue {
  readonly requests: Array<Request> = []
  private readonly routes = new Map<string, Route>()
  private readonly failures: Array<{ readonly match: (r: Request) => boolean; readonly reply: Reply; readonly times: number; used: number }> = []
  private readonly faults: Array<{ readonly path: string; readonly fault: { readonly throws: Error } | { readonly delayMs: number }; used: boolean }> = []
  /** The clock the fake stamps orders and trades with (ms). */
  now = () => Date.now()

  protected route(method: string, path: string, handler: Route): void {
    this.routes.set(`${method} ${path}`, handler)
  }

  /** The next `times` requests to `path` (optionally with `method`) get `reply` instead of an answer. */
  failNext(path: string, reply: Reply, options: { readonly method?: string; readonly times?: number } = {}): void {
    this.failures.push({ match: (r) => r.path === path && (options.method === undefined || r.method === options.method), reply, times: options.times ?? 1, used: 0 })
  }

  /** The next request to `path` fails in the transport (as a refused connection would). */
  breakNext(path: string, error: Error): void {
    this.faults.push({ path, fault: { throws: error }, used: false })
  }

  /** The next request to `path` is answered after `delayMs` (unless the client aborts first). */
  delayNext(path: string, delayMs: number): void {
    this.faults.push({ path, fault: { delayMs }, used: false })
  }

  /** Requests to a path (and method). */
  sent(path: string, method?: string): Array<Request> {
    return this.requests.filter((r) => r.path === path && (method === undefined || r.method === method))
  }

  /** Whether a private request is signed with the test credentials (each venue's scheme). */
  protected abstract authenticate(request: Request): boolean
  protected abstract isPrivate(path: string): boolean
  protected abstract unauthorized(request: Request): Reply
  protected notFound(request: Request): Reply {
    return { status: 404, body: { error: `fake: no route for ${request.method} ${request.path}` } }
  }

  /** ccxt's `fetchImplementation`. */
  readonly fetch = async (url: string, init: Record<string, unknown>): Promise<Response> => {
    const parsed = new URL(url)
    const rawHeaders = (init.headers ?? {}) as Record<string, string>
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(rawHeaders)) headers[k.toLowerCase()] = String(v)
    const body = typeof init.body === "string" ? init.body : ""
    const request: Request = {
      method: String(init.method ?? "GET").toUpperCase(),
      url: parsed,
      target: parsed.pathname + parsed.search,
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      headers,
      body,
      json: parseBody(body, headers["content-type"])
    }
    this.requests.push(request)
    const fault = this.faults.find((f) => !f.used && f.path === request.path)
    if (fault !== undefined) {
      fault.used = true
      if ("throws" in fault.fault) throw fault.fault.throws
      const signal = init.signal as AbortSignal | undefined
      const delayMs = fault.fault.delayMs
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, delayMs)
        signal?.addEventListener("abort", () => {
          clearTimeout(timer)
          reject(new DOMException("The operation was aborted.", "AbortError"))
        })
      })
    }
    const reply = this.answer(request)
    return new Response(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body), {
      status: reply.status ?? 200,
      headers: { "content-type": "application/json" }
    })
  }

  private answer(request: Request): Reply {
    const failure = this.failures.find((f) => f.used < f.times && f.match(request))
    if (failure !== undefined) {
      failure.used++
      return failure.reply
    }
    if (this.isPrivate(request.path) && !this.authenticate(request)) return this.unauthorized(request)
    const route = this.routes.get(`${request.method} ${request.path}`)
    return route === undefined ? this.notFound(request) : route(request)
  }
}

/** An adapter config for a fake venue (sandbox mode, no client-side rate limiting, fast polls). */
export const configFor = (
  fake: FakeVenue,
  exchange: Ccxt.ExchangeId,
  symbols: Record<string, string>,
  overrides: Partial<Ccxt.CcxtConfig> = {}
): Ccxt.CcxtConfig => ({
  exchange,
  apiKey: Redacted.make(CREDENTIALS.apiKey),
  secret: Redacted.make(CREDENTIALS.secret),
  ...(exchange === "okx" ? { password: Redacted.make(CREDENTIALS.password) } : {}),
  symbols,
  clientOrderPrefix: "hk-",
  enableRateLimit: false,
  fillsPollMs: 25,
  settleMs: 300,
  settlePollMs: 20,
  fetchImplementation: fake.fetch,
  ...overrides
})

/** Log lines captured while running a program. */
export const logged: Array<string> = []

const capture = Logger.make((options) => {
  logged.push(`${options.logLevel}: ${typeof options.message === "string" ? options.message : JSON.stringify(options.message)}`)
})

/** Runs `f` against a freshly built adapter (closed afterwards); log lines go to {@link logged}. */
export const withCcxt = <A, E>(
  config: Ccxt.CcxtConfig,
  f: (venue: Ccxt.CcxtService) => Effect.Effect<A, E, Scope.Scope>
): Promise<A> =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(Ccxt.make(config), f)).pipe(
      Effect.provide(Logger.layer([capture])),
      Effect.provideService(References.MinimumLogLevel, "All")
    )
  )

/** Runs `f` and returns its failure (the test fails when it succeeds). */
export const failureOf = async <E>(run: () => Promise<unknown>): Promise<E> => {
  try {
    await run()
  } catch (error) {
    return error as E
  }
  throw new Error("expected a failure")
}

/** An order in a fake venue's book (venue units). */
export interface FakeOrder {
  readonly id: string
  readonly clientId: string
  readonly instrument: string
  readonly side: "buy" | "sell"
  readonly type: "market" | "limit"
  readonly amount: number
  readonly price: number | undefined
  readonly postOnly: boolean
  readonly reduceOnly: boolean
  readonly timeInForce: string | undefined
  readonly createdMs: number
  filled: number
  notional: number
  state: "open" | "filled" | "cancelled" | "rejected"
  updatedMs: number
  /** Whatever else the venue's request carried. */
  readonly request: Record<string, unknown>
}

/** A trade in a fake venue (venue units). */
export interface FakeTrade {
  readonly id: string
  readonly orderId: string
  readonly clientId: string
  readonly instrument: string
  readonly side: "buy" | "sell"
  readonly amount: number
  readonly price: number
  readonly fee: number
  readonly feeCurrency: string
  readonly liquidity: "maker" | "taker"
  readonly timeMs: number
}

/**
 * The matching a fake venue does: market orders fill at once at the instrument's mark as taker; limit orders rest
 * until a test fills them.
 */
export class Ledger {
  readonly orders: Array<FakeOrder> = []
  readonly trades: Array<FakeTrade> = []
  private seq = 0
  constructor(
    private readonly now: () => number,
    readonly marks: Record<string, number>,
    /** Fee of a trade (in `currency`; positive = paid). */
    readonly feeOf: (instrument: string, amount: number, price: number, liquidity: "maker" | "taker") => { readonly fee: number; readonly currency: string },
    private readonly ids: { readonly order: (n: number) => string; readonly trade: (n: number) => string }
  ) {}

  submit(o: Omit<FakeOrder, "id" | "filled" | "notional" | "state" | "updatedMs" | "createdMs">): FakeOrder {
    const now = this.now()
    const order: FakeOrder = { ...o, id: this.ids.order(++this.seq), filled: 0, notional: 0, state: "open", createdMs: now, updatedMs: now }
    this.orders.push(order)
    if (o.type === "market") {
      const mark = this.marks[o.instrument]
      if (mark === undefined) throw new Error(`fake: no mark for ${o.instrument}`)
      this.fill(order.id, o.amount, mark, "taker")
    }
    return order
  }

  /** Fills `amount` of an open order at `price`. */
  fill(orderId: string, amount: number, price: number, liquidity: "maker" | "taker"): FakeTrade {
    const order = this.order(orderId)
    if (order === undefined || order.state !== "open") throw new Error(`fake: order ${orderId} is not open`)
    const now = this.now()
    const { fee, currency } = this.feeOf(order.instrument, amount, price, liquidity)
    const trade: FakeTrade = {
      id: this.ids.trade(++this.seq), orderId, clientId: order.clientId, instrument: order.instrument, side: order.side, amount, price, fee,
      feeCurrency: currency, liquidity, timeMs: now
    }
    this.trades.push(trade)
    order.filled = Number((order.filled + amount).toPrecision(12))
    order.notional += amount * price
    order.updatedMs = now
    if (order.filled >= order.amount - 1e-12) order.state = "filled"
    return trade
  }

  cancel(orderId: string): FakeOrder | undefined {
    const order = this.order(orderId)
    if (order === undefined || order.state !== "open") return undefined
    order.state = "cancelled"
    order.updatedMs = this.now()
    return order
  }

  order(orderId: string): FakeOrder | undefined {
    return this.orders.find((o) => o.id === orderId)
  }

  byClientId(clientId: string): Array<FakeOrder> {
    return this.orders.filter((o) => o.clientId === clientId)
  }

  average(order: FakeOrder): number | undefined {
    return order.filled > 0 ? order.notional / order.filled : undefined
  }

  /** Signed position per instrument from the trades (plus `opening` positions). */
  positions(opening: Record<string, number> = {}): Map<string, number> {
    const out = new Map<string, number>(Object.entries(opening))
    for (const t of this.trades) out.set(t.instrument, Number(((out.get(t.instrument) ?? 0) + (t.side === "buy" ? t.amount : -t.amount)).toPrecision(12)))
    return out
  }
}

/** Venue numbers are strings on OKX and Bybit. */
export const s = (x: number | undefined): string => (x === undefined ? "" : String(Number(x.toPrecision(12))))

/** The failure of building the adapter (the test fails when it builds). */
export const buildFailure = (config: Ccxt.CcxtConfig): Promise<unknown> =>
  Effect.runPromise(Effect.flip(Effect.scoped(Ccxt.make(config))).pipe(Effect.provide(Logger.layer([capture]))))

/** A clock that moves 1 ms on every reading, starting `behindMs` before now (trades get distinct times). */
export const steppingClock = (behindMs = 60_000): (() => number) => {
  let t = Date.now() - behindMs
  return () => ++t
}

/** Polls `predicate` every 10 ms until it holds; fails after `timeoutMs`. */
export const until = (predicate: () => boolean, what: string, timeoutMs = 5_000): Effect.Effect<void, Error> =>
  Effect.gen(function*() {
    const start = Date.now()
    while (!predicate()) {
      if (Date.now() - start > timeoutMs) return yield* Effect.fail(new Error(`timed out waiting for ${what}`))
      yield* Effect.sleep("10 millis")
    }
  })
