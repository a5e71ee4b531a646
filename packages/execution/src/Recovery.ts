/**
 * Crash recovery: before a loop trades again, it reconciles its journal with the venue.
 *
 * 1. Every intent the journal left unresolved (`sending`, `open`, `partially-filled`) is looked up at the venue by
 *    its client order id. Found: its state and fills are journalled. Not found: the venue does not deduplicate
 *    client ids (Deribit's labels) and an order still in flight could arrive later, so "not found" counts only once
 *    the order's `validUntilMs` (plus a clock-skew margin) has passed — then it is `unsent`; before that recovery
 *    waits and asks again. Nothing is ever resent: the loop decides afresh from the positions.
 * 2. Open orders whose client id carries the loop's prefix are cancelled (an order left from before the crash is
 *    stale, whatever it was for).
 * 3. Fills since the journal's last one (minus a margin) that it does not hold are adopted.
 * 4. The venue's positions are the truth the loop starts from.
 *
 * @since 0.1.0
 */
import { Venue } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import type { Intent, JournalFile } from "./Journal.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface RecoveryOptions {
  /** The prefix of this loop's client order ids. */
  readonly prefix: string
  /** Margin for clocks that disagree (ms, default 2 000). */
  readonly skewMs?: number
  /** How far back to ask for fills before the journal's last one (ms, default 60 000). */
  readonly fillMarginMs?: number
  /** Start of the fills to adopt when the journal holds none (UTC ms; default: one day back). */
  readonly sinceMs?: number
  readonly now?: () => number
  /** Give up waiting for in-flight orders after this many rounds (default 30). */
  readonly maxRounds?: number
}

/**
 * What recovery found and did.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecoveryReport {
  readonly positions: ReadonlyArray<Venue.VenuePosition>
  /** Intents the venue knew, with the state it reported. */
  readonly resolved: ReadonlyArray<{ readonly clientOrderId: string; readonly state: Venue.OrderState }>
  /** Intents the venue never had. */
  readonly unsent: ReadonlyArray<string>
  /** Open orders of ours cancelled. */
  readonly cancelled: ReadonlyArray<string>
  /** Fills the journal had missed. */
  readonly adopted: ReadonlyArray<Venue.Fill>
}

const missing = (venue: Venue.VenueService, what: string) =>
  new Venue.VenueError({ venue: venue.name, operation: "recover", retryable: false, detail: `this venue cannot ${what}, which crash recovery needs` })

/**
 * Reconciles `journal` with `venue` (see the module documentation).
 *
 * @since 0.1.0
 * @category running
 */
export const recover = (journal: JournalFile, venue: Venue.VenueService, options: RecoveryOptions): Effect.Effect<RecoveryReport, Venue.VenueError> =>
  Effect.gen(function*() {
    const now = options.now ?? Date.now
    const skew = options.skewMs ?? 2_000
    const lookup = venue.orderByClientId
    if (lookup === undefined) return yield* missing(venue, "find an order by its client id")
    const resolved: Array<{ clientOrderId: string; state: Venue.OrderState }> = []
    const unsent: Array<string> = []
    let waiting: ReadonlyArray<Intent> = journal.unresolved()
    for (let round = 0; waiting.length > 0; round++) {
      if (round >= (options.maxRounds ?? 30)) {
        return yield* new Venue.VenueError({
          venue: venue.name, operation: "recover", retryable: true,
          detail: `${waiting.length} order(s) still unaccounted for: ${waiting.map((i) => i.clientOrderId).join(", ")}`
        })
      }
      const later: Array<Intent> = []
      let wakeAt = Infinity
      for (const intent of waiting) {
        const update = yield* lookup(intent.clientOrderId)
        if (update !== undefined) {
          journal.recordUpdate(update, now())
          if (update.state === "open" || update.state === "partially-filled") continue // cancelled below
          resolved.push({ clientOrderId: intent.clientOrderId, state: update.state })
          continue
        }
        const safeAt = (intent.validUntilMs ?? intent.createdMs) + skew
        if (now() > safeAt) {
          journal.markUnsent(intent.clientOrderId, `not at the venue ${now() - (intent.validUntilMs ?? intent.createdMs)} ms after its valid-until`, now())
          unsent.push(intent.clientOrderId)
        } else {
          later.push(intent)
          wakeAt = Math.min(wakeAt, safeAt + 1)
        }
      }
      waiting = later
      if (later.length > 0) yield* Effect.sleep(Math.max(1, wakeAt - now()))
    }
    const cancelled: Array<string> = []
    for (const order of yield* venue.openOrders) {
      if (!order.clientOrderId.startsWith(options.prefix)) continue
      const update = yield* venue.cancel(order.clientOrderId)
      journal.recordUpdate(update, now())
      cancelled.push(order.clientOrderId)
      resolved.push({ clientOrderId: order.clientOrderId, state: update.state })
    }
    const adopted: Array<Venue.Fill> = []
    if (venue.fillsSince === undefined) return yield* missing(venue, "list recent fills")
    const last = journal.lastFillMs()
    const since = last !== undefined ? last - (options.fillMarginMs ?? 60_000) : options.sinceMs ?? now() - 86_400_000
    for (const fill of yield* venue.fillsSince(since)) {
      if (!fill.clientOrderId.startsWith(options.prefix)) continue
      if (journal.recordFill(fill, true)) adopted.push(fill)
    }
    const positions = yield* venue.positions
    journal.note(
      `recovered: ${resolved.length} resolved, ${unsent.length} unsent, ${cancelled.length} cancelled, ${adopted.length} fill(s) adopted; positions ${JSON.stringify(positions)}`,
      now()
    )
    return { positions, resolved, unsent, cancelled, adopted }
  })
