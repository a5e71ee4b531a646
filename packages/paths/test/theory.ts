/**
 * Closed forms the simulated paths are tested against, written independently of the generators.
 *
 * X = ln(S_T/S₀). For Lévy processes (GBM, Merton, Kou) the cumulants are linear in T:
 * κ₁ = (m − σ²/2 − λζ)T + λT·E[J], κ₂ = σ²T + λT·E[J²], κ_n = λT·E[Jⁿ] (n ≥ 3), ζ = E[e^J] − 1.
 * For Heston the moments of (X, v) solve a linear ODE system (Itô on x, v, x², xv, v²), integrated here by
 * RK4; the mean and variance of v also have the CIR closed forms.
 */

export interface JumpMoments {
  readonly intensity: number
  /** E[J], E[J²], E[J³], E[J⁴] */
  readonly raw: readonly [number, number, number, number]
  /** E[e^J] − 1 */
  readonly zeta: number
}

export const mertonJumps = (intensity: number, mu: number, delta: number): JumpMoments => {
  const d2 = delta * delta
  return {
    intensity,
    raw: [mu, mu * mu + d2, mu ** 3 + 3 * mu * d2, mu ** 4 + 6 * mu * mu * d2 + 3 * d2 * d2],
    zeta: Math.exp(mu + d2 / 2) - 1
  }
}

/** E[Jⁿ] = p·n!/η₁ⁿ + (1 − p)(−1)ⁿ n!/η₂ⁿ. */
export const kouJumps = (intensity: number, p: number, eta1: number, eta2: number): JumpMoments => {
  const raw = [1, 2, 3, 4].map((n) => {
    const f = [1, 1, 2, 6, 24][n]!
    return p * f / eta1 ** n + (1 - p) * (-1) ** n * f / eta2 ** n
  }) as [number, number, number, number]
  return { intensity, raw, zeta: p * eta1 / (eta1 - 1) + (1 - p) * eta2 / (eta2 + 1) - 1 }
}

/** The four cumulants of X_T for a diffusion of vol σ and drift m plus compensated compound-Poisson jumps. */
export const levyCumulants = (drift: number, vol: number, T: number, j?: JumpMoments): [number, number, number, number] => {
  const l = j === undefined ? 0 : j.intensity * T
  const r = j?.raw ?? [0, 0, 0, 0]
  return [
    (drift - vol * vol / 2 - (j === undefined ? 0 : j.intensity * j.zeta)) * T + l * r[0],
    vol * vol * T + l * r[1],
    l * r[2],
    l * r[3]
  ]
}

export interface HestonInputs {
  readonly drift: number
  readonly initialVariance: number
  readonly meanReversion: number
  readonly longRunVariance: number
  readonly volOfVol: number
  readonly correlation: number
}

/** CIR: E[v_T] and Var[v_T]. */
export const varianceMoments = (p: HestonInputs, T: number): { mean: number; variance: number } => {
  const { initialVariance: v0, meanReversion: k, longRunVariance: th, volOfVol: s } = p
  const e = Math.exp(-k * T)
  return {
    mean: th + (v0 - th) * e,
    variance: (v0 * s * s * e * (1 - e)) / k + (th * s * s * (1 - e) ** 2) / (2 * k)
  }
}

/** E[X_T], Var[X_T], E[v_T], Var[v_T] under Heston, by RK4 on the moment ODEs. */
export const hestonMoments = (p: HestonInputs, T: number, n = 20_000) => {
  const { drift: mu, meanReversion: k, longRunVariance: th, volOfVol: s, correlation: rho } = p
  // y = [E x, E v, E x², E xv, E v²]
  const f = (y: ReadonlyArray<number>): Array<number> => {
    const [x, v, , xv, v2] = y as [number, number, number, number, number]
    return [
      mu - v / 2,
      k * (th - v),
      2 * mu * x - xv + v,
      k * th * x - k * xv + mu * v - v2 / 2 + rho * s * v,
      2 * k * th * v - 2 * k * v2 + s * s * v
    ]
  }
  let y = [0, p.initialVariance, 0, 0, p.initialVariance ** 2]
  const h = T / n
  for (let i = 0; i < n; i++) {
    const k1 = f(y)
    const k2 = f(y.map((yi, j) => yi + (h / 2) * k1[j]!))
    const k3 = f(y.map((yi, j) => yi + (h / 2) * k2[j]!))
    const k4 = f(y.map((yi, j) => yi + h * k3[j]!))
    y = y.map((yi, j) => yi + (h / 6) * (k1[j]! + 2 * k2[j]! + 2 * k3[j]! + k4[j]!))
  }
  const [x, v, x2, , v2] = y as [number, number, number, number, number]
  return { meanX: x, varX: x2 - x * x, meanV: v, varV: v2 - v * v }
}
