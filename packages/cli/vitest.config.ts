import { defineProject, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// The bin is bundled once for every test file (test/utils/bundle.ts).
export default mergeConfig(shared, defineProject({ test: { name: "cli", globalSetup: ["test/utils/bundle.ts"] } }))
