/**
 * Parameter plumbing shared by the jump-diffusion models: batch parameters that are a number or a column,
 * the typed error for a parameter outside its domain, and the Black-76 rows the models reduce to without jumps.
 *
 * @internal
 */
import { InvalidInput } from "@hedgekit/sdk"
import { wasmGreeksOne } from "./black76Wasm.js"
import { blackGreeksOne, one } from "./blackKernel.js"

/** A batch parameter: one value for every row, or a column (checked to hold `length` rows). */
export const paramColumn = (field: string, value: number | Float64Array, length: number): Float64Array | undefined => {
  if (typeof value === "number") return undefined
  if (!(value instanceof Float64Array) || value.length < length) {
    throw new InvalidInput({
      field,
      value: value instanceof Float64Array ? value.length : value,
      expected: `a number or a Float64Array column of at least ${length} values`
    })
  }
  return value
}

/** Row `i` of a batch parameter resolved by {@link paramColumn}. */
export const paramAt = (column: Float64Array | undefined, scalar: number | Float64Array, i: number): number =>
  column === undefined ? (scalar as number) : column[i]!

/** The typed error for a model parameter outside its domain. */
export const paramError = (field: string, value: number, expected: string): InvalidInput =>
  new InvalidInput({ field, value, expected })

/** Outputs of {@link black76GreeksInto}: the same numbers `Black76.greeks` returns. */
export const blackOne = one

/** Black-76 Greeks of one valid row into {@link blackOne}, by the kernel `Black76.greeks` runs (no allocation). */
export const black76GreeksInto = (q: number, F: number, K: number, T: number, r: number, vol: number): void => {
  if (!wasmGreeksOne(q, F, K, T, r, vol)) blackGreeksOne(q, F, K, T, r, undefined, vol)
}
