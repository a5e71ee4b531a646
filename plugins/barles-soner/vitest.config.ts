import { defineConfig } from "vitest/config"

// Tests import @hedgekit/sdk as a user of the published package would: its built entry point.
export default defineConfig({ test: { include: ["test/**/*.test.ts"], testTimeout: 60_000, setupFiles: ["./test/setup.ts"] } })
