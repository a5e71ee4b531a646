// The npm path, not the workspace link: every package is packed into a tarball (`pnpm pack`, which turns
// `workspace:` ranges into versions), the CLI and both plugins are installed from their tarballs into a fresh project
// outside the repository, and a price and a backtest run through that project's own `hedgekit`.
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { beforeAll, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const here = fileURLToPath(new URL("..", import.meta.url))
const PNPM = ["-y", "pnpm@10.34.9"]

/** The packages the CLI and the plugins install, by directory. */
const PACKAGES = [
  "packages/sdk", "packages/models", "packages/greeks", "packages/hedging", "packages/paths", "packages/data", "packages/backtest",
  "packages/execution", "apps/cli", "plugins/variance-gamma", "plugins/barles-soner"
]

let project = ""
const effectVersion = (JSON.parse(execFileSync("node", ["-p", "JSON.stringify(require('effect/package.json').version)"], { cwd: join(root, "packages/sdk"), encoding: "utf8" })) as string)

const pnpm = (args: Array<string>, cwd: string) => execFileSync("npx", [...PNPM, ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 480_000 })

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "hk-npm-"))
  const tarballs = join(dir, "tarballs")
  mkdirSync(tarballs)
  const tarball = new Map<string, string>()
  for (const p of PACKAGES) {
    const before = new Set(readdirSync(tarballs))
    pnpm(["pack", "--pack-destination", tarballs], join(root, p))
    const made = readdirSync(tarballs).filter((f) => !before.has(f))
    if (made.length !== 1) throw new Error(`pnpm pack in ${p} made ${made.join(", ") || "nothing"}`)
    const name = (JSON.parse(execFileSync("node", ["-p", "JSON.stringify(require('./package.json').name)"], { cwd: join(root, p), encoding: "utf8" })) as string)
    tarball.set(name, `file:${join(tarballs, made[0]!)}`)
  }
  project = join(dir, "project")
  mkdirSync(project)
  const own = ["@hedgekit/cli", "hedgekit-plugin-variance-gamma", "hedgekit-plugin-barles-soner"]
  writeFileSync(join(project, "package.json"), JSON.stringify({
    name: "hedgekit-user-project",
    private: true,
    type: "module",
    // the plugins' peers (the SDK and effect) are the project's own dependencies, as npm users install them
    dependencies: { ...Object.fromEntries(own.map((n) => [n, tarball.get(n)!])), "@hedgekit/sdk": tarball.get("@hedgekit/sdk")!, effect: effectVersion },
    pnpm: {
      // the CLI's own @hedgekit dependencies come from the tarballs too (they are not on the registry)
      overrides: Object.fromEntries([...tarball].filter(([n]) => n.startsWith("@hedgekit/")).map(([n, t]) => [n, t])),
      onlyBuiltDependencies: ["better-sqlite3", "esbuild"]
    }
  }, null, 2))
  writeFileSync(join(project, "hedgekit.config.json"), JSON.stringify({ plugins: ["hedgekit-plugin-variance-gamma", "hedgekit-plugin-barles-soner"] }))
  // from the store this machine's install filled; the registry only for what is missing
  pnpm(["install", "--prefer-offline"], project)
}, 600_000)

const hedgekit = (args: Array<string>) =>
  spawnSync(join(project, "node_modules", ".bin", "hedgekit"), args, { cwd: project, encoding: "utf8", timeout: 300_000, env: { ...process.env, HEDGEKIT_CONFIG: "" } })

describe("plugins installed from npm tarballs", () => {
  it("installs the packed CLI and plugins, not workspace links", () => {
    expect(existsSync(join(project, "node_modules", ".bin", "hedgekit"))).toBe(true)
    const listed = JSON.parse(hedgekit(["plugins", "--json"]).stdout)
    expect(listed.plugins.map((p: { name: string }) => p.name)).toEqual(["hedgekit-plugin-variance-gamma", "hedgekit-plugin-barles-soner"])
    for (const p of listed.plugins) expect(p.path).toContain(join(project, "node_modules"))
    expect(listed.plugins[0].path).not.toContain(join(root, "plugins"))
  })

  it("prices with the plugin's model and backtests with the plugin's policy", () => {
    const rows = JSON.stringify({ model: "variance-gamma", type: "call", forward: 101.00501670841679, strike: 90, expiry: 0.1, rate: 0.1, params: { sigma: 0.12, nu: 0.2, theta: -0.14 } })
    const price = spawnSync(join(project, "node_modules", ".bin", "hedgekit"), ["price", "--input", "-", "--output", "-"], { cwd: project, input: rows + "\n", encoding: "utf8", timeout: 120_000 })
    expect(price.status).toBe(0)
    expect(Math.abs(JSON.parse(price.stdout).price / 10.993703187 - 1)).toBeLessThan(1e-9)
    const backtest = hedgekit(["backtest", "--config", join(here, "backtest-barles-soner.json"), "--paths", "100", "--json"])
    expect(backtest.stderr).toBe("")
    expect(backtest.status).toBe(0)
    const out = JSON.parse(backtest.stdout)
    expect(out.runs[1].policy).toBe("Barles–Soner γ=1e-4 (plugin)")
    expect(out.runs[1].paths).toBe(100)
  })
})
