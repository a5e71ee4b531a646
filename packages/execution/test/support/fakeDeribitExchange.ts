/**
 * The in-memory exchange behind the fake Deribit server: instruments, one order book per instrument (outside
 * liquidity the test sets, plus the account's resting orders), a matching engine (market and limit orders,
 * partial fills, resting orders, post-only, reduce-only, IOC/FOK), positions and one account per currency.
 *
 * Payloads are shaped like Deribit's (snake_case, amounts in the instrument's units: USD for inverse futures,
 * coins for options), so the server can send them as they are. Labels are not deduplicated, as on Deribit.
 *
 * Plain TypeScript, no dependency: the standalone bundle runs it in a separate Node process.
 */

export type Side = "buy" | "sell"
export type Level = readonly [price: number, amount: number]

/** A JSON-RPC error, answered as `{ error: { code, message, data } }`. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: { readonly reason?: string; readonly param?: string }
  ) {
    super(message)
  }
}

export interface FakeInstrument {
  readonly instrument_name: string
  readonly instrument_id: number
  readonly kind: "future" | "option"
  readonly base_currency: string
  readonly quote_currency: string
  readonly counter_currency: string
  readonly settlement_currency: string
  readonly instrument_type: "reversed" | "linear"
  readonly contract_size: number
  readonly min_trade_amount: number
  readonly tick_size: number
  readonly tick_size_steps: ReadonlyArray<{ readonly above_price: number; readonly tick_size: number }>
  readonly option_type?: "call" | "put"
  readonly strike?: number
  readonly expiration_timestamp: number
  readonly creation_timestamp: number
  readonly settlement_period: "perpetual" | "day" | "week" | "month"
  readonly is_active: boolean
  readonly price_index: string
  readonly maker_commission: number
  readonly taker_commission: number
  readonly rfq: boolean
}

export interface FakeOrder {
  order_id: string
  label: string
  instrument_name: string
  direction: Side
  amount: number
  contracts: number
  filled_amount: number
  average_price: number
  price: number | "market_price"
  order_type: "limit" | "market"
  order_state: "open" | "filled" | "rejected" | "cancelled" | "untriggered"
  time_in_force: "good_til_cancelled" | "good_til_day" | "fill_or_kill" | "immediate_or_cancel"
  post_only: boolean
  reject_post_only: boolean
  reduce_only: boolean
  creation_timestamp: number
  last_update_timestamp: number
  cancel_reason?: string
  api: boolean
  web: boolean
  replaced: boolean
  is_liquidation: boolean
  max_show: number
  mmp: boolean
  risk_reducing: boolean
}

export interface FakeTrade {
  trade_id: string
  trade_seq: number
  order_id: string
  label: string
  instrument_name: string
  direction: Side
  amount: number
  contracts: number
  price: number
  fee: number
  fee_currency: string
  liquidity: "M" | "T"
  order_type: "limit" | "market"
  timestamp: number
  index_price: number
  mark_price: number
  state: "open" | "filled"
  tick_direction: number
  self_trade: boolean
  post_only: boolean
  reduce_only: boolean
  api: boolean
  profit_loss: number
  matching_id: null
}

interface Position {
  instrument: string
  size: number
  averagePrice: number
  realized: number
}

interface Book {
  readonly instrument: FakeInstrument
  readonly bids: Map<number, number>
  readonly asks: Map<number, number>
  /** The levels clients last saw, to build `change` notifications. */
  published: { bids: Map<number, number>; asks: Map<number, number> }
  changeId: number
  lastTradePrice: number | undefined
  mark: number | undefined
  markIv: number | undefined
}

/** What one exchange operation caused, in order: order updates, trades, and the books and tickers it moved. */
export type ExchangeEvent =
  | { readonly type: "order"; readonly order: FakeOrder }
  | { readonly type: "trades"; readonly trades: ReadonlyArray<FakeTrade> }
  | { readonly type: "book"; readonly instrument: string }
  | { readonly type: "index"; readonly indexName: string; readonly price: number }

export interface PlaceRequest {
  readonly instrument_name?: unknown
  readonly amount?: unknown
  readonly contracts?: unknown
  readonly type?: unknown
  readonly price?: unknown
  readonly label?: unknown
  readonly time_in_force?: unknown
  readonly post_only?: unknown
  readonly reject_post_only?: unknown
  readonly reduce_only?: unknown
  readonly valid_until?: unknown
}

export interface FeeSchedule {
  /** Cap of an option's fee as a fraction of its premium (Deribit: 12.5 %). */
  readonly optionFeeCap: number
}

export interface FakeExchangeOptions {
  readonly instruments?: ReadonlyArray<FakeInstrument>
  /** Starting balance per currency (default 10 BTC). */
  readonly balances?: Readonly<Record<string, number>>
  readonly indexPrices?: Readonly<Record<string, number>>
  readonly fees?: Partial<FeeSchedule>
  readonly now?: () => number
}

const EPS = 1e-9
const round8 = (x: number): number => Math.round(x * 1e8) / 1e8
const isMultiple = (x: number, step: number): boolean => Math.abs(x / step - Math.round(x / step)) < 1e-7

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

/** Deribit's expiry code of a timestamp: `26JUN26` (day without a leading zero). */
export const expiryCode = (timeMs: number): string => {
  const d = new Date(timeMs)
  return `${d.getUTCDate()}${MONTHS[d.getUTCMonth()]}${String(d.getUTCFullYear()).slice(2)}`
}

/** The Friday 08:00 UTC at least `minDays` after `nowMs`. */
export const fridayExpiry = (nowMs: number, minDays: number): number => {
  const d = new Date(nowMs + minDays * 86_400_000)
  d.setUTCHours(8, 0, 0, 0)
  while (d.getUTCDay() !== 5) d.setUTCDate(d.getUTCDate() + 1)
  return d.getTime()
}

/** BTC-PERPETUAL (inverse, 10-USD contracts) and four BTC options on one expiry. */
export const defaultInstruments = (nowMs: number): Array<FakeInstrument> => {
  const expiry = fridayExpiry(nowMs, 14)
  const code = expiryCode(expiry)
  const base = {
    base_currency: "BTC", quote_currency: "USD", counter_currency: "USD", settlement_currency: "BTC", instrument_type: "reversed" as const,
    creation_timestamp: nowMs - 86_400_000, is_active: true, price_index: "btc_usd", rfq: false
  }
  const options: Array<FakeInstrument> = []
  let id = 200_000
  for (const strike of [90_000, 100_000]) {
    for (const type of ["call", "put"] as const) {
      options.push({
        ...base, instrument_name: `BTC-${code}-${strike}-${type === "call" ? "C" : "P"}`, instrument_id: ++id, kind: "option", contract_size: 1,
        min_trade_amount: 0.1, tick_size: 0.0001, tick_size_steps: [{ above_price: 0.005, tick_size: 0.0005 }], option_type: type, strike,
        expiration_timestamp: expiry, settlement_period: "week", maker_commission: 0.0003, taker_commission: 0.0003
      })
    }
  }
  return [
    {
      ...base, instrument_name: "BTC-PERPETUAL", instrument_id: 124_972, kind: "future", contract_size: 10, min_trade_amount: 10, tick_size: 0.5,
      tick_size_steps: [], expiration_timestamp: 32_503_680_000_000, settlement_period: "perpetual", maker_commission: 0, taker_commission: 0.0005
    },
    ...options
  ]
}

/** The tick at a price: the last step whose `above_price` is below it, else `tick_size`. */
export const tickAt = (instrument: FakeInstrument, price: number): number => {
  let tick = instrument.tick_size
  for (const step of instrument.tick_size_steps) if (price > step.above_price) tick = step.tick_size
  return tick
}

const sortedLevels = (side: Map<number, number>, descending: boolean): Array<[number, number]> =>
  [...side.entries()].filter(([, a]) => a > EPS).sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]))

/**
 * The exchange. Every mutating call returns the events it caused (also handed to `onEvents`), so the server can
 * notify subscribers in order.
 */
export class FakeExchange {
  readonly #instruments = new Map<string, FakeInstrument>()
  readonly #books = new Map<string, Book>()
  readonly #orders = new Map<string, FakeOrder & { readonly connId: number; readonly seq: number }>()
  readonly #trades: Array<FakeTrade> = []
  readonly #positions = new Map<string, Position>()
  readonly #balances = new Map<string, number>()
  readonly #initialBalances = new Map<string, number>()
  readonly #indexPrices = new Map<string, number>()
  readonly #fees: FeeSchedule
  readonly now: () => number
  #orderSeq = 0
  #tradeSeq = 0
  #events: Array<ExchangeEvent> = []
  #dirtyBooks = new Set<string>()

  constructor(options: FakeExchangeOptions = {}) {
    this.now = options.now ?? Date.now
    for (const instrument of options.instruments ?? defaultInstruments(this.now())) this.addInstrument(instrument)
    for (const [currency, balance] of Object.entries(options.balances ?? { BTC: 10 })) {
      this.#balances.set(currency, balance)
      this.#initialBalances.set(currency, balance)
    }
    for (const [name, price] of Object.entries(options.indexPrices ?? { btc_usd: 100_000 })) this.#indexPrices.set(name, price)
    this.#fees = { optionFeeCap: 0.125, ...options.fees }
  }

  addInstrument(instrument: FakeInstrument): void {
    this.#instruments.set(instrument.instrument_name, instrument)
    this.#books.set(instrument.instrument_name, {
      instrument, bids: new Map(), asks: new Map(), published: { bids: new Map(), asks: new Map() }, changeId: 1_000,
      lastTradePrice: undefined, mark: undefined, markIv: undefined
    })
    if (!this.#balances.has(instrument.settlement_currency)) this.#balances.set(instrument.settlement_currency, 0)
  }

  // ---------------------------------------------------------------------------------------------- reading

  instruments(currency?: string, kind?: string): Array<FakeInstrument> {
    return [...this.#instruments.values()].filter((i) =>
      (currency === undefined || currency === "any" || i.base_currency === currency) && (kind === undefined || kind === "any" || i.kind === kind))
  }

  instrument(name: string): FakeInstrument | undefined {
    return this.#instruments.get(name)
  }

  requireInstrument(name: unknown): FakeInstrument {
    const instrument = typeof name === "string" ? this.#instruments.get(name) : undefined
    if (instrument === undefined) throw new RpcError(10020, "invalid_or_unsupported_instrument", { param: "instrument_name", reason: "unknown instrument" })
    return instrument
  }

  indexPrice(indexName = "btc_usd"): number {
    return this.#indexPrices.get(indexName) ?? 0
  }

  /** Aggregated levels (outside liquidity plus resting orders), best first. */
  levels(name: string): { bids: Array<[number, number]>; asks: Array<[number, number]> } {
    const book = this.#book(name)
    const bids = new Map(book.bids)
    const asks = new Map(book.asks)
    for (const order of this.#orders.values()) {
      if (order.instrument_name !== name || order.order_state !== "open" || typeof order.price !== "number") continue
      const side = order.direction === "buy" ? bids : asks
      side.set(order.price, round8((side.get(order.price) ?? 0) + order.amount - order.filled_amount))
    }
    return { bids: sortedLevels(bids, true), asks: sortedLevels(asks, false) }
  }

  markPrice(name: string): number {
    const book = this.#book(name)
    if (book.mark !== undefined) return book.mark
    const { bids, asks } = this.levels(name)
    const bid = bids[0]?.[0]
    const ask = asks[0]?.[0]
    if (bid !== undefined && ask !== undefined) return (bid + ask) / 2
    return book.lastTradePrice ?? bid ?? ask ?? (book.instrument.kind === "future" ? this.indexPrice(book.instrument.price_index) : 0)
  }

  changeId(name: string): number {
    return this.#book(name).changeId
  }

  orderBook(name: string, depth: number): Record<string, unknown> {
    const book = this.#book(name)
    const { bids, asks } = this.levels(name)
    return {
      instrument_name: name, timestamp: this.now(), change_id: book.changeId, state: "open",
      bids: bids.slice(0, depth), asks: asks.slice(0, depth),
      best_bid_price: bids[0]?.[0] ?? 0, best_bid_amount: bids[0]?.[1] ?? 0, best_ask_price: asks[0]?.[0] ?? 0, best_ask_amount: asks[0]?.[1] ?? 0,
      ...this.#tickerFields(book)
    }
  }

  ticker(name: string): Record<string, unknown> {
    const book = this.#book(name)
    const { bids, asks } = this.levels(name)
    return {
      instrument_name: name, timestamp: this.now(), state: "open",
      best_bid_price: bids[0]?.[0] ?? null, best_bid_amount: bids[0]?.[1] ?? 0, best_ask_price: asks[0]?.[0] ?? null, best_ask_amount: asks[0]?.[1] ?? 0,
      ...this.#tickerFields(book)
    }
  }

  #tickerFields(book: Book): Record<string, unknown> {
    const instrument = book.instrument
    const index = this.indexPrice(instrument.price_index)
    const mark = this.markPrice(instrument.instrument_name)
    const fields: Record<string, unknown> = {
      mark_price: mark, index_price: index, last_price: book.lastTradePrice ?? null, settlement_price: null, open_interest: 0,
      min_price: 0, max_price: 0, stats: { volume: 0, price_change: null, low: null, high: null }
    }
    if (instrument.kind === "option") {
      const perp = this.#books.get(`${instrument.base_currency}-PERPETUAL`)
      fields.underlying_price = perp === undefined ? index : this.markPrice(perp.instrument.instrument_name)
      fields.underlying_index = `SYN.${instrument.base_currency}-${expiryCode(instrument.expiration_timestamp)}`
      fields.mark_iv = book.markIv ?? 50
      fields.bid_iv = 0
      fields.ask_iv = 0
      fields.interest_rate = 0
      fields.greeks = { delta: 0, gamma: 0, vega: 0, theta: 0, rho: 0 }
    } else if (instrument.settlement_period === "perpetual") {
      fields.current_funding = 0
      fields.funding_8h = 0
      fields.interest_value = 0
    }
    return fields
  }

  orders(): Array<FakeOrder> {
    return [...this.#orders.values()].sort((a, b) => a.seq - b.seq).map(publicOrder)
  }

  order(orderId: unknown): FakeOrder {
    const order = typeof orderId === "string" ? this.#orders.get(orderId) : undefined
    if (order === undefined) throw new RpcError(10004, "order_not_found", { param: "order_id" })
    return publicOrder(order)
  }

  trades(): Array<FakeTrade> {
    return this.#trades.map((t) => ({ ...t }))
  }

  positions(currency?: string, kind?: string): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = []
    for (const position of this.#positions.values()) {
      const instrument = this.#instruments.get(position.instrument)!
      if (currency !== undefined && currency !== "any" && instrument.base_currency !== currency) continue
      if (kind !== undefined && kind !== "any" && instrument.kind !== kind) continue
      out.push(this.#positionPayload(position, instrument))
    }
    return out
  }

  #positionPayload(position: Position, instrument: FakeInstrument): Record<string, unknown> {
    const mark = this.markPrice(instrument.instrument_name)
    const index = this.indexPrice(instrument.price_index)
    const upl = this.#unrealized(position, instrument, mark)
    return {
      instrument_name: instrument.instrument_name, kind: instrument.kind, size: position.size,
      size_currency: instrument.kind === "future" && mark > 0 ? round8(position.size / mark) : position.size,
      direction: position.size > 0 ? "buy" : position.size < 0 ? "sell" : "zero",
      average_price: position.averagePrice, mark_price: mark, index_price: index, floating_profit_loss: upl,
      realized_profit_loss: position.realized, total_profit_loss: round8(upl + position.realized),
      delta: instrument.kind === "future" && mark > 0 ? round8(position.size / mark) : 0, gamma: 0, vega: 0, theta: 0,
      initial_margin: 0, maintenance_margin: 0, open_orders_margin: 0, leverage: 50, settlement_price: mark, realized_funding: 0
    }
  }

  #unrealized(position: Position, instrument: FakeInstrument, mark: number): number {
    if (position.size === 0 || !(mark > 0)) return 0
    if (instrument.kind === "future") return round8(position.size * (1 / position.averagePrice - 1 / mark))
    return round8(position.size * (mark - position.averagePrice))
  }

  accountSummary(currency: string): Record<string, unknown> {
    const balance = this.#balances.get(currency)
    if (balance === undefined) throw new RpcError(11029, "invalid_arguments", { param: "currency", reason: "unknown currency" })
    let futuresUpl = 0
    let optionsValue = 0
    for (const position of this.#positions.values()) {
      const instrument = this.#instruments.get(position.instrument)!
      if (instrument.settlement_currency !== currency) continue
      const mark = this.markPrice(instrument.instrument_name)
      if (instrument.kind === "future") futuresUpl += this.#unrealized(position, instrument, mark)
      else optionsValue += position.size * mark
    }
    const equity = round8(balance + futuresUpl + optionsValue)
    return {
      currency, balance: round8(balance), equity, available_funds: equity, available_withdrawal_funds: round8(balance), margin_balance: equity,
      initial_margin: 0, maintenance_margin: 0, session_upl: round8(futuresUpl), session_rpl: 0, total_pl: round8(equity - (this.#initialBalances.get(currency) ?? 0)),
      options_value: round8(optionsValue), futures_pl: round8(futuresUpl), delta_total: 0, fee_balance: 0, portfolio_margining_enabled: false
    }
  }

  // ---------------------------------------------------------------------------------------------- market

  /** Replaces the outside liquidity of a book; resting orders it crosses fill (the account is the maker). */
  setBook(name: string, levels: { readonly bids?: ReadonlyArray<Level>; readonly asks?: ReadonlyArray<Level> }): Array<ExchangeEvent> {
    const book = this.#book(name)
    if (levels.bids !== undefined) {
      book.bids.clear()
      for (const [p, a] of levels.bids) if (a > 0) book.bids.set(p, a)
    }
    if (levels.asks !== undefined) {
      book.asks.clear()
      for (const [p, a] of levels.asks) if (a > 0) book.asks.set(p, a)
    }
    this.#dirtyBooks.add(name)
    this.#crossResting(book)
    return this.#flush()
  }

  setMark(name: string, mark: number | undefined, markIv?: number): Array<ExchangeEvent> {
    const book = this.#book(name)
    book.mark = mark
    if (markIv !== undefined) book.markIv = markIv
    this.#dirtyBooks.add(name)
    return this.#flush()
  }

  setIndex(price: number, indexName = "btc_usd"): Array<ExchangeEvent> {
    this.#indexPrices.set(indexName, price)
    this.#events.push({ type: "index", indexName, price })
    for (const book of this.#books.values()) if (book.instrument.price_index === indexName) this.#dirtyBooks.add(book.instrument.instrument_name)
    return this.#flush()
  }

  /** An outside participant takes `amount` from the `side` opposite its own, resting orders first at each price. */
  externalTrade(name: string, side: Side, amount: number, limitPrice?: number): Array<ExchangeEvent> {
    const book = this.#book(name)
    let remaining = amount
    const trades: Array<FakeTrade> = []
    const bestFirst = this.levels(name)[side === "buy" ? "asks" : "bids"]
    for (const [price] of bestFirst) {
      if (remaining <= EPS) break
      if (limitPrice !== undefined && (side === "buy" ? price > limitPrice + EPS : price < limitPrice - EPS)) break
      for (const resting of this.#restingAt(name, side === "buy" ? "sell" : "buy", price)) {
        if (remaining <= EPS) break
        const quantity = Math.min(remaining, round8(resting.amount - resting.filled_amount))
        trades.push(this.#execute(resting, quantity, price, "M"))
        remaining = round8(remaining - quantity)
      }
      const outside = (side === "buy" ? book.asks : book.bids)
      const available = outside.get(price) ?? 0
      if (remaining > EPS && available > EPS) {
        const quantity = Math.min(remaining, available)
        outside.set(price, round8(available - quantity))
        remaining = round8(remaining - quantity)
        book.lastTradePrice = price
      }
    }
    this.#dirtyBooks.add(name)
    if (trades.length > 0) this.#events.push({ type: "trades", trades })
    return this.#flush()
  }

  // ---------------------------------------------------------------------------------------------- orders

  /** `private/buy` and `private/sell`. Throws an `RpcError` for what Deribit answers with an error. */
  place(direction: Side, request: PlaceRequest, connId: number): { order: FakeOrder; trades: Array<FakeTrade>; events: Array<ExchangeEvent> } {
    const instrument = this.requireInstrument(request.instrument_name)
    const now = this.now()
    if (request.valid_until !== undefined) {
      if (typeof request.valid_until !== "number") throw new RpcError(-32602, "Invalid params", { param: "valid_until", reason: "must be a number" })
      if (now > request.valid_until) throw new RpcError(13888, "timed_out", { reason: "request received after valid_until" })
    }
    let amount: number
    if (request.amount !== undefined) {
      if (typeof request.amount !== "number" || !(request.amount > 0)) throw new RpcError(-32602, "Invalid params", { param: "amount", reason: "must be a positive number" })
      amount = request.amount
      if (typeof request.contracts === "number" && Math.abs(request.contracts * instrument.contract_size - amount) > EPS) {
        throw new RpcError(-32602, "Invalid params", { param: "contracts", reason: "amount and contracts disagree" })
      }
    } else if (typeof request.contracts === "number" && request.contracts > 0) {
      amount = round8(request.contracts * instrument.contract_size)
    } else {
      throw new RpcError(-32602, "Invalid params", { param: "amount", reason: "amount or contracts required" })
    }
    const step = instrument.kind === "future" ? instrument.contract_size : instrument.min_trade_amount
    if (!isMultiple(amount, step)) throw new RpcError(-32602, "Invalid params", { param: "amount", reason: `must be a multiple of ${step}` })
    if (amount < instrument.min_trade_amount - EPS) throw new RpcError(10002, "qty_too_low", { param: "amount" })
    const type = request.type ?? "limit"
    if (type !== "limit" && type !== "market") throw new RpcError(-32602, "Invalid params", { param: "type", reason: "only limit and market orders here" })
    let price: number | undefined
    if (type === "limit") {
      if (typeof request.price !== "number" || !(request.price > 0)) throw new RpcError(-32602, "Invalid params", { param: "price", reason: "a limit order needs a price" })
      price = request.price
      if (!isMultiple(price, tickAt(instrument, price))) throw new RpcError(10043, "price_wrong_tick", { param: "price" })
    }
    const label = request.label ?? ""
    if (typeof label !== "string" || label.length > 64) throw new RpcError(-32602, "Invalid params", { param: "label", reason: "must be a string of at most 64 characters" })
    const tif = request.time_in_force ?? "good_til_cancelled"
    if (tif !== "good_til_cancelled" && tif !== "good_til_day" && tif !== "fill_or_kill" && tif !== "immediate_or_cancel") {
      throw new RpcError(-32602, "Invalid params", { param: "time_in_force" })
    }
    const postOnly = request.post_only === true
    const rejectPostOnly = request.reject_post_only === true
    const reduceOnly = request.reduce_only === true
    if (reduceOnly) {
      const size = this.#positions.get(instrument.instrument_name)?.size ?? 0
      const reducible = direction === "buy" ? Math.max(0, -size) : Math.max(0, size)
      if (reducible <= EPS) throw new RpcError(11029, "invalid_arguments", { param: "reduce_only", reason: "the order would increase the position" })
      amount = Math.min(amount, reducible)
    }
    const levels = this.levels(instrument.instrument_name)
    const opposite = direction === "buy" ? levels.asks : levels.bids
    const crosses = (p: number): boolean => direction === "buy" ? p <= price! + EPS : p >= price! - EPS
    if (postOnly && price !== undefined && opposite[0] !== undefined && crosses(opposite[0][0])) {
      if (rejectPostOnly) throw new RpcError(11054, "post_only_reject", { reason: "the order would take liquidity" })
      const tick = tickAt(instrument, opposite[0][0])
      price = round8(direction === "buy" ? opposite[0][0] - tick : opposite[0][0] + tick)
    }
    const order: FakeOrder & { connId: number; seq: number } = {
      order_id: `${instrument.base_currency}-${++this.#orderSeq + 1_000_000}`, label, instrument_name: instrument.instrument_name, direction, amount,
      contracts: round8(amount / instrument.contract_size), filled_amount: 0, average_price: 0, price: price ?? "market_price", order_type: type,
      order_state: "open", time_in_force: tif, post_only: postOnly, reject_post_only: rejectPostOnly, reduce_only: reduceOnly,
      creation_timestamp: now, last_update_timestamp: now, api: true, web: false, replaced: false, is_liquidation: false, max_show: amount,
      mmp: false, risk_reducing: false, connId, seq: this.#orderSeq
    }
    if (tif === "fill_or_kill") {
      const fillable = opposite.filter(([p]) => price === undefined || crosses(p)).reduce((s, [, a]) => s + a, 0)
      if (fillable < amount - EPS) {
        order.order_state = "cancelled"
        order.cancel_reason = "fill_or_kill"
        this.#orders.set(order.order_id, order)
        this.#events.push({ type: "order", order: publicOrder(order) })
        const events = this.#flush()
        return { order: publicOrder(order), trades: [], events }
      }
    }
    this.#orders.set(order.order_id, order)
    const trades = postOnly ? [] : this.#take(order, instrument)
    if (order.order_state === "open" && order.filled_amount < order.amount - EPS) {
      if (type === "market" || tif === "immediate_or_cancel" || tif === "fill_or_kill") {
        order.order_state = "cancelled"
        order.cancel_reason = type === "market" ? "market_remainder" : "immediate_or_cancel"
      } else {
        this.#dirtyBooks.add(instrument.instrument_name)
      }
    }
    this.#events.push({ type: "order", order: publicOrder(order) })
    if (trades.length > 0) this.#events.push({ type: "trades", trades })
    const events = this.#flush()
    return { order: publicOrder(order), trades, events }
  }

  edit(orderId: unknown, request: { readonly amount?: unknown; readonly contracts?: unknown; readonly price?: unknown; readonly post_only?: unknown; readonly valid_until?: unknown }) {
    const order = typeof orderId === "string" ? this.#orders.get(orderId) : undefined
    if (order === undefined) throw new RpcError(10004, "order_not_found", { param: "order_id" })
    if (request.valid_until !== undefined && typeof request.valid_until === "number" && this.now() > request.valid_until) {
      throw new RpcError(13888, "timed_out", { reason: "request received after valid_until" })
    }
    if (order.order_state !== "open") throw new RpcError(11044, "not_open_order", { param: "order_id" })
    const instrument = this.#instruments.get(order.instrument_name)!
    let amount = order.amount
    if (typeof request.amount === "number") amount = request.amount
    else if (typeof request.contracts === "number") amount = round8(request.contracts * instrument.contract_size)
    const step = instrument.kind === "future" ? instrument.contract_size : instrument.min_trade_amount
    if (!(amount > 0) || !isMultiple(amount, step)) throw new RpcError(-32602, "Invalid params", { param: "amount", reason: `must be a multiple of ${step}` })
    if (amount < order.filled_amount - EPS) throw new RpcError(11029, "invalid_arguments", { param: "amount", reason: "below the filled amount" })
    if (request.price !== undefined) {
      if (typeof request.price !== "number" || !(request.price > 0)) throw new RpcError(-32602, "Invalid params", { param: "price" })
      if (!isMultiple(request.price, tickAt(instrument, request.price))) throw new RpcError(10043, "price_wrong_tick", { param: "price" })
      order.price = request.price
    }
    order.amount = amount
    order.contracts = round8(amount / instrument.contract_size)
    order.max_show = amount
    order.last_update_timestamp = this.now()
    order.replaced = true
    const trades = order.post_only ? [] : this.#take(order, instrument)
    this.#dirtyBooks.add(instrument.instrument_name)
    this.#events.push({ type: "order", order: publicOrder(order) })
    if (trades.length > 0) this.#events.push({ type: "trades", trades })
    const events = this.#flush()
    return { order: publicOrder(order), trades, events }
  }

  cancel(orderId: unknown, reason = "user_request"): { order: FakeOrder; events: Array<ExchangeEvent> } {
    const order = typeof orderId === "string" ? this.#orders.get(orderId) : undefined
    if (order === undefined) throw new RpcError(10004, "order_not_found", { param: "order_id" })
    if (order.order_state !== "open") throw new RpcError(11044, "not_open_order", { param: "order_id" })
    this.#cancelOne(order, reason)
    const events = this.#flush()
    return { order: publicOrder(order), events }
  }

  /** Cancels the open orders that match; returns how many. */
  cancelWhere(predicate: (order: FakeOrder & { readonly connId: number }) => boolean, reason: string): { count: number; events: Array<ExchangeEvent> } {
    let count = 0
    for (const order of this.#orders.values()) {
      if (order.order_state === "open" && predicate(order)) {
        this.#cancelOne(order, reason)
        count++
      }
    }
    return { count, events: this.#flush() }
  }

  #cancelOne(order: FakeOrder, reason: string): void {
    order.order_state = "cancelled"
    order.cancel_reason = reason
    order.last_update_timestamp = this.now()
    this.#dirtyBooks.add(order.instrument_name)
    this.#events.push({ type: "order", order: publicOrder(order) })
  }

  /** Book change since clients last saw it, or `undefined` when the levels did not move. Advances `change_id`. */
  bookChange(name: string): { data: Record<string, unknown> } | undefined {
    const book = this.#book(name)
    const { bids, asks } = this.levels(name)
    const diff = (before: Map<number, number>, after: Array<[number, number]>): Array<[string, number, number]> => {
      const out: Array<[string, number, number]> = []
      const now = new Map(after)
      for (const [p, a] of after) {
        const was = before.get(p)
        if (was === undefined) out.push(["new", p, a])
        else if (Math.abs(was - a) > EPS) out.push(["change", p, a])
      }
      for (const p of before.keys()) if (!now.has(p)) out.push(["delete", p, 0])
      return out
    }
    const bidChanges = diff(book.published.bids, bids)
    const askChanges = diff(book.published.asks, asks)
    if (bidChanges.length === 0 && askChanges.length === 0) return undefined
    const prev = book.changeId
    book.changeId += 1 + Math.floor(Math.random() * 3)
    book.published = { bids: new Map(bids), asks: new Map(asks) }
    return {
      data: {
        type: "change", timestamp: this.now(), instrument_name: name, prev_change_id: prev, change_id: book.changeId,
        bids: bidChanges, asks: askChanges
      }
    }
  }

  /** The full book as a `snapshot` notification (sent on subscription). */
  bookSnapshot(name: string): Record<string, unknown> {
    const book = this.#book(name)
    const { bids, asks } = this.levels(name)
    book.published = { bids: new Map(bids), asks: new Map(asks) }
    return {
      type: "snapshot", timestamp: this.now(), instrument_name: name, change_id: book.changeId,
      bids: bids.map(([p, a]) => ["new", p, a]), asks: asks.map(([p, a]) => ["new", p, a])
    }
  }

  // ---------------------------------------------------------------------------------------------- internals

  #book(name: string): Book {
    const book = this.#books.get(name)
    if (book === undefined) throw new RpcError(10020, "invalid_or_unsupported_instrument", { param: "instrument_name" })
    return book
  }

  #restingAt(name: string, direction: Side, price: number): Array<FakeOrder & { connId: number; seq: number }> {
    return [...this.#orders.values()]
      .filter((o) => o.instrument_name === name && o.direction === direction && o.order_state === "open" && o.price === price && o.filled_amount < o.amount - EPS)
      .sort((a, b) => a.seq - b.seq)
  }

  /** The account's aggressive order against outside liquidity (its own resting orders are skipped: no self-trade). */
  #take(order: FakeOrder, instrument: FakeInstrument): Array<FakeTrade> {
    const book = this.#book(instrument.instrument_name)
    const outside = order.direction === "buy" ? book.asks : book.bids
    const prices = [...outside.keys()].filter((p) => (outside.get(p) ?? 0) > EPS).sort((a, b) => (order.direction === "buy" ? a - b : b - a))
    const trades: Array<FakeTrade> = []
    for (const price of prices) {
      const remaining = round8(order.amount - order.filled_amount)
      if (remaining <= EPS) break
      if (typeof order.price === "number" && (order.direction === "buy" ? price > order.price + EPS : price < order.price - EPS)) break
      const available = outside.get(price)!
      const quantity = Math.min(remaining, available)
      outside.set(price, round8(available - quantity))
      trades.push(this.#execute(order, quantity, price, "T"))
    }
    if (trades.length > 0) this.#dirtyBooks.add(instrument.instrument_name)
    return trades
  }

  /** Resting orders that outside liquidity now crosses fill at their own price. */
  #crossResting(book: Book): void {
    const name = book.instrument.instrument_name
    const resting = [...this.#orders.values()].filter((o) => o.instrument_name === name && o.order_state === "open" && typeof o.price === "number").sort((a, b) => a.seq - b.seq)
    const trades: Array<FakeTrade> = []
    for (const order of resting) {
      const limit = order.price as number
      const outside = order.direction === "buy" ? book.asks : book.bids
      const crossing = [...outside.keys()].filter((p) => (order.direction === "buy" ? p <= limit + EPS : p >= limit - EPS)).sort((a, b) => (order.direction === "buy" ? a - b : b - a))
      for (const price of crossing) {
        const remaining = round8(order.amount - order.filled_amount)
        if (remaining <= EPS) break
        const available = outside.get(price)!
        const quantity = Math.min(remaining, available)
        outside.set(price, round8(available - quantity))
        trades.push(this.#execute(order, quantity, limit, "M"))
      }
    }
    if (trades.length > 0) this.#events.push({ type: "trades", trades })
  }

  /** Books one execution of the account's order: the order, the trade, the position, the balance. */
  #execute(order: FakeOrder, amount: number, price: number, liquidity: "M" | "T"): FakeTrade {
    const instrument = this.#instruments.get(order.instrument_name)!
    const book = this.#book(order.instrument_name)
    const now = this.now()
    const filledBefore = order.filled_amount
    order.filled_amount = round8(filledBefore + amount)
    order.average_price = round8((order.average_price * filledBefore + price * amount) / order.filled_amount)
    order.last_update_timestamp = now
    if (order.filled_amount >= order.amount - EPS) order.order_state = "filled"
    if (liquidity === "M") this.#events.push({ type: "order", order: publicOrder(order) })
    const rate = liquidity === "M" ? instrument.maker_commission : instrument.taker_commission
    let fee: number
    if (instrument.kind === "future") fee = round8(rate * amount / price)
    else fee = round8(Math.min(rate * amount * instrument.contract_size, this.#fees.optionFeeCap * price * amount))
    const currency = instrument.settlement_currency
    const signed = order.direction === "buy" ? amount : -amount
    const position = this.#positions.get(instrument.instrument_name) ?? { instrument: instrument.instrument_name, size: 0, averagePrice: 0, realized: 0 }
    let pnl = 0
    if (position.size === 0 || Math.sign(position.size) === Math.sign(signed)) {
      const size = Math.abs(position.size) + amount
      position.averagePrice = instrument.kind === "future"
        ? round8(size / (Math.abs(position.size) / (position.averagePrice || price) + amount / price))
        : round8((Math.abs(position.size) * position.averagePrice + amount * price) / size)
    } else {
      const closed = Math.min(Math.abs(position.size), amount)
      if (instrument.kind === "future") pnl = round8(Math.sign(position.size) * closed * (1 / position.averagePrice - 1 / price))
      position.realized = round8(position.realized + pnl)
      if (amount > Math.abs(position.size) + EPS) position.averagePrice = price
    }
    position.size = round8(position.size + signed)
    if (position.size === 0) position.averagePrice = 0
    this.#positions.set(instrument.instrument_name, position)
    let cash = -fee + pnl
    if (instrument.kind === "option") cash += -signed * price * instrument.contract_size
    this.#balances.set(currency, round8((this.#balances.get(currency) ?? 0) + cash))
    book.lastTradePrice = price
    this.#dirtyBooks.add(instrument.instrument_name)
    const trade: FakeTrade = {
      trade_id: `${instrument.base_currency}-${++this.#tradeSeq + 5_000_000}`, trade_seq: this.#tradeSeq, order_id: order.order_id, label: order.label,
      instrument_name: instrument.instrument_name, direction: order.direction, amount, contracts: round8(amount / instrument.contract_size), price, fee,
      fee_currency: currency, liquidity, order_type: order.order_type, timestamp: now, index_price: this.indexPrice(instrument.price_index),
      mark_price: this.markPrice(instrument.instrument_name), state: order.order_state === "filled" ? "filled" : "open", tick_direction: 0,
      self_trade: false, post_only: order.post_only, reduce_only: order.reduce_only, api: true, profit_loss: pnl, matching_id: null
    }
    this.#trades.push(trade)
    return { ...trade }
  }

  #flush(): Array<ExchangeEvent> {
    for (const name of this.#dirtyBooks) this.#events.push({ type: "book", instrument: name })
    this.#dirtyBooks.clear()
    const events = this.#events
    this.#events = []
    return events
  }
}

const publicOrder = (order: FakeOrder): FakeOrder => {
  const { connId: _c, seq: _s, ...rest } = order as FakeOrder & { connId?: number; seq?: number }
  return { ...rest }
}
