/**
 * The Fourier engine shared by `Heston` and `Bates`: the characteristic function in the "little trap" form,
 * the moment generating function (with its explosion test), the choice of the integration contour and of the
 * quadrature step from an a-priori bound of the discretisation error, and the quadrature nodes of one expiry,
 * which every strike of that expiry then reuses. See `Heston.ts` for the method and its error analysis.
 *
 * X = ln(F_T/F) under the pricing measure; φ(z) = E[e^{izX}]. `Heston.ts` writes the Lewis (2001) integral on
 * Im z = −1/2; since the poles of 1/(z² + iz) at z = 0 and z = −i cancel in φ_BS − φ (φ(0) = φ(−i) = 1), the
 * same integral may be taken on any line Im z = −p inside the strip where the moments E[e^{pX}] exist, with no
 * residue to add when the line crosses −i/2 (Andersen & Lake 2018, "Robust high-precision option pricing by
 * Fourier transforms: contour deformations and double-exponential quadrature"). With w = u − ip and
 * c = w² + iw = u² + p(1 − p) + iu(1 − 2p),
 *
 *   ∫₀^∞ Re[e^{iux}(φ_BS − φ)(u − i/2)]/(u² + 1/4) du = e^{(p − ½)x} ∫₀^∞ Re[e^{iux}(φ_BS − φ)(u − ip)/c] du
 *
 * (shift u → u + i(p − ½) in the full-line integral; the real part is even in u on every such line since X is
 * real). The contour p is chosen per expiry, together with the step, by {@link chooseContour}, and kept in
 * [0.05, 0.95], where D in {@link charFn} stays away from zero and the principal branches are continuous.
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
 * Out of {@link charFn}: `[Re ℓ, Im ℓ, Re B, Im B]` with ℓ = ln φ_H(u − ip) (Heston part, no jumps) and B the
 * variance coefficient (for ∂_T ln φ).
 */
export const cf = new Float64Array(4)

/** Re(D)·T beyond which e^{−DT} is dropped in {@link charFn} (e^{−50} ≈ 2e-22). */
const SATURATED = 50

/**
 * ln φ_H(z) at z = u − ip for real u ≥ 0 and a contour 0 < p < 1, written into {@link cf}. With
 * c = z² + iz = u² + p(1 − p) + iu(1 − 2p):
 *
 * Little trap (Albrecher, Mayer, Schoutens & Tistaert 2007): with β = κ − ρσiz, D = √(β² + σ²c) (Re D > 0),
 * G = (β − D)/(β + D):
 *   ln φ_H = κθ[(β − D)T/σ² − (2/σ²) ln((1 − G e^{−DT})/(1 − G))] + v₀ B(T),
 *   B(T) = (β − D)(1 − e^{−DT})/(σ²(1 − G e^{−DT})).
 * Every 1/σ² is cancelled analytically: (β − D)/σ² = −c/(β + D), G = σ²·(β − D)/σ²/(β + D), and the log is
 * log1p of σ²·G/σ²·(1 − e^{−DT})/(1 − G), so that σ → 0 is stable (Black-76 in the limit). For 0 < p < 1,
 * Re D² = (κ − ρσp)² + σ²p(1 − p) + σ²(1 − ρ²)u² > 0, so D never vanishes and the principal root is analytic
 * along the whole contour.
 */
export function charFn(u: number, p: number, T: number, m: Dynamics): void {
  const { kappa, rho, sigma, theta, v0 } = m
  const cr = u * u + p * (1 - p)
  const ci = u * (1 - 2 * p)
  const s2 = sigma * sigma
  const br = kappa - rho * sigma * p
  const bi = -rho * sigma * u
  // D = √(β² + σ²c), principal root of a number with positive real part.
  const wr = br * br - bi * bi + s2 * cr
  const wi = 2 * br * bi + s2 * ci
  const dr = Math.sqrt(0.5 * (Math.sqrt(wr * wr + wi * wi) + wr))
  const di = wi / (2 * dr)
  // P = β + D; q1 = (β − D)/σ² = −c/P; gt = q1/P = G/σ².
  const pr = br + dr
  const pi = bi + di
  const ipn = 1 / (pr * pr + pi * pi)
  const q1r = -(cr * pr + ci * pi) * ipn
  const q1i = (cr * pi - ci * pr) * ipn
  const gtr = (q1r * pr + q1i * pi) * ipn
  const gti = (q1i * pr - q1r * pi) * ipn
  const Gr = s2 * gtr
  const Gi = s2 * gti
  // e = e^{−DT}; om = 1 − e (through expm1 when DT is small); den = 1 − G·e; B = q1·om/den. Once
  // Re(D)·T > SATURATED and |G| ≤ 10, |e|·(1 + |G|) < 3e-21 and e is dropped (om = den = 1, B = q1): this saves
  // the complex exponential on most nodes of long expiries, and its subnormal range.
  const xr = -dr * T
  let omr = 1
  let omi = 0
  let Br = q1r
  let Bi = q1i
  if (xr > -SATURATED || Gr * Gr + Gi * Gi > 100) {
    const xi = -di * T
    const ex = Math.exp(xr)
    const c = Math.cos(xi)
    const s = Math.sin(xi)
    const er = ex * c
    const ei = ex * s
    if (xr > -0.5 && Math.abs(xi) < 0.5) {
      const sh = Math.sin(0.5 * xi)
      omr = 2 * sh * sh - Math.expm1(xr) * c
    } else {
      omr = 1 - er
    }
    omi = -ei
    const denr = 1 - (Gr * er - Gi * ei)
    const deni = -(Gr * ei + Gi * er)
    const nr = q1r * omr - q1i * omi
    const ni = q1r * omi + q1i * omr
    const idn = 1 / (denr * denr + deni * deni)
    Br = (nr * denr + ni * deni) * idn
    Bi = (ni * denr - nr * deni) * idn
  }
  // q = G·om/(1 − G) = σ²·qt, L = log1p(q) (principal branch: see the module docs of Heston.ts).
  const omGr = 1 - Gr
  const omGi = -Gi
  const iomGn = 1 / (omGr * omGr + omGi * omGi)
  const tr = gtr * omr - gti * omi
  const ti = gtr * omi + gti * omr
  const qr = s2 * (tr * omGr + ti * omGi) * iomGn
  const qi = s2 * (ti * omGr - tr * omGi) * iomGn
  const Lr = 0.5 * Math.log1p(qr * (2 + qr) + qi * qi)
  const Li = qr > -1 ? Math.atan(qi / (1 + qr)) : Math.atan2(qi, 1 + qr)
  const kt = kappa * theta
  // ln φ_H = κθ(q1·T − 2L/σ²) + v0·B
  cf[0] = kt * (q1r * T - (2 * Lr) / s2) + v0 * Br
  cf[1] = kt * (q1i * T - (2 * Li) / s2) + v0 * Bi
  cf[2] = Br
  cf[3] = Bi
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
    // With cos φ₀ = g/r, sin φ₀ = −k/r (r = √(g² + k²)) and C, S = cos, sin(gT/2):
    // r·cos(gT/2 + φ₀) = Cg + Sk, r·sin(gT/2 + φ₀) = Sg − Ck. Since φ₀ ∈ (−π/2, π/2), the moment has exploded
    // iff gT/2 ≥ π or Cg + Sk ≤ 0.
    const g = Math.sqrt(Math.max(-D2, 1e-300))
    const C = Math.cos(0.5 * g * T)
    const S = Math.sin(0.5 * g * T)
    const ca = C * g + S * k
    if (!(0.5 * g * T < Math.PI && ca > 0)) return Infinity
    B = (k + (g * (S * g - C * k)) / ca) / s2
    A = (kt * (k * T - 2 * Math.log(ca / g))) / s2
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

/** The contour stays in [P_MIN, 1 − P_MIN], where Re D² > 0 along the whole line (see {@link charFn}). */
const P_MIN = 0.05
/** The smallest distance of a candidate strip edge beyond 0 (below) or 1 (above). */
const D0 = 0.025
/** At most this many candidate edges per side, of which REFINE are geometric midpoints about the best. */
const LADDER = 24
const REFINE = 1

/**
 * ln of the bound's term for one edge Im z = −q of the strip, maximised over x in [xLo, xHi]:
 *   e^{(q − 1)x}·(m(q) + m_BS(q))/√(|q|·|1 − q|),
 * where m(q) = E[e^{qX}] ≥ sup |φ(u − iq)|, m_BS(q) = e^{Wq(q − 1)/2}, and π/√(|q||1 − q|) bounds
 * ∫|du/((u − iq)(u + i(1 − q)))| (AM–GM: |u − iq|·|u + i(1 − q)| ≥ u² + |q(1 − q)|). The maximum over x of the
 * convex e^{(q−1)x} is at an end of the range. +∞ once the moment has exploded.
 */
const edgeTerm = (q: number, T: number, m: Dynamics, W: number, xLo: number, xHi: number): number => {
  // For q in [0, 1], m(q) ≤ (E[e^X])^q = 1 (Jensen) is used instead of the exact moment.
  const l = q >= 0 && q <= 1 ? 0 : logMgf(q, T, m)
  if (!(l < Infinity)) return Infinity
  const r = (q - 1) * (q - 1 > 0 ? xHi : xLo)
  // ln(e^l + e^{lBS}) − ½ln|q(1 − q)| with one exponential and one logarithm.
  const lBs = 0.5 * W * q * (q - 1)
  const big = l > lBs ? l : lBs
  return r + big + Math.log((1 + Math.exp(-Math.abs(l - lBs))) / Math.sqrt(Math.abs(q * (1 - q))))
}

/** Step of the trapezoid rule on the strip [q1, q2] for bound terms e1, e2 (ln): solves ½-bound = tol for h. */
const stepFor = (q1: number, q2: number, e1: number, e2: number, logTol: number): number => {
  const L = logAdd(e1, e2) - logTol
  if (!(L < Infinity)) return 0
  return (Math.PI * (q2 - q1)) / (L > 30 ? L : Math.log1p(Math.exp(L)))
}

const loQ = new Float64Array(LADDER + 2)
const loE = new Float64Array(LADDER + 2)
const hiQ = new Float64Array(LADDER + 2)
const hiE = new Float64Array(LADDER + 2)

/**
 * Candidate edges on one side (sign −1: q = 0.1, then −d; sign +1: q = 0.9, then 1 + d) with their bound terms.
 * The distance d starts at `d0` (an estimate of the best one, see {@link chooseContour}) and moves down ×¼ while
 * the moment has exploded; from the first finite edge it climbs ×2 while the one-sided step (the edge against its
 * mirror image about ½) improves, or, if the first climb fails, descends ×¼ while it improves. Then the interval
 * between the best edge and the next one out (worse or exploded) is halved geometrically, up to REFINE times.
 * Returns the count.
 */
const ladder = (
  sign: number,
  qs: Float64Array,
  es: Float64Array,
  T: number,
  m: Dynamics,
  W: number,
  xLo: number,
  xHi: number,
  logTol: number,
  d0: number
): number => {
  const q0 = sign > 0 ? 0.9 : 0.1
  qs[0] = q0
  es[0] = edgeTerm(q0, T, m, W, xLo, xHi)
  let n = 1
  let best = 0
  let start = 0 // the first finite distance
  let last = 0 // the best distance so far
  let above = Infinity // the nearest distance beyond it that is worse or has exploded
  let up = true
  let refine = 0
  let d = d0
  for (let k = 0; k < LADDER; k++) {
    const e = edgeTerm(sign > 0 ? 1 + d : -d, T, m, W, xLo, xHi)
    let better = false
    if (e < Infinity) {
      qs[n] = sign > 0 ? 1 + d : -d
      es[n++] = e
      const L = e + Math.LN2 - logTol
      const h = (1 + 2 * d) / (L > 1 ? L : 1)
      if (start === 0) start = d
      if (h > best) {
        if (d < last) above = last
        best = h
        last = d
        better = true
      } else if (d > last && d < above) above = d
    } else {
      if (d < above) above = d
      if (last === 0) {
        // Nothing finite yet: move in.
        if (d <= D0) break
        d = Math.max(0.25 * d, D0)
        continue
      }
    }
    if (refine === 0) {
      if (better && up && 2 * d < above) {
        d *= 2
        continue
      }
      if (better && !up && 0.25 * d >= D0) {
        d *= 0.25
        continue
      }
      if (up && !better && last === start && 0.25 * last >= D0) {
        // The first climb failed: descend from the start.
        up = false
        d = 0.25 * last
        continue
      }
    }
    if (refine++ >= REFINE || !(above > 1.2 * last)) break
    d = Math.sqrt(last * above)
  }
  return n
}

/** Out of {@link chooseContour}: the contour p, the strip half-width a and the step h. */
export const contour = { p: 0.5, a: 0, h: 0 }

/**
 * The contour Im z = −p and trapezoid step h whose a-priori discretisation error is ≤ `tol`·F for every
 * log-moneyness x in [xLo, xHi] (Andersen & Lake 2018 choose the contour inside the strip where the moments
 * exist; here the contour and the strip of analyticity used in the bound are chosen together to maximise h).
 *
 * Bound: the integrand f(u) = e^{iux}(φ_BS − φ)(u − ip)/((u − ip)(u + i(1 − p))) is analytic for |Im u| < a,
 * i.e. for Im z in (−q₂, −q₁) with q₁ = p − a, q₂ = p + a, whenever the moments E[e^{qX}] exist on [q₁, q₂]
 * (the poles at z = 0 and z = −i cancel in φ_BS − φ, so the strip may contain them).
 * The trapezoid rule on the real line then errs by at most (M₁ + M₂)/(e^{2πa/h} − 1) (Trefethen & Weideman
 * 2014, Thm 5.1, with the two edges bounded separately), M the ∫|f| on the edges. In units of F, with the
 * factor e^{(p − ½)x}·√(K/F)/π = e^{(p − 1)x}/π of the price, the error is at most
 *   (E(q₁) + E(q₂))/(2(e^{2πa/h} − 1)),   E(q) = e^{(q − 1)x}(m(q) + m_BS(q))/√(|q(1 − q)|)   (see edgeTerm).
 *
 * Search: candidate edges q₁ ∈ {0.1, −d}, q₂ ∈ {0.9, 1 + d} on a ladder per side (see `ladder`), started at a
 * quarter of the distance where the control variate's (or the jumps') moment alone reaches the level that sets
 * the step, so that a side costs a handful of moments; the pair with the largest step (ranked on
 * max(E₁, E₂) + ln 2) gives p = (q₁ + q₂)/2, a = (q₂ − q₁)/2, and h is then solved from the exact bound. A pair
 * whose p falls outside [P_MIN, 1 − P_MIN] stands for the strip about the clamped p, its far edge moved in (that
 * term evaluated afresh, and kept only if the step beats the best unclamped pair), so the returned (p, a, h)
 * always satisfy the bound exactly. q₁ = 0.1, q₂ = 0.9 (m ≤ 1 by Jensen) is always admissible. Returns h (0 if
 * none).
 */
export function chooseContour(T: number, m: Dynamics, W: number, xLo: number, xHi: number, tol: number): number {
  const logTol = Math.log(tol)
  // First guess of the best distance: a quarter of where the control variate's moment e^{Wq(q − 1)/2}, or the
  // jumps' λT·e^{q²δ²/2}, reaches the level ln(2/tol) that sets the step.
  const level = Math.LN2 - logTol
  let reach = Math.sqrt((2 * level) / W)
  const jt = m.lambda * T
  if (jt > 0 && m.deltaJ > 0) reach = Math.min(reach, Math.sqrt(2 * Math.log(Math.max(Math.E, level / jt))) / m.deltaJ)
  const d0 = Math.max(D0, 0.25 * reach)
  const nLo = ladder(-1, loQ, loE, T, m, W, xLo, xHi, logTol, d0)
  const nHi = ladder(1, hiQ, hiE, T, m, W, xLo, xHi, logTol, d0)
  // Pair search on the cheap upper bound max(e1, e2) + ln 2 of ln(e^{e1} + e^{e2}). A pair whose midpoint lies
  // outside [P_MIN, 1 − P_MIN] gives the strip about the clamped midpoint, whose far edge moves in; it is ranked
  // with the far candidate's term, and the winner's moved edge is evaluated afresh.
  let bestA = 0
  let ai = 0
  let aj = 0
  let bestC = 0
  let ci = 0
  let cj = 0
  for (let i = 0; i < nLo; i++) {
    const qi = loQ[i]!
    const ei = loE[i]!
    for (let j = 0; j < nHi; j++) {
      const qj = hiQ[j]!
      const ej = hiE[j]!
      const L = (ei > ej ? ei : ej) + Math.LN2 - logTol
      const mid = 0.5 * (qi + qj)
      if (mid >= P_MIN && mid <= 1 - P_MIN) {
        const h = (qj - qi) / (L > 1 ? L : 1)
        if (h > bestA) {
          bestA = h
          ai = i
          aj = j
        }
      } else {
        const h = (2 * (mid < P_MIN ? qj - P_MIN : 1 - P_MIN - qi)) / (L > 1 ? L : 1)
        if (h > bestC) {
          bestC = h
          ci = i
          cj = j
        }
      }
    }
  }
  let q1 = loQ[ai]!
  let q2 = hiQ[aj]!
  let best = stepFor(q1, q2, loE[ai]!, hiE[aj]!, logTol)
  if (bestC > bestA) {
    let c1 = loQ[ci]!
    let c2 = hiQ[cj]!
    let e1 = loE[ci]!
    let e2 = hiE[cj]!
    if (0.5 * (c1 + c2) < P_MIN) {
      c1 = 2 * P_MIN - c2
      e1 = edgeTerm(c1, T, m, W, xLo, xHi)
    } else {
      c2 = 2 * (1 - P_MIN) - c1
      e2 = edgeTerm(c2, T, m, W, xLo, xHi)
    }
    const h = stepFor(c1, c2, e1, e2, logTol)
    if (h > best) {
      best = h
      q1 = c1
      q2 = c2
    }
  }
  const p = 0.5 * (q1 + q2)
  contour.p = p
  contour.a = 0.5 * (q2 - q1)
  contour.h = best
  return best
}

let capacity = 0
/** Weighted integrand at the nodes u_j = j·h: w_j·(φ_BS − φ)(z_j)/c_j, z_j = u_j − ip, c = z² + iz, w = h (h/2 at j = 0). */
export let nodeRe: Float64Array = new Float64Array(0)
export let nodeIm: Float64Array = new Float64Array(0)
/** The same with ∂_T(φ_BS − φ) (σ_BS fixed), for theta. */
export let nodeTRe: Float64Array = new Float64Array(0)
export let nodeTIm: Float64Array = new Float64Array(0)

/** The grid of the last {@link buildGrid}: node count, step, contour, control-variate total variance. */
export const grid = { n: 0, h: 0, p: 0.5, W: 0, T: 0, xLo: 0, xHi: 0, greeks: false }

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

/** Recurrences for e^{−αu²} and e^{iβu} along u = j·h are restarted from exact values every this many nodes. */
const RESEED = 64

/**
 * Evaluates the integrand of one expiry at the nodes j·h, j = 0 … n − 1, for strikes with log-moneyness in
 * [xLo, xHi]. The contour and step come from {@link chooseContour}; the nodes stop once the envelope
 * (|φ_BS| + |φ|)/|c| (× |c| for the Greeks) times h·e^{(p − 1)x}/π (maximised over the range), extended by a
 * geometric tail at the observed decay ratio, is below the tolerance at two consecutive nodes. With jumps, |φ|
 * in the envelope takes the jump factor at its largest over the rest of the line (|φ| itself oscillates with
 * e^{iuμ}, and would stop the nodes in a trough when δ_J is small). `single`: a first strike of its expiry and
 * parameters gets nodes for its own x only; otherwise the range is widened to ±STANDARD_RANGE·√W. The Gaussian and
 * rotation factors of the control variate and of the jumps (both e^{quadratic in u}) are advanced by
 * recurrences (restarted from exact values every RESEED nodes), so each node costs one complex exponential,
 * one complex logarithm and one e^{−DT}. Returns a `BatchStatus` code.
 */
export function buildGrid(T: number, m: Dynamics, xLo: number, xHi: number, greeks: boolean, single = false): number {
  if (reusable(T, m, xLo, xHi, greeks)) return BatchStatus.OK
  const W = controlVariance(T, m)
  // A strip of strikes (or a second strike of the same expiry) gets the grid of every strike within
  // STANDARD_RANGE standard deviations, which later scalar calls on that expiry reuse; a first single strike
  // gets a grid for itself alone (a wider range only costs nodes: the bound grows with e^{(q − 1)x}).
  if (!single || (grid.n > 0 && sameDynamics(T, m))) {
    const wide = STANDARD_RANGE * Math.sqrt(W)
    if (xLo > -wide) xLo = -wide
    if (xHi < wide) xHi = wide
  }
  grid.n = 0
  const tol = greeks ? GREEKS_TOLERANCE : PRICE_TOLERANCE
  const h = chooseContour(T, m, W, xLo, xHi, tol)
  if (!(h > 0 && h < Infinity && W > 0 && W < Infinity)) return BatchStatus.NO_CONVERGENCE
  const p = contour.p
  const pp = p * (1 - p)
  const p2 = 1 - 2 * p
  const scale = (h * Math.exp(Math.max((p - 1) * xLo, (p - 1) * xHi))) / Math.PI
  const sBs2 = W / T
  // Control variate φ_BS(z) = e^{−Wc/2} = e^{−Wp(1−p)/2}·e^{−Wu²/2}·e^{−iWu(1−2p)/2}.
  const bsA = 0.5 * W
  const bsB = -0.5 * W * p2
  const bs0 = Math.exp(-0.5 * W * pp)
  // Jumps: λT(e^{izμ − z²δ²/2} − 1 − iz·k̄) with e^{izμ − z²δ²/2} = e^{pμ + p²δ²/2}·e^{−u²δ²/2}·e^{iu(μ + pδ²)}.
  const { deltaJ, lambda, muJ } = m
  const jumps = lambda > 0
  const d2 = deltaJ * deltaJ
  const kbar = jumps ? Math.expm1(muJ + 0.5 * d2) : 0
  const jA = 0.5 * d2
  const jB = muJ + p * d2
  const j0 = jumps ? Math.exp(p * muJ + 0.5 * p * p * d2) : 0
  const kt = m.kappa * m.theta
  const { sigma, v0 } = m
  const s2 = sigma * sigma
  const br = m.kappa - m.rho * sigma * p
  const rs = m.rho * sigma
  // Recurrence state: g = e^{−A u²} with ratio r (r_j = e^{−A h²(2j+1)}), e^{iBu} as (cr, ci) with step (sr, si).
  const bstep = Math.exp(-2 * bsA * h * h)
  const bsr = Math.cos(bsB * h)
  const bsi = Math.sin(bsB * h)
  const jstep = Math.exp(-2 * jA * h * h)
  const jsr = Math.cos(jB * h)
  const jsi = Math.sin(jB * h)
  let bg = 0
  let brt = 0
  let bcr = 0
  let bci = 0
  let jg = 0
  let jrt = 0
  let jcr = 0
  let jci = 0
  let prev = Infinity
  let quiet = 0
  let j = 0
  for (;; j++) {
    if (j >= MAX_NODES) return BatchStatus.NO_CONVERGENCE
    if (j >= capacity) grow(j + 1)
    const u = j * h
    if (j % RESEED === 0) {
      bg = Math.exp(-bsA * u * u)
      brt = Math.exp(-bsA * h * h * (2 * j + 1))
      bcr = Math.cos(bsB * u)
      bci = Math.sin(bsB * u)
      if (jumps) {
        jg = Math.exp(-jA * u * u)
        jrt = Math.exp(-jA * h * h * (2 * j + 1))
        jcr = Math.cos(jB * u)
        jci = Math.sin(jB * u)
      }
    }
    charFn(u, p, T, m)
    let lr = cf[0]!
    let li = cf[1]!
    let jr = 0
    let ji = 0
    // ln of the envelope's |φ|: with jumps, their factor at its largest over the rest of the line (the rotation
    // e^{iu(μ + pδ²)} at 1, the decreasing Gaussian where it is now), since |φ| itself oscillates with it.
    let lrEnv = lr
    if (jumps) {
      const fe = j0 * jg
      jr = lambda * (fe * jcr - 1 - p * kbar)
      ji = lambda * (fe * jci - u * kbar)
      lr += jr * T
      li += ji * T
      lrEnv += lambda * (fe - 1 - p * kbar) * T
      jg *= jrt
      jrt *= jstep
      if (jg < 1e-250) jg = jrt = 0
      const t = jcr * jsr - jci * jsi
      jci = jcr * jsi + jci * jsr
      jcr = t
    }
    const mod = Math.exp(lr)
    const fr = mod * Math.cos(li)
    const fi = mod * Math.sin(li)
    const gm = bs0 * bg
    const gr = gm * bcr
    const gi = gm * bci
    bg *= brt
    brt *= bstep
    // Past e^{−575} the Gaussian is dropped before it reaches the (slow) subnormal range.
    if (bg < 1e-250) bg = brt = 0
    {
      const t = bcr * bsr - bci * bsi
      bci = bcr * bsi + bci * bsr
      bcr = t
    }
    // n = w·(φ_BS − φ)/c.
    const cr = u * u + pp
    const ci = u * p2
    const icn = 1 / (cr * cr + ci * ci)
    const w = j === 0 ? 0.5 * h : h
    const dr = gr - fr
    const di = gi - fi
    nodeRe[j] = w * (dr * cr + di * ci) * icn
    nodeIm[j] = w * (di * cr - dr * ci) * icn
    if (greeks) {
      // ∂_T ln φ = κθ·B + v0·B′ + λψ, with the Riccati equation B′ = −c/2 − β·B + σ²B²/2, β = br − iρσu.
      const Br = cf[2]!
      const Bi = cf[3]!
      const bi = -rs * u
      const tr = kt * Br + v0 * (-0.5 * cr - (br * Br - bi * Bi) + 0.5 * s2 * (Br * Br - Bi * Bi)) + jr
      const ti = kt * Bi + v0 * (-0.5 * ci - (br * Bi + bi * Br) + s2 * Br * Bi) + ji
      // ∂_T φ = φ·∂_T ln φ; ∂_T φ_BS = −σ_BS²·c/2·φ_BS.
      const xr = -0.5 * sBs2 * (cr * gr - ci * gi) - (fr * tr - fi * ti)
      const xi = -0.5 * sBs2 * (cr * gi + ci * gr) - (fr * ti + fi * tr)
      nodeTRe[j] = w * (xr * cr + xi * ci) * icn
      nodeTIm[j] = w * (xi * cr - xr * ci) * icn
    }
    // 1/|c| ≤ 1/Re c = 1/cr.
    let emod = mod
    if (jumps) {
      // e^{lrEnv} = mod·e^y, y = lrEnv − lr ≥ 0; 1 + 2y ≥ e^y for y ≤ 1 saves the exponential.
      const y = lrEnv - lr
      emod = y < 1 ? mod * (1 + 2 * y) : Math.exp(lrEnv)
    }
    const env = ((gm + emod) * scale) / (greeks ? 1 : cr)
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
  grid.p = p
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

/** Whether the current grid is for (T, m) (same inputs, bit for bit). */
const sameDynamics = (T: number, m: Dynamics): boolean =>
  grid.T === T && last.v0 === m.v0 && last.kappa === m.kappa && last.theta === m.theta && last.sigma === m.sigma &&
  last.rho === m.rho && last.lambda === m.lambda && last.muJ === m.muJ && last.deltaJ === m.deltaJ

/** Whether the current grid serves (T, m) for strikes in [xLo, xHi]. */
const reusable = (T: number, m: Dynamics, xLo: number, xHi: number, greeks: boolean): boolean =>
  grid.n > 0 && grid.greeks === greeks && xLo >= grid.xLo && xHi <= grid.xHi && sameDynamics(T, m)

/** Out of {@link sumsAt}: `[S, S_Δ, S_Γ, S_T]` for the Greeks. */
export const sums = new Float64Array(4)

/**
 * S(x) = e^{(p − ½)x}·Σ_j Re[e^{i·u_j·x}·node_j] ≈ ∫₀^∞ Re[e^{iux}(φ_BS − φ)(u − i/2)]/(u² + 1/4) du (the same
 * integral on the contour Im z = −p, see the module docs), by Horner's rule in e^{ihx} (no trigonometry per
 * node).
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
  return grid.p === 0.5 ? ar : Math.exp((grid.p - 0.5) * x) * ar
}

/**
 * For the Greeks, with ζ = iu + p − ½ (so that S = Σ Re[e^{ζx}·node]): S (price), S_Δ = S/2 + S′ =
 * Σ Re[(p + iu)·e^{ζx}·node] (delta), S_Γ = S″ − S/4 = −Σ Re[c·e^{ζx}·node] (gamma) and S_T = Σ Re[e^{ζx}·nodeT]
 * (∂S/∂T), written into {@link sums}. Trigonometry per node (the Greeks are one strike at a time).
 */
export function sumsAt(x: number): void {
  const n = grid.n
  const h = grid.h
  const p = grid.p
  const pp = p * (1 - p)
  const p2 = 1 - 2 * p
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
    sd += p * re - u * im
    sg -= (u * u + pp) * re - u * p2 * im
    st += c * nodeTRe[j]! - sn * nodeTIm[j]!
  }
  const f = p === 0.5 ? 1 : Math.exp((p - 0.5) * x)
  sums[0] = f * s
  sums[1] = f * sd
  sums[2] = f * sg
  sums[3] = f * st
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
