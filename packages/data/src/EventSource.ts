/**
 * What every reader returns: an `AsyncIterable<MarketEvent>` in time order (at one timestamp, in the fixed order
 * of `MarketEvent.rank`, each kind in the file's order), which also hands its events out in arrays (`batches`)
 * and keeps the stats of its pass — and the Effect `Stream` over it.
 *
 * A source is a description, not an open file: each iteration opens the file again and starts fresh stats.
 * Nothing is read until the first `next()`; a file is never held in memory (one 64 KiB chunk, the current line,
 * and the events of one timestamp at a time).
 *
 * Units (those of `MarketEvent`): times UTC epoch milliseconds, a fraction kept from microsecond sources; index,
 * perpetual, forward and trade prices and strikes in the quote currency per coin (USD, or USDT for Binance's
 * USDⓈ-M contracts); option premiums in `premiumUnit` per contract (`coin` for Deribit's inverse options); vols
 * and funding rates decimal (funding per `intervalMs`).
 *
 * @since 0.1.0
 */
import type { MarketEvent } from "@hedgekit/sdk"
import type * as Arr from "effect/Array"
import * as Stream from "effect/Stream"
import { type DataError, FileUnreadable, isDataError } from "./DataError.js"
import * as ReadStats from "./ReadStats.js"

type Event = MarketEvent.MarketEvent

/**
 * A time-ordered stream of market events that can also be read in arrays.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventSource extends AsyncIterable<Event> {
  /** The same events, in non-empty arrays (fewer awaits: what `toStream` and `merge` read). */
  readonly batches: () => AsyncIterable<Arr.NonEmptyReadonlyArray<Event>>
}

/**
 * A source read from one file.
 *
 * @since 0.1.0
 * @category models
 */
export interface FileSource extends EventSource {
  readonly _tag: "FileSource"
  readonly file: string
  readonly format: string
  /** The stats of the pass under way, or of the last one (complete once it has ended). */
  readonly stats: ReadStats.ReadStats
}

/**
 * The options every reader takes: a window `[fromMs, toMs)` (UTC ms). Events outside it are dropped and
 * counted in `outsideWindow`; reading stops after the first row at or after `toMs`.
 *
 * @since 0.1.0
 * @category models
 */
export interface WindowOptions {
  readonly fromMs?: number | undefined
  readonly toMs?: number | undefined
}

/**
 * The events of array batches, one at a time.
 *
 * @since 0.1.0
 * @category conversions
 */
export const flatten = <A>(batches: AsyncIterable<ReadonlyArray<A>>): AsyncIterator<A> => {
  const iterator = batches[Symbol.asyncIterator]()
  let batch: ReadonlyArray<A> = []
  let i = 0
  return {
    next: async () => {
      while (i >= batch.length) {
        const step = await iterator.next()
        if (step.done === true) return { done: true, value: undefined }
        batch = step.value
        i = 0
      }
      return { done: false, value: batch[i++]! }
    },
    return: async () => {
      await iterator.return?.()
      return { done: true, value: undefined }
    }
  }
}

/**
 * A source's events in arrays: its own `batches` when it has them, otherwise one array per event.
 *
 * @since 0.1.0
 * @category conversions
 */
export const batchesOf = (source: AsyncIterable<Event>): AsyncIterable<Arr.NonEmptyReadonlyArray<Event>> => {
  if ("batches" in source && typeof source.batches === "function") return (source as EventSource).batches()
  return {
    async *[Symbol.asyncIterator]() {
      for await (const event of source) yield [event]
    }
  }
}

const nameOf = (source: AsyncIterable<Event>): string =>
  "file" in source && typeof source.file === "string" ? source.file : "event source"

/**
 * The source as an Effect `Stream` (`Stream.fromAsyncIterable` over its batches, each batch one chunk). It
 * fails with the reader's `DataError` (`MissingColumn`, `FileUnreadable`); bad rows do not fail it, they are in
 * the source's `stats` when the stream has ended. Each run of the stream is a new pass over the file.
 *
 * @example
 * const events = yield* Stream.runCollect(EventSource.toStream(Binance.funding("data/binance/binance_btcusdt_funding_8h.csv")))
 * @since 0.1.0
 * @category conversions
 */
export const toStream = (source: AsyncIterable<Event>): Stream.Stream<Event, DataError> =>
  Stream.flattenArray(
    Stream.fromAsyncIterable(batchesOf(source), (error): DataError =>
      isDataError(error)
        ? error
        : new FileUnreadable({ file: nameOf(source), reason: error instanceof Error ? error.message : String(error) }))
  )

/**
 * Every event of a source in an array — for small files and tests; stream large ones.
 *
 * @since 0.1.0
 * @category conversions
 */
export const collect = async (source: AsyncIterable<Event>): Promise<Array<Event>> => {
  const events: Array<Event> = []
  for await (const batch of batchesOf(source)) for (const event of batch) events.push(event)
  return events
}

/**
 * A plain-text report of the stats of one or more sources (see `ReadStats.format`).
 *
 * @since 0.1.0
 * @category reports
 */
export const report = (source: { readonly stats: ReadStats.ReadStats | ReadonlyArray<ReadStats.ReadStats> }): string => {
  const all: ReadonlyArray<ReadStats.ReadStats> = Array.isArray(source.stats) ? source.stats : [source.stats as ReadStats.ReadStats]
  return all.map(ReadStats.format).join("\n")
}
