import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { MarketEvent, Venue } from "../src/index.js"

describe("market events", () => {
  it("at one millisecond, market data comes before funding, and settlement last", () => {
    const t = Date.UTC(2026, 2, 27, 8)
    const events: Array<MarketEvent.MarketEvent> = [
      { kind: "settlement", timeMs: t, underlying: "BTC", expiryMs: t, price: 87_000 },
      { kind: "funding", timeMs: t, symbol: "BTC-PERPETUAL", underlying: "BTC", rate: 0.0001, intervalMs: 8 * 3_600_000, mode: "discrete" },
      { kind: "index", timeMs: t, underlying: "BTC", price: 87_010 },
      { kind: "index", timeMs: t - 1, underlying: "BTC", price: 87_005 },
      { kind: "perpetual", timeMs: t, symbol: "BTC-PERPETUAL", underlying: "BTC", mark: 87_020 }
    ]
    expect([...events].sort(MarketEvent.compare).map((e) => `${e.timeMs - t}:${e.kind}`)).toEqual(["-1:index", "0:index", "0:perpetual", "0:funding", "0:settlement"])
  })

  it("decodes from JSON with units checked", () => {
    const decode = Schema.decodeUnknownSync(MarketEvent.MarketEvent)
    expect(decode({ kind: "index", timeMs: 1, underlying: "BTC", price: 1 })).toMatchObject({ kind: "index" })
    expect(() => decode({ kind: "index", timeMs: 1, underlying: "BTC", price: -1 })).toThrow()
    expect(() => decode({ kind: "funding", timeMs: 1, symbol: "P", underlying: "BTC", rate: 0.0001, intervalMs: 0, mode: "discrete" })).toThrow()
  })
})

describe("the venue service", () => {
  it("is provided by a layer and used through its tag", async () => {
    const orders: Array<Venue.OrderRequest> = []
    const layer = Layer.succeed(Venue.Venue, {
      name: "test",
      place: (order) => Effect.sync(() => {
        orders.push(order)
        return { clientOrderId: order.clientOrderId, symbol: order.symbol, state: "filled" as const, filledQuantity: order.quantity, timeMs: 0, fills: [] }
      }),
      cancel: (id) => Effect.fail(new Venue.VenueError({ venue: "test", operation: "cancel", retryable: false, detail: `no open order ${id}` })),
      fills: Stream.empty,
      openOrders: Effect.succeed([]),
      positions: Effect.succeed([]),
      balances: Effect.succeed([])
    })
    const program = Effect.gen(function*() {
      const venue = yield* Venue.Venue
      const update = yield* venue.place({ clientOrderId: "h-1", symbol: "BTC-PERPETUAL", side: "buy", quantity: 10, type: "market" })
      const error = yield* Effect.flip(venue.cancel("h-2"))
      return { update, error }
    })
    const { update, error } = await Effect.runPromise(Effect.provide(program, layer))
    expect(update.state).toBe("filled")
    expect(orders).toHaveLength(1)
    expect(error.message).toBe("test cancel failed: no open order h-2")
  })
})
