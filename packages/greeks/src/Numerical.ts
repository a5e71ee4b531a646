/**
 * Greeks of any `PricingModel`, including a plugin that ships only `price`: Richardson-extrapolated central
 * differences, taken of the model's analytic Greeks where it has them (so that, say, speed is one difference of
 * gamma rather than three of the price) and of the price otherwise.
 *
 * Method, per Greek:
 * - A central difference of order n (n = 1, 2, 3) at steps h and h/2, combined as (4·D(h/2) − D(h))/3, which
 *   cancels the h² term and leaves an O(h⁴) truncation error. Mixed derivatives (vanna, charm, veta, zomma,
 *   color) are tensor products of these one-dimensional stencils.
 * - Steps are powers of two near a fraction c_n of each input's own scale of variation, so that every bumped
 *   input is exact: for the forward and strike, w = F·s·m with s = σ̂√T the total Black standard deviation
 *   implied by the model's own price (the normal one, σ̂ₙ√T·m, where it has no Black vol) and
 *   m = min(1, s/|ln(F/K)|) — so a one-hour option is differenced on its own scale, and a far wing on the
 *   faster scale of its Gaussian tail; for expiry and vol, T·m² and σ·m²; for the rate 1/T (the
 *   premium is discounted by e^{−rT}); for other parameters max(|p|, 10⁻³) or the caller's `paramScales`. c₁ = 2·10⁻³, c₂ = 5·10⁻³,
 *   c₃ = 1.5·10⁻², which balance the h⁴ truncation against rounding (ε/hⁿ) for each order.
 * - Differences of the price are taken of the out-of-the-money option, and put-call parity
 *   (V_call − V_put = e^{−rT}(F − K), which every model of the SDK contract satisfies) adds its exact terms:
 *   an in-the-money price is mostly intrinsic value, and differencing it would bury its gamma in rounding.
 * - When the model rejects a bumped input (a parameter at the edge of its domain), the steps of that Greek
 *   are halved until it accepts them; a first derivative falls back to one-sided differences (O(h³)); a Greek
 *   that still cannot be differenced is listed in `failures` with the model's reason, not thrown.
 *
 * Every estimate reports how it was obtained (`method`, and the function it differenced in `from`).
 * Measured on the closed-form models (test suite `Numerical.test.ts`): first-order Greeks ≤ 1e-8 relative,
 * second-order ≤ 1e-6.
 *
 * Units are those of `ClosedForm`: raw partial derivatives per 1 unit of forward, strike, vol parameter, year
 * and rate; time derivatives for calendar time passing (−∂/∂T).
 *
 * @since 0.1.0
 */
import { Bachelier, Black76 } from "@hedgekit/models"
import { BatchStatus, InvalidInput, isHedgekitError, NoConvergence } from "@hedgekit/sdk"
import type { BatchParams, EuropeanBatch, EuropeanOption, Greeks as ModelGreeks, PricingModel } from "@hedgekit/sdk"

/**
 * The Greeks this module estimates. Those named `vega`…`ultima`, `vanna`, `zomma` and `veta` need a volatility
 * parameter (see {@link Options.volParam}).
 *
 * @since 0.1.0
 * @category models
 */
export type GreekName =
  | "delta" | "gamma" | "vega" | "theta" | "rho" | "vanna" | "volga" | "charm" | "veta" | "speed" | "zomma"
  | "color" | "ultima" | "dualDelta" | "dualGamma"

/**
 * How one number was obtained: `analytic` (the model's own `greeks`), or `difference` of the function `from`
 * (`price`, or the model's analytic `delta`, `gamma` or `vega`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Estimate {
  readonly value: number
  readonly method: "analytic" | "difference"
  readonly from: "model" | "price" | "delta" | "gamma" | "vega"
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly price: number
  /** Every Greek the model's inputs allow (no vega family without a vol parameter). */
  readonly greeks: { readonly [G in GreekName]?: Estimate }
  /** ∂V/∂p for each numeric model parameter p, per 1 unit of p. */
  readonly params: { readonly [name: string]: Estimate }
  /**
   * Greeks and parameter sensitivities the model would not let us difference (it rejected every step, central
   * and one-sided, down to 2⁻³⁰ of the scale), with the model's reason; they are absent from `greeks`/`params`.
   */
  readonly failures: { readonly [name: string]: string }
  /** The largest steps used, per input (absolute units). */
  readonly steps: { readonly forward: number; readonly strike: number; readonly expiry: number; readonly rate: number; readonly [param: string]: number }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The numeric parameter that plays the volatility, whose derivatives are vega, vanna, volga, veta, zomma and
   * ultima. Default: `"vol"` when the parameters have one; `null` for none.
   */
  readonly volParam?: string | null
  /** Use the model's analytic `greeks` where it has them (default true). */
  readonly useAnalytic?: boolean
  /**
   * The scale on which the price varies with each named parameter (default max(|p|, 10⁻³); the vol parameter's
   * comes from the option's implied vol). A yield that enters as q·T, for instance, varies on the scale 1/T.
   */
  readonly paramScales?: { readonly [name: string]: number }
}

// Input dimensions; parameters follow from index PARAM on.
const F_ = 0, K_ = 1, T_ = 2, R_ = 3, PARAM = 4

/** A one-dimensional Richardson stencil: offsets in units of h and weights, for the n-th derivative times hⁿ. */
type Stencil = ReadonlyArray<readonly [offset: number, weight: number]>

const S1: Stencil = [[-1, 1 / 6], [-0.5, -4 / 3], [0.5, 4 / 3], [1, -1 / 6]]
const S2: Stencil = [[-1, -1 / 3], [-0.5, 16 / 3], [0, -10], [0.5, 16 / 3], [1, -1 / 3]]
const S3: Stencil = [[-2, 1 / 6], [-1, -17 / 3], [-0.5, 32 / 3], [0.5, -32 / 3], [1, 17 / 3], [2, -1 / 6]]
const STENCIL = [undefined, S1, S2, S3] as const
/** One-sided first derivatives for a parameter at its domain's edge: (4·D(h/2) − D(h))/3 of the three-point forward difference, O(h³). */
const FORWARD_1: Stencil = [[0, -21 / 6], [0.5, 32 / 6], [1, -12 / 6], [2, 1 / 6]]
const BACKWARD_1: Stencil = [[0, 21 / 6], [-0.5, -32 / 6], [-1, 12 / 6], [-2, -1 / 6]]
/** Step fractions by total derivative order. */
const C = [0, 2e-3, 5e-3, 1.5e-2] as const

type Source = "price" | "delta" | "gamma" | "vega"

interface Plan {
  /** The Greek, or the parameter, being estimated (for messages). */
  readonly greek: string
  readonly from: Source
  /** Derivative order per dimension (dimension index → order). */
  readonly orders: ReadonlyArray<readonly [dim: number, order: number]>
  /** −1 for a derivative in calendar time (−∂/∂T), else +1. */
  readonly sign: number
}

interface GreekPlan extends Plan {
  readonly name: GreekName
}

const plan = (name: GreekName, from: Source, orders: Plan["orders"], sign = 1): GreekPlan => ({ name, greek: name, from, orders, sign })
const V_ = -1 // placeholder for the vol dimension, resolved per call

const PRICE_PLANS: ReadonlyArray<GreekPlan> = [
  plan("delta", "price", [[F_, 1]]),
  plan("gamma", "price", [[F_, 2]]),
  plan("speed", "price", [[F_, 3]]),
  plan("theta", "price", [[T_, 1]], -1),
  plan("rho", "price", [[R_, 1]]),
  plan("charm", "price", [[F_, 1], [T_, 1]], -1),
  plan("color", "price", [[F_, 2], [T_, 1]], -1),
  plan("dualDelta", "price", [[K_, 1]]),
  plan("dualGamma", "price", [[K_, 2]]),
  plan("vega", "price", [[V_, 1]]),
  plan("volga", "price", [[V_, 2]]),
  plan("ultima", "price", [[V_, 3]]),
  plan("vanna", "price", [[F_, 1], [V_, 1]]),
  plan("zomma", "price", [[F_, 2], [V_, 1]]),
  plan("veta", "price", [[V_, 1], [T_, 1]], -1)
]

// With analytic first-order Greeks: the lowest-order difference available for each higher-order Greek.
const ANALYTIC_PLANS: ReadonlyArray<GreekPlan> = [
  plan("speed", "gamma", [[F_, 1]]),
  plan("charm", "delta", [[T_, 1]], -1),
  plan("color", "gamma", [[T_, 1]], -1),
  plan("dualDelta", "price", [[K_, 1]]),
  plan("dualGamma", "price", [[K_, 2]]),
  plan("volga", "vega", [[V_, 1]]),
  plan("ultima", "vega", [[V_, 2]]),
  plan("vanna", "delta", [[V_, 1]]),
  plan("zomma", "gamma", [[V_, 1]]),
  plan("veta", "vega", [[T_, 1]], -1)
]

const VOL_GREEKS: ReadonlySet<GreekName> = new Set(["vega", "volga", "ultima", "vanna", "zomma", "veta"])

/**
 * Put-call parity terms: the Greek of the option minus that of its parity partner, per unit of
 * ζ·e^{−rT} (ζ = +1 when the option is a call valued through the put).
 */
const parityTerm = (greek: string, F: number, K: number, T: number, r: number): number => {
  switch (greek) {
    case "delta":
      return 1
    case "dualDelta":
      return -1
    case "theta":
      return r * (F - K)
    case "rho":
      return -T * (F - K)
    case "charm":
      return r
    default:
      return 0
  }
}

const numericParams = (params: unknown): ReadonlyArray<string> =>
  typeof params === "object" && params !== null
    ? Object.keys(params).filter((k) => typeof (params as Record<string, unknown>)[k] === "number")
    : []

/**
 * The option's scale of variation in the forward, from its own price: `width` = the implied standard deviation
 * in price units (Black σ̂√T·F — σ̂√T·K for the strike — or the normal σ̂ₙ√T where the price has no Black vol, e.g. K ≤ 0), times
 * `tail` = min(1, 1/|d|) with d the standardised moneyness (a far wing varies on the faster scale of its
 * Gaussian tail). The fallback for a price with no implied vol at all is 1 % of the larger of |F| and |K|.
 */
const variation = (
  option: EuropeanOption,
  price: number
): { readonly width: number; readonly strikeWidth: number; readonly tail: number } => {
  const { expiry, forward, rate, strike, type } = option
  const root = Math.sqrt(expiry)
  if (forward > 0 && strike > 0) {
    try {
      const s = Black76.impliedVol(type, price, forward, strike, expiry, rate) * root
      const x = Math.abs(Math.log(forward / strike))
      const tail = x <= s ? 1 : s / x
      if (s > 0 && Number.isFinite(s)) return { width: forward * s * tail, strikeWidth: strike * s * tail, tail }
    } catch {
      // no lognormal vol (at intrinsic, or beyond the lognormal range): try the normal one
    }
  }
  try {
    const s = Bachelier.impliedVol(type, price, forward, strike, expiry, rate) * root
    const x = Math.abs(forward - strike)
    const tail = x <= s ? 1 : s / x
    if (s > 0 && Number.isFinite(s)) return { width: s * tail, strikeWidth: s * tail, tail }
  } catch {
    // no implied vol at all
  }
  const width = 0.01 * Math.max(Math.abs(forward), Math.abs(strike), Number.MIN_VALUE)
  return { width, strikeWidth: width, tail: 1 }
}

/**
 * The power of two nearest `h`. Then x + offset·h is exact for every offset of the stencil — its weights assume
 * exact offsets, and a rounded F + h would pass the rounding of F (an ulp, ~1e-12 of a small step) to the
 * difference, amplified by 1/hⁿ — except where a node crosses into the next binade and rounds by one ulp of x;
 * that is accepted when it is below 2⁻⁴⁰ of the step, and the step halved otherwise.
 */
const exactStep = (x: number, h: number, stencil: Stencil): number => {
  let step = 2 ** Math.round(Math.log2(h))
  for (let k = 0; k < 60; k++) {
    if (stencil.every(([offset]) => Math.abs(x + offset * step - x - offset * step) <= step * 2 ** -40)) return step
    step /= 2
  }
  return step
}

const fail = (greek: string, detail: string, iterations: number): NoConvergence =>
  new NoConvergence({ method: "Richardson central differences", iterations, detail: `${greek}: ${detail}` })

/**
 * Greeks of one option under `model` with `params`.
 *
 * Throws the model's own error (e.g. `InvalidInput`) when the option itself cannot be priced. A Greek the model
 * will not let us difference is left out and named in `failures`.
 *
 * @since 0.1.0
 * @category greeks
 */
export const greeks = <P>(model: PricingModel<P>, option: EuropeanOption, params: P, options: Options = {}): Result => {
  const paramNames = numericParams(params)
  const volParam = options.volParam === undefined
    ? (paramNames.includes("vol") ? "vol" : null)
    : options.volParam
  for (const [name, value] of Object.entries(options.paramScales ?? {})) {
    if (!paramNames.includes(name) || !(value > 0 && Number.isFinite(value))) {
      throw new InvalidInput({ field: `paramScales.${name}`, value, expected: "a finite scale > 0 for one of the model's numeric parameters" })
    }
  }
  if (volParam !== null && !paramNames.includes(volParam)) {
    throw new InvalidInput({
      field: "volParam",
      value: volParam,
      expected: `one of the model's numeric parameters (${paramNames.join(", ") || "none"})`
    })
  }
  const analytic = options.useAnalytic !== false && model.greeks !== undefined
  const { expiry: T, forward: F, rate: r, strike: K } = option
  const price = model.price(option, params)
  if (!Number.isFinite(price)) {
    throw new InvalidInput({ field: "price", value: price, expected: `a finite price from model ${model.name}` })
  }

  // Scales of variation per dimension.
  const { strikeWidth, tail, width } = variation(option, price)
  const scale = (dim: number): number => {
    if (dim === F_) return width
    if (dim === K_) return strikeWidth
    if (dim === T_) return T * tail * tail
    if (dim === R_) return 1 / T
    const name = paramNames[dim - PARAM]!
    const p = (params as Record<string, number>)[name]!
    const given = options.paramScales?.[name]
    if (given !== undefined) return given
    return name === volParam ? Math.abs(p) * tail * tail : Math.max(Math.abs(p), 1e-3)
  }
  const volDim = volParam === null ? undefined : PARAM + paramNames.indexOf(volParam)

  // Differences of the price use the out-of-the-money side: ζ = +1 when a call is valued through its put.
  const otmType = K >= F ? "call" : "put"
  const zeta = otmType === option.type ? 0 : option.type === "call" ? 1 : -1

  const evaluate = (from: Source, point: ReadonlyArray<number>): number => {
    let p: P = params
    if (paramNames.length > 0 && point.length > PARAM) {
      const bumped: Record<string, unknown> = { ...(params as Record<string, unknown>) }
      for (let j = 0; j < paramNames.length; j++) bumped[paramNames[j]!] = point[PARAM + j]!
      p = bumped as P
    }
    const o: EuropeanOption = {
      type: from === "price" ? otmType : option.type,
      forward: point[F_]!,
      strike: point[K_]!,
      expiry: point[T_]!,
      rate: point[R_]!
    }
    if (from === "price") return model.price(o, p)
    const g: ModelGreeks = model.greeks!(o, p)
    const v = from === "delta" ? g.delta : from === "gamma" ? g.gamma : g.vega
    if (v === undefined) throw new InvalidInput({ field: "greeks.vega", value: v, expected: `a vega from model ${model.name}` })
    return v
  }

  const center = [F, K, T, r, ...paramNames.map((n) => (params as Record<string, number>)[n]!)]
  const largest: Record<string, number> = { forward: 0, strike: 0, expiry: 0, rate: 0 }
  const dimName = (dim: number) => (dim < PARAM ? (["forward", "strike", "expiry", "rate"] as const)[dim]! : paramNames[dim - PARAM]!)

  const run = (p: Plan, table: (order: number) => Stencil = (n) => STENCIL[n]!): number => {
    const orders = p.orders.map(([dim, n]) => [dim === V_ ? volDim! : dim, n] as const)
    const total = orders.reduce((a, [, n]) => a + n, 0)
    let shrink = 1
    for (let attempt = 0; attempt <= 30; attempt++) {
      const steps = orders.map(([dim, n]) => exactStep(center[dim]!, C[total]! * scale(dim) * shrink, table(n)))
      try {
        // Tensor product of the one-dimensional stencils.
        let sum = 0
        const point = center.slice()
        const walk = (k: number, weight: number): void => {
          if (k === orders.length) {
            sum += weight * evaluate(p.from, point)
            return
          }
          const [dim, n] = orders[k]!
          for (const [offset, w] of table(n)) {
            point[dim] = center[dim]! + offset * steps[k]!
            walk(k + 1, weight * w)
          }
          point[dim] = center[dim]!
        }
        walk(0, 1)
        let value = sum
        for (let k = 0; k < orders.length; k++) value /= steps[k]! ** orders[k]![1]
        for (let k = 0; k < orders.length; k++) {
          const name = dimName(orders[k]![0])
          largest[name] = Math.max(largest[name] ?? 0, steps[k]! * 2)
        }
        return p.sign * value
      } catch (error) {
        if (!isHedgekitError(error)) throw error
        shrink *= 0.5
        if (attempt === 30) throw fail(p.greek, `the model rejected every step down to 2^-30 of the scale: ${error.message}`, attempt)
      }
    }
    throw fail(p.greek, "unreachable", 30)
  }
  // A first derivative at the edge of a parameter's domain: one-sided differences, forward then backward.
  const runEdge = (p: Plan): number => {
    try {
      return run(p)
    } catch (central) {
      if (p.orders.length !== 1 || p.orders[0]![1] !== 1) throw central
      try {
        return run(p, () => FORWARD_1)
      } catch {
        return run(p, () => BACKWARD_1)
      }
    }
  }
  const failures: Record<string, string> = {}
  const attempt = (name: string, f: () => Estimate): Estimate | undefined => {
    try {
      return f()
    } catch (error) {
      if (!isHedgekitError(error)) throw error
      failures[name] = error.message
      return undefined
    }
  }

  const out: Partial<Record<GreekName, Estimate>> = {}
  const withParity = (p: Plan, v: number): number =>
    p.from === "price" && zeta !== 0 ? v + zeta * Math.exp(-r * T) * parityTerm(p.greek, F, K, T, r) : v
  if (analytic) {
    const g = model.greeks!(option, params)
    out.delta = { value: g.delta, method: "analytic", from: "model" }
    out.gamma = { value: g.gamma, method: "analytic", from: "model" }
    out.theta = { value: g.theta, method: "analytic", from: "model" }
    out.rho = { value: g.rho, method: "analytic", from: "model" }
    if (volDim !== undefined && g.vega !== undefined) out.vega = { value: g.vega, method: "analytic", from: "model" }
  }
  const plans = analytic
    ? [...PRICE_PLANS.filter((p) => out[p.name] === undefined && !ANALYTIC_PLANS.some((a) => a.name === p.name)), ...ANALYTIC_PLANS]
    : PRICE_PLANS
  for (const p of plans) {
    if (volDim === undefined && VOL_GREEKS.has(p.name)) continue
    // A model without an analytic vega has its vega family differenced from the price.
    const q = p.from === "vega" && out.vega === undefined ? PRICE_PLANS.find((x) => x.name === p.name)! : p
    const estimate = attempt(p.name, () => ({ value: withParity(q, runEdge(q)), method: "difference", from: q.from }))
    if (estimate !== undefined) out[p.name] = estimate
  }
  const sensitivities: Record<string, Estimate> = {}
  for (let j = 0; j < paramNames.length; j++) {
    const name = paramNames[j]!
    if (name === volParam && out.vega !== undefined) {
      sensitivities[name] = out.vega
      continue
    }
    const dim = PARAM + j
    const estimate = attempt(name, () => ({ value: runEdge({ greek: name, from: "price", orders: [[dim, 1]], sign: 1 }), method: "difference", from: "price" }))
    if (estimate !== undefined) sensitivities[name] = estimate
  }
  return { price, greeks: out, params: sensitivities, steps: largest as Result["steps"], failures }
}

/**
 * Caller-owned output columns of {@link greeksBatch}: `price` and any of the Greeks; only the Greeks given a
 * column are computed.
 *
 * @since 0.1.0
 * @category batch
 */
export type Columns = { readonly price: Float64Array } & { readonly [G in GreekName]?: Float64Array }

/**
 * {@link greeks} for a chain, by whole columns: each stencil point of each Greek is one `priceBatch` (or
 * `greeksBatch`) call of the model over every row, so a model's batch kernel does the work. Rows the model
 * rejects at a bumped point are redone one by one by {@link greeks} (which shrinks their steps); a row that
 * still fails, or whose own price fails, gets `BatchStatus.INVALID_PARAMS` (or the model's code) and NaN.
 * Without `priceBatch` the model's scalar `price` is called per row.
 *
 * @since 0.1.0
 * @category batch
 */
export const greeksBatch = <P>(
  model: PricingModel<P>,
  options: EuropeanBatch,
  params: BatchParams<P>,
  out: Columns,
  status: Uint8Array,
  settings: Options = {}
): void => {
  const n = options.length
  const { expiry, forward, isCall, rate, strike } = options
  const paramNames = Object.keys(params as object).filter((k) => {
    const v = (params as Record<string, unknown>)[k]
    return typeof v === "number" || v instanceof Float64Array
  })
  const volParam = settings.volParam === undefined ? (paramNames.includes("vol") ? "vol" : null) : settings.volParam
  if (volParam !== null && !paramNames.includes(volParam)) {
    throw new InvalidInput({ field: "volParam", value: volParam, expected: `one of the model's numeric parameters (${paramNames.join(", ") || "none"})` })
  }
  for (const [name, column] of Object.entries(out)) {
    if (!(column instanceof Float64Array) || column.length < n) {
      throw new InvalidInput({ field: `out.${name}`, value: column instanceof Float64Array ? column.length : String(column), expected: `a Float64Array of at least ${n} rows` })
    }
  }
  if (!(status instanceof Uint8Array) || status.length < n) {
    throw new InvalidInput({ field: "status", value: status instanceof Uint8Array ? status.length : String(status), expected: `a Uint8Array of at least ${n} rows` })
  }
  const param = (name: string, i: number): number => {
    const v = (params as Record<string, number | Float64Array>)[name]!
    return typeof v === "number" ? v : v[i]!
  }
  const column = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i))
  const paramColumns = paramNames.map((name) => column((i) => param(name, i)))

  // Bumped inputs, evaluated as whole columns.
  const bF = new Float64Array(n), bK = new Float64Array(n), bT = new Float64Array(n), bR = new Float64Array(n)
  const bP = paramColumns.map(() => new Float64Array(n))
  const tmp = new Float64Array(n)
  const st = new Uint8Array(n)
  const otm = new Uint8Array(n)
  const batchParams = () => Object.fromEntries(paramNames.map((name, j) => [name, bP[j]!])) as BatchParams<P>
  const scratch = { price: new Float64Array(n), delta: new Float64Array(n), gamma: new Float64Array(n), vega: new Float64Array(n), theta: new Float64Array(n), rho: new Float64Array(n) }
  const evaluate = (from: Source, types: Uint8Array): void => {
    const batch: EuropeanBatch = { length: n, isCall: types, forward: bF, strike: bK, expiry: bT, rate: bR }
    if (from === "price" && model.priceBatch !== undefined) return model.priceBatch(batch, batchParams(), tmp, st)
    if (from !== "price" && model.greeksBatch !== undefined) {
      model.greeksBatch(batch, batchParams(), scratch, st)
      tmp.set(from === "delta" ? scratch.delta : from === "gamma" ? scratch.gamma : scratch.vega)
      return
    }
    for (let i = 0; i < n; i++) {
      try {
        const p = Object.fromEntries(paramNames.map((name, j) => [name, bP[j]![i]!])) as P
        const o: EuropeanOption = { type: types[i] === 1 ? "call" : "put", forward: bF[i]!, strike: bK[i]!, expiry: bT[i]!, rate: bR[i]! }
        const v = from === "price" ? model.price(o, { ...(params as object), ...p } as P) : model.greeks!(o, { ...(params as object), ...p } as P)[from]
        tmp[i] = v ?? NaN
        st[i] = Number.isFinite(v) ? BatchStatus.OK : BatchStatus.INVALID_PARAMS
      } catch {
        tmp[i] = NaN
        st[i] = BatchStatus.INVALID_PARAMS
      }
    }
  }
  const reset = () => {
    bF.set(forward.subarray(0, n))
    bK.set(strike.subarray(0, n))
    bT.set(expiry.subarray(0, n))
    bR.set(rate.subarray(0, n))
    paramColumns.forEach((c, j) => bP[j]!.set(c))
  }

  // Centre prices, the out-of-the-money side of each row and its scales of variation.
  reset()
  evaluate("price", isCall)
  out.price.set(tmp.subarray(0, n))
  status.set(st.subarray(0, n))
  const width = new Float64Array(n), strikeWidth = new Float64Array(n), tail = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    otm[i] = strike[i]! >= forward[i]! ? 1 : 0
    if (status[i] !== BatchStatus.OK) continue
    const v = variation({ type: isCall[i] === 1 ? "call" : "put", forward: forward[i]!, strike: strike[i]!, expiry: expiry[i]!, rate: rate[i]! }, out.price[i]!)
    width[i] = v.width
    strikeWidth[i] = v.strikeWidth
    tail[i] = v.tail
  }
  const volIndex = volParam === null ? -1 : paramNames.indexOf(volParam)
  const scale = (dim: number, i: number): number => {
    if (dim === F_) return width[i]!
    if (dim === K_) return strikeWidth[i]!
    if (dim === T_) return expiry[i]! * tail[i]! * tail[i]!
    if (dim === R_) return 1 / expiry[i]!
    const name = paramNames[dim - PARAM]!
    const given = settings.paramScales?.[name]
    if (given !== undefined) return given
    const p = paramColumns[dim - PARAM]![i]!
    return dim - PARAM === volIndex ? Math.abs(p) * tail[i]! * tail[i]! : Math.max(Math.abs(p), 1e-3)
  }
  const centre = (dim: number): Float64Array =>
    dim === F_ ? forward : dim === K_ ? strike : dim === T_ ? expiry : dim === R_ ? rate : paramColumns[dim - PARAM]!
  const bumped = (dim: number): Float64Array => (dim === F_ ? bF : dim === K_ ? bK : dim === T_ ? bT : dim === R_ ? bR : bP[dim - PARAM]!)

  const analytic = settings.useAnalytic !== false && model.greeksBatch !== undefined
  const redo = new Uint8Array(n) // rows to finish one by one
  if (analytic) {
    reset()
    model.greeksBatch!({ length: n, isCall, forward: bF, strike: bK, expiry: bT, rate: bR }, batchParams(), scratch, st)
    for (const key of ["delta", "gamma", "theta", "rho", "vega"] as const) {
      const target = out[key]
      if (target === undefined || (key === "vega" && volIndex < 0)) continue
      for (let i = 0; i < n; i++) target[i] = scratch[key][i]!
    }
  }
  const plans = analytic
    ? [...PRICE_PLANS.filter((p) => !["delta", "gamma", "theta", "rho", "vega"].includes(p.name) && !ANALYTIC_PLANS.some((a) => a.name === p.name)), ...ANALYTIC_PLANS]
    : PRICE_PLANS
  const acc = new Float64Array(n)
  const steps = [new Float64Array(n), new Float64Array(n)]
  for (const p of plans) {
    const target = out[p.name]
    if (target === undefined) continue
    if (volIndex < 0 && VOL_GREEKS.has(p.name)) {
      target.fill(NaN, 0, n)
      continue
    }
    const orders = p.orders.map(([dim, k]) => [dim === V_ ? PARAM + volIndex : dim, k] as const)
    const total = orders.reduce((a, [, k]) => a + k, 0)
    orders.forEach(([dim, k], d) => {
      const c = centre(dim)
      for (let i = 0; i < n; i++) steps[d]![i] = status[i] === BatchStatus.OK ? exactStep(c[i]!, C[total]! * scale(dim, i), STENCIL[k]!) : 0
    })
    acc.fill(0)
    reset()
    const types = p.from === "price" ? otm : isCall
    const walk = (d: number, weight: number, offsets: Array<number>): void => {
      if (d === orders.length) {
        orders.forEach(([dim], e) => {
          const b = bumped(dim), c = centre(dim), h = steps[e]!
          for (let i = 0; i < n; i++) b[i] = c[i]! + offsets[e]! * h[i]!
        })
        evaluate(p.from, types)
        for (const [dim] of orders) bumped(dim).set(centre(dim).subarray(0, n))
        for (let i = 0; i < n; i++) {
          if (st[i] !== BatchStatus.OK && status[i] === BatchStatus.OK) redo[i] = 1
          acc[i] = acc[i]! + weight * tmp[i]!
        }
        return
      }
      for (const [offset, w] of STENCIL[orders[d]![1]]!) walk(d + 1, weight * w, [...offsets, offset])
    }
    walk(0, 1, [])
    for (let i = 0; i < n; i++) {
      let v = acc[i]!
      orders.forEach(([, k], d) => {
        v /= steps[d]![i]! ** k
      })
      v *= p.sign
      const zeta = p.from !== "price" || otm[i] === isCall[i] ? 0 : isCall[i] === 1 ? 1 : -1
      if (zeta !== 0) v += zeta * Math.exp(-rate[i]! * expiry[i]!) * parityTerm(p.name, forward[i]!, strike[i]!, expiry[i]!, rate[i]!)
      target[i] = status[i] === BatchStatus.OK ? v : NaN
    }
  }
  for (let i = 0; i < n; i++) {
    if (status[i] !== BatchStatus.OK) {
      for (const c of Object.values(out)) c![i] = NaN
      continue
    }
    if (redo[i] !== 1) continue
    try {
      const row = greeks(
        model,
        { type: isCall[i] === 1 ? "call" : "put", forward: forward[i]!, strike: strike[i]!, expiry: expiry[i]!, rate: rate[i]! },
        { ...(params as object), ...Object.fromEntries(paramNames.map((name, j) => [name, paramColumns[j]![i]!])) } as P,
        settings
      )
      for (const [name, c] of Object.entries(out)) c![i] = name === "price" ? row.price : row.greeks[name as GreekName]?.value ?? NaN
    } catch {
      status[i] = BatchStatus.INVALID_PARAMS
      for (const c of Object.values(out)) c![i] = NaN
    }
  }
}
