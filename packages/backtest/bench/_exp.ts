import { runShare } from "./engineRun.js"
const P = Number(process.env.P ?? 10000), R = Number(process.env.R ?? 3)
runShare(512, 720, 0, "ziggurat")
const xs = []
for (let r = 0; r < R; r++) { const t = runShare(P, 720, 0, "ziggurat"); xs.push(t.cpuSeconds / (P * 720) * 1e9) }
console.log(`P=${P} cpu ns/path-step`, xs.map(x => x.toFixed(0)).join(" "))
