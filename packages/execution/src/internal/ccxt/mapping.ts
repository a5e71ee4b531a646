/**
 * ccxt's unified structures ⇄ the SDK's. Units: the SDK counts an instrument's contracts; ccxt's `amount` is the
 * venue's order size, which is the same number of contracts on OKX (`sz`), Bybit (`qty`: coins, 1-coin
 * contracts; USD for inverse) and Binance (`quantity`: coins on USDⓈ-M, contracts on COIN-M, contracts on
 * options), but Deribit's `amount` (USD for inverse futures and perpetuals, coins for options and linear
 * instruments): `amount = contracts × contract_size` there.
 */
import type { Venue } from "@hedgekit/sdk"
import type { CcxtMarket, CcxtOrder, CcxtPosition, CcxtTrade } from "./types.js"
import { DECIMAL_PLACES, TICK_SIZE } from "./types.js"

/** The kinds of market a unified symbol can name. */
export type Kind = "spot" | "perpetual" | "future" | "option"

/** What a unified symbol says before the markets are loaded. */
export interface ParsedSymbol {
  readonly base: string
  readonly quote: string
  readonly settle: string | undefined
  readonly kind: Kind
}

/**
 * Parses a ccxt unified symbol: `BASE/QUOTE` (spot), `BASE/QUOTE:SETTLE` (perpetual),
 * `BASE/QUOTE:SETTLE-YYMMDD` (future), `BASE/QUOTE:SETTLE-YYMMDD-STRIKE-C|P` (option).
 */
export const parseSymbol = (symbol: string): ParsedSymbol | undefined => {
  const match = /^([^/:]+)\/([^/:]+)(?::([^-]+)(?:-(\d{6})(?:-([^-]+)-([CP]))?)?)?$/.exec(symbol)
  if (match === null) return undefined
  const [, base, quote, settle, expiry, strike] = match
  const kind: Kind = settle === undefined ? "spot" : expiry === undefined ? "perpetual" : strike === undefined ? "future" : "option"
  return { base: base!, quote: quote!, settle, kind }
}

/** An instrument the adapter trades: the SDK symbol, its ccxt market and the unit conversions. */
export interface Spec {
  /** The SDK (hedgekit) symbol. */
  readonly symbol: string
  readonly ccxtSymbol: string
  readonly market: CcxtMarket
  readonly kind: Kind
  readonly settlement: "linear" | "inverse" | "spot"
  /** ccxt `amount` per SDK contract: 1, or the contract size where ccxt's amount is the venue's (Deribit). */
  readonly amountPerContract: number
  /** Units of `contractCurrency` one contract is worth. */
  readonly contractSize: number
  readonly contractCurrency: string
  /** Order sizes must be a multiple of this many contracts (when the venue says). */
  readonly quantityStep: number | undefined
  readonly minQuantity: number | undefined
  readonly tickSize: number | undefined
  /** The venue's currency grouping of the instrument (Deribit's `currency` parameter): the settlement currency id. */
  readonly currencyId: string
}

const clean = (x: number): number => Number(x.toPrecision(12))

/** A precision value as a step, under ccxt's `precisionMode`. */
export const precisionStep = (precisionMode: number, value: number | undefined): number | undefined => {
  if (value === undefined || !Number.isFinite(value)) return undefined
  if (precisionMode === TICK_SIZE) return value > 0 ? value : undefined
  if (precisionMode === DECIMAL_PLACES) return clean(10 ** -value)
  return undefined
}

export const kindOf = (market: CcxtMarket): Kind =>
  market.option ? "option" : market.swap ? "perpetual" : market.future ? "future" : "spot"

export const makeSpec = (
  symbol: string,
  market: CcxtMarket,
  precisionMode: number,
  units: { readonly amountIsVenueAmount: boolean; readonly contractSize: (m: CcxtMarket) => number; readonly contractCurrency: (m: CcxtMarket) => string }
): Spec => {
  const contractSize = market.contract ? units.contractSize(market) : 1
  const amountPerContract = units.amountIsVenueAmount && market.contract ? contractSize : 1
  const amountStep = precisionStep(precisionMode, market.precision.amount)
  const minAmount = market.limits.amount?.min
  return {
    symbol,
    ccxtSymbol: market.symbol,
    market,
    kind: kindOf(market),
    settlement: !market.contract ? "spot" : market.inverse === true ? "inverse" : "linear",
    amountPerContract,
    contractSize,
    contractCurrency: market.contract ? units.contractCurrency(market) : market.base,
    quantityStep: amountStep === undefined ? undefined : clean(amountStep / amountPerContract),
    minQuantity: typeof minAmount === "number" && minAmount > 0 ? clean(minAmount / amountPerContract) : undefined,
    tickSize: precisionStep(precisionMode, market.precision.price),
    currencyId: market.settleId ?? market.baseId ?? market.base
  }
}

/** ccxt's amount for `contracts`. */
export const toAmount = (spec: Spec, contracts: number): number => clean(contracts * spec.amountPerContract)

/** Contracts for ccxt's amount. */
export const toContracts = (spec: Spec, amount: number): number => clean(amount / spec.amountPerContract)

const isMultiple = (x: number, step: number): boolean => Math.abs(x / step - Math.round(x / step)) < 1e-7

/** Why `quantity` contracts cannot be sent, if it cannot. */
export const quantityProblem = (spec: Spec, quantity: number): string | undefined => {
  if (spec.quantityStep !== undefined && !isMultiple(quantity, spec.quantityStep)) {
    return `quantity ${quantity} is not a multiple of ${spec.quantityStep} contracts on ${spec.ccxtSymbol}`
  }
  if (spec.minQuantity !== undefined && quantity < spec.minQuantity - 1e-12) {
    return `quantity ${quantity} is below the minimum ${spec.minQuantity} contracts on ${spec.ccxtSymbol}`
  }
  return undefined
}

/** A limit price on the tick grid, rounded away from the market (a buy down, a sell up). */
export const roundLimitPrice = (tick: number | undefined, price: number, side: Venue.Side): number => {
  if (tick === undefined || !(tick > 0)) return price
  const steps = price / tick
  const whole = Math.abs(steps - Math.round(steps)) < 1e-7 ? Math.round(steps) : side === "buy" ? Math.floor(steps) : Math.ceil(steps)
  return clean(whole * tick)
}

const finite = (x: unknown): number | undefined => (typeof x === "number" && Number.isFinite(x) ? x : undefined)

/** The SDK state of a ccxt order status; `undefined` when ccxt did not say (an acknowledgement only). */
export const stateOf = (order: CcxtOrder): Venue.OrderState | undefined => {
  const filled = finite(order.filled) ?? 0
  switch (order.status) {
    case "open":
      return filled > 0 ? "partially-filled" : "open"
    case "closed":
      return "filled"
    case "canceled":
    case "cancelled":
    case "expired":
      return "cancelled"
    case "rejected":
      return "rejected"
    default:
      return undefined
  }
}

/** Whether an SDK order state is final. */
export const isFinal = (state: Venue.OrderState | undefined): boolean => state === "filled" || state === "cancelled" || state === "rejected"

/** A ccxt trade → an SDK fill, or why it cannot be one. */
export const toFill = (
  spec: Spec,
  trade: CcxtTrade,
  clientOrderId: string,
  fallbackTimeMs: number
): Venue.Fill | { readonly skip: string } => {
  const amount = finite(trade.amount)
  const price = finite(trade.price)
  if (trade.id === undefined || trade.id.length === 0) return { skip: "a trade without an id" }
  if (amount === undefined || !(amount > 0)) return { skip: `trade ${trade.id} has no amount` }
  if (price === undefined || !(price > 0)) return { skip: `trade ${trade.id} has no price` }
  if (trade.side !== "buy" && trade.side !== "sell") return { skip: `trade ${trade.id} has no side` }
  const fees = trade.fee !== undefined ? [trade.fee] : trade.fees ?? []
  let fee = 0
  let feeCurrency: string | undefined
  for (const f of fees) {
    const cost = finite(f.cost)
    if (cost === undefined) continue
    fee += cost
    feeCurrency ??= f.currency
  }
  return {
    clientOrderId,
    ...(trade.order !== undefined ? { venueOrderId: trade.order } : {}),
    tradeId: trade.id,
    symbol: spec.symbol,
    side: trade.side,
    quantity: toContracts(spec, amount),
    price,
    fee,
    feeCurrency: feeCurrency ?? spec.market.settle ?? spec.market.quote,
    // ccxt leaves `takerOrMaker` undefined when the venue does not say; counted as taker (the dearer side)
    liquidity: trade.takerOrMaker === "maker" ? "maker" : "taker",
    timeMs: finite(trade.timestamp) ?? fallbackTimeMs
  }
}

/** A ccxt order → an SDK update (with `state` already decided). */
export const toUpdate = (
  spec: Spec,
  order: CcxtOrder,
  clientOrderId: string,
  state: Venue.OrderState,
  fills: ReadonlyArray<Venue.Fill>,
  nowMs: number,
  reason?: string
): Venue.OrderUpdate => {
  const filled = finite(order.filled)
  const average = finite(order.average)
  const fromFills = fills.reduce((s, f) => s + f.quantity, 0)
  const filledQuantity = filled !== undefined ? toContracts(spec, filled) : clean(fromFills)
  const averagePrice = average !== undefined && average > 0
    ? average
    : fromFills > 0 ? clean(fills.reduce((s, f) => s + f.quantity * f.price, 0) / fromFills) : undefined
  return {
    clientOrderId,
    ...(order.id !== undefined ? { venueOrderId: order.id } : {}),
    symbol: spec.symbol,
    state,
    filledQuantity: Math.max(0, filledQuantity),
    ...(averagePrice !== undefined && filledQuantity > 0 ? { averagePrice } : {}),
    timeMs: finite(order.lastUpdateTimestamp) ?? finite(order.lastTradeTimestamp) ?? finite(order.timestamp) ?? nowMs,
    ...(reason !== undefined ? { reason } : {}),
    fills
  }
}

/** A signed position in contracts (long > 0), or `undefined` for an empty one. */
export const positionContracts = (spec: Spec, position: CcxtPosition): number | undefined => {
  const contracts = finite(position.contracts)
  if (contracts === undefined || contracts === 0) return undefined
  const sign = position.side === "short" ? -1 : position.side === "long" ? 1 : Math.sign(contracts)
  return sign * toContracts(spec, Math.abs(contracts))
}

/** An update for an order that was never sent (refused here). */
export const localRejection = (order: Venue.OrderRequest, reason: string, nowMs: number): Venue.OrderUpdate => ({
  clientOrderId: order.clientOrderId,
  symbol: order.symbol,
  state: "rejected",
  filledQuantity: 0,
  timeMs: nowMs,
  reason,
  fills: []
})
