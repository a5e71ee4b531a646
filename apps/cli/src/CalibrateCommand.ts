/**
 * `hedgekit calibrate`: fits a model to one point-in-time snapshot of a Deribit chain CSV — SVI or SABR per
 * expiry, SSVI, Heston or Bates across expiries — and prints the parameters and the fit per expiry (RMSE in vol points,
 * butterfly and calendar checks). `--report x.html` draws market vs model smiles per expiry (inline SVG).
 *
 * Quotes: the snapshot's out-of-the-money options (calls at K ≥ F, puts below), each with a bid and an ask
 * (one-sided, crossed, zero-IV and expired quotes are dropped and counted by reason). The market vol is Deribit's
 * mark IV; weights are vega (default), 1/(ask IV − bid IV), or equal.
 */
import { writeFileSync } from "node:fs"
import { Bates, Black76, Calibrate, Heston, Sabr, Svi } from "@hedgekit/models"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import { readChainOrFail, snapshotAt } from "./DeribitChain.js"
import type { Chain } from "./DeribitChain.js"
import { UsageError } from "./PriceCommands.js"

type Weights = "vega" | "spread" | "equal"

interface Quotes {
  readonly expiryMs: number
  readonly slice: Calibrate.Slice
  readonly bidVol: ReadonlyArray<number>
  readonly askVol: ReadonlyArray<number>
}

const YEAR_MS = 365 * 86_400_000

/** The snapshot's usable quotes per expiry, and how many were dropped and why. */
export const quotesAt = (chain: Chain, ts: number, weights: Weights): { readonly expiries: ReadonlyArray<Quotes>; readonly dropped: Readonly<Record<string, number>> } => {
  const dropped: Record<string, number> = { "expired": 0, "in the money (the out-of-the-money side is used)": 0, "one-sided (no bid or no ask)": 0, "crossed (bid > ask)": 0, "no mark IV": 0, "bid or ask outside the price bounds": 0 }
  const groups = new Map<number, Array<{ K: number; vol: number; w: number; bid: number; ask: number; F: number; T: number }>>()
  for (let i = 0; i < chain.length; i++) {
    if (chain.timestampMs[i] !== ts) continue
    const F = chain.forward[i]!, K = chain.strike[i]!, T = (chain.expiryMs[i]! - ts) / YEAR_MS
    const call = chain.isCall[i] === 1
    if (!(T > 0)) { dropped["expired"]!++; continue }
    if (call !== K >= F) { dropped["in the money (the out-of-the-money side is used)"]!++; continue }
    const bid = chain.bidBtc[i]!, ask = chain.askBtc[i]!
    if (!(bid > 0) || !(ask > 0)) { dropped["one-sided (no bid or no ask)"]!++; continue }
    if (bid > ask) { dropped["crossed (bid > ask)"]!++; continue }
    const vol = chain.markIv[i]!
    if (!(vol > 0)) { dropped["no mark IV"]!++; continue }
    const type = call ? "call" : "put"
    let bidVol: number, askVol: number
    try {
      // Deribit's premiums are in BTC on the forward (r = 0): USD = BTC × F
      bidVol = Black76.impliedVol(type, bid * F, F, K, T, 0)
      askVol = Black76.impliedVol(type, ask * F, F, K, T, 0)
    } catch {
      dropped["bid or ask outside the price bounds"]!++
      continue
    }
    const w = weights === "equal" ? 1 : weights === "spread" ? 1 / Math.max(askVol - bidVol, 1e-4) : Black76.greeks(type, F, K, T, 0, vol).vega / F
    const list = groups.get(chain.expiryMs[i]!) ?? []
    list.push({ K, vol, w, bid: bidVol, ask: askVol, F, T })
    groups.set(chain.expiryMs[i]!, list)
  }
  const expiries = [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([expiryMs, q]) => {
      q.sort((a, b) => a.K - b.K)
      return {
        expiryMs,
        slice: { forward: q[0]!.F, expiry: q[0]!.T, strikes: q.map((x) => x.K), vols: q.map((x) => x.vol), weights: q.map((x) => x.w) },
        bidVol: q.map((x) => x.bid),
        askVol: q.map((x) => x.ask)
      }
    })
  return { expiries, dropped }
}

interface Fitted {
  readonly expiryMs: number
  readonly quotes: Quotes
  readonly params: Readonly<Record<string, number | string>>
  readonly rmse: number
  readonly maxError: number
  readonly butterfly?: boolean
  readonly vol: (strike: number) => number
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)

const svg = (f: Fitted): string => {
  const W = 360, H = 220, pad = 36
  const s = f.quotes.slice
  const ks = Array.from(s.strikes, (K) => Math.log(K / s.forward))
  const kMin = Math.min(...ks) - 0.05, kMax = Math.max(...ks) + 0.05
  const curve = Array.from({ length: 121 }, (_, i) => kMin + ((kMax - kMin) * i) / 120).map((k) => ({ k, v: f.vol(s.forward * Math.exp(k)) }))
  const vals = [...Array.from(s.vols), ...curve.map((c) => c.v), ...f.quotes.bidVol, ...f.quotes.askVol].filter(Number.isFinite)
  const vMin = Math.min(...vals) * 0.95, vMax = Math.max(...vals) * 1.05
  const x = (k: number) => pad + ((k - kMin) / (kMax - kMin)) * (W - 2 * pad)
  const y = (v: number) => H - pad + -((v - vMin) / (vMax - vMin)) * (H - 2 * pad)
  const path = curve.filter((c) => Number.isFinite(c.v)).map((c, i) => `${i === 0 ? "M" : "L"}${x(c.k).toFixed(1)},${y(c.v).toFixed(1)}`).join(" ")
  const bars = ks.map((k, i) => `<line x1="${x(k).toFixed(1)}" x2="${x(k).toFixed(1)}" y1="${y(f.quotes.bidVol[i]!).toFixed(1)}" y2="${y(f.quotes.askVol[i]!).toFixed(1)}" stroke="#bbb"/>`).join("")
  const dots = ks.map((k, i) => `<circle cx="${x(k).toFixed(1)}" cy="${y(s.vols[i]!).toFixed(1)}" r="2.5" fill="#d62728"/>`).join("")
  const ticks = [vMin, (vMin + vMax) / 2, vMax].map((v) => `<text x="2" y="${y(v).toFixed(1)}" font-size="9">${(v * 100).toFixed(0)}%</text>`).join("")
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" style="border:1px solid #ddd;margin:4px">` +
    `<text x="${pad}" y="14" font-size="11">${day(f.expiryMs)} · ${(s.expiry * 365).toFixed(1)} d · RMSE ${(f.rmse * 100).toFixed(2)} pt</text>` +
    `${ticks}<text x="${W / 2 - 20}" y="${H - 6}" font-size="9">ln(K/F)</text>${bars}<path d="${path}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>${dots}</svg>`
}

const report = (model: string, at: number, fits: ReadonlyArray<Fitted>, dropped: Readonly<Record<string, number>>, source: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>hedgekit calibrate: ${model}</title></head><body style="font-family:sans-serif">` +
  `<h3>${model.toUpperCase()} fitted to ${source} at ${new Date(at).toISOString()}</h3>` +
  `<p>Red: Deribit mark IV; grey: bid–ask IV; blue: the fitted ${model} smile. Dropped quotes: ${Object.entries(dropped).filter(([, n]) => n > 0).map(([why, n]) => `${n} ${why}`).join("; ") || "none"}.</p>` +
  `<div style="display:flex;flex-wrap:wrap">${fits.map(svg).join("")}</div></body></html>\n`

/** `hedgekit calibrate` */
export const calibrate = Command.make(
  "calibrate",
  {
    chain: Flag.String("chain").pipe(Flag.withDescription("a Deribit option-chain CSV (layout of data/deribit)")),
    model: Flag.Literals("model", ["svi", "sabr", "ssvi", "heston", "bates"]).pipe(Flag.withDescription("svi or sabr per expiry; ssvi, heston or bates across expiries")),
    at: Flag.Finite("at").pipe(Flag.withDescription("snapshot time, ms since epoch: the last snapshot at or before it (default: the first)"), Flag.optional),
    beta: Flag.Finite("beta").pipe(Flag.withDescription("SABR β in [0, 1] (default 1)"), Flag.withDefault(1)),
    weights: Flag.Literals("weights", ["vega", "spread", "equal"]).pipe(Flag.withDescription("quote weights: vega (default), 1/bid-ask IV spread, or equal"), Flag.withDefault("vega" as const)),
    minDays: Flag.Finite("min-days").pipe(Flag.withDescription("skip expiries closer than this many days (default 0)"), Flag.withDefault(0)),
    output: Flag.String("output").pipe(Flag.withDescription("write the parameters and fit per expiry as JSON"), Flag.optional),
    report: Flag.String("report").pipe(Flag.withDescription("write an HTML page of market vs model smiles per expiry"), Flag.optional)
  },
  (flags) =>
    Effect.gen(function*() {
      const chain = yield* readChainOrFail(flags.chain)
      const at = Option.getOrUndefined(flags.at)
      const ts = snapshotAt(chain, at)
      if (ts === undefined) return yield* new UsageError({ message: `no snapshot in ${flags.chain}${at === undefined ? "" : ` at or before ${at}`}` })
      const { dropped, expiries: all } = quotesAt(chain, ts, flags.weights)
      const expiries = all.filter((q) => q.slice.expiry * 365 >= flags.minDays && q.slice.strikes.length >= (flags.model === "svi" ? 5 : 3))
      if (expiries.length === 0) return yield* new UsageError({ message: "no expiry has enough two-sided quotes to fit" })
      const fits: Array<Fitted> = []
      let surface: Record<string, unknown> | undefined
      const attempt = <A>(f: () => A) => Effect.try({ try: f, catch: (error) => new UsageError({ message: (error as Error).message }) })
      if (flags.model === "heston" || flags.model === "bates") {
        const stochastic = flags.model === "heston"
          ? yield* attempt(() => Calibrate.heston(expiries.map((q) => q.slice)))
          : yield* attempt(() => Calibrate.bates(expiries.map((q) => q.slice)))
        surface = { ...stochastic.params, iterations: stochastic.iterations, converged: stochastic.converged }
        const price = (type: "call" | "put", F: number, K: number, T: number) =>
          flags.model === "heston" ? Heston.price(type, F, K, T, 0, stochastic.params as Heston.Params) : Bates.price(type, F, K, T, 0, stochastic.params as Bates.Params)
        expiries.forEach((q, j) => {
          const { expiry: T, forward: F } = q.slice
          fits.push({
            expiryMs: q.expiryMs, quotes: q, params: {}, rmse: stochastic.quality[j]!.rmse, maxError: stochastic.quality[j]!.maxError,
            vol: (K) => {
              const type = K >= F ? "call" : "put"
              try {
                return Black76.impliedVol(type, price(type, F, K, T), F, K, T, 0)
              } catch {
                return NaN
              }
            }
          })
        })
      } else if (flags.model === "ssvi") {
        const fit = yield* attempt(() => Calibrate.ssvi(expiries.map((q) => q.slice)))
        surface = { ...fit.params, butterflyFree: fit.checks.butterfly.ok, calendarFree: fit.checks.calendar.ok }
        expiries.forEach((q, j) => {
          const theta = fit.thetas[j]!
          fits.push({
            expiryMs: q.expiryMs, quotes: q, params: { theta }, rmse: fit.quality[j]!.rmse, maxError: fit.quality[j]!.maxError,
            butterfly: Svi.butterfly(Svi.ssviSlice(fit.params, theta)).ok,
            vol: (K) => Math.sqrt(Svi.ssviTotalVariance(fit.params, theta, Math.log(K / q.slice.forward)) / q.slice.expiry)
          })
        })
      } else {
        for (const q of expiries) {
          if (flags.model === "svi") {
            const fit = yield* attempt(() => Calibrate.svi(q.slice))
            fits.push({ expiryMs: q.expiryMs, quotes: q, params: { ...fit.params }, rmse: fit.quality.rmse, maxError: fit.quality.maxError, butterfly: fit.butterfly.ok, vol: (K) => Svi.impliedVol(fit.params, q.slice.forward, K, q.slice.expiry) })
          } else {
            const fit = yield* attempt(() => Calibrate.sabr(q.slice, flags.beta))
            fits.push({ expiryMs: q.expiryMs, quotes: q, params: { ...fit.params }, rmse: fit.quality.rmse, maxError: fit.quality.maxError, vol: (K) => Sabr.lognormalVol(q.slice.forward, K, q.slice.expiry, fit.params) })
          }
        }
      }
      // Calendar check of independently fitted SVI slices, over the log-moneyness their quotes span.
      const span = (f: Fitted) => Math.max(...Array.from(f.quotes.slice.strikes, (K) => Math.abs(Math.log(K / f.quotes.slice.forward))))
      const calendar = flags.model === "svi"
        ? fits.slice(1).every((f, i) => Svi.calendar(fits[i]!.params as unknown as Svi.Raw, f.params as unknown as Svi.Raw, Math.min(span(f), span(fits[i]!))).ok)
        : undefined
      const lines = [
        `${flags.model.toUpperCase()} fitted to ${flags.chain} at ${new Date(ts).toISOString()} (weights: ${flags.weights})`,
        `dropped: ${Object.entries(dropped).filter(([, n]) => n > 0).map(([why, n]) => `${n} ${why}`).join("; ") || "none"}`,
        ...(surface === undefined ? [] : [`surface: ${JSON.stringify(surface)}`]),
        ["expiry".padEnd(11), "days".padStart(6), "quotes".padStart(6), "RMSE pt".padStart(8), "max pt".padStart(7), "butterfly".padStart(9), "  parameters"].join(" "),
        ...fits.map((f) =>
          [
            day(f.expiryMs).padEnd(11),
            (f.quotes.slice.expiry * 365).toFixed(1).padStart(6),
            String(f.quotes.slice.strikes.length).padStart(6),
            (f.rmse * 100).toFixed(3).padStart(8),
            (f.maxError * 100).toFixed(2).padStart(7),
            (f.butterfly === undefined ? "—" : f.butterfly ? "ok" : "ARB").padStart(9),
            "  " + Object.entries(f.params).map(([k, v]) => `${k}=${typeof v === "number" ? v.toPrecision(5) : v}`).join(" ")
          ].join(" ")
        ),
        ...(calendar === undefined ? [] : [`calendar (total variance non-decreasing between consecutive expiries, over the quoted log-moneyness): ${calendar ? "ok" : "ARBITRAGE"}`])
      ]
      yield* Console.log(lines.join("\n"))
      const output = Option.getOrUndefined(flags.output)
      if (output !== undefined) {
        writeFileSync(output, JSON.stringify({
          model: flags.model, source: flags.chain, timestampMs: ts, weights: flags.weights, dropped, surface, calendarFree: calendar,
          expiries: fits.map((f) => ({ expiryMs: f.expiryMs, expiry: f.quotes.slice.expiry, forward: f.quotes.slice.forward, quotes: f.quotes.slice.strikes.length, params: f.params, rmse: f.rmse, maxError: f.maxError, butterflyFree: f.butterfly }))
        }, null, 2) + "\n")
      }
      const page = Option.getOrUndefined(flags.report)
      if (page !== undefined) writeFileSync(page, report(flags.model, ts, fits, dropped, flags.chain))
    })
).pipe(
  Command.withDescription("Fit SVI or SABR per expiry, or SSVI, Heston or Bates across expiries, to one snapshot of a Deribit chain; print the fit per expiry."),
  Command.withExamples([
    { command: "hedgekit calibrate --chain data/deribit/deribit_btc_option_chain_weekly.csv --model svi --report smiles.html", description: "SVI per expiry, with a plot" },
    { command: "hedgekit calibrate --chain data/deribit/deribit_btc_options_27MAR26.csv --model sabr --at 1770000000000", description: "SABR (β = 1) at a later snapshot" }
  ])
)
