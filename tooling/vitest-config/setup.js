// Property tests are deterministic in CI: every fast-check run uses one fixed seed unless the test sets its
// own. FC_SEED=<n> replays another seed; FC_SEED=random explores fresh ones.
import * as fc from "fast-check"

const seed = process.env.FC_SEED
if (seed !== "random") fc.configureGlobal({ seed: seed === undefined ? 20261125 : Number(seed) })
