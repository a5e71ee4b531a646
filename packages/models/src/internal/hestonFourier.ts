/**
 * The Fourier engine shared by `Heston` and `Bates`: the characteristic function in the "little trap" form,
 * the moment generating function (with its explosion test), the choice of the quadrature step from an a-priori
 * bound of the discretisation error, and the quadrature nodes of one expiry, which every strike of that expiry
 * then reuses. See `Heston.ts` for the method and its error analysis.
 *
 * X = ln(F_T/F) under the pricing measure; φ(z) = E[e^{izX}]. The integrand is evaluated on the line
 * z = u − i/2 (Lewis 2001), where z² + iz = u² + 1/4.
 */
import { BatchStatus } from "@hedgekit/sdk"
import { normalisedBlack } from "./normalisedBlack.js"

/** Heston parameters plus Merton jumps in the forward (`lambda` = 0 for pure Heston). */
export interface Dynamics {
  readonly v0: number
  readonly kappa: number
  readonly theta: number
  readonly sigma: number
  readonly rho: number
  readonly lambda: number
  readonly muJ: number
  readonly deltaJ: number
}

/** Target of the a-priori discretisation bound and of the truncation estimate, each, in units of F. */
export const PRICE_TOLERANCE = 5e-12
/** The same for the Greeks' integrands (which carry extra factors u and u² into the tails). */
export const GREEKS_TOLERANCE = 5e-14
/** The most nodes one expiry may use before the row is reported as not converged. */
export const MAX_NODES = 1 << 16

/**
 * Out: `[Re φ, Im φ, Re ∂_T ln φ, Im ∂_T ln φ]` at z = u − i/2 after {@link charFn}.
 */
export const cf = new Float64Array(4)

/**
 * φ(u − i/2) for real u ≥ 0 (and ∂ ln φ/∂T when `withDT`), written into {@link cf}.
 *
 * Little trap (Albrecher, Mayer, Schoutens & Tistaert 2007): with β = κ − ρσiz, D = √(β² + σ²(z² + iz)) (Re D > 0),
 * G = (β − D)/(β + D):
 *   ln φ = κθ[(β − D)T/σ² − (2/σ²) ln((1 − G e^{−DT})/(1 − G))] + v₀ B(T),
 *   B(T) = (β − D)(1 − e^{−DT})/(σ²(1 − G e^{−DT})),
 * plus λT(e^{izμ − z²δ²/2} − 1 − iz·k̄), k̄ = e^{μ + δ²/2} − 1, for the jumps. Every 1/σ² is cancelled
 * analytically: (β − D)/σ² = −(z² + iz)/(β + D), G = σ²·(β − D)/σ²/(β + D), and the log is log1p of
 * σ²·G/σ²·(1 − e^{−DT})/(1 − G), so that σ → 0 is stable (Black-76 in the limit). On z = u − i/2,
 * Re D² = (κ − ρσ/2)² + σ²/4 + σ²(1 − ρ²)u² > 0, so D never vanishes.
 */
export function charFn(u: number, T: number, m: Dynamics, withDT: boolean): void {
  const { kappa, rho, sigma, theta, v0 } = m
  const a2 = u * u + 0.25
  const s2 = sigma * sigma
  const br = kappa - 0.5 * rho * sigma
  const bi = -rho * sigma * u
  // D = √(β² + σ²·a2), principal root of a number with positive real part.
  const wr = br * br - bi * bi + s2 * a2
  const wi = 2 * br * bi
  const dr = Math.sqrt(0.5 * (Math.sqrt(wr * wr + wi * wi) + wr))
  const di = wi / (2 * dr)
  // p = β + D; q1 = (β − D)/σ² = −a2/p; gt = q1/p = G/σ².
  const pr = br + dr
  const pi = bi + di
  const pn = pr * pr + pi * pi
  const q1r = (-a2 * pr) / pn
  const q1i = (a2 * pi) / pn
  const gtr = (q1r * pr + q1i * pi) / pn
  const gti = (q1i * pr - q1r * pi) / pn
  const Gr = s2 * gtr
  const Gi = s2 * gti
  // e = e^{−DT}; om = 1 − e (through expm1 when DT is small).
  const xr = -dr * T
  const xi = -di * T
  const ex = Math.exp(xr)
  const c = Math.cos(xi)
  const s = Math.sin(xi)
  const er = ex * c
  const ei = ex * s
  let omr: number
  if (xr > -0.5 && Math.abs(xi) < 0.5) {
    const sh = Math.sin(0.5 * xi)
    omr = 2 * sh * sh - Math.expm1(xr) * c
  } else {
    omr = 1 - er
  }
  const omi = -ei
  // den = 1 − G·e; B = q1·om/den.
  const denr = 1 - (Gr * er - Gi * ei)
  const deni = -(Gr * ei + Gi * er)
  const nr = q1r * omr - q1i * omi
  const ni = q1r * omi + q1i * omr
  const dn = denr * denr + deni * deni
  const Br = (nr * denr + ni * deni) / dn
  const Bi = (ni * denr - nr * deni) / dn
  // q = G·om/(1 − G) = σ²·qt, L = log1p(q) (principal branch: see the module docs of Heston.ts).
  const omGr = 1 - Gr
  const omGi = -Gi
  const omGn = omGr * omGr + omGi * omGi
  const tr = gtr * omr - gti * omi
  const ti = gtr * omi + gti * omr
  const qtr = (tr * omGr + ti * omGi) / omGn
  const qti = (ti * omGr - tr * omGi) / omGn
  const qr = s2 * qtr
  const qi = s2 * qti
  const Lr = 0.5 * Math.log1p(qr * (2 + qr) + qi * qi)
  const Li = Math.atan2(qi, 1 + qr)
  const kt = kappa * theta
  // ln φ = κθ(q1·T − 2L/σ²) + v0·B
  let lr = kt * (q1r * T - (2 * Lr) / s2) + v0 * Br
  let li = kt * (q1i * T - (2 * Li) / s2) + v0 * Bi
  let jr = 0
  let ji = 0
  const { deltaJ, lambda, muJ } = m
  if (lambda > 0) {
    const d2 = deltaJ * deltaJ
    const kbar = Math.expm1(muJ + 0.5 * d2)
    const fe = Math.exp(0.5 * muJ - 0.5 * d2 * (u * u - 0.25))
    const fa = u * (muJ + 0.5 * d2)
    jr = lambda * (fe * Math.cos(fa) - 1 - 0.5 * kbar)
    ji = lambda * (fe * Math.sin(fa) - u * kbar)
    lr += jr * T
    li += ji * T
  }
  const mod = Math.exp(lr)
  cf[0] = mod * Math.cos(li)
  cf[1] = mod * Math.sin(li)
  if (withDT) {
    // ∂_T ln φ = κθ·B + v0·B′ + λψ, with the Riccati equation B′ = −a2/2 − β·B + σ²B²/2.
    const bbr = br * Br - bi * Bi
    const bbi = br * Bi + bi * Br
    const b2r = Br * Br - Bi * Bi
    const b2i = 2 * Br * Bi
    cf[2] = kt * Br + v0 * (-0.5 * a2 - bbr + 0.5 * s2 * b2r) + jr
    cf[3] = kt * Bi + v0 * (-bbi + 0.5 * s2 * b2i) + ji
  }
}

/**
 * ln E[e^{pX_T}] for real p, or +∞ where the moment has exploded by T (Andersen & Piterbarg 2007). With
 * k = κ − ρσp, c = p(p − 1)/2 and D² = k² − 2σ²c, the Riccati solution B′ = c − kB + σ²B²/2 is
 *   D² > 0:  B = 2c(1 − e^{−DT})/den,  den = k(1 − e^{−DT}) + D(1 + e^{−DT})  (exploded iff den ≤ 0),
 *            A = κθ[2cT/(k + D) − 2·log1p(σ²c(1 − e^{−DT})/(D(k + D)))/σ²];
 *   D² < 0:  with γ = √(−D²), φ₀ = −atan(k/γ): exploded iff γT/2 + φ₀ ≥ π/2, else
 *            B = (k + γ·tan(γT/2 + φ₀))/σ²,  A = κθ[kT − 2 ln(cos(γT/2 + φ₀)/cos φ₀)]/σ².
 */
export function logMgf(p: number, T: number, m: Dynamics): number {
  const { kappa, rho, sigma, theta, v0 } = m
  const s2 = sigma * sigma
  const k = kappa - rho * sigma * p
  const c = 0.5 * p * (p - 1)
  const D2 = k * k - 2 * s2 * c
  const kt = kappa * theta
  let A: number
  let B: number
  if (D2 > 1e-300) {
    const D = Math.sqrt(D2)
    const om = -Math.expm1(-D * T)
    const den = k * om + D * (2 - om)
    if (!(den > 0)) return Infinity
    B = (2 * c * om) / den
    const kd = k + D
    // k + D > 0 whenever the moment is finite (k < 0 < c is the exploding branch, where den guards).
    A = kt * ((2 * c * T) / kd - (2 * Math.log1p((s2 * c * om) / (D * kd))) / s2)
  } else {
    const g = Math.sqrt(Math.max(-D2, 1e-300))
    const phi0 = -Math.atan(k / g)
    const arg = 0.5 * g * T + phi0
    if (!(arg < 0.5 * Math.PI)) return Infinity
    B = (k + g * Math.tan(arg)) / s2
    A = (kt * (k * T - 2 * Math.log(Math.cos(arg) / Math.cos(phi0)))) / s2
  }
  let l = A + v0 * B
  const { deltaJ, lambda, muJ } = m
  if (lambda > 0) {
    const kbar = Math.expm1(muJ + 0.5 * deltaJ * deltaJ)
    l += lambda * T * (Math.expm1(p * muJ + 0.5 * p * p * deltaJ * deltaJ) - p * kbar)
  }
  return Number.isNaN(l) ? Infinity : l
}

/**
 * Total variance of the Black-76 control variate: E[∫₀ᵀ v dt] = θT + (v₀ − θ)(1 − e^{−κT})/κ, plus the jump
 * variance λT(μ² + δ²).
 */
export const controlVariance = (T: number, m: Dynamics): number =>
  m.theta * T + (m.v0 - m.theta) * (-Math.expm1(-m.kappa * T) / m.kappa) + m.lambda * T * (m.muJ * m.muJ + m.deltaJ * m.deltaJ)

const logAdd = (a: number, b: number): number => (a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b)))

/** Strip half-widths tried for the discretisation bound: 0.4 (always admissible), then 0.8·2^k. */
const WIDTHS: ReadonlyArray<number> = [0.4, ...Array.from({ length: 16 }, (_, k) => 0.8 * 2 ** k)]

/**
 * The largest trapezoid step whose a-priori discretisation error is ≤ `tol`·F for every log-moneyness
 * x = ln(F/K) in [xLo, xHi]. For a strip half-width a inside the moment strip, the error of the price is at most
 *   √(K/F)·(M₊ + M₋)/(2·√(|a − ½|(a + ½))·(e^{2πa/h} − 1)) · F,
 *   M₊ = e^{−ax}(m(½ − a) + m_BS(½ − a)),  M₋ = e^{ax}(m(½ + a) + m_BS(½ + a)),
 * where m(p) = E[e^{pX}] bounds |φ| on the line Im z = −p and m_BS is the same for the control variate.
 * Returns 0 when no admissible width exists (never for finite parameters: a = 0.4 only needs m(0.1), m(0.9) ≤ 1).
 */
export function stepSize(T: number, m: Dynamics, W: number, xLo: number, xHi: number, tol: number): number {
  let best = 0
  let drops = 0
  const logTol = Math.log(tol)
  for (const a of WIDTHS) {
    const pLo = 0.5 - a
    const pHi = 0.5 + a
    const mLo = logMgf(pLo, T, m)
    const mHi = logMgf(pHi, T, m)
    if (!(mLo < Infinity && mHi < Infinity)) break
    const up = logAdd(mLo, 0.5 * W * pLo * (pLo - 1))
    const dn = logAdd(mHi, 0.5 * W * pHi * (pHi - 1))
    const atLo = logAdd(-(0.5 + a) * xLo + up, (a - 0.5) * xLo + dn)
    const atHi = logAdd(-(0.5 + a) * xHi + up, (a - 0.5) * xHi + dn)
    const c = Math.max(atLo, atHi) - Math.log(2 * Math.sqrt(Math.abs(a - 0.5) * (a + 0.5)))
    const L = c - logTol
    if (!(L < Infinity)) break
    const h = (2 * Math.PI * a) / (L > 30 ? L : Math.log1p(Math.exp(L)))
    if (h > best) {
      best = h
      drops = 0
    } else if (++drops >= 2) break
  }
  return best
}

let capacity = 0
/** Weighted integrand at the nodes u_j = j·h: w_j·(φ_BS − φ)(u_j − i/2)/(u_j² + 1/4), w = h (h/2 at j = 0). */
export let nodeRe: Float64Array = new Float64Array(0)
export let nodeIm: Float64Array = new Float64Array(0)
/** The same with ∂_T(φ_BS − φ) (σ_BS fixed), for theta. */
export let nodeTRe: Float64Array = new Float64Array(0)
export let nodeTIm: Float64Array = new Float64Array(0)

/** The grid of the last {@link buildGrid}: node count, step, control-variate total variance. */
export const grid = { n: 0, h: 0, W: 0, T: 0, xLo: 0, xHi: 0, greeks: false }

const grow = (n: number): void => {
  if (n <= capacity) return
  capacity = Math.max(2 * capacity, n, 256)
  const next = (old: Float64Array): Float64Array => {
    const a = new Float64Array(capacity)
    a.set(old)
    return a
  }
  nodeRe = next(nodeRe)
  nodeIm = next(nodeIm)
  nodeTRe = next(nodeTRe)
  nodeTIm = next(nodeTIm)
}

/**
 * Evaluates the integrand of one expiry at the nodes j·h, j = 0 … n − 1, for strikes with log-moneyness in
 * [xLo, xHi]. The step comes from {@link stepSize}; the nodes stop once the envelope (|φ_BS| + |φ|)/(u² + 1/4)
 * (× (u² + 1/4) for the Greeks) times h·√(K/F)/π, extended by a geometric tail at the observed decay ratio,
 * is below the tolerance at two consecutive nodes. Returns a `BatchStatus` code.
 */
export function buildGrid(T: number, m: Dynamics, xLo: number, xHi: number, greeks: boolean): number {
  if (reusable(T, m, xLo, xHi, greeks)) return BatchStatus.OK
  grid.n = 0
  const W = controlVariance(T, m)
  // Every strike within STANDARD_RANGE standard deviations shares one grid, so that repeated scalar calls on
  // one expiry reuse it, and scalar and batch prices are the same numbers.
  const wide = STANDARD_RANGE * Math.sqrt(W)
  if (xLo > -wide) xLo = -wide
  if (xHi < wide) xHi = wide
  const tol = greeks ? GREEKS_TOLERANCE : PRICE_TOLERANCE
  const h = stepSize(T, m, W, xLo, xHi, tol)
  if (!(h > 0 && h < Infinity && W > 0 && W < Infinity)) return BatchStatus.NO_CONVERGENCE
  const scale = (h * Math.exp(-0.5 * xLo)) / Math.PI
  const sBs2 = W / T
  let prev = Infinity
  let quiet = 0
  let j = 0
  for (;; j++) {
    if (j >= MAX_NODES) return BatchStatus.NO_CONVERGENCE
    if (j >= capacity) grow(j + 1)
    const u = j * h
    charFn(u, T, m, greeks)
    const a2 = u * u + 0.25
    const g = Math.exp(-0.5 * W * a2)
    const fr = cf[0]!
    const fi = cf[1]!
    const w = (j === 0 ? 0.5 * h : h) / a2
    nodeRe[j] = (g - fr) * w
    nodeIm[j] = -fi * w
    if (greeks) {
      const tr = cf[2]!
      const ti = cf[3]!
      // ∂_T φ = φ·∂_T ln φ; ∂_T φ_BS = −σ_BS²·a2/2·φ_BS.
      nodeTRe[j] = (-0.5 * sBs2 * a2 * g - (fr * tr - fi * ti)) * w
      nodeTIm[j] = -(fr * ti + fi * tr) * w
    }
    const env = ((g + Math.sqrt(fr * fr + fi * fi)) * scale) / (greeks ? 1 : a2)
    if (!(env < Infinity)) return BatchStatus.NO_CONVERGENCE
    if (j > 0 && env <= prev && env <= tol * (1 - env / prev)) {
      if (++quiet >= 2) break
    } else {
      quiet = 0
    }
    prev = env
  }
  grid.n = j + 1
  grid.h = h
  grid.W = W
  grid.T = T
  grid.xLo = xLo
  grid.xHi = xHi
  grid.greeks = greeks
  last.v0 = m.v0
  last.kappa = m.kappa
  last.theta = m.theta
  last.sigma = m.sigma
  last.rho = m.rho
  last.lambda = m.lambda
  last.muJ = m.muJ
  last.deltaJ = m.deltaJ
  return BatchStatus.OK
}

/** Strikes within this many standard deviations √W of the forward share the grid of their expiry. */
export const STANDARD_RANGE = 4

/** The dynamics of the current grid. */
const last = { v0: NaN, kappa: NaN, theta: NaN, sigma: NaN, rho: NaN, lambda: NaN, muJ: NaN, deltaJ: NaN }

/** Whether the current grid serves (T, m) for strikes in [xLo, xHi] (same inputs, bit for bit). */
const reusable = (T: number, m: Dynamics, xLo: number, xHi: number, greeks: boolean): boolean =>
  grid.n > 0 && grid.greeks === greeks && grid.T === T && xLo >= grid.xLo && xHi <= grid.xHi &&
  last.v0 === m.v0 && last.kappa === m.kappa && last.theta === m.theta && last.sigma === m.sigma &&
  last.rho === m.rho && last.lambda === m.lambda && last.muJ === m.muJ && last.deltaJ === m.deltaJ

/** Out of {@link sumAt}: `[S, S_Δ, S_Γ, S_T]` for the Greeks. */
export const sums = new Float64Array(4)

/**
 * S(x) = Σ_j Re[e^{i·u_j·x}·node_j] ≈ ∫₀^∞ Re[e^{iux}(φ_BS − φ)(u − i/2)]/(u² + 1/4) du, by Horner's rule in
 * e^{ihx} (no trigonometry per node).
 */
export function sumAt(x: number): number {
  const n = grid.n
  const zr = Math.cos(grid.h * x)
  const zi = Math.sin(grid.h * x)
  let ar = 0
  let ai = 0
  for (let j = n - 1; j >= 0; j--) {
    const t = ar * zr - ai * zi + nodeRe[j]!
    ai = ar * zi + ai * zr + nodeIm[j]!
    ar = t
  }
  return ar
}

/**
 * For the Greeks: S (price), S_Δ = Σ Re[(1/2 + iu)·e^{iux}·node] (delta), S_Γ = −Σ Re[(u² + 1/4)·e^{iux}·node]
 * (gamma) and S_T = Σ Re[e^{iux}·nodeT] (∂S/∂T), written into {@link sums}. Trigonometry per node (the
 * Greeks are one strike at a time).
 */
export function sumsAt(x: number): void {
  const n = grid.n
  const h = grid.h
  let s = 0
  let sd = 0
  let sg = 0
  let st = 0
  for (let j = 0; j < n; j++) {
    const u = j * h
    const c = Math.cos(u * x)
    const sn = Math.sin(u * x)
    const re = c * nodeRe[j]! - sn * nodeIm[j]!
    const im = c * nodeIm[j]! + sn * nodeRe[j]!
    s += re
    sd += 0.5 * re - u * im
    sg -= (u * u + 0.25) * re
    st += c * nodeTRe[j]! - sn * nodeTIm[j]!
  }
  sums[0] = s
  sums[1] = sd
  sums[2] = sg
  sums[3] = st
}

/**
 * Undiscounted price over √(FK) from the integral S(x) at x = ln(F/K): the out-of-the-money side is
 * b_BS(x, s) + S/π, clamped into [0, min(F, K)/√(FK)] (the clamp is active only at rounding level); the
 * in-the-money side adds the intrinsic value 2·sinh(±x/2).
 */
export function fromIntegral(x: number, sqrtW: number, S: number, q: number): number {
  const otmSign = x > 0 ? -1 : 1 // a call is out of the money for F < K
  let otm = normalisedBlack(x, sqrtW, otmSign) + S / Math.PI
  const cap = Math.exp(-0.5 * Math.abs(x)) // min(F, K)/√(FK)
  otm = otm < 0 ? 0 : otm > cap ? cap : otm
  return q === otmSign ? otm : otm + 2 * Math.sinh(0.5 * Math.abs(x))
}
