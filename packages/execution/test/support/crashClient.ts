/**
 * The live loop as a process the crash tests kill (bundled to `.cache/crashClient.mjs` by `bundleCrashClient`):
 * `LiveLoop.run` with the Deribit adapter against a fake Deribit in another process, its journal on disk, over the
 * crash tape (`crashTape.ts`). It kills itself with SIGKILL at the `--crash-at`-th time the order lifecycle passes
 * `--crash-point` (see `Journal.LifecyclePoint`); without one it runs to the end and prints `{"done":true,…}`.
 *
 *   node .cache/crashClient.mjs --url ws://127.0.0.1:PORT/ws/api/v2 --journal FILE [--crash-point P --crash-at N]
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Stream from "effect/Stream"
import * as Deribit from "../../src/Deribit.js"
import * as Journal from "../../src/Journal.js"
import * as LiveLoop from "../../src/LiveLoop.js"
import { crashConfig, crashTape } from "./crashTape.js"

const args = process.argv.slice(2)
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const url = flag("url")!
const journalPath = flag("journal")!
const crashPoint = flag("crash-point")
const crashAt = Number(flag("crash-at") ?? "0")
let passes = 0

const program = LiveLoop.run(Stream.fromIterable(crashTape()), {
  ...crashConfig(),
  prefix: "crash",
  clock: "wall",
  validForMs: 400,
  recoverySkewMs: 300,
  killSwitch: { settlementPause: false },
  onPoint: (point) => {
    if (point === crashPoint && ++passes === crashAt) process.kill(process.pid, "SIGKILL")
  }
}).pipe(
  Effect.provide(Journal.layer(journalPath)),
  Effect.provide(Deribit.layer({
    url,
    clientId: Redacted.make("fake-client-id"),
    clientSecret: Redacted.make("fake-client-secret"),
    labelPrefix: "crash-",
    heartbeatIntervalSec: 0,
    requestTimeoutMs: 2_000,
    orderTimeoutMs: 300,
    connectTimeoutMs: 2_000,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 }
  })),
  Effect.provideService(References.MinimumLogLevel, "Error")
)

const result = await Effect.runPromise(Effect.scoped(program))
process.stdout.write(`${JSON.stringify({ done: true, hedge: result.engine.account.hedge[0], orders: result.orders.length, recovery: result.recovery })}\n`)
process.exit(0)
