/**
 * Seeded, reproducible price paths for backtests of hedging strategies.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Grid from "./Grid.js"
/** @since 0.1.0 */
export * as Normals from "./Normals.js"
/** @since 0.1.0 */
export * as Paths from "./Paths.js"
/** @since 0.1.0 */
export * as Process from "./Process.js"
/** @since 0.1.0 */
export * as Xoshiro256 from "./Xoshiro256.js"
