/**
 * Execution: venues as Effect services for the hedge loop, the order journal and crash recovery, the kill switch,
 * and the live loop that puts them together.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Ccxt from "./Ccxt.js"
/** @since 0.1.0 */
export * as Deribit from "./Deribit.js"
/** @since 0.1.0 */
export * as Journal from "./Journal.js"
/** @since 0.1.0 */
export * as KillSwitch from "./KillSwitch.js"
/** @since 0.1.0 */
export * as LiveLoop from "./LiveLoop.js"
/** @since 0.1.0 */
export * as Paper from "./Paper.js"
/** @since 0.1.0 */
export * as Recovery from "./Recovery.js"
