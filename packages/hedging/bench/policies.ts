/**
 * Rebalance-policy benchmark: decisions per second of every built-in policy (and of composed ones), batch over
 * 10,000 paths per call and scalar (one `decideOne` per path), beside a hand-written loop of the same band rule
 * as a baseline (no npm package implements rebalance policies to compare with).
 *
 *   cd packages/hedging && npx -y pnpm@10.34.9 run bench
 *
 * Paths: 10,000 books, each short a BTC option (strikes 0.7–1.3 × spot, 1–90 days, vols 30–120 %) valued with
 * Black-76, hedged with an inverse perpetual (10 USD contracts), the hedge off by up to ±0.5 coin; seeded, so
 * every run sees the same rows. Policies that hedge at an adjusted vol (Leland, Zakamouline) revalue each row's
 * delta with `Black76.greeks` inside the decision, as a backtest would. Each batch figure is the median of
 * seven timed `evaluate` calls over all 10,000 rows after a warm-up; a step moves the clock by 5 minutes.
 */
import * as os from "node:os"
import { Black76 } from "@hedgekit/models"
import { RebalancePolicy } from "@hedgekit/sdk"
import * as Policies from "../src/Policies.js"

const N = 10_000
const S = 100_000
const T0 = Date.UTC(2026, 0, 5)

// xoshiro128**-style small PRNG: a fixed seed, the same rows on every machine
let seed = 0x9e3779b9
const random = () => {
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return (seed >>> 0) / 4294967296
}

const strike = new Float64Array(N), expiry = new Float64Array(N), vols = new Float64Array(N)
const col = () => new Float64Array(N)
const inputs = {
  length: N,
  timeMs: col(), spot: col(), forward: col().fill(S), vol: col(), tau: col(), rate: col(), bookDelta: col(), bookGamma: col(), bookVega: col(),
  expiringDelta: col(), settlementMs: col().fill(NaN), hedgeDelta: col(), unitDelta: col(), cost: col(),
  lot: 1, minimum: 1,
  legs: [] as Array<RebalancePolicy.OptionLegColumns>,
  deltaAtVolScale: (row: number, scale: number) => -10 * Black76.greeks("call", S, strike[row]!, expiry[row]!, 0, vols[row]! * scale).delta
}
for (let i = 0; i < N; i++) {
  strike[i] = S * (0.7 + 0.6 * random())
  expiry[i] = (1 + 89 * random()) / 365
  vols[i] = 0.3 + 0.9 * random()
  const g = Black76.greeks("call", S, strike[i]!, expiry[i]!, 0, vols[i]!)
  inputs.timeMs[i] = T0
  inputs.spot[i] = S
  inputs.vol[i] = vols[i]!
  inputs.tau[i] = expiry[i]!
  inputs.bookDelta[i] = -10 * g.delta
  inputs.bookGamma[i] = -10 * g.gamma
  inputs.bookVega[i] = -10 * g.vega
  inputs.hedgeDelta[i] = 10 * g.delta + (random() - 0.5)
  inputs.unitDelta[i] = 10 / S
  inputs.cost[i] = 0.0005
}
// two listed options for the delta-gamma(-vega) policies
const leg = (K: number, days: number, symbol: string): RebalancePolicy.OptionLegColumns => {
  const g = Black76.greeks("call", S, K, days / 365, 0, 0.6)
  return {
    symbol, delta: col().fill(g.delta), gamma: col().fill(g.gamma), vega: col().fill(g.vega), cashDelta: col().fill(-g.price / S),
    cost: col().fill(0.0008 * S), position: col(), lot: 0.1, minimum: 0.1
  }
}
inputs.legs.push(leg(S, 30, "A"), leg(1.1 * S, 90, "B"))

const cases: ReadonlyArray<readonly [string, () => RebalancePolicy.Rebalancer]> = [
  ["time-interval (60 min)", () => RebalancePolicy.configure(Policies.timeInterval, { intervalMinutes: 60 })],
  ["delta-band (0.5 coin)", () => RebalancePolicy.configure(Policies.deltaBand, { halfWidthCoins: 0.5 })],
  ["delta-band (gamma-scaled 1 %)", () => RebalancePolicy.configure(Policies.deltaBand, { gammaMove: 0.01 })],
  ["price-move (1 %)", () => RebalancePolicy.configure(Policies.priceMove, { move: 0.01 })],
  ["leland (60 min)*", () => RebalancePolicy.configure(Policies.leland, { intervalMinutes: 60, alignToUtc: false })],
  ["whalley-wilmott", () => RebalancePolicy.configure(Policies.whalleyWilmott, { riskAversion: 1e-4 })],
  ["zakamouline*", () => RebalancePolicy.configure(Policies.zakamouline, { riskAversion: 1e-4 })],
  ["gamma-frequency", () => RebalancePolicy.configure(Policies.gammaFrequency, { targetStdUsd: 50 })],
  ["delta-gamma", () => RebalancePolicy.configure(Policies.deltaGamma, {})],
  ["delta-gamma-vega", () => RebalancePolicy.configure(Policies.deltaGammaVega, {})],
  ["any(WW, time-interval 8 h)", () => RebalancePolicy.any(RebalancePolicy.configure(Policies.whalleyWilmott, { riskAversion: 1e-4 }), RebalancePolicy.configure(Policies.timeInterval, { intervalMinutes: 480 }))],
  ["killSwitch(expiry-window(WW))", () => RebalancePolicy.killSwitch(Policies.expiryWindow(RebalancePolicy.configure(Policies.whalleyWilmott, { riskAversion: 1e-4 })), { maxNetDelta: 100 })]
]

const median = (xs: Array<number>) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** The same rule as `delta-band` with a 0.5-coin band, written inline: the floor for any implementation. */
const inlineBand = (quantity: Float64Array) => {
  const h = 0.5
  for (let i = 0; i < N; i++) {
    const d = inputs.bookDelta[i]! + inputs.hedgeDelta[i]!
    const a = Math.abs(d)
    quantity[i] = a > h ? Math.round(-(d - Math.sign(d) * h) / inputs.unitDelta[i]!) : 0
  }
}

const batchRate = (policy: RebalancePolicy.Rebalancer): number => {
  const out = RebalancePolicy.makeOutputs(N, policy.legs)
  const state = RebalancePolicy.makeState(policy, N)
  const step = () => {
    for (let i = 0; i < N; i++) inputs.timeMs[i]! += 300_000
    RebalancePolicy.evaluate(policy, inputs, state, out)
  }
  for (let k = 0; k < 5; k++) step()
  const times: Array<number> = []
  for (let k = 0; k < 7; k++) {
    const t = process.hrtime.bigint()
    step()
    times.push(Number(process.hrtime.bigint() - t) / 1e9)
  }
  return N / median(times)
}

const scalarRate = (policy: RebalancePolicy.Rebalancer): number => {
  const states = Array.from({ length: 1000 }, () => RebalancePolicy.makeState(policy, 1))
  const contexts = Array.from({ length: 1000 }, (_, i): RebalancePolicy.PolicyContext => ({
    timeMs: inputs.timeMs[i]!, spot: S, vol: inputs.vol[i]!, tau: inputs.tau[i]!,
    book: { delta: inputs.bookDelta[i]!, gamma: inputs.bookGamma[i]!, vega: inputs.bookVega[i]! },
    hedge: { symbol: "BTC-PERPETUAL", delta: inputs.hedgeDelta[i]!, unitDelta: 10 / S, cost: 0.0005, lot: 1 },
    legs: inputs.legs.map((l) => ({ symbol: l.symbol, delta: l.delta[0]!, gamma: l.gamma[0]!, vega: l.vega[0]!, cashDelta: l.cashDelta[0]!, cost: l.cost[0]!, position: 0, lot: 0.1 })),
    deltaAtVolScale: (scale) => inputs.deltaAtVolScale(i, scale)
  }))
  const run = () => {
    for (let i = 0; i < 1000; i++) RebalancePolicy.decideOne(policy, contexts[i]!, states[i]!)
  }
  run()
  const times: Array<number> = []
  for (let k = 0; k < 7; k++) {
    const t = process.hrtime.bigint()
    run()
    times.push(Number(process.hrtime.bigint() - t) / 1e9)
  }
  return 1000 / median(times)
}

const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(0)} k/s`)

console.log(`hedgekit rebalance policies — ${N} paths per batch call; ${os.cpus()[0]?.model ?? "cpu"}, node ${process.version}`)
console.log("policy                              batch (decisions/s)   scalar decideOne (decisions/s)")
{
  const q = new Float64Array(N)
  for (let k = 0; k < 5; k++) inlineBand(q)
  const times: Array<number> = []
  for (let k = 0; k < 7; k++) {
    const t = process.hrtime.bigint()
    inlineBand(q)
    times.push(Number(process.hrtime.bigint() - t) / 1e9)
  }
  console.log(`${"baseline: inline band loop".padEnd(36)}${fmt(N / median(times)).padStart(16)}`)
}
for (const [name, make] of cases) {
  console.log(`${name.padEnd(36)}${fmt(batchRate(make())).padStart(16)}${fmt(scalarRate(make())).padStart(26)}`)
}
console.log("* revalues the row's option with Black-76 at the adjusted vol inside each decision")
