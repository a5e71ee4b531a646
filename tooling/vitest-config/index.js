// Tests run against the workspace packages' TypeScript sources (the "@hedgekit/source" export condition),
// so a test never depends on a stale build.
import { fileURLToPath, URL } from "node:url"
import { defineConfig } from "vitest/config"

const conditions = ["@hedgekit/source", "module", "node", "import", "default"]

/**
 * The shared vitest config. `overrides` are shallow-merged into `test`.
 * @param {import("vitest/config").ViteUserConfig["test"]} [overrides]
 */
export const vitestConfig = (overrides = {}) =>
  defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    test: {
      include: ["test/**/*.test.ts"],
      environment: "node",
      testTimeout: 60_000,
      // one fixed fast-check seed (FC_SEED overrides; see setup.js)
      setupFiles: [fileURLToPath(new URL("./setup.js", import.meta.url))],
      reporters: ["default"],
      ...overrides
    }
  })

export default vitestConfig()
