/**
 * A book's exposure from one market snapshot: every position valued (options with Black-76 on the forward of
 * their expiry, as the coin venues mark them), then net Greeks per underlying in the chosen accounting
 * currency, and bucketed by expiry.
 *
 * Everything is first computed in USD (the quote currency) as derivatives of the book's USD value W with
 * respect to the index S, forwards moving with S at fixed basis F/S. Counting P&L in coin instead is the
 * same book seen through W_coin = W/S, whose Greeks follow exactly:
 *   delta_coin = S·∂W_coin/∂S = Δ − W/S (the premium-adjusted delta; coin cash has none, USD cash is short),
 *   gamma_coin = ∂delta_coin/∂S = Γ − Δ/S + W/S², and vega, theta, rho ÷ S.
 *
 * Units (per position, summed): `value` in the accounting currency; `delta` in coins of the underlying (the
 * amount to sell to be flat in that accounting); `gamma` = ∂delta/∂S in coins per 1 USD of index;
 * `vega` per 1.00 of vol (every vol shifted together); `theta` per year of calendar time (forwards and vols
 * fixed); `rho` per 1.00 of rate (forwards fixed), all in the accounting currency.
 *
 * Quantities: options and futures/perpetuals in contracts (signed, short < 0) — an option contract is
 * `multiplier` coins, a linear future/perpetual contract `contractSize` coins, an inverse one `contractSize`
 * USD (Deribit's BTC-PERPETUAL: 10 USD); spot in coins; cash in its currency.
 *
 * @since 0.1.0
 */
import { Instrument as SdkInstrument, InvalidInput } from "@hedgekit/sdk"
import { Black76 } from "@hedgekit/models"
import * as Schema from "effect/Schema"

const PositiveFinite = Schema.Finite.check(Schema.isGreaterThan(0))
const Timestamp = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * One position: an instrument of the SDK and a signed quantity in its units (see the module documentation).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Position = Schema.Struct({
  id: Schema.String,
  instrument: SdkInstrument.Instrument,
  quantity: Schema.Finite
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type Position = typeof Position.Type

/**
 * Cash or collateral: `currency` is a coin (an underlying's name, e.g. "BTC") or a USD stablecoin ("USD",
 * "USDC", "USDT"). USD cash counted in coin needs `underlying` when the book has several.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Cash = Schema.Struct({
  currency: Schema.String,
  amount: Schema.Finite,
  underlying: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type Cash = typeof Cash.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const Book = Schema.Struct({
  positions: Schema.Array(Position),
  cash: Schema.optional(Schema.Array(Cash))
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type Book = typeof Book.Type

/**
 * A vol smile of one expiry: vols at strikes, interpolated linearly in ln(K/F) between the points and flat
 * beyond the outermost ones.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Smile = Schema.Struct({
  underlying: Schema.String,
  expiryMs: Timestamp,
  points: Schema.Array(Schema.Struct({ strike: PositiveFinite, vol: PositiveFinite }))
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type Smile = typeof Smile.Type

/**
 * The market of one underlying: its index S (USD), continuously compounded rate, forwards per expiry, and
 * optionally the perpetual's mark.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UnderlyingMarket = Schema.Struct({
  underlying: Schema.String,
  index: PositiveFinite,
  rate: Schema.optional(Schema.Finite),
  perpetualMark: Schema.optional(PositiveFinite),
  forwards: Schema.Array(Schema.Struct({ expiryMs: Timestamp, forward: PositiveFinite }))
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type UnderlyingMarket = typeof UnderlyingMarket.Type

/**
 * One market snapshot: the time, each underlying's market, and vols — per option symbol (`vols`, decimal),
 * or per expiry as a smile; a symbol's own vol wins.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Market = Schema.Struct({
  timestampMs: Timestamp,
  underlyings: Schema.Array(UnderlyingMarket),
  vols: Schema.optional(Schema.Array(Schema.Struct({ symbol: Schema.String, vol: PositiveFinite }))),
  smiles: Schema.optional(Schema.Array(Smile))
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type Market = typeof Market.Type

/**
 * A position that cannot be valued, and why. Nothing is dropped silently: every such position is returned.
 *
 * @since 0.1.0
 * @category errors
 */
export class PositionError extends Schema.TaggedError<PositionError>()("PositionError", {
  positionId: Schema.String,
  field: Schema.String,
  value: Schema.Unknown,
  expected: Schema.String
}) {
  override get message(): string {
    return `position ${this.positionId}: ${this.field} = ${JSON.stringify(this.value)}, expected ${this.expected}`
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export type Accounting = "usd" | "coin"

/**
 * Greeks of a position or a sum of positions (units in the module documentation).
 *
 * @since 0.1.0
 * @category models
 */
export interface Greeks {
  readonly value: number
  readonly delta: number
  readonly gamma: number
  readonly vega: number
  readonly theta: number
  readonly rho: number
}

/**
 * One valued position, in USD.
 *
 * @since 0.1.0
 * @category models
 */
export interface PositionRisk extends Greeks {
  readonly id: string
  readonly underlying: string
  /** `expiry:<ms>` for options and dated futures, `perpetual`, `spot` (spot and cash). */
  readonly bucket: string
  /** The option's vol used (decimal), if an option. */
  readonly vol?: number
  /** The forward used, if an option or a future. */
  readonly forward?: number
}

/**
 * Net exposure of one underlying in the chosen accounting currency, in total and per bucket.
 *
 * @since 0.1.0
 * @category models
 */
export interface Exposure extends Greeks {
  readonly underlying: string
  readonly accounting: Accounting
  readonly index: number
  readonly buckets: ReadonlyArray<Greeks & { readonly bucket: string; readonly expiryMs?: number }>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Report {
  readonly timestampMs: number
  readonly accounting: Accounting
  readonly exposures: ReadonlyArray<Exposure>
  /** Each position's own Greeks in USD. */
  readonly positions: ReadonlyArray<PositionRisk>
  /** Positions (and cash lines) that could not be valued; they are not in the totals. */
  readonly errors: ReadonlyArray<PositionError>
}

const USD = new Set(["USD", "USDC", "USDT"])
const ZERO: Greeks = { value: 0, delta: 0, gamma: 0, vega: 0, theta: 0, rho: 0 }

const add = (a: Greeks, b: Greeks): Greeks => ({
  value: a.value + b.value,
  delta: a.delta + b.delta,
  gamma: a.gamma + b.gamma,
  vega: a.vega + b.vega,
  theta: a.theta + b.theta,
  rho: a.rho + b.rho
})

/** USD Greeks seen in coin (module documentation). */
const inCoin = (g: Greeks, S: number): Greeks => {
  const delta = g.delta - g.value / S
  return {
    value: g.value / S,
    delta,
    gamma: g.gamma - g.delta / S + g.value / (S * S),
    vega: g.vega / S,
    theta: g.theta / S,
    rho: g.rho / S
  }
}

const YEAR_MS = 365 * 86_400_000

/** Lookups of a market, built once per market object. */
interface Index {
  readonly vols: ReadonlyMap<string, number>
  readonly underlyings: ReadonlyMap<string, UnderlyingMarket>
  readonly forwards: ReadonlyMap<string, number>
}
const indexes = new WeakMap<Market, Index>()
const indexOf = (market: Market): Index => {
  let index = indexes.get(market)
  if (index === undefined) {
    index = {
      vols: new Map((market.vols ?? []).map((v) => [v.symbol, v.vol])),
      underlyings: new Map(market.underlyings.map((u) => [u.underlying, u])),
      forwards: new Map(market.underlyings.flatMap((u) => u.forwards.map((f) => [`${u.underlying}@${f.expiryMs}`, f.forward] as const)))
    }
    indexes.set(market, index)
  }
  return index
}

/**
 * The vol of an option from the market: its own `vols` entry, else its expiry's smile at ln(K/F).
 *
 * @since 0.1.0
 * @category models
 */
export const volOf = (market: Market, symbol: string, underlying: string, expiryMs: number, strike: number, forward: number): number | undefined => {
  const own = indexOf(market).vols.get(symbol)
  if (own !== undefined) return own
  const smile = market.smiles?.find((s) => s.underlying === underlying && s.expiryMs === expiryMs)
  if (smile === undefined || smile.points.length === 0) return undefined
  const pts = [...smile.points].sort((a, b) => a.strike - b.strike)
  const x = Math.log(strike / forward)
  const xs = pts.map((p) => Math.log(p.strike / forward))
  if (x <= xs[0]!) return pts[0]!.vol
  if (x >= xs[xs.length - 1]!) return pts[pts.length - 1]!.vol
  let j = 1
  while (xs[j]! < x) j++
  const w = (x - xs[j - 1]!) / (xs[j]! - xs[j - 1]!)
  return pts[j - 1]!.vol + w * (pts[j]!.vol - pts[j - 1]!.vol)
}

/**
 * Values one position in USD, or says why it cannot be.
 *
 * @since 0.1.0
 * @category models
 */
export const positionRisk = (position: Position, market: Market): PositionRisk | PositionError => {
  const { id, instrument, quantity } = position
  const fail = (field: string, value: unknown, expected: string) => new PositionError({ positionId: id, field, value, expected })
  if (!Number.isFinite(quantity)) return fail("quantity", quantity, "a finite signed quantity")
  const m = indexOf(market).underlyings.get(instrument.underlying)
  if (m === undefined) return fail("instrument.underlying", instrument.underlying, `an underlying of the market (${market.underlyings.map((u) => u.underlying).join(", ") || "none"})`)
  const S = m.index
  const r = m.rate ?? 0
  const base = { id, underlying: instrument.underlying }
  switch (instrument.kind) {
    case "spot":
      return { ...base, bucket: "spot", value: quantity * S, delta: quantity, gamma: 0, vega: 0, theta: 0, rho: 0 }
    case "perpetual": {
      const mark = m.perpetualMark ?? S
      const coins = instrument.settlement === "inverse" ? (quantity * instrument.contractSize) / mark : quantity * instrument.contractSize * (mark / S)
      // Marked to market: its value is settled into cash, its delta is the coin exposure (size_currency).
      return { ...base, bucket: "perpetual", value: 0, delta: coins, gamma: 0, vega: 0, theta: 0, rho: 0, forward: mark }
    }
    case "future":
    case "option": {
      if (!(instrument.expiryMs > market.timestampMs)) {
        return fail("instrument.expiryMs", new Date(instrument.expiryMs).toISOString(), `an expiry after the snapshot (${new Date(market.timestampMs).toISOString()})`)
      }
      const F = indexOf(market).forwards.get(`${instrument.underlying}@${instrument.expiryMs}`)
      if (F === undefined) return fail("forward", new Date(instrument.expiryMs).toISOString(), `a forward of ${instrument.underlying} for that expiry in the market`)
      const bucket = `expiry:${instrument.expiryMs}`
      if (instrument.kind === "future") {
        const coins = instrument.settlement === "inverse" ? (quantity * instrument.contractSize) / F : quantity * instrument.contractSize * (F / S)
        return { ...base, bucket, value: 0, delta: coins, gamma: 0, vega: 0, theta: 0, rho: 0, forward: F }
      }
      const vol = volOf(market, instrument.symbol, instrument.underlying, instrument.expiryMs, instrument.strike, F)
      if (vol === undefined) return fail("vol", instrument.symbol, "a vol for the option in the market (vols or a smile of its expiry)")
      const T = (instrument.expiryMs - market.timestampMs) / YEAR_MS
      let g: Black76.Greeks
      try {
        g = Black76.greeks(instrument.optionType, F, instrument.strike, T, r, vol)
      } catch (error) {
        return fail("option", instrument.symbol, error instanceof Error ? error.message : String(error))
      }
      const n = quantity * instrument.multiplier
      const b = F / S
      return {
        ...base, bucket, vol, forward: F,
        value: n * g.price, delta: n * b * g.delta, gamma: n * b * b * g.gamma,
        vega: n * g.vega, theta: n * g.theta, rho: n * g.rho
      }
    }
  }
}

/**
 * Net Greeks of a book per underlying, in USD or coin accounting, with per-expiry buckets and each position's
 * own Greeks; positions that cannot be valued are listed in `errors`.
 *
 * @since 0.1.0
 * @category greeks
 */
export const exposure = (book: Book, market: Market, accounting: Accounting): Report => {
  if (accounting !== "usd" && accounting !== "coin") {
    throw new InvalidInput({ field: "accounting", value: accounting, expected: '"usd" or "coin"' })
  }
  const positions: Array<PositionRisk> = []
  const errors: Array<PositionError> = []
  for (const p of book.positions) {
    const r = positionRisk(p, market)
    if (r instanceof PositionError) errors.push(r)
    else positions.push(r)
  }
  const underlyings = market.underlyings.map((u) => u.underlying)
  ;(book.cash ?? []).forEach((c, i) => {
    const id = `cash[${i}]`
    const fail = (field: string, value: unknown, expected: string) => errors.push(new PositionError({ positionId: id, field, value, expected }))
    if (!Number.isFinite(c.amount)) return fail("amount", c.amount, "a finite amount")
    if (USD.has(c.currency)) {
      const u = c.underlying ?? (underlyings.length === 1 ? underlyings[0] : undefined)
      if (u === undefined || !underlyings.includes(u)) {
        return fail("underlying", c.underlying, `the underlying whose coin counts this USD cash (one of ${underlyings.join(", ")})`)
      }
      positions.push({ id, underlying: u, bucket: "spot", value: c.amount, delta: 0, gamma: 0, vega: 0, theta: 0, rho: 0 })
      return
    }
    const m = market.underlyings.find((x) => x.underlying === c.currency)
    if (m === undefined) return fail("currency", c.currency, `USD, USDC, USDT or an underlying of the market (${underlyings.join(", ")})`)
    positions.push({ id, underlying: c.currency, bucket: "spot", value: c.amount * m.index, delta: c.amount, gamma: 0, vega: 0, theta: 0, rho: 0 })
  })
  const exposures: Array<Exposure> = []
  for (const m of market.underlyings) {
    const mine = positions.filter((p) => p.underlying === m.underlying)
    if (mine.length === 0) continue
    const byBucket = new Map<string, Greeks>()
    let total = ZERO
    for (const p of mine) {
      total = add(total, p)
      byBucket.set(p.bucket, add(byBucket.get(p.bucket) ?? ZERO, p))
    }
    const view = (g: Greeks) => (accounting === "coin" ? inCoin(g, m.index) : g)
    const order = (b: string) => (b === "spot" ? -2 : b === "perpetual" ? -1 : Number(b.slice(7)))
    const buckets = [...byBucket.entries()]
      .sort(([a], [b]) => order(a) - order(b))
      .map(([bucket, g]) => ({ bucket, ...(bucket.startsWith("expiry:") ? { expiryMs: Number(bucket.slice(7)) } : {}), ...view(g) }))
    exposures.push({ underlying: m.underlying, accounting, index: m.index, ...view(total), buckets })
  }
  return { timestampMs: market.timestampMs, accounting, exposures, positions, errors }
}

