import { slowProject } from "./vitest.shared.js"

// The workspace's test projects, as the project's brief names them: each package's own
// vitest.config.ts, and the slow suites that only `pnpm test:all` runs. vitest.config.ts hands
// this list to `test.projects`, which Vitest 3.2 reads without the deprecation warning it prints
// for a workspace file it finds by itself.
export default [
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
  // The CLI's commands and exit codes as child processes, at a terminal (a pseudo-terminal
  // session) and under a capped heap (15,000 runs), its bin bundled once as for the project cli.
  slowProject("cli", "packages/cli", ["test/slow/**/*.test.ts"], { globalSetup: ["test/utils/bundle.ts"] }),
  // The `pnpm demo cli` session: eight CLI commands against a server of 5,000 runs.
  slowProject("examples", "examples", ["test/slow/**/*.test.ts"], { testTimeout: 120_000 }),
  // The Swagger UI in headless Chromium.
  slowProject("browser", "packages/server", ["test/browser/**/*.test.ts"]),
  // The client on every runtime that installs here (Node 20 and 22, Bun, Deno, workerd, the edge
  // runtime, Chromium), against the embedded server: compat/README.md.
  slowProject("compat", "compat", ["test/**/*.test.ts"], { testTimeout: 300_000, hookTimeout: 300_000 }),
  // The reliability suite at the full counts of `pnpm reliability` (reliability/src/Settings.ts).
  slowProject("reliability", "reliability", ["test/**/*.test.ts"], {
    env: { RELIABILITY_FULL: "1" },
    maxConcurrency: 10
  })
]
