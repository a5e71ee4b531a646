#!/usr/bin/env node
// The engine's row pass (wasm/book.ts) → src/internal/bookWasm.generated.ts. `--check`: exit 1 when the
// committed module is stale. See tooling/scripts/build-wasm.mjs.
import asc from "assemblyscript/asc"
import { fileURLToPath, URL } from "node:url"
import { buildWasm } from "../../../tooling/scripts/build-wasm.mjs"

await buildWasm(asc, {
  packageDir: fileURLToPath(new URL("..", import.meta.url)),
  source: "wasm/book.ts",
  generated: "src/internal/bookWasm.generated.ts",
  flags: ["-O3", "--noAssert", "--runtime", "stub", "--importMemory", "--zeroFilledMemory"]
})
