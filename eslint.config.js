export { default } from "@hedgekit/eslint-config"
