/**
 * Bachelier kernels against 80-digit mpmath references (fixtures/mpmath/bachelier_reference.py).
 *
 * Errors are relative, in units of ε = 2^-52, against the exact function of the double inputs; the
 * fixture stores each reference as hi (25 digits) plus lo (the next double), so (y − hi) − lo is the
 * error to ~1e-32. Tolerances are per regime of t = |F − K|/(σ√T), with the measured maxima alongside.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { bachelier, impliedNormalVolatility } from "../src/internal/bachelierKernel.js"
import { ABOVE_MAXIMUM, BELOW_INTRINSIC } from "../src/internal/sentinels.js"
import { cdf, pdf } from "../src/Normal.js"

type Regime = "atm" | "near" | "mid" | "deep"

interface PriceCase {
  readonly F: string
  readonly K: string
  readonly sigma: string
  readonly T: string
  readonly theta: number
  readonly price: string
  readonly priceLo: string
  readonly d: number
  readonly regime: Regime
  readonly itm: boolean
}

interface VolCase {
  readonly F: string
  readonly K: string
  readonly T: string
  readonly theta: number
  readonly price: string
  readonly sigma: string
  readonly sigmaExact: string
  readonly sigmaExactLo: string
  readonly vega: string
  readonly d: number
  readonly regime: Regime
  readonly itm: boolean
}

interface Fixture {
  readonly prices: readonly PriceCase[]
  readonly impliedVolatility: readonly VolCase[]
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/mpmath/bachelier.json", import.meta.url), "utf8"),
) as Fixture

const EPS = 2 ** -52

// Price tolerances in ε. Measured maxima: atm 1.1, near 1.8, mid 1.7, deep 2.2 (subnormal results in
// units of the subnormal spacing), in the money 1.4 (the intrinsic value dominates there).
const PRICE_TOL: Readonly<Record<Regime | "itm", number>> = { atm: 2, near: 4, mid: 4, deep: 4, itm: 3 }
// Implied-volatility tolerances in ε, relative to the exact volatility of the double-rounded price.
// Measured maxima: atm 0.9, near 1.2, mid 1.3, deep 1.0 (time value/|F − K| down to 1e-450), in the
// money 1.1 (time value formed against the exact intrinsic value). A 1e-7 error in the Mills ratio fails
// every non-ATM regime here; so does forming price − intrinsic naively in the money (~1e8 ε).
const VOL_TOL: Readonly<Record<Regime | "itm", number>> = { atm: 2, near: 4, mid: 4, deep: 4, itm: 4 }

/** Relative error of y against hi + lo in ε; below the normal range the error is measured in units of
 * the smallest subnormal instead, since the result cannot carry more bits there. */
function errorInEps(y: number, hi: number, lo: number): number {
  const delta = Math.abs(y - hi - lo)
  return delta / Math.max(Math.abs(hi) * EPS, Number.MIN_VALUE / EPS)
}

function priceCases(regime: Regime | "itm"): readonly PriceCase[] {
  return fixture.prices.filter((c) => (regime === "itm" ? c.itm : !c.itm && c.regime === regime))
}

function volCases(regime: Regime | "itm"): readonly VolCase[] {
  return fixture.impliedVolatility.filter((c) => (regime === "itm" ? c.itm : !c.itm && c.regime === regime))
}

const regimes = ["atm", "near", "mid", "deep", "itm"] as const

describe("bachelier price vs mpmath", () => {
  for (const regime of regimes) {
    it(`${regime}: relative error ≤ ${PRICE_TOL[regime]} ε`, () => {
      const cases = priceCases(regime)
      expect(cases.length).toBeGreaterThan(10)
      const failures: string[] = []
      for (const c of cases) {
        const y = bachelier(Number(c.F), Number(c.K), Number(c.sigma), Number(c.T), c.theta)
        const err = errorInEps(y, Number(c.price), Number(c.priceLo))
        if (!(err <= PRICE_TOL[regime])) {
          failures.push(
            `F=${c.F} K=${c.K} σ=${c.sigma} T=${c.T} θ=${c.theta} d=${c.d}: got ${y}, ref ${c.price}, ` +
              `Δ=${err.toFixed(2)} ε > tol ${PRICE_TOL[regime]} ε`,
          )
        }
      }
      expect(failures).toEqual([])
    })
  }

  it("reaches prices of 1e-300 and below without premature underflow", () => {
    const deepest = priceCases("deep").filter((c) => Number(c.price) < 1e-290)
    expect(deepest.length).toBeGreaterThan(20)
    // includes cases where exp(−t²/2) alone is subnormal (t ≥ 37.5, σ = 1e28, 1e30) but the price is not
    expect(deepest.some((c) => c.d > 38.5 && Number(c.price) > 1e-300)).toBe(true)
  })
})

describe("implied normal volatility vs mpmath", () => {
  for (const regime of regimes) {
    it(`${regime}: |σ̂ − σ| ≤ ${VOL_TOL[regime]} ε·σ`, () => {
      const cases = volCases(regime)
      expect(cases.length).toBeGreaterThan(10)
      const failures: string[] = []
      for (const c of cases) {
        const s = impliedNormalVolatility(Number(c.price), Number(c.F), Number(c.K), Number(c.T), c.theta)
        const err = errorInEps(s, Number(c.sigmaExact), Number(c.sigmaExactLo))
        if (!(err <= VOL_TOL[regime])) {
          failures.push(
            `price=${c.price} F=${c.F} K=${c.K} T=${c.T} θ=${c.theta} d=${c.d}: got ${s}, ref ${c.sigmaExact}, ` +
              `Δ=${err.toFixed(2)} ε > tol ${VOL_TOL[regime]} ε`,
          )
        }
      }
      expect(failures).toEqual([])
    })
  }

  it("covers one-minute and ten-year expiries, negative levels and time values below 1e-300·|F − K|", () => {
    const all = fixture.impliedVolatility
    expect(all.some((c) => Number(c.T) === 1 / 525600)).toBe(true)
    expect(all.some((c) => Number(c.T) === 10)).toBe(true)
    expect(all.some((c) => Number(c.F) < 0 && Number(c.K) < 0)).toBe(true)
    expect(all.some((c) => !c.itm && Number(c.price) < 1e-300 * Math.abs(Number(c.F) - Number(c.K)))).toBe(true)
  })
})

describe("fixture sensitivity", () => {
  // Textbook formula on an accurate Φ: the tests above must reject it deep out of the money ...
  const naive = (F: number, K: number, sigma: number, T: number, theta: number, cdfScale: number): number => {
    const s = sigma * Math.sqrt(T)
    const d = (F - K) / s
    return theta * (F - K) * cdf(theta * d) * cdfScale + s * pdf(d)
  }

  it("a cancelling formula fails the deep regime", () => {
    const bad = priceCases("deep").filter((c) => {
      const y = naive(Number(c.F), Number(c.K), Number(c.sigma), Number(c.T), c.theta, 1)
      return !(errorInEps(y, Number(c.price), Number(c.priceLo)) <= PRICE_TOL.deep)
    })
    expect(bad.length).toBeGreaterThan(priceCases("deep").length / 2)
  })

  it("a 1e-7-accurate CDF fails every non-ATM regime", () => {
    for (const regime of ["near", "mid", "itm"] as const) {
      const bad = priceCases(regime).filter((c) => {
        const y = naive(Number(c.F), Number(c.K), Number(c.sigma), Number(c.T), c.theta, 1 + 1e-7)
        return !(errorInEps(y, Number(c.price), Number(c.priceLo)) <= PRICE_TOL[regime])
      })
      expect(bad.length, regime).toBeGreaterThan(priceCases(regime).length / 4)
    }
  })
})

describe("bachelier edge cases", () => {
  it("returns intrinsic value at zero volatility or expiry, NaN for negative volatility", () => {
    expect(bachelier(101, 100, 0, 1, 1)).toBe(1)
    expect(bachelier(101, 100, 5, 0, -1)).toBe(0)
    expect(bachelier(-3, -1, 0, 2, -1)).toBe(2)
    expect(bachelier(100, 100, -1, 1, 1)).toBeNaN()
    expect(bachelier(Number.NaN, 100, 1, 1, 1)).toBeNaN()
  })

  it("satisfies put-call parity and call/put time-value symmetry", () => {
    for (const [F, K, sigma, T] of [
      [0.03, 0.025, 0.01, 1],
      [-0.01, 0.004, 0.006, 3],
      [100, 180, 20, 10],
    ] as const) {
      const call = bachelier(F, K, sigma, T, 1)
      const put = bachelier(F, K, sigma, T, -1)
      expect(Math.abs(call - put - (F - K))).toBeLessThanOrEqual(2 * EPS * Math.max(call, put))
      // a put on forward K struck at F is the same contract as the call
      expect(bachelier(K, F, sigma, T, -1)).toBe(call)
    }
  })

  it("underflows to zero only where the true price is below the subnormal range", () => {
    expect(bachelier(0, 40e5, 1e5, 1, 1)).toBe(0)
    expect(bachelier(0, -39e30, 1e30, 1, -1)).toBeGreaterThan(1e-305)
  })
})

describe("implied normal volatility edge cases", () => {
  it("returns sentinels outside the attainable range and NaN for invalid input", () => {
    expect(impliedNormalVolatility(0, 1, 1, 1, 1)).toBe(BELOW_INTRINSIC)
    expect(impliedNormalVolatility(1, 2, 1, 1, 1)).toBe(BELOW_INTRINSIC) // price = intrinsic
    expect(impliedNormalVolatility(0.5, 2, 1, 1, 1)).toBe(BELOW_INTRINSIC)
    expect(impliedNormalVolatility(0, 1, 2, 1, 1)).toBe(BELOW_INTRINSIC)
    expect(impliedNormalVolatility(Number.POSITIVE_INFINITY, 2, 1, 1, 1)).toBe(ABOVE_MAXIMUM)
    expect(impliedNormalVolatility(0.1, 1, 1, 0, 1)).toBe(ABOVE_MAXIMUM) // no σ moves a price at T = 0
    expect(impliedNormalVolatility(Number.NaN, 1, 1, 1, 1)).toBeNaN()
    expect(impliedNormalVolatility(0.1, 1, 1, -1, 1)).toBeNaN()
  })

  it("is exact at the money: σ = price·√(2π/T)", () => {
    for (const [price, F, T] of [
      [0.004, 0.03, 1 / 525600],
      [12.5, 100, 10],
      [0.002, -0.004, 0.5],
    ] as const) {
      const s = impliedNormalVolatility(price, F, F, T, 1)
      const ref = price * Math.sqrt((2 * Math.PI) / T)
      expect(Math.abs(s - ref)).toBeLessThanOrEqual(2 * EPS * ref)
    }
  })

  it("is continuous across its internal switches", () => {
    // Near-money closed form at |F − K| = 2.5e-8 × time value, and Jäckel's branch switch at
    // time value = 0.001882039271·|F − K|: σ must increase monotonically with the price through both.
    for (const ratio of [1 / 2.5e-8, 0.001882039271]) {
      let previous = 0
      for (let k = -20; k <= 20; k++) {
        const price = ratio * (1 + k * 1e-13) // OTM call, |F − K| = 1
        const s = impliedNormalVolatility(price, 0, 1, 1, 1)
        expect(s).toBeGreaterThan(previous)
        if (previous > 0) expect(s / previous - 1).toBeLessThan(1e-11)
        previous = s
      }
    }
  })

  it("round-trips bachelier() on a dense pseudo-random sweep of t ∈ (1e-12, 38.5]", () => {
    // Error budget: the inversion (~1 ε) plus the price's own error divided by its elasticity in σ
    // (≥ 1), plus the rounding of the price (½ ulp, or the subnormal spacing) divided by vega.
    let state = 0x2545f491
    const uniform = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      return (state + 0.5) / 4294967296
    }
    const failures: string[] = []
    for (let i = 0; i < 20000; i++) {
      const t = i % 2 === 0 ? 38.5 * uniform() : Math.exp(Math.log(1e-12) + uniform() * Math.log(1e13))
      const F = (uniform() - 0.5) * 200
      const sigma = Math.exp(uniform() * 10 - 5)
      const T = Math.exp(uniform() * Math.log(5256000)) / 525600 // one minute to ten years
      const theta = uniform() < 0.5 ? 1 : -1
      const K = F + (uniform() < 0.5 ? -1 : 1) * t * sigma * Math.sqrt(T)
      const price = bachelier(F, K, sigma, T, theta)
      if (!(price > Math.max(theta * (F - K), 0))) continue
      const s = impliedNormalVolatility(price, F, K, T, theta)
      const vega = Math.sqrt(T) * pdf((F - K) / (sigma * Math.sqrt(T)))
      const tol = 6 * EPS * sigma + (2 * (EPS * price + Number.MIN_VALUE)) / vega
      if (!(Math.abs(s - sigma) <= tol)) {
        failures.push(`F=${F} K=${K} σ=${sigma} T=${T} θ=${theta} price=${price}: σ̂=${s}, Δ=${s - sigma}, tol=${tol}`)
      }
    }
    expect(failures).toEqual([])
  })
})
