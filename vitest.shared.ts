import type { ViteUserConfig } from "vitest/config"

// What every package's tests share: node, no globals, and a bound on each test so a hang
// fails loudly instead of eating the CI budget.
const config: ViteUserConfig = {
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    sequence: { concurrent: false }
  }
}

export default config
