// End-to-end: the built binary, as scripts call it (requires `build`, which turbo runs first).
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const bin = fileURLToPath(new URL("../bin/hedgekit.mjs", import.meta.url))
const hedgekit = (args: Array<string>, input?: string) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", input, timeout: 30_000 })

describe("hedgekit binary", () => {
  it("streams JSON Lines from stdin to stdout, one row per row, in order, bad lines included", () => {
    const rows = [
      { id: 1, model: "bachelier", type: "call", forward: 100, strike: 100, expiry: 1, vol: 20 },
      "not json",
      { id: 3, model: "bsm", type: "put", spot: 100, strike: 100, expiry: 1, rate: 0.05, vol: 0.2 }
    ]
    const input = rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n"
    const p = hedgekit(["price", "--input", "-", "--output", "-"], input)
    expect(p.status).toBe(0)
    const out = p.stdout.trim().split("\n").map((l) => JSON.parse(l))
    expect(out).toHaveLength(3)
    expect(Math.abs(out[0].price / 7.978845608028654 - 1)).toBeLessThan(1e-14)
    expect(out[1].error.tag).toBe("InvalidInput")
    expect(Math.abs(out[2].price / 5.573526022256971 - 1)).toBeLessThan(1e-14)
  })

  it("reads CSV and writes CSV with error columns", () => {
    const dir = mkdtempSync(join(tmpdir(), "hk-cli-"))
    const src = join(dir, "in.csv"), dst = join(dir, "out.csv")
    writeFileSync(
      src,
      "id,model,type,forward,strike,expiry,price\nx,black76,call,100,100,1,7.965567455405804\ny,black76,call,100,100,1,150\n"
    )
    const p = hedgekit(["iv", "--input", src, "--output", dst])
    expect(p.status).toBe(0)
    const lines = readFileSync(dst, "utf8").trim().split("\n")
    expect(lines[0]).toBe("id,model,type,forward,strike,expiry,price,vol,error_tag,error_field,error_value,error_message")
    expect(Math.abs(Number(lines[1]!.split(",")[7]) / 0.2 - 1)).toBeLessThan(1e-14)
    expect(lines[2]).toContain("PriceOutOfBounds")
  })

  it("exits non-zero only for an unusable invocation", () => {
    expect(hedgekit(["price", "--input", "/nonexistent/rows.jsonl"]).status).not.toBe(0)
    expect(hedgekit(["price", "--input", "rows.txt"]).status).not.toBe(0)
    const one = hedgekit(["price", "--model", "bsm", "--type", "call", "--spot", "100", "--strike", "100", "--expiry", "1", "--rate", "0.05", "--vol", "0.2"])
    expect(one.status).toBe(0)
    expect(one.stdout).toContain("10.4505835721855")
    const bad = hedgekit(["price", "--model", "bsm", "--type", "call", "--spot=-100", "--strike", "100", "--expiry", "1", "--vol", "0.2"])
    expect(bad.status).not.toBe(0)
    expect(bad.stderr + bad.stdout).toContain("spot")
  })

  it("has --help on every command", () => {
    for (const cmd of ["price", "iv", "greeks", "risk", "market", "calibrate", "chain"]) {
      const p = hedgekit([cmd, "--help"])
      expect(p.stdout).toContain("USAGE")
    }
  })

  it("JSON Lines to CSV keeps every row's fields under one header, unreadable lines included", () => {
    const dir = mkdtempSync(join(tmpdir(), "hk-cli-"))
    const src = join(dir, "in.jsonl"), dst = join(dir, "out.csv")
    writeFileSync(
      src,
      [
        "not json",
        JSON.stringify({ id: "a", model: "black76", type: "call", forward: 100, strike: 100, expiry: 1, vol: 0.2 }),
        JSON.stringify({ id: "b", model: "bsm", type: "put", spot: 100, strike: 100, expiry: 1, vol: 0.2, book: "x" })
      ].join("\n") + "\n"
    )
    expect(hedgekit(["price", "--input", src, "--output", dst]).status).toBe(0)
    const [header, first, second, third] = readFileSync(dst, "utf8").trim().split("\n")
    expect(header!.split(",").slice(0, 8)).toEqual(["id", "model", "type", "forward", "strike", "expiry", "vol", "spot"])
    expect(header).toContain("book")
    expect(first).toContain("InvalidInput,line 1")
    expect(second!.startsWith("a,black76,call,100,100,1,0.2,")).toBe(true)
    expect(third).toContain(",x,")
  })

  it("takes plain decimals only, and never truncates the output when the input is missing", () => {
    const row = { model: "black76", type: "call", forward: 100, strike: 100, expiry: 1, vol: "0x10" }
    const out = JSON.parse(hedgekit(["price", "--input", "-", "--output", "-"], JSON.stringify(row) + "\n").stdout)
    expect(out.error.field).toBe("vol")
    const dir = mkdtempSync(join(tmpdir(), "hk-cli-"))
    const keep = join(dir, "keep.csv")
    writeFileSync(keep, "precious\n")
    expect(hedgekit(["price", "--input", join(dir, "missing.csv"), "--output", keep]).status).not.toBe(0)
    expect(readFileSync(keep, "utf8")).toBe("precious\n")
  })

  it("input columns named error or error_* pass through; the error columns carry only this row's error", () => {
    const dir = mkdtempSync(join(tmpdir(), "hk-cli-"))
    const src = join(dir, "in.csv")
    writeFileSync(src, "id,model,type,spot,strike,expiry,vol,error,error_note\n1,bsm,call,100,100,1,0.2,keep,n1\n2,bsm,call,-1,100,1,0.2,keep2,n2\n")
    const p = hedgekit(["price", "--input", src, "--output", "-", "--output-format", "csv"])
    const [header, ok, bad] = p.stdout.trim().split("\n")
    expect(header!.startsWith("id,model,type,spot,strike,expiry,vol,error,error_note,price,")).toBe(true)
    expect(ok!.startsWith("1,bsm,call,100,100,1,0.2,keep,n1,7.96556745540579")).toBe(true)
    expect(ok!.endsWith(",,,,")).toBe(true)
    expect(bad).toContain("keep2,n2,")
    expect(bad).toContain("InvalidInput,spot,-1")
  })

  it("a header-only CSV gives a header-only CSV with the input columns", () => {
    const dir = mkdtempSync(join(tmpdir(), "hk-cli-"))
    const src = join(dir, "in.csv")
    writeFileSync(src, "id,model,type,spot,strike,expiry,vol\n")
    const p = hedgekit(["price", "--input", src, "--output", "-"])
    expect(p.stdout.trim()).toBe(
      "id,model,type,spot,strike,expiry,vol,price,delta,gamma,vega,theta,rho,dividendRho,error_tag,error_field,error_value,error_message"
    )
  })

  it("refuses a directory as input and the input as output, leaving every file as it was", () => {
    const dir = mkdtempSync(join(tmpdir(), "hk-cli-"))
    const keep = join(dir, "keep.csv")
    writeFileSync(keep, "id,model,type,spot,strike,expiry,vol\n1,bsm,call,100,100,1,0.2\n")
    const before = readFileSync(keep, "utf8")
    expect(hedgekit(["price", "--input", dir, "--output", keep]).status).not.toBe(0)
    expect(hedgekit(["price", "--input", keep, "--output", keep]).status).not.toBe(0)
    expect(readFileSync(keep, "utf8")).toBe(before)
  })
})
