/**
 * The packages as a user gets them. The tarballs as packed: linted, holding what they should,
 * every relative link of their READMEs leading to a file inside them. Then the README's Install
 * section, run as written, with npm and with pnpm, into a project outside the repository (in
 * the OS temp dir): what it installs, and a TypeScript program type-checked and run there
 * against the embedded server, a CommonJS one, and the server's CLI.
 */
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, posix } from "node:path"
import { installBlock, installBlocks, relativeLinks } from "../../src/Markdown.js"
import { build, lint, pack, publishable, root, run } from "../../src/Packages.js"

type Tarballs = Record<(typeof publishable)[number], string>

/** The entries of a tarball, and the text of one of them. */
const entries = async (tarball: string) => (await run("tar", ["tzf", tarball])).stdout.trim().split("\n")
const entry = async (tarball: string, path: string) => (await run("tar", ["xzf", tarball, "-O", path])).stdout

describe("the packed tarballs", () => {
  let tarballs: Tarballs

  beforeAll(async () => {
    await build()
    tarballs = await pack()
    return () => rmSync(dirname(tarballs.core), { recursive: true, force: true })
  })

  it("publint and arethetypeswrong find nothing in any tarball", async () => {
    for (const name of publishable) {
      const result = await lint(tarballs[name])
      assert.isTrue(result.ok, `${name}:\n${result.report}`)
    }
  })

  it("ship dist, sources and the API reference, not tests or build output", async () => {
    const files = await entries(tarballs.core)
    for (
      const file of ["dist/index.js", "dist/index.d.ts", "dist/Runs.js.map", "src/Runs.ts", "LICENSE", "README.md"]
    ) {
      assert.include(files, `package/${file}`)
    }
    assert.include(files, "package/docs/modules/Runs.ts.md")
    assert.isFalse(files.some((file) => /test|dtslint|build\/|tsbuildinfo|docs\/examples/.test(file)), files.join("\n"))
  })

  it("the facade ships its bundle: it depends on undici alone, and only its Node transport imports it", async () => {
    const files = await entries(tarballs.promise)
    const manifest = JSON.parse(await entry(tarballs.promise, "package/package.json"))
    assert.deepStrictEqual(manifest.dependencies, { undici: manifest.dependencies.undici })
    assert.isUndefined(manifest.peerDependencies)
    for (
      const file of [
        ...["dist/index.js", "dist/index.d.ts", "dist/AirplaneRuns.d.ts", "dist/Run.d.ts"],
        ...["dist/internal/defaultHttpClient.js", "dist/internal/defaultHttpClientNode.js"],
        "dist/THIRD_PARTY_LICENSES.txt"
      ]
    ) {
      assert.include(files, `package/${file}`)
    }
    // No declaration of an internal module, no map of the bundle, no module tsc wrote one by one.
    assert.deepStrictEqual(
      files.filter((file) => /dist\/internal\/.*\.d\.ts|\.js\.map$|dist\/(?!index\.js)[^/]+\.js$/.test(file)),
      []
    )
    // What each module imports by a bare name: the runtime's transport choice, and on Node's
    // path alone undici and Node's modules. Nothing of Effect, core or the contract.
    const scripts = files.filter((file) => file.endsWith(".js"))
    assert.isAtLeast(scripts.length, 4)
    for (const file of scripts) {
      // Code lines only: the bundle keeps the sources' comments, whose examples import too.
      const code = (await entry(tarballs.promise, file)).split("\n").filter((line) =>
        !/^\s*(?:\*|\/\/|\/\*)/.test(line)
      )
      const imported = new Set(
        code.flatMap((line) =>
          [...line.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"'./][^"']*)["']/g)].map((match) => match[1]!)
        )
      )
      const allowed = file.endsWith("/defaultHttpClientNode.js") ? /^(?:undici|node:.+)$/ : /^#defaultHttpClient$/
      assert.deepStrictEqual([...imported].filter((name) => !allowed.test(name)), [], file)
    }
  })

  // The facade alone, as a user who does not use Effect installs it: no other tarball, no
  // Effect. Its bundle answers a plain HTTP server over undici, with its own error classes
  // (named as written, the bundle being minified or not), and loads undici only when it calls.
  it("the facade alone installs undici and nothing more, and works", async () => {
    const app = mkdtempSync(join(tmpdir(), "airplane-runs-facade-only-"))
    try {
      writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }))
      await run("npm", ["install", "--no-audit", "--no-fund", tarballs.promise], app, blockEnv(app))
      assert.deepStrictEqual(
        readdirSync(join(app, "node_modules"), { recursive: true, encoding: "utf8" })
          .filter((path) => /^(?:@[^/]+\/)?[^/.@][^/]*$/.test(path)).sort(),
        ["@airplane-runs/promise", "undici"]
      )
      writeFileSync(join(app, "main.mjs"), facadeOnly)
      const { stdout } = await run(process.execPath, ["main.mjs"], app)
      // Without undici (a broken install), a call fails at once with the import's error.
      writeFileSync(join(app, "broken.mjs"), withoutUndici)
      rmSync(join(app, "node_modules", "undici"), { recursive: true })
      const broken = JSON.parse((await run(process.execPath, ["broken.mjs"], app)).stdout)
      assert.strictEqual(broken.name, "AirplaneRunsError")
      assert.include(broken.message, "Cannot find package 'undici'")
      assert.isFalse(broken.retried, broken.message)
      assert.deepStrictEqual(JSON.parse(stdout), {
        id: "run_1",
        date: true,
        missing: true,
        name: "NotFoundError",
        lazy: true,
        loaded: true
      })
    } finally {
      rmSync(app, { recursive: true, force: true })
    }
  })

  it("every relative link of every packed Markdown file leads to a file in the tarball", async () => {
    const problems: Array<string> = []
    let checked = 0
    for (const name of publishable) {
      const files = new Set(await entries(tarballs[name]))
      for (const file of [...files].filter((file) => file.endsWith(".md"))) {
        for (const link of relativeLinks(await entry(tarballs[name], file))) {
          checked++
          const target = posix.normalize(posix.join(posix.dirname(file), link))
          const found = files.has(target) || [...files].some((f) => f.startsWith(`${target.replace(/\/$/, "")}/`))
          if (!target.startsWith("package/") || !found) problems.push(`${name}: ${file} links ${link}`)
        }
      }
    }
    assert.isAtLeast(checked, 3)
    assert.deepStrictEqual(problems, [])
  })

  it("each manifest names the Node versions, the repository and a homepage in it", async () => {
    for (const name of publishable) {
      const manifest = JSON.parse(await entry(tarballs[name], "package/package.json"))
      assert.deepStrictEqual(manifest.engines, { node: ">=20.19" }, name)
      assert.strictEqual(manifest.repository.directory, `packages/${name}`)
      assert.isTrue(manifest.homepage.startsWith(manifest.repository.url.replace(/^git\+/, "").replace(/\.git$/, "")))
      assert.notInclude(JSON.stringify(manifest), "workspace:", name)
    }
  })
})

const facadeOnly = `
import { createServer } from "node:http"
import { Module } from "node:module"
import { AirplaneRuns, NotFoundError } from "@airplane-runs/promise"

const server = createServer((request, response) => {
  response.setHeader("content-type", "application/json")
  if (request.url === "/v0/runs/get?id=run_1") {
    response.end(JSON.stringify({ id: "run_1", status: "Succeeded", createdAt: "2022-01-11T22:32:45.601486Z" }))
  } else {
    response.statusCode = 404
    response.end(JSON.stringify({ error: "no such run", code: "run_not_found" }))
  }
})
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
// undici loads at the first request, not with the client (start-up).
const loaded = () => Object.keys(Module._cache).some((path) => path.includes("/undici/"))
const idle = new AirplaneRuns({ apiKey: "tkn_x", baseUrl: "http://127.0.0.1:1" })
await idle.close()
const lazy = !loaded()
const client = new AirplaneRuns({ apiKey: "tkn_x", baseUrl: \`http://127.0.0.1:\${server.address().port}\` })
const run = await client.runs.get({ id: "run_1" })
const error = await client.runs.get({ id: "run_2" }, { maxRetries: 0 }).catch((error) => error)
await client.close()
server.close()
console.log(JSON.stringify({
  id: run.id,
  date: run.createdAt instanceof Date,
  missing: error instanceof NotFoundError && error.status === 404,
  name: error.name,
  lazy,
  loaded: loaded()
}))
`

const withoutUndici = `
import { AirplaneRuns } from "@airplane-runs/promise"

const client = new AirplaneRuns({ apiKey: "tkn_x", baseUrl: "http://127.0.0.1:1" })
const error = await client.runs.get({ id: "run_1" }).catch((error) => error)
await client.close()
console.log(JSON.stringify({ name: error.name, message: error.message, retried: /attempts/.test(error.message) }))
`

// The README's Install section, step by step.
const readme = readFileSync(join(root, "README.md"), "utf8")
const steps = installBlocks(readme)

// `pnpm` in the README's commands is the pnpm running these tests, else `npx pnpm@10`. npx is
// told yes, as a user at a terminal would answer. pnpm's and npm's settings for this workspace
// (npm_config_*) stay out of the outside project.
let shims: string
beforeAll(() => {
  shims = mkdtempSync(join(tmpdir(), "airplane-runs-shims-"))
  const execPath = process.env["npm_execpath"]
  writeFileSync(
    join(shims, "pnpm"),
    execPath !== undefined && /pnpm/.test(execPath)
      ? `#!/bin/sh\nexec "${process.execPath}" "${execPath}" "$@"\n`
      : `#!/bin/sh\nexec npx --yes pnpm@10 "$@"\n`
  )
  chmodSync(join(shims, "pnpm"), 0o755)
  return () => rmSync(shims, { recursive: true, force: true })
})
const blockEnv = (app: string): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name))),
  npm_config_yes: "true",
  FORCE_COLOR: "0",
  APP: app,
  PATH: `${shims}:${process.env["PATH"]}`
})

/** Runs a shell block of the README as written; a failing line fails it. */
const runBlock = (code: string, cwd: string, app: string) =>
  run("bash", ["-euo", "pipefail", "-c", code], cwd, blockEnv(app)).catch(
    (error: { stdout?: string; stderr?: string; message: string }) =>
      assert.fail(`README block failed:\n${code}\n\n${error.stdout ?? ""}\n${error.stderr ?? error.message}`)
  )

const merge = (into: Record<string, any>, from: Record<string, any>): Record<string, any> => {
  for (const [key, value] of Object.entries(from)) {
    into[key] = typeof value === "object" && value !== null && !Array.isArray(value)
      ? merge(typeof into[key] === "object" && into[key] !== null ? into[key] : {}, value)
      : value
  }
  return into
}

interface Installed {
  readonly path: string
  readonly version: string
}

/**
 * Every copy of the package `name` in a node_modules folder, nested ones and pnpm's store
 * (`.pnpm/<id>/node_modules`) included; symlinks are not followed, so each copy counts once.
 */
const installed = (modules: string, name: string, found: Array<Installed> = []): Array<Installed> => {
  const folders = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((item) => item.isDirectory())
  for (const item of folders(modules)) {
    const path = join(modules, item.name)
    if (item.name === ".pnpm") {
      for (const id of folders(path)) {
        if (existsSync(join(path, id.name, "node_modules"))) installed(join(path, id.name, "node_modules"), name, found)
      }
    } else if (item.name.startsWith("@")) {
      for (const scoped of folders(path)) visit(join(path, scoped.name), name, found)
    } else if (!item.name.startsWith(".")) {
      visit(path, name, found)
    }
  }
  return found
}

const visit = (path: string, name: string, found: Array<Installed>) => {
  const manifest = join(path, "package.json")
  if (existsSync(manifest)) {
    const { name: actual, version } = JSON.parse(readFileSync(manifest, "utf8"))
    if (actual === name) found.push({ path, version })
  }
  if (existsSync(join(path, "node_modules"))) installed(join(path, "node_modules"), name, found)
}

// A program as a user writes it from the READMEs: the facade, the Effect client and the server,
// with exact types. Compiled by TypeScript (node16 resolution, strict), then run by Node.
const program = `
import { Runs, RunsError } from "@airplane-runs/core"
import { AirplaneRuns, NotFoundError, type Run } from "@airplane-runs/promise"
import { RunsServer } from "@airplane-runs/server"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Stream } from "effect"

export const get = (client: AirplaneRuns, id: string): Promise<Run> => client.runs.get({ id })
export const getRun: Effect.Effect<Runs.Run, RunsError.RunsError, Runs.Runs> = Effect.flatMap(
  Runs.Runs,
  (runs) => runs.get({ id: "run_1" })
)

const server: RunsServer.RunningServer = await RunsServer.start({ seed: { runs: 120 } })
try {
  const client = new AirplaneRuns({ apiKey: server.apiKey, baseUrl: server.url })
  const newest = (await client.runs.list().page(0)).runs[0]!
  const run = await get(client, newest.id!)
  let listed = 0
  for await (const _ of client.runs.list()) listed++
  const missing = await client.runs.get({ id: "run_missing" }).then(() => false, (e: unknown) => e instanceof NotFoundError)
  await client.close()
  const streamed = await Effect.flatMap(Runs.Runs, (runs) => Stream.runCount(runs.list())).pipe(
    Effect.provide(Runs.layer({ apiKey: server.apiKey, host: server.url })),
    Effect.provide(FetchHttpClient.layer),
    Effect.runPromise
  )
  console.log(JSON.stringify({ same: run.id === newest.id, listed, streamed, missing }))
} finally {
  await server.stop()
}
`

// CommonJS, through require of ESM (Node >= 20.19), and the packages' closed internals.
const programCjs = `
const { AirplaneRuns } = require("@airplane-runs/promise")
const { RunsServer } = require("@airplane-runs/server")

RunsServer.start({ seed: { runs: 10 } }).then(async (server) => {
  const client = new AirplaneRuns({ apiKey: server.apiKey, baseUrl: server.url })
  const page = await client.runs.list().page(0)
  await client.close()
  await server.stop()
  const internal = await import("@airplane-runs/core/internal/http").then(() => "importable", (e) => e.code)
  console.log(JSON.stringify({ runs: page.runs.length, internal }))
})
`

for (const manager of ["npm", "pnpm"] as const) {
  describe(`the README's Install, with ${manager}`, () => {
    let app: string

    beforeAll(async () => {
      const outside = mkdtempSync(join(tmpdir(), `airplane-runs-install-${manager}-`))
      app = join(outside, "app")
      mkdirSync(app)
      const manifest: Record<string, any> = { name: "app", version: "1.0.0", private: true }
      if (manager === "pnpm") merge(manifest, JSON.parse(installBlock(steps, "pnpm", "json")))
      writeFileSync(join(app, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`)
      await runBlock(installBlock(steps, "pack", "sh"), root, app)
      await runBlock(installBlock(steps, manager, "sh"), outside, app)
      return () => rmSync(outside, { recursive: true, force: true })
    })

    it("installs the five packages and Effect's 3.x line, and nothing of Effect 4", () => {
      const modules = join(app, "node_modules")
      for (const name of publishable) {
        const found = installed(modules, `@airplane-runs/${name}`)
        assert.isNotEmpty(found, `@airplane-runs/${name} is not installed`)
      }
      const effects = installed(modules, "effect")
      assert.isNotEmpty(effects)
      for (const { path, version } of effects) assert.match(version, /^3\.(2[2-9]|[3-9]\d)\./, path)
      for (const { path, version } of installed(modules, "@effect/platform")) assert.match(version, /^0\.97\./, path)
      const manifest = JSON.parse(readFileSync(join(app, "package.json"), "utf8"))
      assert.match(manifest.dependencies.effect, /^\^3\.22/)
    })

    it("a TypeScript program type-checks, then runs against the embedded server", async () => {
      writeFileSync(join(app, "main.mts"), program)
      const tsc = join(root, "packaging", "node_modules", ".bin", "tsc")
      const options = [
        ...["--strict", "--exactOptionalPropertyTypes", "--module", "node16", "--target", "es2022"],
        ...["--lib", "es2022,dom", "--types", "node", "--outDir", "out", "main.mts"]
      ]
      await run(tsc, options, app).catch((error: { stdout: string }) => assert.fail(error.stdout))
      const { stdout } = await run(process.execPath, [join("out", "main.mjs")], app)
      assert.deepStrictEqual(JSON.parse(stdout), { same: true, listed: 120, streamed: 120, missing: true })
    })

    it("works from CommonJS, and keeps its internals closed", async () => {
      writeFileSync(join(app, "main.cjs"), programCjs)
      const { stdout } = await run(process.execPath, ["--no-warnings", "main.cjs"], app)
      assert.deepStrictEqual(JSON.parse(stdout), { runs: 10, internal: "ERR_PACKAGE_PATH_NOT_EXPORTED" })
    })

    it("installs the server's CLI", async () => {
      const { stdout } = await run(join(app, "node_modules", ".bin", "airplane-runs-server"), ["--help"], app)
      assert.include(stdout, "--port")
    })

    // The CLI as installed, run by npx: its own server command on a free port, then runs listed
    // from it, in two formats, and an exit code.
    it("installs airplane-runs: npx airplane-runs runs list works against the embedded server", async () => {
      const npx = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) =>
        run("npx", ["--no", "airplane-runs", ...args], app, { ...blockEnv(app), ...env })
      // The bin itself, not npx, so that the signal reaches the server's process.
      const server = spawn(join(app, "node_modules", ".bin", "airplane-runs"), [
        "server",
        "--port",
        "0",
        "--runs",
        "40"
      ], {
        cwd: app,
        env: blockEnv(app)
      })
      let banner = ""
      server.stdout.on("data", (chunk) => (banner += String(chunk)))
      try {
        while (!banner.includes("Ctrl-C stops it.")) {
          if (server.exitCode !== null) assert.fail(`airplane-runs server exited: ${banner}`)
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        const url = /listening on (http:\/\/\S+)/.exec(banner)![1]!
        const env = { AIRPLANE_API_HOST: url, AIRPLANE_API_KEY: "tkn_embedded_test_key" }
        const ndjson = await npx(["runs", "list", "--output", "ndjson"], env)
        const ids = ndjson.stdout.trimEnd().split("\n").map((line) => JSON.parse(line).id)
        assert.strictEqual(new Set(ids).size, 40)
        const table = await npx(["runs", "list", "--max", "3"], { ...env, COLUMNS: "80" })
        assert.deepStrictEqual(
          table.stdout.trimEnd().split("\n").map((line) => line.split(/\s+/)[0]),
          ["ID", ...ids.slice(0, 3)]
        )
        const missing = await npx(["runs", "get", "run_missing"], env).then(() => 0, (e: { code: number }) => e.code)
        assert.strictEqual(missing, 3)
      } finally {
        server.kill("SIGTERM")
      }
    })
  })
}
