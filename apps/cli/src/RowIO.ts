/**
 * Streams rows in and out: JSON Lines or CSV, from a file or stdin, to a file or stdout. One output row per
 * input row, in order; a line that is not a JSON object becomes a row whose error names the line.
 */
import { createReadStream, createWriteStream } from "node:fs"
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

/** Reads rows lazily, so a file larger than memory streams through. */
export async function* readRows(path: string, format: Format): AsyncGenerator<Row> {
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
        header = fields.map((h) => h.trim())
        continue
      }
      const row: Record<string, unknown> = {}
      header.forEach((name, i) => {
        row[name] = fields[i] ?? ""
      })
      yield row
    } else {
      let parsed: unknown
      try {
        parsed = JSON.parse(line)
      } catch {
        parsed = undefined
      }
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        yield parsed as Row
      } else {
        yield {
          error: {
            tag: "InvalidInput",
            field: `line ${lineNo}`,
            value: line.length > 200 ? `${line.slice(0, 200)}…` : line,
            message: `invalid line ${lineNo}: expected a JSON object`
          }
        }
      }
    }
  }
}

/** A row sink: JSONL writes each row as is; CSV fixes its header from the first row plus `extra` columns. */
export interface RowWriter {
  readonly write: (row: Row) => Promise<void>
  readonly close: () => Promise<void>
}

const ERROR_COLUMNS = ["error_tag", "error_field", "error_value", "error_message"] as const

export const openWriter = (path: string, format: Format, extra: ReadonlyArray<string>): RowWriter => {
  const out: Writable = path === "-" ? process.stdout : createWriteStream(path)
  // A stream error (no such directory, disk full) fails the next write or the close, never the process.
  let failure: Error | undefined
  out.on("error", (error) => {
    failure = error
  })
  let header: Array<string> | undefined
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
  return {
    write: (row) => {
      if (format === "jsonl") return put(JSON.stringify(row) + "\n")
      let prefix = ""
      if (header === undefined) {
        const inputs = Object.keys(row).filter((k) => k !== "error" && !extra.includes(k))
        header = [...inputs, ...extra, ...ERROR_COLUMNS]
        prefix = formatLine(header) + "\n"
      }
      const error = row["error"] as Record<string, unknown> | undefined
      const values = header.map((name) => {
        if (name.startsWith("error_") && error !== undefined) return error[name.slice(6)]
        return row[name]
      })
      return put(prefix + formatLine(values) + "\n")
    },
    close: () => {
      if (failure !== undefined) return Promise.reject(failure)
      if (path === "-") return Promise.resolve()
      return new Promise((resolve, reject) => {
        out.once("error", reject)
        out.end(() => (failure === undefined ? resolve() : reject(failure)))
      })
    }
  }
}
