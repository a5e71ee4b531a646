/**
 * Readers for Tardis.dev downloadable CSV files (`{exchange}_{data_type}_{YYYY-MM-DD}_{symbol}.csv.gz`, plain
 * or gzip): `options_chain`, `derivative_ticker` and `trades`. Columns are found by header name (the order does
 * not matter, extra columns are ignored); an empty cell means "no value" (Tardis: unknown or unchanged).
 *
 * Times: Tardis writes microseconds since the epoch (UTC); events get milliseconds with the fraction kept
 * (`1585699200123456` µs → `1585699200123.456` ms). `clock: "local"` (the default) stamps each event with
 * `local_timestamp`, when Tardis received the message: the files are sorted by it, and it is what a live
 * system would have seen. `clock: "exchange"` uses the exchange's `timestamp`, which across instruments of a
 * grouped file is not monotonic — rows earlier than their predecessor are then rejected as `time-backwards`.
 *
 * @since 0.1.0
 */
import type { Instrument, Market, MarketEvent } from "@hedgekit/sdk"
import type { FileSource, WindowOptions } from "./EventSource.js"
import type { Cells, Column, Format, Header } from "./internal/reader.js"
import { fileSource } from "./internal/source.js"
import { underlyingOf } from "./internal/symbols.js"
import { expiryOfName } from "./internal/time.js"

type OptionEvent = MarketEvent.OptionEvent
type Mutable<A> = { -readonly [K in keyof A]: A[K] }

const HOUR = 3_600_000

/**
 * The options of every Tardis reader: the window and the clock.
 *
 * @since 0.1.0
 * @category options
 */
export interface TardisOptions extends WindowOptions {
  readonly clock?: "local" | "exchange"
}

const clockColumn = (header: Header, options: TardisOptions): Column =>
  header.required(options.clock === "exchange" ? "timestamp" : "local_timestamp")

/** µs since the epoch → ms, the fraction kept. */
const micros = (cells: Cells, column: Column): number => cells.epoch(column, "microseconds since the epoch") / 1000

const iso = (ms: number): string => new Date(ms).toISOString()

/**
 * Options of {@link optionsChain}. `settlement` and `premiumUnit` default per row from the `exchange` column and
 * the symbol: Deribit and OKX (`deribit`, `okex-options`) coin-margined options are `inverse` with `coin`
 * premiums, except Deribit's USDC-settled ones (`BTC_USDC-…`); other venues (`binance-options`,
 * `bybit-options`, …) are `linear` with `quote` premiums. `underlying` overrides the symbol's first part.
 *
 * @since 0.1.0
 * @category options
 */
export interface OptionsChainOptions extends TardisOptions {
  readonly settlement?: Instrument.Settlement
  readonly premiumUnit?: Market.PremiumUnit
  readonly underlying?: string
}

const coinMargined = new Set(["deribit", "okex-options"])

/**
 * `options_chain` (Tardis' grouped symbol `OPTIONS`): one row per option ticker update.
 *
 * Events per row:
 * - `option`: `symbol`, `type` (call/put), `strike_price`, `expiration` (µs → ms), `bid_price`/`ask_price`
 *   (left out when empty), `mark_price` (premiums in the venue's unit: BTC for Deribit), `mark_iv` in percent →
 *   `markVol` decimal (left out when empty or ≤ 0), `underlying_price` as `forward`;
 * - `underlying_index` = `index_price` (Deribit marks the option on its index): an `index` event with
 *   `underlying_price`; any other `underlying_index` (a future such as `BTC-27MAR26` or a synthetic
 *   `SYN.BTC-27MAR26`): a `forward` event for the option's expiry — each only when the value differs from the
 *   last one emitted for that underlying (and expiry), so one update per underlying move, not per option row.
 *
 * Needs `symbol, type, strike_price, expiration, mark_price, underlying_index, underlying_price` and the clock's
 * column. Greeks, IVs of bid and ask, sizes and open interest are not read.
 *
 * @since 0.1.0
 * @category readers
 */
export const optionsChain = (file: string, options: OptionsChainOptions = {}): FileSource => {
  const format: Format = {
    name: "tardis/options_chain",
    start: (header) => {
      const c = {
        time: clockColumn(header, options),
        exchange: header.optional("exchange"),
        symbol: header.required("symbol"),
        type: header.required("type"),
        strike: header.required("strike_price"),
        expiry: header.required("expiration"),
        mark: header.required("mark_price"),
        underlyingIndex: header.required("underlying_index"),
        underlyingPrice: header.required("underlying_price"),
        bid: header.optional("bid_price"),
        ask: header.optional("ask_price"),
        iv: header.optional("mark_iv")
      }
      const lastIndex = new Map<string, number>()
      const lastForward = new Map<string, Map<number, number>>()
      const symbols = new Map<string, { readonly underlying: string; readonly linear: boolean }>()
      return {
        timeColumn: c.time,
        time: (cells) => micros(cells, c.time),
        row: (cells, t, sink) => {
          const symbol = cells.required(c.symbol)
          const text = cells.required(c.type).toLowerCase()
          const type = text === "call" || text === "put" ? text : cells.reject(c.type, "call or put")
          const strike = cells.price(c.strike)
          const expiryMs = micros(cells, c.expiry)
          const mark = cells.premium(c.mark)
          const bid = cells.optionalPremium(c.bid)
          const ask = cells.optionalPremium(c.ask)
          const ivPercent = cells.optionalNumber(c.iv, "a vol in percent")
          const underlyingIndex = cells.required(c.underlyingIndex)
          const forward = cells.price(c.underlyingPrice)
          let known = symbols.get(symbol)
          if (known === undefined) {
            const exchange = cells.optional(c.exchange) ?? ""
            known = {
              underlying: options.underlying ?? underlyingOf(symbol),
              linear: /_USD[CT]/.test(symbol) || !coinMargined.has(exchange)
            }
            symbols.set(symbol, known)
          }
          const { underlying, linear } = known

          if (underlyingIndex === "index_price") {
            if (lastIndex.get(underlying) !== forward) {
              lastIndex.set(underlying, forward)
              sink.emit({ kind: "index", timeMs: t, underlying, price: forward })
            }
          } else {
            let byExpiry = lastForward.get(underlying)
            if (byExpiry === undefined) lastForward.set(underlying, byExpiry = new Map())
            if (byExpiry.get(expiryMs) !== forward) {
              byExpiry.set(expiryMs, forward)
              sink.emit({ kind: "forward", timeMs: t, underlying, expiryMs, forward })
            }
          }
          if (ivPercent !== undefined && ivPercent <= 0) sink.note("mark_iv ≤ 0: markVol left out")
          const event: Mutable<OptionEvent> = {
            kind: "option",
            timeMs: t,
            symbol,
            underlying,
            optionType: type,
            strike,
            expiryMs,
            settlement: options.settlement ?? (linear ? "linear" : "inverse"),
            premiumUnit: options.premiumUnit ?? (linear ? "quote" : "coin"),
            mark,
            forward
          }
          if (bid !== undefined) event.bid = bid
          if (ask !== undefined) event.ask = ask
          if (ivPercent !== undefined && ivPercent > 0) event.markVol = ivPercent / 100
          sink.emit(event)
        }
      }
    }
  }
  return fileSource(file, format, options)
}

/**
 * Options of {@link derivativeTicker}. `funding`: how funding accrues; by default per row from the `exchange`
 * column — `deribit` → `"continuous"` (Deribit accrues funding every millisecond), any other venue (Binance,
 * OKX, Bybit, …) → `"discrete"` (a payment at each funding time). `fundingIntervalMs` (default 8 h) is the
 * period `funding_rate` is quoted for.
 *
 * @since 0.1.0
 * @category options
 */
export interface DerivativeTickerOptions extends TardisOptions {
  readonly funding?: "continuous" | "discrete"
  readonly fundingIntervalMs?: number
  readonly underlying?: string
}

interface InstrumentState {
  readonly underlying: string
  /** NaN for a perpetual. */
  readonly expiryMs: number
  mark: number
  continuousRate: number
  /** The next funding time announced (ms) and the latest rate quoted for it. */
  dueMs: number
  dueRate: number
  settledMs: number
}

/**
 * `derivative_ticker`: perpetuals' and futures' ticker updates (`funding_timestamp, funding_rate,
 * predicted_funding_rate, open_interest, last_price, index_price, mark_price`; empty = not known yet). Each value
 * makes an event only when it differs from the last one emitted for its instrument (the index: for its
 * underlying), so rows that changed only the open interest or the last trade make none.
 *
 * Events:
 * - `index` from `index_price`;
 * - a perpetual's `mark_price` → `perpetual`; a dated future's (a symbol with an expiry: `BTC-27MAR26`,
 *   `BTCUSDT_260327`, `BTC-USD-260327`) → `forward` for that expiry (08:00 UTC);
 * - `funding`, continuous: each new `funding_rate` (Deribit's `current_funding`, an 8-hour rate), accruing from
 *   the row's time until the next one;
 * - `funding`, discrete: the rate quoted for a funding time (`funding_timestamp`, µs) is paid at that time: the
 *   event is stamped `funding_timestamp` with the last `funding_rate` seen for it, and emitted when the first
 *   row at or after that time arrives. A funding time the file ends before is not emitted (the notes say so).
 *
 * Needs `symbol, mark_price, index_price, funding_rate, funding_timestamp` and the clock's column.
 *
 * @since 0.1.0
 * @category readers
 */
export const derivativeTicker = (file: string, options: DerivativeTickerOptions = {}): FileSource => {
  const intervalMs = options.fundingIntervalMs ?? 8 * HOUR
  const format: Format = {
    name: "tardis/derivative_ticker",
    start: (header) => {
      const c = {
        time: clockColumn(header, options),
        exchange: header.optional("exchange"),
        symbol: header.required("symbol"),
        mark: header.required("mark_price"),
        index: header.required("index_price"),
        rate: header.required("funding_rate"),
        due: header.required("funding_timestamp")
      }
      const instruments = new Map<string, InstrumentState>()
      const lastIndex = new Map<string, number>()
      return {
        timeColumn: c.time,
        time: (cells) => micros(cells, c.time),
        row: (cells, t, sink) => {
          const symbol = cells.required(c.symbol)
          const mark = cells.optionalPrice(c.mark)
          const index = cells.optionalPrice(c.index)
          const rate = cells.optionalNumber(c.rate, "a decimal funding rate")
          const dueMicros = cells.optionalNumber(c.due, "microseconds since the epoch")
          const exchange = cells.optional(c.exchange) ?? ""
          const mode = options.funding ?? (exchange === "deribit" ? "continuous" : "discrete")

          let s = instruments.get(symbol)
          if (s === undefined) {
            s = {
              underlying: options.underlying ?? underlyingOf(symbol),
              expiryMs: expiryOfName(symbol),
              mark: NaN,
              continuousRate: NaN,
              dueMs: NaN,
              dueRate: NaN,
              settledMs: -Infinity
            }
            instruments.set(symbol, s)
          }
          const { underlying } = s
          const perpetual = Number.isNaN(s.expiryMs)
          if (perpetual && mode === "discrete") {
            if (t >= s.dueMs) {
              sink.emit({ kind: "funding", timeMs: s.dueMs, symbol, underlying, rate: s.dueRate, intervalMs, mode })
              s.settledMs = s.dueMs
              s.dueMs = NaN
            }
            if (rate !== undefined && dueMicros !== undefined) {
              const dueMs = dueMicros / 1000
              // a funding time at or before the row's own time is stale (already paid, or the feed lags): skip it
              if (dueMs > t && dueMs > s.settledMs) {
                s.dueMs = dueMs
                s.dueRate = rate
              }
            }
          }
          if (index !== undefined && lastIndex.get(underlying) !== index) {
            lastIndex.set(underlying, index)
            sink.emit({ kind: "index", timeMs: t, underlying, price: index })
          }
          if (mark !== undefined && mark !== s.mark) {
            s.mark = mark
            sink.emit(
              perpetual
                ? { kind: "perpetual", timeMs: t, symbol, underlying, mark }
                : { kind: "forward", timeMs: t, underlying, expiryMs: s.expiryMs, forward: mark }
            )
          }
          if (perpetual && mode === "continuous" && rate !== undefined && rate !== s.continuousRate) {
            s.continuousRate = rate
            sink.emit({ kind: "funding", timeMs: t, symbol, underlying, rate, intervalMs, mode })
          }
        },
        end: (sink) => {
          for (const [symbol, s] of instruments) {
            if (!Number.isNaN(s.dueMs)) sink.note(`${symbol}: funding due at ${iso(s.dueMs)} is after the last row, not emitted`)
          }
        }
      }
    }
  }
  return fileSource(file, format, options)
}

/**
 * `trades`: one `trade` event per row — `symbol`, `side` (the taker's: `buy`/`sell`; Tardis writes `unknown`
 * when the venue does not say, and such rows are counted as `bad-value`: a trade event needs a side), `price`
 * (quote currency per coin, or the option premium) and `amount` (the venue's unit: coins, or USD contracts for
 * Deribit's inverse perpetuals and futures).
 *
 * Needs `symbol, side, price, amount` and the clock's column.
 *
 * @since 0.1.0
 * @category readers
 */
export const trades = (file: string, options: TardisOptions = {}): FileSource => {
  const format: Format = {
    name: "tardis/trades",
    start: (header) => {
      const c = {
        time: clockColumn(header, options),
        symbol: header.required("symbol"),
        side: header.required("side"),
        price: header.required("price"),
        amount: header.required("amount")
      }
      return {
        timeColumn: c.time,
        time: (cells) => micros(cells, c.time),
        row: (cells, t, sink) => {
          const symbol = cells.required(c.symbol)
          const text = cells.required(c.side)
          const side = text === "buy" || text === "sell" ? text : cells.reject(c.side, "buy or sell")
          const price = cells.price(c.price)
          const amount = cells.price(c.amount)
          sink.emit({ kind: "trade", timeMs: t, symbol, side, price, amount })
        }
      }
    }
  }
  return fileSource(file, format, options)
}
