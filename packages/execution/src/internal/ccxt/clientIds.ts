/**
 * Client order ids as each venue accepts them. The live loop's ids (`<prefix>-<session><decision><n>`)
 * contain `-`, which OKX refuses (`clOrdId`: 1–32 letters and digits), so OKX ids are escaped reversibly: `Q` is
 * the escape letter (`Q` → `QQ`, `-` → `Qh`, `_` → `Qu`, `.` → `Qd`, `:` → `Qc`, `/` → `Qs`). Every other venue
 * takes the id as it is, within its length and alphabet. Decoding is what lets `openOrders` and recovery find
 * their own ids again after a restart, with nothing stored.
 */

export interface ClientIdCodec {
  /** The id to send, or why this venue cannot take it. */
  readonly encode: (clientOrderId: string) => { readonly id: string } | { readonly reason: string }
  /** The SDK id of an id read from the venue, `undefined` when it cannot be one of ours. */
  readonly decode: (venueId: string) => string | undefined
}

const identity = (venue: string, maxLength: number, alphabet: RegExp, describe: string): ClientIdCodec => ({
  encode: (clientOrderId) => {
    if (clientOrderId.length === 0) return { reason: `an empty client order id cannot be resolved on ${venue}` }
    if (clientOrderId.length > maxLength) return { reason: `client order id "${clientOrderId}" is longer than ${venue}'s ${maxLength} characters` }
    if (!alphabet.test(clientOrderId)) return { reason: `client order id "${clientOrderId}" has characters ${venue} refuses (${describe})` }
    return { id: clientOrderId }
  },
  decode: (venueId) => (venueId.length > 0 ? venueId : undefined)
})

const ESCAPES: Readonly<Record<string, string>> = { Q: "Q", "-": "h", _: "u", ".": "d", ":": "c", "/": "s" }
const UNESCAPES: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(ESCAPES).map(([k, v]) => [v, k]))

const escaped = (venue: string, maxLength: number): ClientIdCodec => ({
  encode: (clientOrderId) => {
    if (clientOrderId.length === 0) return { reason: `an empty client order id cannot be resolved on ${venue}` }
    let out = ""
    for (const ch of clientOrderId) {
      if (/[A-Za-z0-9]/.test(ch) && ch !== "Q") out += ch
      else if (ESCAPES[ch] !== undefined) out += `Q${ESCAPES[ch]}`
      else return { reason: `client order id "${clientOrderId}" has a character (${JSON.stringify(ch)}) ${venue} cannot carry (letters, digits, - _ . : / only)` }
    }
    if (out.length > maxLength) {
      return { reason: `client order id "${clientOrderId}" is ${out.length} characters once escaped for ${venue} (${out}), above its ${maxLength}` }
    }
    return { id: out }
  },
  decode: (venueId) => {
    if (venueId.length === 0) return undefined
    let out = ""
    for (let i = 0; i < venueId.length; i++) {
      const ch = venueId[i]!
      if (ch !== "Q") {
        out += ch
        continue
      }
      const next = UNESCAPES[venueId[i + 1] ?? ""]
      if (next === undefined) return undefined
      out += next
      i++
    }
    return out
  }
})

/** OKX `clOrdId`: 1–32 letters and digits (escaped). */
export const okx: ClientIdCodec = escaped("okx", 32)
/** Bybit `orderLinkId`: up to 36 letters, digits, `-` and `_`. */
export const bybit: ClientIdCodec = identity("bybit", 36, /^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only")
/** Binance `newClientOrderId` / options `clientOrderId`: up to 36 of `[.A-Z:/a-z0-9_-]`. */
export const binance: ClientIdCodec = identity("binance", 36, /^[.A-Z:/a-z0-9_-]+$/, "letters, digits, . : / _ - only")
/** Deribit `label`: up to 64 characters. */
export const deribit: ClientIdCodec = identity("deribit", 64, /^[\x20-\x7e]+$/, "printable ASCII only")
