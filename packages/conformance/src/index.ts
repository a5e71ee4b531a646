/**
 * Property-based conformance suites for hedgekit plugins: a pricing model's or a rebalance policy's own tests
 * call {@link describePricingModel} / {@link describeRebalancePolicy}, which register vitest tests checking, with
 * fast-check, the invariants every model or policy must respect; a failure reads as the shrunk counterexample
 * with units, observed against expected and the tolerance. {@link checkPricingModel} and
 * {@link checkRebalancePolicy} run the same properties and return the failures.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export { ConformanceError } from "./Failure.js"
/** @since 0.1.0 */
export type { ConformanceFailure, Range, Tolerance } from "./Failure.js"
/** @since 0.1.0 */
export { checkPricingModel, describePricingModel, pricingProperties } from "./PricingModelSuite.js"
/** @since 0.1.0 */
export type { PricingModelOptions, PricingProperty } from "./PricingModelSuite.js"
/** @since 0.1.0 */
export { checkRebalancePolicy, describeRebalancePolicy, policyContexts, policyProperties, volScaledDelta } from "./RebalancePolicySuite.js"
/** @since 0.1.0 */
export type { Band, BandPredicate, PolicyContextDomain, PolicyProperty, RebalancePolicyOptions } from "./RebalancePolicySuite.js"
/** @since 0.1.0 */
export { between } from "./Arbitraries.js"
