import { defineProject } from "vitest/config"
import shared from "../vitest.shared.js"

// `pnpm test` runs the secrets watch at reduced counts (about a second). The whole suite runs
// at its full counts under `pnpm test:all` (the project slow:reliability in the root
// vitest.config.ts) and `pnpm reliability`, which runs this config with RELIABILITY_FULL=1.
// `include` is set whole, not merged: mergeConfig would append it to the shared one.
const full = process.env["RELIABILITY_FULL"] === "1"

// The fault matrix runs its cases side by side (each on its own server): most of them wait
// on a timer, so the file takes about as long as its slowest case.
export default defineProject({
  test: {
    ...shared.test,
    name: "reliability",
    maxConcurrency: 10,
    include: full ? ["test/**/*.test.ts"] : ["test/Secrets.test.ts"]
  }
})
