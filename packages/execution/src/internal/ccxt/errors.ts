/**
 * ccxt exceptions → the SDK's `VenueError`.
 *
 * `retryable` follows ccxt's hierarchy (DOMAIN §3.4): everything under `NetworkError` — `RateLimitExceeded`,
 * `DDoSProtection`, `ExchangeNotAvailable`, `OnMaintenance`, `RequestTimeout`, `InvalidNonce` — and
 * `CancelPending` may succeed when sent again (for an order-creating call: after reconciliation, since the venue
 * may have executed it); `ExchangeError` and its subclasses (`InvalidOrder`, `InsufficientFunds`, `BadRequest`,
 * `AuthenticationError`, `NotSupported`, …), `BadResponse` and anything that is not a ccxt error will not.
 *
 * `code` is the venue's own error code when the message carries the venue's answer (OKX `sCode`/`code`, Bybit
 * `retCode`, Binance `code`, Deribit `error.code`), else `http-<status>` for a bare HTTP failure.
 *
 * Every detail is scrubbed of the credentials' values before it leaves the adapter.
 */
import { Venue } from "@hedgekit/sdk"
import type { CcxtModule } from "./types.js"

/** Most specific first: the first class an error is an instance of names it. */
const ORDER = [
  "RateLimitExceeded", "DDoSProtection", "OnMaintenance", "ExchangeNotAvailable", "RequestTimeout", "ChecksumError", "InvalidNonce", "NetworkError",
  "CancelPending", "NullResponse", "BadResponse", "OperationFailed",
  "InsufficientFunds", "OrderNotFound", "OrderNotCached", "OrderImmediatelyFillable", "OrderNotFillable", "DuplicateOrderId", "ContractUnavailable",
  "InvalidOrder", "AccountNotEnabled", "PermissionDenied", "AccountSuspended", "AuthenticationError", "BadSymbol", "BadRequest", "ArgumentsRequired",
  "MarketClosed", "OperationRejected", "NotSupported", "ExchangeError", "BaseError"
] as const

export type CcxtErrorName = (typeof ORDER)[number]

const RETRYABLE: ReadonlySet<string> = new Set([
  "RateLimitExceeded", "DDoSProtection", "OnMaintenance", "ExchangeNotAvailable", "RequestTimeout", "ChecksumError", "InvalidNonce", "NetworkError",
  "CancelPending"
])

/** The ccxt class an error belongs to (most specific), or `undefined` for an error that is not ccxt's. */
export const classify = (module: CcxtModule, error: unknown): CcxtErrorName | undefined => {
  if (!(error instanceof Error)) return undefined
  for (const name of ORDER) {
    const cls = module.errors[name]
    if (cls !== undefined && error instanceof cls) return name
  }
  return undefined
}

/** Whether ccxt's class says the same request may succeed later. */
export const isRetryable = (name: string | undefined): boolean => name !== undefined && RETRYABLE.has(name)

const firstJson = (message: string): unknown => {
  const start = message.indexOf("{")
  if (start < 0) return undefined
  const end = message.lastIndexOf("}")
  if (end <= start) return undefined
  try {
    return JSON.parse(message.slice(start, end + 1))
  } catch {
    return undefined
  }
}

const str = (x: unknown): string | undefined =>
  typeof x === "string" && x.length > 0 ? x : typeof x === "number" && Number.isFinite(x) ? String(x) : undefined

/** The venue's error code in a ccxt message (which carries the venue's response body), if any. */
export const venueCode = (exchangeId: string, message: string): string | undefined => {
  const fromBody = bodyCode(exchangeId, firstJson(message))
  if (fromBody !== undefined) return fromBody
  // handleHttpStatusCode: "<id> <METHOD> <url> <status> <reason> <body>"
  const http = /\shttps?:\/\/\S+\s(\d{3})(\s|$)/.exec(message)
  return http !== null ? `http-${http[1]}` : undefined
}

const bodyCode = (exchangeId: string, parsed: unknown): string | undefined => {
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    const body = parsed as Record<string, unknown>
    switch (exchangeId) {
      case "okx": {
        const data = Array.isArray(body.data) ? body.data as Array<Record<string, unknown>> : []
        const sCode = data.map((d) => str(d?.sCode)).find((c) => c !== undefined && c !== "0")
        return sCode ?? str(body.code)
      }
      case "bybit":
        return str(body.retCode) ?? str(body.ret_code)
      case "deribit": {
        const error = body.error as Record<string, unknown> | undefined
        return str(error?.code) ?? str(body.code)
      }
      default:
        return str(body.code)
    }
  }
  return undefined
}

/** `text` with every secret value (and any request signature a URL carries) replaced by `<redacted>`. */
export const scrub = (text: string, secrets: ReadonlyArray<string>): string => {
  let out = text.replace(/([?&](?:signature|sign)=)[^&\s"']+/gi, "$1<redacted>")
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("<redacted>")
  }
  return out
}

export interface ErrorContext {
  readonly module: CcxtModule
  readonly venue: string
  readonly exchangeId: string
  readonly secrets: ReadonlyArray<string>
}

/** A thrown value from a ccxt call → `VenueError`. */
export const toVenueError = (context: ErrorContext, operation: string, error: unknown): Venue.VenueError => {
  if (error instanceof Venue.VenueError) return error
  const name = classify(context.module, error)
  const raw = error instanceof Error ? error.message : String(error)
  const message = scrub(raw, context.secrets)
  const code = name === undefined ? undefined : venueCode(context.exchangeId, message)
  return new Venue.VenueError({
    venue: context.venue,
    operation,
    ...(code !== undefined ? { code } : {}),
    retryable: isRetryable(name),
    detail: `${name ?? (error instanceof Error ? error.name : "Error")}: ${message}`
  })
}

/** The ccxt class name of an error, for control flow (e.g. `OrderNotFound` while searching). */
export const isA = (context: ErrorContext, error: unknown, ...names: ReadonlyArray<CcxtErrorName>): boolean => {
  for (const name of names) {
    const cls = context.module.errors[name]
    if (cls !== undefined && error instanceof cls) return true
  }
  return false
}
