import type { ViteUserConfig } from "vitest/config"

type TestOptions = NonNullable<ViteUserConfig["test"]>

// What every package's tests share: node, no globals, and a bound on each test so a hang
// fails loudly instead of eating the CI budget.
const config: ViteUserConfig & { test: TestOptions } = {
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    sequence: { concurrent: false }
  }
}

export default config

/**
 * A slow suite, as a project of its own named `slow:<name>`: `pnpm test` runs every project
 * but these (`vitest run --project "!slow:*"`), `pnpm test:all` only these
 * (`vitest run --project "slow:*"`). `root` is the package's folder and `include` its slow
 * files, which the package's own project leaves out. (Built by hand rather than with
 * `mergeConfig`, which would append `include` to the shared one instead of replacing it.)
 */
export const slowProject = (name: string, root: string, include: Array<string>, test: TestOptions = {}) => ({
  root,
  test: { ...config.test, ...test, name: `slow:${name}`, include }
})
