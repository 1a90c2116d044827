import { configDefaults, defineProject, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// test/browser drives Chromium: it runs under `pnpm test:all`, as the project slow:browser.
export default mergeConfig(
  shared,
  defineProject({ test: { name: "server", exclude: [...configDefaults.exclude, "test/browser/**"] } })
)
