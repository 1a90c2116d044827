/**
 * esbuild, for the bundle figure and for the child processes of the memory and cold start
 * figures, which run as plain `node` on a bundle: no TypeScript loader in what is measured.
 */
import { build } from "esbuild"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"

export const entry = (name: string): string => fileURLToPath(new URL(name, import.meta.url))

const bundle = async (file: string, platform: "browser" | "node"): Promise<Uint8Array> => {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    minify: true,
    format: "esm",
    platform,
    target: "es2022",
    write: false,
    logLevel: "error",
    // undici is CommonJS and requires Node's modules; an ES module bundle needs a `require`.
    ...(platform === "node" ?
      {
        banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" }
      } :
      {})
  })
  return result.outputFiles[0].contents
}

/** Minified, then gzipped (level 9), in KB. */
export const gzippedKb = async (file: string, platform: "browser" | "node"): Promise<number> =>
  gzipSync(await bundle(file, platform), { level: 9 }).length / 1024

let dir: string | undefined

/** A runnable Node bundle of the entry, in a temporary directory. */
export const nodeBundle = async (file: string): Promise<string> => {
  dir ??= mkdtempSync(join(tmpdir(), "airplane-runs-bench-"))
  const out = join(dir, `${file.replace(/^.*\//, "").replace(/\.ts$/, "")}.mjs`)
  writeFileSync(out, await bundle(file, "node"))
  return out
}

/** Removes the bundles written by `nodeBundle`. */
export const removeBundles = (): void => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
}
