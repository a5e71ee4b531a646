/**
 * The state of a replayed hedge loop over one book (see Replay.ts for what it assumes): a machine a driver feeds
 * one market event at a time. For each event the driver calls `advance` (which acts on the previous timestamp once
 * the event shows that it is complete: settlements, then a decision whose orders go to the engine's executor), then
 * sends those orders and books their fills, then `recordDecision`, then `apply`. `end` and `close` do the same for
 * the last timestamp. Splitting the phases lets the orders travel through an asynchronous venue between them.
 */
import { InvalidInput, type Instrument, type MarketEvent } from "@hedgekit/sdk"
import * as Engine from "../Engine.js"
import type { Point, ReplayConfig, ReplayResult } from "../Replay.js"

interface Smile {
  timeMs: number
  forward: number
  index: number
  strikes: Array<number>
  vols: Array<number>
  /** ln(K/F) of each strike, made on first use (sticky moneyness reads it for every leg at every decision). */
  logStrikes: Array<number> | undefined
}

/** ln(K/F) of the smile's strikes, made on first use. (Apart from the loop over legs: a closure in a loop's body
 * that captures the loop's variables makes the loop allocate a context per leg at every decision.) */
const logStrikesOf = (smile: Smile): ReadonlyArray<number> =>
  (smile.logStrikes ??= Array.from(smile.strikes, (K) => Math.log(K / smile.forward)))

/**
 * Writes the vol of `leg` on the smile `(xs, ys)` — linear in `xs` between strikes, flat beyond the ends — into
 * `out[0]`, `xs` being log-moneyness ln(K/F) with `forward[0]` as F, or strikes. Numbers come in and go out through
 * arrays and objects: a decision calls this for every leg, and a double passed to or returned from a call that is
 * not inlined is boxed (an allocation per leg and decision).
 */
const interpolateInto = (
  xs: ReadonlyArray<number>,
  ys: ReadonlyArray<number>,
  leg: Instrument.OptionInstrument,
  forward: Float64Array,
  logMoneyness: boolean,
  out: Float64Array
): void => {
  const x = logMoneyness ? Math.log(leg.strike / forward[0]!) : leg.strike
  const n = xs.length
  if (x <= xs[0]!) {
    out[0] = ys[0]!
    return
  }
  if (x >= xs[n - 1]!) {
    out[0] = ys[n - 1]!
    return
  }
  let lo = 0, hi = n - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (xs[mid]! <= x) lo = mid
    else hi = mid
  }
  const w = (x - xs[lo]!) / (xs[hi]! - xs[lo]!)
  out[0] = ys[lo]! + w * (ys[hi]! - ys[lo]!)
}

export interface ReplayCore {
  /** Acts on the timestamp before `event`'s when `event` starts a new one. */
  readonly advance: (event: MarketEvent.MarketEvent) => void
  /** Records the decision just taken (after its fills are booked); the point recorded, if one was due. */
  readonly recordDecision: () => Point | undefined
  readonly apply: (event: MarketEvent.MarketEvent) => void
  /** The loop has finished (every leg settled or the end time reached): no more events are needed. */
  readonly done: () => boolean
  /** Acts on the last timestamp of the data. */
  readonly end: () => void
  /** Finishes the run if the data ended first. */
  readonly close: () => void
  readonly engine: () => Engine.Engine | undefined
  /** The hedge instrument's mark the last decision traded at. */
  readonly hedgeMark: () => number
  readonly result: () => ReplayResult
}

export const make = (config: ReplayConfig, executor: Engine.Executor): ReplayCore => {
  if (config.legs.length === 0) throw new InvalidInput({ field: "legs", value: [], expected: "at least one option to hold" })
  const kept = config.pointsKept ?? Infinity
  if (!(kept === Infinity || (Number.isInteger(kept) && kept > 0))) {
    throw new InvalidInput({ field: "pointsKept", value: config.pointsKept, expected: "a whole number of points > 0 (or none: keep every one)" })
  }
  const wanted = new Map(config.legs.map((l) => [l.symbol, l.quantity]))
  const hedgeSymbol = config.hedge.symbol
  const instruments = new Map<string, Instrument.OptionInstrument>()
  // expiry → its last snapshot (complete whenever the loop reads it: a timestamp's events all come before its flush)
  const smiles = new Map<number, Smile>()
  const settlementPrices = new Map<number, number>()
  const settlements: Array<{ expiryMs: number; price: number; source: "settlement event" | "index at expiry" }> = []
  const points: Array<Point> = []
  let index = NaN, perp = NaN, scale = NaN
  let engine: Engine.Engine | undefined
  let legs: Array<Instrument.OptionInstrument> = []
  // each leg's expiry's smile, kept current as snapshots arrive: a decision reads it for every leg, and a Map lookup
  // by expiry boxes the time (an allocation per leg and decision)
  let legSmiles: Array<Smile | undefined> = []
  let groupTime = NaN, groupHasPrice = false
  let openedMs = NaN, endedMs = NaN, count = 0, done = false
  let decidedAt = NaN
  const one = () => new Float64Array(1)
  const market = { spot: one(), mark: one(), forward: [] as Array<Float64Array>, vol: [] as Array<Float64Array> }

  const spotNow = (): number => (config.spot === "index" ? index : perp * scale)

  const fill = (): boolean => {
    const S = spotNow()
    if (!(S > 0)) return false
    market.spot[0] = S
    market.mark[0] = config.hedge.kind === "spot" ? S : perp
    if (config.hedge.kind !== "spot" && !(perp > 0)) return false
    for (let k = 0; k < legs.length; k++) {
      const leg = legs[k]!
      const smile = legSmiles[k]
      if (smile === undefined) return false
      const forward = market.forward[k]!
      forward[0] = S * (smile.forward / smile.index)
      const strikes = config.smile === "sticky-strike"
      const xs = strikes ? smile.strikes : logStrikesOf(smile)
      interpolateInto(xs, smile.vols, leg, forward, !strikes, market.vol[k]!)
    }
    return true
  }

  const at = (t: number): Engine.StepMarket => ({ timeMs: t, ...market })

  const record = (t: number): void => {
    const e = engine!
    // drop the oldest in batches: amortised O(1) per point, at most twice `kept` held
    if (points.length >= 2 * kept) points.splice(0, points.length - kept + 1)
    points.push({
      timeMs: t,
      spot: market.spot[0]!,
      bookDelta: e.inputs.bookDelta[0]!,
      hedgeDelta: e.account.hedge[0]! * e.inputs.unitDelta[0]!,
      pnl: e.pnl()[0]!,
      traded: e.outputs.action[0] === 1 && e.outputs.quantity[0] !== 0
    })
  }

  const open = (t: number): void => {
    legs = Array.from(config.legs, (l) => {
      const i = instruments.get(l.symbol)
      if (i === undefined) throw new InvalidInput({ field: "legs", value: l.symbol, expected: "an option quoted in the data at the opening" })
      return i
    })
    legSmiles = Array.from(legs, (l) => smiles.get(l.expiryMs))
    market.forward = Array.from(legs, () => one())
    market.vol = Array.from(legs, () => one())
    if (config.spot === "perpetual") scale = index / perp
    if (!fill()) return
    engine = Engine.make({
      holdings: { legs, hedge: config.hedge },
      positions: Array.from(legs, (l) => wanted.get(l.symbol)!),
      accounting: config.accounting,
      policy: config.policy,
      hedge: config.costs,
      executor,
      ...(config.optionFees ? { optionFees: config.optionFees } : {}),
      ...(config.deliveryFeeRate !== undefined ? { deliveryFeeRate: config.deliveryFeeRate } : {}),
      ...(config.start ? { start: config.start } : {}),
      attribution: true
    }, 1)
    engine.open(at(t))
    openedMs = t
    decidedAt = t
  }

  /** Applies the timestamp just completed: settle what expired, then decide. */
  const flush = (): void => {
    const t = groupTime
    if (!(t === t) || done) return
    if (engine === undefined) {
      if (t >= config.openMs && legs.length === 0 && config.legs.every((l) => instruments.has(l.symbol)) && index > 0 && (config.hedge.kind === "spot" || perp > 0)) open(t)
      return
    }
    if (!fill()) return
    const expired = [...new Set(legs.filter((l) => l.expiryMs <= t).map((l) => l.expiryMs))].filter((e) => !settlements.some((s) => s.expiryMs === e))
    for (const e of expired) {
      const event = settlementPrices.get(e)
      const price = event ?? market.spot[0]!
      engine.settle(e, Float64Array.of(price))
      settlements.push({ expiryMs: e, price, source: event !== undefined ? "settlement event" : "index at expiry" })
    }
    const allSettled = legs.every((l) => settlements.some((s) => s.expiryMs === l.expiryMs))
    if (allSettled || (config.endMs !== undefined && t >= config.endMs)) {
      engine.finish(at(t))
      endedMs = t
      record(t)
      done = true
      return
    }
    if (groupHasPrice) {
      engine.step(at(t))
      decidedAt = t
    }
  }

  const apply = (event: MarketEvent.MarketEvent): void => {
    if (event.timeMs !== groupTime) {
      groupTime = event.timeMs
      groupHasPrice = false
    }
    switch (event.kind) {
      case "index":
        index = event.price
        if (config.spot === "index") groupHasPrice = true
        break
      case "perpetual":
        if (event.symbol === hedgeSymbol || config.hedge.kind !== "perpetual") {
          perp = event.mark
          groupHasPrice = true
        }
        break
      case "forward":
        break
      case "option": {
        if (wanted.has(event.symbol) && !instruments.has(event.symbol)) {
          instruments.set(event.symbol, {
            kind: "option", symbol: event.symbol, underlying: event.underlying, optionType: event.optionType, strike: event.strike,
            expiryMs: event.expiryMs, settlement: event.settlement, multiplier: 1
          })
        }
        if (event.markVol === undefined) break
        let s = smiles.get(event.expiryMs)
        if (s === undefined || s.timeMs !== event.timeMs) {
          s = { timeMs: event.timeMs, forward: event.forward, index: event.index ?? index, strikes: [], vols: [], logStrikes: undefined }
          smiles.set(event.expiryMs, s)
          for (let k = 0; k < legs.length; k++) if (legs[k]!.expiryMs === event.expiryMs) legSmiles[k] = s
        }
        // one vol per strike: the out-of-the-money side's (calls above the forward, puts below)
        const otm = event.optionType === "call" ? event.strike >= event.forward : event.strike < event.forward
        const j = s.strikes.indexOf(event.strike)
        if (j < 0) {
          let p = s.strikes.length
          while (p > 0 && s.strikes[p - 1]! > event.strike) p--
          s.strikes.splice(p, 0, event.strike)
          s.vols.splice(p, 0, event.markVol)
          s.logStrikes = undefined
        } else if (otm) s.vols[j] = event.markVol
        break
      }
      case "funding":
        if (engine !== undefined && config.hedge.kind === "perpetual" && event.symbol === hedgeSymbol && perp > 0) {
          engine.fund(event.timeMs, event.rate, event.intervalMs, event.mode, Float64Array.of(perp))
        }
        break
      case "settlement":
        settlementPrices.set(event.expiryMs, event.price)
        break
      case "trade":
        break
    }
  }

  return {
    advance: (event) => {
      if (done) return
      count++
      if (event.timeMs !== groupTime) flush()
    },
    recordDecision: () => {
      if (decidedAt === decidedAt && !done) {
        record(decidedAt)
        decidedAt = NaN
        return points[points.length - 1]
      }
      return undefined
    },
    apply,
    done: () => done,
    end: () => {
      if (!done) flush()
    },
    close: () => {
      if (!done && engine !== undefined) {
        engine.finish(at(groupTime))
        endedMs = groupTime
        record(groupTime)
        done = true
      }
    },
    engine: () => engine,
    hedgeMark: () => market.mark[0]!,
    result: () => {
      if (engine === undefined) {
        throw new InvalidInput({ field: "events", value: count, expected: `quotes of ${config.legs.map((l) => l.symbol).join(", ")}, an index and the hedge's price at or after ${new Date(config.openMs).toISOString()}` })
      }
      return { engine, legs, points: points.length > kept ? points.slice(-kept) : points, openedMs, endedMs, settlements, events: count }
    }
  }
}
