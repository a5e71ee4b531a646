/**
 * Variance Gamma prices and Greeks by Fourier inversion of the closed-form characteristic function, on a contour
 * bent through the saddle point, integrated by the trapezoidal rule on nested lattices.
 *
 * Transform. With x = ln(F_T/F), a = T/ν and M(w) = E[e^{wx}] = e^{wωT}·(1 − θνw − σ²νw²/2)^{−a} (the
 * characteristic function is φ(u) = M(iu)), the undiscounted premium of one side is, with k = ln(K/F),
 *
 *     U = F·(1/2πi) ∫_{Re w = α} e^{(1−w)k}·M(w) / (w(w − 1)) dw
 *
 * (the inverse two-sided Laplace transform of the payoff: Lewis's formula, on the line u = −i(w − α) of the Fourier
 * variable): the call for 1 < α < w₊, the put for w₋ < α < 0, where w₋ < 0 < 1 < w₊ are the roots of
 * base(w) = 1 − θνw − σ²νw²/2 (w₊ > 1 is the martingale condition). A line with 0 < α < 1 would give call − F, a
 * parity subtraction: never used. The strip w₋ < Re w < w₊ is bounded, but M is analytic in the whole plane except
 * the cuts (−∞, w₋] and [w₊, ∞) of the real axis — base(w) is real and ≤ 0 nowhere else, so the principal log of
 * base(w) is the right branch on every contour below — and the line may be bent out of the strip, into the half
 * plane where e^{−wκ} decays, κ = k − ωT = ln(K/(F·e^{ωT})).
 *
 * Side. The option integrated is the one out of the money with respect to F (call for K > F, put for K < F): the
 * smaller of the pair, as call − put = F − K, so the other is U + |F − K|, a sum. (Choosing by the sign of κ, as
 * `timeChange.ts` does, would take a call struck between F and F·e^{ωT} as a difference of two numbers of size
 * |F − K|: with strong skew and large ν, F·e^{ωT} can be 15·F and such a call worth 1e-9 of |F − K|.)
 *
 * Contour. α is the saddle point of ψ(x) = (1 − x)k + ln M(x) − ln(x(x − 1)) on the side's real interval (ψ is convex
 * and infinite at both ends; Newton's method in logit coordinates), so that no large terms cancel even for premiums
 * of 1e-26·F. Through it runs the hyperbola
 *
 *     w(y) = α + b·sin φ·(cosh y − 1) + i·b·cos φ·sinh y,     y ∈ ℝ,
 *
 * vertical at α, with asymptotes at π/2 − |φ| from the real axis, opening to the right for κ > 0 and to the left for
 * κ < 0 (φ has the sign of κ; the other side's poles and cut are then enclosed, never crossed: the hyperbola meets
 * the real axis only at α). In y the algebraic decay |w|^{−2−2a} of the integrand becomes the exponential
 * e^{−(1+2a)|y|}, and once |κ|·|Re w| grows the decay is double-exponential: the slow tail of φ(u) at small T/ν costs
 * about 40/h nodes at worst (κ → 0), not a truncation at |u| ~ 10¹⁴. |φ| = (π/4)/(1 + a/4): π/4 for small a, where
 * the family of hyperbolas with angles in (0, ±π/2) — the strip of analyticity in y — is widest; towards 0 for large
 * a, where the integrand near α is a Gaussian in Im w that a tilted contour would climb. The scale b = min(s,
 * (distance to the pole)/2, (distance to the cut)/2)/cos φ, s = ψ''(α)^{−1/2} the width of the saddle, keeps the
 * vertices of that family clear of the pole and the branch point. The integrand is normalised by its value e^{ψ(α)}
 * at the vertex, every logarithm at a node formed as log1p of its ratio to the vertex value (no large terms cancel,
 * no overflow), and conjugate symmetry halves the work: (1/2πi)∫ f dw = (1/π)∫₀^∞ Im[f(w(y))·w'(y)] dy.
 *
 * Quadrature. The trapezoidal rule in y converges geometrically in 1/h for this analytic integrand. Lattices of steps
 * 1/4, 1/8, … are nested (each adds the midpoints); the finer of two successive ones is accepted when they agree to
 * 2⁻³⁰ of the integral of |f·w'| (for Greeks, every integral to its own). Each lattice is summed outwards from y = 0
 * and stops, beyond the coarser lattices' reach, at the first node where every tracked envelope |f·g·w'| is
 * decreasing and the geometric bound on the rest is below 2⁻⁵⁴ of its running sum. The first comparison is 1/4 →
 * 1/8: measured on random parameters, 1/2 → 1/4 could agree by chance while 1/4 was still wrong by 1e-12. When the
 * lattices do not agree within {@link MAX_LEVELS} halvings and {@link MAX_NODES} nodes, or would walk beyond
 * y = {@link Y_MAX}, the integral reports failure (the caller throws `NoConvergence`); seen only for σ < 1e-6 with
 * |θ|/σ > 5e6.
 *
 * Greeks (differentiated under the integral, same nodes), with g multiplying the price integrand:
 *  - ∂U/∂F: g = w/F (K^{1−w}F^w differentiated), i.e. e^{ψ(α)}·J[w];
 *  - ∂²U/∂F²: g = w(w − 1)/F²;
 *  - ∂U/∂σ: g = ∂ ln M/∂σ = σT·(w²/base(w) − w/c), c = 1 − θν − σ²ν/2 (ω follows σ: ∂ω/∂σ = −σ/c);
 *  - ∂U/∂T: g = ∂ ln M/∂T = wω − ln base(w)/ν.
 * Their integrands decay more slowly — |w|^{−1−2a} for delta and vega, |w|^{−2a} for gamma — so near κ = 0 the
 * lattices walk out to |w| ~ 1/|κ| (y ≈ 50 at |κ| = 1e-18) before e^{−wκ} turns them; at κ = 0 exactly they never
 * turn (gamma is +∞ there for a ≤ ½), and the caller takes the Greeks of that one strike from the time change.
 *
 * @internal
 */
import { halveUntilAgreed } from "./nested.js"

/** Halvings of the step after the first lattice. */
export const MAX_LEVELS = 10
/** Nodes over all lattices of one integral. */
export const MAX_NODES = 200000
/** The lattices stop with failure beyond this y (|w| ~ b·e^y/2: products of two such numbers must not overflow). */
export const Y_MAX = 300

const enum C {
  /** 2⁻⁵⁴: the tail bound of a lattice relative to its running sum. */
  TAIL = 5.551115123125783e-17,
  /** 2⁻³⁰: the agreement of two successive lattices that accepts the finer one. */
  AGREE = 9.313225746154785e-10,
  /** The first lattice's step. */
  H0 = 0.25
}

/** Slots of {@link st}: the option, model and contour of the current integral. */
const enum S {
  A,
  T,
  SIGMA,
  SIG2,
  NU,
  THETA,
  KAPPA,
  OMEGA,
  /** c = 1 − θν − σ²ν/2. */
  MC,
  /** The saddle point α, base(α), ln base(α), α(α − 1). */
  ALPHA,
  BASE,
  LOG_BASE,
  POLE,
  /** The contour: b·sin φ, b·cos φ. */
  BS,
  BC,
  /** The argument of `node`; the furthest y the lattices reached; the current lattice's step, shift and weight. */
  Y,
  Y_HIGH,
  STEP,
  SHIFT,
  WEIGHT,
  /** The saddle search's interval (lo, hi), the roots w₊ and w₋, and its result ψ''(α). */
  LO,
  HI,
  W_PLUS,
  W_MINUS,
  CURVATURE,
  SIZE
}
const st = new Float64Array(S.SIZE)
let greeksOn = false, gammaOn = false

/** The last node's values Im[f·g·w'] of the five integrands (price, delta, gamma, vega, ∂/∂T), and envelopes. */
const nv = new Float64Array(5)
const env = new Float64Array(5)

/** Evaluates the integrand(s) at y = st[S.Y] into {@link nv} and {@link env}. */
function node(): void {
  const y = st[S.Y]!
  const a = st[S.A]!, nu = st[S.NU]!, theta = st[S.THETA]!, sig2 = st[S.SIG2]!, kappa = st[S.KAPPA]!
  const al = st[S.ALPHA]!, baseA = st[S.BASE]!, pole = st[S.POLE]!, bs = st[S.BS]!, bc = st[S.BC]!
  // sinh y and cosh y − 1 from one expm1 (no cancellation near y = 0)
  const em1 = Math.expm1(y)
  const ey = em1 + 1
  const sh = (em1 * (ey + 1)) / (2 * ey)
  const cm1 = (em1 * em1) / (2 * ey)
  // Δ = w − α, and w
  const dr = bs * cm1, di = bc * sh
  const wr = al + dr, wi = di
  // ζ₁ = base(w)/base(α) − 1 = −νΔ(θ + σ²(w + α)/2)/base(α)
  const gr = theta + 0.5 * sig2 * (wr + al), gi = 0.5 * sig2 * wi
  const z1r = (-nu * (dr * gr - di * gi)) / baseA, z1i = (-nu * (dr * gi + di * gr)) / baseA
  const l1r = 0.5 * Math.log1p(z1r * (2 + z1r) + z1i * z1i), l1i = Math.atan2(z1i, 1 + z1r)
  // ζ₂ = w(w − 1)/(α(α − 1)) − 1 = Δ(w + α − 1)/(α(α − 1))
  const hr = wr + al - 1
  const z2r = (dr * hr - di * wi) / pole, z2i = (dr * wi + di * hr) / pole
  const l2r = 0.5 * Math.log1p(z2r * (2 + z2r) + z2i * z2i), l2i = Math.atan2(z2i, 1 + z2r)
  // f = e^{ψ(w) − ψ(α)}: the vertex's value divided out
  const er = -dr * kappa - a * l1r - l2r, ei = -di * kappa - a * l1i - l2i
  const m = Math.exp(er)
  const fr = m * Math.cos(ei), fi = m * Math.sin(ei)
  // w'(y) = b sin φ sinh y + i b cos φ cosh y; f·w'
  const vr = bs * sh, vi = bc * (1 + cm1)
  const pr = fr * vr - fi * vi, pim = fr * vi + fi * vr
  // |w'| within √2 (a bound serves the envelopes, and squares could overflow far out)
  const mv = m * (Math.abs(vr) + Math.abs(vi))
  nv[0] = pim
  env[0] = mv
  if (!greeksOn) return
  // delta: × w
  nv[1] = pr * wi + pim * wr
  const aw = Math.abs(wr) + Math.abs(wi)
  env[1] = mv * aw
  // gamma: × w(w − 1) = α(α − 1)(1 + ζ₂)
  if (gammaOn) {
    const qr = pole * (1 + z2r), qi = pole * z2i
    nv[2] = pr * qi + pim * qr
    env[2] = mv * (Math.abs(qr) + Math.abs(qi))
  }
  // vega: × σT(w²/base(w) − w/c), base(w) = base(α)(1 + ζ₁)
  const sT = st[S.SIGMA]! * st[S.T]!
  const br = baseA * (1 + z1r), bi = baseA * z1i
  const w2r = wr * wr - wi * wi, w2i = 2 * wr * wi
  const bb = br * br + bi * bi
  const mc = st[S.MC]!
  const vgr = sT * ((w2r * br + w2i * bi) / bb - wr / mc), vgi = sT * ((w2i * br - w2r * bi) / bb - wi / mc)
  nv[3] = pr * vgi + pim * vgr
  env[3] = mv * (Math.abs(vgr) + Math.abs(vgi))
  // ∂/∂T: × (wω − ln base(w)/ν), ln base(w) = ln base(α) + log1p(ζ₁)
  const omega = st[S.OMEGA]!
  const tr = wr * omega - (st[S.LOG_BASE]! + l1r) / nu, ti = wi * omega - l1i / nu
  nv[4] = pr * ti + pim * tr
  env[4] = mv * (Math.abs(tr) + Math.abs(ti))
}

// Running sums over all lattices so far: values and envelopes (weights 1, ½ at y = 0).
const sums = new Float64Array(5)
const envSums = new Float64Array(5)
/** The finest lattice's H·Σ of each integrand. */
const last = new Float64Array(5)
const prev = new Float64Array(5)
let nodes = 0

const accumulate = (): void => {
  const count = greeksOn ? 5 : 1
  const weight = st[S.WEIGHT]!
  for (let k = 0; k < count; k++) {
    sums[k] = sums[k]! + weight * nv[k]!
    envSums[k] = envSums[k]! + weight * env[k]!
  }
}

/** Whether every tracked envelope is decreasing at the current node with a negligible geometric tail. */
const tailDone = (): boolean => {
  const count = greeksOn ? 5 : 1
  for (let k = 0; k < count; k++) {
    if (k === 2 && !gammaOn) continue
    const cur = env[k]!, before = prev[k]!
    if (cur === 0 && envSums[k]! > 0) continue
    if (!(cur < before)) return false
    const rho = cur / before
    if ((cur * rho) / (1 - rho) > C.TAIL * envSums[k]!) return false
  }
  return true
}

/**
 * Sums the lattice y = (i + shift)·H, i ≥ 0 (H = st[S.STEP], shift = st[S.SHIFT]), at least as far as the coarser
 * lattices went; false on a budget.
 */
/** The midpoints of the lattice of step `H` (the step then halved), for {@link halveUntilAgreed}. */
const refineFourier = (H: number): boolean => {
  st[S.SHIFT] = 0.5
  if (!lattice()) return false
  st[S.STEP] = 0.5 * H
  return true
}

function lattice(): boolean {
  const high = st[S.Y_HIGH]!, H = st[S.STEP]!, shift = st[S.SHIFT]!
  for (let i = 0; ; i++) {
    if (++nodes > MAX_NODES) return false
    const y = (i + shift) * H
    if (y > Y_MAX) return false
    st[S.Y] = y
    node()
    // the node at y = 0 of the first lattice is shared by both halves of the line
    st[S.WEIGHT] = shift === 0 && i === 0 ? 0.5 : 1
    accumulate()
    if (i > 0 && y > high && tailDone()) break
    prev.set(env)
  }
  if (st[S.Y]! > high) st[S.Y_HIGH] = st[S.Y]!
  return true
}

/**
 * Results of {@link fourier}, undiscounted, of the integrated side: [0] U, [1] ∂U/∂F, [2] ∂²U/∂F² (+∞ where the
 * density of F_T is unbounded at the strike), [3] ∂U/∂σ, [4] ∂U/∂T, [5] the side (+1 call, −1 put), [6] the number
 * of nodes, [7] the number of lattices.
 */
export const fourierOut = new Float64Array(8)

/** The option and parameters of the next {@link fourier}: F, K, T, σ, ν, θ (doubles cross no call boundary). */
export const fourierArgs = new Float64Array(6)

const fail = (): boolean => {
  fourierOut.fill(NaN)
  fourierOut[6] = nodes
  return false
}

/**
 * The saddle point of ψ on the side's interval (st[S.LO], st[S.HI]) into st[S.ALPHA], and ψ''(α) into
 * st[S.CURVATURE]. ψ' rises from −∞ to +∞; Newton's method runs in u = ln((x − lo)/(hi − x)), where ψ' is monotone
 * and the ends are at ±∞, with a bisection bracket. Its accuracy only steers the contour (any α in the interval
 * gives the same integral).
 */
const saddle = (): void => {
  const T = st[S.T]!, sig2 = st[S.SIG2]!, nu = st[S.NU]!, theta = st[S.THETA]!, kappa = st[S.KAPPA]!
  const lo = st[S.LO]!, hi = st[S.HI]!, wPlus = st[S.W_PLUS]!, wMinus = st[S.W_MINUS]!
  const width = hi - lo
  // |u| ≤ 23 keeps α at least 1e-10 of the interval from either end (representably inside it); a saddle closer to
  // an end than that is then approximated, which costs nodes but not accuracy
  let uLo = -23, uHi = 23, u = 0
  let x = 0, d2 = 1
  for (let it = 0; it < 100; it++) {
    // distances to both ends from u, each without cancellation
    const toLo = width / (1 + Math.exp(-u)), toHi = width / (1 + Math.exp(u))
    x = toLo < toHi ? lo + toLo : hi - toHi
    const upper = wPlus - x, lower = x - wMinus
    const base = 0.5 * sig2 * nu * upper * lower
    const slope = theta + sig2 * x
    // x − 1 and x: the pole terms 1/x + 1/(x − 1), ψ'' terms 1/x² + 1/(x − 1)²
    const xm1 = lo === 1 ? toLo : x - 1
    const xx = hi === 0 ? -toHi : x
    const d1 = -kappa + (T * slope) / base - 1 / xx - 1 / xm1
    d2 = (T * (sig2 * base + nu * slope * slope)) / (base * base) + 1 / (xx * xx) + 1 / (xm1 * xm1)
    if (d1 > 0) uHi = u
    else uLo = u
    // close enough: within a thousandth of the saddle's width
    if (Math.abs(d1) <= 1e-3 * Math.sqrt(d2)) break
    const dxdu = (toLo * toHi) / width
    let next = u - d1 / (d2 * dxdu)
    // outside the bracket (or not finite): bisect
    if (!(next > uLo && next < uHi)) next = 0.5 * (uLo + uHi)
    if (uHi - uLo < 1e-12) break
    u = next
  }
  st[S.ALPHA] = x
  st[S.CURVATURE] = d2
}

/**
 * ln(x/y) with an error of a few ulps of the result itself: near x = y, x − y is exact (Sterbenz) and log1p keeps it,
 * where ln(x/y) would carry the absolute rounding of x/y (1e-16) — which the premium amplifies by α, up to
 * 1/(σ√T), near the money at short expiries.
 */
export const logRatio = (x: number, y: number): number =>
  x <= 2 * y && y <= 2 * x ? Math.log1p((x - y) / y) : Math.log(x / y)

/**
 * Integrates the option in {@link fourierArgs} (inputs valid, 1 − θν − σ²ν/2 > 0). Returns false when the lattices
 * do not agree within the budgets ({@link fourierOut} then holds NaN but for [6], the nodes spent).
 */
export function fourier(greeks: boolean): boolean {
  const F = fourierArgs[0]!, K = fourierArgs[1]!, T = fourierArgs[2]!
  const sigma = fourierArgs[3]!, nu = fourierArgs[4]!, theta = fourierArgs[5]!
  const a = T / nu
  const sig2 = sigma * sigma
  const beta = theta + 0.5 * sig2
  const k = logRatio(K, F)
  // κ = ln(K/F) − ωT, with ωT = a·ln(1 − βν)
  const kappa = k - a * Math.log1p(-beta * nu)
  // the option out of the money with respect to F (its premium is the smaller: call − put = F − K), so that the
  // other is U + |F − K|, a sum; at K = F the one whose side e^{−wκ} decays towards
  const side = K > F ? 1 : K < F ? -1 : kappa > 0 ? 1 : -1
  // the contour bends where e^{−wκ} decays: right for κ > 0, left for κ < 0, whichever side is integrated
  const bend = kappa > 0 ? 1 : kappa < 0 ? -1 : side
  st[S.A] = a
  st[S.T] = T
  st[S.SIGMA] = sigma
  st[S.SIG2] = sig2
  st[S.NU] = nu
  st[S.THETA] = theta
  st[S.KAPPA] = kappa
  st[S.OMEGA] = Math.log1p(-beta * nu) / nu
  st[S.MC] = 1 - beta * nu
  greeksOn = greeks
  // at κ = 0 and a ≤ ½ the density of F_T is unbounded at the strike: gamma is +∞
  gammaOn = greeks && !(kappa === 0 && a <= 0.5)
  // roots w₋ < 0 < 1 < w₊ of 1 − θνw − σ²νw²/2, each without cancellation (w₊w₋ = −2/(σ²ν))
  const root = Math.sqrt(theta * theta + (2 * sig2) / nu)
  const wPlus = theta < 0 ? (root - theta) / sig2 : 2 / (nu * (theta + root))
  const wMinus = theta < 0 ? -2 / (nu * (root - theta)) : -(root + theta) / sig2
  st[S.W_PLUS] = wPlus
  st[S.W_MINUS] = wMinus
  st[S.LO] = side > 0 ? 1 : wMinus
  st[S.HI] = side > 0 ? wPlus : 0
  saddle()
  const al = st[S.ALPHA]!, d2 = st[S.CURVATURE]!
  // base(α) from its factors (full relative precision near a root); ln base(α) by log1p where base(α) is near 1,
  // which keeps a·ln base(α) exact to rounding for huge a (tiny ν)
  const upper = wPlus - al, lower = al - wMinus
  const baseA = 0.5 * sig2 * nu * upper * lower
  const zA = -nu * al * (theta + 0.5 * sig2 * al)
  const logBase = Math.abs(zA) < 0.5 ? Math.log1p(zA) : Math.log(baseA)
  const pole = al * (al - 1)
  st[S.BASE] = baseA
  st[S.LOG_BASE] = logBase
  st[S.POLE] = pole
  // ψ(α) = k − ακ − a ln base(α) − ln(α(α − 1))
  const psiA = k - al * kappa - a * logBase - Math.log(pole)
  const toPole = side > 0 ? al - 1 : -al, toCut = side > 0 ? upper : lower
  const phi = (bend * (Math.PI / 4)) / (1 + 0.25 * a)
  const b = Math.min(1 / Math.sqrt(d2), 0.5 * toPole, 0.5 * toCut) / Math.cos(phi)
  st[S.BS] = b * Math.sin(phi)
  st[S.BC] = b * Math.cos(phi)
  if (!(b > 0 && b < Infinity && Number.isFinite(psiA))) return fail()
  sums.fill(0)
  envSums.fill(0)
  nodes = 0
  st[S.Y_HIGH] = 0
  st[S.STEP] = C.H0
  st[S.SHIFT] = 0
  if (!lattice()) return fail()
  const levels = halveUntilAgreed(C.H0, refineFourier, sums, envSums, greeks, gammaOn, C.AGREE, MAX_LEVELS, last)
  if (levels < 0) return fail()
  // (1/2πi)∫ f dw = (1/π)∫₀^∞ Im[f w'] dy; U = F·e^{ψ(α)}·J₀ (a premium whose scale underflows is 0)
  const scale = Math.exp(psiA) / Math.PI
  fourierOut[0] = Math.max(0, F * scale * last[0]!)
  fourierOut[1] = scale * last[1]!
  fourierOut[2] = gammaOn ? (scale * last[2]!) / F : Infinity
  fourierOut[3] = F * scale * last[3]!
  fourierOut[4] = F * scale * last[4]!
  fourierOut[5] = side
  fourierOut[6] = nodes
  fourierOut[7] = levels + 1
  return true
}
