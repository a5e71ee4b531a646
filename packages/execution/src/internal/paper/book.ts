/**
 * One instrument's order book as the paper exchange sees it: price levels per side, best first, each with the size
 * others show there (instrument units; `Infinity` for a book without a depth limit). Levels come from a quote
 * (a market event's bid/ask, or a synthetic book around its mark) or from a full L2 snapshot pushed by an
 * adapter; what the paper account takes from them is removed until the next quote replaces them.
 */
import { Costs } from "@hedgekit/hedging"

export interface Level {
  readonly price: number
  size: number
}

export interface Book {
  /** Bids, highest first. */
  bids: Array<Level>
  /** Asks, lowest first. */
  asks: Array<Level>
}

/** How a book is synthesised around a mark (resolved config: every field set). */
export interface Shape {
  /** Half the spread as a decimal of the mark. */
  readonly halfSpread: number
  readonly levels: number
  /** Size per level, instrument units (`Infinity`: no depth limit). */
  readonly size: number
  /** Distance between levels as a decimal of the mark (of the top price for quoted books). */
  readonly step: number
  readonly ticks: Costs.Ticks | undefined
}

/** Equal prices up to floating-point noise (a relative 1e-12). */
export const samePrice = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b))

const side = (prices: ReadonlyArray<number>, size: number, ticks: Costs.Ticks | undefined, rounding: "buy" | "sell"): Array<Level> => {
  const out: Array<Level> = []
  for (const raw of prices) {
    if (!(raw > 0 && raw < Infinity)) continue
    const price = ticks === undefined ? raw : Costs.roundPrice(ticks, raw, rounding)
    const last = out.at(-1)
    if (last !== undefined && samePrice(last.price, price)) last.size += size
    else out.push({ price, size })
  }
  return out
}

/**
 * A book from one quote. With `bid`/`ask` from the event (`quoted`), the top of each side is the quoted price (a
 * side quoted at 0 or not at all is empty) and deeper levels step away from it by `step` × the top price;
 * otherwise both sides are built around `mark`: level i of the asks at mark × (1 + halfSpread + i·step), of the
 * bids at mark × (1 − halfSpread − i·step). Every level shows `size`; prices are rounded outwards onto the tick
 * grid when there is one (asks up, bids down), levels at or below 0 are left out.
 */
export const fromQuote = (shape: Shape, mark: number, quote: { readonly bid?: number | undefined; readonly ask?: number | undefined } | undefined): Book => {
  const n = shape.levels
  const bidPrices: Array<number> = []
  const askPrices: Array<number> = []
  if (quote !== undefined) {
    const { bid, ask } = quote
    for (let i = 0; i < n; i++) {
      if (bid !== undefined && bid > 0) bidPrices.push(i === 0 ? bid : bid * (1 - i * shape.step))
      if (ask !== undefined && ask > 0) askPrices.push(i === 0 ? ask : ask * (1 + i * shape.step))
    }
  } else if (mark > 0) {
    const h = shape.halfSpread
    for (let i = 0; i < n; i++) {
      bidPrices.push(mark * (1 - h - i * shape.step))
      askPrices.push(mark * (1 + h + i * shape.step))
    }
  }
  return { bids: side(bidPrices, shape.size, shape.ticks, "sell"), asks: side(askPrices, shape.size, shape.ticks, "buy") }
}

/** A book from an L2 snapshot ([price, size] per level, best first; empty or non-positive levels dropped). */
export const fromLevels = (bids: Costs.Levels, asks: Costs.Levels): Book => {
  const take = (levels: Costs.Levels, better: (a: number, b: number) => boolean): Array<Level> => {
    const out = levels.filter(([p, s]) => p > 0 && p < Infinity && s > 0).map(([price, size]) => ({ price, size }))
    out.sort((a, b) => (better(a.price, b.price) ? -1 : better(b.price, a.price) ? 1 : 0))
    return out
  }
  return { bids: take(bids, (a, b) => a > b), asks: take(asks, (a, b) => a < b) }
}

/** The levels a side offers at prices an order of `sign` (+1 buys, taking asks) with `limit` accepts. */
export const acceptable = (level: Level, sign: 1 | -1, limit: number | undefined): boolean =>
  limit === undefined || (sign > 0 ? level.price <= limit || samePrice(level.price, limit) : level.price >= limit || samePrice(level.price, limit))

/**
 * Takes `quantity` from `levels` (the side an order of `sign` takes), best first, at prices `limit` accepts;
 * what is taken is removed from the levels (exhausted levels go). Returns [price, quantity] per level touched and
 * what was left. With `whole`, a remainder beyond the acceptable levels is taken at the last acceptable level's
 * price (the book's depth does not limit the order), provided there was one.
 */
export const take = (
  levels: Array<Level>,
  quantity: number,
  sign: 1 | -1,
  limit: number | undefined,
  whole: boolean
): { readonly takes: Array<readonly [price: number, quantity: number]>; readonly left: number } => {
  const takes: Array<readonly [number, number]> = []
  let left = quantity
  let i = 0
  while (left > 0 && i < levels.length) {
    const level = levels[i]!
    if (!acceptable(level, sign, limit)) break
    const q = Math.min(left, level.size)
    takes.push([level.price, q])
    left = dust(left - q, quantity)
    level.size = level.size === Infinity ? Infinity : dust(level.size - q, q)
    if (level.size > 0) i++
    else levels.splice(i, 1)
  }
  if (whole && left > 0 && takes.length > 0) {
    const [price, q] = takes.at(-1)!
    takes[takes.length - 1] = [price, q + left]
    left = 0
  }
  return { takes, left }
}

/** A difference within rounding noise of the scale is 0. */
export const dust = (x: number, scale: number): number => (Math.abs(x) <= 1e-12 * Math.abs(scale) ? 0 : x)

/** The size shown at exactly `price` on a side (undefined: no level there). */
export const sizeAt = (levels: ReadonlyArray<Level>, price: number): number | undefined => {
  for (const l of levels) if (samePrice(l.price, price)) return l.size
  return undefined
}

/** A deep copy, as [price, size] pairs (for inspection). */
export const snapshot = (book: Book): { readonly bids: Costs.Levels; readonly asks: Costs.Levels } => ({
  bids: book.bids.map((l) => [l.price, l.size] as const),
  asks: book.asks.map((l) => [l.price, l.size] as const)
})
