// Fault injection against the live loop: the loop (journal, recovery, Deribit adapter) runs the crash tape against a
// fake Deribit that misbehaves — connections dropped before and after an order, an answer that never comes while the
// order is placed, 10028 rate limits, 10041 settlement in progress, tokens expiring, every connection cut mid-run —
// and is restarted whenever it stops on a venue error, until it finishes. Each time it converges: no label sent twice,
// every intent resolved, and the hedge the policy wants.
import { Replay } from "@hedgekit/backtest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Stream from "effect/Stream"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import * as Deribit from "../src/Deribit.js"
import * as Journal from "../src/Journal.js"
import * as LiveLoop from "../src/LiveLoop.js"
import { crashConfig, crashHedge, crashTape } from "./support/crashTape.js"
import { FakeDeribit } from "./support/fakeDeribit.js"

const ORDER = /^private\/(buy|sell)$/

type Fired = keyof ReturnType<FakeDeribit["faults"]["fired"]>
const faults: ReadonlyArray<readonly [name: string, inject: (fake: FakeDeribit) => void, fired: Fired]> = [
  ["connection dropped before an order is processed", (f) => f.faults.dropConnection({ method: ORDER, when: "before", count: 2 }), "dropBefore"],
  ["connection dropped after an order is placed, before its answer", (f) => f.faults.dropConnection({ method: ORDER, when: "after", count: 2 }), "dropAfter"],
  ["answer never comes while the order is placed (timeout)", (f) => f.faults.delayResponse({ method: ORDER, ms: Infinity, count: 2 }), "delayResponse"],
  ["10028 too_many_requests", (f) => f.faults.rateLimit(3), "rateLimited"],
  ["10041 settlement in progress", (f) => f.faults.settlement(300), "settlement"],
  ["every access token expires mid-run (at the third order)", (f) => f.faults.at({ method: ORDER, nth: 3 }, () => f.faults.expireTokens()), "expiredToken"],
  ["every connection cut mid-run (at the third order)", (f) => f.faults.at({ method: ORDER, nth: 3 }, () => f.faults.disconnectAll()), "disconnected"]
]

/** Runs the loop once on `journal`; its exit. */
const runOnce = (fake: FakeDeribit, journal: string) =>
  Effect.runPromiseExit(
    LiveLoop.run(Stream.fromIterable(crashTape()), {
      ...crashConfig(), prefix: "fault", clock: "wall", validForMs: 400, recoverySkewMs: 300, killSwitch: { settlementPause: false }
    }).pipe(
      Effect.provide(Journal.layer(journal)),
      Effect.provide(Deribit.layer({
        url: fake.url, clientId: Redacted.make("fake-client-id"), clientSecret: Redacted.make("fake-client-secret"), labelPrefix: "fault-",
        heartbeatIntervalSec: 0, requestTimeoutMs: 1_000, orderTimeoutMs: 250, connectTimeoutMs: 1_000, rateLimitBackoffMs: 30,
        reconnect: { initialDelayMs: 20, maxDelayMs: 100 }
      })),
      Effect.scoped,
      Effect.provideService(References.MinimumLogLevel, "Error")
    )
  )

describe("the live loop under venue faults", async () => {
  const intended = (await Replay.run(crashTape(), crashConfig())).engine.account.hedge[0]!

  for (const [name, inject, fired] of faults) {
    it(`converges: ${name}`, async () => {
      const fake = await FakeDeribit.start({ minHeartbeatSec: 0.05 })
      try {
        const level = (price: number): [number, number] => [price, 100_000_000]
        fake.setBook(crashHedge.symbol, { bids: [level(99_990)], asks: [level(100_010)] })
        const journal = join(mkdtempSync(join(tmpdir(), "hk-fault-")), "fault.journal")
        inject(fake)
        let attempts = 0
        let exit = await runOnce(fake, journal)
        // a venue error stops the loop; the next start recovers and goes on
        while (Exit.isFailure(exit) && attempts++ < 8) exit = await runOnce(fake, journal)
        expect(Exit.isSuccess(exit), String(Exit.isFailure(exit) ? exit.cause : "")).toBe(true)
        // the fault really acted on the run (else this case would test nothing)
        expect(fake.faults.fired()[fired], `${fired} fired`).toBeGreaterThan(0)
        const ours = fake.exchange.orders().filter((o) => o.label.startsWith("fault-"))
        const labels = ours.map((o) => o.label)
        expect(new Set(labels).size).toBe(labels.length)
        const file = Journal.open(journal)
        expect(file.unresolved()).toEqual([])
        for (const o of ours) expect(file.intent(o.label), o.label).toBeDefined()
        file.close()
        const position = fake.exchange.positions().find((p) => p.instrument_name === crashHedge.symbol)
        expect(Number(position?.["size"] ?? 0) / crashHedge.contractSize).toBe(intended)
      } finally {
        await fake.close()
      }
    }, 120_000)
  }
})
