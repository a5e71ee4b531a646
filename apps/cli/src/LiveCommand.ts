/**
 * `hedgekit live --venue deribit (--testnet | --mainnet) --live --config FILE`: the live hedge loop for real — the
 * venue's own market data (tickers of the book's options and the hedge, the index), recovery against the journal
 * first, every order journalled before it is sent, the kill switch in front of the venue.
 *
 * Credentials come from the environment (`DERIBIT_CLIENT_ID`, `DERIBIT_CLIENT_SECRET`) or a secret file
 * (`--secret-file`, lines `DERIBIT_CLIENT_ID=…`), never from flags or the config; they are never printed, logged or
 * journalled. Nothing is sent without `--live` and an explicit network.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Command, Flag } from "effect/cli"
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { Policies } from "@hedgekit/hedging"
import * as Plugins from "./Plugins.js"
import { loadPlugins, UsageError } from "./PriceCommands.js"

const Positive = Schema.Finite.check(Schema.isGreaterThan(0))

/** The live config: the book by symbol, the hedge and its costs, one policy, the kill switch. */
export const LiveConfig = Schema.Struct({
  title: Schema.optional(Schema.String),
  book: Schema.Struct({ legs: Schema.Array(Schema.Struct({ symbol: Schema.String, quantity: Schema.Finite })) }),
  hedge: Schema.Struct({
    instrument: Schema.Struct({
      kind: Schema.Literal("perpetual"),
      symbol: Schema.String,
      underlying: Schema.String,
      settlement: Schema.Literals(["inverse", "linear"]),
      contractSize: Positive
    }),
    lot: Positive,
    minimum: Schema.optional(Positive),
    fees: Schema.Struct({ maker: Schema.Finite, taker: Schema.Finite }),
    halfSpread: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))
  }),
  policy: Schema.Unknown,
  accounting: Schema.Literals(["usd", "coin"]),
  smile: Schema.optional(Schema.Literals(["sticky-strike", "sticky-moneyness"])),
  killSwitch: Schema.optional(Schema.Unknown)
})

/** `KEY=VALUE` lines (blank lines and `#` comments skipped) into the environment variables they name. */
const readSecretFile = (path: string): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    const t = line.trim()
    if (t === "" || t.startsWith("#")) continue
    const eq = t.indexOf("=")
    if (eq <= 0) throw new Error(`a line of the secret file is not KEY=VALUE (line ${JSON.stringify(t.slice(0, 12))}…)`)
    out[t.slice(0, eq).trim()] = t.slice(eq + 1).trim()
  }
  return out
}

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(x))

/** `hedgekit live` */
export const live = Command.make(
  "live",
  {
    venue: Flag.Literals("venue", ["deribit"]).pipe(Flag.withDescription("the venue (deribit)")),
    testnet: Flag.Boolean("testnet").pipe(Flag.withDescription("trade on the venue's test network"), Flag.withDefault(false)),
    mainnet: Flag.Boolean("mainnet").pipe(Flag.withDescription("trade on the venue's real network"), Flag.withDefault(false)),
    live: Flag.Boolean("live").pipe(Flag.withDescription("confirm that orders are to be sent"), Flag.withDefault(false)),
    config: Flag.String("config").pipe(Flag.withDescription("the live config: book (legs by symbol), hedge, policy, accounting, killSwitch")),
    journal: Flag.String("journal").pipe(Flag.withDescription("the order journal (SQLite; default hedgekit-live.journal)"), Flag.withDefault("hedgekit-live.journal")),
    secretFile: Flag.String("secret-file").pipe(Flag.withDescription("a file of KEY=VALUE lines with DERIBIT_CLIENT_ID and DERIBIT_CLIENT_SECRET (else the environment)"), Flag.optional),
    forSeconds: Flag.Finite("for").pipe(Flag.withDescription("stop after this many seconds (default: run until interrupted)"), Flag.optional),
    status: Flag.Boolean("status").pipe(Flag.withDescription("print a status line at every decision"), Flag.withDefault(false))
  },
  (flags) =>
    Effect.gen(function*() {
      if (flags.testnet === flags.mainnet) return yield* new UsageError({ message: "choose the network: --testnet or --mainnet" })
      if (!flags.live) return yield* new UsageError({ message: `nothing is sent without --live: add it to trade on Deribit's ${flags.testnet ? "test network" : "real network"}` })
      yield* loadPlugins
      const raw = yield* Effect.try({ try: () => JSON.parse(readFileSync(flags.config, "utf8")) as unknown, catch: (e) => new UsageError({ message: `cannot read the config ${flags.config}: ${(e as Error).message}` }) })
      const config = yield* Effect.try({ try: () => Schema.decodeUnknownSync(LiveConfig)(raw), catch: (e) => new UsageError({ message: `the config ${flags.config}: ${(e as Error).message}` }) })
      const policy = yield* Effect.try({ try: () => Policies.fromSpec(config.policy, Plugins.registry().policies), catch: (e) => new UsageError({ message: `policy: ${(e as Error).message}` }) })
      const secrets = Option.isSome(flags.secretFile)
        ? yield* Effect.try({ try: () => readSecretFile(flags.secretFile.pipe(Option.getOrThrow)), catch: (e) => new UsageError({ message: `--secret-file: ${(e as Error).message}` }) })
        : {}
      const env = (name: string) => secrets[name] ?? process.env[name]
      const id = env("DERIBIT_CLIENT_ID"), secret = env("DERIBIT_CLIENT_SECRET")
      if (id === undefined || secret === undefined || id === "" || secret === "") {
        return yield* new UsageError({ message: "no Deribit credentials: set DERIBIT_CLIENT_ID and DERIBIT_CLIENT_SECRET in the environment or a --secret-file" })
      }
      const { Deribit, Journal, LiveLoop } = yield* Effect.promise(() => import("@hedgekit/execution"))
      const Redacted = yield* Effect.promise(() => import("effect/Redacted"))
      const url = process.env["DERIBIT_URL"]
      const symbols = [...config.book.legs.map((l) => l.symbol), config.hedge.instrument.symbol]
      const currency = config.accounting === "coin" ? config.hedge.instrument.underlying : "USD"
      const program = Effect.gen(function*() {
        const deribit = yield* Deribit.Deribit
        let events = deribit.marketData(symbols, { index: true })
        if (Option.isSome(flags.forSeconds)) events = Stream.interruptWhen(events, Effect.sleep(Math.round(flags.forSeconds.value * 1000)))
        return yield* LiveLoop.run(events, {
          legs: config.book.legs,
          openMs: 0,
          hedge: config.hedge.instrument,
          costs: { lot: config.hedge.lot, ...(config.hedge.minimum !== undefined ? { minimum: config.hedge.minimum } : {}), fees: config.hedge.fees, halfSpread: config.hedge.halfSpread },
          policy,
          accounting: config.accounting,
          spot: "index",
          smile: config.smile ?? "sticky-moneyness",
          crossSpread: false,
          prefix: "hk",
          clock: "wall",
          // a point per tick for as long as it runs: the journal is the record, the result keeps the latest
          pointsKept: 1_000,
          ...(config.killSwitch !== undefined ? { killSwitch: config.killSwitch as never } : {}),
          onDecision: (d) =>
            flags.status
              ? Console.error(`${new Date(d.timeMs).toISOString()}  S ${fmt(d.spot, 0)}  book Δ ${fmt(d.bookDelta, 3)}  hedge Δ ${fmt(d.hedgeDelta, 3)}  P&L ${fmt(d.pnl)} ${currency}  ${d.action}${d.action === "trade" ? ` ${d.quantity}` : ""}: ${d.reason}`)
              : Effect.void
        })
      })
      const result = yield* program.pipe(
        Effect.provide(Journal.layer(flags.journal)),
        Effect.provide(Deribit.layer({
          network: flags.testnet ? "testnet" : "mainnet",
          ...(url !== undefined && url !== "" ? { url } : {}),
          clientId: Redacted.make(id),
          clientSecret: Redacted.make(secret),
          currency: config.hedge.instrument.underlying,
          labelPrefix: "hk-"
        })),
        Effect.scoped,
        Effect.mapError((e) => new UsageError({ message: (e as Error).message }))
      )
      const filled = result.orders.filter((o) => o.state === "filled").length
      yield* Console.log([
        `${config.title ?? flags.config} — live on Deribit ${flags.testnet ? "testnet" : "mainnet"}`,
        `session ${result.session}: ${result.orders.length} orders (${filled} filled), ${result.fills} fills; journal ${resolve(flags.journal)}`,
        `recovery at start: ${result.recovery.resolved.length} resolved, ${result.recovery.unsent.length} unsent, ${result.recovery.cancelled.length} cancelled, ${result.recovery.adopted.length} fills adopted`,
        `hedge ${result.engine.account.hedge[0]} contracts; P&L ${fmt(result.engine.pnl()[0]!)} ${currency}`
      ].join("\n"))
    })
).pipe(Command.withDescription("Run the hedge loop live on Deribit (testnet or mainnet, with --live): the venue's market data, the journal, recovery and the kill switch."))
