/**
 * The demo book on the bundled real data (data/examples/backtest-demo.json: short BTC-27MAR26 90 000 straddles,
 * hedged on the Binance BTCUSDT perpetual), read as `hedgekit backtest` reads it, through the hedge loop against
 * the backtest venue and against the paper exchange with latency and partial fills off: the same run.
 *
 * It needs `@hedgekit/data` (the readers), which is not a dependency of this package: without it the test is
 * skipped, saying so.
 */
import { readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { BacktestVenue, Engine, HedgeLoop, type Replay } from "@hedgekit/backtest"
import { Policies } from "@hedgekit/hedging"
import type { MarketEvent } from "@hedgekit/sdk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import * as Paper from "../src/Paper.js"

/** What the test uses of `@hedgekit/data`. */
interface DataReaders {
  readonly Deribit: { readonly optionChain: (file: string, options?: { fromMs?: number; toMs?: number }) => AsyncIterable<MarketEvent.MarketEvent> }
  readonly Binance: {
    readonly perpetualBars: (file: string, options?: { fromMs?: number; toMs?: number; symbol?: string }) => AsyncIterable<MarketEvent.MarketEvent>
    readonly funding: (file: string, options?: { fromMs?: number; toMs?: number; symbol?: string }) => AsyncIterable<MarketEvent.MarketEvent>
  }
  readonly merge: (sources: ReadonlyArray<AsyncIterable<MarketEvent.MarketEvent>>) => AsyncIterable<MarketEvent.MarketEvent>
}

const DATA_PACKAGE = "@hedgekit/data"
const loaded = await import(/* @vite-ignore */ DATA_PACKAGE).then((m) => ({ data: m as DataReaders }), (error: unknown) => ({ error }))
/** Only a missing package skips the test; any other failure to load it fails the test. */
const missing = "error" in loaded && (loaded.error as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND" && String(loaded.error).includes(DATA_PACKAGE)
const data: DataReaders | undefined = "data" in loaded ? loaded.data : undefined

const examples = resolve(dirname(fileURLToPath(import.meta.url)), "../../../data/examples")

interface Demo {
  readonly source: { readonly options: ReadonlyArray<string>; readonly perpetual: string; readonly funding: string; readonly from: string; readonly to: string; readonly smile: Replay.SmileDynamics }
  readonly book: { readonly open: string; readonly legs: ReadonlyArray<{ readonly symbol: string; readonly quantity: number }> }
  readonly hedge: { readonly instrument: Replay.ReplayConfig["hedge"]; readonly lot: number; readonly fees: { maker: number; taker: number }; readonly halfSpread: number }
  readonly optionFees: { maker: number; taker: number; premiumCap: number }
  readonly accounting: "usd" | "coin"
  readonly policies: ReadonlyArray<{ readonly name: string; readonly policy: unknown }>
}

describe("Paper on the bundled demo data", () => {
  it.skipIf(missing)(
    `gives the backtest venue's P&L for the demo book${missing ? ` (skipped: ${DATA_PACKAGE} is not installed as a devDependency of @hedgekit/execution)` : ""}`,
    async () => {
      if ("error" in loaded) throw loaded.error
      const demo = JSON.parse(readFileSync(resolve(examples, "backtest-demo.json"), "utf8")) as Demo
      const window = { fromMs: Date.parse(demo.source.from), toMs: Date.parse(demo.source.to) }
      const symbol = demo.hedge.instrument.symbol
      const events: Array<MarketEvent.MarketEvent> = []
      for await (
        const e of data!.merge([
          ...demo.source.options.map((f) => data!.Deribit.optionChain(resolve(examples, f), window)),
          data!.Binance.perpetualBars(resolve(examples, demo.source.perpetual), { ...window, symbol }),
          data!.Binance.funding(resolve(examples, demo.source.funding), { ...window, symbol })
        ])
      ) events.push(e)
      expect(events.length).toBeGreaterThan(1_000)
      const hourly = demo.policies.find((p) => p.name === "hourly")!
      const costs = { lot: demo.hedge.lot, fees: demo.hedge.fees, halfSpread: demo.hedge.halfSpread }
      const config: Replay.ReplayConfig = {
        legs: demo.book.legs,
        openMs: Date.parse(demo.book.open),
        endMs: window.toMs,
        hedge: demo.hedge.instrument,
        costs,
        policy: Policies.fromSpec(hourly.policy),
        accounting: demo.accounting,
        spot: "perpetual",
        smile: demo.source.smile,
        optionFees: demo.optionFees
      }
      const run = (provide: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, never>) =>
        Effect.runPromise(provide(HedgeLoop.run(Stream.fromIterable(events), config)))
      const backtest = await run((effect) => effect.pipe(BacktestVenue.provide(BacktestVenue.make({ hedge: config.hedge, costs }))) as never)
      const venue = Paper.make({
        instruments: [{ instrument: config.hedge, lot: costs.lot, fees: costs.fees, book: { halfSpread: costs.halfSpread } }],
        partialFills: false
      })
      const paper = await run((effect) => effect.pipe(Paper.provide(venue)) as never)

      expect(backtest.settlements.length).toBe(1)
      expect(backtest.fills).toBeGreaterThan(1_000)
      expect(Array.from(paper.engine.pnl())).toEqual(Array.from(backtest.engine.pnl()))
      for (const term of Engine.attributionTerms) expect(paper.engine.attribution[term][0]).toBe(backtest.engine.attribution[term][0])
      expect(paper.points).toEqual(backtest.points)
      expect(paper.orders).toEqual(backtest.orders)
      expect((await Effect.runPromise(venue.positions))[0]!.quantity).toBe(backtest.engine.account.hedge[0])
      // the paper account's USD balance is the engine's USD cash: the linear perpetual's P&L marked to market,
      // what the fills paid against the mark, fees and funding
      const usd = (await Effect.runPromise(venue.balances)).find((b) => b.currency === "USD")!
      const engineUsd = backtest.engine.account.usd[0]!
      expect(backtest.engine.account.fundingUsd[0]).not.toBe(0)
      expect(Math.abs(usd.total - engineUsd)).toBeLessThan(1e-9 * Math.abs(engineUsd))
    }
  )
})
