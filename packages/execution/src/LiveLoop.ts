/**
 * The live hedge loop: the backtest's `HedgeLoop`, with what trading for real needs around it —
 *
 * 1. **Recovery first**: the journal is reconciled with the venue (`Recovery.recover`) before any order; the venue's
 *    position in the hedge is where the loop starts from.
 * 2. **Every order journalled** before it is sent (`Journal.journalled`) — those the kill switch refuses too, with the
 *    refusal — under client ids
 *    `<prefix>-<session><decision><n>`: the session (the start time in ms, 8 base-36 digits) keeps ids unique
 *    across restarts, the decision time (ms, 8 base-36 digits) and the order's number (base 36) follow, and the
 *    prefix lets recovery find our orders. With a prefix of at most 8 lower-case letters or digits an id fits every venue's
 *    client id: 31 characters up to 36⁶ orders a session, OKX's 32 letters and digits once its `-` is escaped.
 * 3. **A kill switch** in front of the venue (`KillSwitch`); the policy is wrapped with the SDK's `killSwitch` when a
 *    `maxNetDelta` is set, and its halt trips the switch. A tripped switch cancels our open orders and ends the loop
 *    with `KillSwitchTripped`, saying why.
 *
 * The venue comes from context (`Venue`, with `MarketFeed` when it is simulated on the same tape — the paper
 * exchange), the journal too (`Journal`).
 *
 * @since 0.1.0
 */
import { HedgeLoop } from "@hedgekit/backtest"
import { InvalidInput, type MarketEvent, RebalancePolicy, Venue } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import * as Journal from "./Journal.js"
import * as KillSwitch from "./KillSwitch.js"
import * as Recovery from "./Recovery.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface LiveConfig extends Omit<HedgeLoop.HedgeLoopConfig, "orderIdPrefix" | "clientOrderId"> {
  /** The prefix of this loop's client order ids: 1–8 lower-case letters or digits (see the module documentation). */
  readonly prefix: string
  readonly killSwitch?: KillSwitch.Limits
  /** `"wall"` (live: `Date.now`) or `"events"` (a replay: the time of the last event). Default `"wall"`. */
  readonly clock?: "wall" | "events"
  /** Orders are valid at the venue for this long (ms, default 10 000): see `Journal.journalled`. */
  readonly validForMs?: number
  /** Called at each step of an order's life (crash tests). */
  readonly onPoint?: Journal.JournalledOptions["onPoint"]
  /** Clock-skew margin of recovery (ms, default 2 000): see `Recovery.RecoveryOptions.skewMs`. */
  readonly recoverySkewMs?: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface LiveResult extends HedgeLoop.HedgeLoopResult {
  readonly recovery: Recovery.RecoveryReport
  /** The client id prefix of this session's orders. */
  readonly session: string
}

const PREFIX = /^[a-z0-9]{1,8}$/

/** A time in ms as 8 base-36 digits (fixed width until the year 2059). */
const base36ms = (ms: number): string => Math.max(0, Math.floor(ms)).toString(36).padStart(8, "0")

/**
 * Runs the live loop over `events` (see the module documentation).
 *
 * @since 0.1.0
 * @category running
 */
export const run = <E>(
  events: Stream.Stream<MarketEvent.MarketEvent, E>,
  config: LiveConfig
): Effect.Effect<LiveResult, E | Venue.VenueError | InvalidInput | KillSwitch.KillSwitchTripped, Venue.Venue | Journal.Journal> =>
  Effect.gen(function*() {
    if (!PREFIX.test(config.prefix)) {
      return yield* new InvalidInput({
        field: "prefix", value: config.prefix,
        expected: "1–8 lower-case letters or digits (the start of every client order id, which must fit OKX's 32 letters and digits)"
      })
    }
    const journal = yield* Journal.Journal
    const venue = yield* Venue.Venue
    const feed = yield* Effect.serviceOption(Venue.MarketFeed)
    let eventMs = NaN
    const now = config.clock === "events" ? () => (eventMs === eventMs ? eventMs : Date.now()) : Date.now
    const recovery = yield* Recovery.recover(journal, venue, {
      prefix: `${config.prefix}-`, now, ...(config.recoverySkewMs !== undefined ? { skewMs: config.recoverySkewMs } : {})
    })
    const held = recovery.positions.find((p) => p.symbol === config.hedge.symbol)?.quantity ?? 0
    const session = `${config.prefix}-${base36ms(Date.now())}`
    const limits = config.killSwitch ?? {}
    // the journal outermost: an order the kill switch refuses is journalled with its refusal, like a venue's
    const guard = KillSwitch.make(venue, limits, {
      prefix: `${config.prefix}-`, hedge: config.hedge, now, onCancel: (update) => journal.recordUpdate(update, now())
    })
    const sender = Journal.journalled(guard.venue, journal, {
      now, ...(config.validForMs !== undefined ? { validForMs: config.validForMs } : {}), ...(config.onPoint ? { onPoint: config.onPoint } : {})
    })
    const policy = limits.maxNetDelta !== undefined ? RebalancePolicy.killSwitch(config.policy, { maxNetDelta: limits.maxNetDelta }) : config.policy
    // the loop hands each event to the market feed after it has acted on the previous timestamp: on the events'
    // clock, "now" is then the time of the decision being sent, never the event that revealed the timestamp's end
    const watch: Venue.MarketFeedService = {
      observe: (event) =>
        Effect.suspend(() => {
          eventMs = event.timeMs
          guard.observe(event)
          return Option.isSome(feed) ? feed.value.observe(event) : Effect.succeed([])
        })
    }
    const loop = HedgeLoop.run(events, {
      ...config,
      policy,
      orderIdPrefix: session,
      clientOrderId: (decisionMs, n) => `${session}${base36ms(decisionMs)}${n.toString(36)}`,
      start: { ...config.start, hedge: (config.start?.hedge ?? 0) + held },
      onDecision: (decision) =>
        Effect.gen(function*() {
          if (decision.action === "halt") yield* guard.trip(decision.reason)
          if (config.onDecision !== undefined) yield* config.onDecision(decision)
          const tripped = guard.tripped()
          if (tripped !== undefined) return yield* Effect.fail(tripped as never)
        })
    })
    const result = yield* loop.pipe(Effect.provideService(Venue.Venue, sender), Effect.provideService(Venue.MarketFeed, watch))
    return { ...result, recovery, session }
  })
