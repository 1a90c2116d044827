// One lint and format tool for the repo: ESLint with typescript-eslint and Effect's dprint rule
// (the formatter the Effect codebase itself uses), so `pnpm lint` checks both.
import effect from "@effect/eslint-plugin"
import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  // bench/src/generated: written by openapi-typescript (`pnpm --filter @airplane-runs/bench generate`).
  { ignores: ["**/node_modules/**", "**/dist/**", "**/build/**", "**/coverage/**", "bench/src/generated/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...effect.configs.dprint,
  {
    languageOptions: { globals: { console: "readonly", process: "readonly" } },
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-namespace": "off",
      "@effect/dprint": ["error", {
        config: {
          indentWidth: 2,
          lineWidth: 120,
          semiColons: "asi",
          quoteStyle: "alwaysDouble",
          trailingCommas: "never",
          operatorPosition: "maintain",
          "arrowFunction.useParentheses": "force"
        }
      }]
    }
  },
  {
    // The client packages import Effect module by module: esbuild keeps the whole of every
    // namespace re-exported by a barrel (`import { Schema } from "effect"` brings all of
    // Schema.js, and fast-check with it), which doubled the facade's bundle (bench/README.md).
    files: ["packages/{contract,core,promise}/src/**/*.ts"],
    rules: {
      "@effect/no-import-from-barrel-package": ["error", {
        packageNames: ["effect", "@effect/platform", "@airplane-runs/contract", "@airplane-runs/core"]
      }]
    }
  }
)
