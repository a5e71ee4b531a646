// AssemblyScript source of the engine's row pass (src/Engine.ts `markAndTotal` without the attribution), built by
// scripts/build-wasm.mjs into src/internal/bookWasm.generated.ts. The same operations in the same order as the
// JavaScript, so the same numbers bit for bit (test/BookWasm.test.ts); keep the two in step.
//
// Why: V8 checks a typed array's map, length and base at every element access in a loop, some nine instructions;
// here an access is one. The columns live in the instance's memory (the engine allocates them there) and are
// named by byte offsets in a parameter block the host writes before each call:
//
//   i32 slots at `args`:                    f64 slots at the offset in i32 slot 28:
//     0 rows n (all)                               0 the hedge's contract size
//     1 legs L                                per leg k at 8 + 4k: multiplier, years to expiry, expiry (ms)
//     2 flags (below)
//     3 the one live leg
//     4..27 column offsets (I_* below)
//     28 the f64 slots' offset
//     per leg k at 32 + 12k: live, position, forward, vol, price, delta, gamma, vega, inverse, near
//
// Accumulators (the sums of a chunk of rows over several live legs) are CHUNK rows each from `sums`.

const CHUNK: i32 = 512

const ONE: i32 = 1 // exactly one live leg: the row pass values it itself
const PRICED: i32 = 2 // the premiums are current (else the value is left out and the totals not written)
const FILL: i32 = 4 // write the policy's inputs
const KEEP: i32 = 8 // keep G, V and the reference vol (for a later fill)
const COIN: i32 = 16 // coin accounting
const SPOT_HEDGE: i32 = 32
const INVERSE_HEDGE: i32 = 64

const I_SPOT = 4, I_MARK = 5, I_CASH = 6, I_USD = 7, I_POS = 8, I_REF = 9, I_VOL0 = 10
const I_W = 11, I_D = 12, I_OPTW = 13, I_OPTD = 14, I_G = 15, I_V = 16, I_REFVOL = 17
const I_TAU = 18, I_EXPIRING = 19, I_SETTLE = 20, I_VOLIN = 21, I_UNIT = 22, I_HEDGEIN = 23
const I_BOOKDELTA = 24, I_BOOKGAMMA = 25, I_BOOKVEGA = 26, I_SUMS = 27, I_F64 = 28

const LEG = 32, LEG_SLOTS = 12
const L_LIVE = 0, L_POS = 1, L_FWD = 2, L_VOL = 3, L_PRICE = 4, L_DELTA = 5, L_GAMMA = 6, L_VEGA = 7, L_INV = 8, L_NEAR = 9
const F_SIZE = 0, F_LEG = 8, F_MULT = 0, F_TAU = 1, F_EXPIRY = 2

@inline function slot(args: usize, k: i32): usize { return <usize>load<i32>(args + (<usize>k << 2)) }
@inline function flt(args: usize, k: i32): f64 { return load<f64>(slot(args, I_F64) + (<usize>k << 3)) }
@inline function get(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)) }
@inline function put(p: usize, i: i32, x: f64): void { store<f64>(p + (<usize>i << 3), x) }

// sums, CHUNK rows each, in this order from `sums`
const S_W = 0, S_D = 1, S_G = 2, S_V = 3, S_VEGAABS = 4, S_VOLSUM = 5, S_GAMMAABS = 6, S_TAUSUM = 7, S_EXPIRING = 8, S_SETTLE = 9
@inline function sum(sums: usize, c: i32): usize { return sums + (<usize>(c * CHUNK) << 3) }

/** Adds live leg k of rows [lo, hi) to the chunk's sums (`Engine.ts` addLeg, attribution off). */
function addLeg(args: usize, k: i32, lo: i32, hi: i32, priced: bool, first: bool, coin: bool): void {
  const leg = LEG + k * LEG_SLOTS
  const spot = slot(args, I_SPOT), sums = slot(args, I_SUMS)
  const position = slot(args, leg + L_POS), forward = slot(args, leg + L_FWD), vols = slot(args, leg + L_VOL)
  const price = slot(args, leg + L_PRICE), deltaK = slot(args, leg + L_DELTA), gammaK = slot(args, leg + L_GAMMA)
  const vegaK = slot(args, leg + L_VEGA)
  const inv = load<i32>(args + (<usize>(leg + L_INV) << 2)) == 1
  const near = load<i32>(args + (<usize>(leg + L_NEAR) << 2)) == 1
  const mult = flt(args, F_LEG + 4 * k + F_MULT), T = flt(args, F_LEG + 4 * k + F_TAU), e = flt(args, F_LEG + 4 * k + F_EXPIRY)
  const aW = sum(sums, S_W), aD = sum(sums, S_D), aG = sum(sums, S_G), aV = sum(sums, S_V)
  const aVegaAbs = sum(sums, S_VEGAABS), aVolSum = sum(sums, S_VOLSUM), aGammaAbs = sum(sums, S_GAMMAABS)
  const aTauSum = sum(sums, S_TAUSUM), aExpiring = sum(sums, S_EXPIRING), aSettle = sum(sums, S_SETTLE)
  for (let i = lo; i < hi; i++) {
    const q = get(position, i) * mult
    if (q == 0) continue
    const j = i - lo
    const S = get(spot, i)
    const F = get(forward, i)
    const b = F == S ? 1.0 : F / S
    const sig = get(vols, i)
    const s = inv ? 1.0 / b : 1.0
    const delta = get(deltaK, i) * b * s, gamma = get(gammaK, i) * b * b * s, vega = get(vegaK, i) * s
    const p = priced ? get(price, i) : 0.0
    const qv = abs(q * vega), qg = abs(q * gamma)
    if (first) {
      put(aW, j, q * p * s)
      put(aD, j, q * delta)
      put(aG, j, q * gamma)
      put(aV, j, q * vega)
      put(aVegaAbs, j, qv)
      put(aVolSum, j, qv * sig)
      put(aGammaAbs, j, qg)
      put(aTauSum, j, qg * T)
    } else {
      put(aW, j, get(aW, j) + q * p * s)
      put(aD, j, get(aD, j) + q * delta)
      put(aG, j, get(aG, j) + q * gamma)
      put(aV, j, get(aV, j) + q * vega)
      put(aVegaAbs, j, get(aVegaAbs, j) + qv)
      put(aVolSum, j, get(aVolSum, j) + qv * sig)
      put(aGammaAbs, j, get(aGammaAbs, j) + qg)
      put(aTauSum, j, get(aTauSum, j) + qg * T)
    }
    if (near && !(e > get(aSettle, j))) {
      if (e != get(aSettle, j)) put(aExpiring, j, 0)
      put(aSettle, j, e)
      put(aExpiring, j, get(aExpiring, j) + q * (coin ? delta - (p * s) / S : delta))
    }
  }
}

/** The row pass over rows [from, to): `Engine.ts` markAndTotal with the attribution off. */
export function pass(args: usize, from: i32, to: i32): void {
  const L = load<i32>(args, 4)
  const flags = load<i32>(args, 8)
  const only = load<i32>(args, 12)
  const one = (flags & ONE) != 0, priced = (flags & PRICED) != 0, fill = (flags & FILL) != 0, keep = (flags & KEEP) != 0
  const coin = (flags & COIN) != 0, spotHedge = (flags & SPOT_HEDGE) != 0, inverseHedge = (flags & INVERSE_HEDGE) != 0
  const totals = priced || keep
  const size = flt(args, F_SIZE)
  const spot = slot(args, I_SPOT), markCol = slot(args, I_MARK), cash = slot(args, I_CASH), usd = slot(args, I_USD)
  const pos = slot(args, I_POS), ref = slot(args, I_REF), vol0 = slot(args, I_VOL0)
  const w0 = slot(args, I_W), d0 = slot(args, I_D), optW0 = slot(args, I_OPTW), optD0 = slot(args, I_OPTD)
  const g0 = slot(args, I_G), v0 = slot(args, I_V), refVol0 = slot(args, I_REFVOL)
  const tau = slot(args, I_TAU), expiringDelta = slot(args, I_EXPIRING), settlementMs = slot(args, I_SETTLE)
  const volIn = slot(args, I_VOLIN), unitDelta = slot(args, I_UNIT), hedgeIn = slot(args, I_HEDGEIN)
  const bookDelta = slot(args, I_BOOKDELTA), bookGamma = slot(args, I_BOOKGAMMA), bookVega = slot(args, I_BOOKVEGA)
  const sums = slot(args, I_SUMS)
  // the one live leg's columns (read only with ONE)
  const leg = LEG + only * LEG_SLOTS
  const posO = slot(args, leg + L_POS), fwdO = slot(args, leg + L_FWD), volO = slot(args, leg + L_VOL)
  const priceO = slot(args, leg + L_PRICE), deltaO = slot(args, leg + L_DELTA), gammaO = slot(args, leg + L_GAMMA)
  const vegaO = slot(args, leg + L_VEGA)
  const invO = load<i32>(args + (<usize>(leg + L_INV) << 2)) == 1
  const nearO = load<i32>(args + (<usize>(leg + L_NEAR) << 2)) == 1
  const multO = flt(args, F_LEG + 4 * only + F_MULT), tauO = flt(args, F_LEG + 4 * only + F_TAU)
  const expiryO = flt(args, F_LEG + 4 * only + F_EXPIRY)
  for (let lo = from; lo < to; lo += CHUNK) {
    const hi = min(to, lo + CHUNK), m = hi - lo
    if (!one) {
      memory.fill(sums, 0, <usize>(9 * CHUNK) << 3)
      for (let j = 0; j < m; j++) put(sum(sums, S_SETTLE), j, NaN)
      let first = true
      for (let k = 0; k < L; k++) {
        if (load<i32>(args + (<usize>(LEG + k * LEG_SLOTS + L_LIVE) << 2)) == 0) continue
        addLeg(args, k, lo, hi, priced, first, coin)
        first = false
      }
    }
    for (let i = lo; i < hi; i++) {
      const j = i - lo
      const S = get(spot, i)
      const mark = get(markCol, i)
      if (!spotHedge) {
        const r = get(ref, i)
        const q = get(pos, i)
        if (q != 0 && r == r) {
          if (inverseHedge) put(cash, i, get(cash, i) + q * size * (1.0 / r - 1.0 / mark))
          else put(usd, i, get(usd, i) + q * size * (mark - r))
        }
        put(ref, i, mark)
      }
      let w = 0.0, d = 0.0, g = 0.0, v = 0.0, vol = vol0 != 0 ? get(vol0, i) : 0.0, T = 0.0, expiringD = 0.0, settleMs = NaN
      if (one) {
        const q = get(posO, i) * multO
        if (q != 0) {
          const F = get(fwdO, i)
          const b = F == S ? 1.0 : F / S
          const sig = get(volO, i)
          const s = invO ? 1.0 / b : 1.0
          const delta = get(deltaO, i) * b * s, gamma = get(gammaO, i) * b * b * s, vega = get(vegaO, i) * s
          const p = priced ? get(priceO, i) : 0.0
          w = q * p * s
          d = q * delta
          g = q * gamma
          v = q * vega
          if (q * vega != 0) vol = sig
          if (q * gamma != 0) T = tauO
          if (nearO) {
            settleMs = expiryO
            expiringD = q * (coin ? delta - (p * s) / S : delta)
          }
        }
      } else {
        w = get(sum(sums, S_W), j); d = get(sum(sums, S_D), j); g = get(sum(sums, S_G), j); v = get(sum(sums, S_V), j)
        const va = get(sum(sums, S_VEGAABS), j), ga = get(sum(sums, S_GAMMAABS), j)
        if (va > 0) vol = get(sum(sums, S_VOLSUM), j) / va
        if (ga > 0) T = get(sum(sums, S_TAUSUM), j) / ga
        expiringD = get(sum(sums, S_EXPIRING), j)
        settleMs = get(sum(sums, S_SETTLE), j)
      }
      if (totals) {
        put(optW0, i, w)
        put(optD0, i, d)
      }
      if (keep) {
        put(g0, i, g); put(v0, i, v); put(refVol0, i, vol)
      }
      put(tau, i, T)
      put(expiringDelta, i, expiringD)
      put(settlementMs, i, settleMs)
      const unit = spotHedge ? 1.0 : inverseHedge ? size / mark : mark == S ? size : (size * mark) / S
      const c = get(cash, i)
      const W_ = w + c * S + get(usd, i)
      const hedgeDelta = get(pos, i) * unit
      const D_ = d + c + (spotHedge ? 0.0 : hedgeDelta)
      if (totals) {
        put(w0, i, W_)
        put(d0, i, D_)
      }
      if (fill) {
        put(volIn, i, vol)
        put(unitDelta, i, unit)
        put(hedgeIn, i, hedgeDelta)
        const dUsd = D_ - hedgeDelta
        if (coin) {
          put(bookDelta, i, dUsd - W_ / S)
          put(bookGamma, i, g - dUsd / S + W_ / (S * S))
          put(bookVega, i, v / S)
        } else {
          put(bookDelta, i, dUsd)
          put(bookGamma, i, g)
          put(bookVega, i, v)
        }
      }
    }
  }
}

/** First byte above the static data: the host lays its columns out from here. */
export function heapBase(): usize {
  return __heap_base
}
