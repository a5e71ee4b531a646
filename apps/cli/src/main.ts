/**
 * The `hedgekit` command line.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
import { backtest } from "./BacktestCommand.js"
import { calibrate } from "./CalibrateCommand.js"
import { chain } from "./ChainCommand.js"
import { frontier } from "./FrontierCommand.js"
import { hedge, policies } from "./HedgeCommand.js"
import { journal } from "./JournalCommand.js"
import { live } from "./LiveCommand.js"
import { paper } from "./PaperCommand.js"
import { plugins } from "./PluginsCommand.js"
import { greeks, iv, price } from "./PriceCommands.js"
import { market, risk } from "./RiskCommand.js"
import { VERSION } from "./Version.js"

const hedgekit = Command.make("hedgekit", {}, () =>
  Console.log("hedgekit: dynamic hedging of options. Run `hedgekit --help` for the commands.")).pipe(
    Command.withDescription("Dynamic hedging of options, crypto options first."),
    Command.withSubcommands([price, iv, greeks, risk, market, calibrate, chain, hedge, policies, plugins, backtest, frontier, paper, live, journal])
  )

hedgekit.pipe(
  Command.run({ version: VERSION }),
  // An unusable invocation: say why on stderr, without a stack trace, and exit with status 1.
  Effect.catchTag("UsageError", (error) =>
    Effect.sync(() => {
      process.exitCode = 1
    }).pipe(Effect.andThen(Console.error(`hedgekit: ${error.message}`)))),
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain
)
