/**
 * `hedgekit journal FILE`: what a live or paper loop's order journal holds — a summary (intents by state, fills,
 * the ones still unresolved), or with `--intents`, `--fills` or `--events` the rows themselves, as a table, JSON Lines
 * (`--json`) or CSV (`--csv`). The journal is opened read-only in spirit: nothing is written.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { Argument, Command, Flag } from "effect/cli"
import { existsSync } from "node:fs"
import { formatLine } from "./Csv.js"
import { UsageError } from "./PriceCommands.js"

const iso = (ms: number | undefined) => (ms === undefined ? "" : new Date(ms).toISOString())

/** `hedgekit journal` */
export const journal = Command.make(
  "journal",
  {
    file: Argument.String("file").pipe(Argument.withDescription("the journal (SQLite) a paper or live run wrote")),
    intents: Flag.Boolean("intents").pipe(Flag.withDescription("list the intents (one row per order)"), Flag.withDefault(false)),
    fills: Flag.Boolean("fills").pipe(Flag.withDescription("list the fills"), Flag.withDefault(false)),
    events: Flag.Boolean("events").pipe(Flag.withDescription("list the history, event by event"), Flag.withDefault(false)),
    json: Flag.Boolean("json").pipe(Flag.withDescription("rows as JSON Lines"), Flag.withDefault(false)),
    csv: Flag.Boolean("csv").pipe(Flag.withDescription("rows as CSV"), Flag.withDefault(false))
  },
  (flags) =>
    Effect.gen(function*() {
      if (!existsSync(flags.file)) return yield* new UsageError({ message: `no journal at ${flags.file}` })
      // loaded here, not at start-up: the journal's SQLite binding is only needed by the commands that use it
      const { Journal } = yield* Effect.promise(() => import("@hedgekit/execution"))
      const file = yield* Effect.try({
        try: () => Journal.open(flags.file),
        catch: (error) => new UsageError({ message: `cannot open the journal ${flags.file}: ${(error as Error).message}` })
      })
      try {
        const which = flags.fills ? "fills" : flags.events ? "events" : flags.intents ? "intents" : undefined
        if (which === undefined) {
          const intents = file.intents()
          const byState = new Map<string, number>()
          for (const i of intents) byState.set(i.state, (byState.get(i.state) ?? 0) + 1)
          const fills = file.fills()
          const unresolved = file.unresolved()
          const summary = {
            file: flags.file,
            intents: intents.length,
            byState: Object.fromEntries(byState),
            fills: fills.length,
            adoptedFills: fills.filter((f) => f.adopted).length,
            unresolved: unresolved.map((i) => i.clientOrderId),
            first: iso(intents[0]?.createdMs),
            last: iso(intents.at(-1)?.createdMs)
          }
          if (flags.json) return yield* Console.log(JSON.stringify(summary))
          yield* Console.log([
            `${summary.file}: ${summary.intents} intents (${[...byState].map(([s, n]) => `${n} ${s}`).join(", ") || "none"}), ${summary.fills} fills (${summary.adoptedFills} adopted at recovery)`,
            `from ${summary.first || "–"} to ${summary.last || "–"}`,
            unresolved.length > 0 ? `unresolved: ${summary.unresolved.join(", ")} (the next start reconciles them with the venue)` : "nothing unresolved"
          ].join("\n"))
          return
        }
        const rows: ReadonlyArray<Record<string, unknown>> = which === "fills"
          ? file.fills().map((f) => ({ ...f, time: iso(f.timeMs) }))
          : which === "events"
          ? file.events().map((e) => ({ ...e, time: iso(e.timeMs) }))
          : file.intents().map((i) => ({ ...i, created: iso(i.createdMs) }))
        if (flags.json) {
          for (const row of rows) yield* Console.log(JSON.stringify(row))
        } else if (flags.csv) {
          const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))]
          yield* Console.log(formatLine(columns))
          for (const row of rows) yield* Console.log(formatLine(columns.map((c) => (typeof row[c] === "object" && row[c] !== null ? JSON.stringify(row[c]) : row[c]))))
        } else {
          const columns = which === "fills"
            ? ["time", "clientOrderId", "tradeId", "side", "quantity", "price", "fee", "feeCurrency", "liquidity", "adopted"]
            : which === "events"
            ? ["seq", "time", "kind", "clientOrderId", "detail"]
            : ["created", "clientOrderId", "side", "quantity", "symbol", "state", "filledQuantity", "reason"]
          yield* Console.log(columns.join("  "))
          for (const row of rows) yield* Console.log(columns.map((c) => String(row[c] ?? "")).join("  "))
        }
      } finally {
        file.close()
      }
    })
).pipe(Command.withDescription("Inspect and export the order journal of a paper or live run: a summary, or its intents, fills or history (table, --json, --csv)."))
