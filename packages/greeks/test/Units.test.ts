import { describe, expect, it } from "vitest"
import { Units } from "../src/index.js"

describe("Units", () => {
  it("converts vega and rho between per 1.00 and per vol point, theta between per year and per day", () => {
    const vega = Units.vega(224.964, "USD", "per1", "contract")
    const perPoint: Units.Vega<"USD", "perPoint", "contract"> = Units.perPoint(vega)
    expect(perPoint).toBeCloseTo(2.24964, 14)
    expect(Units.perOne(perPoint)).toBeCloseTo(224.964, 12)
    const theta = Units.theta(-365, "USD", "perYear", "contract")
    expect(Units.perDay(theta)).toBe(-1)
    expect(Units.perTradingDay(theta, 252)).toBeCloseTo(-365 / 252, 15)
    expect(Units.perYear(Units.perDay(theta))).toBe(-365)
    expect(() => Units.perTradingDay(theta, 0)).toThrow(/tradingDays/)
  })

  it("scales a contract's Greek to a position (signed contracts × multiplier)", () => {
    const delta = Units.delta(0.5, "contract")
    const position: Units.Delta<"position"> = Units.perPosition(delta, -20, 0.01)
    expect(position).toBeCloseTo(-0.1, 15)
    expect(() => Units.perPosition(delta, 1, 0)).toThrow(/multiplier/)
    expect(() => Units.perPosition(delta, NaN, 1)).toThrow(/contracts/)
  })

  it("moves value-like quantities between USD and coin", () => {
    const v = Units.value(5713.8, "USD", "contract")
    const coin: Units.Value<"coin", "contract"> = Units.toCoin(v, 100_000)
    expect(coin).toBeCloseTo(0.057138, 15)
    expect(Units.toUsd(coin, 100_000)).toBeCloseTo(5713.8, 10)
    expect(() => Units.toCoin(v, -1)).toThrow(/coinPrice/)
  })

  it("sums quantities of one unit", () => {
    const a = Units.delta(0.25, "position"), b = Units.delta(-0.5, "position")
    expect(Units.sum([a, b])).toBe(-0.25)
    expect(Units.add(a, b)).toBe(-0.25)
  })

  it("refuses to mix units at compile time", () => {
    const perOne = Units.vega(1, "USD", "per1", "contract")
    const perPoint = Units.vega(1, "USD", "perPoint", "contract")
    const contract = Units.delta(1, "contract")
    const position = Units.delta(1, "position")
    // @ts-expect-error a vega per vol point is not a vega per 1.00
    Units.add(perOne, perPoint)
    // @ts-expect-error a per-contract delta does not add to a per-position one
    Units.add(contract, position)
    // @ts-expect-error delta has no coin conversion (the coin delta is a different derivative)
    Units.toCoin(contract, 100)
    // @ts-expect-error perPoint takes a per-1.00 vega only
    Units.perPoint(perPoint)
    // @ts-expect-error a plain number is not a Greek
    const bare: Units.Delta<"contract"> = 0.5
    expect([bare, perOne, perPoint]).toHaveLength(3)
  })
})
