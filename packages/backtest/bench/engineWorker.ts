import { parentPort, workerData } from "node:worker_threads"
import { batch, runShare } from "./engineRun.js"

// warm up (WARM full runs of the share: see engine.ts), say so, then run the share when told, as many times as told,
// back to back (as a pool's worker runs job after job); the start-up is not the engine's
const { paths, steps, firstPath, normals, warm } = workerData as { paths: number; steps: number; firstPath: number; normals: "inversion" | "ziggurat"; warm: number }
for (let w = 0; w < warm; w++) runShare(paths, steps, firstPath, normals)
parentPort!.postMessage({ ready: true })
parentPort!.on("message", (runs: number) => parentPort!.postMessage(batch(runs, () => runShare(paths, steps, firstPath, normals))))
