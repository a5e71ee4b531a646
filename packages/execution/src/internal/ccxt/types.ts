/**
 * The parts of ccxt's unified API the adapter uses, as structural types. ccxt is an optional peer dependency and
 * is loaded with a dynamic `import("ccxt")` when a layer is built, so neither the runtime code nor the public
 * declarations of this package depend on ccxt's own type declarations.
 */

/** A number or a string ccxt could not parse (ccxt unified structures hold numbers or `undefined`). */
export type Num = number | undefined

export type Info = Record<string, unknown>

export interface CcxtMarket {
  readonly id: string
  readonly symbol: string
  readonly base: string
  readonly quote: string
  readonly settle?: string | undefined
  readonly baseId?: string | undefined
  readonly quoteId?: string | undefined
  readonly settleId?: string | undefined
  readonly type: string
  readonly spot: boolean
  readonly swap: boolean
  readonly future: boolean
  readonly option: boolean
  readonly contract: boolean
  readonly linear?: boolean | undefined
  readonly inverse?: boolean | undefined
  readonly contractSize?: Num
  readonly expiry?: Num
  readonly strike?: Num
  readonly optionType?: string | undefined
  readonly precision: { readonly amount?: Num; readonly price?: Num }
  readonly limits: { readonly amount?: { readonly min?: Num; readonly max?: Num } | undefined }
  readonly info: Info
}

export interface CcxtFee {
  readonly cost?: Num
  readonly currency?: string | undefined
}

export interface CcxtTrade {
  readonly id?: string | undefined
  readonly order?: string | undefined
  readonly timestamp?: Num
  readonly symbol?: string | undefined
  readonly side?: string | undefined
  readonly takerOrMaker?: string | undefined
  readonly price?: Num
  readonly amount?: Num
  readonly fee?: CcxtFee | undefined
  readonly fees?: ReadonlyArray<CcxtFee> | undefined
  readonly info: Info
}

export interface CcxtOrder {
  readonly id?: string | undefined
  readonly clientOrderId?: string | undefined
  readonly timestamp?: Num
  readonly lastTradeTimestamp?: Num
  readonly lastUpdateTimestamp?: Num
  readonly symbol?: string | undefined
  readonly type?: string | undefined
  readonly side?: string | undefined
  readonly price?: Num
  readonly amount?: Num
  readonly filled?: Num
  readonly remaining?: Num
  readonly average?: Num
  readonly status?: string | undefined
  readonly trades?: ReadonlyArray<CcxtTrade> | undefined
  readonly info: Info
}

export interface CcxtPosition {
  readonly symbol?: string | undefined
  readonly contracts?: Num
  readonly side?: string | undefined
  readonly info: Info
}

export interface CcxtBalances {
  readonly total?: Record<string, Num>
  readonly free?: Record<string, Num>
  readonly info?: unknown
}

export interface CcxtGreeks {
  readonly symbol?: string | undefined
  readonly timestamp?: Num
  readonly delta?: Num
  readonly gamma?: Num
  readonly theta?: Num
  readonly vega?: Num
  readonly rho?: Num
  readonly markImpliedVolatility?: Num
  readonly bidImpliedVolatility?: Num
  readonly askImpliedVolatility?: Num
  readonly markPrice?: Num
  readonly underlyingPrice?: Num
  readonly info: Info
}

type Params = Record<string, unknown>

/** A ccxt exchange instance (REST). */
export interface CcxtExchange {
  readonly id: string
  readonly has: Record<string, boolean | string | undefined>
  readonly markets: Record<string, CcxtMarket> | undefined
  options: Record<string, unknown>
  readonly precisionMode: number
  readonly loadMarkets: (reload?: boolean) => Promise<Record<string, CcxtMarket>>
  readonly setSandboxMode: (enabled: boolean) => void
  readonly enableDemoTrading?: (enabled: boolean) => void
  readonly createOrder: (symbol: string, type: string, side: string, amount: number, price?: number, params?: Params) => Promise<CcxtOrder>
  readonly cancelOrder: (id: string | undefined, symbol?: string, params?: Params) => Promise<CcxtOrder>
  readonly fetchOrder: (id: string | undefined, symbol?: string, params?: Params) => Promise<CcxtOrder>
  readonly fetchOpenOrders: (symbol?: string, since?: number, limit?: number, params?: Params) => Promise<Array<CcxtOrder>>
  readonly fetchClosedOrders: (symbol?: string, since?: number, limit?: number, params?: Params) => Promise<Array<CcxtOrder>>
  readonly fetchCanceledAndClosedOrders?: (symbol?: string, since?: number, limit?: number, params?: Params) => Promise<Array<CcxtOrder>>
  readonly fetchOrderTrades: (id: string, symbol?: string, since?: number, limit?: number, params?: Params) => Promise<Array<CcxtTrade>>
  readonly fetchMyTrades: (symbol?: string, since?: number, limit?: number, params?: Params) => Promise<Array<CcxtTrade>>
  readonly fetchPositions: (symbols?: ReadonlyArray<string>, params?: Params) => Promise<Array<CcxtPosition>>
  readonly fetchBalance: (params?: Params) => Promise<CcxtBalances>
  readonly fetchGreeks: (symbol: string, params?: Params) => Promise<CcxtGreeks>
  readonly parseOrders: (orders: ReadonlyArray<unknown>, market?: CcxtMarket) => Array<CcxtOrder>
  readonly parseOrder: (order: unknown, market?: CcxtMarket) => CcxtOrder
  readonly amountToPrecision: (symbol: string, amount: number) => string
  readonly priceToPrecision: (symbol: string, price: number) => string
  readonly close?: () => Promise<unknown>
}

/** An error class of ccxt's hierarchy. */
export type ErrorClass = abstract new(...args: Array<never>) => Error

/** What the adapter takes from the loaded `ccxt` module. */
export interface CcxtModule {
  readonly version: string | undefined
  readonly exchange: (id: string) => (new(config: Record<string, unknown>) => CcxtExchange) | undefined
  readonly errors: Readonly<Record<string, ErrorClass | undefined>>
}

/** ccxt's `precisionMode` constants. */
export const DECIMAL_PLACES = 2
export const SIGNIFICANT_DIGITS = 3
export const TICK_SIZE = 4
