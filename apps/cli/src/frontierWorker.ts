/**
 * A worker of `hedgekit frontier`: runs the simulated backtest of each policy point it is sent and posts back its
 * summary.
 */
import { parentPort } from "node:worker_threads"
import { runSimulated, type BacktestConfig } from "./BacktestCommand.js"
import * as Plugins from "./Plugins.js"

// the policies of the project's plugins, as the main thread loaded them (same working directory, same config)
const ready = Plugins.load()

parentPort!.on("message", async (job: { readonly id: number; readonly config: BacktestConfig; readonly name: string; readonly spec: unknown }) => {
  try {
    await ready
    const run = runSimulated(job.config, job.name, job.spec)
    parentPort!.postMessage({ id: job.id, summary: run.summary, pnl: run.pnl }, [run.pnl.buffer as ArrayBuffer])
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) })
  }
})
