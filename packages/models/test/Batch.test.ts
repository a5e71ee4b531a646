import { BatchStatus } from "@hedgekit/sdk"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Bachelier, Black76, BlackScholes } from "../src/index.js"

const columns = (n: number) => ({
  price: new Float64Array(n),
  delta: new Float64Array(n),
  gamma: new Float64Array(n),
  vega: new Float64Array(n),
  theta: new Float64Array(n),
  rho: new Float64Array(n)
})

const row = fc.record({
  call: fc.boolean(),
  forward: fc.double({ min: 1, max: 200_000, noNaN: true }),
  moneyness: fc.double({ min: -1.5, max: 1.5, noNaN: true }),
  expiry: fc.double({ min: 1 / 525_600, max: 10, noNaN: true }),
  rate: fc.double({ min: -0.05, max: 0.2, noNaN: true }),
  dividend: fc.double({ min: -0.05, max: 0.2, noNaN: true }),
  vol: fc.double({ min: 0.01, max: 3, noNaN: true })
})

describe("batch entry points", () => {
  it("Black76 batch results are the scalar results, row by row", () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 40 }), (rows) => {
        const n = rows.length
        const input = {
          length: n,
          isCall: Uint8Array.from(rows, (r) => (r.call ? 1 : 0)),
          forward: Float64Array.from(rows, (r) => r.forward),
          strike: Float64Array.from(rows, (r) => r.forward * Math.exp(r.moneyness)),
          expiry: Float64Array.from(rows, (r) => r.expiry),
          rate: Float64Array.from(rows, (r) => r.rate),
          vol: Float64Array.from(rows, (r) => r.vol)
        }
        const out = columns(n)
        const status = new Uint8Array(n).fill(255)
        const prices = new Float64Array(n)
        const priceStatus = new Uint8Array(n).fill(255)
        Black76.greeksBatch(input, out, status)
        Black76.priceBatch(input, prices, priceStatus)
        for (let i = 0; i < n; i++) {
          const type = input.isCall[i] === 1 ? "call" : "put"
          const g = Black76.greeks(type, input.forward[i]!, input.strike[i]!, input.expiry[i]!, input.rate[i]!, input.vol[i]!)
          expect(status[i]).toBe(BatchStatus.OK)
          expect(priceStatus[i]).toBe(BatchStatus.OK)
          expect(out.price[i]).toBe(g.price)
          expect(out.delta[i]).toBe(g.delta)
          expect(out.gamma[i]).toBe(g.gamma)
          expect(out.vega[i]).toBe(g.vega)
          expect(out.theta[i]).toBe(g.theta)
          expect(out.rho[i]).toBe(g.rho)
          expect(prices[i]).toBe(
            Black76.price(type, input.forward[i]!, input.strike[i]!, input.expiry[i]!, input.rate[i]!, input.vol[i]!)
          )
        }
      }),
      { numRuns: 200 }
    )
  })

  it("BlackScholes batch results are the scalar results, and implied vols round-trip", () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 40 }), (rows) => {
        const n = rows.length
        const input = {
          length: n,
          isCall: Uint8Array.from(rows, (r) => (r.call ? 1 : 0)),
          spot: Float64Array.from(rows, (r) => r.forward),
          strike: Float64Array.from(rows, (r) => r.forward * Math.exp(r.moneyness)),
          expiry: Float64Array.from(rows, (r) => r.expiry),
          rate: Float64Array.from(rows, (r) => r.rate),
          dividend: Float64Array.from(rows, (r) => r.dividend),
          vol: Float64Array.from(rows, (r) => r.vol)
        }
        const out = { ...columns(n), dividendRho: new Float64Array(n) }
        const status = new Uint8Array(n)
        BlackScholes.greeksBatch(input, out, status)
        const vols = new Float64Array(n)
        const ivStatus = new Uint8Array(n)
        BlackScholes.impliedVolBatch({ ...input, price: out.price }, vols, ivStatus)
        for (let i = 0; i < n; i++) {
          const type = input.isCall[i] === 1 ? "call" : "put"
          const args = [input.spot[i]!, input.strike[i]!, input.expiry[i]!, input.rate[i]!, input.dividend[i]!] as const
          const g = BlackScholes.greeks(type, ...args, input.vol[i]!)
          expect(out.price[i]).toBe(g.price)
          expect(out.delta[i]).toBe(g.delta)
          expect(out.dividendRho[i]).toBe(g.dividendRho)
          if (ivStatus[i] === BatchStatus.OK) {
            expect(vols[i]).toBe(BlackScholes.impliedVol(type, out.price[i]!, ...args))
          } else {
            // Only a price that rounded onto a bound may fail, and then as a price-bound status.
            expect([BatchStatus.BELOW_INTRINSIC, BatchStatus.ABOVE_MAXIMUM]).toContain(ivStatus[i])
          }
        }
      }),
      { numRuns: 200 }
    )
  })

  it("a bad row gets its status code and NaN outputs, and the other rows are still computed", () => {
    const n = 8
    const input = {
      length: n,
      isCall: new Uint8Array([1, 1, 0, 1, 0, 1, 1, 0]),
      forward: new Float64Array([100, -1, 100, 100, 100, 100, NaN, 100]),
      strike: new Float64Array([100, 100, 0, 100, 100, 100, 100, 90]),
      expiry: new Float64Array([1, 1, 1, 0, 1, 1, 1, 0.5]),
      rate: new Float64Array([0, 0, 0, 0, Infinity, 0, 0, 0.01]),
      vol: new Float64Array([0.2, 0.2, 0.2, 0.2, 0.2, -0.1, 0.2, 0.3])
    }
    const expected = [
      BatchStatus.OK,
      BatchStatus.INVALID_FORWARD,
      BatchStatus.INVALID_STRIKE,
      BatchStatus.INVALID_EXPIRY,
      BatchStatus.INVALID_RATE,
      BatchStatus.INVALID_VOL,
      BatchStatus.INVALID_FORWARD,
      BatchStatus.OK
    ]
    const out = columns(n)
    const status = new Uint8Array(n)
    Black76.greeksBatch(input, out, status)
    expect([...status]).toEqual(expected)
    const prices = new Float64Array(n)
    const priceStatus = new Uint8Array(n)
    Black76.priceBatch(input, prices, priceStatus)
    expect([...priceStatus]).toEqual(expected)
    for (let i = 0; i < n; i++) {
      if (expected[i] === BatchStatus.OK) {
        expect(Number.isFinite(out.price[i]!) && Number.isFinite(prices[i]!)).toBe(true)
      } else {
        expect(Number.isNaN(out.price[i]!) && Number.isNaN(out.delta[i]!) && Number.isNaN(prices[i]!)).toBe(true)
      }
    }
    // The Greeks loop and the price-only path are different computations of the same price.
    expect(Math.abs(out.price[0]! / Black76.price("call", 100, 100, 1, 0, 0.2) - 1)).toBeLessThan(1e-14)
  })

  it("implied-vol batches report prices outside the bounds by status, not by a vol", () => {
    const input = {
      length: 5,
      isCall: new Uint8Array([1, 1, 1, 0, 1]),
      forward: new Float64Array([100, 100, 100, 100, 100]),
      strike: new Float64Array([100, 90, 100, 110, 100]),
      expiry: new Float64Array([1, 1, 1, 1, 1]),
      rate: new Float64Array([0, 0, 0, 0, 0]),
      price: new Float64Array([7.965567455405804, 9.5, 100, 10, NaN])
    }
    const out = new Float64Array(5)
    const status = new Uint8Array(5)
    Black76.impliedVolBatch(input, out, status)
    expect([...status]).toEqual([
      BatchStatus.OK,
      BatchStatus.BELOW_INTRINSIC,
      BatchStatus.ABOVE_MAXIMUM,
      BatchStatus.BELOW_INTRINSIC,
      BatchStatus.INVALID_PRICE
    ])
    expect(Math.abs(out[0]! / 0.2 - 1)).toBeLessThan(1e-14)
    expect(out.slice(1).every(Number.isNaN)).toBe(true)
  })

  it("Bachelier batches match the scalar functions and accept negative forwards and strikes", () => {
    const input = {
      length: 3,
      isCall: new Uint8Array([1, 0, 1]),
      forward: new Float64Array([-0.5, 0.25, 100]),
      strike: new Float64Array([-0.4, -0.1, 100]),
      expiry: new Float64Array([0.5, 2, 1]),
      rate: new Float64Array([0.01, -0.02, 0]),
      vol: new Float64Array([0.3, 0.5, 20])
    }
    const out = columns(3)
    const status = new Uint8Array(3)
    Bachelier.greeksBatch(input, out, status)
    const vols = new Float64Array(3)
    const ivStatus = new Uint8Array(3)
    Bachelier.impliedVolBatch({ ...input, price: out.price }, vols, ivStatus)
    for (let i = 0; i < 3; i++) {
      const type = input.isCall[i] === 1 ? "call" : "put"
      const g = Bachelier.greeks(type, input.forward[i]!, input.strike[i]!, input.expiry[i]!, input.rate[i]!, input.vol[i]!)
      expect(status[i]).toBe(BatchStatus.OK)
      expect(out.price[i]).toBe(g.price)
      expect(out.vega[i]).toBe(g.vega)
      expect(Math.abs(vols[i]! / input.vol[i]! - 1)).toBeLessThan(1e-13)
    }
    expect(out.price[2]).toBeCloseTo(7.978845608028654, 13)
  })
})
