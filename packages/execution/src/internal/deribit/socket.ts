/**
 * One JSON-RPC 2.0 connection over a `ws` WebSocket: numbered requests matched to their responses with a
 * per-request timeout, notifications handed to a callback, and a silence watchdog. No logging here, and no
 * request parameters in any failure (they may hold credentials).
 */
import { WebSocket } from "ws"

/** Why a request got no result. `sent` says whether it left this process (and so may have been executed). */
export type RpcFailure =
  | { readonly _tag: "RpcError"; readonly code: number; readonly message: string; readonly reason?: string; readonly param?: string }
  | { readonly _tag: "Timeout"; readonly afterMs: number }
  | { readonly _tag: "ConnectionLost"; readonly sent: boolean; readonly reason: string }

/** The rejection value of {@link RpcSocket.request}. */
export class RpcFailureError extends Error {
  constructor(readonly failure: RpcFailure) {
    super(failure._tag === "RpcError" ? `${failure.code} ${failure.message}` : failure._tag)
  }
}

interface Pending {
  readonly resolve: (value: unknown) => void
  readonly reject: (error: RpcFailureError) => void
  readonly timer: ReturnType<typeof setTimeout>
}

export interface SocketHandlers {
  /** A message without an id: `subscription` notifications, `heartbeat`s. */
  readonly onNotification: (method: string, params: Record<string, unknown>, socket: RpcSocket) => void
}

const describeClose = (code: number, reason: Buffer | string): string => {
  const text = reason.toString()
  return text === "" ? `closed (${code})` : `closed (${code}: ${text})`
}

export class RpcSocket {
  readonly #ws: WebSocket
  readonly #pending = new Map<number, Pending>()
  readonly #handlers: SocketHandlers
  #nextId = 1
  #closedReason: string | undefined
  #watchdog: ReturnType<typeof setInterval> | undefined
  /** Resolves with the reason once the connection is gone. */
  readonly closed: Promise<string>
  #resolveClosed!: (reason: string) => void
  lastMessageAtMs = Date.now()

  private constructor(ws: WebSocket, handlers: SocketHandlers) {
    this.#ws = ws
    this.#handlers = handlers
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve
    })
    ws.on("message", (data) => this.#onMessage(data.toString()))
    ws.on("close", (code, reason) => this.#onClosed(describeClose(code, reason)))
    ws.on("error", (error) => {
      this.#onClosed(`socket error: ${error.message}`)
      ws.terminate()
    })
  }

  /** Opens a connection; rejects with a message (never the URL's credentials: Deribit takes none in the URL). */
  static open(url: string, timeoutMs: number, handlers: SocketHandlers): Promise<RpcSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: timeoutMs })
      const fail = (error: Error) => {
        ws.removeAllListeners()
        ws.on("error", () => {})
        ws.terminate()
        reject(new Error(`cannot connect: ${error.message}`))
      }
      ws.once("error", fail)
      ws.once("unexpected-response", (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)))
      ws.once("open", () => {
        ws.off("error", fail)
        ws.removeAllListeners("unexpected-response")
        resolve(new RpcSocket(ws, handlers))
      })
    })
  }

  get isOpen(): boolean {
    return this.#closedReason === undefined && this.#ws.readyState === WebSocket.OPEN
  }

  /**
   * Sends a request and resolves with its `result`; rejects with an {@link RpcFailureError}: the venue's error,
   * no answer within `timeoutMs` (`Timeout`: the request was sent and may have been executed), or the
   * connection lost (`sent` tells whether the request left).
   */
  request(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    if (!this.isOpen) return Promise.reject(new RpcFailureError({ _tag: "ConnectionLost", sent: false, reason: this.#closedReason ?? "not open" }))
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        reject(new RpcFailureError({ _tag: "Timeout", afterMs: timeoutMs }))
      }, timeoutMs)
      this.#pending.set(id, { resolve, reject, timer })
      this.#ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }), (error) => {
        if (error === undefined || error === null) return
        const pending = this.#pending.get(id)
        if (pending === undefined) return
        clearTimeout(pending.timer)
        this.#pending.delete(id)
        pending.reject(new RpcFailureError({ _tag: "ConnectionLost", sent: false, reason: `send failed: ${error.message}` }))
      })
    })
  }

  /** Terminates the connection when no message arrives for `silenceMs` (a dead peer behind a live TCP socket). */
  startWatchdog(silenceMs: number): void {
    this.stopWatchdog()
    this.lastMessageAtMs = Date.now()
    this.#watchdog = setInterval(() => {
      if (Date.now() - this.lastMessageAtMs > silenceMs) this.terminate(`no message for ${silenceMs} ms`)
    }, Math.max(50, Math.min(1000, silenceMs / 4)))
  }

  stopWatchdog(): void {
    if (this.#watchdog !== undefined) clearInterval(this.#watchdog)
    this.#watchdog = undefined
  }

  /** A graceful close. */
  close(reason = "closed by client"): void {
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) this.#ws.close(1000, reason)
    this.#onClosed(reason)
  }

  /** Drops the connection at once. */
  terminate(reason: string): void {
    this.#onClosed(reason)
    this.#ws.terminate()
  }

  #onClosed(reason: string): void {
    if (this.#closedReason !== undefined) return
    this.#closedReason = reason
    this.stopWatchdog()
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer)
      this.#pending.delete(id)
      pending.reject(new RpcFailureError({ _tag: "ConnectionLost", sent: true, reason }))
    }
    this.#resolveClosed(reason)
  }

  #onMessage(text: string): void {
    this.lastMessageAtMs = Date.now()
    let message: { id?: unknown; result?: unknown; error?: unknown; method?: unknown; params?: unknown }
    try {
      message = JSON.parse(text)
    } catch {
      return
    }
    if (typeof message.id === "number") {
      const pending = this.#pending.get(message.id)
      if (pending === undefined) return // answered after its timeout: the caller already has a Timeout
      clearTimeout(pending.timer)
      this.#pending.delete(message.id)
      if (message.error !== undefined && message.error !== null) {
        const error = message.error as { code?: unknown; message?: unknown; data?: { reason?: unknown; param?: unknown } }
        pending.reject(new RpcFailureError({
          _tag: "RpcError",
          code: typeof error.code === "number" ? error.code : 0,
          message: typeof error.message === "string" ? error.message : "error",
          ...(typeof error.data?.reason === "string" ? { reason: error.data.reason } : {}),
          ...(typeof error.data?.param === "string" ? { param: error.data.param } : {})
        }))
      } else {
        pending.resolve(message.result)
      }
      return
    }
    if (typeof message.method === "string") {
      const params = typeof message.params === "object" && message.params !== null ? (message.params as Record<string, unknown>) : {}
      this.#handlers.onNotification(message.method, params, this)
    }
  }
}
