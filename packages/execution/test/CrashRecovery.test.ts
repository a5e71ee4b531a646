// The crash harness: the live loop (Deribit adapter, journal on disk) runs in its own process against a fake Deribit
// in another one, and is killed with SIGKILL at ≥ 200 points of the order lifecycle — before and after the intent is
// journalled, after the venue answered but before its answer was journalled, between a fill and its journal record,
// and at random moments — and restarted each time against the same venue and journal. At the end: no order lost, none
// sent twice, and the position is the one the policy wants.
import { Replay } from "@hedgekit/backtest"
import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Journal from "../src/Journal.js"
import { crashConfig, crashHedge, crashTape } from "./support/crashTape.js"
import { bundleCrashClient, bundleFakeDeribit, callFake, type FakeDeribitProcess, spawnFakeDeribit } from "./support/fakeDeribitBundle.js"

// (fills that come back with the order are journalled with its answer: "before-fill" is the point between them;
// "after-fill" belongs to fills that arrive later on the venue's stream)
const POINTS = ["before-intent", "after-intent", "after-send", "before-fill", "after-update"] as const
const CRASHES = Number(process.env["CRASHES"] ?? 200)

let fake: FakeDeribitProcess
let client = ""

beforeAll(async () => {
  const [fakeBundle, clientBundle] = await Promise.all([bundleFakeDeribit(), bundleCrashClient()])
  client = clientBundle
  fake = await spawnFakeDeribit(fakeBundle)
  // deep enough that no hedge order of the tape runs out of book
  const level = (price: number): [number, number] => [price, 100_000_000]
  await callFake(fake.url, "fake/set_book", { instrument_name: "BTC-PERPETUAL", bids: [level(99_990), level(99_900)], asks: [level(100_010), level(100_100)] })
}, 120_000)

afterAll(async () => {
  await fake?.stop()
})

/** One run of the client: how it ended, and its output. */
const runClient = (journal: string, crash?: { point: string; at: number }, killAfterMs?: number) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    const args = [client, "--url", fake.url, "--journal", journal, ...(crash ? ["--crash-point", crash.point, "--crash-at", String(crash.at)] : [])]
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = "", stderr = ""
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()))
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()))
    const timer = killAfterMs !== undefined ? setTimeout(() => child.kill("SIGKILL"), killAfterMs) : undefined
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })

describe("crash recovery", () => {
  it(`loses no order and sends none twice when killed at ${CRASHES} points of the order lifecycle`, async () => {
    const journal = join(mkdtempSync(join(tmpdir(), "hk-crash-")), "crash.journal")
    let x = 20261125
    const uniform = () => {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0
      return x / 4294967296
    }
    let killed = 0
    const byPoint = new Map<string, number>()
    let runs = 0
    for (; killed < CRASHES && runs < 2 * CRASHES; runs++) {
      // a tenth of the runs are killed at a random moment instead of a named point
      const random = uniform() < 0.1
      const point = POINTS[Math.floor(uniform() * POINTS.length)]!
      const at = 1 + Math.floor(uniform() * 10)
      const r = random ? await runClient(journal, undefined, 150 + Math.floor(uniform() * 900)) : await runClient(journal, { point, at })
      if (r.signal === "SIGKILL") {
        killed++
        const key = random ? "random moment" : point
        byPoint.set(key, (byPoint.get(key) ?? 0) + 1)
      } else {
        // a run that got through the whole tape before its crash point came
        expect(r.code, r.stderr).toBe(0)
      }
    }
    // the last run is left alone: it recovers and finishes the tape
    const last = await runClient(journal)
    expect(last.code, last.stderr).toBe(0)
    const done = JSON.parse(last.stdout.trim().split("\n").at(-1)!) as { hedge: number }

    expect(killed).toBe(CRASHES)
    for (const p of POINTS) expect(byPoint.get(p) ?? 0, `crashes at ${p}`).toBeGreaterThan(0)

    const orders = (await callFake(fake.url, "fake/orders")) as Array<{ label: string; order_id: string; filled_amount: number; order_state: string }>
    const ours = orders.filter((o) => o.label.startsWith("crash-"))
    // nothing sent twice: every label reached the venue at most once
    const labels = ours.map((o) => o.label)
    expect(new Set(labels).size).toBe(labels.length)
    // nothing lost: every order at the venue was journalled before it was sent, and every intent is accounted for
    const file = Journal.open(journal)
    const intents = new Map(file.intents().map((i) => [i.clientOrderId, i]))
    for (const o of ours) expect(intents.has(o.label), `order ${o.label} at the venue but not in the journal`).toBe(true)
    expect(file.unresolved()).toEqual([])
    for (const i of intents.values()) {
      const atVenue = ours.find((o) => o.label === i.clientOrderId)
      if (i.state === "unsent") expect(atVenue, `${i.clientOrderId} marked unsent but at the venue`).toBeUndefined()
      else expect(atVenue, `${i.clientOrderId} (${i.state}) not at the venue`).toBeDefined()
    }
    // every fill at the venue is in the journal, once
    const trades = (await callFake(fake.url, "fake/trades")) as Array<{ trade_id: string; label?: string }>
    const journalled = new Set(file.fills().map((f) => f.tradeId))
    for (const t of trades) expect(journalled.has(String(t.trade_id)), `trade ${t.trade_id} not journalled`).toBe(true)
    file.close()

    // the position is the one the policy wants at the end of the tape (computed without any crash)
    const intended = await Replay.run(crashTape(), crashConfig())
    const positions = (await callFake(fake.url, "fake/positions")) as Array<{ instrument_name: string; size: number }>
    const perp = positions.find((p) => p.instrument_name === crashHedge.symbol)!
    expect(perp.size / crashHedge.contractSize).toBe(intended.engine.account.hedge[0])
    expect(done.hedge).toBe(intended.engine.account.hedge[0])
  }, 1_800_000)
})
