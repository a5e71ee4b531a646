import { Costs, Formulas, Policies } from "@hedgekit/hedging"
import { Black76 } from "@hedgekit/models"
import { type Instrument, RebalancePolicy } from "@hedgekit/sdk"
import { describe, expect, it } from "vitest"
import { Engine } from "../src/index.js"

const DAY = 86_400_000
const T0 = Date.UTC(2026, 0, 1)

/** Seeded GBM paths, S₀ e^{σW − σ²t/2} (no drift), normals by Box–Muller over a xorshift64* stream. */
const gbm = (paths: number, steps: number, S0: number, vol: number, years: number, seed = 7) => {
  let x = BigInt(seed) | 1n
  const uniform = () => {
    x ^= x >> 12n; x ^= (x << 25n) & 0xffffffffffffffffn; x ^= x >> 27n
    return Number(((x * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn) >> 11n) / 2 ** 53
  }
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform())
  const dt = years / steps
  const out = Array.from({ length: steps + 1 }, () => new Float64Array(paths))
  out[0]!.fill(S0)
  for (let i = 0; i < paths; i++) {
    for (let k = 1; k <= steps; k++) out[k]![i] = out[k - 1]![i]! * Math.exp(vol * Math.sqrt(dt) * normal() - 0.5 * vol * vol * dt)
  }
  return out
}

const call = (strike: number, expiryMs: number, settlement: "inverse" | "linear"): Instrument.OptionInstrument => ({
  kind: "option", symbol: "C", underlying: "BTC", optionType: "call", strike, expiryMs, settlement, multiplier: 1
})
const linearPerp: Instrument.PerpetualInstrument = { kind: "perpetual", symbol: "BTCUSDC", underlying: "BTC", settlement: "linear", contractSize: 1 }

/** Runs a short call hedged by `policy` over `path` (steps of equal length), no funding; returns the engine. */
const run = (path: ReadonlyArray<Float64Array>, days: number, vol: number, policy: RebalancePolicy.Rebalancer, opts: Partial<Engine.EngineConfig> = {}, strike = 100) => {
  const paths = path[0]!.length
  const steps = path.length - 1
  const expiryMs = T0 + days * DAY
  const engine = Engine.make({
    holdings: { legs: [call(strike, expiryMs, "linear")], hedge: linearPerp },
    positions: [-1],
    accounting: "usd",
    policy,
    hedge: { lot: 1e-9, minimum: 0, fees: { maker: 0, taker: 0 }, halfSpread: 0 },
    attribution: true,
    ...opts
  }, paths)
  const vols = [new Float64Array(paths).fill(vol)]
  const at = (k: number) => ({ timeMs: T0 + Math.round((k * days * DAY) / steps), spot: path[k]!, mark: path[k]!, forward: [path[k]!], vol: vols })
  engine.open(at(0))
  for (let k = 1; k < steps; k++) engine.step(at(k))
  engine.settle(expiryMs, path[steps]!)
  engine.finish(at(steps))
  return engine
}

const std = (xs: Float64Array) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1))
}

describe("discrete hedging error (Kamal & Derman 1999; Bertsimas, Kogan & Lo 2000)", () => {
  // S = K = 100, σ_real = σ_implied = 80 %, 30 days, no costs: std(P&L) ≈ √(π/4)·σ·vega/√N
  const vol = 0.8, days = 30, paths = 4000
  const vega = Black76.greeks("call", 100, 100, days / 365, 0, vol).vega
  const results = [25, 100, 400].map((N) => {
    const path = gbm(paths, N, 100, vol, days / 365, N)
    const policy = RebalancePolicy.configure(Policies.timeInterval, { intervalMinutes: (days * 1440) / N, alignToUtc: false })
    const engine = run(path, days, vol, policy)
    return { N, engine, sd: std(engine.pnl()), formula: Formulas.hedgingErrorStd(vega, vol, N) }
  })

  for (const r of [0, 1, 2]) {
    it(`N = ${[25, 100, 400][r]}: within 5 % of √(π/4)·σ·vega/√N, rebalancing N times`, () => {
      const { sd, formula, engine, N } = results[r]!
      expect(Math.abs(sd / formula - 1)).toBeLessThan(0.05)
      // N decisions; a path far out of the money may have nothing to trade (delta unchanged below one lot)
      expect(Math.max(...engine.trades)).toBe(N)
      expect(engine.trades.every((t) => t <= N)).toBe(true)
    })
  }

  it("falls as 1/√N", () => {
    const [a, b, c] = results.map((r) => r.sd)
    expect(a! / b!).toBeGreaterThan(2 * 0.93)
    expect(a! / b!).toBeLessThan(2 * 1.07)
    expect(b! / c!).toBeGreaterThan(2 * 0.93)
    expect(b! / c!).toBeLessThan(2 * 1.07)
  })

  it("the mean P&L is about zero and the attribution adds up to it, with a small residual on smooth paths", () => {
    const { engine, sd } = results[2]!
    const pnl = engine.pnl()
    const mean = pnl.reduce((a, b) => a + b, 0) / paths
    expect(Math.abs(mean)).toBeLessThan(4 * sd / Math.sqrt(paths))
    const a = engine.attribution
    for (let i = 0; i < 50; i++) {
      const sum = Engine.attributionTerms.reduce((s, t) => s + a[t][i]!, 0)
      expect(sum).toBeCloseTo(pnl[i]!, 8)
    }
    // gamma and theta carry the P&L of a hedged option; what they leave unexplained is small beside it
    const res = std(a.residual), gam = std(a.gamma)
    expect(res).toBeLessThan(0.25 * gam)
  })
})

describe("costs", () => {
  it("fees and spread are charged on every hedge trade and attributed to fees and slippage", () => {
    const path = gbm(200, 48, 100_000, 0.6, 2 / 365, 3)
    const policy = RebalancePolicy.configure(Policies.timeInterval, { intervalMinutes: 60, alignToUtc: false })
    const e = run(path, 2, 0.6, policy, { hedge: { lot: 0.001, minimum: 0.001, fees: Costs.deribit.linearPerpetual, halfSpread: 0.0001 } }, 100_000)
    const pnl = e.pnl()
    for (let i = 0; i < 200; i++) {
      expect(e.attribution.fees[i]).toBeLessThan(0)
      expect(e.attribution.slippage[i]).toBeLessThan(0)
      // fees: 5 bp of every traded notional
      expect(-e.attribution.fees[i]! / -e.attribution.slippage[i]!).toBeCloseTo(5, 0)
      const sum = Engine.attributionTerms.reduce((s, t) => s + e.attribution[t][i]!, 0)
      expect(sum).toBeCloseTo(pnl[i]!, 6)
    }
  })

  it("a Whalley–Wilmott band trades less than hourly hedging for the same book", () => {
    const path = gbm(200, 48, 100_000, 0.6, 2 / 365, 5)
    const hedge = { lot: 0.001, minimum: 0.001, fees: Costs.deribit.linearPerpetual, halfSpread: 0.0001 }
    const hourly = run(path, 2, 0.6, RebalancePolicy.configure(Policies.timeInterval, { intervalMinutes: 60, alignToUtc: false }), { hedge }, 100_000)
    const band = run(path, 2, 0.6, RebalancePolicy.configure(Policies.whalleyWilmott, { riskAversion: 1e-3 }), { hedge }, 100_000)
    const mean = (x: ArrayLike<number>) => Array.from(x).reduce((a, b) => a + b, 0) / x.length
    expect(mean(band.trades)).toBeLessThan(mean(hourly.trades))
    expect(mean(band.attribution.fees)).toBeGreaterThan(mean(hourly.attribution.fees))
  })
})
