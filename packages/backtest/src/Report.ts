/**
 * The report of backtest runs: one self-contained HTML page (charts, tables, notes) and a JSON summary.
 *
 * The page needs no network: the chart library (uPlot, MIT) is read from `node_modules` when the page is made
 * and inlined with its style sheet; the data are inlined as JSON. It shows, per policy: the P&L distribution
 * (histograms on shared bins, with the mean and −VaR 95 % marked), for each run with a series the hedge's delta
 * against the book's (a full hedge mirrors −book delta) with the P&L and the index, the mean P&L attribution as a
 * waterfall (delta, gamma, theta, vega, vanna, volga, funding, fees, slippage, residual → total), the
 * cost/risk frontier when given, and a summary table. Every string of the input is escaped.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { mkdir, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import * as path from "node:path"
import { InvalidInput } from "@hedgekit/sdk"
import * as Engine from "./Engine.js"
import * as Page from "./internal/reportPage.js"
import type * as Summary from "./Summary.js"

/**
 * One path over time (a historical run, or the first simulated path), one value per decision time.
 *
 * @since 0.1.0
 * @category models
 */
export interface Series {
  /** Epoch milliseconds (UTC). */
  readonly timeMs: ArrayLike<number>
  /** The index, USD. */
  readonly spot: ArrayLike<number>
  /** The book's delta and the hedge's, coins of the underlying. */
  readonly bookDelta: ArrayLike<number>
  readonly hedgeDelta: ArrayLike<number>
  /** P&L since the opening, accounting currency. */
  readonly pnl: ArrayLike<number>
}

/**
 * One run of a policy: its summary, the P&L of every path and optionally one path over time.
 *
 * @since 0.1.0
 * @category models
 */
export interface Run {
  readonly summary: Summary.Summary
  /** P&L per path, accounting currency. */
  readonly pnl: ArrayLike<number>
  readonly series?: Series
}

/**
 * One point of the cost/risk frontier: a policy at one setting of its parameters.
 *
 * @since 0.1.0
 * @category models
 */
export interface FrontierPoint {
  readonly policy: string
  /** The setting, e.g. "h = 0.5". */
  readonly label: string
  /** Mean costs per path (fees, slippage, funding), accounting currency, positive = paid. */
  readonly cost: number
  /** The risk measure (P&L standard deviation by default, see `ReportInput.frontierRisk`), accounting currency. */
  readonly risk: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ReportInput {
  readonly title: string
  /** Where the data come from, e.g. "Deribit BTC-27MAR26 chain + Binance BTCUSDT perpetual, 2026-01-01 → 2026-03-27". */
  readonly source: string
  readonly accounting: "usd" | "coin"
  /** The accounting currency: "USD" or the coin ("BTC"). */
  readonly currency: string
  readonly runs: ReadonlyArray<Run>
  /** Mean costs against P&L std (or CVaR), accounting currency. */
  readonly frontier?: ReadonlyArray<FrontierPoint>
  readonly notes?: ReadonlyArray<string>
  /** What the frontier's risk is (default "P&L std"). */
  readonly frontierRisk?: string
  /** The unit of the deltas (default "coins"), e.g. "BTC". */
  readonly underlying?: string
}

/**
 * The file names {@link write} produced.
 *
 * @since 0.1.0
 * @category models
 */
export interface Written {
  readonly html: string
  readonly json: string
}

/**
 * Escapes text for an HTML text node or a quoted attribute.
 *
 * @since 0.1.0
 * @category formatting
 */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"))

/** JSON safe inside a `<script>` element: no `<` (so no `</script>` or `<!--`), no line separators. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029")

const big = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 })
const sig = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 })

/** A number for a table: grouped whole numbers from 1,000, else four significant digits; a dash when not finite. */
const fmt = (x: number): string => (!Number.isFinite(x) ? "–" : Math.abs(x) >= 1000 ? big.format(x) : sig.format(x + 0)) // + 0: no "-0"

/** Rounds to 8 significant digits to keep the page small; non-finite values become gaps (null). */
const round = (x: number): number | null => (Number.isFinite(x) ? Number(x.toPrecision(8)) : null)

// -------------------------------------------------------------------------------------------------------------
// the chart library, read once from node_modules
// -------------------------------------------------------------------------------------------------------------

interface Library {
  readonly version: string
  readonly js: string
  readonly css: string
}

let library: Library | undefined

const loadLibrary = (): Library => {
  if (library) return library
  const require = createRequire(import.meta.url)
  const read = (id: string) => readFileSync(require.resolve(id), "utf8")
  const js = read("uplot/dist/uPlot.iife.min.js")
  const css = read("uplot/dist/uPlot.min.css")
  const version = (JSON.parse(read("uplot/package.json")) as { version: string }).version
  // an inline script or style ends at the first `</script` or `</style`: the files must hold none
  if (/<\/script|<!--/i.test(js) || /<\/style/i.test(css)) {
    throw new InvalidInput({ field: "uplot", value: version, expected: "a uPlot build with no `</script` or `<!--` in it (it is inlined)" })
  }
  library = { version, js, css }
  return library
}

// -------------------------------------------------------------------------------------------------------------
// data for the page
// -------------------------------------------------------------------------------------------------------------

/** Names shown for each run: the policy's, with "(2)", "(3)" … when a name repeats. */
const runNames = (runs: ReadonlyArray<Run>): Array<string> => {
  const seen = new Map<string, number>()
  return runs.map((r) => {
    const n = (seen.get(r.summary.policy) ?? 0) + 1
    seen.set(r.summary.policy, n)
    return n === 1 ? r.summary.policy : `${r.summary.policy} (${n})`
  })
}

const quantileOfSorted = (x: Float64Array, q: number): number => {
  const h = (x.length - 1) * q
  const i = Math.floor(h)
  return x[i]! + (h - i) * ((x[Math.min(i + 1, x.length - 1)] ?? x[i]!) - x[i]!)
}

interface Histogram {
  /** Bin edges (bins + 1), accounting currency. */
  readonly edges: Array<number | null>
  /** Per run: % of its paths in each bin (the last value, at the last edge, is 0). */
  readonly share: Array<Array<number | null>>
  readonly mean: Array<number | null>
  /** −VaR 95 %: the P&L at the 5 % quantile. */
  readonly var95: Array<number | null>
  /** Whether tails beyond the 0.2 % and 99.8 % pooled quantiles were folded into the end bins. */
  readonly folded: boolean
}

/**
 * Histograms of every run's P&L on shared bins: the range is the pooled 0.2–99.8 % quantiles (tails beyond fold
 * into the end bins), the bin width Freedman–Diaconis' for the smallest run, 12 to 80 bins.
 */
const histogram = (runs: ReadonlyArray<Run>): Histogram => {
  let total = 0
  for (const r of runs) total += r.pnl.length
  const pooled = new Float64Array(total)
  let j = 0
  for (const r of runs) for (let i = 0; i < r.pnl.length; i++) pooled[j++] = r.pnl[i]!
  const sorted = pooled.filter(Number.isFinite).sort()
  let lo = sorted.length > 0 ? quantileOfSorted(sorted, 0.002) : -1
  let hi = sorted.length > 0 ? quantileOfSorted(sorted, 0.998) : 1
  if (!(hi > lo) && sorted.length > 0) {
    lo = sorted[0]!
    hi = sorted[sorted.length - 1]!
  }
  if (!(hi > lo)) {
    const w = Math.abs(lo) * 0.01 || 1
    lo -= w
    hi += w
  }
  const folded = sorted.length > 0 && (sorted[0]! < lo || sorted[sorted.length - 1]! > hi)
  const n = Math.max(1, Math.min(...runs.map((r) => r.pnl.length)))
  const iqr = sorted.length > 3 ? quantileOfSorted(sorted, 0.75) - quantileOfSorted(sorted, 0.25) : 0
  const fd = iqr > 0 ? Math.ceil((hi - lo) / (2 * iqr * Math.cbrt(1 / n))) : 24
  const bins = Math.max(12, Math.min(80, fd))
  const width = (hi - lo) / bins
  const edges = Array.from({ length: bins + 1 }, (_, b) => round(lo + b * width))
  const share = runs.map((r) => {
    const counts = new Float64Array(bins + 1)
    let m = 0
    for (let i = 0; i < r.pnl.length; i++) {
      const x = r.pnl[i]!
      if (!Number.isFinite(x)) continue
      counts[Math.max(0, Math.min(bins - 1, Math.floor((x - lo) / width)))]! += 1
      m++
    }
    return Array.from(counts, (c) => round(m > 0 ? (100 * c) / m : 0))
  })
  return {
    edges,
    share,
    mean: runs.map((r) => round(r.summary.pnl.mean)),
    var95: runs.map((r) => round(-r.summary.pnl.var95)),
    folded
  }
}

const MAX_POINTS = 4000

/** The series in seconds, thinned to at most {@link MAX_POINTS} points (every k-th, and the last). */
const seriesData = (run: number, s: Series) => {
  const n = s.timeMs.length
  const stride = Math.max(1, Math.ceil(n / MAX_POINTS))
  const idx: Array<number> = []
  for (let i = 0; i < n; i += stride) idx.push(i)
  if (n > 0 && idx[idx.length - 1] !== n - 1) idx.push(n - 1)
  const pick = (xs: ArrayLike<number>) => idx.map((i) => round(xs[i]!))
  return {
    run,
    stride,
    t: idx.map((i) => s.timeMs[i]! / 1000),
    spot: pick(s.spot),
    book: pick(s.bookDelta),
    hedge: pick(s.hedgeDelta),
    pnl: pick(s.pnl)
  }
}

const checkInput = (input: ReportInput): void => {
  if (input.runs.length === 0) throw new InvalidInput({ field: "runs", value: [], expected: "at least one run" })
  input.runs.forEach((r, k) => {
    if (r.pnl.length === 0) throw new InvalidInput({ field: `runs[${k}].pnl`, value: [], expected: "the P&L of at least one path" })
    const s = r.series
    if (s === undefined) return
    const n = s.timeMs.length
    for (const f of ["spot", "bookDelta", "hedgeDelta", "pnl"] as const) {
      if (s[f].length !== n) throw new InvalidInput({ field: `runs[${k}].series.${f}`, value: s[f].length, expected: `one value per time (${n})` })
    }
    for (let i = 1; i < n; i++) {
      if (!(s.timeMs[i]! >= s.timeMs[i - 1]!)) throw new InvalidInput({ field: `runs[${k}].series.timeMs[${i}]`, value: s.timeMs[i], expected: "times in ascending order" })
    }
  })
}

// -------------------------------------------------------------------------------------------------------------
// the page
// -------------------------------------------------------------------------------------------------------------

const swatch = (color: string) => `<span class="swatch" style="background:${color}"></span>`

const summaryTable = (input: ReportInput, names: ReadonlyArray<string>, colors: ReadonlyArray<string>): string => {
  const c = escapeHtml(input.currency)
  const head = [
    "Policy", "Paths", "Rebalances<br>(trades/path)", `Mean P&amp;L<br>(${c})`, `Std<br>(${c})`, `VaR 95 %<br>(${c})`, `CVaR 95 %<br>(${c})`,
    `VaR 99 %<br>(${c})`, `CVaR 99 %<br>(${c})`, `Fees<br>(${c}/path)`, `Funding<br>(${c}/path)`, `Slippage<br>(${c}/path)`
  ]
  const rows = input.runs.map((r, k) => {
    const s = r.summary
    const p = s.pnl
    const cells = [s.paths, s.rebalances, p.mean, p.std, p.var95, p.cvar95, p.var99, p.cvar99, s.fees, s.funding, s.slippage]
    return `<tr><td>${swatch(colors[k]!)}${escapeHtml(names[k]!)}</td>${cells.map((x) => `<td>${fmt(x)}</td>`).join("")}</tr>`
  })
  return `<div class="table-wrap"><table id="summary-table"><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table></div>`
}

const attributionTable = (input: ReportInput, names: ReadonlyArray<string>, colors: ReadonlyArray<string>): string => {
  const head = `<tr><th scope="col">Term (${escapeHtml(input.currency)}/path)</th>${names.map((n, k) => `<th scope="col">${swatch(colors[k]!)}${escapeHtml(n)}</th>`).join("")}</tr>`
  const rows = Engine.attributionTerms.map((t) => `<tr><td>${escapeHtml(t)}</td>${input.runs.map((r) => `<td>${fmt(r.summary.attribution[t])}</td>`).join("")}</tr>`)
  const totals = input.runs.map((r) => Engine.attributionTerms.reduce((a, t) => a + r.summary.attribution[t], 0))
  rows.push(`<tr class="total"><td>total</td>${totals.map((x) => `<td>${fmt(x)}</td>`).join("")}</tr>`)
  return `<div class="table-wrap"><table id="attribution-table"><thead>${head}</thead><tbody>${rows.join("")}</tbody></table></div>`
}

/**
 * The report as one self-contained HTML page (no network: the chart library and the data are inline).
 *
 * @since 0.1.0
 * @category rendering
 */
export const html = (input: ReportInput): string => {
  checkInput(input)
  const lib = loadLibrary()
  const names = runNames(input.runs)
  const colors = input.runs.map((_, k) => Page.palette[k % Page.palette.length]!)
  const cur = escapeHtml(input.currency)
  const underlying = input.underlying ?? "coins"

  const series = input.runs.flatMap((r, k) => (r.series && r.series.timeMs.length > 0 ? [seriesData(k, r.series)] : []))
  const hist = histogram(input.runs)
  const frontier = input.frontier && input.frontier.length > 0 ? input.frontier : undefined
  const frontierGroups = frontier
    ? [...new Set(frontier.map((p) => p.policy))].map((policy, g) => {
      const k = names.indexOf(policy)
      return {
        policy,
        color: k >= 0 ? colors[k]! : Page.palette[(input.runs.length + g) % Page.palette.length]!,
        points: frontier.filter((p) => p.policy === policy && Number.isFinite(p.cost) && Number.isFinite(p.risk))
          .map((p) => ({ label: p.label, cost: round(p.cost), risk: round(p.risk) }))
      }
    })
    : undefined

  const data = {
    currency: input.currency,
    underlying,
    terms: Engine.attributionTerms,
    policies: names.map((name, k) => ({ name, color: colors[k]! })),
    hist,
    series,
    waterfall: input.runs.map((r, k) => ({ run: k, values: Engine.attributionTerms.map((t) => round(r.summary.attribution[t]) ?? 0) })),
    frontier: frontierGroups ? { riskLabel: input.frontierRisk ?? "P&L std", groups: frontierGroups } : null
  }

  const runSections = series.map((s) => {
    const r = input.runs[s.run]!
    const from = new Date(s.t[0]! * 1000).toISOString().slice(0, 16).replace("T", " ")
    const to = new Date(s.t[s.t.length - 1]! * 1000).toISOString().slice(0, 16).replace("T", " ")
    const paths = r.summary.paths > 1 ? "The first simulated path" : "The path"
    const thinned = s.stride > 1 ? `; every ${s.stride}th point shown` : ""
    return `<div class="run"><h3>${swatch(colors[s.run]!)}${escapeHtml(names[s.run]!)}</h3>` +
      `<p class="caption">${paths}, ${escapeHtml(from)} → ${escapeHtml(to)} UTC, ${s.t.length} points${thinned}. ` +
      `Deltas in ${escapeHtml(underlying)}; a full hedge mirrors −book delta, and net delta is what is left unhedged.</p>` +
      `<div class="chart" id="chart-delta-${s.run}" data-chart="delta"></div>` +
      `<div class="chart" id="chart-pnl-${s.run}" data-chart="pnl"></div></div>`
  })

  const waterfalls = input.runs.map((_, k) =>
    `<div><h3>${swatch(colors[k]!)}${escapeHtml(names[k]!)}</h3><div class="chart" id="chart-waterfall-${k}" data-chart="waterfall"></div></div>`)

  const accounting = input.accounting === "coin" ? "coin (P&amp;L in the coin)" : "USD"
  const notes = input.notes && input.notes.length > 0
    ? `<section id="notes"><h2>Notes</h2><ul class="notes">${input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul></section>`
    : ""

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(input.title)}</title>
<style>${lib.css}</style>
<style>${Page.css}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(input.title)}</h1>
<p id="source">${escapeHtml(input.source)}</p>
<p>Accounting: ${accounting} · amounts in ${cur} · ${input.runs.length} run${input.runs.length === 1 ? "" : "s"}</p>
</header>
<noscript><p>The charts need JavaScript; the tables below do not.</p></noscript>
<section id="summary">
<h2>Summary</h2>
<p class="caption">P&amp;L per path in ${cur}; VaR and CVaR are losses (positive = loss). Fees, funding and slippage are mean amounts paid per path (positive = paid).</p>
${summaryTable(input, names, colors)}
</section>
<section id="distribution">
<h2>P&amp;L distribution</h2>
<p class="caption">Share of paths per P&amp;L bin (${cur}), shared bins. Solid line: mean; dashed: −VaR 95 % (the 5 % quantile).${hist.folded ? " Tails beyond the pooled 0.2 % and 99.8 % quantiles are counted in the end bins." : ""}</p>
<div class="chart" id="chart-distribution" data-chart="distribution"></div>
</section>
${series.length > 0 ? `<section id="deltas">
<h2>Hedge against book delta</h2>
${runSections.join("\n")}
</section>` : ""}
<section id="attribution">
<h2>P&amp;L attribution</h2>
<p class="caption">Mean contribution of each term per path (${cur}), from zero to the mean P&amp;L (total). Green adds, red takes away.</p>
<div class="grid">${waterfalls.join("")}</div>
${attributionTable(input, names, colors)}
</section>
${frontierGroups ? `<section id="frontier">
<h2>Cost against risk</h2>
<p class="caption">Mean cost per path against ${escapeHtml(input.frontierRisk ?? "P&L std")} (${cur}); each point is one setting of a policy. Down and to the left is better.</p>
<div class="chart" id="chart-frontier" data-chart="frontier"></div>
</section>` : ""}
${notes}
<footer>Charts drawn with uPlot ${escapeHtml(lib.version)} (MIT License, © Leon Sorokin), included in this file.</footer>
</main>
<script type="application/json" id="hk-data">${scriptJson(data)}</script>
<script>${lib.js}</script>
<script>${Page.script}</script>
</body>
</html>
`
}

/**
 * The summaries, frontier and notes as JSON (not the per-path arrays).
 *
 * @since 0.1.0
 * @category rendering
 */
export const json = (input: ReportInput): string =>
  JSON.stringify({
    title: input.title,
    source: input.source,
    accounting: input.accounting,
    currency: input.currency,
    runs: input.runs.map((r) => r.summary),
    frontier: input.frontier ?? [],
    notes: input.notes ?? []
  }, null, 2) + "\n"

/**
 * Writes `index.html` and `summary.json` into `dir` (created if needed) and returns their paths.
 *
 * @since 0.1.0
 * @category rendering
 */
export const write = async (dir: string, input: ReportInput): Promise<Written> => {
  const page = html(input)
  await mkdir(dir, { recursive: true })
  const files = { html: path.join(dir, "index.html"), json: path.join(dir, "summary.json") }
  await writeFile(files.html, page, "utf8")
  await writeFile(files.json, json(input), "utf8")
  return files
}
