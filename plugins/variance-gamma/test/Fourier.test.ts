/**
 * The Fourier inversion that prices the model (src/internal/fourier.ts), against references that share no code with
 * it:
 *  - the time-change integral (src/internal/timeChange.ts): prices and Greeks on random inputs (fast-check, fixed
 *    seeds);
 *  - the 30-digit rows of fixtures/vg_reference.json that it prices, and fixtures/band_reference.json (deep
 *    out-of-the-money options struck between F and F·e^{ωT}, where the other option of the pair is ~|F − K|);
 *  - gamma from the closed-form VG density (Bessel K; fixtures/gamma_reference.py);
 * and which method values which inputs.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { VarianceGamma } from "../src/index.js"
import { fourier, fourierArgs, fourierOut } from "../src/internal/fourier.js"
import { integralsOut, integrate, integrateArgs } from "../src/internal/timeChange.js"
import { loadJson } from "./fixtures/load.js"

type OptionType = "call" | "put"
type Params = VarianceGamma.Params

const NUM_RUNS = Number(process.env["HEDGEKIT_PROPERTY_RUNS"] ?? 200)

/** Undiscounted values of one option by one kernel: premium, ∂/∂F, ∂²/∂F², ∂/∂σ, ∂/∂T. */
interface Values {
  readonly U: number
  readonly dF: number
  readonly dFF: number
  readonly dSigma: number
  readonly dT: number
}

const args = (F: number, K: number, T: number, p: Params) => [F, K, T, p.sigma, p.nu, p.theta]

/** The option of type q (+1 call, −1 put) from the kernel's side: put–call parity, call − put = F − K. */
const byFourier = (q: number, F: number, K: number, T: number, p: Params, greeks: boolean): Values => {
  fourierArgs.set(args(F, K, T, p))
  if (!fourier(greeks)) throw new Error("the Fourier lattices did not converge")
  const other = fourierOut[5] === q ? 0 : q
  return {
    U: fourierOut[0]! + other * (F - K),
    dF: fourierOut[1]! + other,
    dFF: fourierOut[2]!,
    dSigma: fourierOut[3]!,
    dT: fourierOut[4]!
  }
}

const byTimeChange = (q: number, F: number, K: number, T: number, p: Params, greeks: boolean): Values => {
  integrateArgs.set(args(F, K, T, p))
  if (!integrate(greeks)) throw new Error("the time-change lattices did not converge")
  const other = integralsOut[5] === q ? 0 : q
  return {
    U: K * integralsOut[0]! + other * (F - K),
    dF: (K / F) * integralsOut[1]! + other,
    dFF: ((K / F) * integralsOut[2]!) / F,
    dSigma: K * integralsOut[3]!,
    dT: K * integralsOut[4]!
  }
}

/** κ = ln(K/F) − ωT: where it is 0 the density of F_T is singular at the strike. */
const kappaOf = (F: number, K: number, T: number, p: Params) =>
  Math.log(K / F) - (T / p.nu) * Math.log1p(-(p.theta + 0.5 * p.sigma * p.sigma) * p.nu)

// Random rows where both methods are accurate to ~1e-14: moderate skew and kurtosis (the time change gets the option
// in the money w.r.t. F·e^{ωT} by parity, which costs it digits when that point is far from F), expiries 1 day – 2
// years, strikes within 3 standard deviations.
const rows = fc
  .record({
    sigma: fc.double({ min: 0.1, max: 1.2, noNaN: true }),
    nu: fc.double({ min: 0.01, max: 1, noNaN: true }),
    theta: fc.double({ min: -0.5, max: 0.3, noNaN: true }),
    logT: fc.double({ min: Math.log(1 / 365), max: Math.log(2), noNaN: true }),
    z: fc.double({ min: -3, max: 3, noNaN: true }),
    call: fc.boolean()
  })
  .filter((r) => 1 - r.theta * r.nu - 0.5 * r.sigma * r.sigma * r.nu > 0.05)
  .map((r) => {
    const T = Math.exp(r.logT), F = 100
    const sd = Math.sqrt(T * (r.sigma * r.sigma + r.theta * r.theta * r.nu))
    return { q: r.call ? 1 : -1, F, K: F * Math.exp(r.z * sd), T, p: { sigma: r.sigma, nu: r.nu, theta: r.theta } }
  })

describe("Fourier inversion against the time-change integral (fast-check)", () => {
  it("prices agree to 1e-12 relative", () => {
    fc.assert(
      fc.property(rows, ({ F, K, T, p, q }) => {
        const f = byFourier(q, F, K, T, p, false).U, t = byTimeChange(q, F, K, T, p, false).U
        // the time change's parity step adds a few 1e-15 of |F − K| to its error (measured: ≤ 0.4 of this bound over
        // 800 000 rows)
        expect(Math.abs(f - t)).toBeLessThanOrEqual(1e-12 * t + 1e-14 * Math.abs(F - K))
      }),
      { seed: 301, numRuns: NUM_RUNS }
    )
  })

  it("Greeks agree (delta to 1e-11, gamma to 1e-9 relative, vega and theta to 1e-11 and 1e-10 of their scales)", () => {
    fc.assert(
      fc.property(rows, ({ F, K, T, p, q }) => {
        const f = byFourier(q, F, K, T, p, true), t = byTimeChange(q, F, K, T, p, true)
        expect(Math.abs(f.U - t.U)).toBeLessThanOrEqual(1e-12 * t.U + 1e-14 * Math.abs(F - K))
        expect(Math.abs(f.dF - t.dF)).toBeLessThan(1e-11)
        expect(Math.abs(f.dFF - t.dFF)).toBeLessThan(1e-9 * t.dFF)
        expect(Math.abs(f.dSigma - t.dSigma)).toBeLessThan(1e-11 * F * Math.sqrt(T))
        expect(Math.abs(f.dT - t.dT)).toBeLessThan(1e-10 * Math.max(Math.abs(t.dT), t.U / T))
      }),
      { seed: 302, numRuns: NUM_RUNS }
    )
  })
})

describe("which method values what", () => {
  const discounted = (q: number, F: number, K: number, T: number, r: number, v: Values) =>
    Math.exp(-r * T) * Math.min(Math.max(v.U, Math.max(q * (F - K), 0)), q > 0 ? F : K)

  it("a 30-day option with ν = 0.2 (T/ν = 0.41) is priced, with its Greeks, by Fourier inversion", () => {
    const p = { sigma: 0.6, nu: 0.2, theta: -0.15 }, F = 60000, T = 30 / 365, r = 0.02
    for (const [type, K] of [["call", 65000], ["put", 55000], ["call", 58000], ["put", 61000]] as const) {
      const q = type === "call" ? 1 : -1
      const option = { type, forward: F, strike: K, expiry: T, rate: r }
      expect(VarianceGamma.price(option, p)).toBe(discounted(q, F, K, T, r, byFourier(q, F, K, T, p, false)))
      const g = VarianceGamma.greeks(option, p), v = byFourier(q, F, K, T, p, true)
      expect(g.delta).toBe(Math.exp(-r * T) * v.dF)
      expect(g.gamma).toBe(Math.exp(-r * T) * v.dFF)
      expect(g.vega).toBe(Math.exp(-r * T) * v.dSigma)
    }
  })

  it("below T/ν = FOURIER_MIN_EXPIRY_OVER_NU the time change prices; from it on, Fourier", () => {
    const p = { sigma: 0.5, nu: 2, theta: -0.2 }, F = 100, K = 103, r = 0
    const min = VarianceGamma.FOURIER_MIN_EXPIRY_OVER_NU
    expect(min).toBe(1e-3)
    const below = 0.9 * min * p.nu, from = min * p.nu
    const option = (T: number) => ({ type: "call" as const, forward: F, strike: K, expiry: T, rate: r })
    expect(VarianceGamma.price(option(below), p)).toBe(discounted(1, F, K, below, r, byTimeChange(1, F, K, below, p, false)))
    expect(VarianceGamma.price(option(from), p)).toBe(discounted(1, F, K, from, r, byFourier(1, F, K, from, p, false)))
  })

  it("at the strike F·e^{ωT} the price is Fourier's and the Greeks the time change's (its exact limit there)", () => {
    // θ = −σ²/2 makes ω = 0: K = F is that strike
    const p = { sigma: 0.5, nu: 0.2, theta: -0.125 }, F = 100, T = 1, r = 0
    expect(kappaOf(F, F, T, p)).toBe(0)
    const option = { type: "put" as const, forward: F, strike: F, expiry: T, rate: r }
    expect(VarianceGamma.price(option, p)).toBe(discounted(-1, F, F, T, r, byFourier(-1, F, F, T, p, false)))
    expect(VarianceGamma.greeks(option, p).delta).toBe(byTimeChange(-1, F, F, T, p, true).dF)
  })
})

interface Row {
  readonly type: OptionType
  readonly F: string
  readonly K: string
  readonly T: string
  readonly r: string
  readonly sigma: string
  readonly nu: string
  readonly theta: string
  readonly price: string
}

const optionOf = (row: Row) => ({
  type: row.type,
  forward: Number(row.F),
  strike: Number(row.K),
  expiry: Number(row.T),
  rate: Number(row.r)
})
const paramsOf = (row: Row) => ({ sigma: Number(row.sigma), nu: Number(row.nu), theta: Number(row.theta) })

describe("30-digit references", () => {
  it("every fixture row Fourier prices is within 5e-14 relative (no floor; premiums down to 4e-26 × F)", () => {
    const fixture = loadJson<{ readonly rows: ReadonlyArray<Row> }>(new URL("./fixtures/vg_reference.json", import.meta.url))
    let count = 0, worst = 0
    for (const row of fixture.rows) {
      if (Number(row.T) / Number(row.nu) < VarianceGamma.FOURIER_MIN_EXPIRY_OVER_NU) continue
      count++
      const ref = Number(row.price)
      worst = Math.max(worst, Math.abs(VarianceGamma.price(optionOf(row), paramsOf(row)) / ref - 1))
    }
    // the fixture's shortest T/ν is 0.0027 (1 day, ν = 1): all of it
    expect(count).toBe(fixture.rows.length)
    expect(worst).toBeLessThan(5e-14)
  })

  it("deep out-of-the-money options between F and F·e^{ωT} are integrated directly (5e-14 relative)", () => {
    const band = loadJson<{ readonly rows: ReadonlyArray<Row> }>(new URL("./fixtures/band_reference.json", import.meta.url))
    expect(band.rows.length).toBeGreaterThanOrEqual(6)
    for (const row of band.rows) {
      const ref = Number(row.price)
      // premiums of 1e-8 – 1e-3 of |F − K|: a difference with the other option would have lost that many digits
      expect(ref).toBeLessThan(1e-3 * Math.abs(Number(row.F) - Number(row.K)))
      expect(Math.abs(VarianceGamma.price(optionOf(row), paramsOf(row)) / ref - 1)).toBeLessThan(5e-14)
    }
  })

  it("gamma agrees with the closed-form density (Bessel K) to 1e-13 relative", () => {
    const fixture = loadJson<{ readonly rows: ReadonlyArray<Omit<Row, "type" | "price"> & { readonly gamma: string }> }>(
      new URL("./fixtures/gamma_reference.json", import.meta.url)
    )
    expect(fixture.rows.length).toBeGreaterThanOrEqual(100)
    for (const row of fixture.rows) {
      const ref = Number(row.gamma)
      for (const type of ["call", "put"] as const) {
        const option = { type, forward: Number(row.F), strike: Number(row.K), expiry: Number(row.T), rate: Number(row.r) }
        const g = VarianceGamma.greeks(option, { sigma: Number(row.sigma), nu: Number(row.nu), theta: Number(row.theta) })
        expect(Math.abs(g.gamma / ref - 1)).toBeLessThan(1e-13)
      }
    }
  })
})
