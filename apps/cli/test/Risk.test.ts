// End-to-end: `hedgekit greeks`, `hedgekit risk` and `hedgekit market` on the bundled real data (built binary).
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { ClosedForm, Portfolio } from "@hedgekit/greeks"
import { describe, expect, it } from "vitest"

const bin = fileURLToPath(new URL("../bin/hedgekit.mjs", import.meta.url))
const root = fileURLToPath(new URL("../../../", import.meta.url))
const hedgekit = (args: Array<string>, input?: string) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", input, timeout: 60_000, cwd: root })
const tmp = () => mkdtempSync(join(tmpdir(), "hk-risk-"))

describe("hedgekit greeks", () => {
  it("prints one option in Deribit's units (the Tardis BTC-9JUN20-9875-P row)", () => {
    const p = hedgekit(["greeks", "--model", "black76", "--type", "put", "--forward", "9756.36", "--strike", "9875", "--expiry", "0.003653", "--vol", "0.6289", "--units", "deribit"])
    expect(p.status).toBe(0)
    const value = (name: string) => Number(p.stdout.split("\n").find((l) => l.startsWith(name + " "))!.trim().split(/\s+/)[1])
    expect(value("delta")).toBeCloseTo(-0.61752, 5)
    expect(value("vega")).toBeCloseTo(2.2496, 4)
    expect(value("theta")).toBeCloseTo(-53.054, 3)
  })

  it("adds the higher-order fields to the price row contract, raw units by default", () => {
    const row = { id: "a", model: "bsm", type: "call", spot: 100, strike: 110, expiry: 0.5, rate: 0.03, dividend: 0.01, vol: 0.3 }
    const p = hedgekit(["greeks", "--input", "-", "--output", "-"], JSON.stringify(row) + "\n" + JSON.stringify({ ...row, id: "b", vol: -1 }) + "\n")
    expect(p.status).toBe(0)
    const [a, b] = p.stdout.trim().split("\n").map((l) => JSON.parse(l))
    const g = ClosedForm.blackScholes("call", 100, 110, 0.5, 0.03, 0.01, 0.3)
    for (const key of Object.keys(g) as Array<keyof typeof g>) expect(a[key]).toBe(g[key])
    expect(a.id).toBe("a")
    expect(b.error).toMatchObject({ tag: "InvalidInput", field: "vol" })
    const d = hedgekit(["greeks", "--input", "-", "--output", "-", "--units", "deribit"], JSON.stringify(row) + "\n")
    expect(JSON.parse(d.stdout).error).toMatchObject({ field: "model" })
  })

  it("writes CSV with every Greek column", () => {
    const dir = tmp()
    writeFileSync(join(dir, "in.csv"), "model,type,forward,strike,expiry,vol\nblack76,call,90000,100000,0.1,0.55\n")
    expect(hedgekit(["greeks", "--input", join(dir, "in.csv"), "--output", join(dir, "out.csv")]).status).toBe(0)
    expect(readFileSync(join(dir, "out.csv"), "utf8").split("\n")[0]).toBe(
      "model,type,forward,strike,expiry,vol,price,delta,gamma,vega,theta,rho,dividendRho,vanna,volga,charm,veta,speed,zomma,color,ultima,dualDelta,dualGamma,error_tag,error_field,error_value,error_message"
    )
  })
})

describe("hedgekit market and risk on the bundled Deribit chain", () => {
  it("builds the example market file from the chain's first snapshot", () => {
    const dir = tmp()
    const p = hedgekit(["market", "--chain", "data/deribit/deribit_btc_option_chain_weekly.csv", "--output", join(dir, "market.json")])
    expect(p.status).toBe(0)
    expect(readFileSync(join(dir, "market.json"), "utf8")).toBe(readFileSync(join(root, "data/examples/market.json"), "utf8"))
  })

  for (const accounting of ["usd", "coin"] as const) {
    it(`net Greeks by expiry, ${accounting} accounting, JSON equal to the library's`, () => {
      const dir = tmp()
      const out = join(dir, "risk.json")
      const p = hedgekit(["risk", "--book", "data/examples/book.json", "--market", "data/examples/market.json", "--accounting", accounting, "--output", out])
      expect(p.status).toBe(0)
      const book = JSON.parse(readFileSync(join(root, "data/examples/book.json"), "utf8")) as Portfolio.Book
      const market = JSON.parse(readFileSync(join(root, "data/examples/market.json"), "utf8")) as Portfolio.Market
      const expected = Portfolio.exposure(book, market, accounting)
      const got = JSON.parse(readFileSync(out, "utf8"))
      // Same numbers to rounding (the binary runs the built packages, this test their sources).
      const close = (a: unknown, b: unknown): void => {
        if (typeof b === "number") expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)))
        else if (typeof b === "object" && b !== null) for (const k of Object.keys(b)) close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
        else expect(a).toBe(b)
      }
      close(got.exposures, JSON.parse(JSON.stringify(expected.exposures)))
      expect(got.errors).toEqual([])
      const table = hedgekit(["risk", "--book", "data/examples/book.json", "--market", "data/examples/market.json", "--accounting", accounting])
      expect(table.stdout).toContain("2026-01-02")
      expect(table.stdout).toMatch(/^total/m)
    })
  }

  it("a scenario grid as CSV: one row per cell", () => {
    const dir = tmp()
    const out = join(dir, "grid.csv")
    const p = hedgekit(["risk", "--book", "data/examples/book.json", "--market", "data/examples/market.json", "--scenario", "--spot-shocks=-0.1:0.1:5", "--vol-shocks", "0", "--days", "0,7", "--output", out])
    expect(p.status).toBe(0)
    const lines = readFileSync(out, "utf8").trim().split("\n")
    expect(lines).toHaveLength(1 + 5 * 1 * 2)
    const origin = lines.find((l) => l.startsWith("BTC,usd,0,0,absolute,0,"))!
    expect(origin.split(",").slice(6).map(Number)).toEqual([0, 0, 0])
  })

  it("names a position it cannot value, keeps the rest, and exits 1", () => {
    const dir = tmp()
    const book = JSON.parse(readFileSync(join(root, "data/examples/book.json"), "utf8"))
    book.positions.push({ ...book.positions[0], id: "mystery", instrument: { ...book.positions[0].instrument, symbol: "BTC-2JAN26-91234-C", strike: 91234 } })
    writeFileSync(join(dir, "book.json"), JSON.stringify(book))
    const p = hedgekit(["risk", "--book", join(dir, "book.json"), "--market", "data/examples/market.json"])
    expect(p.status).toBe(1)
    expect(p.stderr).toContain("position mystery: vol")
    expect(p.stdout).toMatch(/^total/m)
  })

  it("refuses a malformed book file, naming the problem", () => {
    const dir = tmp()
    writeFileSync(join(dir, "book.json"), JSON.stringify({ positions: [{ id: "x", quantity: "ten" }] }))
    const p = hedgekit(["risk", "--book", join(dir, "book.json"), "--market", "data/examples/market.json"])
    expect(p.status).toBe(1)
    expect(p.stderr).toMatch(/book file .*quantity|instrument/)
  })
})
