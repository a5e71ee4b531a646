import { Bates, Heston, Kou, Merton, Models, Sabr } from "@hedgekit/models"
import * as fc from "fast-check"
import { it } from "vitest"
import { between, checkPricingModel, pricingProperties } from "../src/index.js"
import type { PricingModelOptions } from "../src/index.js"
import type { PricingModel } from "@hedgekit/sdk"

const report = <P>(model: PricingModel<P>, options: PricingModelOptions<P>) => {
  let total = 0
  const times: Array<string> = []
  for (const { id } of pricingProperties) {
    const t = performance.now()
    const failures = checkPricingModel(model, { ...options, only: [id] })
    const dt = performance.now() - t
    total += dt
    times.push(`${id} ${(dt / 1000).toFixed(2)}`)
    for (const x of failures) console.log("  " + x.message.slice(0, 1500))
  }
  console.log(`${model.name}: ${(total / 1000).toFixed(2)} s — ${times.join(", ")}`)
}

it("probe", () => {
  report(Models.black76, { params: fc.record({ vol: between(0.05, 2) }), volParameter: "vol" })
  report(Models.bachelier, { params: fc.record({ vol: between(1, 60) }), underlying: "real", forward: { min: 50, max: 200 }, volParameter: "vol" })
  report(Models.bachelier, { params: fc.record({ vol: between(1, 60) }), underlying: "real", forward: { min: -100, max: 100 }, strike: { min: -100, max: 100 }, volParameter: "vol", skip: { upperBound: "x" } })
  report(Merton.model, { params: fc.record({ vol: between(0.05, 1.5), jumpIntensity: fc.oneof(fc.constant(0), between(1e-6, 5)), jumpMean: between(-0.3, 0.2), jumpVol: between(0, 0.5) }), volParameter: "vol" })
  report(Kou.model, { params: fc.record({ vol: between(0.05, 1.5), jumpIntensity: between(0, 5), upProbability: between(0, 1), upRate: between(1.5, 50), downRate: between(0.5, 50) }), volParameter: "vol" })
  report(Sabr.model, { params: fc.record({ beta: between(0, 1), s0: between(0.1, 1), correlation: between(-0.7, 0.7), volOfVol: between(0, 1.5) }).map(({ s0, ...p }) => ({ ...p, alpha: s0 * Math.pow(100, 1 - p.beta) })), forward: { min: 80, max: 125 }, expiry: { min: 1 / 365, max: 2 }, volParameter: "alpha" })
  const hp = { initialVariance: between(0.005, 1), meanReversion: between(0.2, 5), longRunVariance: between(0.005, 1), volOfVol: between(0.05, 2), correlation: between(-0.95, 0.5) }
  report(Heston.model, { params: fc.record(hp), numRuns: 25, tolerance: { absolute: 1e-10, relative: 1e-12 }, skip: { historyIndependence: "x" } })
  report(Bates.model, { params: fc.record({ ...hp, jumpIntensity: between(0, 3), jumpMean: between(-0.3, 0.2), jumpVol: between(0, 0.4) }), numRuns: 25, tolerance: { absolute: 1e-10, relative: 1e-12 }, skip: { historyIndependence: "x" } })
}, 600_000)
