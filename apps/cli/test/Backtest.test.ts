// End-to-end: `hedgekit backtest` on simulated paths and on the bundled real data (built binary).
import { spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const bin = fileURLToPath(new URL("../bin/hedgekit.mjs", import.meta.url))
const root = fileURLToPath(new URL("../../../", import.meta.url))
const hedgekit = (args: Array<string>) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 120_000, cwd: root })
const terms = ["delta", "gamma", "theta", "vega", "vanna", "volga", "funding", "fees", "slippage", "residual"]

describe("hedgekit backtest", () => {
  it("simulated paths: the JSON contract, attribution that adds up, the same numbers for the same seed", () => {
    const args = ["backtest", "--config", "data/examples/backtest-gbm.json", "--paths", "200", "--policy", "whalley-wilmott", "--json"]
    const p = hedgekit([...args.slice(0, 5), "--policy", JSON.stringify({ policy: "whalley-wilmott", params: { riskAversion: 1e-4 } }), "--json"])
    expect(p.stderr).toBe("")
    expect(p.status).toBe(0)
    const out = JSON.parse(p.stdout)
    expect(out.paths).toBe(200)
    expect(out.currency).toBe("BTC")
    expect(out.rebalances).toBeGreaterThan(1)
    for (const k of ["mean", "std", "var95", "cvar95", "var99", "cvar99"]) expect(Number.isFinite(out.pnl[k])).toBe(true)
    expect(out.pnl.cvar99).toBeGreaterThanOrEqual(out.pnl.var99)
    expect(out.fees).toBeGreaterThan(0)
    expect(Number.isFinite(out.funding)).toBe(true)
    expect(terms.reduce((s, t) => s + out.attribution[t], 0)).toBeCloseTo(out.pnl.mean, 9)
    expect(out.runs).toHaveLength(1)
    const again = JSON.parse(hedgekit([...args.slice(0, 5), "--policy", JSON.stringify({ policy: "whalley-wilmott", params: { riskAversion: 1e-4 } }), "--json"]).stdout)
    expect(again.pnl).toEqual(out.pnl)
    const other = JSON.parse(hedgekit([...args.slice(0, 5), "--seed", "7", "--policy", JSON.stringify({ policy: "whalley-wilmott", params: { riskAversion: 1e-4 } }), "--json"]).stdout)
    expect(other.pnl.mean).not.toBe(out.pnl.mean)
    void args
  })

  it("the bundled real data: a short BTC-27MAR26 straddle hedged hourly on the perpetual until expiry", () => {
    const p = hedgekit(["backtest", "--config", "data/examples/backtest-demo.json", "--policy", JSON.stringify({ policy: "time-interval", params: { intervalMinutes: 60 } }), "--json"])
    expect(p.status).toBe(0)
    const out = JSON.parse(p.stdout)
    expect(out.paths).toBe(1)
    // hourly from 2026-01-01 00:00 to the 08:00 expiry on 2026-03-27: one decision an hour
    const hours = (Date.UTC(2026, 2, 27, 8) - Date.UTC(2026, 0, 1)) / 3_600_000
    expect(out.rebalances).toBeGreaterThan(0.9 * hours)
    expect(out.rebalances).toBeLessThanOrEqual(hours)
    expect(out.runs[0].notes.join("\n")).toMatch(/settled 2026-03-27 at \d+\.\d+ \(index at expiry\)/)
    expect(terms.reduce((s, t) => s + out.attribution[t], 0)).toBeCloseTo(out.pnl.mean, 6)
    // ten short straddles: funding on a perpetual that hedges them is paid or received, never absent
    expect(out.funding).not.toBe(0)
    expect(out.fees).toBeGreaterThan(0)
  })

  it("says what is wrong with a config, and exits 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "hk-bt-"))
    const bad = join(dir, "bad.json")
    writeFileSync(bad, JSON.stringify({ source: { kind: "simulated" } }))
    const p = hedgekit(["backtest", "--config", bad])
    expect(p.status).toBe(1)
    expect(p.stderr).toMatch(/the config .*bad\.json/)
    const missing = hedgekit(["backtest", "--config", join(dir, "nowhere.json")])
    expect(missing.stderr).toMatch(/cannot read the config/)
  })
})

describe("hedgekit frontier", () => {
  it("sweeps policies on worker threads: wider bands and longer intervals cost less and leave more risk", () => {
    const dir = mkdtempSync(join(tmpdir(), "hk-fr-"))
    const p = hedgekit(["frontier", "--config", "data/examples/backtest-gbm.json", "--paths", "300", "--workers", "2", "--report", dir, "--json"])
    expect(p.status).toBe(0)
    const out = JSON.parse(p.stdout)
    expect(out.workers).toBe(2)
    expect(out.points).toHaveLength(15)
    for (const policy of ["time-interval", "delta-band"]) {
      const pts = out.points.filter((x: { policy: string }) => x.policy === policy)
      for (let i = 1; i < pts.length; i++) {
        expect(pts[i].cost).toBeLessThan(pts[i - 1].cost)
        expect(pts[i].risk).toBeGreaterThan(pts[i - 1].risk)
      }
    }
    // Whalley–Wilmott: more risk aversion, a narrower band — more cost, less risk
    const ww = out.points.filter((x: { policy: string }) => x.policy === "whalley-wilmott")
    for (let i = 1; i < ww.length; i++) expect(ww[i].risk).toBeLessThan(ww[i - 1].risk)
    expect(p.stderr).toMatch(/15\/15/)
    // the same points as one worker: the paths do not depend on how the sweep is split
    const one = JSON.parse(hedgekit(["frontier", "--config", "data/examples/backtest-gbm.json", "--paths", "300", "--workers", "1", "--json"]).stdout)
    expect(one.points.map((x: { risk: number }) => x.risk)).toEqual(out.points.map((x: { risk: number }) => x.risk))
  })

  it("needs a simulated source", () => {
    const p = hedgekit(["frontier", "--config", "data/examples/backtest-demo.json"])
    expect(p.status).toBe(1)
    expect(p.stderr).toMatch(/simulated source|frontier/)
  })
})

describe("hedgekit backtest on Tardis.dev files", () => {
  it("replays options_chain and derivative_ticker files (here the data package's Tardis-format fixtures)", () => {
    const dir = mkdtempSync(join(tmpdir(), "hk-tardis-"))
    const fixtures = join(root, "packages/data/test/fixtures/tardis")
    const config = {
      source: {
        kind: "historical",
        tardis: {
          optionsChain: [join(fixtures, "deribit_options_chain_2020-04-01_OPTIONS.csv.gz")],
          derivativeTicker: [join(fixtures, "deribit_derivative_ticker_2020-04-01_FUTURES.csv")]
        },
        spot: "index"
      },
      book: { open: "2020-04-01T00:00:00Z", legs: [{ symbol: "BTC-3APR20-6500-C", quantity: -1 }] },
      hedge: { instrument: { kind: "perpetual", symbol: "BTC-PERPETUAL", underlying: "BTC", settlement: "inverse", contractSize: 10 }, lot: 1, fees: { maker: 0, taker: 0.0005 }, halfSpread: 0.00005 },
      accounting: "coin",
      policies: [{ name: "band", policy: { policy: "delta-band", params: { halfWidthCoins: 0.1 } } }]
    }
    const file = join(dir, "tardis.json")
    writeFileSync(file, JSON.stringify(config))
    const p = hedgekit(["backtest", "--config", file, "--json"])
    expect(p.stderr).toBe("")
    const out = JSON.parse(p.stdout)
    expect(out.paths).toBe(1)
    expect(out.currency).toBe("BTC")
    // the short call's delta (≈ −0.41 coin) is outside the 0.1 band at the opening: one hedge trade
    expect(out.rebalances).toBeGreaterThanOrEqual(1)
    expect(out.runs[0].notes[0]).toMatch(/opened 2020-04-01T00:00:00/)
  })
})
