/**
 * The hedgekit contracts: the only package a plugin imports.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as BatchStatus from "./BatchStatus.js"
/** @since 0.1.0 */
export * from "./Errors.js"
/** @since 0.1.0 */
export * as Instrument from "./Instrument.js"
/** @since 0.1.0 */
export * as Market from "./Market.js"
/** @since 0.1.0 */
export * as MarketEvent from "./MarketEvent.js"
/** @since 0.1.0 */
export * as Plugin from "./Plugin.js"
/** @since 0.1.0 */
export * from "./PricingModel.js"
/** @since 0.1.0 */
export * as RebalancePolicy from "./RebalancePolicy.js"
/** @since 0.1.0 */
export * as Time from "./Time.js"
/** @since 0.1.0 */
export * as Venue from "./Venue.js"
