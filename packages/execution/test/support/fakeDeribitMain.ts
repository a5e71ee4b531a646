/**
 * The fake Deribit as a standalone process (bundled to `.cache/fakeDeribit.mjs` by `bundleFakeDeribit`):
 *
 *   node .cache/fakeDeribit.mjs [--port 0] [--host 127.0.0.1] [--client-id ID] [--client-secret SECRET]
 *                               [--token-ttl 900] [--min-heartbeat 10]
 *
 * It prints one JSON line `{"ready":true,"url":…,"port":…}` on stdout once it listens, keeps its exchange state
 * for as long as it runs (clients may come and go), answers the `fake/*` control methods (e.g. `fake/orders`
 * for its order log) and exits on SIGTERM or SIGINT.
 */
import { FakeDeribit } from "./fakeDeribit.js"

const args = process.argv.slice(2)
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const number = (name: string): number | undefined => {
  const value = flag(name)
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${value}`)
  return n
}

const port = number("port")
const tokenTtlSec = number("token-ttl")
const minHeartbeatSec = number("min-heartbeat")
const host = flag("host")
const clientId = flag("client-id")
const clientSecret = flag("client-secret")

const fake = await FakeDeribit.start({
  ...(port !== undefined ? { port } : {}),
  ...(host !== undefined ? { host } : {}),
  ...(clientId !== undefined ? { clientId } : {}),
  ...(clientSecret !== undefined ? { clientSecret } : {}),
  ...(tokenTtlSec !== undefined ? { tokenTtlSec } : {}),
  ...(minHeartbeatSec !== undefined ? { minHeartbeatSec } : {})
})
process.stdout.write(`${JSON.stringify({ ready: true, url: fake.url, port: fake.port })}\n`)

const stop = () => {
  void fake.close().then(() => process.exit(0))
}
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
