/**
 * Dynamic hedging of options.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Formulas from "./Formulas.js"
/** @since 0.1.0 */
export * as Costs from "./Costs.js"
/** @since 0.1.0 */
export * as Policies from "./Policies.js"
/** @since 0.1.0 */
export * as Sizing from "./Sizing.js"
/** @since 0.1.0 */
export * as Context from "./Context.js"
