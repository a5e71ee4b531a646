/**
 * Deribit payloads ⇄ SDK types. Units: the SDK counts contracts (BTC-PERPETUAL: 10-USD contracts; options: 1-BTC
 * contracts), Deribit's `amount` is in the instrument's amount unit (USD for inverse futures, the coin for
 * options), so `amount = quantity × contract_size`; prices pass through (USD for futures, BTC per contract for
 * inverse options).
 */
import type { MarketEvent, Venue } from "@hedgekit/sdk"
import type * as Protocol from "./protocol.js"

/** What the adapter keeps of an instrument. */
export interface InstrumentInfo {
  readonly name: string
  readonly kind: string
  readonly baseCurrency: string
  readonly settlementCurrency: string
  readonly inverse: boolean
  readonly contractSize: number
  readonly minTradeAmount: number
  readonly tickSize: number
  readonly tickSteps: ReadonlyArray<{ readonly abovePrice: number; readonly tickSize: number }>
  readonly optionType?: "call" | "put"
  readonly strike?: number
  readonly expiryMs: number
  readonly perpetual: boolean
}

export const toInstrumentInfo = (raw: Protocol.Instrument): InstrumentInfo => ({
  name: raw.instrument_name,
  kind: raw.kind,
  baseCurrency: raw.base_currency,
  settlementCurrency: raw.settlement_currency ?? raw.base_currency,
  inverse: raw.instrument_type !== "linear",
  contractSize: raw.contract_size,
  minTradeAmount: raw.min_trade_amount,
  tickSize: raw.tick_size,
  tickSteps: (raw.tick_size_steps ?? []).map((s) => ({ abovePrice: s.above_price, tickSize: s.tick_size })).sort((a, b) => a.abovePrice - b.abovePrice),
  ...(raw.option_type !== undefined ? { optionType: raw.option_type } : {}),
  ...(typeof raw.strike === "number" ? { strike: raw.strike } : {}),
  expiryMs: raw.expiration_timestamp,
  perpetual: raw.settlement_period === "perpetual"
})

const EPS = 1e-9
const round = (x: number, digits = 10): number => Number(x.toFixed(digits))

/** The step an order's `amount` must be a multiple of: the contract size for futures, the minimum otherwise. */
export const amountStep = (info: InstrumentInfo): number => (info.kind === "future" ? info.contractSize : info.minTradeAmount)

/** The tick at a price: the last step whose `above_price` is below it, else `tick_size`. */
export const tickAt = (info: InstrumentInfo, price: number): number => {
  let tick = info.tickSize
  for (const step of info.tickSteps) if (price > step.abovePrice) tick = step.tickSize
  return tick
}

const isMultiple = (x: number, step: number): boolean => Math.abs(x / step - Math.round(x / step)) < 1e-7

/** Deribit's `amount` for `quantity` contracts, or why it cannot be sent. */
export const toAmount = (info: InstrumentInfo, quantity: number): { readonly amount: number } | { readonly reason: string } => {
  const amount = round(quantity * info.contractSize)
  const step = amountStep(info)
  if (!isMultiple(amount, step)) {
    return { reason: `quantity ${quantity} (amount ${amount}) is not a multiple of ${round(step / info.contractSize)} contracts on ${info.name}` }
  }
  if (amount < info.minTradeAmount - EPS) return { reason: `quantity ${quantity} is below the minimum ${round(info.minTradeAmount / info.contractSize)} contracts on ${info.name}` }
  return { amount }
}

/**
 * A limit price on the tick grid, rounded away from the market (a buy down, a sell up), so rounding never makes a
 * limit worse for the account.
 */
export const roundLimitPrice = (info: InstrumentInfo, price: number, side: Venue.Side): number => {
  const tick = tickAt(info, price)
  const steps = price / tick
  const whole = Math.abs(steps - Math.round(steps)) < 1e-7 ? Math.round(steps) : side === "buy" ? Math.floor(steps) : Math.ceil(steps)
  return round(whole * tick)
}

/** Deribit labels: at most 64 characters. Empty labels would make an order impossible to resolve. */
export const labelProblem = (label: string): string | undefined => {
  if (label.length === 0) return "clientOrderId is empty (it is sent as the Deribit label)"
  if (label.length > 64) return `clientOrderId has ${label.length} characters; Deribit labels take at most 64`
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(label)) return "clientOrderId contains control characters"
  return undefined
}

const quantityOf = (amount: number, contracts: number | null | undefined, info: InstrumentInfo | undefined): number =>
  typeof contracts === "number" ? contracts : info === undefined ? amount : round(amount / info.contractSize)

const stateOf = (order: Protocol.Order): Venue.OrderState => {
  switch (order.order_state) {
    case "filled":
      return "filled"
    case "cancelled":
      return "cancelled"
    case "rejected":
      return "rejected"
    default:
      // open, untriggered
      return order.filled_amount > 0 ? "partially-filled" : "open"
  }
}

/** A Deribit trade as an SDK fill (`clientOrderId` is the label, "" when the order had none). */
export const toFill = (trade: Protocol.Trade, info: InstrumentInfo | undefined): Venue.Fill => ({
  clientOrderId: trade.label ?? "",
  venueOrderId: trade.order_id,
  tradeId: trade.trade_id,
  symbol: trade.instrument_name,
  side: trade.direction,
  quantity: quantityOf(trade.amount, trade.contracts, info),
  price: trade.price,
  fee: trade.fee,
  feeCurrency: trade.fee_currency,
  liquidity: trade.liquidity === "M" ? "maker" : "taker",
  timeMs: trade.timestamp
})

/** A Deribit order as an SDK order update with the given fills. */
export const toOrderUpdate = (order: Protocol.Order, info: InstrumentInfo | undefined, fills: ReadonlyArray<Venue.Fill>): Venue.OrderUpdate => {
  const perContract = info?.contractSize ?? (typeof order.contracts === "number" && order.contracts > 0 ? order.amount / order.contracts : 1)
  const filled = round(order.filled_amount / perContract)
  const reason = order.cancel_reason ?? order.reject_reason
  return {
    clientOrderId: order.label ?? "",
    venueOrderId: order.order_id,
    symbol: order.instrument_name,
    state: stateOf(order),
    filledQuantity: filled,
    ...(typeof order.average_price === "number" && order.average_price > 0 ? { averagePrice: order.average_price } : {}),
    timeMs: order.last_update_timestamp,
    ...(reason !== undefined && reason !== "" && reason !== "none" ? { reason } : {}),
    fills
  }
}

/** A rejection decided before sending (never reached the venue). */
export const localRejection = (order: Venue.OrderRequest, reason: string, timeMs: number): Venue.OrderUpdate => ({
  clientOrderId: order.clientOrderId,
  symbol: order.symbol,
  state: "rejected",
  filledQuantity: 0,
  timeMs,
  reason,
  fills: []
})

/** A position in contracts (signed: short is negative). */
export const toPosition = (position: typeof Protocol.Position.Type, info: InstrumentInfo | undefined): Venue.VenuePosition => ({
  symbol: position.instrument_name,
  quantity: info === undefined ? position.size : round(position.size / info.contractSize)
})

const positive = (x: number | null | undefined): number | undefined => (typeof x === "number" && x > 0 ? x : undefined)

/**
 * Market events of one ticker: a perpetual's mark and top of book, a dated future's forward, or an option's quote
 * (premiums in coin per contract, Deribit's `mark_iv` percent turned into a decimal vol, the forward it is marked on).
 */
export const tickerEvents = (ticker: Protocol.Ticker, info: InstrumentInfo): Array<MarketEvent.MarketEvent> => {
  const underlying = info.baseCurrency
  const timeMs = ticker.timestamp
  if (!(ticker.mark_price > 0) && info.kind !== "option") return []
  const bid = positive(ticker.best_bid_price)
  const ask = positive(ticker.best_ask_price)
  if (info.kind === "future" && info.perpetual) {
    return [{ kind: "perpetual", timeMs, symbol: info.name, underlying, mark: ticker.mark_price, ...(bid !== undefined ? { bid } : {}), ...(ask !== undefined ? { ask } : {}) }]
  }
  if (info.kind === "future") return [{ kind: "forward", timeMs, underlying, expiryMs: info.expiryMs, forward: ticker.mark_price }]
  if (info.kind === "option" && info.optionType !== undefined && info.strike !== undefined) {
    const forward = positive(ticker.underlying_price) ?? positive(ticker.index_price)
    if (forward === undefined || !(ticker.mark_price >= 0)) return []
    const markVol = positive(ticker.mark_iv)
    const index = positive(ticker.index_price)
    return [{
      kind: "option", timeMs, symbol: info.name, underlying, optionType: info.optionType, strike: info.strike, expiryMs: info.expiryMs,
      settlement: info.inverse ? "inverse" : "linear", premiumUnit: info.inverse ? "coin" : "quote",
      ...(bid !== undefined ? { bid } : {}), ...(ask !== undefined ? { ask } : {}), mark: ticker.mark_price,
      ...(markVol !== undefined ? { markVol: markVol / 100 } : {}), forward, ...(index !== undefined ? { index } : {})
    }]
  }
  return []
}
