/**
 * A k-way merge of time-ordered sources into one: the next event is always the least by
 * `MarketEvent.compare` (time, then the fixed kind order: index, perpetual, forward, option, trade, funding,
 * settlement) among the sources' heads; on a tie, the source listed first goes first, and each source's own
 * order is kept. Memory is one batch per source.
 *
 * @since 0.1.0
 */
import { MarketEvent } from "@hedgekit/sdk"
import type * as Arr from "effect/Array"
import { batchesOf, type EventSource, flatten } from "./EventSource.js"
import type { ReadStats } from "./ReadStats.js"

type Event = MarketEvent.MarketEvent

/**
 * The merged source. `stats` gathers the stats of the sources that keep them (file sources and nested merges);
 * `outOfOrder[i]` counts the events source `i` delivered before an earlier one of its own (by
 * `MarketEvent.compare`) in the latest pass — always 0 for this package's readers; a foreign source that is not
 * in order is passed through as it is, and the count says so.
 *
 * @since 0.1.0
 * @category models
 */
export interface MergedSource extends EventSource {
  readonly _tag: "MergedSource"
  readonly sources: ReadonlyArray<AsyncIterable<Event>>
  readonly stats: ReadonlyArray<ReadStats>
  readonly outOfOrder: ReadonlyArray<number>
}

const statsOf = (source: AsyncIterable<Event>): ReadonlyArray<ReadStats> => {
  if (!("stats" in source)) return []
  const stats = (source as { readonly stats: ReadStats | ReadonlyArray<ReadStats> }).stats
  return Array.isArray(stats) ? stats : [stats as ReadStats]
}

const BATCH = 512

interface Cursor {
  readonly source: number
  readonly iterator: AsyncIterator<ReadonlyArray<Event>>
  batch: ReadonlyArray<Event>
  i: number
}

/** Orders cursors by their heads: `MarketEvent.compare`, then the source's position. */
const before = (a: Cursor, b: Cursor): boolean => {
  const c = MarketEvent.compare(a.batch[a.i]!, b.batch[b.i]!)
  return c < 0 || (c === 0 && a.source < b.source)
}

const siftDown = (heap: Array<Cursor>, at: number): void => {
  const n = heap.length
  const item = heap[at]!
  for (;;) {
    const left = 2 * at + 1
    if (left >= n) break
    const right = left + 1
    const child = right < n && before(heap[right]!, heap[left]!) ? right : left
    if (!before(heap[child]!, item)) break
    heap[at] = heap[child]!
    at = child
  }
  heap[at] = item
}

/** Moves the cursor to its next non-empty batch; false when the source has ended. */
const advance = async (cursor: Cursor): Promise<boolean> => {
  for (;;) {
    const step = await cursor.iterator.next()
    if (step.done === true) return false
    if (step.value.length > 0) {
      cursor.batch = step.value
      cursor.i = 0
      return true
    }
  }
}

/**
 * Merges time-ordered sources into one time-ordered source.
 *
 * @example
 * const market = merge([Deribit.optionChain(chain), Deribit.futuresSnapshots(futures), Binance.perpetualBars(bars), Binance.funding(funding)])
 * for await (const event of market) { ... }
 * console.log(EventSource.report(market))
 * @since 0.1.0
 * @category constructors
 */
export const merge = (sources: ReadonlyArray<AsyncIterable<Event>>): MergedSource => {
  let outOfOrder: Array<number> = sources.map(() => 0)
  const passCounts = (): Array<number> => (outOfOrder = sources.map(() => 0))

  async function* batches(): AsyncGenerator<Arr.NonEmptyReadonlyArray<Event>, void, undefined> {
    const counts = passCounts()
    const cursors: Array<Cursor> = sources.map((source, i) => ({
      source: i,
      iterator: batchesOf(source)[Symbol.asyncIterator](),
      batch: [],
      i: 0
    }))
    try {
      const live = await Promise.all(cursors.map(advance))
      const heap = cursors.filter((_, i) => live[i])
      for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i)
      let out: Array<Event> = []
      while (heap.length > 0) {
        const top = heap[0]!
        const event = top.batch[top.i++]!
        out.push(event)
        if (top.i >= top.batch.length && !(await advance(top))) {
          const last = heap.pop()!
          if (heap.length > 0) {
            heap[0] = last
            siftDown(heap, 0)
          }
        } else {
          if (MarketEvent.compare(event, top.batch[top.i]!) > 0) counts[top.source]!++
          siftDown(heap, 0)
        }
        if (out.length >= BATCH) {
          yield out as unknown as Arr.NonEmptyReadonlyArray<Event>
          out = []
        }
      }
      if (out.length > 0) yield out as unknown as Arr.NonEmptyReadonlyArray<Event>
    } finally {
      await Promise.all(cursors.map((cursor) => cursor.iterator.return?.()))
    }
  }

  const iterable = (): AsyncIterable<Arr.NonEmptyReadonlyArray<Event>> => ({ [Symbol.asyncIterator]: batches })
  return {
    _tag: "MergedSource",
    sources,
    get stats() {
      return sources.flatMap(statsOf)
    },
    get outOfOrder() {
      return outOfOrder
    },
    batches: iterable,
    [Symbol.asyncIterator]: () => flatten(iterable())
  }
}
