/**
 * The errors that stop a reader: a file that cannot be read at all, or a header without a column the format
 * needs. (A single bad row never stops a reader: it is counted in the `ReadStats`.)
 *
 * They are `Schema.TaggedError` classes, like the SDK's: plain code may `throw` and `catch` them (they extend
 * `Error`), Effect code sees them in the error channel of `EventSource.toStream`, and both tell them apart by
 * `_tag`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The header row has no column named `column`, which the format needs (`header` is the header as read; empty
 * when the file is empty).
 *
 * @example new MissingColumn({ file: "deribit_options_chain_2020-04-01_OPTIONS.csv.gz", column: "mark_price", format: "tardis/options_chain", header: ["exchange", "symbol"] })
 * @since 0.1.0
 * @category errors
 */
export class MissingColumn extends Schema.TaggedError<MissingColumn>()("MissingColumn", {
  file: Schema.String,
  column: Schema.String,
  format: Schema.String,
  header: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return this.header.length === 0
      ? `${this.file}: the file is empty (no header row); a ${this.format} file needs the column "${this.column}"`
      : `${this.file}: no column "${this.column}" in the header (a ${this.format} file needs it); the header has ${
        this.header.map((name) => JSON.stringify(name)).join(", ")
      }`
  }
}

/**
 * The file cannot be opened or read through (missing, unreadable, or a corrupt or truncated gzip stream).
 *
 * @since 0.1.0
 * @category errors
 */
export class FileUnreadable extends Schema.TaggedError<FileUnreadable>()("FileUnreadable", {
  file: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.file}: cannot be read: ${this.reason}`
  }
}

/**
 * Every error a reader raises.
 *
 * @since 0.1.0
 * @category errors
 */
export type DataError = MissingColumn | FileUnreadable

const tags: ReadonlySet<string> = new Set(["MissingColumn", "FileUnreadable"])

/**
 * Whether a thrown or failed value is one of the reader errors.
 *
 * @since 0.1.0
 * @category guards
 */
export const isDataError = (u: unknown): u is DataError =>
  typeof u === "object" && u !== null && "_tag" in u && typeof u._tag === "string" && tags.has(u._tag)
