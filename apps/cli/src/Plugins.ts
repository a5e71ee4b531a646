/**
 * Plugins by npm name: the project config (`hedgekit.config.json`, `.js`, `.mjs` or `.ts`, found in the working
 * directory or the nearest parent that has one, or named by `HEDGEKIT_CONFIG`) lists them —
 *
 *     { "plugins": ["hedgekit-plugin-variance-gamma", ["hedgekit-plugin-barles-soner", { "riskAversion": 2 }]] }
 *
 * — and each is resolved from the config's directory, imported, checked against the SDK's `Plugin` shape and the
 * SDK range it declares, and registered beside the built-in models and policies. Any failure is a
 * `PluginLoadError` naming the plugin, the step (resolve, import, validate, register) and the reason; two plugins
 * (or a plugin and a built-in) claiming one name is an error, never a silent override.
 *
 * The registry is per process: commands call {@link load} before they resolve a model or a policy by name, and
 * worker threads load the same config again (see {@link configPath}).
 */
import { Policies } from "@hedgekit/hedging"
import { Plugin, type PricingModel, type RebalancePolicy } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import semver from "semver"
import { FORWARD_MODELS } from "./ForwardModels.js"

/** The config files looked for, in this order, in each directory from the working directory up. */
export const CONFIG_NAMES = ["hedgekit.config.json", "hedgekit.config.js", "hedgekit.config.mjs", "hedgekit.config.ts"] as const

const PluginEntry = Schema.Union([Schema.String, Schema.Tuple([Schema.String, Schema.Unknown])])

/** The project config's shape. */
export const ProjectConfig = Schema.Struct({
  plugins: Schema.optional(Schema.Array(PluginEntry))
})
export type ProjectConfig = typeof ProjectConfig.Type

/** Models the CLI knows by name besides the row contract's `bsm`, `black76` and `bachelier`. */
export const CLOSED_FORM_MODELS = ["bsm", "black76", "bachelier"] as const

export interface LoadedPlugin {
  readonly name: string
  readonly version: string
  readonly sdk: string
  readonly description?: string
  /** Where it was resolved to. */
  readonly path: string
  readonly options: unknown
  readonly models: ReadonlyArray<string>
  readonly policies: ReadonlyArray<string>
}

export interface Registry {
  /** The config file read, if any. */
  readonly config?: string
  readonly plugins: ReadonlyArray<LoadedPlugin>
  /** Third-party models by name. */
  readonly models: ReadonlyMap<string, { readonly model: PricingModel<never>; readonly plugin: string }>
  /** Built-in and third-party policies (for `Policies.fromSpec`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- policies of any parameter type
  readonly policies: ReadonlyArray<RebalancePolicy.RebalancePolicy<any>>
  readonly policyOwners: ReadonlyMap<string, string>
}

const BUILT_IN: Registry = {
  plugins: [],
  models: new Map(),
  policies: Policies.builtins,
  policyOwners: new Map()
}

let current: Registry = BUILT_IN
let loadedFrom: string | undefined | null = null

/** The registry loaded last (built-ins only until {@link load} ran). */
export const registry = (): Registry => current

/** The config file {@link load} would read from `cwd`: `HEDGEKIT_CONFIG`, else the nearest config upwards. */
export const configPath = (cwd: string = process.cwd()): string | undefined => {
  const named = process.env["HEDGEKIT_CONFIG"]
  if (named !== undefined && named !== "") return resolve(cwd, named)
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const file = join(dir, name)
      if (existsSync(file)) return file
    }
    if (dirname(dir) === dir) return undefined
  }
}

const fail = (plugin: string, step: Plugin.PluginLoadError["step"], reason: string): never => {
  throw new Plugin.PluginLoadError({ plugin, step, reason })
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim()

/** Imports a config file of any of the supported kinds (`.ts` through esbuild's type stripping). */
const readConfig = async (file: string): Promise<unknown> => {
  const what = `config ${file}`
  if (!existsSync(file)) return fail(what, "resolve", "no such file")
  if (file.endsWith(".json")) {
    try {
      return JSON.parse(readFileSync(file, "utf8"))
    } catch (error) {
      return fail(what, "import", `not valid JSON: ${messageOf(error)}`)
    }
  }
  let url = pathToFileURL(file).href
  let temporary: string | undefined
  if (file.endsWith(".ts")) {
    const esbuild = await import("esbuild")
    try {
      const { code } = await esbuild.transform(readFileSync(file, "utf8"), { loader: "ts", format: "esm", sourcefile: file })
      // beside the config, so that its relative imports and node_modules resolve as they would for the .ts
      temporary = join(dirname(file), `.hedgekit.config.${process.pid}.${Date.now()}.mjs`)
      writeFileSync(temporary, code)
      url = pathToFileURL(temporary).href
    } catch (error) {
      if (temporary !== undefined) rmSync(temporary, { force: true })
      return fail(what, "import", messageOf(error))
    }
  } else if (!file.endsWith(".js") && !file.endsWith(".mjs")) {
    return fail(what, "import", "a config is .json, .js, .mjs or .ts")
  }
  try {
    const mod = (await import(url)) as { default?: unknown }
    return mod.default ?? mod
  } catch (error) {
    return fail(what, "import", messageOf(error))
  } finally {
    if (temporary !== undefined) rmSync(temporary, { force: true })
  }
}

/** The directory of package `name` as Node would find it from `dir` (node_modules here and above). */
const packageDir = (name: string, dir: string): string | undefined => {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, "node_modules", name)
    if (existsSync(join(candidate, "package.json"))) return candidate
    if (dirname(d) === d) return undefined
  }
}

/** The entry point of package `name` as seen from `dir` (CommonJS resolution first, then ESM `exports`). */
const resolvePackage = (name: string, dir: string): string => {
  const require = createRequire(join(dir, "hedgekit.config.json"))
  try {
    return require.resolve(name)
  } catch (error) {
    const found = packageDir(name, dir)
    if (found === undefined) return fail(name, "resolve", `cannot find it from ${dir} (is it installed?): ${messageOf(error)}`)
    // an ESM-only package: its exports' "." entry for import
    const pkg = JSON.parse(readFileSync(join(found, "package.json"), "utf8")) as { exports?: unknown; main?: unknown }
    const root = typeof pkg.exports === "object" && pkg.exports !== null && "." in pkg.exports ? (pkg.exports as Record<string, unknown>)["."] : pkg.exports
    const pick = (e: unknown): string | undefined =>
      typeof e === "string" ? e : typeof e === "object" && e !== null ? pick((e as Record<string, unknown>)["import"] ?? (e as Record<string, unknown>)["node"] ?? (e as Record<string, unknown>)["default"]) : undefined
    const entry = pick(root) ?? (typeof pkg.main === "string" ? pkg.main : undefined)
    if (entry === undefined) return fail(name, "resolve", `found it at ${found}, but its package.json exports no "." entry for import`)
    return join(found, entry)
  }
}

const loadOne = async (name: string, options: unknown, dir: string): Promise<Plugin.Plugin & { path: string }> => {
  const path = resolvePackage(name, dir)
  let mod: Record<string, unknown>
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>
  } catch (error) {
    return fail(name, "import", messageOf(error))
  }
  let value = mod["default"] ?? mod["plugin"]
  if (value === undefined) return fail(name, "import", "it exports neither a default export nor `plugin`")
  if (typeof value === "function") {
    try {
      value = await (value as (options: unknown) => unknown)(options)
    } catch (error) {
      return fail(name, "import", `its plugin function threw for the options ${JSON.stringify(options)}: ${messageOf(error)}`)
    }
  }
  const plugin = Plugin.validate(name, value)
  if (plugin.name !== name) fail(name, "validate", `it declares the name ${JSON.stringify(plugin.name)}; a plugin's name is its npm package name`)
  if (semver.validRange(plugin.sdk) === null) fail(name, "validate", `its sdk range ${JSON.stringify(plugin.sdk)} is not a semver range`)
  if (!semver.satisfies(Plugin.SDK_VERSION, plugin.sdk, { includePrerelease: true })) {
    fail(name, "validate", `it supports @hedgekit/sdk ${plugin.sdk}, and this is ${Plugin.SDK_VERSION}`)
  }
  return { ...plugin, path }
}

/**
 * Reads the project config (if there is one) and loads its plugins into the registry. Idempotent per config
 * file. Throws `PluginLoadError`.
 */
export const load = async (cwd: string = process.cwd()): Promise<Registry> => {
  const file = configPath(cwd)
  if (file === loadedFrom) return current
  if (file === undefined) {
    current = BUILT_IN
    loadedFrom = undefined
    return current
  }
  const raw = await readConfig(file)
  let config: ProjectConfig
  try {
    config = Schema.decodeUnknownSync(ProjectConfig)(raw)
  } catch (error) {
    return fail(`config ${file}`, "validate", `expected { "plugins": [name | [name, options], …] }: ${messageOf(error)}`)
  }
  const dir = dirname(file)
  const models = new Map<string, { model: PricingModel<never>; plugin: string }>()
  const policies = [...Policies.builtins]
  const policyOwners = new Map<string, string>(Policies.builtins.map((p) => [p.name, "built-in"]))
  const plugins: Array<LoadedPlugin> = []
  const seen = new Set<string>()
  for (const entry of config.plugins ?? []) {
    const [name, options] = typeof entry === "string" ? [entry, undefined] : entry
    if (seen.has(name)) fail(name, "register", `it is listed twice in ${file}`)
    seen.add(name)
    const plugin = await loadOne(name, options, dir)
    for (const model of plugin.models ?? []) {
      const taken = (CLOSED_FORM_MODELS as ReadonlyArray<string>).includes(model.name) || model.name in FORWARD_MODELS ? "built-in" : models.get(model.name)?.plugin
      if (taken !== undefined) fail(name, "register", `its model ${JSON.stringify(model.name)} is already registered by ${taken}`)
      models.set(model.name, { model: model as unknown as PricingModel<never>, plugin: name })
    }
    for (const policy of plugin.policies ?? []) {
      const taken = policyOwners.get(policy.name)
      if (taken !== undefined) fail(name, "register", `its policy ${JSON.stringify(policy.name)} is already registered by ${taken}`)
      policyOwners.set(policy.name, name)
      policies.push(policy)
    }
    plugins.push({
      name, version: plugin.version, sdk: plugin.sdk, ...(plugin.description !== undefined ? { description: plugin.description } : {}), path: plugin.path, options,
      models: (plugin.models ?? []).map((m) => m.name), policies: (plugin.policies ?? []).map((p) => p.name)
    })
  }
  current = { config: file, plugins, models, policies, policyOwners }
  loadedFrom = file
  return current
}

/** The parameter names of a model's params Schema, when it is a struct. */
export const parameterNames = (model: PricingModel<never>): ReadonlyArray<string> => {
  const fields = (model.params as unknown as { fields?: Record<string, unknown> }).fields
  return fields !== undefined && typeof fields === "object" ? Object.keys(fields) : []
}
