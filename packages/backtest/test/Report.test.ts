import { existsSync } from "node:fs"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { Costs, Policies } from "@hedgekit/hedging"
import { RebalancePolicy } from "@hedgekit/sdk"
import { type Browser, chromium } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import type * as EngineModule from "../src/Engine.js"
import { Report, Simulate, Summary } from "../src/index.js"
import { gbmSource } from "./support/gbm.js"

// Simulate.run builds its engine inside; keep a handle on each one so that the path source can record the first
// path after every decision, as Replay records its points.
const built = vi.hoisted((): Array<EngineModule.Engine> => [])
vi.mock(import("../src/Engine.js"), async (importOriginal) => {
  const actual = await importOriginal()
  return {
    ...actual,
    make: (...args: Parameters<typeof actual.make>) => {
      const engine = actual.make(...args)
      built.push(engine)
      return engine
    }
  }
})


interface Points {
  timeMs: Array<number>; spot: Array<number>; bookDelta: Array<number>; hedgeDelta: Array<number>; pnl: Array<number>
}

/** The source, recording path 0 of the engine being run after each decision (each step follows one). */
const recording = (source: Simulate.PathSource, into: Points): Simulate.PathSource => ({
  ...source,
  step: (spot) => {
    const e = built[built.length - 1]!
    into.timeMs.push(e.inputs.timeMs[0]!)
    into.spot.push(e.inputs.spot[0]!)
    into.bookDelta.push(e.inputs.bookDelta[0]!)
    into.hedgeDelta.push(e.account.hedge[0]! * e.inputs.unitDelta[0]!)
    into.pnl.push(e.pnl()[0]!)
    return source.step(spot)
  }
})

const DAYS = 7
const YEARS = DAYS / 365
const STEPS = DAYS * 24
const VOL = 0.55

/** A short ATM straddle on 10 BTC (USD-settled), hedged with a linear perpetual, USD accounting. */
const simulate = (policy: RebalancePolicy.Rebalancer, paths: number, seed: number, points?: Points) => {
  const source = gbmSource(paths, STEPS, 100_000, VOL, YEARS, seed)
  const engine = Simulate.run(points ? recording(source, points) : source, {
    legs: [
      { optionType: "call", strike: 100_000, expiryYears: YEARS, quantity: -10, settlement: "linear" },
      { optionType: "put", strike: 100_000, expiryYears: YEARS, quantity: -10, settlement: "linear" }
    ],
    hedge: { kind: "perpetual", symbol: "BTCUSDT", underlying: "BTC", settlement: "linear", contractSize: 0.001 },
    costs: { lot: 1, fees: { maker: 0.0002, taker: 0.0005 }, halfSpread: 0.00002 },
    policy,
    accounting: "usd",
    impliedVol: VOL,
    funding: { rate: 0.0001, intervalHours: 8 },
    optionFees: Costs.deribit.linearOptions
  })
  return { engine, summary: Summary.of(engine) }
}

const policies = {
  interval: (minutes: number) => RebalancePolicy.configure(Policies.timeInterval, { intervalMinutes: minutes }),
  band: (coins: number) => RebalancePolicy.configure(Policies.deltaBand, { halfWidthCoins: coins }),
  ww: (riskAversion: number) => RebalancePolicy.configure(Policies.whalleyWilmott, { riskAversion })
}

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
const noChromium =
  `Chromium not found at ${chromiumPath}: the report test opens the page in headless Chromium. ` +
  "Install Debian's package (as root: `apt-get update && apt-get install -y chromium`), " +
  "or set CHROMIUM_PATH to a Chromium or Chrome binary."

describe("Report", () => {
  let dir = ""
  let browser: Browser | undefined
  let input: Report.ReportInput
  let files: Report.Written

  beforeAll(async () => {
    // no Chromium fails the browser test below (with how to install it), not the whole file
    const launching = existsSync(chromiumPath)
      ? chromium.launch({
        executablePath: chromiumPath,
        args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
      })
      : undefined
    const runs: Array<Report.Run> = []
    for (const [k, policy] of [policies.interval(240), policies.band(2), policies.ww(1e-4)].entries()) {
      const points: Points = { timeMs: [], spot: [], bookDelta: [], hedgeDelta: [], pnl: [] }
      const { engine, summary } = simulate(policy, 400, 7 + k, points)
      runs.push({ summary, pnl: engine.pnl(), series: points })
    }
    // the same policy name twice, and markup in a name: both must come out as text
    const last = simulate(policies.band(0.5), 200, 99)
    runs.push({ summary: { ...last.summary, policy: 'delta-band <b>"h=0.5"</b>' }, pnl: last.engine.pnl() })
    const frontier: Array<Report.FrontierPoint> = []
    for (const [name, make, settings] of [["time-interval", policies.interval, [60, 240, 720]], ["delta-band", policies.band, [0.5, 2, 5]]] as const) {
      for (const x of settings) {
        const { summary } = simulate(make(x), 150, 31)
        frontier.push({ policy: name, label: name === "delta-band" ? `h = ${x} BTC` : `${x} min`, cost: summary.fees + summary.slippage + summary.funding, risk: summary.pnl.std })
      }
    }
    input = {
      title: "Short straddle <script>window.__injected = 1</script> & hedges",
      source: "Simulated GBM (σ = 55 %), BTC 100,000, 7 days hourly → expiry",
      accounting: "usd",
      currency: "USD",
      underlying: "BTC",
      runs,
      frontier,
      notes: ["Options valued at a flat vol.", "</script><img src=x onerror=\"window.__injected = 2\">"]
    }
    dir = await mkdtemp(path.join(tmpdir(), "hedgekit-report-"))
    files = await Report.write(path.join(dir, "out"), input)
    browser = await launching
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it("writes index.html and summary.json (summaries, frontier, notes; no per-path arrays)", async () => {
    expect(path.basename(files.html)).toBe("index.html")
    expect(path.basename(files.json)).toBe("summary.json")
    const summary = JSON.parse(await readFile(files.json, "utf8")) as { runs: Array<Summary.Summary>; frontier: Array<unknown>; notes: Array<string>; currency: string }
    expect(summary.currency).toBe("USD")
    expect(summary.runs.map((r) => r.policy)).toEqual(input.runs.map((r) => r.summary.policy))
    expect(summary.runs[0]!.pnl.paths).toBe(400)
    expect(summary.frontier).toHaveLength(6)
    expect(summary.notes).toEqual(input.notes)
    expect(summary.runs[0]).not.toHaveProperty("series")
    expect(JSON.stringify(summary)).not.toMatch(/"(pnl|series)":\s*\[/)
  })

  it("fetches nothing: no remote script, style, link, import or request in the page", async () => {
    const page = await readFile(files.html, "utf8")
    expect(page).not.toMatch(/<(script|img|iframe|link|source|audio|video|embed|object)\b[^>]*\s(src|href|data)\s*=/i)
    expect(page).not.toMatch(/(src|href|action|poster)\s*=\s*["']?\s*(https?:)?\/\//i)
    expect(page).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i)
    expect(page).not.toMatch(/@import|\bfetch\s*\(|XMLHttpRequest|new\s+WebSocket|\bimport\s*\(/)
    expect(page).not.toMatch(/["'`]\s*https?:\/\//i) // no URL in a string anywhere
    expect(page).toContain("Content-Security-Policy")
  })

  it("renders every chart, one table row per run, and logs no error in headless Chromium", async () => {
    if (!browser) throw new Error(noChromium)
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 })
    const page = await context.newPage()
    const errors: Array<string> = []
    const requests: Array<string> = []
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") errors.push(`console.${m.type()}: ${m.text()}`)
    })
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`))
    page.on("request", (r) => requests.push(r.url()))
    const url = pathToFileURL(files.html).href
    await page.goto(url, { waitUntil: "load" })
    await page.waitForFunction("document.documentElement.getAttribute('data-rendered') !== null", undefined, { timeout: 10_000 })

    const charts = await page.evaluate(`Array.from(document.querySelectorAll("[data-chart]"), (el) => {
      const canvas = el.querySelector("canvas")
      let colored = 0
      if (canvas && canvas.width > 0 && canvas.height > 0) {
        const px = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data
        for (let i = 0; i < px.length; i += 4) {
          if (px[i + 3] > 0 && Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 40) colored++
        }
      }
      const box = canvas ? canvas.getBoundingClientRect() : { width: 0, height: 0 }
      return { id: el.id, kind: el.dataset.chart, marks: Number(el.dataset.marks ?? 0), width: box.width, height: box.height, colored }
    })`) as Array<{ id: string; kind: string; marks: number; width: number; height: number; colored: number }>

    const withSeries = input.runs.filter((r) => r.series).length
    const kinds = charts.map((c) => c.kind)
    expect(kinds.filter((k) => k === "distribution")).toHaveLength(1)
    expect(kinds.filter((k) => k === "delta")).toHaveLength(withSeries)
    expect(kinds.filter((k) => k === "pnl")).toHaveLength(withSeries)
    expect(kinds.filter((k) => k === "waterfall")).toHaveLength(input.runs.length)
    expect(kinds.filter((k) => k === "frontier")).toHaveLength(1)
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(250)
      expect(c.height, c.id).toBeGreaterThan(100)
      expect(c.marks, c.id).toBeGreaterThan(0)
      expect(c.colored, `${c.id}: coloured pixels drawn`).toBeGreaterThan(200)
    }
    // the delta chart drew one mark per point of each of its four lines
    expect(charts.find((c) => c.id === "chart-delta-0")!.marks).toBe(4 * input.runs[0]!.series!.timeMs.length)

    const table = await page.evaluate(`Array.from(document.querySelectorAll("#summary-table tbody tr"), (tr) => Array.from(tr.cells, (td) => td.textContent))`) as Array<Array<string>>
    expect(table).toHaveLength(input.runs.length)
    expect(table.map((r) => r[0])).toEqual(["time-interval", "delta-band", "whalley-wilmott", 'delta-band <b>"h=0.5"</b>'])
    expect(table[0]![1]).toBe("400")
    const headers = await page.evaluate(`Array.from(document.querySelectorAll("#summary-table th"), (th) => th.textContent)`) as Array<string>
    for (const h of ["Mean P&L(USD)", "VaR 95 %(USD)", "CVaR 99 %(USD)", "Fees(USD/path)", "Funding(USD/path)"]) expect(headers).toContain(h)

    // text stays text: the title, the notes and the names injected nothing
    const page2 = await page.evaluate(`({ title: document.title, h1: document.querySelector("h1").textContent,
      injected: window.__injected ?? null, imgs: document.images.length, bold: document.querySelectorAll("b").length,
      legend: Array.from(document.querySelectorAll("#chart-distribution .u-legend th"), (th) => th.textContent), notes: Array.from(document.querySelectorAll("#notes li"), (li) => li.textContent) })`) as
      { title: string; h1: string; injected: unknown; imgs: number; bold: number; legend: Array<string>; notes: Array<string> }
    expect(page2.title).toBe(input.title)
    expect(page2.h1).toBe(input.title)
    expect(page2.notes).toEqual(input.notes)
    expect(page2.injected).toBeNull()
    expect(page2.imgs).toBe(0)
    expect(page2.bold).toBe(0)
    expect(page2.legend).toContain('delta-band <b>"h=0.5"</b>')

    expect(errors).toEqual([])
    expect(requests.filter((u) => u !== url && !u.startsWith("data:"))).toEqual([])
    // REPORT_SCREENSHOT=/tmp/report.png saves the page as a picture, to look at it
    if (process.env.REPORT_SCREENSHOT) await page.screenshot({ path: process.env.REPORT_SCREENSHOT, fullPage: true })
    await context.close()
  })

  it("rejects a series whose columns differ in length", () => {
    const run = input.runs[0]!
    expect(() => Report.html({ ...input, runs: [{ ...run, series: { ...run.series!, spot: [1, 2] } }] })).toThrow(/series\.spot/)
    expect(() => Report.html({ ...input, runs: [] })).toThrow(/at least one run/)
  })
})
