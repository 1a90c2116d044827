import { defineProject, mergeConfig } from "vitest/config"
import shared from "../vitest.shared.js"

// Building, packing and installing take minutes on a busy 2-core machine, not seconds.
export default mergeConfig(
  shared,
  defineProject({ test: { name: "packaging", testTimeout: 300_000, hookTimeout: 300_000 } })
)
