/**
 * Hedge instruments and sizing: how much delta one unit of a hedge instrument carries in the desk's accounting,
 * and the order that brings a book to delta-neutral in whole lots.
 *
 * Deltas are in coins of the underlying as `@hedgekit/greeks`' `Portfolio` measures them — USD accounting: ∂(USD
 * value)/∂S; coin accounting: S·∂(coin value)/∂S (DOMAIN §1.5) — with forwards moving with the index at fixed
 * basis. One unit of:
 * - a linear perpetual or future (`contractSize` coins): contractSize·P/S, P its mark (F/S converts a forward's
 *   delta into the index's);
 * - an inverse perpetual or future (`contractSize` USD): contractSize/P coins — a USD notional whose coin exposure
 *   drifts as the price moves, so the same position hedges less delta as the price rises;
 * - spot coin: 1 in USD accounting, 0 in coin accounting (the coin is the numéraire: it cannot hedge there);
 * - an option (`multiplier` coins): multiplier·Δ_F·F/S in USD accounting, minus its premium in coins in coin
 *   accounting (Deribit's Net Transaction Delta).
 *
 * @since 0.1.0
 */
import { Portfolio } from "@hedgekit/greeks"
import { type Instrument, InvalidInput, RebalancePolicy } from "@hedgekit/sdk"
import { optionFee, type OptionFees } from "./Costs.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Accounting = Portfolio.Accounting

const one = (instrument: Instrument.Instrument, quantity = 1): Portfolio.Book => ({
  positions: [{ id: instrument.symbol, instrument, quantity }]
})

/**
 * Greeks of `quantity` units of an instrument in the accounting, or the reason it cannot be valued.
 *
 * @since 0.1.0
 * @category sizing
 */
export const unitGreeks = (instrument: Instrument.Instrument, market: Portfolio.Market, accounting: Accounting): Portfolio.Greeks => {
  const report = Portfolio.exposure(one(instrument), market, accounting)
  const error = report.errors[0]
  if (error !== undefined) throw new InvalidInput({ field: `${instrument.symbol}.${error.field}`, value: error.value, expected: error.expected })
  const e = report.exposures[0]
  if (e === undefined) throw new InvalidInput({ field: "instrument.underlying", value: instrument.underlying, expected: "an underlying of the market" })
  return e
}

/**
 * Coins of delta one unit of `instrument` carries in the accounting (see the module documentation). Throws
 * `InvalidInput` for an instrument that carries none (spot coin in coin accounting).
 *
 * @since 0.1.0
 * @category sizing
 */
export const unitDelta = (instrument: Instrument.Instrument, market: Portfolio.Market, accounting: Accounting): number => {
  const d = unitGreeks(instrument, market, accounting).delta
  if (!(d !== 0 && Number.isFinite(d))) {
    throw new InvalidInput({
      field: "hedge.instrument",
      value: instrument.symbol,
      expected: `an instrument that carries delta in ${accounting} accounting (spot coin is the numéraire of coin accounting: hedge with a perpetual or future)`
    })
  }
  return d
}

/**
 * The order (instrument units, whole lots, never below `minimum`) that cancels `delta` coins with `instrument`,
 * and the delta it leaves (coins): at most half a lot's delta unless the order is below the minimum.
 *
 * @since 0.1.0
 * @category sizing
 */
export const hedgeOrder = (
  delta: number,
  instrument: Instrument.Instrument,
  market: Portfolio.Market,
  accounting: Accounting,
  lot: number,
  minimum = lot
): { readonly quantity: number; readonly residual: number; readonly unitDelta: number } => {
  if (!Number.isFinite(delta)) throw new InvalidInput({ field: "delta", value: delta, expected: "a finite delta to hedge (coins)" })
  if (!(lot > 0 && lot < Infinity)) throw new InvalidInput({ field: "lot", value: lot, expected: "a lot > 0 in the instrument's units" })
  const unit = unitDelta(instrument, market, accounting)
  const quantity = RebalancePolicy.roundToLot(-delta / unit, lot, minimum)
  return { quantity, residual: delta + quantity * unit, unitDelta: unit }
}

/**
 * The taker fee of one contract in the premium's currency: given, or from a schedule (capped at a share of the
 * premium, `Costs.optionFee`).
 */
const feePerContract = (
  option: Instrument.OptionInstrument,
  costs: { readonly feePerContract?: number | undefined; readonly fees?: OptionFees | undefined },
  premium: number,
  underlyingPrice: number
): number => {
  if (costs.feePerContract !== undefined) return costs.feePerContract
  if (costs.fees === undefined) throw new InvalidInput({ field: `${option.symbol}.fees`, value: undefined, expected: "feePerContract or an option fee schedule" })
  return optionFee(costs.fees, "taker", 1, premium, option.multiplier, underlyingPrice)
}

/**
 * An option a delta-gamma(-vega) policy may trade, valued for the SDK's `OptionLeg`: Greeks per contract in the
 * accounting, the delta paying for one contract moves (premium and fee leave the cash: in USD accounting an
 * inverse option's coin premium was coin delta; in coin accounting a linear option's USD premium was short
 * coin delta), and its one-way cost per contract in the accounting currency.
 *
 * @since 0.1.0
 * @category sizing
 */
export const optionLeg = (
  option: Instrument.OptionInstrument,
  market: Portfolio.Market,
  accounting: Accounting,
  position: number,
  costs: {
    readonly lot: number
    readonly minimum?: number | undefined
    readonly feePerContract?: number | undefined
    readonly fees?: OptionFees | undefined
    readonly halfSpreadPerContract: number
  }
): RebalancePolicy.OptionLeg => {
  const g = unitGreeks(option, market, accounting)
  const u = market.underlyings.find((m) => m.underlying === option.underlying)!
  const S = u.index
  // premium and fee per contract in USD; the option's value per contract (accounting currency) is g.value
  const premiumUsd = accounting === "usd" ? g.value : g.value * S
  const feeUsd = option.settlement === "inverse" ? feePerContract(option, costs, premiumUsd / S, 1) * S : feePerContract(option, costs, premiumUsd, S)
  const halfUsd = option.settlement === "inverse" ? costs.halfSpreadPerContract * S : costs.halfSpreadPerContract
  const paidUsd = premiumUsd + feeUsd
  const cashDelta = option.settlement === "inverse"
    ? (accounting === "usd" ? -paidUsd / S : 0)
    : (accounting === "coin" ? paidUsd / S : 0)
  const toAccounting = accounting === "usd" ? 1 : 1 / S
  return {
    symbol: option.symbol,
    delta: g.delta,
    gamma: g.gamma,
    vega: g.vega,
    cashDelta,
    cost: (feeUsd + halfUsd) * toAccounting,
    position,
    lot: costs.lot,
    minimum: costs.minimum ?? costs.lot
  }
}
