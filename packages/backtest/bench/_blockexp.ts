import { runShare } from "./engineRun.js"
const P = 10000, S = 720
for (const block of [10000, 2048, 1024, 512, 256]) {
  runShare(Math.min(block, 2000), 100, 0)
  let t = 0, cpu = 0
  for (let first = 0; first < P; first += block) { const r = runShare(Math.min(block, P - first), S, first); t += r.seconds }
  console.log(block, (t / (P * S) * 1e9).toFixed(1), "ns/path-step")
}
