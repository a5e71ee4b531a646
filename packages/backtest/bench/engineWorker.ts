import { parentPort, workerData } from "node:worker_threads"
import { runShare } from "./engineRun.js"

// warm up as the one-core run does, say so, then run the share when told (the start-up is not the engine's)
const { paths, steps, firstPath, normals } = workerData as { paths: number; steps: number; firstPath: number; normals: "inversion" | "ziggurat" }
runShare(Math.min(512, paths), steps, firstPath, normals)
parentPort!.postMessage({ ready: true })
parentPort!.once("message", () => parentPort!.postMessage(runShare(paths, steps, firstPath, normals)))
