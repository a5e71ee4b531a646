// The conformance kit, as a third party runs it on its own model: bounds, parity, strike monotonicity and
// convexity, calendar monotonicity, Greeks against differences of the model's own price, the Black implied-vol
// round trip, batch = scalar, determinism, typed errors.
import { between, describePricingModel } from "@hedgekit/conformance"
import * as fc from "fast-check"
import { model } from "../src/VarianceGamma.js"

// σ, ν, θ with 1 − θν − σ²ν/2 > 0 (the martingale correction exists): θ is drawn inside the bound the others leave
const params = fc.record({ sigma: between(0.1, 1.2), nu: between(0.02, 1) }).chain(({ nu, sigma }) => {
  const top = Math.min(0.5, (1 - 0.5 * sigma * sigma * nu) / nu - 1e-3)
  return fc.record({ sigma: fc.constant(sigma), nu: fc.constant(nu), theta: between(-0.5, top) })
})

describePricingModel(model, {
  params,
  // σ is the Brownian vol in gamma time: the model's vega is ∂V/∂σ, and prices rise with it
  volParameter: "sigma",
  expiry: { min: 7 / 365, max: 3 },
  numRuns: 40,
  timeout: 120_000
})
