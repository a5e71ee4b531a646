/**
 * From a desk's files to a policy's inputs: the book and a market snapshot (the Schemas of `@hedgekit/greeks`'
 * `Portfolio`), and a hedge setup naming the accounting target, the primary hedge instrument with its position,
 * lot and costs, and optionally listed options for delta-gamma(-vega) policies.
 *
 * @since 0.1.0
 */
import { Portfolio } from "@hedgekit/greeks"
import { Instrument, InvalidInput, type RebalancePolicy } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import { FutureFees, OptionFees, orderCost } from "./Costs.js"
import { optionLeg, unitDelta } from "./Sizing.js"

const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * A tick schedule (`Costs.Ticks`): the base tick, and larger ticks above given prices (Deribit options: 0.0001
 * BTC, 0.0005 above 0.005).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Ticks = Schema.Struct({
  tick: Positive,
  steps: Schema.optional(Schema.Array(Schema.Struct({ abovePrice: Positive, tick: Positive })))
})

/**
 * The primary hedge: instrument, current position (its units; when absent, the book's positions in the same
 * symbol), lot and minimum (its units), and its cost — either `oneWayCost` (κ, decimal of notional) or the
 * venue's `fees` and the book's `halfSpread` (USD); `ticks` (USD) put limit prices on the venue's grid.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PrimaryHedge = Schema.Struct({
  instrument: Schema.Union([Instrument.PerpetualInstrument, Instrument.FutureInstrument, Instrument.SpotInstrument]),
  position: Schema.optional(Schema.Finite),
  lot: Positive,
  minimum: Schema.optional(NonNegative),
  oneWayCost: Schema.optional(NonNegative),
  fees: Schema.optional(FutureFees),
  halfSpread: Schema.optional(NonNegative),
  ticks: Schema.optional(Ticks)
})

/**
 * A listed option the policy may trade: position (when absent, the book's) and lot in contracts, its taker fee —
 * `feePerContract`, or the venue's `fees` schedule (capped at a share of the premium) — and half-spread per
 * contract, in the option's premium currency (coin for inverse options).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OptionHedge = Schema.Struct({
  instrument: Instrument.OptionInstrument,
  position: Schema.optional(Schema.Finite),
  lot: Positive,
  minimum: Schema.optional(NonNegative),
  feePerContract: Schema.optional(NonNegative),
  fees: Schema.optional(OptionFees),
  halfSpreadPerContract: NonNegative,
  ticks: Schema.optional(Ticks)
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const HedgeSetup = Schema.Struct({
  accounting: Schema.Literals(["usd", "coin"]),
  hedge: PrimaryHedge,
  options: Schema.optional(Schema.Array(OptionHedge))
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type HedgeSetup = typeof HedgeSetup.Type

const DAY_MS = 86_400_000
const YEAR_MS = 365 * DAY_MS

const scaledMarket = (market: Portfolio.Market, scale: number): Portfolio.Market => ({
  ...market,
  ...(market.vols ? { vols: market.vols.map((v) => ({ ...v, vol: v.vol * scale })) } : {}),
  ...(market.smiles ? { smiles: market.smiles.map((s) => ({ ...s, points: s.points.map((p) => ({ ...p, vol: p.vol * scale })) })) } : {})
})

/**
 * The one-way proportional cost κ of the primary hedge: `oneWayCost`, or the taker fee plus the half-spread over
 * the mid for one lot, priced by `Costs.orderCost`.
 *
 * @since 0.1.0
 * @category context
 */
export const hedgeCost = (setup: HedgeSetup, market: Portfolio.Market): number => {
  const h = setup.hedge
  if (h.oneWayCost !== undefined) return h.oneWayCost
  if (h.fees === undefined || h.halfSpread === undefined) {
    throw new InvalidInput({ field: "hedge", value: Object.keys(h), expected: "oneWayCost, or fees and halfSpread, to price the hedge's trades" })
  }
  const i = h.instrument
  if (i.kind === "spot") {
    const u = market.underlyings.find((m) => m.underlying === i.underlying)
    if (u === undefined) throw new InvalidInput({ field: "hedge.instrument.underlying", value: i.underlying, expected: "an underlying of the market" })
    return h.fees.taker + h.halfSpread / u.index
  }
  const mid = i.kind === "perpetual"
    ? (market.underlyings.find((m) => m.underlying === i.underlying)?.perpetualMark ?? market.underlyings.find((m) => m.underlying === i.underlying)?.index)
    : market.underlyings.find((m) => m.underlying === i.underlying)?.forwards.find((f) => f.expiryMs === i.expiryMs)?.forward
  if (mid === undefined) throw new InvalidInput({ field: "hedge.instrument", value: i.symbol, expected: "a price for the hedge instrument in the market" })
  return orderCost({ kind: "future", settlement: i.settlement, side: "buy", size: h.lot, mid, halfSpread: h.halfSpread, role: "taker", fees: h.fees }).proportional
}

/**
 * The policy context of a book at the market snapshot's time: the book's Greeks in the setup's accounting
 * (every position counted, the hedges excluded), its reference vol (vega-weighted mean of its options' vols),
 * expiry (gamma-weighted mean years) and forward (of the expiry with the most gamma), the next settlement within a day with the delta of the legs it settles,
 * the primary hedge's delta and cost, the option legs, and a revaluation of the book's delta at scaled vols.
 * Throws `InvalidInput` naming a position that cannot be valued.
 *
 * @since 0.1.0
 * @category context
 */
export const contextOf = (fullBook: Portfolio.Book, market: Portfolio.Market, setup: HedgeSetup): RebalancePolicy.PolicyContext => {
  const { accounting, hedge } = setup
  const underlying = hedge.instrument.underlying
  // the hedges the policy trades are not part of the exposure it hedges
  const traded = new Map<string, number | undefined>([[hedge.instrument.symbol, hedge.position]])
  for (const o of setup.options ?? []) traded.set(o.instrument.symbol, o.position)
  const held = new Map<string, number>()
  for (const p of fullBook.positions) {
    if (!traded.has(p.instrument.symbol)) continue
    if (traded.get(p.instrument.symbol) !== undefined) {
      throw new InvalidInput({ field: `book.${p.id}`, value: p.instrument.symbol, expected: "a hedge position given once: in the book or in the hedge setup, not both" })
    }
    held.set(p.instrument.symbol, (held.get(p.instrument.symbol) ?? 0) + p.quantity)
  }
  const positionOf = (symbol: string, given: number | undefined) => given ?? held.get(symbol) ?? 0
  const book: Portfolio.Book = { ...fullBook, positions: fullBook.positions.filter((p) => !traded.has(p.instrument.symbol)) }
  const report = Portfolio.exposure(book, market, accounting)
  const error = report.errors[0]
  if (error !== undefined) {
    throw new InvalidInput({ field: `book.${error.positionId}.${error.field}`, value: error.value, expected: error.expected })
  }
  const u = market.underlyings.find((m) => m.underlying === underlying)
  if (u === undefined) throw new InvalidInput({ field: "hedge.instrument.underlying", value: underlying, expected: "an underlying of the market" })
  const e = report.exposures.find((x) => x.underlying === underlying)
  let vegaSum = 0, volSum = 0, gammaSum = 0, tauSum = 0
  const options = book.positions.filter((p) => p.instrument.kind === "option" && p.instrument.underlying === underlying)
  for (const r of report.positions) {
    if (r.underlying !== underlying || r.vol === undefined) continue
    const pos = options.find((p) => p.id === r.id)
    if (pos === undefined || pos.instrument.kind !== "option") continue
    vegaSum += Math.abs(r.vega)
    volSum += Math.abs(r.vega) * r.vol
    gammaSum += Math.abs(r.gamma)
    tauSum += Math.abs(r.gamma) * ((pos.instrument.expiryMs - market.timestampMs) / YEAR_MS)
  }
  let vol = vegaSum > 0 ? volSum / vegaSum : NaN
  if (!(vol > 0)) {
    const vols = (market.vols ?? []).map((v) => v.vol)
    if (vols.length === 0) throw new InvalidInput({ field: "market.vols", value: [], expected: "option vols: the book has no option to take its reference vol from" })
    vol = vols.reduce((a, b) => a + b, 0) / vols.length
  }
  const tau = gammaSum > 0 ? tauSum / gammaSum : 0
  // the forward of the expiry carrying most of the book's gamma
  const peak = e?.buckets.filter((b) => b.expiryMs !== undefined).sort((a, b) => Math.abs(b.gamma) - Math.abs(a.gamma))[0]
  const forward = u.forwards.find((f) => f.expiryMs === peak?.expiryMs)?.forward ?? u.index
  const next = e?.buckets.filter((b) => b.expiryMs !== undefined && b.expiryMs > market.timestampMs).sort((a, b) => a.expiryMs! - b.expiryMs!)[0]
  const settles = next !== undefined && next.expiryMs! - market.timestampMs <= DAY_MS
  const unit = unitDelta(hedge.instrument, market, accounting)
  const legs = (setup.options ?? []).map((o) => optionLeg(o.instrument, market, accounting, positionOf(o.instrument.symbol, o.position), o))
  for (const o of setup.options ?? []) {
    if (o.instrument.underlying !== underlying) throw new InvalidInput({ field: "options.instrument.underlying", value: o.instrument.underlying, expected: `the hedge's underlying ${underlying}` })
  }
  return {
    timeMs: market.timestampMs,
    spot: u.index,
    forward,
    vol,
    tau,
    rate: u.rate ?? 0,
    book: {
      delta: e?.delta ?? 0,
      gamma: e?.gamma ?? 0,
      vega: e?.vega ?? 0,
      ...(settles ? { expiringDelta: next.delta, settlementMs: next.expiryMs! } : {})
    },
    hedge: {
      symbol: hedge.instrument.symbol,
      delta: positionOf(hedge.instrument.symbol, hedge.position) * unit,
      unitDelta: unit,
      cost: hedgeCost(setup, market),
      lot: hedge.lot,
      minimum: hedge.minimum ?? hedge.lot
    },
    legs,
    deltaAtVolScale: (scale) => {
      const r = Portfolio.exposure(book, scaledMarket(market, scale), accounting)
      return r.exposures.find((x) => x.underlying === underlying)?.delta ?? 0
    }
  }
}

/**
 * Greeks of the primary hedge's position and of the option legs' positions, for reporting what the book looks
 * like hedged.
 *
 * @since 0.1.0
 * @category context
 */
export const hedgedDelta = (context: RebalancePolicy.PolicyContext): number =>
  context.book.delta + context.hedge.delta + (context.legs ?? []).reduce((a, l) => a + l.position * l.delta, 0)

