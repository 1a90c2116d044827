import { availableParallelism } from "node:os"
import { defineConfig } from "vitest/config"
import projects from "./vitest.workspace.js"

export default defineConfig({
  test: {
    // Vitest keeps a core for itself, which on 2 cores leaves 1 worker; many files spend their
    // time waiting on sockets and timers, and with 2 workers `pnpm test` took about two thirds
    // of the time on this 2-core machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects
  }
})
