/** The CLI's version, read from its package.json at build time. */
import packageJson from "../package.json" with { type: "json" }

export const VERSION: string = packageJson.version
