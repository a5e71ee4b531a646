// The conformance kit, as a third party runs it on its own policy: determinism, no trade inside the band, whole lots,
// the hedge against the exposure, nothing for a flat book.
import { between, describeRebalancePolicy } from "@hedgekit/conformance"
import * as fc from "fast-check"
import { adjustedVol, barlesSoner, halfWidth } from "../src/index.js"

type Params = { readonly riskAversion: number; readonly rebalanceTo?: "edge" | "target" }

/** The book the policy reads for row r, as its helpers take it. */
const bookRow = (i: { spot: Float64Array; bookGamma: Float64Array; cost: Float64Array; rate: Float64Array; tau: Float64Array }, r: number, p: Params) => ({
  spot: i.spot[r]!, gamma: i.bookGamma[r]!, cost: i.cost[r]!, riskAversion: p.riskAversion, rate: i.rate[r]!, tau: Math.max(i.tau[r]!, 0)
})

describeRebalancePolicy(barlesSoner, {
  params: fc.record({ riskAversion: between(1e-5, 1e-2), rebalanceTo: fc.constantFrom("edge" as const, "target" as const) }),
  band: {
    // Whalley–Wilmott's half-width around the delta at the adjusted vol; the deviation is the hedge's distance from it
    halfWidth: (i, r, p) => halfWidth(bookRow(i, r, p as Params)),
    deviation: (i, r, p) => {
      const row = bookRow(i, r, p as Params)
      const scale = adjustedVol(i.vol[r]! > 0 ? i.vol[r]! : 1, row).vol / (i.vol[r]! > 0 ? i.vol[r]! : 1)
      return i.hedgeDelta[r]! + (scale === 1 ? i.bookDelta[r]! : i.deltaAtVolScale!(r, scale))
    }
  },
  exposure: (i, r, p) => {
    const row = bookRow(i, r, p as Params)
    const scale = adjustedVol(i.vol[r]! > 0 ? i.vol[r]! : 1, row).vol / (i.vol[r]! > 0 ? i.vol[r]! : 1)
    return i.hedgeDelta[r]! + (scale === 1 ? i.bookDelta[r]! : i.deltaAtVolScale!(r, scale))
  }
})
