/**
 * The Variance Gamma model (Madan, Carr & Chang 1998) on a forward: European options on F, premiums discounted at
 * a continuously compounded rate r.
 *
 *     ln(F_T/F) = ωT + X_T,   X_T = θ·G_T + σ·W(G_T),   G_T ~ Gamma(shape T/ν, scale ν)  (mean T, variance νT),
 *     ω = ln(1 − θν − σ²ν/2)/ν,
 *
 * so that E[F_T] = F. Parameters: σ > 0 the volatility of the Brownian motion in gamma time, ν > 0 the variance
 * rate of the gamma time change (kurtosis; ν → 0 is Black-76 with vol σ), θ the drift in gamma time (skew:
 * negative for a fatter left tail). The martingale correction exists only when 1 − θν − σ²ν/2 > 0: otherwise
 * E[e^{X}] is infinite and no forward can be matched.
 *
 * Method: the exact representation of VG as Black-76 averaged over the gamma time (`internal/timeChange.ts`),
 * integrated with the trapezoidal rule in ln G on nested lattices until two agree; within 6e-14 relative (mostly
 * a few 1e-15) of 30-digit references over 672 rows (`test/Reference.test.ts`). When the lattices cannot agree within the node budget the scalar
 * functions throw `NoConvergence` and batches write `NO_CONVERGENCE`: no number is returned that the method cannot
 * vouch for.
 *
 * Greeks are analytic (differentiated under the integral, same nodes): delta ∂V/∂F, gamma ∂²V/∂F², vega ∂V/∂σ per
 * 1.00 of the model's σ (θ and ν fixed, ω following σ), theta = −∂V/∂T with F, r and the parameters fixed, rho =
 * −T·V. Gamma is +∞ at the single strike K = F·e^{ωT} when T/ν ≤ ½ (the density of F_T is unbounded there).
 *
 * Domain: forward, strike and expiry > 0 and finite, |rate × expiry| < 700; σ > 0, ν > 0, θ finite, with
 * 1 − θν − σ²ν/2 > 0 and T/ν > 0 (not underflowing). Scalar functions throw `InvalidInput` naming the field;
 * batches write a `BatchStatus` code per row (`INVALID_VOL` for σ, `INVALID_PARAMS` for ν, θ and the martingale
 * condition).
 *
 * @since 0.1.0
 */
import { BatchStatus, definePricingModel, InvalidInput, NoConvergence } from "@hedgekit/sdk"
import type { BatchParams, EuropeanBatch, EuropeanOption, Greeks, GreeksColumns, PricingModel } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import packageJson from "../package.json" with { type: "json" }
import { integralsOut, integrate, integrateArgs, MAX_LEVELS, MAX_NODES } from "./internal/timeChange.js"

/**
 * The model's name in a hedgekit registry (`"model": "variance-gamma"` in price rows).
 *
 * @since 0.1.0
 * @category models
 */
export const NAME = "variance-gamma"

const MARTINGALE =
  "1 − theta·nu − sigma²·nu/2 > 0 (the martingale correction ω = ln(1 − θν − σ²ν/2)/ν exists only then; " +
  "otherwise E[e^X] is infinite)"

/**
 * `{ sigma, nu, theta }`: σ > 0 (volatility of the Brownian motion in gamma time, decimal per √year), ν > 0
 * (variance rate of the gamma time change, years), θ (drift in gamma time, decimal per year), with
 * 1 − θν − σ²ν/2 > 0.
 *
 * @since 0.1.0
 * @category models
 */
export const Params = Schema.Struct({
  sigma: Schema.Finite.check(Schema.isGreaterThan(0)),
  nu: Schema.Finite.check(Schema.isGreaterThan(0)),
  theta: Schema.Finite
}).check(
  Schema.makeFilter((p) =>
    1 - p.theta * p.nu - 0.5 * p.sigma * p.sigma * p.nu > 0
      ? undefined
      : { path: ["theta"], issue: `expected ${MARTINGALE}` }
  )
)

/**
 * @since 0.1.0
 * @category models
 */
export type Params = typeof Params.Type

const EXPECTED_SIGMA = "a finite volatility > 0 (decimal per √year)"
const EXPECTED_NU = "a finite variance rate > 0 (years) with expiry/nu positive and finite"
const EXPECTED_THETA = "a finite drift (decimal per year)"

/**
 * The row being valued: q (+1 call, −1 put), F, K, T, r, σ, ν, θ, then the premium `priceOne` leaves. Numbers pass
 * through this array rather than as arguments, which V8 boxes when a call is not inlined.
 */
const io = new Float64Array(9)
const enum IO {
  Q,
  F,
  K,
  T,
  R,
  SIGMA,
  NU,
  THETA,
  PRICE
}

/** 0 ok, else the BatchStatus code of the first invalid option input of the row in {@link io}. */
const optionCode = (): number => {
  const F = io[IO.F]!, K = io[IO.K]!, T = io[IO.T]!
  if (!(F > 0 && F < Infinity)) return BatchStatus.INVALID_FORWARD
  if (!(K > 0 && K < Infinity)) return BatchStatus.INVALID_STRIKE
  if (!(T > 0 && T < Infinity)) return BatchStatus.INVALID_EXPIRY
  const rt = io[IO.R]! * T
  if (!(rt > -700 && rt < 700)) return BatchStatus.INVALID_RATE
  return BatchStatus.OK
}

/** 0 ok, 1 sigma, 2 nu, 3 theta, 4 the martingale condition, for the row in {@link io} (expiry already valid). */
const paramsField = (): number => {
  const T = io[IO.T]!, sigma = io[IO.SIGMA]!, nu = io[IO.NU]!, theta = io[IO.THETA]!
  if (!(sigma > 0 && sigma < Infinity)) return 1
  if (!(nu > 0 && nu < Infinity && T / nu > 0 && T / nu < Infinity)) return 2
  if (!Number.isFinite(theta)) return 3
  if (!(1 - theta * nu - 0.5 * sigma * sigma * nu > 0)) return 4
  return 0
}

const paramsError = (field: number, sigma: number, nu: number, theta: number): InvalidInput => {
  switch (field) {
    case 1:
      return new InvalidInput({ field: "sigma", value: sigma, expected: EXPECTED_SIGMA })
    case 2:
      return new InvalidInput({ field: "nu", value: nu, expected: EXPECTED_NU })
    case 3:
      return new InvalidInput({ field: "theta", value: theta, expected: EXPECTED_THETA })
    default:
      return new InvalidInput({ field: "sigma, nu, theta", value: { sigma, nu, theta }, expected: MARTINGALE })
  }
}

/** Checks a scalar call's inputs (throwing the typed error) and leaves the row in {@link io}. */
const check = (option: EuropeanOption, p: Params): void => {
  const type: unknown = option.type
  const q = type === "call" ? 1 : type === "put" ? -1 : 0
  if (q === 0) throw new InvalidInput({ field: "type", value: type, expected: "\"call\" or \"put\"" })
  const { expiry: T, forward: F, rate: r, strike: K } = option
  io[IO.Q] = q
  io[IO.F] = F
  io[IO.K] = K
  io[IO.T] = T
  io[IO.R] = r
  io[IO.SIGMA] = p.sigma
  io[IO.NU] = p.nu
  io[IO.THETA] = p.theta
  const code = optionCode()
  if (code !== BatchStatus.OK) {
    const value = code === BatchStatus.INVALID_FORWARD ? F : code === BatchStatus.INVALID_STRIKE ? K : code === BatchStatus.INVALID_EXPIRY ? T : r
    throw BatchStatus.toError(code, value)
  }
  const field = paramsField()
  if (field !== 0) throw paramsError(field, p.sigma, p.nu, p.theta)
}

const noConvergence = (option: EuropeanOption, p: Params): NoConvergence =>
  new NoConvergence({
    method: "variance-gamma time-change quadrature",
    iterations: integralsOut[6]!,
    detail: `the trapezoidal lattices did not agree to 2^-27 within ${MAX_LEVELS} halvings and ${MAX_NODES} nodes ` +
      `(${option.type}, forward ${option.forward}, strike ${option.strike}, expiry ${option.expiry}; sigma ${p.sigma}, ` +
      `nu ${p.nu}, theta ${p.theta}); seen for Greeks at the strike F·e^{ωT} with expiry/nu in (1/2, ~0.53], and ` +
      "where |theta|/sigma is in the hundreds or more"
  })

const loadIntegrate = (): void => {
  integrateArgs[0] = io[IO.F]!
  integrateArgs[1] = io[IO.K]!
  integrateArgs[2] = io[IO.T]!
  integrateArgs[3] = io[IO.SIGMA]!
  integrateArgs[4] = io[IO.NU]!
  integrateArgs[5] = io[IO.THETA]!
}

/** Discounted premium of the valid row in {@link io} into io[PRICE]: NaN when the quadrature did not converge. */
const priceOne = (): void => {
  loadIntegrate()
  if (!integrate(false)) {
    io[IO.PRICE] = NaN
    return
  }
  const q = io[IO.Q]!, F = io[IO.F]!, K = io[IO.K]!
  const side = integralsOut[5]!
  const integrated = K * integralsOut[0]!
  // put–call parity (undiscounted): call − put = F − K
  const undiscounted = side === q ? integrated : integrated + q * (F - K)
  // rounding can never take a premium below its intrinsic value or above F (call) / K (put)
  const value = Math.min(Math.max(undiscounted, Math.max(q * (F - K), 0)), q > 0 ? F : K)
  io[IO.PRICE] = Math.exp(-io[IO.R]! * io[IO.T]!) * value
}

/**
 * Discounted Variance Gamma premium of a European option on the forward.
 *
 * @since 0.1.0
 * @category pricing
 */
export const price = (option: EuropeanOption, params: Params): number => {
  check(option, params)
  priceOne()
  const v = io[IO.PRICE]!
  if (Number.isNaN(v)) throw noConvergence(option, params)
  return v
}

/** price, delta, gamma, vega, theta, rho of the last {@link greeksOne}. */
const out = new Float64Array(6)

/** Price and Greeks of the valid row in {@link io} into {@link out}; false when the quadrature did not converge. */
const greeksOne = (): boolean => {
  loadIntegrate()
  if (!integrate(true)) return false
  const q = io[IO.Q]!, F = io[IO.F]!, K = io[IO.K]!, T = io[IO.T]!, r = io[IO.R]!
  const side = integralsOut[5]!
  const df = Math.exp(-r * T)
  const integrated = K * integralsOut[0]!
  const undiscounted = side === q ? integrated : integrated + q * (F - K)
  const value = Math.min(Math.max(undiscounted, Math.max(q * (F - K), 0)), q > 0 ? F : K)
  const V = df * value
  // ∂U/∂F of the integrated side is (K/F)·E[D]; the other side differs by ±1 (parity)
  const delta = (K / F) * integralsOut[1]! + (side === q ? 0 : q)
  out[0] = V
  out[1] = df * delta
  out[2] = (df * (K / F) * integralsOut[2]!) / F
  out[3] = df * K * integralsOut[3]!
  out[4] = r * V - df * K * integralsOut[4]!
  out[5] = -T * V
  return true
}

/**
 * Price and analytic Greeks `{ price, delta, gamma, vega, theta, rho }`; vega is ∂V/∂σ per 1.00 of the model's
 * σ (θ, ν fixed).
 *
 * @since 0.1.0
 * @category greeks
 */
export const greeks = (option: EuropeanOption, params: Params): Greeks => {
  check(option, params)
  if (!greeksOne()) throw noConvergence(option, params)
  return { price: out[0]!, delta: out[1]!, gamma: out[2]!, vega: out[3]!, theta: out[4]!, rho: out[5]! }
}

/** A batch parameter: one value for every row, or a column of at least `length` values. */
const column = (field: string, value: number | Float64Array, length: number): Float64Array | undefined => {
  if (typeof value === "number") return undefined
  if (!(value instanceof Float64Array) || value.length < length) {
    throw new InvalidInput({
      field,
      value: value instanceof Float64Array ? value.length : value,
      expected: `a number or a Float64Array column of at least ${length} values`
    })
  }
  return value
}

const checkColumns = (length: number, columns: Readonly<Record<string, ArrayLike<number> | undefined>>): void => {
  if (!(Number.isInteger(length) && length >= 0)) {
    throw new InvalidInput({ field: "length", value: length, expected: "a whole number of rows ≥ 0" })
  }
  for (const field in columns) {
    const c = columns[field]
    if (c !== undefined && c.length < length) {
      throw new InvalidInput({ field, value: c.length, expected: `a column of at least ${length} rows` })
    }
  }
}

const optionColumns = (o: EuropeanBatch) => ({
  isCall: o.isCall,
  forward: o.forward,
  strike: o.strike,
  expiry: o.expiry,
  rate: o.rate
})

// The current batch's parameter columns.
let colSigma: Float64Array | undefined, colNu: Float64Array | undefined, colTheta: Float64Array | undefined

const bindColumns = (p: BatchParams<Params>, length: number): void => {
  colSigma = column("sigma", p.sigma, length)
  colNu = column("nu", p.nu, length)
  colTheta = column("theta", p.theta, length)
}

/** Loads row i into {@link io} and returns its status code. */
const rowStatus = (o: EuropeanBatch, p: BatchParams<Params>, i: number): number => {
  io[IO.Q] = o.isCall[i] === 1 ? 1 : -1
  io[IO.F] = o.forward[i]!
  io[IO.K] = o.strike[i]!
  io[IO.T] = o.expiry[i]!
  io[IO.R] = o.rate[i]!
  io[IO.SIGMA] = colSigma === undefined ? (p.sigma as number) : colSigma[i]!
  io[IO.NU] = colNu === undefined ? (p.nu as number) : colNu[i]!
  io[IO.THETA] = colTheta === undefined ? (p.theta as number) : colTheta[i]!
  let code = o.isCall[i]! > 1 ? BatchStatus.INVALID_TYPE : optionCode()
  if (code === BatchStatus.OK) {
    const field = paramsField()
    if (field !== 0) code = field === 1 ? BatchStatus.INVALID_VOL : BatchStatus.INVALID_PARAMS
  }
  return code
}

/**
 * Premiums of a chain: `out[i]` the discounted premium of row i and `status[i]` its `BatchStatus` code (`out[i]` is
 * NaN for a row that is not OK). Each parameter is one number or a column. Never throws for a bad row; throws
 * `InvalidInput` only for columns shorter than `options.length`. Allocates no objects per row.
 *
 * @since 0.1.0
 * @category pricing
 */
export const priceBatch = (options: EuropeanBatch, params: BatchParams<Params>, prices: Float64Array, status: Uint8Array): void => {
  checkColumns(options.length, { ...optionColumns(options), out: prices, status })
  bindColumns(params, options.length)
  for (let i = 0; i < options.length; i++) {
    let code = rowStatus(options, params, i)
    if (code === BatchStatus.OK) {
      priceOne()
      if (Number.isNaN(io[IO.PRICE]!)) code = BatchStatus.NO_CONVERGENCE
    } else io[IO.PRICE] = NaN
    status[i] = code
    prices[i] = io[IO.PRICE]!
  }
}

/**
 * Price and Greeks of a chain into caller-owned columns (units of `greeks`; `vega` ∂V/∂σ when the column is
 * given). Rows that are not OK get NaN in every column and their code in `status`.
 *
 * @since 0.1.0
 * @category greeks
 */
export const greeksBatch = (options: EuropeanBatch, params: BatchParams<Params>, columns: GreeksColumns, status: Uint8Array): void => {
  checkColumns(options.length, {
    ...optionColumns(options),
    status,
    "out.price": columns.price,
    "out.delta": columns.delta,
    "out.gamma": columns.gamma,
    "out.vega": columns.vega,
    "out.theta": columns.theta,
    "out.rho": columns.rho
  })
  bindColumns(params, options.length)
  for (let i = 0; i < options.length; i++) {
    let code = rowStatus(options, params, i)
    if (code === BatchStatus.OK && !greeksOne()) code = BatchStatus.NO_CONVERGENCE
    if (code !== BatchStatus.OK) out.fill(NaN)
    status[i] = code
    columns.price[i] = out[0]!
    columns.delta[i] = out[1]!
    columns.gamma[i] = out[2]!
    if (columns.vega !== undefined) columns.vega[i] = out[3]!
    columns.theta[i] = out[4]!
    columns.rho[i] = out[5]!
  }
}

/**
 * Variance Gamma as a hedgekit `PricingModel` named `"variance-gamma"`: `price`, analytic `greeks` (vega with
 * respect to σ), `priceBatch` and `greeksBatch`.
 *
 * @since 0.1.0
 * @category models
 */
export const model: PricingModel<Params> = definePricingModel<Params>({
  name: NAME,
  version: packageJson.version,
  description:
    "Variance Gamma (Madan, Carr & Chang 1998) on the forward: sigma (vol in gamma time), nu (variance rate of the " +
    "gamma time), theta (drift in gamma time); Black-76 averaged over the gamma time, ~1e-14 relative",
  params: Params,
  price,
  greeks,
  priceBatch,
  greeksBatch
})
