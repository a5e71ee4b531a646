/**
 * `hedgekit chain`: implies the vols of a real Deribit option chain from its mark prices, values every option
 * at that vol (Black-76 on the forward, as Deribit marks) and compares with the venue's own mark IV, delta
 * and vega. Reads the Deribit chain CSV layout bundled in `data/deribit` (one row per option per snapshot).
 */
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { Black76 } from "@hedgekit/models"
import { BatchStatus, toRecord } from "@hedgekit/sdk"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import { readChainOrFail } from "./DeribitChain.js"
import type { Chain } from "./DeribitChain.js"
import { UsageError } from "./PriceCommands.js"
import { openWriter } from "./RowIO.js"

const quantile = (sorted: Float64Array, p: number): number => {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))
  return sorted[i]!
}

const fmt = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : "n/a")

interface Valued {
  readonly premiumUsd: Float64Array
  readonly vol: Float64Array
  readonly volStatus: Uint8Array
  readonly greeks: Black76.GreeksColumns
  readonly greeksStatus: Uint8Array
  readonly seconds: number
}

const value = (chain: Chain, premiumDivisor: "forward" | "index"): Valued => {
  const n = chain.length
  const price = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    // Deribit quotes the premium in BTC; in USD it is the coin price times the divisor (r = 0: undiscounted).
    price[i] = chain.markBtc[i]! * (premiumDivisor === "forward" ? chain.forward[i]! : chain.index[i]!)
  }
  const vol = new Float64Array(n)
  const volStatus = new Uint8Array(n)
  const greeks = {
    price: new Float64Array(n),
    delta: new Float64Array(n),
    gamma: new Float64Array(n),
    vega: new Float64Array(n),
    theta: new Float64Array(n),
    rho: new Float64Array(n)
  }
  const greeksStatus = new Uint8Array(n)
  const t0 = process.hrtime.bigint()
  Black76.impliedVolBatch({ ...chain, price }, vol, volStatus)
  Black76.greeksBatch({ ...chain, vol }, greeks, greeksStatus)
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  return { premiumUsd: price, vol, volStatus, greeks, greeksStatus, seconds }
}

const summarise = (chain: Chain, v: Valued, minMark: number): string => {
  const n = chain.length
  const byStatus = new Map<number, number>()
  const ivDiff: Array<number> = []
  const deltaDiff: Array<number> = []
  const vegaDiff: Array<number> = []
  for (let i = 0; i < n; i++) {
    const s = v.volStatus[i]!
    byStatus.set(s, (byStatus.get(s) ?? 0) + 1)
    // In the money, the premium is mostly intrinsic and its 1e-8 BTC rounding swamps the vol: compare where
    // the time value (the part the vol prices) is at least `minMark`.
    const F = chain.forward[i]!, K = chain.strike[i]!
    const intrinsicBtc = Math.max(chain.isCall[i] === 1 ? F - K : K - F, 0) / F
    if (s !== BatchStatus.OK || chain.markBtc[i]! - intrinsicBtc < minMark) continue
    ivDiff.push(Math.abs(v.vol[i]! - chain.markIv[i]!) * 100)
    if (Number.isFinite(chain.venueDelta[i]!)) deltaDiff.push(Math.abs(v.greeks.delta[i]! - chain.venueDelta[i]!))
    if (Number.isFinite(chain.venueVega[i]!)) vegaDiff.push(Math.abs(v.greeks.vega[i]! / 100 - chain.venueVega[i]!))
  }
  const sorted = (a: Array<number>) => Float64Array.from(a).sort()
  const iv = sorted(ivDiff), dl = sorted(deltaDiff), vg = sorted(vegaDiff)
  const expiries = new Set<number>()
  const snapshots = new Set<number>()
  for (let i = 0; i < n; i++) {
    expiries.add(chain.expiryMs[i]!)
    snapshots.add(chain.timestampMs[i]!)
  }
  const statusLines = [...byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([code, count]) =>
    `    ${BatchStatus.describe(code).label.padEnd(34)} ${count}`
  )
  const first = new Date(Math.min(...snapshots)).toISOString(), last = new Date(Math.max(...snapshots)).toISOString()
  return [
    `Deribit BTC option chain: ${n} options, ${snapshots.size} snapshots (${first} → ${last}), ${expiries.size} expiries`,
    `  implied vols and Black-76 Greeks of all ${n} rows in ${fmt(v.seconds * 1e3, 1)} ms (batch API, one pass)`,
    `  implied-vol status by row:`,
    ...statusLines,
    `  against Deribit's own numbers, rows with time value ≥ ${minMark} BTC (${iv.length} rows):`,
    `    |IV − mark IV|     median ${fmt(quantile(iv, 0.5), 4)}  p90 ${fmt(quantile(iv, 0.9), 4)}  p99 ${
      fmt(quantile(iv, 0.99), 4)
    }  vol points`,
    `    |delta − Deribit|  median ${fmt(quantile(dl, 0.5), 5)}  p90 ${fmt(quantile(dl, 0.9), 5)}  p99 ${
      fmt(quantile(dl, 0.99), 5)
    }`,
    `    |vega − Deribit|   median ${fmt(quantile(vg, 0.5), 3)}  p90 ${fmt(quantile(vg, 0.9), 3)}  p99 ${
      fmt(quantile(vg, 0.99), 3)
    }  USD per vol point`,
    `  (marks are rounded to 1e-8 BTC and Deribit's IV to 1e-6, so tiny wing premiums imply slightly different vols)`
  ].join("\n")
}

/** The typed error of a row's status, with the attainable range for a premium out of bounds. */
const rowError = (code: number, type: "call" | "put", premium: number, F: number, K: number, T: number) =>
  BatchStatus.toError(
    code,
    premium,
    code === BatchStatus.BELOW_INTRINSIC || code === BatchStatus.ABOVE_MAXIMUM
      ? Black76.priceBounds(type, F, K, T, 0)
      : undefined
  )

const write = async (chain: Chain, v: Valued, path: string): Promise<void> => {
  mkdirSync(dirname(path), { recursive: true })
  const format = path.endsWith(".jsonl") ? "jsonl" : "csv"
  const writer = openWriter(path, format, [])
  for (let i = 0; i < chain.length; i++) {
    const code = v.volStatus[i]!
    const ok = code === BatchStatus.OK
    const type = chain.isCall[i] === 1 ? "call" : "put"
    const F = chain.forward[i]!, K = chain.strike[i]!, T = chain.expiry[i]!
    await writer.write(
      {
        timestamp_ms: chain.timestampMs[i],
        instrument_name: chain.instrument[i],
        expiry_years: T,
        forward: F,
        strike: K,
        mark_btc: chain.markBtc[i],
        deribit_iv: chain.markIv[i],
        iv: ok ? v.vol[i] : null,
        delta: ok ? v.greeks.delta[i] : null,
        deribit_delta: chain.venueDelta[i],
        vega_usd_per_vol_point: ok ? v.greeks.vega[i]! / 100 : null,
        deribit_vega: chain.venueVega[i],
        gamma_per_usd: ok ? v.greeks.gamma[i] : null,
        theta_usd_per_day: ok ? v.greeks.theta[i]! / 365 : null
      },
      ok ? {} : { error: toRecord(rowError(code, type, v.premiumUsd[i]!, F, K, T)) }
    )
  }
  await writer.close()
}

/** `hedgekit chain FILE` */
export const chain = Command.make(
  "chain",
  {
    file: Argument.String("file").pipe(Argument.withDescription("a Deribit option-chain CSV (layout of data/deribit)")),
    output: Flag.String("output").pipe(
      Flag.withDescription("also write every row with our IV and Greeks (.csv or .jsonl)"),
      Flag.optional
    ),
    divisor: Flag.Literals("premium-divisor", ["forward", "index"]).pipe(
      Flag.withDescription("USD premium = BTC mark × this price (default forward: Deribit's marks are F-based)"),
      Flag.withDefault("forward")
    ),
    minMark: Flag.Finite("min-mark").pipe(
      Flag.withDescription("compare with Deribit only where the time value is at least this many BTC (default 0.0005)"),
      Flag.withDefault(0.0005)
    )
  },
  ({ divisor, file, minMark, output }) =>
    Effect.gen(function*() {
      const data = yield* readChainOrFail(file)
      const valued = value(data, divisor)
      yield* Console.log(summarise(data, valued, minMark))
      if (Option.isSome(output)) {
        const path = output.value
        yield* Effect.tryPromise({
          try: () => write(data, valued, path),
          catch: (error) => new UsageError({ message: `cannot write ${path}: ${(error as Error).message}` })
        })
        yield* Console.log(`  rows written to ${path}`)
      }
    })
).pipe(
  Command.withDescription(
    "Imply the vols of a real Deribit chain from its marks, value it with Black-76 and compare with Deribit."
  )
)
