/**
 * hedgekit-plugin-variance-gamma: the Variance Gamma model (Madan, Carr & Chang 1998) as a hedgekit plugin.
 *
 * The package's default export (and its named export `plugin`) is the plugin a host loads by name from
 * `hedgekit.config.json`; `VarianceGamma` is the model itself, for use from code.
 *
 * @since 0.1.0
 */
import { Plugin } from "@hedgekit/sdk"
import packageJson from "../package.json" with { type: "json" }
import * as VarianceGamma from "./VarianceGamma.js"

export {
  /** @since 0.1.0 */
  VarianceGamma
}

/**
 * The plugin: one pricing model, `"variance-gamma"`.
 *
 * @since 0.1.0
 * @category plugin
 */
export const plugin: Plugin.Plugin = Plugin.definePlugin({
  kind: "hedgekit-plugin",
  name: packageJson.name,
  version: packageJson.version,
  sdk: ">=0.0.0 <0.2.0",
  description: "Variance Gamma (Madan, Carr & Chang 1998) European options on a forward, with analytic Greeks and batch kernels",
  models: [VarianceGamma.model as unknown as NonNullable<Plugin.Plugin["models"]>[number]]
})

export default plugin
