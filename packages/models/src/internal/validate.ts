/**
 * Domain checks shared by the scalar (throwing) and batch (status-writing) entry points. Each check returns a
 * `BatchStatus` code (0 when the row is valid), so that both paths apply exactly the same rules.
 */
import { BatchStatus, InvalidInput } from "@hedgekit/sdk"

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

export const volStatus = (vol: number): number => (vol > 0 && vol < Infinity) ? BatchStatus.OK : BatchStatus.INVALID_VOL

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
