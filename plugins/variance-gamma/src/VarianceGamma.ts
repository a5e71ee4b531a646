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
 * Method: Fourier inversion of the closed-form characteristic function (`internal/fourier.ts`): the inverse Laplace
 * (Lewis) integral of the out-of-the-money option with respect to F, on a hyperbolic contour through the saddle
 * point that bends out of the strip of analyticity towards where e^{−wκ} decays (κ = ln(K/F) − ωT), integrated by
 * the trapezoidal rule in the contour's parameter on nested lattices until two agree. It prices every row with
 * T/ν ≥ {@link FOURIER_MIN_EXPIRY_OVER_NU} (10⁻³; one day at ν = 1 is 0.0027): within 1.7e-14 relative (median
 * 2e-16) of 30-digit references over the 672 fixture rows, premiums down to 4e-26 × F included, and 3e-14 on hard
 * random rows (`test/Reference.test.ts`, `test/Fourier.test.ts`; README). Below that the integrand's two sides of
 * the branch cut cancel to O(T/ν) and the exact
 * time-change representation (Black-76 averaged over the gamma time, `internal/timeChange.ts`) prices instead. The
 * other option of the pair follows from put–call parity as a sum. When the lattices cannot agree within their budget
 * the scalar functions throw `NoConvergence` and batches write `NO_CONVERGENCE`: no number is returned that the
 * method cannot vouch for.
 *
 * Greeks are analytic (differentiated under the same integral, same nodes): delta ∂V/∂F, gamma ∂²V/∂F², vega ∂V/∂σ
 * per 1.00 of the model's σ (θ and ν fixed, ω following σ), theta = −∂V/∂T with F, r and the parameters fixed, rho =
 * −T·V. At the single strike K = F·e^{ωT} (κ = 0 exactly) the Greek integrands do not decay and the time change,
 * which has the exact limit there, gives the Greeks; gamma is +∞ there when T/ν ≤ ½ (the density of F_T is
 * unbounded).
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
import { fourier, fourierArgs, fourierOut } from "./internal/fourier.js"
import { integralsOut, integrate, integrateArgs } from "./internal/timeChange.js"

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

/**
 * Expiry/ν (T/ν, the gamma time's shape) at and above which the Fourier inversion prices; below it the time change.
 * As T/ν → 0 the Fourier integrand's two sides of the branch cut cancel to O(T/ν) of its size: measured against
 * 30-digit references, Fourier is within 3e-14 from here on, within 8e-14 at T/ν ~ 3e-4 – 9e-4, and off by
 * 1e-13 – 5e-13 at T/ν ~ 3e-5 – 1e-4, where the time change keeps a few 1e-15.
 *
 * @since 0.2.0
 * @category models
 */
export const FOURIER_MIN_EXPIRY_OVER_NU = 1e-3

/** Which method valued the last row: 1 Fourier, 0 time change (for the error message). */
let usedFourier = 0

const noConvergence = (option: EuropeanOption, p: Params): NoConvergence =>
  usedFourier === 1
    ? new NoConvergence({
      method: "variance-gamma Fourier inversion",
      iterations: fourierOut[6]!,
      detail: `the trapezoidal lattices on the inversion contour did not agree to 2^-30 within their budget ` +
        `(${option.type}, forward ${option.forward}, strike ${option.strike}, expiry ${option.expiry}; sigma ${p.sigma}, ` +
        `nu ${p.nu}, theta ${p.theta}); seen only for sigma below 1e-6 with |theta|/sigma above 5e6`
    })
    : new NoConvergence({
      method: "variance-gamma time-change quadrature",
      iterations: integralsOut[6]!,
      detail: `the trapezoidal lattices did not agree to 2^-27 within their budget ` +
        `(${option.type}, forward ${option.forward}, strike ${option.strike}, expiry ${option.expiry}; sigma ${p.sigma}, ` +
        `nu ${p.nu}, theta ${p.theta}); seen for Greeks at the strike F·e^{ωT} with expiry/nu in (1/2, ~0.53], and ` +
        "where |theta|/sigma is in the hundreds or more"
    })

/** The row in {@link io} into an integral's argument slots (both take F, K, T, σ, ν, θ in that order). */
const loadArgs = (args: Float64Array): void => {
  args[0] = io[IO.F]!
  args[1] = io[IO.K]!
  args[2] = io[IO.T]!
  args[3] = io[IO.SIGMA]!
  args[4] = io[IO.NU]!
  args[5] = io[IO.THETA]!
}

/** Whether the row in {@link io} is priced by Fourier inversion (else by the time change). */
const fourierPrices = (): boolean => io[IO.T]! / io[IO.NU]! >= FOURIER_MIN_EXPIRY_OVER_NU

/**
 * Whether the row's Greeks come from Fourier inversion: where it prices, but at the one strike K = F·e^{ωT} (κ = 0
 * exactly, e.g. K = F with θ = −σ²/2), where the density of F_T is singular and the Greek integrands decay like
 * |w|^{−2a} or not at all; the time change, which has the exact limit there, takes them.
 */
const fourierGreeks = (): boolean => {
  if (!fourierPrices()) return false
  const F = io[IO.F]!, K = io[IO.K]!, T = io[IO.T]!, nu = io[IO.NU]!, sigma = io[IO.SIGMA]!, theta = io[IO.THETA]!
  // κ = ln(K/F) − ωT as the kernel computes it (`logRatio`, written out: a double returned by a call V8 does not
  // inline is boxed)
  const lnKF = K <= 2 * F && F <= 2 * K ? Math.log1p((K - F) / F) : Math.log(K / F)
  return lnKF - (T / nu) * Math.log1p(-(theta + 0.5 * sigma * sigma) * nu) !== 0
}

/**
 * The undiscounted premium of the row's option type from U, the integrated side's (`side`): by put–call parity
 * (call − put = F − K) when the sides differ, clamped to the no-arbitrage bounds rounding could cross.
 */
const fromSide = (U: number, side: number): number => {
  const q = io[IO.Q]!, F = io[IO.F]!, K = io[IO.K]!
  const undiscounted = side === q ? U : U + q * (F - K)
  return Math.min(Math.max(undiscounted, Math.max(q * (F - K), 0)), q > 0 ? F : K)
}

/** Discounted premium of the valid row in {@link io} into io[PRICE]: NaN when the quadrature did not converge. */
const priceOne = (): void => {
  let U: number, side: number
  if (fourierPrices()) {
    usedFourier = 1
    loadArgs(fourierArgs)
    if (!fourier(false)) {
      io[IO.PRICE] = NaN
      return
    }
    U = fourierOut[0]!
    side = fourierOut[5]!
  } else {
    usedFourier = 0
    loadArgs(integrateArgs)
    if (!integrate(false)) {
      io[IO.PRICE] = NaN
      return
    }
    U = io[IO.K]! * integralsOut[0]!
    side = integralsOut[5]!
  }
  io[IO.PRICE] = Math.exp(-io[IO.R]! * io[IO.T]!) * fromSide(U, side)
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
  const q = io[IO.Q]!, F = io[IO.F]!, K = io[IO.K]!, T = io[IO.T]!, r = io[IO.R]!
  const df = Math.exp(-r * T)
  let U: number, side: number, dF: number, dFF: number, dSigma: number, dT: number
  if (fourierGreeks()) {
    usedFourier = 1
    loadArgs(fourierArgs)
    if (!fourier(true)) return false
    U = fourierOut[0]!
    side = fourierOut[5]!
    dF = fourierOut[1]!
    dFF = fourierOut[2]!
    dSigma = fourierOut[3]!
    dT = fourierOut[4]!
  } else {
    usedFourier = 0
    loadArgs(integrateArgs)
    if (!integrate(true)) return false
    // per unit strike: ∂U/∂F of the integrated side is (K/F)·E[D]
    U = K * integralsOut[0]!
    side = integralsOut[5]!
    dF = (K / F) * integralsOut[1]!
    dFF = ((K / F) * integralsOut[2]!) / F
    dSigma = K * integralsOut[3]!
    dT = K * integralsOut[4]!
  }
  const V = df * fromSide(U, side)
  // the other side differs by ±(F − K): delta by ±1, nothing else
  out[0] = V
  out[1] = df * (dF + (side === q ? 0 : q))
  out[2] = df * dFF
  out[3] = df * dSigma
  out[4] = r * V - df * dT
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
    "gamma time), theta (drift in gamma time); Fourier inversion of the characteristic function on a saddle-point " +
    "contour, ~1e-14 relative",
  params: Params,
  price,
  greeks,
  priceBatch,
  greeksBatch
})
