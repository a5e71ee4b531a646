/**
 * Backtests of hedging policies.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Accounting from "./Accounting.js"
/** @since 0.1.0 */
export * as BacktestVenue from "./BacktestVenue.js"
/** @since 0.1.0 */
export * as Engine from "./Engine.js"
/** @since 0.1.0 */
export * as HedgeLoop from "./HedgeLoop.js"
/** @since 0.1.0 */
export * as Replay from "./Replay.js"
/** @since 0.1.0 */
export * as Risk from "./Risk.js"
/** @since 0.1.0 */
export * as Simulate from "./Simulate.js"
/** @since 0.1.0 */
export * as Summary from "./Summary.js"
/** @since 0.1.0 */
export * as Report from "./Report.js"
