/**
 * One step of Heston's variance and log-spot by Andersen (2008, "Simple and efficient simulation of the Heston
 * stochastic volatility model", Journal of Computational Finance 11(3)): the QE scheme with ψ_c = 1.5, central
 * weights γ₁ = γ₂ = ½ and the martingale correction.
 *
 * Variance: m = θ + (v − θ)e^{−κΔ}, s² = vσ²e^{−κΔ}(1 − e^{−κΔ})/κ + θσ²(1 − e^{−κΔ})²/(2κ), ψ = s²/m², the
 * exact conditional mean and variance of v(t + Δ), which both branches match:
 * - ψ ≤ ψ_c: v′ = a(b + Z_v)², b² = 2/ψ − 1 + √(2/ψ)√(2/ψ − 1), a = m/(1 + b²);
 * - ψ > ψ_c: v′ = 0 with probability p = (ψ − 1)/(ψ + 1), else Exp(β), β = (1 − p)/m, by inversion of U_v.
 * So E[v_T] and Var[v_T] are exact at any step size.
 *
 * Log-spot: X′ = X + mΔ + K₀* + K₁v + K₂v′ + √(K₃v + K₄v′)·Z, Z independent of Z_v, with
 * K₁ = γ₁Δ(κρ/σ − ½) − ρ/σ, K₂ = γ₂Δ(κρ/σ − ½) + ρ/σ, K₃ = γ₁Δ(1 − ρ²), K₄ = γ₂Δ(1 − ρ²), and
 * K₀* = −ln E[e^{Av′} | v] − (K₁ + ½K₃)v, A = K₂ + ½K₄, so that E[e^{X′ − X} | v] = e^{mΔ} exactly in the
 * discrete scheme (Andersen's uncorrected K₀ = −ρκθΔ/σ leaks a little drift at coarse steps):
 * - quadratic branch: ln E = Ab²a/(1 − 2Aa) − ½ln(1 − 2Aa), finite when 2Aa < 1;
 * - exponential branch: ln E = ln(p + β(1 − p)/(β − A)), finite when A < β.
 * When the moment is infinite (large Δ with ρ > 0 and a small σ), the step falls back to the uncorrected K₀.
 *
 * @internal
 */
import { fromUniform } from "../Normals.js"

/** Andersen's switching threshold between the quadratic and the exponential variance steps. */
export const PSI_C = 1.5

/** The QE step of one Heston parameter set; `setStep(dt)` once per time step, then `move` per path. */
export class QeStep {
  private E = 0
  private c1 = 0
  private c2 = 0
  private K0 = 0
  private K1 = 0
  private K2 = 0
  private K3 = 0
  private K4 = 0
  private A = 0
  /** the drift term mΔ added to every path (Bates: net of the jump compensator) */
  private mdt = 0
  /** the slot's variance uniform U_v, and Z_v = Φ⁻¹(U_v) once a path of the slot needs it (NaN until then) */
  uv = 0.5
  zv = NaN
  /** outputs of `move` */
  vNext = 0
  dx = 0
  /** steps whose martingale correction did not exist, so took the uncorrected K₀ */
  uncorrected = 0

  constructor(
    private readonly kappa: number,
    private readonly theta: number,
    private readonly sigma: number,
    private readonly rho: number
  ) {}

  /** The constants of a step of `dt` years with drift `m` (per year). */
  setStep(dt: number, m: number): void {
    const { kappa, theta, sigma, rho } = this
    this.E = Math.exp(-kappa * dt)
    const oneMinusE = -Math.expm1(-kappa * dt)
    this.c1 = (sigma * sigma * this.E * oneMinusE) / kappa
    this.c2 = (theta * sigma * sigma * oneMinusE * oneMinusE) / (2 * kappa)
    const half = 0.5 * dt
    this.K0 = (-rho * kappa * theta * dt) / sigma
    this.K1 = half * ((kappa * rho) / sigma - 0.5) - rho / sigma
    this.K2 = half * ((kappa * rho) / sigma - 0.5) + rho / sigma
    this.K3 = half * (1 - rho * rho)
    this.K4 = this.K3
    this.A = this.K2 + 0.5 * this.K4
    this.mdt = m * dt
  }

  /** Starts a slot: its variance uniform (Z_v is drawn from it lazily). */
  slot(uv: number): void {
    this.uv = uv
    this.zv = NaN
  }

  /**
   * Moves one path from variance `v` with spot normal `z`: sets `vNext` and `dx` (the log-spot increment).
   * `reflect` for the antithetic member of a pair: it uses 1 − U_v and −Z_v (pass −z too).
   */
  move(v: number, reflect: boolean, z: number): void {
    const { theta, K1, K2, K3, K4, A } = this
    const m = theta + (v - theta) * this.E
    const psi = (v * this.c1 + this.c2) / (m * m)
    let vNext: number
    let lnM: number
    if (psi <= PSI_C) {
      if (this.zv !== this.zv) this.zv = fromUniform(this.uv)
      const t = 2 / psi
      const b2 = t - 1 + Math.sqrt(t) * Math.sqrt(t - 1)
      const a = m / (1 + b2)
      const bz = Math.sqrt(b2) + (reflect ? -this.zv : this.zv)
      vNext = a * bz * bz
      const twoAa = 2 * A * a
      lnM = twoAa < 1 ? (A * b2 * a) / (1 - twoAa) - 0.5 * Math.log1p(-twoAa) : NaN
    } else {
      const p = (psi - 1) / (psi + 1)
      const beta = (1 - p) / m
      const w = reflect ? 1 - this.uv : this.uv
      vNext = w <= p ? 0 : Math.log((1 - p) / (1 - w)) / beta
      lnM = A < beta ? Math.log(p + (beta * (1 - p)) / (beta - A)) : NaN
    }
    let k0: number
    if (lnM === lnM) {
      k0 = -lnM - (K1 + 0.5 * K3) * v
    } else {
      k0 = this.K0
      this.uncorrected++
    }
    this.vNext = vNext
    this.dx = this.mdt + k0 + K1 * v + K2 * vNext + Math.sqrt(K3 * v + K4 * vNext) * z
  }
}
