import { configDefaults, defineProject, mergeConfig } from "vitest/config"
import shared from "../vitest.shared.js"

// The quick checks of the READMEs and manifests. test/slow (building, packing and installing
// the tarballs, docgen) is the project slow:packaging, which `pnpm test:all` runs.
export default mergeConfig(
  shared,
  defineProject({ test: { name: "packaging", exclude: [...configDefaults.exclude, "test/slow/**"] } })
)
