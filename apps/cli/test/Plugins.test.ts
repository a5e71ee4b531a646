// Loading plugins by npm name from a project config: the built binary in a temporary project whose node_modules
// hold small plugin packages written for the test (each a few lines), so that every step — resolve, import,
// validate, register — can be made to fail on purpose.
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const bin = fileURLToPath(new URL("../bin/hedgekit.mjs", import.meta.url))
const effectDir = realpathSync(fileURLToPath(new URL("../node_modules/effect", import.meta.url)))
const sdkDir = realpathSync(fileURLToPath(new URL("../node_modules/@hedgekit/sdk", import.meta.url)))

const run = (cwd: string, args: Array<string>, input?: string) =>
  spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", input, timeout: 60_000, env: { ...process.env, HEDGEKIT_CONFIG: "" } })

/** A temporary project: `config` as hedgekit.config.<ext>, and packages in node_modules (name → index.js source). */
const project = (config: string, ext: "json" | "js" | "mjs" | "ts", packages: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), "hk-plugins-"))
  writeFileSync(join(dir, `hedgekit.config.${ext}`), config)
  mkdirSync(join(dir, "node_modules", "@hedgekit"), { recursive: true })
  symlinkSync(effectDir, join(dir, "node_modules", "effect"))
  symlinkSync(sdkDir, join(dir, "node_modules", "@hedgekit", "sdk"))
  for (const [name, source] of Object.entries(packages)) {
    const pkg = join(dir, "node_modules", name)
    mkdirSync(pkg, { recursive: true })
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name, version: "1.0.0", type: "module", exports: { ".": { import: "./index.js" } } }))
    writeFileSync(join(pkg, "index.js"), source)
  }
  mkdirSync(join(dir, "sub", "dir"), { recursive: true })
  return dir
}

/** A plugin with a flat-forward "model" (price = discounted intrinsic + vol·F, enough to see it was called). */
const plugin = (name: string, extra = "", model = "toy-model", sdk = ">=0.0.0") => `
import * as Schema from "effect/Schema"
const model = {
  name: "${model}", version: "2.0.0",
  params: Schema.Struct({ level: Schema.Finite.check(Schema.isGreaterThan(0)) }),
  price: (o, p) => Math.exp(-o.rate * o.expiry) * (Math.max(o.type === "call" ? o.forward - o.strike : o.strike - o.forward, 0) + p.level * o.forward)
}
export default { kind: "hedgekit-plugin", name: "${name}", version: "1.0.0", sdk: "${sdk}", models: [model] ${extra} }
`

const policyPlugin = (name: string, policyName: string) => `
import * as Schema from "effect/Schema"
import { Policies } from "@hedgekit/sdk"
export const plugin = (options) => ({
  kind: "hedgekit-plugin", name: "${name}", version: "0.3.0", sdk: "*", description: "options " + JSON.stringify(options),
  policies: [{
    name: "${policyName}", version: "0.3.0", description: "never trades", params: Schema.Struct({}), paramDocs: [],
    make: () => ({ decide: () => 0, commit: () => {}, stateSize: 0, initialise: () => {} })
  }]
})
`.replace('import { Policies } from "@hedgekit/sdk"\n', "")

describe("plugins by npm name", () => {
  it("loads a plugin from the nearest config upwards and prices rows with its model", () => {
    const dir = project(JSON.stringify({ plugins: ["acme-toy", ["acme-never", { speed: 3 }]] }), "json", {
      "acme-toy": plugin("acme-toy"),
      "acme-never": policyPlugin("acme-never", "never")
    })
    const rows = [
      { id: 1, model: "toy-model", type: "call", forward: 100, strike: 90, expiry: 1, level: 0.5 },
      { id: 2, model: "toy-model", type: "call", forward: 100, strike: 90, expiry: 1, level: -1 },
      { id: 3, model: "black76", type: "call", forward: 100, strike: 100, expiry: 1, vol: 0.2 }
    ]
    const p = run(join(dir, "sub", "dir"), ["price", "--input", "-", "--output", "-"], rows.map((r) => JSON.stringify(r)).join("\n") + "\n")
    expect(p.stderr).toBe("")
    expect(p.status).toBe(0)
    const out = p.stdout.trim().split("\n").map((l) => JSON.parse(l))
    expect(out[0].price).toBeCloseTo(10 + 50, 12)
    expect(out[0].delta).toBeCloseTo(1.5, 6)
    expect(out[1].error.tag).toBe("InvalidInput")
    expect(out[1].error.field).toBe("level")
    expect(out[2].price).toBeCloseTo(7.965567455405804, 12)
    // one option from flags, parameters as JSON
    const one = run(dir, ["price", "--model", "toy-model", "--type", "put", "--forward", "100", "--strike", "110", "--expiry", "1", "--params", '{"level":0.1}'])
    expect(one.status).toBe(0)
    expect(one.stdout).toMatch(/price\s+20/)
    // the list
    const list = run(dir, ["plugins", "--json"])
    expect(list.status).toBe(0)
    const info = JSON.parse(list.stdout)
    expect(info.plugins.map((x: { name: string }) => x.name)).toEqual(["acme-toy", "acme-never"])
    expect(info.plugins[0].models[0]).toMatchObject({ name: "toy-model", version: "2.0.0", params: ["level"] })
    expect(info.plugins[1].options).toEqual({ speed: 3 })
    expect(info.plugins[1].description).toBe('options {"speed":3}')
    expect(info.builtIn.policies.length).toBeGreaterThan(5)
    const policies = run(dir, ["policies"])
    expect(policies.stdout).toContain("never 0.3.0 (acme-never)")
  })

  it("reads .js and .ts configs too", () => {
    const js = project('export default { plugins: ["acme-toy"] }', "mjs", { "acme-toy": plugin("acme-toy") })
    expect(JSON.parse(run(js, ["plugins", "--json"]).stdout).plugins[0].name).toBe("acme-toy")
    const ts = project('const plugins: Array<string> = ["acme-toy"]\nexport default { plugins }\n', "ts", { "acme-toy": plugin("acme-toy") })
    const p = run(ts, ["plugins", "--json"])
    expect(p.stderr).toBe("")
    expect(JSON.parse(p.stdout).plugins[0].name).toBe("acme-toy")
  })

  it("names the plugin, the step and the reason when one fails", () => {
    const cases: Array<[config: unknown, packages: Record<string, string>, step: string, reason: RegExp]> = [
      [{ plugins: ["acme-missing"] }, {}, "resolve", /cannot find it/],
      [{ plugins: ["acme-throws"] }, { "acme-throws": "throw new Error('boom at import')" }, "import", /boom at import/],
      [{ plugins: ["acme-empty"] }, { "acme-empty": "export const other = 1" }, "import", /neither a default export nor `plugin`/],
      [{ plugins: ["acme-bad"] }, { "acme-bad": plugin("acme-bad").replace('version: "2.0.0"', 'version: "2"') }, "validate", /models.*version/],
      [{ plugins: ["acme-renamed"] }, { "acme-renamed": plugin("someone-else") }, "validate", /declares the name "someone-else"/],
      [{ plugins: ["acme-old"] }, { "acme-old": plugin("acme-old", "", "toy-model", "^9.0.0") }, "validate", /supports @hedgekit\/sdk \^9\.0\.0/],
      [{ plugins: ["acme-a", "acme-b"] }, { "acme-a": plugin("acme-a"), "acme-b": plugin("acme-b") }, "register", /model "toy-model" is already registered by acme-a/],
      [{ plugins: ["acme-builtin"] }, { "acme-builtin": plugin("acme-builtin", "", "heston") }, "register", /"heston" is already registered by built-in/],
      [{ plugins: ["acme-p", "acme-q"] }, { "acme-p": policyPlugin("acme-p", "never"), "acme-q": policyPlugin("acme-q", "never") }, "register", /policy "never" is already registered by acme-p/],
      [{ plugins: ["acme-dup"] }, { "acme-dup": policyPlugin("acme-dup", "delta-band") }, "register", /policy "delta-band" is already registered by built-in/]
    ]
    for (const [config, packages, step, reason] of cases) {
      const dir = project(JSON.stringify(config), "json", packages)
      const p = run(dir, ["plugins"])
      expect(p.status, JSON.stringify(config)).toBe(1)
      const plugin = (config as { plugins: Array<string> }).plugins.at(-1)!
      expect(p.stderr).toContain(`plugin "${plugin}" failed to load (${step})`)
      expect(p.stderr).toMatch(reason)
    }
    const bad = project("{ not json", "json", {})
    expect(run(bad, ["plugins"]).stderr).toMatch(/config .*hedgekit\.config\.json" failed to load \(import\): not valid JSON/)
  })

  it("runs without a config", () => {
    const dir = mkdtempSync(join(tmpdir(), "hk-noconfig-"))
    const p = run(dir, ["plugins"])
    expect(p.status).toBe(0)
    expect(p.stdout).toContain("no plugins loaded")
    expect(dirname(dir)).toBeTruthy()
  })
})
