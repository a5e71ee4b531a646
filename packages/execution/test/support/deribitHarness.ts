/**
 * Helpers for the Deribit adapter's tests: a fake on loopback, an adapter config pointing at it (short timeouts
 * and backoffs), running a scoped program against the adapter, and polling.
 */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Deribit from "../../src/Deribit.js"
import { FakeDeribit, type FakeDeribitOptions } from "./fakeDeribit.js"

export const PERP = "BTC-PERPETUAL"

/** A perpetual book around 100 000 USD: amounts in USD (multiples of 10). */
export const PERP_BOOK = {
  bids: [[99_990, 5_000], [99_980, 10_000], [99_950, 50_000]] as Array<[number, number]>,
  asks: [[100_010, 5_000], [100_020, 10_000], [100_050, 50_000]] as Array<[number, number]>
}

export const startFake = async (options: FakeDeribitOptions = {}): Promise<FakeDeribit> => {
  const fake = await FakeDeribit.start({ minHeartbeatSec: 0.05, clientSecret: "s3cr3t-VALUE-never-log-me", ...options })
  fake.setBook(PERP, PERP_BOOK)
  return fake
}

export const configFor = (fake: FakeDeribit, overrides: Partial<Deribit.DeribitConfig> = {}): Deribit.DeribitConfig => ({
  url: fake.url,
  clientId: Redacted.make(fake.credentials.clientId),
  clientSecret: Redacted.make(fake.credentials.clientSecret),
  heartbeatIntervalSec: 0,
  requestTimeoutMs: 2_000,
  orderTimeoutMs: 800,
  connectTimeoutMs: 2_000,
  rateLimitBackoffMs: 40,
  reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  ...overrides
})

/** Runs `f` with a connected adapter; closes it afterwards. */
export const withDeribit = <A, E>(
  config: Deribit.DeribitConfig,
  f: (deribit: Deribit.DeribitService) => Effect.Effect<A, E, Scope.Scope>
): Promise<A> =>
  Effect.runPromise(Effect.scoped(Effect.flatMap(Deribit.make(config), f)).pipe(
    // the adapter warns on every reconnect; the tests provoke many
    Effect.provideService(References.MinimumLogLevel, process.env.DERIBIT_TEST_LOGS === "1" ? "All" : "Error")
  ))

/** Polls `predicate` every 10 ms until it holds; fails after `timeoutMs`. */
export const until = (predicate: () => boolean, what: string, timeoutMs = 5_000): Effect.Effect<void, Error> =>
  Effect.gen(function*() {
    const start = Date.now()
    while (!predicate()) {
      if (Date.now() - start > timeoutMs) return yield* Effect.fail(new Error(`timed out waiting for ${what}`))
      yield* Effect.sleep("10 millis")
    }
  })

/** Collects a stream's elements into an array in the background (until the scope closes). */
export const collect = <A, E>(stream: Stream.Stream<A, E>): Effect.Effect<Array<A>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const out: Array<A> = []
    yield* Effect.forkScoped(Stream.runForEach(stream, (a) => Effect.sync(() => out.push(a))))
    yield* Effect.sleep("30 millis")
    return out
  })

export const interrupt = Fiber.interrupt
