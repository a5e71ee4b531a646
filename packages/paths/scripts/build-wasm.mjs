#!/usr/bin/env node
// The Ziggurat fast path (wasm/ziggurat.ts) → src/internal/zigguratWasm.generated.ts. No SIMD: one stream is a
// serial chain anyway. `--check`: exit 1 when the committed module is stale. See tooling/scripts/build-wasm.mjs.
import asc from "assemblyscript/asc"
import { fileURLToPath, URL } from "node:url"
import { buildWasm } from "../../../tooling/scripts/build-wasm.mjs"

await buildWasm(asc, {
  packageDir: fileURLToPath(new URL("..", import.meta.url)),
  source: "wasm/ziggurat.ts",
  generated: "src/internal/zigguratWasm.generated.ts",
  flags: ["-O3", "--noAssert", "--runtime", "stub", "--importMemory", "--zeroFilledMemory"]
})
