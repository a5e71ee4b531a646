#!/usr/bin/env node
// The Black-76 Greeks kernel (wasm/blackKernel.ts, f64x2 SIMD) → src/internal/blackKernelWasm.generated.ts.
// `--check`: exit 1 when the committed module is stale. See tooling/scripts/build-wasm.mjs.
import asc from "assemblyscript/asc"
import { fileURLToPath, URL } from "node:url"
import { buildWasm } from "../../../tooling/scripts/build-wasm.mjs"

await buildWasm(asc, {
  packageDir: fileURLToPath(new URL("..", import.meta.url)),
  source: "wasm/blackKernel.ts",
  generated: "src/internal/blackKernelWasm.generated.ts",
  // zeroed imported memory: the static scratch needs no data segments
  flags: ["-O3", "--noAssert", "--enable", "simd", "--runtime", "stub", "--importMemory", "--zeroFilledMemory"]
})
