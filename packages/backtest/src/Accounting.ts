/**
 * Exact coin/USD accounting of a hedged option book, one row per path (struct of arrays).
 *
 * Two cash balances per path: `coin` (the underlying's coin: inverse premiums, inverse futures and perpetual
 * P&L, coin fees and funding) and `usd` (USD or a USD stablecoin: linear premiums and P&L, their fees and
 * funding). Positions: the option legs (contracts of `multiplier` coins) and one hedge instrument.
 *
 * The rules (DOMAIN §1, §2):
 * - inverse option: premium and settlement in coin; a call pays max(S_T − K, 0)/S_T coin per coin of
 *   underlying at expiry, a put max(K − S_T, 0)/S_T; linear options the same in USD without the division;
 * - inverse perpetual or future of Q USD (contracts × `contractSize`): marked to market into the coin balance,
 *   Q(1/P₀ − 1/P) coin from P₀ to P; linear ones of q coins: q(P − P₀) USD; trading at a fill price away from
 *   the mark books that difference at once (it is the spread and impact paid), so one reference price serves
 *   every contract;
 * - spot coin: buying q coins at P moves q into `coin` and q·P out of `usd`;
 * - funding on perpetuals, longs paying a positive rate: discrete payments of rate × notional (coin Q/P for
 *   inverse, USD q·P for linear), or continuous accrual of rate per interval over the time elapsed;
 * - fees in the fee's currency (coin for inverse instruments, USD for linear ones), a negative fee a rebate.
 *
 * Equity in coin: coin + usd/S + the option legs' marks (coin) + spot (coins); in USD: the same × S — so the coin
 * and USD views agree with the price path by construction, and each is the P&L of its accounting.
 *
 * @since 0.1.0
 */
import { InvalidInput, type Instrument } from "@hedgekit/sdk"

/**
 * The instruments an account holds: option legs and one hedge.
 *
 * @since 0.1.0
 * @category models
 */
export interface Holdings {
  readonly legs: ReadonlyArray<Instrument.OptionInstrument>
  readonly hedge: Instrument.PerpetualInstrument | Instrument.FutureInstrument | Instrument.SpotInstrument
}

/**
 * Cumulative flows per path, in their currencies, for attribution: what was paid in fees, funding and
 * slippage (fill against mark), and what settlement paid.
 *
 * @since 0.1.0
 * @category models
 */
export interface Flows {
  readonly feesCoin: Float64Array
  readonly feesUsd: Float64Array
  readonly fundingCoin: Float64Array
  readonly fundingUsd: Float64Array
  readonly slippageCoin: Float64Array
  readonly slippageUsd: Float64Array
  readonly premiumCoin: Float64Array
  readonly premiumUsd: Float64Array
  readonly settlementCoin: Float64Array
  readonly settlementUsd: Float64Array
}

/**
 * An account per path.
 *
 * @since 0.1.0
 * @category models
 */
export interface Account extends Flows {
  readonly paths: number
  readonly holdings: Holdings
  readonly coin: Float64Array
  readonly usd: Float64Array
  /** Contracts (options) per leg: `legs[k][i]`. */
  readonly legs: ReadonlyArray<Float64Array>
  /** Hedge position in its units (contracts; coins for spot). */
  readonly hedge: Float64Array
  /** The hedge's last mark-to-market price (NaN before the first mark). */
  readonly hedgeRef: Float64Array
  /** Time of the last continuous-funding accrual (NaN before the first). */
  readonly fundedMs: Float64Array
}

/**
 * A fresh account for `paths` paths, with starting balances.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  holdings: Holdings,
  paths: number,
  start: { readonly coin?: number; readonly usd?: number; readonly hedge?: number } = {},
  /** Where the balances and positions are allocated (the engine's WebAssembly memory); zeroed columns of `paths` rows. */
  allocate: (paths: number) => Float64Array = (n) => new Float64Array(n)
): Account => {
  if (!(Number.isInteger(paths) && paths > 0)) throw new InvalidInput({ field: "paths", value: paths, expected: "a whole number of paths > 0" })
  const col = (x = 0) => new Float64Array(paths).fill(x)
  const held = (x = 0) => allocate(paths).fill(x)
  return {
    paths,
    holdings,
    coin: held(start.coin ?? 0),
    usd: held(start.usd ?? 0),
    legs: Array.from(holdings.legs, () => held()),
    // a hedge held from before (a live loop restarting): marked from its first price on, as if opened there
    hedge: held(start.hedge ?? 0),
    hedgeRef: held(NaN),
    fundedMs: col(NaN),
    feesCoin: col(), feesUsd: col(), fundingCoin: col(), fundingUsd: col(), slippageCoin: col(), slippageUsd: col(),
    premiumCoin: col(), premiumUsd: col(), settlementCoin: col(), settlementUsd: col()
  }
}

const isInverse = (i: { readonly settlement?: string }): boolean => i.settlement === "inverse"

/**
 * Marks path `i`'s hedge to `mark`: the P&L since its last mark goes to cash (inverse: coin, linear: USD).
 *
 * @since 0.1.0
 * @category hedge
 */
export const markHedge = (a: Account, i: number, mark: number): void => {
  const h = a.holdings.hedge
  if (h.kind === "spot") return
  const ref = a.hedgeRef[i]!
  const q = a.hedge[i]!
  if (q !== 0 && ref === ref) {
    if (isInverse(h)) a.coin[i]! += q * h.contractSize * (1 / ref - 1 / mark)
    else a.usd[i]! += q * h.contractSize * (mark - ref)
  }
  a.hedgeRef[i] = mark
}

/**
 * Path `i` trades `quantity` (signed, instrument units) of the hedge at `price` with `fee` (in the fee currency:
 * coin for inverse and spot-coin fees, USD for linear), the hedge being marked at `mark`. The position is first
 * marked to `mark`; the fill's distance from it is booked as slippage.
 *
 * @since 0.1.0
 * @category hedge
 */
export const tradeHedge = (a: Account, i: number, quantity: number, price: number, mark: number, fee: number): void => {
  const h = a.holdings.hedge
  if (h.kind === "spot") {
    a.coin[i]! += quantity
    a.usd[i]! -= quantity * price
    a.slippageUsd[i]! += quantity * (price - mark)
    a.usd[i]! -= fee
    a.feesUsd[i]! += fee
    a.hedge[i]! += quantity
    return
  }
  markHedge(a, i, mark)
  if (isInverse(h)) {
    const slip = quantity * h.contractSize * (1 / price - 1 / mark)
    a.coin[i]! += slip
    a.slippageCoin[i]! -= slip
    a.coin[i]! -= fee
    a.feesCoin[i]! += fee
  } else {
    const slip = quantity * h.contractSize * (mark - price)
    a.usd[i]! += slip
    a.slippageUsd[i]! -= slip
    a.usd[i]! -= fee
    a.feesUsd[i]! += fee
  }
  a.hedge[i]! += quantity
}

/**
 * A discrete funding payment on path `i`'s perpetual: longs pay `rate` × notional at `mark` (inverse: coin
 * Q/mark; linear: USD q·mark); shorts receive it.
 *
 * @since 0.1.0
 * @category hedge
 */
export const fundDiscrete = (a: Account, i: number, rate: number, mark: number): void => {
  const h = a.holdings.hedge
  if (h.kind !== "perpetual") return
  const q = a.hedge[i]!
  if (isInverse(h)) {
    const pay = (rate * q * h.contractSize) / mark
    a.coin[i]! -= pay
    a.fundingCoin[i]! += pay
  } else {
    const pay = rate * q * h.contractSize * mark
    a.usd[i]! -= pay
    a.fundingUsd[i]! += pay
  }
}

/**
 * Continuous funding on path `i` up to `timeMs`: `rate` per `intervalMs`, accrued on the position held since the
 * last accrual (Deribit's per-millisecond funding), at `mark`.
 *
 * @since 0.1.0
 * @category hedge
 */
export const fundContinuous = (a: Account, i: number, rate: number, intervalMs: number, mark: number, timeMs: number): void => {
  const from = a.fundedMs[i]!
  a.fundedMs[i] = timeMs
  if (!(from === from) || !(timeMs > from)) return
  fundDiscrete(a, i, (rate * (timeMs - from)) / intervalMs, mark)
}

/**
 * Path `i` trades `quantity` contracts of option leg `k` at `price` per contract (coin for inverse, USD for
 * linear), paying `fee` in the premium's currency; `mark` is the leg's mark, for slippage.
 *
 * @since 0.1.0
 * @category options
 */
export const tradeOption = (a: Account, i: number, k: number, quantity: number, price: number, mark: number, fee: number): void => {
  const leg = a.holdings.legs[k]
  if (leg === undefined) throw new InvalidInput({ field: "leg", value: k, expected: `a leg index below ${a.holdings.legs.length}` })
  const paid = quantity * price
  if (isInverse(leg)) {
    a.coin[i]! -= paid + fee
    a.premiumCoin[i]! -= paid
    a.feesCoin[i]! += fee
    a.slippageCoin[i]! += quantity * (price - mark)
  } else {
    a.usd[i]! -= paid + fee
    a.premiumUsd[i]! -= paid
    a.feesUsd[i]! += fee
    a.slippageUsd[i]! += quantity * (price - mark)
  }
  a.legs[k]![i]! += quantity
}

/**
 * Option payoff per contract at a delivery price: inverse in coin (max(S−K, 0)/S for a call), linear in USD.
 *
 * @since 0.1.0
 * @category options
 */
export const payoff = (leg: Instrument.OptionInstrument, delivery: number): number => {
  const intrinsic = leg.optionType === "call" ? Math.max(delivery - leg.strike, 0) : Math.max(leg.strike - delivery, 0)
  return (leg.multiplier * intrinsic) / (isInverse(leg) ? delivery : 1)
}

/**
 * Settles leg `k` of path `i` at the `delivery` price: the payoff to cash, less a delivery fee of
 * `deliveryFeeRate` × underlying (coin per coin for inverse; × the delivery price for linear) capped at
 * `deliveryFeeCap` × the payoff, on options that pay; the position goes to zero.
 *
 * @since 0.1.0
 * @category options
 */
export const settleOption = (a: Account, i: number, k: number, delivery: number, deliveryFeeRate = 0, deliveryFeeCap = 0.125): void => {
  const leg = a.holdings.legs[k]!
  const q = a.legs[k]![i]!
  if (q === 0) return
  const pay = q * payoff(leg, delivery)
  const fee = pay === 0 ? 0 : Math.min(deliveryFeeRate * Math.abs(q) * leg.multiplier * (isInverse(leg) ? 1 : delivery), deliveryFeeCap * Math.abs(pay))
  if (isInverse(leg)) {
    a.coin[i]! += pay - fee
    a.settlementCoin[i]! += pay
    a.feesCoin[i]! += fee
  } else {
    a.usd[i]! += pay - fee
    a.settlementUsd[i]! += pay
    a.feesUsd[i]! += fee
  }
  a.legs[k]![i] = 0
}

/**
 * Settles a dated-future hedge at `delivery`: its last mark-to-market, then the position closes.
 *
 * @since 0.1.0
 * @category hedge
 */
export const settleFuture = (a: Account, i: number, delivery: number): void => {
  if (a.holdings.hedge.kind !== "future") return
  markHedge(a, i, delivery)
  a.hedge[i] = 0
}

/**
 * Path `i`'s equity in coin at index `spot`, given each leg's mark per contract (`marks[k]`, in the leg's premium
 * currency): coin + usd/S + Σ legs + spot coins. Perpetuals and futures, marked to market, hold no value beyond
 * their cash (mark the hedge first).
 *
 * @since 0.1.0
 * @category equity
 */
export const equityCoin = (a: Account, i: number, spot: number, marks: ArrayLike<number>): number => {
  let e = a.coin[i]! + a.usd[i]! / spot
  const legs = a.holdings.legs
  for (let k = 0; k < legs.length; k++) {
    const q = a.legs[k]![i]!
    if (q !== 0) e += (q * marks[k]!) / (isInverse(legs[k]!) ? 1 : spot)
  }
  return e
}

/**
 * Path `i`'s equity in USD: {@link equityCoin} × `spot`.
 *
 * @since 0.1.0
 * @category equity
 */
export const equityUsd = (a: Account, i: number, spot: number, marks: ArrayLike<number>): number => equityCoin(a, i, spot, marks) * spot
