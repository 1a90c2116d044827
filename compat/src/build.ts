/**
 * The runtimes' entries, bundled by esbuild from the workspace's sources, each as that
 * runtime's resolver would pick the packages' files: the `imports` map of the facade chooses
 * `#defaultHttpClient` by the conditions given here (`node` on Node; `bun` and `deno` first on
 * Bun and Deno, whose resolvers take `node` too; the default, `fetch`, on workerd, the edge and
 * the browser).
 * undici, the facade's dependency, stays an import, as it is in the published bundle.
 *
 * Also the sizes, minified and gzipped, of what each runtime's user would ship: the facade,
 * and core with `FetchHttpClient`, alone.
 */
import { build, type BuildOptions } from "esbuild"
import { mkdirSync, rmSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"

export const compatDir = fileURLToPath(new URL("..", import.meta.url))
export const buildDir = join(compatDir, "build", "entries")

/** How each runtime loads its entry, and the conditions its resolver uses for packages. */
export const entries = {
  node: { entry: "src/harness/cli.ts", platform: "node", format: "esm", conditions: [] },
  bun: { entry: "src/harness/cli.ts", platform: "node", format: "esm", conditions: ["bun"] },
  deno: { entry: "src/harness/cli.ts", platform: "node", format: "esm", conditions: ["deno"] },
  workerd: {
    entry: "src/harness/worker.ts",
    platform: "neutral",
    format: "esm",
    conditions: ["workerd", "worker", "browser"]
  },
  edge: {
    entry: "src/harness/edge.ts",
    platform: "neutral",
    format: "iife",
    conditions: ["edge-light", "worker", "browser"]
  },
  browser: { entry: "src/harness/browser.ts", platform: "browser", format: "esm", conditions: [] }
} as const satisfies Record<string, {
  entry: string
  platform: BuildOptions["platform"]
  format: BuildOptions["format"]
  conditions: Array<string>
}>

export type EntryName = keyof typeof entries

const options = (name: EntryName): BuildOptions => {
  const { conditions, format, platform } = entries[name]
  return {
    absWorkingDir: compatDir,
    bundle: true,
    format,
    platform,
    conditions: [...conditions],
    ...(platform === "neutral" ? { mainFields: ["module", "main"] } : {}),
    target: "es2022",
    external: platform === "node" ? ["undici", "node:*"] : [],
    logLevel: "error"
  }
}

/** Writes build/entries/<name>.js for every runtime; answers their paths. */
export const buildEntries = async (): Promise<Record<EntryName, string>> => {
  rmSync(buildDir, { recursive: true, force: true })
  mkdirSync(buildDir, { recursive: true })
  const paths = {} as Record<EntryName, string>
  await Promise.all(
    Object.keys(entries).map(async (key) => {
      const name = key as EntryName
      const outfile = join(buildDir, `${name}.${entries[name].format === "iife" ? "js" : "mjs"}`)
      await build({ ...options(name), entryPoints: [entries[name].entry], outfile })
      paths[name] = outfile
    })
  )
  return paths
}

const sizeEntries = {
  facade: `import { AirplaneRuns } from "@airplane-runs/promise"; globalThis.AirplaneRuns = AirplaneRuns`,
  core: `import { Runs } from "@airplane-runs/core"; import { FetchHttpClient } from "@effect/platform";
import { Layer } from "effect"; globalThis.layer = Runs.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))`
}

export interface Size {
  readonly entry: EntryName
  readonly client: keyof typeof sizeEntries
  readonly minified: number
  readonly gzipped: number
  /** Whether the code imports undici: the facade's transport on Node, and only there. */
  readonly importsUndici: boolean
}

/** The facade, and core over `FetchHttpClient`, minified and gzipped, as each runtime resolves them. */
export const sizes = async (): Promise<Array<Size>> => {
  const names = Object.keys(entries) as Array<EntryName>
  return Promise.all(
    names.flatMap((entry) =>
      (Object.keys(sizeEntries) as Array<keyof typeof sizeEntries>).map(async (client) => {
        const result = await build({
          ...options(entry),
          format: "esm",
          stdin: { contents: sizeEntries[client], resolveDir: compatDir, loader: "ts" },
          minify: true,
          write: false
        })
        const code = result.outputFiles[0]!.contents
        return {
          entry,
          client,
          minified: code.byteLength,
          gzipped: gzipSync(code, { level: 9 }).byteLength,
          importsUndici: /\bimport\(\s*["']undici["']\s*\)|from\s*["']undici["']/.test(result.outputFiles[0]!.text)
        }
      })
    )
  )
}
