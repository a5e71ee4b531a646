/**
 * Every built-in pricing model through the kit, as a plugin's tests would run it. Parameter domains follow each
 * model's params Schema and docs, kept to where the model is used (crypto options: lognormal vols up to 150–200 %,
 * expiries from a day to a few years). Black-Scholes-Merton is not a `PricingModel` of its own: on the forward it
 * is `black76` (see `Models`).
 *
 * Every property that is skipped below is skipped for a reason given with it; the ones marked "finding" are
 * genuine failures the kit found in a built-in model (counterexamples in the comments).
 */
import { Bates, Heston, Kou, Merton, Models, Sabr } from "@hedgekit/models"
import * as fc from "fast-check"
import { between, describePricingModel } from "../src/index.js"

describePricingModel(Models.black76, {
  params: fc.record({ vol: between(0.05, 2) }), // decimal per √year
  volParameter: "vol"
})

// Bachelier's domain is every finite forward and strike (the normal model allows F, K ≤ 0), so it is declared
// "real": only non-finite forwards and strikes must be refused.
//
// Its upper bounds are skipped in both blocks: C ≤ D·F and P ≤ D·K rest on F_T ≥ 0, which the normal model does
// not have — E[(F_T − K)⁺] ≤ E[F_T⁺] = F + E[F_T⁻]. The kit finds it even on positive forwards once the normal vol
// is large against F (seed 3): call, F = 50, K = 25, T = 2.29 years, r = 0, {vol: 59.85} → 50.0000000112 > D·F = 50.
// A property of the model, not a defect of the code.
const normalModelBounds = "the normal model lets the forward go below 0, so the bounds D·F (call) and D·K (put) do not hold"

// First on positive forwards, with normal vols (price units per √year) of the size of lognormal vols of 1–100 %
// on forwards of 50–200.
describePricingModel(Models.bachelier, {
  label: "positive forwards",
  params: fc.record({ vol: between(1, 60) }),
  underlying: "real",
  forward: { min: 50, max: 200 },
  volParameter: "vol",
  skip: { upperBound: normalModelBounds }
})

// Then across zero (spreads, rates): forwards and strikes from −100 to 100.
describePricingModel(Models.bachelier, {
  label: "forwards and strikes across zero",
  params: fc.record({ vol: between(1, 60) }),
  underlying: "real",
  forward: { min: -100, max: 100 },
  strike: { min: -100, max: 100 },
  volParameter: "vol",
  skip: { upperBound: normalModelBounds }
})

const mertonParams = {
  vol: between(0.05, 1.5),
  jumpMean: between(-0.3, 0.2), // log-jump mean
  jumpVol: between(0, 0.5) // log-jump standard deviation
}

describePricingModel(Merton.model, {
  params: fc.record({
    ...mertonParams,
    // Jumps per year. Finding: with λT subnormal (below ~1e-308) Merton's greeks return NaN — see the block
    // below — so this block draws λ = 0 or λ ≥ 1e-300; the subnormal range runs on its own with those
    // properties skipped, rather than hidden.
    jumpIntensity: fc.oneof(fc.constant(0), between(1e-300, 5))
  }),
  volParameter: "vol"
})

describePricingModel(Merton.model, {
  label: "subnormal jump intensity",
  params: fc.record({ ...mertonParams, vol: between(0.05, 0.2), jumpIntensity: fc.constantFrom(5e-324, 1e-310) }),
  volParameter: "vol",
  // Finding (models/src/internal/jumpSeries.ts, mertonGreeksInto): the series' stopping test
  // tail·(1 + (n + 2)/m) ≤ tol·price is 0·∞ = NaN when m = λT is subnormal, so the loop never stops early, runs
  // all 100 000 terms and returns NaN. Counterexample: call, F = K = 100, T = 0.005 years, r = 0,
  // {vol: 0.05, jumpIntensity: 5e-324, jumpMean: 0, jumpVol: 0.169} → greeks().price = NaN (price() is fine,
  // 0.1410…). Every property that calls greeks fails the same way:
  skip: {
    greeks: "known bug: greeks return NaN when jumpIntensity × expiry is subnormal (series stop test is 0·∞)",
    batch: "known bug: greeksBatch shares the greeks' NaN when jumpIntensity × expiry is subnormal",
    determinism: "known bug: greeks return NaN when jumpIntensity × expiry is subnormal",
    historyIndependence: "known bug: greeks return NaN when jumpIntensity × expiry is subnormal"
  },
  numRuns: 20
})

describePricingModel(Kou.model, {
  params: fc.record({
    vol: between(0.05, 1.5),
    jumpIntensity: between(0, 5), // per year
    upProbability: between(0, 1),
    upRate: between(1.5, 50), // η₁ > 1: mean up-jump 1/η₁ below 1
    downRate: between(0.5, 50)
  }),
  volParameter: "vol",
  // Fourier sums of up to ~100 µs an option at one-day expiries: fewer cases
  numRuns: 40
})

// SABR (Obłój's lognormal vol, priced with Black-76). α is in F^{1−β} units: the params draw a lognormal-equivalent
// vol level σ₀ of 10–100 % at F ≈ 100 and set α = σ₀·100^{1−β}.
const sabrParams = (volOfVol: number) =>
  fc
    .record({ beta: between(0, 1), level: between(0.1, 1), correlation: between(-0.7, 0.7), volOfVol: between(0, volOfVol) })
    .map(({ level, ...p }) => ({ ...p, alpha: level * Math.pow(100, 1 - p.beta) }))

// Findings: the asymptotic expansion is not arbitrage-free over this domain (expiries up to 2 years, vol of vol up
// to 1.5). Each counterexample was confirmed away from the tolerance (not rounding):
// - convexity (seed 20261125): F = 80, T = 0.564 years, r = 0, {beta: 0, correlation: −0.7, volOfVol: 1.40,
//   alpha: 99.37}: the put at K = 40.08 lies above the chord of K = 40 and 40.16; second differences of the put are
//   ≈ −1.6e-5 at K = 40 and ≈ −1.2e-2 at K = 20, the same for steps from 0.01 to 2 — a negative density;
// - strike monotonicity (seed 2): F = 80, T = 1.65, {beta: 0.835, correlation: 0.002, volOfVol: 1.488,
//   alpha: 0.2138}: the call is 3.2711 at K = 120, 3.3189 at K = 150 and 3.7098 at K = 300 — calls rising with
//   the strike (the right-wing vol grows too fast);
// - calendar (seed 2): ATM F = K = 80, r = 0, {beta: 1, correlation: −0.69, volOfVol: 1.484, alpha: 0.6921}: the
//   call is 23.395 at T = 3 and 21.183 at T = 4.19 — with I¹ < 0 the total variance α²(1 + I¹T)²T falls.
// Properties of the expansion, not defects of the code; the three are skipped here and checked below on
// short-dated options with moderate vol of vol, where the expansion is used.
describePricingModel(Sabr.model, {
  params: sabrParams(1.5),
  forward: { min: 80, max: 125 },
  expiry: { min: 1 / 365, max: 2 },
  volParameter: "alpha",
  skip: {
    strikeMonotonicity: "the SABR expansion's right-wing vol can grow fast enough that calls rise with the strike (high vol of vol, long expiry)",
    strikeConvexity: "the SABR expansion has negative densities in the left wing (high vol of vol, ρ < 0)",
    expiryMonotonicity: "the SABR expansion's total variance falls with expiry when its correction term I¹ is negative (long expiries)"
  }
})

describePricingModel(Sabr.model, {
  label: "up to 6 months, vol of vol ≤ 0.8, strikes 0.7–1.4 × F",
  params: sabrParams(0.8),
  forward: { min: 80, max: 125 },
  moneyness: { min: 0.7, max: 1.4 },
  expiry: { min: 1 / 365, max: 0.5 },
  volParameter: "alpha",
  only: ["strikeMonotonicity", "strikeConvexity", "expiryMonotonicity"]
})

const hestonParams = (volOfVol: number) => ({
  initialVariance: between(0.005, 1), // v₀
  meanReversion: between(0.2, 5), // κ, per year
  longRunVariance: between(0.005, 1), // θ
  volOfVol: between(0.05, volOfVol), // σ
  correlation: between(-0.95, 0.5) // ρ
})
const jumps = { jumpIntensity: between(0, 3), jumpMean: between(-0.3, 0.2), jumpVol: between(0, 0.4) }

// Findings, both from the engine's memory of the last node grid (models/src/internal/hestonModel.ts and
// hestonFourier.ts, buildGrid): a first strike of an expiry is priced on nodes for its own log-moneyness; once a
// second strike of that expiry and parameters has been priced, later calls reuse (or rebuild) nodes for ±4
// standard deviations. So the same call gives different bits depending on what came before:
// - call history (seed 20261125): call, F = K = 100, T = 0.005 years, r = 0, {initialVariance: 0.005,
//   meanReversion: 0.2, longRunVariance: 0.005, volOfVol: 0.05, correlation: 0}: 0.1994501690430593 before and
//   0.19945016904311316 after pricing the strike 110.517 of that expiry;
// - even an immediate repeat (seed 12, Bates with no jumps, i.e. these Heston dynamics): priceBatch of the chain
//   [call F = K = 100, T = 3; call F = K = 100, T = 0.005] with {initialVariance: 0.005, meanReversion: 0.2,
//   longRunVariance: 0.005, volOfVol: 0.05, correlation: 0, jumpIntensity: 0, jumpMean: 0, jumpVol: 0} gives
//   row 0 = 4.692847576300484, then 4.692847576262598 on the same call.
// The differences are inside the stated 1e-10 × F accuracy, but not the same bits.
const history = {
  historyIndependence: "known: scalar prices reuse the node grid of the last expiry priced, so the bits depend on call history",
  determinism: "known: a repeated priceBatch starts from the node grid the previous call left, so the same call can give different bits"
}

// Heston and Bates price by Fourier quadrature to 1e-10 × F (their docs): that is their absolute tolerance.
const fourier = { tolerance: { absolute: 1e-10 }, numRuns: 60 } as const

// Finding (seed 14): the same grid memory decides whether the Greeks converge. Bates, ATM call F = K = 100,
// T = 0.27 years, r = 0, {initialVariance: 0.005, meanReversion: 0.2, longRunVariance: 0.005, volOfVol: 1.887,
// correlation: −0.95, jumpIntensity: 1.452, jumpMean: −0.288, jumpVol: 0.4}: greeks succeed on a fresh engine
// (58 ms) but throw NoConvergence ("needs more nodes than allowed") after the strikes 90 and 110 of that expiry were
// priced — the ±4 standard-deviation grid at the Greeks' 100× tighter budget exceeds 65 536 nodes. Heston does the
// same in the suite's call sequence: F = K = 100, T = 0.31, {initialVariance: 0.005, meanReversion: 0.2,
// longRunVariance: 0.005, volOfVol: 1.918, correlation: −0.95}. So each runs twice: vol of vol up to 1.5 with
// every property, and up to 2 with the Greeks skipped.
const nonConvergence = "known: with vol of vol near 2 and ρ near −1, greeks throw NoConvergence or not depending on the strikes priced before"

describePricingModel(Heston.model, { params: fc.record(hestonParams(1.5)), ...fourier, skip: history })
describePricingModel(Heston.model, {
  label: "vol of vol up to 2",
  params: fc.record(hestonParams(2)),
  ...fourier,
  numRuns: 30,
  skip: { ...history, greeks: nonConvergence }
})

describePricingModel(Bates.model, { params: fc.record({ ...hestonParams(1.5), ...jumps }), ...fourier, skip: history })
describePricingModel(Bates.model, {
  label: "vol of vol up to 2",
  params: fc.record({ ...hestonParams(2), ...jumps }),
  ...fourier,
  numRuns: 30,
  skip: { ...history, greeks: nonConvergence }
})
