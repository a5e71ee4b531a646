/**
 * The row contract of `hedgekit price`, `hedgekit iv` and `hedgekit greeks`, which scripts and other tools pipe
 * into.
 *
 * Input fields: `model` (`bsm` | `black76` | `bachelier`), `type` (`call` | `put`), `spot` (bsm) or `forward`
 * (black76, bachelier), `strike`, `expiry` (years), `rate` (continuously compounded, default 0), `dividend`
 * (continuous yield, bsm only, default 0), and `vol` (price) or `price` (iv). Every other field passes through.
 * Output adds `price, delta, gamma, vega, theta, rho` (+ `dividendRho` for bsm) for `price`, `vol` for `iv`;
 * `greeks` adds those and `vanna, volga, charm, veta, speed, zomma, color, ultima, dualDelta, dualGamma` (raw units,
 * or Deribit's with `--units deribit`). A bad row gets `error: { tag, field, value, message }` instead, and the
 * batch goes on.
 */
import { ClosedForm, Deribit, Numerical } from "@hedgekit/greeks"
import { Bachelier, Black76, BlackScholes } from "@hedgekit/models"
import { InvalidInput, isHedgekitError, toRecord } from "@hedgekit/sdk"
import type { ErrorRecord, PricingModel } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import { FORWARD_MODELS } from "./ForwardModels.js"
import { parameterNames, registry } from "./Plugins.js"

export type Row = Readonly<Record<string, unknown>>
export type Command = "price" | "iv" | "greeks"

/**
 * Units of `hedgekit greeks` rows: `raw` (per 1.00 of vol, per year, per 1.00 of rate, like `price`) or `deribit`
 * (Black-76 rows in Deribit's ticker units: vega per vol point, theta per calendar day with Deribit's
 * under-a-day rule, rho per 1 % of Deribit's spot form K·τ·e^{−rτ}·Φ(±d2); the higher orders per vol point
 * and per calendar day alike).
 */
export type Units = "raw" | "deribit"

const MODELS = ["bsm", "black76", "bachelier"] as const
type ModelName = (typeof MODELS)[number]

const isBlank = (value: unknown): boolean => value === undefined || value === null || value === ""

/** A number from a JSON number or a CSV/JSON numeric string; anything else is an `InvalidInput`. */
/** Plain decimal numbers only: `Number()` would also take "0x10", "0b1", "" and "Infinity". */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** A number from a JSON number or a CSV/JSON decimal string; anything else is an `InvalidInput`. */
const numberField = (row: Row, field: string, expected: string, fallback?: number): number => {
  const value = row[field]
  if (isBlank(value)) {
    if (fallback !== undefined) return fallback
    throw new InvalidInput({ field, value: value ?? null, expected: `${expected} (required)` })
  }
  const text = typeof value === "string" ? value.trim() : undefined
  const parsed = typeof value === "number" ? value : text !== undefined && DECIMAL.test(text) ? Number(text) : NaN
  if (!Number.isFinite(parsed)) throw new InvalidInput({ field, value, expected })
  return parsed
}

const modelOf = (row: Row): ModelName => {
  const value = row["model"]
  if (typeof value === "string" && (MODELS as ReadonlyArray<string>).includes(value)) return value as ModelName
  throw new InvalidInput({ field: "model", value: value ?? null, expected: `one of ${[...MODELS, ...Object.keys(FORWARD_MODELS), ...registry().models.keys()].map((m) => `"${m}"`).join(", ")}` })
}

const typeOf = (row: Row): "call" | "put" => {
  const value = row["type"]
  if (value === "call" || value === "put") return value
  throw new InvalidInput({ field: "type", value: value ?? null, expected: "\"call\" or \"put\"" })
}

const forbid = (row: Row, field: string, model: ModelName, instead: string): void => {
  if (!isBlank(row[field])) {
    throw new InvalidInput({ field, value: row[field], expected: `no ${field} for model ${model} (it takes ${instead})` })
  }
}

interface Parsed {
  readonly model: ModelName
  readonly type: "call" | "put"
  readonly underlying: number
  readonly strike: number
  readonly expiry: number
  readonly rate: number
  readonly dividend: number
}

const parseCommon = (row: Row): Parsed => {
  const model = modelOf(row)
  const type = typeOf(row)
  let underlying: number
  let dividend = 0
  if (model === "bsm") {
    forbid(row, "forward", model, "spot")
    underlying = numberField(row, "spot", "a finite spot price > 0")
    dividend = numberField(row, "dividend", "a continuous dividend/carry yield (decimal)", 0)
  } else {
    forbid(row, "spot", model, "forward")
    if (numberField(row, "dividend", "0 or nothing (a forward already carries the yield)", 0) !== 0) {
      forbid(row, "dividend", model, "a forward, which already carries the yield")
    }
    underlying = numberField(row, "forward", model === "black76" ? "a finite forward > 0" : "a finite forward")
  }
  const strike = numberField(row, "strike", "a finite strike")
  const expiry = numberField(row, "expiry", "a time to expiry in years > 0")
  const rate = numberField(row, "rate", "a continuously compounded rate (decimal)", 0)
  return { model, type, underlying, strike, expiry, rate, dividend }
}

const priceOutputs = (row: Row): Row => {
  const p = parseCommon(row)
  const vol = numberField(
    row,
    "vol",
    p.model === "bachelier" ? "an absolute normal vol > 0 (price units per √year)" : "a vol > 0 (decimal, 0.2 = 20 %)"
  )
  if (p.model === "bsm") {
    return { ...BlackScholes.greeks(p.type, p.underlying, p.strike, p.expiry, p.rate, p.dividend, vol) }
  }
  return p.model === "black76"
    ? { ...Black76.greeks(p.type, p.underlying, p.strike, p.expiry, p.rate, vol) }
    : { ...Bachelier.greeks(p.type, p.underlying, p.strike, p.expiry, p.rate, vol) }
}

const HIGHER = ["vanna", "volga", "charm", "veta", "speed", "zomma", "color", "ultima", "dualDelta", "dualGamma"] as const

/** A plugin model's parameters from a row: a `params` object (or JSON text), then fields named like its Schema's. */
const pluginParams = (command: Command, row: Row, name: string, model: PricingModel<never>): unknown => {
  const raw: Record<string, unknown> = {}
  const given = row["params"]
  if (typeof given === "object" && given !== null) Object.assign(raw, given)
  else if (typeof given === "string" && given.trim().startsWith("{")) Object.assign(raw, JSON.parse(given) as object)
  const names = parameterNames(model)
  const outputs = outputFields(command)
  for (const field of names) {
    const value = row[field]
    if (isBlank(value)) continue
    // a field the output also writes (a Greek's name) would be overwritten in the output row: only `params` holds it
    if (outputs.includes(field)) {
      throw new InvalidInput({ field, value, expected: `${name}'s parameter ${field} in the row's params object ({"params": {"${field}": …}}): the output's ${field} is a Greek` })
    }
    raw[field] = typeof value === "string" && DECIMAL.test(value.trim()) ? Number(value) : value
  }
  try {
    return Schema.decodeUnknownSync(model.params as Schema.Decoder<unknown>)(raw)
  } catch (error) {
    const message = (error as Error).message.replace(/\s+/g, " ")
    const path = /at \["([^"]+)"\]/.exec(message)?.[1]
    throw new InvalidInput({
      field: path ?? "params",
      value: path !== undefined ? (raw[path] ?? null) : raw,
      expected: `parameters of ${name} (${names.length > 0 ? names.join(", ") : "see hedgekit plugins"}): ${message}`
    })
  }
}

/**
 * A row of a model on a forward beyond the closed forms — one of {@link FORWARD_MODELS} (parameters as row fields)
 * or a loaded plugin's (see `pluginParams`): Greeks from `Numerical` (undefined when the model has no such Greek,
 * e.g. vega without a vol parameter). `undefined` when the row's model is neither.
 */
const forwardModelOutputs = (command: Command, row: Row, units: Units): Row | undefined => {
  const name = row["model"]
  if (typeof name !== "string") return undefined
  const builtIn = FORWARD_MODELS[name]
  const plugin = builtIn === undefined ? registry().models.get(name) : undefined
  if (builtIn === undefined && plugin === undefined) return undefined
  if (command === "iv") throw new InvalidInput({ field: "model", value: name, expected: "bsm, black76 or bachelier for iv" })
  if (units === "deribit") throw new InvalidInput({ field: "model", value: name, expected: "black76 for --units deribit (Deribit values its options with Black-76 on the forward)" })
  const type = typeOf(row)
  forbid(row, "spot", name as ModelName, "forward")
  if (builtIn !== undefined) {
    const fields = builtIn.fields.map(([field]) => field)
    if (!fields.includes("vol")) forbid(row, "vol", name as ModelName, fields.join(", "))
    if (numberField(row, "dividend", "0 or nothing (a forward already carries the yield)", 0) !== 0) {
      forbid(row, "dividend", name as ModelName, "a forward, which already carries the yield")
    }
  }
  const forward = numberField(row, "forward", "a finite forward > 0")
  const strike = numberField(row, "strike", "a finite strike")
  const expiry = numberField(row, "expiry", "a time to expiry in years > 0")
  const rate = numberField(row, "rate", "a continuously compounded rate (decimal)", 0)
  const model = builtIn !== undefined ? builtIn.model : plugin!.model
  const params = builtIn !== undefined
    ? Object.fromEntries(builtIn.fields.map(([field, expected]) => [field, numberField(row, field, expected)]))
    : pluginParams(command, row, name, model)
  const r = Numerical.greeks(model, { type, forward, strike, expiry, rate }, params as never)
  const wanted = command === "price" ? ["delta", "gamma", "vega", "theta", "rho"] : ["delta", "gamma", "vega", "theta", "rho", ...HIGHER]
  const out: Record<string, unknown> = { price: r.price }
  for (const g of wanted) {
    const e = r.greeks[g as Numerical.GreekName]
    if (e !== undefined) out[g] = e.value
  }
  return out
}

const greeksOutputs = (row: Row, units: Units): Row => {
  const p = parseCommon(row)
  const vol = numberField(
    row,
    "vol",
    p.model === "bachelier" ? "an absolute normal vol > 0 (price units per √year)" : "a vol > 0 (decimal, 0.2 = 20 %)"
  )
  if (units === "deribit" && p.model !== "black76") {
    throw new InvalidInput({ field: "model", value: p.model, expected: "black76 for --units deribit (Deribit values its options with Black-76 on the forward)" })
  }
  const g = p.model === "bsm"
    ? ClosedForm.blackScholes(p.type, p.underlying, p.strike, p.expiry, p.rate, p.dividend, vol)
    : p.model === "black76"
    ? ClosedForm.black76(p.type, p.underlying, p.strike, p.expiry, p.rate, vol)
    : ClosedForm.bachelier(p.type, p.underlying, p.strike, p.expiry, p.rate, vol)
  if (units === "raw") return { ...g }
  const intrinsic = Math.exp(-p.rate * p.expiry) * Math.max(p.type === "call" ? p.underlying - p.strike : p.strike - p.underlying, 0)
  return {
    price: g.price,
    delta: g.delta,
    gamma: g.gamma,
    vega: g.vega / 100,
    theta: Deribit.tickerTheta(g.theta, Math.max(g.price - intrinsic, 0)),
    rho: (-p.strike * p.expiry * g.dualDelta) / 100,
    vanna: g.vanna / 100,
    volga: g.volga / 1e4,
    charm: g.charm / 365,
    veta: g.veta / (100 * 365),
    speed: g.speed,
    zomma: g.zomma / 100,
    color: g.color / 365,
    ultima: g.ultima / 1e6,
    dualDelta: g.dualDelta,
    dualGamma: g.dualGamma
  }
}

const ivOutputs = (row: Row): Row => {
  const p = parseCommon(row)
  const price = numberField(row, "price", "a finite option price (discounted premium)")
  const vol = p.model === "bsm"
    ? BlackScholes.impliedVol(p.type, price, p.underlying, p.strike, p.expiry, p.rate, p.dividend)
    : p.model === "black76"
    ? Black76.impliedVol(p.type, price, p.underlying, p.strike, p.expiry, p.rate)
    : Bachelier.impliedVol(p.type, price, p.underlying, p.strike, p.expiry, p.rate)
  return { vol }
}

/** The output fields a command adds, in order (for CSV headers). */
export const outputFields = (command: Command): ReadonlyArray<string> =>
  command === "price"
    ? ["price", "delta", "gamma", "vega", "theta", "rho", "dividendRho"]
    : command === "greeks"
    ? ["price", "delta", "gamma", "vega", "theta", "rho", "dividendRho", ...HIGHER]
    : ["vol"]

/** What one row gives: the fields a command adds, or the error that stopped it. */
export interface Outcome {
  readonly output?: Row
  readonly error?: ErrorRecord
}

/** Evaluates one row. Never throws for a bad row. */
export const evaluateRow = (command: Command, row: Row, units: Units = "raw"): Outcome => {
  try {
    const forward = forwardModelOutputs(command, row, units)
    if (forward !== undefined) return { output: forward }
    return { output: command === "price" ? priceOutputs(row) : command === "greeks" ? greeksOutputs(row, units) : ivOutputs(row) }
  } catch (error) {
    return { error: isHedgekitError(error) ? toRecord(error) : errorRecord(error) }
  }
}

/** One output row: the input with its results, or with an `error` record. */
export const processRow = (command: Command, row: Row, units: Units = "raw"): Row => {
  const { error, output } = evaluateRow(command, row, units)
  return error !== undefined ? { ...row, error } : { ...row, ...output }
}

const errorRecord = (error: unknown): ErrorRecord => ({
  tag: "UnexpectedError",
  field: "",
  value: null,
  message: error instanceof Error ? error.message : String(error)
})
