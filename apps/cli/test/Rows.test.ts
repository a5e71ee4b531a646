import { describe, expect, it } from "vitest"
import { processRow } from "../src/Rows.js"

describe("row contract", () => {
  it("prices a BSM row with every Greek and passes other fields through", () => {
    const out = processRow("price", {
      id: "a",
      model: "bsm",
      type: "call",
      spot: 100,
      strike: 100,
      expiry: 1,
      rate: 0.05,
      vol: 0.2
    })
    expect(out["id"]).toBe("a")
    expect(Math.abs((out["price"] as number) / 10.450583572185565 - 1)).toBeLessThan(1e-14)
    expect(Object.keys(out)).toEqual(
      ["id", "model", "type", "spot", "strike", "expiry", "rate", "vol", "price", "delta", "gamma", "vega", "theta", "rho", "dividendRho"]
    )
  })

  it("accepts CSV strings as numbers and defaults rate and dividend to 0", () => {
    const out = processRow("price", { model: "black76", type: "call", forward: "100", strike: "100", expiry: "1", vol: "0.2" })
    expect(Math.abs((out["price"] as number) / 7.965567455405804 - 1)).toBeLessThan(1e-14)
    expect(out["dividendRho"]).toBeUndefined()
  })

  it("a bad row gets an error record naming field and value, and no results", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model: "bsm", type: "call", spot: -1, strike: 100, expiry: 1, vol: 0.2 }, "spot"],
      [{ model: "variance-gamma", type: "call", spot: 1, strike: 100, expiry: 1, vol: 0.2 }, "model"],
      [{ model: "heston", type: "call", spot: 1, strike: 100, expiry: 1, vol: 0.2 }, "spot"],
      [{ model: "bsm", type: "straddle", spot: 1, strike: 100, expiry: 1, vol: 0.2 }, "type"],
      [{ model: "bsm", type: "call", spot: 100, strike: "abc", expiry: 1, vol: 0.2 }, "strike"],
      [{ model: "bsm", type: "call", spot: 100, strike: 100, expiry: 0, vol: 0.2 }, "expiry"],
      [{ model: "bsm", type: "call", spot: 100, strike: 100, expiry: 1 }, "vol"],
      [{ model: "black76", type: "call", spot: 100, strike: 100, expiry: 1, vol: 0.2 }, "spot"],
      [{ model: "bachelier", type: "put", forward: 100, strike: 100, expiry: 1, vol: -3 }, "vol"]
    ]
    for (const [row, field] of cases) {
      const out = processRow("price", row)
      const error = out["error"] as Record<string, unknown>
      expect(error, JSON.stringify(row)).toBeDefined()
      expect(error["field"]).toBe(field)
      expect(error["tag"]).toBe("InvalidInput")
      expect(typeof error["message"]).toBe("string")
      expect("value" in error).toBe(true)
      expect(out["price"]).toBeUndefined()
    }
  })

  it("iv inverts prices and reports prices out of bounds as PriceOutOfBounds", () => {
    const ok = processRow("iv", { model: "black76", type: "put", forward: 100, strike: 100, expiry: 1, price: 7.965567455405804 })
    expect(Math.abs((ok["vol"] as number) / 0.2 - 1)).toBeLessThan(1e-14)
    const high = processRow("iv", { model: "black76", type: "call", forward: 100, strike: 100, expiry: 1, price: 150 })
    expect((high["error"] as Record<string, unknown>)["tag"]).toBe("PriceOutOfBounds")
    const low = processRow("iv", { model: "bsm", type: "call", spot: 120, strike: 100, expiry: 1, price: 19 })
    expect((low["error"] as Record<string, unknown>)["tag"]).toBe("PriceOutOfBounds")
    expect(high["vol"]).toBeUndefined()
  })
})

describe("forward models beyond the closed forms", () => {
  const sabr = { model: "sabr", type: "call", forward: 90_000, strike: 100_000, expiry: 0.1, alpha: 0.6, beta: 1, correlation: -0.3, volOfVol: 1.2 }

  it("prices a SABR row at the SABR vol, with its Greeks by differences and no vega (SABR has no vol parameter)", async () => {
    const { Sabr } = await import("@hedgekit/models")
    const out = processRow("price", { id: 7, ...sabr })
    expect(out["price"]).toBe(Sabr.price("call", 90_000, 100_000, 0.1, 0, { alpha: 0.6, beta: 1, correlation: -0.3, volOfVol: 1.2 }))
    const up = Sabr.price("call", 90_001, 100_000, 0.1, 0, { alpha: 0.6, beta: 1, correlation: -0.3, volOfVol: 1.2 })
    const down = Sabr.price("call", 89_999, 100_000, 0.1, 0, { alpha: 0.6, beta: 1, correlation: -0.3, volOfVol: 1.2 })
    expect(Math.abs((out["delta"] as number) - (up - down) / 2)).toBeLessThan(1e-6)
    expect(out["vega"]).toBeUndefined()
    expect(out["id"]).toBe(7)
    const g = processRow("greeks", sabr)
    expect(typeof g["speed"]).toBe("number")
    expect(g["vanna"]).toBeUndefined()
  })

  it("names a bad or missing parameter, and refuses fields of other models", () => {
    expect(processRow("price", { ...sabr, correlation: 1.5 })["error"]).toMatchObject({ field: "correlation" })
    expect(processRow("price", { ...sabr, volOfVol: undefined })["error"]).toMatchObject({ field: "volOfVol" })
    expect(processRow("price", { ...sabr, vol: 0.5 })["error"]).toMatchObject({ field: "vol" })
    expect(processRow("iv", { ...sabr, price: 100 })["error"]).toMatchObject({ field: "model" })
    expect(processRow("price", { ...sabr, model: "heston2" })["error"]).toMatchObject({ field: "model" })
  })
})

describe("jump-diffusion rows", () => {
  it("prices Merton and Kou rows with their analytic Greeks, vega included", async () => {
    const { Kou, Merton } = await import("@hedgekit/models")
    const base = { type: "put", forward: 60_000, strike: 55_000, expiry: 0.25, vol: 0.5, jumpIntensity: 4 }
    const m = processRow("price", { ...base, model: "merton", jumpMean: -0.05, jumpVol: 0.1 })
    expect(m["price"]).toBe(Merton.price("put", 60_000, 55_000, 0.25, 0, { vol: 0.5, jumpIntensity: 4, jumpMean: -0.05, jumpVol: 0.1 }))
    expect(m["vega"]).toBe(Merton.greeks("put", 60_000, 55_000, 0.25, 0, { vol: 0.5, jumpIntensity: 4, jumpMean: -0.05, jumpVol: 0.1 }).vega)
    const k = processRow("greeks", { ...base, model: "kou", upProbability: 0.4, upRate: 10, downRate: 8 })
    expect(k["price"]).toBe(Kou.price("put", 60_000, 55_000, 0.25, 0, { vol: 0.5, jumpIntensity: 4, upProbability: 0.4, upRate: 10, downRate: 8 }))
    expect(typeof k["vanna"]).toBe("number")
    expect(processRow("price", { ...base, model: "kou", upProbability: 0.4, upRate: 0.5, downRate: 8 })["error"]).toMatchObject({ field: "upRate" })
  })
})

describe("stochastic-vol rows", () => {
  it("prices Heston and Bates rows with analytic delta and gamma; no vega (no vol parameter)", async () => {
    const { Bates, Heston } = await import("@hedgekit/models")
    const h = { initialVariance: 0.3, meanReversion: 3, longRunVariance: 0.4, volOfVol: 1.5, correlation: -0.3 }
    const base = { type: "call", forward: 60_000, strike: 65_000, expiry: 0.25 }
    const out = processRow("price", { ...base, model: "heston", ...h })
    expect(out["price"]).toBe(Heston.price("call", 60_000, 65_000, 0.25, 0, h))
    expect(out["delta"]).toBe(Heston.greeks("call", 60_000, 65_000, 0.25, 0, h).delta)
    expect(out["vega"]).toBeUndefined()
    const j = { jumpIntensity: 5, jumpMean: -0.03, jumpVol: 0.08 }
    expect(processRow("price", { ...base, model: "bates", ...h, ...j })["price"]).toBe(Bates.price("call", 60_000, 65_000, 0.25, 0, { ...h, ...j }))
    expect(processRow("price", { ...base, model: "heston", ...h, correlation: -1 })["error"]).toMatchObject({ field: "correlation" })
  })
})
