/**
 * Binance's conventions for option Greeks (`GET /eapi/v1/mark`, stream `<underlying>@optionMarkPrice`):
 * USDT-settled options valued with Black-Scholes on the index price at r = `riskFreeInterest`, `markIV` a
 * decimal, per 1 coin: `delta` ∂V/∂S, `gamma` per USDT, `vega` USDT per vol point, `theta` USDT per calendar day.
 * (Reproduced on published payloads with r = 0; a non-zero rate is taken as the BSM rate with no yield.)
 *
 * @since 0.1.0
 */
import type { Instrument } from "@hedgekit/sdk"
import * as ClosedForm from "./ClosedForm.js"
import * as Units from "./Units.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface MarkGreeks {
  readonly delta: Units.Delta<"contract">
  readonly gamma: Units.Gamma<"contract">
  readonly vega: Units.Vega<"USD", "perPoint", "contract">
  readonly theta: Units.Theta<"USD", "perDay", "contract">
}

/**
 * The mark Greeks Binance would report (unrounded); `markIV` decimal, `expiry` in years.
 *
 * @since 0.1.0
 * @category greeks
 */
export const markGreeks = (input: {
  readonly type: Instrument.OptionType
  readonly indexPrice: number
  readonly strike: number
  readonly expiry: number
  readonly riskFreeInterest: number
  readonly markIV: number
}): MarkGreeks => {
  const g = ClosedForm.blackScholes(input.type, input.indexPrice, input.strike, input.expiry, input.riskFreeInterest, 0, input.markIV)
  return {
    delta: Units.delta(g.delta, "contract"),
    gamma: Units.gamma(g.gamma, "contract"),
    vega: Units.vega(g.vega / 100, "USD", "perPoint", "contract"),
    theta: Units.theta(g.theta / 365, "USD", "perDay", "contract")
  }
}
