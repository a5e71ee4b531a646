/**
 * The machinery every file reader shares: header → column positions, one row at a time through a format's
 * parser, bad rows counted per reason, time order checked, the window applied, and the events of one timestamp
 * put in the fixed kind order before they leave.
 */
import { MarketEvent } from "@hedgekit/sdk"
import { MissingColumn } from "../DataError.js"
import { type BadRow, type BadRowReason, maxExamples } from "../ReadStats.js"
import { headerNames, splitLine } from "./csv.js"
import { lineBatches } from "./lines.js"

type Event = MarketEvent.MarketEvent

/** A row the parser rejects: thrown by the {@link Cells} accessors and caught (and counted) by the runner. */
export class BadRowError {
  constructor(
    readonly reason: BadRowReason,
    readonly column: string,
    readonly value: string,
    readonly detail: string
  ) {}
}

/** A column of the header: its name and position (−1 when an optional column is absent). */
export interface Column {
  readonly name: string
  readonly index: number
}

/** The header of a file, for a format to look its columns up by name. */
export interface Header {
  readonly names: ReadonlyArray<string>
  /** A column the format needs: a missing one fails the whole file with `MissingColumn`. */
  readonly required: (name: string) => Column
  /** A column the format reads when present. */
  readonly optional: (name: string) => Column
  readonly has: (name: string) => boolean
}

/**
 * The fields of the current row, read through checked accessors that throw {@link BadRowError}. A line without
 * quotes is not split: the comma positions are noted and only the fields read are cut out.
 */
export class Cells {
  line = 0
  /** How many fields the row has. */
  count = 0
  private text_ = ""
  private quoted: Array<string> | undefined = undefined
  private bounds = new Int32Array(64)

  /** Takes a new line. */
  set(text: string): void {
    this.text_ = text
    if (text.indexOf("\"") >= 0) {
      this.quoted = splitLine(text)
      this.count = this.quoted.length
      return
    }
    this.quoted = undefined
    let n = 0, start = 0
    for (;;) {
      if (2 * n + 2 > this.bounds.length) {
        const grown = new Int32Array(this.bounds.length * 2)
        grown.set(this.bounds)
        this.bounds = grown
      }
      const comma = text.indexOf(",", start)
      this.bounds[2 * n] = start
      this.bounds[2 * n + 1] = comma < 0 ? text.length : comma
      n++
      if (comma < 0) break
      start = comma + 1
    }
    this.count = n
  }

  /** The raw text of field `index`, or undefined past the row's end. */
  field(index: number): string | undefined {
    if (index < 0 || index >= this.count) return undefined
    if (this.quoted !== undefined) return this.quoted[index]
    return this.text_.slice(this.bounds[2 * index]!, this.bounds[2 * index + 1]!)
  }

  /** The field's text; `missing-column` when the row is too short to have it. */
  text(column: Column): string {
    const value = this.field(column.index)
    if (value === undefined) {
      if (column.index < 0) return ""
      throw new BadRowError("missing-column", column.name, "", `the row has ${this.count} field(s), the header more`)
    }
    return value
  }

  /** Non-empty text; `missing-value` when empty. */
  required(column: Column): string {
    const value = this.text(column)
    if (value === "") throw new BadRowError("missing-value", column.name, "", "a value")
    return value
  }

  /** The text, or undefined when the column is absent or the field empty. */
  optional(column: Column): string | undefined {
    if (column.index < 0) return undefined
    const value = this.text(column)
    return value === "" ? undefined : value
  }

  private parse(column: Column, text: string, expected: string): number {
    const value = Number(text)
    if (!Number.isFinite(value) || text.trim() === "") throw new BadRowError("bad-number", column.name, text, expected)
    return value
  }

  /** A finite number (required). */
  number(column: Column, expected = "a finite number"): number {
    return this.parse(column, this.required(column), expected)
  }

  /** A finite number, or undefined when empty or absent. */
  optionalNumber(column: Column, expected = "a finite number"): number | undefined {
    const text = this.optional(column)
    return text === undefined ? undefined : this.parse(column, text, expected)
  }

  /** A timestamp written as a number (ms or µs since the epoch); `bad-time` when it does not parse. */
  epoch(column: Column, expected: string): number {
    const text = this.required(column)
    const value = Number(text)
    if (!Number.isFinite(value) || text.trim() === "") throw new BadRowError("bad-time", column.name, text, expected)
    return value
  }

  /** A price, strike or forward: finite and > 0. */
  price(column: Column): number {
    return this.positive(column, this.number(column, "a price > 0"))
  }

  /** A price > 0, or undefined when empty or absent. */
  optionalPrice(column: Column): number | undefined {
    const value = this.optionalNumber(column, "a price > 0")
    return value === undefined ? undefined : this.positive(column, value)
  }

  /** An option premium: finite and ≥ 0 (a mark of 0 is a real quote far out of the money). */
  premium(column: Column): number {
    return this.nonNegative(column, this.number(column, "a premium ≥ 0"))
  }

  /** A premium ≥ 0, or undefined when empty or absent. */
  optionalPremium(column: Column): number | undefined {
    const value = this.optionalNumber(column, "a premium ≥ 0")
    return value === undefined ? undefined : this.nonNegative(column, value)
  }

  private positive(column: Column, value: number): number {
    if (value <= 0) throw new BadRowError("non-positive-price", column.name, this.text(column), "a price > 0")
    return value
  }

  private nonNegative(column: Column, value: number): number {
    if (value < 0) throw new BadRowError("non-positive-price", column.name, this.text(column), "a premium ≥ 0")
    return value
  }

  /** A `bad-value` rejection of this column. */
  reject(column: Column, expected: string): never {
    throw new BadRowError("bad-value", column.name, this.field(column.index) ?? "", expected)
  }

  /** A `bad-time` rejection of this column. */
  badTime(column: Column, expected: string): never {
    throw new BadRowError("bad-time", column.name, this.field(column.index) ?? "", expected)
  }
}

/** Where a parser puts its events; `note` records something worth reporting that is not a bad row. */
export interface Sink {
  readonly emit: (event: Event) => void
  readonly note: (text: string) => void
}

/**
 * A format's parser for one pass over one file. `time` gives the row's time (ms), which must not decrease from
 * row to row; `row` validates every field it needs before it changes any state or emits (a row is used whole or
 * not at all) and emits events at or after the previous row's time; `end` emits what is left at the end.
 */
export interface Parser {
  readonly timeColumn: Column
  readonly time: (cells: Cells) => number
  readonly row: (cells: Cells, timeMs: number, sink: Sink) => void
  readonly end?: (sink: Sink) => void
}

/** A format: its name (`tardis/options_chain`) and a fresh parser from a header. */
export interface Format {
  readonly name: string
  readonly start: (header: Header) => Parser
}

/** `[fromMs, toMs)`: events outside are dropped (and counted); reading stops at the first row at or after `toMs`. */
export interface Window {
  readonly fromMs?: number | undefined
  readonly toMs?: number | undefined
}

interface MutableBadRows {
  count: number
  first: Array<BadRow>
}

/** The stats of one pass, filled in as it runs. */
export interface MutableStats {
  readonly file: string
  readonly format: string
  lines: number
  rows: number
  blankLines: number
  usedRows: number
  badRows: number
  bad: Partial<Record<BadRowReason, MutableBadRows>>
  events: number
  byKind: Record<Event["kind"], number>
  outsideWindow: number
  notes: Array<string>
  complete: boolean
  firstTimeMs: number | undefined
  lastTimeMs: number | undefined
}

export const emptyStats = (file: string, format: string): MutableStats => ({
  file,
  format,
  lines: 0,
  rows: 0,
  blankLines: 0,
  usedRows: 0,
  badRows: 0,
  bad: {},
  events: 0,
  byKind: { index: 0, perpetual: 0, forward: 0, option: 0, trade: 0, funding: 0, settlement: 0 },
  outsideWindow: 0,
  notes: [],
  complete: false,
  firstTimeMs: undefined,
  lastTimeMs: undefined
})

const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms))

const DEFAULT_BATCH = 512

/**
 * One pass over `file` in `format`, as batches of events in time order (and, at one timestamp, in
 * `MarketEvent.rank` order, the source's order kept within a kind). Fills `stats` as it goes.
 */
export async function* run(
  file: string,
  format: Format,
  window: Window,
  stats: MutableStats
): AsyncGenerator<ReadonlyArray<Event>, void, undefined> {
  const fromMs = window.fromMs ?? -Infinity
  const toMs = window.toMs ?? Infinity
  const tallies = new Map<string, { count: number; line: number }>()
  let parser: Parser | undefined
  let lastRowTime = -Infinity
  let out: Array<Event> = []
  // the events of the latest timestamp, held until a later one arrives so they can be put in rank order
  const held: Array<Event> = []
  let heldTime = NaN
  let line = 0
  const cells = new Cells()

  const release = () => {
    if (held.length > 1) {
      let sorted = true
      for (let i = 1; i < held.length && sorted; i++) sorted = MarketEvent.rank(held[i - 1]!) <= MarketEvent.rank(held[i]!)
      if (!sorted) held.sort((a, b) => MarketEvent.rank(a) - MarketEvent.rank(b)) // stable: a kind keeps its order
    }
    for (const event of held) {
      out.push(event)
      stats.byKind[event.kind]++
    }
    stats.events += held.length
    held.length = 0
  }
  const emit = (event: Event) => {
    const t = event.timeMs
    if (!(t >= fromMs && t < toMs)) {
      stats.outsideWindow++
      return
    }
    if (held.length > 0 && t !== heldTime) {
      if (t < heldTime) throw new Error(`${format.name}: an event at ${iso(t)} after one at ${iso(heldTime)} (line ${line})`)
      release()
    }
    if (stats.firstTimeMs === undefined) stats.firstTimeMs = t
    stats.lastTimeMs = t
    heldTime = t
    held.push(event)
  }
  const note = (text: string) => {
    const entry = tallies.get(text)
    if (entry === undefined) tallies.set(text, { count: 1, line })
    else entry.count++
  }
  // a row's events wait here until the whole row has been read without error
  const pending: Array<Event> = []
  const sink: Sink = { emit: (event) => void pending.push(event), note }
  const endSink: Sink = { emit, note }

  const reject = (error: BadRowError) => {
    stats.badRows++
    const entry = (stats.bad[error.reason] ??= { count: 0, first: [] })
    entry.count++
    if (entry.first.length < maxExamples) {
      entry.first.push({ line, column: error.column, value: error.value, detail: error.detail })
    }
  }

  reading: for await (const texts of lineBatches(file)) {
    for (const text of texts) {
      line++
      stats.lines++
      if (text.trim() === "") {
        stats.blankLines++
        continue
      }
      if (parser === undefined) {
        parser = start(file, format, headerNames(text))
        continue
      }
      stats.rows++
      cells.set(text)
      cells.line = line
      let t: number
      try {
        t = parser.time(cells)
        if (t < lastRowTime) {
          throw new BadRowError(
            "time-backwards",
            parser.timeColumn.name,
            cells.field(parser.timeColumn.index) ?? "",
            `a time at or after the previous row's ${iso(lastRowTime)}`
          )
        }
        pending.length = 0
        parser.row(cells, t, sink)
      } catch (error) {
        if (!(error instanceof BadRowError)) throw error
        reject(error)
        continue
      }
      lastRowTime = t
      stats.usedRows++
      for (const event of pending) emit(event)
      if (t >= toMs) break reading
    }
    if (out.length >= DEFAULT_BATCH) {
      yield out
      out = []
    }
  }
  if (parser === undefined) start(file, format, [])
  else parser.end?.(endSink)
  release()
  for (const [text, { count, line: first }] of tallies) stats.notes.push(`${text}: ${count} row(s), the first at line ${first}`)
  stats.complete = true
  if (out.length > 0) yield out
}

const start = (file: string, format: Format, names: ReadonlyArray<string>): Parser => {
  const positions = new Map<string, number>()
  names.forEach((name, i) => {
    if (!positions.has(name)) positions.set(name, i)
  })
  const missing: Array<string> = []
  const header: Header = {
    names,
    has: (name) => positions.has(name),
    required: (name) => {
      const index = positions.get(name)
      if (index === undefined) missing.push(name)
      return { name, index: index ?? -1 }
    },
    optional: (name) => ({ name, index: positions.get(name) ?? -1 })
  }
  const parser = format.start(header)
  const column = missing[0]
  if (column !== undefined) throw new MissingColumn({ file, column, format: format.name, header: [...names] })
  return parser
}
