/**
 * ccxt's `fetchGreeks` → hedgekit's units, through `@hedgekit/greeks`' venue conventions. ccxt passes the venues'
 * numbers through unconverted (DOMAIN §3.4), and the venues differ:
 *
 * | venue | ccxt fields (raw) | delta | gamma | vega | theta | IV |
 * |---|---|---|---|---|---|---|
 * | Deribit (`public/ticker`) | `greeks.*`, `mark_iv` | ∂V/∂F, per coin | per USD | USD per vol point | USD per day (min of 1-day and lifetime decay) | percent |
 * | OKX (`opt-summary`) | `delta/gamma/vega/theta` are the coin ("PA") Greeks; `deltaBS/gammaBS/vegaBS` USD | BS: ∂V/∂F per coin | BS: per USD | BS: USD per vol point | PA: coin per day | fraction |
 * | Bybit (`tickers`, option) | `delta,gamma,vega,theta`, `markIv` | ∂V/∂F per coin | per USD | USD per vol point | USD per day | fraction |
 * | Binance (`/eapi/v1/mark`) | `delta,gamma,vega,theta`, `markIV` | ∂V/∂S per coin | per USDT | USDT per vol point | USDT per day | fraction |
 *
 * Normalised: delta per 1 unit of underlying (coin), gamma per 1 USD per unit, vega in USD per 1.00 of vol
 * (× 100), theta in USD per year (× 365), rho in USD per 1.00 of rate, IVs as decimals. OKX's USD theta is its
 * coin theta × `fwdPx` (OKX's coin divisor; `@hedgekit/greeks` `Okx`), as OKX's `thetaBS` does not follow from
 * its own inputs. Under one day to expiry Deribit reports the remaining time value rather than a 1-day decay,
 * and Bybit/OKX scale theta by the fraction of the day left: × 365 then is a rate, not a forecast.
 */
import { Deribit, Okx, Units } from "@hedgekit/greeks"
import type { CcxtGreeks } from "./types.js"

/**
 * An option's Greeks in hedgekit units, per 1 unit of underlying (one coin); `unitsPerContract` scales them to
 * a contract (`Units.perPosition(greek, contracts, unitsPerContract)` for a position).
 *
 * @since 0.1.0
 * @category models
 */
export interface OptionGreeks {
  /** The SDK symbol. */
  readonly symbol: string
  readonly ccxtSymbol: string
  readonly venue: string
  readonly timeMs: number | undefined
  /** ∂V/∂U per unit of underlying (forward delta on Deribit, OKX and Bybit; spot delta on Binance). */
  readonly delta: Units.Delta<"contract">
  /** ∂²V/∂U², per USD of the underlying's price. */
  readonly gamma: Units.Gamma<"contract">
  /** USD per 1.00 (100 vol points) of vol. */
  readonly vega: Units.Vega<"USD", "per1", "contract">
  /** USD per year. */
  readonly theta: Units.Theta<"USD", "perYear", "contract">
  /** USD per 1.00 of rate (Deribit only). */
  readonly rho?: Units.Rho<"USD", "per1", "contract">
  /** Premium-adjusted (coin-accounting) delta: OKX's "PA" delta; Deribit's delta − mark price (Net Transaction Delta). */
  readonly coinDelta?: Units.CoinDelta<"contract">
  /** Implied vols, decimals (0.6127 = 61.27 %). */
  readonly markIv?: number
  readonly bidIv?: number
  readonly askIv?: number
  /** The price the venue's model uses for the underlying: the forward on Deribit (`underlying_price`), OKX (`fwdPx`) and Bybit. */
  readonly underlyingPrice?: number
  /** The option's mark in its quote unit (coin for inverse options, USD/USDC/USDT for linear ones). */
  readonly markPrice?: number
  /** Units of underlying per contract (Deribit 1, OKX `ctVal × ctMult`, Bybit 1, Binance `unit`). */
  readonly unitsPerContract: number
}

export interface GreeksTarget {
  readonly symbol: string
  readonly ccxtSymbol: string
  readonly venue: string
  readonly unitsPerContract: number
}

export type GreeksResult = OptionGreeks | { readonly problem: string }

const finite = (x: unknown): number | undefined => {
  const n = typeof x === "string" ? (x.trim() === "" ? NaN : Number(x)) : x
  return typeof n === "number" && Number.isFinite(n) ? n : undefined
}
const positive = (x: unknown): number | undefined => {
  const n = finite(x)
  return n !== undefined && n > 0 ? n : undefined
}

const optional = <K extends string>(key: K, value: number | undefined): { readonly [P in K]?: number } =>
  (value === undefined ? {} : { [key]: value }) as { readonly [P in K]?: number }

const require = (raw: CcxtGreeks, keys: ReadonlyArray<"delta" | "gamma" | "vega" | "theta">): string | undefined => {
  const missing = keys.filter((k) => finite(raw[k]) === undefined)
  return missing.length > 0 ? `the venue's Greeks lack ${missing.join(", ")}` : undefined
}

const base = (target: GreeksTarget, raw: CcxtGreeks) => ({
  symbol: target.symbol,
  ccxtSymbol: target.ccxtSymbol,
  venue: target.venue,
  timeMs: finite(raw.timestamp),
  unitsPerContract: target.unitsPerContract
})

const guard = (f: () => GreeksResult): GreeksResult => {
  try {
    return f()
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) }
  }
}

/** Deribit: ticker Greeks per 1-coin contract; vega per vol point, theta per day, IVs in percent. */
export const deribit = (target: GreeksTarget, raw: CcxtGreeks): GreeksResult =>
  guard(() => {
    const problem = require(raw, ["delta", "gamma", "vega", "theta"])
    if (problem !== undefined) return { problem }
    const g = Deribit.fromTicker({ delta: raw.delta!, gamma: raw.gamma!, vega: raw.vega!, theta: raw.theta!, rho: finite(raw.rho) ?? 0 })
    const iv = (x: unknown) => {
      const p = positive(x)
      return p === undefined ? undefined : Deribit.volFromPercent(p)
    }
    const mark = finite(raw.markPrice)
    const rho = finite(raw.rho)
    return {
      ...base(target, raw),
      delta: g.delta,
      gamma: g.gamma,
      vega: Units.perOne(g.vega),
      theta: Units.perYear(g.theta),
      ...(rho !== undefined ? { rho: Units.perOne(g.rho) } : {}),
      ...(mark !== undefined ? { coinDelta: Units.coinDelta(g.delta - mark, "contract") } : {}),
      ...optional("markIv", iv(raw.markImpliedVolatility)),
      ...optional("bidIv", iv(raw.bidImpliedVolatility)),
      ...optional("askIv", iv(raw.askImpliedVolatility)),
      ...optional("underlyingPrice", positive(raw.underlyingPrice)),
      ...optional("markPrice", mark)
    }
  })

/** OKX: `opt-summary` row; the USD ("BS") Greeks, the coin theta converted with `fwdPx`. */
export const okx = (target: GreeksTarget, raw: CcxtGreeks): GreeksResult =>
  guard(() => {
    const info = raw.info
    const row = {
      deltaBS: info.deltaBS as string | number,
      gammaBS: info.gammaBS as string | number,
      vegaBS: info.vegaBS as string | number,
      delta: info.delta as string | number,
      gamma: info.gamma as string | number,
      vega: info.vega as string | number,
      theta: info.theta as string | number
    }
    const missing = Object.entries(row).filter(([, v]) => finite(v) === undefined).map(([k]) => k)
    if (missing.length > 0) return { problem: `the venue's Greeks lack ${missing.join(", ")}` }
    const fwdPx = positive(info.fwdPx)
    if (fwdPx === undefined) return { problem: "the venue's Greeks lack fwdPx (needed to convert OKX's coin theta to USD)" }
    const g = Okx.fromOptSummary(row)
    return {
      ...base(target, raw),
      delta: g.deltaBS,
      gamma: g.gammaBS,
      vega: Units.perOne(g.vegaBS),
      theta: Units.perYear(Units.toUsd(g.theta, fwdPx)),
      coinDelta: g.delta,
      ...optional("markIv", positive(raw.markImpliedVolatility ?? info.markVol)),
      ...optional("bidIv", positive(raw.bidImpliedVolatility ?? info.bidVol)),
      ...optional("askIv", positive(raw.askImpliedVolatility ?? info.askVol)),
      underlyingPrice: fwdPx
    }
  })

/** Bybit and Binance: USD(C/T) Greeks per coin, vega per vol point, theta per day, IVs as fractions. */
export const linearVenue = (target: GreeksTarget, raw: CcxtGreeks): GreeksResult =>
  guard(() => {
    const problem = require(raw, ["delta", "gamma", "vega", "theta"])
    if (problem !== undefined) return { problem }
    return {
      ...base(target, raw),
      delta: Units.delta(raw.delta!, "contract"),
      gamma: Units.gamma(raw.gamma!, "contract"),
      vega: Units.perOne(Units.vega(raw.vega!, "USD", "perPoint", "contract")),
      theta: Units.perYear(Units.theta(raw.theta!, "USD", "perDay", "contract")),
      ...optional("markIv", positive(raw.markImpliedVolatility)),
      ...optional("bidIv", positive(raw.bidImpliedVolatility)),
      ...optional("askIv", positive(raw.askImpliedVolatility)),
      ...optional("underlyingPrice", positive(raw.underlyingPrice)),
      ...optional("markPrice", positive(raw.markPrice))
    }
  })
