import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { existsSync } from "node:fs"
import { assert, describe, it } from "vitest"
import type { FakeOrder } from "./support/fakeDeribit.js"
import { bundleFakeDeribit, callFake, spawnFakeDeribit } from "./support/fakeDeribitBundle.js"
import { PERP, PERP_BOOK, withDeribit } from "./support/deribitHarness.js"

describe("the fake Deribit as a separate process", () => {
  it("bundles to .cache/fakeDeribit.mjs, runs under plain node, keeps its state across client sessions, reports its order log", async () => {
    const bundle = await bundleFakeDeribit()
    assert.isTrue(bundle.endsWith(".cache/fakeDeribit.mjs") && existsSync(bundle))
    const fake = await spawnFakeDeribit(bundle, ["--port", "0", "--client-secret", "process-secret", "--min-heartbeat", "0.05"])
    try {
      assert.strictEqual(await callFake(fake.url, "fake/set_book", { instrument_name: PERP, ...PERP_BOOK }), "ok")
      const config = {
        url: fake.url, clientId: Redacted.make("fake-client-id"), clientSecret: Redacted.make("process-secret"), heartbeatIntervalSec: 0.1,
        reconnect: { initialDelayMs: 20, maxDelayMs: 100 }
      }
      // a client session places an order and goes away (as a crashed process would)
      await withDeribit(config, (d) => d.place({ clientOrderId: "hk-proc-1", symbol: PERP, side: "buy", quantity: 2, type: "market" }))
      await withDeribit(config, (d) => Effect.asVoid(d.place({ clientOrderId: "hk-proc-2", symbol: PERP, side: "buy", quantity: 1, type: "limit", limitPrice: 90_000 })))
      // the next session finds both: the fill, and the resting order that cancel-on-disconnect took
      const [first, second] = await withDeribit(config, (d) => Effect.all([d.resolveByLabel("hk-proc-1"), d.orderStateByLabel("hk-proc-2")]))
      assert.strictEqual(first._tag, "Found")
      if (first._tag === "Found") assert.deepStrictEqual([first.orders[0]!.state, first.orders[0]!.filledQuantity], ["filled", 2])
      assert.deepStrictEqual([second[0]!.state, second[0]!.reason], ["cancelled", "cancel_on_disconnect"])
      const log = await callFake(fake.url, "fake/orders") as Array<FakeOrder>
      assert.deepStrictEqual(log.map((o) => [o.label, o.order_state]), [["hk-proc-1", "filled"], ["hk-proc-2", "cancelled"]])
      const byLabel = await callFake(fake.url, "fake/orders", { label: "hk-proc-1" }) as Array<FakeOrder>
      assert.strictEqual(byLabel.length, 1)
    } finally {
      await fake.stop()
    }
    assert.notStrictEqual(fake.child.exitCode ?? fake.child.signalCode, null)
  })
})
