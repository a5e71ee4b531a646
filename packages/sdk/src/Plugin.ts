/**
 * The plugin contract: how a third party ships pricing models and rebalance policies as an npm package that the
 * hedgekit CLI (or any host) loads by name.
 *
 * A plugin package's entry point exports a {@link Plugin} — as its default export or as `plugin` — or a function
 * from the options written next to it in the project config to a `Plugin`:
 *
 * ```ts
 * // @acme/hedgekit-vg/src/index.ts
 * import { Plugin } from "@hedgekit/sdk"
 * export default Plugin.definePlugin({
 *   kind: "hedgekit-plugin", name: "@acme/hedgekit-vg", version: "1.2.0", sdk: "^0.1.0",
 *   models: [varianceGamma]
 * })
 * ```
 *
 * A host checks what it imported with {@link validate} (the shape, against {@link PluginShape}; the SDK range it
 * declares, against {@link SDK_VERSION}) and reports every failure as a {@link PluginLoadError} naming the plugin,
 * the step and the reason.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import packageJson from "../package.json" with { type: "json" }
import type { PricingModel } from "./PricingModel.js"
import type { RebalancePolicy } from "./RebalancePolicy.js"

/**
 * The version of this SDK, which a plugin's `sdk` range must include.
 *
 * @since 0.1.0
 * @category versions
 */
export const SDK_VERSION: string = packageJson.version

/**
 * What a plugin package provides.
 *
 * @since 0.1.0
 * @category models
 */
export interface Plugin {
  readonly kind: "hedgekit-plugin"
  /** The npm package name. */
  readonly name: string
  /** The package's semver version. */
  readonly version: string
  /** The semver range of `@hedgekit/sdk` versions the plugin supports, e.g. `"^0.1.0"`. */
  readonly sdk: string
  readonly description?: string
  /** Models of any parameter type (each checks its own parameters with its Schema). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of models whose parameter types differ
  readonly models?: ReadonlyArray<PricingModel<any>>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as `models`
  readonly policies?: ReadonlyArray<RebalancePolicy<any>>
}

/**
 * Declares a plugin (an identity function that checks the shape at compile time).
 *
 * @since 0.1.0
 * @category constructors
 */
export const definePlugin = (plugin: Plugin): Plugin => plugin

/**
 * A plugin that could not be loaded: `step` says where it failed — `"resolve"` (no such package from the
 * config's directory), `"import"` (its entry point threw or has no plugin export), `"validate"` (the export
 * does not match {@link PluginShape}, or its `sdk` range excludes this SDK) or `"register"` (a model or policy
 * name already taken).
 *
 * @since 0.1.0
 * @category errors
 */
export class PluginLoadError extends Schema.TaggedError<PluginLoadError>()("PluginLoadError", {
  plugin: Schema.String,
  step: Schema.Literals(["resolve", "import", "validate", "register"]),
  reason: Schema.String
}) {
  override get message(): string {
    return `plugin ${JSON.stringify(this.plugin)} failed to load (${this.step}): ${this.reason}`
  }
}

const isFunction = (u: unknown): u is (...args: ReadonlyArray<never>) => unknown => typeof u === "function"
const Fn = Schema.declare(isFunction, { expected: "a function" })
const SchemaValue = Schema.declare((u: unknown): u is Schema.Top => Schema.isSchema(u), { expected: "an Effect Schema" })
const NonEmpty = Schema.String.check(Schema.isNonEmpty())
const SemVer = Schema.String.check(
  Schema.isPattern(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, { expected: "a semver version such as 1.2.0" })
)

/**
 * The shape a model must have to be registered.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PricingModelShape = Schema.Struct({
  name: NonEmpty,
  version: SemVer,
  description: Schema.optional(Schema.String),
  params: SchemaValue,
  price: Fn,
  greeks: Schema.optional(Fn),
  priceBatch: Schema.optional(Fn),
  greeksBatch: Schema.optional(Fn)
})

/**
 * The shape a policy must have to be registered.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RebalancePolicyShape = Schema.Struct({
  name: NonEmpty,
  version: SemVer,
  description: Schema.String,
  params: SchemaValue,
  paramDocs: Schema.Array(Schema.Struct({ name: Schema.String, description: Schema.String })),
  make: Fn
})

/**
 * The shape of a plugin export.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PluginShape = Schema.Struct({
  kind: Schema.Literal("hedgekit-plugin"),
  name: NonEmpty,
  version: SemVer,
  sdk: NonEmpty,
  description: Schema.optional(Schema.String),
  models: Schema.optional(Schema.Array(PricingModelShape)),
  policies: Schema.optional(Schema.Array(RebalancePolicyShape))
})

/**
 * Checks an imported value against {@link PluginShape} and returns it as a `Plugin`, or throws a
 * {@link PluginLoadError} (step `"validate"`) naming the first mismatch by its path, e.g.
 * `models[0].version: expected a semver version such as 1.2.0, got "1.0"`. The SDK range is the host's to check
 * (it needs a semver implementation; see `satisfies` in the CLI).
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (plugin: string, value: unknown): Plugin => {
  try {
    Schema.decodeUnknownSync(PluginShape)(value)
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/\s+/g, " ").trim() : String(error)
    throw new PluginLoadError({ plugin, step: "validate", reason: `the export is not a hedgekit plugin: ${reason}` })
  }
  return value as Plugin
}
