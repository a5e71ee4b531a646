/**
 * The price processes, as checked parameter sets. Parameter names and domains are those of `@hedgekit/models`
 * (`Merton`, `Kou`, `Heston`, `Bates`), so a calibrated parameter set simulates as it prices; each process adds
 * the `spot` it starts from and its drift.
 *
 * Units: `spot` in USD (any currency: paths scale with it); time in years (ACT/365); `vol` per √year, decimal
 * (0.6 = 60 %); variances (`initialVariance`, `longRunVariance`) per year, decimal (0.36 = a vol of 60 %);
 * `meanReversion` per year; `volOfVol` per √year; `jumpIntensity` jumps per year; `jumpMean`, `jumpVol` in
 * log-return units; Kou's `upRate`, `downRate` per unit of log-return (mean jump sizes 1/upRate, 1/downRate).
 *
 * Drift: risk-neutral by default, E[S_t] = S₀·e^{(rate − dividend)t} (continuously compounded, both default to
 * 0, `dividend` any carry such as a funding rate); pass `mu` instead for a real-world drift, E[S_t] = S₀·e^{μt}.
 * Jumps are always compensated, so the drift is the expected return with or without them.
 *
 * | process | dynamics of X = ln(S_t/S₀) | parameters |
 * |---|---|---|
 * | `gbm` | dX = (m − σ²/2)dt + σ dW | `vol` |
 * | `merton` | + Σ J, J ~ N(μ_J, δ_J²), Poisson λ, drift − λ(e^{μ_J + δ_J²/2} − 1) | `vol`, `jumpIntensity`, `jumpMean`, `jumpVol` |
 * | `kou` | + Σ J, J ~ Exp(η₁) w.p. p, −Exp(η₂) otherwise, drift − λζ | `vol`, `jumpIntensity`, `upProbability`, `upRate`, `downRate` |
 * | `heston` | dX = (m − v/2)dt + √v dW₁, dv = κ(θ − v)dt + σ√v dW₂, ⟨W₁, W₂⟩ = ρt | `initialVariance`, `meanReversion`, `longRunVariance`, `volOfVol`, `correlation` |
 * | `bates` | Heston + Merton's jumps | the five of Heston + `jumpIntensity`, `jumpMean`, `jumpVol` |
 *
 * The Feller condition 2κθ ≥ σ² is not required (Andersen's QE scheme keeps v ≥ 0 without it). Constructors
 * throw `InvalidInput` naming the field.
 *
 * @since 0.1.0
 */
import { InvalidInput } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import { decode } from "./internal/validate.js"

const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

const driftFields = {
  spot: Positive,
  rate: Schema.optional(Schema.Finite),
  dividend: Schema.optional(Schema.Finite),
  mu: Schema.optional(Schema.Finite)
}
const mertonJumps = {
  jumpIntensity: NonNegative,
  jumpMean: Schema.Finite,
  jumpVol: NonNegative
}
const hestonFields = {
  initialVariance: Positive,
  meanReversion: Positive,
  longRunVariance: Positive,
  volOfVol: Positive,
  correlation: Schema.Finite.check(Schema.isGreaterThan(-1), Schema.isLessThan(1))
}

const DOCS: Readonly<Record<string, string>> = {
  spot: "USD at the first time of the grid",
  rate: "continuously compounded risk-free rate, per year",
  dividend: "continuously compounded carry (dividend, funding), per year",
  mu: "real-world expected return, continuously compounded, per year",
  vol: "diffusion vol per √year, decimal",
  jumpIntensity: "jumps per year",
  jumpMean: "mean log jump size",
  jumpVol: "standard deviation of the log jump size",
  upProbability: "probability that a jump is up, in [0, 1]",
  upRate: "rate of the exponential up-jumps, > 1 for a finite mean of e^J",
  downRate: "rate of the exponential down-jumps",
  initialVariance: "v₀, variance per year, decimal",
  meanReversion: "κ, per year",
  longRunVariance: "θ, variance per year, decimal",
  volOfVol: "σ of the variance, per √year",
  correlation: "ρ between spot and variance, in (−1, 1)"
}

/**
 * `{ spot, vol, rate?, dividend?, mu? }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GbmParams = Schema.Struct({ ...driftFields, vol: Positive })

/**
 * `{ spot, vol, jumpIntensity, jumpMean, jumpVol, rate?, dividend?, mu? }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MertonParams = Schema.Struct({ ...driftFields, vol: Positive, ...mertonJumps })

/**
 * `{ spot, vol, jumpIntensity, upProbability, upRate, downRate, rate?, dividend?, mu? }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const KouParams = Schema.Struct({
  ...driftFields,
  vol: Positive,
  jumpIntensity: NonNegative,
  upProbability: Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  upRate: Schema.Finite.check(Schema.isGreaterThan(1)),
  downRate: Positive
})

/**
 * `{ spot, initialVariance, meanReversion, longRunVariance, volOfVol, correlation, rate?, dividend?, mu? }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HestonParams = Schema.Struct({ ...driftFields, ...hestonFields })

/**
 * Heston's fields plus `jumpIntensity`, `jumpMean`, `jumpVol`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BatesParams = Schema.Struct({ ...driftFields, ...hestonFields, ...mertonJumps })

/**
 * @since 0.1.0
 * @category schemas
 */
export type GbmParams = typeof GbmParams.Encoded
/**
 * @since 0.1.0
 * @category schemas
 */
export type MertonParams = typeof MertonParams.Encoded
/**
 * @since 0.1.0
 * @category schemas
 */
export type KouParams = typeof KouParams.Encoded
/**
 * @since 0.1.0
 * @category schemas
 */
export type HestonParams = typeof HestonParams.Encoded
/**
 * @since 0.1.0
 * @category schemas
 */
export type BatesParams = typeof BatesParams.Encoded

/**
 * Where every path starts and its expected return: E[S_t] = spot·e^{drift·t}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Start {
  readonly spot: number
  /** rate − dividend (risk-neutral), or mu; per year, continuously compounded */
  readonly drift: number
}

/**
 * Geometric Brownian motion.
 *
 * @since 0.1.0
 * @category models
 */
export interface Gbm extends Start {
  readonly _tag: "Gbm"
  readonly vol: number
}

/**
 * Merton (1976) jump diffusion.
 *
 * @since 0.1.0
 * @category models
 */
export interface Merton extends Start {
  readonly _tag: "Merton"
  readonly vol: number
  readonly jumpIntensity: number
  readonly jumpMean: number
  readonly jumpVol: number
}

/**
 * Kou (2002) double-exponential jump diffusion.
 *
 * @since 0.1.0
 * @category models
 */
export interface Kou extends Start {
  readonly _tag: "Kou"
  readonly vol: number
  readonly jumpIntensity: number
  readonly upProbability: number
  readonly upRate: number
  readonly downRate: number
}

/**
 * Heston (1993) stochastic variance.
 *
 * @since 0.1.0
 * @category models
 */
export interface Heston extends Start {
  readonly _tag: "Heston"
  readonly initialVariance: number
  readonly meanReversion: number
  readonly longRunVariance: number
  readonly volOfVol: number
  readonly correlation: number
}

/**
 * Bates (1996): Heston plus Merton's jumps.
 *
 * @since 0.1.0
 * @category models
 */
export interface Bates extends Omit<Heston, "_tag"> {
  readonly _tag: "Bates"
  readonly jumpIntensity: number
  readonly jumpMean: number
  readonly jumpVol: number
}

/**
 * Any of the processes.
 *
 * @since 0.1.0
 * @category models
 */
export type Process = Gbm | Merton | Kou | Heston | Bates

const startOf = (p: { readonly spot: number; readonly rate?: number | undefined; readonly dividend?: number | undefined; readonly mu?: number | undefined }): Start => {
  if (p.mu !== undefined && (p.rate !== undefined || p.dividend !== undefined)) {
    throw new InvalidInput({
      field: "mu",
      value: p.mu,
      expected: "either mu (real-world drift) or rate and dividend (risk-neutral drift), not both"
    })
  }
  return { spot: p.spot, drift: p.mu ?? (p.rate ?? 0) - (p.dividend ?? 0) }
}

/**
 * E[e^J] − 1 of Merton's jumps; must be finite for the compensator.
 *
 * @since 0.1.0
 * @category jumps
 */
export const mertonJumpMean = (jumpMean: number, jumpVol: number): number => Math.expm1(jumpMean + 0.5 * jumpVol * jumpVol)

/**
 * E[e^J] − 1 of Kou's jumps: p·η₁/(η₁ − 1) + (1 − p)·η₂/(η₂ + 1) − 1.
 *
 * @since 0.1.0
 * @category jumps
 */
export const kouJumpMean = (upProbability: number, upRate: number, downRate: number): number =>
  upProbability / (upRate - 1) - (1 - upProbability) / (downRate + 1)

const finiteCompensator = (zeta: number, jumpMean: number): void => {
  if (!Number.isFinite(zeta)) {
    throw new InvalidInput({ field: "jumpMean", value: jumpMean, expected: "jumpMean + jumpVol²/2 < 700 (a finite E[e^J])" })
  }
}

/**
 * @example Process.gbm({ spot: 100_000, vol: 0.6, rate: 0.05 })
 * @since 0.1.0
 * @category constructors
 */
export const gbm = (params: GbmParams): Gbm => {
  const p = decode(GbmParams, params, "gbm", DOCS)
  return { _tag: "Gbm", ...startOf(p), vol: p.vol }
}

/**
 * @example Process.merton({ spot: 100_000, vol: 0.5, jumpIntensity: 10, jumpMean: -0.02, jumpVol: 0.05 })
 * @since 0.1.0
 * @category constructors
 */
export const merton = (params: MertonParams): Merton => {
  const p = decode(MertonParams, params, "merton", DOCS)
  finiteCompensator(mertonJumpMean(p.jumpMean, p.jumpVol), p.jumpMean)
  return { _tag: "Merton", ...startOf(p), vol: p.vol, jumpIntensity: p.jumpIntensity, jumpMean: p.jumpMean, jumpVol: p.jumpVol }
}

/**
 * @example Process.kou({ spot: 100_000, vol: 0.5, jumpIntensity: 10, upProbability: 0.4, upRate: 25, downRate: 20 })
 * @since 0.1.0
 * @category constructors
 */
export const kou = (params: KouParams): Kou => {
  const p = decode(KouParams, params, "kou", DOCS)
  return {
    _tag: "Kou",
    ...startOf(p),
    vol: p.vol,
    jumpIntensity: p.jumpIntensity,
    upProbability: p.upProbability,
    upRate: p.upRate,
    downRate: p.downRate
  }
}

const hestonOf = (p: typeof HestonParams.Type) => ({
  ...startOf(p),
  initialVariance: p.initialVariance,
  meanReversion: p.meanReversion,
  longRunVariance: p.longRunVariance,
  volOfVol: p.volOfVol,
  correlation: p.correlation
})

/**
 * @example Process.heston({ spot: 100_000, initialVariance: 0.36, meanReversion: 3, longRunVariance: 0.4, volOfVol: 1.5, correlation: -0.3 })
 * @since 0.1.0
 * @category constructors
 */
export const heston = (params: HestonParams): Heston => {
  const p = decode(HestonParams, params, "heston", DOCS)
  return { _tag: "Heston", ...hestonOf(p) }
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const bates = (params: BatesParams): Bates => {
  const p = decode(BatesParams, params, "bates", DOCS)
  finiteCompensator(mertonJumpMean(p.jumpMean, p.jumpVol), p.jumpMean)
  return { _tag: "Bates", ...hestonOf(p), jumpIntensity: p.jumpIntensity, jumpMean: p.jumpMean, jumpVol: p.jumpVol }
}

/**
 * Whether the process has a variance path (Heston, Bates).
 *
 * @since 0.1.0
 * @category models
 */
export const hasVariance = (p: Process): p is Heston | Bates => p._tag === "Heston" || p._tag === "Bates"
