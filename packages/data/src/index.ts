/**
 * Historical market data → one time-ordered stream of hedgekit `MarketEvent`s: streaming readers for Tardis.dev
 * CSV files and the bundled Deribit and Binance files, a k-way merge, per-reason bad-row stats, and Effect
 * `Stream` wrappers.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Binance from "./Binance.js"
/** @since 0.1.0 */
export * from "./DataError.js"
/** @since 0.1.0 */
export * as Deribit from "./Deribit.js"
/** @since 0.1.0 */
export * as EventSource from "./EventSource.js"
/** @since 0.1.0 */
export * from "./Merge.js"
/** @since 0.1.0 */
export * as ReadStats from "./ReadStats.js"
/** @since 0.1.0 */
export * as Tardis from "./Tardis.js"
