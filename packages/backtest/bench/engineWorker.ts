import { parentPort, workerData } from "node:worker_threads"
import { runShare } from "./engineRun.js"

// warm up, say so, then run the share each time told (the start-up is not the engine's). The warm-up is the whole share,
// twice: a fresh thread's code keeps being re-optimized in the background through its first two full runs (code paths
// first met late in a run, such as expiry, deoptimize it), and with two workers on two cores those compile threads
// take CPU from the workers. After two runs they are idle and the thread runs at its steady speed.
const { paths, steps, firstPath, normals, warm } = workerData as { paths: number; steps: number; firstPath: number; normals: "inversion" | "ziggurat"; warm: number }
for (let w = 0; w < warm; w++) runShare(paths, steps, firstPath, normals)
parentPort!.postMessage({ ready: true })
// each "go" says how many runs to make back to back: timed together, as a pool's worker runs job after job
parentPort!.on("message", (runs: number) => {
  let seconds = 0, cpuSeconds = 0, meanPnl = NaN
  for (let r = 0; r < runs; r++) {
    const one = runShare(paths, steps, firstPath, normals)
    seconds += one.seconds
    cpuSeconds += one.cpuSeconds
    meanPnl = one.meanPnl
  }
  parentPort!.postMessage({ seconds, cpuSeconds, meanPnl })
})
