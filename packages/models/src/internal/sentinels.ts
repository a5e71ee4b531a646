/**
 * Return values by which the internal implied-volatility kernels signal a price outside the attainable
 * range. They are negative, so they can never be mistaken for a volatility. The public wrappers turn them
 * into `PriceOutOfBounds` errors (scalar API) or status codes (batch API).
 */
export const BELOW_INTRINSIC = -1
export const ABOVE_MAXIMUM = -2
