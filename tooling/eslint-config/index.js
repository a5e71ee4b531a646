// The shared ESLint flat config: JavaScript and TypeScript recommended rules plus the house rules.
import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  { ignores: ["**/dist/**", "**/.cache/**", "**/node_modules/**", "**/coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: "readonly", process: "readonly", performance: "readonly" }
    },
    rules: {
      // Type-only imports stay type-only (verbatimModuleSyntax erases nothing else).
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "separate-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Published approximation coefficients are quoted with all their published digits; the double
      // nearest to the decimal is the intended value.
      "no-loss-of-precision": "off",
      "eqeqeq": ["error", "always"],
      "no-var": "error",
      "prefer-const": "error"
    }
  }
)
