/**
 * The Deribit session: one WebSocket at a time, kept alive for the life of a scope.
 *
 * Per connection, in this order (the handshake): `public/get_time` (clock skew, for `valid_until`),
 * `public/auth` with client credentials, `public/set_heartbeat`, `private/enable_cancel_on_disconnect`,
 * `private/subscribe` to every registered channel. Then the connection is *ready*: waiting callers go, ready
 * hooks run (missed-fill recovery, book snapshots) and a `Connected`/`Reconnected` event goes out. While ready, a
 * fiber refreshes the token (`refresh_token` grant) before it expires, `test_request`s are answered with
 * `public/test`, and a watchdog drops a connection that stays silent for three heartbeat intervals.
 *
 * When the connection ends, a `Disconnected` event goes out and the supervisor reconnects at once, then with
 * capped, jittered exponential backoff (a `Schedule`) while attempts fail. The first connection happens while
 * the session is built, and a failure that retrying cannot fix (bad credentials) fails the build.
 *
 * Requests (`call`) wait for a ready connection (up to their timeout), then for a credit of their rate-limit class
 * (a client-side token bucket, so requests queue here instead of drawing `10028` from Deribit, which may end the
 * session). Retries that are always safe happen here: `10028` (the bucket is emptied, then exponential backoff),
 * a request that never left because the connection was down, `13009` (authenticate again, then retry once), and
 * reads lost with a connection. A request that may have been executed (an order that timed out or whose
 * connection died) is never sent again here.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as Protocol from "./protocol.js"
import { type RpcFailure, RpcFailureError, RpcSocket } from "./socket.js"
import { TokenBucket } from "./tokenBucket.js"

export interface RateLimit {
  readonly ratePerSec: number
  readonly burst: number
}

export interface SessionConfig {
  readonly url: string
  readonly clientId: Redacted.Redacted<string>
  readonly clientSecret: Redacted.Redacted<string>
  /** Seconds; 0 turns heartbeats (and the silence watchdog) off. */
  readonly heartbeatIntervalSec: number
  readonly requestTimeoutMs: number
  readonly connectTimeoutMs: number
  /** Attempts at the first connection before the session fails to build. */
  readonly connectAttempts: number
  readonly cancelOnDisconnect: "connection" | "account" | "off"
  readonly rateLimits: { readonly matching: RateLimit; readonly nonMatching: RateLimit }
  readonly rateLimitRetries: number
  readonly rateLimitBackoffMs: number
  readonly reconnect: { readonly initialDelayMs: number; readonly maxDelayMs: number; readonly factor: number }
  /** Fraction of a token's lifetime after which it is refreshed. */
  readonly tokenRefreshAt: number
}

/** Why a call failed. */
export type CallFailure =
  | RpcFailure
  | { readonly _tag: "NotConnected"; readonly afterMs: number; readonly reason: string }
  | { readonly _tag: "BadResponse"; readonly detail: string }

/** What the session reports (the adapter adds its own book and fill events to the same stream). */
export type SessionEvent =
  | { readonly _tag: "Connected"; readonly generation: number; readonly timeMs: number }
  | { readonly _tag: "Reconnected"; readonly generation: number; readonly timeMs: number; readonly downtimeMs: number }
  | { readonly _tag: "Disconnected"; readonly generation: number; readonly timeMs: number; readonly reason: string }
  | { readonly _tag: "Authenticated"; readonly grant: "client_credentials" | "refresh_token"; readonly timeMs: number; readonly expiresInSec: number }
  | { readonly _tag: "RateLimited"; readonly method: string; readonly timeMs: number; readonly attempt: number }
  | { readonly _tag: "BookResync"; readonly instrument: string; readonly reason: "gap" | "reconnect"; readonly timeMs: number }
  | { readonly _tag: "FillsRecovered"; readonly count: number; readonly timeMs: number }

export type NotificationHandler = (data: unknown, channel: string) => void

export interface CallOptions {
  readonly timeoutMs?: number
  /** Safe to send again after the connection died with it in flight (reads). Default false. */
  readonly idempotent?: boolean
}

export interface ReadyInfo {
  readonly generation: number
  readonly reconnect: boolean
  /** When the previous connection ended (reconnects only). */
  readonly downSinceMs?: number
}

export interface Session {
  readonly call: (method: string, params: Record<string, unknown>, options?: CallOptions) => Effect.Effect<unknown, CallFailure>
  /** Registers a handler for channels (subscribing now when connected, and on every reconnect) until the scope closes. */
  readonly subscribe: (channels: ReadonlyArray<string>, handler: NotificationHandler) => Effect.Effect<void, never, Scope.Scope>
  /** Runs after every connection is ready (forked; failures are logged). */
  readonly onReady: (hook: (info: ReadyInfo) => Effect.Effect<void, unknown>) => void
  readonly addListener: (listener: (event: SessionEvent) => void) => () => void
  readonly emit: (event: SessionEvent) => void
  /** Local time corrected by the skew measured with `public/get_time`. */
  readonly serverNowMs: () => number
  readonly isReady: () => boolean
  readonly generation: () => number
  /** Connects (the first connection) and starts the supervisor; the scope closes the connection. */
  readonly start: Effect.Effect<void, CallFailure, Scope.Scope>
}

const failureOf = (e: unknown): RpcFailure =>
  e instanceof RpcFailureError ? e.failure : { _tag: "ConnectionLost", sent: false, reason: e instanceof Error ? e.message : "unknown" }

/** Failures that another attempt at connecting may fix. */
const transient = (f: CallFailure): boolean => {
  switch (f._tag) {
    case "RpcError":
      return Protocol.isRetryableCode(f.code)
    case "BadResponse":
      return false
    default:
      return true
  }
}

interface TokenState {
  readonly access: string
  readonly refresh: string
  readonly issuedAtMs: number
  readonly lifetimeMs: number
  readonly version: number
}

const decodeAuth = Protocol.decode(Protocol.AuthResult)

export const make = (config: SessionConfig): Effect.Effect<Session> =>
  Effect.gen(function*() {
    const context = yield* Effect.context<never>()
    const runFork = Effect.runForkWith(context)
    const now = () => Date.now()
    const buckets = {
      matching: new TokenBucket(config.rateLimits.matching.ratePerSec, config.rateLimits.matching.burst, now()),
      nonMatching: new TokenBucket(config.rateLimits.nonMatching.ratePerSec, config.rateLimits.nonMatching.burst, now())
    }
    const registry = new Map<string, Set<NotificationHandler>>()
    const listeners = new Set<(event: SessionEvent) => void>()
    const readyHooks: Array<(info: ReadyInfo) => Effect.Effect<void, unknown>> = []
    const waiters = new Set<(socket: RpcSocket) => void>()
    const authLock = Semaphore.makeUnsafe(1)
    let ready: RpcSocket | undefined
    let token: TokenState | undefined
    let tokenVersion = 0
    let generation = 0
    let skewMs = 0
    let closing = false

    const emit = (event: SessionEvent): void => {
      for (const listener of listeners) {
        try {
          listener(event)
        } catch {
          // a listener's failure is its own
        }
      }
    }

    const onNotification = (method: string, params: Record<string, unknown>, socket: RpcSocket): void => {
      if (method === "subscription") {
        const channel = params.channel
        if (typeof channel !== "string") return
        const handlers = registry.get(channel)
        if (handlers === undefined) return
        for (const handler of handlers) {
          try {
            handler(params.data, channel)
          } catch (error) {
            runFork(Effect.logWarning(`deribit: handler for ${channel} failed: ${error instanceof Error ? error.message : "unknown"}`))
          }
        }
      } else if (method === "heartbeat" && params.type === "test_request") {
        buckets.nonMatching.reserve(now())
        socket.request("public/test", {}, config.requestTimeoutMs).catch(() => {
          // a lost answer shows up as a closed connection
        })
      }
    }

    /** One request on a given socket, after a credit of its class. */
    const rawCall = (socket: RpcSocket, method: string, params: Record<string, unknown>, timeoutMs: number): Effect.Effect<unknown, CallFailure> =>
      Effect.gen(function*() {
        const bucket = buckets[Protocol.rateClassOf(method)]
        const wait = bucket.reserve(now())
        if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
        return yield* Effect.tryPromise({ try: () => socket.request(method, params, timeoutMs), catch: failureOf }).pipe(
          Effect.tapError((f) => Effect.sync(() => {
            if (f._tag === "ConnectionLost" && !f.sent) bucket.refund(now())
          }))
        )
      })

    const authenticate = (socket: RpcSocket, grant: "client_credentials" | "refresh_token"): Effect.Effect<void, CallFailure> =>
      Effect.gen(function*() {
        const params: Record<string, unknown> = grant === "refresh_token" && token !== undefined
          ? { grant_type: "refresh_token", refresh_token: token.refresh }
          : { grant_type: "client_credentials", client_id: Redacted.value(config.clientId), client_secret: Redacted.value(config.clientSecret) }
        const raw = yield* rawCall(socket, "public/auth", params, config.requestTimeoutMs)
        const decoded = decodeAuth(raw)
        if (!decoded.ok) return yield* Effect.fail<CallFailure>({ _tag: "BadResponse", detail: "public/auth answered without a token" })
        token = {
          access: decoded.value.access_token, refresh: decoded.value.refresh_token, issuedAtMs: now(),
          lifetimeMs: decoded.value.expires_in * 1000, version: ++tokenVersion
        }
        emit({ _tag: "Authenticated", grant: params.grant_type as "client_credentials" | "refresh_token", timeMs: now(), expiresInSec: decoded.value.expires_in })
      })

    /** Authenticates again after a `13009`, once for all the callers that saw the same token fail. */
    const reauthenticate = (socket: RpcSocket, failedVersion: number | undefined): Effect.Effect<void, CallFailure> =>
      authLock.withPermit(Effect.suspend(() => (token !== undefined && token.version !== failedVersion ? Effect.void : authenticate(socket, "client_credentials"))))

    const handshake = (socket: RpcSocket): Effect.Effect<void, CallFailure> =>
      Effect.gen(function*() {
        const t0 = now()
        const serverTime = yield* rawCall(socket, "public/get_time", {}, config.requestTimeoutMs)
        const t1 = now()
        if (typeof serverTime === "number") skewMs = serverTime - (t0 + t1) / 2
        yield* authLock.withPermit(authenticate(socket, "client_credentials"))
        if (config.heartbeatIntervalSec > 0) {
          yield* rawCall(socket, "public/set_heartbeat", { interval: config.heartbeatIntervalSec }, config.requestTimeoutMs)
          socket.startWatchdog(config.heartbeatIntervalSec * 3000)
        }
        if (config.cancelOnDisconnect !== "off") {
          yield* rawCall(socket, "private/enable_cancel_on_disconnect", { scope: config.cancelOnDisconnect }, config.requestTimeoutMs)
        }
        const channels = [...registry.keys()]
        if (channels.length > 0) yield* rawCall(socket, "private/subscribe", { channels }, config.requestTimeoutMs)
      })

    const establish: Effect.Effect<RpcSocket, CallFailure> = Effect.gen(function*() {
      const socket = yield* Effect.tryPromise({
        try: () => RpcSocket.open(config.url, config.connectTimeoutMs, { onNotification }),
        catch: (e): CallFailure => ({ _tag: "NotConnected", afterMs: 0, reason: e instanceof Error ? e.message : "cannot connect" })
      })
      yield* handshake(socket).pipe(Effect.onError(() => Effect.sync(() => socket.terminate("handshake failed"))))
      return socket
    })

    const backoff = Schedule.exponential(Duration.millis(config.reconnect.initialDelayMs), config.reconnect.factor).pipe(
      Schedule.modifyDelay((meta) => Effect.succeed(Duration.millis(Math.min(config.reconnect.maxDelayMs, Duration.toMillis(meta.duration))))),
      Schedule.jittered
    )

    const markReady = (socket: RpcSocket, info: ReadyInfo): void => {
      generation = info.generation
      ready = socket
      for (const waiter of [...waiters]) waiter(socket)
      waiters.clear()
      emit(info.reconnect
        ? { _tag: "Reconnected", generation: info.generation, timeMs: now(), downtimeMs: now() - (info.downSinceMs ?? now()) }
        : { _tag: "Connected", generation: info.generation, timeMs: now() })
      for (const hook of readyHooks) {
        runFork(hook(info).pipe(Effect.catchCause((cause) => Effect.logWarning("deribit: after-connect task failed", cause))))
      }
    }

    /** Refreshes the token before it expires, for as long as the socket lives. */
    const refreshLoop = (socket: RpcSocket): Effect.Effect<void> =>
      Effect.gen(function*() {
        while (socket.isOpen && !closing) {
          const current = token
          if (current === undefined) return
          const dueInMs = current.issuedAtMs + current.lifetimeMs * config.tokenRefreshAt - now()
          if (dueInMs > 0) yield* Effect.sleep(Duration.millis(dueInMs))
          if (!socket.isOpen || closing) return
          if (token !== current) continue
          const refreshed = yield* Effect.exit(authLock.withPermit(Effect.suspend(() => (token !== current ? Effect.void : authenticate(socket, "refresh_token")))))
          if (Exit.isSuccess(refreshed)) continue
          const fresh = yield* Effect.exit(authLock.withPermit(authenticate(socket, "client_credentials")))
          if (Exit.isFailure(fresh)) {
            yield* Effect.logWarning("deribit: token refresh failed; reconnecting")
            socket.terminate("token refresh failed")
            return
          }
        }
      })

    const serve = (socket: RpcSocket): Effect.Effect<string> =>
      Effect.gen(function*() {
        const refresher = yield* Effect.forkChild(refreshLoop(socket))
        const reason = yield* Effect.promise(() => socket.closed)
        yield* Fiber.interrupt(refresher)
        return reason
      })

    const supervise = (first: RpcSocket): Effect.Effect<never> =>
      Effect.gen(function*() {
        let socket = first
        while (true) {
          const reason = yield* serve(socket)
          const downSinceMs = now()
          if (ready === socket) ready = undefined
          emit({ _tag: "Disconnected", generation, timeMs: downSinceMs, reason })
          if (closing) return yield* Effect.never
          yield* Effect.logWarning(`deribit: connection lost (${reason}); reconnecting`)
          socket = yield* Effect.retry(establish, {
            schedule: backoff,
            while: () => !closing
          }).pipe(Effect.catch((f) => Effect.logWarning(`deribit: reconnect abandoned (${describe(f)})`).pipe(Effect.andThen(Effect.never))))
          markReady(socket, { generation: generation + 1, reconnect: true, downSinceMs })
        }
      })

    const awaitSocket = (timeoutMs: number): Effect.Effect<RpcSocket, CallFailure> =>
      Effect.suspend(() => {
        if (ready !== undefined && ready.isOpen) return Effect.succeed(ready)
        if (closing) return Effect.fail<CallFailure>({ _tag: "NotConnected", afterMs: 0, reason: "session closed" })
        return Effect.callback<RpcSocket, CallFailure>((resume) => {
          let done = false
          const waiter = (socket: RpcSocket) => {
            if (done) return
            done = true
            clearTimeout(timer)
            resume(Effect.succeed(socket))
          }
          const timer = setTimeout(() => {
            if (done) return
            done = true
            waiters.delete(waiter)
            resume(Effect.fail({ _tag: "NotConnected", afterMs: timeoutMs, reason: "no connection to Deribit" }))
          }, timeoutMs)
          waiters.add(waiter)
          return Effect.sync(() => {
            done = true
            clearTimeout(timer)
            waiters.delete(waiter)
          })
        })
      })

    const call = (method: string, params: Record<string, unknown>, options: CallOptions = {}): Effect.Effect<unknown, CallFailure> => {
      const timeoutMs = options.timeoutMs ?? config.requestTimeoutMs
      let attempt = 0
      const once = Effect.gen(function*() {
        attempt++
        const socket = yield* awaitSocket(timeoutMs)
        const version = token?.version
        return yield* rawCall(socket, method, params, timeoutMs).pipe(
          Effect.catch((f) =>
            f._tag === "RpcError" && f.code === Protocol.UNAUTHORIZED && method !== "public/auth"
              ? reauthenticate(socket, version).pipe(Effect.andThen(rawCall(socket, method, params, timeoutMs)))
              : Effect.fail(f)
          ),
          Effect.tapError((f) => Effect.sync(() => {
            if (f._tag === "RpcError" && f.code === Protocol.TOO_MANY_REQUESTS) {
              buckets[Protocol.rateClassOf(method)].penalize(now(), config.rateLimitBackoffMs)
              emit({ _tag: "RateLimited", method, timeMs: now(), attempt })
            }
          }))
        )
      })
      return Effect.retry(once, {
        schedule: Schedule.exponential(Duration.millis(config.rateLimitBackoffMs), 2),
        times: config.rateLimitRetries,
        while: (f: CallFailure) =>
          !closing && ((f._tag === "RpcError" && f.code === Protocol.TOO_MANY_REQUESTS) || (f._tag === "ConnectionLost" && (!f.sent || options.idempotent === true)))
      })
    }

    const subscribe = (channels: ReadonlyArray<string>, handler: NotificationHandler): Effect.Effect<void, never, Scope.Scope> =>
      Effect.acquireRelease(
        Effect.gen(function*() {
          const fresh: Array<string> = []
          for (const channel of channels) {
            let handlers = registry.get(channel)
            if (handlers === undefined) {
              handlers = new Set()
              registry.set(channel, handlers)
              fresh.push(channel)
            }
            handlers.add(handler)
          }
          if (fresh.length > 0 && ready !== undefined) {
            // a connection made later subscribes in its handshake
            yield* call("private/subscribe", { channels: fresh }, { idempotent: true }).pipe(
              Effect.catch((f) => Effect.logWarning(`deribit: subscribe failed (${describe(f)}); retried on reconnect`))
            )
          }
        }),
        () =>
          Effect.gen(function*() {
            const gone: Array<string> = []
            for (const channel of channels) {
              const handlers = registry.get(channel)
              if (handlers === undefined) continue
              handlers.delete(handler)
              if (handlers.size === 0) {
                registry.delete(channel)
                gone.push(channel)
              }
            }
            if (gone.length > 0 && ready !== undefined && !closing) {
              yield* call("private/unsubscribe", { channels: gone }, { timeoutMs: Math.min(2000, config.requestTimeoutMs) }).pipe(Effect.ignore)
            }
          })
      )

    const start: Effect.Effect<void, CallFailure, Scope.Scope> = Effect.gen(function*() {
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          closing = true
          const socket = ready
          ready = undefined
          socket?.close("session closed")
        })
      )
      const first = yield* Effect.retry(establish, { schedule: backoff, times: Math.max(0, config.connectAttempts - 1), while: transient })
      markReady(first, { generation: 1, reconnect: false })
      yield* Effect.forkScoped(supervise(first))
    })

    return {
      call,
      subscribe,
      onReady: (hook) => {
        readyHooks.push(hook)
      },
      addListener: (listener) => {
        listeners.add(listener)
        return () => {
          listeners.delete(listener)
        }
      },
      emit,
      serverNowMs: () => now() + skewMs,
      isReady: () => ready !== undefined && ready.isOpen,
      generation: () => generation,
      start
    } satisfies Session
  })

/** A failure in words (never with request parameters). */
export const describe = (f: CallFailure): string => {
  switch (f._tag) {
    case "RpcError":
      return `${f.code} ${f.message}${f.reason !== undefined ? `: ${f.reason}` : ""}${f.param !== undefined ? ` (${f.param})` : ""}`
    case "Timeout":
      return `no answer within ${f.afterMs} ms`
    case "ConnectionLost":
      return `connection lost${f.sent ? " with the request in flight" : " before the request was sent"} (${f.reason})`
    case "NotConnected":
      return `${f.reason}${f.afterMs > 0 ? ` after waiting ${f.afterMs} ms` : ""}`
    case "BadResponse":
      return f.detail
  }
}
