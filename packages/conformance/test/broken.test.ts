/**
 * The kit against deliberately broken models and policies: each mistake is reported, under the right property,
 * with a message that names the plugin, the property and a counterexample that really fails.
 */
import { Models } from "@hedgekit/models"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { between, checkPricingModel, checkRebalancePolicy, ConformanceError } from "../src/index.js"
import type { ConformanceFailure } from "../src/index.js"
import { nanForSmallVol, thetaSign, unchecked, wrongParity } from "./fixtures/broken-model.js"
import { leakyBand, restless, unroundedLeg, wrongSign } from "./fixtures/broken-policy.js"

const vol = fc.record({ vol: between(0.05, 1.5) })
const Black76Model = Models.black76
const only = (failures: ReadonlyArray<ConformanceFailure>, property: string): ConformanceFailure => {
  const found = failures.filter((f) => f.property === property)
  expect(found, failures.map((f) => f.message).join("\n")).toHaveLength(1)
  return found[0]!
}

describe("a broken pricing model is reported", () => {
  it("put–call parity with the wrong sign: the shrunk counterexample, C − P against D·(F − K), the tolerance", () => {
    const failures = checkPricingModel(wrongParity, { params: vol, only: ["putCallParity", "lowerBound", "strikeMonotonicity"] })
    const f = only(failures, "putCallParity")
    expect(f.subject).toBe("black76-broken")
    expect(f.message).toMatch(
      /^black76-broken: put–call parity failed — counterexample \{forward: \S+, strike: \S+, expiry: \S+ \(years\), rate: \S+ \(decimal, continuously compounded\)\}, params \{vol: \S+\}: C − P = \S+ \(C = \S+, P = \S+\), D·\(F − K\) = \S+ \(\|diff\| \S+ > tol \S+\) \(fast-check seed \d+, path "[\d:]+", \d+ shrinks?\)$/
    )
    // the counterexample is a real one: the broken model breaks parity there, by 2·D·(F − K)
    const { option: o, params } = f.counterexample as { option: { forward: number; strike: number; expiry: number; rate: number }; params: { vol: number } }
    const c = wrongParity.price({ ...o, type: "call" }, params), p = wrongParity.price({ ...o, type: "put" }, params)
    const d = Math.exp(-o.rate * o.expiry) * (o.forward - o.strike)
    expect(Math.abs(c - p - d)).toBeGreaterThan(1e-9)
    expect(c - p).toBeCloseTo(-d, 8)
  })

  it("NaN for a small vol: the property that met it says what came back and where", () => {
    const f = only(checkPricingModel(nanForSmallVol, { params: vol, only: ["lowerBound"] }), "lowerBound")
    expect(f.message).toMatch(/^black76-nan: no-arbitrage lower bound failed — counterexample \{type: "(call|put)", forward: /)
    expect(f.message).toMatch(/price returned NaN at \{type: .*\}, params \{vol: 0\.0\d*\}: expected a finite number/)
    expect((f.counterexample as { params: { vol: number } }).params.vol).toBeLessThan(0.1)
  })

  it("theta with the wrong sign: the Greek, the analytic and the finite-difference values", () => {
    const f = only(checkPricingModel(thetaSign, { params: vol, only: ["greeks"] }), "greeks")
    expect(f.message).toMatch(
      /^black76-theta: Greeks match finite differences failed — counterexample .*: theta \(−∂V\/∂T, per year\): greeks gives \S+, a central difference of price gives \S+ \(step \S+ years in the expiry, Richardson-extrapolated; \|diff\| \S+ > allowed \S+\)/
    )
  })

  it("numbers where errors are due: the bad field and what came back", () => {
    const f = only(checkPricingModel(unchecked, { params: vol, only: ["domainErrors"] }), "domainErrors")
    expect(f.message).toMatch(/^black76-unchecked: clear errors out of domain failed — counterexample .*, with (forward|strike|expiry) = \S+: price with (forward|strike|expiry) = \S+ returned \S+: expected a thrown tagged error \(e\.g\. InvalidInput\)/)
  })

  it("a property the generated cases never reach is reported, not passed", () => {
    const f = only(
      checkPricingModel(Black76Model, { params: { vol: 0.5 }, underlying: "real", forward: { min: -100, max: -1 }, only: ["upperBound"] }),
      "upperBound"
    )
    expect(f.message).toMatch(/^black76: no-arbitrage upper bound was never exercised: none of the 100 generated cases applied \(it needs options with F > 0 and K > 0\)/)
  })

  it("a conforming model has no failures, and ConformanceError carries the report", () => {
    expect(checkPricingModel(Black76Model, { params: vol, volParameter: "vol", numRuns: 30 })).toEqual([])
    const f = only(checkPricingModel(wrongParity, { params: vol, only: ["putCallParity"] }), "putCallParity")
    const e = new ConformanceError(f)
    expect(e.message).toBe(f.message)
    expect(e.failure).toBe(f)
  })
})

describe("a broken rebalance policy is reported", () => {
  it("trading inside its band: the decision, the band and what the policy said", () => {
    const failures = checkRebalancePolicy(leakyBand, {
      params: fc.record({ halfWidthCoins: between(0.1, 2) }),
      band: { halfWidth: (_inputs, _row, p) => p.halfWidthCoins }
    })
    const f = only(failures, "noTradeInsideBand")
    expect(failures.map((x) => x.property)).toEqual(["noTradeInsideBand"])
    expect(f.message).toMatch(/^leaky-band: no trade inside the band failed — counterexample params \{halfWidthCoins: \S+\}, decisions \[1: \{time: 2026-\S+Z, spot: \S+ \(USD per coin\), vol: \S+ \(decimal per √year\), tau: \S+ \(years\), rate: \S+ \(decimal\), book: \{delta: \S+ \(coins\), gamma: \S+ \(coins per USD\)/)
    expect(f.message).toMatch(/decision \d: the deviation \S+ coins is inside the band ±\S+ coins, yet the policy said trade \((buy|sell) \S+ units of HEDGE \(\S+ coins of delta\); reason: "\|net delta\| \S+ coins outside ±\S+: to neutral"\)/)
  })

  it("an order with the sign of the exposure", () => {
    const f = only(checkRebalancePolicy(wrongSign, { params: {}, only: ["tradeSign"] }), "tradeSign")
    expect(f.message).toMatch(/^wrong-sign: trade opposes the exposure failed — counterexample params \{\}, decisions \[1: .*\]: decision 1: the order adds \S+ coins of delta to an exposure of \S+ coins \(book \+ hedge \+ legs\): it should have the opposite sign/)
  })

  it("option orders off the lot grid", () => {
    const f = only(checkRebalancePolicy(unroundedLeg, { params: {}, only: ["lotRounding"] }), "lotRounding")
    expect(f.message).toMatch(/^unrounded-leg: orders in whole lots failed — counterexample .*legs: \[\{symbol: "OPTION-1", delta: .*: decision 1: option leg 0 \(OPTION-1\) order \S+ contracts is \S+ lots of 0\.1, not a whole number \(1e-9 relative\)/)
  })

  it("state kept outside the state array: not deterministic, and it trades a flat book", () => {
    const failures = checkRebalancePolicy(restless, { params: {}, only: ["determinism", "flatBookHolds"] })
    expect(failures.map((f) => f.property)).toEqual(["determinism", "flatBookHolds"])
    expect(failures[0]!.message).toMatch(/^restless: deterministic failed — counterexample .*: decision \d: action was \d in the first run and \d with the same policy again \(same inputs, fresh state\)/)
    expect(failures[1]!.message).toMatch(/^restless: flat book, no trade failed — counterexample .*deltaAtVolScale: 0 coins\}.*: decision \d: the book is flat \(delta, gamma, vega 0; no hedge, no leg positions\), yet the policy said trade \(/)
  })
})
