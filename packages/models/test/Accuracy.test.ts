/**
 * Accuracy against 50-digit references (fixtures/mpmath/generate.py).
 *
 * The tolerances are relative to the conditioning of each quantity, not fixed: a row's condition number
 * κ_G = Σ_x |x·∂G/∂x| / |G| (x over every input) is what a relative perturbation of ε in every input does
 * to G, so no double-precision implementation can promise much better than κ_G·ε. The suites demand
 *
 *   price   |P̂ − P| ≤ max(1e-14, 8·κ·ε)·|P|
 *   Greeks  |Ĝ − G| ≤ max(max(1e-13, 16·κ_G·ε)·|G|, 1e-15·scale_G)
 *   IV      |σ̂ − σ| ≤ 1e-13·σ + 8·(ulp(P) + ε·(|P| + |U·∂P/∂U| + |K·∂P/∂K|)) / vega
 *
 * with ε = 2⁻⁵³ and U the spot or forward. The absolute Greek floor covers Greeks that cross zero or underflow
 * (there κ_G is huge or undefined); scale_G is the Greek's natural size: 1 for delta, 1/S for gamma, S for
 * vega, theta, rho and dividend rho, with S the spot (BSM) or forward (Black-76). For Bachelier the forward
 * can be 0 or negative, so the price scale is L = |F| + σ√T instead (|F| bounds the intrinsic-value terms,
 * σ√T the time-value terms, and L is never 0): gamma 1/L, theta and rho L, and vega 1, because the
 * normal-model vega e^{-rT}·√T·φ(d) is at most 0.4·√T ≤ 1.3 on the fixture grid (T ≤ 10).
 *
 * The implied-vol bound is the first-order effect of the rounding in the double price (ulp(P)) and of an ε
 * relative change in price, underlying and strike, mapped to vol through 1/vega; the 1e-13·σ term is the floor
 * a root finder can reach.
 *
 * Each suite fails listing the first rows outside their tolerance (inputs, value, reference, Δ, tol, κ), and
 * prints the largest error/tolerance ratio seen per model and quantity.
 */
import { afterAll, describe, expect, it } from "vitest"
import { Bachelier, Black76, BlackScholes, Normal } from "../src/index.js"
import { type Cell, columns, EPS, fmt, loadJson, type Table, Tally, ulp } from "./fixtures/fixtures.js"

type OptionType = "call" | "put"
type Vec = ReadonlyArray<number>

const fixture = (name: string): Table => loadJson<Table>(new URL(`./fixtures/mpmath/${name}`, import.meta.url))

interface ModelSpec {
  readonly name: string
  readonly file: string
  readonly inputs: ReadonlyArray<string>
  readonly greeks: ReadonlyArray<string>
  readonly price: (type: OptionType, x: Vec) => number
  readonly allGreeks: (type: OptionType, x: Vec) => Readonly<Record<string, number>>
  /** The batch entry point on all rows at once, where it is not the scalar loop: row i's Greeks or undefined. */
  readonly batchGreeks?: (types: ReadonlyArray<OptionType>, xs: ReadonlyArray<Vec>) => (i: number) => Readonly<Record<string, number>> | undefined
  readonly scale: (greek: string, x: Vec) => number
}

const arg = (x: Vec, i: number): number => {
  const v = x[i]
  if (v === undefined) throw new Error(`missing input ${i}`)
  return v
}

/** Natural scales of lognormal-model Greeks, S = spot or forward (the first input). */
const lognormalScale = (greek: string, x: Vec): number => {
  const s = arg(x, 0)
  return greek === "delta" ? 1 : greek === "gamma" ? 1 / s : s
}

/** Bachelier scales: L = |F| + σ√T for price-valued Greeks; see the header comment. */
const normalScale = (greek: string, x: Vec): number => {
  const L = Math.abs(arg(x, 0)) + arg(x, 4) * Math.sqrt(arg(x, 2))
  return greek === "delta" || greek === "vega" ? 1 : greek === "gamma" ? 1 / L : L
}

const MODELS: ReadonlyArray<ModelSpec> = [
  {
    name: "BlackScholes",
    file: "accuracy-bsm.json",
    inputs: ["spot", "strike", "expiry", "rate", "dividend", "vol"],
    greeks: ["price", "delta", "gamma", "vega", "theta", "rho", "dividendRho"],
    price: (t, x) => BlackScholes.price(t, arg(x, 0), arg(x, 1), arg(x, 2), arg(x, 3), arg(x, 4), arg(x, 5)),
    allGreeks: (t, x) => ({ ...BlackScholes.greeks(t, arg(x, 0), arg(x, 1), arg(x, 2), arg(x, 3), arg(x, 4), arg(x, 5)) }),
    scale: lognormalScale
  },
  {
    name: "Black76",
    file: "accuracy-black76.json",
    inputs: ["forward", "strike", "expiry", "rate", "vol"],
    greeks: ["price", "delta", "gamma", "vega", "theta", "rho"],
    price: (t, x) => Black76.price(t, arg(x, 0), arg(x, 1), arg(x, 2), arg(x, 3), arg(x, 4)),
    allGreeks: (t, x) => ({ ...Black76.greeks(t, arg(x, 0), arg(x, 1), arg(x, 2), arg(x, 3), arg(x, 4)) }),
    // greeksBatch runs the WebAssembly kernel (and the scalar greeks one row of it).
    batchGreeks: (types, xs) => {
      const n = xs.length
      const col = (j: number) => Float64Array.from(xs, (x) => arg(x, j))
      const isCall = Uint8Array.from(types, (t) => (t === "call" ? 1 : 0))
      const out = { price: new Float64Array(n), delta: new Float64Array(n), gamma: new Float64Array(n),
        vega: new Float64Array(n), theta: new Float64Array(n), rho: new Float64Array(n) }
      const status = new Uint8Array(n)
      Black76.greeksBatch({ length: n, isCall, forward: col(0), strike: col(1), expiry: col(2), rate: col(3), vol: col(4) }, out, status)
      return (i) => status[i] !== 0 ? undefined : {
        price: out.price[i]!, delta: out.delta[i]!, gamma: out.gamma[i]!, vega: out.vega[i]!, theta: out.theta[i]!, rho: out.rho[i]!
      }
    },
    scale: lognormalScale
  },
  {
    name: "Bachelier",
    file: "accuracy-bachelier.json",
    inputs: ["forward", "strike", "expiry", "rate", "vol"],
    greeks: ["price", "delta", "gamma", "vega", "theta", "rho"],
    price: (t, x) => Bachelier.price(t, arg(x, 0), arg(x, 1), arg(x, 2), arg(x, 3), arg(x, 4)),
    allGreeks: (t, x) => ({ ...Bachelier.greeks(t, arg(x, 0), arg(x, 1), arg(x, 2), arg(x, 3), arg(x, 4)) }),
    scale: normalScale
  }
]

const tally = new Tally()

afterAll(() => {
  console.log(tally.summary("max error/tolerance per model and quantity (≤ 1 passes):"))
})

const asType = (cell: Cell): OptionType => {
  if (cell !== "call" && cell !== "put") throw new Error(`bad option type ${String(cell)}`)
  return cell
}

const describeRow = (model: string, type: OptionType, names: ReadonlyArray<string>, x: Vec): string =>
  `${model}(${type}, ${names.map((n, i) => `${n}=${fmt(arg(x, i))}`).join(", ")})`

const safe = (f: () => number): number => {
  try {
    return f()
  } catch {
    return NaN
  }
}

for (const model of MODELS) {
  describe(`${model.name} price and Greeks vs 50-digit references`, () => {
    const table = fixture(model.file)
    const col = columns(table)
    const rows = table.rows.map((row) => ({
      type: asType(col.at(row, "type")),
      x: model.inputs.map((n) => col.num(row, n)),
      ref: model.greeks.map((g) => col.num(row, g)),
      kappa: model.greeks.map((g) => col.kappa(row, `kappa_${g}`))
    }))

    it(`has a substantial fixture (${rows.length} rows)`, () => {
      expect(rows.length).toBeGreaterThan(1500)
      expect(rows.some((r) => r.type === "call") && rows.some((r) => r.type === "put")).toBe(true)
    })

    it("price: |P̂ − P| ≤ max(1e-14, 8κε)·|P|", () => {
      for (const { type, x, ref, kappa } of rows) {
        const want = arg(ref, 0)
        const k = arg(kappa, 0)
        const got = safe(() => model.price(type, x))
        const err = Math.abs(got - want)
        const tol = Math.max(1e-14, 8 * k * EPS) * Math.abs(want)
        tally.record(`${model.name}.price`, err, tol, () =>
          `${describeRow(model.name, type, model.inputs, x)} got ${fmt(got)} want ${fmt(want)} Δ=${fmt(err)} tol=${fmt(tol)} κ=${k}`)
      }
      expect(tally.failures(`${model.name}.price`)).toBe("")
    })

    const checkGreeks = (label: string, greeksOf: (type: OptionType, x: Vec, i: number) => Readonly<Record<string, number>> | undefined) => {
      rows.forEach(({ type, x, ref, kappa }, i) => {
        let out: Readonly<Record<string, number>> | undefined
        try {
          out = greeksOf(type, x, i)
        } catch {
          out = undefined
        }
        model.greeks.forEach((g, j) => {
          const want = arg(ref, j)
          const k = arg(kappa, j)
          const got = out?.[g] ?? NaN
          const err = Math.abs(got - want)
          const rel = g === "price" ? Math.max(1e-14, 8 * k * EPS) : Math.max(1e-13, 16 * k * EPS)
          const floor = g === "price" ? 0 : 1e-15 * model.scale(g, x)
          const tol = Math.max(rel * Math.abs(want), floor)
          tally.record(`${label}.${g}`, err, tol, () =>
            `${describeRow(model.name, type, model.inputs, x)} got ${fmt(got)} want ${fmt(want)} Δ=${fmt(err)} tol=${fmt(tol)} κ=${k}`)
        })
      })
      expect(tally.failures(label)).toBe("")
    }

    it("Greeks: max(1e-13, 16κ_Gε) relative, or 1e-15 × natural scale absolute", () => {
      checkGreeks(`${model.name}.greeks`, model.allGreeks)
    })

    const { batchGreeks } = model
    if (batchGreeks !== undefined) {
      it("greeksBatch: the same bars", () => {
        const batch = batchGreeks(rows.map((r) => r.type), rows.map((r) => r.x))
        checkGreeks(`${model.name}.greeksBatch`, (_type, _x, i) => batch(i))
      })
    }
  })
}

describe("implied volatility vs 50-digit references", () => {
  const table = fixture("accuracy-iv.json")
  const col = columns(table)
  const solve = {
    bsm: (t: OptionType, p: number, u: number, k: number, T: number, r: number, q: number) =>
      BlackScholes.impliedVol(t, p, u, k, T, r, q),
    black76: (t: OptionType, p: number, u: number, k: number, T: number, r: number) => Black76.impliedVol(t, p, u, k, T, r),
    bachelier: (t: OptionType, p: number, u: number, k: number, T: number, r: number) =>
      Bachelier.impliedVol(t, p, u, k, T, r)
  } as const
  const label = { bsm: "BlackScholes", black76: "Black76", bachelier: "Bachelier" } as const

  for (const model of ["bsm", "black76", "bachelier"] as const) {
    const rows = table.rows.filter((r) => r[0] === model)
    it(`${label[model]}: |σ̂ − σ| ≤ 1e-13σ + 8(ulp(P) + ε(|P| + |U∂P/∂U| + |K∂P/∂K|))/vega (${rows.length} rows)`, () => {
      expect(rows.length).toBeGreaterThan(300)
      for (const row of rows) {
        const type = asType(col.at(row, "type"))
        const u = col.num(row, "underlying")
        const k = col.num(row, "strike")
        const T = col.num(row, "expiry")
        const r = col.num(row, "rate")
        const q = model === "bsm" ? col.num(row, "dividend") : 0
        const p = col.num(row, "price")
        const want = col.num(row, "impliedVol")
        const vega = col.num(row, "vega")
        const sens = Math.abs(p) + Math.abs(u * col.num(row, "dPdUnderlying")) + Math.abs(k * col.num(row, "dPdStrike"))
        const tol = 1e-13 * want + 8 * (ulp(p) + EPS * sens) / vega
        let got = NaN
        let thrown = ""
        try {
          got = solve[model](type, p, u, k, T, r, q)
        } catch (e) {
          thrown = ` threw ${String((e as { _tag?: unknown })._tag ?? e)}`
        }
        const err = Math.abs(got - want)
        tally.record(`${label[model]}.impliedVol`, err, tol, () =>
          `${label[model]}.impliedVol(${type}, price=${fmt(p)}, U=${fmt(u)}, K=${fmt(k)}, T=${fmt(T)}, r=${fmt(r)}${
            model === "bsm" ? `, q=${fmt(q)}` : ""
          }) got ${fmt(got)}${thrown} want ${fmt(want)} Δ=${fmt(err)} tol=${fmt(tol)}`)
      }
      expect(tally.failures(`${label[model]}.impliedVol`)).toBe("")
    })
  }
})

describe("Normal vs 50-digit references", () => {
  const table = fixture("accuracy-normal.json")
  const col = columns(table)
  const fns: Readonly<Record<string, (x: number) => number>> = {
    cdf: Normal.cdf,
    pdf: Normal.pdf,
    inverseCdf: Normal.inverseCdf,
    erfc: Normal.erfc,
    erfcx: Normal.erfcx
  }
  for (const name of Object.keys(fns)) {
    const rows = table.rows.filter((r) => r[0] === name)
    it(`Normal.${name}: ≤ max(1e-14, 8κε) relative (${rows.length} rows)`, () => {
      const f = fns[name]
      if (f === undefined) throw new Error(name)
      expect(rows.length).toBeGreaterThan(10)
      for (const row of rows) {
        const x = col.num(row, "x")
        const want = col.num(row, "value")
        const k = col.kappa(row, "kappa")
        const got = safe(() => f(x))
        const err = Math.abs(got - want)
        // Results in the subnormal range cannot carry relative accuracy: allow 4 units of the smallest double.
        const tol = Math.max(Math.max(1e-14, 8 * k * EPS) * Math.abs(want), 4 * Number.MIN_VALUE)
        tally.record(`Normal.${name}`, err, tol, () =>
          `Normal.${name}(${fmt(x)}) got ${fmt(got)} want ${fmt(want)} Δ=${fmt(err)} tol=${fmt(tol)} κ=${k}`)
      }
      expect(tally.failures(`Normal.${name}`)).toBe("")
    })
  }
})
