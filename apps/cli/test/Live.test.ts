// `hedgekit live` against a fake Deribit on loopback (the execution package's test server): the venue's market data
// in, orders out under the loop's labels, a journal written — and the credentials nowhere in what the run wrote.
import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Schema from "effect/Schema"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KillSwitch } from "../../../packages/execution/src/index.js"
import { FakeDeribit } from "../../../packages/execution/test/support/fakeDeribit.js"
import { expiryCode, fridayExpiry } from "../../../packages/execution/test/support/fakeDeribitExchange.js"

const bin = fileURLToPath(new URL("../bin/hedgekit.mjs", import.meta.url))
const SECRET = "live-SECRET-0451-do-not-print"
let fake: FakeDeribit
const dir = mkdtempSync(join(tmpdir(), "hk-live-"))

beforeAll(async () => {
  fake = await FakeDeribit.start({ clientId: "live-client", clientSecret: SECRET, minHeartbeatSec: 0.05 })
  const level = (p: number): [number, number] => [p, 10_000_000]
  fake.setBook("BTC-PERPETUAL", { bids: [level(99_990)], asks: [level(100_010)] })
  fake.setIndex(100_000)
  fake.setMark("BTC-PERPETUAL", 100_000)
  const code = expiryCode(fridayExpiry(Date.now(), 14))
  for (const [symbol, iv] of [[`BTC-${code}-100000-C`, 55], [`BTC-${code}-100000-P`, 56], [`BTC-${code}-90000-P`, 62]] as const) fake.setMark(symbol, 0.03, iv)
  writeFileSync(join(dir, "live.json"), JSON.stringify({
    title: "short 2 straddles, live",
    book: { legs: [{ symbol: `BTC-${code}-100000-C`, quantity: -2 }, { symbol: `BTC-${code}-100000-P`, quantity: -2 }] },
    hedge: { instrument: { kind: "perpetual", symbol: "BTC-PERPETUAL", underlying: "BTC", settlement: "inverse", contractSize: 10 }, lot: 1, fees: { maker: 0, taker: 0.0005 }, halfSpread: 0.0001 },
    policy: { policy: "delta-band", params: { halfWidthCoins: 0.01, target: "centre" } },
    accounting: "usd",
    killSwitch: { settlementPause: false, maxOrdersPerMinute: 600 }
  }))
  writeFileSync(join(dir, "secrets.env"), `# Deribit API key\nDERIBIT_CLIENT_ID=live-client\nDERIBIT_CLIENT_SECRET=${SECRET}\n`)
}, 60_000)

afterAll(async () => {
  await fake?.close()
})

const env = { ...process.env, DERIBIT_URL: "", DERIBIT_CLIENT_ID: "", DERIBIT_CLIENT_SECRET: "", HEDGEKIT_CONFIG: "" }

describe("hedgekit live", () => {
  it("sends nothing without --live and a network", () => {
    const a = spawnSync(process.execPath, [bin, "live", "--venue", "deribit", "--testnet", "--config", join(dir, "live.json")], { encoding: "utf8", env })
    expect(a.status).toBe(1)
    expect(a.stderr).toMatch(/nothing is sent without --live/)
    const b = spawnSync(process.execPath, [bin, "live", "--venue", "deribit", "--live", "--config", join(dir, "live.json")], { encoding: "utf8", env })
    expect(b.stderr).toMatch(/--testnet or --mainnet/)
    const c = spawnSync(process.execPath, [bin, "live", "--venue", "deribit", "--testnet", "--live", "--config", join(dir, "live.json")], { encoding: "utf8", env })
    expect(c.stderr).toMatch(/no Deribit credentials/)
    // the README's example config decodes, policy and limits included: the run gets as far as the credentials
    const example = fileURLToPath(new URL("../../../data/examples/live-deribit.json", import.meta.url))
    const d = spawnSync(process.execPath, [bin, "live", "--venue", "deribit", "--testnet", "--live", "--config", example], { encoding: "utf8", env })
    expect(d.stderr).toMatch(/no Deribit credentials/)
    const limits = (JSON.parse(readFileSync(example, "utf8")) as { killSwitch: Record<string, unknown> }).killSwitch
    expect(Object.keys(Schema.decodeUnknownSync(KillSwitch.Limits)(limits)).sort()).toEqual(Object.keys(limits).sort())
  })

  it("hedges on the venue's data, journals every order, and never shows the secret", async () => {
    const journal = join(dir, "live.journal")
    const child = spawn(process.execPath, [
      bin, "live", "--venue", "deribit", "--testnet", "--live", "--config", join(dir, "live.json"), "--journal", journal,
      "--secret-file", join(dir, "secrets.env"), "--for", "4", "--status"
    ], { env: { ...env, DERIBIT_URL: fake.url }, cwd: dir })
    let stdout = "", stderr = ""
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()))
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()))
    // move the market while it runs, so that the band is crossed
    let k = 0
    const ticker = setInterval(() => {
      k++
      const S = 100_000 * (1 + 0.01 * Math.sin(k / 2))
      fake.setIndex(S)
      fake.setMark("BTC-PERPETUAL", S)
    }, 250)
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve))
    clearInterval(ticker)
    expect(stderr.includes("error") && code !== 0 ? stderr : "", stderr).toBe("")
    expect(code).toBe(0)
    expect(stdout).toMatch(/live on Deribit testnet/)
    const orders = fake.exchange.orders().filter((o) => o.label.startsWith("hk-"))
    expect(orders.length).toBeGreaterThan(0)
    const summary = JSON.parse(spawnSync(process.execPath, [bin, "journal", journal, "--json"], { encoding: "utf8", env }).stdout)
    expect(summary.intents).toBe(orders.length)
    expect(summary.unresolved).toEqual([])
    // the secret is in nothing the run wrote: output, journal (and its WAL), the config folder
    expect(stdout + stderr).not.toContain(SECRET)
    for (const f of readdirSync(dir)) {
      if (f === "secrets.env") continue
      expect(readFileSync(join(dir, f)).includes(Buffer.from(SECRET)), f).toBe(false)
    }
  }, 60_000)
})
