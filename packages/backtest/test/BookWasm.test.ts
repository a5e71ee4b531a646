/**
 * The engine's row pass in WebAssembly (wasm/book.ts) against its JavaScript loop (`Engine.ts` markAndTotal):
 * the same arithmetic in the same order, so whole runs must agree bit for bit — decisions, trades, balances,
 * the policy's inputs and the P&L — over books of one and several legs, linear and inverse, in USD and coin
 * accounting, with perpetual, inverse and spot hedges. And the generated module must be a fresh build.
 */
import { Costs, Policies } from "@hedgekit/hedging"
import { RebalancePolicy } from "@hedgekit/sdk"
import { describeWasmBuild } from "@hedgekit/vitest-config/wasm"
import { afterEach, describe, expect, it } from "vitest"
import { Simulate } from "../src/index.js"
import { disableBook } from "../src/internal/bookWasm.js"
import { gbmSource } from "./support/gbm.js"

const linearPerp = { kind: "perpetual", symbol: "BTCUSDC", underlying: "BTC", settlement: "linear", contractSize: 1 } as const
const inversePerp = { kind: "perpetual", symbol: "BTC-PERPETUAL", underlying: "BTC", settlement: "inverse", contractSize: 10 } as const
const spot = { kind: "spot", symbol: "BTC", underlying: "BTC" } as const

afterEach(() => disableBook(false))

const years = 6 / 365
type Leg = Simulate.SimulatedLeg
const call = (strike: number, quantity: number, settlement: "linear" | "inverse", expiryYears = years): Leg =>
  ({ optionType: "call", strike, expiryYears, quantity, settlement })
const put = (strike: number, quantity: number, settlement: "linear" | "inverse", expiryYears = years): Leg =>
  ({ optionType: "put", strike, expiryYears, quantity, settlement })

const cases: ReadonlyArray<readonly [string, Omit<Simulate.SimulationConfig, "policy" | "impliedVol" | "costs">]> = [
  ["one linear call, USD, linear perpetual", { legs: [call(102, -2, "linear")], hedge: linearPerp, accounting: "usd" }],
  ["an inverse strangle, coin, inverse perpetual (priced every step)", {
    legs: [call(108, -1, "inverse"), put(92, -1, "inverse")], hedge: inversePerp, accounting: "coin"
  }],
  ["three legs, one expiring early, USD, spot hedge", {
    legs: [call(100, -1, "linear"), put(97, 2, "inverse", years / 2), call(110, 1, "linear")], hedge: spot, accounting: "usd"
  }],
  ["a call spread in coin with a linear perpetual", { legs: [call(100, -1, "inverse"), call(105, 1, "inverse")], hedge: linearPerp, accounting: "coin" }]
]

const run = (config: (typeof cases)[number][1], wasm: boolean, rowBlock?: number) => {
  disableBook(!wasm)
  const lot = config.hedge.kind === "perpetual" && config.hedge.settlement === "inverse" ? 1 : 1e-6
  return Simulate.run(gbmSource(515, 6 * 24, 100, 0.8, years, 9), {
    ...config,
    costs: { lot, minimum: 0, fees: { maker: 0.0002, taker: 0.0005 }, halfSpread: 0.0001 },
    policy: RebalancePolicy.configure(Policies.leland, { intervalMinutes: 60, alignToUtc: false }),
    impliedVol: 0.8,
    attribution: false,
    optionFees: Costs.deribit.options,
    ...(rowBlock !== undefined ? { rowBlock } : {})
  })
}

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let differ = 0
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differ++
  return differ
}

describe("the engine's row pass in WebAssembly", () => {
  for (const [name, config] of cases) {
    it(`${name}: the same run bit for bit as the JavaScript loop`, () => {
      const wasm = run(config, true), js = run(config, false)
      // the WebAssembly run's columns are in a WebAssembly memory; the JavaScript run's are not
      expect(wasm.account.coin.buffer).not.toBe(js.account.coin.buffer)
      expect(Object.prototype.toString.call(wasm.account.coin.buffer)).toBe("[object ArrayBuffer]")
      expect(wasm.trades.reduce((x, y) => x + y, 0)).toBeGreaterThan(515)
      expect(sameBits(wasm.trades, js.trades)).toBe(0)
      for (const c of ["coin", "usd", "hedge", "hedgeRef", "feesCoin", "feesUsd"] as const) expect(sameBits(wasm.account[c], js.account[c])).toBe(0)
      for (const c of ["bookDelta", "bookGamma", "bookVega", "hedgeDelta", "unitDelta", "vol", "tau", "expiringDelta", "settlementMs"] as const) {
        expect(sameBits(wasm.inputs[c], js.inputs[c])).toBe(0)
      }
      expect(sameBits(wasm.pnl(), js.pnl())).toBe(0)
    })
  }

  it("gives the same run bit for bit in blocks of rows (rowBlock), whole or ragged", () => {
    for (const [, config] of cases) {
      const whole = run(config, true)
      for (const rowBlock of [64, 101]) {
        const blocked = run(config, true, rowBlock)
        expect(sameBits(blocked.trades, whole.trades)).toBe(0)
        expect(sameBits(blocked.account.hedge, whole.account.hedge)).toBe(0)
        expect(sameBits(blocked.pnl(), whole.pnl())).toBe(0)
      }
    }
    expect(() => run(cases[0]![1], true, 0)).toThrow(/rowBlock/)
  })

  it("is used where WebAssembly runs (the test above compares two different loops)", () => {
    const wasm = run(cases[0]![1], true), js = run(cases[0]![1], false)
    const wasmMemory = (c: Float64Array) => c.buffer.byteLength !== c.byteLength
    expect(wasmMemory(wasm.inputs.bookDelta)).toBe(true)
    expect(wasmMemory(js.inputs.bookDelta)).toBe(false)
  })
})

describeWasmBuild(new URL("../scripts/build-wasm.mjs", import.meta.url), "wasm/book.ts")
