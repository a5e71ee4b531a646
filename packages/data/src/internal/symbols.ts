/**
 * The underlying coin of an instrument name, across venues' naming schemes.
 */

const QUOTES = ["USDT", "USDC", "FDUSD", "BUSD", "USD"] as const

/**
 * `BTC-27MAR26-90000-C`, `BTC-PERPETUAL`, `BTC_USDC-PERPETUAL`, `BTC-USDT-SWAP`, `BTC-USD-260327`, `BTCUSDT`,
 * `BTCUSD_PERP`, `BTCUSDT_260327` → `BTC`: the name's first part (up to `-` or `_`), without a trailing quote
 * currency when something is left before it.
 */
export const underlyingOf = (symbol: string): string => {
  const cut = symbol.search(/[-_]/)
  const head = (cut < 0 ? symbol : symbol.slice(0, cut)).toUpperCase()
  for (const quote of QUOTES) {
    if (head.length > quote.length && head.endsWith(quote)) return head.slice(0, -quote.length)
  }
  return head
}
