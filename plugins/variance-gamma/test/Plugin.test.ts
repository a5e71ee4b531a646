/**
 * The package as a host sees it: the default export and the named `plugin` export are the same valid hedgekit
 * plugin, its SDK range admits the SDK it is tested against, and its one model is "variance-gamma" with the
 * package's version. The model's own contract checks live with the conformance kit (to be wired in).
 */
import { readFileSync } from "node:fs"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { Plugin } from "@hedgekit/sdk"
import plugin, { plugin as named, VarianceGamma } from "../src/index.js"

const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  readonly name: string
  readonly version: string
  readonly peerDependencies: Readonly<Record<string, string>>
}

/** Whether "x.y.z" satisfies a range of the form ">=a.b.c <d.e.f" (the only form this package declares). */
const inRange = (version: string, range: string): boolean => {
  const parse = (v: string) => v.split(".").map(Number)
  const cmp = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => {
    for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! - b[i]!
    return 0
  }
  const m = /^>=(\d+\.\d+\.\d+) <(\d+\.\d+\.\d+)$/.exec(range)
  if (m === null) throw new Error(`unexpected range ${range}`)
  const v = parse(version.replace(/[-+].*$/, ""))
  return cmp(v, parse(m[1]!)) >= 0 && cmp(v, parse(m[2]!)) < 0
}

describe("plugin export", () => {
  it("default and named exports are the same plugin, and it validates", () => {
    expect(plugin).toBe(named)
    expect(Plugin.validate(packageJson.name, plugin)).toBe(plugin)
    expect(plugin.kind).toBe("hedgekit-plugin")
    expect(plugin.name).toBe(packageJson.name)
    expect(plugin.version).toBe(packageJson.version)
  })

  it("declares an SDK range that admits this SDK and matches the peer dependency", () => {
    expect(plugin.sdk).toBe(">=0.0.0 <0.2.0")
    expect(packageJson.peerDependencies["@hedgekit/sdk"]).toBe(plugin.sdk)
    expect(inRange(Plugin.SDK_VERSION, plugin.sdk)).toBe(true)
  })

  it("provides the variance-gamma model", () => {
    expect(plugin.models?.map((m) => m.name)).toEqual(["variance-gamma"])
    const model = VarianceGamma.model
    expect(plugin.models?.[0]).toBe(model)
    expect(model.version).toBe(packageJson.version)
    expect(typeof model.greeks).toBe("function")
    expect(typeof model.priceBatch).toBe("function")
    expect(typeof model.greeksBatch).toBe("function")
  })

  it("decodes parameters as a config file would give them, and prices through the model", () => {
    const params = Schema.decodeUnknownSync(VarianceGamma.model.params)(JSON.parse('{"sigma":0.6,"nu":0.2,"theta":-0.15}'))
    const v = VarianceGamma.model.price({ type: "call", forward: 60000, strike: 65000, expiry: 30 / 365, rate: 0 }, params)
    expect(v).toBeGreaterThan(0)
    expect(v).toBe(VarianceGamma.price({ type: "call", forward: 60000, strike: 65000, expiry: 30 / 365, rate: 0 }, params))
  })
})
