/**
 * A fake Bybit (REST API v5, unified trading account) for the ccxt adapter's tests. Response shapes follow
 * Bybit's API documentation (https://bybit-exchange.github.io/docs/v5/intro): `{ retCode, retMsg, result,
 * retExtInfo, time }` with numbers as strings. TEST DATA: instruments, prices, balances and Greeks are made up.
 */
import { CREDENTIALS, type FakeOrder, FakeVenue, hmac, Ledger, type Reply, type Request, s } from "./ccxtHarness.js"

export const BYBIT_EXPIRY_MS = Date.UTC(2027, 2, 26, 8)

export const BYBIT_SYMBOLS = {
  "BTCUSDT-PERP": "BTC/USDT:USDT",
  "BTC-26MAR27-100000-C": "BTC/USDC:USDC-270326-100000-C"
} as const

const OPTION = "BTC-26MAR27-100000-C"

/** `GET /v5/market/instruments-info` lists by category (TEST DATA in Bybit's documented shape). */
export const BYBIT_INSTRUMENTS: Record<string, Array<Record<string, unknown>>> = {
  linear: [{
    symbol: "BTCUSDT", contractType: "LinearPerpetual", status: "Trading", baseCoin: "BTC", quoteCoin: "USDT", launchTime: "1585526400000",
    deliveryTime: "0", deliveryFeeRate: "", priceScale: "2", leverageFilter: { minLeverage: "1", maxLeverage: "100.00", leverageStep: "0.01" },
    priceFilter: { minPrice: "0.10", maxPrice: "1999999.80", tickSize: "0.10" },
    lotSizeFilter: { maxOrderQty: "1190.000", minOrderQty: "0.001", qtyStep: "0.001", postOnlyMaxOrderQty: "1190.000", maxMktOrderQty: "500.000", minNotionalValue: "5" },
    unifiedMarginTrade: true, fundingInterval: 480, settleCoin: "USDT", copyTrading: "both", upperFundingRate: "0.00375", lowerFundingRate: "-0.00375",
    isPreListing: false, preListingInfo: null
  }],
  option: [{
    symbol: OPTION, optionsType: "Call", status: "Trading", baseCoin: "BTC", quoteCoin: "USDC", settleCoin: "USDC", launchTime: "1767225600000",
    deliveryTime: String(BYBIT_EXPIRY_MS), deliveryFeeRate: "0.00015", priceFilter: { minPrice: "5", maxPrice: "10000000", tickSize: "5" },
    lotSizeFilter: { maxOrderQty: "500", minOrderQty: "0.01", qtyStep: "0.01" }
  }]
}

/** `GET /v5/market/tickers?category=option` row (TEST DATA). */
export const BYBIT_OPTION_TICKER = {
  symbol: OPTION, bid1Price: "6100", bid1Size: "2.5", bid1Iv: "0.5105", ask1Price: "6250", ask1Size: "1.2", ask1Iv: "0.5296", lastPrice: "6175",
  highPrice24h: "6400", lowPrice24h: "5900", markPrice: "6180.25", indexPrice: "100012.3", markIv: "0.5201", underlyingPrice: "101240.8",
  openInterest: "120.5", turnover24h: "150000", volume24h: "24.1", totalVolume: "400", totalTurnover: "2500000", delta: "0.55231",
  gamma: "0.00002143", vega: "190.3512", theta: "-47.8211", predictedDeliveryPrice: "0", change24h: "0.012"
}

const ok = (result: unknown): Reply => ({ body: { retCode: 0, retMsg: "OK", result, retExtInfo: {}, time: Date.now() } })
const err = (retCode: number, retMsg: string): Reply => ({ body: { retCode, retMsg, result: {}, retExtInfo: {}, time: Date.now() } })

const status = (o: FakeOrder): string =>
  o.state === "open" ? (o.filled > 0 ? "PartiallyFilled" : "New") : o.state === "filled" ? "Filled" : o.state === "cancelled" ? (o.filled > 0 ? "PartiallyFilledCanceled" : "Cancelled") : "Rejected"

export class FakeBybit extends FakeVenue {
  readonly ledger: Ledger
  /** Orders older than this drop out of `/v5/order/realtime` (Bybit keeps only recent closed orders there). */
  realtimeClosedMs = 0
  coins = [
    { coin: "USDT", equity: "30000.5", walletBalance: "30000.5", availableToWithdraw: "28000", usdValue: "30000.5", unrealisedPnl: "0" },
    { coin: "USDC", equity: "5000", walletBalance: "5000", availableToWithdraw: "4500.75", usdValue: "5000", unrealisedPnl: "0" },
    { coin: "BTC", equity: "0", walletBalance: "0", availableToWithdraw: "0", usdValue: "0", unrealisedPnl: "0" }
  ]

  constructor() {
    super()
    this.ledger = new Ledger(
      () => this.now(),
      { BTCUSDT: 100_000, [OPTION]: 6_200 },
      (symbol, qty, price, liquidity) =>
        symbol === "BTCUSDT"
          ? { fee: (liquidity === "maker" ? 0.0002 : 0.00055) * qty * price, currency: "USDT" }
          : { fee: 0.0003 * qty * 100_000, currency: "USDC" },
      { order: (n) => `1b7e4a5c-0000-4000-8000-${String(n).padStart(12, "0")}`, trade: (n) => `e0a7c0de-0000-4000-9000-${String(n).padStart(12, "0")}` }
    )
    this.route("GET", "/v5/market/instruments-info", (r) =>
      ok({ category: r.query.category, list: r.query.status === "PreLaunch" ? [] : BYBIT_INSTRUMENTS[r.query.category ?? ""] ?? [], nextPageCursor: "" }))
    this.route("GET", "/v5/market/tickers", (r) => ok({ category: r.query.category, list: r.query.symbol === OPTION ? [BYBIT_OPTION_TICKER] : [] }))
    this.route("GET", "/v5/user/query-api", () => ok({ id: "1", note: "hedgekit", apiKey: "…", readOnly: 0, unified: 0, uta: 1, permissions: {}, ips: ["*"] }))
    this.route("GET", "/v5/account/info", () => ok({ unifiedMarginStatus: 6, marginMode: "REGULAR_MARGIN", isMasterTrader: false, spotHedgingStatus: "OFF", updatedTime: "1767225600000" }))
    this.route("GET", "/v5/asset/coin/query-info", () => ok({ rows: [] }))
    this.route("POST", "/v5/order/create", (r) => {
      const body = r.json as Record<string, string>
      if (this.ledger.orders.some((o) => o.clientId === body.orderLinkId && body.orderLinkId !== undefined)) return err(110072, "OrderLinkedID is duplicate")
      const order = this.ledger.submit({
        clientId: body.orderLinkId ?? "", instrument: body.symbol!, side: body.side === "Buy" ? "buy" : "sell", type: body.orderType === "Market" ? "market" : "limit",
        amount: Number(body.qty), price: body.price !== undefined ? Number(body.price) : undefined, postOnly: body.timeInForce === "PostOnly",
        reduceOnly: String(body.reduceOnly) === "true", timeInForce: body.timeInForce, request: body
      })
      return ok({ orderId: order.id, orderLinkId: order.clientId })
    })
    this.route("POST", "/v5/order/cancel", (r) => {
      const body = r.json as Record<string, string>
      const target = body.orderId !== undefined ? this.ledger.order(body.orderId) : this.ledger.byClientId(body.orderLinkId ?? "").at(-1)
      const cancelled = target === undefined ? undefined : this.ledger.cancel(target.id)
      return cancelled === undefined ? err(110001, "order not exists or too late to cancel") : ok({ orderId: cancelled.id, orderLinkId: cancelled.clientId })
    })
    const list = (r: Request, open: boolean) => {
      const rows = this.ledger.orders
        .filter((o) => (r.query.symbol === undefined || o.instrument === r.query.symbol) && (r.query.orderId === undefined || o.id === r.query.orderId))
        .filter((o) => r.query.orderLinkId === undefined || o.clientId === r.query.orderLinkId)
        .filter((o) => (open ? o.state === "open" || this.now() - o.updatedMs < this.realtimeClosedMs : o.state !== "open"))
        .reverse()
      return ok({ category: r.query.category, list: rows.map((o) => this.order(o, r.query.category ?? "linear")), nextPageCursor: "" })
    }
    this.route("GET", "/v5/order/realtime", (r) => list(r, true))
    this.route("GET", "/v5/order/history", (r) => list(r, false))
    this.route("GET", "/v5/execution/list", (r) => {
      const start = r.query.startTime !== undefined ? Number(r.query.startTime) : -Infinity
      const end = r.query.endTime !== undefined ? Number(r.query.endTime) : Infinity
      const limit = r.query.limit !== undefined ? Number(r.query.limit) : 50
      const rows = this.ledger.trades
        .filter((t) => (r.query.symbol === undefined || t.instrument === r.query.symbol) && (r.query.orderId === undefined || t.orderId === r.query.orderId))
        .filter((t) => t.timeMs >= start && t.timeMs <= end)
        .sort((a, b) => b.timeMs - a.timeMs)
        .slice(0, limit)
      return ok({
        category: r.query.category,
        nextPageCursor: "",
        list: rows.map((t) => {
          const order = this.ledger.order(t.orderId)!
          return {
            symbol: t.instrument, orderId: t.orderId, orderLinkId: t.clientId, side: t.side === "buy" ? "Buy" : "Sell", orderPrice: s(order.price ?? t.price),
            orderQty: s(order.amount), leavesQty: s(order.amount - order.filled), createType: "CreateByUser", orderType: order.type === "market" ? "Market" : "Limit",
            stopOrderType: "", execFee: s(t.fee), execId: t.id, execPrice: s(t.price), execQty: s(t.amount), execType: "Trade", execValue: s(t.amount * t.price),
            execTime: String(t.timeMs), feeCurrency: "", isMaker: t.liquidity === "maker", feeRate: "0.00055", tradeIv: "", markIv: "", markPrice: s(t.price),
            indexPrice: "", underlyingPrice: "", blockTradeId: "", closedSize: "0", seq: 1
          }
        })
      })
    })
    this.route("GET", "/v5/position/list", (r) => {
      const positions = this.ledger.positions()
      const symbol = r.query.symbol ?? ""
      const size = positions.get(symbol) ?? 0
      return ok({
        category: r.query.category,
        nextPageCursor: "",
        list: [{
          positionIdx: 0, riskId: 1, riskLimitValue: "2000000", symbol, side: size > 0 ? "Buy" : size < 0 ? "Sell" : "", size: s(Math.abs(size)),
          avgPrice: "100000", positionValue: s(Math.abs(size) * 100_000), tradeMode: 0, positionStatus: "Normal", autoAddMargin: 0, adlRankIndicator: 2,
          leverage: "10", positionBalance: "0", markPrice: "100000", liqPrice: "", bustPrice: "", positionMM: "0", positionIM: "0", tpslMode: "Full",
          takeProfit: "0.00", stopLoss: "0.00", trailingStop: "0.00", unrealisedPnl: "0", curRealisedPnl: "0", cumRealisedPnl: "0", seq: 1,
          isReduceOnly: false, mmrSysUpdatedTime: "", leverageSysUpdatedTime: "", createdTime: "1767225600000", updatedTime: "1767225600000"
        }]
      })
    })
    this.route("GET", "/v5/account/wallet-balance", (r) =>
      ok({ list: [{ accountType: r.query.accountType, totalEquity: "35000.5", totalWalletBalance: "35000.5", totalAvailableBalance: "32500", coin: this.coins }] }))
  }

  /** A `/v5/order/realtime|history` row. */
  order(o: FakeOrder, category: string): Record<string, unknown> {
    const avg = this.ledger.average(o)
    const fee = this.ledger.trades.filter((t) => t.orderId === o.id).reduce((sum, t) => sum + t.fee, 0)
    return {
      orderId: o.id, orderLinkId: o.clientId, blockTradeId: "", symbol: o.instrument, price: o.price === undefined ? "0" : s(o.price), qty: s(o.amount),
      side: o.side === "buy" ? "Buy" : "Sell", isLeverage: "", positionIdx: 0, orderStatus: status(o), cancelType: o.state === "cancelled" ? "CancelByUser" : "UNKNOWN",
      rejectReason: "EC_NoError", avgPrice: avg === undefined ? "" : s(avg), leavesQty: s(o.state === "open" ? o.amount - o.filled : 0),
      leavesValue: "0", cumExecQty: s(o.filled), cumExecValue: s(o.notional), cumExecFee: s(fee), timeInForce: o.postOnly ? "PostOnly" : o.timeInForce ?? "GTC",
      orderType: o.type === "market" ? "Market" : "Limit", stopOrderType: "", orderIv: "", triggerPrice: "0.00", takeProfit: "0.00", stopLoss: "0.00",
      tpTriggerBy: "", slTriggerBy: "", triggerDirection: 0, triggerBy: "", lastPriceOnCreated: "", reduceOnly: o.reduceOnly, closeOnTrigger: false,
      smpType: "None", smpGroup: 0, smpOrderId: "", tpslMode: "", tpLimitPrice: "", slLimitPrice: "", placeType: category === "option" ? "price" : "",
      createdTime: String(o.createdMs), updatedTime: String(o.updatedMs)
    }
  }

  protected isPrivate(path: string): boolean {
    return !path.startsWith("/v5/market/")
  }

  /** Bybit v5: `X-BAPI-SIGN` = hex(HMAC-SHA256(timestamp + apiKey + recvWindow + (query | body), secret)). */
  protected authenticate(r: Request): boolean {
    const payload = (r.headers["x-bapi-timestamp"] ?? "") + CREDENTIALS.apiKey + (r.headers["x-bapi-recv-window"] ?? "") +
      (r.method === "GET" ? r.url.search.replace(/^\?/, "") : r.body)
    return r.headers["x-bapi-api-key"] === CREDENTIALS.apiKey && r.headers["x-bapi-sign"] === hmac(CREDENTIALS.secret, payload, "hex")
  }

  protected unauthorized(): Reply {
    return { status: 401, body: { retCode: 10004, retMsg: "error sign! origin_string[…]", result: {}, retExtInfo: {}, time: Date.now() } }
  }
}
