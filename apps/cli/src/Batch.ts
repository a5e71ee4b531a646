/**
 * Runs `price` / `iv` / `greeks` over a stream of rows, reporting progress on stderr when it is a terminal.
 */
import { evaluateRow } from "./Rows.js"
import type { Command, Units } from "./Rows.js"
import { checkInputAndOutput, openWriter, readError, readRows } from "./RowIO.js"
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
  extra: ReadonlyArray<string>,
  units: Units = "raw"
): Promise<BatchSummary> => {
  // The input must be readable (and not the output) before the output is created: a typo must not truncate a file.
  await checkInputAndOutput(input, output)
  let inputHeader: ReadonlyArray<string> | undefined
  const writer = openWriter(output, outputFormat, extra, inputFormat === "csv" ? () => inputHeader : undefined)
  const progress = process.stderr.isTTY === true
  let rows = 0
  let errors = 0
  for await (const row of readRows(input, inputFormat, (header) => (inputHeader = header))) {
    const unreadable = readError(row)
    const outcome = unreadable !== undefined ? { error: unreadable } : evaluateRow(command, row, units)
    if (outcome.error !== undefined) errors++
    await writer.write(row, outcome)
    rows++
    if (progress && rows % 10_000 === 0) process.stderr.write(`\r${command}: ${rows} rows, ${errors} with errors`)
  }
  await writer.close()
  if (progress && rows >= 10_000) process.stderr.write(`\r${command}: ${rows} rows, ${errors} with errors\n`)
  return { rows, errors }
}
