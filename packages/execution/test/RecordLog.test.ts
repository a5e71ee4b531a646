// The journal's record log: every record is synced to `<journal>-log` before the call returns, and SQLite commits
// the log's records in batches. A crash is imitated by copying the journal's files as they are on disk while it is
// still open (what a SIGKILL leaves), then opening the copy.
import { Venue } from "@hedgekit/sdk"
import * as fc from "fast-check"
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import * as Journal from "../src/Journal.js"
import * as RecordLog from "../src/internal/recordLog.js"

const dir = () => mkdtempSync(join(tmpdir(), "hk-record-log-"))
const RECOVERED = /found in the record log only/

const order = (id: string, o: Partial<Venue.OrderRequest> = {}): Venue.OrderRequest => ({
  clientOrderId: id, symbol: "BTC-PERPETUAL", side: "buy", quantity: 10, type: "market", validUntilMs: 20_000, ...o
})

const fillOf = (id: string, trade: string, t: number): Venue.Fill => ({
  clientOrderId: id, tradeId: trade, symbol: "BTC-PERPETUAL", side: "buy", quantity: 10, price: 100_000, fee: 5e-8, feeCurrency: "BTC", liquidity: "taker", timeMs: t
})

const filled = (id: string, t: number): Venue.OrderUpdate => ({
  clientOrderId: id, symbol: "BTC-PERPETUAL", state: "filled", filledQuantity: 10, averagePrice: 100_000, timeMs: t, fills: [fillOf(id, `t-${id}`, t)]
})

/** The journal's files as a crash would leave them, copied into a new folder; the copy's path. */
const crashCopy = (path: string): string => {
  const to = join(dir(), "journal.sqlite")
  for (const suffix of ["", "-wal", "-shm", "-log"]) if (existsSync(path + suffix)) copyFileSync(path + suffix, to + suffix)
  return to
}

/** A journal's history without the notes that opening after a crash adds. */
const history = (j: Journal.JournalFile) =>
  j.events().filter((e) => !(e.kind === "note" && RECOVERED.test(e.detail))).map(({ clientOrderId, detail, kind, timeMs }) => ({ kind, clientOrderId, timeMs, detail }))

describe("the record log", () => {
  it("holds an intent SQLite does not have yet; opening after a crash commits it as sending, with a note", () => {
    const path = join(dir(), "journal.sqlite")
    const j = Journal.open(path)
    j.recordIntent(order("hk-1", { reason: "delta band" }), 5_000)
    const copy = crashCopy(path)
    expect(RecordLog.readRecords(copy + "-log")).toHaveLength(1)
    const after = Journal.open(copy)
    expect(after.intent("hk-1")).toMatchObject({ state: "sending", createdMs: 5_000, reason: "delta band", validUntilMs: 20_000, quantity: 10 })
    expect(after.unresolved().map((i) => i.clientOrderId)).toEqual(["hk-1"])
    expect(after.events().map((e) => [e.kind, e.clientOrderId])).toEqual([["intent", "hk-1"], ["note", "hk-1"]])
    after.close()
    // opened again: nothing is committed twice
    const again = Journal.open(copy)
    expect(again.events()).toHaveLength(2)
    again.close()
    j.recordUpdate(filled("hk-1", 6_000), 6_000)
    expect(j.intent("hk-1")!.state).toBe("filled")
    expect(j.events().map((e) => e.kind)).toEqual(["intent", "update", "fill"])
    j.close()
  })

  it("after a crash, the copy holds every record written, in order, as the journal that did not crash", () => {
    const path = join(dir(), "journal.sqlite")
    const j = Journal.open(path, { commitEvery: 1_000 })
    const model = Journal.open(":memory:")
    for (const x of [j, model]) {
      x.recordIntent(order("hk-1"), 5_000)
      x.recordUpdate(filled("hk-1", 5_001), 5_001)
      x.recordIntent(order("hk-2", { type: "limit", limitPrice: 99_000 }), 5_002)
      x.recordUpdate({ clientOrderId: "hk-2", symbol: "BTC-PERPETUAL", state: "open", filledQuantity: 0, timeMs: 5_003, fills: [] }, 5_003)
      expect(x.recordFill(fillOf("hk-2", "t-9", 5_004), false)).toBe(true)
      expect(x.recordFill(fillOf("hk-2", "t-9", 5_004), false)).toBe(false)
      x.recordError("hk-3", new Venue.VenueError({ venue: "deribit", operation: "place", code: "10028", retryable: true, detail: "too many requests" }), 5_005)
      x.note("feed restarted", 5_006)
      x.note("Δ hedge — ünïcode ✓, a line separator \u2028 and 🧾", 5_006) // bytes ≠ UTF-16 units
      x.recordIntent(order("hk-4"), 5_007)
      x.markUnsent("hk-4", "not at the venue after its valid-until", 5_008)
    }
    // nothing was committed to SQLite yet: the copy has it all from the log
    const copy = Journal.open(crashCopy(path))
    expect(history(copy)).toEqual(history(model))
    expect(copy.intents()).toEqual(model.intents())
    expect(copy.fills()).toEqual(model.fills())
    expect(history(j)).toEqual(history(model))
    for (const x of [copy, j, model]) x.close()
  })

  it("skips a torn record: its CRC fails (the call that wrote it never returned)", () => {
    const path = join(dir(), "journal.sqlite")
    const j = Journal.open(path)
    j.recordIntent(order("hk-1"), 5_000)
    j.recordIntent(order("hk-2"), 5_001)
    const copy = crashCopy(path)
    const bytes = readFileSync(copy + "-log")
    bytes.writeUInt8(bytes.readUInt8(RecordLog.SLOT + 40) ^ 0x20, RecordLog.SLOT + 40) // a byte of the second record's payload
    writeFileSync(copy + "-log", bytes)
    expect(Journal.open(copy).intents().map((i) => i.clientOrderId)).toEqual(["hk-1"])
    j.close()
  })

  it("wraps, never writing over a record SQLite has not committed, whatever the sizes, answers and batch", () => {
    // a step: an intent of 1–3 slots (its reason's length), or the answers to every intent still without one
    const step = fc.oneof(fc.integer({ min: 0, max: 1_200 }).map((bytes) => ({ bytes })), fc.constant({ answer: true as const }))
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 12 }), (steps, commitEvery) => {
        const path = join(dir(), "journal.sqlite")
        const j = Journal.open(path, { logSlots: 8, commitEvery })
        const model = Journal.open(":memory:")
        const waiting: Array<string> = []
        let k = 0
        for (const s of steps) {
          if ("answer" in s) {
            for (const id of waiting.splice(0)) for (const x of [j, model]) x.recordUpdate(filled(id, 6_000 + k), 6_000 + k)
          } else {
            const id = `hk-${++k}`
            waiting.push(id)
            for (const x of [j, model]) x.recordIntent(order(id, { reason: "r".repeat(s.bytes) }), 5_000 + k)
          }
          // a crash now keeps every record written so far, in order
          const copy = Journal.open(crashCopy(path))
          expect(history(copy)).toEqual(history(model))
          copy.close()
        }
        if (existsSync(path + "-log")) expect(statSync(path + "-log").size).toBe(8 * RecordLog.SLOT)
        j.close()
        model.close()
      }),
      { numRuns: 40 }
    )
  })

  it("never commits to SQLite on an intent: its send waits on the log's sync alone", () => {
    const path = join(dir(), "journal.sqlite")
    const j = Journal.open(path, { commitEvery: 1 })
    /** What SQLite alone holds (the copy without the log). */
    const sqliteAlone = () => {
      const to = crashCopy(path)
      rmSync(to + "-log")
      const x = Journal.open(to)
      const ids = x.intents().map((i) => [i.clientOrderId, i.state])
      x.close()
      return ids
    }
    j.recordIntent(order("hk-1"), 5_000)
    expect(sqliteAlone()).toEqual([])
    j.recordUpdate(filled("hk-1", 5_001), 5_001) // commitEvery 1: committed with its intent
    expect(sqliteAlone()).toEqual([["hk-1", "filled"]])
    j.recordIntent(order("hk-2"), 5_002)
    expect(sqliteAlone()).toEqual([["hk-1", "filled"]])
    j.close()
  })

  it("counts the slots a wrap skips as taken until the records before them are committed", () => {
    const path = join(dir(), "journal.sqlite")
    const j = Journal.open(path, { logSlots: 8, commitEvery: 1_000 })
    const model = Journal.open(":memory:")
    const two = { reason: "r".repeat(600) } // an intent of two slots; without a reason, one
    const write = (id: string, o: Partial<Venue.OrderRequest>) => {
      for (const x of [j, model]) x.recordIntent(order(id, o), 5_000)
    }
    write("a", two) // slots 0–1
    j.intents() // committed
    write("b", {}) // 2
    write("c", {}) // 3
    write("d", {}) // 4
    write("e", two) // 5–6
    write("f", two) // does not fit in slot 7: wraps to 0–1, leaving 7 unused while b–e wait
    write("g", {}) // slot 2 holds b, not committed: the log must commit first
    expect(history(Journal.open(crashCopy(path)))).toEqual(history(model))
    j.close()
  })

  it("lets another connection open the file while the writer holds records uncommitted; the writer then skips them", () => {
    const path = join(dir(), "journal.sqlite")
    const j = Journal.open(path, { commitEvery: 1_000 })
    j.recordIntent(order("hk-1"), 5_000)
    j.recordUpdate(filled("hk-1", 5_001), 5_001)
    const reader = Journal.open(path)
    expect(reader.intent("hk-1")!.state).toBe("filled")
    expect(reader.events().map((e) => e.kind)).toEqual(["intent", "note", "update", "fill"])
    reader.close()
    j.recordIntent(order("hk-2"), 5_002)
    expect(j.events().map((e) => [e.kind, e.clientOrderId])).toEqual([
      ["intent", "hk-1"], ["note", "hk-1"], ["update", "hk-1"], ["fill", "hk-1"], ["intent", "hk-2"]
    ])
    expect(j.fills()).toHaveLength(1)
    j.close()
  })

  it("opening commits the log's records in order up to the first one missing: a reader racing the writer skips none", () => {
    const path = join(dir(), "journal.sqlite")
    const j = Journal.open(path, { commitEvery: 1_000 })
    for (const n of ["n1", "n2", "n3"]) j.note(n, 5_000)
    // what a reader sees while the writer is writing the second record's slot: the first and third, not the second
    const bytes = readFileSync(path + "-log")
    bytes.writeUInt8(bytes.readUInt8(RecordLog.SLOT + 40) ^ 0x20, RecordLog.SLOT + 40)
    writeFileSync(path + "-log", bytes)
    const reader = Journal.open(path)
    expect(reader.events().map((e) => e.detail)).toEqual(["n1"])
    reader.close()
    // the writer still has all three; it commits those after the reader's last
    expect(j.events().map((e) => e.detail)).toEqual(["n1", "n2", "n3"])
    j.close()
  })

  it("checks a record before writing it: one SQLite would refuse is never acknowledged, and nothing is written", () => {
    const path = join(dir(), "journal.sqlite")
    const j = Journal.open(path)
    expect(() => j.recordIntent(order("hk-1", { quantity: 0 }), 5_000)).toThrow(/order.*expected a value of the SDK's schema/)
    expect(() => j.recordIntent(order("hk-2", { side: "hold" as never }), 5_000)).toThrow(/order/)
    expect(() => j.recordIntent(order("hk-3", { limitPrice: Infinity }), 5_000)).toThrow(/order/)
    expect(() => j.recordIntent(order("hk-4"), NaN)).toThrow(/nowMs/)
    expect(() => j.recordFill({ ...fillOf("hk-1", "t-1", 5_000), price: NaN }, false)).toThrow(/fill/)
    expect(() => j.recordUpdate({ ...filled("hk-1", 5_000), state: "gone" as never }, 5_000)).toThrow(/update/)
    expect(RecordLog.readRecords(path + "-log")).toHaveLength(0)
    j.recordIntent(order("hk-5"), 5_000)
    j.close()
    expect(Journal.open(path).intents().map((i) => i.clientOrderId)).toEqual(["hk-5"])
  })

  it("commits what the log holds, not the caller's object changed after the call", () => {
    const path = join(dir(), "journal.sqlite")
    const j = Journal.open(path)
    const o = { ...order("hk-1") }
    j.recordIntent(o, 5_000)
    ;(o as { quantity: number }).quantity = 99
    expect(j.intent("hk-1")!.quantity).toBe(10)
    j.close()
  })

  it("has one writer: a second journal writing the same file is refused until the first closes; a dead writer's lock is taken over", () => {
    const path = join(dir(), "journal.sqlite")
    const a = Journal.open(path)
    a.note("a", 1)
    const b = Journal.open(path)
    expect(() => b.note("b", 2)).toThrow(new RegExp(`being written by process ${process.pid}`))
    a.close()
    b.note("b", 2)
    b.close()
    // a lock left by a process that no longer runs (a crash)
    writeFileSync(path + "-log.lock", "2147483646\n")
    const c = Journal.open(path)
    c.note("c", 3)
    expect(c.events().map((e) => e.detail)).toEqual(["a", "b", "c"])
    c.close()
    expect(existsSync(path + "-log.lock")).toBe(false)
  })

  it("commits a record larger than half the log straight to SQLite, after those before it", () => {
    const path = join(dir(), "journal.sqlite")
    const j = Journal.open(path, { logSlots: 8 })
    j.recordIntent(order("hk-0"), 4_999)
    j.recordIntent(order("hk-1", { reason: "y".repeat(3_000) }), 5_000)
    const copy = Journal.open(crashCopy(path))
    expect(copy.intents().map((i) => [i.clientOrderId, i.reason?.length])).toEqual([["hk-0", undefined], ["hk-1", 3_000]])
    j.close()
  })

  it("refuses a used id, pending or committed, before writing anything", () => {
    const path = join(dir(), "journal.sqlite")
    const j = Journal.open(path)
    j.recordIntent(order("hk-1"), 5_000)
    expect(() => j.recordIntent(order("hk-1"), 5_001)).toThrow(/clientOrderId.*hk-1.*used before/)
    j.recordUpdate(filled("hk-1", 6_000), 6_000)
    expect(RecordLog.readRecords(path + "-log")).toHaveLength(2)
    j.intents() // commits
    expect(() => j.recordIntent(order("hk-1"), 5_002)).toThrow(/used before/)
    expect(RecordLog.readRecords(path + "-log")).toHaveLength(2)
    j.close()
  })

  it("has no log for a journal in memory, and checks its options", () => {
    const j = Journal.open(":memory:")
    j.recordIntent(order("hk-1"), 5_000)
    expect(j.intent("hk-1")!.state).toBe("sending")
    j.close()
    expect(() => Journal.open(join(dir(), "j.sqlite"), { logSlots: 4 })).toThrow(/logSlots.*got 4.*integer ≥ 8/)
    expect(() => Journal.open(join(dir(), "j.sqlite"), { logSlots: 8.5 })).toThrow(/logSlots/)
    expect(() => Journal.open(join(dir(), "j.sqlite"), { commitEvery: 0 })).toThrow(/commitEvery.*got 0/)
  })
})
