import type { Venue } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { assert, describe, it, vi } from "vitest"
import * as Ccxt from "../src/Ccxt.js"
import { loadCcxt } from "../src/internal/ccxt/load.js"

// ccxt is an optional peer dependency: here it is "not installed"
vi.mock("ccxt", () => {
  const error = new Error("Cannot find package 'ccxt' imported from /app/node_modules/@hedgekit/execution/dist/index.js") as Error & { code: string }
  error.code = "ERR_MODULE_NOT_FOUND"
  throw error
})

const config: Ccxt.CcxtConfig = {
  exchange: "okx",
  apiKey: Redacted.make("k-missing-test"),
  secret: Redacted.make("s-missing-test"),
  symbols: { "BTC-USDT-PERP": "BTC/USDT:USDT" }
}

describe("ccxt adapter without ccxt installed", () => {
  it("fails the layer with a typed, non-retryable VenueError saying to install ccxt", async () => {
    const error = await Effect.runPromise(Effect.flip(Effect.scoped(Ccxt.make(config))))
    assert.strictEqual(error._tag, "VenueError")
    assert.deepStrictEqual([error.venue, error.operation, error.code, error.retryable], ["okx", "load", "ccxt-missing", false])
    assert.match(error.detail, /^install ccxt to use the ccxt adapter/)
    const viaLayer = await Effect.runPromise(Effect.flip(Effect.scoped(Effect.asVoid(Effect.provide(Effect.void, Ccxt.layer(config)))))) as Venue.VenueError
    assert.include(viaLayer.detail, "install ccxt to use the ccxt adapter")
  })

  it("says the same for a package Node itself cannot resolve", async () => {
    const error = await Effect.runPromise(Effect.flip(loadCcxt("bybit", () => import(/* @vite-ignore */ ["ccxt", "not", "installed"].join("-")))))
    assert.deepStrictEqual([error.retryable, error.code], [false, "ccxt-missing"])
    assert.match(error.detail, /^install ccxt to use the ccxt adapter .*Cannot find package 'ccxt-not-installed'/)
  })
})
