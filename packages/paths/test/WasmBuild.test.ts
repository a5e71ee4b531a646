// The committed src/internal/zigguratWasm.generated.ts must be what wasm/ziggurat.ts compiles to today.
import { describeWasmBuild } from "@hedgekit/vitest-config/wasm"

describeWasmBuild(new URL("../scripts/build-wasm.mjs", import.meta.url), "wasm/ziggurat.ts")
