/**
 * Model-free properties checked on random inputs (fast-check): parity, no-arbitrage bounds, monotonicity and
 * convexity, implied-vol round trips, consistency between the models, and typed errors.
 *
 * Tolerances. A price computed in double arithmetic from exact inputs can be expected to be as accurate as if
 * every input had been perturbed by a few ε; its absolute error is then about ε·A with
 *
 *   A = |U·∂P/∂U| + |K·∂P/∂K| + |σ·vega| + |T·theta| + |r·rho| (+ |q·dividendRho|)
 *
 * (the numerator of the condition number used in Accuracy.test.ts). A is computed here from the model's own
 * Greeks; where a property combines several prices, the tolerance is 16·ε times the sum of their A's, plus
 * the rounding of the model-free right-hand side. These are the same budgets the accuracy suite enforces
 * against 50-digit references, so a property can only fail by a genuine inconsistency, and they are far
 * below what a 1e-7 CDF or a cancelling wing formula would produce.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Bachelier, Black76, BlackScholes } from "../src/index.js"
import { EPS, fmt, ulp } from "./fixtures/fixtures.js"

type OptionType = "call" | "put"

/** Runs per property; raise with HEDGEKIT_PROPERTY_RUNS for a longer soak (e.g. 20000). */
const RUNS = { numRuns: Number(process.env["HEDGEKIT_PROPERTY_RUNS"] ?? 400) } as const

const fail = (what: string, details: Readonly<Record<string, number | string>>): never => {
  throw new Error(`${what}: ${Object.entries(details).map(([k, v]) => `${k}=${typeof v === "number" ? fmt(v) : v}`).join(", ")}`)
}

const logUniform = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map((x) => Math.min(hi, Math.max(lo, Math.exp(x))))

const optionType = fc.constantFrom<OptionType>("call", "put")
const level = logUniform(0.01, 1e4)
const expiry = logUniform(1 / 525600, 10)
const vol = logUniform(1e-3, 10)
const rate = fc.double({ min: -0.05, max: 0.2, noNaN: true })
/** Strike offset in standard deviations σ√T. */
const moneyness = (limit: number) => fc.double({ min: -limit, max: limit, noNaN: true })

// ---------------------------------------------------------------------------------------------------------------
// Inputs

interface Lognormal {
  readonly type: OptionType
  readonly S: number
  readonly K: number
  readonly T: number
  readonly r: number
  readonly q: number
  readonly v: number
}

const lognormal = (o: { T?: fc.Arbitrary<number>; v?: fc.Arbitrary<number>; u?: number } = {}): fc.Arbitrary<Lognormal> =>
  fc.record({ type: optionType, S: level, T: o.T ?? expiry, r: rate, q: rate, v: o.v ?? vol, u: moneyness(o.u ?? 10) }).map(
    ({ S, T, q, r, type, u, v }) => ({ type, S, K: S * Math.exp((r - q) * T + u * v * Math.sqrt(T)), T, r, q, v })
  )

interface Normal {
  readonly type: OptionType
  readonly F: number
  readonly K: number
  readonly T: number
  readonly r: number
  readonly v: number
}

/** Bachelier inputs: forward of either sign around a level L, absolute vol = relative vol × L. */
const normal = (o: { u?: number } = {}): fc.Arbitrary<Normal> =>
  fc.record({ type: optionType, L: level, f: fc.double({ min: -1, max: 2, noNaN: true }), T: expiry, r: rate, v: vol, u: moneyness(o.u ?? 10) })
    .map(({ L, T, f, r, type, u, v }) => {
      const F = f * L
      const sv = v * L
      return { type, F, K: F + u * sv * Math.sqrt(T), T, r, v: sv }
    })

// ---------------------------------------------------------------------------------------------------------------
// Error budgets A (see the header)

const bsmBudget = (x: Lognormal): { price: number; A: number } => {
  const g = BlackScholes.greeks(x.type, x.S, x.K, x.T, x.r, x.q, x.v)
  // P is homogeneous of degree 1 in (S, K): K·∂P/∂K = P − S·delta.
  const A = Math.abs(x.S * g.delta) + Math.abs(g.price - x.S * g.delta) + Math.abs(x.v * g.vega) + Math.abs(x.T * g.theta) +
    Math.abs(x.r * g.rho) + Math.abs(x.q * g.dividendRho)
  return { price: g.price, A }
}

const b76Budget = (type: OptionType, F: number, K: number, T: number, r: number, v: number): { price: number; A: number } => {
  const g = Black76.greeks(type, F, K, T, r, v)
  const A = Math.abs(F * g.delta) + Math.abs(g.price - F * g.delta) + Math.abs(v * g.vega) + Math.abs(T * g.theta) +
    Math.abs(r * g.rho)
  return { price: g.price, A }
}

const normalBudget = (x: Normal): { price: number; A: number } => {
  const g = Bachelier.greeks(x.type, x.F, x.K, x.T, x.r, x.v)
  // The normal model depends on F − K only, so ∂P/∂K = −∂P/∂F.
  const A = Math.abs(x.F * g.delta) + Math.abs(x.K * g.delta) + Math.abs(x.v * g.vega) + Math.abs(x.T * g.theta) +
    Math.abs(x.r * g.rho)
  return { price: g.price, A }
}

// ---------------------------------------------------------------------------------------------------------------

describe("put–call parity", () => {
  it("BlackScholes: C − P = S·e^{−qT} − K·e^{−rT}", () => {
    fc.assert(
      fc.property(lognormal(), (x) => {
        const c = bsmBudget({ ...x, type: "call" })
        const p = bsmBudget({ ...x, type: "put" })
        const fs = x.S * Math.exp(-x.q * x.T)
        const fk = x.K * Math.exp(-x.r * x.T)
        const err = Math.abs(c.price - p.price - (fs - fk))
        const tol = 16 * EPS * (c.A + p.A) + 4 * EPS * (fs * (1 + Math.abs(x.q * x.T)) + fk * (1 + Math.abs(x.r * x.T)))
        if (!(err <= tol)) fail("parity", { ...x, C: c.price, P: p.price, err, tol })
      }),
      RUNS
    )
  })

  it("Black76: C − P = e^{−rT}(F − K)", () => {
    fc.assert(
      fc.property(lognormal(), ({ K, S: F, T, r, v }) => {
        const c = b76Budget("call", F, K, T, r, v)
        const p = b76Budget("put", F, K, T, r, v)
        const df = Math.exp(-r * T)
        const err = Math.abs(c.price - p.price - df * (F - K))
        const tol = 16 * EPS * (c.A + p.A) + 4 * EPS * df * (F + K) * (1 + Math.abs(r * T))
        if (!(err <= tol)) fail("parity", { F, K, T, r, v, C: c.price, P: p.price, err, tol })
      }),
      RUNS
    )
  })

  it("Bachelier: C − P = e^{−rT}(F − K), for forwards and strikes of either sign", () => {
    fc.assert(
      fc.property(normal(), (x) => {
        const c = normalBudget({ ...x, type: "call" })
        const p = normalBudget({ ...x, type: "put" })
        const df = Math.exp(-x.r * x.T)
        const err = Math.abs(c.price - p.price - df * (x.F - x.K))
        const tol = 16 * EPS * (c.A + p.A) + 4 * EPS * df * (Math.abs(x.F) + Math.abs(x.K)) * (1 + Math.abs(x.r * x.T))
        if (!(err <= tol)) fail("parity", { ...x, C: c.price, P: p.price, err, tol })
      }),
      RUNS
    )
  })
})

describe("no-arbitrage bounds", () => {
  it("BlackScholes: max(±(S·e^{−qT} − K·e^{−rT}), 0) ≤ V ≤ S·e^{−qT} (call) or K·e^{−rT} (put), V ≥ 0", () => {
    fc.assert(
      fc.property(lognormal(), (x) => {
        const V = BlackScholes.price(x.type, x.S, x.K, x.T, x.r, x.q, x.v)
        const fs = x.S * Math.exp(-x.q * x.T)
        const fk = x.K * Math.exp(-x.r * x.T)
        const sign = x.type === "call" ? 1 : -1
        const lower = Math.max(sign * (fs - fk), 0)
        const upper = x.type === "call" ? fs : fk
        const slack = 8 * EPS * (fs + fk)
        if (!(V >= 0 && V >= lower - slack && V <= upper + slack)) fail("bounds", { ...x, V, lower, upper })
      }),
      RUNS
    )
  })

  it("Black76: e^{−rT}·max(±(F − K), 0) ≤ V ≤ e^{−rT}·F (call) or e^{−rT}·K (put), V ≥ 0", () => {
    fc.assert(
      fc.property(lognormal(), ({ K, S: F, T, r, type, v }) => {
        const V = Black76.price(type, F, K, T, r, v)
        const df = Math.exp(-r * T)
        const lower = df * Math.max(type === "call" ? F - K : K - F, 0)
        const upper = df * (type === "call" ? F : K)
        const slack = 8 * EPS * df * (F + K)
        if (!(V >= 0 && V >= lower - slack && V <= upper + slack)) fail("bounds", { type, F, K, T, r, v, V, lower, upper })
      }),
      RUNS
    )
  })

  it("Bachelier: intrinsic ≤ V ≤ intrinsic + e^{−rT}·σ√T/√(2π) (time value peaks at the money)", () => {
    fc.assert(
      fc.property(normal(), (x) => {
        const V = Bachelier.price(x.type, x.F, x.K, x.T, x.r, x.v)
        const df = Math.exp(-x.r * x.T)
        const intrinsic = df * Math.max(x.type === "call" ? x.F - x.K : x.K - x.F, 0)
        const cap = intrinsic + df * x.v * Math.sqrt(x.T) / Math.sqrt(2 * Math.PI)
        const slack = 8 * EPS * df * (Math.abs(x.F) + Math.abs(x.K) + x.v * Math.sqrt(x.T))
        if (!(V >= 0 && V >= intrinsic - slack && V <= cap + slack)) fail("bounds", { ...x, V, intrinsic, cap })
      }),
      RUNS
    )
  })
})

describe("shape in strike and vol", () => {
  const bump = fc.double({ min: Math.log(1e-8), max: 0, noNaN: true }).map(Math.exp)

  it("BlackScholes: calls decrease and puts increase in strike", () => {
    fc.assert(
      fc.property(lognormal(), bump, (x, h) => {
        const a = bsmBudget(x)
        const b = bsmBudget({ ...x, K: x.K * (1 + h) })
        const tol = 16 * EPS * (a.A + b.A)
        const ok = x.type === "call" ? b.price <= a.price + tol : b.price >= a.price - tol
        if (!ok) fail("strike monotonicity", { ...x, h, lowK: a.price, highK: b.price, tol })
      }),
      RUNS
    )
  })

  it("Black76 and Bachelier: calls decrease and puts increase in strike", () => {
    fc.assert(
      fc.property(lognormal(), normal(), bump, (x, n, h) => {
        const a = b76Budget(x.type, x.S, x.K, x.T, x.r, x.v)
        const b = b76Budget(x.type, x.S, x.K * (1 + h), x.T, x.r, x.v)
        const tol = 16 * EPS * (a.A + b.A)
        if (!(x.type === "call" ? b.price <= a.price + tol : b.price >= a.price - tol)) {
          fail("Black76 strike monotonicity", { ...x, h, lowK: a.price, highK: b.price, tol })
        }
        const step = h * (Math.abs(n.K) + n.v * Math.sqrt(n.T))
        const c = normalBudget(n)
        const d = normalBudget({ ...n, K: n.K + step })
        const tolN = 16 * EPS * (c.A + d.A)
        if (!(n.type === "call" ? d.price <= c.price + tolN : d.price >= c.price - tolN)) {
          fail("Bachelier strike monotonicity", { ...n, step, lowK: c.price, highK: d.price, tol: tolN })
        }
      }),
      RUNS
    )
  })

  it("all models: prices increase in vol", () => {
    fc.assert(
      fc.property(lognormal(), normal(), bump, (x, n, h) => {
        const a = bsmBudget(x)
        const b = bsmBudget({ ...x, v: x.v * (1 + h) })
        if (!(b.price >= a.price - 16 * EPS * (a.A + b.A))) fail("BSM vol monotonicity", { ...x, h, a: a.price, b: b.price })
        const c = b76Budget(x.type, x.S, x.K, x.T, x.r, x.v)
        const d = b76Budget(x.type, x.S, x.K, x.T, x.r, x.v * (1 + h))
        if (!(d.price >= c.price - 16 * EPS * (c.A + d.A))) fail("Black76 vol monotonicity", { ...x, h, a: c.price, b: d.price })
        const e = normalBudget(n)
        const f = normalBudget({ ...n, v: n.v * (1 + h) })
        if (!(f.price >= e.price - 16 * EPS * (e.A + f.A))) fail("Bachelier vol monotonicity", { ...n, h, a: e.price, b: f.price })
      }),
      RUNS
    )
  })

  it("all models: prices are convex in strike", () => {
    const width = fc.double({ min: Math.log(1e-4), max: Math.log(0.5), noNaN: true }).map(Math.exp)
    fc.assert(
      fc.property(lognormal(), normal(), width, (x, n, w) => {
        // Symmetric in log-strike for the lognormal models, in strike for Bachelier.
        const lo = bsmBudget({ ...x, K: x.K * (1 - w) })
        const mid = bsmBudget(x)
        const hi = bsmBudget({ ...x, K: x.K * (1 + w) })
        // K(1−w), K, K(1+w) are equally spaced, so the second difference must be ≥ 0.
        const d2 = lo.price + hi.price - 2 * mid.price
        const tol = 16 * EPS * (lo.A + 2 * mid.A + hi.A)
        if (!(d2 >= -tol)) fail("BSM convexity", { ...x, w, d2, tol })
        const lo7 = b76Budget(x.type, x.S, x.K * (1 - w), x.T, x.r, x.v)
        const mid7 = b76Budget(x.type, x.S, x.K, x.T, x.r, x.v)
        const hi7 = b76Budget(x.type, x.S, x.K * (1 + w), x.T, x.r, x.v)
        const d27 = lo7.price + hi7.price - 2 * mid7.price
        if (!(d27 >= -16 * EPS * (lo7.A + 2 * mid7.A + hi7.A))) fail("Black76 convexity", { ...x, w, d2: d27 })
        const step = w * n.v * Math.sqrt(n.T)
        const loN = normalBudget({ ...n, K: n.K - step })
        const midN = normalBudget(n)
        const hiN = normalBudget({ ...n, K: n.K + step })
        const d2N = loN.price + hiN.price - 2 * midN.price
        if (!(d2N >= -16 * EPS * (loN.A + 2 * midN.A + hiN.A))) fail("Bachelier convexity", { ...n, step, d2: d2N })
      }),
      RUNS
    )
  })
})

describe("implied-vol round trip price → vol → price", () => {
  /**
   * The vol is recovered to |σ̂ − σ| ≤ 1e-13·σ + 8·(ulp(P) + ε·(|P| + |U·∂P/∂U| + |K·∂P/∂K|))/vega (the bound of
   * Accuracy.test.ts). Here σ is the vol the price was computed from, so the price's own error ε·A/vega is added.
   * Only prices well inside (intrinsic, upper bound) are used: at the bounds the vol is not determined.
   */
  const volTol = (sigma: number, P: number, sens: number, A: number, vega: number): number =>
    1e-13 * sigma + (8 * (ulp(P) + EPS * sens) + 16 * EPS * A) / vega

  it("BlackScholes", () => {
    fc.assert(
      fc.property(lognormal({ u: 6 }), (x) => {
        const g = BlackScholes.greeks(x.type, x.S, x.K, x.T, x.r, x.q, x.v)
        const fs = x.S * Math.exp(-x.q * x.T)
        const fk = x.K * Math.exp(-x.r * x.T)
        const lower = Math.max(x.type === "call" ? fs - fk : fk - fs, 0)
        const upper = x.type === "call" ? fs : fk
        fc.pre(g.price > 1e-250 && g.price - lower > 1e-8 * Math.max(fs, fk, g.price) && upper - g.price > 1e-8 * upper)
        const { A } = bsmBudget(x)
        const sens = Math.abs(g.price) + Math.abs(x.S * g.delta) + Math.abs(g.price - x.S * g.delta)
        const iv = BlackScholes.impliedVol(x.type, g.price, x.S, x.K, x.T, x.r, x.q)
        const tol = volTol(x.v, g.price, sens, A, g.vega)
        if (!(Math.abs(iv - x.v) <= tol)) fail("BSM round trip", { ...x, price: g.price, iv, err: Math.abs(iv - x.v), tol })
        const back = BlackScholes.price(x.type, x.S, x.K, x.T, x.r, x.q, iv)
        const ptol = g.vega * tol + 16 * EPS * A
        if (!(Math.abs(back - g.price) <= ptol)) fail("BSM price round trip", { ...x, price: g.price, back, tol: ptol })
      }),
      RUNS
    )
  })

  it("Black76", () => {
    fc.assert(
      fc.property(lognormal({ u: 6 }), ({ K, S: F, T, r, type, v }) => {
        const g = Black76.greeks(type, F, K, T, r, v)
        const df = Math.exp(-r * T)
        const lower = df * Math.max(type === "call" ? F - K : K - F, 0)
        const upper = df * (type === "call" ? F : K)
        fc.pre(g.price > 1e-250 && g.price - lower > 1e-8 * df * Math.max(F, K, g.price) && upper - g.price > 1e-8 * upper)
        const { A } = b76Budget(type, F, K, T, r, v)
        const sens = Math.abs(g.price) + Math.abs(F * g.delta) + Math.abs(g.price - F * g.delta)
        const iv = Black76.impliedVol(type, g.price, F, K, T, r)
        const tol = volTol(v, g.price, sens, A, g.vega)
        if (!(Math.abs(iv - v) <= tol)) fail("Black76 round trip", { type, F, K, T, r, v, price: g.price, iv, tol })
        const back = Black76.price(type, F, K, T, r, iv)
        const ptol = g.vega * tol + 16 * EPS * A
        if (!(Math.abs(back - g.price) <= ptol)) fail("Black76 price round trip", { type, F, K, T, r, v, back, tol: ptol })
      }),
      RUNS
    )
  })

  it("Bachelier", () => {
    fc.assert(
      fc.property(normal({ u: 6 }), (x) => {
        const g = Bachelier.greeks(x.type, x.F, x.K, x.T, x.r, x.v)
        const df = Math.exp(-x.r * x.T)
        const lower = df * Math.max(x.type === "call" ? x.F - x.K : x.K - x.F, 0)
        fc.pre(g.price > 1e-250 && g.price - lower > 1e-8 * df * Math.max(Math.abs(x.F) + Math.abs(x.K), g.price))
        const { A } = normalBudget(x)
        const sens = Math.abs(g.price) + Math.abs(x.F * g.delta) + Math.abs(x.K * g.delta)
        const iv = Bachelier.impliedVol(x.type, g.price, x.F, x.K, x.T, x.r)
        const tol = volTol(x.v, g.price, sens, A, g.vega)
        if (!(Math.abs(iv - x.v) <= tol)) fail("Bachelier round trip", { ...x, price: g.price, iv, tol })
        const back = Bachelier.price(x.type, x.F, x.K, x.T, x.r, iv)
        const ptol = g.vega * tol + 16 * EPS * A
        if (!(Math.abs(back - g.price) <= ptol)) fail("Bachelier price round trip", { ...x, back, tol: ptol })
      }),
      RUNS
    )
  })
})

describe("consistency between models", () => {
  it("Black76 at F = S·e^{(r−q)T} equals BlackScholes (price, vega, delta·S/F)", () => {
    fc.assert(
      fc.property(lognormal({ T: logUniform(1 / 365, 10), v: logUniform(0.01, 5), u: 5 }), (x) => {
        const F = x.S * Math.exp((x.r - x.q) * x.T)
        const bs = BlackScholes.greeks(x.type, x.S, x.K, x.T, x.r, x.q, x.v)
        const b76 = Black76.greeks(x.type, F, x.K, x.T, x.r, x.v)
        const { A: a1 } = bsmBudget(x)
        const { A: a2 } = b76Budget(x.type, F, x.K, x.T, x.r, x.v)
        // F carries ~2 ε from exp and the product: a further |F·∂P/∂F|·2ε.
        const tol = 16 * EPS * (a1 + a2) + 4 * EPS * Math.abs(F * b76.delta)
        if (!(Math.abs(bs.price - b76.price) <= tol)) fail("price", { ...x, F, bs: bs.price, b76: b76.price, tol })
        // vega_BS = S·e^{−qT}·φ(d1)·√T = e^{−rT}·F·φ(d1)·√T = vega_76. Relative sensitivity of φ(d1) to F's
        // rounding is |d1|·2ε/(σ√T) ≤ 5.5·2ε/(0.01·√(1/365)) ≈ 5e-12 on this domain.
        if (!(Math.abs(bs.vega - b76.vega) <= 1e-11 * bs.vega + 1e-15 * x.S)) fail("vega", { ...x, bs: bs.vega, b76: b76.vega })
        // delta_BS = e^{−qT}N(±d1) = (F/S)·e^{−rT}N(±d1) = (F/S)·delta_76.
        const d = b76.delta * F / x.S
        if (!(Math.abs(bs.delta - d) <= 1e-11 * Math.abs(bs.delta) + 1e-15)) fail("delta", { ...x, bs: bs.delta, b76: d })
      }),
      RUNS
    )
  })

  it("Bachelier with σ_N = σ·(F − K)/ln(F/K) (σ·F at the money) matches Black76 to O(σ²T) for small σ√T", () => {
    // Expanding both models around F = K: the normal vol equivalent to a lognormal vol σ is
    // σ·(F − K)/ln(F/K)·(1 − σ²T/24 + O(σ⁴T², σ²T·ln²(F/K))). Within one standard deviation of the forward the
    // relative price gap is below 0.15·σ²T (mpmath: 1/24 ≈ 0.042 at the money, ≈ 0.1 at one standard
    // deviation, 0.27 at two). A wrong √T or a missing φ(d) term would give O(1) gaps.
    const small = fc.record({
      type: optionType,
      F: level,
      sqrtT: logUniform(Math.sqrt(1 / 525600), Math.sqrt(10)),
      sv: logUniform(1e-4, 0.1),
      u: fc.double({ min: -1, max: 1, noNaN: true }),
      r: rate
    })
    fc.assert(
      fc.property(small, ({ F, r, sqrtT, sv, type, u }) => {
        const T = sqrtT * sqrtT
        const v = sv / sqrtT
        const K = F * Math.exp(u * v * sqrtT)
        // (F − K)/ln(F/K) = K·expm1(m)/m with m = ln(F/K): no cancellation when K is close to F.
        const m = Math.log(F / K)
        const vN = m === 0 ? v * F : v * K * Math.expm1(m) / m
        const black = b76Budget(type, F, K, T, r, v)
        const bach = normalBudget({ type, F, K, T, r, v: vN })
        const gap = Math.abs(bach.price / black.price - 1)
        // plus each price's own rounding (relative 16ε·A/P) — significant only at the smallest σ√T.
        const tol = 0.15 * v * v * T + 16 * EPS * (black.A / black.price + bach.A / bach.price)
        if (!(gap <= tol)) fail("Bachelier vs Black", { type, F, K, T, r, v, vN, black: black.price, bach: bach.price, gap, tol })
      }),
      RUNS
    )
  })
})

// ---------------------------------------------------------------------------------------------------------------

const caught = (f: () => unknown): Readonly<Record<string, unknown>> => {
  try {
    f()
  } catch (e) {
    return e as Record<string, unknown>
  }
  return { _tag: "returned normally" }
}

describe("typed errors", () => {
  const nonFinite = fc.constantFrom(Number.NaN, Infinity, -Infinity)
  const nonPositive = fc.oneof(nonFinite, fc.constantFrom(0, -0, -1, -Number.MIN_VALUE, -1e300))

  it("explicit cases: negative spot, zero expiry, NaN vol, bad type", () => {
    expect(caught(() => BlackScholes.price("call", -100, 100, 1, 0.05, 0, 0.2))).toMatchObject({ _tag: "InvalidInput", field: "spot" })
    expect(caught(() => BlackScholes.price("put", 100, 100, 0, 0.05, 0, 0.2))).toMatchObject({ _tag: "InvalidInput", field: "expiry" })
    expect(caught(() => BlackScholes.greeks("call", 100, 100, 1, 0.05, 0, Number.NaN))).toMatchObject({ _tag: "InvalidInput", field: "vol" })
    expect(caught(() => Black76.price("call", 100, -1, 1, 0.05, 0.2))).toMatchObject({ _tag: "InvalidInput", field: "strike" })
    expect(caught(() => Black76.greeks("put", 0, 100, 1, 0.05, 0.2))).toMatchObject({ _tag: "InvalidInput", field: "forward" })
    expect(caught(() => Bachelier.price("call", 100, 100, 1, 0.05, 0))).toMatchObject({ _tag: "InvalidInput", field: "vol" })
    expect(caught(() => Bachelier.price("call", 100, 100, -1, 0.05, 1))).toMatchObject({ _tag: "InvalidInput", field: "expiry" })
    expect(caught(() => BlackScholes.price("straddle" as OptionType, 100, 100, 1, 0.05, 0, 0.2))).toMatchObject({
      _tag: "InvalidInput",
      field: "type"
    })
    expect(caught(() => BlackScholes.impliedVol("call", Number.NaN, 100, 100, 1, 0.05, 0))).toMatchObject({ _tag: "InvalidInput" })
  })

  it("Bachelier accepts zero and negative forwards and strikes", () => {
    expect(Bachelier.price("call", -0.01, 0.005, 1, 0.02, 0.01)).toBeGreaterThan(0)
    expect(Bachelier.price("put", 0, -0.005, 1, 0.02, 0.01)).toBeGreaterThan(0)
    expect(caught(() => Bachelier.price("call", Number.NaN, 0, 1, 0.02, 0.01))).toMatchObject({ _tag: "InvalidInput", field: "forward" })
    expect(caught(() => Bachelier.price("call", 0, Infinity, 1, 0.02, 0.01))).toMatchObject({ _tag: "InvalidInput", field: "strike" })
  })

  it("every field of every model rejects values outside its domain with InvalidInput naming the field", () => {
    type Call = (x: ReadonlyArray<number>) => unknown
    const args = (x: ReadonlyArray<number>, i: number): number => x[i] ?? Number.NaN
    const bsmArgs = [100, 110, 0.5, 0.03, 0.01, 0.25]
    const fwdArgs = [100, 110, 0.5, 0.03, 0.25]
    const bsm: ReadonlyArray<Call> = [
      (x) => BlackScholes.price("call", args(x, 0), args(x, 1), args(x, 2), args(x, 3), args(x, 4), args(x, 5)),
      (x) => BlackScholes.greeks("put", args(x, 0), args(x, 1), args(x, 2), args(x, 3), args(x, 4), args(x, 5))
    ]
    const b76: ReadonlyArray<Call> = [
      (x) => Black76.price("call", args(x, 0), args(x, 1), args(x, 2), args(x, 3), args(x, 4)),
      (x) => Black76.greeks("put", args(x, 0), args(x, 1), args(x, 2), args(x, 3), args(x, 4))
    ]
    const bach: ReadonlyArray<Call> = [
      (x) => Bachelier.price("call", args(x, 0), args(x, 1), args(x, 2), args(x, 3), args(x, 4)),
      (x) => Bachelier.greeks("put", args(x, 0), args(x, 1), args(x, 2), args(x, 3), args(x, 4))
    ]
    const cases: ReadonlyArray<{ fns: ReadonlyArray<Call>; base: ReadonlyArray<number>; fields: ReadonlyArray<[string, fc.Arbitrary<number>]> }> = [
      {
        fns: bsm,
        base: bsmArgs,
        fields: [["spot", nonPositive], ["strike", nonPositive], ["expiry", nonPositive], ["rate", nonFinite], ["dividend", nonFinite], [
          "vol",
          nonPositive
        ]]
      },
      {
        fns: b76,
        base: fwdArgs,
        fields: [["forward", nonPositive], ["strike", nonPositive], ["expiry", nonPositive], ["rate", nonFinite], ["vol", nonPositive]]
      },
      {
        fns: bach,
        base: fwdArgs,
        fields: [["forward", nonFinite], ["strike", nonFinite], ["expiry", nonPositive], ["rate", nonFinite], ["vol", nonPositive]]
      }
    ]
    for (const { base, fields, fns } of cases) {
      fields.forEach(([field, bad], i) => {
        fc.assert(
          fc.property(bad, fc.constantFrom(...fns), (value, fn) => {
            const x = base.map((b, j) => (j === i ? value : b))
            const e = caught(() => fn(x))
            if (!(e._tag === "InvalidInput" && e.field === field)) fail("typed error", { field, value, tag: String(e._tag), got: String(e.field) })
          }),
          { numRuns: 30 }
        )
      })
    }
  })

  it("impliedVol: PriceOutOfBounds at or below intrinsic and at or above the upper bound", () => {
    fc.assert(
      fc.property(lognormal({ T: logUniform(1 / 365, 5), v: logUniform(0.01, 2), u: 3 }), fc.double({ min: 0, max: 1, noNaN: true }), (x, f) => {
        const fs = x.S * Math.exp(-x.q * x.T)
        const fk = x.K * Math.exp(-x.r * x.T)
        const lower = Math.max(x.type === "call" ? fs - fk : fk - fs, 0)
        const upper = x.type === "call" ? fs : fk
        // Anything in [0, intrinsic), 0 included. An intrinsic value at the rounding level of S and K is not
        // clearly positive, so there only 0 is used.
        const clear = (lo: number, scale: number): number => (lo > 1e-12 * scale ? lo * f * (1 - 1e-9) : 0)
        const below = clear(lower, Math.max(fs, fk))
        // A computed bound may sit an ulp or two from the true one, so 'above' starts 1e-15 beyond it (the exact
        // bound itself is tested below where it is exactly representable).
        const above = upper * (1 + 1e-15 + f)
        for (const p of [below, above]) {
          const e = caught(() => BlackScholes.impliedVol(x.type, p, x.S, x.K, x.T, x.r, x.q))
          if (e._tag !== "PriceOutOfBounds") fail("bsm bounds error", { ...x, p, lower, upper, tag: String(e._tag) })
          if (e.price !== p) fail("bsm error payload", { ...x, p, payload: String(e.price) })
          const lo = e.lower as number
          const hi = e.upper as number
          if (!(Math.abs(lo - lower) <= 1e-12 * Math.max(fs, fk) && Math.abs(hi - upper) <= 1e-12 * upper)) {
            fail("bsm error bounds", { ...x, lower, lo, upper, hi })
          }
        }
        const F = x.S
        const df = Math.exp(-x.r * x.T)
        const lower76 = df * Math.max(x.type === "call" ? F - x.K : x.K - F, 0)
        const upper76 = df * (x.type === "call" ? F : x.K)
        const below76 = clear(lower76, df * Math.max(F, x.K))
        for (const p of [below76, upper76 * (1 + 1e-15 + f)]) {
          const e = caught(() => Black76.impliedVol(x.type, p, F, x.K, x.T, x.r))
          if (e._tag !== "PriceOutOfBounds") fail("black76 bounds error", { ...x, p, lower76, upper76, tag: String(e._tag) })
        }
        const e = caught(() => Bachelier.impliedVol(x.type, below76, F, x.K, x.T, x.r))
        if (e._tag !== "PriceOutOfBounds") fail("bachelier bounds error", { ...x, tag: String(e._tag) })
      }),
      RUNS
    )
    // Negative prices are below every intrinsic value.
    expect(caught(() => Black76.impliedVol("call", -1e-3, 100, 120, 1, 0.01))).toMatchObject({ _tag: "PriceOutOfBounds" })
    // An exactly-intrinsic price has no vol either.
    expect(caught(() => Black76.impliedVol("call", 0, 100, 120, 1, 0.01))).toMatchObject({ _tag: "PriceOutOfBounds" })
  })

  it("impliedVol: PriceOutOfBounds for a price exactly at a bound that is exactly representable", () => {
    // A call worth exactly the spot (q = 0: S·e^{−qT} = S), a put worth exactly the strike (r = 0), and an
    // out-of-the-money option worth 0. No finite vol reproduces any of them.
    for (const [S, K, r] of [[1, 0.997115715310106, -0.002888452254537852], [100, 90, -0.01], [100, 90, 0.05], [100, 110, 0.2]] as const) {
      expect(caught(() => BlackScholes.impliedVol("call", S, S, K, 1, r, 0)), `call priced at S=${S}, K=${K}, r=${r}`).toMatchObject({
        _tag: "PriceOutOfBounds"
      })
    }
    expect(caught(() => BlackScholes.impliedVol("put", 90, 100, 90, 1, 0, 0.03))).toMatchObject({ _tag: "PriceOutOfBounds" })
    expect(caught(() => Black76.impliedVol("put", 90, 100, 90, 1, 0))).toMatchObject({ _tag: "PriceOutOfBounds" })
    expect(caught(() => BlackScholes.impliedVol("put", 0, 100, 90, 1, 0.01, 0))).toMatchObject({ _tag: "PriceOutOfBounds" })
  })
})
