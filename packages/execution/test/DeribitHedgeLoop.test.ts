import { HedgeLoop, type Replay } from "@hedgekit/backtest"
import { Policies } from "@hedgekit/hedging"
import { type MarketEvent, RebalancePolicy } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { assert, describe, it } from "vitest"
import * as Deribit from "../src/Deribit.js"
import { configFor, PERP, startFake } from "./support/deribitHarness.js"

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 2, 2)
const EXPIRY = T0 + 30 * HOUR

/** A small synthetic tape: hourly index and perpetual on a deterministic zig-zag, two option snapshots, a settlement. */
const tape = (): Array<MarketEvent.MarketEvent> => {
  const events: Array<MarketEvent.MarketEvent> = []
  for (let h = 0; h * HOUR + T0 <= EXPIRY; h++) {
    const t = T0 + h * HOUR
    const S = 100_000 * (1 + 0.012 * Math.sin(h / 2.5))
    events.push({ kind: "index", timeMs: t, underlying: "BTC", price: S })
    events.push({ kind: "perpetual", timeMs: t, symbol: PERP, underlying: "BTC", mark: S })
    if (h % 12 === 0 && t < EXPIRY) {
      for (const optionType of ["call", "put"] as const) {
        events.push({
          kind: "option", timeMs: t, symbol: `BTC-100000-${optionType === "call" ? "C" : "P"}`, underlying: "BTC", optionType, strike: 100_000,
          expiryMs: EXPIRY, settlement: "inverse", premiumUnit: "coin", mark: 0.01, markVol: 0.5, forward: S, index: S
        })
      }
    }
  }
  events.push({ kind: "settlement", timeMs: EXPIRY, underlying: "BTC", expiryMs: EXPIRY, price: 100_000 })
  return events.sort((a, b) => a.timeMs - b.timeMs)
}

describe("the hedge loop drives the Deribit adapter", () => {
  it("every hedge order reaches the venue once, as 10-USD contracts, and the venue's position is the loop's", async () => {
    const fake = await startFake()
    // deep outside liquidity on both sides
    fake.setBook(PERP, { bids: [[99_990, 10_000_000]], asks: [[100_010, 10_000_000]] })
    try {
      const config: Replay.ReplayConfig & HedgeLoop.HedgeLoopConfig = {
        legs: [{ symbol: "BTC-100000-C", quantity: -5 }, { symbol: "BTC-100000-P", quantity: -5 }],
        openMs: T0,
        hedge: { kind: "perpetual", symbol: PERP, underlying: "BTC", settlement: "inverse", contractSize: 10 },
        costs: { lot: 1, fees: { maker: 0, taker: 0.0005 }, halfSpread: 0.00005 },
        policy: RebalancePolicy.configure(Policies.timeInterval, { intervalMinutes: 60, alignToUtc: false }),
        accounting: "usd",
        spot: "index",
        smile: "sticky-moneyness",
        optionFees: { maker: 0.0003, taker: 0.0003, premiumCap: 0.125 },
        orderIdPrefix: "hk-loop"
      }
      const result = await Effect.runPromise(HedgeLoop.run(Stream.fromIterable(tape()), config).pipe(Effect.provide(Deribit.layer(configFor(fake, { rateLimits: { matching: { ratePerSec: 100, burst: 100 } } })))))
      assert.isAbove(result.orders.length, 3)
      assert.isTrue(result.orders.every((o) => o.state === "filled"))
      assert.strictEqual(result.fills, result.orders.length)
      const sent = fake.orders()
      assert.deepStrictEqual(sent.map((o) => o.label), result.orders.map((o) => o.clientOrderId))
      assert.deepStrictEqual(sent.map((o) => o.amount), result.orders.map((o) => o.quantity * 10))
      const net = result.orders.reduce((sum, o) => sum + (o.side === "buy" ? o.quantity : -o.quantity), 0)
      const position = fake.exchange.positions("BTC").find((p) => p.instrument_name === PERP)
      assert.strictEqual(((position?.size as number | undefined) ?? 0) / 10, net)
    } finally {
      await fake.close()
    }
  })
})
