import type { Venue } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "vitest"
import * as Journal from "../src/Journal.js"
import * as Recovery from "../src/Recovery.js"
import { configFor, withCcxt } from "./support/ccxtHarness.js"
import { FakeOkx, OKX_SYMBOLS } from "./support/ccxtOkx.js"

const PERP = "BTC-USDT-PERP"

describe("ccxt adapter: crash recovery (Journal + Recovery over OKX)", () => {
  it("resolves a lost answer, marks an unsent intent, cancels a stale resting order with the fill it made meanwhile, and reports positions", async () => {
    const fake = new FakeOkx()
    const config = configFor(fake, "okx", OKX_SYMBOLS)
    const journal = Journal.open(join(mkdtempSync(join(tmpdir(), "hk-ccxt-recovery-")), "journal.sqlite"))
    const t0 = Date.now()
    const lost: Venue.OrderRequest = { clientOrderId: "hk-a-1", symbol: PERP, side: "buy", quantity: 2, type: "market", validUntilMs: t0 + 5_000 }
    const never: Venue.OrderRequest = { clientOrderId: "hk-a-2", symbol: PERP, side: "buy", quantity: 1, type: "market", validUntilMs: t0 - 10_000 }
    const resting: Venue.OrderRequest = { clientOrderId: "hk-a-3", symbol: PERP, side: "sell", quantity: 3, type: "limit", limitPrice: 101_000 }
    // the first process: sends `lost` and dies before journalling the answer; `never` was journalled but not sent
    await withCcxt(config, (v) =>
      Effect.gen(function*() {
        journal.recordIntent(never, t0 - 20_000)
        journal.recordIntent(lost, t0)
        yield* v.place(lost)
        journal.recordIntent(resting, t0)
        journal.recordUpdate(yield* v.place(resting), t0)
      }))
    // while it is down, the resting order fills in part
    fake.ledger.fill(fake.ledger.byClientId("hkQhaQh3")[0]!.id, 1, 101_000, "maker")
    // the second process recovers with a fresh adapter (nothing cached: every answer comes from OKX)
    const report = await withCcxt(config, (v) => Recovery.recover(journal, v, { prefix: "hk-", sinceMs: t0 - 60_000 }))
    assert.sameDeepMembers([...report.resolved], [{ clientOrderId: "hk-a-1", state: "filled" }, { clientOrderId: "hk-a-3", state: "cancelled" }])
    assert.deepStrictEqual(report.unsent, ["hk-a-2"])
    assert.deepStrictEqual(report.cancelled, ["hk-a-3"])
    assert.deepStrictEqual(report.positions, [{ symbol: PERP, quantity: 1 }])
    assert.deepStrictEqual(
      journal.intents().map((i) => [i.clientOrderId, i.state, i.filledQuantity]).sort(),
      [["hk-a-1", "filled", 2], ["hk-a-2", "unsent", 0], ["hk-a-3", "cancelled", 1]]
    )
    // every fill of ours at the venue is in the journal, once
    assert.sameDeepMembers(journal.fills().map((f) => [f.clientOrderId, f.quantity, f.liquidity]), [["hk-a-1", 2, "taker"], ["hk-a-3", 1, "maker"]])
    assert.strictEqual(fake.ledger.orders.find((o) => o.clientId === "hkQhaQh3")!.state, "cancelled")
    assert.strictEqual(journal.unresolved().length, 0)
    journal.close()
  })
})
