/**
 * The lines of a text file, streamed: `node:readline` over an `fs` read stream, through `node:zlib` gunzip when
 * the name ends in `.gz`. Lines are handed out in arrays of about {@link LINES_PER_BATCH} (one await per array,
 * not per line); the stream is paused while an array waits, so at most one array and one 64 KiB chunk of the
 * file are held at a time.
 */
import { open } from "node:fs/promises"
import { createInterface } from "node:readline"
import type { Readable } from "node:stream"
import { createGunzip } from "node:zlib"
import { FileUnreadable } from "../DataError.js"

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

export const LINES_PER_BATCH = 1024

/**
 * Opens `file` and yields its lines (without the LF or CRLF ending) in non-empty arrays. Fails with
 * `FileUnreadable` when the file cannot be opened or read, or a gzip stream is corrupt or truncated.
 */
export async function* lineBatches(file: string): AsyncGenerator<Array<string>, void, undefined> {
  let handle
  try {
    handle = await open(file, "r")
  } catch (error) {
    throw new FileUnreadable({ file, reason: reasonOf(error) })
  }
  const raw = handle.createReadStream({ highWaterMark: 1 << 16 })
  let input: Readable = raw
  if (file.endsWith(".gz")) {
    const gunzip = createGunzip()
    raw.on("error", (error) => gunzip.destroy(error))
    input = raw.pipe(gunzip)
  }
  const reader = createInterface({ input, crlfDelay: Infinity })
  let batch: Array<string> = []
  let closed = false
  let failure: unknown
  let wake: (() => void) | undefined
  const notify = () => {
    const resolve = wake
    wake = undefined
    resolve?.()
  }
  reader.on("line", (line) => {
    batch.push(line)
    if (batch.length >= LINES_PER_BATCH) {
      reader.pause()
      notify()
    }
  })
  reader.on("close", () => {
    closed = true
    notify()
  })
  const fail = (error: unknown) => {
    failure ??= error
    closed = true
    notify()
  }
  // readline re-emits its input's errors on itself (and throws them when nobody listens there)
  reader.on("error", fail)
  input.on("error", fail)
  raw.on("error", fail)
  try {
    for (;;) {
      if (failure !== undefined) throw new FileUnreadable({ file, reason: reasonOf(failure) })
      if (batch.length > 0 && (closed || batch.length >= LINES_PER_BATCH)) {
        const out = batch
        batch = []
        if (!closed) reader.resume()
        yield out
        continue
      }
      if (closed) return
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    reader.close()
    input.destroy()
    raw.destroy()
  }
}
