// Tests run against the workspace packages' TypeScript sources (the "@hedgekit/source" export condition),
// so a test never depends on a stale build.
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
      reporters: ["default"],
      ...overrides
    }
  })

export default vitestConfig()
