// One test for a package's generated WebAssembly module (see tooling/scripts/build-wasm.mjs): the committed
// module must be what its AssemblyScript source compiles to today. The build is deterministic and takes a few
// seconds, so the test runs the package's build script with --check.
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

/**
 * @param {URL} script the package's scripts/build-wasm.mjs
 * @param {string} source the AssemblyScript source it compiles, for the test's name
 */
export const describeWasmBuild = (script, source) =>
  describe("the generated WebAssembly module", () => {
    it(`is up to date with ${source} (else run \`pnpm run build:wasm\`)`, () => {
      let output
      try {
        output = execFileSync(process.execPath, [fileURLToPath(script), "--check"], { encoding: "utf8", stdio: "pipe" })
      } catch (error) {
        const { stderr, stdout } = /** @type {{ stdout?: string; stderr?: string }} */ (error)
        throw new Error(`${stdout ?? ""}${stderr ?? ""}`, { cause: error })
      }
      expect(output).toMatch(/up to date/)
    })
  })
