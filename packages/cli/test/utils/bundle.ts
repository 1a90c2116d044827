/**
 * The CLI's tests run the real bin as a child process. Each run of `tsx` on the TypeScript
 * sources costs about 2 s of start-up; the bin bundled once by esbuild starts in about 0.5 s.
 * So the bin is bundled once for the whole run (vitest's global setup), into build/test; the
 * packed test (packaging) runs the published `dist` instead.
 */
import { build } from "esbuild"
import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import type { TestProject } from "vitest/node"

const root = fileURLToPath(new URL("../..", import.meta.url))

export default async function setup(project: TestProject) {
  const outfile = `${root}build/test/airplane-runs.mjs`
  mkdirSync(`${root}build/test`, { recursive: true })
  await build({
    entryPoints: [`${root}bin/airplane-runs.ts`],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    logLevel: "warning",
    // Some CommonJS inside (undici's helpers) calls require.
    banner: {
      js:
        "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
    }
  })
  project.provide("cliBin", outfile)
}

declare module "vitest" {
  export interface ProvidedContext {
    cliBin: string
  }
}
