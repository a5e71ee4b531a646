import { parentPort, workerData } from "node:worker_threads"
import { runShare } from "./engineRun.js"

// warm up, say so, then run the share when told (the start-up is not the engine's). The warm-up is the whole share
// once: the one-core figure is taken after several full runs, and a fresh thread's WebAssembly runs in V8's baseline
// tier until its optimizing compile lands in the background, which a short warm-up does not wait for.
const { paths, steps, firstPath, normals } = workerData as { paths: number; steps: number; firstPath: number; normals: "inversion" | "ziggurat" }
runShare(paths, steps, firstPath, normals)
parentPort!.postMessage({ ready: true })
parentPort!.once("message", () => parentPort!.postMessage(runShare(paths, steps, firstPath, normals)))
