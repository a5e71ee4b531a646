/**
 * Model-free properties (fast-check, fixed seeds), the ν → 0 limit (Black-76 with vol σ, written here from its
 * closed form with a normal distribution function of this file's own), Greeks against differences of the price,
 * the exact-strike special cases, batch = scalar, and the typed errors.
 */
import fc from "fast-check"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { BatchStatus, InvalidInput, NoConvergence } from "@hedgekit/sdk"
import type { EuropeanOption } from "@hedgekit/sdk"
import { VarianceGamma } from "../src/index.js"

type Params = VarianceGamma.Params
type OptionType = "call" | "put"

const NUM_RUNS = Number(process.env["HEDGEKIT_PROPERTY_RUNS"] ?? 100)
const runs = (seed: number) => ({ seed, numRuns: NUM_RUNS })

const option = (type: OptionType, forward: number, strike: number, expiry: number, rate = 0): EuropeanOption => ({
  type,
  forward,
  strike,
  expiry,
  rate
})

// ---------------------------------------------------------------------------------------------------------------
// Black-76 from scratch: Φ by its everywhere-convergent series near 0 and the Mills ratio's continued fraction in
// the tails (independent of the plugin's Chebyshev fit).

const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI)

const upperTail = (z: number): number => {
  // 1 − Φ(z) = φ(z)/(z + 1/(z + 2/(z + 3/(z + …)))), z ≥ 5, evaluated bottom-up
  let f = z
  for (let n = 200; n >= 1; n--) f = z + n / f
  return phi(z) / f
}

const Phi = (x: number): number => {
  if (x <= -5) return upperTail(-x)
  if (x >= 5) return 1 - upperTail(x)
  // Φ(x) = ½ + φ(x)·Σ x^{2n+1}/(1·3·…·(2n+1))
  let term = x
  let sum = x
  for (let n = 1; n < 200; n++) {
    term *= (x * x) / (2 * n + 1)
    sum += term
    if (Math.abs(term) < 1e-18 * Math.abs(sum)) break
  }
  return 0.5 + phi(x) * sum
}

const black76 = (type: OptionType, F: number, K: number, T: number, r: number, vol: number): number => {
  const s = vol * Math.sqrt(T)
  const d1 = Math.log(F / K) / s + s / 2
  const d2 = d1 - s
  const df = Math.exp(-r * T)
  return type === "call" ? df * (F * Phi(d1) - K * Phi(d2)) : df * (K * Phi(-d2) - F * Phi(-d1))
}

// ---------------------------------------------------------------------------------------------------------------

const validParams: fc.Arbitrary<Params> = fc
  .record({
    sigma: fc.double({ min: 0.05, max: 1.2, noNaN: true }),
    nu: fc.double({ min: 0.01, max: 1.5, noNaN: true }),
    theta: fc.double({ min: -0.8, max: 0.6, noNaN: true })
  })
  .filter((p) => 1 - p.theta * p.nu - 0.5 * p.sigma * p.sigma * p.nu > 0.02)

const expiries = fc.double({ min: 1 / 365, max: 5, noNaN: true })
const moneyness = fc.double({ min: Math.log(0.4), max: Math.log(2.5), noNaN: true }).map(Math.exp)

describe("model-free properties", () => {
  it("put–call parity: call − put = e^{−rT}(F − K)", () => {
    fc.assert(
      fc.property(validParams, expiries, moneyness, fc.double({ min: -0.05, max: 0.2, noNaN: true }), (p, T, m, r) => {
        const F = 1000
        const K = F * m
        const c = VarianceGamma.price(option("call", F, K, T, r), p)
        const q = VarianceGamma.price(option("put", F, K, T, r), p)
        expect(Math.abs(c - q - Math.exp(-r * T) * (F - K))).toBeLessThanOrEqual(2e-13 * Math.max(F, K))
      }),
      runs(101)
    )
  })

  it("bounds: intrinsic ≤ premium ≤ discounted F (call) or K (put)", () => {
    fc.assert(
      fc.property(validParams, expiries, moneyness, (p, T, m) => {
        const F = 50, K = F * m, r = 0.03, df = Math.exp(-r * T)
        const c = VarianceGamma.price(option("call", F, K, T, r), p)
        const q = VarianceGamma.price(option("put", F, K, T, r), p)
        expect(c).toBeGreaterThanOrEqual(df * Math.max(F - K, 0))
        expect(c).toBeLessThanOrEqual(df * F)
        expect(q).toBeGreaterThanOrEqual(df * Math.max(K - F, 0))
        expect(q).toBeLessThanOrEqual(df * K)
      }),
      runs(102)
    )
  })

  it("calls decrease and are convex in the strike (no static arbitrage)", () => {
    fc.assert(
      fc.property(validParams, expiries, moneyness, (p, T, m) => {
        const F = 100, K = F * m, dK = 0.01 * K
        const c = (k: number) => VarianceGamma.price(option("call", F, k, T), p)
        const lo = c(K - dK), mid = c(K), hi = c(K + dK)
        expect(lo).toBeGreaterThanOrEqual(mid)
        expect(mid).toBeGreaterThanOrEqual(hi)
        expect(lo - 2 * mid + hi).toBeGreaterThanOrEqual(-1e-12 * F)
      }),
      runs(103)
    )
  })

  it("is homogeneous of degree one in (F, K)", () => {
    fc.assert(
      fc.property(validParams, expiries, moneyness, fc.double({ min: 1e-3, max: 1e5, noNaN: true }), (p, T, m, scale) => {
        const v1 = VarianceGamma.price(option("put", 1, m, T), p)
        const v2 = VarianceGamma.price(option("put", scale, scale * m, T), p)
        expect(Math.abs(v2 - scale * v1)).toBeLessThanOrEqual(1e-13 * scale * Math.max(v1, 1e-3))
      }),
      runs(104)
    )
  })
})

describe("ν → 0: Black-76 with vol σ", () => {
  it("the difference shrinks in proportion to ν", () => {
    for (const T of [7 / 365, 0.5, 3]) {
      for (const m of [0.8, 1, 1.25]) {
        for (const type of ["call", "put"] as const) {
          const F = 100, K = F * m, r = 0.02, sigma = 0.4, theta = -0.1
          const b = black76(type, F, K, T, r, sigma)
          const d1 = VarianceGamma.price(option(type, F, K, T, r), { sigma, nu: 1e-4, theta }) - b
          const d2 = VarianceGamma.price(option(type, F, K, T, r), { sigma, nu: 1e-6, theta }) - b
          // VG − Black = O(ν): a hundredth of ν gives a hundredth of the difference
          expect(Math.abs(d1)).toBeLessThan(1e-3 * F)
          expect(Math.abs(d2)).toBeLessThan(2e-8 * F + 0.02 * Math.abs(d1))
        }
      }
    }
  })

  it("with θ = 0 and ν = 1e-12 the Greeks are Black's (a = T/ν up to 5e12: theta taken in ln(G/T))", () => {
    for (const T of [7 / 365, 1, 5]) {
      for (const m of [0.8, 1, 1.3]) {
        const F = 100, K = F * m, r = 0.03, vol = 0.5, df = Math.exp(-r * T)
        const g = VarianceGamma.greeks(option("call", F, K, T, r), { sigma: vol, nu: 1e-12, theta: 0 })
        const s = vol * Math.sqrt(T)
        const d1 = Math.log(F / K) / s + s / 2
        const price = black76("call", F, K, T, r, vol)
        expect(Math.abs(g.price - price)).toBeLessThan(1e-8 * F)
        expect(Math.abs(g.delta - df * Phi(d1))).toBeLessThan(1e-8)
        expect(Math.abs(g.gamma - (df * phi(d1)) / (F * s))).toBeLessThan(1e-8 * (df * phi(d1)) / (F * s))
        expect(Math.abs(g.vega! - df * F * phi(d1) * Math.sqrt(T))).toBeLessThan(1e-7 * F)
        expect(Math.abs(g.theta - (r * price - (df * F * phi(d1) * vol) / (2 * Math.sqrt(T))))).toBeLessThan(1e-7 * F)
      }
    }
  })

  it("with θ = 0 and tiny ν the price is Black's to 1e-9 × F", () => {
    for (const T of [1 / 365, 0.25, 5]) {
      for (const m of [0.5, 0.9, 1, 1.1, 2]) {
        const F = 3000, K = F * m, sigma = 0.7
        const vg = VarianceGamma.price(option("call", F, K, T, 0.05), { sigma, nu: 1e-9, theta: 0 })
        expect(Math.abs(vg - black76("call", F, K, T, 0.05, sigma))).toBeLessThan(1e-9 * F)
      }
    }
  })
})

describe("Greeks", () => {
  /** Richardson-extrapolated central difference of f at x with step h. */
  const diff = (f: (x: number) => number, x: number, h: number): number => {
    const d = (s: number) => (f(x + s) - f(x - s)) / (2 * s)
    return (4 * d(h / 2) - d(h)) / 3
  }
  const diff2 = (f: (x: number) => number, x: number, h: number): number => {
    const d = (s: number) => (f(x + s) - 2 * f(x) + f(x - s)) / (s * s)
    return (4 * d(h / 2) - d(h)) / 3
  }

  const cases: ReadonlyArray<readonly [Params, number, number, OptionType]> = [
    [{ sigma: 0.12, nu: 0.2, theta: -0.14 }, 0.1, 0.9, "call"],
    [{ sigma: 0.12, nu: 0.2, theta: -0.14 }, 1, 1.1, "put"],
    [{ sigma: 0.6, nu: 0.05, theta: -0.1 }, 7 / 365, 1.05, "call"],
    [{ sigma: 0.8, nu: 0.5, theta: -0.3 }, 30 / 365, 0.8, "put"],
    [{ sigma: 0.9, nu: 1, theta: 0.2 }, 0.25, 1.25, "call"],
    [{ sigma: 0.7, nu: 0.2, theta: 0.15 }, 5, 1, "put"],
    [{ sigma: 0.75, nu: 0.1, theta: -0.5 }, 1, 0.7, "call"],
    [{ sigma: 0.2, nu: 0.01, theta: 0.02 }, 2, 1.02, "call"]
  ]

  it.each(cases)("match differences of the price: %o T=%s K/F=%s %s", (p, T, m, type) => {
    const F = 100, K = F * m, r = 0.04
    const g = VarianceGamma.greeks(option(type, F, K, T, r), p)
    const at = (f: number, t: number, rr: number, pp: Params) => VarianceGamma.price(option(type, f, K, t, rr), pp)
    // the Greeks' lattices may stop one level later than the price's: the same number to rounding
    expect(Math.abs(g.price / at(F, T, r, p) - 1)).toBeLessThan(1e-14)
    // steps on the scale of the option: a thousandth of a standard deviation of F_T (ten for gamma)
    const sd = p.sigma * Math.sqrt(T) * F
    expect(Math.abs(g.delta - diff((f) => at(f, T, r, p), F, 1e-3 * sd))).toBeLessThan(1e-10)
    expect(Math.abs(g.gamma - diff2((f) => at(f, T, r, p), F, 1e-2 * sd))).toBeLessThan(1e-8 * g.gamma)
    expect(Math.abs(g.vega! - diff((s) => at(F, T, r, { ...p, sigma: s }), p.sigma, 1e-3 * p.sigma))).toBeLessThan(1e-9 * F)
    expect(Math.abs(g.theta + diff((t) => at(F, t, r, p), T, 1e-3 * T))).toBeLessThan(1e-8 * Math.abs(g.theta))
    expect(Math.abs(g.rho - diff((rr) => at(F, T, rr, p), r, 1e-3))).toBeLessThan(1e-9 * F)
    expect(Math.abs(g.rho + T * g.price)).toBeLessThan(1e-14 * F)
  })

  it("at the strike F·e^{ωT} exactly (θ = −σ²/2 makes ω = 0, K = F): finite below the singular case", () => {
    const p = { sigma: 0.5, nu: 0.2, theta: -0.125 }
    // a = T/ν = 5: smooth; the ±e^m/2 limit of the delta integrand is added exactly
    const T = 1, F = 100
    const g = VarianceGamma.greeks(option("call", F, F, T), p)
    const at = (f: number) => VarianceGamma.price(option("call", f, F, T), p)
    expect(Math.abs(g.delta - diff(at, F, 1e-3 * F))).toBeLessThan(1e-7)
    expect(Math.abs(g.gamma - diff2(at, F, 2e-2 * F))).toBeLessThan(1e-6 * g.gamma)
    expect(Math.abs(g.theta + diff((t) => VarianceGamma.price(option("call", F, F, t), p), T, 1e-3))).toBeLessThan(1e-6)
    // and with a = 200, where theta is differentiated in ln(G/T)
    const q = { sigma: 0.5, nu: 0.005, theta: -0.125 }
    const h = VarianceGamma.greeks(option("put", F, F, T), q)
    const put = (f: number, t: number) => VarianceGamma.price(option("put", f, F, t), q)
    expect(Math.abs(h.delta - diff((f) => put(f, T), F, 1e-3 * F))).toBeLessThan(1e-9)
    expect(Math.abs(h.theta + diff((t) => put(F, t), T, 1e-3))).toBeLessThan(1e-8 * Math.abs(h.theta))
    expect(Math.abs(h.vega! - diff((s) => VarianceGamma.price(option("put", F, F, T), { ...q, sigma: s }), 0.5, 1e-4))).toBeLessThan(1e-7)
  })

  it("gamma is +∞ where the density of F_T is unbounded (K = F·e^{ωT}, T/ν ≤ ½); price and delta stay finite", () => {
    const p = { sigma: 0.5, nu: 0.5, theta: -0.125 }
    const g = VarianceGamma.greeks(option("put", 100, 100, 0.1), p)
    expect(g.gamma).toBe(Infinity)
    expect(Number.isFinite(g.price) && Number.isFinite(g.delta) && Number.isFinite(g.theta)).toBe(true)
    expect(g.delta).toBeLessThan(0)
    expect(g.delta).toBeGreaterThan(-1)
    // one tick away the strike is ordinary: finite, very large gamma
    const near = VarianceGamma.greeks(option("put", 100, 100 * (1 + 1e-9), 0.1), p)
    expect(near.gamma).toBeGreaterThan(1)
    expect(Number.isFinite(near.gamma)).toBe(true)
  })

  it("throws NoConvergence where the gamma integrand decays too slowly (that strike, T/ν just above ½)", () => {
    const p = { sigma: 0.5, nu: 0.5, theta: -0.125 }
    const o = option("call", 100, 100, 0.5 * 0.5 * (1 + 1e-6))
    expect(() => VarianceGamma.greeks(o, p)).toThrow(NoConvergence)
    // the price itself is fine there
    expect(VarianceGamma.price(o, p)).toBeGreaterThan(0)
  })
})

describe("batches", () => {
  const n = 48
  const batch = {
    length: n,
    isCall: new Uint8Array(n),
    forward: new Float64Array(n),
    strike: new Float64Array(n),
    expiry: new Float64Array(n),
    rate: new Float64Array(n)
  }
  const sigma = new Float64Array(n), nu = new Float64Array(n), theta = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    batch.isCall[i] = i % 2
    batch.forward[i] = 100 + i
    batch.strike[i] = 60 + 3 * i
    batch.expiry[i] = [1 / 365, 0.1, 1, 4][i % 4]!
    batch.rate[i] = 0.01 * (i % 3)
    sigma[i] = 0.2 + 0.015 * i
    nu[i] = 0.05 + 0.02 * i
    theta[i] = -0.3 + 0.01 * i
  }
  const scalar = (i: number) =>
    option(batch.isCall[i] === 1 ? "call" : "put", batch.forward[i]!, batch.strike[i]!, batch.expiry[i]!, batch.rate[i]!)

  it("priceBatch equals price, with shared or per-row parameters", () => {
    const out = new Float64Array(n), status = new Uint8Array(n).fill(255)
    VarianceGamma.priceBatch(batch, { sigma, nu, theta }, out, status)
    for (let i = 0; i < n; i++) {
      expect(status[i]).toBe(BatchStatus.OK)
      expect(out[i]).toBe(VarianceGamma.price(scalar(i), { sigma: sigma[i]!, nu: nu[i]!, theta: theta[i]! }))
    }
    const shared = { sigma: 0.6, nu: 0.3, theta: -0.2 }
    VarianceGamma.priceBatch(batch, shared, out, status)
    for (let i = 0; i < n; i++) expect(out[i]).toBe(VarianceGamma.price(scalar(i), shared))
  })

  it("greeksBatch equals greeks", () => {
    const cols = {
      price: new Float64Array(n),
      delta: new Float64Array(n),
      gamma: new Float64Array(n),
      vega: new Float64Array(n),
      theta: new Float64Array(n),
      rho: new Float64Array(n)
    }
    const status = new Uint8Array(n)
    VarianceGamma.greeksBatch(batch, { sigma, nu: 0.2, theta }, cols, status)
    for (let i = 0; i < n; i++) {
      const g = VarianceGamma.greeks(scalar(i), { sigma: sigma[i]!, nu: 0.2, theta: theta[i]! })
      expect(status[i]).toBe(BatchStatus.OK)
      expect([cols.price[i], cols.delta[i], cols.gamma[i], cols.vega[i], cols.theta[i], cols.rho[i]]).toEqual([
        g.price,
        g.delta,
        g.gamma,
        g.vega,
        g.theta,
        g.rho
      ])
    }
  })

  it("writes a status code and NaN for each bad row and goes on", () => {
    const m = 10
    const b = {
      length: m,
      isCall: new Uint8Array([1, 2, 1, 1, 0, 1, 1, 1, 1, 0]),
      forward: new Float64Array([100, 100, -1, 100, 100, 100, 100, 100, 100, 100]),
      strike: new Float64Array([100, 100, 100, NaN, 100, 100, 100, 100, 100, 100]),
      expiry: new Float64Array([1, 1, 1, 1, 0, 1, 1, 1, 1, 0.5]),
      rate: new Float64Array([0, 0, 0, 0, 0, 800, 0, 0, 0, 0])
    }
    const s = new Float64Array([0.3, 0.3, 0.3, 0.3, 0.3, 0.3, -0.3, 0.3, 0.3, 0.3])
    const v = new Float64Array([0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0, 2, 0.2])
    const t = new Float64Array([0, 0, 0, 0, 0, 0, 0, 0, 0.6, 0])
    const out = new Float64Array(m), status = new Uint8Array(m)
    VarianceGamma.priceBatch(b, { sigma: s, nu: v, theta: t }, out, status)
    expect([...status]).toEqual([
      BatchStatus.OK,
      BatchStatus.INVALID_TYPE,
      BatchStatus.INVALID_FORWARD,
      BatchStatus.INVALID_STRIKE,
      BatchStatus.INVALID_EXPIRY,
      BatchStatus.INVALID_RATE,
      BatchStatus.INVALID_VOL,
      BatchStatus.INVALID_PARAMS,
      BatchStatus.INVALID_PARAMS, // 1 − θν − σ²ν/2 = 1 − 1.2 − 0.09 < 0
      BatchStatus.OK
    ])
    expect(out.map((x, i) => (status[i] === 0 ? 0 : Number.isNaN(x) ? 1 : 2))).toEqual(
      new Float64Array([0, 1, 1, 1, 1, 1, 1, 1, 1, 0])
    )
    expect(out[0]).toBe(VarianceGamma.price(option("call", 100, 100, 1), { sigma: 0.3, nu: 0.2, theta: 0 }))
  })

  it("reports NO_CONVERGENCE for a row whose Greeks cannot converge", () => {
    const b = {
      length: 2,
      isCall: new Uint8Array([1, 1]),
      forward: new Float64Array([100, 100]),
      strike: new Float64Array([100, 110]),
      expiry: new Float64Array([0.25 * (1 + 1e-6), 0.25 * (1 + 1e-6)]),
      rate: new Float64Array(2)
    }
    const cols = {
      price: new Float64Array(2),
      delta: new Float64Array(2),
      gamma: new Float64Array(2),
      theta: new Float64Array(2),
      rho: new Float64Array(2)
    }
    const status = new Uint8Array(2)
    VarianceGamma.greeksBatch(b, { sigma: 0.5, nu: 0.5, theta: -0.125 }, cols, status)
    expect([...status]).toEqual([BatchStatus.NO_CONVERGENCE, BatchStatus.OK])
    expect(Number.isNaN(cols.delta[0])).toBe(true)
    expect(Number.isFinite(cols.gamma[1])).toBe(true)
  })

  it("throws InvalidInput for columns shorter than the batch", () => {
    const out = new Float64Array(n), status = new Uint8Array(n)
    expect(() => VarianceGamma.priceBatch(batch, { sigma: new Float64Array(3), nu: 0.2, theta: 0 }, out, status)).toThrow(InvalidInput)
    expect(() => VarianceGamma.priceBatch(batch, { sigma: 0.2, nu: 0.2, theta: 0 }, new Float64Array(2), status)).toThrow(InvalidInput)
  })
})

describe("typed errors", () => {
  const p = { sigma: 0.3, nu: 0.2, theta: -0.1 }
  const fieldOf = (f: () => unknown): unknown => {
    try {
      f()
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInput)
      return (e as InvalidInput).field
    }
    return undefined
  }

  it("names the option input at fault", () => {
    expect(fieldOf(() => VarianceGamma.price({ ...option("call", 100, 100, 1), type: "straddle" as OptionType }, p))).toBe("type")
    for (const F of [0, -1, NaN, Infinity]) expect(fieldOf(() => VarianceGamma.price(option("call", F, 100, 1), p))).toBe("forward")
    for (const K of [0, -5, NaN]) expect(fieldOf(() => VarianceGamma.price(option("put", 100, K, 1), p))).toBe("strike")
    for (const T of [0, -1, NaN, Infinity]) expect(fieldOf(() => VarianceGamma.greeks(option("put", 100, 100, T), p))).toBe("expiry")
    expect(fieldOf(() => VarianceGamma.price(option("call", 100, 100, 10, 71), p))).toBe("rate")
  })

  it("names the model parameter at fault, and all three for the martingale condition", () => {
    expect(fieldOf(() => VarianceGamma.price(option("call", 100, 100, 1), { ...p, sigma: 0 }))).toBe("sigma")
    expect(fieldOf(() => VarianceGamma.price(option("call", 100, 100, 1), { ...p, nu: -0.1 }))).toBe("nu")
    expect(fieldOf(() => VarianceGamma.price(option("call", 100, 100, 1), { ...p, theta: NaN }))).toBe("theta")
    expect(fieldOf(() => VarianceGamma.price(option("call", 100, 100, 1), { sigma: 0.5, nu: 2, theta: 0.4 }))).toBe("sigma, nu, theta")
  })

  it("the Schema decodes good parameters and rejects bad ones", () => {
    const decode = Schema.decodeUnknownSync(VarianceGamma.Params)
    expect(decode({ sigma: 0.6, nu: 0.2, theta: -0.1 })).toEqual({ sigma: 0.6, nu: 0.2, theta: -0.1 })
    expect(() => decode({ sigma: 0, nu: 0.2, theta: 0 })).toThrow()
    expect(() => decode({ sigma: 0.6, nu: 0, theta: 0 })).toThrow()
    expect(() => decode({ sigma: 0.6, nu: 0.2 })).toThrow()
    expect(() => decode({ sigma: 0.6, nu: 0.2, theta: "x" })).toThrow()
    expect(() => decode({ sigma: 0.5, nu: 2, theta: 0.4 })).toThrow(/martingale/)
  })
})
