/**
 * Scenario grids: the book revalued on a grid of index shocks × vol shocks × time steps, in full (every option
 * repriced with Black-76 at the shocked forward, vol and expiry) and by its Greeks (the second-order Taylor
 * expansion in the index and the vols, first order in time), side by side.
 *
 * Shocks: the index moves by a relative `spotShocks[i]` (S' = S·(1 + x)), every forward and the perpetual's
 * mark with it (fixed basis); vols move by `volShocks[j]`, absolute (σ' = σ + v) or relative (σ' = σ·(1 + v));
 * time moves by `days[k]` calendar days (an option expiring within the step pays its intrinsic value at the
 * shocked forward). P&L is in the accounting currency: USD, W' − W; coin, W'/S' − W/S.
 *
 * Greek approximation (per option i, dS = x·S, dσᵢ = v or v·σᵢ, dt = days/365):
 *   USD:  Δ·dS + ½Γ·dS² + Σ(vegaᵢ·dσᵢ + ½volgaᵢ·dσᵢ² + vannaᵢ·dS·dσᵢ) + θ·dt
 *   coin: the same expansion of W/S: (Δ − W/S)/S·dS + ½(Γ − 2Δ/S + 2W/S²)/S·dS² + Σ(vegaᵢ/S·dσᵢ
 *         + ½volgaᵢ/S·dσᵢ² + (vannaᵢ/S − vegaᵢ/S²)·dS·dσᵢ) + θ/S·dt.
 *
 * @since 0.1.0
 */
import { Black76 } from "@hedgekit/models"
import { BatchStatus, InvalidInput } from "@hedgekit/sdk"
import * as ClosedForm from "./ClosedForm.js"
import * as Portfolio from "./Portfolio.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Spec {
  /** Relative index shocks, e.g. −0.2 … 0.2. */
  readonly spotShocks: ReadonlyArray<number>
  /** Vol shocks, absolute (0.05 = +5 vol points) or relative (0.1 = +10 %) per `volShock`. */
  readonly volShocks: ReadonlyArray<number>
  readonly volShock: "absolute" | "relative"
  /** Calendar days forward, ≥ 0. */
  readonly days: ReadonlyArray<number>
}

/**
 * P&L on the grid, flat arrays indexed `[(k·nVol + j)·nSpot + i]` for day k, vol shock j, spot shock i.
 *
 * @since 0.1.0
 * @category models
 */
export interface Grid {
  readonly underlying: string
  readonly accounting: Portfolio.Accounting
  readonly spec: Spec
  /** Full revaluation P&L. */
  readonly full: Float64Array
  /** Greek (Taylor) approximation of the same P&L. */
  readonly taylor: Float64Array
  /** Distinct options revalued per cell, and the positions that could not be valued (not in the grid). */
  readonly options: number
  readonly errors: ReadonlyArray<Portfolio.PositionError>
}

const YEAR_MS = 365 * 86_400_000

const checkSpec = (spec: Spec): void => {
  const check = (field: string, xs: ReadonlyArray<number>, ok: (x: number) => boolean, expected: string) => {
    if (xs.length === 0) throw new InvalidInput({ field, value: [], expected: "at least one value" })
    xs.forEach((x, i) => {
      if (!ok(x)) throw new InvalidInput({ field: `${field}[${i}]`, value: x, expected })
    })
  }
  check("spotShocks", spec.spotShocks, (x) => Number.isFinite(x) && x > -1, "a finite relative shock > −1")
  check("volShocks", spec.volShocks, Number.isFinite, "a finite vol shock")
  check("days", spec.days, (x) => Number.isFinite(x) && x >= 0, "a finite number of days ≥ 0")
  if (spec.volShock !== "absolute" && spec.volShock !== "relative") {
    throw new InvalidInput({ field: "volShock", value: spec.volShock, expected: '"absolute" or "relative"' })
  }
}

/**
 * Revalues the positions of `underlying` on the grid.
 *
 * @since 0.1.0
 * @category scenarios
 */
export const grid = (
  book: Portfolio.Book,
  market: Portfolio.Market,
  underlying: string,
  spec: Spec,
  accounting: Portfolio.Accounting
): Grid => {
  checkSpec(spec)
  const m = market.underlyings.find((u) => u.underlying === underlying)
  if (m === undefined) throw new InvalidInput({ field: "underlying", value: underlying, expected: `an underlying of the market (${market.underlyings.map((u) => u.underlying).join(", ")})` })
  const report = Portfolio.exposure(book, market, accounting)
  const S = m.index, r = m.rate ?? 0, mark = m.perpetualMark ?? S
  const mine = report.positions.filter((p) => p.underlying === underlying)
  const byId = new Map(book.positions.map((p) => [p.id, p]))

  // Options as columns, one row per instrument (positions on one option add up); everything else is linear in
  // the index.
  const optionPositions = mine.filter((p) => byId.get(p.id)?.instrument.kind === "option")
  const bySymbol = new Map<string, { readonly risk: Portfolio.PositionRisk; quantity: number }>()
  for (const p of optionPositions) {
    const inst = byId.get(p.id)!.instrument
    const key = inst.kind === "option" ? `${inst.optionType}|${inst.strike}|${inst.expiryMs}|${inst.multiplier}` : p.id
    const entry = bySymbol.get(key)
    if (entry === undefined) bySymbol.set(key, { risk: p, quantity: byId.get(p.id)!.quantity })
    else entry.quantity += byId.get(p.id)!.quantity
  }
  const options = [...bySymbol.values()]
  const n = options.length
  const isCall = new Uint8Array(n), F0 = new Float64Array(n), K = new Float64Array(n), T0 = new Float64Array(n)
  const rate = new Float64Array(n).fill(r), vol0 = new Float64Array(n), size = new Float64Array(n)
  const vega = new Float64Array(n), volga = new Float64Array(n), vanna = new Float64Array(n)
  options.forEach(({ quantity, risk: p }, i) => {
    const inst = byId.get(p.id)!.instrument
    if (inst.kind !== "option") return
    isCall[i] = inst.optionType === "call" ? 1 : 0
    F0[i] = p.forward!
    K[i] = inst.strike
    T0[i] = (inst.expiryMs - market.timestampMs) / YEAR_MS
    vol0[i] = p.vol!
    size[i] = quantity * inst.multiplier
    const g = ClosedForm.black76(inst.optionType, F0[i]!, K[i]!, T0[i]!, r, vol0[i]!)
    const b = F0[i]! / S
    vega[i] = size[i]! * g.vega
    volga[i] = size[i]! * g.volga
    vanna[i] = size[i]! * b * g.vanna // per unit of the index
  })
  // Linear positions: USD value at index S' = S·(1 + x), relative to now.
  const linear = mine.filter((p) => byId.get(p.id)?.instrument.kind !== "option")
  const linearValue = (x: number): number => {
    let w = 0
    for (const p of linear) {
      const inst = byId.get(p.id)?.instrument
      if (inst === undefined) {
        // cash: coin cash moves with S, USD cash does not
        w += p.delta !== 0 ? p.value * (1 + x) : p.value
      } else if (inst.kind === "spot") {
        w += p.value * (1 + x)
      } else if (inst.kind === "perpetual" || inst.kind === "future") {
        const P = inst.kind === "perpetual" ? mark : p.forward!
        const q = byId.get(p.id)!.quantity * inst.contractSize
        // inverse: coin P&L Q(1/P − 1/P') worth that × S' in USD; linear: q(P' − P) USD
        w += inst.settlement === "inverse" ? q * (1 / P - 1 / (P * (1 + x))) * S * (1 + x) : q * P * x
      }
    }
    return w
  }

  // Current Greeks (USD) of what is on the grid; its current value comes from the same kernel as every cell, so
  // that the P&L at the origin is exactly 0.
  let D = 0, G = 0, Th = 0
  for (const p of mine) {
    D += p.delta
    G += p.gamma
    Th += p.theta
  }

  const { days, spotShocks, volShocks } = spec
  const ns = spotShocks.length, nv = volShocks.length, nt = days.length
  const full = new Float64Array(ns * nv * nt)
  const taylor = new Float64Array(ns * nv * nt)
  const F = new Float64Array(n), T = new Float64Array(n), vol = new Float64Array(n)
  // The models' Greeks kernel is their fastest full-precision pricer; the Greeks themselves are not needed.
  const out = { price: new Float64Array(n), delta: new Float64Array(n), gamma: new Float64Array(n), vega: new Float64Array(n), theta: new Float64Array(n), rho: new Float64Array(n) }
  const price = out.price
  const status = new Uint8Array(n)
  const coinView = accounting === "coin"
  Black76.greeksBatch({ length: n, isCall, forward: F0, strike: K, expiry: T0, rate, vol: vol0 }, out, status)
  let W0 = linearValue(0)
  for (let i = 0; i < n; i++) W0 += size[i]! * price[i]!
  for (let j = 0; j < nv; j++) {
    const v = volShocks[j]!
    let sVega = 0, sVolga = 0, sVanna = 0
    for (let i = 0; i < n; i++) {
      const s = spec.volShock === "absolute" ? vol0[i]! + v : vol0[i]! * (1 + v)
      if (!(s > 0)) throw new InvalidInput({ field: `volShocks[${j}]`, value: v, expected: `a shock that leaves every vol > 0 (option ${options[i]!.risk.id} has ${vol0[i]})` })
      vol[i] = s
      const dv = s - vol0[i]!
      sVega += vega[i]! * dv
      sVolga += 0.5 * volga[i]! * dv * dv
      sVanna += vanna[i]! * dv
    }
    for (let k = 0; k < nt; k++) {
      const dt = days[k]! / 365
      for (let i = 0; i < n; i++) T[i] = T0[i]! - dt
      for (let a = 0; a < ns; a++) {
        const x = spotShocks[a]!
        for (let i = 0; i < n; i++) F[i] = F0[i]! * (1 + x)
        Black76.greeksBatch({ length: n, isCall, forward: F, strike: K, expiry: T, rate, vol }, out, status)
        let W = linearValue(x)
        for (let i = 0; i < n; i++) {
          let p = price[i]!
          if (status[i] === BatchStatus.INVALID_EXPIRY && T[i]! <= 0) p = Math.max(isCall[i] === 1 ? F[i]! - K[i]! : K[i]! - F[i]!, 0)
          else if (status[i] !== BatchStatus.OK) throw new InvalidInput({ field: `option ${options[i]!.risk.id}`, value: BatchStatus.describe(status[i]!).label, expected: "a revaluable option" })
          W += size[i]! * p
        }
        const dS = x * S, S1 = S * (1 + x)
        const c = (k * nv + j) * ns + a
        full[c] = coinView ? W / S1 - W0 / S : W - W0
        taylor[c] = coinView
          ? ((D - W0 / S) / S) * dS + (0.5 * (G - (2 * D) / S + (2 * W0) / (S * S)) / S) * dS * dS +
            sVega / S + sVolga / S + (sVanna / S - sVega / (S * S)) * dS + (Th / S) * dt
          : D * dS + 0.5 * G * dS * dS + sVega + sVolga + sVanna * dS + Th * dt
      }
    }
  }
  return { underlying, accounting, spec, full, taylor, options: n, errors: report.errors }
}
