/**
 * `hedgekit frontier`: sweeps policies over parameter grids on simulated paths — every point the same paths (same
 * seed) — in parallel on `worker_threads`, and lays out what each costs against the risk it leaves.
 */
import { readFileSync } from "node:fs"
import { availableParallelism } from "node:os"
import { Worker } from "node:worker_threads"
import { Report, type Summary } from "@hedgekit/backtest"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Command, Flag } from "effect/cli"
import { BacktestConfig } from "./BacktestCommand.js"
import { loadPlugins, UsageError } from "./PriceCommands.js"

const Sweep = Schema.Array(Schema.Struct({
  policy: Schema.String,
  params: Schema.optional(Schema.Record(Schema.String, Schema.Unknown)),
  param: Schema.String,
  values: Schema.Array(Schema.Unknown)
}))

const FrontierConfig = Schema.Struct({ ...BacktestConfig.fields, frontier: Sweep })

interface Point {
  readonly policy: string
  readonly label: string
  readonly spec: unknown
}

const risks = ["std", "cvar95", "cvar99", "var95", "var99"] as const
type RiskName = (typeof risks)[number]
const riskOf = (s: Summary.Summary, name: RiskName): number => s.pnl[name]

/** Runs the points on `workers` threads, reporting progress; results in the points' order. */
interface Result {
  readonly summary: Summary.Summary
  readonly pnl: Float64Array
}

const sweep = (config: unknown, points: ReadonlyArray<Point>, workers: number, progress: (done: number) => void): Promise<Array<Result>> =>
  new Promise((resolve, reject) => {
    const results: Array<Result | undefined> = points.map(() => undefined)
    let next = 0, done = 0, failed = false
    const pool = Array.from({ length: Math.min(workers, points.length) }, () => new Worker(new URL("./frontierWorker.js", import.meta.url)))
    const finish = (error?: Error) => {
      for (const w of pool) void w.terminate()
      if (error) reject(error)
      else resolve(results as Array<Result>)
    }
    const feed = (w: Worker) => {
      if (next >= points.length) return
      const id = next++
      w.postMessage({ id, config, name: points[id]!.label, spec: points[id]!.spec })
    }
    for (const w of pool) {
      w.on("message", (m: { id: number; summary?: Summary.Summary; pnl?: Float64Array; error?: string }) => {
        if (failed) return
        if (m.error !== undefined) {
          failed = true
          return finish(new Error(`${points[m.id]!.label}: ${m.error}`))
        }
        results[m.id] = { summary: m.summary!, pnl: m.pnl! }
        progress(++done)
        if (done === points.length) return finish()
        feed(w)
      })
      w.on("error", (e) => {
        if (!failed) {
          failed = true
          finish(e)
        }
      })
      feed(w)
    }
  })

const bar = (done: number, total: number): string => {
  const width = 30
  const filled = Math.round((width * done) / total)
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`
}

/** `hedgekit frontier` */
export const frontier = Command.make(
  "frontier",
  {
    config: Flag.String("config").pipe(Flag.withDescription("a backtest config with a simulated source and a `frontier` list of sweeps (README)")),
    workers: Flag.Int("workers").pipe(Flag.withDescription("worker threads (default: the machine's cores)"), Flag.optional),
    risk: Flag.Literals("risk", risks).pipe(Flag.withDescription("the risk axis: std (default), cvar95, cvar99, var95 or var99 of the P&L"), Flag.withDefault("std" as const)),
    paths: Flag.Int("paths").pipe(Flag.withDescription("the number of paths (overrides the config)"), Flag.optional),
    report: Flag.String("report").pipe(Flag.withDescription("write the HTML report (with the frontier plot) and a JSON summary into this directory"), Flag.optional),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print the points as JSON"), Flag.withDefault(false))
  },
  (flags) =>
    Effect.gen(function*() {
      yield* loadPlugins
      const raw = yield* Effect.try({ try: () => JSON.parse(readFileSync(flags.config, "utf8")) as unknown, catch: (e) => new UsageError({ message: `cannot read the config ${flags.config}: ${(e as Error).message}` }) })
      let config = yield* Effect.try({ try: () => Schema.decodeUnknownSync(FrontierConfig)(raw), catch: (e) => new UsageError({ message: `the config ${flags.config}: ${(e as Error).message}` }) })
      if (config.source.kind !== "simulated") {
        return yield* new UsageError({ message: "source: the frontier needs a distribution of P&L, so a simulated source (one historical path has none)" })
      }
      const paths = Option.getOrUndefined(flags.paths)
      if (paths !== undefined) config = { ...config, source: { ...config.source, paths } }
      const points: Array<Point> = config.frontier.flatMap((s) =>
        s.values.map((v) => ({ policy: s.policy, label: `${s.policy} ${s.param}=${JSON.stringify(v)}`, spec: { policy: s.policy, params: { ...s.params, [s.param]: v } } }))
      )
      if (points.length === 0) return yield* new UsageError({ message: "frontier: give at least one sweep with values" })
      const workers = Option.getOrElse(flags.workers, () => availableParallelism())
      if (!(workers >= 1)) return yield* new UsageError({ message: `--workers ${workers}: at least 1` })
      const tty = process.stderr.isTTY === true
      const started = Date.now()
      const results = yield* Effect.tryPromise({
        try: () => sweep(config, points, workers, (done) => {
          if (tty) process.stderr.write(`\r${bar(done, points.length)} ${((Date.now() - started) / 1000).toFixed(1)} s`)
          else if (done === points.length || done % Math.max(1, Math.ceil(points.length / 10)) === 0) process.stderr.write(`frontier: ${bar(done, points.length)}\n`)
        }),
        catch: (e) => new UsageError({ message: (e as Error).message })
      })
      if (tty) process.stderr.write("\n")
      const summaries = results.map((r) => r.summary)
      const rows = summaries.map((s, i) => ({
        policy: points[i]!.policy,
        label: points[i]!.label,
        cost: s.fees + s.slippage,
        risk: riskOf(s, flags.risk),
        summary: s
      }))
      const reportDir = Option.getOrUndefined(flags.report)
      if (reportDir !== undefined) {
        yield* Effect.tryPromise({
          try: () => Report.write(reportDir, {
            title: config.title ?? "hedgekit frontier",
            source: `simulated: ${config.source.kind === "simulated" ? `${config.source.process}, ${config.source.paths} paths` : ""}`,
            accounting: config.accounting,
            currency: summaries[0]!.currency,
            runs: results.map((r) => ({ summary: r.summary, pnl: r.pnl })),
            frontier: rows.map((r) => ({ policy: r.policy, label: r.label, cost: r.cost, risk: r.risk })),
            frontierRisk: `P&L ${flags.risk}`
          }),
          catch: (e) => new UsageError({ message: `--report ${reportDir}: ${(e as Error).message}` })
        })
      }
      const ccy = summaries[0]!.currency
      if (flags.json) {
        yield* Console.log(JSON.stringify({ risk: flags.risk, currency: ccy, workers, seconds: (Date.now() - started) / 1000, points: rows }, null, 2))
        return
      }
      const w = Math.max(...rows.map((r) => r.label.length))
      const digits = ccy === "USD" ? 2 : 6
      yield* Console.log([
        `${"point".padEnd(w)}  ${`cost ${ccy}`.padStart(14)}  ${`${flags.risk} ${ccy}`.padStart(14)}  ${"trades/path".padStart(11)}`,
        ...rows.map((r) => `${r.label.padEnd(w)}  ${r.cost.toFixed(digits).padStart(14)}  ${r.risk.toFixed(digits).padStart(14)}  ${r.summary.rebalances.toFixed(1).padStart(11)}`),
        "",
        `cost: mean fees + spread paid per path; ${flags.risk}: of the P&L per path. ${points.length} points on ${workers} worker(s), ${((Date.now() - started) / 1000).toFixed(1)} s.`
      ].join("\n"))
    })
).pipe(Command.withDescription("Sweep policies over parameter grids on simulated paths, in parallel: cost against hedging-error risk."))
