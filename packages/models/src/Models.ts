/**
 * The closed-form models as `PricingModel`s of the SDK contract, used exactly as a third-party model would
 * be. Their one parameter is `vol`: one number for every option, or (in batch calls) a column with each
 * option's own vol. The contract prices on the forward, so Black-Scholes-Merton is `black76` with
 * F = S·e^{(r−q)T}; its spot Greeks are in `BlackScholes`.
 *
 * @since 0.1.0
 */
import { definePricingModel, InvalidInput } from "@hedgekit/sdk"
import type { GreeksColumns } from "./Black76.js"
import type { EuropeanBatch, Greeks, Instrument, PricingModel } from "@hedgekit/sdk"
import * as Schema from "effect/Schema"
import packageJson from "../package.json" with { type: "json" }
import * as Bachelier from "./Bachelier.js"
import * as Black76 from "./Black76.js"
import * as BachelierRows from "./internal/bachelierRows.js"
import * as BlackRows from "./internal/black76Rows.js"
import { checkColumns, optionColumns, outputColumns } from "./internal/validate.js"

/**
 * `{ vol }`: a finite volatility > 0 (decimal for `black76`, absolute for `bachelier`).
 *
 * @since 0.1.0
 * @category models
 */
export const VolParams = Schema.Struct({ vol: Schema.Finite.check(Schema.isGreaterThan(0)) })

/**
 * @since 0.1.0
 * @category models
 */
export type VolParams = typeof VolParams.Type

const VERSION: string = packageJson.version

const volColumn = (vol: number | Float64Array, length: number): Float64Array | undefined => {
  if (typeof vol === "number") return undefined
  if (vol.length < length) {
    throw new InvalidInput({ field: "vol", value: vol.length, expected: `a column of at least ${length} vols` })
  }
  return vol
}

type OptionType = Instrument.OptionType

interface Scalar {
  readonly price: (type: OptionType, F: number, K: number, T: number, r: number, vol: number) => number
  readonly greeks: (type: OptionType, F: number, K: number, T: number, r: number, vol: number) => Greeks
}

interface Rows {
  readonly priceRows: (o: EuropeanBatch, column: Float64Array | undefined, vol: number, out: Float64Array, status: Uint8Array) => void
  readonly greeksRows: (o: EuropeanBatch, column: Float64Array | undefined, vol: number, out: GreeksColumns, status: Uint8Array) => void
}

// A vol column is checked row by row (invalid rows get INVALID_VOL); so is a single vol.
const volModel = (name: string, description: string, scalar: Scalar, rows: Rows): PricingModel<VolParams> =>
  definePricingModel<VolParams>({
    name,
    version: VERSION,
    description,
    params: VolParams,
    price: (o, { vol }) => scalar.price(o.type, o.forward, o.strike, o.expiry, o.rate, vol),
    greeks: (o, { vol }) => scalar.greeks(o.type, o.forward, o.strike, o.expiry, o.rate, vol),
    priceBatch: (options, { vol }, out, status) => {
      checkColumns(options.length, { ...optionColumns(options), out, status })
      rows.priceRows(options, volColumn(vol, options.length), typeof vol === "number" ? vol : 0, out, status)
    },
    greeksBatch: (options, { vol }, out, status) => {
      // These models always have a vega; a caller that does not want it may leave the column out.
      const columns = out.vega === undefined ? { ...out, vega: new Float64Array(options.length) } : { ...out, vega: out.vega }
      checkColumns(options.length, { ...optionColumns(options), status, ...outputColumns(columns) })
      rows.greeksRows(options, volColumn(vol, options.length), typeof vol === "number" ? vol : 0, columns, status)
    }
  })

/**
 * Black-76 as a `PricingModel`.
 *
 * @since 0.1.0
 * @category models
 */
export const black76: PricingModel<VolParams> = volModel(
  "black76",
  "Black (1976) lognormal model on the forward; vol decimal per √year",
  Black76,
  BlackRows
)

/**
 * Bachelier as a `PricingModel`.
 *
 * @since 0.1.0
 * @category models
 */
export const bachelier: PricingModel<VolParams> = volModel(
  "bachelier",
  "Bachelier normal model on the forward; vol absolute (price units per √year)",
  Bachelier,
  BachelierRows
)
