// A write to the journal's record log that fails (a full disk, an I/O error): the call throws, nothing more is
// written until the journal is opened again, and opening then loses none of the records acknowledged before.
import type { Venue } from "@hedgekit/sdk"
import type * as Fs from "node:fs"
import { copyFileSync, existsSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it, vi } from "vitest"
import * as Journal from "../src/Journal.js"

const fault = vi.hoisted(() => ({ failNextSync: false }))
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>()
  return {
    ...fs,
    fdatasyncSync: (fd: number) => {
      if (fault.failNextSync) {
        fault.failNextSync = false
        throw Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" })
      }
      fs.fdatasyncSync(fd)
    }
  }
})

const order = (id: string): Venue.OrderRequest => ({ clientOrderId: id, symbol: "BTC-PERPETUAL", side: "buy", quantity: 10, type: "market", validUntilMs: 20_000 })

describe("a failed write to the record log", () => {
  it("throws, refuses further writes, and opening again keeps every record acknowledged before it, once", () => {
    const path = join(mkdtempSync(join(tmpdir(), "hk-log-fault-")), "journal.sqlite")
    const j = Journal.open(path, { commitEvery: 1_000 })
    j.recordIntent(order("hk-1"), 5_000)
    j.note("before", 5_001)
    fault.failNextSync = true
    expect(() => j.recordIntent(order("hk-2"), 5_002)).toThrow(/EIO/)
    expect(() => j.note("after", 5_003)).toThrow(/stopped writing after its record log failed \(EIO/)
    expect(() => j.recordIntent(order("hk-3"), 5_004)).toThrow(/stopped writing/)
    // what a crash now leaves: the acknowledged records come back; the one whose sync failed may too (its order was
    // never sent: recovery finds it unsent), but never twice and never after a record written later
    const to = join(mkdtempSync(join(tmpdir(), "hk-log-fault-")), "journal.sqlite")
    for (const suffix of ["", "-wal", "-shm", "-log"]) if (existsSync(path + suffix)) copyFileSync(path + suffix, to + suffix)
    const again = Journal.open(to)
    const ids = again.intents().map((i) => i.clientOrderId)
    expect(ids.slice(0, 1)).toEqual(["hk-1"])
    expect(ids.length === 1 || (ids.length === 2 && ids[1] === "hk-2")).toBe(true)
    expect(again.events().filter((e) => e.kind === "note" && e.clientOrderId === undefined).map((e) => e.detail)).toEqual(["before"])
    again.note("reopened", 6_000)
    again.close()
    j.close()
  })
})
