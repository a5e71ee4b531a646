import * as fc from "fast-check"
import { assert, describe, it } from "vitest"
import { LocalBook } from "../src/internal/deribit/book.js"
import * as Mapping from "../src/internal/deribit/mapping.js"
import * as Protocol from "../src/internal/deribit/protocol.js"
import { TokenBucket } from "../src/internal/deribit/tokenBucket.js"

const perp: Mapping.InstrumentInfo = {
  name: "BTC-PERPETUAL", kind: "future", baseCurrency: "BTC", settlementCurrency: "BTC", inverse: true, contractSize: 10, minTradeAmount: 10,
  tickSize: 0.5, tickSteps: [], expiryMs: 32_503_680_000_000, perpetual: true
}
const option: Mapping.InstrumentInfo = {
  name: "BTC-26JUN26-100000-C", kind: "option", baseCurrency: "BTC", settlementCurrency: "BTC", inverse: true, contractSize: 1, minTradeAmount: 0.1,
  tickSize: 0.0001, tickSteps: [{ abovePrice: 0.005, tickSize: 0.0005 }], optionType: "call", strike: 100_000, expiryMs: 1_782_460_800_000, perpetual: false
}

describe("TokenBucket", () => {
  it("never lets more than burst + rate × elapsed requests go by any time (property)", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 1, max: 20 }),
      fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 80 }),
      (rate, burst, gaps) => {
        const bucket = new TokenBucket(rate, burst, 0)
        let t = 0
        const goTimes: Array<number> = []
        for (const gap of gaps) {
          t += gap
          goTimes.push(t + bucket.reserve(t))
        }
        // requests go in the order they reserved
        for (let i = 1; i < goTimes.length; i++) if (goTimes[i]! < goTimes[i - 1]!) return false
        // in every window of go times, at most burst + rate × its length requests go (waits are whole
        // milliseconds, rounded up: one may go up to 1 ms late, which shortens a window by as much)
        for (let i = 0; i < goTimes.length; i++) {
          for (let j = i; j < goTimes.length; j++) {
            if (j - i + 1 > burst + rate * (goTimes[j]! - goTimes[i]! + 1) / 1000 + 1e-9) return false
          }
        }
        return true
      }
    ))
  })

  it("serves callers in arrival order, and a penalty empties it", () => {
    const bucket = new TokenBucket(10, 2, 0)
    assert.deepStrictEqual([bucket.reserve(0), bucket.reserve(0), bucket.reserve(0), bucket.reserve(0)], [0, 0, 100, 200])
    const fresh = new TokenBucket(10, 5, 0)
    fresh.penalize(0, 300)
    assert.strictEqual(fresh.reserve(0), 400)
    fresh.refund(1_000)
    assert.isAtMost(fresh.available(1_000), 5)
  })
})

describe("LocalBook", () => {
  const snapshot = (changeId: number): Protocol.OrderBook => ({ instrument_name: "X", timestamp: 1, change_id: changeId, bids: [[100, 1], [99, 2]], asks: [[101, 3]] })
  const change = (prev: number | undefined, id: number, bids: Protocol.BookNotification["bids"] = [], asks: Protocol.BookNotification["asks"] = []): Protocol.BookNotification => ({
    type: "change", instrument_name: "X", timestamp: id, change_id: id, ...(prev !== undefined ? { prev_change_id: prev } : {}), bids, asks
  })

  it("applies a chain, skips what the snapshot already has, applies a change straddling it, and reports gaps", () => {
    const book = new LocalBook("X")
    assert.strictEqual(book.apply(change(1, 2)), "gap", "no snapshot yet")
    book.applySnapshot(snapshot(10))
    assert.strictEqual(book.apply(change(8, 9, [["change", 100, 5]])), "skipped")
    assert.strictEqual(book.apply(change(9, 12, [["new", 100.5, 4], ["delete", 99, 0]])), "applied", "straddles the snapshot's id")
    assert.strictEqual(book.apply(change(12, 13, [], [["change", 101, 1]])), "applied")
    assert.deepStrictEqual(book.top(5), { bids: [[100.5, 4], [100, 1]], asks: [[101, 1]] })
    assert.strictEqual(book.apply(change(14, 15)), "gap")
    assert.strictEqual(book.apply(change(undefined, 16)), "gap")
    assert.strictEqual(book.apply({ ...change(undefined, 20, [["new", 90, 1]], [["new", 91, 1]]), type: "snapshot" }), "applied")
    assert.deepStrictEqual(book.top(5), { bids: [[90, 1]], asks: [[91, 1]] })
    book.invalidate()
    assert.strictEqual(book.apply(change(20, 21)), "gap")
  })
})

describe("mapping", () => {
  it("amount = contracts × contract size, on the step and above the minimum", () => {
    assert.deepStrictEqual(Mapping.toAmount(perp, 3), { amount: 30 })
    assert.property(Mapping.toAmount(perp, 0.5), "reason")
    assert.deepStrictEqual(Mapping.toAmount(option, 0.3), { amount: 0.3 })
    assert.property(Mapping.toAmount(option, 0.05), "reason")
    assert.property(Mapping.toAmount(option, 0.25), "reason")
    fc.assert(fc.property(fc.integer({ min: 1, max: 100_000 }), (n) => {
      const result = Mapping.toAmount(option, n / 10)
      return "amount" in result && Math.abs(result.amount - n / 10) < 1e-9
    }))
  })

  it("limit prices land on the tick grid and are never worse for the account (property)", () => {
    fc.assert(fc.property(fc.double({ min: 0.0001, max: 0.5, noNaN: true }), fc.constantFrom("buy" as const, "sell" as const), (price, side) => {
      const rounded = Mapping.roundLimitPrice(option, price, side)
      const tick = Mapping.tickAt(option, rounded)
      const onGrid = Math.abs(rounded / tick - Math.round(rounded / tick)) < 1e-6 || Math.abs(rounded / option.tickSize - Math.round(rounded / option.tickSize)) < 1e-6
      const notWorse = side === "buy" ? rounded <= price + 1e-12 : rounded >= price - 1e-12
      return onGrid && notWorse && Math.abs(rounded - price) <= Mapping.tickAt(option, price) + 1e-12
    }))
    assert.strictEqual(Mapping.roundLimitPrice(perp, 100_000.7, "buy"), 100_000.5)
    assert.strictEqual(Mapping.roundLimitPrice(perp, 100_000.2, "sell"), 100_000.5)
    assert.strictEqual(Mapping.roundLimitPrice(option, 0.0123, "sell"), 0.0125)
  })

  it("labels: 1 to 64 characters, no control characters", () => {
    assert.isUndefined(Mapping.labelProblem("hk-1700000000000-1"))
    assert.isUndefined(Mapping.labelProblem("x".repeat(64)))
    assert.isString(Mapping.labelProblem(""))
    assert.isString(Mapping.labelProblem("x".repeat(65)))
    assert.isString(Mapping.labelProblem("a\nb"))
  })

  it("orders and trades map to SDK updates and fills in contracts", () => {
    const trade: Protocol.Trade = {
      trade_id: "BTC-1", order_id: "o1", label: "hk-1", instrument_name: perp.name, direction: "sell", amount: 50, price: 100_000, fee: 0.0000025,
      fee_currency: "BTC", liquidity: "M", timestamp: 5
    }
    assert.deepStrictEqual(Mapping.toFill(trade, perp), {
      clientOrderId: "hk-1", venueOrderId: "o1", tradeId: "BTC-1", symbol: perp.name, side: "sell", quantity: 5, price: 100_000, fee: 0.0000025,
      feeCurrency: "BTC", liquidity: "maker", timeMs: 5
    })
    const order: Protocol.Order = {
      order_id: "o1", label: "hk-1", instrument_name: perp.name, direction: "sell", amount: 100, filled_amount: 50, average_price: 100_000, price: 100_000,
      order_state: "open", creation_timestamp: 1, last_update_timestamp: 5
    }
    const update = Mapping.toOrderUpdate(order, perp, [])
    assert.deepStrictEqual([update.state, update.filledQuantity, update.averagePrice], ["partially-filled", 5, 100_000])
    assert.strictEqual(Mapping.toOrderUpdate({ ...order, order_state: "cancelled", cancel_reason: "cancel_on_disconnect" }, perp, []).reason, "cancel_on_disconnect")
    assert.strictEqual(Mapping.toOrderUpdate({ ...order, order_state: "untriggered", filled_amount: 0 }, perp, []).state, "open")
  })

  it("retryable codes are exactly the documented set; rate classes split order entry from the rest", () => {
    assert.deepStrictEqual([...Protocol.RETRYABLE_CODES].sort(), [10028, 10040, 10041, 10047, 10066, 11051, 11094, 13028, 13888].sort())
    for (const code of [10000, 10004, 10009, 10020, 10029, 10043, 11029, 11050, 11054, 13004, 13009, 13020, 13021]) assert.isFalse(Protocol.isRetryableCode(code))
    assert.strictEqual(Protocol.rateClassOf("private/buy"), "matching")
    assert.strictEqual(Protocol.rateClassOf("private/cancel_by_label"), "matching")
    assert.strictEqual(Protocol.rateClassOf("private/get_positions"), "nonMatching")
    assert.strictEqual(Protocol.rateClassOf("public/auth"), "nonMatching")
  })
})
