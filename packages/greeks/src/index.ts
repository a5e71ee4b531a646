/**
 * Greeks of every order for any pricing model, with their units in the types.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as ClosedForm from "./ClosedForm.js"
/** @since 0.1.0 */
export * as Numerical from "./Numerical.js"
