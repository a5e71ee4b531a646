#!/usr/bin/env node
// The backtest report's test opens the page in headless Chromium (Debian's package, driven by playwright-core).
// Before the tests run: find it, or install it where that needs no one's hand (root with apt-get), or say how.
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
if (existsSync(path)) process.exit(0)
const root = typeof process.getuid === "function" && process.getuid() === 0
const apt = existsSync("/usr/bin/apt-get")
if (root && apt && process.env.CHROMIUM_PATH === undefined) {
  console.log("hedgekit: installing Debian's chromium for the report test (apt-get install -y chromium)…")
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env })
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], { stdio: "inherit", env })
  if (existsSync(path)) process.exit(0)
}
console.error(
  `hedgekit: Chromium not found at ${path}; the report test needs it. Install it (Debian/Ubuntu: ` +
    "`sudo apt-get install -y chromium`) or point CHROMIUM_PATH at a Chromium or Chrome binary."
)
process.exit(1)
