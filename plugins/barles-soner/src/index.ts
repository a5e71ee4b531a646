/**
 * hedgekit-plugin-barles-soner: a rebalance policy for hedgekit that hedges a book at Barles & Soner's (1998)
 * transaction-cost adjusted volatility, within a Whalley–Wilmott (1997) no-trade band.
 *
 * The package's default export (also exported as `plugin`) is the plugin a host registers; `barlesSoner` is the
 * policy itself, for use with `RebalancePolicy.configure` without a host, and `psi`, `onePlusPsi`, `argumentOf`,
 * `adjustedVol` and `halfWidth` are its formulas.
 *
 * @since 0.1.0
 */
import { Plugin } from "@hedgekit/sdk"
import { barlesSoner, VERSION } from "./BarlesSoner.js"

export * from "./BarlesSoner.js"
export * from "./Psi.js"

/**
 * The plugin: one rebalance policy, `barles-soner`.
 *
 * @since 0.1.0
 * @category plugin
 */
export const plugin: Plugin.Plugin = Plugin.definePlugin({
  kind: "hedgekit-plugin",
  name: "hedgekit-plugin-barles-soner",
  version: VERSION,
  sdk: ">=0.0.0 <0.2.0",
  description: "Barles–Soner rebalance policy: hedge at the transaction-cost adjusted vol, within a utility-indifference band",
  policies: [barlesSoner]
})

export default plugin
