/**
 * Smile models and calibration: per-option time of the SABR and SVI vols (their accuracy is in the tests: SABR
 * equals its published formulas to 1e-14), and the time of each calibration on the first snapshot of the bundled
 * Deribit chain (out-of-the-money two-sided quotes, vega weights), with its RMSE in vol points.
 *
 *   cd packages/models && pnpm run bench     (or: tsup bench/smiles.ts … && node .cache/bench/smiles.js)
 */
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import * as Black76 from "../src/Black76.js"
import * as Calibrate from "../src/Calibrate.js"
import * as Sabr from "../src/Sabr.js"
import * as Svi from "../src/Svi.js"

const median = (xs: Array<number>) => xs.sort((a, b) => a - b)[xs.length >> 1]!
const time = (run: () => void, reps = 7): number => {
  run()
  const t: Array<number> = []
  for (let k = 0; k < reps; k++) {
    const t0 = process.hrtime.bigint()
    run()
    t.push(Number(process.hrtime.bigint() - t0) / 1e9)
  }
  return median(t)
}
let checksum = 0

const N = 200_000
const strikes = Float64Array.from({ length: N }, (_, i) => 60_000 * Math.exp(-1 + (2 * (i % 1000)) / 999))
const sabr = { alpha: 0.55, beta: 1, correlation: -0.3, volOfVol: 1.4 }
const svi = { a: 0.01, b: 0.08, rho: -0.35, m: 0.05, sigma: 0.15 }
const tSabr = time(() => {
  for (let i = 0; i < N; i++) checksum += Sabr.lognormalVol(60_000, strikes[i]!, 0.25, sabr)
})
const tSvi = time(() => {
  for (let i = 0; i < N; i++) checksum += Svi.totalVariance(svi, Math.log(strikes[i]! / 60_000))
})

const text = readFileSync(resolve(process.cwd(), "../../data/deribit/deribit_btc_option_chain_weekly.csv"), "utf8").trim().split("\n")
const cols = text[0]!.split(",")
const rows = text.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i]!, v])) as Record<string, string>)
const ts = rows[0]!.timestamp_ms!
const byExpiry = new Map<string, Array<Record<string, string>>>()
for (const r of rows) {
  if (r.timestamp_ms !== ts || r.bid_price === "" || r.ask_price === "" || Number(r.bid_price) > Number(r.ask_price) || !(Number(r.implied_volatility) > 0)) continue
  byExpiry.set(r.expiry_ms!, [...(byExpiry.get(r.expiry_ms!) ?? []), r])
}
const slices: Array<Calibrate.Slice> = []
for (const [expiryMs, rs] of byExpiry) {
  const F = Number(rs[0]!.underlying)
  const otm = rs.filter((r) => (r.option_type === "call") === (Number(r.strike) >= F))
  const T = (Number(expiryMs) - Number(ts)) / (365 * 86_400_000)
  if (otm.length < 6 || T < 3 / 365) continue
  const k = otm.map((r) => Number(r.strike)), v = otm.map((r) => Number(r.implied_volatility))
  slices.push({ forward: F, expiry: T, strikes: k, vols: v, weights: otm.map((r, i) => Black76.greeks(r.option_type as "call", F, k[i]!, T, 0, v[i]!).vega / F) })
}
const quotes = slices.reduce((a, s) => a + s.strikes.length, 0)
const rmse = (qs: ReadonlyArray<{ readonly rmse: number }>) => `${(Math.min(...qs.map((q) => q.rmse)) * 100).toFixed(2)}–${(Math.max(...qs.map((q) => q.rmse)) * 100).toFixed(2)}`
const fits: Array<[string, number, string]> = []
let q: ReadonlyArray<{ readonly rmse: number }> = []
fits.push(["SVI per expiry (all expiries)", time(() => { q = slices.map((s) => Calibrate.svi(s).quality) }, 3), ""])
fits[fits.length - 1]![2] = rmse(q)
fits.push(["SABR β = 1 per expiry (all expiries)", time(() => { q = slices.map((s) => Calibrate.sabr(s, 1).quality) }, 3), ""])
fits[fits.length - 1]![2] = rmse(q)
fits.push(["SSVI surface", time(() => { q = Calibrate.ssvi(slices).quality }, 3), ""])
fits[fits.length - 1]![2] = rmse(q)
fits.push(["Heston surface", time(() => { q = Calibrate.heston(slices).quality }, 3), ""])
fits[fits.length - 1]![2] = rmse(q)
fits.push(["Bates surface", time(() => { q = Calibrate.bates(slices).quality }, 3), ""])
fits[fits.length - 1]![2] = rmse(q)

const out = [
  "",
  `## Smiles and calibration (Node ${process.version})`,
  "",
  "| model | µs per option |",
  "|---|---:|",
  `| SABR lognormal vol (Obłój) | ${((tSabr / N) * 1e6).toFixed(3)} |`,
  `| SVI total variance | ${((tSvi / N) * 1e6).toFixed(3)} |`,
  "",
  `Calibration to the bundled chain's first snapshot: ${slices.length} expiries from 3 days, ${quotes} quotes, vega weights.`,
  "",
  "| fit | ms median | RMSE per expiry, vol points |",
  "|---|---:|---|",
  ...fits.map(([name, t, r]) => `| ${name} | ${(t * 1e3).toFixed(1)} | ${r} |`),
  "",
  `(checksum ${checksum.toPrecision(6)})`
]
process.stdout.write(out.join("\n") + "\n")
