import { defineConfig } from "vitest/config"

// The workspace's test projects: each package's own vitest.config.ts. (Vitest 3.2 deprecates
// `vitest.workspace.ts` in favour of `test.projects` here.)
export default defineConfig({
  test: {
    projects: [
      "packages/*/vitest.config.ts",
      "examples/vitest.config.ts",
      "packaging/vitest.config.ts",
      "reliability/vitest.config.ts",
      "bench/vitest.config.ts"
    ]
  }
})
