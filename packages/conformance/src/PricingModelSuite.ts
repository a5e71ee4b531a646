/**
 * The conformance suite of a pricing model: the invariants every `PricingModel` must respect, checked with
 * fast-check over a domain of options and parameters. {@link checkPricingModel} runs them and returns the
 * failures; {@link describePricingModel} registers them as vitest tests, one `it` per property.
 *
 * Units throughout are the SDK's: premiums discounted, per 1 unit of underlying; `expiry` in years; `rate`
 * continuously compounded (decimal); D = e^{−rT} the discount factor.
 *
 * @since 0.1.0
 */
import { Black76 } from "@hedgekit/models"
import type { BatchParams, EuropeanBatch, EuropeanOption, Greeks, GreeksColumns, PricingModel } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import { describe, it } from "vitest"
import { ConformanceError } from "./Failure.js"
import type { ConformanceFailure, Range, Tolerance } from "./Failure.js"
import { exact, isTagged, short, small, thrown, value, withUnits } from "./internal/format.js"
import { arbitraryOf, numbers, runProperty, Violation } from "./internal/run.js"

/**
 * The properties of a pricing model, by identifier.
 *
 * @since 0.1.0
 * @category properties
 */
export type PricingProperty =
  | "lowerBound"
  | "upperBound"
  | "putCallParity"
  | "strikeMonotonicity"
  | "strikeConvexity"
  | "volMonotonicity"
  | "expiryMonotonicity"
  | "greeks"
  | "impliedVolRoundTrip"
  | "batch"
  | "determinism"
  | "historyIndependence"
  | "domainErrors"

/**
 * Each property: its identifier, its name in reports and test titles, and what it checks.
 *
 * @since 0.1.0
 * @category properties
 */
export const pricingProperties: ReadonlyArray<{ readonly id: PricingProperty; readonly title: string; readonly checks: string }> = [
  { id: "lowerBound", title: "no-arbitrage lower bound", checks: "call ≥ D·max(F − K, 0), put ≥ D·max(K − F, 0), and a finite price" },
  { id: "upperBound", title: "no-arbitrage upper bound", checks: "call ≤ D·F, put ≤ D·K (for F, K > 0)" },
  { id: "putCallParity", title: "put–call parity", checks: "C − P = D·(F − K)" },
  {
    id: "strikeMonotonicity",
    title: "monotone in strike",
    checks: "K₁ < K₂: C(K₁) ≥ C(K₂) and P(K₁) ≤ P(K₂), each spread at most D·(K₂ − K₁)"
  },
  { id: "strikeConvexity", title: "convex in strike", checks: "K₁ < K₂ < K₃: V(K₂) ≤ λV(K₁) + (1 − λ)V(K₃), λ = (K₃ − K₂)/(K₃ − K₁), calls and puts" },
  { id: "volMonotonicity", title: "monotone in vol", checks: "a larger vol parameter never lowers a call or a put" },
  { id: "expiryMonotonicity", title: "monotone in expiry (r = 0)", checks: "at r = 0, T₁ < T₂: V(T₁) ≤ V(T₂), calls and puts" },
  {
    id: "greeks",
    title: "Greeks match finite differences",
    checks: "greeks().price = price(); delta, gamma, theta, rho (and vega) = central differences of price (Richardson-extrapolated)"
  },
  {
    id: "impliedVolRoundTrip",
    title: "Black-76 implied-vol round trip",
    checks: "price → Black-76 implied vol → Black-76 price gives the price back (prices strictly inside the attainable range, not subnormal)"
  },
  { id: "batch", title: "batch = scalar", checks: "priceBatch / greeksBatch rows equal price / greeks, status 0, parameters as numbers or columns" },
  { id: "determinism", title: "deterministic", checks: "the same call twice gives the same bits (price, greeks, batches)" },
  {
    id: "historyIndependence",
    title: "independent of call history",
    checks: "pricing other options in between does not change a price or Greeks by a single bit"
  },
  {
    id: "domainErrors",
    title: "clear errors out of domain",
    checks: "bad forward, strike, expiry, rate, type or params: scalar members throw a tagged error, batch rows get a non-zero status"
  }
]

/**
 * Options of {@link checkPricingModel} and {@link describePricingModel}. Only `params` is required.
 *
 * @since 0.1.0
 * @category options
 */
export interface PricingModelOptions<P> {
  /** The model's parameters: fixed, or an arbitrary (values the model's own Schema accepts). */
  readonly params: P | fc.Arbitrary<P>
  /**
   * `"positive"` (default): a lognormal-type model, F and K > 0; F ≤ 0 or K ≤ 0 must be refused.
   * `"real"`: a model on any finite forward and strike (Bachelier): only non-finite ones must be refused, and the
   * Black-76 round trip and the upper bounds are checked on the rows with F, K > 0.
   */
  readonly underlying?: "positive" | "real"
  /** Forward, price units per 1 unit of underlying. Default [10, 100 000]. */
  readonly forward?: Range | fc.Arbitrary<number>
  /** Strike as moneyness K/F (drawn log-uniformly in spirit: ln(K/F) is drawn). Default [0.5, 2]. Ignored with `strike`. */
  readonly moneyness?: Range
  /** Strikes drawn on their own, price units (instead of `moneyness`; for `underlying: "real"`). */
  readonly strike?: Range | fc.Arbitrary<number>
  /** Time to expiry, years. Default [1/365, 3]. */
  readonly expiry?: Range | fc.Arbitrary<number>
  /** Continuously compounded rate, decimal. Default [−0.02, 0.1]. */
  readonly rate?: Range | fc.Arbitrary<number>
  /**
   * The name of the model's volatility parameter (a number > 0 in `params`), e.g. `"vol"`: enables the
   * monotonicity in vol and, when `greeks` exists, the check of `vega` (∂V/∂σ per 1.00 of that parameter).
   */
  readonly volParameter?: string
  /** Whether prices rise with expiry at r = 0 (true for any model whose forward is a martingale). Default true. */
  readonly monotoneInExpiry?: boolean
  /** Price comparisons (see {@link Tolerance}). Default `{ relative: 1e-12, absolute: 1e-13 }`. */
  readonly tolerance?: Partial<Tolerance>
  /**
   * Greeks against finite differences: relative tolerance on top of the difference's own error estimate and the
   * price noise (`tolerance` divided by the step). Default 1e-6.
   */
  readonly greeksTolerance?: number
  /** Properties not to run, each with the reason (shown in the skipped test's title). */
  readonly skip?: Partial<Record<PricingProperty, string>>
  /** Run only these properties. */
  readonly only?: ReadonlyArray<PricingProperty>
  /** Cases per property. Default 100. */
  readonly numRuns?: number
  /** Cases for particular properties (overrides `numRuns`). */
  readonly runs?: Partial<Record<PricingProperty, number>>
  /** fast-check seed (default: fast-check's global seed) and, to replay one counterexample, its path. */
  readonly seed?: number
  readonly path?: string
  /**
   * Wall-clock budget of each property, ms (default 20 000): past it fast-check stops generating (the property
   * passes on the cases run) or shrinking (the counterexample is the smallest found so far, and says so).
   */
  readonly timeLimit?: number
  /** `describePricingModel` only: the timeout of each test, ms. */
  readonly timeout?: number
  /** `describePricingModel` only: words added to the block's title, to tell two suites of one model apart. */
  readonly label?: string
}

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces

type Params = Readonly<Record<string, unknown>>

interface Setup<P> {
  readonly model: PricingModel<P>
  readonly name: string
  readonly positive: boolean
  readonly tol: Tolerance
  readonly greeksRel: number
  readonly volParameter: string | undefined
  readonly decode: (u: unknown) => P
  readonly option: fc.Arbitrary<EuropeanOption>
  readonly params: fc.Arbitrary<P>
  /** A strike gap as a fraction of the strike's scale. */
  readonly gap: fc.Arbitrary<number>
}

const OPTION_UNITS = { expiry: "years", rate: "decimal, continuously compounded" } as const
const showOption = (o: EuropeanOption): string => withUnits(o as unknown as Params, OPTION_UNITS)
const showParams = (p: unknown): string => value(p)

const discount = (o: EuropeanOption): number => Math.exp(-o.rate * o.expiry)
/** The price scale D·max(|F|, |K|): what `tolerance.absolute` multiplies. */
const scaleOf = (o: EuropeanOption): number => discount(o) * Math.max(Math.abs(o.forward), Math.abs(o.strike))
const allowed = (s: { readonly tol: Tolerance }, scale: number, magnitude: number): number => s.tol.absolute * scale + s.tol.relative * Math.abs(magnitude)

const callOf = (o: EuropeanOption): EuropeanOption => ({ ...o, type: "call" })
const putOf = (o: EuropeanOption): EuropeanOption => ({ ...o, type: "put" })

/** The model's price of an option the domain allows: a finite number, or a violation saying what came back. */
const priceOf = <P>(s: Setup<P>, o: EuropeanOption, p: P): number => {
  let v: unknown
  try {
    v = s.model.price(o, p)
  } catch (error) {
    throw new Violation(`price threw ${thrown(error)} at ${showOption(o)}, params ${showParams(p)}, inside the tested domain`)
  }
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new Violation(`price returned ${value(v)} at ${showOption(o)}, params ${showParams(p)}: expected a finite number`)
  }
  return v
}

const greeksOf = <P>(s: Setup<P>, o: EuropeanOption, p: P): Greeks => {
  let g: Greeks
  try {
    g = s.model.greeks!(o, p)
  } catch (error) {
    throw new Violation(`greeks threw ${thrown(error)} at ${showOption(o)}, params ${showParams(p)}, inside the tested domain`)
  }
  for (const k of ["price", "delta", "gamma", "theta", "rho"] as const) {
    if (typeof g[k] !== "number" || !Number.isFinite(g[k])) {
      throw new Violation(`greeks returned ${k} = ${value(g[k])} at ${showOption(o)}: expected a finite number`)
    }
  }
  if (g.vega !== undefined && !Number.isFinite(g.vega)) throw new Violation(`greeks returned vega = ${value(g.vega)} at ${showOption(o)}`)
  // a copy: some models return views of buffers they reuse
  return { ...g }
}

/** The params, checked against the model's Schema (a generator outside it is the test's mistake, said as such). */
const decoded = <P>(s: Setup<P>, p: P): P => {
  try {
    return s.decode(p)
  } catch (error) {
    throw new Violation(`the params given to the suite are rejected by ${s.name}'s own Schema (${thrown(error).replace(/\s+/g, " ")}): fix the params arbitrary`)
  }
}

/** `observed` ≥ `bound` within the allowance; `what` names both sides. */
const atLeast = (observed: number, bound: number, tol: number, what: string): void => {
  if (!(observed >= bound - tol)) {
    throw new Violation(`${what}: ${short(observed)} < ${short(bound)} (short by ${small(bound - observed)} > tol ${small(tol)})`)
  }
}

const withParam = (p: unknown, key: string, x: number): unknown => ({ ...(p as Params), [key]: x })

const volOf = <P>(s: Setup<P>, p: P): number => {
  const v = (p as Params)[s.volParameter!]
  if (typeof v !== "number" || !(v > 0 && v < Infinity)) {
    throw new Violation(`volParameter "${s.volParameter}" is ${value(v)} in params ${showParams(p)}: expected a number > 0`)
  }
  return v
}

// ---------------------------------------------------------------------------------------------------------------
// Properties

interface Case<P> {
  readonly option: EuropeanOption
  readonly params: P
}

interface Spec<T> {
  readonly arbitrary: fc.Arbitrary<T>
  readonly check: (t: T) => boolean
  readonly show: (t: T) => string
  readonly needs: string
}

const single = <P>(s: Setup<P>): fc.Arbitrary<Case<P>> => fc.record({ option: s.option, params: s.params })
const showCase = <P>(c: Case<P>): string => `${showOption(c.option)}, params ${showParams(c.params)}`
const showPair = <P>(c: Case<P>): string => {
  const { type: _type, ...rest } = c.option
  return `${withUnits(rest as Params, OPTION_UNITS)}, params ${showParams(c.params)}`
}

const lowerBound = <P>(s: Setup<P>): Spec<Case<P>> => ({
  arbitrary: single(s),
  show: showCase,
  needs: "any option",
  check: ({ option: o, params }) => {
    const p = decoded(s, params)
    const v = priceOf(s, o, p)
    const q = o.type === "call" ? 1 : -1
    const bound = discount(o) * Math.max(q * (o.forward - o.strike), 0)
    atLeast(v, bound, allowed(s, scaleOf(o), bound), `${o.type} price vs the lower bound D·max(${q > 0 ? "F − K" : "K − F"}, 0)`)
    return true
  }
})

const upperBound = <P>(s: Setup<P>): Spec<Case<P>> => ({
  arbitrary: single(s),
  show: showCase,
  needs: "options with F > 0 and K > 0",
  check: ({ option: o, params }) => {
    if (!(o.forward > 0 && o.strike > 0)) return false
    const p = decoded(s, params)
    const v = priceOf(s, o, p)
    const call = o.type === "call"
    const bound = discount(o) * (call ? o.forward : o.strike)
    const tol = allowed(s, scaleOf(o), bound)
    if (!(v <= bound + tol)) {
      throw new Violation(
        `${o.type} price ${short(v)} > the upper bound ${call ? "D·F" : "D·K"} = ${short(bound)} (over by ${small(v - bound)} > tol ${small(tol)})`
      )
    }
    return true
  }
})

const putCallParity = <P>(s: Setup<P>): Spec<Case<P>> => ({
  arbitrary: single(s),
  show: showPair,
  needs: "any option",
  check: ({ option: o, params }) => {
    const p = decoded(s, params)
    const c = priceOf(s, callOf(o), p)
    const pu = priceOf(s, putOf(o), p)
    const lhs = c - pu
    const rhs = discount(o) * (o.forward - o.strike)
    const tol = allowed(s, scaleOf(o), Math.max(c, pu))
    if (!(Math.abs(lhs - rhs) <= tol)) {
      throw new Violation(
        `C − P = ${short(lhs)} (C = ${short(c)}, P = ${short(pu)}), D·(F − K) = ${short(rhs)} (|diff| ${small(Math.abs(lhs - rhs))} > tol ${small(tol)})`
      )
    }
    return true
  }
})

interface Strikes<P> extends Case<P> {
  readonly gaps: ReadonlyArray<number>
}

/** K₁ = the case's strike, then each next strike a gap (fraction of max(|F|, |K₁|)) above. */
const strikesOf = (o: EuropeanOption, gaps: ReadonlyArray<number>): Array<number> => {
  const unit = Math.max(Math.abs(o.forward), Math.abs(o.strike))
  const ks = [o.strike]
  for (const g of gaps) ks.push(ks[ks.length - 1]! + g * unit)
  return ks
}

const showStrikes = <P>(c: Strikes<P>): string => {
  const { strike: _k, type: _t, ...rest } = c.option
  const ks = strikesOf(c.option, c.gaps)
  return `${withUnits({ ...rest, strikes: ks } as Params, OPTION_UNITS)}, params ${showParams(c.params)}`
}

const strikeMonotonicity = <P>(s: Setup<P>): Spec<Strikes<P>> => ({
  arbitrary: fc.record({ option: s.option, params: s.params, gaps: fc.tuple(s.gap) }),
  show: showStrikes,
  needs: "any option",
  check: (c) => {
    const p = decoded(s, c.params)
    const [k1, k2] = strikesOf(c.option, c.gaps) as [number, number]
    if (!(k2 > k1)) return false
    const d = discount(c.option)
    const spread = d * (k2 - k1)
    const scale = scaleOf({ ...c.option, strike: k2 })
    const c1 = priceOf(s, { ...callOf(c.option), strike: k1 }, p)
    const c2 = priceOf(s, { ...callOf(c.option), strike: k2 }, p)
    const p1 = priceOf(s, { ...putOf(c.option), strike: k1 }, p)
    const p2 = priceOf(s, { ...putOf(c.option), strike: k2 }, p)
    const tc = allowed(s, scale, Math.max(c1, c2))
    const tp = allowed(s, scale, Math.max(p1, p2))
    atLeast(c1, c2, tc, `call at K₁ vs call at K₂ (calls must not rise with the strike)`)
    atLeast(p2, p1, tp, `put at K₂ vs put at K₁ (puts must not fall with the strike)`)
    atLeast(spread, c1 - c2, tc, `D·(K₂ − K₁) vs the call spread C(K₁) − C(K₂) (a call spread is worth at most D·(K₂ − K₁))`)
    atLeast(spread, p2 - p1, tp, `D·(K₂ − K₁) vs the put spread P(K₂) − P(K₁) (a put spread is worth at most D·(K₂ − K₁))`)
    return true
  }
})

const strikeConvexity = <P>(s: Setup<P>): Spec<Strikes<P>> => ({
  arbitrary: fc.record({ option: s.option, params: s.params, gaps: fc.tuple(s.gap, s.gap) }),
  show: showStrikes,
  needs: "any option",
  check: (c) => {
    const p = decoded(s, c.params)
    const [k1, k2, k3] = strikesOf(c.option, c.gaps) as [number, number, number]
    if (!(k1 < k2 && k2 < k3)) return false
    const lambda = (k3 - k2) / (k3 - k1)
    const scale = scaleOf({ ...c.option, strike: k3 })
    for (const base of [callOf(c.option), putOf(c.option)]) {
      const v1 = priceOf(s, { ...base, strike: k1 }, p)
      const v2 = priceOf(s, { ...base, strike: k2 }, p)
      const v3 = priceOf(s, { ...base, strike: k3 }, p)
      const chord = lambda * v1 + (1 - lambda) * v3
      const tol = allowed(s, scale, Math.max(v1, v2, v3))
      if (!(v2 <= chord + tol)) {
        throw new Violation(
          `${base.type} at K₂ = ${short(v2)} lies above the chord λ·V(K₁) + (1 − λ)·V(K₃) = ${short(chord)} (V(K₁) = ${short(v1)}, V(K₃) = ${
            short(v3)
          }, λ = ${short(lambda)}; over by ${small(v2 - chord)} > tol ${small(tol)})`
        )
      }
    }
    return true
  }
})

interface Bump<P> extends Case<P> {
  readonly factor: number
}

const volMonotonicity = <P>(s: Setup<P>): Spec<Bump<P>> => ({
  arbitrary: fc.record({ option: s.option, params: s.params, factor: numbers({ min: 1.001, max: 2 }) }),
  show: (c) => `${showPair(c)}, ${s.volParameter} × ${exact(c.factor)}`,
  needs: "a bumped vol the model's Schema accepts",
  check: (c) => {
    const p = decoded(s, c.params)
    const v = volOf(s, p)
    let up: P
    try {
      up = s.decode(withParam(p, s.volParameter!, v * c.factor))
    } catch {
      return false
    }
    const scale = scaleOf(c.option)
    for (const o of [callOf(c.option), putOf(c.option)]) {
      const lo = priceOf(s, o, p)
      const hi = priceOf(s, o, up)
      atLeast(hi, lo, allowed(s, scale, lo), `${o.type} at ${s.volParameter} = ${exact(v * c.factor)} vs at ${s.volParameter} = ${exact(v)}`)
    }
    return true
  }
})

const expiryMonotonicity = <P>(s: Setup<P>): Spec<Bump<P>> => ({
  arbitrary: fc.record({
    option: s.option.map((o) => ({ ...o, rate: 0 })),
    params: s.params,
    factor: numbers({ min: 1.001, max: 3 })
  }),
  show: (c) => `${showPair(c)}, expiry × ${exact(c.factor)}`,
  needs: "any option",
  check: (c) => {
    const p = decoded(s, c.params)
    const t2 = c.option.expiry * c.factor
    const scale = scaleOf(c.option)
    for (const o of [callOf(c.option), putOf(c.option)]) {
      const near = priceOf(s, o, p)
      const far = priceOf(s, { ...o, expiry: t2 }, p)
      atLeast(far, near, allowed(s, scale, near), `${o.type} at expiry ${exact(t2)} vs at ${exact(o.expiry)} years (r = 0)`)
    }
    return true
  }
})

/** A central difference and its Richardson extrapolation: `value` (O(h⁴)) and `error` = |D(h/2) − D(h)|. */
interface Difference {
  readonly value: number
  readonly error: number
}

const firstDifference = (f: (x: number) => number, x: number, h: number): Difference => {
  const wide = (f(x + h) - f(x - h)) / (2 * h)
  const narrow = (f(x + h / 2) - f(x - h / 2)) / h
  return { value: (4 * narrow - wide) / 3, error: Math.abs(narrow - wide) }
}

const secondDifference = (f: (x: number) => number, x: number, h: number, fx: number): Difference => {
  const wide = (f(x + h) - 2 * fx + f(x - h)) / (h * h)
  const narrow = (f(x + h / 2) - 2 * fx + f(x - h / 2)) / ((h * h) / 4)
  return { value: (4 * narrow - wide) / 3, error: Math.abs(narrow - wide) }
}

const greeks = <P>(s: Setup<P>): Spec<Case<P>> => ({
  arbitrary: single(s),
  show: showCase,
  needs: "any option",
  check: ({ option: o, params }) => {
    const p = decoded(s, params)
    const v = priceOf(s, o, p)
    const g = greeksOf(s, o, p)
    const scale = scaleOf(o)
    // the price noise the differences divide: the model's stated accuracy
    const noise = allowed(s, scale, v)
    if (!(Math.abs(g.price - v) <= noise)) {
      throw new Violation(`greeks().price = ${short(g.price)} but price() = ${short(v)} (|diff| ${small(Math.abs(g.price - v))} > tol ${small(noise)})`)
    }
    const compare = (name: string, analytic: number, d: Difference, amplification: number, step: string): void => {
      const limit = s.greeksRel * Math.max(Math.abs(analytic), Math.abs(d.value)) + 2 * d.error + 2 * amplification * noise
      if (!(Math.abs(analytic - d.value) <= limit)) {
        throw new Violation(
          `${name}: greeks gives ${short(analytic)}, a central difference of price gives ${short(d.value)} (${step}, Richardson-extrapolated; |diff| ${
            small(Math.abs(analytic - d.value))
          } > allowed ${small(limit)})`
        )
      }
    }
    const F = o.forward, T = o.expiry
    const hF = 1e-3 * Math.min(1, Math.sqrt(T)) * (s.positive ? F : Math.max(Math.abs(F), Math.abs(o.strike), 1))
    const atF = (x: number) => priceOf(s, { ...o, forward: x }, p)
    compare("delta (∂V/∂F)", g.delta, firstDifference(atF, F, hF), 3 / hF, `step ${small(hF)} in the forward`)
    compare("gamma (∂²V/∂F²)", g.gamma, secondDifference(atF, F, hF, v), 23 / (hF * hF), `step ${small(hF)} in the forward`)
    const hT = 1e-3 * T
    const atT = (x: number) => priceOf(s, { ...o, expiry: x }, p)
    const dT = firstDifference(atT, T, hT)
    compare("theta (−∂V/∂T, per year)", g.theta, { value: -dT.value, error: dT.error }, 3 / hT, `step ${small(hT)} years in the expiry`)
    const hr = 1e-4
    const atR = (x: number) => priceOf(s, { ...o, rate: x }, p)
    compare("rho (∂V/∂r, forward fixed)", g.rho, firstDifference(atR, o.rate, hr), 3 / hr, `step ${small(hr)} in the rate`)
    if (s.volParameter !== undefined) {
      const sigma = volOf(s, p)
      if (typeof g.vega !== "number") {
        throw new Violation(`greeks gives no vega, but the model declares the vol parameter "${s.volParameter}" (the SDK's Greeks carry vega for models with a vol input)`)
      }
      const hv = 1e-3 * sigma
      const atV = (x: number) => priceOf(s, o, s.decode(withParam(p, s.volParameter!, x)))
      compare(`vega (∂V/∂${s.volParameter}, per 1.00)`, g.vega, firstDifference(atV, sigma, hv), 3 / hv, `step ${small(hv)} in ${s.volParameter}`)
    }
    return true
  }
})

const MIN_NORMAL = 2.2250738585072014e-308

const impliedVolRoundTrip = <P>(s: Setup<P>): Spec<Case<P>> => ({
  arbitrary: single(s),
  show: showCase,
  needs: "prices strictly between the Black-76 bounds (and ≥ 2.2e-308), with F > 0 and K > 0",
  check: ({ option: o, params }) => {
    if (!(o.forward > 0 && o.strike > 0)) return false
    const p = decoded(s, params)
    const v = priceOf(s, o, p)
    const { lower, upper } = Black76.priceBounds(o.type, o.forward, o.strike, o.expiry, o.rate)
    // a subnormal price (below 2⁻¹⁰²² ≈ 2.2e-308) has lost its relative precision: nothing to invert
    if (!(v > lower && v < upper && v >= MIN_NORMAL)) return false
    let iv: number
    try {
      iv = Black76.impliedVol(o.type, v, o.forward, o.strike, o.expiry, o.rate)
    } catch (error) {
      throw new Violation(`the price ${short(v)} (strictly between ${short(lower)} and ${short(upper)}) has no Black-76 implied vol: ${thrown(error)}`)
    }
    if (!(iv > 0 && iv < Infinity)) throw new Violation(`Black-76 implied vol of the price ${short(v)} is ${value(iv)}`)
    const back = Black76.price(o.type, o.forward, o.strike, o.expiry, o.rate, iv)
    const tol = allowed(s, scaleOf(o), v)
    if (!(Math.abs(back - v) <= tol)) {
      throw new Violation(
        `model price ${short(v)} → Black-76 implied vol ${short(iv)} → Black-76 price ${short(back)} (|diff| ${small(Math.abs(back - v))} > tol ${small(tol)})`
      )
    }
    return true
  }
})

interface Chain<P> {
  readonly params: P
  readonly rows: ReadonlyArray<EuropeanOption>
  readonly columns: boolean
}

/** 1–6 options; about half share the first row's expiry (models may share work across one expiry's rows). */
const chainOf = <P>(s: Setup<P>): fc.Arbitrary<Chain<P>> =>
  fc.record({
    params: s.params,
    rows: fc.array(fc.tuple(s.option, fc.boolean()), { minLength: 1, maxLength: 6 }).map((xs) =>
      xs.map(([o, same], i) => (same && i > 0 ? { ...o, expiry: xs[0]![0].expiry } : o))
    ),
    columns: fc.boolean()
  })

const showChain = <P>(c: Chain<P>): string =>
  `params ${showParams(c.params)} (passed as ${c.columns ? "columns" : "numbers"}), rows [${c.rows.map(showOption).join(", ")}]`

const batchOf = (rows: ReadonlyArray<EuropeanOption>): EuropeanBatch => ({
  length: rows.length,
  isCall: Uint8Array.from(rows, (o) => (o.type === "call" ? 1 : o.type === "put" ? 0 : 2)),
  forward: Float64Array.from(rows, (o) => o.forward),
  strike: Float64Array.from(rows, (o) => o.strike),
  expiry: Float64Array.from(rows, (o) => o.expiry),
  rate: Float64Array.from(rows, (o) => o.rate)
})

const batchParamsOf = <P>(p: P, columns: boolean, n: number): BatchParams<P> => {
  if (!columns) return p as BatchParams<P>
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(p as Params)) out[k] = typeof x === "number" ? new Float64Array(n).fill(x) : x
  return out as BatchParams<P>
}

const UNSET = 255

const runPriceBatch = <P>(s: Setup<P>, rows: ReadonlyArray<EuropeanOption>, p: BatchParams<P>) => {
  const n = rows.length
  const out = new Float64Array(n).fill(NaN)
  const status = new Uint8Array(n).fill(UNSET)
  s.model.priceBatch!(batchOf(rows), p, out, status)
  return { out, status }
}

const GREEK_KEYS = ["price", "delta", "gamma", "vega", "theta", "rho"] as const
type GreekKey = (typeof GREEK_KEYS)[number]

const runGreeksBatch = <P>(s: Setup<P>, rows: ReadonlyArray<EuropeanOption>, p: BatchParams<P>) => {
  const n = rows.length
  const col = () => new Float64Array(n).fill(NaN)
  const out: GreeksColumns = { price: col(), delta: col(), gamma: col(), vega: col(), theta: col(), rho: col() }
  const status = new Uint8Array(n).fill(UNSET)
  s.model.greeksBatch!(batchOf(rows), p, out, status)
  return { out, status }
}

/** The natural scale of each Greek, what `tolerance.absolute` multiplies in batch comparisons. */
const greekScale = (k: GreekKey, o: EuropeanOption): number => {
  const m = Math.max(Math.abs(o.forward), Math.abs(o.strike))
  return k === "delta" ? discount(o) : k === "gamma" ? discount(o) / m : scaleOf(o)
}

const batchCall = <R>(what: string, f: () => R): R => {
  try {
    return f()
  } catch (error) {
    throw new Violation(`${what} threw ${thrown(error)} for a chain of valid rows`)
  }
}

const batch = <P>(s: Setup<P>): Spec<Chain<P>> => ({
  arbitrary: chainOf(s),
  show: showChain,
  needs: "any chain",
  check: (c) => {
    const p = decoded(s, c.params)
    const n = c.rows.length
    const bp = batchParamsOf(p, c.columns, n)
    const statusOk = (what: string, status: Uint8Array, i: number) => {
      if (status[i] !== 0) {
        throw new Violation(
          `${what} row ${i} ${showOption(c.rows[i]!)} got status ${status[i] === UNSET ? "unwritten" : status[i]}: expected 0 for a valid row`
        )
      }
    }
    if (s.model.priceBatch !== undefined) {
      const { out, status } = batchCall("priceBatch", () => runPriceBatch(s, c.rows, bp))
      c.rows.forEach((o, i) => {
        statusOk("priceBatch", status, i)
        const v = priceOf(s, o, p)
        const tol = allowed(s, scaleOf(o), v)
        if (!(Math.abs(out[i]! - v) <= tol)) {
          throw new Violation(`priceBatch row ${i} = ${short(out[i]!)}, price() = ${short(v)} (|diff| ${small(Math.abs(out[i]! - v))} > tol ${small(tol)})`)
        }
      })
    }
    if (s.model.greeksBatch !== undefined) {
      const { out, status } = batchCall("greeksBatch", () => runGreeksBatch(s, c.rows, bp))
      c.rows.forEach((o, i) => {
        statusOk("greeksBatch", status, i)
        const scalar: Partial<Record<GreekKey, number>> = s.model.greeks !== undefined ? greeksOf(s, o, p) : { price: priceOf(s, o, p) }
        for (const k of GREEK_KEYS) {
          const want = scalar[k]
          if (want === undefined) continue
          const got = out[k]![i]!
          const tol = s.tol.absolute * greekScale(k, o) + s.tol.relative * Math.max(Math.abs(got), Math.abs(want))
          if (!(Math.abs(got - want) <= tol)) {
            throw new Violation(
              `greeksBatch row ${i} ${k} = ${short(got)}, scalar ${s.model.greeks !== undefined ? "greeks()" : "price()"} gives ${short(want)} (|diff| ${
                small(Math.abs(got - want))
              } > tol ${small(tol)})`
            )
          }
        }
      })
    }
    return true
  }
})

const sameBits = (a: number, b: number): boolean => Object.is(a, b)

interface Repeat<P> extends Case<P> {
  readonly rows: ReadonlyArray<EuropeanOption>
}

const determinism = <P>(s: Setup<P>): Spec<Repeat<P>> => ({
  arbitrary: fc.record({ option: s.option, params: s.params, rows: fc.array(s.option, { minLength: 1, maxLength: 4 }) }),
  show: (c) => `${showCase(c)}, chain [${c.rows.map(showOption).join(", ")}]`,
  needs: "any option",
  check: (c) => {
    const p = decoded(s, c.params)
    const a = priceOf(s, c.option, p), b = priceOf(s, c.option, p)
    if (!sameBits(a, b)) throw new Violation(`price gave ${exact(a)}, then ${exact(b)} for the same call`)
    if (s.model.greeks !== undefined) {
      const g1 = greeksOf(s, c.option, p), g2 = greeksOf(s, c.option, p)
      for (const k of GREEK_KEYS) {
        if (!sameBits(g1[k] ?? NaN, g2[k] ?? NaN)) throw new Violation(`greeks gave ${k} = ${exact(g1[k] ?? NaN)}, then ${exact(g2[k] ?? NaN)} for the same call`)
      }
    }
    const bp = batchParamsOf(p, false, c.rows.length)
    const compareColumns = (what: string, x: ArrayLike<number>, y: ArrayLike<number>) => {
      for (let i = 0; i < x.length; i++) {
        if (!sameBits(x[i]!, y[i]!)) throw new Violation(`${what} row ${i} gave ${exact(x[i]!)}, then ${exact(y[i]!)} for the same call`)
      }
    }
    if (s.model.priceBatch !== undefined) {
      const x = batchCall("priceBatch", () => runPriceBatch(s, c.rows, bp))
      const y = batchCall("priceBatch", () => runPriceBatch(s, c.rows, bp))
      compareColumns("priceBatch", x.out, y.out)
      compareColumns("priceBatch status", x.status, y.status)
    }
    if (s.model.greeksBatch !== undefined) {
      const x = batchCall("greeksBatch", () => runGreeksBatch(s, c.rows, bp))
      const y = batchCall("greeksBatch", () => runGreeksBatch(s, c.rows, bp))
      for (const k of GREEK_KEYS) compareColumns(`greeksBatch ${k}`, x.out[k]!, y.out[k]!)
      compareColumns("greeksBatch status", x.status, y.status)
    }
    return true
  }
})

interface History<P> extends Repeat<P> {
  readonly shift: number
}

const historyIndependence = <P>(s: Setup<P>): Spec<History<P>> => ({
  arbitrary: fc.record({
    option: s.option,
    params: s.params,
    shift: numbers({ min: -0.3, max: 0.3 }),
    rows: fc.array(s.option, { minLength: 0, maxLength: 3 })
  }),
  show: (c) => `${showCase(c)}; in between: ${others(c).map(showOption).join(", ")}`,
  needs: "any option",
  check: (c) => {
    const p = decoded(s, c.params)
    const o = c.option
    const before = priceOf(s, o, p)
    const gBefore = s.model.greeks !== undefined ? greeksOf(s, o, p) : undefined
    const between = others(c)
    for (const x of between) {
      priceOf(s, x, p)
      if (s.model.greeks !== undefined) greeksOf(s, x, p)
    }
    const bp = batchParamsOf(p, false, between.length)
    if (s.model.priceBatch !== undefined) batchCall("priceBatch", () => runPriceBatch(s, between, bp))
    if (s.model.greeksBatch !== undefined) batchCall("greeksBatch", () => runGreeksBatch(s, between, bp))
    const after = priceOf(s, o, p)
    if (!sameBits(before, after)) {
      throw new Violation(
        `price was ${exact(before)} before and ${exact(after)} after pricing the options in between (same inputs; diff ${small(after - before)})`
      )
    }
    if (gBefore !== undefined) {
      const gAfter = greeksOf(s, o, p)
      for (const k of GREEK_KEYS) {
        const x = gBefore[k] ?? NaN, y = gAfter[k] ?? NaN
        if (!sameBits(x, y)) {
          throw new Violation(`greeks ${k} was ${exact(x)} before and ${exact(y)} after pricing the options in between (same inputs; diff ${small(y - x)})`)
        }
      }
    }
    return true
  }
})

/** The options priced in between: the same expiry at another strike, then the generated ones. */
const others = <P>(c: History<P>): Array<EuropeanOption> => {
  const o = c.option
  const strike = o.strike > 0 ? o.strike * Math.exp(c.shift === 0 ? 0.1 : c.shift) : o.strike + (c.shift === 0 ? 0.1 : c.shift) * Math.max(Math.abs(o.forward), 1)
  return [{ ...o, strike }, ...c.rows]
}

type OptionField = "forward" | "strike" | "expiry" | "rate" | "type"

interface Corruption {
  readonly target: "option" | "params"
  readonly field: number
  readonly bad: number
}

interface BadCase<P> extends Case<P> {
  readonly corruption: Corruption
}

const OPTION_FIELDS: ReadonlyArray<OptionField> = ["forward", "strike", "expiry", "rate", "type"]
const PARAM_VALUES: ReadonlyArray<number> = [NaN, Infinity, -Infinity, 0, -1, 2, 1e300]

/** The bad values of a field: what the SDK's domain excludes. */
const badValues = (field: OptionField, o: EuropeanOption, positive: boolean): ReadonlyArray<unknown> => {
  switch (field) {
    case "forward":
      return positive ? [0, -o.forward, NaN, Infinity, -Infinity] : [NaN, Infinity, -Infinity]
    case "strike":
      return positive ? [0, -o.strike, NaN, Infinity, -Infinity] : [NaN, Infinity, -Infinity]
    case "expiry":
      return [0, -o.expiry, NaN, Infinity]
    case "rate":
      return [NaN, Infinity, -Infinity]
    case "type":
      return ["straddle"]
  }
}

/** The corrupted option or params, and its description; `undefined` where the Schema accepts the params. */
const corrupt = <P>(s: Setup<P>, c: BadCase<P>): { option: EuropeanOption; params: unknown; what: string } | undefined => {
  const { bad, field, target } = c.corruption
  if (target === "option") {
    const f = OPTION_FIELDS[field % OPTION_FIELDS.length]!
    const values = badValues(f, c.option, s.positive)
    const x = values[bad % values.length]
    return { option: { ...c.option, [f]: x } as EuropeanOption, params: c.params, what: `${f} = ${value(x)}` }
  }
  const keys = Object.keys(c.params as Params).filter((k) => typeof (c.params as Params)[k] === "number")
  if (keys.length === 0) return undefined
  const k = keys[field % keys.length]!
  const x = PARAM_VALUES[bad % PARAM_VALUES.length]!
  const params = withParam(c.params, k, x)
  try {
    s.decode(params)
    return undefined // the Schema accepts it: not a bad parameter
  } catch {
    return { option: c.option, params, what: `params.${k} = ${value(x)} (rejected by the model's Schema)` }
  }
}

const domainErrors = <P>(s: Setup<P>): Spec<BadCase<P>> => ({
  arbitrary: fc.record({
    option: s.option,
    params: s.params,
    corruption: fc.record({ target: fc.constantFrom("option" as const, "params" as const), field: fc.nat(20), bad: fc.nat(20) })
  }),
  show: (c) => `${showCase(c)}, with ${corrupt(s, c)?.what ?? "params the Schema accepts"}`,
  needs: "parameters the model's Schema rejects, or bad option fields",
  check: (c) => {
    decoded(s, c.params)
    const bad = corrupt(s, c)
    if (bad === undefined) return false
    const params = bad.params as P
    const scalar = (member: "price" | "greeks") => {
      let result: unknown
      try {
        result = member === "price" ? s.model.price(bad.option, params) : s.model.greeks!(bad.option, params)
      } catch (error) {
        if (!isTagged(error)) {
          throw new Violation(`${member} with ${bad.what} threw ${thrown(error)}: expected a tagged error (an object with _tag, e.g. InvalidInput)`)
        }
        return
      }
      throw new Violation(`${member} with ${bad.what} returned ${value(result)}: expected a thrown tagged error (e.g. InvalidInput)`)
    }
    scalar("price")
    if (s.model.greeks !== undefined) scalar("greeks")
    // a chain [good, bad, good]: the bad row gets a code, the others are still priced (for bad params: every row)
    const whole = bad.params !== c.params
    const rows = [c.option, bad.option, c.option]
    const bp = batchParamsOf(params, false, 3)
    const rowsCheck = (member: "priceBatch" | "greeksBatch", run: () => { status: Uint8Array }) => {
      let status: Uint8Array
      try {
        status = run().status
      } catch (error) {
        if (whole && isTagged(error)) return
        throw new Violation(
          `${member} threw ${thrown(error)} for a chain [valid, ${bad.what}, valid]: ${
            whole ? "expected a non-zero status on every row (or a tagged error)" : "a bad row must get a non-zero status, not stop the chain"
          }`
        )
      }
      status.forEach((code, i) => {
        const isBad = whole || i === 1
        if (isBad && (code === 0 || code === UNSET)) {
          throw new Violation(`${member} row ${i} with ${bad.what} got status ${code === UNSET ? "unwritten" : 0}: expected a non-zero BatchStatus code`)
        }
        if (!isBad && code !== 0) {
          throw new Violation(`${member} row ${i} (valid) got status ${code === UNSET ? "unwritten" : code} next to a row with ${bad.what}: expected 0`)
        }
      })
    }
    if (s.model.priceBatch !== undefined) rowsCheck("priceBatch", () => runPriceBatch(s, rows, bp))
    if (s.model.greeksBatch !== undefined) rowsCheck("greeksBatch", () => runGreeksBatch(s, rows, bp))
    return true
  }
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each property has its own case type
const SPECS: Record<PricingProperty, <P>(s: Setup<P>) => Spec<any>> = {
  lowerBound,
  upperBound,
  putCallParity,
  strikeMonotonicity,
  strikeConvexity,
  volMonotonicity,
  expiryMonotonicity,
  greeks,
  impliedVolRoundTrip,
  batch,
  determinism,
  historyIndependence,
  domainErrors
}

// ---------------------------------------------------------------------------------------------------------------
// Running

const setupOf = <P>(model: PricingModel<P>, options: PricingModelOptions<P>): Setup<P> => {
  const positive = (options.underlying ?? "positive") === "positive"
  const forward = numbers(options.forward ?? { min: 10, max: 100_000 })
  const strikeArb = options.strike !== undefined ? numbers(options.strike) : undefined
  const m = options.moneyness ?? { min: 0.5, max: 2 }
  if (options.strike === undefined && !(m.min > 0 && m.min <= m.max)) throw new RangeError(`moneyness needs 0 < min ≤ max, got [${m.min}, ${m.max}]`)
  const logMoneyness = numbers({ min: Math.log(m.min), max: Math.log(m.max) })
  const option = fc
    .record({
      type: fc.constantFrom("call" as const, "put" as const),
      forward,
      k: strikeArb ?? logMoneyness,
      expiry: numbers(options.expiry ?? { min: 1 / 365, max: 3 }),
      rate: numbers(options.rate ?? { min: -0.02, max: 0.1 })
    })
    .map(({ expiry, forward: F, k, rate, type }): EuropeanOption => ({
      type,
      forward: F,
      strike: strikeArb !== undefined ? k : k === 0 ? F : F * Math.exp(k),
      expiry,
      rate
    }))
  const decode = Schema.decodeUnknownSync(model.params)
  return {
    model,
    name: model.name,
    positive,
    tol: { relative: options.tolerance?.relative ?? 1e-12, absolute: options.tolerance?.absolute ?? 1e-13 },
    greeksRel: options.greeksTolerance ?? 1e-6,
    volParameter: options.volParameter,
    decode: (u) => decode(u) as P,
    option,
    params: arbitraryOf(options.params),
    gap: numbers({ min: 1e-3, max: 0.25 })
  }
}

/** Why a property does not run for this model, or `undefined` when it does. */
const inapplicable = <P>(id: PricingProperty, model: PricingModel<P>, options: PricingModelOptions<P>): string | undefined => {
  const skipped = options.skip?.[id]
  if (skipped !== undefined) return `skipped: ${skipped}`
  if (options.only !== undefined && !options.only.includes(id)) return "not selected (only)"
  if (id === "volMonotonicity" && options.volParameter === undefined) return "not applicable: no volParameter declared"
  if (id === "expiryMonotonicity" && options.monotoneInExpiry === false) return "not applicable: monotoneInExpiry is false"
  if (id === "greeks" && model.greeks === undefined) return "not applicable: the model has no greeks"
  if (id === "batch" && model.priceBatch === undefined && model.greeksBatch === undefined) return "not applicable: the model has no priceBatch or greeksBatch"
  return undefined
}

const runOne = <P>(model: PricingModel<P>, options: PricingModelOptions<P>, setup: Setup<P>, id: PricingProperty): ConformanceFailure | undefined => {
  const meta = pricingProperties.find((p) => p.id === id)!
  const spec = SPECS[id](setup)
  return runProperty({
    subject: model.name,
    property: id,
    title: meta.title,
    arbitrary: spec.arbitrary,
    check: spec.check,
    show: spec.show,
    needs: spec.needs,
    numRuns: options.runs?.[id] ?? options.numRuns ?? 100,
    seed: options.seed,
    path: options.path,
    timeLimit: options.timeLimit ?? 20_000
  })
}

/**
 * Runs every applicable property of a pricing model and returns the failures (an empty list when the model
 * conforms). Each failure's `message` names the model, the property, the shrunk counterexample with units, the
 * observed and expected values and the tolerance.
 *
 * @example
 * const failures = checkPricingModel(myModel, { params: fc.record({ vol: fc.double({ min: 0.05, max: 2, noNaN: true }) }), volParameter: "vol" })
 * expect(failures.map((f) => f.message)).toEqual([])
 * @since 0.1.0
 * @category checks
 */
export const checkPricingModel = <P>(model: PricingModel<P>, options: PricingModelOptions<P>): Array<ConformanceFailure> => {
  const setup = setupOf(model, options)
  const failures: Array<ConformanceFailure> = []
  for (const { id } of pricingProperties) {
    if (inapplicable(id, model, options) !== undefined) continue
    const failure = runOne(model, options, setup, id)
    if (failure !== undefined) failures.push(failure)
  }
  return failures
}

/**
 * Registers the conformance suite of a pricing model with vitest: `describe(model.name)` with one test per
 * property (skipped ones shown as skipped, with the reason). A failing test throws a {@link ConformanceError}
 * whose message is the failure's.
 *
 * @example
 * // in the model's own test file
 * describePricingModel(myModel, { params: { vol: 0.5 }, volParameter: "vol" })
 * @since 0.1.0
 * @category suites
 */
export const describePricingModel = <P>(model: PricingModel<P>, options: PricingModelOptions<P>): void => {
  describe(`${model.name}${options.label !== undefined ? ` (${options.label})` : ""} conforms to the PricingModel contract`, () => {
    const setup = setupOf(model, options)
    for (const { id, title } of pricingProperties) {
      if (options.only !== undefined && !options.only.includes(id)) continue
      const why = inapplicable(id, model, options)
      if (why !== undefined) {
        it.skip(`${title} (${why})`, () => {})
        continue
      }
      it(title, () => {
        const failure = runOne(model, options, setup, id)
        if (failure !== undefined) throw new ConformanceError(failure)
      }, options.timeout)
    }
  })
}
