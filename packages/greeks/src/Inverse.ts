/**
 * Coin-settled (inverse) options: Deribit and OKX BTC/ETH options are quoted, paid and settled in the coin
 * (a call pays max(S_T − K, 0)/S_T coins). Their coin value is the USD value divided by the coin's price,
 * V_coin = V_usd/S (receiving X coins at expiry is worth X·S_T USD), so a desk that counts its P&L in coin has a
 * different delta and gamma than one that counts in USD.
 *
 * The USD Greeks come from any model on the option's forward F (Black-76 on Deribit's `underlying_price`);
 * the forward moves with the index S at a fixed basis F/S over an instant, so ∂/∂S = (F/S)·∂/∂F. With
 * Δ_S = (F/S)·Δ_F and Γ_S = (F/S)²·Γ_F, per 1 coin of underlying:
 *
 * - coin delta (premium-adjusted; Deribit's Net Transaction Delta, OKX "PA" delta) = S·∂V_coin/∂S = Δ_S − V_coin,
 *   in coins: the coin P&L of a 1 % move is 1 % of it;
 * - coin gamma = S²·∂²V_coin/∂S² = S·Γ_S − 2·(Δ_S − V_coin), in coins (OKX "PA" gamma): smaller than the USD
 *   gamma S·Γ_S, and negative for deep in-the-money calls;
 * - vega and theta in coin are the USD ones ÷ S.
 *
 * Which delta to hedge depends on the accounting currency (`../DOMAIN` §1.5): a USD-neutral book sets
 * Σ n·Δ_S + Σ futures/perp coin exposure + coin cash = 0 (coin collateral is long delta); a coin-neutral book
 * sets Σ n·(Δ_S − V_coin) + Σ inverse futures/perp coin exposure = 0 (coin cash carries no coin delta).
 *
 * @since 0.1.0
 */
import { InvalidInput } from "@hedgekit/sdk"
import * as Units from "./Units.js"

/**
 * USD Greeks of one option per 1 coin of underlying, with respect to its forward, from any model: `price`
 * (discounted USD value), `delta` ∂V/∂F, `gamma` ∂²V/∂F², `vega` per 1.00 of vol, `theta` per year.
 *
 * @since 0.1.0
 * @category models
 */
export interface ForwardGreeks {
  readonly price: number
  readonly delta: number
  readonly gamma: number
  readonly vega: number
  readonly theta: number
}

/**
 * Greeks of one coin-settled contract of 1 coin notional, USD and coin side by side.
 *
 * @since 0.1.0
 * @category models
 */
export interface InverseGreeks {
  readonly valueUsd: Units.Value<"USD", "contract">
  readonly valueCoin: Units.Value<"coin", "contract">
  /** ∂V_usd/∂F: the delta Deribit and OKX ("BS") report. */
  readonly forwardDelta: Units.Delta<"contract">
  /** ∂V_usd/∂S = (F/S)·∂V_usd/∂F: the USD-accounting delta against the index or a perpetual. */
  readonly spotDelta: Units.Delta<"contract">
  /** S·∂V_coin/∂S = Δ_S − V_coin: the coin-accounting (premium-adjusted) delta. */
  readonly coinDelta: Units.CoinDelta<"contract">
  /** ∂²V_usd/∂F², per USD. */
  readonly forwardGamma: Units.Gamma<"contract">
  /** ∂²V_usd/∂S² = (F/S)²·∂²V_usd/∂F², per USD. */
  readonly spotGamma: Units.Gamma<"contract">
  /** S²·∂²V_coin/∂S², in coins. */
  readonly coinGamma: Units.CoinGamma<"contract">
  readonly vegaUsd: Units.Vega<"USD", "per1", "contract">
  readonly vegaCoin: Units.Vega<"coin", "per1", "contract">
  readonly thetaUsd: Units.Theta<"USD", "perYear", "contract">
  readonly thetaCoin: Units.Theta<"coin", "perYear", "contract">
}

const positive = (field: string, x: number, expected: string): void => {
  if (!(x > 0 && Number.isFinite(x))) throw new InvalidInput({ field, value: x, expected })
}

/**
 * Coin-settled Greeks from a model's USD Greeks on the forward, the forward F and the coin's price S (the
 * index, by which Deribit divides its USD values; OKX divides by its forward in recent payloads — pass the
 * divisor the venue uses).
 *
 * @since 0.1.0
 * @category greeks
 */
export const fromForwardGreeks = (greeks: ForwardGreeks, forward: number, coinPrice: number): InverseGreeks => {
  positive("forward", forward, "the option's forward in USD, > 0")
  positive("coinPrice", coinPrice, "the coin's price in USD (the venue's divisor, usually the index), > 0")
  for (const key of ["price", "delta", "gamma", "vega", "theta"] as const) {
    if (!Number.isFinite(greeks[key])) throw new InvalidInput({ field: `greeks.${key}`, value: greeks[key], expected: "a finite number" })
  }
  const basis = forward / coinPrice
  const valueCoin = greeks.price / coinPrice
  const spotDelta = basis * greeks.delta
  const spotGamma = basis * basis * greeks.gamma
  const coinDelta = spotDelta - valueCoin
  return {
    valueUsd: Units.value(greeks.price, "USD", "contract"),
    valueCoin: Units.value(valueCoin, "coin", "contract"),
    forwardDelta: Units.delta(greeks.delta, "contract"),
    spotDelta: Units.delta(spotDelta, "contract"),
    coinDelta: Units.coinDelta(coinDelta, "contract"),
    forwardGamma: Units.gamma(greeks.gamma, "contract"),
    spotGamma: Units.gamma(spotGamma, "contract"),
    coinGamma: Units.coinGamma(coinPrice * spotGamma - 2 * coinDelta, "contract"),
    vegaUsd: Units.vega(greeks.vega, "USD", "per1", "contract"),
    vegaCoin: Units.vega(greeks.vega / coinPrice, "coin", "per1", "contract"),
    thetaUsd: Units.theta(greeks.theta, "USD", "perYear", "contract"),
    thetaCoin: Units.theta(greeks.theta / coinPrice, "coin", "perYear", "contract")
  }
}

/**
 * Which currency a book's P&L is counted in, and so which delta it hedges to zero.
 *
 * @since 0.1.0
 * @category models
 */
export type Accounting = "usd" | "coin"

/**
 * The delta, in coins, that one option position contributes under an accounting choice: `usd` → n·Δ_S,
 * `coin` → n·(Δ_S − V_coin). `contracts` is signed (short < 0), `multiplier` coins per contract.
 *
 * @since 0.1.0
 * @category greeks
 */
export const positionDelta = (
  greeks: InverseGreeks,
  contracts: number,
  multiplier: number,
  accounting: Accounting
): Units.Delta<"position"> =>
  Units.perPosition(
    accounting === "usd" ? greeks.spotDelta : Units.delta(greeks.coinDelta, "contract"),
    contracts,
    multiplier
  )

/**
 * The delta, in coins, of a holding of `coins` coins of cash or collateral: 1 per coin for USD accounting
 * (the collateral's USD value moves with S), 0 for coin accounting.
 *
 * @since 0.1.0
 * @category greeks
 */
export const cashDelta = (coins: number, accounting: Accounting): Units.Delta<"position"> => {
  if (!Number.isFinite(coins)) throw new InvalidInput({ field: "coins", value: coins, expected: "a finite amount of coin" })
  return Units.delta(accounting === "usd" ? coins : 0, "position")
}
