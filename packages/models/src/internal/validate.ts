/**
 * Domain checks shared by the scalar (throwing) and batch (status-writing) entry points. Each check returns a
 * `BatchStatus` code (0 when the row is valid), so that both paths apply exactly the same rules.
 */
import { BatchStatus, InvalidInput } from "@hedgekit/sdk"
import type { EuropeanBatch } from "@hedgekit/sdk"
import type { GreeksColumns } from "../Black76.js"

/** Lognormal models: positive forward/spot and strike. */
export const lognormalRow = (underlying: number, strike: number, expiry: number, rate: number, underlyingCode: number): number => {
  if (!(underlying > 0 && underlying < Infinity)) return underlyingCode
  if (!(strike > 0 && strike < Infinity)) return BatchStatus.INVALID_STRIKE
  return timeAndRate(expiry, rate)
}

/** The normal model allows any finite forward and strike (spreads, rates, negative prices). */
export const normalRow = (forward: number, strike: number, expiry: number, rate: number): number => {
  if (!Number.isFinite(forward)) return BatchStatus.INVALID_FORWARD
  if (!Number.isFinite(strike)) return BatchStatus.INVALID_STRIKE
  return timeAndRate(expiry, rate)
}

const timeAndRate = (expiry: number, rate: number): number => {
  if (!(expiry > 0 && expiry < Infinity)) return BatchStatus.INVALID_EXPIRY
  // The discount factor exp(−rT) must be a positive finite double, or every output would be 0 or ∞.
  const rt = rate * expiry
  if (!(rt > -700 && rt < 700)) return BatchStatus.INVALID_RATE
  return BatchStatus.OK
}

/** A vol > 0 whose total σ·√T is still finite (expiry already checked). */
export const volStatus = (vol: number, expiry: number): number =>
  vol > 0 && vol * Math.sqrt(expiry) < Infinity ? BatchStatus.OK : BatchStatus.INVALID_VOL

/** +1 for a call, −1 for a put; throws for anything else. */
export const optionSign = (type: unknown): number => {
  if (type === "call") return 1
  if (type === "put") return -1
  throw new InvalidInput({ field: "type", value: type, expected: "\"call\" or \"put\"" })
}

/** Throws the row's error when `code` is not OK. */
export const throwIfInvalid = (code: number, value: number): void => {
  if (code !== BatchStatus.OK) throw BatchStatus.toError(code, value)
}

/** The input value a status code blames, for the error message. */
export const blamed = (
  code: number,
  underlying: number,
  strike: number,
  expiry: number,
  rate: number
): number =>
  code === BatchStatus.INVALID_STRIKE
    ? strike
    : code === BatchStatus.INVALID_EXPIRY
    ? expiry
    : code === BatchStatus.INVALID_RATE
    ? rate
    : underlying

/**
 * Checks once per batch call that every column holds at least `length` rows: typed arrays ignore writes past
 * their end and read `undefined` there, so a short column would silently drop results or blame the wrong field.
 */
export const checkColumns = (length: number, columns: Readonly<Record<string, ArrayLike<number> | undefined>>): void => {
  if (!(Number.isInteger(length) && length >= 0)) {
    throw new InvalidInput({ field: "length", value: length, expected: "a whole number of rows ≥ 0" })
  }
  for (const field in columns) {
    const column = columns[field]
    if (column !== undefined && column.length < length) {
      throw new InvalidInput({ field, value: column.length, expected: `a column of at least ${length} rows` })
    }
  }
}

/**
 * {@link checkColumns} for a Greeks batch (option columns, vols, status, outputs) without building the named
 * record unless a column is short: a batch of a few rows (a block of a backtest, a live book) then pays a few
 * comparisons, not an object and a keyed walk.
 */
export const checkGreeksColumns = (input: EuropeanBatch & { readonly vol: ArrayLike<number> }, out: GreeksColumns, status: ArrayLike<number>): void => {
  const n = input.length
  if (
    Number.isInteger(n) && n >= 0 && input.isCall.length >= n && input.forward.length >= n && input.strike.length >= n &&
    input.expiry.length >= n && input.rate.length >= n && input.vol.length >= n && status.length >= n &&
    out.price.length >= n && out.delta.length >= n && out.gamma.length >= n && out.vega.length >= n && out.theta.length >= n &&
    out.rho.length >= n
  ) return
  checkColumns(n, { ...optionColumns(input), vol: input.vol, status, ...outputColumns(out) })
}

/** The Greek output columns, named for {@link checkColumns}. */
export const outputColumns = (out: GreeksColumns): Record<string, Float64Array> => ({
  "out.price": out.price,
  "out.delta": out.delta,
  "out.gamma": out.gamma,
  "out.vega": out.vega,
  "out.theta": out.theta,
  "out.rho": out.rho
})

/** The option columns of a batch, named for {@link checkColumns}. */
export const optionColumns = (input: EuropeanBatch): Record<string, ArrayLike<number>> => ({
  isCall: input.isCall,
  forward: input.forward,
  strike: input.strike,
  expiry: input.expiry,
  rate: input.rate
})
