/**
 * The journal's record log: a file of fixed size, written once with zeros when it is made, into which each record
 * is written in place and synced (`fdatasync`) before the journal returns. Because the file never changes size, the
 * sync flushes the record's own blocks and no file-system metadata: on the disks measured it costs about half a
 * SQLite commit, whose write-ahead file grows and is synced with its metadata (see the package README).
 *
 * A record is needed only until the journal's SQLite store has it committed (synced); after that its slots may be
 * written over. The log is circular: the writer moves on from the last record and wraps to the start. Every record
 * carries a CRC-32 of its payload, so a record torn by a crash, or an older record partly written over, fails its
 * check and is skipped.
 *
 * Layout: slots of 512 bytes. A record starts on a slot with a 16-byte header — magic `HKL1`, payload length
 * (u32 LE), CRC-32 of the payload (u32 LE), slots spanned (u32 LE) — followed by its payload (UTF-8 JSON).
 *
 * @internal
 */
import { closeSync, fdatasyncSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, unlinkSync, writeSync } from "node:fs"
import { dirname } from "node:path"
import { crc32 } from "node:zlib"

export const SLOT = 512
const HEADER = 16
const MAGIC = 0x314c4b48 // "HKL1" read as a little-endian u32

/** Slots a payload of `bytes` bytes spans. */
export const slotsFor = (bytes: number): number => Math.ceil((HEADER + bytes) / SLOT)

export interface RecordLog {
  /** Slots in the file. */
  readonly slots: number
  /**
   * Slots the next append of a `bytes`-byte payload uses up: its own, and those it skips at the end of the file when
   * it does not fit before it (the writer wraps to slot 0).
   */
  readonly taken: (bytes: number) => number
  /** Writes `json` (UTF-8, `bytes` bytes long) at the writer's position, or at 0 when it does not fit before the end, and syncs it. */
  readonly append: (json: string, bytes: number) => void
  readonly close: () => void
}

/** Syncs a directory so that a file just made in it is found after a power cut (best effort where unsupported). */
const syncDirectory = (path: string): void => {
  let fd: number | undefined
  try {
    fd = openSync(dirname(path), "r")
    fsyncSync(fd)
  } catch {
    // some platforms cannot open or sync a directory; the file's own sync still holds its contents
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/**
 * Every valid record of the log at `path` (none when there is no file), in file order. A record is valid when its
 * magic, length and CRC-32 check.
 */
export const readRecords = (path: string): Array<Buffer> => {
  let fd: number
  try {
    fd = openSync(path, "r")
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return []
    throw e
  }
  try {
    const size = fstatSync(fd).size
    const all = Buffer.alloc(size)
    let read = 0
    while (read < size) {
      const n = readSync(fd, all, read, size - read, read)
      if (n === 0) break
      read += n
    }
    const records: Array<Buffer> = []
    for (let slot = 0; (slot + 1) * SLOT <= read;) {
      const at = slot * SLOT
      const length = all.readUInt32LE(at + 4), spans = all.readUInt32LE(at + 12)
      const valid = all.readUInt32LE(at) === MAGIC && spans === slotsFor(length) && at + spans * SLOT <= read &&
        crc32(all.subarray(at + HEADER, at + HEADER + length)) === all.readUInt32LE(at + 8)
      if (valid) {
        records.push(Buffer.from(all.subarray(at + HEADER, at + HEADER + length)))
        slot += spans
      } else {
        slot += 1
      }
    }
    return records
  } finally {
    closeSync(fd)
  }
}

/** Opens an existing file for reading and writing in place, or makes it (never `O_APPEND`: writes go to their slot). */
const openForWriting = (path: string): number => {
  try {
    return openSync(path, "r+")
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e
    return openSync(path, "w+")
  }
}

/**
 * Opens the log at `path` for writing, making it (`slots` × 512 bytes of zeros, synced, its directory synced) when it
 * is missing or shorter. The writer starts at slot 0: the caller has every valid record of the file in its store.
 */
export const open = (path: string, slots: number): RecordLog => {
  const handle = openForWriting(path)
  const size = slots * SLOT
  if (fstatSync(handle).size < size) {
    const zeros = Buffer.alloc(size)
    let written = 0
    while (written < size) written += writeSync(handle, zeros, written, size - written, written)
    fsyncSync(handle)
    syncDirectory(path)
  }
  // the record is laid out here, its JSON encoded in place (no buffer per record)
  let scratch = Buffer.alloc(SLOT * 4)
  let next = 0
  const wraps = (bytes: number) => next + slotsFor(bytes) > slots
  return {
    slots,
    taken: (bytes) => slotsFor(bytes) + (wraps(bytes) ? slots - next : 0),
    append: (json, length) => {
      const spans = slotsFor(length)
      const at = wraps(length) ? 0 : next
      const bytes = spans * SLOT
      if (bytes > scratch.length) scratch = Buffer.alloc(bytes)
      scratch.write(json, HEADER, length, "utf8")
      scratch.fill(0, HEADER + length, bytes)
      scratch.writeUInt32LE(MAGIC, 0)
      scratch.writeUInt32LE(length, 4)
      scratch.writeUInt32LE(crc32(scratch.subarray(HEADER, HEADER + length)), 8)
      scratch.writeUInt32LE(spans, 12)
      let written = 0
      while (written < bytes) written += writeSync(handle, scratch, written, bytes - written, at * SLOT + written)
      fdatasyncSync(handle)
      next = at + spans === slots ? 0 : at + spans
    },
    close: () => closeSync(handle)
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * Makes this process the log's one writer: `<log>.lock` holds its pid, made exclusively. A lock whose process is gone
 * (a crash) is taken over; one held by a live process — this one included — is an error, since two writers would
 * number their records alike. Returns the release.
 */
export const lockWriter = (logPath: string): (() => void) => {
  const path = `${logPath}.lock`
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, "wx")
      try {
        writeSync(fd, `${process.pid}\n`)
      } finally {
        closeSync(fd)
      }
      return () => {
        try {
          unlinkSync(path)
        } catch {
          // already gone: nothing to release
        }
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw e
      let pid = NaN
      try {
        pid = Number(readFileSync(path, "utf8").trim())
      } catch {
        // removed meanwhile: try again
      }
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new Error(`the journal's record log ${logPath} is being written by process ${pid}${pid === process.pid ? " (this one: another open journal)" : ""}`, { cause: e })
      }
      try {
        unlinkSync(path)
      } catch {
        // removed meanwhile
      }
    }
  }
}
