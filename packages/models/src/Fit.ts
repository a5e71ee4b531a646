/**
 * Non-linear least squares by Levenberg–Marquardt, for calibrating models to quotes: minimise ½·Σ rᵢ(x)² over
 * x ∈ ℝⁿ. Each step solves (JᵀJ + μI)·δ = −Jᵀr by Cholesky; the damping μ follows Nielsen's (1999) gain-ratio
 * rule (Madsen, Nielsen & Tingleff, "Methods for non-linear least squares problems", 2004, §3.2). The Jacobian is
 * the caller's, or central differences with steps ε^{1/3}·max(|xⱼ|, 1). Bounds are the caller's business: fit
 * unconstrained transforms (log, tanh) of the parameters.
 *
 * Stops when the gradient's largest component is below `gradientTolerance`, the step is below
 * `stepTolerance`·(|x| + `stepTolerance`), or the cost stops falling (relative change below `costTolerance`),
 * or after `maxIterations`; the result says which.
 *
 * @since 0.1.0
 */
import { InvalidInput } from "@hedgekit/sdk"

/**
 * A least-squares problem: `m` residuals of `n` unknowns.
 *
 * @since 0.1.0
 * @category models
 */
export interface Problem {
  readonly m: number
  readonly n: number
  /** Writes the m residuals at x into `out`. A non-finite residual counts as a failed step. */
  readonly residuals: (x: Float64Array, out: Float64Array) => void
  /** Writes ∂rᵢ/∂xⱼ into `jacobian[i·n + j]`; central differences when absent. */
  readonly jacobian?: (x: Float64Array, jacobian: Float64Array) => void
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly maxIterations?: number
  readonly gradientTolerance?: number
  readonly stepTolerance?: number
  readonly costTolerance?: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly x: Float64Array
  /** ½·Σ rᵢ² at x. */
  readonly cost: number
  readonly iterations: number
  readonly evaluations: number
  readonly converged: boolean
  readonly reason: "gradient" | "step" | "cost" | "iterations"
}

const finiteAll = (a: Float64Array): boolean => {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false
  return true
}

const half = (r: Float64Array): number => {
  let s = 0
  for (let i = 0; i < r.length; i++) s += r[i]! * r[i]!
  return 0.5 * s
}

/** Solves A·x = b in place for a symmetric positive-definite n×n A (row-major); false when A is not SPD. */
const cholesky = (a: Float64Array, b: Float64Array, n: number): boolean => {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!
    for (let k = 0; k < j; k++) d -= a[j * n + k]! * a[j * n + k]!
    if (!(d > 0)) return false
    const l = Math.sqrt(d)
    a[j * n + j] = l
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!
      a[i * n + j] = s / l
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i]!
    for (let k = 0; k < i; k++) s -= a[i * n + k]! * b[k]!
    b[i] = s / a[i * n + i]!
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * b[k]!
    b[i] = s / a[i * n + i]!
  }
  return true
}

/**
 * Minimises ½·Σ rᵢ(x)² from `x0`.
 *
 * @since 0.1.0
 * @category fitting
 */
export const levenbergMarquardt = (problem: Problem, x0: ArrayLike<number>, options: Options = {}): Result => {
  const { m, n } = problem
  if (!(Number.isInteger(n) && n > 0 && x0.length === n)) throw new InvalidInput({ field: "x0", value: x0.length, expected: `${n} starting values` })
  if (!(Number.isInteger(m) && m >= n)) throw new InvalidInput({ field: "m", value: m, expected: `at least as many residuals as unknowns (${n})` })
  const maxIterations = options.maxIterations ?? 200
  const gTol = options.gradientTolerance ?? 1e-12
  const xTol = options.stepTolerance ?? 1e-14
  const fTol = options.costTolerance ?? 1e-15
  const x = Float64Array.from(x0)
  if (!finiteAll(x)) throw new InvalidInput({ field: "x0", value: Array.from(x), expected: "finite starting values" })
  const r = new Float64Array(m), rNew = new Float64Array(m), rPlus = new Float64Array(m), rMinus = new Float64Array(m)
  const J = new Float64Array(m * n), A = new Float64Array(n * n), M = new Float64Array(n * n)
  const g = new Float64Array(n), step = new Float64Array(n), xNew = new Float64Array(n)
  let evaluations = 0
  const evaluate = (at: Float64Array, out: Float64Array): boolean => {
    evaluations++
    problem.residuals(at, out)
    return finiteAll(out)
  }
  const jacobian = (): void => {
    if (problem.jacobian !== undefined) {
      problem.jacobian(x, J)
      return
    }
    for (let j = 0; j < n; j++) {
      const xj = x[j]!
      const h = 6.055454452393343e-6 * Math.max(Math.abs(xj), 1) // ε^{1/3}
      x[j] = xj + h
      evaluate(x, rPlus)
      x[j] = xj - h
      evaluate(x, rMinus)
      x[j] = xj
      for (let i = 0; i < m; i++) J[i * n + j] = (rPlus[i]! - rMinus[i]!) / (2 * h)
    }
  }
  if (!evaluate(x, r)) throw new InvalidInput({ field: "x0", value: Array.from(x), expected: "a start where every residual is finite" })
  let cost = half(r)
  const normal = (): void => {
    jacobian()
    A.fill(0)
    g.fill(0)
    for (let i = 0; i < m; i++) {
      const ri = r[i]!
      for (let j = 0; j < n; j++) {
        const jij = J[i * n + j]!
        g[j] = g[j]! + jij * ri
        for (let k = 0; k <= j; k++) A[j * n + k] = A[j * n + k]! + jij * J[i * n + k]!
      }
    }
    for (let j = 0; j < n; j++) for (let k = 0; k < j; k++) A[k * n + j] = A[j * n + k]!
  }
  normal()
  let maxDiag = 0
  for (let j = 0; j < n; j++) maxDiag = Math.max(maxDiag, A[j * n + j]!)
  let mu = 1e-3 * (maxDiag > 0 ? maxDiag : 1)
  let nu = 2
  const gradientSmall = () => g.every((v) => Math.abs(v) <= gTol)
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    if (gradientSmall()) return { x, cost, iterations: iteration - 1, evaluations, converged: true, reason: "gradient" }
    M.set(A)
    for (let j = 0; j < n; j++) {
      M[j * n + j] = M[j * n + j]! + mu
      step[j] = -g[j]!
    }
    if (!cholesky(M, step, n)) {
      mu *= nu
      nu *= 2
      continue
    }
    let stepNorm = 0, xNorm = 0
    for (let j = 0; j < n; j++) {
      stepNorm += step[j]! * step[j]!
      xNorm += x[j]! * x[j]!
      xNew[j] = x[j]! + step[j]!
    }
    if (Math.sqrt(stepNorm) <= xTol * (Math.sqrt(xNorm) + xTol)) return { x, cost, iterations: iteration, evaluations, converged: true, reason: "step" }
    const ok = evaluate(xNew, rNew)
    const costNew = ok ? half(rNew) : Infinity
    // gain ratio: actual reduction over the reduction the linear model predicts, ½δᵀ(μδ − g)
    let predicted = 0
    for (let j = 0; j < n; j++) predicted += step[j]! * (mu * step[j]! - g[j]!)
    predicted *= 0.5
    const rho = (cost - costNew) / predicted
    if (ok && rho > 0) {
      const relative = (cost - costNew) / Math.max(cost, Number.MIN_VALUE)
      x.set(xNew)
      r.set(rNew)
      cost = costNew
      if (relative <= fTol) return { x, cost, iterations: iteration, evaluations, converged: true, reason: "cost" }
      normal()
      mu *= Math.max(1 / 3, 1 - Math.pow(2 * rho - 1, 3))
      nu = 2
    } else {
      mu *= nu
      nu *= 2
    }
  }
  return { x, cost, iterations: maxIterations, evaluations, converged: false, reason: "iterations" }
}
