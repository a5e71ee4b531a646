/**
 * Streams rows in and out: JSON Lines or CSV, from a file or stdin, to a file or stdout. One output row per
 * input row, in order; a line that cannot be read becomes a row whose error names the line.
 */
import { createReadStream, createWriteStream } from "node:fs"
import { access, constants, stat } from "node:fs/promises"
import { extname } from "node:path"
import { createInterface } from "node:readline"
import type { Writable } from "node:stream"
import type { ErrorRecord } from "@hedgekit/sdk"
import { formatLine, parseLine } from "./Csv.js"
import type { Outcome } from "./Rows.js"

export type Format = "jsonl" | "csv"
export type Row = Readonly<Record<string, unknown>>

/** The format named by a file's extension, if it names one. */
export const formatOfPath = (path: string): Format | undefined => {
  const ext = extname(path).toLowerCase()
  if (ext === ".csv") return "csv"
  if (ext === ".jsonl" || ext === ".ndjson" || ext === ".json") return "jsonl"
  return undefined
}

/**
 * Marks a row the reader could not read, so that it is written out with its error and never processed. A
 * symbol, not a field: an input row may carry any field of its own, `error` included.
 */
export const unreadable: unique symbol = Symbol.for("@hedgekit/cli/unreadable")

export interface UnreadableRow {
  readonly [unreadable]: ErrorRecord
}

const unreadableRow = (lineNo: number, line: string, message: string, fields: Row = {}): Row & UnreadableRow => ({
  ...fields,
  [unreadable]: {
    tag: "InvalidInput",
    field: `line ${lineNo}`,
    value: line.length > 200 ? `${line.slice(0, 200)}…` : line,
    message: `invalid line ${lineNo}: ${message}`
  }
})

/** The error of a row the reader could not read, if it is one. */
export const readError = (row: Row): ErrorRecord | undefined => (row as Partial<UnreadableRow>)[unreadable]

/**
 * Fails unless `input` ("-" is stdin) is a readable file or stream and is not `output` itself: checked before
 * the output is created, so that a wrong invocation never truncates a file.
 */
export const checkInputAndOutput = async (input: string, output: string): Promise<void> => {
  if (input === "-") return
  await access(input, constants.R_OK)
  const info = await stat(input)
  if (info.isDirectory()) throw new Error(`${input} is a directory, not a file of rows`)
  if (output === "-") return
  const target = await stat(output).catch(() => undefined)
  if (target !== undefined && target.dev === info.dev && target.ino === info.ino) {
    throw new Error(`the output ${output} is the input: writing it would destroy the rows being read`)
  }
}

/**
 * Reads rows lazily, so a file larger than memory streams through. For CSV, `onHeader` receives the header
 * before the first row.
 */
export async function* readRows(
  path: string,
  format: Format,
  onHeader?: (header: ReadonlyArray<string>) => void
): AsyncGenerator<Row> {
  const input = path === "-" ? process.stdin : createReadStream(path)
  const lines = createInterface({ input, crlfDelay: Infinity })
  let header: Array<string> | undefined
  let lineNo = 0
  for await (const raw of lines) {
    lineNo++
    const line = raw.trimEnd()
    if (line === "") continue
    if (format === "csv") {
      const fields = parseLine(line)
      if (header === undefined) {
        header = fields.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, "") : h).trim())
        onHeader?.(header)
        continue
      }
      const row: Record<string, unknown> = {}
      header.forEach((name, i) => {
        row[name] = fields[i] ?? ""
      })
      yield fields.length > header.length
        ? unreadableRow(lineNo, line, `${fields.length} fields for a header of ${header.length}`, row)
        : row
    } else {
      let parsed: unknown
      try {
        parsed = JSON.parse(line)
      } catch {
        parsed = undefined
      }
      yield typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Row)
        : unreadableRow(lineNo, line, "expected a JSON object")
    }
  }
}

/** A row sink: each input row with its outcome (added fields, or the error that stopped it). */
export interface RowWriter {
  readonly write: (input: Row, outcome: Outcome) => Promise<void>
  readonly close: () => Promise<void>
}

const ERROR_COLUMNS = ["error_tag", "error_field", "error_value", "error_message"] as const

/**
 * Opens a sink. JSON Lines writes `{ ...input, ...output }`, or `{ ...input, error }` for a failed row.
 * CSV writes the input's columns, then the `extra` output columns, then `error_tag, error_field, error_value,
 * error_message`; an output column of the same name as an input column takes its place. CSV needs its columns
 * up front: with `header` (the input's own columns, when the input is CSV) rows stream out; without, rows are
 * held until `close` and written under the union of their fields, so that no field is dropped.
 */
export const openWriter = (
  path: string,
  format: Format,
  extra: ReadonlyArray<string>,
  header?: () => ReadonlyArray<string> | undefined
): RowWriter => {
  const out: Writable = path === "-" ? process.stdout : createWriteStream(path)
  // A stream error (no such directory, disk full) fails the next write or the close, never the process.
  let failure: Error | undefined
  out.on("error", (error) => {
    failure = error
  })
  const put = (text: string): Promise<void> => {
    if (failure !== undefined) return Promise.reject(failure)
    if (out.write(text)) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error)
      out.once("error", onError)
      out.once("drain", () => {
        out.off("error", onError)
        resolve()
      })
    })
  }
  const computed = new Set<string>([...extra, ...ERROR_COLUMNS])
  const columnsFrom = (inputs: Iterable<string>): Array<string> => [
    ...[...inputs].filter((k) => !computed.has(k)),
    ...extra,
    ...ERROR_COLUMNS
  ]
  const csvLine = (columns: ReadonlyArray<string>, input: Row, { error, output }: Outcome): string =>
    formatLine(columns.map((name) => {
      if (name.startsWith("error_") && computed.has(name)) {
        return error === undefined ? undefined : error[name.slice(6) as keyof ErrorRecord]
      }
      if (computed.has(name)) return output?.[name]
      return input[name]
    })) + "\n"
  let columns: Array<string> | undefined
  const held: Array<readonly [Row, Outcome]> = []
  return {
    write: (input, outcome) => {
      if (format === "jsonl") {
        const row = outcome.error !== undefined ? { ...input, error: outcome.error } : { ...input, ...outcome.output }
        return put(JSON.stringify(row) + "\n")
      }
      if (columns === undefined) {
        const known = header?.()
        if (known === undefined) {
          held.push([input, outcome])
          return Promise.resolve()
        }
        columns = columnsFrom(known)
        return put(formatLine(columns) + "\n" + csvLine(columns, input, outcome))
      }
      return put(csvLine(columns, input, outcome))
    },
    close: async () => {
      if (format === "csv" && columns === undefined) {
        const known = header?.()
        const union = new Set<string>(known ?? [])
        if (known === undefined) for (const [input] of held) for (const key of Object.keys(input)) union.add(key)
        const all = columnsFrom(union)
        await put(formatLine(all) + "\n")
        for (const [input, outcome] of held) await put(csvLine(all, input, outcome))
      }
      if (failure !== undefined) throw failure
      if (path === "-") return
      await new Promise<void>((resolve, reject) => {
        out.once("error", reject)
        out.end(() => (failure === undefined ? resolve() : reject(failure)))
      })
    }
  }
}
