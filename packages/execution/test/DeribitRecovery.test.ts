import * as Effect from "effect/Effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, assert, describe, it } from "vitest"
import * as Journal from "../src/Journal.js"
import * as Recovery from "../src/Recovery.js"
import { configFor, PERP, startFake, until, withDeribit } from "./support/deribitHarness.js"
import type { FakeDeribit } from "./support/fakeDeribit.js"

let fake: FakeDeribit | undefined
let dir: string | undefined
afterEach(async () => {
  await fake?.close()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  fake = undefined
  dir = undefined
})

describe("crash recovery (Journal + Recovery) against the Deribit adapter", () => {
  it("an order whose answer was lost is found by label; one the venue never saw becomes unsent after valid-until; nothing is resent", async () => {
    const f = await startFake()
    fake = f
    dir = mkdtempSync(join(tmpdir(), "hk-deribit-"))
    const journal = Journal.open(join(dir, "journal.db"))
    const config = configFor(f, { labelPrefix: "hk-r" })
    // session 1: two orders lose their answers (one executed, one never reached the venue), then the process "dies"
    await withDeribit(config, (d) =>
      Effect.gen(function*() {
        const venue = Journal.journalled(d, journal, { validForMs: 400 })
        f.faults.dropConnection({ method: "private/buy", when: "after" })
        const lost = yield* Effect.flip(venue.place({ clientOrderId: "hk-r-1", symbol: PERP, side: "buy", quantity: 4, type: "market" }))
        assert.strictEqual(lost.code, "connection-lost")
        yield* until(() => f.connectionCount === 1, "the reconnect")
        yield* Effect.sleep("50 millis")
        f.faults.dropConnection({ method: "private/sell", when: "before" })
        const neverSent = yield* Effect.flip(venue.place({ clientOrderId: "hk-r-2", symbol: PERP, side: "sell", quantity: 1, type: "market" }))
        assert.strictEqual(neverSent.code, "connection-lost")
      }))
    assert.deepStrictEqual(journal.unresolved().map((i) => i.clientOrderId), ["hk-r-1", "hk-r-2"])
    // session 2: a new process recovers before trading
    const report = await withDeribit(config, (d) => Recovery.recover(journal, d, { prefix: "hk-r", skewMs: 100, sinceMs: Date.now() - 60_000 }))
    assert.deepStrictEqual(report.resolved, [{ clientOrderId: "hk-r-1", state: "filled" }])
    assert.deepStrictEqual(report.unsent, ["hk-r-2"])
    assert.deepStrictEqual(report.positions.map((p) => [p.symbol, p.quantity]), [[PERP, 4]])
    assert.strictEqual(journal.fills().length, 1)
    assert.strictEqual(journal.fills()[0]!.clientOrderId, "hk-r-1")
    assert.strictEqual(f.requests("private/buy").length, 1)
    assert.strictEqual(f.requests("private/sell").length, 1)
    assert.strictEqual(f.orders().length, 1)
    journal.close()
  })
})
