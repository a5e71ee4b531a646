// The committed src/internal/blackKernelWasm.generated.ts must be what wasm/blackKernel.ts compiles to today.
import { describeWasmBuild } from "@hedgekit/vitest-config/wasm"

describeWasmBuild(new URL("../scripts/build-wasm.mjs", import.meta.url), "wasm/blackKernel.ts")
