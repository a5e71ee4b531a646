/**
 * The paper exchange: the SDK's `Venue` (and `MarketFeed`) over an order book per instrument built from the market
 * events it is shown — a replayed tape or live public data — with venue fee schedules, latency, partial fills,
 * queue position and rejections, deterministic for a seed. It is also the test venue: with no latency, no depth
 * limit and no partial fills it fills exactly as the backtest venue does.
 *
 * **The book.** Each instrument's book is rebuilt from every market event that quotes it (a perpetual or future:
 * `perpetual` events of its symbol, a future also `forward` events of its underlying and expiry; an option:
 * `option` events of its symbol; spot: `index` events of its underlying). When the event carries a bid or an ask
 * (and `quotes` is `"event"`, the default), the top of each side is the quoted price (a side quoted at 0 or not
 * quoted is empty); otherwise both sides are synthesised around the mark: ask level i at mark × (1 + halfSpread +
 * i·step), bid level i at mark × (1 − halfSpread − i·step), for `levels` levels of `size` each (default: one level
 * of unlimited size at halfSpread 0). Deeper levels of a quoted book step away from the quoted top by step × top.
 * Prices are rounded outwards onto the instrument's tick grid when it has one. An adapter with live public depth
 * pushes a full L2 book with `setBook`; from then on that book owns the instrument's levels and market events only
 * move its mark.
 *
 * **Taking.** A market order walks the other side, best level first, one fill per level at that level's price;
 * what it takes is gone from the book until the next quote replaces it. When the book's depth runs out, the rest
 * is cancelled — market orders are immediate-or-cancel here, the update is `"cancelled"` with what did fill and the
 * reason (Deribit turns a market order's unfilled rest into a limit order at its price band instead; a hedge loop
 * that sees the rest as unhedged delta at its next decision is the safer model). A limit order that crosses takes
 * as a taker up to its limit price, and its rest rests.
 *
 * **Resting.** A resting limit order queues behind the size shown at its price when it arrived (none if its price
 * is not a level the book shows). It fills as a maker, at its own price:
 * - when a public trade reaches it: an aggressive seller's trade at price q meets resting bids at q and above, best
 *   price first, then time; at a price the trade went through, nobody is left ahead; at q itself, the trade's
 *   amount (in the instrument's order units) first takes the size ahead, then fills the order; the amount is
 *   shared by the orders it reaches;
 * - when a new quote's other side reaches its price (an ask at or below a resting bid): the queue ahead is gone and
 *   the order fills up to the size shown at prices that reach it (consuming it).
 * Between fills, the queue moves with the book: a level showing less size than before lost that size ahead of the
 * order (the optimistic reading: trades take the front of the queue); a level no longer shown, at a price inside
 * the displayed range, has nobody left ahead; size added at the level queues behind. The paper account's own
 * resting orders are not part of the book its own takers walk (no self-matching).
 *
 * **Partial fills off** (`partialFills: false`): depth and traded volume no longer limit fills — a taker fills whole
 * at the levels it reaches, the part beyond the visible depth at the last acceptable level's price, and a resting
 * order fills whole when a trade or the other side reaches its price, whatever the queue.
 *
 * **Latency.** The clock is the tape's: the latest event time it has seen. An order placed at t reaches the book
 * at t + marketDataMs + orderMs + jitterMs × u, u uniform on [0, 1) from the seeded generator: the loop that
 * placed it saw the market marketDataMs late, and the order travelled orderMs (+ jitter) more. It is matched against
 * the book as it stood after every event up to that time — processed when an event later than that time is
 * observed (or `advance` passes it). Fills and order updates happen at that time and are returned by the `observe`
 * (or `step`) call that processes them — deterministic — and also pushed onto `fills` and `updates` for live use.
 * With a total delay above 0, `place` answers `"open"` (acknowledged; the outcome comes later); with no delay it
 * matches at once and answers with the outcome. A cancel travels the same way and never overtakes its order.
 * `openOrders` includes orders still on their way to the book.
 *
 * **Rejections** (an `OrderUpdate` in state `"rejected"` with the reason, never an error): at placement — unknown
 * symbol, a quantity that is not a whole number of lots or is below the minimum, a limit order without a limit
 * price or with one off the tick grid, a post-only market order; at the book — an instrument that has expired, an
 * order past its `validUntilMs`, no book yet, a market order with nothing on the other side, a post-only order
 * that would cross, a reduce-only order that would increase the position (or flip it), insufficient margin.
 *
 * **Margin** (per settlement currency, only for instruments given an `initialMargin` rate): the requirement is
 * rate × notional for perpetuals and futures (coin |Q|/mark for inverse, quote currency |q|·mark for linear, at the
 * larger of the positions the resting orders could leave), rate × the underlying's notional for short options, and
 * the full value of long options held or bid for (they are paid for, not margined). Equity is the balance plus the
 * options held at their marks. An order that raises the requirement (with its estimated taker fee) above the
 * equity is rejected; `balances` reports `available` = equity − requirement. It is a simple model, not Deribit's
 * portfolio margin.
 *
 * **The account** follows the backtest's accounting: perpetuals and futures are marked to market into the balance
 * of their currency at every mark (inverse Q(1/P₀ − 1/P) coin, linear q(P − P₀) quote), a fill away from the mark
 * pays the difference at once; option premiums move the premium currency's balance; fees are deducted in the fee
 * currency (coin for inverse instruments, the quote currency — "USD" unless configured — for linear ones and spot);
 * perpetual funding is paid from `funding` events (discrete: rate × notional at the mark; continuous: the last rate
 * accrued per millisecond on the position held); options pay their payoff and futures settle at a `settlement`
 * event's price (no delivery fee). Spot trades move the coin and the quote balances.
 *
 * Quantities are in the instrument's units (contracts; coins for spot), prices in its quote unit — as the SDK's
 * `Venue` contract says.
 *
 * @since 0.1.0
 */
import type { Engine } from "@hedgekit/backtest"
import { Costs } from "@hedgekit/hedging"
import { Instrument, InvalidInput, type MarketEvent, Venue } from "@hedgekit/sdk"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import * as Exchange from "./internal/paper/exchange.js"
import * as Hub from "./internal/paper/hub.js"
import * as Random from "./internal/paper/random.js"

const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * How a book is synthesised around the mark when an event quotes no bid or ask (and how deep a quoted book is).
 * `halfSpread` and `step` are decimals of the mark (0.00005 = 0.5 bp); `size` is per level in the instrument's
 * units, unlimited when left out. Defaults: halfSpread 0, one level, unlimited size, step 2 × halfSpread (1 bp
 * when halfSpread is 0).
 *
 * @since 0.1.0
 * @category config
 */
export const SyntheticBook = Schema.Struct({
  halfSpread: Schema.optional(NonNegative.check(Schema.isLessThan(1))),
  levels: Schema.optional(Schema.Int.check(Schema.isGreaterThan(0))),
  size: Schema.optional(Positive),
  step: Schema.optional(Positive)
})

/** @since 0.1.0 @category config */
export type SyntheticBook = typeof SyntheticBook.Type

/**
 * A tick schedule (Deribit's `tick_size` and `tick_size_steps`): `tick` below the first step, then each step's
 * tick above its price.
 *
 * @since 0.1.0
 * @category config
 */
export const TickSchedule = Schema.Struct({
  tick: Positive,
  steps: Schema.optional(Schema.Array(Schema.Struct({ abovePrice: Positive, tick: Positive })))
})

/** @since 0.1.0 @category config */
export type TickSchedule = typeof TickSchedule.Type

/**
 * One instrument the paper exchange trades. `lot` and `minimum` are in the instrument's units (Deribit:
 * BTC-PERPETUAL 1 contract of 10 USD, BTC options 0.1). `fees` defaults to Deribit's schedule for the kind
 * (`Costs.deribit`; spot has no default). `currency` is the settlement, margin and fee currency: the underlying
 * for inverse instruments (always), "USD" for linear ones and spot unless given (e.g. "USDC").
 * `initialMargin` (a rate, e.g. 0.1) turns the margin check on for the instrument.
 *
 * @since 0.1.0
 * @category config
 */
export const PaperInstrument = Schema.Struct({
  instrument: Instrument.Instrument,
  lot: Positive,
  minimum: Schema.optional(NonNegative),
  tick: Schema.optional(TickSchedule),
  fees: Schema.optional(Schema.Union([Costs.OptionFees, Costs.FutureFees])),
  book: Schema.optional(SyntheticBook),
  quotes: Schema.optional(Schema.Literals(["event", "mark"])),
  initialMargin: Schema.optional(Positive),
  currency: Schema.optional(Schema.String)
})

/** @since 0.1.0 @category config */
export type PaperInstrument = typeof PaperInstrument.Type

/**
 * The latency model, in simulated milliseconds: the loop sees the market `marketDataMs` late, an order takes
 * `orderMs` to reach the book, plus `jitterMs` × u (u uniform on [0, 1), seeded). All default to 0.
 *
 * @since 0.1.0
 * @category config
 */
export const Latency = Schema.Struct({
  orderMs: Schema.optional(NonNegative),
  marketDataMs: Schema.optional(NonNegative),
  jitterMs: Schema.optional(NonNegative)
})

/** @since 0.1.0 @category config */
export type Latency = typeof Latency.Type

/**
 * The paper exchange's config. `seed` (default 1) seeds the latency jitter; `partialFills` (default true) lets
 * depth and traded volume limit fills; `balances` are the starting balances per currency; `startMs` starts the
 * clock before the first event (default: the first event's time).
 *
 * @since 0.1.0
 * @category config
 */
export const PaperConfig = Schema.Struct({
  name: Schema.optional(Schema.String),
  instruments: Schema.Array(PaperInstrument),
  seed: Schema.optional(Schema.Finite),
  latency: Schema.optional(Latency),
  partialFills: Schema.optional(Schema.Boolean),
  balances: Schema.optional(Schema.Record(Schema.String, Schema.Finite)),
  startMs: Schema.optional(Schema.Finite)
})

/** @since 0.1.0 @category config */
export type PaperConfig = typeof PaperConfig.Type

/**
 * What one market event (or L2 snapshot, or clock advance) caused: fills, and every order update (acks of orders
 * that reached the book, rejections, fills, cancels), in the order they happened.
 *
 * @since 0.1.0
 * @category models
 */
export interface StepResult {
  readonly fills: ReadonlyArray<Venue.Fill>
  readonly updates: ReadonlyArray<Venue.OrderUpdate>
}

/**
 * A full L2 book for one instrument, pushed by an adapter reading live public depth: [price, size] levels (sizes in
 * the instrument's units), the time, and optionally the mark (default: the mid) and, for a linear option, the
 * index its fee is a rate of.
 *
 * @since 0.1.0
 * @category models
 */
export interface BookSnapshot {
  readonly timeMs: number
  readonly bids: Costs.Levels
  readonly asks: Costs.Levels
  readonly mark?: number
  readonly underlyingPrice?: number
}

/**
 * A paper exchange: both the `Venue` and the `MarketFeed` services, and what only it can do.
 *
 * @since 0.1.0
 * @category models
 */
export interface PaperVenue extends Venue.VenueService, Venue.MarketFeedService {
  /** Shows it one market event: what the event (and the orders reaching the book before it) caused. */
  readonly step: (event: MarketEvent.MarketEvent) => Effect.Effect<StepResult, Venue.VenueError>
  /** Replaces an instrument's levels with a full L2 book (live public depth); fails for an unknown symbol. */
  readonly setBook: (symbol: string, book: BookSnapshot) => Effect.Effect<StepResult, Venue.VenueError>
  /** Moves the clock to `timeMs` without market data: orders and cancels due by then reach the book. */
  readonly advance: (timeMs: number) => Effect.Effect<StepResult>
  /** Every order update, as it happens (acks, fills, cancels, rejections). */
  readonly updates: Stream.Stream<Venue.OrderUpdate, Venue.VenueError>
  /** Every order it was sent, in order, in its latest state with all its fills. */
  readonly orders: ReadonlyArray<Venue.OrderUpdate>
  /** An instrument's book as it stands (levels best first, and the mark); undefined for an unknown symbol. */
  readonly book: (symbol: string) => { readonly bids: Costs.Levels; readonly asks: Costs.Levels; readonly mark: number } | undefined
  /** The clock: the latest time it has seen (NaN before any). */
  readonly nowMs: () => number
}

const DEFAULT_STEP = 0.0001

const check = (ok: boolean, field: string, value: unknown, expected: string): void => {
  if (!ok) throw new InvalidInput({ field, value, expected })
}

const defaultFees = (i: Instrument.Instrument): Costs.FutureFees | Costs.OptionFees | undefined => {
  switch (i.kind) {
    case "option":
      return i.settlement === "inverse" ? Costs.deribit.options : Costs.deribit.linearOptions
    case "perpetual":
      return i.settlement === "inverse" ? Costs.deribit.perpetual : Costs.deribit.linearPerpetual
    case "future":
      return Costs.deribit.future
    case "spot":
      return undefined
  }
}

const resolve = (p: PaperInstrument, k: number): Exchange.Spec => {
  const at = `instruments[${k}]`
  const i = p.instrument
  check(typeof i?.symbol === "string" && i.symbol.length > 0, `${at}.instrument.symbol`, i?.symbol, "an instrument with a symbol")
  check(p.lot > 0 && p.lot < Infinity, `${at}.lot`, p.lot, "a lot size > 0 in the instrument's units")
  const minimum = p.minimum ?? p.lot
  check(minimum >= 0 && minimum < Infinity, `${at}.minimum`, p.minimum, "a minimum order size ≥ 0")
  const fees = p.fees ?? defaultFees(i)
  check(fees !== undefined, `${at}.fees`, p.fees, "a fee schedule { maker, taker } (spot has no default)")
  check(Number.isFinite(fees!.maker) && Number.isFinite(fees!.taker), `${at}.fees`, fees, "finite maker and taker rates")
  if (i.kind === "option") check("premiumCap" in fees!, `${at}.fees`, fees, "an option fee schedule { maker, taker, premiumCap }")
  if (p.tick !== undefined) {
    check(p.tick.tick > 0 && p.tick.tick < Infinity, `${at}.tick.tick`, p.tick.tick, "a tick > 0")
    for (const s of p.tick.steps ?? []) check(s.tick > 0 && s.abovePrice > 0, `${at}.tick.steps`, s, "steps { abovePrice > 0, tick > 0 }")
  }
  const b = p.book ?? {}
  const halfSpread = b.halfSpread ?? 0
  check(halfSpread >= 0 && halfSpread < 1, `${at}.book.halfSpread`, b.halfSpread, "a half-spread ≥ 0 and < 1 (decimal of the mark)")
  const levels = b.levels ?? 1
  check(Number.isInteger(levels) && levels >= 1, `${at}.book.levels`, b.levels, "a whole number of levels ≥ 1")
  const size = b.size ?? Infinity
  check(size > 0, `${at}.book.size`, b.size, "a size per level > 0 (leave it out for no depth limit)")
  const step = b.step ?? (halfSpread > 0 ? 2 * halfSpread : DEFAULT_STEP)
  check(step > 0 && step < 1, `${at}.book.step`, b.step, "a step between levels > 0 and < 1 (decimal of the mark)")
  if (p.initialMargin !== undefined) check(p.initialMargin > 0 && p.initialMargin < Infinity, `${at}.initialMargin`, p.initialMargin, "an initial margin rate > 0")
  const currency = i.kind !== "spot" && i.settlement === "inverse" ? i.underlying : p.currency ?? "USD"
  return {
    symbol: i.symbol,
    instrument: i,
    lot: p.lot,
    minimum,
    ticks: p.tick,
    fees: fees!,
    currency,
    quotes: p.quotes ?? "event",
    shape: { halfSpread, levels, size, step, ticks: p.tick },
    initialMargin: p.initialMargin
  }
}

const venueError = (name: string, operation: string, e: unknown): Venue.VenueError =>
  new Venue.VenueError({ venue: name, operation, retryable: false, detail: e instanceof Error ? e.message : String(e) })

/**
 * A new paper exchange. Throws `InvalidInput` for a config it cannot run (no instruments, a symbol twice, a lot
 * that is not positive, an option without a premium cap in its fees, …).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (config: PaperConfig): PaperVenue => {
  const name = config.name ?? "paper"
  check(Array.isArray(config.instruments) && config.instruments.length > 0, "instruments", config.instruments, "at least one instrument to trade")
  const specs = config.instruments.map(resolve)
  const symbols = new Set<string>()
  for (const s of specs) {
    check(!symbols.has(s.symbol), "instruments", s.symbol, "each symbol once")
    symbols.add(s.symbol)
  }
  const latency = config.latency ?? {}
  const ms = (field: keyof Latency): number => {
    const x = latency[field] ?? 0
    check(x >= 0 && x < Infinity, `latency.${field}`, x, "a delay ≥ 0 in milliseconds")
    return x
  }
  const balances = Object.entries(config.balances ?? {})
  for (const [c, x] of balances) check(Number.isFinite(x), `balances.${c}`, x, "a finite starting balance")
  const seed = config.seed ?? 1
  check(Number.isFinite(seed), "seed", seed, "a finite seed")
  const fills = Hub.make<Venue.Fill, Venue.VenueError>()
  const updates = Hub.make<Venue.OrderUpdate, Venue.VenueError>()
  const exchange = Exchange.make({
    name,
    specs,
    orderMs: ms("orderMs"),
    marketDataMs: ms("marketDataMs"),
    jitterMs: ms("jitterMs"),
    partialFills: config.partialFills ?? true,
    balances,
    startMs: config.startMs ?? NaN,
    random: Random.splitMix32(seed)
  }, { fill: fills.publish, update: updates.publish })

  const guarded = <A>(operation: string, f: () => A): Effect.Effect<A, Venue.VenueError> =>
    Effect.try({ try: f, catch: (e) => venueError(name, operation, e) })

  return {
    name,
    place: (order) => guarded("place", () => exchange.place(order)),
    cancel: (clientOrderId) => guarded("cancel", () => exchange.cancel(clientOrderId)),
    fills: fills.stream,
    updates: updates.stream,
    openOrders: Effect.sync(() => exchange.openOrders()),
    positions: Effect.sync(() => exchange.positions()),
    balances: Effect.sync(() => exchange.balances()),
    // the log holds each order's latest state with all its fills (what crash recovery asks for)
    orderByClientId: (clientOrderId) =>
      Effect.sync(() => {
        for (let k = exchange.log.length - 1; k >= 0; k--) if (exchange.log[k]!.clientOrderId === clientOrderId) return exchange.log[k]
        return undefined
      }),
    fillsSince: (sinceMs) =>
      Effect.sync(() => exchange.log.flatMap((u) => u.fills).filter((f) => f.timeMs >= sinceMs).sort((a, b) => a.timeMs - b.timeMs)),
    observe: (event) => Effect.map(guarded("observe", () => exchange.step(event)), (r) => r.fills),
    step: (event) => guarded("observe", () => exchange.step(event)),
    setBook: (symbol, book) => guarded("setBook", () => exchange.setBook(symbol, book)),
    advance: (timeMs) => Effect.sync(() => exchange.advance(timeMs)),
    orders: exchange.log,
    book: exchange.book,
    nowMs: exchange.nowMs
  }
}

/**
 * The config of a paper exchange that fills exactly as the backtest venue with the same hedge and costs: one
 * instrument, a book of one unlimited level at the mark ± the half-spread, no latency, no partial fills.
 *
 * @since 0.1.0
 * @category constructors
 */
export const backtestEquivalent = (hedge: Instrument.PerpetualInstrument | Instrument.FutureInstrument | Instrument.SpotInstrument, costs: Engine.HedgeCosts): PaperConfig => ({
  instruments: [{
    instrument: hedge,
    lot: costs.lot,
    ...(costs.minimum !== undefined ? { minimum: costs.minimum } : {}),
    fees: costs.fees,
    book: { halfSpread: costs.halfSpread },
    quotes: "mark"
  }],
  partialFills: false
})

/**
 * Provides a paper exchange as both the `Venue` and the `MarketFeed` services.
 *
 * @since 0.1.0
 * @category layers
 */
export const provide = (venue: PaperVenue) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, Venue.Venue | Venue.MarketFeed>> =>
  effect.pipe(Effect.provideService(Venue.Venue, venue), Effect.provideService(Venue.MarketFeed, venue)) as never

const contextOf = (venue: PaperVenue) => Context.make(Venue.Venue, venue).pipe(Context.add(Venue.MarketFeed, venue))

/**
 * A layer of a new paper exchange, as both the `Venue` and the `MarketFeed` services.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: PaperConfig): Layer.Layer<Venue.Venue | Venue.MarketFeed, InvalidInput> =>
  Layer.effectContext(Effect.try({ try: () => contextOf(make(config)), catch: (e) => e as InvalidInput }))

/**
 * A layer of a new paper exchange whose config is read from the `ConfigProvider` — a `Config` of the whole config
 * (e.g. `Config.schema(Paper.PaperConfig, "paper")`) or a record of `Config`s per field.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (config: Config.Wrap<PaperConfig>): Layer.Layer<Venue.Venue | Venue.MarketFeed, Config.ConfigError | InvalidInput> =>
  Layer.effectContext(
    Effect.flatMap(Config.unwrap(config), (c) => Effect.try({ try: () => contextOf(make(c)), catch: (e) => e as InvalidInput }))
  )
