import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/main.ts", "src/frontierWorker.ts"],
  format: ["esm"],
  target: "node20",
  dts: false,
  clean: true,
  sourcemap: true
})
