import { parentPort, workerData } from "node:worker_threads"
import { runShare } from "./engineRun.js"

// warm up, say so, then run the share each time told (the start-up is not the engine's). The warm-up is the whole share,
// twice: a fresh thread's code keeps being re-optimized in the background through its first two full runs (code paths
// first met late in a run, such as expiry, deoptimize it), and with two workers on two cores those compile threads
// take CPU from the workers. After two runs they are idle and the thread runs at its steady speed.
const { paths, steps, firstPath, normals } = workerData as { paths: number; steps: number; firstPath: number; normals: "inversion" | "ziggurat" }
for (let warm = 0; warm < 2; warm++) runShare(paths, steps, firstPath, normals)
parentPort!.postMessage({ ready: true })
parentPort!.on("message", () => parentPort!.postMessage(runShare(paths, steps, firstPath, normals)))
