/**
 * The Greeks loop of the lognormal (Black) family: prices and first-order Greeks of a chain into caller-owned
 * columns, for options on a forward (Black-76) or on a spot with a continuous yield (Black-Scholes-Merton).
 * The scalar `greeks` functions run it on one row, so scalar and batch results are the same numbers.
 *
 * One logarithm and one exponential per option (two more only for non-zero rates or yields): φ(d2) is
 * φ(d1)·F/K (since d1² − d2² = 2·ln(F/K)), and each Φ comes from its φ through one rational function. The
 * price is built from the out-of-the-money option, so an in-the-money price is intrinsic + time value and
 * nothing is subtracted; when the OTM difference F·Φ(d1) − K·Φ(d2) has cancelled more than four bits (deep out
 * of the money at small σ√T) it is recomputed from the normalised Black function's expansions, reusing φ(d1).
 * Each Φ is taken as its smaller tail or one minus it, so in-the-money Greeks keep their tails too.
 *
 * Everything is inline in one loop: in V8, splitting the row into helper functions returning several doubles
 * costs more than the mathematics.
 *
 * Black-76 rows (batch and scalar alike) run a WebAssembly SIMD port of this loop where there is one
 * (wasm/blackKernel.ts, via black76Wasm.ts), which hands back to this loop the rows it does not take: invalid
 * inputs, x = 0, most of the |d| ≥ 37 wings. A change to the formulas here must be made there too.
 */
import { BatchStatus } from "@hedgekit/sdk"
import type { GreeksColumns } from "../Black76.js"
import { cdf, erf, pdf } from "../Normal.js"
import { erfcxLarge, erfcxMid, erfSmall } from "./cody.js"
import { expNegScaledSquare } from "./exactSquare.js"
import { expansionOverVega } from "./normalisedBlack.js"

/**
 * Constants as a const enum, written in as literals: V8 reloads and checks module-level `const` doubles at
 * each use in optimised code instead of folding them.
 */
const enum Const {
  SQRT1_2 = 0.7071067811865476,
  HALF_SQRT1_2 = 0.35355339059327373,
  CODY_THRESHOLD = 0.46875,
  SQRT_PI_OVER_2 = 1.2533141373155003,
  INV_SQRT_2PI = 0.3989422804014327,
  SQRT_2PI = 2.5066282746310002,
  /** Beyond this |d|, φ(d) nears the subnormal range: take the careful path. */
  WING = 37
}

/**
 * Φ(−|z|), the smaller tail, from a known φ(z) with one of Cody's rational functions and no exponential:
 * √(π/2)·erfcx(|z|/√2)·φ(z) outside the centre (erfcx's relative error ignores the rounding of its argument),
 * ½ − ½·erf(|z|/√2) inside. Both Φ(z) and Φ(−z) follow from it without losing the tail.
 */
const lowerTail = (z: number, density: number): number => {
  const y = Const.SQRT1_2 * Math.abs(z)
  if (y <= Const.CODY_THRESHOLD) return 0.5 - 0.5 * erfSmall(y)
  return Const.SQRT_PI_OVER_2 * (y <= 4 ? erfcxMid(y) : erfcxLarge(y)) * density
}

/**
 * Runs rows `0 … n − 1`. `dividend` defined ⇒ Black-Scholes-Merton on the spot `underlying` (Greeks with the
 * spot fixed, `dividendRho` written when given); undefined ⇒ Black-76 on the forward `underlying` (Greeks with
 * the forward fixed). The vol is `vols[i]`, or `volScalar` for every row when `vols` is undefined. Invalid rows
 * get their `BatchStatus` code and NaN outputs.
 */
export const blackGreeksLoop = (
  n: number,
  isCall: Uint8Array,
  underlying: Float64Array,
  strike: Float64Array,
  expiry: Float64Array,
  rate: Float64Array,
  dividend: Float64Array | undefined,
  vols: Float64Array | undefined,
  volScalar: number,
  out: GreeksColumns,
  dividendRho: Float64Array | undefined,
  status: Uint8Array
): void => {
  const spotModel = dividend !== undefined
  const underlyingCode = spotModel ? BatchStatus.INVALID_SPOT : BatchStatus.INVALID_FORWARD
  const outPrice = out.price, outDelta = out.delta, outGamma = out.gamma
  const outVega = out.vega, outTheta = out.theta, outRho = out.rho
  for (let i = 0; i < n; i++) {
    const U = underlying[i]!, K = strike[i]!, T = expiry[i]!, r = rate[i]!
    const d = spotModel ? dividend[i]! : 0
    const sigma = vols === undefined ? volScalar : vols[i]!
    const rT = r * T, dT = d * T
    const code = !(U > 0 && U < Infinity)
      ? underlyingCode
      : !(K > 0 && K < Infinity)
      ? BatchStatus.INVALID_STRIKE
      : !(T > 0 && T < Infinity)
      ? BatchStatus.INVALID_EXPIRY
      : !(rT > -700 && rT < 700)
      ? BatchStatus.INVALID_RATE
      : !(dT > -700 && dT < 700 && rT - dT > -700 && rT - dT < 700)
      ? BatchStatus.INVALID_DIVIDEND
      : !(sigma > 0 && sigma * Math.sqrt(T) < Infinity)
      ? BatchStatus.INVALID_VOL
      : isCall[i]! > 1
      ? BatchStatus.INVALID_TYPE
      : BatchStatus.OK
    status[i] = code
    if (code !== BatchStatus.OK) {
      outPrice[i] = outDelta[i] = outGamma[i] = outVega[i] = outTheta[i] = outRho[i] = NaN
      if (dividendRho !== undefined) dividendRho[i] = NaN
      continue
    }
    const q = isCall[i] === 1 ? 1 : -1
    const sqrtT = Math.sqrt(T)
    const s = sigma * sqrtT
    const df = r === 0 ? 1 : Math.exp(-rT)
    const carry = d === 0 ? 1 : Math.exp(-dT)
    const F = spotModel && r !== d ? U * Math.exp(rT - dT) : U

    // ln(F/K) to a few ulp also near the money (log1p of the exact F − K there); on a spot, ln(S/K) + (r − q)T,
    // so that S = K gives the carry term exactly rather than the rounding of a computed forward.
    const ratio = F / K
    const base = spotModel ? U : F
    const gap = base - K // exact near the money (Sterbenz)
    const x = (Math.abs(gap) < 0.5 * K ? Math.log1p(gap / K) : Math.log(base / K)) + (spotModel ? rT - dT : 0)
    const d1 = x / s + 0.5 * s
    const d2 = d1 - s
    const o = x > 0 ? -1 : 1 // the out-of-the-money side: +1 call when F ≤ K, −1 put when F > K
    let p1: number, t1: number, t2: number
    if (d1 > -Const.WING && d1 < Const.WING && d2 > -Const.WING && d2 < Const.WING) {
      p1 = Const.INV_SQRT_2PI * expNegScaledSquare(d1, 0.5)
      t1 = lowerTail(d1, p1)
      t2 = lowerTail(d2, p1 * ratio)
    } else {
      p1 = pdf(d1)
      t1 = cdf(-Math.abs(d1))
      t2 = cdf(-Math.abs(d2))
    }
    // Φ(o·d) for the out-of-the-money price, Φ(q·d) for the Greeks: each the tail or one minus it.
    const c1 = o * d1 <= 0 ? t1 : 1 - t1
    const c2 = o * d2 <= 0 ? t2 : 1 - t2
    const g1 = q * d1 <= 0 ? t1 : 1 - t1
    const g2 = q * d2 <= 0 ? t2 : 1 - t2
    const first = F * c1
    const second = K * c2
    let otm = o * (first - second)
    if (x === 0) {
      otm = F * erf(Const.HALF_SQRT1_2 * s) // at the money: Φ(s/2) − Φ(−s/2), nothing to cancel
    } else if (!(otm > 0.0625 * (o > 0 ? first : second))) {
      // Each Φ is good to a few ulp, so a difference that cancelled c-fold is good to c times that. Beyond
      // four bits (c > 16), where one of the normalised Black expansions applies (far out of the money, or
      // small σ√T), the price is √(FK)·v·(b/v) with √(FK)·v = F·φ(d1): no subtraction, no further
      // exponential. Elsewhere the difference is the normalised Black function's own form there.
      const overVega = expansionOverVega(o * x, s, Const.SQRT_2PI * p1 * Math.sqrt(ratio))
      if (overVega > 0) otm = F * p1 * overVega
    }
    // In the money (o ≠ q) the price is intrinsic + the out-of-the-money value: nothing is subtracted. On a
    // spot, F − K = (S − K) + S·expm1((r − q)T) keeps its precision near the money.
    const undiscounted = o === q
      ? otm
      : otm + q * (spotModel && r !== d ? U - K + U * Math.expm1(rT - dT) : F - K)
    // Rounding the forward and the discount factor can put a price at its upper bound one ulp above it.
    const upper = q < 0 ? df * K : spotModel ? U * carry : df * F
    const price = Math.min(df * undiscounted, upper)
    outPrice[i] = price
    if (spotModel) {
      const vega = U * carry * p1 * sqrtT
      const spotTerm = U * carry * g1 // S·e^{−qT}·Φ(θ·d1)
      const strikeTerm = K * df * g2 // K·e^{−rT}·Φ(θ·d2)
      outDelta[i] = q * carry * g1
      outGamma[i] = carry * p1 / (U * s)
      outVega[i] = vega
      outTheta[i] = -vega * sigma / (2 * T) + q * (d * spotTerm - r * strikeTerm)
      outRho[i] = q * T * strikeTerm
      if (dividendRho !== undefined) dividendRho[i] = -q * T * spotTerm
    } else {
      const vega = df * F * p1 * sqrtT
      outDelta[i] = df * q * g1
      outGamma[i] = df * p1 / (F * s)
      outVega[i] = vega
      outTheta[i] = r * price - vega * sigma / (2 * T)
      outRho[i] = -T * price
    }
  }
}

// One-row inputs and outputs for the scalar `greeks` functions.
const oneIsCall = new Uint8Array(1)
const oneUnderlying = new Float64Array(1)
const oneStrike = new Float64Array(1)
const oneExpiry = new Float64Array(1)
const oneRate = new Float64Array(1)
const oneDividend = new Float64Array(1)
const oneVol = new Float64Array(1)
const oneStatus = new Uint8Array(1)

/** The outputs of {@link blackGreeksOne}, valid until its next call. */
export const one = {
  price: new Float64Array(1),
  delta: new Float64Array(1),
  gamma: new Float64Array(1),
  vega: new Float64Array(1),
  theta: new Float64Array(1),
  rho: new Float64Array(1),
  dividendRho: new Float64Array(1)
}

/** One row of {@link blackGreeksLoop} (inputs already validated); results in {@link one}. */
export const blackGreeksOne = (
  q: number,
  underlying: number,
  strike: number,
  expiry: number,
  rate: number,
  dividend: number | undefined,
  vol: number
): void => {
  oneIsCall[0] = q > 0 ? 1 : 0
  oneUnderlying[0] = underlying
  oneStrike[0] = strike
  oneExpiry[0] = expiry
  oneRate[0] = rate
  oneDividend[0] = dividend ?? 0
  oneVol[0] = vol
  const spot = dividend !== undefined
  blackGreeksLoop(
    1,
    oneIsCall,
    oneUnderlying,
    oneStrike,
    oneExpiry,
    oneRate,
    spot ? oneDividend : undefined,
    // A vol column, as batch callers pass: one shape of arguments keeps the loop's optimised code monomorphic.
    oneVol,
    0,
    one,
    spot ? one.dividendRho : undefined,
    oneStatus
  )
}

/** The Greeks of the last {@link blackGreeksOne} row as an object (dividend rho is the caller's to add). */
export const oneGreeks = () => ({
  price: one.price[0]!,
  delta: one.delta[0]!,
  gamma: one.gamma[0]!,
  vega: one.vega[0]!,
  theta: one.theta[0]!,
  rho: one.rho[0]!
})
