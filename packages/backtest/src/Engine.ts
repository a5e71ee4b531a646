/**
 * The hedge loop: one engine for every path at once (struct of arrays), driven step by step by whoever owns
 * the clock — a path generator for simulations, a replay of historical events, a live feed. At each step it
 * marks the hedge to market, values the option book with Black-76 on each leg's forward and vol, asks the
 * rebalance policy (the SDK's batch runner, allocation-free), fills the orders through the cost model, and books
 * everything in the exact coin/USD `Accounting`; with `attribution` on, it splits each step's P&L into Greeks,
 * funding, fees, slippage and a residual.
 *
 * Valuation convention (Deribit's): an inverse option's coin mark is its Black-76 USD price on the forward F
 * divided by F, so its USD value is that mark × S; a linear option's USD value is the Black-76 price. Greeks are
 * taken with respect to the index S with each forward at fixed basis F/S.
 *
 * @since 0.1.0
 */
import { Black76 } from "@hedgekit/models"
import { Costs } from "@hedgekit/hedging"
import { InvalidInput, RebalancePolicy } from "@hedgekit/sdk"
import * as Accounting from "./Accounting.js"
import { Flag, LegSlot, makeBook, Slot } from "./internal/bookWasm.js"

const YEAR_MS = 365 * 24 * 3_600_000
/** Room in the WebAssembly memory for the caller's market columns (`marketColumn`): the index and a vol. */
const MARKET_COLUMNS = 2
const DAY_MS = 24 * 3_600_000

/**
 * @since 0.1.0
 * @category models
 */
export interface HedgeCosts {
  /** Lot and smallest order, in the hedge's units (contracts; coins for spot). */
  readonly lot: number
  readonly minimum?: number
  readonly fees: Costs.FutureFees
  /** Half the bid/ask spread as a decimal of the price (0.00005 = 0.5 bp). */
  readonly halfSpread: number
}

/**
 * A fill as an {@link Executor} reports it: signed quantity in the hedge's units (0: nothing filled now), price and
 * fee (in the fee's currency: coin for inverse instruments, USD for linear and spot). A scratch object the engine
 * owns and reuses.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fill {
  quantity: number
  price: number
  fee: number
}

/**
 * Where the loop's hedge orders go. The default fills every order at once at the mark ± the half-spread with the
 * taker fee; a paper exchange or a venue may fill later, in part or not at all — `execute` writes what filled at
 * once into `fill` (quantity 0 if nothing), and what fills later is booked with {@link Engine.fill}. The policy
 * sees the unfilled rest at its next decision, as delta not yet hedged.
 *
 * @since 0.1.0
 * @category models
 */
export interface Executor {
  readonly execute: (path: number, quantity: number, mark: number, timeMs: number, fill: Fill) => void
}

/**
 * The fill of `quantity` (signed, the hedge's units) taken at once through the cost model: at the mark ± the
 * half-spread, paying the taker fee in the fee's currency. What {@link costExecutor} and the backtest venue fill at.
 *
 * @since 0.1.0
 * @category constructors
 */
export const takerFill = (hedge: Accounting.Holdings["hedge"], costs: HedgeCosts, quantity: number, mark: number, fill: Fill): void => {
  const price = mark * (1 + Math.sign(quantity) * costs.halfSpread)
  const size = hedge.kind === "spot" ? Math.abs(quantity) : Math.abs(quantity) * hedge.contractSize
  fill.quantity = quantity
  fill.price = price
  fill.fee = hedge.kind === "spot" ? costs.fees.taker * size * price : Costs.futureFee(costs.fees, "taker", hedge.settlement, size, price)
}

/**
 * The default executor: the whole order at once, at the mark ± the half-spread, paying the taker fee.
 *
 * @since 0.1.0
 * @category constructors
 */
export const costExecutor = (hedge: Accounting.Holdings["hedge"], costs: HedgeCosts): Executor => ({
  execute: (_path, quantity, mark, _timeMs, fill) => takerFill(hedge, costs, quantity, mark, fill)
})

/**
 * @since 0.1.0
 * @category models
 */
export interface EngineConfig {
  readonly holdings: Accounting.Holdings
  /** Contracts of each leg opened at the first step (signed: short < 0). */
  readonly positions: ReadonlyArray<number>
  readonly accounting: "usd" | "coin"
  readonly policy: RebalancePolicy.Rebalancer
  readonly hedge: HedgeCosts
  /** Fees of the option legs' opening trades (Deribit: 0.0003 coin per contract, capped at 12.5 % of the premium). */
  readonly optionFees?: Costs.OptionFees
  /** Half-spread paid on opening the legs, premium units per contract (coin for inverse). */
  readonly optionHalfSpread?: number
  /** Delivery fee on options that pay at expiry, rate of the underlying (Deribit 0.00015), capped at 12.5 % of the payoff. */
  readonly deliveryFeeRate?: number
  /** Split each step's P&L into Greeks and flows. */
  readonly attribution?: boolean
  /**
   * Starting balances per path, and a hedge position already held (contracts; for a spot hedge the coins are in
   * `coin` as well) — a live loop restarting with the venue's position.
   */
  readonly start?: { readonly coin?: number; readonly usd?: number; readonly hedge?: number }
  /** Where hedge orders go (default: {@link costExecutor}). */
  readonly executor?: Executor
  /**
   * Rows per block of a step without attribution (default: every row in one block). Each phase of the step —
   * valuation, totals, decision, trades — then runs on one block before the next, so that a block's columns
   * (about 40 of 8 bytes per row) can stay in a core's cache. Same results for any block size.
   */
  readonly rowBlock?: number
}

/**
 * One step's market, one value per path: the index, the hedge instrument's price (its mark; for spot the index),
 * and per leg its forward and its vol (decimal).
 *
 * @since 0.1.0
 * @category models
 */
export interface StepMarket {
  readonly timeMs: number
  readonly spot: Float64Array
  readonly mark: Float64Array
  readonly forward: ReadonlyArray<Float64Array>
  readonly vol: ReadonlyArray<Float64Array>
}

/**
 * P&L attribution per path, cumulative, in the accounting currency.
 *
 * @since 0.1.0
 * @category models
 */
export interface Attribution {
  readonly delta: Float64Array
  readonly gamma: Float64Array
  readonly theta: Float64Array
  readonly vega: Float64Array
  readonly vanna: Float64Array
  readonly volga: Float64Array
  readonly funding: Float64Array
  readonly fees: Float64Array
  readonly slippage: Float64Array
  readonly residual: Float64Array
}

/** Names of the attribution terms, in report order. */
export const attributionTerms = ["delta", "gamma", "theta", "vega", "vanna", "volga", "funding", "fees", "slippage", "residual"] as const

/**
 * @since 0.1.0
 * @category models
 */
export interface Engine {
  readonly config: EngineConfig
  readonly paths: number
  readonly account: Accounting.Account
  /** Rebalancing trades per path. */
  readonly trades: Float32Array
  readonly attribution: Attribution
  /** Opens the legs at the first step's marks and makes the first decision. */
  readonly open: (market: StepMarket) => void
  /** Marks, values, decides and trades. */
  readonly step: (market: StepMarket) => void
  /** A perpetual funding event for every path (see `MarketEvent.FundingEvent`). */
  readonly fund: (timeMs: number, rate: number, intervalMs: number, mode: "discrete" | "continuous", mark: Float64Array) => void
  /** Settles the legs (and a future hedge) expiring at `expiryMs` at each path's delivery price. */
  readonly settle: (expiryMs: number, delivery: Float64Array) => void
  /** Marks and values without deciding: the last step of a run (after its settlements). */
  readonly finish: (market: StepMarket) => void
  /** Books a hedge fill that arrived after its order (from an executor that fills later), at the hedge's `mark`. */
  readonly fill: (path: number, quantity: number, price: number, fee: number, mark: number) => void
  /** Equity per path in the accounting currency at the last step's marks. */
  readonly equity: () => Float64Array
  /** P&L per path since the opening, in the accounting currency. */
  readonly pnl: () => Float64Array
  /**
   * A zeroed column of `paths` rows for market data (`StepMarket.spot`, `vol`, …) that the engine reads where it
   * is, without copying it each step: in its WebAssembly memory while there is room, else an ordinary array.
   */
  readonly marketColumn: () => Float64Array
  /** The last decision's inputs and outputs (row per path). */
  readonly inputs: RebalancePolicy.PolicyInputs
  readonly outputs: RebalancePolicy.PolicyOutputs
}

const check = (config: EngineConfig): void => {
  const { holdings, positions, hedge } = config
  if (positions.length !== holdings.legs.length) {
    throw new InvalidInput({ field: "positions", value: positions, expected: `one position per leg (${holdings.legs.length})` })
  }
  if (config.accounting !== "usd" && config.accounting !== "coin") throw new InvalidInput({ field: "accounting", value: config.accounting, expected: '"usd" or "coin"' })
  if (holdings.hedge.kind === "spot" && config.accounting === "coin") {
    throw new InvalidInput({ field: "hedge", value: holdings.hedge.symbol, expected: "a perpetual or future: spot coin carries no delta in coin accounting" })
  }
  if (!(hedge.lot > 0)) throw new InvalidInput({ field: "hedge.lot", value: hedge.lot, expected: "a lot > 0" })
  if (!(hedge.halfSpread >= 0 && hedge.halfSpread < 0.1)) throw new InvalidInput({ field: "hedge.halfSpread", value: hedge.halfSpread, expected: "a half-spread in [0, 0.1) (decimal of the price)" })
  if (config.rowBlock !== undefined && !(Number.isInteger(config.rowBlock) && config.rowBlock > 0)) {
    throw new InvalidInput({ field: "rowBlock", value: config.rowBlock, expected: "a whole number of rows > 0" })
  }
  if (config.policy.legs > 0) throw new InvalidInput({ field: "policy", value: config.policy.name, expected: "a policy trading the hedge instrument only (option legs as hedges are not simulated yet)" })
}

// The loops that run once per engine over every path (opening the legs, settling them) are module functions: an
// engine's own functions are new closures for each engine, and a hot loop in one is compiled again, on the stack, for
// each of them; these are compiled once per thread.

/** Path rows open leg `k` (`n` contracts) at its mark, plus half the spread and the taker fee. */
const openLegRows = (
  account: Accounting.Account,
  k: number,
  n: number,
  paths: number,
  spot: Float64Array,
  forward: Float64Array,
  price: Float64Array,
  multiplier: number,
  inverse: boolean,
  half: number,
  fees: Costs.OptionFees | undefined
): void => {
  for (let i = 0; i < paths; i++) {
    const S = spot[i]!, F = forward[i]!
    const usd = price[i]! * multiplier
    const mark = inverse ? usd / F : usd
    const paid = mark + Math.sign(n) * half
    const fee = fees === undefined ? 0 : Costs.optionFee(fees, "taker", n, Math.max(paid, 0), multiplier, inverse ? 1 : S)
    Accounting.tradeOption(account, i, k, n, paid, mark, fee)
  }
}

/** Path rows settle leg `k` at their delivery prices. */
const settleLegRows = (account: Accounting.Account, k: number, paths: number, delivery: Float64Array, feeRate: number): void => {
  for (let i = 0; i < paths; i++) Accounting.settleOption(account, i, k, delivery[i]!, feeRate)
}

/** Path rows settle the hedge future at their delivery prices. */
const settleFutureRows = (account: Accounting.Account, paths: number, delivery: Float64Array): void => {
  for (let i = 0; i < paths; i++) Accounting.settleFuture(account, i, delivery[i]!)
}

/**
 * Builds the engine for `paths` paths.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (config: EngineConfig, paths: number): Engine => {
  check(config)
  const { holdings, policy, accounting } = config
  const legs = holdings.legs
  const L = legs.length
  const h = holdings.hedge
  const inverse = Array.from(legs, (l) => l.settlement === "inverse")
  // Without the attribution a step's row pass runs in WebAssembly where there is a runtime for it: the columns it
  // reads and writes are then allocated in its memory (the account's balances and positions, the totals, the
  // policy's inputs from the book, staging for the market and the legs' Greeks).
  const book = config.attribution === true ? undefined : makeBook(paths, MARKET_COLUMNS + 22 + 7 * L, L)
  let marketColumns = 0
  const account = Accounting.make(holdings, paths, config.start ?? {}, book?.column)
  const col = () => new Float64Array(paths)
  const held = book === undefined ? col : book.column
  const coin = accounting === "coin"

  // valuation columns: one batch per leg, in the Black-76 kernel's own memory (the batch then copies nothing);
  // type, strike and rate are fixed, expiry, forward and vol are written each step
  // One path (a replay, a live book) with many legs: one batch of L rows instead of L batches of one row, each
  // leg's columns a one-row view of it (a call into the kernel costs more than a row).
  const single = paths === 1 && L > 1 ? Black76.makeWasmColumns(L) : undefined
  const view = <A extends Float64Array | Uint8Array>(column: A, k: number): A => column.subarray(k, k + 1) as A
  const frames = Array.from(legs, (l, k) => {
    const c: Black76.WasmColumns = single === undefined
      ? Black76.makeWasmColumns(paths)
      : {
        input: {
          length: 1, isCall: view(single.input.isCall, k), forward: view(single.input.forward, k), strike: view(single.input.strike, k),
          expiry: view(single.input.expiry, k), rate: view(single.input.rate, k), vol: view(single.input.vol, k)
        },
        out: {
          price: view(single.out.price, k), delta: view(single.out.delta, k), gamma: view(single.out.gamma, k), vega: view(single.out.vega, k),
          theta: view(single.out.theta, k), rho: view(single.out.rho, k)
        },
        status: view(single.status, k),
        inWasmMemory: single.inWasmMemory
      }
    c.input.isCall.fill(l.optionType === "call" ? 1 : 0)
    c.input.strike.fill(l.strike)
    c.input.rate.fill(0)
    return c
  })
  const expiry = Array.from(frames, (c) => c.input.expiry)
  const greeks = Array.from(frames, (c) => c.out)
  const live = Array.from(legs, () => true)
  // per leg, for the row loops: the Greeks' columns, the multiplier, the expiry, and per step the time to expiry
  // (years) and whether the leg settles within a day
  const priceOf = Array.from(greeks, (g) => g.price), deltaOf = Array.from(greeks, (g) => g.delta), gammaOf = Array.from(greeks, (g) => g.gamma)
  const vegaOf = Array.from(greeks, (g) => g.vega), thetaOf = Array.from(greeks, (g) => g.theta)
  const multiplier = Float64Array.from(legs, (l) => l.multiplier)
  const expiryMs = Float64Array.from(legs, (l) => l.expiryMs)
  const inverseLeg = Uint8Array.from(inverse, (x) => (x ? 1 : 0))
  const tauOf = new Float64Array(L)
  const nearOf = new Uint8Array(L)
  // the hedge instrument, resolved once: its delta per unit is 1 (spot), contractSize/mark (inverse) or
  // contractSize·mark/S (linear)
  const spotHedge = h.kind === "spot"
  const inverseHedge = h.kind !== "spot" && h.settlement === "inverse"
  const contractSize = h.kind === "spot" ? 1 : h.contractSize

  // totals in USD of the whole account per path (options + cash + hedge): value, Greeks w.r.t. S, σ (all legs shifted), t
  const W = held(), D = held(), G = held(), V = held(), TH = col()
  const prevS = col(), prevW = col(), prevD = col(), prevG = col(), prevTH = col()
  const prevEq = col(), refVol = held()
  // per leg (position-weighted, USD): vega, vanna, volga and the vol, now and at the previous step
  const legVega = Array.from(legs, () => col()), legVanna = Array.from(legs, () => col()), legVolga = Array.from(legs, () => col()), legVol = Array.from(legs, () => col())
  const prevLegVega = Array.from(legs, () => col()), prevLegVanna = Array.from(legs, () => col()), prevLegVolga = Array.from(legs, () => col()), prevLegVol = Array.from(legs, () => col())
  let prevT = NaN
  const equity0 = col()

  const attribution: Attribution = {
    delta: col(), gamma: col(), theta: col(), vega: col(), vanna: col(), volga: col(), funding: col(), fees: col(), slippage: col(), residual: col()
  }
  const trades = new Float32Array(paths)

  // policy columns
  const inputs = {
    length: paths,
    timeMs: col(), spot: col(), forward: col(), vol: held(), tau: held(), rate: col(), bookDelta: held(), bookGamma: held(), bookVega: held(),
    expiringDelta: held(), settlementMs: held(), hedgeDelta: held(), unitDelta: held(), cost: col(),
    lot: config.hedge.lot, minimum: config.hedge.minimum ?? config.hedge.lot, legs: [] as Array<RebalancePolicy.OptionLegColumns>,
    deltaAtVolScale: (row: number, scale: number): number => revalueDelta(row, scale)
  }
  // the hedge's one-way cost (taker fee and half-spread) is the same at every step
  inputs.cost.fill(config.hedge.fees.taker + config.hedge.halfSpread)
  const outputs = RebalancePolicy.makeOutputs(paths, 0)
  const state = RebalancePolicy.makeState(policy, paths)
  let current: StepMarket | undefined

  /** USD value of one contract of leg k (its coin mark × S for inverse) from the Black-76 price on F. */
  const usdPer = (k: number, price: number, S: number, F: number): number => (inverse[k] ? (price * S) / F : price)

  /** Book delta in the accounting at a vol multiplied by `scale` (for Leland and Zakamouline). */
  const revalueDelta = (i: number, scale: number): number => {
    const m = current!
    const S = m.spot[i]!
    let delta = 0, value = 0
    for (let k = 0; k < L; k++) {
      const q = account.legs[k]![i]! * legs[k]!.multiplier
      if (q === 0 || !live[k]) continue
      const F = m.forward[k]![i]!
      const g = Black76.greeks(legs[k]!.optionType, F, legs[k]!.strike, expiry[k]![i]!, 0, m.vol[k]![i]! * scale)
      delta += q * (inverse[k] ? g.delta : (g.delta * F) / S)
      value += q * usdPer(k, g.price, S, F)
    }
    // the book: options and cash, not the hedge (a spot hedge's coins sit in the coin balance)
    const spotHedge = h.kind === "spot" ? account.hedge[i]! : 0
    const d = delta + account.coin[i]! - spotHedge
    return coin ? d - (value + account.coin[i]! * S + account.usd[i]!) / S : d
  }

  /** Options' USD value and delta per path (position-weighted), from the last valuation. */
  const optW = held(), optD = held()
  const attributing = config.attribution === true
  // Each step needs the options' premiums where a decision or the attribution reads the book's value (coin
  // accounting: the book's coin delta includes −value/S). Otherwise a step asks the kernel for delta, gamma and
  // vega only and the account's value is left stale until read (`equity`, `pnl`) or the run finishes. A single
  // path (a replay, a live book) reads its P&L at every decision, so it is priced every step.
  const pricesEveryStep = coin || attributing || paths === 1
  const block = config.rowBlock ?? paths
  let stale = false

  /** Each leg's state at the market's time: live, years to expiry, settling within a day. */
  const legsAt = (timeMs: number): void => {
    for (let k = 0; k < L; k++) {
      const e = expiryMs[k]!
      live[k] = e > timeMs
      tauOf[k] = (e - timeMs) / YEAR_MS
      nearOf[k] = e - timeMs <= DAY_MS ? 1 : 0
    }
  }

  /**
   * Values every live leg at the market into `greeks` (the kernel's columns: forward and vol copied in); without
   * `priced`, delta, gamma and vega only (the premium, theta and rho columns are not current).
   */
  const valueLegs = (m: StepMarket, priced: boolean, lo = 0, hi = paths): void => {
    legsAt(m.timeMs)
    if (single !== undefined) {
      // every leg's row in one batch; a leg past its expiry gets placeholder inputs and is not read
      const input = single.input
      for (let k = 0; k < L; k++) {
        const on = live[k]!
        input.expiry[k] = on ? tauOf[k]! : 1
        input.forward[k] = on ? m.forward[k]![0]! : 1
        input.vol[k] = on ? m.vol[k]![0]! : 1
      }
      Black76.greeksBatch(input, single.out, single.status)
      for (let k = 0; k < L; k++) {
        if (live[k] && single.status[k] !== 0) {
          throw new InvalidInput({ field: `vol/forward of ${legs[k]!.symbol} on path 0`, value: { forward: m.forward[k]![0], vol: m.vol[k]![0] }, expected: "a positive forward and vol" })
        }
      }
      return
    }
    for (let k = 0; k < L; k++) {
      if (!live[k]) continue
      const f = lo === 0 && hi === paths ? frames[k]! : blockFrame(k, lo, hi)
      const whole = frames[k]!.input
      whole.expiry.fill(tauOf[k]!, lo, hi)
      whole.forward.set(m.forward[k]!.subarray(lo, hi), lo)
      whole.vol.set(m.vol[k]!.subarray(lo, hi), lo)
      if (priced) Black76.greeksBatch(f.input, f.out, f.status)
      else Black76.hedgeGreeksBatch(f.input, f.out, f.status)
      const status = frames[k]!.status
      for (let i = lo; i < hi; i++) {
        if (status[i] !== 0) throw new InvalidInput({ field: `vol/forward of ${legs[k]!.symbol} on path ${i}`, value: { forward: m.forward[k]![i], vol: m.vol[k]![i] }, expected: "a positive forward and vol" })
      }
    }
  }

  // Views of each leg's kernel columns on a block of rows [lo, hi), made on first use (the kernel computes views
  // of its own memory in place).
  const blockFrames: Array<Map<number, Black76.WasmColumns>> = Array.from(legs, () => new Map())
  const blockFrame = (k: number, lo: number, hi: number): Black76.WasmColumns => {
    let f = blockFrames[k]!.get(lo)
    if (f === undefined) {
      const { input: c, out: o, status } = frames[k]!
      const v = <A extends Float64Array | Uint8Array>(x: A): A => x.subarray(lo, hi) as A
      f = {
        input: { length: hi - lo, isCall: v(c.isCall), forward: v(c.forward), strike: v(c.strike), expiry: v(c.expiry), rate: v(c.rate), vol: v(c.vol) },
        out: { price: v(o.price), delta: v(o.delta), gamma: v(o.gamma), vega: v(o.vega), theta: v(o.theta), rho: v(o.rho) },
        status: v(status),
        inWasmMemory: frames[k]!.inWasmMemory
      }
      blockFrames[k]!.set(lo, f)
    }
    return f
  }

  // Per-row sums over the legs for one chunk of rows, built leg by leg (each leg's loop reads its own columns,
  // hoisted, rather than indexing arrays of columns per row); a chunk stays in the L1/L2 cache between the passes.
  const CHUNK = 512
  const sumW = new Float64Array(CHUNK), sumD = new Float64Array(CHUNK), sumG = new Float64Array(CHUNK), sumV = new Float64Array(CHUNK)
  const sumTh = new Float64Array(CHUNK), vegaAbs = new Float64Array(CHUNK), volSum = new Float64Array(CHUNK)
  const gammaAbs = new Float64Array(CHUNK), tauSum = new Float64Array(CHUNK), expiring = new Float64Array(CHUNK), settle = new Float64Array(CHUNK)

  /**
   * Adds live leg k of rows [lo, hi) to the chunk's sums: position-weighted USD value (when `priced`), Greeks
   * w.r.t. S, the weights of the reference vol and time to expiry, the delta settling next.
   */
  const addLeg = (m: StepMarket, k: number, lo: number, hi: number, priced: boolean, first: boolean): void => {
    const spot = m.spot, position = account.legs[k]!, forward = m.forward[k]!, vols = m.vol[k]!
    const price = priceOf[k]!, deltaK = deltaOf[k]!, gammaK = gammaOf[k]!, vegaK = vegaOf[k]!, thetaK = thetaOf[k]!
    const mult = multiplier[k]!, T = tauOf[k]!, inv = inverseLeg[k] === 1, near = nearOf[k] === 1, e = expiryMs[k]!
    const lv = legVega[k]!, lva = legVanna[k]!, lvo = legVolga[k]!, lvol = legVol[k]!, strike = legs[k]!.strike
    // the closure's columns as locals: V8 then reads each once, not at every row
    const aW = sumW, aD = sumD, aG = sumG, aV = sumV, aTh = sumTh, aVegaAbs = vegaAbs, aVolSum = volSum
    const aGammaAbs = gammaAbs, aTauSum = tauSum, aExpiring = expiring, aSettle = settle, toCoin = coin, attrib = attributing
    for (let i = lo; i < hi; i++) {
      const q = position[i]! * mult
      if (q === 0) continue
      const j = i - lo
      const S = spot[i]!
      const F = forward[i]!
      const b = F === S ? 1 : F / S // (F/F is 1 exactly: a division saved where forward = index)
      const sig = vols[i]!
      // Greeks of the USD value w.r.t. S (F = bS): inverse value is price/b, linear is price
      const s = inv ? 1 / b : 1
      const delta = deltaK[i]! * b * s, gamma = gammaK[i]! * b * b * s, vega = vegaK[i]! * s
      const p = priced ? price[i]! : 0
      const qv = Math.abs(q * vega), qg = Math.abs(q * gamma)
      // the first live leg writes the sums (0 + x is x: the same numbers as adding to zeros), later ones add
      if (first) {
        aW[j] = q * p * s
        aD[j] = q * delta
        aG[j] = q * gamma
        aV[j] = q * vega
        aVegaAbs[j] = qv
        aVolSum[j] = qv * sig
        aGammaAbs[j] = qg
        aTauSum[j] = qg * T
      } else {
        aW[j]! += q * p * s
        aD[j]! += q * delta
        aG[j]! += q * gamma
        aV[j]! += q * vega
        aVegaAbs[j]! += qv
        aVolSum[j]! += qv * sig
        aGammaAbs[j]! += qg
        aTauSum[j]! += qg * T
      }
      if (near && !(e > aSettle[j]!)) {
        if (e !== aSettle[j]) aExpiring[j] = 0
        aSettle[j] = e
        aExpiring[j]! += q * (toCoin ? delta - (p * s) / S : delta)
      }
      if (attrib) {
        // Black-76: vanna = ∂Δ/∂σ = −ν·d2/(S·σ√T), volga = ν·d1·d2/σ
        const sd = sig * Math.sqrt(T)
        const d1 = Math.log(F / strike) / sd + sd / 2, d2 = d1 - sd
        aTh[j]! += q * thetaK[i]! * s
        lv[i] = q * vega
        lva[i] = (-q * vega * d2) / (S * sd)
        lvo[i] = (q * vega * d1 * d2) / sig
        lvol[i] = sig
      }
    }
  }

  /**
   * Marks the hedge at the market, totals the options (from the last `valueLegs`; their value only when
   * `priced`) and the account (USD value and delta: options, cash and the hedge — a perpetual or future holds no
   * value once marked, only delta; spot coins are in the coin balance), and with `fill` writes the policy's
   * inputs. Chunk by chunk of rows: the legs' sums, then one pass over the rows.
   */
  const markAndTotal = (m: StepMarket, fill: boolean, priced: boolean): void => {
    const spot = m.spot, markCol = m.mark
    const cash = account.coin, usd = account.usd, pos = account.hedge, ref = account.hedgeRef
    // the columns the policy's inputs share with the market
    if (fill) fillMarket(m)
    // Greeks and the reference vol are kept for a later fill or the attribution
    const keep = !fill || attributing
    // the account's totals are read after a priced valuation (equity, coin decisions, the attribution); an
    // unpriced step leaves them stale, so it does not write them
    const totals = priced || keep
    const vol0 = L > 0 ? m.vol[0]! : undefined
    const { tau, expiringDelta, settlementMs, vol: volIn, unitDelta, hedgeDelta: hedgeIn, bookDelta, bookGamma, bookVega } = inputs
    // the closure's columns and flags as locals: V8 then reads each once, not at every row
    const aW = sumW, aD = sumD, aG = sumG, aV = sumV, aTh = sumTh, aVegaAbs = vegaAbs, aVolSum = volSum
    const aGammaAbs = gammaAbs, aTauSum = tauSum, aExpiring = expiring, aSettle = settle
    const w0 = W, d0 = D, g0 = G, v0 = V, th0 = TH, refVol0 = refVol, optW0 = optW, optD0 = optD
    const n0 = paths, toCoin = coin, attrib = attributing, spot0 = spotHedge, inverse0 = inverseHedge, size = contractSize
    // With one live leg (a single option, or the last of a book) the row pass values it itself: no sums to
    // write and read back, and its vol and time to expiry are the weighted means exactly (no division).
    let liveLegs = 0, only = 0
    for (let k = 0; k < L; k++) {
      if (live[k]) {
        liveLegs++
        only = k
      }
    }
    const one = liveLegs === 1
    const posO = account.legs[only]!, fwdO = m.forward[only]!, volO = m.vol[only]!, priceO = priceOf[only]!
    const deltaO = deltaOf[only]!, gammaO = gammaOf[only]!, vegaO = vegaOf[only]!, thetaO = thetaOf[only]!
    const multO = multiplier[only]!, tauO = tauOf[only]!, invO = inverseLeg[only] === 1, nearO = nearOf[only] === 1
    const expiryO = expiryMs[only]!, strikeO = L > 0 ? legs[only]!.strike : NaN
    const lvO = legVega[only]!, lvaO = legVanna[only]!, lvoO = legVolga[only]!, lvolO = legVol[only]!
    for (let lo = 0; lo < n0; lo += CHUNK) {
      const hi = Math.min(n0, lo + CHUNK), n = hi - lo
      if (!one) {
        // zeros for the rows no leg writes (a position of 0 is skipped), then the first live leg writes the rest
        aW.fill(0, 0, n); aD.fill(0, 0, n); aG.fill(0, 0, n); aV.fill(0, 0, n); aTh.fill(0, 0, n)
        aVegaAbs.fill(0, 0, n); aVolSum.fill(0, 0, n); aGammaAbs.fill(0, 0, n); aTauSum.fill(0, 0, n)
        aExpiring.fill(0, 0, n); aSettle.fill(NaN, 0, n)
      }
      let first = true
      for (let k = 0; k < L; k++) {
        if (live[k]) {
          if (!one) addLeg(m, k, lo, hi, priced, first)
          first = false
        } else if (attributing) {
          legVega[k]!.fill(0, lo, hi)
          legVanna[k]!.fill(0, lo, hi)
          legVolga[k]!.fill(0, lo, hi)
        }
      }
      for (let i = lo; i < hi; i++) {
        const j = i - lo
        const S = spot[i]!
        const mark = markCol[i]!
        if (!spot0) {
          // Accounting.markHedge
          const r = ref[i]!
          const q = pos[i]!
          if (q !== 0 && r === r) {
            if (inverse0) cash[i]! += q * size * (1 / r - 1 / mark)
            else usd[i]! += q * size * (mark - r)
          }
          ref[i] = mark
        }
        let w = 0, d = 0, g = 0, v = 0, vol = vol0 !== undefined ? vol0[i]! : 0, T = 0, expiringD = 0, settleMs = NaN
        if (one) {
          // addLeg's arithmetic on the one leg (keep the two in step)
          const q = posO[i]! * multO
          if (q !== 0) {
            const F = fwdO[i]!
            const b = F === S ? 1 : F / S
            const sig = volO[i]!
            const s = invO ? 1 / b : 1
            const delta = deltaO[i]! * b * s, gamma = gammaO[i]! * b * b * s, vega = vegaO[i]! * s
            const p = priced ? priceO[i]! : 0
            w = q * p * s
            d = q * delta
            g = q * gamma
            v = q * vega
            if (q * vega !== 0) vol = sig
            if (q * gamma !== 0) T = tauO
            if (nearO) {
              settleMs = expiryO
              expiringD = q * (toCoin ? delta - (p * s) / S : delta)
            }
            if (attrib) {
              const sd = sig * Math.sqrt(tauO)
              const d1 = Math.log(F / strikeO) / sd + sd / 2, d2 = d1 - sd
              th0[i] = q * thetaO[i]! * s
              lvO[i] = q * vega
              lvaO[i] = (-q * vega * d2) / (S * sd)
              lvoO[i] = (q * vega * d1 * d2) / sig
              lvolO[i] = sig
            }
          } else if (attrib) th0[i] = 0
        } else {
          w = aW[j]!; d = aD[j]!; g = aG[j]!; v = aV[j]!
          const va = aVegaAbs[j]!, ga = aGammaAbs[j]!
          if (va > 0) vol = aVolSum[j]! / va
          if (ga > 0) T = aTauSum[j]! / ga
          expiringD = aExpiring[j]!
          settleMs = aSettle[j]!
          if (attrib) th0[i] = aTh[j]!
        }
        if (totals) {
          optW0[i] = w
          optD0[i] = d
        }
        if (keep) {
          g0[i] = g; v0[i] = v; refVol0[i] = vol
        }
        tau[i] = T
        expiringDelta[i] = expiringD
        settlementMs[i] = settleMs
        // a linear hedge marked at the index (mark = S) carries exactly its contract size of delta
        const unit = spot0 ? 1 : inverse0 ? size / mark : mark === S ? size : (size * mark) / S
        const c = cash[i]!
        const W_ = w + c * S + usd[i]!
        const hedgeDelta = pos[i]! * unit
        const D_ = d + c + (spot0 ? 0 : hedgeDelta)
        if (totals) {
          w0[i] = W_
          d0[i] = D_
        }
        if (fill) {
          // fillRow, inline
          volIn[i] = vol
          unitDelta[i] = unit
          hedgeIn[i] = hedgeDelta
          const dUsd = D_ - hedgeDelta
          if (toCoin) {
            bookDelta[i] = dUsd - W_ / S
            bookGamma[i] = g - dUsd / S + W_ / (S * S)
            bookVega[i] = v / S
          } else {
            bookDelta[i] = dUsd
            bookGamma[i] = g
            bookVega[i] = v
          }
        }
      }
    }
    // the account's values hold the options' premiums only when they were priced
    stale = !priced
  }

  // The book's pass (see internal/bookWasm.ts): its staging columns, and the offsets that do not change
  const stage = book === undefined ? undefined : {
    spot: book.column(), mark: book.column(),
    forward: Array.from(legs, () => book.column()), vol: Array.from(legs, () => book.column()),
    price: Array.from(legs, () => book.column()), delta: Array.from(legs, () => book.column()), gamma: Array.from(legs, () => book.column()),
    vega: Array.from(legs, () => book.column())
  }
  if (book !== undefined) {
    const a = book.args
    a[Slot.N] = paths
    a[Slot.LEGS] = L
    a[Slot.CASH] = account.coin.byteOffset; a[Slot.USD] = account.usd.byteOffset
    a[Slot.POS] = account.hedge.byteOffset; a[Slot.REF] = account.hedgeRef.byteOffset
    a[Slot.W] = W.byteOffset; a[Slot.D] = D.byteOffset; a[Slot.OPTW] = optW.byteOffset; a[Slot.OPTD] = optD.byteOffset
    a[Slot.G] = G.byteOffset; a[Slot.V] = V.byteOffset; a[Slot.REFVOL] = refVol.byteOffset
    a[Slot.TAU] = inputs.tau.byteOffset; a[Slot.EXPIRING] = inputs.expiringDelta.byteOffset
    a[Slot.SETTLE] = inputs.settlementMs.byteOffset; a[Slot.VOLIN] = inputs.vol.byteOffset; a[Slot.UNIT] = inputs.unitDelta.byteOffset
    a[Slot.HEDGEIN] = inputs.hedgeDelta.byteOffset; a[Slot.BOOKDELTA] = inputs.bookDelta.byteOffset
    a[Slot.BOOKGAMMA] = inputs.bookGamma.byteOffset; a[Slot.BOOKVEGA] = inputs.bookVega.byteOffset
    book.f64[0] = contractSize
    for (let k = 0; k < L; k++) {
      const at = Slot.LEG + k * Slot.LEG_SLOTS
      a[at + LegSlot.POS] = account.legs[k]!.byteOffset
      a[at + LegSlot.INV] = inverseLeg[k]!
      book.f64[8 + 4 * k] = multiplier[k]!
      book.f64[10 + 4 * k] = expiryMs[k]!
    }
  }

  /** Where column `c` is in the book's memory: its own offset if it is there already, else copied to `staging`. */
  const inBook = (c: Float64Array, staging: Float64Array, lo: number, hi: number): number => {
    if (c.buffer === book!.buffer) return c.byteOffset
    staging.set(c.subarray(lo, hi), lo)
    return staging.byteOffset
  }

  /**
   * `markAndTotal(m, true, priced)` in WebAssembly: the same arithmetic in the same order, so the same bits
   * (test/BookWasm.test.ts). The market's columns and the legs' Greeks are copied into the book's memory.
   */
  const bookPass = (m: StepMarket, priced: boolean, lo = 0, hi = paths): void => {
    const b = book!, st = stage!, a = b.args
    fillMarket(m, lo, hi)
    let liveLegs = 0, only = 0
    for (let k = 0; k < L; k++) {
      if (live[k]) {
        liveLegs++
        only = k
      }
    }
    a[Slot.FLAGS] = (liveLegs === 1 ? Flag.ONE : 0) | (priced ? Flag.PRICED : 0) | Flag.FILL | (coin ? Flag.COIN : 0) |
      (spotHedge ? Flag.SPOT_HEDGE : 0) | (inverseHedge ? Flag.INVERSE_HEDGE : 0)
    a[Slot.ONLY] = only
    const spotAt = inBook(m.spot, st.spot, lo, hi)
    const markAt = m.mark === m.spot ? spotAt : inBook(m.mark, st.mark, lo, hi)
    a[Slot.SPOT] = spotAt
    a[Slot.MARK] = markAt
    for (let k = 0; k < L; k++) {
      const at = Slot.LEG + k * Slot.LEG_SLOTS
      const on = live[k]!
      a[at + LegSlot.LIVE] = on ? 1 : 0
      // leg 0's vol is the fallback reference vol of a row without vega, live or not
      if (on || k === 0) a[at + LegSlot.VOL] = inBook(m.vol[k]!, st.vol[k]!, lo, hi)
      if (!on) continue
      const f = m.forward[k]!
      a[at + LegSlot.FWD] = f === m.spot ? spotAt : f === m.mark ? markAt : inBook(f, st.forward[k]!, lo, hi)
      const g = greeks[k]!
      if (priced) a[at + LegSlot.PRICE] = inBook(g.price, st.price[k]!, lo, hi)
      a[at + LegSlot.DELTA] = inBook(g.delta, st.delta[k]!, lo, hi)
      a[at + LegSlot.GAMMA] = inBook(g.gamma, st.gamma[k]!, lo, hi)
      a[at + LegSlot.VEGA] = inBook(g.vega, st.vega[k]!, lo, hi)
      a[at + LegSlot.NEAR] = nearOf[k]!
      b.f64[9 + 4 * k] = tauOf[k]!
    }
    a[Slot.VOL0] = L > 0 ? a[Slot.LEG + LegSlot.VOL]! : 0
    b.pass(lo, hi)
    stale = !priced
  }

  /** The policy's inputs of every row that come from the market as they are: time, index, forward. */
  const fillMarket = (m: StepMarket, lo = 0, hi = paths): void => {
    inputs.timeMs.fill(m.timeMs, lo, hi)
    inputs.spot.set(m.spot.subarray(lo, hi), lo)
    inputs.forward.set((L > 0 ? m.forward[0]! : m.spot).subarray(lo, hi), lo)
  }

  /** The rest of row i's policy inputs: the book is everything but the hedge. */
  const fillRow = (i: number, S: number, vol: number, unit: number, hedgeDelta: number, w: number, dTotal: number, gamma: number, vega: number): void => {
    inputs.vol[i] = vol
    inputs.unitDelta[i] = unit
    inputs.hedgeDelta[i] = hedgeDelta
    const dUsd = dTotal - hedgeDelta
    let d = dUsd, g = gamma, v = vega
    if (coin) {
      d = dUsd - w / S
      g = gamma - dUsd / S + w / (S * S)
      v = vega / S
    }
    inputs.bookDelta[i] = d
    inputs.bookGamma[i] = g
    inputs.bookVega[i] = v
  }

  /** The policy's inputs of every row from the current totals. */
  const fillInputs = (m: StepMarket): void => {
    fillMarket(m)
    for (let i = 0; i < paths; i++) {
      const S = m.spot[i]!
      const unit = hedgeUnitDelta(S, m.mark[i]!)
      fillRow(i, S, refVol[i]!, unit, account.hedge[i]! * unit, W[i]!, D[i]!, G[i]!, V[i]!)
    }
  }

  /** Totals of row i after a hedge trade (the options do not move). */
  const totalRow = (i: number, S: number, mark: number): void => {
    W[i] = optW[i]! + account.coin[i]! * S + account.usd[i]!
    D[i] = optD[i]! + account.coin[i]! + (spotHedge ? 0 : account.hedge[i]! * hedgeUnitDelta(S, mark))
  }

  /** Marks the hedge, values the book and totals the account. */
  const value = (m: StepMarket): void => {
    valueLegs(m, true)
    markAndTotal(m, false, true)
  }

  /** Equity per path in the accounting currency (hedge marked first). */
  const equityInto = (out: Float64Array, m: StepMarket): void => {
    for (let i = 0; i < paths; i++) out[i] = coin ? W[i]! / m.spot[i]! : W[i]!
  }

  /** Cumulative costs paid per path, in the accounting currency (coin flows at the index S). */
  const feesPaid = (i: number, S: number): number => (coin ? account.feesCoin[i]! + account.feesUsd[i]! / S : account.feesCoin[i]! * S + account.feesUsd[i]!)
  const fundingPaid = (i: number, S: number): number => (coin ? account.fundingCoin[i]! + account.fundingUsd[i]! / S : account.fundingCoin[i]! * S + account.fundingUsd[i]!)
  const slippagePaid = (i: number, S: number): number => (coin ? account.slippageCoin[i]! + account.slippageUsd[i]! / S : account.slippageCoin[i]! * S + account.slippageUsd[i]!)
  const feesBefore = col(), fundingBefore = col(), slippageBefore = col()
  const snapshotRow = (i: number, S: number): void => {
    feesBefore[i] = feesPaid(i, S)
    fundingBefore[i] = fundingPaid(i, S)
    slippageBefore[i] = slippagePaid(i, S)
  }
  const snapshotFlows = (m: StepMarket): void => {
    for (let i = 0; i < paths; i++) snapshotRow(i, m.spot[i]!)
  }
  /** Books the costs paid since the last snapshot into the attribution; returns nothing, fills `flowDelta`. */
  const flowDelta = col()
  const bookFlows = (m: StepMarket): void => {
    for (let i = 0; i < paths; i++) {
      const S = m.spot[i]!
      const fe = feesPaid(i, S) - feesBefore[i]!, fu = fundingPaid(i, S) - fundingBefore[i]!, sl = slippagePaid(i, S) - slippageBefore[i]!
      attribution.fees[i]! -= fe
      attribution.funding[i]! -= fu
      attribution.slippage[i]! -= sl
      flowDelta[i] = fe + fu + sl
    }
  }

  /** Splits the P&L since the previous step into Greeks, flows and a residual. */
  const eqScratch = col()
  const attribute = (m: StepMarket): void => {
    const dt = (m.timeMs - prevT) / YEAR_MS
    equityInto(eqScratch, m)
    bookFlows(m)
    for (let i = 0; i < paths; i++) {
      const S0 = prevS[i]!, S = m.spot[i]!, dS = S - S0
      // derivatives of the account's value at the previous step, in the accounting currency
      let d1 = prevD[i]!, d2 = prevG[i]!, th = prevTH[i]!
      if (coin) {
        // W_coin = W/S: ∂S = Δ/S − W/S², ∂²S = Γ/S − 2Δ/S² + 2W/S³; t derivatives ÷ S
        const w = prevW[i]!
        const dUsd = d1
        d1 = dUsd / S0 - w / (S0 * S0)
        d2 = d2 / S0 - (2 * dUsd) / (S0 * S0) + (2 * w) / (S0 * S0 * S0)
        th /= S0
      }
      // each leg's own vol move: ν dσ, vanna dS dσ, ½ volga dσ² (coin view: ∂S∂σ = vanna/S − ν/S², σ derivatives ÷ S)
      let tVega = 0, tVanna = 0, tVolga = 0
      for (let k = 0; k < L; k++) {
        const ve = prevLegVega[k]![i]!
        if (ve === 0) continue
        const dv = legVol[k]![i]! - prevLegVol[k]![i]!
        const va = coin ? prevLegVanna[k]![i]! / S0 - ve / (S0 * S0) : prevLegVanna[k]![i]!
        const scale = coin ? 1 / S0 : 1
        tVega += ve * scale * dv
        tVanna += va * dS * dv
        tVolga += 0.5 * prevLegVolga[k]![i]! * scale * dv * dv
      }
      const tDelta = d1 * dS, tGamma = 0.5 * d2 * dS * dS, tTheta = th * dt
      attribution.delta[i]! += tDelta
      attribution.gamma[i]! += tGamma
      attribution.theta[i]! += tTheta
      attribution.vega[i]! += tVega
      attribution.vanna[i]! += tVanna
      attribution.volga[i]! += tVolga
      const total = eqScratch[i]! - prevEq[i]!
      attribution.residual[i]! += total + flowDelta[i]! - (tDelta + tGamma + tTheta + tVega + tVanna + tVolga)
    }
  }

  const remember = (m: StepMarket): void => {
    prevT = m.timeMs
    for (let i = 0; i < paths; i++) {
      prevS[i] = m.spot[i]!
      prevW[i] = W[i]!; prevD[i] = D[i]!; prevG[i] = G[i]!; prevTH[i] = TH[i]!
      for (let k = 0; k < L; k++) {
        prevLegVega[k]![i] = legVega[k]![i]!
        prevLegVanna[k]![i] = legVanna[k]![i]!
        prevLegVolga[k]![i] = legVolga[k]![i]!
        prevLegVol[k]![i] = legVol[k]![i]!
      }
      prevEq[i] = coin ? W[i]! / m.spot[i]! : W[i]!
    }
    snapshotFlows(m)
  }

  const hedgeUnitDelta = (S: number, mark: number): number => {
    switch (h.kind) {
      case "spot":
        return 1
      case "perpetual":
      case "future":
        return h.settlement === "inverse" ? h.contractSize / mark : (h.contractSize * mark) / S
    }
  }

  /**
   * Decides from the policy's inputs (filled) and trades the hedge on every path; the totals of the rows that
   * traded follow (a hedge trade moves cash and the hedge, not the options).
   */
  const decide = (m: StepMarket): void => {
    RebalancePolicy.evaluate(policy, inputs, state, outputs)
    if (attributing) snapshotFlows(m)
    trade(m)
    // a trade's fee and spread are paid at once: they are the whole of its P&L at the mark
    if (attributing) bookFlows(m)
  }

  /** Sends the last decision's orders and books what fills at once. */
  const executor = config.executor ?? costExecutor(h, config.hedge)
  const filled: Fill = { quantity: 0, price: NaN, fee: 0 }
  const trade = (m: StepMarket, lo = 0, hi = paths): void => {
    const quantity = outputs.quantity
    for (let i = lo; i < hi; i++) {
      const q = quantity[i]!
      if (q === 0) continue
      const mark = m.mark[i]!
      filled.quantity = 0
      executor.execute(i, q, mark, m.timeMs, filled)
      if (filled.quantity === 0) continue
      Accounting.tradeHedge(account, i, filled.quantity, filled.price, mark, filled.fee)
      trades[i]! += 1
      // stale totals are recomputed when read
      if (!stale) totalRow(i, m.spot[i]!, mark)
    }
  }

  const engine: Engine = {
    config,
    paths,
    marketColumn: () => (book !== undefined && marketColumns++ < MARKET_COLUMNS ? book.column() : col()),
    account,
    trades,
    attribution,
    inputs,
    outputs,
    open: (m) => {
      current = m
      value(m)
      equityInto(equity0, m)
      snapshotFlows(m)
      // open the legs at their marks (plus half-spread and fees)
      const half = config.optionHalfSpread ?? 0
      for (let k = 0; k < L; k++) {
        const n = config.positions[k]!
        if (n === 0) continue
        openLegRows(account, k, n, paths, m.spot, m.forward[k]!, greeks[k]!.price, legs[k]!.multiplier, inverse[k]!, half, config.optionFees)
      }
      value(m)
      if (attributing) {
        bookFlows(m)
        // opening at the mark costs only fees and spread: anything else is the residual
        equityInto(eqScratch, m)
        for (let i = 0; i < paths; i++) attribution.residual[i]! += eqScratch[i]! - equity0[i]! + flowDelta[i]!
      }
      fillInputs(m)
      decide(m)
      remember(m)
    },
    step: (m) => {
      current = m
      if (attributing) {
        value(m)
        attribute(m)
        fillInputs(m)
        decide(m)
        remember(m)
      } else {
        // one pass marks, totals and fills the policy's inputs; nothing is remembered for attribution
        if (book !== undefined) {
          // block by block of rows (`rowBlock`), every phase of the step: a block's columns can stay in the core's
          // cache from the valuation to the trade (rows are independent; the executor still sees them in order)
          for (let lo = 0; lo < paths; lo += block) {
            const hi = Math.min(paths, lo + block)
            valueLegs(m, pricesEveryStep, lo, hi)
            bookPass(m, pricesEveryStep, lo, hi)
            RebalancePolicy.evaluate(policy, inputs, state, outputs, lo, hi)
            trade(m, lo, hi)
          }
          return
        }
        valueLegs(m, pricesEveryStep)
        markAndTotal(m, true, pricesEveryStep)
        decide(m)
      }
    },
    fill: (i, quantity, price, fee, mark) => {
      if (!(Number.isInteger(i) && i >= 0 && i < paths)) throw new InvalidInput({ field: "path", value: i, expected: `a path index below ${paths}` })
      if (!(Number.isFinite(quantity) && price > 0 && Number.isFinite(fee) && mark > 0)) {
        throw new InvalidInput({ field: "fill", value: { quantity, price, fee, mark }, expected: "a finite quantity and fee, a price and mark > 0" })
      }
      const m = current
      if (m === undefined) throw new InvalidInput({ field: "fill", value: { path: i, quantity }, expected: "a fill after the engine opened" })
      const S = m.spot[i]!
      const feesBefore = feesPaid(i, S), slippageBefore = slippagePaid(i, S)
      Accounting.tradeHedge(account, i, quantity, price, mark, fee)
      trades[i]! += 1
      totalRow(i, S, mark)
      if (attributing) {
        // as for a fill at once (see `decide`): the fee and spread are its whole P&L at the mark, and the next
        // step's Greeks start from the account with the fill
        attribution.fees[i]! -= feesPaid(i, S) - feesBefore
        attribution.slippage[i]! -= slippagePaid(i, S) - slippageBefore
        prevW[i] = W[i]!
        prevD[i] = D[i]!
        prevEq[i] = coin ? W[i]! / prevS[i]! : W[i]!
        snapshotRow(i, prevS[i]!)
      }
    },
    finish: (m) => {
      current = m
      value(m)
      if (attributing) {
        attribute(m)
        remember(m)
      }
    },
    fund: (timeMs, rate, intervalMs, mode, mark) => {
      for (let i = 0; i < paths; i++) {
        if (mode === "discrete") Accounting.fundDiscrete(account, i, rate, mark[i]!)
        else Accounting.fundContinuous(account, i, rate, intervalMs, mark[i]!, timeMs)
      }
    },
    settle: (expiryMs, delivery) => {
      for (let k = 0; k < L; k++) {
        if (legs[k]!.expiryMs !== expiryMs) continue
        settleLegRows(account, k, paths, delivery, config.deliveryFeeRate ?? 0)
      }
      if (h.kind === "future" && h.expiryMs === expiryMs) settleFutureRows(account, paths, delivery)
    },
    equity: () => {
      const out = col()
      if (stale) value(current!)
      equityInto(out, current!)
      return out
    },
    pnl: () => {
      const out = col()
      if (stale) value(current!)
      equityInto(out, current!)
      for (let i = 0; i < paths; i++) out[i]! -= equity0[i]!
      return out
    }
  }
  return engine
}
