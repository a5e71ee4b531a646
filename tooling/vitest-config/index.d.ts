import type { ViteUserConfig } from "vitest/config"
export declare const vitestConfig: (overrides?: ViteUserConfig["test"]) => ViteUserConfig
declare const config: ViteUserConfig
export default config
