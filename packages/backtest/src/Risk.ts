/**
 * Risk statistics of a P&L sample (one value per path, in the accounting currency): mean, standard deviation,
 * value at risk and conditional value at risk (expected shortfall), and entropic risk.
 *
 * Conventions: losses are positive. With the sample sorted ascending x₍₁₎ ≤ … ≤ x₍ₙ₎ and m = n(1 − α):
 * VaR_α = −x₍⌈m⌉₎ (the empirical lower quantile), CVaR_α = −(Σ_{i ≤ ⌊m⌋} x₍ᵢ₎ + (m − ⌊m⌋)·x₍⌊m⌋+1₎)/m (Acerbi &
 * Tasche 2002: the mean of the worst n(1 − α) outcomes, the boundary one weighted by its fraction), so that
 * CVaR ≥ VaR always. Entropic risk with risk aversion λ (per unit of currency): (1/λ)·ln E[e^{−λX}], computed
 * with a shifted log-sum-exp so that large losses do not overflow.
 *
 * @since 0.1.0
 */
import { InvalidInput } from "@hedgekit/sdk"

/**
 * @since 0.1.0
 * @category models
 */
export interface Summary {
  readonly paths: number
  readonly mean: number
  readonly std: number
  readonly var95: number
  readonly cvar95: number
  readonly var99: number
  readonly cvar99: number
  readonly min: number
  readonly max: number
}

const checkSample = (pnl: ArrayLike<number>): void => {
  if (pnl.length === 0) throw new InvalidInput({ field: "pnl", value: [], expected: "at least one P&L value" })
  for (let i = 0; i < pnl.length; i++) {
    if (!Number.isFinite(pnl[i]!)) throw new InvalidInput({ field: `pnl[${i}]`, value: pnl[i], expected: "a finite P&L" })
  }
}

const checkLevel = (alpha: number): void => {
  if (!(alpha > 0 && alpha < 1)) throw new InvalidInput({ field: "alpha", value: alpha, expected: "a confidence level in (0, 1), e.g. 0.95" })
}

const sorted = (pnl: ArrayLike<number>): Float64Array => Float64Array.from(pnl).sort()

/**
 * Value at risk at level `alpha` (0.95, 0.99), as a positive loss.
 *
 * @since 0.1.0
 * @category statistics
 */
export const valueAtRisk = (pnl: ArrayLike<number>, alpha: number): number => {
  checkSample(pnl)
  checkLevel(alpha)
  return varOfSorted(sorted(pnl), alpha)
}

const varOfSorted = (x: Float64Array, alpha: number): number => {
  const m = x.length * (1 - alpha)
  return -x[Math.max(0, Math.ceil(m - 1e-9) - 1)]!
}

const cvarOfSorted = (x: Float64Array, alpha: number): number => {
  const m = x.length * (1 - alpha)
  if (m < 1) return -x[0]! // fewer than one outcome in the tail: the worst one
  const whole = Math.floor(m + 1e-9)
  let sum = 0
  for (let i = 0; i < whole; i++) sum += x[i]!
  const frac = m - whole
  if (frac > 1e-9 && whole < x.length) sum += frac * x[whole]!
  return -sum / m
}

/**
 * Conditional value at risk (expected shortfall) at level `alpha`, as a positive loss.
 *
 * @since 0.1.0
 * @category statistics
 */
export const conditionalValueAtRisk = (pnl: ArrayLike<number>, alpha: number): number => {
  checkSample(pnl)
  checkLevel(alpha)
  return cvarOfSorted(sorted(pnl), alpha)
}

/**
 * Entropic risk (1/λ)·ln E[e^{−λX}] with risk aversion `lambda` > 0 (per unit of the P&L's currency).
 *
 * @since 0.1.0
 * @category statistics
 */
export const entropicRisk = (pnl: ArrayLike<number>, lambda: number): number => {
  checkSample(pnl)
  if (!(lambda > 0 && lambda < Infinity)) throw new InvalidInput({ field: "lambda", value: lambda, expected: "a risk aversion > 0 (per unit of currency)" })
  let top = -Infinity
  for (let i = 0; i < pnl.length; i++) top = Math.max(top, -lambda * pnl[i]!)
  let sum = 0
  for (let i = 0; i < pnl.length; i++) sum += Math.exp(-lambda * pnl[i]! - top)
  return (top + Math.log(sum / pnl.length)) / lambda
}

/**
 * Mean, standard deviation (n − 1), VaR and CVaR at 95 % and 99 %, min and max.
 *
 * @since 0.1.0
 * @category statistics
 */
export const summarize = (pnl: ArrayLike<number>): Summary => {
  checkSample(pnl)
  const n = pnl.length
  let mean = 0
  for (let i = 0; i < n; i++) mean += pnl[i]!
  mean /= n
  let ss = 0
  for (let i = 0; i < n; i++) ss += (pnl[i]! - mean) ** 2
  const x = sorted(pnl)
  return {
    paths: n,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    var95: varOfSorted(x, 0.95),
    cvar95: cvarOfSorted(x, 0.95),
    var99: varOfSorted(x, 0.99),
    cvar99: cvarOfSorted(x, 0.99),
    min: x[0]!,
    max: x[n - 1]!
  }
}
