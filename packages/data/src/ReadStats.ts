/**
 * What a reader did with a file: lines and rows read, events emitted by kind, and every row it could not use,
 * counted per reason with the first few line numbers. No row is skipped without being counted here.
 *
 * @since 0.1.0
 */
import type { MarketEvent } from "@hedgekit/sdk"

/**
 * Why a row was not used:
 *
 * - `missing-column`: the row has fewer fields than the header, so a column the format needs is absent;
 * - `missing-value`: a column the format needs is empty in this row;
 * - `bad-number`: a number that does not parse (or is not finite);
 * - `bad-time`: a timestamp or date that does not parse;
 * - `bad-value`: a field outside its set (`option_type` not call/put, trade `side` not buy/sell, an instrument
 *   name without an expiry, a candle marked as not found);
 * - `non-positive-price`: a price, strike or forward ≤ 0 (an option premium may be 0; < 0 is counted here too);
 * - `time-backwards`: the row's time is earlier than the previous used row's (each source must be in time order).
 *
 * @since 0.1.0
 * @category models
 */
export type BadRowReason =
  | "missing-column"
  | "missing-value"
  | "bad-number"
  | "bad-time"
  | "bad-value"
  | "non-positive-price"
  | "time-backwards"

/**
 * Every {@link BadRowReason}, in report order.
 *
 * @since 0.1.0
 * @category models
 */
export const badRowReasons: ReadonlyArray<BadRowReason> = [
  "missing-column",
  "missing-value",
  "bad-number",
  "bad-time",
  "bad-value",
  "non-positive-price",
  "time-backwards"
]

/**
 * One bad row, as reported: its 1-based line number in the file (the header is line 1), the column at fault and
 * its text, and what was expected.
 *
 * @since 0.1.0
 * @category models
 */
export interface BadRow {
  readonly line: number
  readonly column: string
  readonly value: string
  readonly detail: string
}

/**
 * The rows rejected for one reason: how many, and the first {@link maxExamples} of them.
 *
 * @since 0.1.0
 * @category models
 */
export interface BadRows {
  readonly count: number
  readonly first: ReadonlyArray<BadRow>
}

/**
 * The stats of one pass over one file. They fill in while the pass runs; `complete` turns true when the file has
 * been read to its end (or to the first row at or after the window's end).
 *
 * - `lines`: lines read, the header included; `rows`: non-blank lines after the header; `blankLines`: blank ones.
 * - `usedRows`: rows that passed every check; `badRows`: the others, with `bad` per reason.
 * - `events`: events emitted, `byKind` per `MarketEvent` kind; `outsideWindow`: events dropped for falling
 *   outside `[fromMs, toMs)`.
 * - `notes`: anything else worth knowing (e.g. a funding payment due after the last row, hence not emitted).
 *
 * @since 0.1.0
 * @category models
 */
export interface ReadStats {
  readonly file: string
  readonly format: string
  readonly lines: number
  readonly rows: number
  readonly blankLines: number
  readonly usedRows: number
  readonly badRows: number
  readonly bad: Readonly<Partial<Record<BadRowReason, BadRows>>>
  readonly events: number
  readonly byKind: Readonly<Record<MarketEvent.MarketEvent["kind"], number>>
  readonly outsideWindow: number
  readonly notes: ReadonlyArray<string>
  readonly complete: boolean
  readonly firstTimeMs: number | undefined
  readonly lastTimeMs: number | undefined
}

/**
 * How many bad rows per reason are kept as examples (their line numbers, columns and values).
 *
 * @since 0.1.0
 * @category models
 */
export const maxExamples = 5

const iso = (ms: number | undefined): string => (ms === undefined ? "–" : new Date(ms).toISOString())

/**
 * A plain-text report of one file's stats: one summary line, then one line per bad-row reason with the first
 * line numbers and an example, then the notes.
 *
 * @example
 * // data/deribit/deribit_btc_options_27MAR26.csv (deribit/option_chain): 25497 rows, 26177 events
 * //   (index 340, forward 340, option 25497), 2025-12-30T17:31:15.944Z → 2026-03-27T04:59:44.428Z; no bad rows
 * @since 0.1.0
 * @category reports
 */
export const format = (stats: ReadStats): string => {
  const kinds = Object.entries(stats.byKind)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(", ")
  const out = [
    `${stats.file} (${stats.format}): ${stats.rows} rows, ${stats.events} events${kinds === "" ? "" : ` (${kinds})`}, ${
      iso(stats.firstTimeMs)
    } → ${iso(stats.lastTimeMs)}${stats.outsideWindow > 0 ? `, ${stats.outsideWindow} outside the window` : ""}; ${
      stats.badRows === 0 ? "no bad rows" : `${stats.badRows} bad row(s)`
    }${stats.complete ? "" : " (incomplete: the pass did not reach the end)"}`
  ]
  for (const reason of badRowReasons) {
    const entry = stats.bad[reason]
    if (entry === undefined) continue
    const example = entry.first[0]
    out.push(
      `  ${reason}: ${entry.count} row(s), line(s) ${entry.first.map((row) => row.line).join(", ")}${
        entry.count > entry.first.length ? ", …" : ""
      }${example === undefined ? "" : ` (line ${example.line}: ${example.column} ${JSON.stringify(example.value)}: ${example.detail})`}`
    )
  }
  for (const note of stats.notes) out.push(`  note: ${note}`)
  return out.join("\n")
}
