/**
 * Variance Gamma prices and Greeks by the Brownian time change, integrated with the trapezoidal rule in the log of
 * the gamma time.
 *
 * Given the gamma time G = g, ln F_T is normal with mean ln F + ωT + θg and variance σ²g, so an option is worth the
 * Black-76 price with forward F_g = F·e^{ωT + βg} (β = θ + σ²/2) and total vol s = σ√g, averaged over
 * G ~ Gamma(a = T/ν, scale ν). This is exact for VG (no series, no truncated characteristic function) and, unlike
 * Fourier inversion, indifferent to the slow algebraic decay |φ(u)| ~ |u|^{−2T/ν} of the characteristic function:
 * a Fourier integral truncated at U leaves an error falling only like U^{−(1 + 2T/ν)}, so one day at ν = 1 would
 * need U ~ 10¹⁴ for 1e-14. (The plugin's Fourier inversion, `fourier.ts`, avoids that truncation by bending the
 * contour and changing variable; this integral prices below T/ν = 1e-3, where the Fourier integral cancels, gives the
 * Greeks at the one strike K = F·e^{ωT}, and cross-checks the Fourier inversion in the tests.)
 *
 * Integrand. In y = ln(G/T) the density is exp(C(a) − a(e^y − 1 − y)) (see `gamma.ts`); per unit of strike, with
 * m = ln(F_g/K) = k₀ + βg, k₀ = ln(F/K) + ωT,
 *
 *     U/K = ∫ b(m, s)·exp(C(a) − a(e^y − 1 − y)) dy,    g = T·e^y,  s = σ√g,
 *
 * b the normalised Black price of one side. The side is the one that vanishes as g → 0: the call when k₀ < 0
 * (F·e^{ωT} < K), the put otherwise; the other option follows from put–call parity (call − put = F − K). Every node
 * is then non-negative, so the sum has no cancellation; it is also the out-of-the-money option the caller asked
 * for, except in the thin band between F and F·e^{ωT}. Each node is formed in the log domain (weight, φ(d₂) and e^m
 * combined in one exponent: no overflow in the tails) from the Mills ratio (`normal.ts`): an out-of-the-money
 * node e^m·Φ(d₁) − Φ(d₂) is φ(d₂)·[R(−d₁) − R(−d₂)], keeping its relative precision far into the wings.
 *
 * Quadrature. The integrand is analytic in a strip around the real y axis (|Im y| < π/2 bounds it: e^y must keep a
 * positive real part), and decays double-exponentially to the right (e^{−a·c·e^y}, c = 1 − θν − σ²ν/2 > 0, the
 * martingale condition) and exponentially or faster to the left (like e^{(a + ½)y} at worst, Gaussian in 1/g when
 * k₀ ≠ 0). The trapezoidal rule on the whole line then converges geometrically in 1/h (Trefethen & Weideman, SIAM
 * Review 2014): the error at step h is about E(h) ≈ M·e^{−2πd/h}, so that E(h/2) ≈ E(h)²/M. The rule is run at steps
 * h₀, h₀/2, h₀/4, … on nested lattices anchored at y = 0 (each level adds only the midpoints) until two successive
 * levels agree to δ = 2⁻²⁷ of the integrand's absolute integral; the finer one is then accurate to about δ² ≈ 5e-17
 * (E(h/2)/U ≈ (E(h)/U)²·U/M with M ≥ U). h₀ = min(0.3, 0.9/√a): for large a the density is a narrow normal of
 * variance 1/a, and for small a the strip sets the scale.
 *
 * Each lattice is summed outwards from the integrand's peak, located first on a coarse grid of a cheap estimate of
 * its logarithm around three guesses (the peak without the drift β, the bulk of the density, and the gamma time at
 * which the drift brings the conditional forward to the strike). A side of a lattice stops at the first node,
 * beyond the range the coarser lattices covered, where the integrand (each tracked integrand, for Greeks) is
 * decreasing and the geometric bound on the rest, f·ρ/(1 − ρ) with ρ the ratio of the last two nodes, is below
 * 2⁻⁵⁴ of the running sum: a bound when the tail is log-concave, as these Gaussian, exponential and
 * double-exponential tails are (checked against brute-force sums and the 30-digit references); to the right it
 * also stops where a bound on every integrand, weight × e^{max(m, 0)}, is below e^−800 and falling. An option whose
 * integrand underflows at its peak (deep in a wing, below about e^−720·K) is worth 0 in double precision and gets 0.
 * If the levels do not agree within {@link MAX_LEVELS} halvings or {@link MAX_NODES} nodes, the integral reports
 * failure and the caller throws `NoConvergence` (batches: `NO_CONVERGENCE`) instead of returning a number it cannot
 * vouch for.
 *
 * Greeks (analytic: derivatives under the integral, on the same nodes), per unit strike, D = ∂b/∂m:
 *  - ∂U/∂F = (K/F)·E[D]  (D = e^m·Φ(d₁) for the call, −e^m·Φ(−d₁) for the put);
 *  - ∂²U/∂F² = (K/F²)·E[φ(d₂)/s];
 *  - ∂U/∂σ = K·E[σ·D·(g − T/c) + φ(d₂)·√g]  (∂ln F_g/∂σ = σ(g − T/c), ∂s/∂σ = √g);
 *  - ∂U/∂T = K·(ω·E[D] + E[b·(y + λ(a))]/ν), the second term from ∂ ln p/∂a = ln(G/ν) − ψ(a) (`gamma.ts`); for
 *    1 ≤ a < 100 it is summed as E[(b − b₀)(y + λ)] with b₀ the node at y = 0 (E[y + λ] = 0), which removes the
 *    cancellation of a narrow density; from a = 100 on (where that form still loses ε√a) the derivative is taken in
 *    y instead: K·(E[D·(ω + βe^y)] + E[φ(d₂)·s]/(2T) + E[b·(λ − (e^y − 1 − y))]/ν).
 * At k₀ = 0 exactly, D tends to ±e^m/2 as g → 0, a left tail as slow as the density's own (e^{ay}); there D is
 * summed as e^m(Φ(d₁) − ½) and E[±e^m/2] = ±F/(2K) added exactly. The density of ln F_T is unbounded at k₀ = 0
 * when a ≤ ½, and gamma there is +∞ (reported as such); for ½ < a ≲ 0.53 at that exact strike its integrand decays
 * too slowly for {@link MAX_NODES} and the Greeks report failure. Near k₀ = 0 (not exactly) and a small, delta and
 * gamma genuinely change on the scale of |k₀| (most of the gamma time's mass sits at tiny g), and the lattices walk
 * left to g ~ k₀²/σ² to resolve that: a few hundred nodes more.
 *
 * Measured (random parameters, σ 0.05–2, ν 1e-6–10, |θ| ≤ 1.5, 2.4 hours – 30 years, strikes ±4 standard deviations):
 * about 55 nodes per price on average, at most ~500; Greeks about 80 on average, at most a few thousand; no
 * failures, and agreement with brute-force sums and with 30-digit references to a few 1e-15. The hard case is
 * |θ| ≫ σ: the conditional forward then sweeps across the strike much faster than the diffusion smooths it, the
 * integrand has a feature of width ~σ/|θ| and the lattices must get that fine (up to 10⁵ nodes). With |θ|/σ up to
 * 1000 prices converged in every case tried (and matched 30-digit references to 1e-13), Greeks in all but 1 in
 * 700; beyond 1000, 3 % of prices and 17 % of Greeks end in NoConvergence.
 *
 * @internal
 */
import { expm1MinusX, logDensityConstant, logMinusDigamma } from "./gamma.js"
import { halveUntilAgreed } from "./nested.js"
import { INV_SQRT_2PI, millsPair, millsRatioPair } from "./normal.js"

/**
 * From this a = T/ν on, theta's time derivative is taken in y = ln(G/T) rather than at fixed G: at fixed G the
 * density's term (b − b₀)(y + λ)/ν is a sum of terms of size b/(√a·ν) whose rounding grows like ε√a relative to
 * theta (1e-9 at a = 1e14), while in y the density's term is O(1/a) of theta. Below it the fixed-G form is kept,
 * whose terms all have one sign for small a; the two agree to about 1e-15 across a = 0.003 … 1e6.
 */
const THETA_IN_Y = 100

/** Halvings of the step after the first lattice. */
export const MAX_LEVELS = 10
/** Nodes over all lattices of one integral. */
export const MAX_NODES = 200000

const enum C {
  /** 2⁻⁵⁴: the tail bound of a lattice relative to its running sum. */
  TAIL = 5.551115123125783e-17,
  /** 2⁻²⁷: the agreement of two successive lattices that accepts the finer one. */
  AGREE = 7.450580596923828e-9
}

// Numbers live in Float64Arrays rather than module-level `let`s, which V8 would box on every store, and the hot
// functions take their double arguments from slots too (a double passed to a call that is not inlined is boxed):
// the lattices allocate nothing per node.

/** Slots of {@link st}: the option and model of the current integral (set by `integrate`), and the search state. */
const enum S {
  T,
  SIGMA,
  A,
  /** C(a), the log-normalising constant of the density of y. */
  CA,
  K0,
  BETA,
  /** c = 1 − βν = 1 − θν − σ²ν/2. */
  MC,
  OMEGA,
  NU,
  /** λ(a) = ln a − ψ(a). */
  LAM,
  /** +1 when the call is integrated, −1 the put. */
  SIDE,
  /** b at y = 0, to centre theta's fixed-G density term (0: not centred). */
  BREF,
  /** Right of this y the bound on the integrands falls. */
  BOUND_FALLS,
  /** The range of y covered by the lattices so far. */
  Y_LOW,
  Y_HIGH,
  /** The best start found by `scan`, and its rough size. */
  START,
  BEST,
  /** The argument of `node` and `roughLog`, the result of `roughLog`, the step of `scan` (no doubles cross a call). */
  Y,
  ROUGH,
  STEP,
  SIZE
}
const st = new Float64Array(S.SIZE)
let greeksOn = false, zeroK = false, gammaOn = false, thetaInY = false

/**
 * Slots of {@link nv}: the last node's values (weighted by the density, per unit strike), and the log of a bound on
 * every integrand there: weight × e^{max(m, 0)} (b ≤ e^m for a call, ≤ 1 for a put).
 */
const enum N {
  B,
  D,
  G,
  V,
  T,
  BOUND,
  SIZE
}
const nv = new Float64Array(N.SIZE)
/** The last node's envelopes (absolute values or bounds of the five integrands), for the stopping rules. */
const env = new Float64Array(5)

/** Evaluates the integrand(s) at y = st[S.Y] into {@link nv} and {@link env}. */
function node(): void {
  const y = st[S.Y]!
  const T = st[S.T]!, sigma = st[S.SIGMA]!, a = st[S.A]!, k0 = st[S.K0]!, beta = st[S.BETA]!, side = st[S.SIDE]!
  const g = T * Math.exp(y)
  const s = sigma * Math.sqrt(g)
  const q = expm1MinusX(y)
  const lw = st[S.CA]! - a * q
  const m = k0 + beta * g
  const x = m / s
  const d1 = x + 0.5 * s
  const d2 = x - 0.5 * s
  nv[N.BOUND] = lw + (m > 0 ? m : 0)
  // weight × φ(d₂); weight × e^m × φ(d₁) is the same number
  const wp2 = INV_SQRT_2PI * Math.exp(lw - 0.5 * d2 * d2)
  // every branch below needs the Mills ratio at |d₁| and |d₂|
  millsPair[0] = d1 < 0 ? -d1 : d1
  millsPair[1] = d2 < 0 ? -d2 : d2
  millsRatioPair()
  const r1 = millsPair[0]!, r2 = millsPair[1]!
  let b: number, D: number
  if (side > 0) {
    if (m <= 0) {
      // out-of-the-money call: e^m Φ(d₁) − Φ(d₂), d₂ < 0
      const eN1 = d1 <= 0 ? wp2 * r1 : Math.exp(lw + m) - wp2 * r1
      b = eN1 - wp2 * r2
      D = eN1
    } else {
      // in the money: (e^m − 1) + the put Φ(−d₂) − e^m Φ(−d₁), d₁ > 0
      const w = Math.exp(lw)
      const we = Math.exp(lw + m)
      const eNm1 = wp2 * r1
      const nm2 = d2 >= 0 ? wp2 * r2 : w - wp2 * r2
      b = (m < 1 ? w * Math.expm1(m) : we - w) + (nm2 - eNm1)
      D = we - eNm1
    }
  } else {
    if (m >= 0) {
      // out-of-the-money put: Φ(−d₂) − e^m Φ(−d₁), d₁ ≥ 0
      const eNm1 = wp2 * r1
      const nm2 = d2 >= 0 ? wp2 * r2 : Math.exp(lw) - wp2 * r2
      b = nm2 - eNm1
      D = -eNm1
    } else {
      // in the money: (1 − e^m) + the call e^m Φ(d₁) − Φ(d₂), d₂ < 0
      const w = Math.exp(lw)
      const we = Math.exp(lw + m)
      const eN1 = d1 <= 0 ? wp2 * r1 : we - wp2 * r1
      b = -w * Math.expm1(m) + (eN1 - wp2 * r2)
      D = eN1 - we
    }
  }
  nv[N.B] = b
  env[0] = Math.abs(b)
  if (!greeksOn) return
  if (zeroK) {
    // e^m (Φ(d₁) − ½): the ±e^m/2 limit is added exactly by the caller
    const half = 0.5 * Math.exp(lw + m)
    D = d1 >= 0 ? half - wp2 * r1 : wp2 * r1 - half
  }
  const nu = st[S.NU]!, omega = st[S.OMEGA]!, lam = st[S.LAM]!
  const rootG = s / sigma
  const tc = T / st[S.MC]!
  const gamma = wp2 / s
  nv[N.D] = D
  nv[N.G] = gamma
  nv[N.V] = sigma * D * (g - tc) + wp2 * rootG
  env[1] = Math.abs(D)
  env[2] = gammaOn ? gamma : 0
  env[3] = sigma * Math.abs(D) * (g + tc) + wp2 * rootG
  if (thetaInY) {
    // ∂/∂T in y = ln(G/T): m moves by ω + βe^y, s by s/(2T), the density by (λ − (e^y − 1 − y))/ν
    const eY = g / T
    const dens = lam - q
    nv[N.T] = D * (omega + beta * eY) + (wp2 * s) / (2 * T) + (b * dens) / nu
    env[4] = Math.abs(D) * (Math.abs(omega) + Math.abs(beta) * eY) + (wp2 * s) / (2 * T) +
      (Math.abs(b) * Math.abs(dens)) / nu
  } else {
    // ∂/∂T at fixed G: m moves by ω, the gamma density by (ln(G/ν) − ψ(a))/ν = (y + λ)/ν
    const bRef = st[S.BREF]!
    const centred = bRef === 0 ? b : b - bRef * Math.exp(lw)
    nv[N.T] = omega * D + (centred * (y + lam)) / nu
    env[4] = Math.abs(omega * D) + (Math.abs(centred) * Math.abs(y + lam)) / nu
  }
}

// Running sums over all lattices so far: values (B, D, G, V, T) and envelopes.
const sums = new Float64Array(5)
const envSums = new Float64Array(5)
/** The finest lattice's H·Σ of each integrand. */
const last = new Float64Array(5)
const prev = new Float64Array(5)
const saved = new Float64Array(5)
let nodes = 0

const accumulate = (): void => {
  sums[0] = sums[0]! + nv[N.B]!
  if (greeksOn) {
    sums[1] = sums[1]! + nv[N.D]!
    sums[2] = sums[2]! + nv[N.G]!
    sums[3] = sums[3]! + nv[N.V]!
    sums[4] = sums[4]! + nv[N.T]!
  }
  for (let k = 0; k < 5; k++) envSums[k] = envSums[k]! + env[k]!
}

/**
 * Whether every tracked envelope is decreasing at the current node with a negligible geometric tail. A zero node
 * passes only once the price integrand has been found non-zero (a lattice that starts in an underflowing region
 * must go on).
 */
const tailDone = (count: number): boolean => {
  for (let k = 0; k < count; k++) {
    if (k === 2 && !gammaOn) continue
    const cur = env[k]!, before = prev[k]!
    if (cur === 0 && (envSums[k]! > 0 || envSums[0]! > 0)) continue
    if (!(cur < before)) return false
    const rho = cur / before
    if ((cur * rho) / (1 - rho) > C.TAIL * envSums[k]!) return false
  }
  return true
}

/**
 * Sums the lattice y = (i + shift)·H outwards from the index nearest `start`, each side at least as far as the
 * coarser lattices went; false when the node budget runs out.
 */
/** The midpoints of the lattice of step `H` anchored where the scan started it, for {@link halveUntilAgreed}. */
const refineTimeChange = (H: number): boolean => lattice(H, 0.5, st[S.START]!)

function lattice(H: number, shift: number, start: number): boolean {
  const count = greeksOn ? 5 : 1
  const i0 = Math.round(start / H - shift)
  let y = (i0 + shift) * H
  st[S.Y] = y
  node()
  accumulate()
  nodes++
  prev.set(env)
  saved.set(env)
  const high = st[S.Y_HIGH]!, low = st[S.Y_LOW]!, boundFalls = st[S.BOUND_FALLS]!
  for (let i = i0 + 1; ; i++) {
    if (++nodes > MAX_NODES) return false
    y = (i + shift) * H
    st[S.Y] = y
    node()
    accumulate()
    if (y > high && tailDone(count)) break
    // where the bound is below e^-800 and falling (y > 0 and e^y > 1/c: its slope is a(1 − e^y) or a(1 − c·e^y)),
    // the double-exponential right tail is over (and further on e^y would overflow)
    if (nv[N.BOUND]! < -800 && y > boundFalls && y > start) break
    prev.set(env)
  }
  if (y > high) st[S.Y_HIGH] = y
  prev.set(saved)
  for (let i = i0 - 1; ; i--) {
    if (++nodes > MAX_NODES) return false
    y = (i + shift) * H
    st[S.Y] = y
    node()
    accumulate()
    if (y < low && tailDone(count)) break
    prev.set(env)
  }
  if (y < low) st[S.Y_LOW] = y
  return true
}

/**
 * ln of the integrand's rough size at y = st[S.Y] into st[S.ROUGH] (density × normalised Black price from its
 * leading behaviour: s/√2π at the money, φ(d)·s/d² out of the money, the intrinsic value in the money), for choosing
 * where the lattices start.
 */
const roughLog = (): void => {
  const y = st[S.Y]!
  const g = st[S.T]! * Math.exp(y)
  const s = st[S.SIGMA]! * Math.sqrt(g)
  const m = st[S.K0]! + st[S.BETA]! * g
  const lw = st[S.CA]! - st[S.A]! * expm1MinusX(y)
  const side = st[S.SIDE]!
  if (side > 0 ? m < 0 : m > 0) {
    const d = Math.abs(m) / s
    const d2 = d + 0.5 * s
    st[S.ROUGH] = lw - 0.5 * d2 * d2 + Math.log((INV_SQRT_2PI * s) / (1 + d * d))
  } else {
    const am = Math.abs(m)
    st[S.ROUGH] = side > 0 && am > 30 ? lw + am : lw + Math.log((side > 0 ? Math.expm1(am) : -Math.expm1(-am)) + s)
  }
}

/**
 * Scans the rough size at st[S.Y] + i·st[S.STEP] for i = from … to, keeping the largest in S.BEST and its y in
 * S.START.
 */
const scan = (from: number, to: number): void => {
  const centre = st[S.Y]!, step = st[S.STEP]!
  for (let i = from; i <= to; i++) {
    st[S.Y] = centre + i * step
    roughLog()
    if (st[S.ROUGH]! > st[S.BEST]!) {
      st[S.BEST] = st[S.ROUGH]!
      st[S.START] = st[S.Y]!
    }
  }
}

/**
 * Results of {@link integrate}, per unit strike and undiscounted: [0] U/K of the integrated side, [1] E[D],
 * [2] E[φ(d₂)/s] (+∞ where the density is unbounded at the strike), [3] E[∂b/∂σ], [4] ∂(U/K)/∂T, [5] the side
 * (+1 call, −1 put), [6] the number of nodes, [7] the number of lattices.
 */
export const integralsOut = new Float64Array(8)

/** Records the nodes spent on an integral that did not converge, and reports failure. */
const fail = (): boolean => {
  integralsOut.fill(NaN)
  integralsOut[6] = nodes
  return false
}

/** The option and parameters of the next {@link integrate}: F, K, T, σ, ν, θ (doubles cross no call boundary). */
export const integrateArgs = new Float64Array(6)

/**
 * Integrates the option in {@link integrateArgs} (inputs valid, 1 − θν − σ²ν/2 > 0). Returns false when the
 * lattices do not agree within the budgets ({@link integralsOut} then holds NaN but for [6], the nodes spent).
 */
export function integrate(greeks: boolean): boolean {
  const F = integrateArgs[0]!, K = integrateArgs[1]!, T = integrateArgs[2]!
  const sigma = integrateArgs[3]!, nu = integrateArgs[4]!, theta = integrateArgs[5]!
  const a = T / nu
  const beta = theta + 0.5 * sigma * sigma
  const mc = 1 - beta * nu
  const omega = Math.log1p(-beta * nu) / nu
  const k0 = Math.log(F / K) + a * Math.log1p(-beta * nu)
  const side = k0 < 0 ? 1 : -1
  st[S.T] = T
  st[S.SIGMA] = sigma
  st[S.NU] = nu
  st[S.A] = a
  st[S.CA] = logDensityConstant(a)
  st[S.BETA] = beta
  st[S.MC] = mc
  st[S.OMEGA] = omega
  st[S.K0] = k0
  st[S.SIDE] = side
  greeksOn = greeks
  zeroK = greeks && k0 === 0
  gammaOn = greeks && !(zeroK && a <= 0.5)
  st[S.LAM] = greeks ? logMinusDigamma(a) : 0
  thetaInY = a >= THETA_IN_Y
  st[S.BOUND_FALLS] = Math.max(0, -Math.log(mc))
  st[S.BREF] = 0
  if (greeks && a >= 1 && !thetaInY) {
    st[S.Y] = 0
    node()
    st[S.BREF] = nv[N.B]! / Math.exp(st[S.CA]!)
  }
  // Where to start: the peak of the integrand's rough size, on grids around three guesses: G* (the peak without
  // the drift β: G/ν − k₀²/(2σ²G) = a + 1), the bulk of the density (y = 0) and, when the drift carries the
  // conditional forward towards the strike, the time at which it gets there (m = 0). The grid step is 2, or the
  // width 2/√a of the density when that is narrower; the lattices then climb to the peak from wherever they start.
  const q = a + 1
  const gStar = 0.5 * nu * (q + Math.sqrt(q * q + (2 * k0 * k0) / (sigma * sigma * nu)))
  const centre = Math.log(gStar / T)
  const step = Math.min(2, 2 / Math.sqrt(a))
  st[S.BEST] = -Infinity
  st[S.START] = centre
  st[S.Y] = centre
  st[S.STEP] = step
  scan(-20, 10)
  if (Math.abs(centre) > 10 * step) {
    st[S.Y] = 0
    scan(-10, 10)
  }
  if (k0 * beta < 0) {
    st[S.Y] = Math.log(-k0 / (beta * T))
    scan(-10, 10)
  }
  const start = st[S.START]!, best = st[S.BEST]!
  sums.fill(0)
  envSums.fill(0)
  nodes = 0
  st[S.Y_LOW] = start
  st[S.Y_HIGH] = start
  if (best > -720) {
    st[S.Y] = start
    node()
  }
  if (!(best > -720 && nv[N.B]! > 0)) {
    // The integrand underflows at its peak (deep in a wing, below about e^-720 × K): the option is worth 0 in
    // double precision (the rough size is within a few units of the logarithm of the true one).
    integralsOut.fill(0)
    integralsOut[5] = side
    return true
  }
  const h0 = Math.min(0.3, 0.9 / Math.sqrt(a))
  if (!lattice(h0, 0, start)) return fail()
  const levels = halveUntilAgreed(h0, refineTimeChange, sums, envSums, greeks, gammaOn, C.AGREE, MAX_LEVELS, last)
  if (levels < 0) return fail()
  const limit = zeroK ? (side * F) / (2 * K) : 0
  integralsOut[0] = last[0]!
  integralsOut[1] = last[1]! + limit
  integralsOut[2] = gammaOn ? last[2]! : Infinity
  integralsOut[3] = last[3]!
  // E[±e^m/2 × ∂m/∂T]: ω·limit at fixed G; (ω + β/c)·limit in y, as E[F_G·G] = F·T/c
  integralsOut[4] = last[4]! + (thetaInY ? omega + beta / mc : omega) * limit
  integralsOut[5] = side
  integralsOut[6] = nodes
  integralsOut[7] = levels + 1
  return true
}
