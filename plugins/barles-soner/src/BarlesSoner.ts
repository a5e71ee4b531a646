/**
 * The `barles-soner` rebalance policy: hedge to the book's delta at Barles & Soner's transaction-cost adjusted
 * volatility, and trade only when the hedge leaves a Whalley–Wilmott no-trade band around it.
 *
 * Units are the core's (see `@hedgekit/hedging`'s `whalley-wilmott`): S the index in USD per coin, Γ the book's
 * gamma in coins per USD of index, κ the hedge's one-way proportional cost (decimal of notional), γ the absolute
 * risk aversion of exponential utility per USD, r a continuously compounded rate, τ years to the book's reference
 * expiry; deltas and band half-widths are coins.
 *
 * - Adjusted vol (Barles & Soner 1998): σ̂ = σ·√(1 + Ψ(A)), A = −e^{rτ}·κ²·γ·S²·Γ. Barles & Soner write A for
 *   the position owed (the option written), whose gamma is −Γ of the book that holds it: a short-gamma book
 *   (A > 0) is hedged at a higher vol, a long-gamma one (A < 0) at a lower vol that never reaches 0 (Ψ > −1).
 * - Band (Whalley & Wilmott 1997): H = (3·e^{−rτ}·κ·S·Γ²/(2γ))^{1/3}, the optimal band of the same utility
 *   problem for small costs, whose price correction is Barles & Soner's in the limit A → 0 (see the README).
 * - Target hedge: −Δ_book(σ̂), the book's delta revalued by the caller at the vol scaled by σ̂/σ.
 *
 * @since 0.1.0
 */
import { InvalidInput, RebalancePolicy } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import { onePlusPsi, psi } from "./Psi.js"

const { defineRebalancePolicy, HOLD, TRADE, ERROR } = RebalancePolicy
type PolicyOutputs = RebalancePolicy.PolicyOutputs

/**
 * The policy's version (the package's).
 *
 * @since 0.1.0
 * @category policy
 */
export const VERSION = "0.1.0"

/**
 * Parameters of the `barles-soner` policy.
 *
 * - `riskAversion` — γ, the absolute risk aversion of exponential utility, per USD (as the core's
 *   `whalley-wilmott`: 1e−4 tolerant, 1e−3 averse). Larger γ: narrower band, vol further from σ.
 * - `rebalanceTo` — where a hedge outside the band goes: `"edge"` (the nearest edge, the utility-optimal move,
 *   default) or `"target"` (all the way to the delta at the adjusted vol).
 *
 * @since 0.1.0
 * @category policy
 */
export const BarlesSonerParams = Schema.Struct({
  riskAversion: Schema.Finite.check(Schema.isGreaterThan(0)),
  rebalanceTo: Schema.optional(Schema.Literals(["edge", "target"]))
})

/**
 * @since 0.1.0
 * @category policy
 */
export type BarlesSonerParams = typeof BarlesSonerParams.Type

// reason codes, in the order of `REASONS`
const TO_EDGE = 0
const TO_TARGET = 1
const INSIDE = 2
const EXPIRED = 3
const BAD_SPOT = 4
const BAD_COST = 5
const BAD_GAMMA = 6
const BAD_CARRY = 7
const BAD_DELTA = 8
const BAD_BAND = 9

const REASONS: ReadonlyArray<string> = [
  "net delta {measure} coins at the Barles–Soner vol, outside the no-trade band ±{limit}: trade to its edge",
  "net delta {measure} coins at the Barles–Soner vol, outside the no-trade band ±{limit}: trade to that delta",
  "net delta {measure} coins at the Barles–Soner vol, within the no-trade band ±{limit}",
  "the book's reference expiry has passed (τ = {measure} years): no trade",
  "the index price {measure} is not a positive finite number (USD per coin)",
  "the one-way cost κ = {measure} is not a finite fraction ≥ 0",
  "the book's gamma {measure} (coins per USD) is not a finite number",
  "the rate {measure} and the time to expiry {limit} years give no finite growth factor e^{rτ}",
  "the book's net delta at the Barles–Soner vol (σ × {limit}) is not a finite number: {measure}",
  "the no-trade band's half-width {measure} coins is not finite"
]

const say = (out: PolicyOutputs, row: number, action: number, reason: number, measure: number, limit: number): void => {
  out.action[row] = action
  out.reason[row] = reason
  out.measure[row] = measure
  out.limit[row] = limit
}

const noop = (): void => {}

/**
 * Hedges a book to its delta at Barles & Soner's adjusted vol σ̂ = σ√(1 + Ψ(A)), A = −e^{rτ}κ²γS²Γ, whenever the
 * hedge is more than the Whalley–Wilmott half-width H = (3e^{−rτ}κSΓ²/(2γ))^{1/3} coins from it; to the band's
 * edge (default) or to that delta. κ is the hedge's one-way cost from the inputs' `cost` column.
 *
 * Degenerate rows: a book without gamma or a hedge without cost has A = 0 and H = 0, i.e. plain delta hedging at
 * the reference vol (a flat book holds); a row whose reference expiry has passed (τ < 0) holds; a row whose index,
 * cost, gamma, rate or τ is not a usable number — or whose revalued delta is not finite — is an error row naming
 * it. The kernel keeps no state and allocates nothing.
 *
 * @since 0.1.0
 * @category policy
 */
export const barlesSoner: RebalancePolicy.RebalancePolicy<BarlesSonerParams> = defineRebalancePolicy({
  name: "barles-soner",
  version: VERSION,
  description:
    "Barles–Soner: hedge to the delta at the cost-adjusted vol σ√(1 + Ψ(−e^{rτ}κ²γS²Γ)), within the Whalley–Wilmott band (3e^{−rτ}κSΓ²/(2γ))^{1/3}",
  params: BarlesSonerParams,
  paramDocs: [
    {
      name: "riskAversion",
      unit: "per USD",
      description: "γ, absolute risk aversion of exponential utility (1e-4: tolerant, 1e-3: averse); sets both the vol adjustment and the band"
    },
    {
      name: "rebalanceTo",
      unit: "\"edge\" | \"target\"",
      description: "a hedge outside the band trades to the band's nearest edge or to the delta at the adjusted vol",
      default: "edge"
    }
  ],
  make: (p) => {
    const riskAversion = p.riskAversion
    const toEdge = (p.rebalanceTo ?? "edge") === "edge"
    return {
      reasons: REASONS,
      stateSize: 0,
      legs: 0,
      needsVolScale: true,
      init: noop,
      commit: noop,
      decide: (inputs, row, _state, _s, out) => {
        const tau = inputs.tau[row]!
        if (tau < 0) return say(out, row, HOLD, EXPIRED, tau, 0)
        const S = inputs.spot[row]!
        const kappa = inputs.cost[row]!
        const G = inputs.bookGamma[row]!
        if (!(S > 0 && S < Infinity)) return say(out, row, ERROR, BAD_SPOT, S, NaN)
        if (!(kappa >= 0 && kappa < Infinity)) return say(out, row, ERROR, BAD_COST, kappa, NaN)
        if (!(G - G === 0)) return say(out, row, ERROR, BAD_GAMMA, G, NaN)
        const r = inputs.rate[row]!
        // e^{rτ}: the risk aversion at t on values paid at expiry is γe^{rτ}
        const growth = Math.exp(r * tau)
        if (!(growth > 0 && growth < Infinity)) return say(out, row, ERROR, BAD_CARRY, r, tau)
        const h = Math.cbrt((3 * kappa * S * G * G) / (2 * riskAversion * growth))
        if (!(h < Infinity)) return say(out, row, ERROR, BAD_BAND, h, NaN)
        // A of the position owed (gamma −Γ); σ̂/σ = √(1 + Ψ(A)) > 0 for every finite A
        const scale = Math.sqrt(onePlusPsi(-growth * kappa * kappa * riskAversion * S * S * G))
        const book = scale === 1 ? inputs.bookDelta[row]! : inputs.deltaAtVolScale!(row, scale)
        const d = inputs.hedgeDelta[row]! + book
        if (!(d - d === 0)) return say(out, row, ERROR, BAD_DELTA, d, scale)
        const a = Math.abs(d)
        if (a > h) {
          say(out, row, TRADE, toEdge ? TO_EDGE : TO_TARGET, a, h)
          out.deltaTrade[row] = toEdge ? -(d - Math.sign(d) * h) : -d
        } else say(out, row, HOLD, INSIDE, a, h)
      }
    }
  }
})

/**
 * One book at one time, for the helpers below (units as in the module's header).
 *
 * @since 0.1.0
 * @category formulas
 */
export interface BookRow {
  /** S, index price, USD per coin. */
  readonly spot: number
  /** Γ, the book's gamma (what it holds), coins per USD of index. */
  readonly gamma: number
  /** κ, one-way proportional cost of the hedge (decimal of notional: 5 bp = 0.0005). */
  readonly cost: number
  /** γ, absolute risk aversion, per USD. */
  readonly riskAversion: number
  /** r, continuously compounded (decimal); default 0. */
  readonly rate?: number
  /** τ, years to the book's reference expiry; default 0. */
  readonly tau?: number
}

const check = (ok: boolean, field: string, value: unknown, expected: string): void => {
  if (!ok) throw new InvalidInput({ field, value, expected })
}

const checkRow = (row: BookRow): { readonly rate: number; readonly tau: number } => {
  check(row.spot > 0 && row.spot < Infinity, "spot", row.spot, "an index price > 0 (USD per coin)")
  check(Number.isFinite(row.gamma), "gamma", row.gamma, "the book's gamma, a finite number (coins per USD)")
  check(row.cost >= 0 && row.cost < 1, "cost", row.cost, "a one-way proportional cost in [0, 1) (decimal of notional)")
  check(row.riskAversion > 0 && row.riskAversion < Infinity, "riskAversion", row.riskAversion, "an absolute risk aversion > 0 (per USD)")
  const rate = row.rate ?? 0
  const tau = row.tau ?? 0
  check(Number.isFinite(rate), "rate", rate, "a continuously compounded rate (decimal)")
  check(tau >= 0 && tau < Infinity, "tau", tau, "years to the book's expiry ≥ 0")
  return { rate, tau }
}

/**
 * Barles & Soner's argument A = −e^{rτ}·κ²·γ·S²·Γ for a book of gamma Γ: a pure number (κ is one, γ is per USD
 * and S²·Γ is USD — (USD per coin)² times coins of delta per USD-per-coin of index). Negative for a long-gamma
 * book, positive for a short-gamma one. Throws `InvalidInput` for a field out of its domain.
 *
 * @since 0.1.0
 * @category formulas
 */
export const argumentOf = (row: BookRow): number => {
  const { rate, tau } = checkRow(row)
  return -Math.exp(rate * tau) * row.cost * row.cost * row.riskAversion * row.spot * row.spot * row.gamma
}

/**
 * The adjusted volatility σ̂ = σ·√(1 + Ψ(A)) at which the book is hedged, with A from {@link argumentOf}; also
 * A and Ψ(A). Throws `InvalidInput` for a field out of its domain.
 *
 * @param vol - σ, the book's reference vol (decimal per √year)
 * @since 0.1.0
 * @category formulas
 */
export const adjustedVol = (vol: number, row: BookRow): { readonly vol: number; readonly argument: number; readonly psi: number } => {
  check(vol > 0 && vol < Infinity, "vol", vol, "a vol > 0 (decimal per √year)")
  const a = argumentOf(row)
  return { vol: vol * Math.sqrt(onePlusPsi(a)), argument: a, psi: psi(a) }
}

/**
 * The no-trade half-width H = (3·e^{−rτ}·κ·S·Γ²/(2γ))^{1/3}, coins (Whalley & Wilmott 1997). Throws
 * `InvalidInput` for a field out of its domain.
 *
 * @since 0.1.0
 * @category formulas
 */
export const halfWidth = (row: BookRow): number => {
  const { rate, tau } = checkRow(row)
  return Math.cbrt((3 * Math.exp(-rate * tau) * row.cost * row.spot * row.gamma * row.gamma) / (2 * row.riskAversion))
}
