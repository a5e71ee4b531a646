/**
 * Reads a Deribit option-chain CSV (the layout of `data/deribit/*.csv`: one row per option per snapshot,
 * BTC premiums, USD strikes and forwards, ms timestamps) into columns. Columns are found by header name.
 * A row that cannot be read is counted, not dropped silently.
 */
import { createReadStream } from "node:fs"
import { createInterface } from "node:readline"
import { Time } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import { parseLine } from "./Csv.js"
import { UsageError } from "./PriceCommands.js"

export interface Chain {
  readonly length: number
  readonly instrument: ReadonlyArray<string>
  readonly timestampMs: Float64Array
  readonly expiryMs: Float64Array
  readonly isCall: Uint8Array
  readonly strike: Float64Array
  readonly forward: Float64Array
  readonly index: Float64Array
  readonly expiry: Float64Array
  readonly rate: Float64Array
  readonly markBtc: Float64Array
  /** Best bid and ask, BTC; NaN where that side of the book was empty (or the column is absent). */
  readonly bidBtc: Float64Array
  readonly askBtc: Float64Array
  readonly markIv: Float64Array
  readonly venueDelta: Float64Array
  readonly venueVega: Float64Array
  readonly unreadable: number
}

const REQUIRED = [
  "timestamp_ms",
  "instrument_name",
  "option_type",
  "strike",
  "expiry_ms",
  "mark_price",
  "implied_volatility",
  "underlying",
  "index_price"
] as const

export const readChain = async (path: string): Promise<Chain> => {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })
  let col: Record<string, number> | undefined
  const rows: Array<Array<string>> = []
  let unreadable = 0
  for await (const line of lines) {
    if (line.trim() === "") continue
    const fields = parseLine(line)
    if (col === undefined) {
      col = Object.fromEntries(fields.map((name, i) => [name.trim(), i]))
      const missing = REQUIRED.filter((name) => !(name in col!))
      if (missing.length > 0) throw new Error(`missing column(s) ${missing.join(", ")}`)
      continue
    }
    rows.push(fields)
  }
  if (col === undefined) throw new Error("empty file")
  const c = col
  const n = rows.length
  const chain = {
    instrument: new Array<string>(n),
    timestampMs: new Float64Array(n),
    expiryMs: new Float64Array(n),
    isCall: new Uint8Array(n),
    strike: new Float64Array(n),
    forward: new Float64Array(n),
    index: new Float64Array(n),
    expiry: new Float64Array(n),
    rate: new Float64Array(n),
    markBtc: new Float64Array(n),
    bidBtc: new Float64Array(n),
    askBtc: new Float64Array(n),
    markIv: new Float64Array(n),
    venueDelta: new Float64Array(n),
    venueVega: new Float64Array(n)
  }
  const num = (fields: Array<string>, name: string): number => {
    const i = c[name]
    const text = i === undefined ? "" : fields[i] ?? ""
    return text === "" ? NaN : Number(text)
  }
  let k = 0
  for (const fields of rows) {
    const type = fields[c["option_type"]!]
    const ts = num(fields, "timestamp_ms"), exp = num(fields, "expiry_ms")
    const ok = (type === "call" || type === "put") && Number.isFinite(ts) && Number.isFinite(exp)
    if (!ok) {
      unreadable++
      continue
    }
    chain.instrument[k] = fields[c["instrument_name"]!] ?? ""
    chain.timestampMs[k] = ts
    chain.expiryMs[k] = exp
    chain.isCall[k] = type === "call" ? 1 : 0
    chain.strike[k] = num(fields, "strike")
    chain.forward[k] = num(fields, "underlying")
    chain.index[k] = num(fields, "index_price")
    chain.expiry[k] = Time.yearFraction(ts, exp)
    chain.rate[k] = 0
    chain.markBtc[k] = num(fields, "mark_price")
    chain.bidBtc[k] = num(fields, "bid_price")
    chain.askBtc[k] = num(fields, "ask_price")
    chain.markIv[k] = num(fields, "implied_volatility")
    chain.venueDelta[k] = num(fields, "delta")
    chain.venueVega[k] = num(fields, "vega")
    k++
  }
  chain.instrument.length = k
  const cut = <A extends Float64Array | Uint8Array>(a: A): A => a.subarray(0, k) as A
  return {
    length: k,
    instrument: chain.instrument,
    timestampMs: cut(chain.timestampMs),
    expiryMs: cut(chain.expiryMs),
    isCall: cut(chain.isCall),
    strike: cut(chain.strike),
    forward: cut(chain.forward),
    index: cut(chain.index),
    expiry: cut(chain.expiry),
    rate: cut(chain.rate),
    markBtc: cut(chain.markBtc),
    bidBtc: cut(chain.bidBtc),
    askBtc: cut(chain.askBtc),
    markIv: cut(chain.markIv),
    venueDelta: cut(chain.venueDelta),
    venueVega: cut(chain.venueVega),
    unreadable
  }
}

/**
 * The snapshot time to use: the last snapshot at or before `at`, or the first one when `at` is undefined;
 * undefined when there is none.
 */
export const snapshotAt = (chain: Chain, at: number | undefined): number | undefined => {
  const times = [...new Set(chain.timestampMs)].sort((a, b) => a - b)
  return at === undefined ? times[0] : times.filter((t) => t <= at).pop()
}

/** {@link readChain} for a command: an unreadable file is a `UsageError` naming it. */
export const readChainOrFail = (path: string): Effect.Effect<Chain, UsageError> =>
  Effect.tryPromise({
    try: () => readChain(path),
    catch: (error) => new UsageError({ message: `cannot read ${path}: ${(error as Error).message}` })
  })
