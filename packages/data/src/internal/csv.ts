/**
 * CSV records of one line each (RFC 4180 quoting: fields may be quoted, quotes doubled inside quotes; a record
 * never spans lines in the formats read here), and the header's column positions by name.
 */

const splitQuoted = (line: string): Array<string> => {
  const fields: Array<string> = []
  const n = line.length
  let i = 0
  for (;;) {
    if (line.charCodeAt(i) === 34 /* " */) {
      let value = ""
      i++
      for (;;) {
        const q = line.indexOf("\"", i)
        if (q < 0) {
          value += line.slice(i)
          i = n
          break
        }
        value += line.slice(i, q)
        if (line.charCodeAt(q + 1) === 34) {
          value += "\""
          i = q + 2
        } else {
          i = q + 1
          break
        }
      }
      fields.push(value)
      const comma = line.indexOf(",", i)
      if (comma < 0) return fields
      i = comma + 1
    } else {
      const comma = line.indexOf(",", i)
      if (comma < 0) {
        fields.push(line.slice(i))
        return fields
      }
      fields.push(line.slice(i, comma))
      i = comma + 1
    }
  }
}

/** The fields of one CSV line (a plain `split` when the line has no quote). */
export const splitLine = (line: string): Array<string> =>
  line.indexOf("\"") < 0 ? line.split(",") : splitQuoted(line)

/** The header's names, trimmed, without a UTF-8 byte-order mark. */
export const headerNames = (line: string): Array<string> =>
  splitLine(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line).map((name) => name.trim())
