/**
 * The entry points shared by `Heston` and `Bates` (the two differ only in their parameter fields): domain
 * checks, the scalar price and Greeks, one expiry's strikes on one set of nodes, and the `PricingModel` batch
 * loop, which prices each run of consecutive rows with the same expiry and parameters on one set of nodes.
 */
import { BatchStatus, InvalidInput, NoConvergence } from "@hedgekit/sdk"
import type { BatchParams, EuropeanBatch, Instrument } from "@hedgekit/sdk"
import * as Black76 from "../Black76.js"
import { buildGrid, fromIntegral, grid, sums, sumAt, sumsAt } from "./hestonFourier.js"
import type { Dynamics } from "./hestonFourier.js"
import { logMoneyness } from "./normalisedBlack.js"
import { blamed, checkColumns, lognormalRow, optionColumns, optionSign, throwIfInvalid } from "./validate.js"

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** One model parameter: its public name, the engine's field, its domain. */
export interface Field {
  readonly name: string
  readonly key: keyof Dynamics
  readonly ok: (v: number) => boolean
  readonly expected: string
}

const positive = (v: number): boolean => v > 0 && v < Infinity

export const HESTON_FIELDS: ReadonlyArray<Field> = [
  { name: "initialVariance", key: "v0", ok: positive, expected: "a finite initial variance v₀ > 0" },
  { name: "meanReversion", key: "kappa", ok: positive, expected: "a finite mean-reversion speed κ > 0" },
  { name: "longRunVariance", key: "theta", ok: positive, expected: "a finite long-run variance θ > 0" },
  { name: "volOfVol", key: "sigma", ok: positive, expected: "a finite vol of variance σ > 0" },
  { name: "correlation", key: "rho", ok: (v) => v > -1 && v < 1, expected: "a correlation ρ in (−1, 1)" }
]

export const BATES_FIELDS: ReadonlyArray<Field> = [
  ...HESTON_FIELDS,
  { name: "jumpIntensity", key: "lambda", ok: (v) => v >= 0 && v < Infinity, expected: "a finite jump intensity λ ≥ 0 per year" },
  { name: "jumpMean", key: "muJ", ok: Number.isFinite, expected: "a finite mean μ_J of the log jump size" },
  { name: "jumpVol", key: "deltaJ", ok: (v) => v >= 0 && v < Infinity, expected: "a finite st. dev. δ_J ≥ 0 of the log jump size" }
]

const fresh = (): Mutable<Dynamics> => ({ v0: 0, kappa: 0, theta: 0, sigma: 0, rho: 0, lambda: 0, muJ: 0, deltaJ: 0 })

/** The engine's parameters, or the first field outside its domain. */
const readParams = (
  fields: ReadonlyArray<Field>,
  params: Readonly<Record<string, unknown>>,
  into: Mutable<Dynamics>
): Field | undefined => {
  for (const f of fields) {
    const v = params[f.name]
    if (typeof v !== "number" || !f.ok(v)) return f
    into[f.key] = v
  }
  return undefined
}

const checkedDynamics = (fields: ReadonlyArray<Field>, params: Readonly<Record<string, unknown>>): Dynamics => {
  const m = fresh()
  const bad = readParams(fields, params, m)
  if (bad !== undefined) throw new InvalidInput({ field: bad.name, value: params[bad.name], expected: bad.expected })
  return m
}

const checkOption = (forward: number, strike: number, expiry: number, rate: number): void => {
  const code = lognormalRow(forward, strike, expiry, rate, BatchStatus.INVALID_FORWARD)
  throwIfInvalid(code, blamed(code, forward, strike, expiry, rate))
}

const noConvergence = (model: string): NoConvergence =>
  new NoConvergence({
    method: `${model} Fourier integral`,
    iterations: grid.n,
    detail: "the quadrature needs more nodes than allowed, or the characteristic function overflowed"
  })

/** Discounted price of one option (validated). */
export const price = (
  model: string,
  fields: ReadonlyArray<Field>,
  type: Instrument.OptionType,
  forward: number,
  strike: number,
  expiry: number,
  rate: number,
  params: Readonly<Record<string, unknown>>
): number => {
  const q = optionSign(type)
  checkOption(forward, strike, expiry, rate)
  const m = checkedDynamics(fields, params)
  const x = logMoneyness(forward, strike)
  if (buildGrid(expiry, m, x, x, false, true) !== BatchStatus.OK) throw noConvergence(model)
  const v = Math.exp(-rate * expiry) * Math.sqrt(forward) * Math.sqrt(strike) * fromIntegral(x, Math.sqrt(grid.W), sumAt(x), q)
  if (!(v < Infinity)) throw noConvergence(model)
  return v
}

/** Price, delta, gamma, theta, rho of one option (validated). */
export interface Greeks {
  readonly price: number
  readonly delta: number
  readonly gamma: number
  readonly theta: number
  readonly rho: number
}

export const greeks = (
  model: string,
  fields: ReadonlyArray<Field>,
  type: Instrument.OptionType,
  forward: number,
  strike: number,
  expiry: number,
  rate: number,
  params: Readonly<Record<string, unknown>>
): Greeks => {
  const q = optionSign(type)
  checkOption(forward, strike, expiry, rate)
  const m = checkedDynamics(fields, params)
  const x = logMoneyness(forward, strike)
  if (buildGrid(expiry, m, x, x, true, true) !== BatchStatus.OK) throw noConvergence(model)
  sumsAt(x)
  const S = sums[0]!
  const df = Math.exp(-rate * expiry)
  const sfk = Math.sqrt(forward) * Math.sqrt(strike)
  const price = df * sfk * fromIntegral(x, Math.sqrt(grid.W), S, q)
  // The control variate's Greeks at its own (fixed) vol σ_BS = √(W/T), plus the integral's.
  const bs = Black76.greeks(type, forward, strike, expiry, rate, Math.sqrt(grid.W / expiry))
  const k = (df * sfk) / Math.PI
  const delta = bs.delta + (k * sums[1]!) / forward
  const gamma = bs.gamma + (k * sums[2]!) / (forward * forward)
  const theta = bs.theta + rate * k * S - k * sums[3]!
  const out = { price, delta, gamma, theta, rho: -expiry * price }
  if (!(Math.abs(price) + Math.abs(delta) + Math.abs(gamma) + Math.abs(theta) < Infinity)) throw noConvergence(model)
  return out
}

const fill = (out: Float64Array, status: Uint8Array, from: number, to: number, code: number): void => {
  for (let i = from; i < to; i++) {
    status[i] = code
    out[i] = NaN
  }
}

/**
 * Prices rows [from, to) that share expiry T and parameters m, each with its own forward, strike, rate and
 * type, on one set of nodes built for the rows' range of log-moneyness (a row that is invalid on its own gets
 * its code). If the shared nodes fail (a very wide strike range), each row is priced on nodes of its own.
 */
const priceRun = (
  T: number,
  m: Dynamics,
  isCall: Uint8Array,
  forward: (i: number) => number,
  strike: Float64Array,
  rate: (i: number) => number,
  from: number,
  to: number,
  out: Float64Array,
  status: Uint8Array
): void => {
  let xLo = Infinity
  let xHi = -Infinity
  for (let i = from; i < to; i++) {
    const F = forward(i)
    const K = strike[i]!
    let code = lognormalRow(F, K, T, rate(i), BatchStatus.INVALID_FORWARD)
    if (code === 0 && isCall[i]! > 1) code = BatchStatus.INVALID_TYPE
    status[i] = code
    if (code !== 0) {
      out[i] = NaN
      continue
    }
    const x = logMoneyness(F, K)
    if (x < xLo) xLo = x
    if (x > xHi) xHi = x
  }
  if (!(xLo <= xHi)) return
  // One strike (or one repeated) is priced on nodes of its own, the same as a scalar `price` of it.
  const shared = buildGrid(T, m, xLo, xHi, false, xLo === xHi) === BatchStatus.OK
  for (let i = from; i < to; i++) {
    if (status[i] !== 0) continue
    const F = forward(i)
    const K = strike[i]!
    const x = logMoneyness(F, K)
    if (!shared && buildGrid(T, m, x, x, false) !== BatchStatus.OK) {
      fill(out, status, i, i + 1, BatchStatus.NO_CONVERGENCE)
      continue
    }
    const v = Math.exp(-rate(i) * T) * Math.sqrt(F) * Math.sqrt(K) * fromIntegral(x, Math.sqrt(grid.W), sumAt(x), isCall[i] === 1 ? 1 : -1)
    if (v < Infinity) out[i] = v
    else fill(out, status, i, i + 1, BatchStatus.NO_CONVERGENCE)
  }
}

/** One expiry's strikes on one set of nodes; see `Heston.priceStrikes`. */
export const priceStrikes = (
  fields: ReadonlyArray<Field>,
  isCall: Uint8Array,
  forward: number,
  strikes: Float64Array,
  expiry: number,
  rate: number,
  params: Readonly<Record<string, unknown>>,
  out: Float64Array,
  status: Uint8Array,
  length: number
): void => {
  checkColumns(length, { isCall, strikes, out, status })
  let code = lognormalRow(forward, 1, expiry, rate, BatchStatus.INVALID_FORWARD)
  const m = fresh()
  if (code === 0 && readParams(fields, params, m) !== undefined) code = BatchStatus.INVALID_PARAMS
  if (code !== 0) return fill(out, status, 0, length, code)
  priceRun(expiry, m, isCall, () => forward, strikes, () => rate, 0, length, out, status)
}

/** The `PricingModel.priceBatch` of both models: runs of equal expiry and parameters share their nodes. */
export const priceBatch = (
  fields: ReadonlyArray<Field>,
  options: EuropeanBatch,
  params: BatchParams<Readonly<Record<string, number>>>,
  out: Float64Array,
  status: Uint8Array
): void => {
  const n = options.length
  checkColumns(n, { ...optionColumns(options), out, status })
  for (const f of fields) {
    const column: unknown = params[f.name]
    if (column instanceof Float64Array) {
      if (column.length < n) throw new InvalidInput({ field: f.name, value: column.length, expected: `a column of at least ${n} values` })
    } else if (typeof column !== "number") {
      throw new InvalidInput({ field: f.name, value: column, expected: `${f.expected}, or a Float64Array column of them` })
    }
  }
  const at = (name: string, i: number): number => {
    const v = params[name]!
    return typeof v === "number" ? v : v[i]!
  }
  const sameParams = (i: number, j: number): boolean => {
    for (const f of fields) if (!Object.is(at(f.name, i), at(f.name, j))) return false
    return true
  }
  const { expiry, forward, isCall, rate, strike } = options
  const row: Record<string, number> = {}
  const m = fresh()
  for (let i = 0; i < n;) {
    let j = i + 1
    const T = expiry[i]!
    while (j < n && Object.is(expiry[j], T) && sameParams(i, j)) j++
    for (const f of fields) row[f.name] = at(f.name, i)
    if (readParams(fields, row, m) !== undefined) {
      // Bad parameters; rows with a bad option column get that column's code first.
      for (let k = i; k < j; k++) {
        let code = lognormalRow(forward[k]!, strike[k]!, expiry[k]!, rate[k]!, BatchStatus.INVALID_FORWARD)
        if (code === 0 && isCall[k]! > 1) code = BatchStatus.INVALID_TYPE
        fill(out, status, k, k + 1, code === 0 ? BatchStatus.INVALID_PARAMS : code)
      }
    } else {
      priceRun(T, m, isCall, (k) => forward[k]!, strike, (k) => rate[k]!, i, j, out, status)
    }
    i = j
  }
}
