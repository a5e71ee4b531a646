/**
 * Sample statistics for the distribution tests, with standard errors from batch means: the sample is cut into
 * batches, the statistic is computed on each, and the spread of the batch values gives the standard error of
 * the full-sample value. That works alike for means, variances and higher cumulants, with no distributional
 * assumption.
 */

export interface Moments {
  readonly mean: number
  readonly variance: number
  readonly skewness: number
  /** not excess: 3 for a normal */
  readonly kurtosis: number
}

/** Central moments of `xs[from … to)`, two passes. */
const central = (xs: ArrayLike<number>, from = 0, to = xs.length) => {
  const n = to - from
  let s = 0
  for (let i = from; i < to; i++) s += xs[i]!
  const mean = s / n
  let m2 = 0, m3 = 0, m4 = 0
  for (let i = from; i < to; i++) {
    const d = xs[i]! - mean
    const d2 = d * d
    m2 += d2
    m3 += d2 * d
    m4 += d2 * d2
  }
  return { n, mean, m2: m2 / n, m3: m3 / n, m4: m4 / n }
}

export const sampleMoments = (xs: ArrayLike<number>): Moments => {
  const c = central(xs)
  return {
    mean: c.mean,
    variance: (c.m2 * c.n) / (c.n - 1),
    skewness: c.m3 / c.m2 ** 1.5,
    kurtosis: c.m4 / (c.m2 * c.m2)
  }
}

/**
 * The first four cumulants of `xs[from … to)` as k-statistics (unbiased: k₁ = mean, k₂ = sample variance,
 * k₃ = n²m₃/((n − 1)(n − 2)), k₄ = n²((n + 1)m₄ − 3(n − 1)m₂²)/((n − 1)(n − 2)(n − 3))).
 */
export const cumulants = (xs: ArrayLike<number>, from = 0, to = xs.length): [number, number, number, number] => {
  const { n, mean, m2, m3, m4 } = central(xs, from, to)
  return [
    mean,
    (n * m2) / (n - 1),
    (n * n * m3) / ((n - 1) * (n - 2)),
    (n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2)) / ((n - 1) * (n - 2) * (n - 3))
  ]
}

export interface Estimate {
  readonly value: number
  readonly se: number
}

/** Statistic `stat` (index `which` of its result) on the whole sample, with its batch-means standard error. */
export const withError = (
  xs: ArrayLike<number>,
  stat: (xs: ArrayLike<number>, from: number, to: number) => ReadonlyArray<number>,
  batches = 25
): Array<Estimate> => {
  const n = xs.length
  const whole = stat(xs, 0, n)
  const per = whole.map(() => [] as Array<number>)
  const size = Math.floor(n / batches)
  for (let b = 0; b < batches; b++) {
    const values = stat(xs, b * size, (b + 1) * size)
    values.forEach((v, i) => per[i]!.push(v))
  }
  return whole.map((value, i) => {
    const vs = per[i]!
    const m = vs.reduce((a, b) => a + b, 0) / batches
    const sd = Math.sqrt(vs.reduce((a, b) => a + (b - m) ** 2, 0) / (batches - 1))
    return { value, se: sd / Math.sqrt(batches) }
  })
}

/** Mean of `xs` with the classical standard error s/√n. */
export const meanWithError = (xs: ArrayLike<number>): Estimate => {
  const c = central(xs)
  return { value: c.mean, se: Math.sqrt((c.m2 * c.n) / (c.n - 1) / c.n) }
}

/** How many standard errors `e` lies from `target`. */
export const zScore = (e: Estimate, target: number): number => Math.abs(e.value - target) / e.se

/** Last row (t = steps) of a time-major generate() result. */
export const lastRow = (spot: Float64Array, paths: number, steps: number): Float64Array =>
  spot.subarray(steps * paths, (steps + 1) * paths)
