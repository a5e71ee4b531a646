/**
 * Closed-form Greeks of every order for Black-Scholes-Merton, Black-76 and Bachelier: the price and first-order
 * Greeks from `@hedgekit/models` (full precision into the wings), then the second- and third-order ones from
 * their closed forms.
 *
 * Every Greek is a raw partial derivative, per 1 unit of the underlying, in the premium's currency:
 *
 * | Greek | definition | unit |
 * |---|---|---|
 * | `delta` | ∂V/∂U (U = spot for BSM, forward otherwise) | per 1 unit of U |
 * | `gamma` | ∂²V/∂U² | per unit² |
 * | `vega` | ∂V/∂σ | per 1.00 of vol (Bachelier: per 1 unit of absolute vol) |
 * | `theta` | −∂V/∂T | per year of calendar time passing |
 * | `rho` | ∂V/∂r (U fixed) | per 1.00 of rate |
 * | `dividendRho` | ∂V/∂q (BSM) | per 1.00 of yield |
 * | `vanna` | ∂²V/∂U∂σ | per unit per 1.00 vol |
 * | `volga` | ∂²V/∂σ² (vomma) | per 1.00 vol² |
 * | `charm` | −∂²V/∂U∂T (delta decay) | per unit per year |
 * | `veta` | −∂²V/∂σ∂T (vega decay) | per 1.00 vol per year |
 * | `speed` | ∂³V/∂U³ | per unit³ |
 * | `zomma` | ∂³V/∂U²∂σ | per unit² per 1.00 vol |
 * | `color` | −∂³V/∂U²∂T (gamma decay) | per unit² per year |
 * | `ultima` | ∂³V/∂σ³ | per 1.00 vol³ |
 * | `dualDelta` | ∂V/∂K | per 1 unit of strike |
 * | `dualGamma` | ∂²V/∂K² | per unit² of strike |
 *
 * Scalar functions throw the models' `InvalidInput`; batch functions write a `BatchStatus` code per row and
 * NaN outputs for a bad row.
 *
 * @since 0.1.0
 */
import { Bachelier, Black76, BlackScholes } from "@hedgekit/models"
import type { Instrument } from "@hedgekit/sdk"
import { InvalidInput } from "@hedgekit/sdk"
import { bachelierHigherRows, blackHigherRows } from "./internal/higherOrder.js"
import type { HigherColumns } from "./internal/higherOrder.js"

/**
 * Price and Greeks to third order of one option (units in the module documentation).
 *
 * @since 0.1.0
 * @category models
 */
export interface AllGreeks {
  readonly price: number
  readonly delta: number
  readonly gamma: number
  readonly vega: number
  readonly theta: number
  readonly rho: number
  readonly vanna: number
  readonly volga: number
  readonly charm: number
  readonly veta: number
  readonly speed: number
  readonly zomma: number
  readonly color: number
  readonly ultima: number
  readonly dualDelta: number
  readonly dualGamma: number
}

/**
 * {@link AllGreeks} of an option on a spot with a continuous yield, plus `dividendRho` = ∂V/∂q.
 *
 * @since 0.1.0
 * @category models
 */
export interface SpotGreeks extends AllGreeks {
  readonly dividendRho: number
}

/**
 * The names of {@link AllGreeks}, in a fixed order (the CLI's column order).
 *
 * @since 0.1.0
 * @category models
 */
export const greekNames = [
  "price", "delta", "gamma", "vega", "theta", "rho",
  "vanna", "volga", "charm", "veta", "speed", "zomma", "color", "ultima", "dualDelta", "dualGamma"
] as const satisfies ReadonlyArray<keyof AllGreeks>

/**
 * Caller-owned output columns of the batch functions, one per Greek of {@link AllGreeks}.
 *
 * @since 0.1.0
 * @category batch
 */
export type Columns = { readonly [K in keyof AllGreeks]: Float64Array }

/**
 * {@link Columns} plus `dividendRho`, for {@link blackScholesBatch}.
 *
 * @since 0.1.0
 * @category batch
 */
export type SpotColumns = { readonly [K in keyof SpotGreeks]: Float64Array }

/**
 * Allocates columns for `length` rows (outside hot loops; reuse them across calls).
 *
 * @since 0.1.0
 * @category batch
 */
export const makeColumns = (length: number): SpotColumns => {
  const column = () => new Float64Array(length)
  return {
    price: column(), delta: column(), gamma: column(), vega: column(), theta: column(), rho: column(),
    dividendRho: column(), vanna: column(), volga: column(), charm: column(), veta: column(), speed: column(),
    zomma: column(), color: column(), ultima: column(), dualDelta: column(), dualGamma: column()
  }
}

const checkHigher = (length: number, out: HigherColumns): void => {
  for (const [name, column] of Object.entries(out)) {
    if (!(column instanceof Float64Array) || column.length < length) {
      throw new InvalidInput({
        field: `out.${name}`,
        value: column instanceof Float64Array ? column.length : String(column),
        expected: `a Float64Array of at least ${length} rows`
      })
    }
  }
}

const higherOf = (out: Columns): HigherColumns => ({
  vanna: out.vanna, volga: out.volga, charm: out.charm, veta: out.veta, speed: out.speed,
  zomma: out.zomma, color: out.color, ultima: out.ultima, dualDelta: out.dualDelta, dualGamma: out.dualGamma
})

// One-row columns for the scalar functions, so scalar and batch results are the same numbers.
const row = makeColumns(1)
const rowStatus = new Uint8Array(1)
const rowIsCall = new Uint8Array(1)
const rowU = new Float64Array(1)
const rowK = new Float64Array(1)
const rowT = new Float64Array(1)
const rowR = new Float64Array(1)
const rowQ = new Float64Array(1)
const rowVol = new Float64Array(1)

const setRow = (type: Instrument.OptionType, U: number, K: number, T: number, r: number, vol: number): void => {
  rowIsCall[0] = type === "call" ? 1 : 0
  rowU[0] = U
  rowK[0] = K
  rowT[0] = T
  rowR[0] = r
  rowVol[0] = vol
  rowStatus[0] = 0
}

const rowGreeks = (first: { readonly price: number; readonly delta: number; readonly gamma: number; readonly vega: number; readonly theta: number; readonly rho: number }): AllGreeks => ({
  price: first.price, delta: first.delta, gamma: first.gamma, vega: first.vega, theta: first.theta, rho: first.rho,
  vanna: row.vanna[0]!, volga: row.volga[0]!, charm: row.charm[0]!, veta: row.veta[0]!, speed: row.speed[0]!,
  zomma: row.zomma[0]!, color: row.color[0]!, ultima: row.ultima[0]!, dualDelta: row.dualDelta[0]!,
  dualGamma: row.dualGamma[0]!
})

/**
 * Black-Scholes-Merton Greeks to third order, the spot held fixed.
 *
 * @since 0.1.0
 * @category greeks
 */
export const blackScholes = (
  type: Instrument.OptionType,
  spot: number,
  strike: number,
  expiry: number,
  rate: number,
  dividend: number,
  vol: number
): SpotGreeks => {
  const first = BlackScholes.greeks(type, spot, strike, expiry, rate, dividend, vol)
  setRow(type, spot, strike, expiry, rate, vol)
  rowQ[0] = dividend
  blackHigherRows(1, rowIsCall, rowU, rowK, rowT, rowR, rowQ, rowVol, first_(first), row, rowStatus)
  return { ...rowGreeks(first), dividendRho: first.dividendRho }
}

/**
 * Black-76 Greeks to third order, the forward held fixed.
 *
 * @since 0.1.0
 * @category greeks
 */
export const black76 = (
  type: Instrument.OptionType,
  forward: number,
  strike: number,
  expiry: number,
  rate: number,
  vol: number
): AllGreeks => {
  const first = Black76.greeks(type, forward, strike, expiry, rate, vol)
  setRow(type, forward, strike, expiry, rate, vol)
  blackHigherRows(1, rowIsCall, rowU, rowK, rowT, rowR, undefined, rowVol, first_(first), row, rowStatus)
  return rowGreeks(first)
}

/**
 * Bachelier Greeks to third order, the forward held fixed; `vol` absolute (price units per √year).
 *
 * @since 0.1.0
 * @category greeks
 */
export const bachelier = (
  type: Instrument.OptionType,
  forward: number,
  strike: number,
  expiry: number,
  rate: number,
  vol: number
): AllGreeks => {
  const first = Bachelier.greeks(type, forward, strike, expiry, rate, vol)
  setRow(type, forward, strike, expiry, rate, vol)
  bachelierHigherRows(1, rowIsCall, rowU, rowK, rowT, rowR, rowVol, first_(first), row, rowStatus)
  return rowGreeks(first)
}

const firstDelta = new Float64Array(1)
const firstGamma = new Float64Array(1)
const firstVega = new Float64Array(1)
const firstColumns = { delta: firstDelta, gamma: firstGamma, vega: firstVega }
const first_ = (g: { readonly delta: number; readonly gamma: number; readonly vega: number }) => {
  firstDelta[0] = g.delta
  firstGamma[0] = g.gamma
  firstVega[0] = g.vega
  return firstColumns
}

/**
 * Greeks to third order of a chain on a spot into caller-owned columns (allocation-free per row).
 *
 * @since 0.1.0
 * @category batch
 */
export const blackScholesBatch = (input: BlackScholes.Batch, out: SpotColumns, status: Uint8Array): void => {
  const higher = higherOf(out)
  checkHigher(input.length, higher)
  BlackScholes.greeksBatch(input, out, status)
  blackHigherRows(input.length, input.isCall, input.spot, input.strike, input.expiry, input.rate, input.dividend, input.vol, out, higher, status)
}

/**
 * Black-76 Greeks to third order of a chain into caller-owned columns.
 *
 * @since 0.1.0
 * @category batch
 */
export const black76Batch = (input: Black76.Batch, out: Columns, status: Uint8Array): void => {
  const higher = higherOf(out)
  checkHigher(input.length, higher)
  Black76.greeksBatch(input, out, status)
  blackHigherRows(input.length, input.isCall, input.forward, input.strike, input.expiry, input.rate, undefined, input.vol, out, higher, status)
}

/**
 * Bachelier Greeks to third order of a chain into caller-owned columns.
 *
 * @since 0.1.0
 * @category batch
 */
export const bachelierBatch = (input: Bachelier.Batch, out: Columns, status: Uint8Array): void => {
  const higher = higherOf(out)
  checkHigher(input.length, higher)
  Bachelier.greeksBatch(input, out, status)
  bachelierHigherRows(input.length, input.isCall, input.forward, input.strike, input.expiry, input.rate, input.vol, out, higher, status)
}
