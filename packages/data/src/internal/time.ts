/**
 * Text → UTC epoch milliseconds.
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]00:?00|UTC)?$/

/**
 * `YYYY-MM-DD[ HH:MM[:SS[.fff…]]]` (a `T` may separate date and time; a `Z`, `+00:00` or `UTC` suffix is
 * allowed) read as UTC, in ms with the sub-millisecond digits kept as a fraction. NaN when the text does not
 * parse or names a date that does not exist (2026-02-30).
 */
export const parseUtc = (text: string): number => {
  const m = DATE_TIME.exec(text.trim())
  if (m === null) return NaN
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3])
  const hour = Number(m[4] ?? 0), minute = Number(m[5] ?? 0), second = Number(m[6] ?? 0)
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return NaN
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  if (new Date(ms).getUTCDate() !== day) return NaN
  const fraction = m[7]
  // "008" → 8 ms, "123456" → 123.456 ms: digits as an integer, then one division, so whole ms stay exact
  return fraction === undefined ? ms : ms + Number(fraction) / 10 ** (fraction.length - 3)
}

const MONTHS: Readonly<Record<string, number>> = {
  JAN: 0, FEB: 1, MAR: 2, APR: 3, MAY: 4, JUN: 5, JUL: 6, AUG: 7, SEP: 8, OCT: 9, NOV: 10, DEC: 11
}

const DERIBIT_DATE = /^(\d{1,2})([A-Z]{3})(\d{2})$/
const NUMERIC_DATE = /^(\d{2})(\d{2})(\d{2})$/

/** The hour (UTC) at which Deribit, OKX and Binance dated contracts expire. */
export const EXPIRY_HOUR_UTC = 8

const at8 = (year: number, month: number, day: number): number => {
  if (month < 0 || month > 11 || day < 1) return NaN
  const ms = Date.UTC(year, month, day, EXPIRY_HOUR_UTC)
  return new Date(ms).getUTCDate() === day ? ms : NaN
}

/**
 * The expiry named in an instrument name, at 08:00 UTC: Deribit's `DMMMYY` (`BTC-27MAR26`, `BTC-9JUN20-9875-P`)
 * or a `YYMMDD` part (OKX `BTC-USD-260327`, Binance `BTCUSDT_260327`). NaN when the name has none.
 */
export const expiryOfName = (name: string): number => {
  for (const part of name.split(/[-_]/)) {
    const d = DERIBIT_DATE.exec(part)
    if (d !== null) {
      const month = MONTHS[d[2]!]
      if (month !== undefined) return at8(2000 + Number(d[3]), month, Number(d[1]))
    }
    const n = NUMERIC_DATE.exec(part)
    if (n !== null) return at8(2000 + Number(n[1]), Number(n[2]) - 1, Number(n[3]))
  }
  return NaN
}
