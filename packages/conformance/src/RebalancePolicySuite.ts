/**
 * The conformance suite of a rebalance policy: the invariants every policy must respect, checked with fast-check
 * over generated decisions run through the SDK's own runner (`RebalancePolicy.evaluate`: the policy proposes,
 * the runner rounds the primary hedge to lots, the policy commits). {@link checkRebalancePolicy} returns the
 * failures; {@link describeRebalancePolicy} registers them as vitest tests.
 *
 * A case is a short scenario: the policy's parameters and 1–`steps` decisions of one path in time order, each a
 * `PolicyContext` (the plain fields of `decideOne`; deltas in coins, gamma in coins per USD, times in epoch ms),
 * decided with the state the previous ones left.
 *
 * @since 0.1.0
 */
import { RebalancePolicy } from "@hedgekit/sdk"
import * as fc from "fast-check"
import { describe, it } from "vitest"
import { ConformanceError } from "./Failure.js"
import type { ConformanceFailure, Range } from "./Failure.js"
import { exact, label, short, thrown, value, withUnits } from "./internal/format.js"
import { arbitraryOf, isArbitrary, numberIn, runProperty, Violation } from "./internal/run.js"

type PolicyContext = RebalancePolicy.PolicyContext
type PolicyInputs = RebalancePolicy.PolicyInputs
type PolicyOutputs = RebalancePolicy.PolicyOutputs
type Rebalancer = RebalancePolicy.Rebalancer

/**
 * The properties of a rebalance policy, by identifier.
 *
 * @since 0.1.0
 * @category properties
 */
export type PolicyProperty = "determinism" | "noTradeInsideBand" | "lotRounding" | "tradeSign" | "flatBookHolds"

/**
 * Each property: its identifier, its name in reports and test titles, and what it checks.
 *
 * @since 0.1.0
 * @category properties
 */
export const policyProperties: ReadonlyArray<{ readonly id: PolicyProperty; readonly title: string; readonly checks: string }> = [
  {
    id: "determinism",
    title: "deterministic",
    checks: "the same scenario from a fresh state gives the same outputs and state, bit for bit (same instance, and a newly configured one)"
  },
  { id: "noTradeInsideBand", title: "no trade inside the band", checks: "a decision whose deviation is strictly inside the band never trades" },
  {
    id: "lotRounding",
    title: "orders in whole lots",
    checks: "primary and option-leg orders are multiples of their lot (1e-9 relative) and ≥ their minimum or 0; a row that does not trade sends nothing"
  },
  {
    id: "tradeSign",
    title: "trade opposes the exposure",
    checks: "a primary hedge order's delta has the sign opposite to the exposure (book delta + hedge delta, + the option legs after their trades)"
  },
  { id: "flatBookHolds", title: "flat book, no trade", checks: "with no book delta, gamma or vega and no hedge, the policy never trades" }
]

/**
 * A no-trade band: its half-width (coins) and what it bounds. The suite moves each decision's hedge delta so
 * that the deviation lands at u·halfWidth for a generated u ∈ (−1, 1), so `deviation` must move one for one with
 * `hedgeDelta` (the net delta does; so does the distance of the hedge from a target delta).
 *
 * @since 0.1.0
 * @category options
 */
export interface Band<P> {
  /** Half-width of the band, coins; `undefined` where the policy has no band for these inputs. */
  readonly halfWidth: (inputs: PolicyInputs, row: number, params: P) => number | undefined
  /** What the band bounds, coins. Default: the net delta `bookDelta + hedgeDelta`. */
  readonly deviation?: (inputs: PolicyInputs, row: number, params: P) => number | undefined
}

/**
 * A no-trade band as a predicate: whether the decision's inputs are inside it. The generated inputs are used as
 * they are (nothing is moved into the band), so the generator must produce such inputs often enough.
 *
 * @since 0.1.0
 * @category options
 */
export interface BandPredicate<P> {
  readonly inside: (inputs: PolicyInputs, row: number, params: P) => boolean
}

/**
 * Ranges of the generated decisions (see {@link policyContexts}); units in the names' comments.
 *
 * @since 0.1.0
 * @category options
 */
export interface PolicyContextDomain {
  /** Index, USD per coin. Default [20 000, 150 000]. */
  readonly spot?: Range
  /** The book's reference vol, decimal per √year. Default [0.2, 1.5]. */
  readonly vol?: Range
  /** Years to the book's reference expiry. Default [1/365, 0.5]. */
  readonly tau?: Range
  /** Continuously compounded rate, decimal. Default [0, 0.05]. */
  readonly rate?: Range
  /** The book's delta, coins. Default [−20, 20]. */
  readonly bookDelta?: Range
  /** The net delta, book + hedge, coins (the hedge is derived from it). Default [−3, 3]. */
  readonly netDelta?: Range
  /** The book's gamma, coins per USD. Default [−2e-3, 2e-3]. */
  readonly bookGamma?: Range
  /** The book's vega, USD per 1.00 of vol. Default [−1e5, 1e5]. */
  readonly bookVega?: Range
  /** One-way proportional cost of the primary hedge, decimal of notional. Default [0, 0.003]. */
  readonly cost?: Range
  /** How the book's delta moves with the vol scale, coins per 1.00 of scale: deltaAtVolScale(s) = delta + slope·(s − 1). Default [−5, 5]. */
  readonly volDeltaSlope?: Range
  /** Delta of one unit of the primary hedge, coins; `"inverse"` (default): 1/spot, a USD-contract inverse perpetual. */
  readonly unitDelta?: number | "inverse"
  /** Primary hedge lot, instrument units. Default 10 (BTC-PERPETUAL: 10 USD). */
  readonly lot?: number
  /** Smallest primary order, instrument units. Default: the lot. */
  readonly minimum?: number
  /** Option legs per decision. Default: as many as the policy trades. */
  readonly legs?: number
  /** Option leg lot, contracts. Default 0.1. */
  readonly legLot?: number
  /** Smallest option order, contracts. Default: the leg lot. */
  readonly legMinimum?: number
  /** Whether some decisions have a leg settling within a day (with part of the book's delta expiring). Default true. */
  readonly settlements?: boolean
}

/**
 * Options of {@link checkRebalancePolicy} and {@link describeRebalancePolicy}.
 *
 * @since 0.1.0
 * @category options
 */
export interface RebalancePolicyOptions<P> {
  /** The parameters given to `RebalancePolicy.configure`: fixed or an arbitrary. Required for a policy; ignored for a configured `Rebalancer`. */
  readonly params?: P | fc.Arbitrary<P>
  /**
   * The decisions: an arbitrary of `PolicyContext`, or a function of the configured policy returning one.
   * Default: {@link policyContexts} over `domain`, with the policy's number of legs.
   */
  readonly contexts?: fc.Arbitrary<PolicyContext> | ((policy: Rebalancer) => fc.Arbitrary<PolicyContext>)
  /** Ranges for the default generator. */
  readonly domain?: PolicyContextDomain
  /** The primary hedge's lot and minimum order, instrument units: set on every decision (overriding the generator's). */
  readonly lot?: number
  readonly minimum?: number
  /** The policy's no-trade band, for `noTradeInsideBand` (which is skipped without one). */
  readonly band?: Band<P> | BandPredicate<P>
  /**
   * The exposure the primary hedge's trade must reduce, coins, before the trade; `undefined` to leave the
   * decision unchecked. Default: bookDelta + hedgeDelta + Σ legs (position + order)·delta + order·cashDelta. A
   * policy that hedges toward a target other than delta-neutral (an adjusted-vol delta) gives the distance from
   * its target here.
   */
  readonly exposure?: (inputs: PolicyInputs, row: number, params: P, out: PolicyOutputs) => number | undefined
  /** Most decisions per scenario (one path, in time order, state carried). Default 3. */
  readonly steps?: number
  /** Properties not to run, each with the reason. */
  readonly skip?: Partial<Record<PolicyProperty, string>>
  readonly only?: ReadonlyArray<PolicyProperty>
  /** Cases per property. Default 100. */
  readonly numRuns?: number
  readonly runs?: Partial<Record<PolicyProperty, number>>
  readonly seed?: number
  readonly path?: string
  /**
   * Wall-clock budget of each property, ms (default 20 000): past it fast-check stops generating (the property
   * passes on the cases run) or shrinking (the counterexample is the smallest found so far, and says so).
   */
  readonly timeLimit?: number
  /** `describeRebalancePolicy` only: each test's timeout, ms. */
  readonly timeout?: number
  /** `describeRebalancePolicy` only: words added to the block's title. */
  readonly label?: string
}

// ---------------------------------------------------------------------------------------------------------------
// Generated decisions

const T0 = Date.UTC(2026, 0, 5)
const MINUTE = 60_000

/**
 * The book's delta at the book's vol scaled by `scale`, linear in the scale: `delta + slope·(scale − 1)` coins
 * (so that at scale 1 it is the book's delta exactly), labelled for failure messages.
 *
 * @since 0.1.0
 * @category generators
 */
export const volScaledDelta = (delta: number, slope: number): ((scale: number) => number) =>
  label((scale: number) => delta + slope * (scale - 1), `${exact(delta)} + ${exact(slope)}·(scale − 1) coins`)

/** `i × step` snapped to the decimal grid (3 × 0.1 → 0.3). */
const onGrid = (i: number, step: number): number => Math.round(i * step * 1e12) / 1e12

/**
 * Plausible decisions of a crypto options desk: an index and the book's Greeks, a hedge that leaves a net delta
 * of a few coins, a primary hedge instrument (a USD-contract inverse perpetual by default), option legs with
 * per-contract Greeks, premiums and costs when asked for, and now and then a leg settling within a day.
 *
 * @since 0.1.0
 * @category generators
 */
export const policyContexts = (domain: PolicyContextDomain = {}): fc.Arbitrary<PolicyContext> => {
  const lot = domain.lot ?? 10
  const minimum = domain.minimum ?? lot
  const legLot = domain.legLot ?? 0.1
  const legMinimum = domain.legMinimum ?? legLot
  const n = (r: Range | undefined, fallback: Range) => numberIn(r ?? fallback)
  const leg = (k: number) =>
    fc
      .record({
        delta: numberIn({ min: -1, max: 1 }),
        gamma: numberIn({ min: 1e-6, max: 1e-4 }),
        vega: numberIn({ min: 10, max: 10_000 }),
        cashDelta: numberIn({ min: -0.2, max: 0 }),
        cost: numberIn({ min: 0, max: 30 }),
        lots: fc.integer({ min: -1000, max: 1000 })
      })
      .map(({ lots, ...g }) => ({ symbol: `OPTION-${k + 1}`, ...g, position: onGrid(lots, legLot), lot: legLot, minimum: legMinimum }))
  const settlement = domain.settlements === false
    ? fc.constant(null)
    : fc.option(fc.record({ inMinutes: fc.integer({ min: 1, max: 1440 }), fraction: numberIn({ min: 0, max: 1 }) }), { freq: 3 })
  return fc
    .record({
      minutes: fc.integer({ min: 0, max: 7 * 1440 }),
      spot: n(domain.spot, { min: 20_000, max: 150_000 }),
      vol: n(domain.vol, { min: 0.2, max: 1.5 }),
      tau: n(domain.tau, { min: 1 / 365, max: 0.5 }),
      rate: n(domain.rate, { min: 0, max: 0.05 }),
      delta: n(domain.bookDelta, { min: -20, max: 20 }),
      net: n(domain.netDelta, { min: -3, max: 3 }),
      gamma: n(domain.bookGamma, { min: -2e-3, max: 2e-3 }),
      vega: n(domain.bookVega, { min: -1e5, max: 1e5 }),
      cost: n(domain.cost, { min: 0, max: 0.003 }),
      slope: n(domain.volDeltaSlope, { min: -5, max: 5 }),
      settlement,
      legs: fc.tuple(...Array.from({ length: domain.legs ?? 0 }, (_, k) => leg(k)))
    })
    .map((g): PolicyContext => {
      const timeMs = T0 + g.minutes * MINUTE
      return {
        timeMs,
        spot: g.spot,
        vol: g.vol,
        tau: g.tau,
        rate: g.rate,
        book: {
          delta: g.delta,
          gamma: g.gamma,
          vega: g.vega,
          ...(g.settlement !== null ? { expiringDelta: g.delta * g.settlement.fraction, settlementMs: timeMs + g.settlement.inMinutes * MINUTE } : {})
        },
        hedge: {
          symbol: "HEDGE",
          delta: g.net - g.delta,
          unitDelta: domain.unitDelta === undefined || domain.unitDelta === "inverse" ? 1 / g.spot : domain.unitDelta,
          cost: g.cost,
          lot,
          minimum
        },
        ...(g.legs.length > 0 ? { legs: g.legs } : {}),
        deltaAtVolScale: volScaledDelta(g.delta, g.slope)
      }
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios

interface Scenario<P> {
  readonly params: P
  readonly steps: ReadonlyArray<PolicyContext>
  /** Where each decision's deviation is put inside the band, as a fraction of the half-width. */
  readonly placement: ReadonlyArray<number>
}

interface Setup<P> {
  readonly name: string
  readonly make: (params: P) => Rebalancer
  readonly configurable: boolean
  readonly scenario: fc.Arbitrary<Scenario<P>>
  readonly options: RebalancePolicyOptions<P>
}

const isPolicy = <P>(p: RebalancePolicy.RebalancePolicy<P> | Rebalancer): p is RebalancePolicy.RebalancePolicy<P> =>
  typeof (p as { make?: unknown }).make === "function"

const setupOf = <P>(policy: RebalancePolicy.RebalancePolicy<P> | Rebalancer, options: RebalancePolicyOptions<P>): Setup<P> => {
  const configurable = isPolicy(policy)
  if (configurable && options.params === undefined) throw new TypeError(`${policy.name}: the suite needs params (fixed or an arbitrary) to configure the policy`)
  const make = (params: P): Rebalancer => {
    if (!configurable) return policy
    try {
      return RebalancePolicy.configure(policy, params)
    } catch (error) {
      throw new Violation(`configure rejected the params ${value(params)}: ${thrown(error)} (fix the params given to the suite)`)
    }
  }
  const legsOf = (params: P): number => {
    try {
      return make(params).legs
    } catch {
      return 0
    }
  }
  const contextsFor = (params: P): fc.Arbitrary<PolicyContext> => {
    const c = options.contexts
    if (c === undefined) return policyContexts({ ...options.domain, legs: options.domain?.legs ?? legsOf(params) })
    if (isArbitrary(c)) return c as fc.Arbitrary<PolicyContext>
    return (c as (policy: Rebalancer) => fc.Arbitrary<PolicyContext>)(make(params))
  }
  const most = Math.max(1, options.steps ?? 3)
  const params = configurable ? arbitraryOf(options.params as P | fc.Arbitrary<P>) : fc.constant(undefined as P)
  const scenario = params.chain((p) =>
    fc.record({
      params: fc.constant(p),
      steps: fc.array(fc.tuple(contextsFor(p), fc.integer({ min: 0, max: 1440 })), { minLength: 1, maxLength: most }),
      placement: fc.array(numberIn({ min: -0.999, max: 0.999 }), { minLength: most, maxLength: most })
    }).map(({ params: q, placement, steps }) => {
      // one path in time order: each decision a generated gap (minutes) after the previous one
      let t = steps[0]![0].timeMs
      const timed = steps.map(([ctx, gap], i) => {
        if (i > 0) t += gap * MINUTE
        return withPrimary({ ...ctx, timeMs: t }, options)
      })
      return { params: q, steps: timed, placement }
    })
  )
  return { name: policy.name, make, configurable, scenario, options }
}

const withPrimary = <P>(ctx: PolicyContext, options: RebalancePolicyOptions<P>): PolicyContext =>
  options.lot === undefined && options.minimum === undefined
    ? ctx
    : { ...ctx, hedge: { ...ctx.hedge, ...(options.lot !== undefined ? { lot: options.lot } : {}), ...(options.minimum !== undefined ? { minimum: options.minimum } : {}) } }

interface Step {
  readonly context: PolicyContext
  readonly inputs: PolicyInputs
  readonly out: PolicyOutputs
  readonly state: Float64Array
}

/** Decides the scenario's steps in order from a fresh state, through the SDK's runner. */
const decideAll = (policy: Rebalancer, steps: ReadonlyArray<PolicyContext>): Array<Step> => {
  const state = RebalancePolicy.makeState(policy, 1)
  return steps.map((context, i) => {
    const inputs = RebalancePolicy.inputsOf(context)
    const out = RebalancePolicy.makeOutputs(1, Math.max(policy.legs, inputs.legs.length))
    try {
      RebalancePolicy.evaluate(policy, inputs, state, out)
    } catch (error) {
      throw new Violation(`evaluate threw ${thrown(error)} at decision ${i + 1}`)
    }
    return { context, inputs, out, state: state.slice() }
  })
}

const ACTIONS = ["hold", "trade", "halt", "error"]

const orders = (policy: Rebalancer, step: Step): string => {
  const { inputs, out } = step
  const parts: Array<string> = []
  const q = out.quantity[0]!
  if (q !== 0) parts.push(`${q > 0 ? "buy" : "sell"} ${exact(Math.abs(q))} units of ${step.context.hedge.symbol} (${short(q * inputs.unitDelta[0]!)} coins of delta)`)
  for (let k = 0; k < policy.legs; k++) {
    const x = out.legTrade[k]?.[0] ?? 0
    if (x !== 0) parts.push(`${x > 0 ? "buy" : "sell"} ${exact(Math.abs(x))} contracts of ${inputs.legs[k]?.symbol ?? `leg ${k}`}`)
  }
  return parts.length === 0 ? "no order" : parts.join(", ")
}

const said = (policy: Rebalancer, step: Step): string =>
  `${ACTIONS[step.out.action[0]!] ?? step.out.action[0]} (${orders(policy, step)}; reason: "${RebalancePolicy.reasonText(policy, step.out, 0)}")`

const CONTEXT_UNITS = { spot: "USD per coin", forward: "USD per coin", vol: "decimal per √year", tau: "years", rate: "decimal" } as const
const BOOK_UNITS = { delta: "coins", gamma: "coins per USD", vega: "per 1.00 vol", expiringDelta: "coins" } as const
const HEDGE_UNITS = { delta: "coins", unitDelta: "coins per unit", cost: "decimal of notional", lot: "units", minimum: "units" } as const
const LEG_UNITS = { delta: "coins per contract", gamma: "coins per USD per contract", vega: "per 1.00 vol per contract", cashDelta: "coins per contract", position: "contracts", lot: "contracts", minimum: "contracts" } as const

const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : exact(ms))

const showContext = (c: PolicyContext): string => {
  const { book, deltaAtVolScale, hedge, legs, timeMs, ...rest } = c
  const { settlementMs, ...bookRest } = book
  const parts = [
    `time: ${iso(timeMs)}`,
    withUnits(rest as Record<string, unknown>, CONTEXT_UNITS).slice(1, -1),
    `book: ${withUnits(bookRest, BOOK_UNITS).slice(0, -1)}${settlementMs !== undefined ? `, settles: ${iso(settlementMs)}` : ""}}`,
    `hedge: ${withUnits(hedge, HEDGE_UNITS)}`
  ]
  if (legs !== undefined && legs.length > 0) parts.push(`legs: [${legs.map((l) => withUnits(l as unknown as Record<string, unknown>, LEG_UNITS)).join(", ")}]`)
  if (deltaAtVolScale !== undefined) parts.push(`deltaAtVolScale: ${value(deltaAtVolScale)}`)
  return `{${parts.join(", ")}}`
}

const showSteps = (params: unknown, configurable: boolean, steps: ReadonlyArray<PolicyContext>): string =>
  `${configurable ? `params ${value(params)}, ` : ""}decisions [${steps.map((c, i) => `${i + 1}: ${showContext(c)}`).join("; ")}]`

// ---------------------------------------------------------------------------------------------------------------
// Properties

interface Spec<P> {
  readonly check: (s: Scenario<P>) => boolean
  readonly show: (s: Scenario<P>) => string
  readonly needs: string
}

const COLUMNS = ["action", "deltaTrade", "quantity", "residual", "urgency", "reason", "measure", "limit", "nextMs"] as const

const determinism = <P>(s: Setup<P>): Spec<P> => ({
  show: (c) => showSteps(c.params, s.configurable, c.steps),
  needs: "any scenario",
  check: (c) => {
    const policy = s.make(c.params)
    const first = decideAll(policy, c.steps)
    const runs: Array<[string, Array<Step>]> = [["the same policy again", decideAll(policy, c.steps)]]
    if (s.configurable) runs.push(["a newly configured policy", decideAll(s.make(c.params), c.steps)])
    for (const [which, again] of runs) {
      first.forEach((a, i) => {
        const b = again[i]!
        const differ = (what: string, x: number, y: number) => {
          if (!Object.is(x, y)) {
            throw new Violation(`decision ${i + 1}: ${what} was ${exact(x)} in the first run and ${exact(y)} with ${which} (same inputs, fresh state)`)
          }
        }
        for (const col of COLUMNS) differ(col, a.out[col][0]!, b.out[col][0]!)
        a.out.legTrade.forEach((column, k) => differ(`legTrade[${k}]`, column[0]!, b.out.legTrade[k]![0]!))
        a.state.forEach((x, k) => differ(`state[${k}]`, x, b.state[k]!))
      })
    }
    return true
  }
})

const netDelta = (inputs: PolicyInputs, row: number): number => inputs.bookDelta[row]! + inputs.hedgeDelta[row]!

/** The scenario with each decision's hedge moved so that the band's deviation sits at placement × half-width. */
const placed = <P>(s: Setup<P>, band: Band<P>, c: Scenario<P>): Array<PolicyContext> =>
  c.steps.map((ctx, i) => {
    const inputs = RebalancePolicy.inputsOf(ctx)
    const h = band.halfWidth(inputs, 0, c.params)
    const d = band.deviation !== undefined ? band.deviation(inputs, 0, c.params) : netDelta(inputs, 0)
    if (!(h !== undefined && h > 0 && h < Infinity && d !== undefined && Number.isFinite(d))) return ctx
    return withPrimary({ ...ctx, hedge: { ...ctx.hedge, delta: ctx.hedge.delta - d + c.placement[i]! * h } }, s.options)
  })

const noTradeInsideBand = <P>(s: Setup<P>): Spec<P> => {
  const band = s.options.band!
  const steps = (c: Scenario<P>) => ("inside" in band ? c.steps : placed(s, band, c))
  return {
    show: (c) => showSteps(c.params, s.configurable, steps(c)),
    needs: "decisions inside the band (a half-width > 0)",
    check: (c) => {
      const policy = s.make(c.params)
      let applied = false
      decideAll(policy, steps(c)).forEach((step, i) => {
        let inside: boolean
        let where: string
        if ("inside" in band) {
          inside = band.inside(step.inputs, 0, c.params)
          where = "the band predicate says the decision is inside the band"
        } else {
          const h = band.halfWidth(step.inputs, 0, c.params)
          const d = band.deviation !== undefined ? band.deviation(step.inputs, 0, c.params) : netDelta(step.inputs, 0)
          inside = h !== undefined && d !== undefined && h > 0 && Math.abs(d) < h * (1 - 1e-9)
          where = `the deviation ${short(d ?? NaN)} coins is inside the band ±${short(h ?? NaN)} coins`
        }
        if (!inside) return
        applied = true
        if (step.out.action[0] === RebalancePolicy.TRADE) throw new Violation(`decision ${i + 1}: ${where}, yet the policy said ${said(policy, step)}`)
      })
      return applied
    }
  }
}

const offGrid = (q: number, lot: number): boolean => {
  const lots = q / lot
  return !(Math.abs(lots - Math.round(lots)) <= 1e-9 * Math.max(1, Math.abs(lots)))
}

const lotRounding = <P>(s: Setup<P>): Spec<P> => ({
  show: (c) => showSteps(c.params, s.configurable, c.steps),
  needs: "any scenario",
  check: (c) => {
    const policy = s.make(c.params)
    decideAll(policy, c.steps).forEach((step, i) => {
      const { inputs, out } = step
      const trades = out.action[0] === RebalancePolicy.TRADE
      const check = (what: string, q: number, lot: number, minimum: number, unit: string) => {
        if (!Number.isFinite(q)) throw new Violation(`decision ${i + 1}: ${what} order is ${exact(q)}`)
        if (q === 0) return
        if (!trades) throw new Violation(`decision ${i + 1}: the policy said ${said(policy, step)} but ${what} carries an order of ${exact(q)} ${unit}`)
        if (offGrid(q, lot)) {
          throw new Violation(`decision ${i + 1}: ${what} order ${exact(q)} ${unit} is ${short(q / lot)} lots of ${exact(lot)}, not a whole number (1e-9 relative)`)
        }
        if (Math.abs(q) < minimum * (1 - 1e-12)) throw new Violation(`decision ${i + 1}: ${what} order ${exact(q)} ${unit} is below the minimum ${exact(minimum)}`)
      }
      check("the primary hedge", out.quantity[0]!, inputs.lot, inputs.minimum, "units")
      for (let k = 0; k < policy.legs; k++) {
        const leg = inputs.legs[k]!
        check(`option leg ${k} (${leg.symbol})`, out.legTrade[k]![0]!, leg.lot, leg.minimum, "contracts")
      }
    })
    return true
  }
})

/** Everything's delta but the primary hedge's trade: book + hedge + the legs after their orders (and cash paid). */
const defaultExposure = (policy: Rebalancer, inputs: PolicyInputs, row: number, out: PolicyOutputs): number => {
  let e = netDelta(inputs, row)
  for (let k = 0; k < policy.legs; k++) {
    const leg = inputs.legs[k]!
    const q = out.legTrade[k]![row]!
    e += (leg.position[row]! + q) * leg.delta[row]! + q * leg.cashDelta[row]!
  }
  return e
}

const tradeSign = <P>(s: Setup<P>): Spec<P> => ({
  show: (c) => showSteps(c.params, s.configurable, c.steps),
  needs: "decisions that send a primary hedge order",
  check: (c) => {
    const policy = s.make(c.params)
    let applied = false
    decideAll(policy, c.steps).forEach((step, i) => {
      const { inputs, out } = step
      const q = out.quantity[0]!
      if (out.action[0] !== RebalancePolicy.TRADE || q === 0) return
      const e = s.options.exposure !== undefined ? s.options.exposure(inputs, 0, c.params, out) : defaultExposure(policy, inputs, 0, out)
      if (e === undefined || !Number.isFinite(e)) return
      applied = true
      const traded = q * inputs.unitDelta[0]!
      if (e === 0 || Math.sign(traded) === Math.sign(e)) {
        throw new Violation(
          `decision ${i + 1}: the order adds ${short(traded)} coins of delta to an exposure of ${short(e)} coins (${
            s.options.exposure !== undefined ? "the suite's exposure" : "book + hedge + legs"
          }): it should have the opposite sign; the policy said ${said(policy, step)}`
        )
      }
    })
    return applied
  }
})

const flat = <P>(c: Scenario<P>, s: Setup<P>): Array<PolicyContext> =>
  c.steps.map((ctx) => {
    const { legs, ...rest } = ctx
    return withPrimary({
      ...rest,
      book: { ...ctx.book, delta: 0, gamma: 0, vega: 0, expiringDelta: 0 },
      hedge: { ...ctx.hedge, delta: 0 },
      ...(legs !== undefined ? { legs: legs.map((l) => ({ ...l, position: 0 })) } : {}),
      deltaAtVolScale: label((_scale: number) => 0, "0 coins")
    }, s.options)
  })

const flatBookHolds = <P>(s: Setup<P>): Spec<P> => ({
  show: (c) => showSteps(c.params, s.configurable, flat(c, s)),
  needs: "any scenario",
  check: (c) => {
    const policy = s.make(c.params)
    decideAll(policy, flat(c, s)).forEach((step, i) => {
      if (step.out.action[0] === RebalancePolicy.TRADE) {
        throw new Violation(`decision ${i + 1}: the book is flat (delta, gamma, vega 0; no hedge, no leg positions), yet the policy said ${said(policy, step)}`)
      }
    })
    return true
  }
})

const SPECS: Record<PolicyProperty, <P>(s: Setup<P>) => Spec<P>> = { determinism, noTradeInsideBand, lotRounding, tradeSign, flatBookHolds }

// ---------------------------------------------------------------------------------------------------------------
// Running

const inapplicable = <P>(id: PolicyProperty, options: RebalancePolicyOptions<P>): string | undefined => {
  const skipped = options.skip?.[id]
  if (skipped !== undefined) return `skipped: ${skipped}`
  if (options.only !== undefined && !options.only.includes(id)) return "not selected (only)"
  if (id === "noTradeInsideBand" && options.band === undefined) return "not applicable: no band given"
  return undefined
}

const runOne = <P>(s: Setup<P>, id: PolicyProperty): ConformanceFailure | undefined => {
  const meta = policyProperties.find((p) => p.id === id)!
  const spec = SPECS[id](s)
  return runProperty({
    subject: s.name,
    property: id,
    title: meta.title,
    arbitrary: s.scenario,
    check: spec.check,
    show: spec.show,
    needs: spec.needs,
    numRuns: s.options.runs?.[id] ?? s.options.numRuns ?? 100,
    seed: s.options.seed,
    path: s.options.path,
    timeLimit: s.options.timeLimit ?? 20_000
  })
}

/**
 * Runs every applicable property of a rebalance policy (a `RebalancePolicy` to configure with `params`, or an
 * already configured `Rebalancer` such as a composition) and returns the failures, empty when it conforms.
 *
 * @example
 * const failures = checkRebalancePolicy(myPolicy, { params: { halfWidthCoins: 0.5 }, band: { halfWidth: (_i, _r, p) => p.halfWidthCoins } })
 * @since 0.1.0
 * @category checks
 */
export const checkRebalancePolicy = <P>(
  policy: RebalancePolicy.RebalancePolicy<P> | Rebalancer,
  options: RebalancePolicyOptions<P>
): Array<ConformanceFailure> => {
  const setup = setupOf(policy, options)
  const failures: Array<ConformanceFailure> = []
  for (const { id } of policyProperties) {
    if (inapplicable(id, options) !== undefined) continue
    const failure = runOne(setup, id)
    if (failure !== undefined) failures.push(failure)
  }
  return failures
}

/**
 * Registers the conformance suite of a rebalance policy with vitest: `describe(policy.name)` with one test per
 * property (skipped ones shown as skipped, with the reason). A failing test throws a {@link ConformanceError}.
 *
 * @example
 * describeRebalancePolicy(myPolicy, { params: { halfWidthCoins: 0.5 }, lot: 10, minimum: 10 })
 * @since 0.1.0
 * @category suites
 */
export const describeRebalancePolicy = <P>(policy: RebalancePolicy.RebalancePolicy<P> | Rebalancer, options: RebalancePolicyOptions<P>): void => {
  describe(`${policy.name}${options.label !== undefined ? ` (${options.label})` : ""} conforms to the RebalancePolicy contract`, () => {
    const setup = setupOf(policy, options)
    for (const { id, title } of policyProperties) {
      if (options.only !== undefined && !options.only.includes(id)) continue
      const why = inapplicable(id, options)
      if (why !== undefined) {
        it.skip(`${title} (${why})`, () => {})
        continue
      }
      it(title, () => {
        const failure = runOne(setup, id)
        if (failure !== undefined) throw new ConformanceError(failure)
      }, options.timeout)
    }
  })
}

