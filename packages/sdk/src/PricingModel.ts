/**
 * The pricing-model contract. A model prices European options on a forward: the premium, discounted to today,
 * in the quote currency per 1 unit of the underlying. Everything spot-, coin- or position-related (spot delta,
 * coin premiums, contract multipliers) is layered on top by other packages, so a model author writes the
 * mathematics only.
 *
 * A model is a plain object made with {@link definePricingModel}. Required: `name`, `version`, a `params`
 * Schema and a scalar `price`. Optional members are capabilities: `greeks` (analytic sensitivities; without
 * them hedgekit differentiates `price`), `priceBatch` and `greeksBatch` (struct-of-arrays kernels for whole
 * chains).
 *
 * @since 0.1.0
 */
import type * as Schema from "effect/Schema"
import type { OptionType } from "./Instrument.js"

/**
 * One European option to value.
 *
 * @since 0.1.0
 * @category models
 */
export interface EuropeanOption {
  readonly type: OptionType
  /** Forward price for the option's expiry, quote currency per unit of underlying. */
  readonly forward: number
  /** Strike, same unit as `forward`. */
  readonly strike: number
  /** Time to expiry in years (ACT/365 from timestamps, see `Time.yearFraction`). */
  readonly expiry: number
  /** Continuously compounded rate discounting the premium from expiry to today (decimal; may be negative). */
  readonly rate: number
}

/**
 * A chain of European options as columns (struct of arrays). `isCall[i]` is 1 for a call and 0 for a put.
 * Rows `0 … length − 1` are read; the arrays may be longer.
 *
 * @since 0.1.0
 * @category models
 */
export interface EuropeanBatch {
  readonly length: number
  readonly isCall: Uint8Array
  readonly forward: Float64Array
  readonly strike: Float64Array
  readonly expiry: Float64Array
  readonly rate: Float64Array
}

/**
 * Sensitivities of one option, per 1 unit of the underlying (per contract of multiplier 1), in the quote
 * currency:
 * - `delta` = ∂V/∂F, per 1 unit of the forward;
 * - `gamma` = ∂²V/∂F², per unit²;
 * - `vega` = ∂V/∂σ per 1.00 (not per vol point) of the model's volatility input, for models that have one;
 * - `theta` = dV/dt per year of calendar time passing, forward and rate held fixed (= −∂V/∂T);
 * - `rho` = ∂V/∂r per 1.00 of the discount rate, forward held fixed.
 *
 * @since 0.1.0
 * @category models
 */
export interface Greeks {
  readonly price: number
  readonly delta: number
  readonly gamma: number
  readonly vega?: number
  readonly theta: number
  readonly rho: number
}

/**
 * Caller-owned output columns for {@link PricingModel.greeksBatch}, in the units of {@link Greeks}. `vega`, like
 * `Greeks.vega`, is for models with a volatility input: a model without one leaves the column untouched.
 *
 * @since 0.1.0
 * @category models
 */
export interface GreeksColumns {
  readonly price: Float64Array
  readonly delta: Float64Array
  readonly gamma: Float64Array
  readonly vega?: Float64Array
  readonly theta: Float64Array
  readonly rho: Float64Array
}

/**
 * Model parameters for a batch: each numeric parameter is either one number shared by every row (a Heston
 * surface) or a column with one value per row (each option's own implied vol).
 *
 * @since 0.1.0
 * @category models
 */
export type BatchParams<P> = { readonly [K in keyof P]: P[K] extends number ? number | Float64Array : P[K] }

/**
 * The pricing-model contract.
 *
 * Scalar members throw the SDK's tagged errors (`InvalidInput`, …) for inputs outside the model's domain.
 * Batch members never throw for a bad row: they write the row's code from `BatchStatus` into `status` (0 = ok)
 * and go on. Outputs are caller-owned and batch members allocate nothing per row.
 *
 * @since 0.1.0
 * @category models
 */
export interface PricingModel<P> {
  /** A stable identifier, e.g. `"black76"` or `"@acme/hedgekit-vg"`. */
  readonly name: string
  /** The model's own semver version. */
  readonly version: string
  readonly description?: string
  /** Decodes and checks the model's parameters (from a config file, flags or code). */
  readonly params: Schema.Decoder<P>
  /** Discounted premium, quote currency per 1 unit of underlying. */
  readonly price: (option: EuropeanOption, params: P) => number
  readonly greeks?: (option: EuropeanOption, params: P) => Greeks
  readonly priceBatch?: (
    options: EuropeanBatch,
    params: BatchParams<P>,
    out: Float64Array,
    status: Uint8Array
  ) => void
  readonly greeksBatch?: (
    options: EuropeanBatch,
    params: BatchParams<P>,
    out: GreeksColumns,
    status: Uint8Array
  ) => void
}

/**
 * Declares a pricing model. An identity function that fixes the parameter type, so that `price` and
 * `greeks` are checked against the `params` Schema.
 *
 * @example
 * const flat = definePricingModel({
 *   name: "@acme/flat-vol", version: "1.0.0",
 *   params: Schema.Struct({ vol: Schema.Finite }),
 *   price: (option, { vol }) => Black76.price(option.type, option.forward, option.strike, option.expiry, option.rate, vol)
 * })
 * @since 0.1.0
 * @category constructors
 */
export const definePricingModel = <P>(model: PricingModel<P>): PricingModel<P> => model
