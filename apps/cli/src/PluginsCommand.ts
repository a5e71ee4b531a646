/**
 * `hedgekit plugins`: what is loaded — the built-in models and policies, and each plugin of the project config with
 * its version, the SDK range it supports, and its models' and policies' parameters.
 */
import { Policies } from "@hedgekit/hedging"
import { Plugin, type PricingModel, type RebalancePolicy } from "@hedgekit/sdk"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import { FORWARD_MODELS } from "./ForwardModels.js"
import { CLOSED_FORM_MODELS, parameterNames } from "./Plugins.js"
import { loadPlugins } from "./PriceCommands.js"
import { VERSION } from "./Version.js"

const modelInfo = (model: PricingModel<never>) => ({
  name: model.name,
  version: model.version,
  ...(model.description !== undefined ? { description: model.description } : {}),
  params: parameterNames(model),
  greeks: model.greeks !== undefined ? "analytic" : "numerical",
  batch: model.priceBatch !== undefined
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- policies of any parameter type
const policyInfo = (policy: RebalancePolicy.RebalancePolicy<any>) => ({
  name: policy.name,
  version: policy.version,
  description: policy.description,
  params: policy.paramDocs.map((d) => d.name)
})

/** `hedgekit plugins` */
export const plugins = Command.make(
  "plugins",
  { json: Flag.Boolean("json").pipe(Flag.withDescription("print the list as JSON"), Flag.withDefault(false)) },
  (flags) =>
    Effect.gen(function*() {
      const registry = yield* loadPlugins
      const builtIn = {
        models: [...CLOSED_FORM_MODELS.map((name) => ({ name, version: VERSION })), ...Object.values(FORWARD_MODELS).map((m) => modelInfo(m.model))],
        policies: Policies.builtins.map(policyInfo)
      }
      const thirdParty = registry.plugins.map((p) => ({
        name: p.name,
        version: p.version,
        sdk: p.sdk,
        ...(p.description !== undefined ? { description: p.description } : {}),
        path: p.path,
        options: p.options ?? null,
        models: p.models.map((m) => modelInfo(registry.models.get(m)!.model)),
        policies: p.policies.map((name) => policyInfo(registry.policies.find((x) => x.name === name)!))
      }))
      if (flags.json) {
        yield* Console.log(JSON.stringify({ sdk: Plugin.SDK_VERSION, config: registry.config ?? null, builtIn, plugins: thirdParty }, null, 2))
        return
      }
      const lines = [
        `@hedgekit/sdk ${Plugin.SDK_VERSION}; project config: ${registry.config ?? "none (looked for hedgekit.config.json/.js/.mjs/.ts here and above, or HEDGEKIT_CONFIG)"}`,
        "",
        "built-in models:",
        ...builtIn.models.map((m) => `  ${m.name.padEnd(16)} ${m.version.padEnd(8)} ${"params" in m && m.params.length > 0 ? m.params.join(", ") : CLOSED_FORM_MODELS.includes(m.name as never) ? "vol" : ""}`),
        "built-in policies:",
        ...builtIn.policies.map((p) => `  ${p.name.padEnd(22)} ${p.version.padEnd(8)} ${p.params.join(", ")}`)
      ]
      for (const p of thirdParty) {
        lines.push("", `${p.name} ${p.version} (sdk ${p.sdk})${p.description !== undefined ? `: ${p.description}` : ""}`, `  from ${p.path}`)
        if (p.options !== null) lines.push(`  options ${JSON.stringify(p.options)}`)
        for (const m of p.models) lines.push(`  model  ${m.name.padEnd(20)} ${m.version.padEnd(8)} params: ${m.params.join(", ") || "(see its README)"}; greeks ${m.greeks}`)
        for (const q of p.policies) lines.push(`  policy ${q.name.padEnd(20)} ${q.version.padEnd(8)} params: ${q.params.join(", ") || "none"}`)
      }
      if (thirdParty.length === 0) lines.push("", "no plugins loaded")
      yield* Console.log(lines.join("\n"))
    })
).pipe(Command.withDescription("The models and policies loaded: built-in, and from the plugins the project config lists (hedgekit.config.json)."))
