/**
 * A `FileSource` over one file in one format: each iteration is a new pass with fresh stats.
 */
import type { MarketEvent } from "@hedgekit/sdk"
import type * as Arr from "effect/Array"
import { type FileSource, flatten } from "../EventSource.js"
import { emptyStats, type Format, type MutableStats, run, type Window } from "./reader.js"

type Event = MarketEvent.MarketEvent

export const fileSource = (file: string, format: Format, window: Window): FileSource => {
  let stats: MutableStats = emptyStats(file, format.name)
  const batches = (): AsyncIterable<Arr.NonEmptyReadonlyArray<Event>> => ({
    [Symbol.asyncIterator]: () => {
      stats = emptyStats(file, format.name)
      return run(file, format, window, stats) as AsyncGenerator<Arr.NonEmptyReadonlyArray<Event>>
    }
  })
  return {
    _tag: "FileSource",
    file,
    format: format.name,
    get stats() {
      return stats
    },
    batches,
    [Symbol.asyncIterator]: () => flatten(batches())
  }
}

