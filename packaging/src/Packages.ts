/**
 * The publishable packages as npm users get them: built to `dist`, packed by pnpm (which swaps
 * in `publishConfig`, so the tarball's exports point at `dist`), then linted by publint and
 * arethetypeswrong on the tarball itself.
 */
import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

export const root = fileURLToPath(new URL("../..", import.meta.url))
const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url))

/** The packages published to npm, by folder under packages/. */
export const publishable = ["contract", "core", "promise", "server", "cli"] as const

export const run = (
  command: string,
  args: ReadonlyArray<string>,
  cwd: string = root,
  env: NodeJS.ProcessEnv = process.env
) => promisify(execFile)(command, args, { cwd, maxBuffer: 64 * 2 ** 20, env: { ...env, FORCE_COLOR: "0" } })

/** pnpm as this process was started by it, or as `npx pnpm@10`. */
export const pnpm = (args: ReadonlyArray<string>, cwd: string = root) => {
  const execPath = process.env["npm_execpath"]
  return execPath !== undefined && /pnpm/.test(execPath)
    ? run(process.execPath, [execPath, ...args], cwd)
    : run("npx", ["--yes", "pnpm@10", ...args], cwd)
}

/**
 * `pnpm build`: every publishable package to its `dist`. tsc writes the declarations of all
 * four and the JavaScript of three; the facade's JavaScript is its bundle, which holds core,
 * the contract and the Effect they use (packages/promise/scripts/bundle.ts).
 */
export const build = async () => {
  await run(bin("tsc"), ["-b", "tsconfig.build.json"])
  await run(join(root, "node_modules", ".bin", "tsx"), [join(root, "packages", "promise", "scripts", "bundle.ts")])
}

/** Packs each publishable package into `dir`; answers the tarballs by package. */
export const packInto = async (dir: string): Promise<Record<(typeof publishable)[number], string>> => {
  mkdirSync(dir, { recursive: true })
  const tarballs: Record<string, string> = {}
  for (const name of publishable) {
    const before = new Set(readdirSync(dir))
    await pnpm(["pack", "--pack-destination", dir], join(root, "packages", name))
    const made = readdirSync(dir).filter((file) => !before.has(file))
    if (made.length !== 1) throw new Error(`pnpm pack of ${name} made ${made.join(", ") || "nothing"} in ${dir}`)
    tarballs[name] = join(dir, made[0]!)
  }
  return tarballs as Record<(typeof publishable)[number], string>
}

/** Packs each publishable package into a fresh folder; answers the tarballs by package. */
export const pack = () => packInto(mkdtempSync(join(tmpdir(), "airplane-runs-packs-")))

export interface Lint {
  readonly tarball: string
  readonly ok: boolean
  readonly report: string
}

/**
 * publint (strict: warnings fail too) on the unpacked tarball, and arethetypeswrong on the
 * tarball with the ESM-only profile: the packages are ESM, and a `require` of them works on
 * Node >= 20.19 (require of ESM) while attw's node16-CJS model calls it dynamic-import-only.
 */
export const lint = async (tarball: string): Promise<Lint> => {
  const unpacked = mkdtempSync(join(tmpdir(), "airplane-runs-unpacked-"))
  const reports: Array<string> = []
  let ok = true
  try {
    mkdirSync(unpacked, { recursive: true })
    await run("tar", ["xzf", tarball, "-C", unpacked])
    for (
      const [command, args] of [
        [bin("publint"), [join(unpacked, "package"), "--strict"]],
        [bin("attw"), [tarball, "--profile", "esm-only", "--format", "table-flipped"]]
      ] as const
    ) {
      const result = await run(command, args).then(
        ({ stdout }) => ({ ok: true, stdout }),
        (error: { stdout?: string; stderr?: string; message: string }) => ({
          ok: false,
          stdout: `${error.stdout ?? ""}${error.stderr ?? error.message}`
        })
      )
      ok &&= result.ok
      reports.push(result.stdout.trim())
    }
  } finally {
    rmSync(unpacked, { recursive: true, force: true })
  }
  return { tarball, ok, report: reports.join("\n") }
}
