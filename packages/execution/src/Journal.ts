/**
 * The order journal: every intent is written — and synced to disk — before it is sent, and every answer, fill,
 * cancel and reject as it arrives, so that a loop that crashes at any point can tell on restart what it sent, what
 * filled and what it must still find out from the venue (see `Recovery`).
 *
 * Storage: SQLite through better-sqlite3, in WAL mode with `synchronous = FULL` (a committed write survives a
 * power cut), one transaction per record. Tables: `intents` (one row per client order id, its latest state),
 * `fills` (one row per venue trade id: a fill reported twice is kept once) and `events` (the append-only history,
 * for audits and `hedgekit journal`). Nothing secret is written: orders, fills and venue messages only.
 *
 * States of an intent: `sending` (journalled; the send may or may not have reached the venue), then what the venue
 * said — `open`, `partially-filled`, `filled`, `cancelled`, `rejected` — or `unsent` (recovery established that the
 * venue never had it).
 *
 * @since 0.1.0
 */
import type { Venue } from "@hedgekit/sdk"
import Database from "better-sqlite3"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

/**
 * @since 0.1.0
 * @category models
 */
export type IntentState = "sending" | Venue.OrderState | "unsent"

/**
 * An intent as the journal holds it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Intent {
  readonly clientOrderId: string
  readonly createdMs: number
  readonly symbol: string
  readonly side: Venue.Side
  readonly quantity: number
  readonly type: "market" | "limit"
  readonly limitPrice: number | undefined
  readonly validUntilMs: number | undefined
  readonly reason: string | undefined
  readonly state: IntentState
  readonly filledQuantity: number
  readonly venueOrderId: string | undefined
  readonly updatedMs: number
}

/**
 * A fill as the journal holds it; `adopted` when recovery found it at the venue without the journal having seen it.
 *
 * @since 0.1.0
 * @category models
 */
export interface JournalFill extends Venue.Fill {
  readonly adopted: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface JournalEvent {
  readonly seq: number
  readonly timeMs: number
  readonly kind: "intent" | "update" | "fill" | "error" | "unsent" | "note"
  readonly clientOrderId: string | undefined
  readonly detail: string
}

/**
 * Where the journal calls out between its steps, so that a test can stop the process at each one (see the crash
 * tests): before and after the intent is written, after the venue answered, before and after a fill is written.
 *
 * @since 0.1.0
 * @category models
 */
export type LifecyclePoint = "before-intent" | "after-intent" | "after-send" | "after-update" | "before-fill" | "after-fill"

/**
 * An open journal file.
 *
 * @since 0.1.0
 * @category models
 */
export interface JournalFile {
  readonly path: string
  /** Writes an intent in state `sending` (synced before it returns). Throws when the id was used before. */
  readonly recordIntent: (order: Venue.OrderRequest, nowMs: number) => void
  /** The venue's answer for an intent (its fills included). */
  readonly recordUpdate: (update: Venue.OrderUpdate, nowMs: number) => void
  /** A fill; false when its trade id was recorded before. */
  readonly recordFill: (fill: Venue.Fill, adopted: boolean) => boolean
  readonly recordError: (clientOrderId: string, error: Venue.VenueError, nowMs: number) => void
  /** Recovery's verdict that the venue never had the order. */
  readonly markUnsent: (clientOrderId: string, why: string, nowMs: number) => void
  readonly note: (text: string, nowMs: number) => void
  readonly intent: (clientOrderId: string) => Intent | undefined
  /** Intents in `sending`, `open` or `partially-filled`, oldest first. */
  readonly unresolved: () => ReadonlyArray<Intent>
  readonly intents: () => ReadonlyArray<Intent>
  readonly fills: () => ReadonlyArray<JournalFill>
  /** The time of the last fill recorded (UTC ms), if any. */
  readonly lastFillMs: () => number | undefined
  readonly events: (sinceSeq?: number) => ReadonlyArray<JournalEvent>
  readonly close: () => void
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS intents (
  client_order_id TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity REAL NOT NULL CHECK (quantity > 0),
  type TEXT NOT NULL,
  limit_price REAL,
  valid_until_ms INTEGER,
  reason TEXT,
  state TEXT NOT NULL,
  filled_quantity REAL NOT NULL DEFAULT 0,
  venue_order_id TEXT,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS intents_state ON intents (state);
CREATE TABLE IF NOT EXISTS fills (
  trade_id TEXT PRIMARY KEY,
  client_order_id TEXT NOT NULL,
  venue_order_id TEXT,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  quantity REAL NOT NULL,
  price REAL NOT NULL,
  fee REAL NOT NULL,
  fee_currency TEXT NOT NULL,
  liquidity TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  adopted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS fills_time ON fills (time_ms);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  client_order_id TEXT,
  detail TEXT NOT NULL
);
`

interface IntentRow {
  client_order_id: string
  created_ms: number
  symbol: string
  side: Venue.Side
  quantity: number
  type: "market" | "limit"
  limit_price: number | null
  valid_until_ms: number | null
  reason: string | null
  state: IntentState
  filled_quantity: number
  venue_order_id: string | null
  updated_ms: number
}

interface FillRow {
  trade_id: string
  client_order_id: string
  venue_order_id: string | null
  symbol: string
  side: Venue.Side
  quantity: number
  price: number
  fee: number
  fee_currency: string
  liquidity: "maker" | "taker"
  time_ms: number
  adopted: number
}

const intentOf = (r: IntentRow): Intent => ({
  clientOrderId: r.client_order_id,
  createdMs: r.created_ms,
  symbol: r.symbol,
  side: r.side,
  quantity: r.quantity,
  type: r.type,
  limitPrice: r.limit_price ?? undefined,
  validUntilMs: r.valid_until_ms ?? undefined,
  reason: r.reason ?? undefined,
  state: r.state,
  filledQuantity: r.filled_quantity,
  venueOrderId: r.venue_order_id ?? undefined,
  updatedMs: r.updated_ms
})

const fillOf = (r: FillRow): JournalFill => ({
  clientOrderId: r.client_order_id,
  ...(r.venue_order_id !== null ? { venueOrderId: r.venue_order_id } : {}),
  tradeId: r.trade_id,
  symbol: r.symbol,
  side: r.side,
  quantity: r.quantity,
  price: r.price,
  fee: r.fee,
  feeCurrency: r.fee_currency,
  liquidity: r.liquidity,
  timeMs: r.time_ms,
  adopted: r.adopted === 1
})

/** Final states: an answer in one of these is not overwritten by a later, older one. */
const FINAL = new Set<IntentState>(["filled", "cancelled", "rejected", "unsent"])

/**
 * Opens (or creates) a journal file.
 *
 * @since 0.1.0
 * @category constructors
 */
export const open = (path: string): JournalFile => {
  const db = new Database(path)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = FULL")
  db.pragma("busy_timeout = 5000")
  db.exec(SCHEMA)

  const insertIntent = db.prepare(
    `INSERT INTO intents (client_order_id, created_ms, symbol, side, quantity, type, limit_price, valid_until_ms, reason, state, updated_ms)
     VALUES (@clientOrderId, @nowMs, @symbol, @side, @quantity, @type, @limitPrice, @validUntilMs, @reason, 'sending', @nowMs)`
  )
  const selectIntent = db.prepare(`SELECT * FROM intents WHERE client_order_id = ?`)
  const updateIntent = db.prepare(
    `UPDATE intents SET state = @state, filled_quantity = @filled, venue_order_id = COALESCE(@venueOrderId, venue_order_id), updated_ms = @nowMs
     WHERE client_order_id = @clientOrderId`
  )
  const insertFill = db.prepare(
    `INSERT OR IGNORE INTO fills (trade_id, client_order_id, venue_order_id, symbol, side, quantity, price, fee, fee_currency, liquidity, time_ms, adopted)
     VALUES (@tradeId, @clientOrderId, @venueOrderId, @symbol, @side, @quantity, @price, @fee, @feeCurrency, @liquidity, @timeMs, @adopted)`
  )
  const insertEvent = db.prepare(`INSERT INTO events (time_ms, kind, client_order_id, detail) VALUES (?, ?, ?, ?)`)

  const fillTx = (fill: Venue.Fill, adopted: boolean): boolean => {
    const result = insertFill.run({
      tradeId: fill.tradeId, clientOrderId: fill.clientOrderId, venueOrderId: fill.venueOrderId ?? null, symbol: fill.symbol, side: fill.side,
      quantity: fill.quantity, price: fill.price, fee: fill.fee, feeCurrency: fill.feeCurrency, liquidity: fill.liquidity, timeMs: fill.timeMs,
      adopted: adopted ? 1 : 0
    })
    if (result.changes === 0) return false
    insertEvent.run(fill.timeMs, "fill", fill.clientOrderId, JSON.stringify({ ...fill, adopted }))
    return true
  }

  const recordIntent = db.transaction((order: Venue.OrderRequest, nowMs: number) => {
    insertIntent.run({
      clientOrderId: order.clientOrderId, nowMs, symbol: order.symbol, side: order.side, quantity: order.quantity, type: order.type,
      limitPrice: order.limitPrice ?? null, validUntilMs: order.validUntilMs ?? null, reason: order.reason ?? null
    })
    insertEvent.run(nowMs, "intent", order.clientOrderId, JSON.stringify(order))
  })

  const recordUpdate = db.transaction((update: Venue.OrderUpdate, nowMs: number) => {
    const row = selectIntent.get(update.clientOrderId) as IntentRow | undefined
    // an answer about an order we never journalled (adopted at recovery) is kept in the history only
    if (row !== undefined && !(FINAL.has(row.state) && !FINAL.has(update.state))) {
      updateIntent.run({
        clientOrderId: update.clientOrderId, state: update.state, filled: Math.max(update.filledQuantity, row.filled_quantity),
        venueOrderId: update.venueOrderId ?? null, nowMs
      })
    }
    insertEvent.run(nowMs, "update", update.clientOrderId, JSON.stringify({ ...update, fills: update.fills.map((f) => f.tradeId) }))
    for (const fill of update.fills) fillTx(fill, false)
  })

  const recordFill = db.transaction((fill: Venue.Fill, adopted: boolean): boolean => fillTx(fill, adopted))

  const recordError = db.transaction((clientOrderId: string, error: Venue.VenueError, nowMs: number) => {
    insertEvent.run(nowMs, "error", clientOrderId, JSON.stringify({ venue: error.venue, operation: error.operation, code: error.code, retryable: error.retryable, detail: error.detail }))
  })

  const markUnsent = db.transaction((clientOrderId: string, why: string, nowMs: number) => {
    updateIntent.run({ clientOrderId, state: "unsent", filled: 0, venueOrderId: null, nowMs })
    insertEvent.run(nowMs, "unsent", clientOrderId, why)
  })

  return {
    path,
    recordIntent: (order, nowMs) => recordIntent(order, nowMs),
    recordUpdate: (update, nowMs) => recordUpdate(update, nowMs),
    recordFill: (fill, adopted) => recordFill(fill, adopted),
    recordError: (id, error, nowMs) => recordError(id, error, nowMs),
    markUnsent: (id, why, nowMs) => markUnsent(id, why, nowMs),
    note: (text, nowMs) => {
      insertEvent.run(nowMs, "note", null, text)
    },
    intent: (id) => {
      const row = selectIntent.get(id) as IntentRow | undefined
      return row === undefined ? undefined : intentOf(row)
    },
    unresolved: () =>
      (db.prepare(`SELECT * FROM intents WHERE state IN ('sending', 'open', 'partially-filled') ORDER BY created_ms, rowid`).all() as Array<IntentRow>).map(intentOf),
    intents: () => (db.prepare(`SELECT * FROM intents ORDER BY created_ms, rowid`).all() as Array<IntentRow>).map(intentOf),
    fills: () => (db.prepare(`SELECT * FROM fills ORDER BY time_ms, rowid`).all() as Array<FillRow>).map(fillOf),
    lastFillMs: () => {
      const row = db.prepare(`SELECT MAX(time_ms) AS t FROM fills`).get() as { t: number | null }
      return row.t ?? undefined
    },
    events: (sinceSeq = 0) =>
      (db.prepare(`SELECT seq, time_ms, kind, client_order_id, detail FROM events WHERE seq > ? ORDER BY seq`).all(sinceSeq) as Array<{
        seq: number
        time_ms: number
        kind: JournalEvent["kind"]
        client_order_id: string | null
        detail: string
      }>).map((r) => ({ seq: r.seq, timeMs: r.time_ms, kind: r.kind, clientOrderId: r.client_order_id ?? undefined, detail: r.detail })),
    close: () => db.close()
  }
}

/**
 * The journal service of a running loop.
 *
 * @since 0.1.0
 * @category services
 */
export class Journal extends Context.Service<Journal, JournalFile>()("@hedgekit/execution/Journal") {}

/**
 * A layer that opens the journal at `path` and closes it with the scope.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (path: string): Layer.Layer<Journal> =>
  Layer.effect(Journal, Effect.acquireRelease(Effect.sync(() => open(path)), (file) => Effect.sync(() => file.close())))

/**
 * Options of {@link journalled}.
 *
 * @since 0.1.0
 * @category models
 */
export interface JournalledOptions {
  /** Orders without a `validUntilMs` get now + this (ms), so that an undelivered one cannot execute later (default 10 s). */
  readonly validForMs?: number
  /** The clock (UTC ms; default `Date.now`). */
  readonly now?: () => number
  /** Called at each step of an order's life (for the crash tests). */
  readonly onPoint?: (point: LifecyclePoint, clientOrderId: string) => void
}

/**
 * A venue whose every order is journalled before it is sent, with the answers, fills and errors journalled as they
 * come. The hedge loop sends through it unchanged.
 *
 * @since 0.1.0
 * @category constructors
 */
export const journalled = (venue: Venue.VenueService, journal: JournalFile, options: JournalledOptions = {}): Venue.VenueService => {
  const now = options.now ?? Date.now
  const validFor = options.validForMs ?? 10_000
  const point = options.onPoint ?? (() => {})
  const recordFill = (fill: Venue.Fill) =>
    Effect.sync(() => {
      point("before-fill", fill.clientOrderId)
      journal.recordFill(fill, false)
      point("after-fill", fill.clientOrderId)
    })
  return {
    ...venue,
    name: venue.name,
    place: (order) =>
      Effect.gen(function*() {
        const sent: Venue.OrderRequest = order.validUntilMs !== undefined ? order : { ...order, validUntilMs: now() + validFor }
        point("before-intent", sent.clientOrderId)
        journal.recordIntent(sent, now())
        point("after-intent", sent.clientOrderId)
        const update = yield* venue.place(sent).pipe(
          Effect.tapError((error) => Effect.sync(() => journal.recordError(sent.clientOrderId, error, now())))
        )
        point("after-send", sent.clientOrderId)
        for (const fill of update.fills) point("before-fill", fill.clientOrderId)
        journal.recordUpdate(update, now())
        point("after-update", sent.clientOrderId)
        return update
      }),
    cancel: (clientOrderId) =>
      venue.cancel(clientOrderId).pipe(
        Effect.tap((update) => Effect.sync(() => journal.recordUpdate(update, now()))),
        Effect.tapError((error) => Effect.sync(() => journal.recordError(clientOrderId, error, now())))
      ),
    fills: venue.fills.pipe(Stream.tap(recordFill))
  }
}
