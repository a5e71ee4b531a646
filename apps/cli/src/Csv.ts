/**
 * RFC 4180 CSV, one record per call: fields may be quoted, quotes doubled inside quotes. Records with
 * embedded newlines are not supported (no row format of ours needs them): a line is a record.
 */

/** Splits one CSV line into its fields. */
export const parseLine = (line: string): Array<string> => {
  const fields: Array<string> = []
  let i = 0
  const n = line.length
  while (i <= n) {
    if (line[i] === "\"") {
      let value = ""
      i++
      for (;;) {
        const j = line.indexOf("\"", i)
        if (j < 0) {
          value += line.slice(i)
          i = n
          break
        }
        value += line.slice(i, j)
        if (line[j + 1] === "\"") {
          value += "\""
          i = j + 2
        } else {
          i = j + 1
          break
        }
      }
      fields.push(value)
      const comma = line.indexOf(",", i)
      i = comma < 0 ? n + 1 : comma + 1
    } else {
      const comma = line.indexOf(",", i)
      const end = comma < 0 ? n : comma
      fields.push(line.slice(i, end))
      i = end + 1
    }
  }
  return fields
}

const needsQuotes = /[",\r\n]/

/** One CSV field: numbers in their shortest round-trip form, strings quoted when needed. */
export const formatField = (value: unknown): string => {
  if (value === undefined || value === null) return ""
  const text = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value)
  return needsQuotes.test(text) ? `"${text.replaceAll("\"", "\"\"")}"` : text
}

export const formatLine = (values: ReadonlyArray<unknown>): string => values.map(formatField).join(",")
