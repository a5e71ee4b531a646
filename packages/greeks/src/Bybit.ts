/**
 * Bybit's conventions for option Greeks (v5 `GET /v5/market/tickers?category=option`, WebSocket `tickers`):
 * USDC-settled options, Black-76 on the per-expiry `underlyingPrice` (not `indexPrice`), `markIv` a decimal,
 * per 1 coin: `delta` ∂V/∂F; `vega` USD per vol point; `theta` USD per calendar day and `gamma` per USD, both
 * scaled by min(1, days to expiry) under a day (theta confirmed on two published payloads, gamma on one).
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
export interface TickerGreeks {
  readonly delta: Units.Delta<"contract">
  readonly gamma: Units.Gamma<"contract">
  readonly vega: Units.Vega<"USD", "perPoint", "contract">
  readonly theta: Units.Theta<"USD", "perDay", "contract">
}

/**
 * The ticker Greeks Bybit would report (unrounded); `markIv` decimal, `expiry` in years, rate 0.
 *
 * @since 0.1.0
 * @category greeks
 */
export const tickerGreeks = (input: {
  readonly type: Instrument.OptionType
  readonly underlyingPrice: number
  readonly strike: number
  readonly expiry: number
  readonly markIv: number
}): TickerGreeks => {
  const g = ClosedForm.black76(input.type, input.underlyingPrice, input.strike, input.expiry, 0, input.markIv)
  const scale = Math.min(1, input.expiry * 365)
  return {
    delta: Units.delta(g.delta, "contract"),
    gamma: Units.gamma(g.gamma * scale, "contract"),
    vega: Units.vega(g.vega / 100, "USD", "perPoint", "contract"),
    theta: Units.theta((g.theta / 365) * scale, "USD", "perDay", "contract")
  }
}
