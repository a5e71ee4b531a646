import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { cdf, erf, erfc, erfcx, inverseCdf, pdf } from "../src/Normal.js"

/** Reference values from test/fixtures/mpmath/normal_reference.py (mpmath, 80 digits, exact double inputs). */
type Row = [number, string]
const ref = JSON.parse(readFileSync(new URL("./fixtures/mpmath/normal.json", import.meta.url), "utf8")) as Record<
  string,
  Row[]
>
const EPS = 2 ** -52
const DBL_MIN = 2.2250738585072014e-308

/** Relative error in units of ε (NaN/Infinity if the result is not finite where it should be). */
function ulps(got: number, want: number): number {
  if (got === want) return 0
  return Math.abs(got - want) / Math.abs(want) / EPS
}

/** Largest error over the rows selected by `inRegime`, with a message naming the worst input. */
function worst(rows: Row[], f: (x: number) => number, inRegime: (x: number) => boolean) {
  let err = 0
  let msg = "no rows"
  let n = 0
  for (const [x, w] of rows) {
    if (!inRegime(x)) continue
    const want = Number(w)
    if (want !== 0 && Math.abs(want) < DBL_MIN) continue // subnormal: absolute spacing, checked separately
    n++
    const got = f(x)
    const e = ulps(got, want)
    if (!(e <= err)) {
      err = e
      msg = `input ${x}: got ${got}, want ${w}, Δ = ${e.toFixed(2)} ε`
    }
  }
  return { err, msg, n }
}

function expectRegime(name: string, rows: Row[], f: (x: number) => number, inRegime: (x: number) => boolean, tol: number) {
  const r = worst(rows, f, inRegime)
  expect(r.n, `${name}: regime has reference points`).toBeGreaterThan(0)
  expect(r.err, `${name}: tol ${tol} ε; worst ${r.msg}`).toBeLessThanOrEqual(tol)
}

const rows = (k: string): Row[] => {
  const r = ref[k]
  if (!r) throw new Error(`fixture has no ${k}`)
  return r
}

describe("erf/erfc/erfcx against mpmath", () => {
  it("erf: 2 ε", () => expectRegime("erf", rows("erf"), erf, () => true, 2))
  it("erfc: |x| ≤ 0.46875 (1 − erf): 2 ε", () => expectRegime("erfc", rows("erfc"), erfc, (x) => Math.abs(x) <= 0.46875, 2))
  it("erfc: 0.46875 < x ≤ 4: 4 ε", () => expectRegime("erfc", rows("erfc"), erfc, (x) => x > 0.46875 && x <= 4, 4))
  it("erfc: x > 4 down to the smallest normal result: 4 ε", () => expectRegime("erfc", rows("erfc"), erfc, (x) => x > 4, 4))
  it("erfc: x < 0: 1 ε", () => expectRegime("erfc", rows("erfc"), erfc, (x) => x < 0, 1))
  it("erfcx: x < 0 (2·exp(x²) − erfcx(−x)): 3 ε", () => expectRegime("erfcx", rows("erfcx"), erfcx, (x) => x < 0, 3))
  it("erfcx: 0 ≤ x ≤ 4: 4 ε", () => expectRegime("erfcx", rows("erfcx"), erfcx, (x) => x >= 0 && x <= 4, 4))
  it("erfcx: x > 4 up to 1e300: 2 ε", () => expectRegime("erfcx", rows("erfcx"), erfcx, (x) => x > 4, 2))
})

describe("Φ and φ against mpmath", () => {
  it("Φ, x < −10 (relative, down to the smallest normal): 4 ε", () => expectRegime("cdf", rows("cdf"), cdf, (x) => x < -10, 4))
  it("Φ, −10 ≤ x < −0.663: 4 ε", () => expectRegime("cdf", rows("cdf"), cdf, (x) => x >= -10 && x < -0.6629126073623883, 4))
  it("Φ, |x| ≤ 0.663: 2 ε", () => expectRegime("cdf", rows("cdf"), cdf, (x) => Math.abs(x) <= 0.6629126073623883, 2))
  it("Φ, x > 0.663: 2 ε", () => expectRegime("cdf", rows("cdf"), cdf, (x) => x > 0.6629126073623883, 2))
  it("φ on [−38.5, 38.5]: 3 ε", () => expectRegime("pdf", rows("pdf"), pdf, () => true, 3))
  it("Φ and φ in the subnormal range are within a few subnormal spacings", () => {
    for (const [x, w] of [...rows("cdf"), ...rows("pdf")]) {
      const want = Number(w)
      if (want === 0 || want >= DBL_MIN) continue
      const got = x < 0 && rows("cdf").some((r) => r[0] === x && r[1] === w) ? cdf(x) : pdf(x)
      expect(Math.abs(got - want), `x = ${x}: got ${got}, want ${w}`).toBeLessThanOrEqual(4 * 5e-324)
    }
  })
})

describe("Φ⁻¹ against mpmath", () => {
  const inv = rows("inverseCdf")
  it("tail p < 1e−20 (down to 1e−300): 2 ε", () => expectRegime("inverseCdf", inv, inverseCdf, (p) => p < 1e-20, 2))
  it("tail 1e−20 ≤ p < 0.075: 2 ε", () => expectRegime("inverseCdf", inv, inverseCdf, (p) => p >= 1e-20 && p < 0.075, 2))
  it("central 0.075 ≤ p ≤ 0.925: 3 ε", () =>
    expectRegime("inverseCdf", inv, inverseCdf, (p) => p >= 0.075 && p <= 0.925 && p !== 0.5, 3))
  it("upper p > 0.925 (via the exact 1 − p): 2 ε", () => expectRegime("inverseCdf", inv, inverseCdf, (p) => p > 0.925, 2))
  it("end points and invalid input", () => {
    expect(inverseCdf(0)).toBe(-Infinity)
    expect(inverseCdf(1)).toBe(Infinity)
    expect(inverseCdf(0.5)).toBe(0)
    // Outside [0, 1] there is no quantile: a typed error naming the input, never a silent NaN.
    expect(() => inverseCdf(-0.1)).toThrow(/invalid p: got -0.1/)
    expect(() => inverseCdf(1.5)).toThrow(/invalid p: got 1.5/)
    expect(() => inverseCdf(Number.NaN)).toThrow(/invalid p: got NaN/)
  })
})

describe("properties", () => {
  it("Φ is non-decreasing on a fine grid over [−38.5, 9]", () => {
    let prev = cdf(-38.5)
    let violation = "none"
    for (let x = -38.5; x <= 9; x += 1 / 512) {
      const v = cdf(x)
      if (!(v >= prev)) violation = `Φ(${x}) = ${v} < Φ(${x - 1 / 512}) = ${prev}`
      prev = v
    }
    expect(violation).toBe("none")
  })
  it("Φ(x) + Φ(−x) = 1 to 2 ε and φ(x) = φ(−x)", () => {
    for (let x = 0; x <= 8; x += 1 / 64) {
      const s = cdf(x) + cdf(-x)
      expect(Math.abs(s - 1), `x = ${x}: Φ(x) + Φ(−x) = ${s}`).toBeLessThanOrEqual(2 * EPS)
      expect(pdf(x)).toBe(pdf(-x))
    }
  })
  it("erfc(x) + erfc(−x) = 2 and erf(x) = 1 − erfc(x) where both are O(1)", () => {
    for (let x = 0; x <= 6; x += 1 / 32) {
      expect(Math.abs(erfc(x) + erfc(-x) - 2), `x = ${x}`).toBeLessThanOrEqual(2 * EPS)
      expect(Math.abs(erf(x) - (1 - erfc(x))), `x = ${x}`).toBeLessThanOrEqual(2 * EPS)
    }
  })
  it("Φ⁻¹(Φ(x)) = x for x in [−37, 8] to 4 ε relative (+ the conditioning of Φ near its top)", () => {
    for (let x = -37; x <= 8; x += 0.173) {
      const p = cdf(x)
      const back = inverseCdf(p)
      // Φ rounded to one ulp of p moves x by ε·p/φ(x); in the lower tail that is ≤ ε/|x|.
      const tol = 4 * EPS * Math.abs(x) + (2 * EPS * p) / pdf(x)
      expect(Math.abs(back - x), `x = ${x}: Φ⁻¹(Φ(x)) = ${back}`).toBeLessThanOrEqual(tol)
    }
  })
  it("special values", () => {
    expect(cdf(-Infinity)).toBe(0)
    expect(cdf(Infinity)).toBe(1)
    expect(cdf(-40)).toBe(0)
    expect(cdf(-38)).toBeGreaterThan(0) // subnormal, not flushed
    expect(() => cdf(Number.NaN)).toThrow(/invalid x: got NaN/)
    expect(pdf(Infinity)).toBe(0)
    expect(() => pdf(Number.NaN)).toThrow(/invalid x/)
    expect(() => erf(Number.NaN)).toThrow(/invalid x/)
    expect(() => erfc(Number.NaN)).toThrow(/invalid x/)
    expect(() => erfcx(Number.NaN)).toThrow(/invalid x/)
    expect(erfc(Infinity)).toBe(0)
    expect(erfc(-Infinity)).toBe(2)
    expect(erfcx(-30)).toBe(Infinity)
    expect(erfcx(Infinity)).toBe(0)
    expect(erf(0)).toBe(0)
    expect(Object.is(erf(-0), -0)).toBe(true)
  })
})
