/**
 * Readers for Binance USDⓈ-M perpetual files as ccxt writes them (`data/binance/`): hourly OHLCV bars and the
 * 8-hourly funding history. Times are `YYYY-MM-DD HH:MM:SS[.fff]` in UTC; columns are found by name; a `.gz`
 * name is read through gunzip. The files carry no symbol column: `symbol` (default `BTCUSDT`) and `underlying`
 * (default: the symbol without its quote currency, `BTC`) name the contract.
 *
 * @since 0.1.0
 */
import type { FileSource, WindowOptions } from "./EventSource.js"
import type { Format } from "./internal/reader.js"
import { fileSource } from "./internal/source.js"
import { underlyingOf } from "./internal/symbols.js"
import { parseUtc } from "./internal/time.js"

const HOUR = 3_600_000

/**
 * Options of {@link perpetualBars}: the contract's names, the bar length (`barMs`, default 1 h) and the window.
 *
 * @since 0.1.0
 * @category options
 */
export interface PerpetualBarsOptions extends WindowOptions {
  readonly symbol?: string
  readonly underlying?: string
  readonly barMs?: number
}

/**
 * OHLCV bars (`timestamp,open,high,low,close,volume`, `timestamp` = the bar's open time) → one `perpetual`
 * event per bar at its close time (`timestamp` + `barMs`) with `mark` = `close` (USDT per coin).
 *
 * Why the close at the close time: it is the last trade of the bar, known at that instant and not before — no
 * look-ahead (the high, low or a bar-average would be known only later; the open at the open time is the same
 * information one bar earlier). It is a last-trade price, not Binance's mark price (a few basis points apart).
 *
 * Needs `timestamp, close`.
 *
 * @since 0.1.0
 * @category readers
 */
export const perpetualBars = (file: string, options: PerpetualBarsOptions = {}): FileSource => {
  const symbol = options.symbol ?? "BTCUSDT"
  const underlying = options.underlying ?? underlyingOf(symbol)
  const barMs = options.barMs ?? HOUR
  const format: Format = {
    name: "binance/ohlcv",
    start: (header) => {
      const c = { time: header.required("timestamp"), close: header.required("close") }
      return {
        timeColumn: c.time,
        time: (cells) => {
          const open = parseUtc(cells.required(c.time))
          if (Number.isNaN(open)) cells.badTime(c.time, "YYYY-MM-DD HH:MM:SS (UTC)")
          return open + barMs
        },
        row: (cells, t, sink) => {
          sink.emit({ kind: "perpetual", timeMs: t, symbol, underlying, mark: cells.price(c.close) })
        }
      }
    }
  }
  return fileSource(file, format, options)
}

/**
 * Options of {@link funding}: the contract's names, the funding interval (`intervalMs`, default 8 h) and
 * `roundToMs` (default 1000): settlement times are rounded to this grid (Binance stamps them 0–50 ms after the
 * hour; 0 keeps them as they are).
 *
 * @since 0.1.0
 * @category options
 */
export interface FundingOptions extends WindowOptions {
  readonly symbol?: string
  readonly underlying?: string
  readonly intervalMs?: number
  readonly roundToMs?: number
}

/**
 * Funding history (`timestamp,rate`) → one `funding` event per row, `mode: "discrete"`: at the settlement time a
 * position pays `rate` × its notional (positive: longs pay shorts), `rate` a decimal per `intervalMs`.
 *
 * Needs `timestamp, rate`.
 *
 * @since 0.1.0
 * @category readers
 */
export const funding = (file: string, options: FundingOptions = {}): FileSource => {
  const symbol = options.symbol ?? "BTCUSDT"
  const underlying = options.underlying ?? underlyingOf(symbol)
  const intervalMs = options.intervalMs ?? 8 * HOUR
  const grid = options.roundToMs ?? 1000
  const format: Format = {
    name: "binance/funding",
    start: (header) => {
      const c = { time: header.required("timestamp"), rate: header.required("rate") }
      return {
        timeColumn: c.time,
        time: (cells) => {
          const ms = parseUtc(cells.required(c.time))
          if (Number.isNaN(ms)) cells.badTime(c.time, "YYYY-MM-DD HH:MM:SS.fff (UTC)")
          return grid > 0 ? Math.round(ms / grid) * grid : ms
        },
        row: (cells, t, sink) => {
          const rate = cells.number(c.rate, "a decimal rate per interval")
          sink.emit({ kind: "funding", timeMs: t, symbol, underlying, rate, intervalMs, mode: "discrete" })
        }
      }
    }
  }
  return fileSource(file, format, options)
}
