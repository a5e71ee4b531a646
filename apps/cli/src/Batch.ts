/**
 * Runs `price` / `iv` over a stream of rows, reporting progress on stderr when it is a terminal.
 */
import { processRow } from "./Rows.js"
import type { Command } from "./Rows.js"
import { checkReadable, isUnreadable, openWriter, readRows } from "./RowIO.js"
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
  // The input must be readable before the output is created: a typo must not truncate an existing file.
  await checkReadable(input)
  let inputHeader: ReadonlyArray<string> | undefined
  const writer = openWriter(output, outputFormat, extra, inputFormat === "csv" ? () => inputHeader : undefined)
  const progress = process.stderr.isTTY === true
  let rows = 0
  let errors = 0
  for await (const row of readRows(input, inputFormat, (header) => (inputHeader = header))) {
    const result = isUnreadable(row) ? row : processRow(command, row)
    // A failed row carries a new `error` record (an input field of that name passes through unchanged).
    if (isUnreadable(row) || result["error"] !== row["error"]) errors++
    await writer.write(result)
    rows++
    if (progress && rows % 10_000 === 0) process.stderr.write(`\r${command}: ${rows} rows, ${errors} with errors`)
  }
  await writer.close()
  if (progress && rows >= 10_000) process.stderr.write(`\r${command}: ${rows} rows, ${errors} with errors\n`)
  return { rows, errors }
}
