import { defineProject, mergeConfig } from "vitest/config"
import shared from "../vitest.shared.js"

// The fault matrix runs its cases side by side (each on its own server): most of them wait
// on a timer, so the file takes about as long as its slowest case.
export default mergeConfig(shared, defineProject({ test: { name: "reliability", maxConcurrency: 10 } }))
