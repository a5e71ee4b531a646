/**
 * Streams rows in and out: JSON Lines or CSV, from a file or stdin, to a file or stdout. One output row per
 * input row, in order; a line that cannot be read becomes a row whose error names the line.
 */
import { createReadStream, createWriteStream } from "node:fs"
import { access, constants } from "node:fs/promises"
import { extname } from "node:path"
import { createInterface } from "node:readline"
import type { Writable } from "node:stream"
import { formatLine, parseLine } from "./Csv.js"

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
  readonly [unreadable]: true
  readonly error: { readonly tag: string; readonly field: string; readonly value: unknown; readonly message: string }
}

const unreadableRow = (lineNo: number, line: string, message: string, fields: Row = {}): Row & UnreadableRow => ({
  ...fields,
  [unreadable]: true,
  error: {
    tag: "InvalidInput",
    field: `line ${lineNo}`,
    value: line.length > 200 ? `${line.slice(0, 200)}…` : line,
    message: `invalid line ${lineNo}: ${message}`
  }
})

export const isUnreadable = (row: Row): row is Row & UnreadableRow => unreadable in row

/** Fails unless `path` ("-" is stdin) can be read: checked before any output is created. */
export const checkReadable = async (path: string): Promise<void> => {
  if (path !== "-") await access(path, constants.R_OK)
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

/** A row sink. */
export interface RowWriter {
  readonly write: (row: Row) => Promise<void>
  readonly close: () => Promise<void>
}

const ERROR_COLUMNS = ["error_tag", "error_field", "error_value", "error_message"] as const

/**
 * Opens a sink. JSON Lines writes each row as it comes. CSV needs its columns up front: with `header` (the
 * input's own columns, when the input is CSV) rows stream out under it plus the `extra` output columns;
 * without, rows are held until `close` and written under the union of their fields, so no field is dropped.
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
  const csvLine = (columns: ReadonlyArray<string>, row: Row): string => {
    const error = row["error"] as Record<string, unknown> | undefined
    return formatLine(columns.map((name) => {
      if (name.startsWith("error_") && error !== undefined) return error[name.slice(6)]
      return row[name]
    })) + "\n"
  }
  const columnsFrom = (inputs: ReadonlyArray<string>): Array<string> => [
    ...inputs.filter((k) => !extra.includes(k) && k !== "error"),
    ...extra,
    ...ERROR_COLUMNS
  ]
  let columns: Array<string> | undefined
  const held: Array<Row> = []
  const finish = (): Promise<void> => {
    if (failure !== undefined) return Promise.reject(failure)
    if (path === "-") return Promise.resolve()
    return new Promise((resolve, reject) => {
      out.once("error", reject)
      out.end(() => (failure === undefined ? resolve() : reject(failure)))
    })
  }
  return {
    write: (row) => {
      if (format === "jsonl") return put(JSON.stringify(row) + "\n")
      if (columns === undefined) {
        const known = header?.()
        if (known === undefined) {
          held.push(row)
          return Promise.resolve()
        }
        columns = columnsFrom(known)
        return put(formatLine(columns) + "\n" + csvLine(columns, row))
      }
      return put(csvLine(columns, row))
    },
    close: async () => {
      if (format === "csv" && columns === undefined) {
        const union = new Set<string>()
        for (const row of held) for (const key of Object.keys(row)) union.add(key)
        const all = columnsFrom([...union])
        await put(formatLine(all) + "\n")
        for (const row of held) await put(csvLine(all, row))
      }
      await finish()
    }
  }
}
