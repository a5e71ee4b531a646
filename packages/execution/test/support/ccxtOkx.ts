/**
 * A fake OKX (REST API v5) for the ccxt adapter's tests. Response shapes follow OKX's API documentation
 * (https://www.okx.com/docs-v5/en/): `{ code, msg, data: [...] }` with numbers as strings. TEST DATA: the
 * instruments, prices, balances and Greeks below are made up.
 */
import { CREDENTIALS, type FakeOrder, FakeVenue, hmac, Ledger, type Reply, type Request, s } from "./ccxtHarness.js"

export const OKX_EXPIRY_MS = Date.UTC(2027, 2, 26, 8)

/** SDK symbol → ccxt unified symbol for the fake's instruments. */
export const OKX_SYMBOLS = {
  "BTC-USDT-PERP": "BTC/USDT:USDT",
  "BTC-USD-PERP": "BTC/USD:BTC",
  "BTC-26MAR27-100000-C": "BTC/USD:BTC-270326-100000-C"
} as const

const instrument = (fields: Record<string, string>) => ({
  alias: "", baseCcy: "", category: "1", ctMult: "1", ctType: "", ctVal: "", ctValCcy: "", expTime: "", instFamily: "", instId: "",
  instType: "", lever: "", listTime: "1606468572000", lotSz: "1", maxIcebergSz: "100000000", maxLmtAmt: "20000000", maxLmtSz: "100000000",
  maxMktAmt: "", maxMktSz: "12000", maxStopSz: "12000", maxTriggerSz: "100000000", maxTwapSz: "100000000", minSz: "1", optType: "",
  quoteCcy: "", settleCcy: "", state: "live", stk: "", tickSz: "0.1", uly: "", ...fields
})

/** `GET /api/v5/public/instruments` rows (TEST DATA in OKX's documented shape). */
export const OKX_INSTRUMENTS = {
  SWAP: [
    instrument({
      instType: "SWAP", instId: "BTC-USDT-SWAP", uly: "BTC-USDT", instFamily: "BTC-USDT", settleCcy: "USDT", ctVal: "0.01", ctValCcy: "BTC",
      ctType: "linear", lever: "100", tickSz: "0.1", lotSz: "1", minSz: "1"
    }),
    instrument({
      instType: "SWAP", instId: "BTC-USD-SWAP", uly: "BTC-USD", instFamily: "BTC-USD", settleCcy: "BTC", ctVal: "100", ctValCcy: "USD",
      ctType: "inverse", lever: "100", tickSz: "0.1", lotSz: "1", minSz: "1"
    })
  ],
  OPTION: [
    instrument({
      instType: "OPTION", instId: "BTC-USD-270326-100000-C", uly: "BTC-USD", instFamily: "BTC-USD", settleCcy: "BTC", ctVal: "1",
      ctMult: "0.01", ctValCcy: "BTC", optType: "C", stk: "100000", expTime: String(OKX_EXPIRY_MS), tickSz: "0.0005", lotSz: "1",
      minSz: "1", lever: ""
    })
  ]
} as const

/** `GET /api/v5/public/opt-summary` row for the call (TEST DATA). */
export const OKX_OPT_SUMMARY = {
  askVol: "0.5612", bidVol: "0.5488", delta: "0.4731", deltaBS: "0.5523", fwdPx: "101250.5", gamma: "1.9874", gammaBS: "0.0000214",
  instId: "BTC-USD-270326-100000-C", instType: "OPTION", lever: "8.1", markVol: "0.5551", realVol: "", theta: "-0.00047", thetaBS: "-47.9",
  ts: "1767225600000", uly: "BTC-USD", vega: "0.00188", vegaBS: "190.35", volLv: "0.5549"
}

const PRIVATE = /^\/api\/v5\/(trade|account|asset)\//

const ok = (data: Array<unknown>): Reply => ({ body: { code: "0", msg: "", data } })
const fail = (code: string, msg: string): Reply => ({ body: { code, msg, data: [] } })

export class FakeOkx extends FakeVenue {
  readonly ledger: Ledger
  readonly instTypes = new Map<string, string>([
    ["BTC-USDT-SWAP", "SWAP"], ["BTC-USD-SWAP", "SWAP"], ["BTC-USD-270326-100000-C", "OPTION"]
  ])
  balance = [
    { ccy: "USDT", eq: "25000.5", availEq: "21000.25", cashBal: "25000.5", frozenBal: "4000.25" },
    { ccy: "BTC", eq: "1.25", availEq: "1.2", cashBal: "1.25", frozenBal: "0.05" },
    { ccy: "ETH", eq: "0", availEq: "0", cashBal: "0", frozenBal: "0" }
  ]
  openingPositions: Record<string, number> = {}

  constructor() {
    super()
    this.ledger = new Ledger(
      () => this.now(),
      { "BTC-USDT-SWAP": 100_000, "BTC-USD-SWAP": 100_000, "BTC-USD-270326-100000-C": 0.0615 },
      (instId, amount, price, liquidity) => {
        const rate = liquidity === "maker" ? 0.0002 : 0.0005
        if (instId === "BTC-USDT-SWAP") return { fee: rate * amount * 0.01 * price, currency: "USDT" }
        if (instId === "BTC-USD-SWAP") return { fee: rate * amount * 100 / price, currency: "BTC" }
        return { fee: 0.0003 * amount * 0.01, currency: "BTC" }
      },
      { order: (n) => String(600_000_000_000_000_000n + BigInt(n)), trade: (n) => String(90_000_000 + n) }
    )
    this.route("GET", "/api/v5/public/instruments", (r) => ok([...(OKX_INSTRUMENTS[r.query.instType as "SWAP" | "OPTION"] ?? [])]))
    this.route("GET", "/api/v5/public/opt-summary", () => ok([OKX_OPT_SUMMARY]))
    this.route("GET", "/api/v5/asset/currencies", () => ok([]))
    this.route("POST", "/api/v5/trade/batch-orders", (r) => this.placeBatch(r))
    this.route("POST", "/api/v5/trade/order", (r) => this.placeBatch({ ...r, json: [r.json] }))
    this.route("GET", "/api/v5/trade/order", (r) => {
      const order = r.query.ordId !== undefined
        ? this.ledger.order(r.query.ordId)
        : this.ledger.byClientId(r.query.clOrdId ?? "").filter((o) => o.instrument === r.query.instId).at(-1)
      return order === undefined || order.instrument !== r.query.instId ? fail("51603", "Order does not exist") : ok([this.order(order)])
    })
    this.route("GET", "/api/v5/trade/orders-pending", (r) =>
      ok(this.ledger.orders.filter((o) => o.state === "open" && (r.query.instId === undefined || o.instrument === r.query.instId)).reverse().map((o) => this.order(o))))
    this.route("POST", "/api/v5/trade/cancel-order", (r) => {
      const body = r.json as Record<string, string>
      const target = body.ordId !== undefined ? this.ledger.order(body.ordId) : this.ledger.byClientId(body.clOrdId ?? "").at(-1)
      const cancelled = target === undefined ? undefined : this.ledger.cancel(target.id)
      if (cancelled === undefined) {
        return { body: { code: "1", msg: "", data: [{ clOrdId: body.clOrdId ?? "", ordId: body.ordId ?? "", sCode: "51400", sMsg: "Cancellation failed as the order has been filled, canceled or does not exist." }] } }
      }
      return ok([{ clOrdId: cancelled.clientId, ordId: cancelled.id, sCode: "0", sMsg: "", ts: String(this.now()) }])
    })
    this.route("GET", "/api/v5/trade/fills-history", (r) => {
      const begin = r.query.begin !== undefined ? Number(r.query.begin) : -Infinity
      const end = r.query.end !== undefined ? Number(r.query.end) : Infinity
      const limit = r.query.limit !== undefined ? Number(r.query.limit) : 100
      const rows = this.ledger.trades
        .filter((t) => (r.query.instId === undefined || t.instrument === r.query.instId) && (r.query.ordId === undefined || t.orderId === r.query.ordId))
        .filter((t) => t.timeMs >= begin && t.timeMs <= end)
        .sort((a, b) => b.timeMs - a.timeMs)
        .slice(0, limit)
      return ok(rows.map((t) => ({
        instType: this.instTypes.get(t.instrument), instId: t.instrument, tradeId: t.id, ordId: t.orderId, clOrdId: t.clientId,
        billId: `${t.id}0`, subType: "1", tag: "", fillPx: s(t.price), fillSz: s(t.amount), fillIdxPx: "", fillPnl: "0", side: t.side,
        posSide: "net", execType: t.liquidity === "maker" ? "M" : "T", feeCcy: t.feeCurrency, fee: s(-t.fee), ts: String(t.timeMs),
        fillTime: String(t.timeMs), feeRate: ""
      })))
    })
    this.route("GET", "/api/v5/account/positions", (r) => {
      const wanted = r.query.instId?.split(",")
      const rows = [...this.ledger.positions(this.openingPositions)]
        .filter(([instId, pos]) => pos !== 0 && (wanted === undefined || wanted.includes(instId)))
        .map(([instId, pos]) => ({
          adl: "1", availPos: "", avgPx: "100000", cTime: "1767225600000", ccy: instId === "BTC-USDT-SWAP" ? "USDT" : "BTC", deltaBS: "", deltaPA: "",
          gammaBS: "", gammaPA: "", imr: "", instId, instType: this.instTypes.get(instId), interest: "", last: "100000", lever: "10", liab: "",
          liabCcy: "", liqPx: "", markPx: "100000", margin: "", mgnMode: "cross", mgnRatio: "", mmr: "", notionalUsd: "", optVal: "",
          pos: s(pos), posCcy: "", posId: `${instId}-pos`, posSide: "net", thetaBS: "", thetaPA: "", tradeId: "", uTime: "1767225600000",
          upl: "0", uplRatio: "0", vegaBS: "", vegaPA: ""
        }))
      return ok(rows)
    })
    this.route("GET", "/api/v5/account/balance", () =>
      ok([{ adjEq: "", imr: "", isoEq: "0", mgnRatio: "", mmr: "", notionalUsd: "", ordFroz: "", totalEq: "150000", uTime: String(this.now()), details: this.balance }]))
  }

  private placeBatch(r: Request): Reply {
    const rows = (Array.isArray(r.json) ? r.json : []) as Array<Record<string, string>>
    const data = rows.map((row) => {
      const type = row.ordType === "market" || row.ordType === "optimal_limit_ioc" ? "market" : "limit"
      const order = this.ledger.submit({
        clientId: row.clOrdId ?? "", instrument: row.instId!, side: row.side as "buy" | "sell", type, amount: Number(row.sz),
        price: row.px !== undefined ? Number(row.px) : undefined, postOnly: row.ordType === "post_only", reduceOnly: String(row.reduceOnly) === "true",
        timeInForce: row.ordType, request: row
      })
      return { clOrdId: order.clientId, ordId: order.id, tag: row.tag ?? "", ts: String(this.now()), sCode: "0", sMsg: "Order placed" }
    })
    return { body: { code: "0", msg: "", data, inTime: String(this.now() * 1000), outTime: String(this.now() * 1000) } }
  }

  /** `GET /api/v5/trade/order` row. */
  order(o: FakeOrder): Record<string, string> {
    const avg = this.ledger.average(o)
    const last = this.ledger.trades.filter((t) => t.orderId === o.id).at(-1)
    const fee = this.ledger.trades.filter((t) => t.orderId === o.id).reduce((sum, t) => sum + t.fee, 0)
    return {
      instType: this.instTypes.get(o.instrument) ?? "", instId: o.instrument, ccy: "", ordId: o.id, clOrdId: o.clientId, tag: "",
      px: o.price === undefined ? "" : s(o.price), pxUsd: "", pxVol: "", pxType: "", sz: s(o.amount), pnl: "0",
      ordType: o.postOnly ? "post_only" : o.type, side: o.side, posSide: "net", tdMode: "cross", accFillSz: s(o.filled),
      fillPx: last === undefined ? "" : s(last.price), tradeId: last?.id ?? "", fillSz: last === undefined ? "0" : s(last.amount),
      fillTime: last === undefined ? "" : String(last.timeMs), avgPx: avg === undefined ? "" : s(avg),
      state: o.state === "open" ? (o.filled > 0 ? "partially_filled" : "live") : o.state === "cancelled" ? "canceled" : o.state,
      lever: "10", feeCcy: last?.feeCurrency ?? "", fee: s(-fee), rebateCcy: "", rebate: "0", source: "", category: "normal",
      reduceOnly: String(o.reduceOnly), cancelSource: "", quickMgnType: "", stpId: "", stpMode: "", uTime: String(o.updatedMs),
      cTime: String(o.createdMs)
    }
  }

  protected isPrivate(path: string): boolean {
    return PRIVATE.test(path)
  }

  /** OKX: `OK-ACCESS-SIGN` = base64(HMAC-SHA256(timestamp + method + requestPath(+query) + body, secret)). */
  protected authenticate(r: Request): boolean {
    const ts = r.headers["ok-access-timestamp"] ?? ""
    return r.headers["ok-access-key"] === CREDENTIALS.apiKey &&
      r.headers["ok-access-passphrase"] === CREDENTIALS.password &&
      r.headers["ok-access-sign"] === hmac(CREDENTIALS.secret, ts + r.method + r.target + r.body, "base64")
  }

  protected unauthorized(): Reply {
    return { status: 401, body: { code: "50113", msg: "Invalid Sign", data: [] } }
  }
}
