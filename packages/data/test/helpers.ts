import { fileURLToPath } from "node:url"
import { MarketEvent } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import { assert } from "vitest"

type Event = MarketEvent.MarketEvent

/** The repository's bundled data (`data/`). */
export const data = (path: string): string => fileURLToPath(new URL(`../../../data/${path}`, import.meta.url))

/** This package's test fixtures. */
export const fixture = (path: string): string => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url))

export const isMarketEvent = Schema.is(MarketEvent.MarketEvent)

export const countByKind = (events: ReadonlyArray<Event>): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const event of events) counts[event.kind] = (counts[event.kind] ?? 0) + 1
  return counts
}

/**
 * Every event in `MarketEvent.compare` order, and a valid `MarketEvent` (the Schema check, slow, runs on the first
 * 2,000 events and every 25th after); returns the number of timestamps shared by ≥ 2 events.
 */
export const assertOrdered = (events: ReadonlyArray<Event>): number => {
  let shared = 0
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    if ((i < 2000 || i % 25 === 0) && !isMarketEvent(event)) assert.fail(`event ${i} is not a MarketEvent: ${JSON.stringify(event)}`)
    if (i > 0) {
      const previous = events[i - 1]!
      if (MarketEvent.compare(previous, event) > 0) {
        assert.fail(`events ${i - 1} and ${i} out of order: ${JSON.stringify(previous)} then ${JSON.stringify(event)}`)
      }
      if (previous.timeMs === event.timeMs && (i < 2 || events[i - 2]!.timeMs !== event.timeMs)) shared++
    }
  }
  return shared
}

export const iso = (text: string): number => Date.parse(text)
