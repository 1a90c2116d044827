import { configDefaults, defineProject, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// The bin is bundled once for every test file (test/utils/bundle.ts). test/slow, every command
// and exit code run as child processes (a fresh process each, half a second of start-up), a
// terminal session and a listing under a capped heap, runs under `pnpm test:all`, as the
// project slow:cli; the writers, the time spans and the README's help stay here.
export default mergeConfig(
  shared,
  defineProject({
    test: { name: "cli", globalSetup: ["test/utils/bundle.ts"], exclude: [...configDefaults.exclude, "test/slow/**"] }
  })
)
