/**
 * OKX's conventions for option Greeks (`GET /api/v5/public/opt-summary`, WebSocket channel `opt-summary`).
 * OKX reports two sets per option, per 1 coin of underlying: "BS" Greeks in USD (`deltaBS`, `gammaBS`,
 * `vegaBS`, `thetaBS`) and premium-adjusted "PA" Greeks in coin (`delta`, `gamma`, `vega`, `theta`), with the
 * vol `markVol` as a decimal and the forward `fwdPx`. OKX documents no formulas; these are the relations that
 * reproduce its published payloads (Black-76 on the forward; S the coin divisor — the forward in recent
 * payloads, about the index in older ones):
 *
 * | field | value |
 * |---|---|
 * | `deltaBS` | ∂V_usd/∂F |
 * | `gammaBS` | ∂²V_usd/∂F², per USD |
 * | `vegaBS` | USD per vol point |
 * | `delta` (PA) | deltaBS − V_usd/S, coins |
 * | `gamma` (PA) | S·gammaBS − 2·delta(PA), coins |
 * | `vega` (PA) | vegaBS/S, coin per vol point |
 * | `theta` (PA) | θ_usd per calendar day ÷ S, times min(1, days to expiry) |
 *
 * `thetaBS` is left out: it does not follow from Black-76 on the payload's own inputs (it carries a carry term
 * at an unpublished rate), so compute theta from the inputs instead. Position Greeks are these × `sz` × the
 * contract's `ctMult` (0.01 BTC for BTC-USD options).
 *
 * @since 0.1.0
 */
import type { Instrument } from "@hedgekit/sdk"
import { InvalidInput } from "@hedgekit/sdk"
import * as ClosedForm from "./ClosedForm.js"
import * as Units from "./Units.js"

/**
 * The Greeks of an `opt-summary` row, with units.
 *
 * @since 0.1.0
 * @category models
 */
export interface OptSummaryGreeks {
  readonly deltaBS: Units.Delta<"contract">
  readonly gammaBS: Units.Gamma<"contract">
  readonly vegaBS: Units.Vega<"USD", "perPoint", "contract">
  readonly delta: Units.CoinDelta<"contract">
  readonly gamma: Units.CoinGamma<"contract">
  readonly vega: Units.Vega<"coin", "perPoint", "contract">
  readonly theta: Units.Theta<"coin", "perDay", "contract">
}

/**
 * @since 0.1.0
 * @category models
 */
export interface OptSummaryInput {
  readonly type: Instrument.OptionType
  /** `fwdPx`, USD. */
  readonly fwdPx: number
  readonly strike: number
  /** Years to expiry (ACT/365 from `ts`). */
  readonly expiry: number
  /** Discount rate, decimal. */
  readonly rate: number
  /** `markVol`, decimal. */
  readonly markVol: number
  /** The coin divisor S of the PA Greeks, USD (defaults to `fwdPx`). */
  readonly coinPrice?: number
}

const positive = (field: string, x: number): void => {
  if (!(x > 0 && Number.isFinite(x))) throw new InvalidInput({ field, value: x, expected: "a finite number > 0" })
}

/**
 * The `opt-summary` Greeks OKX would report for these inputs (unrounded).
 *
 * @since 0.1.0
 * @category greeks
 */
export const optSummaryGreeks = (input: OptSummaryInput): OptSummaryGreeks => {
  const { expiry, fwdPx, markVol, rate, strike, type } = input
  const S = input.coinPrice ?? fwdPx
  positive("coinPrice", S)
  const g = ClosedForm.black76(type, fwdPx, strike, expiry, rate, markVol)
  const deltaPA = g.delta - g.price / S
  const days = expiry * 365
  return {
    deltaBS: Units.delta(g.delta, "contract"),
    gammaBS: Units.gamma(g.gamma, "contract"),
    vegaBS: Units.vega(g.vega / 100, "USD", "perPoint", "contract"),
    delta: Units.coinDelta(deltaPA, "contract"),
    gamma: Units.coinGamma(S * g.gamma - 2 * deltaPA, "contract"),
    vega: Units.vega(g.vega / 100 / S, "coin", "perPoint", "contract"),
    theta: Units.theta((g.theta / 365 / S) * Math.min(1, days), "coin", "perDay", "contract")
  }
}

/**
 * Types an `opt-summary` row's Greeks (OKX sends numbers as strings) with OKX's units.
 *
 * @since 0.1.0
 * @category conversions
 */
export const fromOptSummary = (row: {
  readonly deltaBS: string | number
  readonly gammaBS: string | number
  readonly vegaBS: string | number
  readonly delta: string | number
  readonly gamma: string | number
  readonly vega: string | number
  readonly theta: string | number
}): OptSummaryGreeks => {
  const read = (key: keyof typeof row): number => {
    const raw = row[key]
    const x = typeof raw === "number" ? raw : raw.trim() === "" ? NaN : Number(raw)
    if (!Number.isFinite(x)) throw new InvalidInput({ field: key, value: raw, expected: "a finite decimal number" })
    return x
  }
  return {
    deltaBS: Units.delta(read("deltaBS"), "contract"),
    gammaBS: Units.gamma(read("gammaBS"), "contract"),
    vegaBS: Units.vega(read("vegaBS"), "USD", "perPoint", "contract"),
    delta: Units.coinDelta(read("delta"), "contract"),
    gamma: Units.coinGamma(read("gamma"), "contract"),
    vega: Units.vega(read("vega"), "coin", "perPoint", "contract"),
    theta: Units.theta(read("theta"), "coin", "perDay", "contract")
  }
}
