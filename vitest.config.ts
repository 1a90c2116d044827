import { availableParallelism } from "node:os"
import { defineConfig } from "vitest/config"
import { slowProject } from "./vitest.shared.js"

// The workspace's test projects: each package's own vitest.config.ts, and the slow suites that
// only `pnpm test:all` runs. (Vitest 3.2 deprecates `vitest.workspace.ts` in favour of
// `test.projects` here.)
export default defineConfig({
  test: {
    // Vitest keeps a core for itself, which on 2 cores leaves 1 worker; many files spend their
    // time waiting on sockets and timers, and with 2 workers `pnpm test` took about two thirds
    // of the time on this 2-core machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      "packages/*/vitest.config.ts",
      "examples/vitest.config.ts",
      "packaging/vitest.config.ts",
      "reliability/vitest.config.ts",
      "bench/vitest.config.ts",
      // Building and packing the tarballs, and installing them as the README says, with npm and
      // with pnpm: minutes on a busy 2-core machine.
      slowProject("packed", "packaging", ["test/slow/packed.test.ts"], { testTimeout: 600_000, hookTimeout: 600_000 }),
      // docgen rewrites packages/*/docs/modules, which the tarballs ship: after the packing, in a
      // later group.
      slowProject("docs", "packaging", ["test/slow/docs.test.ts"], {
        testTimeout: 300_000,
        sequence: { concurrent: false, groupOrder: 1 }
      }),
      // The Swagger UI in headless Chromium.
      slowProject("browser", "packages/server", ["test/browser/**/*.test.ts"]),
      // The reliability suite at the full counts of `pnpm reliability` (reliability/src/Settings.ts).
      slowProject("reliability", "reliability", ["test/**/*.test.ts"], {
        env: { RELIABILITY_FULL: "1" },
        maxConcurrency: 10
      })
    ]
  }
})
