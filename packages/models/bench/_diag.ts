import { readFileSync } from "node:fs"
import * as Bates from "../src/Bates.js"
import * as Heston from "../src/Heston.js"
import { grid } from "../src/internal/hestonFourier.js"
const load = (name: string) => {
  const t = JSON.parse(readFileSync(`/work/main/packages/models/test/fixtures/mpmath/${name}`, "utf8"))
  const c = (r: any, k: string) => Number(r[t.columns.indexOf(k)])
  return t.rows.map((r: any) => ({ type: r[0], F: c(r, "forward"), K: c(r, "strike"), T: c(r, "expiry"), r: c(r, "rate"),
    p: { initialVariance: c(r, "initialVariance"), meanReversion: c(r, "meanReversion"), longRunVariance: c(r, "longRunVariance"), volOfVol: c(r, "volOfVol"), correlation: c(r, "correlation"),
      jumpIntensity: t.columns.includes("jumpIntensity") ? c(r, "jumpIntensity") : 0, jumpMean: t.columns.includes("jumpMean") ? c(r, "jumpMean") : 0, jumpVol: t.columns.includes("jumpVol") ? c(r, "jumpVol") : 0 },
    ref: c(r, "price") }))
}
const verbose = process.argv.includes("-v")
for (const [name, rows, f] of [["Heston", load("heston_heston.json"), Heston.price], ["Bates", load("heston_bates.json"), Bates.price]] as const) {
  const times: number[] = [], ns: number[] = [], errs: number[] = []
  // warm
  for (let k = 0; k < 30; k++) for (const r of rows) { grid.n = 0; f(r.type, r.F, r.K, r.T, r.r, r.p) }
  rows.forEach((r: any, i: number) => {
    grid.n = 0
    const v = f(r.type, r.F, r.K, r.T, r.r, r.p)
    ns.push(grid.n); errs.push(Math.abs(v - r.ref) / r.F)
    let best = Infinity
    for (let rep = 0; rep < 7; rep++) {
      const R = 20
      const t0 = performance.now()
      for (let k = 0; k < R; k++) { grid.n = 0; f(r.type, r.F, r.K, r.T, r.r, r.p) }
      best = Math.min(best, ((performance.now() - t0) * 1000) / R)
    }
    times.push(best)
    if (verbose) console.log(i, r.T.toFixed(3), JSON.stringify(r.p), "n", grid.n, "h", grid.h.toFixed(4), "t", best.toFixed(1), "err", errs[i]!.toExponential(1))
  })
  const s = [...times].sort((a, b) => a - b), sn = [...ns].sort((a, b) => a - b)
  const mean = times.reduce((a, b) => a + b, 0) / times.length
  const wi = times.indexOf(s[s.length - 1]!)
  console.log(`${name}: time µs median ${s[s.length >> 1]!.toFixed(2)} mean ${mean.toFixed(2)} p90 ${s[Math.floor(s.length * 0.9)]!.toFixed(2)} max ${s[s.length - 1]!.toFixed(2)} (row ${wi}, n=${ns[wi]}) | nodes median ${sn[sn.length >> 1]} max ${sn[sn.length - 1]} mean ${(ns.reduce((a, b) => a + b, 0) / ns.length).toFixed(0)} | max err ${Math.max(...errs).toExponential(2)}`)
}
