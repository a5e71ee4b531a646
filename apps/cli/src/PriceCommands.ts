/**
 * `hedgekit price`, `hedgekit iv` and `hedgekit greeks`: one option from flags (a table), or a batch of rows from a
 * file or stdin.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Command, Flag } from "effect/cli"
import { runBatch } from "./Batch.js"
import * as Plugins from "./Plugins.js"
import { formatOfPath } from "./RowIO.js"
import type { Format } from "./RowIO.js"
import { outputFields, processRow } from "./Rows.js"
import type { Command as RowCommand, Row, Units } from "./Rows.js"

/**
 * An invocation that cannot run at all (a missing file, an unknown format, a bad single option); the only
 * case with a non-zero exit code.
 */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", { message: Schema.String }) {}

const text = (name: string, description: string) =>
  Flag.String(name).pipe(Flag.withDescription(description), Flag.optional)
const num = (name: string, description: string) =>
  Flag.Finite(name).pipe(Flag.withDescription(description), Flag.optional)

const MODEL_NAMES = ["bsm", "black76", "bachelier", "sabr", "merton", "kou", "heston", "bates"] as const

/** Model parameter flags (kebab-case) and the row fields they fill. */
const PARAM_FLAGS = {
  initialVariance: num("initial-variance", "Heston/Bates v₀"),
  meanReversion: num("mean-reversion", "Heston/Bates κ"),
  longRunVariance: num("long-run-variance", "Heston/Bates θ"),
  alpha: num("alpha", "SABR α"),
  beta: num("beta", "SABR β in [0, 1]"),
  correlation: num("correlation", "SABR/Heston/Bates ρ (negative values as --correlation=-0.3)"),
  volOfVol: num("vol-of-vol", "SABR ν, Heston/Bates σ"),
  jumpIntensity: num("jump-intensity", "Merton/Kou/Bates jumps per year"),
  jumpMean: num("jump-mean", "Merton/Bates mean log jump"),
  jumpVol: num("jump-vol", "Merton/Bates st. dev. of the log jump"),
  upProbability: num("up-probability", "Kou probability of an up-jump"),
  upRate: num("up-rate", "Kou up-jump rate η₁ > 1"),
  downRate: num("down-rate", "Kou down-jump rate η₂ > 0")
}

const common = {
  ...PARAM_FLAGS,
  model: Flag.String("model").pipe(
    Flag.withDescription(`${MODEL_NAMES.slice(0, 3).join(", ")} (bsm on a spot with yield q; black76 and bachelier on a forward), a forward model (${MODEL_NAMES.slice(3).join(", ")}), or a plugin's model (see hedgekit plugins)`),
    Flag.optional
  ),
  params: text("params", "a plugin model's parameters as JSON, e.g. '{\"sigma\":0.12,\"nu\":0.2,\"theta\":-0.14}'"),
  type: Flag.Literals("type", ["call", "put"]).pipe(Flag.withDescription("call or put"), Flag.optional),
  spot: num("spot", "spot price (bsm)"),
  forward: num("forward", "forward price (black76, bachelier)"),
  strike: num("strike", "strike price"),
  expiry: num("expiry", "time to expiry in years"),
  rate: num("rate", "continuously compounded rate, decimal (default 0; negative values as --rate=-0.01)"),
  dividend: num("dividend", "continuous dividend/carry yield q, decimal (bsm, default 0)"),
  input: text("input", "rows to process: a JSON Lines or CSV file, or - for stdin"),
  output: text("output", "where to write the rows: a file, or - for stdout (default -)"),
  format: Flag.Literals("format", ["jsonl", "csv"]).pipe(
    Flag.withDescription("input format (default: from the input file's extension, else jsonl)"),
    Flag.optional
  ),
  outputFormat: Flag.Literals("output-format", ["jsonl", "csv"]).pipe(
    Flag.withDescription("output format (default: from the output file's extension, else the input format)"),
    Flag.optional
  )
}

interface Common {
  readonly model: Option.Option<string>
  readonly params: Option.Option<string>
  readonly type: Option.Option<"call" | "put">
  readonly spot: Option.Option<number>
  readonly forward: Option.Option<number>
  readonly strike: Option.Option<number>
  readonly expiry: Option.Option<number>
  readonly rate: Option.Option<number>
  readonly dividend: Option.Option<number>
  readonly input: Option.Option<string>
  readonly output: Option.Option<string>
  readonly format: Option.Option<Format>
  readonly outputFormat: Option.Option<Format>
  readonly initialVariance: Option.Option<number>
  readonly meanReversion: Option.Option<number>
  readonly longRunVariance: Option.Option<number>
  readonly alpha: Option.Option<number>
  readonly beta: Option.Option<number>
  readonly correlation: Option.Option<number>
  readonly volOfVol: Option.Option<number>
  readonly jumpIntensity: Option.Option<number>
  readonly jumpMean: Option.Option<number>
  readonly jumpVol: Option.Option<number>
  readonly upProbability: Option.Option<number>
  readonly upRate: Option.Option<number>
  readonly downRate: Option.Option<number>
}

const formatFor = (explicit: Option.Option<Format>, path: string, fallback: Format): Effect.Effect<Format, UsageError> => {
  if (Option.isSome(explicit)) return Effect.succeed(explicit.value)
  if (path === "-") return Effect.succeed(fallback)
  const byExt = formatOfPath(path)
  return byExt !== undefined
    ? Effect.succeed(byExt)
    : Effect.fail(new UsageError({ message: `cannot tell the format of ${path}: use a .jsonl or .csv name, or --format` }))
}

const GREEK_UNITS: ReadonlyArray<readonly [string, string]> = [
  ["price", "discounted premium, per 1 unit of underlying"],
  ["delta", "per 1 unit of the underlying (spot or forward)"],
  ["gamma", "per unit² of the underlying"],
  ["vega", "per 1.00 of vol"],
  ["theta", "dV/dt per year of calendar time"],
  ["rho", "per 1.00 of rate"],
  ["dividendRho", "per 1.00 of dividend yield"],
  ["vanna", "∂²V/∂U∂σ, per unit per 1.00 of vol"],
  ["volga", "∂²V/∂σ², per 1.00 of vol²"],
  ["charm", "−∂²V/∂U∂T, per unit per year"],
  ["veta", "−∂²V/∂σ∂T, per 1.00 of vol per year"],
  ["speed", "∂³V/∂U³, per unit³"],
  ["zomma", "∂³V/∂U²∂σ, per unit² per 1.00 of vol"],
  ["color", "−∂³V/∂U²∂T, per unit² per year"],
  ["ultima", "∂³V/∂σ³, per 1.00 of vol³"],
  ["dualDelta", "∂V/∂K, per 1 unit of strike"],
  ["dualGamma", "∂²V/∂K², per unit² of strike"],
  ["vol", "implied vol (decimal; bachelier: absolute)"]
]

const DERIBIT_UNITS: Readonly<Record<string, string>> = {
  vega: "USD per vol point",
  theta: "USD per calendar day (Deribit: at most the time value left)",
  rho: "USD per 1 % of rate (Deribit's K·τ·Φ(±d2) form)",
  vanna: "per unit per vol point",
  volga: "per vol point²",
  charm: "per unit per calendar day",
  veta: "per vol point per calendar day",
  zomma: "per unit² per vol point",
  color: "per unit² per calendar day",
  ultima: "per vol point³"
}

const table = (row: Row, fields: ReadonlyArray<string>, units: Units): string => {
  const lines: Array<string> = []
  for (const [name, unit] of GREEK_UNITS) {
    const value = row[name]
    if (fields.includes(name) && typeof value === "number") {
      lines.push(`${name.padEnd(12)} ${String(value).padStart(24)}   ${(units === "deribit" ? DERIBIT_UNITS[name] : undefined) ?? unit}`)
    }
  }
  return lines.join("\n")
}

/** Loads the project's plugins (an unusable invocation when one fails). */
export const loadPlugins = Effect.tryPromise({
  try: () => Plugins.load(),
  catch: (error) => new UsageError({ message: (error as Error).message })
})

const run = (command: RowCommand, flags: Common, last: Option.Option<number>, units: Units = "raw") =>
  Effect.gen(function*() {
    yield* loadPlugins
    if (Option.isSome(flags.input)) {
      const input = flags.input.value
      const inputFormat = yield* formatFor(flags.format, input, "jsonl")
      const output = Option.getOrElse(flags.output, () => "-")
      const outputFormat = yield* formatFor(flags.outputFormat, output, inputFormat)
      const summary = yield* Effect.tryPromise({
        try: () => runBatch(command, input, inputFormat, output, outputFormat, outputFields(command), units),
        catch: (error) => new UsageError({ message: `cannot process ${input}: ${(error as Error).message}` })
      })
      if (output !== "-" && process.stderr.isTTY === true) {
        yield* Console.error(`${command}: ${summary.rows} rows written to ${output} (${summary.errors} with errors)`)
      }
      return
    }
    const row: Record<string, unknown> = {}
    for (const key of ["model", "params", "type", "spot", "forward", "strike", "expiry", "rate", "dividend", ...(Object.keys(PARAM_FLAGS) as Array<keyof typeof PARAM_FLAGS>)] as const) {
      const value: Option.Option<unknown> = flags[key]
      if (Option.isSome(value)) row[key] = value.value
    }
    if (Option.isSome(last)) row[command === "iv" ? "price" : "vol"] = last.value
    const result = processRow(command, row, units)
    const error = result["error"] as { message: string } | undefined
    if (error !== undefined) {
      return yield* new UsageError({ message: `${error.message} (see hedgekit ${command} --help)` })
    }
    yield* Console.log(table(result, outputFields(command), units))
  })

/** `hedgekit price` */
export const price = Command.make(
  "price",
  { ...common, vol: num("vol", "volatility: decimal for bsm/black76 (0.2 = 20 %), absolute for bachelier") },
  (flags) => run("price", flags, flags.vol)
).pipe(
  Command.withDescription(
    "Price options and their Greeks: one from flags, or rows from --input (JSON Lines or CSV) to --output."
  ),
  Command.withExamples([
    {
      command: "hedgekit price --model bsm --type call --spot 100 --strike 100 --expiry 1 --rate 0.05 --vol 0.2",
      description: "One option, printed as a table"
    },
    { command: "hedgekit price --input chain.csv --output priced.jsonl", description: "A batch, CSV in, JSONL out" }
  ])
)

/** `hedgekit iv` */
export const iv = Command.make(
  "iv",
  { ...common, price: num("price", "discounted option premium to invert") },
  (flags) => run("iv", flags, flags.price)
).pipe(
  Command.withDescription(
    "Implied volatility to full double precision: one price from flags, or rows from --input to --output."
  ),
  Command.withExamples([
    {
      command: "hedgekit iv --model black76 --type put --forward 100 --strike 100 --expiry 1 --price 7.9655",
      description: "One price, printed as a table"
    },
    { command: "cat quotes.jsonl | hedgekit iv --input - --output -", description: "A stream, stdin to stdout" }
  ])
)

/** `hedgekit greeks` */
export const greeks = Command.make(
  "greeks",
  {
    ...common,
    vol: num("vol", "volatility: decimal for bsm/black76 (0.2 = 20 %), absolute for bachelier"),
    units: Flag.Literals("units", ["raw", "deribit"]).pipe(
      Flag.withDescription(
        "raw: per 1.00 of vol, per year, per 1.00 of rate (default); deribit: black76 rows in Deribit's ticker units (vega per vol point, theta per calendar day, rho per 1 %)"
      ),
      Flag.withDefault("raw" as const)
    )
  },
  (flags) => run("greeks", flags, flags.vol, flags.units)
).pipe(
  Command.withDescription(
    "Greeks to third order (price, delta … rho, vanna, volga, charm, veta, speed, zomma, color, ultima, dual delta and gamma): one option from flags, or rows from --input to --output."
  ),
  Command.withExamples([
    {
      command: "hedgekit greeks --model black76 --type put --forward 9756.36 --strike 9875 --expiry 0.003653 --vol 0.6289 --units deribit",
      description: "One Deribit option in Deribit's units"
    },
    { command: "hedgekit greeks --input chain.csv --output greeks.csv", description: "A batch, same row contract as price" }
  ])
)
