/**
 * The committed src/internal/zigguratWasm.generated.ts must be what wasm/ziggurat.ts compiles to today: the
 * build is deterministic and quick, so the test simply compiles again and compares.
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

describe("the generated WebAssembly module", () => {
  it("is up to date with wasm/ziggurat.ts (else run `pnpm run build:wasm`)", () => {
    const script = fileURLToPath(new URL("../scripts/build-wasm.mjs", import.meta.url))
    let output: string
    try {
      output = execFileSync(process.execPath, [script, "--check"], { encoding: "utf8", stdio: "pipe" })
    } catch (error) {
      const { stderr, stdout } = error as { stdout?: string; stderr?: string }
      throw new Error(`${stdout ?? ""}${stderr ?? ""}`, { cause: error })
    }
    expect(output).toMatch(/up to date/)
  })
})
