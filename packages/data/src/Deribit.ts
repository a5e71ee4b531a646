/**
 * Readers for the Deribit files bundled in `data/deribit/` (and files with the same columns): option-chain
 * snapshots, the BTC-PERPETUAL price at each snapshot, and the dated futures at each snapshot. Columns are found
 * by name; a `.gz` name is read through gunzip.
 *
 * @since 0.1.0
 */
import type { MarketEvent } from "@hedgekit/sdk"
import type { FileSource, WindowOptions } from "./EventSource.js"
import type { Cells, Column, Format, Sink } from "./internal/reader.js"
import { fileSource } from "./internal/source.js"
import { underlyingOf } from "./internal/symbols.js"
import { expiryOfName } from "./internal/time.js"

type OptionEvent = MarketEvent.OptionEvent
type Mutable<A> = { -readonly [K in keyof A]: A[K] }

/** The lower median (an observed value, never an average of two) of a non-empty list. */
const lowerMedian = (values: Array<number>): number => {
  values.sort((a, b) => a - b)
  return values[(values.length - 1) >> 1]!
}

const timeMs = (cells: Cells, column: Column): number => cells.epoch(column, "epoch milliseconds")

/**
 * Options of {@link optionChain}: the window, and the underlying's name when it is not the instrument name's
 * first part (`BTC` in `BTC-27MAR26-90000-C`).
 *
 * @since 0.1.0
 * @category options
 */
export interface OptionChainOptions extends WindowOptions {
  readonly underlying?: string
}

interface Snapshot {
  index: Array<number>
  forwards: Map<number, Array<number>>
}

/**
 * A Deribit option-chain CSV (`data/deribit/deribit_btc_options_27MAR26.csv`, `…_option_chain_weekly.csv`):
 * one row per option per snapshot.
 *
 * Events, per snapshot time (`timestamp_ms`):
 * - `index`: one per underlying, the lower median of the snapshot's `index_price` (Deribit's index, USD; the
 *   per-instrument ticker calls of one snapshot spread over about a minute, so it varies by a few dollars
 *   within a snapshot and each option keeps its own in `index`);
 * - `forward`: one per underlying and expiry, the lower median of `underlying` (the forward the options of
 *   that expiry are marked on: the future's mark or Deribit's synthetic forward, USD);
 * - `option`: one per row — `bid_price`/`ask_price` (left out when empty) and `mark_price` in BTC per contract
 *   (`premiumUnit: "coin"`, `settlement: "inverse"`), `implied_volatility` (already a fraction) as `markVol`
 *   (left out when empty or ≤ 0, and counted in the notes), `underlying` as `forward`, `index_price` as `index`.
 *
 * Needs `timestamp_ms, instrument_name, option_type, strike, expiry_ms, mark_price, underlying, index_price`.
 *
 * @since 0.1.0
 * @category readers
 */
export const optionChain = (file: string, options: OptionChainOptions = {}): FileSource => {
  const format: Format = {
    name: "deribit/option_chain",
    start: (header) => {
      const c = {
        time: header.required("timestamp_ms"),
        symbol: header.required("instrument_name"),
        type: header.required("option_type"),
        strike: header.required("strike"),
        expiry: header.required("expiry_ms"),
        mark: header.required("mark_price"),
        forward: header.required("underlying"),
        index: header.required("index_price"),
        bid: header.optional("bid_price"),
        ask: header.optional("ask_price"),
        vol: header.optional("implied_volatility")
      }
      let snapshotTime = NaN
      const underlyings = new Map<string, string>()
      const snapshot = new Map<string, Snapshot>()
      const close = (sink: Sink) => {
        for (const [underlying, { index, forwards }] of snapshot) {
          sink.emit({ kind: "index", timeMs: snapshotTime, underlying, price: lowerMedian(index) })
          for (const expiryMs of [...forwards.keys()].sort((a, b) => a - b)) {
            sink.emit({ kind: "forward", timeMs: snapshotTime, underlying, expiryMs, forward: lowerMedian(forwards.get(expiryMs)!) })
          }
        }
        snapshot.clear()
      }
      return {
        timeColumn: c.time,
        time: (cells) => timeMs(cells, c.time),
        row: (cells, t, sink) => {
          const symbol = cells.required(c.symbol)
          const text = cells.required(c.type)
          const type = text === "call" || text === "put" ? text : cells.reject(c.type, "call or put")
          const strike = cells.price(c.strike)
          const expiryMs = cells.epoch(c.expiry, "epoch milliseconds")
          const mark = cells.premium(c.mark)
          const forward = cells.price(c.forward)
          const index = cells.price(c.index)
          const bid = cells.optionalPremium(c.bid)
          const ask = cells.optionalPremium(c.ask)
          const vol = cells.optionalNumber(c.vol, "a decimal vol")
          let underlying = underlyings.get(symbol)
          if (underlying === undefined) underlyings.set(symbol, underlying = options.underlying ?? underlyingOf(symbol))
          if (t !== snapshotTime) {
            close(sink)
            snapshotTime = t
          }
          let group = snapshot.get(underlying)
          if (group === undefined) snapshot.set(underlying, group = { index: [], forwards: new Map() })
          group.index.push(index)
          const forwards = group.forwards.get(expiryMs)
          if (forwards === undefined) group.forwards.set(expiryMs, [forward])
          else forwards.push(forward)
          if (vol !== undefined && vol <= 0) sink.note("implied_volatility ≤ 0: markVol left out")
          const event: Mutable<OptionEvent> = {
            kind: "option",
            timeMs: t,
            symbol,
            underlying,
            optionType: type,
            strike,
            expiryMs,
            settlement: "inverse",
            premiumUnit: "coin",
            mark,
            forward,
            index
          }
          if (bid !== undefined) event.bid = bid
          if (ask !== undefined) event.ask = ask
          if (vol !== undefined && vol > 0) event.markVol = vol
          sink.emit(event)
        },
        end: close
      }
    }
  }
  return fileSource(file, format, options)
}

/**
 * Options of {@link perpetualSnapshots}. `at`: `"snapshot"` (default) stamps each price at its option snapshot
 * time, so it joins the chain's snapshots; `"price"` stamps it at the time the price was printed (the candle's
 * open time for an `open`, open + 1 min for a `close`) — at most 30 s from the snapshot, either side.
 *
 * @since 0.1.0
 * @category options
 */
export interface PerpetualSnapshotsOptions extends WindowOptions {
  readonly at?: "snapshot" | "price"
}

/**
 * `data/deribit/deribit_btc_perpetual_at_snapshots.csv`: the BTC-PERPETUAL price at each option snapshot →
 * one `perpetual` event per row, `mark` = `candle_price_used` (USD): the open or close of the 1-minute candle,
 * whichever is nearer the snapshot — a traded price, not Deribit's mark price. A row with `candle_found` other
 * than `True` is a bad row (`bad-value`).
 *
 * Needs `snapshot_timestamp_ms, instrument_name, candle_price_used` (and, with `at: "price"`,
 * `candle_open_time_ms, candle_price_choice`).
 *
 * @since 0.1.0
 * @category readers
 */
export const perpetualSnapshots = (file: string, options: PerpetualSnapshotsOptions = {}): FileSource => {
  const atPrice = options.at === "price"
  const format: Format = {
    name: "deribit/perpetual_at_snapshots",
    start: (header) => {
      const c = {
        snapshot: header.required("snapshot_timestamp_ms"),
        symbol: header.required("instrument_name"),
        price: header.required("candle_price_used"),
        found: header.optional("candle_found"),
        open: atPrice ? header.required("candle_open_time_ms") : header.optional("candle_open_time_ms"),
        choice: atPrice ? header.required("candle_price_choice") : header.optional("candle_price_choice")
      }
      return {
        timeColumn: atPrice ? c.open : c.snapshot,
        time: (cells) => {
          if (!atPrice) return timeMs(cells, c.snapshot)
          const open = timeMs(cells, c.open)
          const choice = cells.required(c.choice)
          if (choice !== "open" && choice !== "close") cells.reject(c.choice, "open or close")
          return choice === "open" ? open : open + 60_000
        },
        row: (cells, t, sink) => {
          const found = cells.optional(c.found)
          if (found !== undefined && found !== "True") cells.reject(c.found, "True (a candle near the snapshot)")
          const symbol = cells.required(c.symbol)
          const mark = cells.price(c.price)
          sink.emit({ kind: "perpetual", timeMs: t, symbol, underlying: underlyingOf(symbol), mark })
        }
      }
    }
  }
  return fileSource(file, format, options)
}

/**
 * Options of {@link futuresSnapshots}. `price`: `"mark"` (default) is `snapshot_term_mark_price`, the median of
 * the option rows' `underlying` for that future in the snapshot — the forward Deribit marks those options on;
 * `"candle"` is `term_mark_price_final`, a traded price (open or close of the nearest 1-minute candle).
 *
 * @since 0.1.0
 * @category options
 */
export interface FuturesSnapshotsOptions extends WindowOptions {
  readonly price?: "mark" | "candle"
}

/**
 * `data/deribit/deribit_btc_futures_at_snapshots.csv`: Deribit's dated BTC futures at each option snapshot →
 * one `forward` event per row at `snapshot_timestamp_ms`, `expiryMs` from the instrument name (`BTC-27MAR26` →
 * 2026-03-27 08:00 UTC; a name without a date is a `bad-value` row), `forward` in USD.
 *
 * Needs `snapshot_timestamp_ms, futures_instrument_name` and the price column chosen.
 *
 * @since 0.1.0
 * @category readers
 */
export const futuresSnapshots = (file: string, options: FuturesSnapshotsOptions = {}): FileSource => {
  const format: Format = {
    name: "deribit/futures_at_snapshots",
    start: (header) => {
      const c = {
        time: header.required("snapshot_timestamp_ms"),
        symbol: header.required("futures_instrument_name"),
        price: header.required(options.price === "candle" ? "term_mark_price_final" : "snapshot_term_mark_price")
      }
      return {
        timeColumn: c.time,
        time: (cells) => timeMs(cells, c.time),
        row: (cells, t, sink) => {
          const symbol = cells.required(c.symbol)
          const expiryMs = expiryOfName(symbol)
          if (Number.isNaN(expiryMs)) cells.reject(c.symbol, "a dated future's name, e.g. BTC-27MAR26")
          const forward = cells.price(c.price)
          sink.emit({ kind: "forward", timeMs: t, underlying: underlyingOf(symbol), expiryMs, forward })
        }
      }
    }
  }
  return fileSource(file, format, options)
}
