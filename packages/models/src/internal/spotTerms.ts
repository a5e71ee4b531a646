/**
 * The forward-side terms of an option on a spot S with continuous yield q, kept accurate near the money:
 * x = ln(F/K) = ln(S/K) + (r − q)T (exact carry at S = K, rather than the rounding of a computed forward) and
 * F − K = (S − K) + S·expm1((r − q)T). Results go to a preallocated array, so nothing is allocated per call.
 */
import { logMoneyness, normalisedBlack } from "./normalisedBlack.js"

/** Slots of {@link terms}. */
export const FORWARD = 0
export const LOG_MONEYNESS = 1
export const FORWARD_MINUS_STRIKE = 2
export const DISCOUNT = 3
export const CARRY = 4

/** The outputs of {@link spotTerms}, valid until its next call. */
export const terms = new Float64Array(5)

/** Fills {@link terms} for spot S, strike K, expiry T (years), rate r and yield q (inputs already checked). */
export const spotTerms = (S: number, K: number, T: number, r: number, q: number): void => {
  const carryT = (r - q) * T
  terms[FORWARD] = S * Math.exp(carryT)
  terms[LOG_MONEYNESS] = logMoneyness(S, K) + carryT
  terms[FORWARD_MINUS_STRIKE] = S - K + S * Math.expm1(carryT)
  terms[DISCOUNT] = Math.exp(-r * T)
  terms[CARRY] = Math.exp(-q * T)
}

/**
 * Discounted Black-Scholes-Merton premium from {@link terms}, capped at its exact upper bound (S·e^{−qT} for a
 * call, K·e^{−rT} for a put) which the rounding of the forward could otherwise pass by an ulp.
 */
export const spotPrice = (theta: number, S: number, K: number, T: number, sigma: number): number => {
  const F = terms[FORWARD]!, x = terms[LOG_MONEYNESS]!, df = terms[DISCOUNT]!
  const root = Math.sqrt(F) * Math.sqrt(K)
  const s = sigma * Math.sqrt(T)
  const intrinsic = theta * terms[FORWARD_MINUS_STRIKE]!
  const undiscounted = intrinsic > 0 ? intrinsic + root * normalisedBlack(x, s, -theta) : root * normalisedBlack(x, s, theta)
  return Math.min(df * undiscounted, theta > 0 ? S * terms[CARRY]! : K * df)
}
