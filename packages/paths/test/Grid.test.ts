import { InvalidInput } from "@hedgekit/sdk"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Grid } from "../src/index.js"

const fieldOf = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    if (e instanceof InvalidInput) return e.field
    throw e
  }
  return "no error"
}

describe("grids", () => {
  it("uniform: equal steps ending exactly at the horizon (fast-check)", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 10, noNaN: true }), fc.integer({ min: 1, max: 2000 }), (horizonYears, steps) => {
        const g = Grid.uniform({ horizonYears, steps })
        expect(g.steps).toBe(steps)
        expect(g.times[0]).toBe(0)
        expect(g.times[steps]).toBe(horizonYears)
        let worst = 0
        for (let i = 1; i <= steps; i++) worst = Math.max(worst, Math.abs((g.times[i]! - g.times[i - 1]!) / (horizonYears / steps) - 1))
        expect(worst).toBeLessThan(1e-9)
      })
    )
  })

  it("minutes: 720 hourly steps are 30 days of 365-day years; one minute is the finest step", () => {
    const g = Grid.minutes({ stepMinutes: 60, steps: 720 })
    expect(g.times[720]).toBeCloseTo(30 / 365, 15)
    expect(Grid.minutes({ stepMinutes: 1, steps: 3 }).times[3]).toBe(3 / 525_600)
    expect(Grid.MINUTES_PER_YEAR).toBe(525_600)
    expect(fieldOf(() => Grid.minutes({ stepMinutes: 0.5, steps: 3 }))).toBe("stepMinutes")
  })

  it("fromTimes: copies strictly increasing times ≥ 0 and names the first bad one", () => {
    const src = [0.1, 0.2, 0.35]
    const g = Grid.fromTimes(src)
    src[1] = 9
    expect(Array.from(g.times)).toEqual([0.1, 0.2, 0.35])
    expect(g.steps).toBe(2)
    expect(fieldOf(() => Grid.fromTimes([0, 0.1, 0.1]))).toBe("times[2]")
    expect(fieldOf(() => Grid.fromTimes([-1, 0.1]))).toBe("times[0]")
    expect(fieldOf(() => Grid.fromTimes([0, NaN]))).toBe("times[1]")
    expect(fieldOf(() => Grid.fromTimes([0]))).toBe("times")
  })

  it("refuses a bad step count or horizon", () => {
    expect(fieldOf(() => Grid.uniform({ horizonYears: 1, steps: 0 }))).toBe("steps")
    expect(fieldOf(() => Grid.uniform({ horizonYears: 1, steps: 1.5 }))).toBe("steps")
    expect(fieldOf(() => Grid.uniform({ horizonYears: 0, steps: 10 }))).toBe("horizonYears")
    expect(fieldOf(() => Grid.minutes({ stepMinutes: 60, steps: 1e8 }))).toBe("steps")
  })
})
