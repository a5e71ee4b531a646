import type { Venue } from "@hedgekit/sdk"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import { inspect } from "node:util"
import { afterEach, assert, describe, it } from "vitest"
import * as Deribit from "../src/Deribit.js"
import { collect, configFor, PERP, startFake, until } from "./support/deribitHarness.js"
import type { FakeDeribit } from "./support/fakeDeribit.js"

const SECRET = "s3cr3t-VALUE-never-log-me"
const WRONG = "wr0ng-s3cr3t-never-log-me-either"

let fake: FakeDeribit | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

/** Everything written to stdout, stderr and the console while `f` runs. */
const captureOutput = async <A>(f: () => Promise<A>): Promise<{ value: A; output: string }> => {
  const chunks: Array<string> = []
  const stdout = process.stdout.write.bind(process.stdout)
  const stderr = process.stderr.write.bind(process.stderr)
  const methods = ["log", "info", "warn", "error", "debug", "trace"] as const
  const saved = methods.map((m) => console[m])
  process.stdout.write = ((chunk: unknown) => {
    chunks.push(String(chunk))
    return true
  }) as typeof process.stdout.write
  process.stderr.write = ((chunk: unknown) => {
    chunks.push(String(chunk))
    return true
  }) as typeof process.stderr.write
  for (const m of methods) console[m] = (...args: Array<unknown>) => chunks.push(args.map((a) => inspect(a, { depth: 8 })).join(" "))
  try {
    const value = await f()
    return { value, output: chunks.join("\n") }
  } finally {
    process.stdout.write = stdout
    process.stderr.write = stderr
    methods.forEach((m, i) => {
      console[m] = saved[i]!
    })
  }
}

describe("Deribit adapter: credentials stay secret", () => {
  it("never shows the client secret (or tokens) in logs, console output, errors, events or toString", async () => {
    const f = await startFake({ clientSecret: SECRET, tokenTtlSec: 0.3 })
    fake = f
    const logs: Array<string> = []
    const logger = Logger.make((options) => {
      logs.push(`${options.logLevel} ${inspect(options.message, { depth: 8 })} ${Cause.pretty(options.cause)}`)
    })
    const config = configFor(f, { heartbeatIntervalSec: 0.1, orderTimeoutMs: 200, tokenRefreshAt: 0.5 })
    const seen: Array<string> = []
    const show = (value: unknown) => {
      seen.push(String(value), inspect(value, { depth: 10, showHidden: true }))
      try {
        seen.push(JSON.stringify(value) ?? "")
      } catch {
        // circular: inspect covers it
      }
    }
    const market = (clientOrderId: string): Venue.OrderRequest => ({ clientOrderId, symbol: PERP, side: "buy", quantity: 1, type: "market" })

    const { output } = await captureOutput(() =>
      Effect.runPromise(Effect.gen(function*() {
        const d = yield* Deribit.make(config)
        const events = yield* collect(d.events)
        show(d)
        show(config)
        show(config.clientSecret)
        yield* d.place(market("hk-s1"))
        // re-authentication after 13009, refreshes, a dropped connection with an order in flight, a timeout
        f.faults.expireTokens()
        yield* d.place(market("hk-s2"))
        f.faults.dropConnection({ method: "private/buy", when: "after" })
        show(yield* Effect.flip(d.place(market("hk-s3"))))
        yield* until(() => events.some((e) => e._tag === "Reconnected"), "the reconnect")
        f.faults.delayResponse({ method: "private/sell", ms: 400 })
        show(yield* Effect.flip(d.place({ ...market("hk-s4"), side: "sell" })))
        show(yield* Effect.flip(d.place({ ...market("hk-s5"), type: "limit", limitPrice: 100_200, postOnly: true })))
        yield* until(() => f.requests("public/auth").filter((r) => r.params.grant_type === "refresh_token").length >= 2, "refreshes")
        show(events)
      }).pipe(
        Effect.scoped,
        Effect.provide(Logger.layer([logger])),
        Effect.provideService(References.MinimumLogLevel, "All")
      ))
    )
    // a wrong secret: the failure names the code, not the secret
    const { value: failed, output: output2 } = await captureOutput(() =>
      Effect.runPromiseExit(Effect.scoped(Deribit.make(configFor(f, { clientSecret: Redacted.make(WRONG) }))).pipe(
        Effect.provide(Logger.layer([logger])),
        Effect.provideService(References.MinimumLogLevel, "All")
      )))
    assert.isTrue(Exit.isFailure(failed))
    if (Exit.isFailure(failed)) {
      show(failed.cause)
      show(Cause.pretty(failed.cause))
      show(Cause.squash(failed.cause))
    }

    const everything = [output, output2, ...logs, ...seen].join("\n")
    assert.isAbove(logs.length, 0, "the logger captured the reconnect warnings")
    assert.include(everything, "connection lost")
    assert.include(everything, "13004")
    assert.notInclude(everything, SECRET)
    assert.notInclude(everything, WRONG)
    // the fake's tokens look like "access-…" / "refresh-…"
    assert.notMatch(everything, /access-\d+-\d+-/)
    assert.notMatch(everything, /refresh-\d+-\d+-/)
  })
})
