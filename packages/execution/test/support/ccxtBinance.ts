/**
 * A fake Binance — USDⓈ-M futures (`/fapi`) and options (`/eapi`) — for the ccxt adapter's tests. Response shapes
 * follow Binance's derivatives API documentation (https://developers.binance.com/docs/derivatives): plain JSON
 * objects and arrays, errors `{ code, msg }` with HTTP 4xx. TEST DATA: instruments, prices and Greeks are made up.
 */
import { CREDENTIALS, type FakeOrder, FakeVenue, hmac, Ledger, type Reply, type Request, s } from "./ccxtHarness.js"

export const BINANCE_EXPIRY_MS = Date.UTC(2027, 2, 26, 8)
const OPTION = "BTC-270326-100000-C"

export const BINANCE_SYMBOLS = {
  "BTCUSDT-PERP": "BTC/USDT:USDT",
  [OPTION]: "BTC/USDT:USDT-270326-100000-C"
} as const

/** `GET /fapi/v1/exchangeInfo` (TEST DATA in Binance's documented shape). */
export const BINANCE_FAPI_INFO = {
  timezone: "UTC", serverTime: 1_767_225_600_000, futuresType: "U_MARGINED", rateLimits: [], exchangeFilters: [], assets: [],
  symbols: [{
    symbol: "BTCUSDT", pair: "BTCUSDT", contractType: "PERPETUAL", deliveryDate: 4_133_404_800_000, onboardDate: 1_569_398_400_000, status: "TRADING",
    maintMarginPercent: "2.5000", requiredMarginPercent: "5.0000", baseAsset: "BTC", quoteAsset: "USDT", marginAsset: "USDT", pricePrecision: 2,
    quantityPrecision: 3, baseAssetPrecision: 8, quotePrecision: 8, underlyingType: "COIN", underlyingSubType: ["PoW"], settlePlan: 0, triggerProtect: "0.0500",
    liquidationFee: "0.012500", marketTakeBound: "0.05", maxMoveOrderLimit: 10000,
    filters: [
      { filterType: "PRICE_FILTER", minPrice: "556.80", maxPrice: "4529764", tickSize: "0.10" },
      { filterType: "LOT_SIZE", stepSize: "0.001", maxQty: "1000", minQty: "0.001" },
      { filterType: "MARKET_LOT_SIZE", stepSize: "0.001", maxQty: "120", minQty: "0.001" },
      { filterType: "MAX_NUM_ORDERS", limit: 200 },
      { filterType: "MIN_NOTIONAL", notional: "100" },
      { filterType: "PERCENT_PRICE", multiplierUp: "1.0500", multiplierDown: "0.9500", multiplierDecimal: "4" }
    ],
    orderTypes: ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"],
    timeInForce: ["GTC", "IOC", "FOK", "GTX", "GTD"]
  }]
}

/** `GET /eapi/v1/exchangeInfo` (TEST DATA). */
export const BINANCE_EAPI_INFO = {
  timezone: "UTC", serverTime: 1_767_225_600_000,
  optionContracts: [{ id: 1, baseAsset: "BTC", quoteAsset: "USDT", underlying: "BTCUSDT", settleAsset: "USDT" }],
  optionAssets: [{ id: 1, name: "USDT" }],
  optionSymbols: [{
    contractId: 2, expiryDate: BINANCE_EXPIRY_MS, id: 17, symbol: OPTION, side: "CALL", strikePrice: "100000.00000000", underlying: "BTCUSDT", unit: 1,
    makerFeeRate: "0.00020000", takerFeeRate: "0.00020000", minQty: "0.01", maxQty: "100", initialMargin: "0.15", maintenanceMargin: "0.075",
    minInitialMargin: "0.1", minMaintenanceMargin: "0.05", priceScale: 0, quantityScale: 2, quoteAsset: "USDT", status: "TRADING",
    filters: [{ filterType: "PRICE_FILTER", minPrice: "5", maxPrice: "100000", tickSize: "5" }, { filterType: "LOT_SIZE", minQty: "0.01", maxQty: "100", stepSize: "0.01" }]
  }],
  rateLimits: []
}

/** `GET /eapi/v1/mark` row (TEST DATA). */
export const BINANCE_MARK = {
  symbol: OPTION, markPrice: "6150", bidIV: "0.5312", askIV: "0.5498", markIV: "0.5405", delta: "0.56012", theta: "-51.2033", gamma: "0.00002201",
  vega: "188.7712", highPriceLimit: "9000", lowPriceLimit: "5", riskFreeInterest: "0.0"
}

const error = (code: number, msg: string, status = 400): Reply => ({ status, body: { code, msg } })

export class FakeBinance extends FakeVenue {
  readonly ledger: Ledger

  constructor() {
    super()
    this.ledger = new Ledger(
      () => this.now(),
      { BTCUSDT: 100_000, [OPTION]: 6_150 },
      (symbol, qty, price, liquidity) =>
        symbol === "BTCUSDT" ? { fee: (liquidity === "maker" ? 0.0002 : 0.0005) * qty * price, currency: "USDT" } : { fee: 0.0002 * qty * price, currency: "USDT" },
      { order: (n) => String(4_000_000_000 + n), trade: (n) => String(700_000_000 + n) }
    )
    this.route("GET", "/fapi/v1/exchangeInfo", () => ({ body: BINANCE_FAPI_INFO }))
    this.route("GET", "/eapi/v1/exchangeInfo", () => ({ body: BINANCE_EAPI_INFO }))
    this.route("GET", "/eapi/v1/mark", () => ({ body: [BINANCE_MARK] }))
    this.route("GET", "/sapi/v1/capital/config/getall", () => ({ body: [] }))
    // USDⓈ-M futures
    this.route("POST", "/fapi/v1/order", (r) => this.submit(r, "newClientOrderId", (o) => this.futuresOrder(o)))
    this.route("GET", "/fapi/v1/order", (r) => this.find(r, "origClientOrderId", (o) => this.futuresOrder(o)))
    this.route("DELETE", "/fapi/v1/order", (r) => this.cancelOne(r, "origClientOrderId", (o) => this.futuresOrder(o)))
    this.route("GET", "/fapi/v1/openOrders", (r) => ({ body: this.open(r).map((o) => this.futuresOrder(o)) }))
    this.route("GET", "/fapi/v1/userTrades", (r) => ({
      // Binance's futures trade list carries no client order id
      body: this.trades(r).map((t) => ({
        buyer: t.side === "buy", commission: s(t.fee), commissionAsset: t.feeCurrency, id: Number(t.id), maker: t.liquidity === "maker", orderId: Number(t.orderId),
        price: s(t.price), qty: s(t.amount), quoteQty: s(t.amount * t.price), realizedPnl: "0", side: t.side.toUpperCase(), positionSide: "BOTH",
        symbol: t.instrument, time: t.timeMs
      }))
    }))
    // options
    this.route("POST", "/eapi/v1/order", (r) => this.submit(r, "clientOrderId", (o) => this.optionOrder(o)))
    this.route("GET", "/eapi/v1/order", (r) => this.find(r, "clientOrderId", (o) => this.optionOrder(o)))
    this.route("DELETE", "/eapi/v1/order", (r) => this.cancelOne(r, "clientOrderId", (o) => this.optionOrder(o)))
    this.route("GET", "/eapi/v1/openOrders", (r) => ({ body: this.open(r).map((o) => this.optionOrder(o)) }))
    this.route("GET", "/eapi/v1/userTrades", (r) => ({
      body: this.trades(r).map((t) => ({
        id: Number(t.id), tradeId: Number(t.id), orderId: Number(t.orderId), symbol: t.instrument, price: s(t.price), quantity: s(t.amount), fee: s(t.fee),
        realizedProfit: "0", side: t.side.toUpperCase(), type: "LIMIT", volatility: "0.54", liquidity: t.liquidity === "maker" ? "MAKER" : "TAKER",
        quoteAsset: "USDT", time: t.timeMs, priceScale: 0, quantityScale: 2, optionSide: "CALL"
      }))
    }))
  }

  private params(r: Request): Record<string, string> {
    return r.method === "POST" ? (r.json as Record<string, string>) : r.query
  }

  private submit(r: Request, clientKey: string, format: (o: FakeOrder) => unknown): Reply {
    const p = this.params(r)
    const order = this.ledger.submit({
      clientId: p[clientKey] ?? "", instrument: p.symbol!, side: p.side === "BUY" ? "buy" : "sell", type: p.type === "MARKET" ? "market" : "limit",
      amount: Number(p.quantity), price: p.price !== undefined ? Number(p.price) : undefined, postOnly: p.timeInForce === "GTX" || p.postOnly === "true",
      reduceOnly: p.reduceOnly === "true", timeInForce: p.timeInForce, request: p
    })
    return { body: format(order) }
  }

  private find(r: Request, clientKey: string, format: (o: FakeOrder) => unknown): Reply {
    const p = this.params(r)
    const order = p.orderId !== undefined ? this.ledger.order(p.orderId) : this.ledger.byClientId(p[clientKey] ?? "").at(-1)
    return order === undefined || order.instrument !== p.symbol ? error(-2013, "Order does not exist.") : { body: format(order) }
  }

  private cancelOne(r: Request, clientKey: string, format: (o: FakeOrder) => unknown): Reply {
    const p = this.params(r)
    const target = p.orderId !== undefined ? this.ledger.order(p.orderId) : this.ledger.byClientId(p[clientKey] ?? "").at(-1)
    const cancelled = target === undefined ? undefined : this.ledger.cancel(target.id)
    return cancelled === undefined ? error(-2011, "Unknown order sent.") : { body: format(cancelled) }
  }

  private open(r: Request): Array<FakeOrder> {
    return this.ledger.orders.filter((o) => o.state === "open" && (r.query.symbol === undefined || o.instrument === r.query.symbol))
  }

  private trades(r: Request) {
    const start = r.query.startTime !== undefined ? Number(r.query.startTime) : -Infinity
    const end = r.query.endTime !== undefined ? Number(r.query.endTime) : Infinity
    const limit = r.query.limit !== undefined ? Number(r.query.limit) : 500
    return this.ledger.trades
      .filter((t) => t.instrument === r.query.symbol && t.timeMs >= start && t.timeMs <= end && (r.query.orderId === undefined || t.orderId === r.query.orderId))
      .sort((a, b) => a.timeMs - b.timeMs)
      .slice(0, limit)
  }

  private status(o: FakeOrder): string {
    return o.state === "open" ? (o.filled > 0 ? "PARTIALLY_FILLED" : "NEW") : o.state === "filled" ? "FILLED" : o.state === "cancelled" ? "CANCELED" : "REJECTED"
  }

  futuresOrder(o: FakeOrder): Record<string, unknown> {
    const avg = this.ledger.average(o)
    return {
      orderId: Number(o.id), symbol: o.instrument, status: this.status(o), clientOrderId: o.clientId, price: s(o.price ?? 0), avgPrice: s(avg ?? 0),
      origQty: s(o.amount), executedQty: s(o.filled), cumQty: s(o.filled), cumQuote: s(o.notional), timeInForce: o.timeInForce ?? "GTC",
      type: o.type.toUpperCase(), reduceOnly: o.reduceOnly, closePosition: false, side: o.side.toUpperCase(), positionSide: "BOTH", stopPrice: "0",
      workingType: "CONTRACT_PRICE", priceProtect: false, origType: o.type.toUpperCase(), priceMatch: "NONE", selfTradePreventionMode: "EXPIRE_MAKER",
      goodTillDate: 0, time: o.createdMs, updateTime: o.updatedMs
    }
  }

  optionOrder(o: FakeOrder): Record<string, unknown> {
    const avg = this.ledger.average(o)
    const fee = this.ledger.trades.filter((t) => t.orderId === o.id).reduce((sum, t) => sum + t.fee, 0)
    return {
      orderId: Number(o.id), symbol: o.instrument, price: s(o.price ?? 0), quantity: s(o.amount), executedQty: s(o.filled), fee: s(fee),
      side: o.side.toUpperCase(), type: o.type.toUpperCase(), timeInForce: o.timeInForce ?? "GTC", reduceOnly: o.reduceOnly, postOnly: o.postOnly,
      createTime: o.createdMs, updateTime: o.updatedMs, status: o.state === "open" ? (o.filled > 0 ? "PARTIALLY_FILLED" : "ACCEPTED") : this.status(o),
      avgPrice: s(avg ?? 0), clientOrderId: o.clientId, priceScale: 0, quantityScale: 2, optionSide: "CALL", quoteAsset: "USDT", mmp: false
    }
  }

  protected isPrivate(path: string): boolean {
    return !/\/(exchangeInfo|mark|time|ping)$/.test(path)
  }

  /** Binance: `signature` = hex(HMAC-SHA256(the query or form body before `&signature=`, secret)), key in `X-MBX-APIKEY`. */
  protected authenticate(r: Request): boolean {
    const signed = r.method === "POST" ? r.body : r.url.search.replace(/^\?/, "")
    const at = signed.lastIndexOf("&signature=")
    if (at < 0) return false
    return r.headers["x-mbx-apikey"] === CREDENTIALS.apiKey && signed.slice(at + "&signature=".length) === hmac(CREDENTIALS.secret, signed.slice(0, at), "hex")
  }

  protected unauthorized(): Reply {
    return error(-1022, "Signature for this request is not valid.", 401)
  }
}
