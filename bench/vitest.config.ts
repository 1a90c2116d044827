import { defineProject, mergeConfig } from "vitest/config"
import shared from "../vitest.shared.js"

// Only the bench's pure parts are tested here; the bench itself runs with `pnpm bench`.
export default mergeConfig(shared, defineProject({ test: { name: "bench" } }))
