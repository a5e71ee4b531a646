/**
 * `hedgekit hedge`: a book, a market snapshot, the hedge setup and a policy → what the policy would do now, why,
 * and what it would cost. `hedgekit policies`: the policies and combinators, with their parameters and units.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { Portfolio } from "@hedgekit/greeks"
import { Context, Costs, Policies, Sizing } from "@hedgekit/hedging"
import { RebalancePolicy } from "@hedgekit/sdk"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Command, Flag } from "effect/cli"
import * as Plugins from "./Plugins.js"
import { loadPlugins, UsageError } from "./PriceCommands.js"
import { readJson } from "./RiskCommand.js"

const attempt = <A>(f: () => A): Effect.Effect<A, UsageError> =>
  Effect.try({ try: f, catch: (error) => new UsageError({ message: (error as Error).message }) })

/** `--param k=v` values: numbers and booleans as such, JSON objects and arrays parsed, the rest as text. */
const paramValue = (text: string): unknown => {
  const t = text.trim()
  if (t === "true" || t === "false") return t === "true"
  if (t !== "" && Number.isFinite(Number(t))) return Number(t)
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t)
    } catch {
      return t
    }
  }
  return t
}

/** A policy from `--policy NAME --param k=v …`, `--policy '<JSON spec>'` or `--policy @spec.json`. */
const policySpec = (policy: string, params: Record<string, string>): Effect.Effect<unknown, UsageError> => {
  const p = policy.trim()
  if (p.startsWith("{")) {
    return Effect.try({ try: () => JSON.parse(p) as unknown, catch: (e) => new UsageError({ message: `--policy: not valid JSON: ${(e as Error).message}` }) })
  }
  if (p.startsWith("@")) {
    const file = p.slice(1)
    return Effect.try({ try: () => JSON.parse(readFileSync(file, "utf8")) as unknown, catch: (e) => new UsageError({ message: `--policy ${p}: cannot read the spec file: ${(e as Error).message}` }) })
  }
  return Effect.succeed({ policy: p, params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, paramValue(v)])) })
}

const StateFile = Schema.Struct({ policy: Schema.String, state: Schema.Array(Schema.NullOr(Schema.Number)) })

const fmt = (x: number, digits = 4) =>
  !Number.isFinite(x) ? String(x) : Math.abs(x) !== 0 && (Math.abs(x) < 10 ** -digits || Math.abs(x) >= 1e9) ? x.toExponential(3) : x.toFixed(digits)
const iso = (ms: number) => new Date(ms).toISOString()

interface Priced {
  readonly order: RebalancePolicy.TradeInstruction
  /** Limit price on the venue's grid: crossing the half-spread when aggressive, joining the near side when passive. */
  readonly limitPrice?: number
  readonly cost: number
  readonly currency: string
  readonly detail: string
}

/** Pre-trade cost of each order, from the setup's fees and half-spreads (κ·notional when only `oneWayCost` is given). */
const priceOrders = (
  decision: RebalancePolicy.Decision,
  setup: Context.HedgeSetup,
  market: Portfolio.Market,
  context: RebalancePolicy.PolicyContext
): ReadonlyArray<Priced> =>
  decision.orders.map((order) => {
    const ccy = setup.accounting === "usd" ? "USD" : setup.hedge.instrument.underlying
    const aggressive = order.urgency === "aggressive"
    const limit = (ticks: Context.HedgeSetup["hedge"]["ticks"], mid: number, half: number) => {
      if (ticks === undefined) return {}
      const sign = (order.side === "buy") === aggressive ? 1 : -1
      const price = Math.max(ticks.tick, mid + sign * half)
      // aggressive orders round through the spread, passive ones away from it
      return { limitPrice: Costs.roundPrice(ticks, price, aggressive ? order.side : order.side === "buy" ? "sell" : "buy") }
    }
    const leg = (context.legs ?? []).find((l) => l.symbol === order.instrument)
    const legSetup = (setup.options ?? []).find((o) => o.instrument.symbol === order.instrument)
    if (leg !== undefined && legSetup !== undefined) {
      const usd = Sizing.unitGreeks(legSetup.instrument, market, "usd").value
      // a coin premium is quoted as the USD premium over the forward it is marked on (Deribit's mark × underlying)
      const F = market.underlyings.find((u) => u.underlying === legSetup.instrument.underlying)?.forwards.find((f) => f.expiryMs === legSetup.instrument.expiryMs)?.forward ?? context.spot
      const mid = legSetup.instrument.settlement === "inverse" ? usd / F : usd
      // fee (schedule capped at a share of the premium) + half-spread per contract, in the accounting currency
      return {
        order, ...limit(legSetup.ticks, mid, legSetup.halfSpreadPerContract),
        cost: order.quantity * (leg.cost ?? 0), currency: ccy, detail: `${fmt(leg.cost ?? 0, 6)} ${ccy} per contract: fee + half-spread`
      }
    }
    const h = setup.hedge
    const i = h.instrument
    const coin = i.underlying
    if (i.kind !== "spot" && h.fees !== undefined && h.halfSpread !== undefined) {
      const u = market.underlyings.find((m) => m.underlying === coin)!
      const mid = i.kind === "perpetual" ? (u.perpetualMark ?? u.index) : u.forwards.find((f) => f.expiryMs === i.expiryMs)!.forward
      const size = i.contractSize * order.quantity
      const c = Costs.orderCost({ kind: "future", settlement: i.settlement, side: order.side, size, mid, halfSpread: h.halfSpread, role: order.urgency === "passive" ? "maker" : "taker", fees: h.fees })
      return { order, ...limit(h.ticks, mid, h.halfSpread), cost: c.total, currency: c.currency === "coin" ? coin : "USD", detail: `fee ${fmt(c.fee, 8)} + half-spread ${fmt(c.spread, 8)} at ${fmt(c.price, 2)}` }
    }
    // κ × the traded delta's USD notional
    return { order, cost: context.hedge.cost * Math.abs(order.delta) * context.spot, currency: "USD", detail: `κ ${fmt(context.hedge.cost * 1e4, 2)} bp of notional` }
  })

/** `hedgekit hedge` */
export const hedge = Command.make(
  "hedge",
  {
    book: Flag.String("book").pipe(Flag.withDescription("the book: a JSON file of positions and cash (the format of `hedgekit risk`)")),
    market: Flag.String("market").pipe(Flag.withDescription("the market snapshot JSON (`hedgekit market` builds one from a Deribit chain)")),
    hedges: Flag.String("hedges").pipe(Flag.withDescription("the hedge setup JSON: accounting, the primary hedge instrument with lot and costs, optional listed options (format in the README)")),
    policy: Flag.String("policy").pipe(Flag.withDescription("a policy name (see `hedgekit policies`), a JSON spec '{\"any\":[…]}', or @spec.json")),
    param: Flag.KeyValuePair("param").pipe(Flag.withDescription("a policy parameter, name=value (repeat for more)"), Flag.optional),
    state: Flag.String("state").pipe(Flag.withDescription("a JSON file holding the policy's memory between runs (last hedge time, last spot…): read if it exists, then written"), Flag.optional),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print the decision as JSON"), Flag.withDefault(false))
  },
  (flags) =>
    Effect.gen(function*() {
      yield* loadPlugins
      const book = yield* readJson(flags.book, Portfolio.Book, "book")
      const market = yield* readJson(flags.market, Portfolio.Market, "market")
      const setup = yield* readJson(flags.hedges, Context.HedgeSetup, "hedge setup")
      const spec = yield* policySpec(flags.policy, Option.getOrElse(flags.param, () => ({})))
      const policy = yield* attempt(() => Policies.fromSpec(spec, Plugins.registry().policies))
      const context = yield* attempt(() => Context.contextOf(book, market, setup))
      const statePath = Option.getOrUndefined(flags.state)
      let state = RebalancePolicy.makeState(policy, 1)
      if (statePath !== undefined && existsSync(statePath)) {
        const saved = yield* readJson(statePath, StateFile, "state")
        if (saved.policy !== policy.name || saved.state.length !== policy.stateSize) {
          return yield* new UsageError({ message: `--state ${statePath} holds the state of ${saved.policy}, not of ${policy.name}: use another file or delete it` })
        }
        state = Float64Array.from(saved.state, (x) => x ?? NaN)
      }
      const decision = yield* attempt(() => RebalancePolicy.decideOne(policy, context, state))
      if (statePath !== undefined) {
        writeFileSync(statePath, JSON.stringify({ policy: policy.name, state: [...state].map((x) => (Number.isFinite(x) ? x : null)) }) + "\n")
      }
      const priced = priceOrders(decision, setup, market, context)
      const net = Context.hedgedDelta(context)
      const after = net + decision.orders.reduce((a, o) => a + o.delta, 0)
      if (flags.json) {
        yield* Console.log(JSON.stringify({
          timestampMs: context.timeMs,
          accounting: setup.accounting,
          policy: policy.name,
          action: decision.action,
          reason: decision.reason,
          orders: priced.map((p) => ({ ...p.order, ...(p.limitPrice !== undefined ? { limitPrice: p.limitPrice } : {}), cost: p.cost, costCurrency: p.currency })),
          residualDelta: decision.residual,
          nextMs: decision.nextMs ?? null,
          netDelta: net,
          netDeltaAfter: after,
          book: { ...context.book, vol: context.vol, tau: context.tau },
          hedge: context.hedge
        }, null, 2))
        return
      }
      const coin = setup.hedge.instrument.underlying
      const unitsOf = (symbol: string, quantity: number) => {
        const h = setup.hedge.instrument
        if (symbol !== h.symbol) return " contracts"
        if (h.kind === "spot") return ` ${coin}`
        return h.settlement === "inverse" ? ` contracts (${quantity * h.contractSize} USD)` : ` contracts (${fmt(quantity * h.contractSize, 6)} ${coin})`
      }
      const ccy = setup.accounting === "usd" ? "USD" : coin
      const lines = [
        `policy    ${policy.name}`,
        `at        ${iso(context.timeMs)}   index ${context.spot}   accounting ${setup.accounting}`,
        `book      delta ${fmt(context.book.delta)} ${coin}   gamma ${fmt(context.book.gamma * context.spot / 100)} ${coin} per 1 % move   vega ${fmt((context.book.vega ?? 0) / 100, 2)} ${ccy}/pt   ref vol ${fmt(context.vol * 100, 2)} %   τ ${fmt(context.tau * 365, 2)} days`,
        `hedge     ${context.hedge.symbol}   ${fmt(context.hedge.delta)} ${coin}   one-way cost ${fmt(context.hedge.cost * 1e4, 2)} bp`,
        ...(context.legs ?? []).map((l) => `option    ${l.symbol}   position ${l.position}   delta ${fmt(l.delta)}   gamma ${fmt(l.gamma, 8)}   vega ${fmt(l.vega / 100, 2)} ${ccy}/pt`),
        `net       delta ${fmt(net)} ${coin}`,
        `decision  ${decision.action.toUpperCase()}: ${decision.reason}`,
        ...priced.map((p) => `  ${p.order.side} ${p.order.quantity} ${p.order.instrument}${unitsOf(p.order.instrument, p.order.quantity)} (${p.order.delta >= 0 ? "+" : "−"}${fmt(Math.abs(p.order.delta))} ${coin}), ${p.order.urgency}${p.limitPrice !== undefined ? ` limit ${p.limitPrice}` : ""}, est. cost ${fmt(p.cost, 8)} ${p.currency} (${p.detail})`),
        ...(decision.residual !== 0 ? [`residual  ${fmt(decision.residual, 6)} ${coin} not sendable in whole lots: stays in the book's delta`] : []),
        `after     net delta ${fmt(after)} ${coin}`,
        ...(decision.nextMs !== undefined ? [`next      ${iso(decision.nextMs)}`] : [])
      ]
      yield* Console.log(lines.join("\n"))
    })
).pipe(
  Command.withDescription("What a rebalance policy would do now: the decision, its reason and the orders' estimated cost."),
  Command.withExamples([
    {
      command: "hedgekit hedge --book data/examples/book.json --market data/examples/market.json --hedges data/examples/hedges.json --policy whalley-wilmott --param riskAversion=0.001",
      description: "Whalley–Wilmott's band for the example book, hedged with BTC-PERPETUAL"
    },
    {
      command: "hedgekit hedge --book data/examples/book.json --market data/examples/market.json --hedges data/examples/hedges.json --policy '{\"any\":[{\"policy\":\"delta-band\",\"params\":{\"halfWidthCoins\":0.5}},{\"policy\":\"time-interval\",\"params\":{\"intervalMinutes\":480}}]}' --json",
      description: "A band or an 8-hour re-hedge, whichever comes first, as JSON"
    }
  ])
)

/** `hedgekit policies` */
export const policies = Command.make(
  "policies",
  { json: Flag.Boolean("json").pipe(Flag.withDescription("print the list as JSON"), Flag.withDefault(false)) },
  (flags) =>
    Effect.gen(function*() {
      const { policies: registered, policyOwners } = yield* loadPlugins
      if (flags.json) {
        yield* Console.log(JSON.stringify({
          policies: registered.map((p) => ({ name: p.name, version: p.version, from: policyOwners.get(p.name) ?? "built-in", description: p.description, params: p.paramDocs })),
          combinators: Policies.combinators
        }, null, 2))
        return
      }
      const lines: Array<string> = []
      const param = (d: RebalancePolicy.ParamDoc) => `    ${d.name.padEnd(24)} ${d.unit.padEnd(22)} ${d.description}${d.default !== undefined ? ` (default ${JSON.stringify(d.default)})` : ""}`
      for (const p of registered) {
        const owner = policyOwners.get(p.name)
        lines.push(`${p.name} ${p.version}${owner !== undefined && owner !== "built-in" ? ` (${owner})` : ""}: ${p.description}`)
        lines.push(...p.paramDocs.map(param), "")
      }
      lines.push("combinators (in a JSON spec given to --policy):")
      for (const c of Policies.combinators) {
        lines.push(`  ${c.key}: ${c.description}`)
        lines.push(...c.params.map(param))
      }
      lines.push("", `e.g. --policy '{"all":[{"policy":"time-interval","params":{"intervalMinutes":15,"alignToUtc":false}},{"policy":"whalley-wilmott","params":{"riskAversion":0.001}}]}'`)
      yield* Console.log(lines.join("\n"))
    })
).pipe(Command.withDescription("The rebalance policies and combinators, with their parameters and units."))
