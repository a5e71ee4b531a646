/**
 * The paper exchange's matching engine and account: a pure state machine the public `Paper` module wraps in the
 * SDK's `Venue` and `MarketFeed` services. Paper.ts documents the model; this file implements it.
 *
 * The clock is the replayed tape's: it moves with the market events (and L2 snapshots, and `advance`) it is
 * given. An order placed at clock time t reaches the book at t + market-data delay + order latency + jitter, and
 * is matched there against the book as it stood after every event up to that time (so an order that arrives
 * at τ is processed before the first event later than τ is applied).
 */
import { Accounting } from "@hedgekit/backtest"
import { Costs } from "@hedgekit/hedging"
import { type Instrument, InvalidInput, type MarketEvent, type Venue } from "@hedgekit/sdk"
import * as Books from "./book.js"
import type { Random } from "./random.js"

/** One instrument as the exchange trades it (a resolved config: every default applied). */
export interface Spec {
  readonly symbol: string
  readonly instrument: Instrument.Instrument
  readonly lot: number
  readonly minimum: number
  readonly ticks: Costs.Ticks | undefined
  readonly fees: Costs.FutureFees | Costs.OptionFees
  /** Settlement, margin and fee currency (spot: the quote currency). */
  readonly currency: string
  readonly quotes: "event" | "mark"
  readonly shape: Books.Shape
  readonly initialMargin: number | undefined
}

export interface Settings {
  readonly name: string
  readonly specs: ReadonlyArray<Spec>
  readonly orderMs: number
  readonly marketDataMs: number
  readonly jitterMs: number
  readonly partialFills: boolean
  readonly balances: ReadonlyArray<readonly [currency: string, amount: number]>
  readonly startMs: number
  readonly random: Random
}

interface Market {
  book: Books.Book
  /** The mark (NaN before the first quote). */
  mark: number
  /** Index (or forward) in USD: a linear option's fee and margin are rates of it. */
  underlying: number
  /** A pushed L2 book owns the levels: market events then only move the mark. */
  l2: boolean
  quoted: boolean
  expired: boolean
}

interface Order {
  readonly request: Venue.OrderRequest
  readonly spec: Spec
  readonly venueOrderId: string
  readonly sign: 1 | -1
  readonly seq: number
  readonly placedMs: number
  arrivalMs: number
  arrived: boolean
  state: Venue.OrderState
  filled: number
  notional: number
  /** The one price every fill had so far (NaN once two differ): the average is then that price exactly. */
  price: number
  fills: Array<Venue.Fill>
  /** Size ahead of it at its price (others' orders placed before it). */
  ahead: number
  /** Size shown at its price when the book was last looked at. */
  seen: number
  reason: string | undefined
  cancelPending: boolean
  /** Index in the order log. */
  readonly log: number
}

interface Action {
  readonly at: number
  readonly seq: number
  readonly kind: "order" | "cancel"
  readonly order: Order
}

export interface Out {
  readonly fills: Array<Venue.Fill>
  readonly updates: Array<Venue.OrderUpdate>
}

export interface Exchange {
  readonly place: (order: Venue.OrderRequest) => Venue.OrderUpdate
  readonly cancel: (clientOrderId: string) => Venue.OrderUpdate
  readonly step: (event: MarketEvent.MarketEvent) => Out
  readonly setBook: (symbol: string, snapshot: L2Snapshot) => Out
  readonly advance: (timeMs: number) => Out
  readonly openOrders: () => ReadonlyArray<Venue.OrderUpdate>
  readonly positions: () => ReadonlyArray<Venue.VenuePosition>
  readonly balances: () => ReadonlyArray<Venue.Balance>
  readonly book: (symbol: string) => { readonly bids: Costs.Levels; readonly asks: Costs.Levels; readonly mark: number } | undefined
  readonly nowMs: () => number
  /** Every order, its latest state, with all its fills. */
  readonly log: ReadonlyArray<Venue.OrderUpdate>
}

export interface L2Snapshot {
  readonly timeMs: number
  readonly bids: Costs.Levels
  readonly asks: Costs.Levels
  readonly mark?: number | undefined
  readonly underlyingPrice?: number | undefined
}

const isFinal = (state: Venue.OrderState): boolean => state === "filled" || state === "cancelled" || state === "rejected"

const fmt = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(12))) : String(x))

export const make = (settings: Settings, publish: { readonly fill: (f: Venue.Fill) => void; readonly update: (u: Venue.OrderUpdate) => void }): Exchange => {
  const { name, specs, partialFills, random } = settings
  const bySymbol = new Map(specs.map((s) => [s.symbol, s]))
  const markets = new Map<string, Market>(specs.map((s) => [s.symbol, {
    book: { bids: [], asks: [] }, mark: NaN, underlying: NaN, l2: false, quoted: false, expired: false
  }]))
  const cash = new Map<string, number>()
  for (const [c, x] of settings.balances) cash.set(c, (cash.get(c) ?? 0) + x)
  for (const s of specs) {
    if (!cash.has(s.currency)) cash.set(s.currency, 0)
    if (s.instrument.kind === "spot" && !cash.has(s.instrument.underlying)) cash.set(s.instrument.underlying, 0)
  }
  const position = new Map<string, number>(specs.map((s) => [s.symbol, 0]))
  /** Futures and perpetuals: the price they were last marked to market at. */
  const reference = new Map<string, number>()
  const funding = new Map<string, { rate: number; intervalMs: number; fromMs: number }>()
  const index = new Map<string, number>()
  const byClientId = new Map<string, Order>()
  const resting: Array<Order> = []
  const pending: Array<Action> = []
  const log: Array<Venue.OrderUpdate> = []
  let clock = settings.startMs
  let orderSeq = 0
  let actionSeq = 0
  let tradeSeq = 0
  let out: Out = { fills: [], updates: [] }

  const addCash = (currency: string, x: number): void => {
    cash.set(currency, (cash.get(currency) ?? 0) + x)
  }

  // ---------------------------------------------------------------- accounting

  const contractSize = (s: Spec): number => (s.instrument.kind === "perpetual" || s.instrument.kind === "future" ? s.instrument.contractSize : 1)
  const inverse = (s: Spec): boolean => s.instrument.kind !== "spot" && s.instrument.settlement === "inverse"
  const isDelta1 = (s: Spec): boolean => s.instrument.kind === "perpetual" || s.instrument.kind === "future"

  /** A perpetual or future marked to market: its P&L since the last mark goes to cash (Accounting.markHedge). */
  const markTo = (s: Spec, mark: number): void => {
    if (!isDelta1(s) || !(mark > 0)) return
    const ref = reference.get(s.symbol)
    const q = position.get(s.symbol)!
    if (q !== 0 && ref !== undefined) {
      addCash(s.currency, inverse(s) ? q * contractSize(s) * (1 / ref - 1 / mark) : q * contractSize(s) * (mark - ref))
    }
    reference.set(s.symbol, mark)
  }

  /** A funding payment of `rate` × notional at `mark`: longs pay a positive rate (Accounting.fundDiscrete). */
  const payFunding = (s: Spec, rate: number, mark: number): void => {
    const q = position.get(s.symbol)!
    if (q === 0 || !(mark > 0)) return
    addCash(s.currency, -(inverse(s) ? (rate * q * contractSize(s)) / mark : rate * q * contractSize(s) * mark))
  }

  /** Continuous funding accrued up to `t` at the last rate, on the position held since the last accrual. */
  const accrue = (s: Spec, t: number): void => {
    const f = funding.get(s.symbol)
    if (f === undefined || !(t > f.fromMs)) return
    payFunding(s, (f.rate * (t - f.fromMs)) / f.intervalMs, markets.get(s.symbol)!.mark)
    f.fromMs = t
  }

  const feeOf = (s: Spec, role: Costs.Role, quantity: number, price: number): number => {
    const i = s.instrument
    switch (i.kind) {
      case "option":
        return Costs.optionFee(s.fees as Costs.OptionFees, role, quantity, price, i.multiplier, i.settlement === "inverse" ? 1 : markets.get(s.symbol)!.underlying)
      case "perpetual":
      case "future":
        return Costs.futureFee(s.fees, role, i.settlement, quantity * i.contractSize, price)
      case "spot":
        return s.fees[role] * quantity * price
    }
  }

  /** Books a fill: cash flows in the instrument's currency (Accounting.tradeHedge / tradeOption conventions). */
  const book = (s: Spec, signed: number, price: number, fee: number, t: number): void => {
    const i = s.instrument
    const m = markets.get(s.symbol)!
    if (i.kind === "option") {
      addCash(s.currency, -(signed * price + fee))
    } else if (i.kind === "spot") {
      addCash(i.underlying, signed)
      addCash(s.currency, -(signed * price + fee))
    } else {
      accrue(s, t)
      const mark = m.mark > 0 ? m.mark : price
      markTo(s, mark)
      // the fill's distance from the mark is paid (or earned) at once; the position is then carried at the mark
      addCash(s.currency, inverse(s) ? signed * i.contractSize * (1 / price - 1 / mark) : signed * i.contractSize * (mark - price))
      addCash(s.currency, -fee)
    }
    position.set(s.symbol, position.get(s.symbol)! + signed)
  }

  // ---------------------------------------------------------------- margin

  /** Notional of `quantity` in the margin currency: coin for inverse, the quote currency for linear. */
  const notional = (s: Spec, quantity: number, mark: number): number => {
    const i = s.instrument
    if (i.kind === "option") return quantity * i.multiplier * (i.settlement === "inverse" ? 1 : markets.get(s.symbol)!.underlying)
    return inverse(s) ? (quantity * contractSize(s)) / mark : quantity * contractSize(s) * mark
  }

  interface Extra {
    readonly spec: Spec
    readonly sign: 1 | -1
    readonly quantity: number
    readonly price: number
  }

  /**
   * Initial margin of currency `c` as if every resting order (and `extra`) filled, the side that needs more:
   * futures and perpetuals rate × notional at the mark; short options rate × the underlying's notional; long
   * options (held or bid for) their full value, which the account must pay for. Instruments without a rate are
   * not margined.
   */
  const requirement = (c: string, extra?: Extra): number => {
    let total = 0
    for (const s of specs) {
      const r = s.initialMargin
      if (r === undefined || s.currency !== c || s.instrument.kind === "spot") continue
      const m = markets.get(s.symbol)!
      const q = position.get(s.symbol)!
      let buys = 0, sells = 0, premium = 0
      const add = (sign: 1 | -1, quantity: number, price: number) => {
        if (sign > 0) {
          buys += quantity
          premium += quantity * price
        } else sells += quantity
      }
      for (const o of resting) if (o.spec === s) add(o.sign, o.request.quantity - o.filled, o.request.limitPrice ?? m.mark)
      if (extra !== undefined && extra.spec === s) add(extra.sign, extra.quantity, extra.price)
      if (s.instrument.kind === "option") {
        const mark = m.mark > 0 ? m.mark : 0
        total += Math.max(q, 0) * mark + premium + r * notional(s, Math.max(0, sells - q), mark)
      } else if (m.mark > 0) {
        total += r * notional(s, Math.max(Math.abs(q + buys), Math.abs(q - sells)), m.mark)
      }
    }
    return total
  }

  /** Cash plus the options held at their marks (perpetuals and futures are marked into cash). */
  const equity = (c: string): number => {
    let e = cash.get(c) ?? 0
    for (const s of specs) {
      if (s.instrument.kind !== "option" || s.currency !== c) continue
      const mark = markets.get(s.symbol)!.mark
      const q = position.get(s.symbol)!
      if (q !== 0 && mark > 0) e += q * mark
    }
    return e
  }

  // ---------------------------------------------------------------- orders

  const updateOf = (o: Order, fills: ReadonlyArray<Venue.Fill>, timeMs: number): Venue.OrderUpdate => ({
    clientOrderId: o.request.clientOrderId,
    venueOrderId: o.venueOrderId,
    symbol: o.request.symbol,
    state: o.state,
    filledQuantity: o.filled,
    ...(o.filled > 0 ? { averagePrice: o.price === o.price ? o.price : o.notional / o.filled } : {}),
    timeMs,
    ...(o.reason !== undefined ? { reason: o.reason } : {}),
    fills
  })

  /** Records and reports an order's new state (with the fills that just happened). */
  const emit = (o: Order, fills: ReadonlyArray<Venue.Fill>, timeMs: number): Venue.OrderUpdate => {
    const u = updateOf(o, fills, timeMs)
    log[o.log] = updateOf(o, o.fills.slice(), timeMs)
    out.updates.push(u)
    publish.update(u)
    return u
  }

  const fill = (o: Order, quantity: number, price: number, liquidity: "maker" | "taker", t: number): Venue.Fill => {
    const s = o.spec
    const fee = feeOf(s, liquidity, quantity, price)
    book(s, o.sign * quantity, price, fee, t)
    tradeSeq++
    const f: Venue.Fill = {
      clientOrderId: o.request.clientOrderId, venueOrderId: o.venueOrderId, tradeId: `${name}-trade-${tradeSeq}`, symbol: s.symbol,
      side: o.request.side, quantity, price, fee, feeCurrency: s.currency, liquidity, timeMs: t
    }
    o.filled += quantity
    o.notional += quantity * price
    o.price = o.fills.length === 0 || o.price === price ? price : NaN
    if (Books.dust(o.request.quantity - o.filled, o.request.quantity) === 0) o.filled = o.request.quantity
    o.fills.push(f)
    out.fills.push(f)
    publish.fill(f)
    return f
  }

  const remaining = (o: Order): number => Books.dust(o.request.quantity - o.filled, o.request.quantity)

  const unrest = (o: Order): void => {
    const k = resting.indexOf(o)
    if (k >= 0) resting.splice(k, 1)
  }

  const reject = (o: Order, reason: string, t: number): Venue.OrderUpdate => {
    o.state = "rejected"
    o.reason = reason
    o.arrived = true
    return emit(o, [], t)
  }

  /** Static checks, at placement (what a venue's gateway refuses before the matching engine sees the order). */
  const validate = (order: Venue.OrderRequest, s: Spec | undefined): string | undefined => {
    if (s === undefined) return `unknown symbol ${order.symbol} (this venue trades ${specs.map((x) => x.symbol).join(", ")})`
    if (!(order.quantity > 0 && order.quantity < Infinity)) return `quantity ${order.quantity} is not a positive number`
    const lots = order.quantity / s.lot
    if (Math.abs(lots - Math.round(lots)) > 1e-9 * Math.max(1, lots)) return `quantity ${order.quantity} is not a multiple of the lot ${s.lot}`
    if (order.quantity < s.minimum) return `quantity ${order.quantity} is below the minimum ${s.minimum}`
    if (order.type === "limit") {
      const p = order.limitPrice
      if (p === undefined || !(p > 0 && p < Infinity)) return "a limit order needs a limit price > 0"
      if (s.ticks !== undefined) {
        const tick = Costs.tickAt(s.ticks, p)
        const steps = p / tick
        if (Math.abs(steps - Math.round(steps)) > 1e-7) return `price ${p} is not on the tick ${tick}`
      }
    } else if (order.postOnly === true) return "post-only market order would take liquidity"
    return undefined
  }

  /** An order at the book: checks that need the book and the account, then matching, then resting. */
  const arrive = (o: Order, t: number): void => {
    o.arrived = true
    o.arrivalMs = t
    const s = o.spec
    const m = markets.get(s.symbol)!
    const req = o.request
    if (m.expired) return void reject(o, `${s.symbol} has expired`, t)
    if (req.validUntilMs !== undefined && t > req.validUntilMs) return void reject(o, `timed out: reached the book at ${t}, after validUntilMs ${req.validUntilMs}`, t)
    if (!m.quoted) return void reject(o, `no book for ${s.symbol} yet`, t)
    if (s.instrument.kind === "option" && s.instrument.settlement === "linear" && !(m.underlying > 0)) {
      return void reject(o, `no underlying price for ${s.symbol} yet (a linear option's fee is a rate of the index)`, t)
    }
    const q = position.get(s.symbol)!
    if (req.reduceOnly === true && !(o.sign * q < 0 && req.quantity <= Math.abs(q) * (1 + 1e-12))) {
      return void reject(o, `reduce-only order would increase the position (${fmt(q)} ${s.symbol}, ${req.side} ${fmt(req.quantity)})`, t)
    }
    const opposite = o.sign > 0 ? m.book.asks : m.book.bids
    const limit = req.type === "limit" ? req.limitPrice : undefined
    const best = opposite[0]
    if (req.postOnly === true && best !== undefined && Books.acceptable(best, o.sign, limit)) {
      return void reject(o, `post-only order would cross: limit ${fmt(limit!)} against the best ${o.sign > 0 ? "ask" : "bid"} ${fmt(best.price)}`, t)
    }
    if (req.type === "market" && best === undefined) return void reject(o, `no ${o.sign > 0 ? "asks" : "bids"} for ${s.symbol}`, t)
    if (s.initialMargin !== undefined && s.instrument.kind !== "spot") {
      const price = limit ?? best?.price ?? m.mark
      const before = requirement(s.currency)
      const raised = requirement(s.currency, { spec: s, sign: o.sign, quantity: req.quantity, price })
      const after = raised + (price > 0 ? feeOf(s, "taker", req.quantity, price) : 0)
      const e = equity(s.currency)
      if (raised > before && after > e) {
        return void reject(o, `insufficient margin: ${fmt(after)} ${s.currency} needed with this order, equity ${fmt(e)} ${s.currency}`, t)
      }
    }
    const taken = Books.take(opposite, req.quantity, o.sign, limit, !partialFills)
    const fills = taken.takes.map(([price, quantity]) => fill(o, quantity, price, "taker", t))
    if (remaining(o) === 0) {
      o.state = "filled"
    } else if (req.type === "market") {
      o.state = "cancelled"
      o.reason = `book depth exhausted: ${fmt(remaining(o))} of ${fmt(req.quantity)} unfilled and cancelled (market orders are immediate-or-cancel)`
    } else {
      const same = o.sign > 0 ? m.book.bids : m.book.asks
      const shown = Books.sizeAt(same, limit!) ?? 0
      o.ahead = shown
      o.seen = shown
      o.state = o.filled > 0 ? "partially-filled" : "open"
      resting.push(o)
    }
    emit(o, fills, t)
  }

  const cancelNow = (o: Order, t: number): void => {
    o.cancelPending = false
    if (isFinal(o.state)) return
    unrest(o)
    o.state = "cancelled"
    o.reason = "cancelled on request"
    emit(o, [], t)
  }

  const run = (action: Action): void => {
    const t = action.at === action.at ? action.at : clock
    if (action.kind === "order") arrive(action.order, t)
    else cancelNow(action.order, t)
  }

  /** Processes the actions due: those that reach the book before `T` (all, with `inclusive`, up to `T`). */
  const due = (T: number, inclusive: boolean): void => {
    while (pending.length > 0) {
      const a = pending[0]!
      // an action placed before the clock started (at NaN) goes before the first event
      if (a.at === a.at && !(inclusive ? a.at <= T : a.at < T)) break
      pending.shift()
      run(a)
    }
  }

  const schedule = (a: Action): void => {
    let k = pending.length
    while (k > 0 && (pending[k - 1]!.at > a.at || (pending[k - 1]!.at === a.at && pending[k - 1]!.seq > a.seq))) k--
    pending.splice(k, 0, a)
  }

  const delay = (): number => settings.orderMs + settings.marketDataMs + (settings.jitterMs > 0 ? settings.jitterMs * random.next() : 0)

  const place = (request: Venue.OrderRequest): Venue.OrderUpdate => {
    const known = byClientId.get(request.clientOrderId)
    // a resend of an order the venue has (same client order id): its current state, not a second order
    if (known !== undefined) return updateOf(known, [], clock)
    const s = bySymbol.get(request.symbol)
    const o: Order = {
      request, spec: s ?? specs[0]!, venueOrderId: `${name}-${++orderSeq}`, sign: request.side === "buy" ? 1 : -1, seq: orderSeq,
      placedMs: clock, arrivalMs: NaN, arrived: false, state: "open", filled: 0, notional: 0, price: NaN, fills: [], ahead: 0, seen: 0,
      reason: undefined, cancelPending: false, log: log.length
    }
    byClientId.set(request.clientOrderId, o)
    log.push(updateOf(o, [], clock))
    out = { fills: [], updates: [] }
    const invalid = validate(request, s)
    if (invalid !== undefined) {
      o.state = "rejected"
      o.reason = invalid
      o.arrived = true
      const u = updateOf(o, [], clock)
      log[o.log] = u
      publish.update(u)
      return u
    }
    const d = delay()
    if (d === 0) {
      due(clock, true)
      const before = out.updates.length
      arrive(o, clock)
      // the order's own answer (the last update about it)
      for (let k = out.updates.length - 1; k >= before; k--) {
        const u = out.updates[k]!
        if (u.venueOrderId === o.venueOrderId) return u
      }
      return log[o.log]!
    }
    o.arrivalMs = clock + d
    schedule({ at: o.arrivalMs, seq: ++actionSeq, kind: "order", order: o })
    const u = updateOf(o, [], clock)
    publish.update(u)
    return u
  }

  const cancel = (clientOrderId: string): Venue.OrderUpdate => {
    const o = byClientId.get(clientOrderId)
    if (o === undefined) {
      return { clientOrderId, symbol: "", state: "rejected", filledQuantity: 0, timeMs: clock, reason: "no such order", fills: [] }
    }
    if (isFinal(o.state) || o.cancelPending) return updateOf(o, [], clock)
    out = { fills: [], updates: [] }
    const d = delay()
    if (d === 0 && o.arrived) {
      cancelNow(o, clock)
      return updateOf(o, [], clock)
    }
    // a cancel never overtakes the order it cancels
    const at = Math.max(clock + d, o.arrivalMs)
    o.cancelPending = true
    schedule({ at: at === at ? at : clock, seq: ++actionSeq, kind: "cancel", order: o })
    return { ...updateOf(o, [], clock), reason: "cancel requested" }
  }

  // ---------------------------------------------------------------- the market

  /** Resting orders of `s` in priority: best price first, then time. */
  const queue = (s: Spec, sign: 1 | -1): Array<Order> =>
    resting.filter((o) => o.spec === s && o.sign === sign).sort((a, b) =>
      Books.samePrice(a.request.limitPrice!, b.request.limitPrice!) ? a.seq - b.seq : sign * (b.request.limitPrice! - a.request.limitPrice!)
    )

  const settleFilled = (o: Order, fills: ReadonlyArray<Venue.Fill>, t: number): void => {
    if (fills.length === 0) return
    if (remaining(o) === 0) {
      o.state = "filled"
      unrest(o)
    } else o.state = "partially-filled"
    emit(o, fills, t)
  }

  /**
   * The book of `s` was replaced: resting orders the other side now reaches fill as makers at their own price
   * (up to the size shown at prices that reach them, which it consumes; whole without partial fills); for the
   * others, a level that shows less than before has lost size ahead of them, and a level no longer shown inside
   * the displayed range has nobody left ahead.
   */
  const onBook = (s: Spec, t: number): void => {
    const m = markets.get(s.symbol)!
    for (const sign of [1, -1] as const) {
      const opposite = sign > 0 ? m.book.asks : m.book.bids
      const same = sign > 0 ? m.book.bids : m.book.asks
      for (const o of queue(s, sign)) {
        const p = o.request.limitPrice!
        const top = opposite[0]
        if (top !== undefined && Books.acceptable(top, sign, p)) {
          o.ahead = 0
          o.seen = 0
          // one maker fill at the order's own price, whatever levels it met
          const taken = Books.take(opposite, remaining(o), sign, p, !partialFills)
          const quantity = taken.takes.reduce((a, [, q]) => a + q, 0)
          if (quantity > 0) settleFilled(o, [fill(o, Math.min(quantity, remaining(o)), p, "maker", t)], t)
          continue
        }
        const shown = Books.sizeAt(same, p)
        if (shown !== undefined) {
          if (o.seen === Infinity) o.ahead = Math.min(o.ahead, shown)
          else if (shown < o.seen) o.ahead = Math.max(0, Books.dust(o.ahead - (o.seen - shown), o.ahead))
          o.ahead = Math.min(o.ahead, shown)
          o.seen = shown
        } else {
          const worst = same.at(-1)
          if (worst === undefined || sign * (p - worst.price) > 0) {
            o.ahead = 0
            o.seen = 0
          }
        }
      }
    }
  }

  /**
   * A public trade: an aggressive seller's volume meets resting bids at or above its price (a buyer's, offers at
   * or below), best price first then time: at a price the trade went through nobody is left ahead; at the trade's
   * own price the volume first takes the size ahead, then fills the order as maker at its price.
   */
  const onTrade = (s: Spec, e: MarketEvent.TradeEvent, t: number): void => {
    const sign = e.side === "sell" ? 1 : -1 // the resting side it meets
    let budget = e.amount
    for (const o of queue(s, sign)) {
      const p = o.request.limitPrice!
      const at = Books.samePrice(p, e.price)
      if (!at && sign * (p - e.price) < 0) break
      if (!at) {
        o.ahead = 0
        o.seen = 0
      }
      let q: number
      if (!partialFills) q = remaining(o)
      else {
        const c = Math.min(o.ahead, budget)
        o.ahead = Books.dust(o.ahead - c, o.ahead)
        if (o.seen !== Infinity) o.seen = Math.max(0, o.seen - c)
        budget -= c
        q = Math.min(remaining(o), budget)
        budget -= q
      }
      if (q > 0) settleFilled(o, [fill(o, q, p, "maker", t)], t)
    }
  }

  const quote = (s: Spec, mark: number, bidAsk: { readonly bid?: number | undefined; readonly ask?: number | undefined } | undefined, t: number): void => {
    const m = markets.get(s.symbol)!
    if (m.expired) return
    if (mark >= 0 && mark < Infinity) m.mark = mark
    if (isDelta1(s)) {
      accrue(s, t)
      markTo(s, m.mark)
    }
    if (m.l2) return
    const quoted = s.quotes === "event" && bidAsk !== undefined && (bidAsk.bid !== undefined || bidAsk.ask !== undefined)
    m.book = Books.fromQuote(s.shape, m.mark, quoted ? bidAsk : undefined)
    m.quoted = true
    onBook(s, t)
  }

  const settle = (e: MarketEvent.SettlementEvent, t: number): void => {
    for (const s of specs) {
      const i = s.instrument
      if (i.kind !== "option" && i.kind !== "future") continue
      if (i.underlying !== e.underlying || i.expiryMs !== e.expiryMs) continue
      const m = markets.get(s.symbol)!
      if (m.expired) continue
      for (const o of resting.filter((x) => x.spec === s)) {
        unrest(o)
        o.state = "cancelled"
        o.reason = `${s.symbol} expired`
        emit(o, [], t)
      }
      const q = position.get(s.symbol)!
      if (i.kind === "option") {
        if (q !== 0) addCash(s.currency, q * Accounting.payoff(i, e.price))
      } else markTo(s, e.price)
      position.set(s.symbol, 0)
      m.expired = true
      m.book = { bids: [], asks: [] }
      m.mark = e.price
    }
  }

  const apply = (e: MarketEvent.MarketEvent, t: number): void => {
    switch (e.kind) {
      case "index": {
        index.set(e.underlying, e.price)
        for (const s of specs) {
          if (s.instrument.underlying !== e.underlying) continue
          if (s.instrument.kind === "spot") quote(s, e.price, undefined, t)
          else if (s.instrument.kind === "option" && s.instrument.settlement === "linear") markets.get(s.symbol)!.underlying = e.price
        }
        break
      }
      case "perpetual": {
        const s = bySymbol.get(e.symbol)
        if (s !== undefined && isDelta1(s)) quote(s, e.mark, { bid: e.bid, ask: e.ask }, t)
        break
      }
      case "forward":
        for (const s of specs) {
          if (s.instrument.kind === "future" && s.instrument.underlying === e.underlying && s.instrument.expiryMs === e.expiryMs) quote(s, e.forward, undefined, t)
        }
        break
      case "option": {
        const s = bySymbol.get(e.symbol)
        if (s === undefined || s.instrument.kind !== "option") break
        const m = markets.get(s.symbol)!
        const u = e.index ?? index.get(e.underlying) ?? e.forward
        if (u > 0) m.underlying = u
        quote(s, e.mark, { bid: e.bid, ask: e.ask }, t)
        break
      }
      case "trade": {
        const s = bySymbol.get(e.symbol)
        if (s !== undefined && !markets.get(s.symbol)!.expired) onTrade(s, e, t)
        break
      }
      case "funding": {
        const s = bySymbol.get(e.symbol)
        if (s === undefined || s.instrument.kind !== "perpetual") break
        if (e.mode === "discrete") payFunding(s, e.rate, markets.get(s.symbol)!.mark)
        else {
          accrue(s, t)
          funding.set(s.symbol, { rate: e.rate, intervalMs: e.intervalMs, fromMs: t })
        }
        break
      }
      case "settlement":
        settle(e, t)
        break
    }
  }

  const moveClock = (t: number): void => {
    if (!(clock >= t)) clock = t
  }

  const step = (event: MarketEvent.MarketEvent): Out => {
    out = { fills: [], updates: [] }
    const t = event.timeMs
    due(t, false)
    moveClock(t)
    apply(event, t)
    return out
  }

  const setBook = (symbol: string, snapshot: L2Snapshot): Out => {
    const s = bySymbol.get(symbol)
    if (s === undefined) throw new InvalidInput({ field: "symbol", value: symbol, expected: `an instrument this venue trades (${specs.map((x) => x.symbol).join(", ")})` })
    out = { fills: [], updates: [] }
    const t = snapshot.timeMs
    due(t, false)
    moveClock(t)
    const m = markets.get(symbol)!
    if (m.expired) return out
    const book = Books.fromLevels(snapshot.bids, snapshot.asks)
    const bid = book.bids[0]?.price, ask = book.asks[0]?.price
    const mark = snapshot.mark ?? (bid !== undefined && ask !== undefined ? (bid + ask) / 2 : bid ?? ask ?? NaN)
    if (snapshot.underlyingPrice !== undefined && snapshot.underlyingPrice > 0) m.underlying = snapshot.underlyingPrice
    if (mark > 0) m.mark = mark
    if (isDelta1(s)) {
      accrue(s, t)
      markTo(s, m.mark)
    }
    m.l2 = true
    m.book = book
    m.quoted = true
    onBook(s, t)
    return out
  }

  const advance = (timeMs: number): Out => {
    out = { fills: [], updates: [] }
    due(timeMs, true)
    moveClock(timeMs)
    return out
  }

  return {
    place,
    cancel,
    step,
    setBook,
    advance,
    openOrders: () =>
      log.filter((u) => u.state === "open" || u.state === "partially-filled").map((u) => ({ ...u, fills: [] })),
    positions: () => specs.map((s) => ({ symbol: s.symbol, quantity: position.get(s.symbol)! })),
    balances: () =>
      [...cash.keys()].map((c) => ({ currency: c, total: cash.get(c)!, available: equity(c) - requirement(c) })),
    book: (symbol) => {
      const m = markets.get(symbol)
      return m === undefined ? undefined : { ...Books.snapshot(m.book), mark: m.mark }
    },
    nowMs: () => clock,
    log
  }
}
