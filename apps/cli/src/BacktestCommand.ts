/**
 * `hedgekit backtest`: what would these hedging policies have cost, and how much risk would they have left? A
 * config file names the data (historical files or a simulated process), the book, the hedge and its costs, the
 * accounting currency and the policies; the command runs every policy through the same hedge loop and prints
 * a comparison (or, with `--json`, one JSON object).
 */
import { readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { Replay, Report, Simulate, Summary } from "@hedgekit/backtest"
import { Binance, Deribit, merge, Tardis } from "@hedgekit/data"
import { Costs, Policies } from "@hedgekit/hedging"
import { Grid, Paths, Process } from "@hedgekit/paths"
import { Instrument } from "@hedgekit/sdk"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Command, Flag } from "effect/cli"
import * as Plugins from "./Plugins.js"
import { loadPlugins, UsageError } from "./PriceCommands.js"

const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))
const Iso = Schema.String

const Historical = Schema.Struct({
  kind: Schema.Literal("historical"),
  /** Deribit option-chain CSVs (the layout of data/deribit). */
  options: Schema.optional(Schema.Array(Schema.String)),
  /** Tardis.dev CSV files (plain or .gz): `options_chain` and `derivative_ticker` (index, perpetual marks, funding). */
  tardis: Schema.optional(Schema.Struct({
    optionsChain: Schema.optional(Schema.Array(Schema.String)),
    derivativeTicker: Schema.optional(Schema.Array(Schema.String)),
    clock: Schema.optional(Schema.Literals(["local", "exchange"]))
  })),
  /** Hourly perpetual bars (Binance layout) for the hedge's price. */
  perpetual: Schema.optional(Schema.String),
  /** The perpetual's funding (Binance layout). */
  funding: Schema.optional(Schema.String),
  spot: Schema.optional(Schema.Literals(["index", "perpetual"])),
  smile: Schema.optional(Schema.Literals(["sticky-strike", "sticky-moneyness"])),
  from: Schema.optional(Iso),
  to: Schema.optional(Iso)
})

const Simulated = Schema.Struct({
  kind: Schema.Literal("simulated"),
  process: Schema.Literals(["gbm", "merton", "kou", "heston", "bates"]),
  params: Schema.Record(Schema.String, Schema.Unknown),
  paths: Schema.Int.check(Schema.isGreaterThan(0)),
  days: Positive,
  stepMinutes: Positive,
  seed: Schema.optional(Schema.Int),
  antithetic: Schema.optional(Schema.Boolean),
  impliedVol: Positive,
  fundingRate: Schema.optional(Schema.Finite),
  fundingHours: Schema.optional(Positive),
  start: Schema.optional(Iso)
})

const HistoricalLeg = Schema.Struct({ symbol: Schema.String, quantity: Schema.Finite })
const SimulatedLeg = Schema.Struct({
  optionType: Instrument.OptionType,
  strike: Positive,
  days: Positive,
  quantity: Schema.Finite,
  settlement: Instrument.Settlement,
  multiplier: Schema.optional(Positive)
})

/**
 * The config file of `hedgekit backtest` (README: "backtest").
 */
export const BacktestConfig = Schema.Struct({
  title: Schema.optional(Schema.String),
  source: Schema.Union([Historical, Simulated]),
  book: Schema.Struct({
    legs: Schema.Array(Schema.Union([HistoricalLeg, SimulatedLeg])),
    open: Schema.optional(Iso)
  }),
  hedge: Schema.Struct({
    instrument: Schema.Union([Instrument.PerpetualInstrument, Instrument.FutureInstrument, Instrument.SpotInstrument]),
    lot: Positive,
    minimum: Schema.optional(NonNegative),
    fees: Costs.FutureFees,
    halfSpread: NonNegative
  }),
  optionFees: Schema.optional(Costs.OptionFees),
  accounting: Schema.Literals(["usd", "coin"]),
  policies: Schema.Array(Schema.Struct({ name: Schema.optional(Schema.String), policy: Schema.Unknown }))
})

export type BacktestConfig = typeof BacktestConfig.Type

const attempt = <A>(what: string, f: () => A): Effect.Effect<A, UsageError> =>
  Effect.try({ try: f, catch: (error) => new UsageError({ message: `${what}: ${(error as Error).message}` }) })

const time = (field: string, iso: string): number => {
  const t = Date.parse(iso)
  if (!Number.isFinite(t)) throw new UsageError({ message: `${field}: ${JSON.stringify(iso)} is not an ISO-8601 time (e.g. 2026-01-01T00:00:00Z)` })
  return t
}

export interface Run {
  readonly name: string
  readonly summary: Summary.Summary
  readonly pnl: Float64Array
  readonly series?: {
    readonly timeMs: ReadonlyArray<number>
    readonly spot: ReadonlyArray<number>
    readonly bookDelta: ReadonlyArray<number>
    readonly hedgeDelta: ReadonlyArray<number>
    readonly pnl: ReadonlyArray<number>
  }
  readonly notes: ReadonlyArray<string>
}

/** The events and the replay's config of a historical backtest config, for one policy (also `hedgekit paper`'s). */
export const historicalSetup = (config: BacktestConfig, base: string, policySpec: unknown) => {
  const source = config.source as typeof Historical.Type
  const fromMs = source.from !== undefined ? time("source.from", source.from) : undefined
  const toMs = source.to !== undefined ? time("source.to", source.to) : undefined
  const window = { fromMs, toMs }
  const tardis = { ...window, ...(source.tardis?.clock ? { clock: source.tardis.clock } : {}) }
  const files = [
    ...(source.options ?? []).map((f) => Deribit.optionChain(resolve(base, f), window)),
    ...(source.tardis?.optionsChain ?? []).map((f) => Tardis.optionsChain(resolve(base, f), tardis)),
    ...(source.tardis?.derivativeTicker ?? []).map((f) => Tardis.derivativeTicker(resolve(base, f), tardis)),
    ...(source.perpetual !== undefined ? [Binance.perpetualBars(resolve(base, source.perpetual), { ...window, symbol: config.hedge.instrument.symbol })] : []),
    ...(source.funding !== undefined ? [Binance.funding(resolve(base, source.funding), { ...window, symbol: config.hedge.instrument.symbol })] : [])
  ]
  const events = merge(files)
  const legs = config.book.legs.map((l, k) => {
    if (!("symbol" in l)) throw new UsageError({ message: `book.legs[${k}]: a historical book names its options by symbol ({ "symbol": "BTC-27MAR26-90000-C", "quantity": -10 })` })
    return l
  })
  if (config.book.open === undefined) throw new UsageError({ message: "book.open: the time to open the book (ISO-8601) is needed for a historical run" })
  const replay: Replay.ReplayConfig = {
    legs,
    openMs: time("book.open", config.book.open),
    ...(toMs !== undefined ? { endMs: toMs } : {}),
    hedge: config.hedge.instrument,
    costs: { lot: config.hedge.lot, ...(config.hedge.minimum !== undefined ? { minimum: config.hedge.minimum } : {}), fees: config.hedge.fees, halfSpread: config.hedge.halfSpread },
    policy: Policies.fromSpec(policySpec, Plugins.registry().policies),
    accounting: config.accounting,
    spot: source.spot ?? (source.perpetual !== undefined ? "perpetual" : "index"),
    smile: source.smile ?? "sticky-moneyness",
    ...(config.optionFees ? { optionFees: config.optionFees } : {})
  }
  return { events, files, replay }
}

const runHistorical = async (config: BacktestConfig, base: string, name: string, policySpec: unknown): Promise<Run> => {
  const { events, files, replay } = historicalSetup(config, base, policySpec)
  const result = await Replay.run(events, replay)
  return historicalRun(name, result, files.map((f) => f.stats))
}

/** A historical run's summary, series and notes. */
export const historicalRun = (name: string, result: Replay.ReplayResult, stats: ReadonlyArray<{ readonly badRows: number }>): Run => {
  const p = result.points
  const bad = stats.reduce((a, s) => a + s.badRows, 0)
  return {
    name,
    summary: Summary.of(result.engine, name),
    pnl: result.engine.pnl(),
    series: {
      timeMs: p.map((x) => x.timeMs), spot: p.map((x) => x.spot), bookDelta: p.map((x) => x.bookDelta),
      hedgeDelta: p.map((x) => x.hedgeDelta), pnl: p.map((x) => x.pnl)
    },
    notes: [
      `opened ${new Date(result.openedMs).toISOString()}, ended ${new Date(result.endedMs).toISOString()}, ${result.events} events`,
      ...result.settlements.map((s) => `settled ${new Date(s.expiryMs).toISOString().slice(0, 10)} at ${s.price.toFixed(2)} (${s.source})`),
      ...(bad > 0 ? [`${bad} bad row(s) in the data, left out and counted`] : [])
    ]
  }
}

export const runSimulated = (config: BacktestConfig, name: string, policySpec: unknown): Run => {
  const source = config.source as typeof Simulated.Type
  const steps = Math.round((source.days * 1440) / source.stepMinutes)
  const process = (() => {
    const p = source.params as never
    switch (source.process) {
      case "gbm": return Process.gbm(p)
      case "merton": return Process.merton(p)
      case "kou": return Process.kou(p)
      case "heston": return Process.heston(p)
      case "bates": return Process.bates(p)
    }
  })()
  const stepper = Paths.stepper(process, {
    paths: source.paths,
    grid: Grid.minutes({ stepMinutes: source.stepMinutes, steps }),
    seed: source.seed ?? 1,
    ...(source.antithetic !== undefined ? { antithetic: source.antithetic } : {})
  })
  const legs = config.book.legs.map((l, k) => {
    if (!("strike" in l)) throw new UsageError({ message: `book.legs[${k}]: a simulated book gives each option's optionType, strike, days, quantity and settlement` })
    return { optionType: l.optionType, strike: l.strike, expiryYears: stepper.times[Math.round((l.days * 1440) / source.stepMinutes)] ?? NaN, quantity: l.quantity, settlement: l.settlement, ...(l.multiplier ? { multiplier: l.multiplier } : {}) }
  })
  const engine = Simulate.run(stepper, {
    legs,
    hedge: config.hedge.instrument,
    costs: { lot: config.hedge.lot, ...(config.hedge.minimum !== undefined ? { minimum: config.hedge.minimum } : {}), fees: config.hedge.fees, halfSpread: config.hedge.halfSpread },
    policy: Policies.fromSpec(policySpec, Plugins.registry().policies),
    accounting: config.accounting,
    impliedVol: source.impliedVol,
    ...(source.start !== undefined ? { startMs: time("source.start", source.start) } : {}),
    ...(source.fundingRate !== undefined ? { funding: { rate: source.fundingRate, intervalHours: source.fundingHours ?? 8 } } : {}),
    ...(config.optionFees ? { optionFees: config.optionFees } : {})
  })
  return { name, summary: Summary.of(engine, name), pnl: engine.pnl(), notes: [`${source.paths} ${source.process} paths, ${steps} steps of ${source.stepMinutes} min, seed ${source.seed ?? 1}`] }
}

const fmt = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : String(x))

export const table = (runs: ReadonlyArray<Run>): string => {
  const s0 = runs[0]!.summary
  const ccy = s0.currency
  const digits = ccy === "USD" ? 0 : 4
  const head = ["policy", "paths", "trades/path", `P&L mean ${ccy}`, "std", "VaR95", "CVaR95", "VaR99", "CVaR99", "fees", "funding", "slippage"]
  const rows = runs.map((r) => {
    const s = r.summary
    return [r.name, String(s.paths), fmt(s.rebalances, 1), fmt(s.pnl.mean, digits), fmt(s.pnl.std, digits), fmt(s.pnl.var95, digits), fmt(s.pnl.cvar95, digits), fmt(s.pnl.var99, digits), fmt(s.pnl.cvar99, digits), fmt(s.fees, digits), fmt(s.funding, digits), fmt(s.slippage, digits)]
  })
  const attrHead = ["policy", "delta", "gamma", "theta", "vega", "vanna", "volga", "funding", "fees", "slippage", "residual"]
  const attrRows = runs.map((r) => [r.name, ...attrHead.slice(1).map((k) => fmt(r.summary.attribution[k as keyof Summary.Summary["attribution"]], digits))])
  const render = (h: ReadonlyArray<string>, rs: ReadonlyArray<ReadonlyArray<string>>) => {
    const w = h.map((c, j) => Math.max(c.length, ...rs.map((r) => r[j]!.length)))
    const line = (r: ReadonlyArray<string>) => r.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join("  ")
    return [line(h), ...rs.map(line)].join("\n")
  }
  return [
    render(head, rows),
    "",
    `P&L attribution, mean per path, ${ccy} (costs negative):`,
    render(attrHead, attrRows),
    "",
    "VaR and CVaR are losses (positive); fees, funding and slippage are paid (positive). Delta, gamma, theta, vega, vanna and",
    "volga are the Greeks' P&L over each step; residual is what they and the flows leave unexplained."
  ].join("\n")
}

/** `hedgekit backtest` */
export const backtest = Command.make(
  "backtest",
  {
    config: Flag.String("config").pipe(Flag.withDescription("the backtest config JSON (format in the README; paths in it are relative to the file)")),
    policy: Flag.String("policy").pipe(Flag.withDescription("run only this policy: a name from `hedgekit policies` or a JSON spec, instead of the config's list"), Flag.optional),
    paths: Flag.Int("paths").pipe(Flag.withDescription("simulated runs: the number of paths (overrides the config)"), Flag.optional),
    seed: Flag.Int("seed").pipe(Flag.withDescription("simulated runs: the seed (overrides the config)"), Flag.optional),
    report: Flag.String("report").pipe(Flag.withDescription("write a self-contained HTML report (index.html) and a JSON summary (summary.json) into this directory"), Flag.optional),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print one JSON object instead of the tables"), Flag.withDefault(false))
  },
  (flags) =>
    Effect.gen(function*() {
      yield* loadPlugins
      const raw = yield* attempt(`cannot read the config ${flags.config}`, () => JSON.parse(readFileSync(flags.config, "utf8")) as unknown)
      let config = yield* attempt(`the config ${flags.config}`, () => Schema.decodeUnknownSync(BacktestConfig)(raw))
      const base = dirname(resolve(flags.config))
      if (config.source.kind === "simulated") {
        const paths = Option.getOrUndefined(flags.paths), seed = Option.getOrUndefined(flags.seed)
        config = { ...config, source: { ...config.source, ...(paths !== undefined ? { paths } : {}), ...(seed !== undefined ? { seed } : {}) } }
      }
      const single = Option.getOrUndefined(flags.policy)
      const specs: ReadonlyArray<{ name: string; spec: unknown }> = single !== undefined
        ? [{ name: single.trim().startsWith("{") ? "policy" : single, spec: single.trim().startsWith("{") ? JSON.parse(single) : { policy: single } }]
        : config.policies.map((p, k) => ({ name: p.name ?? `policy ${k + 1}`, spec: p.policy }))
      if (specs.length === 0) return yield* new UsageError({ message: "policies: give at least one policy to run" })
      const runs: Array<Run> = []
      for (const { name, spec } of specs) {
        const run = config.source.kind === "historical"
          ? yield* Effect.tryPromise({ try: () => runHistorical(config, base, name, spec), catch: (e) => new UsageError({ message: `${name}: ${(e as Error).message}` }) })
          : yield* attempt(name, () => runSimulated(config, name, spec))
        runs.push(run)
      }
      const title = config.title ?? "hedgekit backtest"
      const reportDir = Option.getOrUndefined(flags.report)
      const written = reportDir === undefined ? undefined : yield* Effect.tryPromise({
        try: () => Report.write(reportDir, {
          title,
          source: config.source.kind === "historical"
            ? `historical: ${[...(config.source.options ?? []), ...(config.source.tardis?.optionsChain ?? []), ...(config.source.tardis?.derivativeTicker ?? []), config.source.perpetual, config.source.funding].filter((f) => f !== undefined).join(", ")}`
            : `simulated: ${config.source.process}, ${config.source.paths} paths`,
          accounting: config.accounting,
          currency: runs[0]!.summary.currency,
          underlying: config.hedge.instrument.underlying,
          runs: runs.map((r) => ({ summary: r.summary, pnl: r.pnl, ...(r.series ? { series: r.series } : {}) })),
          notes: runs.flatMap((r) => r.notes.map((n) => `${r.name}: ${n}`))
        }),
        catch: (e) => new UsageError({ message: `--report ${reportDir}: ${(e as Error).message}` })
      })
      if (flags.json) {
        const [first] = runs
        yield* Console.log(JSON.stringify({ title, ...first!.summary, runs: runs.map((r) => ({ ...r.summary, notes: r.notes })), ...(written ? { report: written.html } : {}) }, null, 2))
        return
      }
      yield* Console.log(`${title}\n${runs[0]!.notes.join("\n")}\n\n${table(runs)}${written ? `\n\nreport: ${written.html}` : ""}`)
    })
).pipe(
  Command.withDescription("Backtest hedging policies on historical data or simulated paths: P&L distribution, costs, attribution."),
  Command.withExamples([
    { command: "hedgekit backtest --config data/examples/backtest-demo.json --report data/out/demo", description: "The demo: a short BTC-27MAR26 straddle hedged on the perpetual under several policies" },
    { command: "hedgekit backtest --config data/examples/backtest-gbm.json --paths 2000 --json", description: "Simulated GBM paths, as JSON" }
  ])
)
