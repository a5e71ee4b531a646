/**
 * Runs `price` / `iv` over a stream of rows, reporting progress on stderr when it is a terminal.
 */
import { processRow } from "./Rows.js"
import type { Command } from "./Rows.js"
import { openWriter, readRows } from "./RowIO.js"
import type { Format } from "./RowIO.js"

export interface BatchSummary {
  readonly rows: number
  readonly errors: number
}

export const runBatch = async (
  command: Command,
  input: string,
  inputFormat: Format,
  output: string,
  outputFormat: Format,
  extra: ReadonlyArray<string>
): Promise<BatchSummary> => {
  const writer = openWriter(output, outputFormat, extra)
  const progress = process.stderr.isTTY === true
  let rows = 0
  let errors = 0
  for await (const row of readRows(input, inputFormat)) {
    const result = "error" in row ? row : processRow(command, row)
    if ("error" in result) errors++
    await writer.write(result)
    rows++
    if (progress && rows % 10_000 === 0) process.stderr.write(`\r${command}: ${rows} rows, ${errors} with errors`)
  }
  await writer.close()
  if (progress && rows >= 10_000) process.stderr.write(`\r${command}: ${rows} rows, ${errors} with errors\n`)
  return { rows, errors }
}
