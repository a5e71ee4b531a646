/**
 * Every built-in policy of `@hedgekit/hedging` (`Policies.builtins`) through the kit, as a plugin's tests would
 * run it, plus a composition. Bands and exposures are written here from the policies' documented formulas (via
 * `Formulas`, which the policies share), not read from the policies' outputs.
 */
import { Formulas, Policies } from "@hedgekit/hedging"
import { RebalancePolicy } from "@hedgekit/sdk"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { between, describeRebalancePolicy } from "../src/index.js"

type Inputs = RebalancePolicy.PolicyInputs
const MINUTES_PER_YEAR = 525_600
const discount = (i: Inputs, r: number) => Math.exp(-i.rate[r]! * i.tau[r]!)

describeRebalancePolicy(Policies.timeInterval, {
  params: fc.oneof(
    fc.record({
      intervalMinutes: fc.constantFrom(60, 240, 480, 1440), // divide a day: the UTC grid
      beforeSettlementMinutes: fc.constantFrom(0, 30, 120),
      toleranceCoins: between(0, 1)
    }, { requiredKeys: ["intervalMinutes"] }),
    fc.record({ intervalMinutes: between(1, 2000), alignToUtc: fc.constant(false) })
  ),
  // BTC-PERPETUAL: 10 USD contracts (the generator's default inverse hedge, 1/spot coins per USD)
  lot: 10,
  minimum: 10,
  steps: 4
})

// |net delta| ≤ h is left alone: h = halfWidthCoins, or max(minHalfWidthCoins, |Γ|·S·gammaMove)
const deltaBandHalfWidth = (i: Inputs, r: number, p: typeof Policies.DeltaBandParams.Type) =>
  p.halfWidthCoins ?? Math.max(p.minHalfWidthCoins ?? 0, Math.abs(i.bookGamma[r]!) * i.spot[r]! * p.gammaMove!)

describeRebalancePolicy(Policies.deltaBand, {
  params: fc.oneof(
    fc.record({ halfWidthCoins: between(0, 2), target: fc.constantFrom("edge" as const, "centre" as const) }),
    fc.record({ gammaMove: between(0.001, 0.05), minHalfWidthCoins: between(0, 0.5) }, { requiredKeys: ["gammaMove"] })
  ),
  band: { halfWidth: deltaBandHalfWidth }
})

describeRebalancePolicy(Policies.deltaBand, {
  label: "linear hedge",
  params: fc.record({ halfWidthCoins: between(0, 2) }),
  // a linear perpetual in coins: 0.001-coin lots, 1 coin of delta per coin
  domain: { unitDelta: 1, lot: 0.001 },
  band: { halfWidth: deltaBandHalfWidth }
})

describeRebalancePolicy(Policies.priceMove, { params: fc.record({ move: between(0.001, 0.05) }), steps: 4 })

describeRebalancePolicy(Policies.leland, {
  params: fc.record({ intervalMinutes: fc.constantFrom(60, 240, 480), roundTripCost: between(0, 0.002) }, { requiredKeys: ["intervalMinutes"] }),
  // Leland hedges to the book's delta at σ√(1 ± Le) (+ short gamma): the exposure is the hedge's distance from it
  exposure: (i, r, p) => {
    const k = p.roundTripCost ?? 2 * i.cost[r]!
    const position = i.bookGamma[r]! < 0 ? "short" : "long"
    let adjusted: number
    try {
      adjusted = Formulas.lelandVol(i.vol[r]!, k, p.intervalMinutes / MINUTES_PER_YEAR, position)
    } catch {
      return undefined // long gamma with Le ≥ 1: the policy's error row, no trade
    }
    return i.hedgeDelta[r]! + i.deltaAtVolScale!(r, adjusted / i.vol[r]!)
  },
  steps: 4
})

describeRebalancePolicy(Policies.whalleyWilmott, {
  params: fc.record({ riskAversion: between(1e-5, 1e-2) }), // per USD
  band: {
    halfWidth: (i, r, p) => Formulas.whalleyWilmottBand(i.cost[r]!, i.spot[r]!, i.bookGamma[r]!, p.riskAversion, discount(i, r))
  }
})

/** Zakamouline's band: half-width H₀ + H₁ around the delta at σ√(1 ± K); the deviation is the hedge's distance from it. */
const zakamouline = (i: Inputs, r: number, p: { readonly riskAversion: number }) => {
  let z: ReturnType<typeof Formulas.zakamoulineBand>
  try {
    z = Formulas.zakamoulineBand(i.cost[r]!, i.spot[r]!, i.vol[r]!, i.tau[r]!, i.bookGamma[r]!, p.riskAversion, discount(i, r))
  } catch {
    return undefined // 1 ± K ≤ 0: no band (the policy's error row)
  }
  const scale = Math.sqrt(i.bookGamma[r]! >= 0 ? 1 + z.k : 1 - z.k)
  return { halfWidth: z.halfWidth, deviation: i.hedgeDelta[r]! + i.deltaAtVolScale!(r, scale) }
}

describeRebalancePolicy(Policies.zakamouline, {
  params: fc.record({ riskAversion: between(1e-5, 1e-2) }),
  band: { halfWidth: (i, r, p) => zakamouline(i, r, p)?.halfWidth, deviation: (i, r, p) => zakamouline(i, r, p)?.deviation },
  exposure: (i, r, p) => zakamouline(i, r, p)?.deviation
})

describeRebalancePolicy(Policies.gammaFrequency, {
  params: fc.record({
    targetStdUsd: between(10, 1000),
    minIntervalMinutes: between(1, 10),
    maxIntervalMinutes: between(60, 1440)
  }, { requiredKeys: ["targetStdUsd"] }),
  steps: 4
})

// One listed option (Deribit BTC options: 0.1-contract lots), generated with per-contract Greeks, premium cash
// delta and cost; the default exposure counts the legs after their orders.
const optionHedge = {
  maxOptionCost: between(0, 500),
  gammaTolerance: between(0, 1e-4),
  deltaToleranceCoins: between(0, 0.5)
}

describeRebalancePolicy(Policies.deltaGamma, { params: fc.record(optionHedge, { requiredKeys: [] }) })

describeRebalancePolicy(Policies.deltaGammaVega, { params: fc.record({ ...optionHedge, vegaTolerance: between(0, 100) }, { requiredKeys: [] }) })

// A composition as desks run it: a band, and a full re-hedge every 4 hours when the band has been quiet.
describeRebalancePolicy(
  RebalancePolicy.any(
    RebalancePolicy.configure(Policies.deltaBand, { halfWidthCoins: 0.5 }),
    RebalancePolicy.configure(Policies.timeInterval, { intervalMinutes: 240 })
  ),
  { steps: 4 }
)

describe("the built-in list", () => {
  it("every policy of Policies.builtins has a suite above", () => {
    const covered = ["time-interval", "delta-band", "price-move", "leland", "whalley-wilmott", "zakamouline", "gamma-frequency", "delta-gamma", "delta-gamma-vega"]
    expect(Policies.builtins.map((p) => p.name).sort()).toEqual([...covered].sort())
  })
})
