/** The first snapshot of the bundled Deribit weekly chain as a market and a small book (test helper). */
import { readFileSync } from "node:fs"
import type { Instrument } from "@hedgekit/sdk"
import type { Portfolio } from "../src/index.js"

const file = new URL("../../../data/deribit/deribit_btc_option_chain_weekly.csv", import.meta.url)

export const snapshot = () => {
  const [header, ...lines] = readFileSync(file, "utf8").trim().split("\n")
  const cols = header!.split(",")
  const rows = lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i]!, v])) as Record<string, string>)
  const ts = rows[0]!.timestamp_ms!
  const at = rows.filter((r) => r.timestamp_ms === ts)
  const forwards = new Map<number, number>()
  for (const r of at) forwards.set(Number(r.expiry_ms), Number(r.underlying))
  const market: Portfolio.Market = {
    timestampMs: Number(ts),
    underlyings: [{ underlying: "BTC", index: Number(at[0]!.index_price), rate: 0, forwards: [...forwards].map(([expiryMs, forward]) => ({ expiryMs, forward })) }],
    vols: at.map((r) => ({ symbol: r.instrument_name!, vol: Number(r.implied_volatility) }))
  }
  const option = (symbol: string, quantity: number): Portfolio.Position & { readonly instrument: Instrument.OptionInstrument } => {
    const r = at.find((x) => x.instrument_name === symbol)!
    return {
      id: symbol,
      quantity,
      instrument: { kind: "option", symbol, underlying: "BTC", optionType: r.option_type as "call" | "put", strike: Number(r.strike), expiryMs: Number(r.expiry_ms), settlement: "inverse", multiplier: 1 }
    }
  }
  return { market, rows: at, option }
}
