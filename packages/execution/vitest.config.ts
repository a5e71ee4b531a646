export { default } from "@hedgekit/vitest-config"
