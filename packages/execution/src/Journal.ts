/**
 * The order journal: every intent is written — and synced to disk — before it is sent, and every answer, fill,
 * cancel and reject as it arrives, so that a loop that crashes at any point can tell on restart what it sent, what
 * filled and what it must still find out from the venue (see `Recovery`).
 *
 * Storage: SQLite through better-sqlite3, in WAL mode with `synchronous = FULL`. Tables: `intents` (one row per
 * client order id, its latest state), `fills` (one row per venue trade id: a fill reported twice is kept once) and
 * `events` (the append-only history, for audits and `hedgekit journal`). Nothing secret is written: orders, fills
 * and venue messages only.
 *
 * Each record is first written to the record log beside the file (`<path>-log`: a file of fixed size written in
 * place) and synced before the call returns; SQLite commits the log's records in batches (`commitEvery`), on any read
 * and on close. A sync of a few blocks of a file that never grows costs about half a SQLite commit (whose own log
 * grows, and is synced with its metadata), and it is the only disk wait between a decision and its order (unless the
 * log is full: see `commitEvery`). Records are checked against the SDK's schemas before they are written, so that
 * SQLite takes every one it is given. Opening the journal commits what the log holds and SQLite does not, in order up
 * to the first missing, so a crash at any point loses nothing that was acknowledged. One process writes a journal
 * (it holds `<path>-log.lock`); a write to the log that fails stops all further writes until the journal is opened
 * again.
 *
 * States of an intent: `sending` (journalled; the send may or may not have reached the venue), then what the venue
 * said — `open`, `partially-filled`, `filled`, `cancelled`, `rejected` — or `unsent` (recovery established that the
 * venue never had it).
 *
 * @since 0.1.0
 */
import { InvalidInput, Venue } from "@hedgekit/sdk"
import Database from "better-sqlite3"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as RecordLog from "./internal/recordLog.js"

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
  /**
   * Writes an intent in state `sending`, synced to disk (the record log) before it returns. Throws `InvalidInput` when
   * the id was used before.
   */
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
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
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
 * Options of {@link open}.
 *
 * @since 0.1.0
 * @category models
 */
export interface OpenOptions {
  /**
   * Size of the record log beside the file (`<path>-log`), in 512-byte slots (default 2 048: 1 MiB). A record takes
   * ⌈(16 + its JSON's bytes) / 512⌉ slots; one that would take more than half the slots is committed to SQLite
   * directly, with the records before it.
   */
  readonly logSlots?: number
  /**
   * Records the log holds before they are committed to SQLite together (default 64). The count is checked after each
   * record but an intent, so that an intent's write never waits on SQLite — unless the log is full, which takes some
   * 2 000 intents without an answer at the default sizes.
   */
  readonly commitEvery?: number
}

/** A record in the log: its sequence number (consecutive from 1 across the journal's life) and the record. */
interface LogEntry {
  readonly lsn: number
  readonly record: JournalRecord
}

const isOrder = Schema.is(Venue.OrderRequest), isUpdate = Schema.is(Venue.OrderUpdate), isFill = Schema.is(Venue.Fill)

/**
 * Throws `InvalidInput` unless `value` is what `schema` describes: a record is checked before it is written, since a
 * record in the log has been acknowledged (an intent, sent) and SQLite must then take it.
 */
const checked = <S extends Schema.Top>(is: (u: unknown) => boolean, schema: S, value: unknown, field: string): void => {
  if (is(value)) return
  let why = "a value of the SDK's schema"
  try {
    Schema.decodeUnknownSync(schema as never)(value)
  } catch (e) {
    why = `a value of the SDK's schema (${(e as Error).message.replace(/\s+/g, " ")})`
  }
  throw new InvalidInput({ field, value, expected: why })
}
const checkedTime = (nowMs: number): void => {
  if (Number.isFinite(nowMs)) return
  throw new InvalidInput({ field: "nowMs", value: nowMs, expected: "a finite time (UTC ms)" })
}
const checkedText = (text: string, field: string): void => {
  if (typeof text === "string") return
  throw new InvalidInput({ field, value: text, expected: "a string" })
}

/** SQLite's names for a database without a file: such a journal has no record log (nothing survives it anyway). */
const inMemory = (path: string) => path === "" || path === ":memory:" || path.startsWith("file::memory:")

/** The note beside an intent that opening the journal found in the record log only. */
const RECOVERED_NOTE =
  "intent found in the record log only when the journal was opened (left by a crash, or by a writer still running): perhaps sent"

/** A journal record, as the log holds it and as it is applied to SQLite. */
type JournalRecord =
  | { readonly kind: "intent"; readonly order: Venue.OrderRequest; readonly nowMs: number }
  | { readonly kind: "update"; readonly update: Venue.OrderUpdate; readonly nowMs: number }
  | { readonly kind: "fill"; readonly fill: Venue.Fill; readonly adopted: boolean }
  | { readonly kind: "error"; readonly clientOrderId: string; readonly detail: string; readonly nowMs: number }
  | { readonly kind: "unsent"; readonly clientOrderId: string; readonly why: string; readonly nowMs: number }
  | { readonly kind: "note"; readonly text: string; readonly nowMs: number }

/**
 * Opens (or creates) a journal file. Records that its record log (`<path>-log`) holds and the file does not —
 * written just before a crash, or not yet committed by a loop still running — are committed to the file first, in
 * their order; an intent among them is `sending`, for `Recovery` to resolve at the venue.
 *
 * One process writes a journal; others may open it to read (the CLI's `hedgekit journal`): they write the log's
 * pending records into the file, which the writer then skips.
 *
 * @since 0.1.0
 * @category constructors
 */
export const open = (path: string, options: OpenOptions = {}): JournalFile => {
  const slots = options.logSlots ?? 2_048
  if (!(Number.isInteger(slots) && slots >= 8)) {
    throw new InvalidInput({ field: "logSlots", value: slots, expected: "an integer ≥ 8 (512-byte slots)" })
  }
  const commitEvery = options.commitEvery ?? 64
  if (!(Number.isInteger(commitEvery) && commitEvery >= 1)) {
    throw new InvalidInput({ field: "commitEvery", value: commitEvery, expected: "an integer ≥ 1 (records)" })
  }
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
  const selectFill = db.prepare(`SELECT 1 FROM fills WHERE trade_id = ?`)
  const updateIntent = db.prepare(
    `UPDATE intents SET state = @state, filled_quantity = @filled, venue_order_id = COALESCE(@venueOrderId, venue_order_id), updated_ms = @nowMs
     WHERE client_order_id = @clientOrderId`
  )
  const insertFill = db.prepare(
    `INSERT OR IGNORE INTO fills (trade_id, client_order_id, venue_order_id, symbol, side, quantity, price, fee, fee_currency, liquidity, time_ms, adopted)
     VALUES (@tradeId, @clientOrderId, @venueOrderId, @symbol, @side, @quantity, @price, @fee, @feeCurrency, @liquidity, @timeMs, @adopted)`
  )
  const insertEvent = db.prepare(`INSERT INTO events (time_ms, kind, client_order_id, detail) VALUES (?, ?, ?, ?)`)
  const selectApplied = db.prepare(`SELECT value FROM meta WHERE key = 'log_applied'`).pluck()
  const setApplied = db.prepare(`INSERT INTO meta (key, value) VALUES ('log_applied', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
  const applied = (): number => (selectApplied.get() as number | undefined) ?? 0

  const applyFill = (fill: Venue.Fill, adopted: boolean): void => {
    const result = insertFill.run({
      tradeId: fill.tradeId, clientOrderId: fill.clientOrderId, venueOrderId: fill.venueOrderId ?? null, symbol: fill.symbol, side: fill.side,
      quantity: fill.quantity, price: fill.price, fee: fill.fee, feeCurrency: fill.feeCurrency, liquidity: fill.liquidity, timeMs: fill.timeMs,
      adopted: adopted ? 1 : 0
    })
    if (result.changes > 0) insertEvent.run(fill.timeMs, "fill", fill.clientOrderId, JSON.stringify({ ...fill, adopted }))
  }

  /** A record's rows and events, in the transaction of the caller. */
  const apply = (r: JournalRecord): void => {
    switch (r.kind) {
      case "intent": {
        const o = r.order
        insertIntent.run({
          clientOrderId: o.clientOrderId, nowMs: r.nowMs, symbol: o.symbol, side: o.side, quantity: o.quantity, type: o.type,
          limitPrice: o.limitPrice ?? null, validUntilMs: o.validUntilMs ?? null, reason: o.reason ?? null
        })
        insertEvent.run(r.nowMs, "intent", o.clientOrderId, JSON.stringify(o))
        return
      }
      case "update": {
        const u = r.update
        const row = selectIntent.get(u.clientOrderId) as IntentRow | undefined
        // an answer about an order we never journalled (adopted at recovery) is kept in the history only
        if (row !== undefined && !(FINAL.has(row.state) && !FINAL.has(u.state))) {
          updateIntent.run({
            clientOrderId: u.clientOrderId, state: u.state, filled: Math.max(u.filledQuantity, row.filled_quantity),
            venueOrderId: u.venueOrderId ?? null, nowMs: r.nowMs
          })
        }
        insertEvent.run(r.nowMs, "update", u.clientOrderId, JSON.stringify({ ...u, fills: u.fills.map((f) => f.tradeId) }))
        for (const fill of u.fills) applyFill(fill, false)
        return
      }
      case "fill":
        applyFill(r.fill, r.adopted)
        return
      case "error":
        insertEvent.run(r.nowMs, "error", r.clientOrderId, r.detail)
        return
      case "unsent":
        updateIntent.run({ clientOrderId: r.clientOrderId, state: "unsent", filled: 0, venueOrderId: null, nowMs: r.nowMs })
        insertEvent.run(r.nowMs, "unsent", r.clientOrderId, r.why)
        return
      case "note":
        insertEvent.run(r.nowMs, "note", null, r.text)
        return
    }
  }

  // One record that SQLite refuses must not stop the rest, nor the journal from opening: it goes into the history
  // as a note, with its JSON. (Records are checked against the SDK's schemas before they are written, so this is for
  // a log written by another version.)
  const applyOne = db.transaction((record: JournalRecord): void => apply(record))
  const applyGuarded = (record: JournalRecord, at: number): void => {
    try {
      applyOne(record)
    } catch (e) {
      insertEvent.run(Date.now(), "note", null, `record ${at} of the record log could not be committed (${(e as Error).message}): ${JSON.stringify(record)}`)
    }
  }

  // Records synced to the log and not yet committed to SQLite, in log order (`lsn`, consecutive), kept as the JSON
  // the log holds (so that what SQLite gets is what a crash would have recovered). SQLite's `log_applied` is the last
  // record it has: a record at or below it (committed by another process opening the file) is skipped.
  let pending: Array<{ readonly lsn: number; readonly json: string }> = []
  let pendingSlots = 0
  const pendingIntents = new Set<string>(), pendingTrades = new Set<string>()
  const commitPending = db.transaction(() => {
    const done = applied()
    for (const p of pending) if (p.lsn > done) applyGuarded((JSON.parse(p.json) as LogEntry).record, p.lsn)
    if (pending.length > 0) setApplied.run(Math.max(done, pending[pending.length - 1]!.lsn))
  })
  const commit = (): void => {
    if (pending.length === 0) return
    commitPending.immediate()
    pending = []
    pendingSlots = 0
    pendingIntents.clear()
    pendingTrades.clear()
  }

  // What a crash (or a running writer) left in the log goes into the file first: the records after SQLite's last,
  // in order, up to the first one missing. A crash leaves none missing but its last, torn; a reader racing a writer
  // may see a later record and not an earlier one being written, and must not skip past it.
  const logPath = inMemory(path) ? undefined : `${path}-log`
  let lsn = 0
  if (logPath !== undefined) {
    const found = RecordLog.readRecords(logPath).map((bytes) => JSON.parse(bytes.toString("utf8")) as LogEntry).sort((a, b) => a.lsn - b.lsn)
    db.transaction(() => {
      let done = applied()
      for (const f of found) {
        if (f.lsn <= done) continue
        if (f.lsn !== done + 1) break
        applyGuarded(f.record, f.lsn)
        if (f.record.kind === "intent") insertEvent.run(f.record.nowMs, "note", f.record.order.clientOrderId, RECOVERED_NOTE)
        done = f.lsn
      }
      setApplied.run(done)
    }).immediate()
    lsn = found.reduce((m, f) => Math.max(m, f.lsn), applied())
  }
  // opened at the first write, so that a reader never touches the file a writer is using
  let log: RecordLog.RecordLog | undefined
  let lock: (() => void) | undefined
  // a write to the log that failed (a full disk, an I/O error) leaves the log in doubt: nothing more is written
  let broken: Error | undefined

  /** Syncs `record` to the log (or, without one, commits it to SQLite at once), then commits the batch when due. */
  const write = (record: JournalRecord): void => {
    if (broken !== undefined) throw new Error(`the journal ${path} stopped writing after its record log failed (${broken.message}); open it again to recover`)
    if (logPath === undefined) {
      applyOne.immediate(record)
      return
    }
    const json = JSON.stringify({ lsn: lsn + 1, record })
    const bytes = Buffer.byteLength(json, "utf8")
    if (2 * RecordLog.slotsFor(bytes) > slots) {
      commit()
      applyOne.immediate(record)
      return
    }
    if (log === undefined) {
      lock = RecordLog.lockWriter(logPath)
      log = RecordLog.open(logPath, slots)
    }
    // never write over a record SQLite has not committed: pending records fill the slots just before the writer's
    // position, with those a wrap skipped at the end
    const used = log.taken(bytes)
    if (pendingSlots + used > slots) commit()
    try {
      log.append(json, bytes)
    } catch (e) {
      broken = e as Error
      throw e
    }
    pending.push({ lsn: ++lsn, json })
    pendingSlots += used
    // an intent's write commits SQLite only when the log is full (above): its send waits on the log's sync alone
    if (record.kind !== "intent" && pending.length >= commitEvery) commit()
  }

  const known = (clientOrderId: string) => pendingIntents.has(clientOrderId) || selectIntent.get(clientOrderId) !== undefined
  const tradeKnown = (tradeId: string) => pendingTrades.has(tradeId) || selectFill.get(tradeId) !== undefined

  return {
    path,
    recordIntent: (order, nowMs) => {
      checked(isOrder, Venue.OrderRequest, order, "order")
      checkedTime(nowMs)
      if (known(order.clientOrderId)) {
        throw new InvalidInput({ field: "clientOrderId", value: order.clientOrderId, expected: "an id not used before in this journal" })
      }
      write({ kind: "intent", order, nowMs })
      if (logPath !== undefined) pendingIntents.add(order.clientOrderId)
    },
    recordUpdate: (update, nowMs) => {
      checked(isUpdate, Venue.OrderUpdate, update, "update")
      checkedTime(nowMs)
      write({ kind: "update", update, nowMs })
      if (logPath !== undefined) for (const f of update.fills) pendingTrades.add(f.tradeId)
    },
    recordFill: (fill, adopted) => {
      checked(isFill, Venue.Fill, fill, "fill")
      if (tradeKnown(fill.tradeId)) return false
      write({ kind: "fill", fill, adopted })
      if (logPath !== undefined) pendingTrades.add(fill.tradeId)
      return true
    },
    recordError: (clientOrderId, error, nowMs) => {
      checkedText(clientOrderId, "clientOrderId")
      checkedTime(nowMs)
      const detail = JSON.stringify({ venue: error.venue, operation: error.operation, code: error.code, retryable: error.retryable, detail: error.detail })
      write({ kind: "error", clientOrderId, nowMs, detail })
    },
    markUnsent: (clientOrderId, why, nowMs) => {
      checkedText(clientOrderId, "clientOrderId")
      checkedText(why, "why")
      checkedTime(nowMs)
      write({ kind: "unsent", clientOrderId, why, nowMs })
    },
    note: (text, nowMs) => {
      checkedText(text, "text")
      checkedTime(nowMs)
      write({ kind: "note", text, nowMs })
    },
    intent: (id) => {
      commit()
      const row = selectIntent.get(id) as IntentRow | undefined
      return row === undefined ? undefined : intentOf(row)
    },
    unresolved: () => {
      commit()
      return (db.prepare(`SELECT * FROM intents WHERE state IN ('sending', 'open', 'partially-filled') ORDER BY created_ms, rowid`).all() as Array<IntentRow>)
        .map(intentOf)
    },
    intents: () => {
      commit()
      return (db.prepare(`SELECT * FROM intents ORDER BY created_ms, rowid`).all() as Array<IntentRow>).map(intentOf)
    },
    fills: () => {
      commit()
      return (db.prepare(`SELECT * FROM fills ORDER BY time_ms, rowid`).all() as Array<FillRow>).map(fillOf)
    },
    lastFillMs: () => {
      commit()
      const row = db.prepare(`SELECT MAX(time_ms) AS t FROM fills`).get() as { t: number | null }
      return row.t ?? undefined
    },
    events: (sinceSeq = 0) => {
      commit()
      return (db.prepare(`SELECT seq, time_ms, kind, client_order_id, detail FROM events WHERE seq > ? ORDER BY seq`).all(sinceSeq) as Array<{
        seq: number
        time_ms: number
        kind: JournalEvent["kind"]
        client_order_id: string | null
        detail: string
      }>).map((r) => ({ seq: r.seq, timeMs: r.time_ms, kind: r.kind, clientOrderId: r.client_order_id ?? undefined, detail: r.detail }))
    },
    close: () => {
      try {
        if (broken === undefined) commit()
      } finally {
        log?.close()
        lock?.()
        db.close()
      }
    }
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
