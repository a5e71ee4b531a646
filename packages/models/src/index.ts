/**
 * Closed-form option models and machine-precision implied volatility.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Bachelier from "./Bachelier.js"
/** @since 0.1.0 */
export * as Black76 from "./Black76.js"
/** @since 0.1.0 */
export * as BlackScholes from "./BlackScholes.js"
/** @since 0.1.0 */
export * as Models from "./Models.js"
/** @since 0.1.0 */
export * as Normal from "./Normal.js"
/** @since 0.1.0 */
export * as Sabr from "./Sabr.js"
/** @since 0.1.0 */
export * as Svi from "./Svi.js"
/** @since 0.1.0 */
export * as Fit from "./Fit.js"
/** @since 0.1.0 */
export * as Calibrate from "./Calibrate.js"
/** @since 0.1.0 */
export * as Merton from "./Merton.js"
/** @since 0.1.0 */
export * as Kou from "./Kou.js"
/** @since 0.1.0 */
export * as Heston from "./Heston.js"
/** @since 0.1.0 */
export * as Bates from "./Bates.js"
