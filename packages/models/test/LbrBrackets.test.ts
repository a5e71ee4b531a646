import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { LOWER, UPPER } from "../src/internal/lbrBrackets.generated.js"
import { bracketFunction } from "../src/internal/letsBeRational.js"
import { normalisedBlack, normalisedVega } from "../src/internal/normalisedBlack.js"

/**
 * The implied-vol solver reads b_l, b_u and the vegas there from tables fitted by scripts/lbr-brackets.py.
 * Checked here against 50-digit values at points that are not the fit's nodes, and against the kernel's own
 * evaluation of b at s_l and s_u (the solver brackets its root with both).
 */
const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/mpmath/lbr-brackets.json", import.meta.url), "utf8")
) as { rows: ReadonlyArray<ReadonlyArray<string>> }

const functions = [
  ["fl", LOWER, 3, 0],
  ["gl", LOWER, 3, 1],
  ["sl", LOWER, 3, 2],
  ["fu", UPPER, 2, 0],
  ["gu", UPPER, 2, 1]
] as const

describe("Let's Be Rational bracket tables", () => {
  it("match 50-digit values off the fit's nodes within 1e-15 relative", () => {
    expect(fixture.rows.length).toBeGreaterThan(300)
    for (const row of fixture.rows) {
      const q = Math.sqrt(-Number(row[0]))
      functions.forEach(([name, table, count, which], k) => {
        const exact = Number(row[k + 1])
        const value = bracketFunction(table, count, which, q)
        const error = Math.abs(value / exact - 1)
        if (!(error <= 1e-15)) expect.fail(`${name} at x = ${row[0]}: ${value} vs ${exact} (${error.toExponential(2)})`)
      })
    }
  })

  it("agree with the kernel's b and ∂b/∂s at the tabulated s_l and s_u", () => {
    let worst = 0
    for (let k = 0; k <= 400; k++) {
      const x = -Math.pow(10, -8 + (11 * k) / 400) // −1e-8 … −1000
      const q = Math.sqrt(-x)
      const bMax = Math.exp(0.5 * x)
      const sC = Math.SQRT2 * q
      const bC = normalisedBlack(x, sC, 1)
      const vC = bMax / Math.sqrt(2 * Math.PI)
      const sL = bracketFunction(LOWER, 3, 2, q) * (-x / (1 + q))
      const sU = sC + (bMax - bC) / vC
      const pairs: ReadonlyArray<readonly [number, number]> = [
        [bMax * bracketFunction(LOWER, 3, 0, q) * (-x / (1 - x)), normalisedBlack(x, sL, 1)],
        [bMax * bracketFunction(LOWER, 3, 1, q), normalisedVega(x, sL)],
        [bMax * bracketFunction(UPPER, 2, 0, q), bMax - normalisedBlack(x, sU, 1)],
        [bMax * bracketFunction(UPPER, 2, 1, q), normalisedVega(x, sU)]
      ]
      // b's condition number in s grows like h² ~ |x|: allow the kernel's rounding to grow with √|x| at least.
      for (const [table, kernel] of pairs) worst = Math.max(worst, Math.abs(table / kernel - 1) / (1 + Math.sqrt(-x)))
    }
    // The kernel's own rounding (and s_u's, from b_c/v_c): a few ulp.
    expect(worst).toBeLessThan(8 * 2 ** -52)
    expect(worst).toBeGreaterThan(0)
  })
})
