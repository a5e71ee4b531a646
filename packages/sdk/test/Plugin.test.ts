import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { definePricingModel, Plugin, RebalancePolicy } from "../src/index.js"

const model = definePricingModel({
  name: "@acme/flat",
  version: "1.0.0",
  params: Schema.Struct({ vol: Schema.Finite }),
  price: (o, { vol }) => o.forward * vol
})

const policy = RebalancePolicy.defineRebalancePolicy({
  name: "@acme/never",
  version: "0.1.0",
  description: "never trades",
  params: Schema.Struct({}),
  paramDocs: [],
  make: () => ({ decide: () => 0, commit: () => {}, stateSize: 0, initialise: () => {} }) as never
})

const plugin = Plugin.definePlugin({ kind: "hedgekit-plugin", name: "@acme/hedgekit-flat", version: "1.0.0", sdk: "^0.1.0", models: [model as never], policies: [policy as never] })

describe("Plugin.validate", () => {
  it("accepts a plugin with models and policies", () => {
    expect(Plugin.validate("@acme/hedgekit-flat", plugin)).toBe(plugin)
  })

  it("names the field that is wrong", () => {
    const bad = { ...plugin, models: [{ ...model, version: "1.0" }] }
    try {
      Plugin.validate("@acme/hedgekit-flat", bad)
      expect.fail("accepted a bad version")
    } catch (error) {
      expect(error).toBeInstanceOf(Plugin.PluginLoadError)
      const e = error as Plugin.PluginLoadError
      expect(e.step).toBe("validate")
      expect(e.message).toContain("@acme/hedgekit-flat")
      expect(e.message).toContain("models")
      expect(e.message).toContain("version")
    }
  })

  it("rejects what is not a plugin at all", () => {
    expect(() => Plugin.validate("x", { name: "x" })).toThrow(/kind/)
    expect(() => Plugin.validate("x", undefined)).toThrow(Plugin.PluginLoadError)
    expect(() => Plugin.validate("x", { ...plugin, models: [{ ...model, params: { vol: 1 } }] })).toThrow(/Schema/)
    expect(() => Plugin.validate("x", { ...plugin, models: [{ ...model, price: 3 }] })).toThrow(/function/)
  })

  it("knows its own version", () => {
    expect(Plugin.SDK_VERSION).toMatch(/^\d+\.\d+\.\d+/)
  })
})
