/**
 * The closed-form results of the dynamic-hedging literature, as plain functions with units in their names:
 *
 * - Leland (1985, J. Finance 40:1283): hedging every Δt with a round-trip proportional cost k is, to first order,
 *   hedging at the adjusted variance σ_L² = σ²(1 ± Le), Le = √(2/π)·k/(σ√Δt) (+ for a short option position,
 *   − for a long one; the long case is ill-posed for Le ≥ 1).
 * - Whalley & Wilmott (1997, Math. Finance 7(3):307): the asymptotic no-transaction band for exponential utility
 *   with absolute risk aversion γ and one-way proportional cost κ: keep the hedge within
 *   H = (3·e^{−rτ}·κ·S·Γ²/(2γ))^{1/3} of the delta, and trade to the nearest edge.
 * - Zakamouline (2006, Quant. Finance 6(5):435), as in Sinclair, *Volatility Trading*, ch. 7: a band
 *   Δ(σ_m) ± (H₀ + H₁) around the delta at a modified vol σ_m² = σ²(1 ± K),
 *   H₀ = κ/(γSσ²τ), H₁ = 1.12·κ^0.31·τ^0.05·(e^{−rτ}/σ)^0.25·(|Γ|/γ)^0.5,
 *   K = −4.76·κ^0.78/τ^0.02·(e^{−rτ}/σ)^0.25·(γS²|Γ|)^0.15 (+K for long gamma, −K for short).
 * - Kamal & Derman (1999), Bertsimas, Kogan & Lo (2000): the standard deviation of the P&L of an at-the-money
 *   option hedged N times over its life, √(π/4)·vega·σ/√N (vega per 1.00 of vol).
 * - Delta-gamma(-vega) hedging with listed options: the option quantities that cancel the book's gamma (and vega),
 *   then the underlying that cancels the delta left.
 *
 * Units: S in USD (or any quote currency), Γ per USD, vol σ decimal per √year, times in years, κ and k decimal
 * fractions of notional (5 bp = 0.0005), γ per USD (exponential utility). Band half-widths are in units of the
 * underlying (coins), for position Greeks Γ = Σ nᵢΓᵢ.
 *
 * @since 0.1.0
 */
import { InvalidInput } from "@hedgekit/sdk"
import { zakamoulineInto } from "./internal/zakamouline.js"

const positive = (field: string, x: number, expected: string): void => {
  if (!(x > 0 && x < Infinity)) throw new InvalidInput({ field, value: x, expected })
}
const nonNegative = (field: string, x: number, expected: string): void => {
  if (!(x >= 0 && x < Infinity)) throw new InvalidInput({ field, value: x, expected })
}
const finite = (field: string, x: number, expected: string): void => {
  if (!Number.isFinite(x)) throw new InvalidInput({ field, value: x, expected })
}

/**
 * Leland's number Le = √(2/π)·k/(σ√Δt).
 *
 * @param roundTripCost - k, round-trip proportional cost (decimal; 0.001 = 10 bp)
 * @param vol - σ, decimal per √year
 * @param intervalYears - Δt, the rebalancing interval in years
 * @since 0.1.0
 * @category Leland
 */
export const lelandNumber = (roundTripCost: number, vol: number, intervalYears: number): number => {
  nonNegative("roundTripCost", roundTripCost, "a round-trip cost ≥ 0 (decimal)")
  positive("vol", vol, "a vol > 0 (decimal)")
  positive("intervalYears", intervalYears, "a rebalancing interval > 0 (years)")
  return (Math.sqrt(2 / Math.PI) * roundTripCost) / (vol * Math.sqrt(intervalYears))
}

/**
 * Leland's adjusted vol σ√(1 + Le) for a short option position, σ√(1 − Le) for a long one (which throws when
 * Le ≥ 1: no vol then makes the hedge self-financing).
 *
 * @since 0.1.0
 * @category Leland
 */
export const lelandVol = (vol: number, roundTripCost: number, intervalYears: number, position: "short" | "long"): number => {
  const le = lelandNumber(roundTripCost, vol, intervalYears)
  if (position !== "short" && position !== "long") throw new InvalidInput({ field: "position", value: position, expected: '"short" or "long"' })
  if (position === "long" && le >= 1) {
    throw new InvalidInput({ field: "intervalYears", value: intervalYears, expected: `a rebalancing interval with Leland number < 1 for a long position (it is ${le})` })
  }
  return vol * Math.sqrt(position === "short" ? 1 + le : 1 - le)
}

/**
 * Whalley & Wilmott's no-transaction half-width H = (3·e^{−rτ}·κ·S·Γ²/(2γ))^{1/3}, in units of the underlying.
 *
 * @param cost - κ, one-way proportional cost (decimal)
 * @param spot - S (USD)
 * @param gamma - the position's Γ (per USD)
 * @param riskAversion - γ, absolute risk aversion (per USD)
 * @param discount - e^{−rτ} (1 at r = 0)
 * @since 0.1.0
 * @category bands
 */
export const whalleyWilmottBand = (cost: number, spot: number, gamma: number, riskAversion: number, discount = 1): number => {
  nonNegative("cost", cost, "a one-way cost ≥ 0 (decimal)")
  positive("spot", spot, "a spot > 0")
  finite("gamma", gamma, "a finite position gamma (per unit of underlying price)")
  positive("riskAversion", riskAversion, "an absolute risk aversion > 0 (per USD)")
  positive("discount", discount, "a discount factor e^{−rτ} > 0")
  return Math.cbrt((3 * discount * cost * spot * gamma * gamma) / (2 * riskAversion))
}

/**
 * Zakamouline's band: half-widths H₀ and H₁ (units of the underlying) and K, the variance adjustment of the vol at
 * which the band's centre delta is taken (σ_m = σ√(1 + K) for long gamma, σ√(1 − K) for short; K ≤ 0).
 *
 * @param cost - κ, one-way proportional cost (decimal)
 * @param spot - S
 * @param vol - σ (decimal per √year)
 * @param tau - τ = T − t (years)
 * @param gamma - the position's Γ at σ (per unit of price)
 * @param riskAversion - γ (per unit of price)
 * @param discount - e^{−rτ}
 * @since 0.1.0
 * @category bands
 */
export const zakamoulineBand = (
  cost: number,
  spot: number,
  vol: number,
  tau: number,
  gamma: number,
  riskAversion: number,
  discount = 1
): { readonly h0: number; readonly h1: number; readonly halfWidth: number; readonly k: number; readonly modifiedVol: number } => {
  nonNegative("cost", cost, "a one-way cost ≥ 0 (decimal)")
  positive("spot", spot, "a spot > 0")
  positive("vol", vol, "a vol > 0 (decimal)")
  positive("tau", tau, "a time to expiry > 0 (years)")
  finite("gamma", gamma, "a finite position gamma")
  positive("riskAversion", riskAversion, "an absolute risk aversion > 0")
  positive("discount", discount, "a discount factor e^{−rτ} > 0")
  const parts = new Float64Array(3)
  zakamoulineInto(cost, spot, vol, tau, Math.abs(gamma), riskAversion, discount, parts)
  const h0 = parts[0]!, h1 = parts[1]!, k = parts[2]!
  const variance = gamma >= 0 ? 1 + k : 1 - k
  if (!(variance > 0)) throw new InvalidInput({ field: "cost", value: cost, expected: `a cost small enough that 1 + K > 0 (K = ${k})` })
  return { h0, h1, halfWidth: h0 + h1, k, modifiedVol: vol * Math.sqrt(variance) }
}

/**
 * Where a hedge outside its band goes: to the nearest edge of [target − H, target + H], or nowhere (the hedge
 * itself) when inside. All in units of the underlying.
 *
 * @since 0.1.0
 * @category bands
 */
export const toBandEdge = (hedge: number, target: number, halfWidth: number): number => {
  finite("hedge", hedge, "a finite hedge position")
  finite("target", target, "a finite target")
  nonNegative("halfWidth", halfWidth, "a band half-width ≥ 0")
  return hedge > target + halfWidth ? target + halfWidth : hedge < target - halfWidth ? target - halfWidth : hedge
}

/**
 * Kamal & Derman's standard deviation of the P&L of an at-the-money option delta-hedged N times:
 * √(π/4)·vega·σ/√N (vega per 1.00 of vol, in the premium's currency).
 *
 * @since 0.1.0
 * @category hedging error
 */
export const hedgingErrorStd = (vega: number, vol: number, rebalances: number): number => {
  finite("vega", vega, "a finite vega (per 1.00 of vol)")
  positive("vol", vol, "a vol > 0 (decimal)")
  if (!(Number.isInteger(rebalances) && rebalances > 0)) throw new InvalidInput({ field: "rebalances", value: rebalances, expected: "a whole number of rebalances > 0" })
  return (Math.sqrt(Math.PI / 4) * Math.abs(vega) * vol) / Math.sqrt(rebalances)
}

/**
 * Greeks of a book or of one hedge instrument (per unit held), in consistent units.
 *
 * @since 0.1.0
 * @category hedge ratios
 */
export interface Exposure {
  readonly delta: number
  readonly gamma: number
  readonly vega?: number
}

/**
 * Delta-gamma hedge with one option: n₂ = −Γ_book/Γ₂ of the option, then n_u = −(Δ_book + n₂Δ₂) of the
 * underlying (delta 1).
 *
 * @since 0.1.0
 * @category hedge ratios
 */
export const deltaGammaHedge = (book: Exposure, option: Exposure): { readonly option: number; readonly underlying: number } => {
  finite("book.delta", book.delta, "a finite delta")
  finite("book.gamma", book.gamma, "a finite gamma")
  finite("option.delta", option.delta, "a finite delta")
  if (!(option.gamma !== 0 && Number.isFinite(option.gamma))) throw new InvalidInput({ field: "option.gamma", value: option.gamma, expected: "a hedge option with gamma ≠ 0" })
  const n = -book.gamma / option.gamma
  return { option: n, underlying: -(book.delta + n * option.delta) }
}

/**
 * Delta-gamma-vega hedge with two options: solves [Γ₂ Γ₃; ν₂ ν₃]·[n₂; n₃] = −[Γ_book; ν_book], then
 * n_u = −(Δ_book + n₂Δ₂ + n₃Δ₃). Throws when the two options' (Γ, ν) are (nearly) collinear.
 *
 * @since 0.1.0
 * @category hedge ratios
 */
export const deltaGammaVegaHedge = (
  book: Exposure,
  first: Exposure,
  second: Exposure
): { readonly first: number; readonly second: number; readonly underlying: number } => {
  for (const [name, e] of [["book", book], ["first", first], ["second", second]] as const) {
    finite(`${name}.delta`, e.delta, "a finite delta")
    finite(`${name}.gamma`, e.gamma, "a finite gamma")
    finite(`${name}.vega`, e.vega ?? NaN, "a finite vega")
  }
  const a = first.gamma, b = second.gamma, c = first.vega!, d = second.vega!
  const det = a * d - b * c
  if (!(Math.abs(det) > 1e-12 * (Math.abs(a * d) + Math.abs(b * c)))) {
    throw new InvalidInput({ field: "second", value: { gamma: b, vega: d }, expected: "a second option whose (gamma, vega) is not proportional to the first's" })
  }
  const g = -book.gamma, v = -book.vega!
  const n2 = (g * d - b * v) / det
  const n3 = (a * v - g * c) / det
  return { first: n2, second: n3, underlying: -(book.delta + n2 * first.delta + n3 * second.delta) }
}
