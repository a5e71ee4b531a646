/**
 * A client-side token bucket (one per Deribit rate-limit class): `burst` credits, refilled at `ratePerSec`.
 * `reserve` takes a credit at once and says how long to wait before using it — the balance may go negative, which
 * queues callers in arrival order without a lock. `penalize` empties it after the venue answered
 * `too_many_requests` (the venue's view of our budget is the truth).
 */
export class TokenBucket {
  #tokens: number
  #lastMs: number

  constructor(readonly ratePerSec: number, readonly burst: number, nowMs: number) {
    if (!(ratePerSec > 0) || !(burst >= 1)) throw new RangeError(`a token bucket needs ratePerSec > 0 and burst >= 1 (got ${ratePerSec}, ${burst})`)
    this.#tokens = burst
    this.#lastMs = nowMs
  }

  #refill(nowMs: number): void {
    if (nowMs > this.#lastMs) {
      this.#tokens = Math.min(this.burst, this.#tokens + (nowMs - this.#lastMs) * this.ratePerSec / 1000)
      this.#lastMs = nowMs
    }
  }

  /** Takes `cost` credits; returns the wait in ms before the request may go (0 when credits were available). */
  reserve(nowMs: number, cost = 1): number {
    this.#refill(nowMs)
    this.#tokens -= cost
    return this.#tokens >= 0 ? 0 : Math.ceil(-this.#tokens * 1000 / this.ratePerSec)
  }

  /** Gives back credits taken by a request that was never sent. */
  refund(nowMs: number, cost = 1): void {
    this.#refill(nowMs)
    this.#tokens = Math.min(this.burst, this.#tokens + cost)
  }

  /** The venue said we are over its limit: no credit left, and nothing for `pauseMs` more. */
  penalize(nowMs: number, pauseMs: number): void {
    this.#refill(nowMs)
    this.#tokens = Math.min(this.#tokens, 0) - pauseMs * this.ratePerSec / 1000
  }

  /** Credits available now (negative: callers are queued). */
  available(nowMs: number): number {
    this.#refill(nowMs)
    return this.#tokens
  }
}
