import { Costs, Policies } from "@hedgekit/hedging"
import { Black76 } from "@hedgekit/models"
import { RebalancePolicy } from "@hedgekit/sdk"
import { describe, expect, it } from "vitest"
import { Engine, Simulate, Summary } from "../src/index.js"
import { gbmSource } from "./support/gbm.js"


const perp = { kind: "perpetual", symbol: "BTCUSDC", underlying: "BTC", settlement: "linear", contractSize: 1 } as const

describe("Leland (1985): hedging a short call at σ√(1 + Le) pays for its own costs", () => {
  it("the mean P&L of the short call sold at σ and hedged at Leland's vol is C(σ) − C(σ_L), within its error", () => {
    const vol = 0.5, days = 30, steps = 30 * 24 / 4, kappa = 0.002 // 4-hourly, 20 bp one way
    const years = days / 365
    const engine = Simulate.run(gbmSource(2000, steps, 100, vol, years, 11), {
      legs: [{ optionType: "call", strike: 100, expiryYears: years, quantity: -1, settlement: "linear" }],
      hedge: perp,
      costs: { lot: 1e-9, minimum: 0, fees: { maker: kappa, taker: kappa }, halfSpread: 0 },
      policy: RebalancePolicy.configure(Policies.leland, { intervalMinutes: 240, alignToUtc: false }),
      accounting: "usd",
      impliedVol: vol
    })
    const s = Summary.of(engine)
    const le = Math.sqrt(2 / Math.PI) * (2 * kappa) / (vol * Math.sqrt(240 / 525_600))
    const cL = Black76.price("call", 100, 100, years, 0, vol * Math.sqrt(1 + le))
    const c = Black76.price("call", 100, 100, years, 0, vol)
    // Leland prices the rebalancing costs; the first purchase of the hedge (Δ at σ_L) comes on top
    const first = kappa * Black76.greeks("call", 100, 100, years, 0, vol * Math.sqrt(1 + le)).delta * 100
    const expected = c - cL - first
    const se = s.pnl.std / Math.sqrt(s.paths)
    expect(Math.abs(s.pnl.mean - expected)).toBeLessThan(4 * se)
    // the P&L is the costs: hedging at σ_L leaves the option's gamma and theta to cancel on average
    expect(Math.abs(s.pnl.mean + s.fees)).toBeLessThan(4 * se)
    expect(le).toBeCloseTo(0.2987, 4)
  })
})

describe("simulated runs", () => {
  it("an inverse straddle in coin accounting hedged with an inverse perpetual: the summary adds up", () => {
    const years = 7 / 365
    const engine = Simulate.run(gbmSource(300, 7 * 24, 100_000, 0.6, years, 5), {
      legs: [
        { optionType: "call", strike: 100_000, expiryYears: years, quantity: -10, settlement: "inverse" },
        { optionType: "put", strike: 100_000, expiryYears: years, quantity: -10, settlement: "inverse" }
      ],
      hedge: { kind: "perpetual", symbol: "BTC-PERPETUAL", underlying: "BTC", settlement: "inverse", contractSize: 10 },
      costs: { lot: 1, fees: Costs.deribit.perpetual, halfSpread: 0.00001 },
      policy: RebalancePolicy.configure(Policies.whalleyWilmott, { riskAversion: 1e-3 }),
      accounting: "coin",
      impliedVol: 0.6,
      funding: { rate: 0.0001, intervalHours: 8 },
      optionFees: Costs.deribit.options
    })
    const s = Summary.of(engine)
    expect(s.currency).toBe("BTC")
    expect(s.paths).toBe(300)
    expect(s.rebalances).toBeGreaterThan(1)
    const sum = Object.values(s.attribution).reduce((a, b) => a + b, 0)
    expect(sum).toBeCloseTo(s.pnl.mean, 9)
    expect(s.pnl.cvar95).toBeGreaterThanOrEqual(s.pnl.var95)
    // short perpetual hedges receive positive funding... this book is short gamma around a flat delta: funding is small
    expect(Math.abs(s.funding)).toBeLessThan(0.01)
    expect(s.fees).toBeGreaterThan(20 * 0.0003 * 0.99) // the options' opening fees at least
  })
})

describe("the executor seam", () => {
  const years = 2 / 365
  const base = {
    legs: [{ optionType: "call" as const, strike: 100, expiryYears: years, quantity: -1, settlement: "linear" as const }],
    hedge: perp,
    costs: { lot: 0.001, minimum: 0.001, fees: { maker: 0, taker: 0.0005 }, halfSpread: 0.0001 },
    policy: RebalancePolicy.configure(Policies.deltaBand, { halfWidthCoins: 0.05 }),
    accounting: "usd" as const,
    impliedVol: 0.6
  }

  it("a venue that fills nothing leaves the option unhedged: the P&L is the premium less the payoff", () => {
    const engine = Simulate.run(gbmSource(100, 48, 100, 0.6, years, 3), {
      ...base,
      executor: { execute: (_i, _q, _mark, _t, fill) => { fill.quantity = 0 } }
    })
    expect([...engine.trades].every((t) => t === 0)).toBe(true)
    const premium = Black76.price("call", 100, 100, years, 0, 0.6)
    const source = gbmSource(100, 48, 100, 0.6, years, 3)
    const S = new Float64Array(100)
    for (let k = 0; k < 48; k++) source.step(S)
    const pnl = engine.pnl()
    for (let i = 0; i < 100; i++) expect(pnl[i]).toBeCloseTo(premium - Math.max(S[i]! - 100, 0), 9)
  })

  it("partial fills: the policy sees the unfilled rest as delta still to hedge and asks again", () => {
    const full = Simulate.run(gbmSource(100, 48, 100, 0.6, years, 4), base)
    const half = Simulate.run(gbmSource(100, 48, 100, 0.6, years, 4), {
      ...base,
      executor: {
        execute: (_i, q, mark, _t, fill) => {
          // half the order, in whole 0.001 lots (a last lot fills whole)
          const halfLots = Math.round(q / 2 / 0.001) * 0.001
          fill.quantity = halfLots === 0 ? q : halfLots
          fill.price = mark * (1 + Math.sign(q) * 0.0001)
          fill.fee = 0.0005 * Math.abs(fill.quantity) * fill.price
        }
      }
    })
    const mean = (x: ArrayLike<number>) => Array.from(x).reduce((a, b) => a + b, 0) / x.length
    expect(mean(half.trades)).toBeGreaterThan(mean(full.trades))
    const s = Summary.of(half)
    expect(Object.values(s.attribution).reduce((a, b) => a + b, 0)).toBeCloseTo(s.pnl.mean, 9)
  })
})

describe("settlement", () => {
  it("at the TWAP of the index over the 30 minutes before expiry (Deribit's 07:30–08:00), from a minute grid", () => {
    // a minute grid over 2 hours: the window holds the 30 grid times from T − 29 min to T
    const years = 120 / 525_600
    const config = {
      legs: [{ optionType: "call" as const, strike: 100, expiryYears: years, quantity: -1, settlement: "linear" as const }],
      hedge: perp,
      costs: { lot: 1e-9, minimum: 0, fees: { maker: 0, taker: 0 }, halfSpread: 0 },
      policy: RebalancePolicy.configure(Policies.deltaBand, { halfWidthCoins: 1e9 }), // never trades
      accounting: "usd" as const,
      impliedVol: 0.6
    }
    const engine = Simulate.run(gbmSource(50, 120, 100, 0.6, years, 8), config)
    const replay = gbmSource(50, 120, 100, 0.6, years, 8)
    const S = new Float64Array(50), sum = new Float64Array(50)
    for (let k = 1; k <= 120; k++) {
      replay.step(S)
      if (k > 90) for (let i = 0; i < 50; i++) sum[i]! += S[i]!
    }
    const premium = Black76.price("call", 100, 100, years, 0, 0.6)
    const pnl = engine.pnl()
    for (let i = 0; i < 50; i++) expect(pnl[i]).toBeCloseTo(premium - Math.max(sum[i]! / 30 - 100, 0), 9)
    // with no window, the index at expiry
    const atExpiry = Simulate.run(gbmSource(50, 120, 100, 0.6, years, 8), { ...config, settlementWindowMinutes: 0 }).pnl()
    for (let i = 0; i < 50; i++) expect(atExpiry[i]).toBeCloseTo(premium - Math.max(S[i]! - 100, 0), 9)
  })
})

describe("the fast step (USD accounting, attribution off): delta, gamma and vega only, totals left stale until read", () => {
  const years = 10 / 365
  const run = (legs: ReadonlyArray<Simulate.SimulatedLeg>, attribution: boolean, policy: RebalancePolicy.Rebalancer) =>
    Simulate.run(gbmSource(513, 10 * 24, 100, 0.7, years, 3), { // 513 paths: a chunk of 512 rows and one more
      legs, hedge: perp, costs: { lot: 1e-6, minimum: 0, fees: { maker: 0.0002, taker: 0.0005 }, halfSpread: 0.0001 },
      policy, accounting: "usd", impliedVol: 0.7, attribution
    })
  const cases = [
    ["one leg", [{ optionType: "call", strike: 105, expiryYears: years, quantity: -3, settlement: "linear" }]],
    ["a two-leg book, one leg expiring halfway (then one live leg)", [
      { optionType: "put", strike: 95, expiryYears: years, quantity: 2, settlement: "inverse" },
      { optionType: "call", strike: 100, expiryYears: years / 2, quantity: -1, settlement: "linear" }
    ]]
  ] as const
  for (const [name, legs] of cases) {
    it(`${name}: the same trades and P&L as the step that prices everything`, () => {
      // Leland reads the book's vol and time to expiry, the delta band its delta: every policy input is compared
      for (const policy of [
        RebalancePolicy.configure(Policies.deltaBand, { halfWidthCoins: 0.05, target: "centre" }),
        RebalancePolicy.configure(Policies.leland, { intervalMinutes: 120, alignToUtc: false })
      ]) {
        const fast = run(legs, false, policy), full = run(legs, true, policy)
        expect([...fast.trades]).toEqual([...full.trades])
        expect(fast.trades.reduce((a, b) => a + b, 0)).toBeGreaterThan(513)
        const a = fast.pnl(), b = full.pnl()
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(b[i]!)))
      }
    })
  }
  it("equity read between steps is the account at the current marks (it revalues the stale totals)", () => {
    const market = (spot: number, timeMs: number) => {
      const S = new Float64Array(64).fill(spot)
      return { timeMs, spot: S, mark: S, forward: [S], vol: [new Float64Array(64).fill(0.6)] }
    }
    const t0 = Date.UTC(2026, 0, 5)
    const legs = [{ kind: "option", symbol: "C", underlying: "BTC", optionType: "call", strike: 100, expiryMs: t0 + 7 * 86_400_000, settlement: "linear", multiplier: 1 }] as const
    const make = (attribution: boolean) => Engine.make({
      holdings: { legs, hedge: perp }, positions: [-1], accounting: "usd", attribution,
      policy: RebalancePolicy.configure(Policies.deltaBand, { halfWidthCoins: 0.01, target: "centre" }),
      hedge: { lot: 1e-6, fees: { maker: 0, taker: 0.0005 }, halfSpread: 0 }
    }, 64)
    const fast = make(false), full = make(true)
    for (const e of [fast, full]) {
      e.open(market(100, t0))
      e.step(market(104, t0 + 3_600_000))
    }
    expect(fast.equity()[7]).toBeCloseTo(full.equity()[7]!, 12)
    expect(fast.pnl()[7]).toBeCloseTo(full.pnl()[7]!, 12)
    // not the opening's value: the option and the hedge moved with the index
    expect(Math.abs(fast.pnl()[7]!)).toBeGreaterThan(1e-3)
  })
})
