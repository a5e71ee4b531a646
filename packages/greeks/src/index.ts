/**
 * Greeks of every order for any pricing model, with their units in the types.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as ClosedForm from "./ClosedForm.js"
/** @since 0.1.0 */
export * as Numerical from "./Numerical.js"
/** @since 0.1.0 */
export * as Units from "./Units.js"
/** @since 0.1.0 */
export * as Inverse from "./Inverse.js"
/** @since 0.1.0 */
export * as Deribit from "./Deribit.js"
/** @since 0.1.0 */
export * as Okx from "./Okx.js"
/** @since 0.1.0 */
export * as Bybit from "./Bybit.js"
/** @since 0.1.0 */
export * as Binance from "./Binance.js"
/** @since 0.1.0 */
export * as Portfolio from "./Portfolio.js"
/** @since 0.1.0 */
export * as Scenario from "./Scenario.js"
