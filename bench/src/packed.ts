/**
 * The packed packages as users get them, for the whole-process figures: `pnpm pack:packages`
 * (it builds the publishable packages and packs each into a tarball) into a temporary folder
 * outside the repository, then `npm install` of the tarballs into fresh projects beside it.
 * Every `@airplane-runs/*` package is resolved to its local tarball (a dependency, or an npm
 * override when only another tarball needs it), so whatever a tarball depends on, npm installs
 * it as a user's install would. The registry packages are those the workspace has installed,
 * at the same versions.
 */
import { execFile } from "node:child_process"
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { reportSource } from "./child.js"

const root = fileURLToPath(new URL("../..", import.meta.url))
const children = fileURLToPath(new URL("./children/packed/", import.meta.url))
const require = createRequire(import.meta.url)

const run = (command: string, args: ReadonlyArray<string>, cwd: string) =>
  promisify(execFile)(command, args, { cwd, maxBuffer: 64 * 2 ** 20, env: { ...process.env, FORCE_COLOR: "0" } })

/** The tarballs of a folder by package name: `airplane-runs-core-0.1.0.tgz` is `@airplane-runs/core`. */
export const tarballsByName = (files: ReadonlyArray<string>): Readonly<Record<string, string>> =>
  Object.fromEntries(
    files.flatMap((file) => {
      const match = /^airplane-runs-([a-z][a-z-]*?)-\d+\.\d+\.\d+.*\.tgz$/.exec(file)
      return match === null ? [] : [[`@airplane-runs/${match[1]}`, file]]
    })
  )

/**
 * An npm project's package.json: `direct` tarballs and registry packages as dependencies, every
 * other tarball as an override, so that npm takes it from the folder, never from the registry.
 */
export const projectManifest = (
  name: string,
  tarballs: Readonly<Record<string, string>>,
  direct: ReadonlyArray<string>,
  registry: Readonly<Record<string, string>>
) => {
  const file = (name: string) => {
    if (tarballs[name] === undefined) throw new Error(`bench: no tarball of ${name}`)
    return `file:${tarballs[name]}`
  }
  return {
    name,
    private: true,
    type: "module",
    dependencies: { ...Object.fromEntries(direct.map((name) => [name, file(name)])), ...registry },
    overrides: Object.fromEntries(
      Object.keys(tarballs).filter((name) => !direct.includes(name)).map((name) => [name, file(name)])
    )
  }
}

/** What the children import from the registry, at the workspace's versions. */
const registryPackages = ["effect", "@effect/platform", "@effect/platform-node", "undici", "openapi-fetch"]
const workspaceVersion = (name: string): string => (require(`${name}/package.json`) as { version: string }).version

const install = async (dir: string, manifest: object) => {
  mkdirSync(dir)
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`)
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], dir)
}

export interface Packed {
  /**
   * The project the children run in: the facade and core from their tarballs, the registry
   * packages the children use, and the children of `src/children/packed` with `report.mjs`.
   */
  readonly children: string
  /** A project where only the facade is installed (what `npm install @airplane-runs/promise` brings). */
  readonly facadeOnly: string
  /** Removes the tarballs and both projects. */
  readonly remove: () => void
}

/** Packs the workspace's packages and installs both projects; slow (a build), never measured. */
export const installPacked = async (log: (line: string) => void): Promise<Packed> => {
  const dir = mkdtempSync(join(tmpdir(), "airplane-runs-bench-packed-"))
  const remove = () => rmSync(dir, { recursive: true, force: true })
  try {
    const packs = join(dir, "packs")
    await run("npx", ["--yes", "pnpm@10", "pack:packages", packs], root)
    const tarballs = Object.fromEntries(
      Object.entries(tarballsByName(readdirSync(packs))).map(([name, file]) => [name, join(packs, file)])
    )
    log(`  packed ${Object.keys(tarballs).join(", ")}`)
    const childrenDir = join(dir, "children")
    await install(
      childrenDir,
      projectManifest(
        "airplane-runs-bench-children",
        tarballs,
        ["@airplane-runs/core", "@airplane-runs/promise"],
        Object.fromEntries(registryPackages.map((name) => [name, workspaceVersion(name)]))
      )
    )
    for (const file of readdirSync(children)) copyFileSync(join(children, file), join(childrenDir, file))
    writeFileSync(join(childrenDir, "report.mjs"), `export const report = (count) => { ${reportSource} }\n`)
    const facadeOnly = join(dir, "facade-only")
    await install(
      facadeOnly,
      projectManifest("airplane-runs-bench-facade-only", tarballs, ["@airplane-runs/promise"], {})
    )
    log(`  installed in ${dir}`)
    return { children: childrenDir, facadeOnly, remove }
  } catch (error) {
    remove()
    throw error
  }
}
