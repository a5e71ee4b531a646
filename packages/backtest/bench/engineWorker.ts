import { parentPort, workerData } from "node:worker_threads"
import { runShare } from "./engineRun.js"

const { paths, steps, firstPath } = workerData as { paths: number; steps: number; firstPath: number }
parentPort!.postMessage(runShare(paths, steps, firstPath))
