import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { InvalidInput, RebalancePolicy } from "../src/index.js"

const { defineRebalancePolicy, configure, evaluate, decideOne, makeOutputs, makeState, roundToLot, TRADE, HOLD } = RebalancePolicy

// A policy written as a plugin would be: hedge everything once the net delta exceeds a number of coins.
const threshold = defineRebalancePolicy({
  name: "@acme/threshold",
  version: "1.0.0",
  description: "hedge to neutral beyond a threshold",
  params: Schema.Struct({ coins: Schema.Finite.check(Schema.isGreaterThan(0)) }),
  paramDocs: [{ name: "coins", unit: "coins", description: "threshold" }],
  make: ({ coins }) => ({
    reasons: ["net {measure} beyond {limit}", "net {measure} within {limit}"],
    stateSize: 1,
    legs: 0,
    needsVolScale: false,
    init: (state, s) => { state[s] = 0 },
    decide: (inputs, row, _state, _s, out) => {
      const net = inputs.bookDelta[row]! + inputs.hedgeDelta[row]!
      out.action[row] = Math.abs(net) > coins ? TRADE : HOLD
      out.reason[row] = Math.abs(net) > coins ? 0 : 1
      out.measure[row] = net
      out.limit[row] = coins
      out.deltaTrade[row] = -net
    },
    // counts the trades that happened
    commit: (_inputs, row, state, s, out) => { if (out.action[row] === TRADE) state[s]! += 1 }
  })
})

const ctx = (bookDelta: number, hedgeDelta = 0): RebalancePolicy.PolicyContext => ({
  timeMs: 0, spot: 100_000, vol: 0.5, tau: 0.1,
  book: { delta: bookDelta, gamma: 0 },
  hedge: { symbol: "BTC-PERPETUAL", delta: hedgeDelta, unitDelta: 10 / 100_000, cost: 0.0005, lot: 1 }
})

describe("the policy contract", () => {
  it("decodes parameters with the policy's Schema and names the policy when they are wrong", () => {
    expect(configure(threshold, { coins: 1 }).name).toBe("@acme/threshold")
    const error = (() => { try { configure(threshold, { coins: -1 }) } catch (e) { return e } })()
    expect(error).toBeInstanceOf(InvalidInput)
    expect((error as InvalidInput).field).toBe("@acme/threshold.params")
  })

  it("turns the wished delta into whole contracts of the hedge, with the rest as residual", () => {
    const d = decideOne(configure(threshold, { coins: 1 }), ctx(2.00037))
    expect(d.orders).toEqual([{ instrument: "BTC-PERPETUAL", side: "sell", quantity: 20_004, urgency: "aggressive", delta: -20_004 * 10 / 100_000 }])
    expect(d.residual).toBeCloseTo(-2.00037 + 2.0004, 15)
    expect(d.reason).toBe("net 2.00037 beyond 1")
  })

  it("commits only what was finally done, and keeps state per row", () => {
    const policy = configure(threshold, { coins: 1 })
    const n = 4
    const col = (xs: Array<number>) => Float64Array.from(xs)
    const inputs: RebalancePolicy.PolicyInputs = {
      length: n, timeMs: col([0, 0, 0, 0]), spot: col([1e5, 1e5, 1e5, 1e5]), forward: col([1e5, 1e5, 1e5, 1e5]), vol: col([0.5, 0.5, 0.5, 0.5]), tau: col([0.1, 0.1, 0.1, 0.1]),
      rate: col([0, 0, 0, 0]), bookDelta: col([2, 0.5, 1e-6, -3]), bookGamma: col([0, 0, 0, 0]), bookVega: col([0, 0, 0, 0]),
      expiringDelta: col([0, 0, 0, 0]), settlementMs: col([NaN, NaN, NaN, NaN]), hedgeDelta: col([0, 0, 0, 0]),
      unitDelta: col([1e-4, 1e-4, 1e-4, 1e-4]), cost: col([0, 0, 0, 0]), lot: 1, minimum: 1, legs: []
    }
    const state = makeState(policy, n)
    const out = makeOutputs(n)
    evaluate(policy, inputs, state, out)
    expect([...out.action]).toEqual([TRADE, HOLD, HOLD, TRADE])
    expect([...out.quantity]).toEqual([-20_000, 0, 0, 30_000])
    expect([...state]).toEqual([1, 0, 0, 1])
    expect(() => evaluate(policy, { ...inputs, spot: new Float64Array(2) }, state, out)).toThrow(/inputs\.spot/)
    expect(() => evaluate(policy, inputs, new Float64Array(1), out)).toThrow(/state/)
  })

  it("decides rows [from, to) alone, as the whole run decides them, and refuses a range outside the rows", () => {
    const policy = configure(threshold, { coins: 1 })
    const n = 5
    const col = (xs: Array<number>) => Float64Array.from(xs)
    const same = (x: number) => col(Array.from({ length: n }, () => x))
    const inputs: RebalancePolicy.PolicyInputs = {
      length: n, timeMs: same(0), spot: same(1e5), forward: same(1e5), vol: same(0.5), tau: same(0.1), rate: same(0),
      bookDelta: col([2, 0.5, -4, -3, 7]), bookGamma: same(0), bookVega: same(0), expiringDelta: same(0), settlementMs: same(NaN),
      hedgeDelta: same(0), unitDelta: same(1e-4), cost: same(0), lot: 1, minimum: 1, legs: []
    }
    const whole = makeOutputs(n), wholeState = makeState(policy, n)
    evaluate(policy, inputs, wholeState, whole)
    const parts = makeOutputs(n), partsState = makeState(policy, n)
    parts.quantity.fill(99) // rows outside a range keep what they held
    evaluate(policy, inputs, partsState, parts, 1, 3)
    expect([...parts.quantity]).toEqual([99, 0, 40_000, 99, 99])
    evaluate(policy, inputs, partsState, parts, 0, 1)
    evaluate(policy, inputs, partsState, parts, 3, 5)
    expect([...parts.quantity]).toEqual([...whole.quantity])
    expect([...parts.action]).toEqual([...whole.action])
    expect([...partsState]).toEqual([...wholeState])
    expect(() => evaluate(policy, inputs, partsState, parts, 2, 6)).toThrow(/from ≤ to ≤ 5/)
    expect(() => evaluate(policy, inputs, partsState, parts, 3, 2)).toThrow(InvalidInput)
  })

  it("whole lots never flip the sign, and stay on the decimal grid", () => {
    expect(roundToLot(0.30000000000000004, 0.1, 0.1)).toBe(0.3)
    expect(roundToLot(-0.04, 0.1, 0.1)).toBe(0)
    expect(roundToLot(0.16, 0.1, 0.2)).toBe(0.2)
    expect(roundToLot(0.14, 0.1, 0.2)).toBe(0)
    fc.assert(fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(0.1, 1, 10, 0.001), (q, lot) => {
      const r = roundToLot(q, lot, lot)
      if (r !== 0) expect(Math.sign(r)).toBe(Math.sign(q))
      expect(Math.abs(r - q)).toBeLessThanOrEqual(lot / 2 + 1e-9 * Math.abs(q))
    }))
  })

  it("rejects a context with a missing or meaningless field", () => {
    const policy = configure(threshold, { coins: 1 })
    expect(() => decideOne(policy, { ...ctx(1), spot: Number.NaN })).toThrow(/invalid spot: got NaN/)
    expect(() => decideOne(policy, { ...ctx(1), hedge: { ...ctx(1).hedge, cost: -0.1 } })).toThrow(/hedge\.cost/)
  })
})
