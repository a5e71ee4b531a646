/**
 * What differs between the venues behind ccxt's unified API: the client-id parameter and alphabet, the unit of
 * `amount`, how an order is found by its client id or its venue id, where positions and balances are read, how
 * trade history pages, and the Greeks conventions.
 */
import type { Venue } from "@hedgekit/sdk"
import * as ClientIds from "./clientIds.js"
import * as Greeks from "./greeks.js"
import type { ParsedSymbol, Spec } from "./mapping.js"
import type { CcxtBalances, CcxtExchange, CcxtMarket, CcxtOrder, CcxtPosition, CcxtTrade } from "./types.js"

/** The venues the adapter supports. */
export type ExchangeId = "okx" | "bybit" | "binance" | "deribit"

export const EXCHANGE_IDS: ReadonlyArray<ExchangeId> = ["okx", "bybit", "binance", "deribit"]

type Params = Record<string, unknown>

/** An order as the adapter sends it (venue units, price already on the tick). */
export interface OrderArgs {
  readonly type: "market" | "limit"
  readonly side: "buy" | "sell"
  readonly amount: number
  readonly price: number | undefined
  readonly clientId: string
  readonly postOnly: boolean
  readonly reduceOnly: boolean
  readonly timeInForce: string | undefined
}

export interface Helpers {
  /** Whether a thrown value is ccxt's `OrderNotFound`. */
  readonly isNotFound: (error: unknown) => boolean
}

export interface Profile {
  readonly id: ExchangeId
  readonly clientIds: ClientIds.ClientIdCodec
  /** The `createOrder` params that carry the client id. */
  readonly clientIdParams: (venueClientId: string) => Params
  /** The client id (as the venue holds it) of an order / a trade, when the venue reports it. */
  readonly orderClientId: (order: CcxtOrder) => string | undefined
  readonly tradeClientId: (trade: CcxtTrade) => string | undefined
  /** Switches the instance to the venue's test environment (testnet, or demo trading where the testnet is gone). */
  readonly sandbox: (ex: CcxtExchange) => void
  /** ccxt's `amount` is the venue's amount (contracts × contract size) rather than contracts. */
  readonly amountIsVenueAmount: boolean
  readonly contractSize: (market: CcxtMarket) => number
  readonly contractCurrency: (market: CcxtMarket) => string
  /** The tick at a price (Deribit options have price-dependent ticks). */
  readonly tickAt: (spec: Spec, price: number) => number | undefined
  /** Why this venue cannot take the order (checked before anything is sent). */
  readonly refuse: (order: Venue.OrderRequest, spec: Spec) => string | undefined
  /** Sends the order itself where ccxt's `createOrder` would not send it right; `undefined`: use `createOrder`. */
  readonly createOrder: (ex: CcxtExchange, spec: Spec, args: OrderArgs) => Promise<CcxtOrder> | undefined
  /** Params every order of this venue carries (Deribit's `valid_until`). */
  readonly orderParams: (order: Venue.OrderRequest, spec: Spec) => Params
  /** ccxt options that load only the market types the mapping uses. */
  readonly marketOptions: (symbols: ReadonlyArray<ParsedSymbol>) => Params
  /** The order sent with this client id, searched among the mapped instruments. */
  readonly findByClientId: (ex: CcxtExchange, h: Helpers, venueClientId: string, specs: ReadonlyArray<Spec>) => Promise<CcxtOrder | undefined>
  /** An order by its venue id. */
  readonly readOrder: (ex: CcxtExchange, h: Helpers, id: string, spec: Spec) => Promise<CcxtOrder | undefined>
  readonly openOrders: (ex: CcxtExchange, spec: Spec) => Promise<Array<CcxtOrder>>
  readonly positions: (ex: CcxtExchange, specs: ReadonlyArray<Spec>) => Promise<Array<CcxtPosition>>
  readonly balances: (ex: CcxtExchange, specs: ReadonlyArray<Spec>) => Promise<Array<CcxtBalances>>
  /** Trade history paging: `forward` (oldest first from `since`) or `backward` (newest first, `until` moves back). */
  readonly tradePaging: "forward" | "backward"
  readonly tradePageSize: number
  readonly tradeParams: (nowMs: number) => Params
  /** Whether ccxt's `fetchOrderTrades` works for this market. */
  readonly orderTradesSupported: (ex: CcxtExchange, spec: Spec) => boolean
  readonly greeks: (target: Greeks.GreeksTarget, raw: Parameters<typeof Greeks.deribit>[1]) => Greeks.GreeksResult
}

const str = (x: unknown): string | undefined => (typeof x === "string" && x.length > 0 ? x : undefined)
const num = (x: unknown): number | undefined => {
  const n = typeof x === "string" ? Number(x) : x
  return typeof n === "number" && Number.isFinite(n) ? n : undefined
}
type Implicit = (params: Params) => Promise<Record<string, unknown>>

const unique = <A>(xs: Iterable<A>): Array<A> => [...new Set(xs)]

/** Tries each instrument in turn; `OrderNotFound` means "not this one". */
const firstFound = async (
  h: Helpers,
  specs: ReadonlyArray<Spec>,
  find: (spec: Spec) => Promise<CcxtOrder | undefined>
): Promise<CcxtOrder | undefined> => {
  for (const spec of specs) {
    try {
      const order = await find(spec)
      if (order !== undefined && order.id !== undefined) return order
    } catch (error) {
      if (!h.isNotFound(error)) throw error
    }
  }
  return undefined
}

/** The latest of several orders (an open one first: it is the one a cancel must reach). */
const latest = (orders: ReadonlyArray<CcxtOrder>): CcxtOrder | undefined =>
  [...orders].sort((a, b) => {
    const open = Number(b.status === "open") - Number(a.status === "open")
    return open !== 0 ? open : (b.timestamp ?? 0) - (a.timestamp ?? 0)
  })[0]

const defaults = {
  sandbox: (ex: CcxtExchange) => ex.setSandboxMode(true),
  refuse: (): string | undefined => undefined,
  createOrder: (): Promise<CcxtOrder> | undefined => undefined,
  contractSize: (market: CcxtMarket) => (typeof market.contractSize === "number" && market.contractSize > 0 ? market.contractSize : 1),
  contractCurrency: (market: CcxtMarket) => (market.inverse === true ? market.quote : market.base),
  tickAt: (spec: Spec) => spec.tickSize,
  orderParams: () => ({}),
  openOrders: (ex: CcxtExchange, spec: Spec) => ex.fetchOpenOrders(spec.ccxtSymbol),
  orderTradesSupported: (ex: CcxtExchange) => ex.has.fetchOrderTrades === true
}

const contractTypes = (symbols: ReadonlyArray<ParsedSymbol>, linearName: string, inverseName: string): Array<string> =>
  unique(symbols.map((s) => {
    if (s.kind === "spot" || s.kind === "option") return s.kind
    return s.settle === s.quote ? linearName : inverseName
  }))

const OKX: Profile = {
  id: "okx",
  clientIds: ClientIds.okx,
  clientIdParams: (id) => ({ clientOrderId: id }),
  orderClientId: (order) => order.clientOrderId ?? str(order.info.clOrdId),
  tradeClientId: (trade) => str(trade.info.clOrdId),
  sandbox: defaults.sandbox,
  amountIsVenueAmount: false,
  // OKX: one contract is ctVal × ctMult of ctValCcy (options: 1 × 0.01 BTC; BTC-USD-SWAP: 100 USD)
  contractSize: (market) => {
    const ctVal = num(market.info.ctVal) ?? defaults.contractSize(market)
    const ctMult = num(market.info.ctMult)
    return ctMult !== undefined && ctMult > 0 ? ctVal * ctMult : ctVal
  },
  contractCurrency: (market) => str(market.info.ctValCcy) ?? defaults.contractCurrency(market),
  tickAt: defaults.tickAt,
  refuse: defaults.refuse,
  createOrder: defaults.createOrder,
  orderParams: defaults.orderParams,
  marketOptions: (symbols) => {
    const types = unique(symbols.map((s): string => (s.kind === "perpetual" ? "swap" : s.kind)))
    const underlyings = unique(symbols.filter((s) => s.kind === "option").map((s) => `${s.base}-${s.quote}`))
    return { fetchMarkets: { types }, ...(underlyings.length > 0 ? { defaultUnderlying: underlyings } : {}) }
  },
  findByClientId: (ex, h, id, specs) => firstFound(h, specs, (spec) => ex.fetchOrder(undefined, spec.ccxtSymbol, { clientOrderId: id })),
  readOrder: (ex, _h, id, spec) => ex.fetchOrder(id, spec.ccxtSymbol),
  openOrders: defaults.openOrders,
  positions: async (ex, specs) => {
    const symbols = specs.filter((s) => s.kind !== "spot").map((s) => s.ccxtSymbol)
    const out: Array<CcxtPosition> = []
    // OKX takes up to 10 instIds at once
    for (let i = 0; i < symbols.length; i += 10) out.push(...await ex.fetchPositions(symbols.slice(i, i + 10)))
    return out
  },
  balances: async (ex) => [await ex.fetchBalance()],
  tradePaging: "backward",
  tradePageSize: 100,
  tradeParams: () => ({}),
  orderTradesSupported: defaults.orderTradesSupported,
  greeks: Greeks.okx
}

const bybitSearch = async (ex: CcxtExchange, spec: Spec, filter: Params): Promise<CcxtOrder | undefined> => {
  const open = await ex.fetchOpenOrders(spec.ccxtSymbol, undefined, undefined, filter)
  if (open.length > 0) return latest(open)
  const closed = ex.fetchCanceledAndClosedOrders !== undefined
    ? await ex.fetchCanceledAndClosedOrders(spec.ccxtSymbol, undefined, undefined, filter)
    : await ex.fetchClosedOrders(spec.ccxtSymbol, undefined, undefined, filter)
  return latest(closed)
}

const BYBIT: Profile = {
  id: "bybit",
  clientIds: ClientIds.bybit,
  clientIdParams: (id) => ({ clientOrderId: id }),
  orderClientId: (order) => order.clientOrderId ?? str(order.info.orderLinkId),
  tradeClientId: (trade) => str(trade.info.orderLinkId),
  sandbox: defaults.sandbox,
  amountIsVenueAmount: false,
  contractSize: defaults.contractSize,
  contractCurrency: defaults.contractCurrency,
  tickAt: defaults.tickAt,
  refuse: defaults.refuse,
  createOrder: defaults.createOrder,
  orderParams: defaults.orderParams,
  marketOptions: (symbols) => {
    const bases = unique(symbols.filter((s) => s.kind === "option").map((s) => s.base))
    return { fetchMarkets: { types: contractTypes(symbols, "linear", "inverse"), ...(bases.length > 0 ? { options: bases } : {}) } }
  },
  // `/v5/order/realtime` (open and recent) then `/v5/order/history`, both filtered by `orderLinkId`
  findByClientId: (ex, h, id, specs) => firstFound(h, specs, (spec) => bybitSearch(ex, spec, { orderLinkId: id })),
  readOrder: (ex, _h, id, spec) => bybitSearch(ex, spec, { orderId: id }),
  openOrders: defaults.openOrders,
  positions: async (ex, specs) => {
    const out: Array<CcxtPosition> = []
    for (const spec of specs) if (spec.kind !== "spot") out.push(...await ex.fetchPositions([spec.ccxtSymbol]))
    return out
  },
  balances: async (ex) => [await ex.fetchBalance()],
  tradePaging: "backward",
  tradePageSize: 100,
  tradeParams: () => ({}),
  orderTradesSupported: defaults.orderTradesSupported,
  greeks: Greeks.linearVenue
}

/** Binance's `fetchBalance` / `fetchPositions` account of a market: options (eapi), USDⓈ-M (fapi), COIN-M (dapi), spot. */
const binanceAccount = (spec: Spec): Params =>
  spec.kind === "option"
    ? { type: "option" }
    : spec.kind === "spot"
    ? { type: "spot" }
    : { type: spec.kind === "perpetual" ? "swap" : "future", subType: spec.settlement === "inverse" ? "inverse" : "linear" }

const BINANCE: Profile = {
  id: "binance",
  clientIds: ClientIds.binance,
  clientIdParams: (id) => ({ clientOrderId: id }),
  orderClientId: (order) => order.clientOrderId ?? str(order.info.clientOrderId),
  tradeClientId: (trade) => str(trade.info.clientOrderId),
  // ccxt refuses Binance's futures testnet (deprecated): "sandbox" is Binance demo trading, which has no options
  sandbox: (ex) => {
    if (ex.enableDemoTrading === undefined) ex.setSandboxMode(true)
    else ex.enableDemoTrading(true)
  },
  amountIsVenueAmount: false,
  contractSize: (market) => num(market.info.unit) ?? defaults.contractSize(market),
  contractCurrency: defaults.contractCurrency,
  tickAt: defaults.tickAt,
  refuse: (order, spec) => (spec.kind === "option" && order.type === "market" ? "Binance options take limit orders only" : undefined),
  // ccxt 4.5 sends `newClientOrderId` to /eapi/v1/order, whose field is `clientOrderId`: options go out as Binance documents them
  createOrder: (ex, spec, args) => {
    if (spec.kind !== "option") return undefined
    const send = (ex as unknown as Record<string, Implicit | undefined>).eapiPrivatePostOrder
    if (typeof send !== "function") return undefined
    return send.call(ex, {
      symbol: spec.market.id,
      side: args.side.toUpperCase(),
      type: "LIMIT",
      quantity: ex.amountToPrecision(spec.ccxtSymbol, args.amount),
      price: ex.priceToPrecision(spec.ccxtSymbol, args.price!),
      timeInForce: args.postOnly ? "GTC" : args.timeInForce ?? "GTC",
      ...(args.postOnly ? { postOnly: true } : {}),
      ...(args.reduceOnly ? { reduceOnly: true } : {}),
      clientOrderId: args.clientId,
      // ccxt's signer adds a broker `newClientOrderId` to any order request without one: it carries ours too
      newClientOrderId: args.clientId,
      newOrderRespType: "RESULT"
    }).then((raw) => ex.parseOrder(raw, spec.market))
  },
  orderParams: defaults.orderParams,
  // currencies (deposit networks) are a private spot-API call trading does not need
  marketOptions: (symbols) => ({ fetchMarkets: { types: contractTypes(symbols, "linear", "inverse") }, fetchCurrencies: false }),
  findByClientId: (ex, h, id, specs) => firstFound(h, specs, (spec) => ex.fetchOrder(undefined, spec.ccxtSymbol, { clientOrderId: id })),
  readOrder: (ex, _h, id, spec) => ex.fetchOrder(id, spec.ccxtSymbol),
  openOrders: defaults.openOrders,
  positions: async (ex, specs) => {
    const out: Array<CcxtPosition> = []
    for (const spec of specs) {
      if (spec.kind === "option") out.push(...await ex.fetchPositions([spec.ccxtSymbol], { method: "option" }))
      else if (spec.kind !== "spot") out.push(...await ex.fetchPositions([spec.ccxtSymbol], { subType: spec.settlement === "inverse" ? "inverse" : "linear" }))
    }
    return out
  },
  balances: async (ex, specs) => {
    const accounts = unique(specs.map((s) => JSON.stringify(binanceAccount(s)))).map((a) => JSON.parse(a) as Params)
    const out: Array<CcxtBalances> = []
    for (const params of accounts) out.push(await ex.fetchBalance(params))
    return out
  },
  tradePaging: "forward",
  tradePageSize: 500,
  tradeParams: () => ({}),
  // ccxt's binance fetchOrderTrades is spot-only
  orderTradesSupported: (ex, spec) => spec.kind === "spot" && ex.has.fetchOrderTrades === true,
  greeks: Greeks.linearVenue
}

const deribitTickAt = (spec: Spec, price: number): number | undefined => {
  const steps = spec.market.info.tick_size_steps
  let tick = spec.tickSize
  if (Array.isArray(steps)) {
    const sorted = steps
      .map((s) => ({ above: num((s as Record<string, unknown>).above_price), tick: num((s as Record<string, unknown>).tick_size) }))
      .filter((s): s is { above: number; tick: number } => s.above !== undefined && s.tick !== undefined)
      .sort((a, b) => a.above - b.above)
    for (const step of sorted) if (price > step.above) tick = step.tick
  }
  return tick
}

const DERIBIT: Profile = {
  id: "deribit",
  clientIds: ClientIds.deribit,
  // ccxt's deribit createOrder does not map `clientOrderId`: Deribit's field is `label`
  clientIdParams: (id) => ({ label: id }),
  orderClientId: (order) => order.clientOrderId ?? str(order.info.label),
  tradeClientId: (trade) => str(trade.info.label),
  sandbox: defaults.sandbox,
  amountIsVenueAmount: true,
  contractSize: defaults.contractSize,
  // inverse futures and perpetuals count USD, options and linear instruments the coin
  contractCurrency: (market) => (market.inverse === true && !market.option ? market.quote : market.base),
  tickAt: deribitTickAt,
  // after `valid_until` Deribit refuses to execute the request, so an undelivered order cannot execute later
  refuse: defaults.refuse,
  createOrder: defaults.createOrder,
  orderParams: (order) => (order.validUntilMs !== undefined ? { valid_until: Math.floor(order.validUntilMs) } : {}),
  marketOptions: () => ({}),
  findByClientId: async (ex, _h, id, specs) => {
    const byLabel = (ex as unknown as Record<string, Implicit | undefined>).privateGetGetOrderStateByLabel
    if (typeof byLabel !== "function") throw new Error("deribit: this ccxt version lacks private/get_order_state_by_label")
    const found: Array<CcxtOrder> = []
    for (const currency of unique(specs.map((s) => s.currencyId))) {
      const response = await byLabel.call(ex, { currency, label: id })
      const result = Array.isArray(response.result) ? response.result : []
      found.push(...ex.parseOrders(result))
    }
    return latest(found)
  },
  readOrder: (ex, _h, id, spec) => ex.fetchOrder(id, spec.ccxtSymbol),
  openOrders: defaults.openOrders,
  positions: async (ex, specs) => {
    const out: Array<CcxtPosition> = []
    for (const currency of unique(specs.filter((s) => s.kind !== "spot").map((s) => s.currencyId))) {
      out.push(...await ex.fetchPositions(undefined, { currency }))
    }
    return out
  },
  balances: async (ex) => [await ex.fetchBalance()],
  tradePaging: "forward",
  tradePageSize: 1000,
  // `..._and_time` needs an end; ascending so that pages move forward
  tradeParams: (nowMs) => ({ end_timestamp: nowMs, sorting: "asc" }),
  orderTradesSupported: defaults.orderTradesSupported,
  greeks: Greeks.deribit
}

export const PROFILES: Readonly<Record<ExchangeId, Profile>> = { okx: OKX, bybit: BYBIT, binance: BINANCE, deribit: DERIBIT }

