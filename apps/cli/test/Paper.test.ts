// End-to-end: `hedgekit paper` — the live loop (journal, recovery, kill switch) against the paper exchange on the
// bundled real data — gives the backtest's numbers when latency and partial fills are off, and `hedgekit journal`
// reads back what it wrote.
import { spawnSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const bin = fileURLToPath(new URL("../bin/hedgekit.mjs", import.meta.url))
const root = fileURLToPath(new URL("../../../", import.meta.url))
const hedgekit = (args: Array<string>) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 300_000, cwd: root })

describe("hedgekit paper", () => {
  it("runs the demo book on the bundled data with the backtest's numbers, and journals every order", () => {
    const journal = join(mkdtempSync(join(tmpdir(), "hk-paper-")), "paper.journal")
    const p = hedgekit(["paper", "--config", "data/examples/backtest-demo.json", "--policy", "hourly", "--journal", journal, "--json"])
    expect(p.status).toBe(0)
    const paper = JSON.parse(p.stdout)
    const b = hedgekit(["backtest", "--config", "data/examples/backtest-demo.json", "--json"])
    const backtest = JSON.parse(b.stdout).runs.find((r: { policy: string }) => r.policy === "hourly")
    expect(paper.pnl.mean).toBe(backtest.pnl.mean)
    expect(paper.attribution).toEqual(backtest.attribution)
    expect(paper.fees).toBe(backtest.fees)
    expect(paper.orders).toBeGreaterThan(1000)
    expect(paper.fills).toBe(paper.orders)
    const summary = JSON.parse(hedgekit(["journal", journal, "--json"]).stdout)
    expect(summary).toMatchObject({ intents: paper.orders, fills: paper.orders, unresolved: [] })
    expect(summary.byState).toEqual({ filled: paper.orders })
    // with the settlement pause on, the 08:00 orders are refused and journalled as such
    const paused = JSON.parse(hedgekit(["paper", "--config", "data/examples/backtest-demo.json", "--policy", "hourly", "--journal", `${journal}.2`, "--pause-settlement", "--json"]).stdout)
    expect(paused.pnl.mean).not.toBe(backtest.pnl.mean)
    expect(JSON.parse(hedgekit(["journal", `${journal}.2`, "--json"]).stdout).byState.rejected).toBeGreaterThan(50)
  }, 240_000) // five runs of the CLI over the demo data, two of them syncing a journal per order

  it("says what is wrong with an unusable invocation", () => {
    const p = hedgekit(["paper", "--config", "data/examples/backtest-gbm.json"])
    expect(p.status).toBe(1)
    expect(p.stderr).toMatch(/replays historical data/)
    const q = hedgekit(["paper", "--config", "data/examples/backtest-demo.json", "--policy", "nope"])
    expect(q.stderr).toMatch(/no policy named "nope"/)
  })
})
