/**
 * Black-76 chain loops, shared by the `Black76` batch functions and the `black76` pricing model (whose vol
 * is either one number for every row or a column). Greeks run the WebAssembly kernel where there is one.
 */
import { BatchStatus } from "@hedgekit/sdk"
import type { GreeksColumns } from "../Black76.js"
import type { EuropeanBatch } from "@hedgekit/sdk"
import { wasmGreeksRows } from "./black76Wasm.js"
import { blackGreeksLoop } from "./blackKernel.js"
import { black } from "./normalisedBlack.js"
import { lognormalRow, volStatus } from "./validate.js"

export const priceRows = (
  input: EuropeanBatch,
  volColumn: Float64Array | undefined,
  volScalar: number,
  out: Float64Array,
  status: Uint8Array
): void => {
  const { expiry, forward, isCall, length, rate, strike } = input
  const vols = volColumn
  for (let i = 0; i < length; i++) {
    const F = forward[i]!, K = strike[i]!, T = expiry[i]!, r = rate[i]!
    const sigma = vols === undefined ? volScalar : vols[i]!
    let code = lognormalRow(F, K, T, r, BatchStatus.INVALID_FORWARD)
    if (code === 0 && isCall[i]! > 1) code = BatchStatus.INVALID_TYPE
    if (code === 0) code = volStatus(sigma, T)
    status[i] = code
    out[i] = code === 0 ? Math.exp(-r * T) * black(F, K, sigma, T, isCall[i] === 1 ? 1 : -1) : NaN
  }
}

/** `hedge`: delta, gamma and vega are what the caller reads (the kernel may skip the rest). */
export const greeksRows = (
  input: EuropeanBatch,
  volColumn: Float64Array | undefined,
  volScalar: number,
  out: GreeksColumns,
  status: Uint8Array,
  hedge = false
): void => {
  if (wasmGreeksRows(input, volColumn, volScalar, out, status, hedge)) return
  blackGreeksLoop(
    input.length,
    input.isCall,
    input.forward,
    input.strike,
    input.expiry,
    input.rate,
    undefined,
    volColumn,
    volScalar,
    out,
    undefined,
    status
  )
}
