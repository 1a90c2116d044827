/**
 * The packages as a user installs them: packed tarballs installed into a scratch project
 * outside the workspace, then used from ESM, from CommonJS (`require` of ESM, Node >= 20.19),
 * from TypeScript with node16 resolution, and through the server's CLI, against the embedded
 * server on loopback.
 */
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { build, lint, pack, pnpm, publishable, root, run } from "../src/Packages.js"

// The versions the workspace builds and tests with.
const workspaceVersion = (name: string, manifest = join(root, "packages", "core", "package.json")) =>
  JSON.parse(readFileSync(manifest, "utf8")).devDependencies[name] as string

let tarballs: Record<(typeof publishable)[number], string>
let project: string

const consumerEsm = `
import { AirplaneRuns, NotFoundError } from "@airplane-runs/promise"
import { Runs } from "@airplane-runs/core"
import { RunsServer } from "@airplane-runs/server"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Stream } from "effect"

const server = await RunsServer.start({ seed: { runs: 120 } })
try {
  const client = new AirplaneRuns({ apiKey: server.apiKey, baseUrl: server.url })
  const newest = server.store.list({ limit: 1 })[0]
  const run = await client.runs.get({ id: newest.id })
  let listed = 0
  for await (const _ of client.runs.list()) listed++
  const missing = await client.runs.get({ id: "run_missing" }).catch((e) => e instanceof NotFoundError)
  await client.close()
  const streamed = await Effect.flatMap(Runs.Runs, (runs) => Stream.runCount(runs.list())).pipe(
    Effect.provide(Runs.layer({ apiKey: server.apiKey, host: server.url })),
    Effect.provide(FetchHttpClient.layer),
    Effect.runPromise
  )
  const internal = await import("@airplane-runs/core/internal/http").then(() => "importable", (e) => e.code)
  console.log(JSON.stringify({ id: run.id, newest: newest.id, listed, missing, streamed, internal }))
} finally {
  await server.stop()
}
`

const consumerCjs = `
const { AirplaneRuns } = require("@airplane-runs/promise")
const { RunsServer } = require("@airplane-runs/server")

RunsServer.start({ seed: { runs: 10 } }).then(async (server) => {
  const client = new AirplaneRuns({ apiKey: server.apiKey, baseUrl: server.url })
  const page = await client.runs.list().page(0)
  await client.close()
  await server.stop()
  console.log(JSON.stringify({ runs: page.runs.length }))
})
`

const consumerTs = `
import { AirplaneRuns, type Run } from "@airplane-runs/promise"
import { Runs, RunsError } from "@airplane-runs/core"
import { Run as RunSchema } from "@airplane-runs/contract"
import { RunsServer } from "@airplane-runs/server"
import { Effect, Schema } from "effect"

export const get = (client: AirplaneRuns, id: string): Promise<Run> => client.runs.get({ id })
export const effect: Effect.Effect<Runs.Run, RunsError.RunsError, Runs.Runs> = Effect.flatMap(
  Runs.Runs,
  (runs) => runs.get({ id: "run_1" })
)
export const decode = Schema.decodeUnknownSync(RunSchema.Run)
export const start: Promise<RunsServer.RunningServer> = RunsServer.start()
`

describe("the packed packages", () => {
  beforeAll(async () => {
    await build()
    tarballs = await pack()
    project = mkdtempSync(join(tmpdir(), "airplane-runs-consumer-"))
    const files = Object.fromEntries(publishable.map((name) => [`@airplane-runs/${name}`, `file:${tarballs[name]}`]))
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "consumer",
        private: true,
        dependencies: {
          ...files,
          effect: workspaceVersion("effect"),
          "@effect/platform": workspaceVersion("@effect/platform"),
          // \`Symbol.asyncDispose\` (await using) is typed by @types/node, as in any Node project.
          "@types/node": workspaceVersion("@types/node", join(root, "package.json"))
        },
        // The tarballs depend on each other by version, which no registry has: point those at the tarballs too.
        pnpm: { overrides: files }
      })
    )
    await pnpm(["install", "--prefer-offline", "--config.confirmModulesPurge=false"], project)
    return () => rmSync(project, { recursive: true, force: true })
  })

  it("publint and arethetypeswrong find nothing in any tarball", async () => {
    for (const name of publishable) {
      const result = await lint(tarballs[name])
      assert.isTrue(result.ok, `${name}:\n${result.report}`)
    }
  })

  it("ship dist and sources, not tests or build output", async () => {
    const { stdout } = await run("tar", ["tzf", tarballs.core])
    const files = stdout.trim().split("\n")
    assert.include(files, "package/dist/index.js")
    assert.include(files, "package/dist/index.d.ts")
    assert.include(files, "package/dist/Runs.js.map")
    assert.include(files, "package/src/Runs.ts")
    assert.include(files, "package/LICENSE")
    assert.isFalse(files.some((file) => /test|dtslint|build\/|tsbuildinfo/.test(file)), files.join("\n"))
  })

  it("work from an ESM program: the facade, the Effect client and the server", async () => {
    writeFileSync(join(project, "consumer.mjs"), consumerEsm)
    const { stdout } = await run(process.execPath, ["consumer.mjs"], project)
    const result = JSON.parse(stdout)
    assert.strictEqual(result.id, result.newest)
    assert.strictEqual(result.listed, 120)
    assert.strictEqual(result.streamed, 120)
    assert.isTrue(result.missing)
    assert.strictEqual(result.internal, "ERR_PACKAGE_PATH_NOT_EXPORTED")
  })

  it("work from CommonJS through require of ESM", async () => {
    writeFileSync(join(project, "consumer.cjs"), consumerCjs)
    const { stdout } = await run(process.execPath, ["--no-warnings", "consumer.cjs"], project)
    assert.deepStrictEqual(JSON.parse(stdout), { runs: 10 })
  })

  it("type-check in a TypeScript project with node16 resolution", async () => {
    writeFileSync(join(project, "consumer.mts"), consumerTs)
    const tsc = join(root, "packaging", "node_modules", ".bin", "tsc")
    await run(tsc, [
      "--noEmit",
      "--strict",
      "--exactOptionalPropertyTypes",
      "--module",
      "node16",
      "--target",
      "es2022",
      "--lib",
      "es2022,dom",
      "consumer.mts"
    ], project).catch((error: { stdout: string }) => assert.fail(error.stdout))
  })

  it("install the server's CLI", async () => {
    const { stdout } = await run(join(project, "node_modules", ".bin", "airplane-runs-server"), ["--help"], project)
    assert.include(stdout, "--port")
  })
})
