import { InvalidInput, Plugin, RebalancePolicy } from "@hedgekit/sdk"
import * as fc from "fast-check"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import pluginDefault, { adjustedVol, argumentOf, barlesSoner, halfWidth, onePlusPsi, plugin, VERSION } from "../src/index.js"
import { at, calls, context, S, T0, WEEK } from "./support.js"

const { configure, decideOne, evaluate, inputsOf, makeOutputs, makeState, HOLD, TRADE, ERROR, BELOW_MINIMUM } = RebalancePolicy
type PolicyInputs = RebalancePolicy.PolicyInputs
type PolicyContext = RebalancePolicy.PolicyContext

const KAPPA = 0.0005
const GAMMA_POS = 5.76e-4 // 10 seven-day ATM BTC calls at σ 50 %, S 100 000 (DOMAIN §5.5), coins per USD

describe("the adjusted vol and the band, by hand", () => {
  it("10 seven-day ATM calls, κ 5 bp, γ 1e-4: A = −κ²γS²Γ = −1.44e-4, σ̂ = 50 % × √(1 + Ψ(A)) ≈ 48.32 %", () => {
    const row = { spot: S, gamma: GAMMA_POS, cost: KAPPA, riskAversion: 1e-4 }
    // (5e-4)² × 1e-4 × (1e5)² × 5.76e-4 = 2.5e-7 × 1e-4 × 1e10 × 5.76e-4 = 1.44e-4, negative for the holder
    expect(argumentOf(row)).toBeCloseTo(-1.44e-4, 18)
    const v = adjustedVol(0.5, row)
    expect(v.psi).toBeCloseTo(at(-1.44e-4).psi, 15)
    expect(v.vol).toBeCloseTo(0.5 * Math.sqrt(at(-1.44e-4).onePlusPsi), 15)
    // leading order: Ψ ≈ −k∛|A| + (8/15)k²∛A² = −1.3104 × 0.052415 + 0.53333 × 1.7171 × 0.0027473 ≈ −0.06617
    expect(v.psi).toBeCloseTo(-0.06617, 3)
    expect(v.vol).toBeCloseTo(0.48316, 5)
  })

  it("γ 1e-3 moves the vol further (46.45 %); the written book is hedged above σ (51.75 %, 53.86 %)", () => {
    const long = { spot: S, gamma: GAMMA_POS, cost: KAPPA, riskAversion: 1e-3 }
    expect(adjustedVol(0.5, long).vol).toBeCloseTo(0.5 * Math.sqrt(at(-1.44e-3).onePlusPsi), 15)
    expect(adjustedVol(0.5, long).vol).toBeCloseTo(0.46452, 5)
    const short = { spot: S, gamma: -GAMMA_POS, cost: KAPPA, riskAversion: 1e-4 }
    expect(adjustedVol(0.5, short).vol).toBeCloseTo(0.5 * Math.sqrt(at(1.44e-4).onePlusPsi), 15)
    expect(adjustedVol(0.5, short).vol).toBeCloseTo(0.51751, 5)
    expect(adjustedVol(0.5, { ...short, riskAversion: 1e-3 }).vol).toBeCloseTo(0.53858, 5)
  })

  it("no gamma or no cost: σ̂ = σ; a rate scales A by e^{rτ} and the band by e^{−rτ/3}", () => {
    const row = { spot: S, gamma: GAMMA_POS, cost: KAPPA, riskAversion: 1e-4 }
    expect(adjustedVol(0.5, { ...row, gamma: 0 }).vol).toBe(0.5)
    expect(adjustedVol(0.5, { ...row, cost: 0 }).vol).toBe(0.5)
    expect(argumentOf({ ...row, rate: 0.05, tau: 2 })).toBeCloseTo(-1.44e-4 * Math.exp(0.1), 17)
    expect(halfWidth({ ...row, rate: 0.05, tau: 2 })).toBeCloseTo(halfWidth(row) * Math.exp(-0.1 / 3), 14)
  })

  it("the Whalley–Wilmott half-width: 0.63 coins at γ 1e-4, 0.29 at 1e-3 (DOMAIN §5.5)", () => {
    // (3 × 5e-4 × 1e5 × (5.76e-4)² / (2 × 1e-4))^{1/3} = (0.248832)^{1/3}
    expect(halfWidth({ spot: S, gamma: GAMMA_POS, cost: KAPPA, riskAversion: 1e-4 })).toBeCloseTo(Math.cbrt(0.248832), 14)
    expect(halfWidth({ spot: S, gamma: GAMMA_POS, cost: KAPPA, riskAversion: 1e-4 })).toBeCloseTo(0.63, 2)
    expect(halfWidth({ spot: S, gamma: -GAMMA_POS, cost: KAPPA, riskAversion: 1e-3 })).toBeCloseTo(0.29, 2)
  })

  it("the helpers reject fields out of their domain with InvalidInput naming the field", () => {
    const row = { spot: S, gamma: GAMMA_POS, cost: KAPPA, riskAversion: 1e-4 }
    const bad: ReadonlyArray<[string, () => unknown]> = [
      ["spot", () => argumentOf({ ...row, spot: 0 })],
      ["gamma", () => halfWidth({ ...row, gamma: NaN })],
      ["cost", () => argumentOf({ ...row, cost: -0.001 })],
      ["riskAversion", () => halfWidth({ ...row, riskAversion: 0 })],
      ["tau", () => argumentOf({ ...row, tau: -1 })],
      ["rate", () => argumentOf({ ...row, rate: Infinity })],
      ["vol", () => adjustedVol(0, row)]
    ]
    for (const [field, f] of bad) {
      expect(f).toThrow(InvalidInput)
      try {
        f()
      } catch (e) {
        expect((e as InvalidInput).field).toBe(field)
      }
    }
  })
})

describe("the policy through RebalancePolicy.configure and decideOne", () => {
  const ww = (riskAversion: number, gamma: number) => halfWidth({ spot: S, gamma, cost: KAPPA, riskAversion })

  it("asks for the book's delta at σ̂/σ = √(1 + Ψ(A)) and holds inside the band around it", () => {
    const policy = configure(barlesSoner, { riskAversion: 1e-4 })
    const book = calls(10, S, S, 0.5, WEEK)
    const scale = Math.sqrt(onePlusPsi(-KAPPA * KAPPA * 1e-4 * S * S * book.gamma))
    const target = -calls(10, S, S, 0.5 * scale, WEEK).delta
    const H = ww(1e-4, book.gamma)
    const seen: Array<number> = []
    const d = decideOne(policy, context(10, { hedge: target + 0.9 * H, seen }))
    expect(seen).toEqual([scale])
    expect(scale).toBeLessThan(1) // a long-gamma book is hedged at a lower vol
    expect(d.action).toBe("hold")
    expect(d.orders).toEqual([])
    expect(d.reason).toMatch(/within the no-trade band ±0\.6[23]\d*/)
    expect(decideOne(policy, context(10, { hedge: target - 0.9 * H })).action).toBe("hold")
  })

  it("outside the band: sells back to the nearest edge, in whole 10-USD lots of the inverse perpetual", () => {
    const policy = configure(barlesSoner, { riskAversion: 1e-4 })
    const book = calls(10, S, S, 0.5, WEEK)
    const scale = Math.sqrt(onePlusPsi(-KAPPA * KAPPA * 1e-4 * S * S * book.gamma))
    const target = -calls(10, S, S, 0.5 * scale, WEEK).delta
    const H = ww(1e-4, book.gamma)
    const d = decideOne(policy, context(10, { hedge: target + H + 0.5 }))
    expect(d.action).toBe("trade")
    expect(d.reason).toMatch(/outside the no-trade band ±0\.6[23]\d*: trade to its edge/)
    expect(d.orders).toHaveLength(1)
    const order = d.orders[0]!
    expect(order.side).toBe("sell") // the hedge is long of its target: the trade opposes it
    expect(order.quantity % 10).toBe(0)
    expect(order.quantity).toBe(Math.round((0.5 * S) / 10) * 10)
    expect(Math.abs(order.delta + 0.5)).toBeLessThanOrEqual(5 / S + 1e-12)
    expect(Math.abs(d.residual)).toBeLessThanOrEqual(5 / S + 1e-12)
  })

  it("rebalanceTo \"target\" trades the whole way to the delta at σ̂; a short hedge buys", () => {
    const policy = configure(barlesSoner, { riskAversion: 1e-4, rebalanceTo: "target" })
    const book = calls(10, S, S, 0.5, WEEK)
    const scale = Math.sqrt(onePlusPsi(-KAPPA * KAPPA * 1e-4 * S * S * book.gamma))
    const target = -calls(10, S, S, 0.5 * scale, WEEK).delta
    const H = ww(1e-4, book.gamma)
    const off = -(H + 0.4)
    const d = decideOne(policy, context(10, { hedge: target + off }))
    expect(d.action).toBe("trade")
    expect(d.reason).toMatch(/trade to that delta/)
    expect(d.orders[0]!.side).toBe("buy")
    expect(d.orders[0]!.quantity).toBe(Math.round((-off * S) / 10) * 10)
    expect(Math.abs(d.orders[0]!.delta + off)).toBeLessThanOrEqual(5 / S + 1e-12)
  })

  it("a written book (short gamma) is hedged at a higher vol; its band has the same width", () => {
    const seen: Array<number> = []
    const policy = configure(barlesSoner, { riskAversion: 1e-3 })
    const book = calls(-10, S, S, 0.5, WEEK)
    const d = decideOne(policy, context(-10, { hedge: 0, seen }))
    expect(seen[0]).toBeCloseTo(Math.sqrt(at(1.44e-3).onePlusPsi), 3) // Γ of 10 calls ≈ 5.76e-4: A ≈ +1.44e-3
    expect(seen[0]).toBeCloseTo(Math.sqrt(onePlusPsi(-KAPPA * KAPPA * 1e-3 * S * S * book.gamma)), 15)
    // the short calls' delta is negative: with no hedge the net is short, so the policy buys
    expect(d.action).toBe("trade")
    expect(d.orders[0]!.side).toBe("buy")
    expect(d.reason).toMatch(/±0\.29/)
  })

  it("quantities are whole lots of a linear hedge too (0.001-coin lots), the rest stays as residual", () => {
    const policy = configure(barlesSoner, { riskAversion: 1e-4 })
    const d = decideOne(policy, context(10, { hedge: 1.23456789, unitDelta: 1, lot: 0.001 }))
    expect(d.action).toBe("trade")
    const q = d.orders[0]!.quantity
    expect(Math.abs(q / 0.001 - Math.round(q / 0.001))).toBeLessThan(1e-9)
    expect(Math.abs(d.residual)).toBeLessThanOrEqual(0.0005 + 1e-12)
  })

  it("a flat book holds, without revaluing anything", () => {
    const policy = configure(barlesSoner, { riskAversion: 1e-4 })
    const seen: Array<number> = []
    const flat: PolicyContext = {
      ...context(0, { seen }),
      book: { delta: 0, gamma: 0 },
      hedge: { symbol: "BTC-PERPETUAL", delta: 0, unitDelta: 1 / S, cost: KAPPA, lot: 10 }
    }
    const d = decideOne(policy, flat)
    expect(d.action).toBe("hold")
    expect(d.orders).toEqual([])
    expect(d.reason).toMatch(/net delta 0 coins .* within the no-trade band ±0/)
    expect(seen).toEqual([])
  })

  it("no gamma: a band of zero width around the book's own delta — plain delta hedging", () => {
    const policy = configure(barlesSoner, { riskAversion: 1e-4 })
    const seen: Array<number> = []
    const d = decideOne(policy, { ...context(0, { seen }), book: { delta: 0.3, gamma: 0 }, hedge: { symbol: "BTC-PERPETUAL", delta: 0, unitDelta: 1 / S, cost: KAPPA, lot: 10 } })
    expect(d.action).toBe("trade")
    expect(d.orders[0]!.side).toBe("sell")
    expect(d.orders[0]!.quantity).toBe(0.3 * S)
    expect(d.reason).toMatch(/±0:/)
    expect(seen).toEqual([])
  })

  it("no cost: no adjustment and no band — the hedge goes to the delta at σ", () => {
    const policy = configure(barlesSoner, { riskAversion: 1e-3 })
    const seen: Array<number> = []
    const book = calls(10, S, S, 0.5, WEEK)
    const d = decideOne(policy, context(10, { cost: 0, hedge: -book.delta + 0.01, seen }))
    expect(seen).toEqual([])
    expect(d.action).toBe("trade")
    expect(d.orders[0]!.quantity).toBe(0.01 * S)
    expect(d.orders[0]!.side).toBe("sell")
  })

  it("a delta that cannot be revalued is a clear error, not a silent hold", () => {
    const policy = configure(barlesSoner, { riskAversion: 1e-4 })
    expect(() => decideOne(policy, { ...context(10), deltaAtVolScale: () => NaN })).toThrow(/net delta at the Barles–Soner vol .* is not a finite number/)
    const withoutRevaluer: Omit<PolicyContext, "deltaAtVolScale"> = { ...context(10) }
    delete (withoutRevaluer as { deltaAtVolScale?: unknown }).deltaAtVolScale
    expect(() => decideOne(policy, withoutRevaluer)).toThrow(InvalidInput)
    expect(() => decideOne(policy, withoutRevaluer)).toThrow(/deltaAtVolScale/)
  })
})

describe("parameters", () => {
  it("decodes riskAversion and rebalanceTo (edge by default)", () => {
    const edge = configure(barlesSoner, { riskAversion: 2e-4 })
    const target = configure(barlesSoner, { riskAversion: 2e-4, rebalanceTo: "target" })
    expect(edge.name).toBe("barles-soner")
    expect(edge.needsVolScale).toBe(true)
    expect(edge.stateSize).toBe(0)
    expect(edge.legs).toBe(0)
    const ctx = context(10, { hedge: 0 })
    expect(decideOne(edge, ctx).reason).toMatch(/its edge/)
    expect(decideOne(target, ctx).reason).toMatch(/that delta/)
  })

  it("rejects bad parameters with a typed InvalidInput naming the policy", () => {
    for (const params of [{}, { riskAversion: 0 }, { riskAversion: -1e-4 }, { riskAversion: NaN }, { riskAversion: Infinity }, { riskAversion: "1e-4" }, { riskAversion: 1e-4, rebalanceTo: "centre" }, null, 7]) {
      let error: unknown
      try {
        configure(barlesSoner, params)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(InvalidInput)
      expect((error as InvalidInput)._tag).toBe("InvalidInput")
      expect((error as InvalidInput).field).toBe("barles-soner.params")
    }
    expect(() => configure(barlesSoner, { riskAversion: 0 })).toThrow(/greater than 0/)
    expect(() => configure(barlesSoner, { riskAversion: 1, rebalanceTo: "centre" })).toThrow(/"edge" \| "target"/)
  })
})

/** Rows of struct-of-arrays inputs from decision contexts (their revaluers by row). */
const stack = (contexts: ReadonlyArray<PolicyContext>): PolicyInputs => {
  const one = contexts.map(inputsOf)
  const col = (k: "timeMs" | "spot" | "forward" | "vol" | "tau" | "rate" | "bookDelta" | "bookGamma" | "bookVega" | "expiringDelta" | "settlementMs" | "hedgeDelta" | "unitDelta" | "cost") =>
    Float64Array.from(one, (x) => x[k][0]!)
  return {
    length: contexts.length,
    timeMs: col("timeMs"), spot: col("spot"), forward: col("forward"), vol: col("vol"), tau: col("tau"), rate: col("rate"),
    bookDelta: col("bookDelta"), bookGamma: col("bookGamma"), bookVega: col("bookVega"), expiringDelta: col("expiringDelta"),
    settlementMs: col("settlementMs"), hedgeDelta: col("hedgeDelta"), unitDelta: col("unitDelta"), cost: col("cost"),
    lot: contexts[0]!.hedge.lot,
    minimum: contexts[0]!.hedge.minimum ?? contexts[0]!.hedge.lot,
    legs: [],
    deltaAtVolScale: (row, scale) => contexts[row]!.deltaAtVolScale!(scale)
  }
}

describe("the batch kernel (evaluate)", () => {
  it("a row whose reference expiry has passed holds; unusable rows are error rows that name the input", () => {
    const policy = configure(barlesSoner, { riskAversion: 1e-4 })
    const base = context(10, { hedge: 0 })
    const inputs = stack([base, base, base, base, base])
    inputs.tau[0] = -1 / 365
    inputs.spot[1] = NaN
    inputs.cost[2] = -0.001
    inputs.bookGamma[3] = Infinity
    inputs.rate[4] = NaN
    const out = makeOutputs(5)
    evaluate(policy, inputs, makeState(policy, 5), out)
    expect([...out.action]).toEqual([HOLD, ERROR, ERROR, ERROR, ERROR])
    expect(RebalancePolicy.reasonText(policy, out, 0)).toMatch(/reference expiry has passed \(τ = -0\.00273973 years\): no trade/)
    expect(RebalancePolicy.reasonText(policy, out, 1)).toMatch(/index price NaN/)
    expect(RebalancePolicy.reasonText(policy, out, 2)).toMatch(/one-way cost κ = -0\.001/)
    expect(RebalancePolicy.reasonText(policy, out, 3)).toMatch(/gamma Infinity/)
    expect(RebalancePolicy.reasonText(policy, out, 4)).toMatch(/rate NaN/)
    expect([...out.quantity]).toEqual([0, 0, 0, 0, 0])
  })

  it("is deterministic, and agrees row by row with decideOne", () => {
    const policy = configure(barlesSoner, { riskAversion: 3e-4 })
    const contexts = Array.from({ length: 40 }, (_, i) => context(((i * 7) % 21) - 10, { hedge: ((i * 37) % 17) / 4 - 2 }))
    const inputs = stack(contexts)
    const a = makeOutputs(40), b = makeOutputs(40)
    evaluate(policy, inputs, makeState(policy, 40), a)
    evaluate(policy, inputs, makeState(policy, 40), b)
    for (const k of ["action", "deltaTrade", "quantity", "residual", "reason", "measure", "limit"] as const) expect([...a[k]]).toEqual([...b[k]])
    contexts.forEach((c, i) => {
      const d = decideOne(policy, c)
      expect(d.action).toBe(a.action[i] === TRADE ? "trade" : "hold")
      expect(d.orders.length === 0 ? 0 : (d.orders[0]!.side === "buy" ? 1 : -1) * d.orders[0]!.quantity).toBe(a.quantity[i])
    })
    expect(a.action.some((x) => x === TRADE)).toBe(true)
    expect(a.action.some((x) => x === HOLD)).toBe(true)
  })

  it("property: holds exactly inside ±H around −Δ(σ̂); outside, trades against the deviation to the edge or the target, in lots", () => {
    const arbitrary = fc.record({
      n: fc.integer({ min: -40, max: 40 }),
      moneyness: fc.double({ min: 0.7, max: 1.3, noNaN: true }),
      vol: fc.double({ min: 0.2, max: 1.5, noNaN: true }),
      days: fc.double({ min: 0.5, max: 365, noNaN: true }),
      cost: fc.double({ min: 0, max: 0.003, noNaN: true }),
      logRisk: fc.double({ min: -6, max: -2, noNaN: true }),
      offset: fc.double({ min: -3, max: 3, noNaN: true }),
      toEdge: fc.boolean()
    })
    fc.assert(
      fc.property(arbitrary, (x) => {
        const riskAversion = 10 ** x.logRisk
        const tau = x.days / 365, strike = S * x.moneyness
        const book = calls(x.n, S, strike, x.vol, tau)
        const scale = Math.sqrt(onePlusPsi(-x.cost * x.cost * riskAversion * S * S * book.gamma))
        const target = -(scale === 1 ? book.delta : calls(x.n, S, strike, x.vol * scale, tau).delta)
        const H = Math.cbrt((3 * x.cost * S * book.gamma * book.gamma) / (2 * riskAversion))
        const hedge = target + x.offset * (H + 0.05)
        const ctx: PolicyContext = {
          timeMs: T0, spot: S, vol: x.vol, tau,
          book: { delta: book.delta, gamma: book.gamma },
          hedge: { symbol: "BTC-USDC", delta: hedge, unitDelta: 1, cost: x.cost, lot: 0.001 },
          deltaAtVolScale: (s) => calls(x.n, S, strike, x.vol * s, tau).delta
        }
        const policy = configure(barlesSoner, { riskAversion, rebalanceTo: x.toEdge ? "edge" : "target" })
        const inputs = inputsOf(ctx)
        const out = makeOutputs(1)
        evaluate(policy, inputs, makeState(policy, 1), out)
        const dev = hedge - target
        // the band is the limit reported (unless the runner replaced it: a wish below one lot)
        if (out.reason[0] !== BELOW_MINIMUM) expect(out.limit[0]).toBeCloseTo(H, 12)
        if (Math.abs(dev) <= H * (1 - 1e-12)) {
          expect(out.action[0]).toBe(HOLD)
          expect(out.deltaTrade[0]).toBe(0)
          return
        }
        if (Math.abs(dev) < H * (1 + 1e-12)) return // on the edge, either is right
        const wish = out.deltaTrade[0]!
        expect(Math.sign(wish)).toBe(-Math.sign(dev))
        const after = dev + wish
        expect(Math.abs(after - (x.toEdge ? Math.sign(dev) * H : 0))).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(dev)))
        const q = out.quantity[0]!
        expect(Math.abs(q / 0.001 - Math.round(q / 0.001))).toBeLessThan(1e-6)
        expect(out.residual[0]).toBeCloseTo(wish - q, 12)
        if (out.action[0] === TRADE) expect(Math.sign(q)).toBe(Math.sign(wish))
        else expect(out.reason[0]).toBe(BELOW_MINIMUM)
      }),
      { numRuns: 300 }
    )
  })
})

describe("the plugin", () => {
  it("is the default export and `plugin`, passes the SDK's validation, and carries the policy", () => {
    expect(pluginDefault).toBe(plugin)
    const validated = Plugin.validate("hedgekit-plugin-barles-soner", pluginDefault)
    expect(validated.kind).toBe("hedgekit-plugin")
    expect(validated.name).toBe("hedgekit-plugin-barles-soner")
    expect(validated.sdk).toBe(">=0.0.0 <0.2.0")
    expect(validated.policies?.map((p) => p.name)).toEqual(["barles-soner"])
    expect(validated.policies?.[0]).toBe(barlesSoner)
    expect(barlesSoner.paramDocs.map((p) => p.name)).toEqual(["riskAversion", "rebalanceTo"])
  })

  it("declares the package's version, and an SDK range that includes this SDK", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { name: string; version: string; peerDependencies: Record<string, string> }
    expect(plugin.version).toBe(pkg.version)
    expect(VERSION).toBe(pkg.version)
    expect(plugin.name).toBe(pkg.name)
    expect(pkg.peerDependencies["@hedgekit/sdk"]).toBe(plugin.sdk)
    // ">=0.0.0 <0.2.0", checked without a semver library: this SDK is 0.0.x or 0.1.x
    expect(Plugin.SDK_VERSION).toMatch(/^0\.[01]\.\d+/)
  })

  it("composes with the SDK's combinators like a built-in", () => {
    const guarded = RebalancePolicy.killSwitch(configure(barlesSoner, { riskAversion: 1e-4 }), { maxNetDelta: 50 })
    expect(guarded.needsVolScale).toBe(true)
    expect(decideOne(guarded, context(10, { hedge: 0 })).action).toBe("trade")
    expect(decideOne(guarded, context(10, { hedge: 100 })).action).toBe("halt")
  })
})
