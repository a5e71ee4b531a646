/**
 * What a backtest run comes to: the figures `hedgekit backtest --json` prints, per policy — paths, mean
 * rebalancing trades per path, the P&L distribution (mean, standard deviation, VaR and CVaR at 95 % and 99 %, as
 * positive losses) in the accounting currency, mean fees and funding paid, and the mean attribution.
 *
 * @since 0.1.0
 */
import * as Engine from "./Engine.js"
import * as Risk from "./Risk.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Summary {
  readonly policy: string
  readonly accounting: "usd" | "coin"
  readonly currency: string
  readonly paths: number
  /** Mean rebalancing trades per path. */
  readonly rebalances: number
  readonly pnl: Risk.Summary
  /** Mean fees paid per path (accounting currency, positive = paid), hedge and options. */
  readonly fees: number
  /** Mean funding paid per path (positive = paid). */
  readonly funding: number
  /** Mean slippage (spread and impact) paid per path. */
  readonly slippage: number
  /** Mean of each attribution term per path (contributions to P&L; costs negative). */
  readonly attribution: Readonly<Record<(typeof Engine.attributionTerms)[number], number>>
}

const mean = (xs: ArrayLike<number>): number => {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i]!
  return s / xs.length
}

/**
 * Summarises a finished engine.
 *
 * @since 0.1.0
 * @category constructors
 */
export const of = (engine: Engine.Engine, policy = engine.config.policy.name): Summary => {
  const a = engine.attribution
  const coin = engine.config.accounting === "coin"
  return {
    policy,
    accounting: engine.config.accounting,
    currency: coin ? engine.config.holdings.hedge.underlying : "USD",
    paths: engine.paths,
    rebalances: mean(engine.trades),
    pnl: Risk.summarize(engine.pnl()),
    fees: -mean(a.fees),
    funding: -mean(a.funding),
    slippage: -mean(a.slippage),
    attribution: Object.fromEntries(Engine.attributionTerms.map((t) => [t, mean(a[t])])) as Summary["attribution"]
  }
}
