/**
 * The rebalance-policy contract: a deterministic rule that looks at the market, the book's Greeks and the
 * current hedge, and says whether to trade, how much, and why.
 *
 * Policies work in delta space. Every delta is in coins of the underlying under the desk's accounting target
 * (USD-neutral or coin-neutral, see `@hedgekit/greeks`' `Portfolio`), so a policy never needs to know whether it
 * hedges with an inverse perpetual (USD contracts), a linear one (coins) or a dated future: the caller states how
 * much delta one unit of the hedge instrument carries (`unitDelta`) and the runner turns the policy's delta into
 * whole lots of the instrument. What rounds away is reported as `residual` and, being still in the book's delta,
 * is seen again at the next decision — nothing vanishes.
 *
 * One kernel serves the backtest and the live loop: {@link RebalancePolicy.decide} reads row `row` of
 * struct-of-arrays {@link PolicyInputs} and writes row `row` of caller-owned {@link PolicyOutputs}. {@link evaluate}
 * runs it over thousands of paths without allocating; {@link decideOne} wraps one row for a desk's "what would it
 * do now" and returns a readable {@link Decision}. A policy keeps its own state (last hedge time, last spot, …)
 * in `stateSize` numbers of a caller-owned `Float64Array`, so equal inputs and equal state always give equal
 * decisions.
 *
 * State changes in two steps: `decide` is pure and proposes, `commit` records what was finally done (after
 * composition and lot rounding), so a rule combined with another only remembers trades that happened.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { InvalidInput } from "./Errors.js"

/**
 * Listed options a policy may trade besides the primary hedge (delta-gamma and delta-gamma-vega hedging), as
 * columns with one row per path. Greeks are per contract, in the accounting of the book.
 *
 * @since 0.1.0
 * @category inputs
 */
export interface OptionLegColumns {
  readonly symbol: string
  /** Coins of delta per contract held (accounting-adjusted: coin accounting subtracts the premium). */
  readonly delta: Float64Array
  /** ∂delta/∂S per contract, coins per 1 USD of index. */
  readonly gamma: Float64Array
  /** Value change per contract for +1.00 of vol, accounting currency. */
  readonly vega: Float64Array
  /** Change of the book's delta (coins) from paying for one contract bought: premium and fee leaving the cash. */
  readonly cashDelta: Float64Array
  /** One-way cost of trading one contract (fee + half-spread), accounting currency. */
  readonly cost: Float64Array
  /** Contracts held now (signed). */
  readonly position: Float64Array
  /** Contracts per lot (Deribit BTC options: 0.1). */
  readonly lot: number
  /** Smallest order, contracts. */
  readonly minimum: number
}

/**
 * What a policy sees, one row per path (or a single row for a live decision). `book*` columns are the
 * exposure to hedge: every position except the primary hedge and the option legs the policy trades.
 *
 * @since 0.1.0
 * @category inputs
 */
export interface PolicyInputs {
  readonly length: number
  /** UTC epoch milliseconds. */
  readonly timeMs: Float64Array
  /** Index (spot) price, USD per coin. */
  readonly spot: Float64Array
  /** Forward to the book's reference expiry, USD per coin (the spot when the book has no expiry). */
  readonly forward: Float64Array
  /** The book's reference volatility (decimal per √year), e.g. the gamma-weighted implied vol. */
  readonly vol: Float64Array
  /** Years to the book's reference expiry (ACT/365). */
  readonly tau: Float64Array
  /** Continuously compounded rate (decimal). */
  readonly rate: Float64Array
  /** The book's delta, coins. */
  readonly bookDelta: Float64Array
  /** The book's gamma, coins per 1 USD of index. */
  readonly bookGamma: Float64Array
  /** The book's vega, accounting currency per 1.00 of vol. */
  readonly bookVega: Float64Array
  /** The part of `bookDelta` from legs that settle at `settlementMs` (0 when none). */
  readonly expiringDelta: Float64Array
  /** Next settlement of a leg of the book (epoch ms), NaN when none is near. */
  readonly settlementMs: Float64Array
  /** Delta carried by the primary hedge now, coins. */
  readonly hedgeDelta: Float64Array
  /** Delta of one unit of the primary hedge instrument, coins (inverse perpetual: 1/price per USD contract). */
  readonly unitDelta: Float64Array
  /** One-way proportional cost κ of trading the primary hedge (fee + half-spread + impact, fraction of notional). */
  readonly cost: Float64Array
  /** Primary hedge lot, in the instrument's units (BTC-PERPETUAL: 10 USD). */
  readonly lot: number
  /** Smallest order of the primary hedge, instrument units. */
  readonly minimum: number
  readonly legs: ReadonlyArray<OptionLegColumns>
  /**
   * The book's delta (coins) with every option's vol multiplied by `scale`, for policies that hedge at an adjusted
   * vol (Leland, Zakamouline). Absent when the caller cannot revalue the book.
   */
  readonly deltaAtVolScale?: (row: number, scale: number) => number
}

/** Hold: no order. @since 0.1.0 @category outputs */
export const HOLD = 0
/** Trade: orders in `quantity` / `legTrade`. @since 0.1.0 @category outputs */
export const TRADE = 1
/** Halted by a kill switch: no order until reset. @since 0.1.0 @category outputs */
export const HALT = 2
/** The row could not be decided (its `reason` says why). @since 0.1.0 @category outputs */
export const ERROR = 3

/** Trade now, taking liquidity. @since 0.1.0 @category outputs */
export const AGGRESSIVE = 1
/** Trade without crossing the spread. @since 0.1.0 @category outputs */
export const PASSIVE = 0

/**
 * Caller-owned outputs, one row per path. A policy writes `action`, `deltaTrade`, `legTrade`, `urgency`,
 * `reason`, `measure`, `limit` and `nextMs`; the runner then writes `quantity` and `residual`.
 *
 * @since 0.1.0
 * @category outputs
 */
export interface PolicyOutputs {
  /** {@link HOLD}, {@link TRADE}, {@link HALT} or {@link ERROR}. */
  readonly action: Uint8Array
  /** Delta the primary hedge should add, coins (policy's wish, before rounding). */
  readonly deltaTrade: Float64Array
  /** Order of the primary hedge in the instrument's units, whole lots, signed (buy > 0). */
  readonly quantity: Float64Array
  /** Delta wished for but not sendable after rounding, coins: it stays in the book's delta. */
  readonly residual: Float64Array
  /** Orders of the option legs, contracts in whole lots, signed. */
  readonly legTrade: ReadonlyArray<Float64Array>
  /** {@link AGGRESSIVE} or {@link PASSIVE}. */
  readonly urgency: Uint8Array
  /** Index into the policy's `reasons`. */
  readonly reason: Uint16Array
  /** The quantity the reason reports (e.g. |net delta|), in the reason's unit. */
  readonly measure: Float64Array
  /** The bound it was compared with (e.g. the band half-width). */
  readonly limit: Float64Array
  /** When the policy next wants to be asked, epoch ms; NaN for "at the next market event". */
  readonly nextMs: Float64Array
}

/**
 * A rebalance policy with its parameters decided: what {@link evaluate}, {@link decideOne} and the combinators
 * take. Made by {@link configure} (or by a combinator).
 *
 * @since 0.1.0
 * @category models
 */
export interface Rebalancer {
  readonly name: string
  /** Reason templates; `{measure}` and `{limit}` are replaced by the row's numbers. */
  readonly reasons: ReadonlyArray<string>
  /** Numbers of state per path. */
  readonly stateSize: number
  /** Option legs the policy trades (its inputs must have at least that many). */
  readonly legs: number
  /** Whether it needs `inputs.deltaAtVolScale`. */
  readonly needsVolScale: boolean
  /** Writes the initial state at `state[s … s + stateSize)`. */
  readonly init: (state: Float64Array, s: number) => void
  readonly decide: (inputs: PolicyInputs, row: number, state: Float64Array, s: number, out: PolicyOutputs) => void
  /** Records the final outcome of the row (read from `out`) into the state. */
  readonly commit: (inputs: PolicyInputs, row: number, state: Float64Array, s: number, out: PolicyOutputs) => void
}

/**
 * A parameter as listed by `hedgekit policies`: its name, unit and meaning.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParamDoc {
  readonly name: string
  readonly unit: string
  readonly description: string
  readonly default?: unknown
}

/**
 * The policy contract: what a built-in or a plugin declares. `make` receives decoded parameters and returns the
 * kernel ({@link Rebalancer} without its name, which comes from here).
 *
 * @since 0.1.0
 * @category models
 */
export interface RebalancePolicy<P> {
  /** A stable identifier, e.g. `"whalley-wilmott"` or `"@acme/hedgekit-policy"`. */
  readonly name: string
  readonly version: string
  readonly description: string
  /** Decodes and checks the parameters (from a config file, flags or code). */
  readonly params: Schema.Decoder<P>
  readonly paramDocs: ReadonlyArray<ParamDoc>
  readonly make: (params: P) => Omit<Rebalancer, "name">
}

/**
 * Declares a rebalance policy (an identity function that ties `make` to the `params` Schema).
 *
 * @since 0.1.0
 * @category constructors
 */
export const defineRebalancePolicy = <P>(policy: RebalancePolicy<P>): RebalancePolicy<P> => policy

/**
 * Decodes `params` with the policy's Schema and builds its kernel. Throws `InvalidInput` naming the policy and
 * what the Schema rejected.
 *
 * @since 0.1.0
 * @category constructors
 */
export const configure = <P>(policy: RebalancePolicy<P>, params: unknown): Rebalancer => {
  let decoded: P
  try {
    decoded = Schema.decodeUnknownSync(policy.params)(params)
  } catch (error) {
    throw new InvalidInput({
      field: `${policy.name}.params`,
      value: params,
      expected: error instanceof Error ? error.message.replace(/\s+/g, " ") : String(error)
    })
  }
  return { name: policy.name, ...policy.make(decoded) }
}

/**
 * Whole lots of a signed quantity, rounded to the nearest lot (never flipping its sign); 0 below `minimum`.
 *
 * @since 0.1.0
 * @category sizing
 */
export const roundToLot = (quantity: number, lot: number, minimum: number): number => {
  const lots = Math.round(Math.abs(quantity) / lot)
  const q = lots * lot
  // snap 3 × 0.1 = 0.30000000000000004 back onto the decimal grid the venue checks against
  const snapped = Math.round(q * 1e12) / 1e12
  return snapped < minimum || lots === 0 ? 0 : quantity < 0 ? -snapped : snapped
}

const positive = (field: string, x: number, expected: string): void => {
  if (!(x > 0 && x < Infinity)) throw new InvalidInput({ field, value: x, expected })
}

const checkInputs = (policy: Rebalancer, inputs: PolicyInputs): void => {
  const n = inputs.length
  if (!(Number.isInteger(n) && n >= 0)) throw new InvalidInput({ field: "inputs.length", value: n, expected: "a whole number of rows ≥ 0" })
  positive("inputs.lot", inputs.lot, "the primary hedge's lot > 0 (instrument units)")
  if (!(inputs.minimum >= 0 && inputs.minimum < Infinity)) {
    throw new InvalidInput({ field: "inputs.minimum", value: inputs.minimum, expected: "a minimum order ≥ 0 (instrument units)" })
  }
  const columns = ["timeMs", "spot", "forward", "vol", "tau", "rate", "bookDelta", "bookGamma", "bookVega", "expiringDelta", "settlementMs", "hedgeDelta", "unitDelta", "cost"] as const
  for (const c of columns) {
    if (!(inputs[c].length >= n)) throw new InvalidInput({ field: `inputs.${c}`, value: inputs[c].length, expected: `a column of at least ${n} rows` })
  }
  if (inputs.legs.length < policy.legs) {
    throw new InvalidInput({ field: "inputs.legs", value: inputs.legs.map((l) => l.symbol), expected: `${policy.legs} option leg(s) for ${policy.name}` })
  }
  inputs.legs.forEach((leg, k) => {
    positive(`inputs.legs[${k}].lot`, leg.lot, "a lot > 0 (contracts)")
    if (!(leg.minimum >= 0)) throw new InvalidInput({ field: `inputs.legs[${k}].minimum`, value: leg.minimum, expected: "a minimum ≥ 0 (contracts)" })
  })
  if (policy.needsVolScale && inputs.deltaAtVolScale === undefined) {
    throw new InvalidInput({ field: "inputs.deltaAtVolScale", value: undefined, expected: `a revaluation of the book's delta at a scaled vol (${policy.name} hedges at an adjusted vol)` })
  }
}

const checkOutputs = (policy: Rebalancer, n: number, out: PolicyOutputs, state: Float64Array): void => {
  for (const c of ["action", "deltaTrade", "quantity", "residual", "urgency", "reason", "measure", "limit", "nextMs"] as const) {
    if (!(out[c].length >= n)) throw new InvalidInput({ field: `out.${c}`, value: out[c].length, expected: `a column of at least ${n} rows` })
  }
  if (out.legTrade.length < policy.legs || out.legTrade.some((c) => c.length < n)) {
    throw new InvalidInput({ field: "out.legTrade", value: out.legTrade.length, expected: `${policy.legs} column(s) of at least ${n} rows` })
  }
  if (!(state.length >= n * policy.stateSize)) {
    throw new InvalidInput({ field: "state", value: state.length, expected: `at least ${n * policy.stateSize} numbers (${policy.stateSize} per row)` })
  }
}

/**
 * Reason index the runner writes when a wished trade rounds to nothing: the hedge is already as near its target
 * as whole lots allow.
 *
 * @since 0.1.0
 * @category outputs
 */
export const BELOW_MINIMUM = 0xffff

/**
 * Whether row `row` ended with the hedge where the policy wanted it: a trade was sent, or the trade wished for
 * was smaller than one order can carry. Clock-driven policies restart their clock on it in `commit`.
 *
 * @since 0.1.0
 * @category outputs
 */
export const isSatisfied = (out: PolicyOutputs, row: number): boolean =>
  out.action[row] === TRADE || (out.action[row] === HOLD && out.reason[row] === BELOW_MINIMUM)

/**
 * Allocates outputs for `length` rows and `legs` option legs.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeOutputs = (length: number, legs = 0): PolicyOutputs => ({
  action: new Uint8Array(length),
  deltaTrade: new Float64Array(length),
  quantity: new Float64Array(length),
  residual: new Float64Array(length),
  legTrade: Array.from({ length: legs }, () => new Float64Array(length)),
  urgency: new Uint8Array(length),
  reason: new Uint16Array(length),
  measure: new Float64Array(length),
  limit: new Float64Array(length),
  nextMs: new Float64Array(length)
})

/**
 * Fresh state for `length` rows.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeState = (policy: Rebalancer, length: number): Float64Array => {
  const state = new Float64Array(length * policy.stateSize)
  for (let i = 0; i < length; i++) policy.init(state, i * policy.stateSize)
  return state
}

/**
 * Decides every row — or rows [`from`, `to`) of the columns, for a caller that goes through its rows in blocks
 * that stay in cache: the policy proposes, the runner rounds the primary hedge to whole lots (what rounds away
 * is `residual`; a trade with nothing left to send becomes a hold), and the policy commits the outcome to its
 * state. Allocates nothing. Throws `InvalidInput` for missing columns or a bad range before touching any row.
 *
 * @since 0.1.0
 * @category running
 */
export const evaluate = (
  policy: Rebalancer,
  inputs: PolicyInputs,
  state: Float64Array,
  out: PolicyOutputs,
  from = 0,
  to: number = inputs.length
): void => {
  checkInputs(policy, inputs)
  const n = inputs.length
  checkOutputs(policy, n, out, state)
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= n)) {
    throw new InvalidInput({ field: "rows", value: { from, to }, expected: `whole rows with 0 ≤ from ≤ to ≤ ${n} (inputs.length)` })
  }
  const legs = policy.legs
  const { lot, minimum, unitDelta } = inputs
  // the columns once, not per row (the policy writes into the same arrays)
  const { action, deltaTrade, legTrade, urgency, nextMs, measure, limit, quantity, residual, reason } = out
  const stateSize = policy.stateSize
  // every row's defaults at once (a fill runs at memset speed; a row's decide writes only its own row)
  action.fill(HOLD, from, to)
  deltaTrade.fill(0, from, to)
  for (let k = 0; k < legs; k++) legTrade[k]!.fill(0, from, to)
  urgency.fill(AGGRESSIVE, from, to)
  nextMs.fill(NaN, from, to)
  measure.fill(NaN, from, to)
  limit.fill(NaN, from, to)
  quantity.fill(0, from, to)
  residual.fill(0, from, to)
  for (let i = from; i < to; i++) {
    const s = i * stateSize
    policy.decide(inputs, i, state, s, out)
    if (action[i] === TRADE) {
      const wish = deltaTrade[i]!
      const unit = unitDelta[i]!
      const q = wish === 0 ? 0 : roundToLot(wish / unit, lot, minimum)
      quantity[i] = q
      residual[i] = wish - q * unit
      let any = q !== 0
      for (let k = 0; k < legs && !any; k++) any = legTrade[k]![i] !== 0
      if (!any) {
        action[i] = HOLD
        reason[i] = BELOW_MINIMUM
        measure[i] = Math.abs(wish)
        limit[i] = Math.abs(unit) * Math.max(minimum, lot / 2)
      }
    }
    policy.commit(inputs, i, state, s, out)
  }
}

/**
 * One listed option available to a live decision (see {@link OptionLegColumns} for units).
 *
 * @since 0.1.0
 * @category inputs
 */
export interface OptionLeg {
  readonly symbol: string
  readonly delta: number
  readonly gamma: number
  readonly vega: number
  readonly cashDelta?: number
  readonly cost?: number
  readonly position: number
  readonly lot: number
  readonly minimum?: number
}

/**
 * One decision's inputs as plain fields (units as in {@link PolicyInputs}).
 *
 * @since 0.1.0
 * @category inputs
 */
export interface PolicyContext {
  readonly timeMs: number
  readonly spot: number
  /** Defaults to `spot`. */
  readonly forward?: number
  readonly vol: number
  readonly tau: number
  readonly rate?: number
  readonly book: {
    readonly delta: number
    readonly gamma: number
    readonly vega?: number
    readonly expiringDelta?: number
    readonly settlementMs?: number
  }
  readonly hedge: {
    readonly symbol: string
    readonly delta: number
    readonly unitDelta: number
    readonly cost: number
    readonly lot: number
    readonly minimum?: number
  }
  readonly legs?: ReadonlyArray<OptionLeg>
  readonly deltaAtVolScale?: (scale: number) => number
}

/**
 * One order of a decision: `quantity` in the instrument's own units (contracts for options and inverse
 * perpetuals in USD contracts' units as the venue counts them — see the hedge's `unitDelta`), always > 0.
 *
 * @since 0.1.0
 * @category outputs
 */
export interface TradeInstruction {
  readonly instrument: string
  readonly side: "buy" | "sell"
  readonly quantity: number
  readonly urgency: "aggressive" | "passive"
  /** Delta the order adds, coins. */
  readonly delta: number
}

/**
 * A readable decision.
 *
 * @since 0.1.0
 * @category outputs
 */
export interface Decision {
  readonly policy: string
  readonly action: "hold" | "trade" | "halt"
  readonly reason: string
  readonly orders: ReadonlyArray<TradeInstruction>
  /** Delta wished for but not sendable after rounding, coins (it stays in the book). */
  readonly residual: number
  /** When the policy next wants to be asked, if it says (ISO-8601 is the caller's business). */
  readonly nextMs?: number
}

const fmt = (x: number): string => {
  if (!Number.isFinite(x)) return String(x)
  const a = Math.abs(x)
  return a !== 0 && (a < 1e-4 || a >= 1e9) ? x.toExponential(4) : String(Number(x.toPrecision(6)))
}

/**
 * The text of row `row`'s reason.
 *
 * @since 0.1.0
 * @category outputs
 */
export const reasonText = (policy: Rebalancer, out: PolicyOutputs, row: number): string => {
  const code = out.reason[row]!
  const template = code === BELOW_MINIMUM
    ? "wanted {measure} coins of delta, below what one order can carry ({limit}): kept as residual"
    : policy.reasons[code] ?? `reason ${code}`
  return template.replaceAll("{measure}", fmt(out.measure[row]!)).replaceAll("{limit}", fmt(out.limit[row]!))
}

const column = (x: number): Float64Array => Float64Array.of(x)

/**
 * Converts a {@link PolicyContext} into one-row columns.
 *
 * @since 0.1.0
 * @category inputs
 */
export const inputsOf = (context: PolicyContext): PolicyInputs => {
  const { book, hedge } = context
  const revalue = context.deltaAtVolScale
  return {
    length: 1,
    timeMs: column(context.timeMs),
    spot: column(context.spot),
    forward: column(context.forward ?? context.spot),
    vol: column(context.vol),
    tau: column(context.tau),
    rate: column(context.rate ?? 0),
    bookDelta: column(book.delta),
    bookGamma: column(book.gamma),
    bookVega: column(book.vega ?? 0),
    expiringDelta: column(book.expiringDelta ?? 0),
    settlementMs: column(book.settlementMs ?? NaN),
    hedgeDelta: column(hedge.delta),
    unitDelta: column(hedge.unitDelta),
    cost: column(hedge.cost),
    lot: hedge.lot,
    minimum: hedge.minimum ?? hedge.lot,
    legs: (context.legs ?? []).map((l) => ({
      symbol: l.symbol,
      delta: column(l.delta),
      gamma: column(l.gamma),
      vega: column(l.vega),
      cashDelta: column(l.cashDelta ?? 0),
      cost: column(l.cost ?? 0),
      position: column(l.position),
      lot: l.lot,
      minimum: l.minimum ?? l.lot
    })),
    ...(revalue ? { deltaAtVolScale: (_row: number, scale: number) => revalue(scale) } : {})
  }
}

const scratch = new WeakMap<Rebalancer, PolicyOutputs>()
const busy = new WeakSet<Rebalancer>()

const checkContext = (context: PolicyContext): void => {
  const finite = (field: string, x: number | undefined, expected: string) => {
    if (x !== undefined && !Number.isFinite(x)) throw new InvalidInput({ field, value: x, expected })
  }
  finite("timeMs", context.timeMs, "UTC epoch milliseconds")
  positive("spot", context.spot, "the index price > 0 (USD per coin)")
  if (context.forward !== undefined) positive("forward", context.forward, "the forward price > 0 (USD per coin)")
  positive("vol", context.vol, "the book's reference vol > 0 (decimal per √year)")
  if (!(context.tau >= 0 && context.tau < Infinity)) throw new InvalidInput({ field: "tau", value: context.tau, expected: "years to the book's expiry ≥ 0" })
  finite("rate", context.rate, "a continuously compounded rate (decimal)")
  finite("book.delta", context.book.delta, "the book's delta (coins)")
  finite("book.gamma", context.book.gamma, "the book's gamma (coins per USD)")
  finite("book.vega", context.book.vega, "the book's vega (per 1.00 vol)")
  finite("book.expiringDelta", context.book.expiringDelta, "the expiring legs' delta (coins)")
  finite("hedge.delta", context.hedge.delta, "the hedge's delta (coins)")
  if (!(context.hedge.unitDelta !== 0 && Number.isFinite(context.hedge.unitDelta))) {
    throw new InvalidInput({ field: "hedge.unitDelta", value: context.hedge.unitDelta, expected: "the delta of one unit of the hedge instrument, ≠ 0 (coins)" })
  }
  if (!(context.hedge.cost >= 0 && context.hedge.cost < 1)) {
    throw new InvalidInput({ field: "hedge.cost", value: context.hedge.cost, expected: "a one-way proportional cost in [0, 1) (decimal of notional)" })
  }
  context.legs?.forEach((l, k) => {
    for (const f of ["delta", "gamma", "vega", "position"] as const) finite(`legs[${k}].${f}`, l[f], "a finite number")
  })
}

/**
 * Decides once, from plain fields, and says it in words. Throws `InvalidInput` for a bad field, or for a row the
 * policy could not decide (its reason as `expected`). `state` (from {@link makeState} with length 1) carries the
 * policy's memory between calls; without it every call is a first call.
 *
 * @since 0.1.0
 * @category running
 */
export const decideOne = (policy: Rebalancer, context: PolicyContext, state: Float64Array = makeState(policy, 1)): Decision => {
  checkContext(context)
  const inputs = inputsOf(context)
  const legs = Math.max(policy.legs, inputs.legs.length)
  // one-row outputs reused across calls (a decision nested inside another gets its own)
  let out = scratch.get(policy)
  if (out === undefined || out.legTrade.length < legs || busy.has(policy)) {
    out = makeOutputs(1, legs)
    if (!busy.has(policy)) scratch.set(policy, out)
  }
  busy.add(policy)
  try {
    evaluate(policy, inputs, state, out)
  } finally {
    busy.delete(policy)
  }
  const reason = reasonText(policy, out, 0)
  const action = out.action[0]!
  if (action === ERROR) throw new InvalidInput({ field: policy.name, value: context, expected: reason })
  const orders: Array<TradeInstruction> = []
  const urgency = out.urgency[0] === PASSIVE ? "passive" : "aggressive"
  if (action === TRADE) {
    inputs.legs.forEach((leg, k) => {
      const q = out.legTrade[k]?.[0] ?? 0
      if (q !== 0) orders.push({ instrument: leg.symbol, side: q > 0 ? "buy" : "sell", quantity: Math.abs(q), urgency, delta: q * (leg.delta[0]! + leg.cashDelta[0]!) })
    })
    const q = out.quantity[0]!
    if (q !== 0) orders.push({ instrument: context.hedge.symbol, side: q > 0 ? "buy" : "sell", quantity: Math.abs(q), urgency, delta: q * context.hedge.unitDelta })
  }
  const next = out.nextMs[0]!
  return {
    policy: policy.name,
    action: action === TRADE ? "trade" : action === HALT ? "halt" : "hold",
    reason,
    orders,
    residual: out.residual[0]!,
    ...(Number.isFinite(next) ? { nextMs: next } : {})
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Composition

const FIELDS = 6 // action, deltaTrade, reason, measure, limit, nextMs (+ urgency folded into action's slot below)

const resetRow = (out: PolicyOutputs, row: number, legs: number): void => {
  out.action[row] = HOLD
  out.deltaTrade[row] = 0
  out.urgency[row] = AGGRESSIVE
  out.nextMs[row] = NaN
  out.measure[row] = NaN
  out.limit[row] = NaN
  for (let k = 0; k < legs; k++) out.legTrade[k]![row] = 0
}

/** What a combinator chose for a row: the child whose outputs to keep (−1: they disagree), the action, the time. */
interface Choice {
  index: number
  action: number
  nextMs: number
}

const combine = (
  name: string,
  children: ReadonlyArray<Rebalancer>,
  pick: (actions: Float64Array, trades: Float64Array, nextMs: Float64Array, count: number, choice: Choice) => void
): Rebalancer => {
  if (children.length === 0) throw new InvalidInput({ field: name, value: [], expected: "at least one policy to combine" })
  const legs = Math.max(...children.map((c) => c.legs))
  const stateOffsets: Array<number> = []
  const reasonOffsets: Array<number> = []
  const reasons: Array<string> = []
  let stateSize = 0
  for (const c of children) {
    stateOffsets.push(stateSize)
    reasonOffsets.push(reasons.length)
    stateSize += c.stateSize
    reasons.push(...c.reasons)
  }
  const DISAGREE = reasons.length
  reasons.push("the combined policies want opposite trades ({measure} and {limit} coins): hold")
  const m = children.length
  // one saved row per child and one choice, allocated once: the children write into the caller's row in turn
  const stride = FIELDS + 1 + legs
  const saved = new Float64Array(m * stride)
  const actions = new Float64Array(m), trades = new Float64Array(m), nexts = new Float64Array(m)
  const choice: Choice = { index: 0, action: HOLD, nextMs: NaN }
  return {
    name: `${name}(${children.map((c) => c.name).join(", ")})`,
    reasons,
    stateSize,
    legs,
    needsVolScale: children.some((c) => c.needsVolScale),
    init: (state, s) => children.forEach((c, j) => c.init(state, s + stateOffsets[j]!)),
    decide: (inputs, row, state, s, out) => {
      for (let j = 0; j < m; j++) {
        const c = children[j]!
        resetRow(out, row, legs)
        c.decide(inputs, row, state, s + stateOffsets[j]!, out)
        const b = j * stride
        saved[b] = out.action[row]!
        saved[b + 1] = out.deltaTrade[row]!
        saved[b + 2] = out.reason[row]! + reasonOffsets[j]!
        saved[b + 3] = out.measure[row]!
        saved[b + 4] = out.limit[row]!
        saved[b + 5] = out.nextMs[row]!
        saved[b + 6] = out.urgency[row]!
        for (let k = 0; k < legs; k++) saved[b + 7 + k] = out.legTrade[k]![row]!
        actions[j] = saved[b]!
        trades[j] = saved[b + 1]!
        nexts[j] = saved[b + 5]!
      }
      pick(actions, trades, nexts, m, choice)
      if (choice.index < 0) {
        resetRow(out, row, legs)
        out.reason[row] = DISAGREE
        let lo = Infinity, hi = -Infinity
        for (let j = 0; j < m; j++) if (actions[j] === TRADE) { lo = Math.min(lo, trades[j]!); hi = Math.max(hi, trades[j]!) }
        out.measure[row] = lo
        out.limit[row] = hi
        out.nextMs[row] = choice.nextMs
        return
      }
      const b = choice.index * stride
      out.action[row] = choice.action
      out.deltaTrade[row] = saved[b + 1]!
      out.reason[row] = saved[b + 2]!
      out.measure[row] = saved[b + 3]!
      out.limit[row] = saved[b + 4]!
      out.nextMs[row] = choice.nextMs
      out.urgency[row] = saved[b + 6]!
      for (let k = 0; k < legs; k++) out.legTrade[k]![row] = saved[b + 7 + k]!
    },
    commit: (inputs, row, state, s, out) => {
      for (let j = 0; j < m; j++) children[j]!.commit(inputs, row, state, s + stateOffsets[j]!, out)
    }
  }
}

const firstWith = (actions: Float64Array, count: number, action: number): number => {
  for (let j = 0; j < count; j++) if (actions[j] === action) return j
  return -1
}

const earliest = (nexts: Float64Array, count: number): number => {
  let t = NaN
  for (let j = 0; j < count; j++) if (Number.isFinite(nexts[j]!) && !(nexts[j]! >= t)) t = nexts[j]!
  return t
}
const latest = (nexts: Float64Array, count: number): number => {
  let t = NaN
  for (let j = 0; j < count; j++) if (Number.isFinite(nexts[j]!) && !(nexts[j]! <= t)) t = nexts[j]!
  return t
}

const choose = (choice: Choice, index: number, action: number, nextMs: number): void => {
  choice.index = index
  choice.action = action
  choice.nextMs = nextMs
}

/**
 * Trades only when every policy wants to (e.g. `all(minInterval, band)`: a band that may not fire more often than
 * the interval), by the smallest of their trades; holds when they want opposite sides. An error or a halt of any
 * one wins.
 *
 * @since 0.1.0
 * @category combinators
 */
export const all = (...policies: ReadonlyArray<Rebalancer>): Rebalancer =>
  combine("all", policies, (actions, trades, nexts, m, choice) => {
    const next = latest(nexts, m)
    let j = firstWith(actions, m, ERROR)
    if (j < 0) j = firstWith(actions, m, HALT)
    if (j < 0) j = firstWith(actions, m, HOLD)
    if (j >= 0) return choose(choice, j, actions[j]!, next)
    let best = 0, sign = 0
    for (let k = 0; k < m; k++) {
      const t = trades[k]!
      if (t !== 0) {
        if (sign !== 0 && Math.sign(t) !== sign) return choose(choice, -1, HOLD, next)
        sign = Math.sign(t)
      }
      if (Math.abs(t) < Math.abs(trades[best]!)) best = k
    }
    choose(choice, best, TRADE, next)
  })

/**
 * Trades when any policy wants to (e.g. `any(band, maxInterval)`: a band, and a full re-hedge when the hedge is
 * stale), by the largest of the trades wanted. An error or a halt of any one wins.
 *
 * @since 0.1.0
 * @category combinators
 */
export const any = (...policies: ReadonlyArray<Rebalancer>): Rebalancer =>
  combine("any", policies, (actions, trades, nexts, m, choice) => {
    const next = earliest(nexts, m)
    let j = firstWith(actions, m, ERROR)
    if (j < 0) j = firstWith(actions, m, HALT)
    if (j >= 0) return choose(choice, j, actions[j]!, next)
    let best = -1
    for (let k = 0; k < m; k++) {
      if (actions[k] === TRADE && (best < 0 || Math.abs(trades[k]!) > Math.abs(trades[best]!))) best = k
    }
    choose(choice, best >= 0 ? best : 0, best >= 0 ? TRADE : HOLD, next)
  })

/**
 * Limits of a {@link killSwitch}; each is optional.
 *
 * @since 0.1.0
 * @category combinators
 */
export const KillSwitchLimits = Schema.Struct({
  /** Largest |book delta + hedge delta| tolerated, coins: beyond it the hedge is not working. */
  maxNetDelta: Schema.optional(Schema.Finite.check(Schema.isGreaterThan(0))),
  /** Largest delta one decision may trade, coins. */
  maxOrderDelta: Schema.optional(Schema.Finite.check(Schema.isGreaterThan(0))),
  /** Most trades in one UTC clock hour. */
  maxTradesPerHour: Schema.optional(Schema.Int.check(Schema.isGreaterThan(0)))
})

/**
 * @since 0.1.0
 * @category combinators
 */
export type KillSwitchLimits = typeof KillSwitchLimits.Type

const HOUR_MS = 3_600_000

const haltRow = (out: PolicyOutputs, row: number, legs: number, reason: number, measure: number, limit: number): void => {
  resetRow(out, row, legs)
  out.action[row] = HALT
  out.reason[row] = reason
  out.measure[row] = measure
  out.limit[row] = limit
}

/**
 * Wraps a policy with limits that, once crossed, halt it: no order from then on (the state remembers why) until
 * a fresh state is made.
 *
 * @since 0.1.0
 * @category combinators
 */
export const killSwitch = (policy: Rebalancer, limits: KillSwitchLimits): Rebalancer => {
  let decoded: KillSwitchLimits
  try {
    decoded = Schema.decodeUnknownSync(KillSwitchLimits)(limits)
  } catch (error) {
    throw new InvalidInput({ field: "killSwitch", value: limits, expected: error instanceof Error ? error.message.replace(/\s+/g, " ") : String(error) })
  }
  const maxNet = decoded.maxNetDelta ?? Infinity
  const maxOrder = decoded.maxOrderDelta ?? Infinity
  const maxTrades = decoded.maxTradesPerHour ?? Infinity
  const base = policy.reasons.length
  const reasons = [
    ...policy.reasons,
    "halted: |net delta| {measure} coins above the kill switch's {limit}",
    "halted: a trade of {measure} coins above the kill switch's {limit}",
    "halted: {measure} trades this hour, the kill switch allows {limit}"
  ]
  const OWN = 4 // tripped reason (0 = running), measure, limit, hour bucket; then trades in it
  return {
    name: `killSwitch(${policy.name})`,
    reasons,
    stateSize: OWN + 1 + policy.stateSize,
    legs: policy.legs,
    needsVolScale: policy.needsVolScale,
    init: (state, s) => {
      state[s] = 0
      state[s + 1] = NaN
      state[s + 2] = NaN
      state[s + 3] = NaN
      state[s + 4] = 0
      policy.init(state, s + OWN + 1)
    },
    decide: (inputs, row, state, s, out) => {
      if (state[s] !== 0) return haltRow(out, row, policy.legs, base + state[s]! - 1, state[s + 1]!, state[s + 2]!)
      const net = Math.abs(inputs.bookDelta[row]! + inputs.hedgeDelta[row]!)
      if (net > maxNet) return haltRow(out, row, policy.legs, base, net, maxNet)
      policy.decide(inputs, row, state, s + OWN + 1, out)
      if (out.action[row] !== TRADE) return
      const size = Math.abs(out.deltaTrade[row]!)
      if (size > maxOrder) return haltRow(out, row, policy.legs, base + 1, size, maxOrder)
      const hour = Math.floor(inputs.timeMs[row]! / HOUR_MS)
      const count = state[s + 3] === hour ? state[s + 4]! : 0
      if (count + 1 > maxTrades) return haltRow(out, row, policy.legs, base + 2, count + 1, maxTrades)
    },
    commit: (inputs, row, state, s, out) => {
      const action = out.action[row]
      if (action === HALT && state[s] === 0) {
        state[s] = out.reason[row]! - base + 1
        state[s + 1] = out.measure[row]!
        state[s + 2] = out.limit[row]!
      } else if (action === TRADE) {
        const hour = Math.floor(inputs.timeMs[row]! / HOUR_MS)
        state[s + 4] = state[s + 3] === hour ? state[s + 4]! + 1 : 1
        state[s + 3] = hour
      }
      policy.commit(inputs, row, state, s + OWN + 1, out)
    }
  }
}
