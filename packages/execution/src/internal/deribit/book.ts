/**
 * A local copy of one Deribit order book, kept from `book.{instrument}.{interval}` notifications. Each change
 * names the `change_id` of the change before it (`prev_change_id`); when that is not the id this copy last
 * applied, a notification was lost and the copy must be replaced by a snapshot (`public/get_order_book`).
 *
 * After a snapshot with `change_id` X: changes with `change_id` ≤ X are already in it and skipped; the first
 * change after it may straddle X (`prev_change_id` ≤ X < `change_id`: an aggregated 100 ms notification) and
 * applies, since Deribit's level updates carry absolute amounts.
 */
import type { BookNotification, OrderBook } from "./protocol.js"

export type ApplyResult = "applied" | "skipped" | "gap"

export class LocalBook {
  readonly bids = new Map<number, number>()
  readonly asks = new Map<number, number>()
  changeId: number | undefined
  timeMs = 0

  constructor(readonly instrument: string) {}

  /** Replaces the book with a `public/get_order_book` answer. */
  applySnapshot(snapshot: OrderBook): void {
    this.bids.clear()
    this.asks.clear()
    for (const [price, amount] of snapshot.bids) if (amount > 0) this.bids.set(price, amount)
    for (const [price, amount] of snapshot.asks) if (amount > 0) this.asks.set(price, amount)
    this.changeId = snapshot.change_id
    this.timeMs = snapshot.timestamp
  }

  /** Marks the copy as unusable until the next snapshot (after a reconnect). */
  invalidate(): void {
    this.changeId = undefined
  }

  /** Applies a notification: a `snapshot` replaces the book; a change applies, is skipped, or reveals a gap. */
  apply(notification: BookNotification): ApplyResult {
    if (notification.type === "snapshot") {
      this.bids.clear()
      this.asks.clear()
      this.#levels(notification)
      this.changeId = notification.change_id
      this.timeMs = notification.timestamp
      return "applied"
    }
    const current = this.changeId
    if (current === undefined) return "gap"
    if (notification.change_id <= current) return "skipped"
    const prev = notification.prev_change_id
    if (prev === undefined || prev === null || prev > current) return "gap"
    this.#levels(notification)
    this.changeId = notification.change_id
    this.timeMs = notification.timestamp
    return "applied"
  }

  #levels(notification: BookNotification): void {
    const update = (side: Map<number, number>, changes: BookNotification["bids"]) => {
      for (const [action, price, amount] of changes) {
        if (action === "delete" || amount <= 0) side.delete(price)
        else side.set(price, amount)
      }
    }
    update(this.bids, notification.bids)
    update(this.asks, notification.asks)
  }

  /** Levels best first, at most `depth` a side. */
  top(depth: number): { readonly bids: Array<readonly [number, number]>; readonly asks: Array<readonly [number, number]> } {
    const bids = [...this.bids.entries()].sort((a, b) => b[0] - a[0]).slice(0, depth)
    const asks = [...this.asks.entries()].sort((a, b) => a[0] - b[0]).slice(0, depth)
    return { bids, asks }
  }
}
