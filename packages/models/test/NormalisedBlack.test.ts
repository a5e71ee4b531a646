import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { impliedBlackVolatility } from "../src/internal/letsBeRational.js"
import { black, normalisedBlack, normalisedVega } from "../src/internal/normalisedBlack.js"
import { ABOVE_MAXIMUM, BELOW_INTRINSIC } from "../src/internal/sentinels.js"

/** Reference values from test/fixtures/mpmath/normal_reference.py (mpmath, 80 digits, exact double inputs). */
const ref = JSON.parse(readFileSync(new URL("./fixtures/mpmath/normal.json", import.meta.url), "utf8")) as {
  normalisedBlack: [number, number, number, string][]
  normalisedVega: [number, number, string][]
  impliedVolatility: [number, number, number, number, number, string, string][]
}
const EPS = 2 ** -52
const TAU = 2 * Math.pow(2, -52 / 16)

/** Which of Jäckel's regions evaluates b(x, s, θ) (for the out-of-the-money part). */
function region(x: number, s: number, theta: number): string {
  const xc = theta < 0 ? -x : x
  const xo = -Math.abs(xc)
  const h = xo / s
  const t = s / 2
  const side = xc > 0 ? "itm" : "otm"
  if (xo === 0) return `${side}:atm`
  if (h < -10 && t < -h - 10 + TAU) return `${side}:asymptotic`
  if (t < TAU) return `${side}:smallT${h < -4 * Math.SQRT2 ? "(h<-5.66)" : h < -1 ? "(-5.66≤h<-1)" : "(h≥-1)"}`
  return `${side}:cody${h < -1 ? "(h<-1)" : "(h≥-1)"}`
}

describe("normalisedBlack against mpmath", () => {
  // Tolerances per region in units of ε. In-the-money values are intrinsic + out-of-the-money value and
  // are dominated by the accurately computed intrinsic part. The regions with h = x/s in [−10, −1] and
  // small-to-moderate t rest on differences Y(h+t) − Y(h−t) (or on a = 1 + h·Y(h)) that cancel by up to
  // a factor ~30, which the looser bounds there reflect.
  const tolerances: Record<string, number> = {
    "otm:atm": 2,
    "otm:asymptotic": 4,
    "otm:smallT(h<-5.66)": 4,
    "otm:smallT(-5.66≤h<-1)": 48,
    "otm:smallT(h≥-1)": 6,
    "otm:cody(h<-1)": 32,
    "otm:cody(h≥-1)": 8,
  }
  const worst = new Map<string, { err: number; msg: string }>()
  for (const [x, s, theta, w] of ref.normalisedBlack) {
    const want = Number(w)
    const got = normalisedBlack(x, s, theta)
    const err = got === want ? 0 : Math.abs(got - want) / want / EPS
    const r = region(x, s, theta)
    const key = r.startsWith("itm") ? "itm" : r
    const prev = worst.get(key)
    if (!prev || !(err <= prev.err)) {
      worst.set(key, { err, msg: `x=${x} s=${s} θ=${theta}: got ${got}, want ${w}, Δ = ${err.toFixed(2)} ε` })
    }
  }
  for (const [key, tol] of Object.entries({ ...tolerances, itm: 4 })) {
    it(`${key}: ${tol} ε`, () => {
      const w = worst.get(key)
      expect(w, `no reference points in region ${key}`).toBeDefined()
      expect(w!.err, `tol ${tol} ε; worst ${w!.msg}`).toBeLessThanOrEqual(tol)
    })
  }
  it("covers the far wings: values down to 1e−300 are present and positive", () => {
    const tiny = ref.normalisedBlack.filter((r) => Number(r[3]) < 1e-250)
    expect(tiny.length).toBeGreaterThan(10)
    for (const [x, s, theta] of tiny) expect(normalisedBlack(x, s, theta)).toBeGreaterThan(0)
  })
})

describe("normalisedVega against mpmath", () => {
  it("2 ε everywhere (exponent built from the exact x/s)", () => {
    let err = 0
    let msg = ""
    for (const [x, s, w] of ref.normalisedVega) {
      const got = normalisedVega(x, s)
      const e = Math.abs(got - Number(w)) / Number(w) / EPS
      if (!(e <= err)) {
        err = e
        msg = `x=${x} s=${s}: got ${got}, want ${w}`
      }
    }
    expect(err, msg).toBeLessThanOrEqual(2)
  })
})

describe("normalisedBlack properties", () => {
  it("put-call parity b(x,s,+1) − b(x,s,−1) = 2·sinh(x/2) where the difference is well conditioned", () => {
    for (const x of [-3, -1, -0.2, 0.2, 1, 3]) {
      for (const s of [0.05, 0.3, 1, 3]) {
        const lhs = normalisedBlack(x, s, 1) - normalisedBlack(x, s, -1)
        const rhs = 2 * Math.sinh(x / 2)
        const scale = normalisedBlack(x, s, 1) + normalisedBlack(x, s, -1)
        expect(Math.abs(lhs - rhs), `x=${x} s=${s}`).toBeLessThanOrEqual(4 * EPS * scale)
      }
    }
  })
  it("increasing in s with ∂b/∂s matching a central difference", () => {
    for (const x of [-5, -1, 0, 0.5]) {
      let prev = 0
      for (let s = 0.01; s < 20; s *= 1.3) {
        // Out-of-the-money side, so no intrinsic part hides the increments.
        const b = normalisedBlack(x, s, x > 0 ? -1 : 1)
        // Strictly increasing unless underflowed to 0 or saturated at b_max = e^{−|x|/2}.
        const saturated = b === 0 || b >= Math.exp(-Math.abs(x) / 2) * (1 - 4 * EPS)
        expect(saturated ? b >= prev : b > prev, `x=${x} s=${s}: b=${b} prev=${prev}`).toBe(true)
        prev = b
        const d = 1e-6 * s
        const fd = (normalisedBlack(x, s + d, x > 0 ? -1 : 1) - normalisedBlack(x, s - d, x > 0 ? -1 : 1)) / (2 * d)
        const v = normalisedVega(x, s)
        if (v > 1e-8) expect(Math.abs(fd - v) / v, `x=${x} s=${s}`).toBeLessThan(1e-6)
      }
    }
  })
  it("limits: s = 0 gives the intrinsic value, b < e^{θx/2}", () => {
    expect(normalisedBlack(-1, 0, 1)).toBe(0)
    expect(normalisedBlack(1, 0, 1)).toBe(2 * Math.sinh(0.5))
    expect(normalisedBlack(0, 0, -1)).toBe(0)
    expect(normalisedBlack(-2, 50, 1)).toBeLessThanOrEqual(Math.exp(-1))
  })
  it("black() is √F·√K·b and in-the-money prices are intrinsic + time value", () => {
    const F = 100
    const K = 90
    const call = black(F, K, 0.25, 0.5, 1)
    const put = black(F, K, 0.25, 0.5, -1)
    expect(Math.abs(call - put - (F - K))).toBeLessThanOrEqual(4 * EPS * call)
    const b = normalisedBlack(Math.log(F / K), 0.25 * Math.sqrt(0.5), -1)
    expect(Math.abs(put - Math.sqrt(F * K) * b)).toBeLessThanOrEqual(8 * EPS * put)
  })
})

describe("impliedBlackVolatility", () => {
  it("round trips against the exact implied volatility of the double price: 4·ε·cond", () => {
    // cond = |β/(s·∂b/∂s)| + |x·∂b/∂x/(s·∂b/∂s)| + 1 is the relative condition number of σ with
    // respect to one-ulp perturbations of the price and of ln(F/K); 4·ε·cond is the attainable bound.
    let worst = 0
    let msg = ""
    let n = 0
    for (const [price, F, K, T, theta, sig, cond] of ref.impliedVolatility) {
      const c = Number(cond)
      if (c > 1e10) continue // the time value is lost in the intrinsic value's last bits
      n++
      const want = Number(sig)
      const got = impliedBlackVolatility(price, F, K, T, theta)
      const e = Math.abs(got - want) / want / EPS / c
      if (!(e <= worst)) {
        worst = e
        msg = `price=${price} F=${F} K=${K} T=${T} θ=${theta}: got ${got}, want ${sig}, cond ${cond}`
      }
    }
    expect(n).toBeGreaterThan(500)
    expect(worst, `tol 4 ε·cond; worst ${msg}`).toBeLessThanOrEqual(4)
  })
  it("absolute accuracy |σ̂ − σ| ≤ 1e−13·σ wherever cond ≤ 100", () => {
    for (const [price, F, K, T, theta, sig, cond] of ref.impliedVolatility) {
      if (Number(cond) > 100) continue
      const got = impliedBlackVolatility(price, F, K, T, theta)
      expect(Math.abs(got - Number(sig)), `price=${price} F=${F} K=${K} T=${T} θ=${theta}`).toBeLessThanOrEqual(
        1e-13 * Number(sig),
      )
    }
  })
  it("tiny prices (down to 1e−300) and F = K exactly", () => {
    const tiny = ref.impliedVolatility.filter((r) => r[0] < 1e-250)
    expect(tiny.length).toBeGreaterThan(3)
    for (const [price, F, K, T, theta, sig] of tiny) {
      const got = impliedBlackVolatility(price, F, K, T, theta)
      expect(Math.abs(got - Number(sig)) / Number(sig), `price=${price} K=${K}`).toBeLessThanOrEqual(1e-13)
    }
    const atm = ref.impliedVolatility.filter((r) => r[1] === r[2])
    expect(atm.length).toBeGreaterThan(20)
  })
  it("sentinels outside the attainable price range", () => {
    expect(impliedBlackVolatility(10, 100, 90, 1, 1)).toBe(BELOW_INTRINSIC) // = intrinsic
    expect(impliedBlackVolatility(9, 100, 90, 1, 1)).toBe(BELOW_INTRINSIC)
    expect(impliedBlackVolatility(0, 100, 110, 1, 1)).toBe(BELOW_INTRINSIC)
    expect(impliedBlackVolatility(100, 100, 90, 1, 1)).toBe(ABOVE_MAXIMUM) // = F
    expect(impliedBlackVolatility(90, 100, 90, 1, -1)).toBe(ABOVE_MAXIMUM) // = K
    expect(impliedBlackVolatility(120, 100, 110, 1, 1)).toBe(ABOVE_MAXIMUM)
  })
  it("round trips over 0.1 %–1000 % vol and one minute to ten years", () => {
    const minute = 1 / 525600
    for (const sigma of [0.001, 0.05, 0.2, 1, 4, 10]) {
      for (const T of [minute, 1 / 52, 1, 10]) {
        for (const k of [0.8, 1, 1.25]) {
          for (const theta of [1, -1]) {
            const price = black(100, 100 * k, sigma, T, theta)
            const intrinsic = Math.max(theta * (100 - 100 * k), 0)
            if (!(price > intrinsic * (1 + 1e-12)) || price < 1e-300 || price >= (theta > 0 ? 100 : 100 * k)) continue
            const got = impliedBlackVolatility(price, 100, 100 * k, T, theta)
            const vega = Math.sqrt(100 * 100 * k) * normalisedVega(Math.log(1 / k), sigma * Math.sqrt(T)) * Math.sqrt(T)
            const tol = 1e-13 * sigma + (4 * EPS * price) / vega
            expect(Math.abs(got - sigma), `σ=${sigma} T=${T} K=${100 * k} θ=${theta}`).toBeLessThanOrEqual(tol)
          }
        }
      }
    }
  })
})
