/**
 * The rebalance policies of the literature and of the desks, written against the SDK's `RebalancePolicy`
 * contract exactly as a plugin would be.
 *
 * Every policy reads the net delta `bookDelta + hedgeDelta` (coins, in the desk's accounting) and proposes the
 * delta the primary hedge should add; the SDK's runner turns it into whole lots of the instrument. Units of the
 * parameters are in their names: minutes, coins, decimals of notional, risk aversion per USD.
 *
 * - `time-interval` — every Δt, optionally on the UTC grid (8 h → 00:00, 08:00, 16:00: funding and expiry
 *   times), and once more a set time before a leg settles; to delta-neutral.
 * - `delta-band` — a fixed half-width in coins, or gamma-scaled |Γ|·S·x (the delta a move of x makes); to the
 *   band's edge or to its centre.
 * - `price-move` — when |S/S_last − 1| > x; to delta-neutral.
 * - `leland` — every Δt, to the delta at Leland's vol σ√(1 ± Le), + for a short-gamma book (Leland 1985).
 * - `whalley-wilmott` — the asymptotic no-transaction band H = (3e^{−rτ}κSΓ²/(2γ))^{1/3} (Whalley & Wilmott 1997).
 * - `zakamouline` — the band Δ(σ_m) ± (H₀ + H₁) (Zakamouline 2006).
 * - `gamma-frequency` — re-hedge every Δt = √2·s/(|Γ|S²σ²), the interval over which the discrete-hedging error
 *   ½ΓS²(R² − σ²Δt) has standard deviation s (Bertsimas, Kogan & Lo 2000): shorter as gamma grows.
 * - `delta-gamma`, `delta-gamma-vega` — the option quantities that cancel the book's gamma (and vega), rounded to
 *   the options' lots and skipped when their cost is above a limit, then the primary hedge for the delta left,
 *   including the premium and fee paid.
 *
 * @since 0.1.0
 */
import { InvalidInput, RebalancePolicy } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import { zakamoulineInto } from "./internal/zakamouline.js"

const { defineRebalancePolicy, HOLD, TRADE, ERROR } = RebalancePolicy
type PolicyInputs = RebalancePolicy.PolicyInputs
type PolicyOutputs = RebalancePolicy.PolicyOutputs

const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))
const MINUTE_MS = 60_000
const MINUTES_PER_YEAR = 365 * 24 * 60
const DAY_MINUTES = 1440

const net = (inputs: PolicyInputs, row: number): number => inputs.bookDelta[row]! + inputs.hedgeDelta[row]!

const say = (out: PolicyOutputs, row: number, action: number, reason: number, measure: number, limit: number): void => {
  out.action[row] = action
  out.reason[row] = reason
  out.measure[row] = measure
  out.limit[row] = limit
}

const noState = { stateSize: 0, init: () => {}, commit: () => {} } as const

/** The memory of clock-driven policies: the time of the last hedge (NaN before the first). */
const lastHedgeTime = {
  stateSize: 1,
  init: (state: Float64Array, s: number) => { state[s] = NaN },
  commit: (inputs: PolicyInputs, row: number, state: Float64Array, s: number, out: PolicyOutputs) => {
    if (RebalancePolicy.isSatisfied(out, row)) state[s] = inputs.timeMs[row]!
  }
} as const

/**
 * A clock: due when no hedge has been made yet, when `intervalMs` has passed since the last one, or (aligned)
 * when the UTC grid has moved to a new slot since it.
 */
const clock = (intervalMinutes: number, align: boolean) => {
  const interval = intervalMinutes * MINUTE_MS
  return {
    due: (last: number, t: number): boolean =>
      !(last === last) || (align ? Math.floor(t / interval) > Math.floor(last / interval) : t - last >= interval),
    next: (from: number): number => (align ? (Math.floor(from / interval) + 1) * interval : from + interval)
  }
}

const checkGrid = (field: string, minutes: number, align: boolean): void => {
  if (align && !Number.isInteger(DAY_MINUTES / minutes)) {
    throw new InvalidInput({ field, value: minutes, expected: "an interval that divides a day (e.g. 60, 240, 480 minutes) when aligned to the UTC grid" })
  }
}

/**
 * @since 0.1.0
 * @category policies
 */
export const TimeIntervalParams = Schema.Struct({
  intervalMinutes: Positive,
  alignToUtc: Schema.optional(Schema.Boolean),
  beforeSettlementMinutes: Schema.optional(NonNegative),
  toleranceCoins: Schema.optional(NonNegative)
})

/**
 * Re-hedges to delta-neutral every `intervalMinutes`. Aligned to the UTC grid by default, so 480 minutes hedges at
 * 00:00, 08:00 and 16:00 (funding and expiry times); `beforeSettlementMinutes` adds one re-hedge that long before
 * a leg of the book settles (30: 07:30 UTC on Deribit expiry days). A net delta within `toleranceCoins` is left.
 *
 * @since 0.1.0
 * @category policies
 */
export const timeInterval = defineRebalancePolicy({
  name: "time-interval",
  version: "0.1.0",
  description: "re-hedge to delta-neutral on a fixed clock (UTC grid: funding and expiry times), and before settlement",
  params: TimeIntervalParams,
  paramDocs: [
    { name: "intervalMinutes", unit: "minutes", description: "time between re-hedges" },
    { name: "alignToUtc", unit: "boolean", description: "re-hedge on the UTC grid (the interval must divide a day)", default: true },
    { name: "beforeSettlementMinutes", unit: "minutes", description: "one extra re-hedge this long before a leg settles (30 → 07:30 UTC)" },
    { name: "toleranceCoins", unit: "coins", description: "net delta left alone when due", default: 0 }
  ],
  make: (p) => {
    const align = p.alignToUtc ?? true
    checkGrid("intervalMinutes", p.intervalMinutes, align)
    const c = clock(p.intervalMinutes, align)
    const before = p.beforeSettlementMinutes === undefined ? NaN : p.beforeSettlementMinutes * MINUTE_MS
    const tolerance = p.toleranceCoins ?? 0
    return {
      reasons: [
        "first hedge: net delta {measure} coins",
        "scheduled re-hedge every {limit} min: net delta {measure} coins",
        "re-hedge {limit} min before settlement: net delta {measure} coins",
        "not due: next re-hedge in {measure} min",
        "due, but |net delta| {measure} coins is within the tolerance {limit}"
      ],
      ...lastHedgeTime,
      legs: 0,
      needsVolScale: false,
      decide: (inputs, row, state, s, out) => {
        const t = inputs.timeMs[row]!
        const last = state[s]!
        const settle = inputs.settlementMs[row]!
        const force = settle - before // NaN when either is absent
        const forced = t >= force && t < settle && !(last >= force)
        const first = !(last === last)
        const d = net(inputs, row)
        if (first || forced || c.due(last, t)) {
          if (Math.abs(d) <= tolerance && !first) {
            say(out, row, HOLD, 4, Math.abs(d), tolerance)
          } else {
            say(out, row, TRADE, first ? 0 : forced ? 2 : 1, d, forced ? p.beforeSettlementMinutes! : p.intervalMinutes)
            out.deltaTrade[row] = -d
          }
          out.nextMs[row] = Math.min(c.next(t), force > t ? force : Infinity)
          return
        }
        const next = Math.min(c.next(last), force > t ? force : Infinity)
        say(out, row, HOLD, 3, (next - t) / MINUTE_MS, p.intervalMinutes)
        out.nextMs[row] = next
      }
    }
  }
})

/**
 * @since 0.1.0
 * @category policies
 */
export const DeltaBandParams = Schema.Struct({
  halfWidthCoins: Schema.optional(NonNegative),
  gammaMove: Schema.optional(Positive),
  minHalfWidthCoins: Schema.optional(NonNegative),
  target: Schema.optional(Schema.Literals(["edge", "centre"]))
})

/**
 * Trades when |net delta| leaves ±h: h = `halfWidthCoins`, or gamma-scaled h = max(`minHalfWidthCoins`,
 * |Γ|·S·`gammaMove`) — the delta a relative move of `gammaMove` makes, so the band tightens as gamma falls and
 * widens near expiry's peak gamma. Trades to the band's edge (the cost-optimal rule) or to its centre.
 *
 * @since 0.1.0
 * @category policies
 */
export const deltaBand = defineRebalancePolicy({
  name: "delta-band",
  version: "0.1.0",
  description: "trade when |net delta| leaves a band, absolute (coins) or gamma-scaled (|Γ|·S·x), to its edge or centre",
  params: DeltaBandParams,
  paramDocs: [
    { name: "halfWidthCoins", unit: "coins", description: "fixed band half-width (give this or gammaMove)" },
    { name: "gammaMove", unit: "decimal of spot", description: "gamma-scaled half-width |Γ|·S·gammaMove (0.01 = the delta of a 1 % move)" },
    { name: "minHalfWidthCoins", unit: "coins", description: "floor of the gamma-scaled half-width", default: 0 },
    { name: "target", unit: "\"edge\" | \"centre\"", description: "trade to the band's edge or to delta-neutral", default: "edge" }
  ],
  make: (p) => {
    if ((p.halfWidthCoins === undefined) === (p.gammaMove === undefined)) {
      throw new InvalidInput({ field: "delta-band.params", value: p, expected: "exactly one of halfWidthCoins (absolute band) and gammaMove (gamma-scaled band)" })
    }
    const fixed = p.halfWidthCoins
    const move = p.gammaMove ?? 0
    const floor = p.minHalfWidthCoins ?? 0
    const toEdge = (p.target ?? "edge") === "edge"
    return {
      ...noState,
      reasons: [
        "|net delta| {measure} coins outside the band ±{limit}: trade to its edge",
        "|net delta| {measure} coins outside the band ±{limit}: trade to delta-neutral",
        "|net delta| {measure} coins within the band ±{limit}"
      ],
      legs: 0,
      needsVolScale: false,
      decide: (inputs, row, _state, _s, out) => {
        const h = fixed ?? Math.max(floor, Math.abs(inputs.bookGamma[row]!) * inputs.spot[row]! * move)
        const d = net(inputs, row)
        const a = Math.abs(d)
        if (a > h) {
          say(out, row, TRADE, toEdge ? 0 : 1, a, h)
          out.deltaTrade[row] = toEdge ? -(d - Math.sign(d) * h) : -d
        } else say(out, row, HOLD, 2, a, h)
      }
    }
  }
})

/**
 * @since 0.1.0
 * @category policies
 */
export const PriceMoveParams = Schema.Struct({ move: Positive })

/**
 * Re-hedges to delta-neutral when the index has moved more than `move` (relative) since the last hedge —
 * hitting-time hedging, which beats the clock for the same number of trades (Rosenbaum & Tankov 2014).
 *
 * @since 0.1.0
 * @category policies
 */
export const priceMove = defineRebalancePolicy({
  name: "price-move",
  version: "0.1.0",
  description: "re-hedge to delta-neutral when |S/S_last − 1| exceeds a threshold",
  params: PriceMoveParams,
  paramDocs: [{ name: "move", unit: "decimal", description: "relative index move that triggers a re-hedge (0.01 = 1 %)" }],
  make: (p) => ({
    reasons: [
      "first hedge: net delta {measure} coins",
      "index moved {measure} since the last hedge, beyond {limit}",
      "index moved {measure} since the last hedge, within {limit}"
    ],
    stateSize: 1,
    legs: 0,
    needsVolScale: false,
    init: (state, s) => { state[s] = NaN },
    decide: (inputs, row, state, s, out) => {
      const last = state[s]!
      const d = net(inputs, row)
      if (!(last === last)) {
        say(out, row, TRADE, 0, d, NaN)
        out.deltaTrade[row] = -d
        return
      }
      const m = Math.abs(inputs.spot[row]! / last - 1)
      if (m > p.move) {
        say(out, row, TRADE, 1, m, p.move)
        out.deltaTrade[row] = -d
      } else say(out, row, HOLD, 2, m, p.move)
    },
    commit: (inputs, row, state, s, out) => {
      if (RebalancePolicy.isSatisfied(out, row)) state[s] = inputs.spot[row]!
    }
  })
})

/**
 * @since 0.1.0
 * @category policies
 */
export const LelandParams = Schema.Struct({
  intervalMinutes: Positive,
  alignToUtc: Schema.optional(Schema.Boolean),
  roundTripCost: Schema.optional(NonNegative)
})

/**
 * Re-hedges every `intervalMinutes` to the book's delta at Leland's adjusted vol σ√(1 + Le) for a short-gamma
 * book, σ√(1 − Le) for a long-gamma one, Le = √(2/π)·k/(σ√Δt) with k the round-trip cost (`roundTripCost`, or
 * twice the hedge's one-way cost). A long-gamma book with Le ≥ 1 has no such vol: the row is an error.
 *
 * @since 0.1.0
 * @category policies
 */
export const leland = defineRebalancePolicy({
  name: "leland",
  version: "0.1.0",
  description: "re-hedge on a clock to the delta at Leland's cost-adjusted vol σ√(1 ± Le)",
  params: LelandParams,
  paramDocs: [
    { name: "intervalMinutes", unit: "minutes", description: "rebalancing interval Δt" },
    { name: "alignToUtc", unit: "boolean", description: "re-hedge on the UTC grid", default: true },
    { name: "roundTripCost", unit: "decimal of notional", description: "k; default twice the hedge's one-way cost" }
  ],
  make: (p) => {
    const align = p.alignToUtc ?? true
    checkGrid("intervalMinutes", p.intervalMinutes, align)
    const c = clock(p.intervalMinutes, align)
    const sqrtDt = Math.sqrt(p.intervalMinutes / MINUTES_PER_YEAR)
    const k = p.roundTripCost
    return {
      reasons: [
        "re-hedge to the delta at Leland's vol, σ × {limit} (Le = {measure})",
        "not due: next re-hedge in {measure} min",
        "Leland number {measure} ≥ 1 for a long-gamma book: no adjusted vol makes its hedge self-financing"
      ],
      ...lastHedgeTime,
      legs: 0,
      needsVolScale: true,
      decide: (inputs, row, state, s, out) => {
        const t = inputs.timeMs[row]!
        const last = state[s]!
        if (!c.due(last, t)) {
          const next = c.next(last)
          say(out, row, HOLD, 1, (next - t) / MINUTE_MS, p.intervalMinutes)
          out.nextMs[row] = next
          return
        }
        const le = (Math.sqrt(2 / Math.PI) * (k ?? 2 * inputs.cost[row]!)) / (inputs.vol[row]! * sqrtDt)
        const short = inputs.bookGamma[row]! < 0
        if (!short && le >= 1) return say(out, row, ERROR, 2, le, 1)
        const scale = Math.sqrt(short ? 1 + le : 1 - le)
        const target = -inputs.deltaAtVolScale!(row, scale)
        say(out, row, TRADE, 0, le, scale)
        out.deltaTrade[row] = target - inputs.hedgeDelta[row]!
        out.nextMs[row] = c.next(t)
      }
    }
  }
})

/**
 * @since 0.1.0
 * @category policies
 */
export const RiskAversionParams = Schema.Struct({ riskAversion: Positive })

/**
 * Keeps the hedge within H = (3e^{−rτ}κSΓ²/(2γ))^{1/3} coins of delta-neutral, trading to the nearest edge:
 * Whalley & Wilmott's (1997) asymptotically optimal band for exponential utility with absolute risk aversion γ
 * (per USD) and the hedge's one-way cost κ. No cost, no band: continuous delta hedging.
 *
 * @since 0.1.0
 * @category policies
 */
export const whalleyWilmott = defineRebalancePolicy({
  name: "whalley-wilmott",
  version: "0.1.0",
  description: "Whalley–Wilmott asymptotic no-transaction band H = (3e^{−rτ}κSΓ²/(2γ))^{1/3}, trade to its edge",
  params: RiskAversionParams,
  paramDocs: [{ name: "riskAversion", unit: "per USD", description: "γ, absolute risk aversion of exponential utility (1e-4: tolerant, 1e-3: averse)" }],
  make: (p) => ({
    ...noState,
    reasons: [
      "|net delta| {measure} coins outside the Whalley–Wilmott band ±{limit}: trade to its edge",
      "|net delta| {measure} coins within the Whalley–Wilmott band ±{limit}"
    ],
    legs: 0,
    needsVolScale: false,
    decide: (inputs, row, _state, _s, out) => {
      const g = inputs.bookGamma[row]!
      const discount = Math.exp(-inputs.rate[row]! * inputs.tau[row]!)
      const h = Math.cbrt((3 * discount * inputs.cost[row]! * inputs.spot[row]! * g * g) / (2 * p.riskAversion))
      const d = net(inputs, row)
      const a = Math.abs(d)
      if (a > h) {
        say(out, row, TRADE, 0, a, h)
        out.deltaTrade[row] = -(d - Math.sign(d) * h)
      } else say(out, row, HOLD, 1, a, h)
    }
  })
})

/**
 * Keeps the hedge within H₀ + H₁ coins of the delta at Zakamouline's modified vol σ_m = σ√(1 + K) (long gamma)
 * or σ√(1 − K) (short gamma), trading to the nearest edge (Zakamouline 2006; DOMAIN §5.6):
 * H₀ = κ/(γSσ²τ), H₁ = 1.12κ^0.31τ^0.05(e^{−rτ}/σ)^0.25(|Γ|/γ)^0.5, K = −4.76κ^0.78τ^−0.02(e^{−rτ}/σ)^0.25(γS²|Γ|)^0.15.
 *
 * @since 0.1.0
 * @category policies
 */
export const zakamouline = defineRebalancePolicy({
  name: "zakamouline",
  version: "0.1.0",
  description: "Zakamouline band Δ(σ_m) ± (H₀ + H₁) around the delta at a cost-modified vol, trade to its edge",
  params: RiskAversionParams,
  paramDocs: [{ name: "riskAversion", unit: "per USD", description: "γ, absolute risk aversion of exponential utility" }],
  make: (p) => {
    const gamma = p.riskAversion
    const parts = new Float64Array(3)
    return {
      ...noState,
      reasons: [
        "net delta {measure} coins from the modified-vol delta, outside the Zakamouline band ±{limit}: trade to its edge",
        "net delta {measure} coins from the modified-vol delta, within the Zakamouline band ±{limit}",
        "no time left to expiry (τ = {measure} years): Zakamouline's band is undefined",
        "cost too large for Zakamouline's approximation: 1 + K = {measure} ≤ 0"
      ],
      legs: 0,
      needsVolScale: true,
      decide: (inputs, row, _state, _s, out) => {
        const tau = inputs.tau[row]!
        if (!(tau > 0)) return say(out, row, ERROR, 2, tau, 0)
        const S = inputs.spot[row]!, vol = inputs.vol[row]!, kappa = inputs.cost[row]!
        const G = inputs.bookGamma[row]!
        zakamoulineInto(kappa, S, vol, tau, Math.abs(G), gamma, Math.exp(-inputs.rate[row]! * tau), parts)
        const h0 = parts[0]!, h1 = parts[1]!, K = parts[2]!
        const variance = G >= 0 ? 1 + K : 1 - K
        if (!(variance > 0)) return say(out, row, ERROR, 3, variance, 0)
        const target = -(K === 0 ? inputs.bookDelta[row]! : inputs.deltaAtVolScale!(row, Math.sqrt(variance)))
        const h = h0 + h1
        const d = inputs.hedgeDelta[row]! - target
        const a = Math.abs(d)
        if (a > h) {
          say(out, row, TRADE, 0, a, h)
          out.deltaTrade[row] = -(d - Math.sign(d) * h)
        } else say(out, row, HOLD, 1, a, h)
      }
    }
  }
})

/**
 * @since 0.1.0
 * @category policies
 */
export const GammaFrequencyParams = Schema.Struct({
  targetStdUsd: Positive,
  minIntervalMinutes: Schema.optional(Positive),
  maxIntervalMinutes: Schema.optional(Positive)
})

/**
 * The interval (years) over which a book of gamma Γ (coins per USD) at spot S and vol σ adds a discrete-hedging
 * error of standard deviation `targetStd` (USD): Var ε = ½Γ²S⁴σ⁴Δt² ⇒ Δt = √2·targetStd/(|Γ|S²σ²); Infinity for
 * a book without gamma.
 *
 * @since 0.1.0
 * @category policies
 */
export const gammaInterval = (targetStd: number, gamma: number, spot: number, vol: number): number =>
  (Math.SQRT2 * targetStd) / (Math.abs(gamma) * spot * spot * vol * vol)

/**
 * Re-hedges to delta-neutral each time the interval {@link gammaInterval} has passed since the last hedge, the
 * interval recomputed from the current gamma at every decision — so it shortens as gamma grows near expiry —
 * within [`minIntervalMinutes`, `maxIntervalMinutes`] (1 minute and 1 day by default; the reason says when a
 * bound applies).
 *
 * @since 0.1.0
 * @category policies
 */
export const gammaFrequency = defineRebalancePolicy({
  name: "gamma-frequency",
  version: "0.1.0",
  description: "re-hedge every Δt = √2·s/(|Γ|S²σ²): each interval adds hedging error of std s, shorter as gamma grows",
  params: GammaFrequencyParams,
  paramDocs: [
    { name: "targetStdUsd", unit: "USD", description: "standard deviation of the hedging error each interval may add" },
    { name: "minIntervalMinutes", unit: "minutes", description: "shortest interval", default: 1 },
    { name: "maxIntervalMinutes", unit: "minutes", description: "longest interval", default: DAY_MINUTES }
  ],
  make: (p) => {
    const lo = p.minIntervalMinutes ?? 1
    const hi = p.maxIntervalMinutes ?? DAY_MINUTES
    if (!(lo <= hi)) throw new InvalidInput({ field: "minIntervalMinutes", value: lo, expected: `at most maxIntervalMinutes (${hi})` })
    return {
      reasons: [
        "first hedge: net delta {measure} coins",
        "re-hedge after {measure} min: gamma sets the interval to {limit} min",
        "not due: {measure} of {limit} min elapsed",
        "re-hedge after {measure} min: the interval is at its bound of {limit} min"
      ],
      ...lastHedgeTime,
      legs: 0,
      needsVolScale: false,
      decide: (inputs, row, state, s, out) => {
        const t = inputs.timeMs[row]!
        const last = state[s]!
        const raw = gammaInterval(p.targetStdUsd, inputs.bookGamma[row]!, inputs.spot[row]!, inputs.vol[row]!) * MINUTES_PER_YEAR
        const minutes = Math.min(hi, Math.max(lo, raw))
        const d = net(inputs, row)
        if (!(last === last)) {
          say(out, row, TRADE, 0, d, minutes)
          out.deltaTrade[row] = -d
          out.nextMs[row] = t + minutes * MINUTE_MS
          return
        }
        const elapsed = (t - last) / MINUTE_MS
        if (elapsed >= minutes) {
          say(out, row, TRADE, raw === minutes ? 1 : 3, elapsed, minutes)
          out.deltaTrade[row] = -d
          out.nextMs[row] = t + minutes * MINUTE_MS
        } else {
          say(out, row, HOLD, 2, elapsed, minutes)
          out.nextMs[row] = last + minutes * MINUTE_MS
        }
      }
    }
  }
})

/**
 * @since 0.1.0
 * @category policies
 */
export const OptionHedgeParams = Schema.Struct({
  maxOptionCost: Schema.optional(NonNegative),
  gammaTolerance: Schema.optional(NonNegative),
  vegaTolerance: Schema.optional(NonNegative),
  deltaToleranceCoins: Schema.optional(NonNegative)
})

/**
 * @since 0.1.0
 * @category policies
 */
export type OptionHedgeParams = typeof OptionHedgeParams.Type

const optionDocs = [
  { name: "maxOptionCost", unit: "accounting currency", description: "largest cost (fees + half-spread) of the option trades of one decision; above it only delta is hedged" },
  { name: "gammaTolerance", unit: "coins per USD", description: "net gamma left alone", default: 0 },
  { name: "deltaToleranceCoins", unit: "coins", description: "net delta left alone when no option trades", default: 0 }
]

/** Finishes an option hedge: the primary trade for the delta left after the legs' rounded trades and their cash. */
const closeDelta = (inputs: PolicyInputs, row: number, out: PolicyOutputs, legs: number, tolerance: number): number => {
  let d = net(inputs, row)
  let traded = false
  for (let k = 0; k < legs; k++) {
    const leg = inputs.legs[k]!
    const q = out.legTrade[k]![row]!
    d += (leg.position[row]! + q) * leg.delta[row]! + q * leg.cashDelta[row]!
    traded ||= q !== 0
  }
  out.deltaTrade[row] = traded || Math.abs(d) > tolerance ? -d : 0
  return d
}

/**
 * Cancels the book's gamma with one listed option (n = −Γ_book/Γ_option in whole lots), then its delta with the
 * primary hedge, counting the option's own delta and the premium and fee paid for it. Skips the option when its
 * cost is above `maxOptionCost`.
 *
 * @since 0.1.0
 * @category policies
 */
export const deltaGamma = defineRebalancePolicy({
  name: "delta-gamma",
  version: "0.1.0",
  description: "cancel gamma with one listed option (whole lots, within a cost limit), then delta with the primary hedge",
  params: OptionHedgeParams,
  paramDocs: optionDocs,
  make: (p) => {
    const maxCost = p.maxOptionCost ?? Infinity
    const gTol = p.gammaTolerance ?? 0
    const dTol = p.deltaToleranceCoins ?? 0
    return {
      ...noState,
      reasons: [
        "net gamma {measure}/USD: trade {limit} option contracts, then the delta left",
        "the option trade would cost {measure}, above the limit {limit}: delta only",
        "net gamma {measure}/USD within {limit}: delta only",
        "net delta {measure} coins within {limit} and gamma within tolerance",
        "the hedge option has no gamma ({measure})"
      ],
      legs: 1,
      needsVolScale: false,
      decide: (inputs, row, _state, _s, out) => {
        const leg = inputs.legs[0]!
        const g2 = leg.gamma[row]!
        const pos = leg.position[row]!
        const gNet = inputs.bookGamma[row]! + pos * g2
        let reason = 2, measure = gNet, limit = gTol
        if (Math.abs(gNet) > gTol) {
          if (g2 === 0) return say(out, row, ERROR, 4, g2, 0)
          const q = RebalancePolicy.roundToLot(-inputs.bookGamma[row]! / g2 - pos, leg.lot, leg.minimum)
          const cost = Math.abs(q) * leg.cost[row]!
          if (cost > maxCost) {
            reason = 1
            measure = cost
            limit = maxCost
          } else {
            out.legTrade[0]![row] = q
            if (q !== 0) {
              reason = 0
              limit = q
            }
          }
        }
        const d = closeDelta(inputs, row, out, 1, dTol)
        if (out.legTrade[0]![row] === 0 && out.deltaTrade[row] === 0) return say(out, row, HOLD, 3, Math.abs(d), dTol)
        say(out, row, TRADE, reason, measure, limit)
      }
    }
  }
})

/**
 * Cancels the book's gamma and vega with two listed options — solving [Γ₁ Γ₂; ν₁ ν₂]·[n₁; n₂] = −[Γ; ν], whole
 * lots — then its delta with the primary hedge, counting the options' deltas, premiums and fees. Skips the
 * options when their cost is above `maxOptionCost`; a pair whose (Γ, ν) are proportional is an error.
 *
 * @since 0.1.0
 * @category policies
 */
export const deltaGammaVega = defineRebalancePolicy({
  name: "delta-gamma-vega",
  version: "0.1.0",
  description: "cancel gamma and vega with two listed options (2×2 solve, whole lots), then delta with the primary hedge",
  params: OptionHedgeParams,
  paramDocs: [...optionDocs, { name: "vegaTolerance", unit: "accounting currency per 1.00 vol", description: "net vega left alone", default: 0 }],
  make: (p) => {
    const maxCost = p.maxOptionCost ?? Infinity
    const gTol = p.gammaTolerance ?? 0
    const vTol = p.vegaTolerance ?? 0
    const dTol = p.deltaToleranceCoins ?? 0
    return {
      ...noState,
      reasons: [
        "net gamma {measure}/USD and net vega {limit}: trade both options, then the delta left",
        "the option trades would cost {measure}, above the limit {limit}: delta only",
        "net gamma {measure}/USD and vega {limit} within tolerance: delta only",
        "net delta {measure} coins within {limit}, gamma and vega within tolerance",
        "the two hedge options' (gamma, vega) are proportional (determinant {measure}): no solution"
      ],
      legs: 2,
      needsVolScale: false,
      decide: (inputs, row, _state, _s, out) => {
        const a = inputs.legs[0]!, b = inputs.legs[1]!
        const g1 = a.gamma[row]!, g2 = b.gamma[row]!, v1 = a.vega[row]!, v2 = b.vega[row]!
        const p1 = a.position[row]!, p2 = b.position[row]!
        const G = inputs.bookGamma[row]!, V = inputs.bookVega[row]!
        const gNet = G + p1 * g1 + p2 * g2
        const vNet = V + p1 * v1 + p2 * v2
        let reason = 2, measure = gNet, limit = vNet
        if (Math.abs(gNet) > gTol || Math.abs(vNet) > vTol) {
          const det = g1 * v2 - g2 * v1
          if (!(Math.abs(det) > 1e-12 * (Math.abs(g1 * v2) + Math.abs(g2 * v1)))) return say(out, row, ERROR, 4, det, 0)
          const n1 = (-G * v2 + g2 * V) / det
          const n2 = (-g1 * V + G * v1) / det
          const q1 = RebalancePolicy.roundToLot(n1 - p1, a.lot, a.minimum)
          const q2 = RebalancePolicy.roundToLot(n2 - p2, b.lot, b.minimum)
          const cost = Math.abs(q1) * a.cost[row]! + Math.abs(q2) * b.cost[row]!
          if (cost > maxCost) {
            reason = 1
            measure = cost
            limit = maxCost
          } else {
            out.legTrade[0]![row] = q1
            out.legTrade[1]![row] = q2
            if (q1 !== 0 || q2 !== 0) reason = 0
          }
        }
        const d = closeDelta(inputs, row, out, 2, dTol)
        if (out.legTrade[0]![row] === 0 && out.legTrade[1]![row] === 0 && out.deltaTrade[row] === 0) {
          return say(out, row, HOLD, 3, Math.abs(d), dTol)
        }
        say(out, row, TRADE, reason, measure, limit)
      }
    }
  }
})

/**
 * @since 0.1.0
 * @category policies
 */
export const ExpiryWindowParams = Schema.Struct({
  windowMinutes: Schema.optional(Positive),
  stepMinutes: Schema.optional(Positive)
})

/**
 * Wraps a policy for settlement: in the `windowMinutes` (30) before a leg of the book settles — Deribit fixes
 * the delivery price as the TWAP of the index from 07:30 to 08:00 UTC — the expiring legs' delta is still
 * unfixed only in the fraction f = (settlement − t)/window, so the hedge of those legs is unwound along
 * f·Δ_expiring, every `stepMinutes` (1). Outside the window the wrapped policy decides.
 *
 * @since 0.1.0
 * @category policies
 */
export const expiryWindow = (policy: RebalancePolicy.Rebalancer, params: typeof ExpiryWindowParams.Type = {}): RebalancePolicy.Rebalancer => {
  let p: typeof ExpiryWindowParams.Type
  try {
    p = Schema.decodeUnknownSync(ExpiryWindowParams)(params)
  } catch (error) {
    throw new InvalidInput({ field: "expiry-window.params", value: params, expected: error instanceof Error ? error.message : String(error) })
  }
  const window = (p.windowMinutes ?? 30) * MINUTE_MS
  const step = (p.stepMinutes ?? 1) * MINUTE_MS
  const base = policy.reasons.length
  return {
    name: `expiry-window(${policy.name})`,
    reasons: [
      ...policy.reasons,
      "settlement TWAP: {measure} of the expiring legs' delta unfixed; hedge {limit} coins of it",
      "settlement TWAP: next unwind step in {measure} s"
    ],
    stateSize: 1 + policy.stateSize,
    legs: policy.legs,
    needsVolScale: policy.needsVolScale,
    init: (state, s) => {
      state[s] = NaN
      policy.init(state, s + 1)
    },
    decide: (inputs, row, state, s, out) => {
      const t = inputs.timeMs[row]!
      const settle = inputs.settlementMs[row]!
      if (!(t >= settle - window && t < settle)) {
        policy.decide(inputs, row, state, s + 1, out)
        const start = settle - window
        if (start > t && !(out.nextMs[row]! <= start)) out.nextMs[row] = start
        return
      }
      const last = state[s]!
      if (last === last && t - last < step && last >= settle - window) {
        say(out, row, HOLD, base + 1, (last + step - t) / 1000, step / 1000)
        out.nextMs[row] = last + step
        return
      }
      const f = (settle - t) / window
      const expiring = inputs.expiringDelta[row]!
      const book = inputs.bookDelta[row]! - expiring * (1 - f)
      const d = book + inputs.hedgeDelta[row]!
      say(out, row, d === 0 ? HOLD : TRADE, base, f, expiring * f)
      out.deltaTrade[row] = -d
      out.nextMs[row] = Math.min(t + step, settle)
    },
    commit: (inputs, row, state, s, out) => {
      const t = inputs.timeMs[row]!
      const settle = inputs.settlementMs[row]!
      if (RebalancePolicy.isSatisfied(out, row) && t >= settle - window && t < settle) state[s] = t
      policy.commit(inputs, row, state, s + 1, out)
    }
  }
}

/**
 * Every built-in policy, by name.
 *
 * @since 0.1.0
 * @category registry
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry of policies with different parameter types
export const builtins: ReadonlyArray<RebalancePolicy.RebalancePolicy<any>> = [
  timeInterval,
  deltaBand,
  priceMove,
  leland,
  whalleyWilmott,
  zakamouline,
  gammaFrequency,
  deltaGamma,
  deltaGammaVega
]

/**
 * A policy as configuration: a named policy with its parameters, or a composition of specs.
 *
 * ```json
 * { "any": [ { "policy": "whalley-wilmott", "params": { "riskAversion": 1e-4 } },
 *            { "policy": "time-interval", "params": { "intervalMinutes": 480 } } ] }
 * { "killSwitch": { "maxNetDelta": 50 }, "policy": { "expiryWindow": {}, "policy": { "policy": "delta-band", "params": { "halfWidthCoins": 1 } } } }
 * ```
 *
 * @since 0.1.0
 * @category registry
 */
export type PolicySpec =
  | { readonly policy: string; readonly params?: unknown }
  | { readonly all: ReadonlyArray<PolicySpec> }
  | { readonly any: ReadonlyArray<PolicySpec> }
  | { readonly killSwitch: RebalancePolicy.KillSwitchLimits; readonly policy: PolicySpec }
  | { readonly expiryWindow: typeof ExpiryWindowParams.Type; readonly policy: PolicySpec }

/**
 * The combinators a {@link PolicySpec} may use, for listings.
 *
 * @since 0.1.0
 * @category registry
 */
export const combinators: ReadonlyArray<{ readonly key: string; readonly description: string; readonly params: ReadonlyArray<RebalancePolicy.ParamDoc> }> = [
  { key: "all", description: "trade only when every policy wants to, by the smallest trade (e.g. min interval ∧ band)", params: [] },
  { key: "any", description: "trade when any policy wants to, by the largest trade (e.g. band ∨ max interval)", params: [] },
  {
    key: "killSwitch",
    description: "halt for good (until a fresh state) when a limit is crossed",
    params: [
      { name: "maxNetDelta", unit: "coins", description: "largest |net delta| tolerated" },
      { name: "maxOrderDelta", unit: "coins", description: "largest delta one decision may trade" },
      { name: "maxTradesPerHour", unit: "trades", description: "most trades in one UTC clock hour" }
    ]
  },
  {
    key: "expiryWindow",
    description: "unwind the expiring legs' hedge along the settlement TWAP (Deribit 07:30–08:00 UTC); outside it the wrapped policy decides",
    params: [
      { name: "windowMinutes", unit: "minutes", description: "TWAP window before settlement", default: 30 },
      { name: "stepMinutes", unit: "minutes", description: "time between unwind steps", default: 1 }
    ]
  }
]

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Builds a policy from a {@link PolicySpec} (decoded from JSON), looking names up in `registry` (the built-ins,
 * and whatever plugins add). Throws `InvalidInput` naming the path of the faulty part.
 *
 * @since 0.1.0
 * @category registry
 */
export const fromSpec = (
  spec: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as `builtins`
  registry: ReadonlyArray<RebalancePolicy.RebalancePolicy<any>> = builtins,
  path = "policy"
): RebalancePolicy.Rebalancer => {
  const names = registry.map((p) => p.name)
  if (!isObject(spec)) {
    throw new InvalidInput({ field: path, value: spec, expected: "an object: { policy, params } or { all | any: [...] } or { killSwitch | expiryWindow, policy }" })
  }
  const list = (key: "all" | "any") => {
    const xs = spec[key]
    if (!Array.isArray(xs) || xs.length === 0) throw new InvalidInput({ field: `${path}.${key}`, value: xs, expected: "a non-empty array of policy specs" })
    return xs.map((x, i) => fromSpec(x, registry, `${path}.${key}[${i}]`))
  }
  if ("all" in spec) return RebalancePolicy.all(...list("all"))
  if ("any" in spec) return RebalancePolicy.any(...list("any"))
  if ("killSwitch" in spec) return RebalancePolicy.killSwitch(fromSpec(spec.policy, registry, `${path}.policy`), spec.killSwitch as RebalancePolicy.KillSwitchLimits)
  if ("expiryWindow" in spec) return expiryWindow(fromSpec(spec.policy, registry, `${path}.policy`), spec.expiryWindow as typeof ExpiryWindowParams.Type)
  const name = spec.policy
  const policy = registry.find((p) => p.name === name)
  if (policy === undefined) throw new InvalidInput({ field: `${path}.policy`, value: name, expected: `one of ${names.join(", ")}` })
  return RebalancePolicy.configure(policy, spec.params ?? {})
}
