/**
 * A fake Deribit (JSON-RPC over HTTP, API v2, as ccxt calls it: `GET /api/v2/{public|private}/{method}?…`) for
 * the ccxt adapter's tests. Response shapes follow Deribit's API documentation (https://docs.deribit.com):
 * `{ jsonrpc, result, usIn, usOut, usDiff, testnet }`, errors `{ jsonrpc, error: { code, message } }`.
 * TEST DATA: instruments, prices, balances and Greeks are made up.
 */
import { CREDENTIALS, type FakeOrder, type FakeTrade, FakeVenue, hmac, Ledger, type Reply, type Request } from "./ccxtHarness.js"

export const DERIBIT_EXPIRY_MS = Date.UTC(2027, 2, 26, 8)
const OPTION = "BTC-26MAR27-100000-C"

export const DERIBIT_SYMBOLS = {
  "BTC-PERPETUAL": "BTC/USD:BTC",
  "BTC_USDC-PERPETUAL": "BTC/USDC:USDC",
  [OPTION]: "BTC/USD:BTC-270326-100000-C"
} as const

const base = { is_active: true, creation_timestamp: 1_534_242_287_000, block_trade_commission: 0.0001, rfq: false, price_index: "btc_usd" }

/** `public/get_instruments` result (TEST DATA in Deribit's documented shape). */
export const DERIBIT_INSTRUMENTS = [
  {
    ...base, instrument_name: "BTC-PERPETUAL", instrument_id: 124972, kind: "future", settlement_period: "perpetual", instrument_type: "reversed",
    future_type: "reversed", base_currency: "BTC", quote_currency: "USD", counter_currency: "USD", settlement_currency: "BTC", contract_size: 10,
    min_trade_amount: 10, tick_size: 0.5, maker_commission: 0, taker_commission: 0.0005, max_leverage: 50, max_liquidation_commission: 0.0075,
    expiration_timestamp: 32_503_708_800_000
  },
  {
    ...base, instrument_name: "BTC_USDC-PERPETUAL", instrument_id: 210838, kind: "future", settlement_period: "perpetual", instrument_type: "linear",
    future_type: "linear", base_currency: "BTC", quote_currency: "USDC", counter_currency: "USDC", settlement_currency: "USDC", contract_size: 0.001,
    min_trade_amount: 0.001, tick_size: 1, maker_commission: 0, taker_commission: 0.0005, max_leverage: 50, expiration_timestamp: 32_503_708_800_000
  },
  {
    ...base, instrument_name: OPTION, instrument_id: 377001, kind: "option", settlement_period: "month", instrument_type: "reversed",
    option_type: "call", strike: 100_000, base_currency: "BTC", quote_currency: "BTC", counter_currency: "USD", settlement_currency: "BTC",
    contract_size: 1, min_trade_amount: 0.1, tick_size: 0.0001, tick_size_steps: [{ above_price: 0.005, tick_size: 0.0005 }],
    maker_commission: 0.0003, taker_commission: 0.0003, expiration_timestamp: DERIBIT_EXPIRY_MS
  }
]

/** `public/ticker` of the option (TEST DATA; the Greeks block as ccxt's deribit example shows it). */
export const DERIBIT_OPTION_TICKER = {
  estimated_delivery_price: 100_512.72, best_bid_amount: 0.2, best_ask_amount: 9.1, interest_rate: 0, best_bid_price: 0.214, best_ask_price: 0.219,
  open_interest: 368.8, settlement_price: 0.22103022, last_price: 0.215, bid_iv: 60.51, ask_iv: 61.88, mark_iv: 61.27, underlying_index: "BTC-26MAR27",
  underlying_price: 103_992.71, min_price: 0.1515, max_price: 0.326, mark_price: 0.2168, instrument_name: OPTION, index_price: 100_552.72,
  greeks: { rho: 130.63998, theta: -13.48784, vega: 141.90146, gamma: 0.00002, delta: 0.59621 },
  stats: { volume_usd: 100_453.9, volume: 12, price_change: -2.2727, low: 0.2065, high: 0.238 }, state: "open", timestamp: 1_767_225_600_000
}

const envelope = (result: unknown): Reply => ({ body: { jsonrpc: "2.0", result, usIn: 1_767_225_600_000_000, usOut: 1_767_225_600_000_150, usDiff: 150, testnet: true } })
export const deribitError = (code: number, message: string, status = 400): Reply => ({
  status,
  body: { jsonrpc: "2.0", error: { message, code }, usIn: 1_767_225_600_000_000, usOut: 1_767_225_600_000_150, usDiff: 150, testnet: true }
})

export class FakeDeribit extends FakeVenue {
  readonly ledger: Ledger
  /** Non-zero positions before any trade (instrument → Deribit amount, signed). */
  openingPositions: Record<string, number> = {}
  summaries = [
    { currency: "BTC", equity: 2.5, balance: 2.49, available_funds: 2.1, maintenance_margin: 0.12, initial_margin: 0.4, margin_balance: 2.5, delta_total: 0.35 },
    { currency: "ETH", equity: 0, balance: 0, available_funds: 0, maintenance_margin: 0, initial_margin: 0, margin_balance: 0, delta_total: 0 },
    { currency: "USDC", equity: 12_000, balance: 12_000, available_funds: 11_500, maintenance_margin: 100, initial_margin: 500, margin_balance: 12_000, delta_total: 0 }
  ]

  constructor() {
    super()
    this.ledger = new Ledger(
      () => this.now(),
      { "BTC-PERPETUAL": 100_000, "BTC_USDC-PERPETUAL": 100_000, [OPTION]: 0.0615 },
      (instrument, amount, price, liquidity) => {
        if (instrument === "BTC-PERPETUAL") return { fee: (liquidity === "maker" ? -0.0001 : 0.0005) * amount / price, currency: "BTC" }
        if (instrument === "BTC_USDC-PERPETUAL") return { fee: (liquidity === "maker" ? 0 : 0.0005) * amount * price, currency: "USDC" }
        return { fee: Math.min(0.0003 * amount, 0.125 * price * amount), currency: "BTC" }
      },
      { order: (n) => `BTC-${57_000_000_000 + n}`, trade: (n) => `BTC-${321_000_000 + n}` }
    )
    this.route("GET", "/api/v2/public/get_instruments", () => envelope(DERIBIT_INSTRUMENTS))
    this.route("GET", "/api/v2/public/get_currencies", () =>
      envelope([{ currency: "BTC", currency_long: "Bitcoin", coin_type: "BITCOIN", withdrawal_fee: 0.0001, min_withdrawal_fee: 0.0001 }, { currency: "USDC", currency_long: "USD Coin", coin_type: "ERC20" }]))
    this.route("GET", "/api/v2/public/ticker", (r) => (r.query.instrument_name === OPTION ? envelope(DERIBIT_OPTION_TICKER) : deribitError(10020, "invalid_instrument")))
    this.route("GET", "/api/v2/private/buy", (r) => this.submit(r, "buy"))
    this.route("GET", "/api/v2/private/sell", (r) => this.submit(r, "sell"))
    this.route("GET", "/api/v2/private/get_order_state", (r) => {
      const order = this.ledger.order(r.query.order_id ?? "")
      return order === undefined ? deribitError(10004, "order_not_found") : envelope(this.order(order))
    })
    this.route("GET", "/api/v2/private/get_order_state_by_label", (r) =>
      envelope(this.ledger.byClientId(r.query.label ?? "").filter((o) => this.currencyOf(o.instrument) === r.query.currency).map((o) => this.order(o))))
    this.route("GET", "/api/v2/private/cancel", (r) => {
      const cancelled = this.ledger.cancel(r.query.order_id ?? "")
      return cancelled === undefined ? deribitError(11044, "not_open_order") : envelope(this.order(cancelled))
    })
    this.route("GET", "/api/v2/private/get_open_orders_by_instrument", (r) =>
      envelope(this.ledger.orders.filter((o) => o.state === "open" && o.instrument === r.query.instrument_name).map((o) => this.order(o))))
    this.route("GET", "/api/v2/private/get_user_trades_by_order", (r) =>
      envelope(this.ledger.trades.filter((t) => t.orderId === r.query.order_id).map((t) => this.trade(t))))
    this.route("GET", "/api/v2/private/get_user_trades_by_instrument_and_time", (r) => {
      const start = Number(r.query.start_timestamp)
      const end = Number(r.query.end_timestamp)
      if (!Number.isFinite(start) || !Number.isFinite(end)) return deribitError(-32602, "Invalid params")
      const count = r.query.count !== undefined ? Number(r.query.count) : 10
      const rows = this.ledger.trades.filter((t) => t.instrument === r.query.instrument_name && t.timeMs >= start && t.timeMs <= end)
        .sort((a, b) => (r.query.sorting === "desc" ? b.timeMs - a.timeMs : a.timeMs - b.timeMs))
      return envelope({ trades: rows.slice(0, count).map((t) => this.trade(t)), has_more: rows.length > count })
    })
    this.route("GET", "/api/v2/private/get_positions", (r) => {
      const rows = [...this.ledger.positions(this.openingPositions)]
        .filter(([instrument, size]) => size !== 0 && (r.query.currency === undefined || this.currencyOf(instrument) === r.query.currency))
        .map(([instrument, size]) => ({
          instrument_name: instrument, kind: instrument === OPTION ? "option" : "future", direction: size > 0 ? "buy" : "sell", size,
          size_currency: instrument === "BTC-PERPETUAL" ? size / 100_000 : size, average_price: 100_000, mark_price: 100_000, index_price: 100_000,
          delta: 0, gamma: 0, vega: 0, theta: 0, floating_profit_loss: 0, realized_profit_loss: 0, total_profit_loss: 0, initial_margin: 0.01,
          maintenance_margin: 0.005, leverage: 10, settlement_price: 100_000, estimated_liquidation_price: null, open_orders_margin: 0,
          realized_funding: 0, interest_value: 0
        }))
      return envelope(rows)
    })
    this.route("GET", "/api/v2/private/get_account_summaries", () => envelope({ id: 42, email: "desk@example.com", type: "main", summaries: this.summaries }))
  }

  currencyOf(instrument: string): string {
    return DERIBIT_INSTRUMENTS.find((i) => i.instrument_name === instrument)?.settlement_currency ?? "BTC"
  }

  private submit(r: Request, side: "buy" | "sell"): Reply {
    const q = r.query
    const type = q.type === "market" ? "market" : "limit"
    if (q.label !== undefined && q.label.length > 64) return deribitError(11050, "bad_request")
    const order = this.ledger.submit({
      clientId: q.label ?? "", instrument: q.instrument_name!, side, type, amount: Number(q.amount), price: q.price !== undefined ? Number(q.price) : undefined,
      postOnly: q.post_only === "true", reduceOnly: q.reduce_only === "true", timeInForce: q.time_in_force, request: q
    })
    return envelope({ order: this.order(order), trades: this.ledger.trades.filter((t) => t.orderId === order.id).map((t) => this.trade(t)) })
  }

  order(o: FakeOrder): Record<string, unknown> {
    const avg = this.ledger.average(o)
    return {
      order_id: o.id, label: o.clientId, instrument_name: o.instrument, direction: o.side, amount: o.amount, filled_amount: o.filled,
      average_price: avg ?? 0, price: o.type === "market" ? "market_price" : o.price, order_type: o.type,
      order_state: o.state === "open" ? "open" : o.state, time_in_force: o.timeInForce ?? "good_til_cancelled", post_only: o.postOnly,
      reject_post_only: o.postOnly, reduce_only: o.reduceOnly, creation_timestamp: o.createdMs, last_update_timestamp: o.updatedMs,
      commission: this.ledger.trades.filter((t) => t.orderId === o.id).reduce((sum, t) => sum + t.fee, 0), api: true, web: false,
      is_liquidation: false, max_show: o.amount, mmp: false, replaced: false, risk_reducing: false, profit_loss: 0
    }
  }

  trade(t: FakeTrade): Record<string, unknown> {
    return {
      trade_id: t.id, trade_seq: Number(t.id.slice(4)), timestamp: t.timeMs, tick_direction: 0, state: "filled", self_trade: false, reduce_only: false,
      price: t.price, post_only: false, order_type: this.ledger.order(t.orderId)?.type ?? "limit", order_id: t.orderId, matching_id: null,
      liquidity: t.liquidity === "maker" ? "M" : "T", label: t.clientId, instrument_name: t.instrument, index_price: 100_000, mark_price: t.price,
      fee_currency: t.feeCurrency, fee: t.fee, direction: t.side, amount: t.amount, api: true, profit_loss: 0,
      ...(t.instrument === OPTION ? { iv: 61.27, underlying_price: 103_992.71 } : {})
    }
  }

  protected isPrivate(path: string): boolean {
    return path.startsWith("/api/v2/private/")
  }

  /** Deribit: `deri-hmac-sha256 id=…,ts=…,sig=hex(HMAC-SHA256(ts\nnonce\nMETHOD\nURI\nbody\n)),nonce=…`. */
  protected authenticate(r: Request): boolean {
    const match = /^deri-hmac-sha256 id=([^,]*),ts=(\d+),sig=([0-9a-f]+),nonce=(.+)$/.exec(r.headers.authorization ?? "")
    if (match === null) return false
    const [, id, ts, sig, nonce] = match
    return id === CREDENTIALS.apiKey && sig === hmac(CREDENTIALS.secret, `${ts}\n${nonce}\n${r.method}\n${r.target}\n${r.body}\n`, "hex")
  }

  protected unauthorized(): Reply {
    return deribitError(13009, "unauthorized", 401)
  }
}
