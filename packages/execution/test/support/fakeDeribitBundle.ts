/**
 * Runs the fake Deribit in its own Node process (Node 20 cannot run `.ts`): `bundleFakeDeribit` bundles
 * `fakeDeribitMain.ts` with esbuild (tsup's copy) into `packages/execution/.cache/fakeDeribit.mjs` (`ws` stays
 * external and resolves from the package's `node_modules`); `spawnFakeDeribit` starts it and waits for its ready
 * line. Used by crash-recovery harnesses that kill the client process while the exchange keeps its state.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const packageRoot = join(here, "..", "..")

interface EsbuildLike {
  readonly build: (options: Record<string, unknown>) => Promise<{ readonly errors: ReadonlyArray<unknown> }>
}

/** esbuild is not a dependency of this package: resolve it through tsup, which depends on it. */
const loadEsbuild = (): EsbuildLike => {
  const require = createRequire(join(packageRoot, "package.json"))
  const tsupEntry = require.resolve("tsup")
  return createRequire(tsupEntry)("esbuild") as EsbuildLike
}

/** Bundles a script of this folder into `.cache/` (`external` packages resolve from the package's node_modules). */
export const bundleScript = async (entry: string, outfile: string, external: ReadonlyArray<string>): Promise<string> => {
  mkdirSync(dirname(outfile), { recursive: true })
  const result = await loadEsbuild().build({
    entryPoints: [join(here, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external,
    logLevel: "silent"
  })
  if (result.errors.length > 0) throw new Error(`bundling ${entry} failed: ${JSON.stringify(result.errors)}`)
  return outfile
}

/** Bundles the standalone fake; returns the path of the `.mjs`. */
export const bundleFakeDeribit = (outfile: string = join(packageRoot, ".cache", "fakeDeribit.mjs")): Promise<string> =>
  bundleScript("fakeDeribitMain.ts", outfile, ["ws"])

/** Bundles the crash tests' client (the live loop on the Deribit adapter); returns the path of the `.mjs`. */
export const bundleCrashClient = (outfile: string = join(packageRoot, ".cache", "crashClient.mjs")): Promise<string> =>
  bundleScript("crashClient.ts", outfile, ["ws", "better-sqlite3"])

export interface FakeDeribitProcess {
  readonly url: string
  readonly port: number
  readonly child: ChildProcess
  /** SIGTERM, then wait for the exit. */
  readonly stop: () => Promise<void>
}

/** Starts a bundled fake (see `bundleFakeDeribit`) and waits for its ready line. */
export const spawnFakeDeribit = (bundle: string, args: ReadonlyArray<string> = [], timeoutMs = 10_000): Promise<FakeDeribitProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`the fake Deribit did not start within ${timeoutMs} ms: ${err}`))
    }, timeoutMs)
    child.stderr!.on("data", (chunk: Buffer) => {
      err += chunk.toString()
    })
    child.on("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`the fake Deribit exited with ${code}: ${err}`))
    })
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split("\n").find((l) => l.startsWith("{"))
      if (line === undefined) return
      clearTimeout(timer)
      const ready = JSON.parse(line) as { url: string; port: number }
      child.removeAllListeners("exit")
      resolve({
        url: ready.url,
        port: ready.port,
        child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done()
            child.once("exit", () => done())
            child.kill("SIGTERM")
          })
      })
    })
  })

/**
 * One JSON-RPC call to a fake (typically a `fake/*` control method on a fake in another process) on a fresh
 * connection; resolves with the `result`, rejects with the error's message.
 */
export const callFake = async (url: string, method: string, params: Record<string, unknown> = {}, timeoutMs = 5_000): Promise<unknown> => {
  const { WebSocket } = await import("ws")
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    const timer = setTimeout(() => {
      ws.terminate()
      reject(new Error(`${method}: no answer within ${timeoutMs} ms`))
    }, timeoutMs)
    ws.once("error", (error) => {
      clearTimeout(timer)
      reject(error)
    })
    ws.once("open", () => ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params })))
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString()) as { id?: unknown; result?: unknown; error?: { message?: string } }
      if (message.id !== 1) return
      clearTimeout(timer)
      ws.close()
      if (message.error !== undefined) reject(new Error(`${method}: ${message.error.message ?? "error"}`))
      else resolve(message.result)
    })
  })
}
