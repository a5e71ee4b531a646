// End-to-end: `hedgekit calibrate` on the bundled Deribit chain (built binary).
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const bin = fileURLToPath(new URL("../bin/hedgekit.mjs", import.meta.url))
const root = fileURLToPath(new URL("../../../", import.meta.url))
const hedgekit = (args: Array<string>) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 120_000, cwd: root })
const weekly = "data/deribit/deribit_btc_option_chain_weekly.csv"

describe("hedgekit calibrate", () => {
  it("fits SVI per expiry of the first snapshot, with the fit per expiry, a JSON file and an HTML plot", () => {
    const dir = mkdtempSync(join(tmpdir(), "hk-cal-"))
    const p = hedgekit(["calibrate", "--chain", weekly, "--model", "svi", "--output", join(dir, "svi.json"), "--report", join(dir, "smiles.html")])
    expect(p.status).toBe(0)
    expect(p.stdout).toContain("2025-12-30T17:31:15.944Z")
    expect(p.stdout).toMatch(/dropped: 236 in the money .*; 15 one-sided/)
    const fit = JSON.parse(readFileSync(join(dir, "svi.json"), "utf8"))
    expect(fit.expiries.length).toBe(12)
    for (const e of fit.expiries) {
      expect(e.rmse * 100).toBeLessThan(0.5)
      expect(e.butterflyFree).toBe(true)
      expect(Object.keys(e.params)).toEqual(["a", "b", "rho", "m", "sigma"])
    }
    expect((readFileSync(join(dir, "smiles.html"), "utf8").match(/<svg /g) ?? []).length).toBe(12)
  })

  it("fits SABR at a later snapshot of the 27MAR26 file, point in time", () => {
    const p = hedgekit(["calibrate", "--chain", "data/deribit/deribit_btc_options_27MAR26.csv", "--model", "sabr", "--at", "1770000000000"])
    expect(p.status).toBe(0)
    expect(p.stdout).toContain("2026-02-01T21:23:30.436Z")
    expect(p.stdout).toMatch(/2026-03-27 .* alpha=/)
  })

  it("fits SSVI across expiries and reports its no-arbitrage checks", () => {
    const p = hedgekit(["calibrate", "--chain", weekly, "--model", "ssvi", "--min-days", "3"])
    expect(p.status).toBe(0)
    expect(p.stdout).toMatch(/"butterflyFree":(true|false),"calendarFree":(true|false)/)
  })

  it("refuses a time before every snapshot", () => {
    const p = hedgekit(["calibrate", "--chain", weekly, "--model", "svi", "--at", "0"])
    expect(p.status).toBe(1)
    expect(p.stderr).toContain("no snapshot")
  })
})

describe("hedgekit calibrate heston", () => {
  it("fits Heston across the expiries from 3 days, with a converged solver and RMSE per expiry", () => {
    const p = hedgekit(["calibrate", "--chain", weekly, "--model", "heston", "--min-days", "3"])
    expect(p.status).toBe(0)
    expect(p.stdout).toMatch(/"initialVariance":[0-9.e-]+,"meanReversion"/)
    expect(p.stdout).toContain('"converged":true')
    const rmse = p.stdout.split("\n").filter((l) => /^20\d\d-\d\d-\d\d /.test(l)).map((l) => Number(l.trim().split(/\s+/)[3]))
    expect(rmse.length).toBe(9)
    for (const r of rmse) expect(r).toBeLessThan(3)
  })
})
