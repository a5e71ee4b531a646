/**
 * The row models beyond the closed forms: each a `PricingModel` on a `forward`, with its parameters as row
 * fields whose names cannot collide with the output Greeks. Their Greeks come from `@hedgekit/greeks`
 * `Numerical` (the model's analytic Greeks where it has them, Richardson differences otherwise); vega and the
 * other vol Greeks only for models with a `vol` parameter.
 */
import { Bates, Heston, Kou, Merton, Sabr } from "@hedgekit/models"
import type { PricingModel } from "@hedgekit/sdk"

export interface ForwardModel {
  readonly model: PricingModel<never>
  /** Parameter fields, in order, with what each expects (for error messages). */
  readonly fields: ReadonlyArray<readonly [field: string, expected: string]>
}

const entry = <P>(model: PricingModel<P>, fields: ForwardModel["fields"]): ForwardModel => ({ model: model as unknown as PricingModel<never>, fields })

const jumps = [
  ["jumpIntensity", "a jump intensity λ ≥ 0 (jumps per year)"]
] as const

const stochasticVol = [
  ["initialVariance", "Heston v₀ > 0 (variance, per year)"],
  ["meanReversion", "Heston κ > 0 (per year)"],
  ["longRunVariance", "Heston θ > 0 (variance, per year)"],
  ["volOfVol", "Heston σ > 0 (vol of variance)"],
  ["correlation", "Heston ρ in (−1, 1)"]
] as const

export const FORWARD_MODELS: Readonly<Record<string, ForwardModel>> = {
  heston: entry(Heston.model, stochasticVol),
  bates: entry(Bates.model, [
    ...stochasticVol,
    ...jumps,
    ["jumpMean", "the mean of the log jump size (decimal)"],
    ["jumpVol", "the st. dev. of the log jump size ≥ 0 (decimal)"]
  ]),
  merton: entry(Merton.model, [
    ["vol", "a diffusion vol > 0 (decimal)"],
    ...jumps,
    ["jumpMean", "the mean of the log jump size (decimal)"],
    ["jumpVol", "the st. dev. of the log jump size ≥ 0 (decimal)"]
  ]),
  kou: entry(Kou.model, [
    ["vol", "a diffusion vol > 0 (decimal)"],
    ...jumps,
    ["upProbability", "the probability p of an up-jump, in [0, 1]"],
    ["upRate", "the up-jump rate η₁ > 1"],
    ["downRate", "the down-jump rate η₂ > 0"]
  ]),
  sabr: entry(Sabr.model, [
    ["alpha", "SABR α > 0 (the vol level; lognormal at β = 1)"],
    ["beta", "SABR β in [0, 1]"],
    ["correlation", "SABR ρ in (−1, 1)"],
    ["volOfVol", "SABR ν ≥ 0 (per √year)"]
  ])
}
