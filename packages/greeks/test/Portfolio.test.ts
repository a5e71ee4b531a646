import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ClosedForm, Portfolio, Scenario } from "../src/index.js"
import { snapshot } from "./chain.js"

const { market, option, rows } = snapshot()
const S = market.underlyings[0]!.index
const perp: Portfolio.Position = {
  id: "BTC-PERPETUAL", quantity: -2_000, // 2 000 contracts × 10 USD, short
  instrument: { kind: "perpetual", symbol: "BTC-PERPETUAL", underlying: "BTC", settlement: "inverse", contractSize: 10 }
}
const book: Portfolio.Book = {
  positions: [option("BTC-30JAN26-100000-C", -25), option("BTC-27MAR26-80000-P", 10), option("BTC-2JAN26-90000-C", 5), perp],
  cash: [{ currency: "BTC", amount: 3 }, { currency: "USDC", amount: 50_000 }]
}

describe("Portfolio.exposure on the first snapshot of the bundled Deribit chain", () => {
  const usd = Portfolio.exposure(book, market, "usd")
  const coin = Portfolio.exposure(book, market, "coin")

  it("values every position with the market's own forward and vol", () => {
    expect(usd.errors).toEqual([])
    const call = usd.positions.find((p) => p.id === "BTC-30JAN26-100000-C")!
    const row = rows.find((r) => r.instrument_name === "BTC-30JAN26-100000-C")!
    const T = (Number(row.expiry_ms) - market.timestampMs) / (365 * 86_400_000)
    const g = ClosedForm.black76("call", Number(row.underlying), 100_000, T, 0, Number(row.implied_volatility))
    expect(call.value).toBeCloseTo(-25 * g.price, 8)
    expect(call.delta).toBeCloseTo(-25 * g.delta * (Number(row.underlying) / S), 12)
    // Deribit's own delta for the row, 0.16233, to its printed precision and timing
    expect(Math.abs(g.delta - Number(row.delta))).toBeLessThan(5e-4)
    expect(usd.positions.find((p) => p.id === "BTC-PERPETUAL")!.delta).toBeCloseTo(-20_000 / S, 12)
  })

  it("sums positions into the totals and the expiry buckets", () => {
    const e = usd.exposures[0]!
    for (const key of ["value", "delta", "gamma", "vega", "theta", "rho"] as const) {
      const total = usd.positions.reduce((a, p) => a + p[key], 0)
      expect(e[key]).toBeCloseTo(total, 9)
      expect(e.buckets.reduce((a, b) => a + b[key], 0)).toBeCloseTo(total, 9)
    }
    expect(e.buckets.map((b) => b.bucket)).toEqual(["spot", "perpetual", "expiry:1767340800000", "expiry:1769760000000", "expiry:1774598400000"])
  })

  it("coin accounting: delta − W/S, coin cash carries no delta, USD cash is short the coin", () => {
    const u = usd.exposures[0]!, c = coin.exposures[0]!
    expect(c.value).toBeCloseTo(u.value / S, 12)
    expect(c.delta).toBeCloseTo(u.delta - u.value / S, 10)
    expect(c.vega).toBeCloseTo(u.vega / S, 12)
    const spot = c.buckets.find((b) => b.bucket === "spot")!
    expect(spot.delta).toBeCloseTo(-50_000 / S, 12) // 3 BTC: 0; 50 000 USDC: −50 000/S
    expect(u.buckets.find((b) => b.bucket === "spot")!.delta).toBe(3)
  })

  it("names every position it cannot value and leaves it out of the totals", () => {
    const bad: Portfolio.Book = {
      positions: [
        { ...option("BTC-30JAN26-100000-C", 1), id: "eth", instrument: { ...option("BTC-30JAN26-100000-C", 1).instrument, underlying: "ETH" } },
        { ...option("BTC-30JAN26-100000-C", 1), id: "expired", instrument: { ...option("BTC-30JAN26-100000-C", 1).instrument, expiryMs: market.timestampMs - 1 } },
        { ...option("BTC-30JAN26-100000-C", 1), id: "no-forward", instrument: { ...option("BTC-30JAN26-100000-C", 1).instrument, expiryMs: 1769760000001 } },
        { ...option("BTC-30JAN26-100000-C", 1), id: "no-vol", instrument: { ...option("BTC-30JAN26-100000-C", 1).instrument, symbol: "BTC-30JAN26-101000-C" } },
        option("BTC-30JAN26-100000-C", 1)
      ],
      cash: [{ currency: "DOGE", amount: 1 }]
    }
    const r = Portfolio.exposure(bad, market, "usd")
    expect(r.errors.map((e) => [e.positionId, e.field])).toEqual([
      ["eth", "instrument.underlying"], ["expired", "instrument.expiryMs"], ["no-forward", "forward"], ["no-vol", "vol"], ["cash[0]", "currency"]
    ])
    expect(r.errors[0]!.message).toMatch(/position eth: instrument.underlying = "ETH", expected an underlying of the market \(BTC\)/)
    expect(r.positions.map((p) => p.id)).toEqual(["BTC-30JAN26-100000-C"])
  })

  it("interpolates a smile in ln(K/F), flat beyond its ends", () => {
    const m: Portfolio.Market = { ...market, vols: [], smiles: [{ underlying: "BTC", expiryMs: 1769760000000, points: [{ strike: 90_000, vol: 0.4 }, { strike: 110_000, vol: 0.5 }] }] }
    const F = market.underlyings[0]!.forwards.find((f) => f.expiryMs === 1769760000000)!.forward
    const w = Math.log(100_000 / 90_000) / Math.log(110_000 / 90_000)
    expect(Portfolio.volOf(m, "x", "BTC", 1769760000000, 100_000, F)).toBeCloseTo(0.4 + 0.1 * w, 14)
    expect(Portfolio.volOf(m, "x", "BTC", 1769760000000, 50_000, F)).toBe(0.4)
    expect(Portfolio.volOf(m, "x", "BTC", 1769760000000, 200_000, F)).toBe(0.5)
  })
})

describe("Scenario.grid", () => {
  const spec: Scenario.Spec = { spotShocks: [-0.1, -0.01, 0, 0.01, 0.1], volShocks: [-0.05, 0, 0.05], volShock: "absolute", days: [0, 0.1, 7] }
  for (const accounting of ["usd", "coin"] as const) {
    it(`${accounting}: zero at the origin, Greek approximation close for small shocks, full and approximate apart for large`, () => {
      const g = Scenario.grid(book, market, "BTC", spec, accounting)
      const at = (k: number, j: number, i: number) => (k * 3 + j) * 5 + i
      expect(g.full[at(0, 1, 2)]).toBe(0)
      expect(g.taylor[at(0, 1, 2)]).toBe(0)
      // ±1 % and no vol move: the approximation is second order, the error third order.
      const scale = Math.abs(g.full[at(0, 1, 3)]!) + Math.abs(g.full[at(0, 1, 1)]!)
      expect(Math.abs(g.full[at(0, 1, 3)]! - g.taylor[at(0, 1, 3)]!)).toBeLessThan(0.02 * scale)
      expect(Math.abs(g.full[at(0, 1, 1)]! - g.taylor[at(0, 1, 1)]!)).toBeLessThan(0.02 * scale)
      // ±10 %: the short calls' convexity shows.
      expect(Math.abs(g.full[at(0, 1, 4)]! - g.taylor[at(0, 1, 4)]!)).toBeGreaterThan(Math.abs(g.full[at(0, 1, 3)]! - g.taylor[at(0, 1, 3)]!))
      // A tenth of a day with nothing else moving: the P&L is theta × 0.1/365 (the approximation's time term).
      const report = Portfolio.exposure(book, market, accounting)
      const thetaStep = (report.exposures[0]!.theta * 0.1) / 365
      expect(g.taylor[at(1, 1, 2)]).toBeCloseTo(thetaStep, 10)
      expect(Math.abs(g.full[at(1, 1, 2)]! / thetaStep - 1)).toBeLessThan(0.05) // theta of the 2-day leg grows ~2.5 % in 0.1 day
    })
  }

  it("coin cash is flat in coin, USD cash is not", () => {
    const cashOnly: Portfolio.Book = { positions: [], cash: [{ currency: "BTC", amount: 2 }, { currency: "USD", amount: 10_000 }] }
    const g = Scenario.grid(cashOnly, market, "BTC", { spotShocks: [-0.5, 0.5], volShocks: [0], volShock: "absolute", days: [0] }, "coin")
    expect(g.full[0]).toBeCloseTo(10_000 / (S * 0.5) - 10_000 / S, 12)
    expect(g.full[1]).toBeCloseTo(10_000 / (S * 1.5) - 10_000 / S, 12)
  })

  it("an expiring option pays its intrinsic value at the shocked forward", () => {
    const one: Portfolio.Book = { positions: [option("BTC-2JAN26-90000-C", 1)] }
    const g = Scenario.grid(one, market, "BTC", { spotShocks: [0.1], volShocks: [0], volShock: "absolute", days: [10] }, "usd")
    const p = Portfolio.exposure(one, market, "usd").positions[0]!
    expect(g.full[0]).toBeCloseTo(Math.max(p.forward! * 1.1 - 90_000, 0) - p.value, 8)
  })

  it("rejects a vol shock that leaves a vol ≤ 0 or a malformed grid, naming the field", () => {
    expect(() => Scenario.grid(book, market, "BTC", { ...spec, volShocks: [-1] }, "usd")).toThrow(/volShocks\[0\]/)
    expect(() => Scenario.grid(book, market, "BTC", { ...spec, days: [-1] }, "usd")).toThrow(/days\[0\]/)
    expect(() => Scenario.grid(book, market, "BTC", { ...spec, spotShocks: [] }, "usd")).toThrow(/spotShocks/)
    expect(() => Scenario.grid(book, market, "ETH", spec, "usd")).toThrow(/underlying/)
  })
})

describe("Portfolio properties (fast-check)", () => {
  const symbols = rows.map((r) => r.instrument_name!)
  const positionArb = fc.record({ symbol: fc.constantFrom(...symbols), quantity: fc.integer({ min: -50, max: 50 }) })
  const bookArb = fc.record({
    options: fc.array(positionArb, { minLength: 1, maxLength: 12 }),
    perp: fc.integer({ min: -5_000, max: 5_000 }),
    linearPerp: fc.integer({ min: -100, max: 100 }),
    future: fc.integer({ min: -5_000, max: 5_000 }),
    spot: fc.double({ min: -5, max: 5, noNaN: true }),
    coin: fc.double({ min: 0, max: 20, noNaN: true }),
    usd: fc.double({ min: -1e6, max: 1e6, noNaN: true })
  })
  const toBook = (b: typeof bookArb extends fc.Arbitrary<infer T> ? T : never, k = 1): Portfolio.Book => ({
    positions: [
      ...b.options.map((o, i) => ({ ...option(o.symbol, k * o.quantity), id: `${o.symbol}#${i}` })),
      { id: "perp", quantity: k * b.perp, instrument: { kind: "perpetual", symbol: "BTC-PERPETUAL", underlying: "BTC", settlement: "inverse", contractSize: 10 } },
      { id: "usdc-perp", quantity: k * b.linearPerp, instrument: { kind: "perpetual", symbol: "BTC_USDC-PERPETUAL", underlying: "BTC", settlement: "linear", contractSize: 0.001 } },
      { id: "future", quantity: k * b.future, instrument: { kind: "future", symbol: "BTC-27MAR26", underlying: "BTC", expiryMs: 1774598400000, settlement: "inverse", contractSize: 10 } },
      { id: "spot", quantity: k * b.spot, instrument: { kind: "spot", symbol: "BTC", underlying: "BTC" } }
    ],
    cash: [{ currency: "BTC", amount: k * b.coin }, { currency: "USD", amount: k * b.usd }]
  })
  const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-9 * (Math.abs(a) + Math.abs(b) + scale)

  it("totals are sums, coin Greeks are the USD ones seen through W/S, and the book scales linearly", () => {
    fc.assert(
      fc.property(bookArb, fc.integer({ min: -3, max: 3 }).filter((k) => k !== 0), (b, k) => {
        const book = toBook(b)
        const usd = Portfolio.exposure(book, market, "usd")
        const coin = Portfolio.exposure(book, market, "coin")
        expect(usd.errors).toEqual([])
        const u = usd.exposures[0]!, c = coin.exposures[0]!
        for (const key of ["value", "delta", "gamma", "vega", "theta", "rho"] as const) {
          expect(close(u[key], usd.positions.reduce((a, p) => a + p[key], 0), 1)).toBe(true)
        }
        expect(close(c.delta, u.delta - u.value / S, 1)).toBe(true)
        expect(close(c.gamma, u.gamma - u.delta / S + u.value / (S * S), 1e-6)).toBe(true)
        const scaled = Portfolio.exposure(toBook(b, k), market, "coin").exposures[0]!
        for (const key of ["value", "delta", "gamma", "vega", "theta"] as const) expect(close(scaled[key], k * c[key], 1e-6)).toBe(true)
      }),
      { numRuns: 100, seed: 11 }
    )
  })

  it("a scenario's P&L is 0 at the origin and its Greek approximation agrees to second order for small moves", () => {
    fc.assert(
      fc.property(bookArb, fc.constantFrom("usd" as const, "coin" as const), (b, accounting) => {
        const h = 1e-4
        const g = Scenario.grid(toBook(b), market, "BTC", { spotShocks: [-h, 0, h], volShocks: [0], volShock: "absolute", days: [0] }, accounting)
        expect(g.full[1]).toBe(0)
        // full − taylor is third order: at ±h it is ~h³·S³·speed, far below the first-order move ~h·S·delta.
        const move = Math.abs(g.full[2]! - g.full[0]!) / 2
        for (const c of [0, 2]) expect(Math.abs(g.full[c]! - g.taylor[c]!)).toBeLessThanOrEqual(1e-3 * move + 1e-9 * S)
      }),
      { numRuns: 60, seed: 12 }
    )
  })
})
