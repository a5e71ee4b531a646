/**
 * Loading ccxt. It is an optional peer dependency (about 60 MB), so it is imported dynamically when a ccxt layer
 * is built — never at the top of a module — and its absence is a typed `VenueError`.
 */
import { Venue } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import type { CcxtExchange, CcxtModule, ErrorClass } from "./types.js"

/** The advice every "ccxt is missing" error carries. */
export const INSTALL_ADVICE = "install ccxt to use the ccxt adapter (it is an optional peer dependency of @hedgekit/execution: `pnpm add ccxt` / `npm i ccxt`)"

const NOT_FOUND_CODES = new Set(["ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND", "ERR_PACKAGE_PATH_NOT_EXPORTED"])

/** Whether a failed import means the package is not installed (rather than broken); loaders may wrap the cause. */
export const isMissingModule = (error: unknown, depth = 0): boolean => {
  if (typeof error !== "object" || error === null || depth > 4) return false
  const { code, cause } = error as { code?: unknown; cause?: unknown }
  if (typeof code === "string" && NOT_FOUND_CODES.has(code)) return true
  const message = error instanceof Error ? error.message : String(error)
  if (/cannot find (package|module) ['"]?ccxt|failed to (load|resolve)( import)? ['"]?ccxt/i.test(message)) return true
  return isMissingModule(cause, depth + 1)
}

const ERROR_NAMES = [
  "BaseError", "ExchangeError", "AuthenticationError", "PermissionDenied", "AccountNotEnabled", "AccountSuspended", "ArgumentsRequired",
  "BadRequest", "BadSymbol", "OperationRejected", "MarketClosed", "InsufficientFunds", "InvalidOrder", "OrderNotFound", "OrderNotCached",
  "OrderImmediatelyFillable", "OrderNotFillable", "DuplicateOrderId", "ContractUnavailable", "NotSupported", "OperationFailed", "NetworkError",
  "DDoSProtection", "RateLimitExceeded", "ExchangeNotAvailable", "OnMaintenance", "InvalidNonce", "ChecksumError", "RequestTimeout",
  "BadResponse", "NullResponse", "CancelPending"
] as const

/** The adapter's view of a loaded `ccxt` module namespace. */
export const fromNamespace = (namespace: Record<string, unknown>): CcxtModule => {
  const root = (typeof namespace.default === "object" && namespace.default !== null ? namespace.default : {}) as Record<string, unknown>
  const pick = (name: string): unknown => namespace[name] ?? root[name]
  const errors: Record<string, ErrorClass | undefined> = {}
  for (const name of ERROR_NAMES) {
    const candidate = pick(name)
    errors[name] = typeof candidate === "function" ? candidate as ErrorClass : undefined
  }
  const version = pick("version")
  return {
    version: typeof version === "string" ? version : undefined,
    exchange: (id) => {
      const ctor = pick(id)
      return typeof ctor === "function" ? ctor as new(config: Record<string, unknown>) => CcxtExchange : undefined
    },
    errors
  }
}

/**
 * Imports ccxt (or what `importer` returns, for tests of the failure path) and fails with a non-retryable
 * `VenueError` when it is not installed or cannot be loaded.
 */
export const loadCcxt = (
  venue: string,
  importer: () => Promise<unknown> = () => import("ccxt")
): Effect.Effect<CcxtModule, Venue.VenueError> =>
  Effect.tryPromise({
    try: async () => fromNamespace((await importer()) as Record<string, unknown>),
    catch: (error) =>
      new Venue.VenueError({
        venue,
        operation: "load",
        code: "ccxt-missing",
        retryable: false,
        detail: isMissingModule(error)
          ? `${INSTALL_ADVICE}: ${error instanceof Error ? error.message : String(error)}`
          : `ccxt could not be loaded (${error instanceof Error ? error.message : String(error)}); ${INSTALL_ADVICE}`
      })
  })
