/**
 * `hedgekit risk`: a book file and a market file → net Greeks per underlying and expiry in USD or coin
 * accounting, and with `--scenario` a grid of index × vol × time shocks (full revaluation beside the Greek
 * approximation). `hedgekit market`: a market file from a Deribit chain CSV snapshot.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { Portfolio, Scenario } from "@hedgekit/greeks"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Command, Flag } from "effect/cli"
import { readChainOrFail, snapshotAt } from "./DeribitChain.js"
import { UsageError } from "./PriceCommands.js"

/** Reads and decodes a JSON file, or a `UsageError` naming the file and what is wrong. */
export const readJson = <A>(path: string, schema: Schema.Codec<A, unknown>, what: string): Effect.Effect<A, UsageError> =>
  Effect.try({
    try: () => Schema.decodeUnknownSync(schema)(JSON.parse(readFileSync(path, "utf8"))),
    catch: (error) => new UsageError({ message: `cannot read the ${what} file ${path}: ${(error as Error).message}` })
  })

/** "a,b,c" or "from:to:count" → numbers. */
const parseList = (flag: string, text: string): Effect.Effect<ReadonlyArray<number>, UsageError> => {
  const bad = () => new UsageError({ message: `--${flag} ${text}: expected comma-separated numbers (0,1,7) or from:to:count (-0.2:0.2:9)` })
  const range = text.split(":")
  if (range.length === 3) {
    const [from, to, count] = range.map(Number) as [number, number, number]
    if (![from, to].every(Number.isFinite) || !(Number.isInteger(count) && count >= 2)) return Effect.fail(bad())
    return Effect.succeed(Array.from({ length: count }, (_, i) => from + ((to - from) * i) / (count - 1)))
  }
  const xs = text.split(",").map((s) => (s.trim() === "" ? NaN : Number(s)))
  return xs.every(Number.isFinite) ? Effect.succeed(xs) : Effect.fail(bad())
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const bucketName = (b: string) => (b.startsWith("expiry:") ? day(Number(b.slice(7))) : b)
const num = (x: number, digits: number) => (Math.abs(x) >= 1e12 || (x !== 0 && Math.abs(x) < 10 ** -digits) ? x.toExponential(3) : x.toFixed(digits))
const pad = (cells: ReadonlyArray<string>, widths: ReadonlyArray<number>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")

const exposureTable = (report: Portfolio.Report): string => {
  const ccy = report.accounting === "usd" ? "USD" : "coin"
  const out: Array<string> = []
  for (const e of report.exposures) {
    out.push(`${e.underlying}  index ${e.index}  accounting ${report.accounting}  at ${new Date(report.timestampMs).toISOString()}`)
    const widths = [12, 16, 14, 14, 14, 14]
    out.push(pad(["bucket", `value ${ccy}`, "delta coin", "gamma/1% coin", `vega ${ccy}/pt`, `theta ${ccy}/day`], widths))
    const line = (name: string, g: Portfolio.Greeks) =>
      pad([name, num(g.value, 4), num(g.delta, 4), num((g.gamma * e.index) / 100, 4), num(g.vega / 100, 4), num(g.theta / 365, 4)], widths)
    for (const b of e.buckets) out.push(line(bucketName(b.bucket), b))
    out.push(line("total", e))
    out.push("")
  }
  out.push("delta: coins to sell to be flat in this accounting; gamma/1%: change of that delta for a 1 % index move;")
  out.push("vega: all vols +1 point; theta: one calendar day, forwards and vols fixed. JSON output has the raw units.")
  return out.join("\n")
}

const gridTables = (g: Scenario.Grid): string => {
  const { days, spotShocks, volShocks } = g.spec
  const ns = spotShocks.length, nv = volShocks.length
  const ccy = g.accounting === "usd" ? "USD" : "coin"
  const out: Array<string> = []
  const widths = [10, ...spotShocks.map(() => 11)]
  const header = pad(["vol \\ spot", ...spotShocks.map((x) => `${(x * 100).toFixed(1)}%`)], widths)
  const volLabel = (v: number) => (g.spec.volShock === "absolute" ? `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}pt` : `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}%`)
  for (let k = 0; k < days.length; k++) {
    for (const [title, f] of [
      ["full revaluation", (c: number) => g.full[c]!],
      ["Greek approximation − full", (c: number) => g.taylor[c]! - g.full[c]!]
    ] as const) {
      out.push(`${g.underlying} P&L in ${ccy}, ${title}, after ${days[k]} day(s) (${g.options} options)`)
      out.push(header)
      for (let j = 0; j < nv; j++) {
        const cells = spotShocks.map((_, i) => num(f((k * nv + j) * ns + i), 2))
        out.push(pad([volLabel(volShocks[j]!), ...cells], widths))
      }
      out.push("")
    }
  }
  return out.join("\n")
}

const gridCsv = (g: Scenario.Grid): string => {
  const { days, spotShocks, volShocks } = g.spec
  const lines = ["underlying,accounting,days,vol_shock,vol_shock_kind,spot_shock,full_pnl,greek_pnl,difference"]
  for (let k = 0; k < days.length; k++) {
    for (let j = 0; j < volShocks.length; j++) {
      for (let i = 0; i < spotShocks.length; i++) {
        const c = (k * volShocks.length + j) * spotShocks.length + i
        lines.push([g.underlying, g.accounting, days[k], volShocks[j], g.spec.volShock, spotShocks[i], g.full[c], g.taylor[c], g.taylor[c]! - g.full[c]!].join(","))
      }
    }
  }
  return lines.join("\n") + "\n"
}

const exposureCsv = (report: Portfolio.Report): string => {
  const lines = ["underlying,accounting,bucket,expiry_ms,value,delta,gamma,vega,theta,rho"]
  for (const e of report.exposures) {
    for (const b of [...e.buckets, { ...e, bucket: "total", expiryMs: undefined }]) {
      lines.push([e.underlying, report.accounting, b.bucket, b.expiryMs ?? "", b.value, b.delta, b.gamma, b.vega, b.theta, b.rho].join(","))
    }
  }
  return lines.join("\n") + "\n"
}

/** `hedgekit risk` */
export const risk = Command.make(
  "risk",
  {
    book: Flag.String("book").pipe(Flag.withDescription("the book: a JSON file of positions and cash (format in the README)")),
    market: Flag.String("market").pipe(Flag.withDescription("the market snapshot: a JSON file (format in the README; `hedgekit market` builds one from a Deribit chain)")),
    accounting: Flag.Literals("accounting", ["usd", "coin"]).pipe(
      Flag.withDescription("the currency P&L is counted in, and so the delta to hedge: usd (default) or coin"),
      Flag.withDefault("usd" as const)
    ),
    scenario: Flag.Boolean("scenario").pipe(Flag.withDescription("also revalue the book on a grid of index × vol × time shocks"), Flag.withDefault(false)),
    underlying: Flag.String("underlying").pipe(Flag.withDescription("the underlying of the scenario grid (default: the market's first)"), Flag.optional),
    spotShocks: Flag.String("spot-shocks").pipe(Flag.withDescription("relative index shocks: 0.1,0.2 or from:to:count (default -0.2:0.2:9)"), Flag.withDefault("-0.2:0.2:9")),
    volShocks: Flag.String("vol-shocks").pipe(Flag.withDescription("vol shocks, decimal (default -0.1:0.1:5)"), Flag.withDefault("-0.1:0.1:5")),
    volShock: Flag.Literals("vol-shock", ["absolute", "relative"]).pipe(
      Flag.withDescription("absolute: σ + shock (default); relative: σ·(1 + shock)"),
      Flag.withDefault("absolute" as const)
    ),
    days: Flag.String("days").pipe(Flag.withDescription("calendar days forward (default 0,1,7)"), Flag.withDefault("0,1,7")),
    output: Flag.String("output").pipe(
      Flag.withDescription("write the report (or, with --scenario, the grid) as .json or .csv instead of a table"),
      Flag.optional
    )
  },
  (flags) =>
    Effect.gen(function*() {
      const book = yield* readJson(flags.book, Portfolio.Book, "book")
      const market = yield* readJson(flags.market, Portfolio.Market, "market")
      const report = Portfolio.exposure(book, market, flags.accounting)
      const output = Option.getOrUndefined(flags.output)
      if (output !== undefined && !/\.(json|csv)$/.test(output)) {
        return yield* new UsageError({ message: `--output ${output}: use a .json or .csv name` })
      }
      if (flags.scenario) {
        const underlying = Option.getOrElse(flags.underlying, () => market.underlyings[0]?.underlying ?? "")
        const spec: Scenario.Spec = {
          spotShocks: yield* parseList("spot-shocks", flags.spotShocks),
          volShocks: yield* parseList("vol-shocks", flags.volShocks),
          volShock: flags.volShock,
          days: yield* parseList("days", flags.days)
        }
        const grid = yield* Effect.try({
          try: () => Scenario.grid(book, market, underlying, spec, flags.accounting),
          catch: (error) => new UsageError({ message: (error as Error).message })
        })
        if (output === undefined) yield* Console.log(gridTables(grid))
        else writeFileSync(output, output.endsWith(".csv") ? gridCsv(grid) : JSON.stringify({ ...grid, full: [...grid.full], taylor: [...grid.taylor], errors: grid.errors.map((e) => e.message) }, null, 2) + "\n")
      } else if (output === undefined) {
        yield* Console.log(exposureTable(report))
      } else {
        writeFileSync(output, output.endsWith(".csv") ? exposureCsv(report) : JSON.stringify({ ...report, errors: report.errors.map((e) => ({ positionId: e.positionId, field: e.field, value: e.value, expected: e.expected, message: e.message })) }, null, 2) + "\n")
      }
      if (report.errors.length > 0) {
        for (const e of report.errors) yield* Console.error(`hedgekit risk: not valued: ${e.message}`)
        yield* Console.error(`hedgekit risk: ${report.errors.length} position(s) left out of the totals`)
        process.exitCode = 1
      }
    })
).pipe(
  Command.withDescription("Net Greeks of a book by underlying and expiry (USD or coin accounting), and scenario grids."),
  Command.withExamples([
    { command: "hedgekit risk --book data/examples/book.json --market data/examples/market.json --accounting coin", description: "Net Greeks by expiry, counted in BTC" },
    { command: "hedgekit risk --book data/examples/book.json --market data/examples/market.json --scenario --spot-shocks=-0.3:0.3:13", description: "A P&L grid" }
  ])
)

/** `hedgekit market` */
export const market = Command.make(
  "market",
  {
    chain: Flag.String("chain").pipe(Flag.withDescription("a Deribit option-chain CSV (layout of data/deribit)")),
    at: Flag.Finite("at").pipe(Flag.withDescription("snapshot time, ms since epoch: the last snapshot at or before it (default: the first)"), Flag.optional),
    output: Flag.String("output").pipe(Flag.withDescription("the market JSON file to write (default: stdout)"), Flag.optional)
  },
  (flags) =>
    Effect.gen(function*() {
      const chain = yield* readChainOrFail(flags.chain)
      const at = Option.getOrUndefined(flags.at)
      const ts = snapshotAt(chain, at)
      if (ts === undefined) return yield* new UsageError({ message: `no snapshot in ${flags.chain}${at === undefined ? "" : ` at or before ${at}`}` })
      const rows = [...Array(chain.length).keys()].filter((i) => chain.timestampMs[i] === ts && chain.expiryMs[i]! > ts)
      const byUnderlying = new Map<string, { readonly index: Array<number>; readonly forwards: Map<number, number> }>()
      const vols: Array<{ symbol: string; vol: number }> = []
      for (const i of rows) {
        const u = chain.instrument[i]!.split("-")[0]!
        const entry = byUnderlying.get(u) ?? { index: new Array<number>(), forwards: new Map<number, number>() }
        byUnderlying.set(u, entry)
        if (Number.isFinite(chain.index[i])) entry.index.push(chain.index[i]!)
        if (!entry.forwards.has(chain.expiryMs[i]!) && chain.forward[i]! > 0) entry.forwards.set(chain.expiryMs[i]!, chain.forward[i]!)
        if (chain.markIv[i]! > 0) vols.push({ symbol: chain.instrument[i]!, vol: chain.markIv[i]! })
      }
      const median = (xs: Array<number>) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
      const snapshot: Portfolio.Market = {
        timestampMs: ts,
        underlyings: [...byUnderlying].map(([underlying, e]) => ({
          underlying,
          index: median(e.index),
          rate: 0,
          forwards: [...e.forwards].sort(([a], [b]) => a - b).map(([expiryMs, forward]) => ({ expiryMs, forward }))
        })),
        vols
      }
      const text = JSON.stringify(snapshot, null, 2) + "\n"
      const output = Option.getOrUndefined(flags.output)
      if (output === undefined) yield* Console.log(text.trimEnd())
      else {
        writeFileSync(output, text)
        yield* Console.error(`market: ${new Date(ts).toISOString()}, ${vols.length} option vols, ${snapshot.underlyings.map((u) => `${u.underlying} ${u.forwards.length} forwards`).join(", ")} → ${output}`)
      }
    })
).pipe(
  Command.withDescription("A market snapshot file for `hedgekit risk` from a Deribit option-chain CSV: index, forwards per expiry, mark vols."),
  Command.withExamples([{ command: "hedgekit market --chain data/deribit/deribit_btc_option_chain_weekly.csv --output market.json", description: "The first snapshot of the bundled chain" }])
)
