// The example project as a user runs it: the plugins installed as packages (here linked from the workspace by
// pnpm, as npm would install them), listed by npm name in hedgekit.config.json, used through the hedgekit binary.
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const here = fileURLToPath(new URL("..", import.meta.url))
const hedgekit = (args: Array<string>) =>
  spawnSync(process.execPath, [fileURLToPath(new URL("../node_modules/@hedgekit/cli/bin/hedgekit.mjs", import.meta.url)), ...args], {
    cwd: here, encoding: "utf8", timeout: 300_000, env: { ...process.env, HEDGEKIT_CONFIG: "" }
  })

describe("the example project", () => {
  it("loads both plugins by npm name", () => {
    const p = hedgekit(["plugins", "--json"])
    expect(p.stderr).toBe("")
    const info = JSON.parse(p.stdout)
    expect(info.plugins.map((x: { name: string }) => x.name)).toEqual(["hedgekit-plugin-variance-gamma", "hedgekit-plugin-barles-soner"])
    expect(info.plugins[0].models[0]).toMatchObject({ name: "variance-gamma", params: ["sigma", "nu", "theta"] })
    expect(info.plugins[1].policies[0]).toMatchObject({ name: "barles-soner" })
  })

  it("prices Variance Gamma rows: Fang & Oosterlee's published values, and a clear error for a bad parameter", () => {
    const p = hedgekit(["price", "--input", "vg-rows.jsonl", "--output", "-"])
    expect(p.status).toBe(0)
    const rows = p.stdout.trim().split("\n").map((l) => JSON.parse(l))
    expect(rows).toHaveLength(4)
    // Fang & Oosterlee (2008), VG: S = 100, K = 90, r = 0.1, σ = 0.12, θ = −0.14, ν = 0.2 (9–10 published digits)
    expect(Math.abs(rows[0].price / 10.993703187 - 1)).toBeLessThan(1e-9)
    expect(Math.abs(rows[1].price / 19.099354724 - 1)).toBeLessThan(1e-9)
    expect(rows[2].price).toBeGreaterThan(0)
    expect(rows[2].delta).toBeLessThan(0)
    expect(rows[3].error).toMatchObject({ tag: "InvalidInput", field: "nu" })
    // VG's θ sits in `params`: a row field `theta` would be overwritten by the output Greek of that name
    expect(rows[0].params.theta).toBe(-0.14)
    // …and a row that gives it as a field is told so, not silently given the Greek in its place
    const asField = spawnSync(process.execPath, [fileURLToPath(new URL("../node_modules/@hedgekit/cli/bin/hedgekit.mjs", import.meta.url)), "price", "--input", "-", "--output", "-"], {
      cwd: here, encoding: "utf8", input: JSON.stringify({ model: "variance-gamma", type: "call", forward: 100, strike: 100, expiry: 1, sigma: 0.2, nu: 0.2, theta: -0.1 }) + "\n"
    })
    expect(JSON.parse(asField.stdout).error).toMatchObject({ tag: "InvalidInput", field: "theta" })
    expect(readFileSync(new URL("../vg-rows.jsonl", import.meta.url), "utf8")).toContain("fang-oosterlee")
  })

  it("backtests the Barles–Soner plugin policy beside a built-in one", () => {
    const p = hedgekit(["backtest", "--config", "backtest-barles-soner.json", "--json"])
    expect(p.stderr).toBe("")
    expect(p.status).toBe(0)
    const out = JSON.parse(p.stdout)
    expect(out.runs.map((r: { policy: string }) => r.policy)).toEqual(["Whalley–Wilmott γ=1e-4", "Barles–Soner γ=1e-4 (plugin)"])
    for (const r of out.runs) {
      expect(r.paths).toBe(400)
      expect(r.rebalances).toBeGreaterThan(0)
      expect(Number.isFinite(r.pnl.std)).toBe(true)
    }
  })
})
