import { Costs, Policies } from "@hedgekit/hedging"
import { Black76 } from "@hedgekit/models"
import { RebalancePolicy } from "@hedgekit/sdk"
import { describe, expect, it } from "vitest"
import { Simulate, Summary } from "../src/index.js"
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
