/**
 * The facade's published JavaScript: one tree-shaken ES module bundle of the facade, core, the
 * contract and the parts of Effect they use, so that its users install no Effect (issue 14: a
 * facade-only install was 66 MB of node_modules, and loading its ~300 modules most of a second).
 *
 * Three entries, split: `index.js`, and the two default transports, which the package's
 * `imports` map picks between as `#defaultHttpClient` (undici on Node, `fetch` elsewhere).
 * `#defaultHttpClient` stays external so that the choice is still the runtime's (a browser or
 * edge build never loads undici); the code all three share (Effect, the platform's client,
 * core) is one chunk, so a process holds one copy of Effect, whichever transport it loads.
 * undici stays a dependency, for its own security releases, and Node's modules stay imports.
 *
 * Not minified: a stack trace through the bundle names the functions it passes, and the
 * package ships no JavaScript source maps (a map of the bundled Effect would outweigh the
 * bundle; see the README's "ESM only"). Declarations come from `tsc -b tsconfig.build.json`,
 * into the same `dist`.
 *
 * Run after `tsc -b`: `pnpm build` and packaging's `build()` do both.
 */
import { build, type Metafile } from "esbuild"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const dist = join(packageDir, "dist")

/** The JavaScript of an earlier build, this one's or `tsc`'s: declarations stay. */
const removeJavaScript = (dir: string): void => {
  if (!existsSync(dir)) return
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name)
    if (item.isDirectory()) removeJavaScript(path)
    else if (/\.js(?:\.map)?$/.test(item.name)) rmSync(path)
  }
}

/**
 * The packages whose code is in the bundle, by the folder they were read from. Only code that
 * is in an output counts: Schema imports fast-check, which tree-shaking leaves out entirely.
 */
const bundledPackages = (metafile: Metafile): Map<string, { name: string; version: string }> => {
  const found = new Map<string, { name: string; version: string }>()
  const inputs = Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs).filter(([, { bytesInOutput }]) => bytesInOutput > 0).map(([input]) => input)
  )
  for (const input of inputs) {
    const match = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)
    if (match === null || found.has(match[1]!)) continue
    const manifest = JSON.parse(readFileSync(join(packageDir, match[1]!, "package.json"), "utf8"))
    found.set(match[1]!, { name: manifest.name, version: manifest.version })
  }
  return found
}

/** The licence texts of the bundled packages, which their licences ask to ship with their code. */
const thirdPartyLicenses = (metafile: Metafile): string => {
  const sections: Array<string> = []
  for (const [dir, { name, version }] of bundledPackages(metafile)) {
    const file = readdirSync(join(packageDir, dir)).find((f) => /^licen[sc]e(?:\.md|\.txt)?$/i.test(f))
    if (file === undefined) throw new Error(`${name}@${version} is bundled, but ships no LICENSE in ${dir}`)
    sections.push(`${name}@${version}\n\n${readFileSync(join(packageDir, dir, file), "utf8").trim()}\n`)
  }
  sections.sort()
  return [
    "@airplane-runs/promise bundles the code of these packages in dist/. Their licences follow.",
    "(@airplane-runs/core and @airplane-runs/contract, bundled too, are under this package's LICENSE.)",
    "",
    ...sections
  ].join(`\n${"-".repeat(80)}\n\n`)
}

export const bundle = async (): Promise<Metafile> => {
  removeJavaScript(dist)
  mkdirSync(dist, { recursive: true })
  const result = await build({
    absWorkingDir: packageDir,
    entryPoints: [
      { in: "src/index.ts", out: "index" },
      { in: "src/internal/defaultHttpClient.ts", out: "internal/defaultHttpClient" },
      { in: "src/internal/defaultHttpClientNode.ts", out: "internal/defaultHttpClientNode" }
    ],
    outdir: "dist",
    chunkNames: "internal/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    // Neither Node's nor the browser's: the shared chunk runs on both, and only the Node
    // transport imports Node's modules, which stay imports.
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    external: ["#defaultHttpClient", "undici", "node:*"],
    treeShaking: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning"
  })
  writeFileSync(join(dist, "THIRD_PARTY_LICENSES.txt"), thirdPartyLicenses(result.metafile))
  return result.metafile
}

const metafile = await bundle()
for (const [file, output] of Object.entries(metafile.outputs)) {
  console.log(`${relative(packageDir, join(packageDir, file))}  ${(output.bytes / 1024).toFixed(1)} KB`)
}
