import { configDefaults, defineProject, mergeConfig } from "vitest/config"
import shared from "../vitest.shared.js"

// test/slow (the cli session, many processes) runs under `pnpm test:all`, as slow:examples.
export default mergeConfig(
  shared,
  defineProject({ test: { name: "examples", exclude: [...configDefaults.exclude, "test/slow/**"] } })
)
