// AssemblyScript source of the f64x2 WebAssembly build of the Black-76 Greeks loop. Compiled by
// scripts/build-wasm.mjs into src/internal/blackKernelWasm.generated.ts; rebuild after any change here.
//
// Black-76 price + delta, gamma, vega, theta, rho over struct-of-arrays columns, two rows per f64x2: a port of
// blackGreeksLoop (src/internal/blackKernel.ts, forward model only) with the same formulas, Cody regions and
// cancellation expansions. Keep the two in step. Rows the kernel does not handle (invalid inputs, x = 0 exactly,
// F/K not a normal finite double, |d| in the wings unless both d1 and d2 are beyond 40 on the same side) are
// flagged: status 255 and their index appended to `flagged`; the host recomputes exactly those rows with
// the JavaScript loop.
//
// Layout for speed (V8's code for it is instruction-bound): rows go in blocks of BLOCK, through a few short
// loops over the block, which pass values on in the block scratch:
//   1a  validation, σ√T; 1a′ x = ln(F/K); then exp(−rT) where the block has a rate;
//   1b  d1, d2, φ(d1), the wings test, status; the two tail arguments |d|/√2 and their Cody intervals;
//   the tails Φ(−|d|): slots listed by Cody interval, then one loop per interval, two listed slots per f64x2,
//       so that each tail costs one interval's rational rather than all three selected;
//   2   the out-of-the-money value and the outputs; rows whose difference cancelled are listed per expansion
//       (asymptotic / small t) and redone after the block, two listed rows per f64x2, rewriting their price,
//       theta and rho.
// Lanes never mix: a row's results do not depend on the row it is paired with or the slots around it.
//
// exp and log are fdlibm's algorithms (< 1 ulp) written on f64x2 with integer bit tricks, no tables.
//
// Memory is imported (the host sizes it once and never grows it); the static scratch below ends at
// heapBase(), above which the host lays out its columns.

const BLOCK: i32 = 256

@inline function C(x: f64): v128 { return f64x2.splat(x) }
@inline function add(a: v128, b: v128): v128 { return f64x2.add(a, b) }
@inline function sub(a: v128, b: v128): v128 { return f64x2.sub(a, b) }
@inline function mul(a: v128, b: v128): v128 { return f64x2.mul(a, b) }
@inline function div(a: v128, b: v128): v128 { return f64x2.div(a, b) }
@inline function sel(a: v128, b: v128, m: v128): v128 { return v128.bitselect(a, b, m) } // m ? a : b
@inline function any(m: v128): bool { return v128.any_true(m) }

// ---------------------------------------------------------------------------------------------------
// exp (fdlibm e_exp.c), valid for -708 <= x <= 709; callers clamp or select away other lanes.

@inline function vexp(x0: v128): v128 {
  const x = f64x2.pmax(x0, C(-708.0)) // one maxpd; x0 is never NaN where it matters
  let kd = add(mul(x, C(1.44269504088896338700e+00)), C(6755399441055744.0)) // 1/ln2, 0x1.8p52
  const ki = kd
  kd = sub(kd, C(6755399441055744.0))
  const hi = sub(x, mul(kd, C(6.93147180369123816490e-01)))
  const lo = mul(kd, C(1.90821492927058770002e-10))
  const r = sub(hi, lo)
  const rr = mul(r, r)
  const c = sub(r, mul(rr, add(C(1.66666666666666019037e-01), mul(rr, add(C(-2.77777777770155933842e-03),
    mul(rr, add(C(6.61375632143793436117e-05), mul(rr, add(C(-1.65339022054652515390e-06),
    mul(rr, C(4.13813679705723846039e-08)))))))))))
  const y = sub(C(1.0), sub(sub(lo, div(mul(r, c), sub(C(2.0), c))), hi))
  const scale = i64x2.add(i64x2.shl(ki, 52), i64x2.splat(0x3ff0000000000000))
  return mul(y, scale)
}

// ---------------------------------------------------------------------------------------------------
// log (fdlibm e_log.c) for positive normal finite x.

@inline function vlog(x: v128): v128 {
  let ix = i64x2.add(x, i64x2.splat(0x0009_5f62_0000_0000)) // + (0x3ff00000 - 0x3fe6a09e) << 32
  const k = i64x2.sub(i64x2.shr_u(ix, 52), i64x2.splat(0x3ff))
  ix = i64x2.add(v128.and(ix, i64x2.splat(0x000f_ffff_ffff_ffff)), i64x2.splat(0x3fe6_a09e_0000_0000))
  const f = sub(ix, C(1.0))
  // k as a double: |k| < 2^51, via the 0x1.8p52 bias
  const dk = sub(i64x2.add(k, i64x2.splat(0x4338000000000000)), C(6755399441055744.0))
  const hfsq = mul(C(0.5), mul(f, f))
  const s = div(f, add(C(2.0), f))
  const z = mul(s, s)
  const w = mul(z, z)
  const t1 = mul(w, add(C(3.999999999940941908e-01), mul(w, add(C(2.222219843214978396e-01), mul(w, C(1.531383769920937332e-01))))))
  const t2 = mul(z, add(C(6.666666666666735130e-01), mul(w, add(C(2.857142874366239149e-01),
    mul(w, add(C(1.818357216161805012e-01), mul(w, C(1.479819860511658591e-01))))))))
  const R = add(t2, t1)
  return add(add(sub(add(mul(s, add(hfsq, R)), mul(dk, C(1.90821492927058770002e-10))), hfsq), f),
    mul(dk, C(6.93147180369123816490e-01)))
}

// ---------------------------------------------------------------------------------------------------
// Cody's rationals (cody.ts coefficients), numerators and denominators apart so that the three intervals
// share one division.

/** erf(x) = x·smallNum(x²)/smallDen(x²), |x| ≤ 0.46875 */
@inline function smallNum(z: v128): v128 {
  return add(mul(add(mul(add(mul(add(mul(C(0.185777706184603153), z), C(3.16112374387056560)), z),
    C(113.864154151050156)), z), C(377.485237685302021)), z), C(3209.37758913846947))
}
@inline function smallDen(z: v128): v128 {
  return add(mul(add(mul(add(mul(add(z, C(23.6012909523441209)), z), C(244.024637934444173)), z),
    C(1282.61652607737228)), z), C(2844.23683343917062))
}

/** erfcx(y) = midNum(y)/midDen(y), 0.46875 < y ≤ 4 */
@inline function midNum(y: v128): v128 {
  let num = add(mul(C(2.15311535474403846e-8), y), C(0.564188496988670089))
  num = add(mul(num, y), C(8.88314979438837594))
  num = add(mul(num, y), C(66.1191906371416295))
  num = add(mul(num, y), C(298.635138197400131))
  num = add(mul(num, y), C(881.95222124176909))
  num = add(mul(num, y), C(1712.04761263407058))
  num = add(mul(num, y), C(2051.07837782607147))
  return add(mul(num, y), C(1230.33935479799725))
}
@inline function midDen(y: v128): v128 {
  let den = add(y, C(15.7449261107098347))
  den = add(mul(den, y), C(117.693950891312499))
  den = add(mul(den, y), C(537.181101862009858))
  den = add(mul(den, y), C(1621.38957456669019))
  den = add(mul(den, y), C(3290.79923573345963))
  den = add(mul(den, y), C(4362.61909014324716))
  den = add(mul(den, y), C(3439.36767414372164))
  return add(mul(den, y), C(1230.33935480374942))
}

/**
 * Cody's third interval z·P(z)/Q(z), z = 1/y², multiplied through by y¹²: = largeNum(Y)/largeDen(Y) with
 * Y = y² (all coefficients positive, no division for z). erfcx(y) = (1/√π·largeDen − largeNum)/(y·largeDen).
 */
@inline function largeNum(Y: v128): v128 {
  let num = add(mul(C(6.58749161529837803e-4), Y), C(0.0160837851487422766))
  num = add(mul(num, Y), C(0.125781726111229246))
  num = add(mul(num, Y), C(0.360344899949804439))
  num = add(mul(num, Y), C(0.305326634961232344))
  return add(mul(num, Y), C(0.0163153871373020978))
}
@inline function largeDen(Y: v128): v128 {
  let den = add(mul(C(0.00233520497626869185), Y), C(0.0605183413124413191))
  den = add(mul(den, Y), C(0.527905102951428412))
  den = add(mul(den, Y), C(1.87295284992346047))
  den = add(mul(den, Y), C(2.56852019228982242))
  den = add(mul(den, Y), C(1.0))
  return mul(den, Y)
}

// ---------------------------------------------------------------------------------------------------
// normalisedBlack.ts expansions (region 1 asymptotic, region 2 small t), two listed rows per f64x2.

/** b/v by the asymptotic expansion (asymptoticExpansionOverVega); each lane stops adding once converged. */
@inline function asymptoticOverVega(h: v128, t: v128): v128 {
  const th = div(t, h)
  const e = mul(th, th)
  const r = mul(add(h, t), sub(h, t))
  const hr = div(h, r)
  const q = mul(hr, hr)
  const a2 = mul(C(2.0), add(C(1.0), e))
  const omE = sub(C(1.0), e)
  const b2 = mul(omE, omE)
  let pPrev = C(1.0)
  let p = add(C(3.0), e)
  let coeff = f64x2.neg(q)
  let sum = add(C(1.0), mul(coeff, p))
  let done = C(0.0) // all-zero mask
  let k = C(3.0) // 2n + 1
  for (let n = 1; n < 40; n++) {
    coeff = mul(coeff, mul(f64x2.neg(k), q))
    k = add(k, C(2.0))
    const pNext = sub(mul(a2, p), mul(b2, pPrev))
    pPrev = p
    p = pNext
    const term = mul(coeff, p)
    sum = sel(sum, add(sum, term), done)
    done = v128.or(done, f64x2.lt(f64x2.abs(term), mul(C(1e-17), sum)))
    if (i64x2.all_true(done)) break
  }
  return mul(div(mul(C(2.0), t), r), sum)
}

/** a = Y′(h) for h < 0 given g (normalisedBlack.ts yPrime), branch-free, one division. */
@inline function yPrime(h: v128, t: v128, g: v128): v128 {
  const u = mul(C(-0.7071067811865476), h)
  const U = mul(u, u)
  const small = f64x2.le(u, C(0.46875))
  const large = f64x2.gt(u, C(4.0))
  // mid: erfcx(u); large: z·P(z)/Q(z); small (rare here: only when a lane needs it):
  // (e^{−w}/g)·(1 − erf(u)) = e^{−w}·(dS − u·nS)/(g·dS)
  let num = sel(largeNum(U), midNum(u), large)
  let den = sel(largeDen(U), midDen(u), large)
  if (any(small)) {
    const w = mul(mul(C(0.5), t), t)
    const ew = sub(C(1.0), mul(w, sub(C(1.0), mul(w, sub(C(0.5), mul(w, sub(C(1.0 / 6.0), mul(w, sub(C(1.0 / 24.0),
      mul(w, sub(C(1.0 / 120.0), mul(w, sub(C(1.0 / 720.0), mul(w, C(1.0 / 5040.0)))))))))))))))
    const dS = smallDen(U)
    num = sel(mul(ew, sub(dS, mul(u, smallNum(U)))), num, small)
    den = sel(mul(g, dS), den, small)
  }
  const R = div(num, den)
  return sel(mul(C(1.772453850905516), R), add(C(1.0), mul(mul(h, C(1.2533141373155003)), R)), large)
}

@inline function smallTOverVega(h: v128, t: v128, g: v128): v128 {
  const a = yPrime(h, t, g)
  const w = mul(t, t)
  const z = mul(h, h)
  // c_k = (a·A_k(z) − B_k(z)) / (2k+1)!
  const c1 = mul(sub(mul(a, add(z, C(3.0))), C(1.0)), C(1.0 / 6.0))
  const c2 = mul(sub(mul(a, add(mul(add(z, C(10.0)), z), C(15.0))), add(z, C(7.0))), C(1.0 / 120.0))
  const c3 = mul(sub(mul(a, add(mul(add(mul(add(z, C(21.0)), z), C(105.0)), z), C(105.0))),
    add(mul(add(z, C(18.0)), z), C(57.0))), C(1.0 / 5040.0))
  const c4 = mul(sub(mul(a, add(mul(add(mul(add(mul(add(z, C(36.0)), z), C(378.0)), z), C(1260.0)), z), C(945.0))),
    add(mul(add(mul(add(z, C(33.0)), z), C(285.0)), z), C(561.0))), C(1.0 / 362880.0))
  const c5 = mul(sub(mul(a, add(mul(add(mul(add(mul(add(mul(add(z, C(55.0)), z), C(990.0)), z), C(6930.0)), z), C(17325.0)), z), C(10395.0))),
    add(mul(add(mul(add(mul(add(z, C(52.0)), z), C(840.0)), z), C(4680.0)), z), C(6555.0))), C(1.0 / 39916800.0))
  const c6 = mul(sub(mul(a, add(mul(add(mul(add(mul(add(mul(add(mul(add(z, C(78.0)), z), C(2145.0)), z), C(25740.0)), z), C(135135.0)), z), C(270270.0)), z), C(135135.0))),
    add(mul(add(mul(add(mul(add(mul(add(z, C(75.0)), z), C(1926.0)), z), C(20370.0)), z), C(82845.0)), z), C(89055.0))), C(1.0 / 6227020800.0))
  return mul(mul(C(2.0), t), add(a, mul(w, add(c1, mul(w, add(c2, mul(w, add(c3, mul(w, add(c4, mul(w, add(c5, mul(w, c6)))))))))))))
}

// ---------------------------------------------------------------------------------------------------

// Per-block scratch: phase 1's results for the tails and phase 2. Per-tail arrays hold 2·BLOCK + 2 values:
// row r's d1 tail at r, its d2 tail at BLOCK + r, and a junk slot (JUNK) that pads odd-length lists.
const sX = memory.data(BLOCK * 8, 16)
const sD1 = memory.data(BLOCK * 8, 16)
const sD2 = memory.data(BLOCK * 8, 16)
const sS = memory.data(BLOCK * 8, 16)
const sSqrtT = memory.data(BLOCK * 8, 16)
const sRatio = memory.data(BLOCK * 8, 16)
const sOk = memory.data(BLOCK * 8, 16)
const sInner = memory.data(BLOCK * 8, 16)
const sOtm = memory.data(BLOCK * 8, 16)
const sDf = memory.data(BLOCK * 8, 16)
const sItm = memory.data(BLOCK * 8, 16) // q·(F − K) in the money, −0 out of it
const sUpper = memory.data(BLOCK * 8, 16)
const sThetaV = memory.data(BLOCK * 8, 16) // vega·σ/(2T)
const sY = memory.data((2 * BLOCK + 2) * 8, 16) // |d|/√2 (0 outside the inner region)
const sDensity = memory.data((2 * BLOCK + 2) * 8, 16) // φ(d1), φ(d2) = φ(d1)·F/K
const sTail = memory.data((2 * BLOCK + 2) * 8, 16) // Φ(−|d|)
const JUNK = 2 * BLOCK
// Tail slots by Cody interval, and the rows for each expansion.
const LIST_BYTES = (2 * BLOCK + 2) * 4
const lists = memory.data(3 * LIST_BYTES, 16)
const listLow = lists
const listMid = lists + LIST_BYTES
const listHigh = lists + 2 * LIST_BYTES
const sCode = memory.data((2 * BLOCK + 2) * 8, 16)
const listAsym = memory.data((BLOCK + 2) * 4, 16)
const listSmall = memory.data((BLOCK + 2) * 4, 16)

@inline function gather(p: usize, a: usize, b: usize): v128 {
  return v128.load64_lane(p + (b << 3), v128.load64_zero(p + (a << 3)), 1)
}

/** The isCall bytes of rows i and i + 1 as doubles. */
@inline function callBytes(p: usize): v128 {
  return f64x2.convert_low_i32x4_s(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load16_splat(p))))
}

/**
 * Price, theta and rho of rows a and b (block indices al, bl) from a new out-of-the-money value, with phase 2's
 * other terms (the tail end of phase 2, same operations).
 */
@inline function finish(
  a: usize, b: usize, al: usize, bl: usize, pT: usize, pR: usize, oPrice: usize, oTheta: usize, oRho: usize, otm: v128
): void {
  const T = gather(pT, a, b)
  const r = gather(pR, a, b)
  const price = f64x2.pmin(mul(gather(sDf, al, bl), add(otm, gather(sItm, al, bl))), gather(sUpper, al, bl))
  const theta = sub(mul(r, price), gather(sThetaV, al, bl))
  const rho = mul(f64x2.neg(T), price)
  v128.store64_lane(oPrice + (a << 3), price, 0)
  v128.store64_lane(oPrice + (b << 3), price, 1)
  v128.store64_lane(oTheta + (a << 3), theta, 0)
  v128.store64_lane(oTheta + (b << 3), theta, 1)
  v128.store64_lane(oRho + (a << 3), rho, 0)
  v128.store64_lane(oRho + (b << 3), rho, 1)
}

const counts = memory.data(16, 16) // list lengths per Cody interval

// V8 builds a v128 constant that only one loop uses inside that loop, again at every use (three instructions);
// one that is also used before the loops is built once and then kept in a register or reloaded (one). Hence
// every constant of the block loops is stored here once per call: about 7% fewer instructions per row.
const PINNED = memory.data(1968, 16)

@inline function pinConstants(): void {
  v128.store(PINNED, C(-708.0), 0); v128.store(PINNED, C(1.44269504088896338700e+00), 16)
  v128.store(PINNED, C(6755399441055744.0), 32); v128.store(PINNED, C(6.93147180369123816490e-01), 48)
  v128.store(PINNED, C(1.90821492927058770002e-10), 64); v128.store(PINNED, C(1.66666666666666019037e-01), 80)
  v128.store(PINNED, C(-2.77777777770155933842e-03), 96); v128.store(PINNED, C(6.61375632143793436117e-05), 112)
  v128.store(PINNED, C(-1.65339022054652515390e-06), 128); v128.store(PINNED, C(4.13813679705723846039e-08), 144)
  v128.store(PINNED, C(1.0), 160); v128.store(PINNED, C(2.0), 176); v128.store(PINNED, C(0.5), 192)
  v128.store(PINNED, C(3.999999999940941908e-01), 208); v128.store(PINNED, C(2.222219843214978396e-01), 224)
  v128.store(PINNED, C(1.531383769920937332e-01), 240); v128.store(PINNED, C(6.666666666666735130e-01), 256)
  v128.store(PINNED, C(2.857142874366239149e-01), 272); v128.store(PINNED, C(1.818357216161805012e-01), 288)
  v128.store(PINNED, C(1.479819860511658591e-01), 304); v128.store(PINNED, C(0.185777706184603153), 320)
  v128.store(PINNED, C(3.16112374387056560), 336); v128.store(PINNED, C(113.864154151050156), 352)
  v128.store(PINNED, C(377.485237685302021), 368); v128.store(PINNED, C(3209.37758913846947), 384)
  v128.store(PINNED, C(23.6012909523441209), 400); v128.store(PINNED, C(244.024637934444173), 416)
  v128.store(PINNED, C(1282.61652607737228), 432); v128.store(PINNED, C(2844.23683343917062), 448)
  v128.store(PINNED, C(2.15311535474403846e-8), 464); v128.store(PINNED, C(0.564188496988670089), 480)
  v128.store(PINNED, C(8.88314979438837594), 496); v128.store(PINNED, C(66.1191906371416295), 512)
  v128.store(PINNED, C(298.635138197400131), 528); v128.store(PINNED, C(881.95222124176909), 544)
  v128.store(PINNED, C(1712.04761263407058), 560); v128.store(PINNED, C(2051.07837782607147), 576)
  v128.store(PINNED, C(1230.33935479799725), 592); v128.store(PINNED, C(15.7449261107098347), 608)
  v128.store(PINNED, C(117.693950891312499), 624); v128.store(PINNED, C(537.181101862009858), 640)
  v128.store(PINNED, C(1621.38957456669019), 656); v128.store(PINNED, C(3290.79923573345963), 672)
  v128.store(PINNED, C(4362.61909014324716), 688); v128.store(PINNED, C(3439.36767414372164), 704)
  v128.store(PINNED, C(1230.33935480374942), 720); v128.store(PINNED, C(6.58749161529837803e-4), 736)
  v128.store(PINNED, C(0.0160837851487422766), 752); v128.store(PINNED, C(0.125781726111229246), 768)
  v128.store(PINNED, C(0.360344899949804439), 784); v128.store(PINNED, C(0.305326634961232344), 800)
  v128.store(PINNED, C(0.0163153871373020978), 816); v128.store(PINNED, C(0.00233520497626869185), 832)
  v128.store(PINNED, C(0.0605183413124413191), 848); v128.store(PINNED, C(0.527905102951428412), 864)
  v128.store(PINNED, C(1.87295284992346047), 880); v128.store(PINNED, C(2.56852019228982242), 896)
  v128.store(PINNED, C(3.0), 912); v128.store(PINNED, C(1e-17), 928)
  v128.store(PINNED, C(-0.7071067811865476), 944); v128.store(PINNED, C(0.46875), 960)
  v128.store(PINNED, C(4.0), 976); v128.store(PINNED, C(1.0 / 6.0), 992); v128.store(PINNED, C(1.0 / 24.0), 1008)
  v128.store(PINNED, C(1.0 / 120.0), 1024); v128.store(PINNED, C(1.0 / 720.0), 1040)
  v128.store(PINNED, C(1.0 / 5040.0), 1056); v128.store(PINNED, C(1.772453850905516), 1072)
  v128.store(PINNED, C(1.2533141373155003), 1088); v128.store(PINNED, C(10.0), 1104)
  v128.store(PINNED, C(15.0), 1120); v128.store(PINNED, C(7.0), 1136); v128.store(PINNED, C(21.0), 1152)
  v128.store(PINNED, C(105.0), 1168); v128.store(PINNED, C(18.0), 1184); v128.store(PINNED, C(57.0), 1200)
  v128.store(PINNED, C(36.0), 1216); v128.store(PINNED, C(378.0), 1232); v128.store(PINNED, C(1260.0), 1248)
  v128.store(PINNED, C(945.0), 1264); v128.store(PINNED, C(33.0), 1280); v128.store(PINNED, C(285.0), 1296)
  v128.store(PINNED, C(561.0), 1312); v128.store(PINNED, C(1.0 / 362880.0), 1328); v128.store(PINNED, C(55.0), 1344)
  v128.store(PINNED, C(990.0), 1360); v128.store(PINNED, C(6930.0), 1376); v128.store(PINNED, C(17325.0), 1392)
  v128.store(PINNED, C(10395.0), 1408); v128.store(PINNED, C(52.0), 1424); v128.store(PINNED, C(840.0), 1440)
  v128.store(PINNED, C(4680.0), 1456); v128.store(PINNED, C(6555.0), 1472)
  v128.store(PINNED, C(1.0 / 39916800.0), 1488); v128.store(PINNED, C(78.0), 1504)
  v128.store(PINNED, C(2145.0), 1520); v128.store(PINNED, C(25740.0), 1536); v128.store(PINNED, C(135135.0), 1552)
  v128.store(PINNED, C(270270.0), 1568); v128.store(PINNED, C(75.0), 1584); v128.store(PINNED, C(1926.0), 1600)
  v128.store(PINNED, C(20370.0), 1616); v128.store(PINNED, C(82845.0), 1632); v128.store(PINNED, C(89055.0), 1648)
  v128.store(PINNED, C(1.0 / 6227020800.0), 1664); v128.store(PINNED, C(Infinity), 1680)
  v128.store(PINNED, C(700.0), 1696); v128.store(PINNED, C(2.2250738585072014e-308), 1712)
  v128.store(PINNED, C(37.0), 1728); v128.store(PINNED, C(40.0), 1744); v128.store(PINNED, C(134217729.0), 1760)
  v128.store(PINNED, C(0.3989422804014327), 1776); v128.store(PINNED, C(-0.5), 1792)
  v128.store(PINNED, C(0.7071067811865476), 1808); v128.store(PINNED, C(0.5641895835477563), 1824)
  v128.store(PINNED, C(-1.0), 1840); v128.store(PINNED, C(1e-100), 1856); v128.store(PINNED, C(0.0625), 1872)
  v128.store(PINNED, C(-10.0), 1888); v128.store(PINNED, C(0.21022410381342865 - 10.0), 1904)
  v128.store(PINNED, C(0.21022410381342865), 1920); v128.store(PINNED, C(-0.0), 1936)
  v128.store(PINNED, C(2.5066282746310002), 1952)
}

/** Phase 1a of a block: validation and σ√T to the block scratch; whether any row has a rate. */
@inline function validateBlock(lo: i32, hi: i32, pCall: usize, pF: usize, pT: usize, pR: usize, pVol: usize): v128 {
  let rates = C(0.0)
  for (let i = lo; i < hi; i += 2) {
    const off = <usize>i << 3
    const so = <usize>(i - lo) << 3
    const F = v128.load(pF + off)
    const T = v128.load(pT + off)
    const r = v128.load(pR + off)
    const sigma = v128.load(pVol + off)
    const call = callBytes(pCall + i)
    const rT = mul(r, T)
    const sqrtT = f64x2.sqrt(T)
    const s = mul(sigma, sqrtT)
    const inf = C(Infinity)
    const zero = C(0.0)
    rates = v128.or(rates, f64x2.ne(r, zero))
    // The JavaScript loop's checks, shortened: F/K in the normal range (below) with F > 0 implies a positive
    // finite K and F; s = σ√T < ∞ with T, σ > 0 implies finite T and σ.
    let valid = v128.and(v128.and(f64x2.gt(F, zero), f64x2.gt(T, zero)), v128.and(f64x2.gt(sigma, zero), f64x2.lt(s, inf)))
    valid = v128.and(valid, v128.and(f64x2.lt(f64x2.abs(rT), C(700.0)), f64x2.lt(call, C(2.0))))
    v128.store(sS + so, s)
    v128.store(sSqrtT + so, sqrtT)
    v128.store(sOk + so, valid)
  }
  return rates
}

/** Phase 1a′ of a block: x = ln(F/K) (the log) and F/K to the block scratch. */
@inline function logBlock(lo: i32, hi: i32, pF: usize, pK: usize): void {
  for (let i = lo; i < hi; i += 2) {
    const off = <usize>i << 3
    const so = <usize>(i - lo) << 3
    const F = v128.load(pF + off)
    const K = v128.load(pK + off)
    const inf = C(Infinity)
    const zero = C(0.0)
    let valid = v128.load(sOk + so)
    const ratio = div(F, K)
    const gap = sub(F, K)
    const near = f64x2.lt(f64x2.abs(gap), mul(C(0.5), K))
    // log1p(u) = log(1 + u) + (u − ((1 + u) − 1))/(1 + u) where |F − K| < K/2, else log(F/K)
    const u = div(gap, K)
    const m = add(C(1.0), u)
    const corr = div(sub(u, sub(m, C(1.0))), m)
    const x = add(vlog(sel(m, ratio, near)), v128.and(corr, near))
    valid = v128.andnot(valid, f64x2.eq(x, zero)) // at the money exactly: JS
    // vlog needs a normal finite F/K: a ratio that overflowed or went subnormal (absurd moneyness) is JS's.
    valid = v128.and(valid, v128.and(f64x2.ge(ratio, C(2.2250738585072014e-308)), f64x2.lt(ratio, inf)))
    v128.store(sX + so, x)
    v128.store(sRatio + so, ratio)
    v128.store(sOk + so, valid)
  }
}

/** The block's discount factors. */
@inline function discountBlock(lo: i32, hi: i32, pairsHi: i32, pR: usize, pT: usize, rates: v128): void {
  // exp(−rT) where the block has a rate (exp(0) = 1 exactly), else 1
  if (any(rates)) {
    for (let i = lo; i < hi; i += 2) {
      const off = <usize>i << 3
      v128.store(sDf + (<usize>(i - lo) << 3), vexp(f64x2.neg(mul(v128.load(pR + off), v128.load(pT + off)))))
    }
  } else {
    for (let i = 0; i < pairsHi; i += 2) v128.store(sDf + (<usize>i << 3), C(1.0))
  }
}

/**
 * The tails Φ(−|d|) of the block's listed slots: the first `halves` halves of the slots (1: d1 only, 2: d1 and d2),
 * listed by Cody interval, then one loop per interval.
 */
@inline function tailsBlock(pairsHi: i32, halves: i32): void {
  // The tail slots by interval.
  store<i64>(counts, 0)
  store<i32>(counts, 0, 8)
  for (let half = 0; half < halves * BLOCK; half += BLOCK) {
    for (let v = half; v < half + pairsHi; v++) {
      const k = -<i32>load<i64>(sCode + (<usize>v << 3))
      const pc = counts + (<usize>k << 2)
      const c = load<i32>(pc)
      store<u32>(lists + <usize>k * LIST_BYTES + (<usize>c << 2), v)
      store<i32>(pc, c + 1)
    }
  }
  const nLow = load<i32>(counts)
  const nMid = load<i32>(counts, 4)
  const nHigh = load<i32>(counts, 8)

  // The tails Φ(−|d|) = Φ(−y√2) (blackKernel.ts lowerTail), two listed slots per f64x2, one Cody interval per
  // loop. A list of odd length ends with the junk slot.
  store<u32>(listLow + (<usize>nLow << 2), JUNK)
  for (let j = 0; j < nLow; j += 2) {
    const a = <usize>load<u32>(listLow + (<usize>j << 2))
    const b = <usize>load<u32>(listLow + (<usize>j << 2), 4)
    const y = gather(sY, a, b)
    const Y = mul(y, y)
    // ½ − ½·erf(y), erf(y) = y·P(y²)/Q(y²)
    const t = sub(C(0.5), mul(C(0.5), div(mul(y, smallNum(Y)), smallDen(Y))))
    v128.store64_lane(sTail + (a << 3), t, 0)
    v128.store64_lane(sTail + (b << 3), t, 1)
  }
  store<u32>(listMid + (<usize>nMid << 2), JUNK)
  for (let j = 0; j < nMid; j += 2) {
    const a = <usize>load<u32>(listMid + (<usize>j << 2))
    const b = <usize>load<u32>(listMid + (<usize>j << 2), 4)
    const y = gather(sY, a, b)
    // √(π/2)·erfcx(y)·φ
    const t = mul(mul(C(1.2533141373155003), div(midNum(y), midDen(y))), gather(sDensity, a, b))
    v128.store64_lane(sTail + (a << 3), t, 0)
    v128.store64_lane(sTail + (b << 3), t, 1)
  }
  store<u32>(listHigh + (<usize>nHigh << 2), JUNK)
  for (let j = 0; j < nHigh; j += 2) {
    const a = <usize>load<u32>(listHigh + (<usize>j << 2))
    const b = <usize>load<u32>(listHigh + (<usize>j << 2), 4)
    const y = gather(sY, a, b)
    const Y = mul(y, y)
    const dL = largeDen(Y)
    const R = div(sub(mul(C(0.5641895835477563), dL), largeNum(Y)), mul(dL, y))
    const t = mul(mul(C(1.2533141373155003), R), gather(sDensity, a, b))
    v128.store64_lane(sTail + (a << 3), t, 0)
    v128.store64_lane(sTail + (b << 3), t, 1)
  }
}

/**
 * Rows [0, n). When n is odd the last pair also reads and writes row n, so the host passes an even n or columns
 * with a spare padding row; `flagged` never lists row n. Inputs: isCall (u8),
 * forward, strike, expiry, rate, vol (f64). Outputs: price, delta, gamma, vega, theta, rho (f64), status (u8:
 * 0 done, 255 redo in JS). Flagged row indices go to `flagged` (u32); returns their count.
 */
export function greeks(
  n: i32, pCall: usize, pF: usize, pK: usize, pT: usize, pR: usize, pVol: usize,
  oPrice: usize, oDelta: usize, oGamma: usize, oVega: usize, oTheta: usize, oRho: usize,
  oStatus: usize, oFlagged: usize
): i32 {
  pinConstants()
  return rows(n, pCall, pF, pK, pT, pR, pVol, oPrice, oDelta, oGamma, oVega, oTheta, oRho, oStatus, oFlagged)
}

/** `greeks` without pinning the constants, for one row, where pinning would cost more than it saves. */
function greeksUnpinned(
  n: i32, pCall: usize, pF: usize, pK: usize, pT: usize, pR: usize, pVol: usize,
  oPrice: usize, oDelta: usize, oGamma: usize, oVega: usize, oTheta: usize, oRho: usize,
  oStatus: usize, oFlagged: usize
): i32 {
  return rows(n, pCall, pF, pK, pT, pR, pVol, oPrice, oDelta, oGamma, oVega, oTheta, oRho, oStatus, oFlagged)
}

/** The body of `greeks`, inlined into both callers. */
@inline function rows(
  n: i32, pCall: usize, pF: usize, pK: usize, pT: usize, pR: usize, pVol: usize,
  oPrice: usize, oDelta: usize, oGamma: usize, oVega: usize, oTheta: usize, oRho: usize,
  oStatus: usize, oFlagged: usize
): i32 {
  let nFlagged = 0
  for (let lo = 0; lo < n; lo += BLOCK) {
    const hi = min(n, lo + BLOCK)
    let nAsym = 0
    let nSmall = 0
    // Phase 1a: validation, x = ln(F/K) (the log), to the block scratch; then exp(−rT) where the block has a rate.
    const pairsHi = (hi - lo + 1) & ~1 // rows of the block, with the padding row after an odd count
    const rates = validateBlock(lo, hi, pCall, pF, pT, pR, pVol)
    logBlock(lo, hi, pF, pK)
    discountBlock(lo, hi, pairsHi, pR, pT, rates)

    // Phase 1b: d1, d2, φ(d1) (the exp), each row's two tail arguments and their Cody intervals.
    for (let i = lo; i < hi; i += 2) {
      const so = <usize>(i - lo) << 3
      const x = v128.load(sX + so)
      const s = v128.load(sS + so)
      const zero = C(0.0)
      const d1 = add(div(x, s), mul(C(0.5), s))
      const d2 = sub(d1, s)
      // Wings: both beyond 40 on the same side ⇒ φ(d1) = both tails = 0 exactly; otherwise flag.
      const ad1 = f64x2.abs(d1)
      const ad2 = f64x2.abs(d2)
      const inner = v128.and(f64x2.lt(ad1, C(37.0)), f64x2.lt(ad2, C(37.0)))
      const far = v128.and(v128.and(f64x2.gt(ad1, C(40.0)), f64x2.gt(ad2, C(40.0))), f64x2.gt(mul(d1, d2), zero))
      const ok = v128.and(v128.load(sOk + so), v128.or(inner, far))

      // φ(d1) at the exact square d1² = p + e (exactSquare.ts)
      const d1c = v128.and(d1, inner)
      const split = mul(C(134217729.0), d1c)
      const hi1 = sub(split, sub(split, d1c))
      const lo1 = sub(d1c, hi1)
      const pp = mul(d1c, d1c)
      const ee = add(add(sub(mul(hi1, hi1), pp), mul(mul(C(2.0), hi1), lo1)), mul(lo1, lo1))
      const p1 = v128.and(mul(C(0.3989422804014327), mul(vexp(mul(C(-0.5), pp)), sub(C(1.0), mul(C(0.5), ee)))), inner)
      v128.store(sD1 + so, d1)
      v128.store(sD2 + so, d2)
      v128.store(sInner + so, inner)
      v128.store(sOk + so, ok)
      v128.store(sDensity + so, p1)
      v128.store(sDensity + (BLOCK << 3) + so, mul(p1, v128.load(sRatio + so)))
      const y1 = mul(C(0.7071067811865476), f64x2.abs(d1c))
      const y2 = mul(C(0.7071067811865476), f64x2.abs(v128.and(d2, inner)))
      v128.store(sY + so, y1)
      v128.store(sY + (BLOCK << 3) + so, y2)
      // Interval codes 0, 1, 2 (erf, erfcx middle, erfcx large) as 0, −1, −2
      v128.store(sCode + so, i64x2.add(f64x2.gt(y1, C(0.46875)), f64x2.gt(y1, C(4.0))))
      v128.store(sCode + (BLOCK << 3) + so, i64x2.add(f64x2.gt(y2, C(0.46875)), f64x2.gt(y2, C(4.0))))

      const okBits = i64x2.bitmask(ok)
      store<u16>(oStatus + i, <u16>(((~okBits & 1) * 0xff) | ((~okBits & 2) * 0x7f80)))
      if (okBits != 3) {
        if (!(okBits & 1)) { store<u32>(oFlagged + (<usize>nFlagged << 2), i); nFlagged++ }
        if (!(okBits & 2) && i + 1 < n) { store<u32>(oFlagged + (<usize>nFlagged << 2), i + 1); nFlagged++ }
      }
    }

    tailsBlock(pairsHi, 2)

    // Phase 2: the out-of-the-money value, outputs; rows that cancelled are listed.
    for (let i = lo; i < hi; i += 2) {
      const off = <usize>i << 3
      const so = <usize>(i - lo) << 3
      const F = v128.load(pF + off)
      const K = v128.load(pK + off)
      const T = v128.load(pT + off)
      const r = v128.load(pR + off)
      const sigma = v128.load(pVol + off)
      const b = callBytes(pCall + i)
      const q = sub(add(b, b), C(1.0))
      const x = v128.load(sX + so)
      const d1 = v128.load(sD1 + so)
      const d2 = v128.load(sD2 + so)
      const p1 = v128.load(sDensity + so)
      const zero = C(0.0)
      const sqrtT = v128.load(sSqrtT + so)
      const s = v128.load(sS + so)
      const df = v128.load(sDf + so)
      const o = sel(C(-1.0), C(1.0), f64x2.gt(x, zero))
      const inner = v128.load(sInner + so)
      const t1 = v128.and(v128.load(sTail + so), inner)
      const t2 = v128.and(v128.load(sTail + (BLOCK << 3) + so), inner)

      const one = C(1.0)
      const c1 = sel(t1, sub(one, t1), f64x2.le(mul(o, d1), zero))
      const c2 = sel(t2, sub(one, t2), f64x2.le(mul(o, d2), zero))
      const g1 = sel(t1, sub(one, t1), f64x2.le(mul(q, d1), zero))
      const first = mul(F, c1)
      const second = mul(K, c2)
      const oPos = f64x2.gt(o, zero)
      const ok = v128.load(sOk + so)
      // Far wings (both tails 0): the JS loop's expansion gives F·φ(d1)·(b/v) = +0 (b/v > 0 while s³/x² does
      // not underflow), so +0 here without listing the row.
      const far = v128.and(v128.andnot(ok, inner), f64x2.gt(s, C(1e-100)))
      const otm = v128.andnot(mul(o, sub(first, second)), far)
      // Cancelled more than four bits: list the row for the expansion that applies (normalisedBlack.ts).
      const cancel = v128.andnot(v128.and(v128.not(f64x2.gt(otm, mul(C(0.0625), sel(first, second, oPos)))), ok), far)
      const xo = mul(o, x)
      const t = mul(C(0.5), s)
      const asym = v128.and(cancel, v128.and(f64x2.lt(xo, mul(s, C(-10.0))),
        f64x2.lt(add(mul(t, s), xo), mul(s, C(0.21022410381342865 - 10.0)))))
      const smallT = v128.andnot(v128.and(cancel, f64x2.lt(t, C(0.21022410381342865))), asym)
      v128.store(sOtm + so, otm)
      const aBits = i64x2.bitmask(asym)
      const sBits = i64x2.bitmask(smallT)
      store<u32>(listAsym + (<usize>nAsym << 2), i)
      nAsym += aBits & 1
      store<u32>(listAsym + (<usize>nAsym << 2), i + 1)
      nAsym += aBits >> 1
      store<u32>(listSmall + (<usize>nSmall << 2), i)
      nSmall += sBits & 1
      store<u32>(listSmall + (<usize>nSmall << 2), i + 1)
      nSmall += sBits >> 1

      // In the money: intrinsic + the out-of-the-money value (x + −0 = x, signed zeros included).
      const itm = sel(C(-0.0), mul(q, sub(F, K)), f64x2.eq(o, q))
      const upper = sel(mul(df, K), mul(df, F), f64x2.lt(q, zero))
      const price = f64x2.pmin(mul(df, add(otm, itm)), upper)
      const vega = mul(mul(mul(df, F), p1), sqrtT)
      const thetaV = div(mul(vega, sigma), mul(C(2.0), T))
      v128.store(sItm + so, itm)
      v128.store(sUpper + so, upper)
      v128.store(sThetaV + so, thetaV)
      v128.store(oPrice + off, price)
      v128.store(oDelta + off, mul(mul(df, q), g1))
      v128.store(oGamma + off, div(mul(df, p1), mul(F, s)))
      v128.store(oVega + off, vega)
      v128.store(oTheta + off, sub(mul(r, price), thetaV))
      v128.store(oRho + off, mul(f64x2.neg(T), price))
    }

    // Region 1: asymptotic expansion, two listed rows at a time (the last one twice when the count is odd).
    for (let j = 0; j < nAsym; j += 2) {
      const a = <usize>load<u32>(listAsym + (<usize>j << 2))
      const b = j + 1 < nAsym ? <usize>load<u32>(listAsym + (<usize>(j + 1) << 2)) : a
      const x = gather(sX, a - lo, b - lo)
      const p1 = gather(sDensity, a - lo, b - lo)
      const s = gather(sS, a - lo, b - lo)
      const xo = f64x2.neg(f64x2.abs(x))
      const ov = asymptoticOverVega(div(xo, s), mul(C(0.5), s))
      const F = gather(pF, a, b)
      const otm = sel(mul(mul(F, p1), ov), gather(sOtm, a - lo, b - lo), f64x2.gt(ov, C(0.0)))
      finish(a, b, a - lo, b - lo, pT, pR, oPrice, oTheta, oRho, otm)
    }
    // Region 2: small σ√T.
    for (let j = 0; j < nSmall; j += 2) {
      const a = <usize>load<u32>(listSmall + (<usize>j << 2))
      const b = j + 1 < nSmall ? <usize>load<u32>(listSmall + (<usize>(j + 1) << 2)) : a
      const x = gather(sX, a - lo, b - lo)
      const p1 = gather(sDensity, a - lo, b - lo)
      const s = gather(sS, a - lo, b - lo)
      const F = gather(pF, a, b)
      const ratio = gather(sRatio, a - lo, b - lo)
      const xo = f64x2.neg(f64x2.abs(x))
      const g = mul(mul(C(2.5066282746310002), p1), f64x2.sqrt(ratio))
      const ov = smallTOverVega(div(xo, s), mul(C(0.5), s), g)
      const otm = sel(mul(mul(F, p1), ov), gather(sOtm, a - lo, b - lo), f64x2.gt(ov, C(0.0)))
      finish(a, b, a - lo, b - lo, pT, pR, oPrice, oTheta, oRho, otm)
    }
  }
  return nFlagged
}

/**
 * Delta, gamma and vega of rows [0, n) without the price, theta and rho: what a hedge reads at every step. The
 * same operations as `greeks` on the same rows, so the same numbers bit for bit and the same rows flagged (the
 * wings rule tests d2 as well, so that a row is done here exactly when `greeks` does it here); it skips the d2
 * tail, the out-of-the-money value and its cancellation expansions. Padding, columns and `flagged` as `greeks`.
 */
export function hedgeGreeks(
  n: i32, pCall: usize, pF: usize, pK: usize, pT: usize, pR: usize, pVol: usize,
  oDelta: usize, oGamma: usize, oVega: usize, oStatus: usize, oFlagged: usize
): i32 {
  pinConstants()
  let nFlagged = 0
  for (let lo = 0; lo < n; lo += BLOCK) {
    const hi = min(n, lo + BLOCK)
    const pairsHi = (hi - lo + 1) & ~1
    const rates = validateBlock(lo, hi, pCall, pF, pT, pR, pVol)
    logBlock(lo, hi, pF, pK)
    discountBlock(lo, hi, pairsHi, pR, pT, rates)
    // Phase 1b: d1, φ(d1), the d1 tail argument and its Cody interval; the wings test on d1 and d2.
    for (let i = lo; i < hi; i += 2) {
      const so = <usize>(i - lo) << 3
      const x = v128.load(sX + so)
      const s = v128.load(sS + so)
      const zero = C(0.0)
      const d1 = add(div(x, s), mul(C(0.5), s))
      const d2 = sub(d1, s)
      const ad1 = f64x2.abs(d1)
      const ad2 = f64x2.abs(d2)
      const inner = v128.and(f64x2.lt(ad1, C(37.0)), f64x2.lt(ad2, C(37.0)))
      const far = v128.and(v128.and(f64x2.gt(ad1, C(40.0)), f64x2.gt(ad2, C(40.0))), f64x2.gt(mul(d1, d2), zero))
      const ok = v128.and(v128.load(sOk + so), v128.or(inner, far))
      const d1c = v128.and(d1, inner)
      const split = mul(C(134217729.0), d1c)
      const hi1 = sub(split, sub(split, d1c))
      const lo1 = sub(d1c, hi1)
      const pp = mul(d1c, d1c)
      const ee = add(add(sub(mul(hi1, hi1), pp), mul(mul(C(2.0), hi1), lo1)), mul(lo1, lo1))
      const p1 = v128.and(mul(C(0.3989422804014327), mul(vexp(mul(C(-0.5), pp)), sub(C(1.0), mul(C(0.5), ee)))), inner)
      v128.store(sD1 + so, d1)
      v128.store(sInner + so, inner)
      v128.store(sDensity + so, p1)
      const y1 = mul(C(0.7071067811865476), f64x2.abs(d1c))
      v128.store(sY + so, y1)
      v128.store(sCode + so, i64x2.add(f64x2.gt(y1, C(0.46875)), f64x2.gt(y1, C(4.0))))
      const okBits = i64x2.bitmask(ok)
      store<u16>(oStatus + i, <u16>(((~okBits & 1) * 0xff) | ((~okBits & 2) * 0x7f80)))
      if (okBits != 3) {
        if (!(okBits & 1)) { store<u32>(oFlagged + (<usize>nFlagged << 2), i); nFlagged++ }
        if (!(okBits & 2) && i + 1 < n) { store<u32>(oFlagged + (<usize>nFlagged << 2), i + 1); nFlagged++ }
      }
    }
    tailsBlock(pairsHi, 1)
    // Phase 2: delta, gamma, vega as `greeks` writes them.
    for (let i = lo; i < hi; i += 2) {
      const off = <usize>i << 3
      const so = <usize>(i - lo) << 3
      const F = v128.load(pF + off)
      const b = callBytes(pCall + i)
      const q = sub(add(b, b), C(1.0))
      const d1 = v128.load(sD1 + so)
      const p1 = v128.load(sDensity + so)
      const zero = C(0.0)
      const df = v128.load(sDf + so)
      const t1 = v128.and(v128.load(sTail + so), v128.load(sInner + so))
      const g1 = sel(t1, sub(C(1.0), t1), f64x2.le(mul(q, d1), zero))
      v128.store(oDelta + off, mul(mul(df, q), g1))
      v128.store(oGamma + off, div(mul(df, p1), mul(F, v128.load(sS + so))))
      v128.store(oVega + off, mul(mul(mul(df, F), p1), v128.load(sSqrtT + so)))
    }
  }
  return nFlagged
}

// One row for the scalar functions: a static pair of rows (the row twice, so the pair needs no padding row),
// 13 columns of two rows, 16 bytes each, in the kernel's argument order; the row's outputs are lane 0 of
// columns 6 … 11 (price, delta, gamma, vega, theta, rho).
const ONE = memory.data(14 * 16, 16)

/** The static pair's outputs: price, delta, gamma, vega, theta, rho at 16-byte strides. */
export function oneOutputs(): usize {
  return ONE + 6 * 16
}

/**
 * Row `greeks` for one row given by value (call: 1 call, 0 put): fewer arguments to pass than the column
 * offsets, which matters at one row per call. Returns 1 when the row is flagged for the JavaScript loop.
 */
export function greeksOne(call: u8, F: f64, K: f64, T: f64, r: f64, vol: f64): i32 {
  store<u8>(ONE, call)
  store<u8>(ONE + 1, call)
  v128.store(ONE + 16, f64x2.splat(F))
  v128.store(ONE + 32, f64x2.splat(K))
  v128.store(ONE + 48, f64x2.splat(T))
  v128.store(ONE + 64, f64x2.splat(r))
  v128.store(ONE + 80, f64x2.splat(vol))
  return greeksUnpinned(1, ONE, ONE + 16, ONE + 32, ONE + 48, ONE + 64, ONE + 80, ONE + 96, ONE + 112, ONE + 128,
    ONE + 144, ONE + 160, ONE + 176, ONE + 192, ONE + 208)
}

/** First byte above the static scratch: the host lays its columns out from here. */
export function heapBase(): usize {
  return __heap_base
}
