/**
 * A broadcast of values to every running subscriber stream, published synchronously from plain code (the
 * exchange publishes fills and order updates while it matches). A stream subscribes when it starts and leaves
 * when it ends; with no subscriber a value goes nowhere (nothing is buffered for a stream that is not running).
 */
import type * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"

export interface Hub<A, E> {
  readonly publish: (value: A) => void
  readonly stream: Stream.Stream<A, E>
}

export const make = <A, E>(): Hub<A, E> => {
  const subscribers = new Set<Queue.Queue<A, E | Cause.Done>>()
  return {
    publish: (value) => {
      for (const q of subscribers) Queue.offerUnsafe(q, value)
    },
    stream: Stream.callback<A, E>((queue) =>
      Effect.acquireRelease(
        Effect.sync(() => subscribers.add(queue)),
        () => Effect.sync(() => subscribers.delete(queue))
      )
    )
  }
}
