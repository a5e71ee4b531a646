/**
 * Decoding at the boundary: a Schema failure becomes an `InvalidInput` that names the field (the first key the
 * Schema rejected), the value found there and what was expected (the Schema's words plus the field's units).
 *
 * @internal
 */
import { InvalidInput } from "@hedgekit/sdk"
import * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
import * as Schema_ from "effect/Schema"
import type * as SchemaIssue from "effect/SchemaIssue"

/** The path of the first `Pointer` in an issue tree (the key a struct rejected), or `[]`. */
const firstPath = (issue: SchemaIssue.Issue): Array<PropertyKey> => {
  const path: Array<PropertyKey> = []
  let i: SchemaIssue.Issue | undefined = issue
  while (i !== undefined) {
    if (i._tag === "Pointer") path.push(...i.path)
    i = "issue" in i ? (i.issue as SchemaIssue.Issue) : "issues" in i ? (i.issues[0] as SchemaIssue.Issue | undefined) : undefined
  }
  return path
}

const valueAt = (input: unknown, path: ReadonlyArray<PropertyKey>): unknown => {
  let v = input
  for (const key of path) v = typeof v === "object" && v !== null ? (v as Record<PropertyKey, unknown>)[key] : undefined
  return v
}

/**
 * Decodes `input` with `schema`; on failure throws `InvalidInput` naming the field. `docs[field]` says what the
 * field means and its unit, appended to the Schema's message.
 */
export const decode = <A>(
  schema: Schema.Decoder<A>,
  input: unknown,
  what: string,
  docs: Readonly<Record<string, string>>
): A => {
  const result = Schema_.decodeUnknownResult(schema)(input, { errors: "first", onExcessProperty: "error" })
  if (Result.isSuccess(result)) return result.success
  const path = firstPath(result.failure.issue)
  const field = path.length === 0 ? what : path.map(String).join(".")
  const said = result.failure.message.split("\n")[0]!.replace(/^Expected /, "").replace(/^no excess property$/, "no field of that name")
  const doc = docs[field]
  throw new InvalidInput({ field, value: valueAt(input, path), expected: doc === undefined ? said : `${said} (${doc})` })
}

/** Throws `InvalidInput` unless `value` is a whole number in `[min, max]`. */
export const wholeNumber = (field: string, value: unknown, min: number, max: number, expected: string): number => {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInput({ field, value, expected })
  }
  return value
}

/** Throws `InvalidInput` unless `[offset, offset + length)` lies within `out`. */
export const checkRange = (out: Float64Array, offset: number, length: number): void => {
  if (!(Number.isInteger(offset) && offset >= 0 && offset <= out.length)) {
    throw new InvalidInput({ field: "offset", value: offset, expected: `a whole index in [0, ${out.length}]` })
  }
  if (!(Number.isInteger(length) && length >= 0 && offset + length <= out.length)) {
    throw new InvalidInput({ field: "length", value: length, expected: `a whole count in [0, ${out.length - offset}]` })
  }
}
