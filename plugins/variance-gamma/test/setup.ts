// One fixed fast-check seed, so that a run is reproducible (FC_SEED picks another).
import * as fc from "fast-check"

fc.configureGlobal({ seed: Number(process.env["FC_SEED"] ?? 20261125) })
