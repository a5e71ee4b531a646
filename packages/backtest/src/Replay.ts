/**
 * Historical replay: the hedge loop driven by a time-ordered stream of market events (the SDK's `MarketEvent`,
 * as `@hedgekit/data` reads them from files) for one book, one path.
 *
 * What the loop sees, and the choices it makes explicit:
 * - **Decisions** at every timestamp that brings a perpetual or index price (hourly bars: hourly decisions); all
 *   events of one timestamp are applied first, in `MarketEvent.compare`'s order.
 * - **The index** (`spot`): `"index"` uses index events (a feed with a live index, e.g. Tardis
 *   `derivative_ticker`); `"perpetual"` follows the hedge perpetual's mark, scaled once by the index/mark ratio
 *   seen at the opening — for sources whose index comes only with sparse option snapshots.
 * - **Forwards** between snapshots move with the index at the basis F/S of the last snapshot of their expiry.
 * - **Vols** between snapshots come from the last snapshot's mark IVs of each expiry: `"sticky-strike"` keeps
 *   each strike's vol; `"sticky-moneyness"` (sticky delta) keeps the vol of each ln(K/F), so the smile moves with
 *   the forward. Between quoted strikes, linear interpolation; beyond them, flat.
 * - **Settlement** at the expiry's settlement event when the source has one; otherwise at the index (as above)
 *   at the first timestamp at or after the expiry — with hourly bars, the 08:00 UTC price standing in for
 *   Deribit's 07:30–08:00 TWAP.
 *
 * @since 0.1.0
 */
import type { Instrument, MarketEvent, RebalancePolicy } from "@hedgekit/sdk"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import type * as Accounting from "./Accounting.js"
import * as BacktestVenue from "./BacktestVenue.js"
import type * as Engine from "./Engine.js"
import * as HedgeLoop from "./HedgeLoop.js"

/**
 * @since 0.1.0
 * @category models
 */
export type SmileDynamics = "sticky-strike" | "sticky-moneyness"

/**
 * @since 0.1.0
 * @category models
 */
export interface ReplayConfig {
  /** Options to hold, by symbol, contracts signed (short < 0), opened at the first snapshot at or after `openMs`. */
  readonly legs: ReadonlyArray<{ readonly symbol: string; readonly quantity: number }>
  readonly openMs: number
  /** Stop at this time (default: after the last leg settles, or the end of the data). */
  readonly endMs?: number
  readonly hedge: Accounting.Holdings["hedge"]
  readonly costs: Engine.HedgeCosts
  readonly policy: RebalancePolicy.Rebalancer
  readonly accounting: "usd" | "coin"
  readonly spot: "index" | "perpetual"
  readonly smile: SmileDynamics
  readonly optionFees?: Engine.EngineConfig["optionFees"]
  /** Pay half the quoted spread when opening the legs (default true). */
  readonly crossSpread?: boolean
  readonly deliveryFeeRate?: number
  readonly start?: Engine.EngineConfig["start"]
  /**
   * Keep only the last this many decision points in the result (a live loop that runs for weeks, one point per
   * tick, should not grow without bound); default every one.
   */
  readonly pointsKept?: number
}

/**
 * One decision time of the run, for reports.
 *
 * @since 0.1.0
 * @category models
 */
export interface Point {
  readonly timeMs: number
  readonly spot: number
  /** The book's delta (coins, accounting) and the hedge's, after the decision. */
  readonly bookDelta: number
  readonly hedgeDelta: number
  readonly pnl: number
  readonly traded: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ReplayResult {
  readonly engine: Engine.Engine
  readonly legs: ReadonlyArray<Instrument.OptionInstrument>
  readonly points: ReadonlyArray<Point>
  readonly openedMs: number
  readonly endedMs: number
  /** How each expiry was settled. */
  readonly settlements: ReadonlyArray<{ readonly expiryMs: number; readonly price: number; readonly source: "settlement event" | "index at expiry" }>
  readonly events: number
}

/**
 * Replays `events` through the hedge loop (see the module documentation): {@link HedgeLoop.run} against a
 * {@link BacktestVenue} that fills the hedge's market orders at once at its last mark ± the half-spread, paying the
 * taker fee — the loop that runs live, with the venue a backtest needs.
 *
 * @since 0.1.0
 * @category running
 */
export const run = async (events: AsyncIterable<MarketEvent.MarketEvent> | Iterable<MarketEvent.MarketEvent>, config: ReplayConfig): Promise<ReplayResult> => {
  const stream = Symbol.asyncIterator in events
    ? Stream.fromAsyncIterable(events as AsyncIterable<MarketEvent.MarketEvent>, (error) => error)
    : Stream.fromIterable(events as Iterable<MarketEvent.MarketEvent>)
  const venue = BacktestVenue.make({ hedge: config.hedge, costs: config.costs })
  const exit = await Effect.runPromiseExit(HedgeLoop.run(stream, config).pipe(BacktestVenue.provide(venue)))
  if (Exit.isFailure(exit)) throw Cause.squash(exit.cause)
  return exit.value
}
