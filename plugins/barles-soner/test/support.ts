/**
 * Test helpers: the mpmath fixture, and a small Black–Scholes book (calls on the forward, r = 0) to revalue at a
 * scaled vol — written here, since a plugin's tests use only the SDK.
 */
import { readFileSync } from "node:fs"
import type { RebalancePolicy } from "@hedgekit/sdk"

export interface PsiPoint {
  readonly A: number
  readonly psi: number
  readonly onePlusPsi: number
  readonly psi30: string
}

export const fixture: { readonly points: ReadonlyArray<PsiPoint> } = JSON.parse(
  readFileSync(new URL("./fixtures/psi.json", import.meta.url), "utf8")
)

/** The fixture's point at A (which must be one of its arguments). */
export const at = (a: number): PsiPoint => {
  const p = fixture.points.find((q) => q.A === a)
  if (p === undefined) throw new Error(`no fixture point at A = ${a}`)
  return p
}

/**
 * erf by its Maclaurin series below 3 and erfc by its continued fraction erfc z = e^{−z²}/√π · 1/(z + (1/2)/(z + 1/(z +
 * (3/2)/(z + …)))) above (evaluated bottom-up): good to ~1e−14, plenty for test books.
 */
const erfc = (x: number): number => {
  const z = Math.abs(x)
  let r: number
  if (z < 3) {
    let term = z, sum = z
    for (let n = 1; n < 80 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-z * z) / n
      sum += term / (2 * n + 1)
    }
    r = 1 - (2 / Math.sqrt(Math.PI)) * sum
  } else {
    let f = z
    for (let k = 60; k >= 1; k--) f = z + k / 2 / f
    r = Math.exp(-z * z) / Math.sqrt(Math.PI) / f
  }
  return x >= 0 ? r : 2 - r
}
export const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2)
const normalPdf = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI)

/** n calls struck at K on an index at S, σ, τ years, r = 0 (forward = index): delta (coins) and gamma (coins per USD). */
export const calls = (n: number, spot: number, strike: number, vol: number, tau: number): { delta: number; gamma: number } => {
  const sd = vol * Math.sqrt(tau)
  const d1 = Math.log(spot / strike) / sd + sd / 2
  return { delta: n * normalCdf(d1), gamma: (n * normalPdf(d1)) / (spot * sd) }
}

export const S = 100_000
export const T0 = Date.UTC(2026, 10, 20, 8, 0, 0)
export const WEEK = 7 / 365

/**
 * A decision's context: `n` seven-day ATM calls (negative: written) at σ 50 %, hedged with the inverse perpetual
 * (10 USD lots, 1/S coins of delta per USD), κ 5 bp, the hedge `offset` coins away from −Δ(σ) unless given.
 */
export const context = (
  n: number,
  over: { hedge?: number; cost?: number; lot?: number; unitDelta?: number; tau?: number; rate?: number; seen?: Array<number> } = {}
): RebalancePolicy.PolicyContext => {
  const tau = over.tau ?? WEEK
  const book = calls(n, S, S, 0.5, tau)
  return {
    timeMs: T0,
    spot: S,
    vol: 0.5,
    tau,
    ...(over.rate !== undefined ? { rate: over.rate } : {}),
    book: { delta: book.delta, gamma: book.gamma },
    hedge: {
      symbol: "BTC-PERPETUAL",
      delta: over.hedge ?? -book.delta,
      unitDelta: over.unitDelta ?? 1 / S,
      cost: over.cost ?? 0.0005,
      lot: over.lot ?? 10
    },
    deltaAtVolScale: (scale) => {
      over.seen?.push(scale)
      return calls(n, S, S, 0.5 * scale, tau).delta
    }
  }
}
