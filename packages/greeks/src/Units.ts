/**
 * Greeks with their units in the type. A `Quantity<U>` is a plain number at run time; its type carries what it
 * is (`greek`), its currency (`ccy`: the quote currency "USD" — USD, USDC, USDT — or the base "coin"), the unit
 * of a vol or rate sensitivity (`per`: per 1.00 of vol or rate, or per vol point / 1 % = 0.01), the time unit of a time decay
 * (`time`: per year, per calendar day, per trading day), and whether it is for one contract or a whole
 * position (`size`). Code cannot pass a vega per vol point where a vega per 1.00 is expected, nor add a
 * per-contract delta to a per-position one; conversions are explicit functions below.
 *
 * Definitions (derivatives of the option value V with U the underlying's price in the quote currency):
 * - `value`: V, in `ccy`;
 * - `delta`: ∂V_usd/∂U, in coins of underlying (dimensionless per contract of 1 coin);
 * - `coinDelta`: U·∂V_coin/∂U = delta − V_coin, the premium-adjusted delta (Deribit's Net Transaction Delta,
 *   OKX's "PA" delta), in coins;
 * - `gamma`: ∂²V_usd/∂U², coins per 1 unit of U (per USD);
 * - `coinGamma`: U²·∂²V_coin/∂U², coins (OKX's "PA" gamma);
 * - `vega`: ∂V/∂σ in `ccy`, `per` 1.00 of vol or per vol point;
 * - `theta`: dV/dt as calendar time passes, in `ccy` per `time`;
 * - `rho`: ∂V/∂r in `ccy`, `per` 1.00 of rate or per 1 %.
 *
 * @since 0.1.0
 */
import { InvalidInput } from "@hedgekit/sdk"

declare const unitBrand: unique symbol

/**
 * @since 0.1.0
 * @category units
 */
export type Currency = "USD" | "coin"

/**
 * `per1`: per 1.00 (100 %) of vol or rate; `perPoint`: per 0.01 (one vol point, 1 % of rate).
 *
 * @since 0.1.0
 * @category units
 */
export type VolUnit = "per1" | "perPoint"

/**
 * `perYear`, `perDay` (calendar day, 1/365 year), `perTradingDay` (1/N year, N trading days a year).
 *
 * @since 0.1.0
 * @category units
 */
export type TimeUnit = "perYear" | "perDay" | "perTradingDay"

/**
 * @since 0.1.0
 * @category units
 */
export type Size = "contract" | "position"

/**
 * A number that carries its unit in its type (nothing at run time).
 *
 * @since 0.1.0
 * @category units
 */
export type Quantity<U> = number & { readonly [unitBrand]: U }

/** @since 0.1.0 @category units */
export type Value<C extends Currency, Z extends Size> = Quantity<{ readonly greek: "value"; readonly ccy: C; readonly size: Z }>
/** @since 0.1.0 @category units */
export type Delta<Z extends Size> = Quantity<{ readonly greek: "delta"; readonly size: Z }>
/** @since 0.1.0 @category units */
export type CoinDelta<Z extends Size> = Quantity<{ readonly greek: "coinDelta"; readonly size: Z }>
/** @since 0.1.0 @category units */
export type Gamma<Z extends Size> = Quantity<{ readonly greek: "gamma"; readonly size: Z }>
/** @since 0.1.0 @category units */
export type CoinGamma<Z extends Size> = Quantity<{ readonly greek: "coinGamma"; readonly size: Z }>
/** @since 0.1.0 @category units */
export type Vega<C extends Currency, V extends VolUnit, Z extends Size> = Quantity<{
  readonly greek: "vega"
  readonly ccy: C
  readonly per: V
  readonly size: Z
}>
/** @since 0.1.0 @category units */
export type Theta<C extends Currency, T extends TimeUnit, Z extends Size> = Quantity<{
  readonly greek: "theta"
  readonly ccy: C
  readonly time: T
  readonly size: Z
}>
/** @since 0.1.0 @category units */
export type Rho<C extends Currency, V extends VolUnit, Z extends Size> = Quantity<{
  readonly greek: "rho"
  readonly ccy: C
  readonly per: V
  readonly size: Z
}>

/** Any quantity whose unit has the given size. */
type Sized<Z extends Size> = Quantity<{ readonly size: Z }>
type Resize<Q, Z extends Size> = Q extends Quantity<infer U> ? Quantity<{ readonly [K in keyof U]: K extends "size" ? Z : U[K] }> : never
type Recurrency<Q, C extends Currency> = Q extends Quantity<infer U> ? Quantity<{ readonly [K in keyof U]: K extends "ccy" ? C : U[K] }> : never

const finite = (field: string, value: number, expected: string): void => {
  if (!Number.isFinite(value)) throw new InvalidInput({ field, value, expected })
}

/**
 * Tags a raw number with a unit — the one place a plain number becomes a quantity.
 *
 * @example
 * const vega = Units.vega(2.24964, "USD", "perPoint", "contract")
 * @since 0.1.0
 * @category constructors
 */
export const value = <C extends Currency, Z extends Size>(x: number, _ccy: C, _size: Z): Value<C, Z> => x as Value<C, Z>
/** @since 0.1.0 @category constructors */
export const delta = <Z extends Size>(x: number, _size: Z): Delta<Z> => x as Delta<Z>
/** @since 0.1.0 @category constructors */
export const coinDelta = <Z extends Size>(x: number, _size: Z): CoinDelta<Z> => x as CoinDelta<Z>
/** @since 0.1.0 @category constructors */
export const gamma = <Z extends Size>(x: number, _size: Z): Gamma<Z> => x as Gamma<Z>
/** @since 0.1.0 @category constructors */
export const coinGamma = <Z extends Size>(x: number, _size: Z): CoinGamma<Z> => x as CoinGamma<Z>
/** @since 0.1.0 @category constructors */
export const vega = <C extends Currency, V extends VolUnit, Z extends Size>(x: number, _ccy: C, _per: V, _size: Z): Vega<C, V, Z> =>
  x as Vega<C, V, Z>
/** @since 0.1.0 @category constructors */
export const theta = <C extends Currency, T extends TimeUnit, Z extends Size>(x: number, _ccy: C, _time: T, _size: Z): Theta<C, T, Z> =>
  x as Theta<C, T, Z>
/** @since 0.1.0 @category constructors */
export const rho = <C extends Currency, V extends VolUnit, Z extends Size>(x: number, _ccy: C, _per: V, _size: Z): Rho<C, V, Z> =>
  x as Rho<C, V, Z>

/**
 * Sum of quantities of one unit (a book's net Greek).
 *
 * @since 0.1.0
 * @category arithmetic
 */
export const sum = <Q extends Quantity<unknown>>(quantities: Iterable<Q>): Q => {
  let total = 0
  for (const q of quantities) total += q
  return total as Q
}

/**
 * a + b, of one unit.
 *
 * @since 0.1.0
 * @category arithmetic
 */
export const add = <Q extends Quantity<unknown>>(a: Q, b: Q): Q => (a + b) as Q

/**
 * Vega (or rho) per vol point (0.01) from per 1.00: ÷ 100.
 *
 * @since 0.1.0
 * @category conversions
 */
export const perPoint = <G extends "vega" | "rho", C extends Currency, Z extends Size>(
  x: Quantity<{ readonly greek: G; readonly ccy: C; readonly per: "per1"; readonly size: Z }>
): Quantity<{ readonly greek: G; readonly ccy: C; readonly per: "perPoint"; readonly size: Z }> =>
  (x / 100) as Quantity<{ readonly greek: G; readonly ccy: C; readonly per: "perPoint"; readonly size: Z }>

/**
 * Vega (or rho) per 1.00 from per vol point: × 100.
 *
 * @since 0.1.0
 * @category conversions
 */
export const perOne = <G extends "vega" | "rho", C extends Currency, Z extends Size>(
  x: Quantity<{ readonly greek: G; readonly ccy: C; readonly per: "perPoint"; readonly size: Z }>
): Quantity<{ readonly greek: G; readonly ccy: C; readonly per: "per1"; readonly size: Z }> =>
  (x * 100) as Quantity<{ readonly greek: G; readonly ccy: C; readonly per: "per1"; readonly size: Z }>

/**
 * Theta per calendar day from per year: ÷ 365 (the ACT/365 year of `Time.yearFraction`).
 *
 * @since 0.1.0
 * @category conversions
 */
export const perDay = <C extends Currency, Z extends Size>(x: Theta<C, "perYear", Z>): Theta<C, "perDay", Z> =>
  (x / 365) as Theta<C, "perDay", Z>

/**
 * Theta per trading day from per year: ÷ `tradingDays` (e.g. 252 for an exchange calendar; crypto trades 365).
 *
 * @since 0.1.0
 * @category conversions
 */
export const perTradingDay = <C extends Currency, Z extends Size>(
  x: Theta<C, "perYear", Z>,
  tradingDays: number
): Theta<C, "perTradingDay", Z> => {
  if (!(tradingDays > 0 && Number.isFinite(tradingDays))) {
    throw new InvalidInput({ field: "tradingDays", value: tradingDays, expected: "a number of trading days per year > 0" })
  }
  return (x / tradingDays) as Theta<C, "perTradingDay", Z>
}

/**
 * Theta per year from per calendar day: × 365.
 *
 * @since 0.1.0
 * @category conversions
 */
export const perYear = <C extends Currency, Z extends Size>(x: Theta<C, "perDay", Z>): Theta<C, "perYear", Z> =>
  (x * 365) as Theta<C, "perYear", Z>

/**
 * A position's Greek from one contract's: × `contracts` (signed: negative for a short) × `multiplier` (units
 * of underlying per contract: 1 for a Deribit BTC option, 10 for a SOL_USDC option, 0.01 BTC for an OKX BTC
 * option's `ctMult`).
 *
 * @since 0.1.0
 * @category conversions
 */
export const perPosition = <Q extends Sized<"contract">>(x: Q, contracts: number, multiplier: number): Resize<Q, "position"> => {
  finite("contracts", contracts, "a finite signed number of contracts")
  if (!(multiplier > 0 && Number.isFinite(multiplier))) {
    throw new InvalidInput({ field: "multiplier", value: multiplier, expected: "units of underlying per contract, > 0" })
  }
  return (x * contracts * multiplier) as Resize<Q, "position">
}

/**
 * A value-like quantity (value, vega, theta, rho) in coin from USD: ÷ the coin's price in USD (Deribit
 * divides by its index). Not for delta or gamma, whose coin versions are different derivatives
 * (see `Inverse`).
 *
 * @since 0.1.0
 * @category conversions
 */
export const toCoin = <Q extends Quantity<{ readonly greek: "value" | "vega" | "theta" | "rho"; readonly ccy: "USD" }>>(
  x: Q,
  coinPrice: number
): Recurrency<Q, "coin"> => {
  if (!(coinPrice > 0 && Number.isFinite(coinPrice))) {
    throw new InvalidInput({ field: "coinPrice", value: coinPrice, expected: "the coin's price in USD, > 0" })
  }
  return (x / coinPrice) as Recurrency<Q, "coin">
}

/**
 * A value-like quantity in USD from coin: × the coin's price in USD.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toUsd = <Q extends Quantity<{ readonly greek: "value" | "vega" | "theta" | "rho"; readonly ccy: "coin" }>>(
  x: Q,
  coinPrice: number
): Recurrency<Q, "USD"> => {
  if (!(coinPrice > 0 && Number.isFinite(coinPrice))) {
    throw new InvalidInput({ field: "coinPrice", value: coinPrice, expected: "the coin's price in USD, > 0" })
  }
  return (x * coinPrice) as Recurrency<Q, "USD">
}
