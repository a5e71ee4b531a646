/**
 * What an order costs before it is sent: the venue's fee (schedules are data, passed in), the price walked
 * through the visible book, square-root impact beyond it, and the tick and lot rounding that decide what can be
 * sent at all.
 *
 * Units: option sizes in contracts (× `multiplier` coins), option prices in coin per contract (Deribit) or in
 * the quote currency (linear venues); inverse futures/perpetual sizes in USD, linear ones in coins; rates as
 * decimals (0.0005 = 5 bp).
 *
 * @since 0.1.0
 */
import { InvalidInput, RebalancePolicy } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"

const Rate = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(-0.01), Schema.isLessThanOrEqualTo(0.1))

/**
 * An option fee schedule: a rate of the underlying per contract (Deribit BTC/ETH options: 0.0003), capped at a
 * fraction of the option's premium (Deribit: 0.125).
 *
 * @since 0.1.0
 * @category fees
 */
export const OptionFees = Schema.Struct({
  maker: Rate,
  taker: Rate,
  premiumCap: Schema.Finite.check(Schema.isGreaterThan(0), Schema.isLessThanOrEqualTo(1))
})

/**
 * @since 0.1.0
 * @category fees
 */
export type OptionFees = typeof OptionFees.Type

/**
 * A futures/perpetual fee schedule: rates of the traded notional (maker may be negative: a rebate).
 *
 * @since 0.1.0
 * @category fees
 */
export const FutureFees = Schema.Struct({ maker: Rate, taker: Rate })

/**
 * @since 0.1.0
 * @category fees
 */
export type FutureFees = typeof FutureFees.Type

/**
 * Deribit's published schedules (support.deribit.com, read 2026; the venue may change them — read
 * `maker_commission` / `taker_commission` from its instruments for live use).
 *
 * @since 0.1.0
 * @category fees
 */
export const deribit = {
  options: { maker: 0.0003, taker: 0.0003, premiumCap: 0.125 } satisfies OptionFees,
  /** USDC linear options: a rate of the index per contract (pass the index as `underlyingPrice`), fee in USDC. */
  linearOptions: { maker: 0.0001, taker: 0.0005, premiumCap: 0.125 } satisfies OptionFees,
  perpetual: { maker: 0, taker: 0.0005 } satisfies FutureFees,
  linearPerpetual: { maker: 0, taker: 0.0005 } satisfies FutureFees,
  weeklyFuture: { maker: -0.0001, taker: 0.0005 } satisfies FutureFees,
  future: { maker: 0, taker: 0.0005 } satisfies FutureFees
} as const

/**
 * @since 0.1.0
 * @category fees
 */
export type Role = "maker" | "taker"

const finite = (field: string, x: number, expected: string): void => {
  if (!Number.isFinite(x)) throw new InvalidInput({ field, value: x, expected })
}
const positive = (field: string, x: number, expected: string): void => {
  if (!(x > 0 && x < Infinity)) throw new InvalidInput({ field, value: x, expected })
}

/**
 * Fee of an option trade, in the premium's currency: min(rate·|contracts|·multiplier·underlyingPrice,
 * cap·premium·|contracts|) — for Deribit coin options `underlyingPrice` is 1 (the rate is in coin per coin of
 * underlying) and the premium in coin, so 0.0003 BTC per contract, capped at 12.5 % of the premium.
 *
 * @since 0.1.0
 * @category fees
 */
export const optionFee = (
  schedule: OptionFees,
  role: Role,
  contracts: number,
  premium: number,
  multiplier = 1,
  underlyingPrice = 1
): number => {
  finite("contracts", contracts, "a finite number of contracts")
  if (!(premium >= 0 && premium < Infinity)) throw new InvalidInput({ field: "premium", value: premium, expected: "a premium ≥ 0 per contract" })
  positive("multiplier", multiplier, "units of underlying per contract, > 0")
  positive("underlyingPrice", underlyingPrice, "the underlying's price in the fee's currency (1 for coin fees), > 0")
  const n = Math.abs(contracts)
  return Math.min(schedule[role] * n * multiplier * underlyingPrice, schedule.premiumCap * premium * n)
}

/**
 * Fee of a futures/perpetual trade: inverse (size in USD) → coin, rate·|size|/price; linear (size in coins) →
 * quote currency, rate·|size|·price. Negative for a maker rebate.
 *
 * @since 0.1.0
 * @category fees
 */
export const futureFee = (schedule: FutureFees, role: Role, settlement: "inverse" | "linear", size: number, price: number): number => {
  finite("size", size, "a finite size (USD for inverse, coins for linear)")
  positive("price", price, "a price > 0")
  return settlement === "inverse" ? (schedule[role] * Math.abs(size)) / price : schedule[role] * Math.abs(size) * price
}

/**
 * One side of an order book: [price, size] levels, best first.
 *
 * @since 0.1.0
 * @category books
 */
export type Levels = ReadonlyArray<readonly [price: number, size: number]>

/**
 * Walks `levels` for `size`: the volume-weighted price of what the visible book fills, and what it cannot.
 *
 * @since 0.1.0
 * @category books
 */
export const walkBook = (levels: Levels, size: number): { readonly vwap: number; readonly filled: number; readonly unfilled: number; readonly worst: number } => {
  if (!(size > 0 && size < Infinity)) throw new InvalidInput({ field: "size", value: size, expected: "a size > 0 to fill" })
  let left = size, notional = 0, worst = NaN
  for (let i = 0; i < levels.length && left > 0; i++) {
    const [price, available] = levels[i]!
    if (!(price > 0) || !(available > 0)) throw new InvalidInput({ field: `levels[${i}]`, value: levels[i], expected: "a level [price > 0, size > 0]" })
    const take = Math.min(left, available)
    notional += take * price
    left -= take
    worst = price
  }
  const filled = size - left
  return { vwap: filled > 0 ? notional / filled : NaN, filled, unfilled: left, worst }
}

/**
 * Square-root market impact of `size` beyond the visible book, as a fraction of the price:
 * Y·σ_day·√(size/dailyVolume) (Tóth et al. 2011; Bouchaud et al. 2018), Y of order 1.
 *
 * @since 0.1.0
 * @category books
 */
export const squareRootImpact = (size: number, dailyVolume: number, dailyVol: number, y = 1): number => {
  if (!(size >= 0 && size < Infinity)) throw new InvalidInput({ field: "size", value: size, expected: "a size ≥ 0" })
  positive("dailyVolume", dailyVolume, "a daily volume > 0, in the size's units")
  positive("dailyVol", dailyVol, "a daily vol > 0 (decimal)")
  positive("y", y, "an impact coefficient > 0")
  return y * dailyVol * Math.sqrt(size / dailyVolume)
}

/**
 * A Deribit-style tick schedule: `tick` below the first step, then each step's tick above its price.
 *
 * @since 0.1.0
 * @category rounding
 */
export interface Ticks {
  readonly tick: number
  readonly steps?: ReadonlyArray<{ readonly abovePrice: number; readonly tick: number }> | undefined
}

/**
 * The tick at a price: the last step whose `abovePrice` is below it, else the base tick (Deribit's rule).
 *
 * @since 0.1.0
 * @category rounding
 */
export const tickAt = (ticks: Ticks, price: number): number => {
  positive("tick", ticks.tick, "a tick > 0")
  let tick = ticks.tick
  for (const s of ticks.steps ?? []) if (s.abovePrice < price) tick = s.tick
  return tick
}

/**
 * A limit price on the tick grid, rounded away from the market's favour for the side: a buy rounds up, a sell
 * down (so the order still crosses what it meant to cross).
 *
 * @since 0.1.0
 * @category rounding
 */
export const roundPrice = (ticks: Ticks, price: number, side: "buy" | "sell"): number => {
  positive("price", price, "a price > 0")
  const tick = tickAt(ticks, price)
  const steps = price / tick
  // a price already on the grid up to rounding stays where it is
  const near = Math.round(steps)
  const n = Math.abs(steps - near) < 1e-9 ? near : side === "buy" ? Math.ceil(steps) : Math.floor(steps)
  return Number((n * tick).toPrecision(15))
}

/**
 * What can be sent of a desired signed quantity: whole lots (rounded to the nearest, never flipping the sign),
 * nothing below the minimum size; the rest is the residual to carry to the next decision, not dropped.
 *
 * @since 0.1.0
 * @category rounding
 */
export const sizeOrder = (desired: number, lot: number, minimum = lot): { readonly order: number; readonly residual: number } => {
  finite("desired", desired, "a finite signed quantity")
  positive("lot", lot, "a lot size > 0")
  if (!(minimum >= 0 && minimum < Infinity)) throw new InvalidInput({ field: "minimum", value: minimum, expected: "a minimum order size ≥ 0" })
  const order = RebalancePolicy.roundToLot(desired, lot, minimum)
  return { order, residual: desired - order }
}

/**
 * What to price before sending: an order of `size` in the instrument's units (inverse futures and perpetuals:
 * USD; linear: coins; options: contracts), against a mid price in the instrument's price unit (futures: USD per
 * coin; inverse options: coin per contract; linear options: USD per contract). The spread is taken from the
 * book's levels on the side the order takes (asks for a buy) when given, else from `halfSpread` (price units);
 * what the book cannot fill pays square-root impact when `impact` is given, and is an error otherwise.
 *
 * @since 0.1.0
 * @category pre-trade
 */
export interface OrderQuote {
  readonly kind: "future" | "option"
  readonly settlement: "inverse" | "linear"
  readonly side: "buy" | "sell"
  readonly size: number
  readonly mid: number
  readonly levels?: Levels
  readonly halfSpread?: number
  readonly impact?: { readonly dailyVolume: number; readonly dailyVol: number; readonly y?: number }
  readonly role: Role
  readonly fees: FutureFees | OptionFees
  /** Option contract size in coins (default 1). */
  readonly multiplier?: number
  /** Index price (USD) for a linear option's fee, which is a rate of the index. */
  readonly indexPrice?: number
}

/**
 * An order's cost broken down, in `currency` (coin for inverse instruments, the quote currency for linear ones):
 * fee, spread (against the mid), impact beyond visible depth, their total, the expected average price, and the
 * total as a fraction of the order's notional (κ, what the band policies take).
 *
 * @since 0.1.0
 * @category pre-trade
 */
export interface OrderCost {
  readonly currency: "coin" | "quote"
  readonly price: number
  readonly fee: number
  readonly spread: number
  readonly impact: number
  readonly total: number
  readonly proportional: number
}

/**
 * Prices an order before it is sent (see {@link OrderQuote}).
 *
 * @since 0.1.0
 * @category pre-trade
 */
export const orderCost = (q: OrderQuote): OrderCost => {
  if (!(q.size > 0 && q.size < Infinity)) throw new InvalidInput({ field: "size", value: q.size, expected: "an order size > 0 in the instrument's units" })
  positive("mid", q.mid, "a mid price > 0")
  if (q.side !== "buy" && q.side !== "sell") throw new InvalidInput({ field: "side", value: q.side, expected: '"buy" or "sell"' })
  const sign = q.side === "buy" ? 1 : -1
  let price: number
  let impactPrice = 0
  if (q.levels !== undefined && q.levels.length > 0) {
    const walk = walkBook(q.levels, q.size)
    let beyond = 0
    if (walk.unfilled > 0) {
      if (q.impact === undefined) {
        throw new InvalidInput({ field: "size", value: q.size, expected: `at most the book's visible ${walk.filled} (or an impact model for the rest)` })
      }
      beyond = walk.unfilled
      impactPrice = walk.worst * squareRootImpact(beyond, q.impact.dailyVolume, q.impact.dailyVol, q.impact.y)
    }
    // what the book fills at its levels, the rest at the last level moved by the impact
    const rest = walk.worst + sign * impactPrice
    price = ((walk.filled > 0 ? walk.vwap * walk.filled : 0) + rest * beyond) / q.size
    impactPrice = impactPrice * (beyond / q.size)
  } else {
    const h = q.halfSpread ?? NaN
    if (!(h >= 0 && h < q.mid)) throw new InvalidInput({ field: "halfSpread", value: q.halfSpread, expected: "a half-spread ≥ 0 below the mid (price units), or the book's levels" })
    price = q.mid + sign * h
    if (q.impact !== undefined) {
      impactPrice = q.mid * squareRootImpact(q.size, q.impact.dailyVolume, q.impact.dailyVol, q.impact.y)
      price += sign * impactPrice
    }
  }
  if (!(price > 0)) throw new InvalidInput({ field: "size", value: q.size, expected: "a size whose impact leaves a positive price" })
  const slip = sign * (price - q.mid) // ≥ 0: what crossing and impact cost per unit of price
  const impactShare = slip > 0 ? Math.min(1, Math.abs(impactPrice) / slip) : 0
  if (q.kind === "future") {
    const fees = q.fees as FutureFees
    if (q.settlement === "inverse") {
      // USD contracts: coin paid = size/price for a buy at `price` against size/mid at the mid
      const fee = futureFee(fees, q.role, "inverse", q.size, price)
      const spread = Math.abs(q.size / q.mid - q.size / price)
      const notional = q.size / q.mid
      return { currency: "coin", price, fee, spread: spread * (1 - impactShare), impact: spread * impactShare, total: fee + spread, proportional: (fee + spread) / notional }
    }
    const fee = futureFee(fees, q.role, "linear", q.size, price)
    const spread = q.size * slip
    const notional = q.size * q.mid
    return { currency: "quote", price, fee, spread: spread * (1 - impactShare), impact: spread * impactShare, total: fee + spread, proportional: (fee + spread) / notional }
  }
  const fees = q.fees as OptionFees
  const m = q.multiplier ?? 1
  if (q.settlement === "linear" && !(q.indexPrice !== undefined && q.indexPrice > 0)) {
    throw new InvalidInput({ field: "indexPrice", value: q.indexPrice, expected: "the index price (USD) a linear option's fee is a rate of" })
  }
  const fee = q.settlement === "inverse"
    ? optionFee(fees, q.role, q.size, price, m, 1)
    : optionFee(fees, q.role, q.size, price, m, q.indexPrice ?? NaN)
  const spread = q.size * slip
  const notional = q.settlement === "inverse" ? q.size * m : q.size * m * (q.indexPrice ?? NaN)
  return {
    currency: q.settlement === "inverse" ? "coin" : "quote",
    price, fee, spread: spread * (1 - impactShare), impact: spread * impactShare, total: fee + spread,
    proportional: (fee + spread) / notional
  }
}
