/**
 * `hedgekit paper`: the live hedge loop — recovery, journal, kill switch — against the paper exchange, fed by the
 * replayed data of a historical backtest config (the bundled Deribit and Binance files, or Tardis files). With no
 * latency and no partial fills (the defaults) it fills as the backtest does, so its numbers are the backtest's; with
 * `--latency-ms` and `--partial-fills` it shows what a venue's delays and depth would change.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Command, Flag } from "effect/cli"
import { readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { BacktestConfig, historicalRun, historicalSetup, table } from "./BacktestCommand.js"
import { loadPlugins, UsageError } from "./PriceCommands.js"

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(x))

/** `hedgekit paper` */
export const paper = Command.make(
  "paper",
  {
    config: Flag.String("config").pipe(Flag.withDescription("a historical backtest config (see hedgekit backtest): its data, book, hedge and policies")),
    policy: Flag.String("policy").pipe(Flag.withDescription("the name of one of the config's policies (default: the first)"), Flag.optional),
    journal: Flag.String("journal").pipe(Flag.withDescription("the order journal to write (SQLite; default hedgekit-paper.journal)"), Flag.withDefault("hedgekit-paper.journal")),
    latencyMs: Flag.Int("latency-ms").pipe(Flag.withDescription("order-to-book latency in ms (default 0)"), Flag.optional),
    jitterMs: Flag.Int("jitter-ms").pipe(Flag.withDescription("uniform extra latency up to this many ms, seeded (default 0)"), Flag.optional),
    partialFills: Flag.Boolean("partial-fills").pipe(Flag.withDescription("let book depth limit fills (default off: whole fills, as the backtest)"), Flag.withDefault(false)),
    pauseSettlement: Flag.Boolean("pause-settlement").pipe(Flag.withDescription("refuse orders 07:59–08:01 UTC, as live trading does (off by default in a replay, so that the numbers are the backtest's)"), Flag.withDefault(false)),
    speed: Flag.Finite("speed").pipe(Flag.withDescription("replay at this many times real time (default: as fast as it goes)"), Flag.optional),
    status: Flag.Boolean("status").pipe(Flag.withDescription("print a status line at every decision (book delta, hedge, P&L, the decision and its reason)"), Flag.withDefault(false)),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print one JSON object at the end"), Flag.withDefault(false))
  },
  (flags) =>
    Effect.gen(function*() {
      yield* loadPlugins
      const raw = yield* Effect.try({ try: () => JSON.parse(readFileSync(flags.config, "utf8")) as unknown, catch: (e) => new UsageError({ message: `cannot read the config ${flags.config}: ${(e as Error).message}` }) })
      const config = yield* Effect.try({ try: () => Schema.decodeUnknownSync(BacktestConfig)(raw), catch: (e) => new UsageError({ message: `the config ${flags.config}: ${(e as Error).message}` }) })
      if (config.source.kind !== "historical") return yield* new UsageError({ message: "hedgekit paper replays historical data: give a config whose source.kind is \"historical\"" })
      const specs = config.policies.map((p, k) => ({ name: p.name ?? `policy ${k + 1}`, policy: p.policy }))
      const wanted = Option.getOrUndefined(flags.policy)
      const chosen = wanted !== undefined ? specs.find((p) => p.name === wanted) : specs[0]
      if (chosen === undefined) {
        return yield* new UsageError({ message: wanted !== undefined ? `no policy named ${JSON.stringify(wanted)} in ${flags.config} (it has ${specs.map((p) => JSON.stringify(p.name)).join(", ")})` : `${flags.config} lists no policies` })
      }
      const { events, files, replay } = yield* Effect.try({
        try: () => historicalSetup(config, dirname(resolve(flags.config)), chosen.policy),
        catch: (e) => (e instanceof UsageError ? e : new UsageError({ message: `${flags.config}: ${(e as Error).message}` }))
      })
      // the journal's SQLite binding is loaded only by the commands that trade
      const { Journal, LiveLoop, Paper } = yield* Effect.promise(() => import("@hedgekit/execution"))
      const latency = { orderMs: Option.getOrElse(flags.latencyMs, () => 0), jitterMs: Option.getOrElse(flags.jitterMs, () => 0) }
      const base = Paper.backtestEquivalent(replay.hedge as never, replay.costs)
      const venue = yield* Effect.try({
        try: () => Paper.make({ ...base, latency, partialFills: flags.partialFills, seed: 1 }),
        catch: (e) => new UsageError({ message: `the paper exchange: ${(e as Error).message}` })
      })
      let stream = Stream.fromAsyncIterable(events, (e) => new UsageError({ message: `reading the data: ${(e as Error).message}` }))
      if (Option.isSome(flags.speed)) {
        const speed = flags.speed.value
        if (!(speed > 0)) return yield* new UsageError({ message: `--speed ${speed}: expected a factor > 0` })
        let first = NaN
        const started = Date.now()
        stream = Stream.mapEffect(stream, (event) =>
          Effect.suspend(() => {
            if (!(first === first)) first = event.timeMs
            const due = started + (event.timeMs - first) / speed
            return Effect.as(Effect.sleep(Math.max(0, due - Date.now())), event)
          }))
      }
      const tty = process.stderr.isTTY === true
      const currency = config.accounting === "coin" ? config.hedge.instrument.underlying : "USD"
      const result = yield* LiveLoop.run(stream, {
        ...replay,
        prefix: "paper",
        clock: "events",
        killSwitch: { settlementPause: flags.pauseSettlement },
        onDecision: (d) =>
          flags.status || tty
            ? Effect.sync(() => {
              const line = `${new Date(d.timeMs).toISOString().slice(0, 16)}Z  S ${fmt(d.spot, 0)}  book Δ ${fmt(d.bookDelta, 3)}  hedge Δ ${fmt(d.hedgeDelta, 3)}  P&L ${fmt(d.pnl)} ${currency}  ${d.action}${d.action === "trade" ? ` ${fmt(d.quantity, 0)}` : ""}: ${d.reason}`
              if (flags.status) process.stderr.write(`${line}\n`)
              else process.stderr.write(`\r${line.slice(0, (process.stderr.columns ?? 120) - 1).padEnd((process.stderr.columns ?? 120) - 1)}`)
            })
            : Effect.void
      }).pipe(
        Paper.provide(venue),
        Effect.provide(Journal.layer(flags.journal)),
        Effect.mapError((e) => ("_tag" in (e as object) && (e as { _tag: string })._tag === "UsageError" ? (e as UsageError) : new UsageError({ message: (e as Error).message })))
      )
      if (tty && !flags.status) process.stderr.write("\n")
      const run = historicalRun(chosen.name, result, files.map((f) => f.stats))
      const filled = result.orders.filter((o) => o.state === "filled").length
      const notes = [
        ...run.notes,
        `paper exchange: latency ${latency.orderMs} ms (+ up to ${latency.jitterMs} ms), ${flags.partialFills ? "partial fills" : "whole fills"}; ${result.orders.length} orders, ${filled} filled, ${result.fills} fills`,
        `journal: ${resolve(flags.journal)} (session ${result.session}); recovery at start: ${result.recovery.resolved.length} resolved, ${result.recovery.unsent.length} unsent, ${result.recovery.cancelled.length} cancelled`
      ]
      if (flags.json) {
        yield* Console.log(JSON.stringify({ title: config.title, ...run.summary, orders: result.orders.length, fills: result.fills, journal: resolve(flags.journal), session: result.session, notes }, null, 2))
        return
      }
      yield* Console.log(`${config.title ?? flags.config} — paper\n${notes.join("\n")}\n\n${table([{ ...run, notes }])}`)
    })
).pipe(Command.withDescription("Run the live hedge loop (journal, recovery, kill switch) against the paper exchange on a historical config's replayed data."))
