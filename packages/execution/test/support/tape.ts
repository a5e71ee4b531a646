/** The hedge loop's synthetic tape, shared with the backtest package's tests (not market data). */
export { config, costs, EXPIRY, hedge, HOUR, PERP, T0, tape } from "../../../backtest/test/support/tape.js"
