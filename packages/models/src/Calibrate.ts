/**
 * Calibration of smile models to one expiry's quotes (SVI, SABR) and of SSVI, Heston and Bates to a whole
 * surface, by weighted least squares in implied vol (`Fit.levenbergMarquardt`; Heston and Bates through each
 * quote's vega, (model − market price)/vega, the vol error to first order). Residuals are wᵢ·(σ_model(kᵢ) − σ_market(kᵢ)), so
 * the reported RMSE is in vol (multiply by 100 for vol points); the weights are the caller's (vega, or the
 * inverse of the bid-ask spread in vol).
 *
 * Parameters are fitted through transforms that keep them in their domain: SVI b = eᵘ, ρ = tanh u, σ = eᵘ and
 * a = eᵘ − bσ√(1 − ρ²) (minimum total variance > 0); SABR α = eᵘ, ρ = tanh u, ν = eᵘ (β fixed); SSVI ρ = tanh u,
 * η = eᵘ, γ = (1 + tanh u)/2; Heston and Bates v₀, κ, θ, σ, λ, δ_J = eᵘ, ρ = tanh u. Several starting points are tried and the best fit kept.
 *
 * @since 0.1.0
 */
import { InvalidInput } from "@hedgekit/sdk"
import * as Bates from "./Bates.js"
import * as Black76 from "./Black76.js"
import * as Fit from "./Fit.js"
import * as Heston from "./Heston.js"
import * as Sabr from "./Sabr.js"
import * as Svi from "./Svi.js"

/**
 * One expiry's quotes: forward, expiry (years), strikes, market implied vols (decimal) and weights.
 *
 * @since 0.1.0
 * @category models
 */
export interface Slice {
  readonly forward: number
  readonly expiry: number
  readonly strikes: ArrayLike<number>
  readonly vols: ArrayLike<number>
  /** Per quote, ≥ 0; equal weights when absent. */
  readonly weights?: ArrayLike<number>
}

/**
 * A fit's quality: weighted RMSE of the vol residuals (decimal; ×100 for vol points), the largest absolute vol
 * error, and how the solver stopped.
 *
 * @since 0.1.0
 * @category models
 */
export interface Quality {
  readonly rmse: number
  readonly maxError: number
  readonly converged: boolean
  readonly iterations: number
}

const checkSlice = (s: Slice, minimum: number): void => {
  const n = s.strikes.length
  if (!(s.forward > 0 && s.forward < Infinity)) throw new InvalidInput({ field: "forward", value: s.forward, expected: "a finite forward > 0" })
  if (!(s.expiry > 0 && s.expiry < Infinity)) throw new InvalidInput({ field: "expiry", value: s.expiry, expected: "a time to expiry in years > 0" })
  if (s.vols.length !== n || (s.weights !== undefined && s.weights.length !== n)) {
    throw new InvalidInput({ field: "vols", value: s.vols.length, expected: `one vol (and weight) per strike (${n})` })
  }
  if (n < minimum) throw new InvalidInput({ field: "strikes", value: n, expected: `at least ${minimum} quotes to fit` })
  for (let i = 0; i < n; i++) {
    if (!(s.strikes[i]! > 0 && s.strikes[i]! < Infinity)) throw new InvalidInput({ field: `strikes[${i}]`, value: s.strikes[i], expected: "a finite strike > 0" })
    if (!(s.vols[i]! > 0 && s.vols[i]! < Infinity)) throw new InvalidInput({ field: `vols[${i}]`, value: s.vols[i], expected: "an implied vol > 0" })
    const w = s.weights?.[i] ?? 1
    if (!(w >= 0 && w < Infinity)) throw new InvalidInput({ field: `weights[${i}]`, value: w, expected: "a finite weight ≥ 0" })
  }
}

const qualityOf = (model: (i: number) => number, s: Slice): { readonly rmse: number; readonly maxError: number } => {
  let sw = 0, sse = 0, max = 0
  for (let i = 0; i < s.strikes.length; i++) {
    const w = s.weights?.[i] ?? 1
    const e = model(i) - s.vols[i]!
    sw += w * w
    sse += w * w * e * e
    max = Math.max(max, Math.abs(e))
  }
  return { rmse: Math.sqrt(sse / sw), maxError: max }
}

const quality = (model: (i: number) => number, s: Slice, result: Fit.Result): Quality => ({
  ...qualityOf(model, s),
  converged: result.converged,
  iterations: result.iterations
})

const best = (starts: ReadonlyArray<ReadonlyArray<number>>, problem: Fit.Problem): Fit.Result => {
  let winner: Fit.Result | undefined
  for (const x0 of starts) {
    let r: Fit.Result
    try {
      r = Fit.levenbergMarquardt(problem, x0, { maxIterations: 300 })
    } catch {
      continue // a start where the model is undefined
    }
    if (winner === undefined || r.cost < winner.cost) winner = r
  }
  if (winner === undefined) throw new InvalidInput({ field: "slice", value: "no start", expected: "quotes that some starting parameters can price" })
  return winner
}

const sviFrom = (u: ArrayLike<number>): Svi.Raw => {
  const b = Math.exp(u[1]!), rho = Math.tanh(u[2]!), sigma = Math.exp(u[4]!)
  return { a: Math.exp(u[0]!) - b * sigma * Math.sqrt(1 - rho * rho), b, rho, m: u[3]!, sigma }
}

/**
 * Fits a raw SVI slice to one expiry's vols.
 *
 * @since 0.1.0
 * @category calibration
 */
export const svi = (slice: Slice): { readonly params: Svi.Raw; readonly quality: Quality; readonly butterfly: Svi.Check } => {
  checkSlice(slice, 5)
  const n = slice.strikes.length, T = slice.expiry
  const k = Float64Array.from({ length: n }, (_, i) => Math.log(slice.strikes[i]! / slice.forward))
  const w = Float64Array.from({ length: n }, (_, i) => slice.weights?.[i] ?? 1)
  const problem: Fit.Problem = {
    m: n,
    n: 5,
    residuals: (u, out) => {
      const p = sviFrom(u)
      for (let i = 0; i < n; i++) out[i] = w[i]! * (Math.sqrt(Math.max(Svi.totalVariance(p, k[i]!), 0) / T) - slice.vols[i]!)
    }
  }
  let minVar = Infinity
  for (let i = 0; i < n; i++) minVar = Math.min(minVar, slice.vols[i]! * slice.vols[i]! * T)
  const starts: Array<Array<number>> = []
  for (const rho of [-0.5, 0, 0.5]) for (const m of [-0.1, 0, 0.1]) for (const sigma of [0.05, 0.3]) starts.push([Math.log(0.8 * minVar), Math.log(0.1 * Math.sqrt(T) + 0.01), Math.atanh(rho), m, Math.log(sigma)])
  const result = best(starts, problem)
  const params = sviFrom(result.x)
  return {
    params,
    quality: quality((i) => Math.sqrt(Math.max(Svi.totalVariance(params, k[i]!), 0) / T), slice, result),
    butterfly: Svi.butterfly(params, Math.max(3, 1.5 * Math.max(...Array.from(k, Math.abs))))
  }
}

/**
 * Fits SABR (α, ρ, ν at a fixed β, Obłój's lognormal vol) to one expiry's vols.
 *
 * @since 0.1.0
 * @category calibration
 */
export const sabr = (slice: Slice, beta: number): { readonly params: Sabr.Params; readonly quality: Quality } => {
  checkSlice(slice, 3)
  if (!(beta >= 0 && beta <= 1)) throw new InvalidInput({ field: "beta", value: beta, expected: "β in [0, 1]" })
  const n = slice.strikes.length, F = slice.forward, T = slice.expiry
  const w = Float64Array.from({ length: n }, (_, i) => slice.weights?.[i] ?? 1)
  const from = (u: ArrayLike<number>): Sabr.Params => ({ alpha: Math.exp(u[0]!), beta, correlation: Math.tanh(u[1]!), volOfVol: Math.exp(u[2]!) })
  const problem: Fit.Problem = {
    m: n,
    n: 3,
    residuals: (u, out) => {
      const p = from(u)
      for (let i = 0; i < n; i++) out[i] = w[i]! * (Sabr.lognormalVol(F, slice.strikes[i]!, T, p) - slice.vols[i]!)
    }
  }
  // ATM vol level from the quote nearest the money
  let atm = 0, nearest = Infinity
  for (let i = 0; i < n; i++) {
    const d = Math.abs(Math.log(slice.strikes[i]! / F))
    if (d < nearest) {
      nearest = d
      atm = slice.vols[i]!
    }
  }
  const starts: Array<Array<number>> = []
  for (const rho of [-0.5, 0, 0.5]) for (const nu of [0.3, 1, 3]) starts.push([Math.log(atm * Math.pow(F, 1 - beta)), Math.atanh(rho), Math.log(nu)])
  const result = best(starts, problem)
  const params = from(result.x)
  return { params, quality: quality((i) => Sabr.lognormalVol(F, slice.strikes[i]!, T, params), slice, result) }
}

/**
 * Fits a power-law SSVI surface (ρ, η, γ) to several expiries, each slice's ATM total variance θ taken from its
 * own quotes (linear in k between the two quotes around the money). Returns the θs (expiry order), the parameters,
 * the fit per expiry and Gatheral & Jacquier's no-arbitrage checks.
 *
 * @since 0.1.0
 * @category calibration
 */
export const ssvi = (slices: ReadonlyArray<Slice>): {
  readonly params: Extract<Svi.Ssvi, { readonly phi: "powerLaw" }>
  readonly thetas: ReadonlyArray<number>
  readonly quality: ReadonlyArray<Quality>
  readonly checks: ReturnType<typeof Svi.ssviChecks>
} => {
  if (slices.length < 1) throw new InvalidInput({ field: "slices", value: 0, expected: "at least one expiry" })
  slices.forEach((s) => checkSlice(s, 3))
  const sorted = [...slices].sort((a, b) => a.expiry - b.expiry)
  const thetas = sorted.map((s) => {
    const pts = Array.from({ length: s.strikes.length }, (_, i) => ({ k: Math.log(s.strikes[i]! / s.forward), w: s.vols[i]! * s.vols[i]! * s.expiry })).sort((a, b) => a.k - b.k)
    const j = pts.findIndex((p) => p.k >= 0)
    if (j <= 0) return (j === 0 ? pts[0]! : pts[pts.length - 1]!).w
    const a = pts[j - 1]!, b = pts[j]!
    return a.w + ((0 - a.k) * (b.w - a.w)) / (b.k - a.k)
  })
  const rows: Array<{ readonly slice: number; readonly k: number; readonly vol: number; readonly w: number }> = []
  sorted.forEach((s, j) => {
    for (let i = 0; i < s.strikes.length; i++) rows.push({ slice: j, k: Math.log(s.strikes[i]! / s.forward), vol: s.vols[i]!, w: s.weights?.[i] ?? 1 })
  })
  const from = (u: ArrayLike<number>) => ({ phi: "powerLaw" as const, rho: Math.tanh(u[0]!), eta: Math.exp(u[1]!), gamma: (1 + Math.tanh(u[2]!)) / 2 })
  const problem: Fit.Problem = {
    m: rows.length,
    n: 3,
    residuals: (u, out) => {
      const p = from(u)
      rows.forEach((r, i) => {
        out[i] = r.w * (Math.sqrt(Svi.ssviTotalVariance(p, thetas[r.slice]!, r.k) / sorted[r.slice]!.expiry) - r.vol)
      })
    }
  }
  const starts: Array<Array<number>> = []
  for (const rho of [-0.5, 0, 0.3]) for (const eta of [0.5, 1.5]) for (const gamma of [0.3, 0.5]) starts.push([Math.atanh(rho), Math.log(eta), Math.atanh(2 * gamma - 1)])
  const result = best(starts, problem)
  const params = from(result.x)
  const fits = sorted.map((s, j) =>
    quality((i) => Math.sqrt(Svi.ssviTotalVariance(params, thetas[j]!, Math.log(s.strikes[i]! / s.forward)) / s.expiry), s, result)
  )
  return { params, thetas, quality: fits, checks: Svi.ssviChecks(params, thetas) }
}


/**
 * The fit of a stochastic-vol surface (Heston, Bates): parameters, per-expiry quality, and the solver's stop.
 *
 * @since 0.1.0
 * @category models
 */
export interface SurfaceFit<P> {
  readonly params: P
  readonly quality: ReadonlyArray<Quality>
  readonly iterations: number
  readonly evaluations: number
  readonly converged: boolean
}

/** Prices a whole expiry's strikes (calls where K ≥ F, puts below) into `out`. */
type StrikesPricer<P> = (isCall: Uint8Array, forward: number, strikes: Float64Array, expiry: number, rate: number, params: P, out: Float64Array, status: Uint8Array) => void

const surface = <P>(
  slices: ReadonlyArray<Slice>,
  from: (u: ArrayLike<number>) => P,
  starts: ReadonlyArray<ReadonlyArray<number>>,
  priceStrikes: StrikesPricer<P>
): SurfaceFit<P> => {
  if (slices.length < 1) throw new InvalidInput({ field: "slices", value: 0, expected: "at least one expiry" })
  slices.forEach((s) => checkSlice(s, 1))
  // Per slice: strikes, out-of-the-money flags, market prices and vegas at the market vols (undiscounted, r = 0).
  const data = slices.map((s) => {
    const n = s.strikes.length
    const strikes = Float64Array.from(s.strikes)
    const isCall = Uint8Array.from(strikes, (K) => (K >= s.forward ? 1 : 0))
    const market = new Float64Array(n), vega = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const g = Black76.greeks(isCall[i] === 1 ? "call" : "put", s.forward, strikes[i]!, s.expiry, 0, s.vols[i]!)
      market[i] = g.price
      vega[i] = g.vega
    }
    return { s, strikes, isCall, market, vega, model: new Float64Array(n), status: new Uint8Array(n) }
  })
  const m = data.reduce((a, d) => a + d.strikes.length, 0)
  // Residual: weight × (model − market price)/market vega, the vol error to first order (no implied-vol
  // inversion, which far wings of a trial surface could make fail).
  const problem: Fit.Problem = {
    m,
    n: starts[0]!.length,
    residuals: (u, out) => {
      const p = from(u)
      let j = 0
      for (const d of data) {
        priceStrikes(d.isCall, d.s.forward, d.strikes, d.s.expiry, 0, p, d.model, d.status)
        for (let i = 0; i < d.strikes.length; i++, j++) {
          const w = d.s.weights?.[i] ?? 1
          out[j] = d.status[i] === 0 ? (w * (d.model[i]! - d.market[i]!)) / d.vega[i]! : NaN
        }
      }
    }
  }
  const result = best(starts, problem)
  const params = from(result.x)
  const fits = data.map((d): Quality => {
    priceStrikes(d.isCall, d.s.forward, d.strikes, d.s.expiry, 0, params, d.model, d.status)
    // the fit's vol errors, by inverting each model price (NaN where a price has no Black vol)
    const vol = (i: number): number => {
      try {
        return Black76.impliedVol(d.isCall[i] === 1 ? "call" : "put", d.model[i]!, d.s.forward, d.strikes[i]!, d.s.expiry, 0)
      } catch {
        return NaN
      }
    }
    return quality(vol, d.s, result)
  })
  return { params, quality: fits, iterations: result.iterations, evaluations: result.evaluations, converged: result.converged }
}

/**
 * Fits Heston (v₀, κ, θ, σ, ρ) to a surface of expiries at once (vol residuals to first order through each
 * quote's vega, weighted by the slices' weights).
 *
 * @since 0.1.0
 * @category calibration
 */
export const heston = (slices: ReadonlyArray<Slice>): SurfaceFit<Heston.Params> => {
  const atm = atmVariance(slices)
  const from = (u: ArrayLike<number>): Heston.Params => ({
    initialVariance: Math.exp(u[0]!), meanReversion: Math.exp(u[1]!), longRunVariance: Math.exp(u[2]!), volOfVol: Math.exp(u[3]!), correlation: Math.tanh(u[4]!)
  })
  const starts = [
    [Math.log(atm), Math.log(2), Math.log(atm), Math.log(1), Math.atanh(-0.3)],
    [Math.log(atm), Math.log(5), Math.log(atm), Math.log(2), Math.atanh(0)]
  ]
  return surface(slices, from, starts, Heston.priceStrikes)
}

/**
 * Fits Bates (Heston + lognormal jumps λ, μ_J, δ_J) to a surface of expiries at once.
 *
 * @since 0.1.0
 * @category calibration
 */
export const bates = (slices: ReadonlyArray<Slice>): SurfaceFit<Bates.Params> => {
  const atm = atmVariance(slices)
  const from = (u: ArrayLike<number>): Bates.Params => ({
    initialVariance: Math.exp(u[0]!), meanReversion: Math.exp(u[1]!), longRunVariance: Math.exp(u[2]!), volOfVol: Math.exp(u[3]!), correlation: Math.tanh(u[4]!),
    jumpIntensity: Math.exp(u[5]!), jumpMean: u[6]!, jumpVol: Math.exp(u[7]!)
  })
  const starts = [
    [Math.log(0.8 * atm), Math.log(2), Math.log(0.8 * atm), Math.log(1), Math.atanh(-0.3), Math.log(2), -0.02, Math.log(0.1)],
    [Math.log(0.8 * atm), Math.log(5), Math.log(0.8 * atm), Math.log(2), Math.atanh(0), Math.log(5), -0.05, Math.log(0.05)]
  ]
  return surface(slices, from, starts, Bates.priceStrikes)
}

/** A starting variance: the mean square of the quotes nearest the money. */
const atmVariance = (slices: ReadonlyArray<Slice>): number => {
  let sum = 0
  for (const s of slices) {
    let best = Infinity, vol = s.vols[0]!
    for (let i = 0; i < s.strikes.length; i++) {
      const d = Math.abs(Math.log(s.strikes[i]! / s.forward))
      if (d < best) {
        best = d
        vol = s.vols[i]!
      }
    }
    sum += vol * vol
  }
  return sum / slices.length
}
