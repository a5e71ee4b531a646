/**
 * Bachelier row kernels and chain loops, shared by the `Bachelier` functions and the `bachelier` pricing model
 * (whose vol is either one number for every row or a column). Inputs of `greeksInto` are assumed valid.
 */
import { BatchStatus } from "@hedgekit/sdk"
import type { GreeksColumns } from "../Black76.js"
import type { EuropeanBatch } from "@hedgekit/sdk"
import * as Normal from "../Normal.js"
import { bachelier } from "./bachelierKernel.js"
import { normalRow, volStatus } from "./validate.js"

/** Writes one row's price and Greeks; inputs already checked. */
export const greeksInto = (
  q: number,
  F: number,
  K: number,
  T: number,
  r: number,
  sigma: number,
  out: GreeksColumns,
  i: number
): void => {
  const sqrtT = Math.sqrt(T)
  const s = sigma * sqrtT
  const d = (F - K) / s
  const df = Math.exp(-r * T)
  const value = df * bachelier(F, K, sigma, T, q)
  const density = Normal.pdf(d)
  out.price[i] = value
  out.delta[i] = q * df * Normal.cdf(q * d)
  out.gamma[i] = df * density / s
  out.vega[i] = df * sqrtT * density
  out.theta[i] = r * value - df * sigma * density / (2 * sqrtT)
  out.rho[i] = -T * value
}

/** Prices and Greeks rows, vol from a column or one number for all rows (shared with the pricing model). */
export const greeksRows = (
  input: EuropeanBatch,
  volColumn: Float64Array | undefined,
  volScalar: number,
  out: GreeksColumns,
  status: Uint8Array
): void => {
  const { expiry, forward, isCall, length, rate, strike } = input
  for (let i = 0; i < length; i++) {
    const F = forward[i]!, K = strike[i]!, T = expiry[i]!, r = rate[i]!
    const sigma = volColumn === undefined ? volScalar : volColumn[i]!
    let code = normalRow(F, K, T, r)
    if (code === 0 && isCall[i]! > 1) code = BatchStatus.INVALID_TYPE
    if (code === 0) code = volStatus(sigma, T)
    status[i] = code
    if (code === 0) greeksInto(isCall[i] === 1 ? 1 : -1, F, K, T, r, sigma, out, i)
    else out.price[i] = out.delta[i] = out.gamma[i] = out.vega[i] = out.theta[i] = out.rho[i] = NaN
  }
}

/** Price rows, vol from a column or one number for all rows. */
export const priceRows = (
  input: EuropeanBatch,
  volColumn: Float64Array | undefined,
  volScalar: number,
  out: Float64Array,
  status: Uint8Array
): void => {
  const { expiry, forward, isCall, length, rate, strike } = input
  for (let i = 0; i < length; i++) {
    const F = forward[i]!, K = strike[i]!, T = expiry[i]!, r = rate[i]!
    const sigma = volColumn === undefined ? volScalar : volColumn[i]!
    let code = normalRow(F, K, T, r)
    if (code === 0 && isCall[i]! > 1) code = BatchStatus.INVALID_TYPE
    if (code === 0) code = volStatus(sigma, T)
    status[i] = code
    out[i] = code === 0 ? Math.exp(-r * T) * bachelier(F, K, sigma, T, isCall[i] === 1 ? 1 : -1) : NaN
  }
}

