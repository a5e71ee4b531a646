// End-to-end: `hedgekit hedge` and `hedgekit policies` on the example book (real Deribit marks, built binary).
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Portfolio } from "@hedgekit/greeks"
import { Policies } from "@hedgekit/hedging"
import { describe, expect, it } from "vitest"

const bin = fileURLToPath(new URL("../bin/hedgekit.mjs", import.meta.url))
const root = fileURLToPath(new URL("../../../", import.meta.url))
const hedgekit = (args: Array<string>) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 60_000, cwd: root })
const files = ["--book", "data/examples/book.json", "--market", "data/examples/market.json", "--hedges", "data/examples/hedges.json"]
const json = (path: string) => JSON.parse(readFileSync(join(root, path), "utf8"))

describe("hedgekit hedge", () => {
  it("prints Whalley–Wilmott's decision for the example book: back to the band's edge with the perpetual", () => {
    const p = hedgekit(["hedge", ...files, "--policy", "whalley-wilmott", "--param", "riskAversion=0.001", "--json"])
    expect(p.status).toBe(0)
    const d = JSON.parse(p.stdout)
    expect(d.action).toBe("trade")
    expect(d.reason).toMatch(/outside the Whalley–Wilmott band/)
    const [order] = d.orders
    expect(order).toMatchObject({ instrument: "BTC-PERPETUAL", side: "buy", urgency: "aggressive", costCurrency: "BTC" })
    // the perpetual's delta is 10 USD / mark per contract; the book ends on the band's edge, within one contract
    const index = json("data/examples/market.json").underlyings[0].index
    expect(order.delta).toBeCloseTo(order.quantity * 10 / index, 12)
    // a marketable limit on the 0.5-USD grid, through the half-spread above the index
    expect(order.limitPrice % 0.5).toBe(0)
    expect(order.limitPrice).toBe(Math.ceil((index + 0.25) / 0.5) * 0.5)
    const band = Number(/±([\d.]+)/.exec(d.reason)![1])
    expect(Math.abs(Math.abs(d.netDeltaAfter) - band)).toBeLessThanOrEqual(10 / index)
    // the net delta is the book's, as `hedgekit risk` counts it
    const report = Portfolio.exposure(json("data/examples/book.json"), json("data/examples/market.json"), "usd")
    expect(d.netDelta).toBeCloseTo(report.exposures[0]!.delta, 9)
    const text = hedgekit(["hedge", ...files, "--policy", "whalley-wilmott", "--param", "riskAversion=0.001"])
    expect(text.stdout).toMatch(/decision {2}TRADE: .*\n {2}buy \d+ BTC-PERPETUAL contracts \(\d+ USD\)/)
  })

  it("composes policies from a JSON spec and hedges gamma and vega with the listed options", () => {
    const spec = JSON.stringify({ killSwitch: { maxNetDelta: 100 }, policy: { policy: "delta-gamma-vega" } })
    const d = JSON.parse(hedgekit(["hedge", ...files, "--policy", spec, "--json"]).stdout)
    expect(d.policy).toBe("killSwitch(delta-gamma-vega)")
    expect(d.orders.map((o: { instrument: string }) => o.instrument)).toEqual(["BTC-30JAN26-90000-C", "BTC-27MAR26-100000-C", "BTC-PERPETUAL"])
    for (const o of d.orders.slice(0, 2)) {
      expect(Math.abs(o.quantity * 10 - Math.round(o.quantity * 10))).toBeLessThan(1e-9)
      // Deribit's option ticks: 0.0005 BTC above 0.005
      expect(Math.abs(o.limitPrice / 0.0005 - Math.round(o.limitPrice / 0.0005))).toBeLessThan(1e-9)
    }
    // at the recorded quotes: buy the Jan 90 000 call at its ask (0.0395 / 0.0405), sell the Mar 100 000 call at its bid (0.0375 / 0.038)
    expect(d.orders[0]).toMatchObject({ side: "buy", limitPrice: 0.0405 })
    expect(d.orders[1]).toMatchObject({ side: "sell", limitPrice: 0.0375 })
    expect(Math.abs(d.netDeltaAfter)).toBeLessThanOrEqual(10 / json("data/examples/market.json").underlyings[0].index)
  })

  it("keeps a policy's memory in a state file between runs", () => {
    const state = join(mkdtempSync(join(tmpdir(), "hk-hedge-")), "state.json")
    const args = ["hedge", ...files, "--policy", "time-interval", "--param", "intervalMinutes=480", "--state", state, "--json"]
    expect(JSON.parse(hedgekit(args).stdout).action).toBe("trade")
    expect(existsSync(state)).toBe(true)
    const again = JSON.parse(hedgekit(args).stdout)
    expect(again.action).toBe("hold")
    expect(again.reason).toMatch(/not due/)
    const other = hedgekit(["hedge", ...files, "--policy", "price-move", "--param", "move=0.01", "--state", state])
    expect(other.status).toBe(1)
    expect(other.stderr).toMatch(/holds the state of time-interval/)
  })

  it("says what is wrong with a bad policy, parameter or file, and exits 1", () => {
    const unknown = hedgekit(["hedge", ...files, "--policy", "nope"])
    expect(unknown.status).toBe(1)
    expect(unknown.stderr).toMatch(/policy\.policy: got "nope", expected one of time-interval, delta-band/)
    const bad = hedgekit(["hedge", ...files, "--policy", "whalley-wilmott", "--param", "riskAversion=-1"])
    expect(bad.status).toBe(1)
    expect(bad.stderr).toMatch(/whalley-wilmott\.params/)
    const missing = hedgekit(["hedge", ...files.slice(0, 4), "--hedges", "nowhere.json", "--policy", "delta-band"])
    expect(missing.stderr).toMatch(/cannot read the hedge setup file nowhere\.json/)
  })
})

describe("hedgekit policies", () => {
  it("lists every built-in policy with its parameters and units, and the combinators", () => {
    const p = hedgekit(["policies", "--json"])
    expect(p.status).toBe(0)
    const list = JSON.parse(p.stdout)
    expect(list.policies.map((x: { name: string }) => x.name)).toEqual(Policies.builtins.map((x) => x.name))
    expect(list.policies.find((x: { name: string }) => x.name === "whalley-wilmott").params[0]).toMatchObject({ name: "riskAversion", unit: "per USD" })
    expect(list.combinators.map((c: { key: string }) => c.key)).toEqual(["all", "any", "killSwitch", "expiryWindow"])
    expect(hedgekit(["policies"]).stdout).toMatch(/gamma-frequency 0\.1\.0: .*\n {4}targetStdUsd +USD/)
  })
})
