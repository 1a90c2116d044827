/**
 * `runs get|outputs|cancel|watch`, `tasks execute` and `server` as child processes against the
 * embedded server, checked against its store.
 */
import * as Run from "@airplane-runs/contract/Run"
import { RunsServer } from "@airplane-runs/server"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { spawn } from "node:child_process"
import { once } from "node:events"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { inject } from "vitest"
import { cli } from "../utils/cli.js"

const encode = Schema.encodeSync(Run.Run)
let server: RunsServer.RunningServer
// Its started runs stay Queued for the length of the tests: there is time to cancel them.
let stuck: RunsServer.RunningServer

beforeAll(async () => {
  server = await RunsServer.start({ seed: { runs: 60, until: new Date("2026-01-01T00:00:00Z") } })
  stuck = await RunsServer.start({
    seed: { runs: 20, until: new Date("2026-01-01T00:00:00Z") },
    lifecycle: { queueMs: 600_000, startMs: 600_000, runMs: 600_000 }
  })
})
afterAll(() => Promise.all([server.stop(), stuck.stop()]))

const lines = (text: string) => text.trimEnd().split("\n")

describe("runs get and outputs", () => {
  it("print the run and its outputs as JSON, on one line when piped", async () => {
    const run = server.store.seeded("Succeeded")!
    const got = await cli(["runs", "get", run.id!], { target: server })
    assert.strictEqual(got.code, 0, got.stderr)
    assert.strictEqual(lines(got.stdout).length, 1)
    assert.deepStrictEqual(JSON.parse(got.stdout), encode(server.store.get(run.id!)!))
    const outputs = await cli(["runs", "outputs", run.id!], { target: server })
    assert.strictEqual(outputs.code, 0, outputs.stderr)
    assert.deepStrictEqual(JSON.parse(outputs.stdout), server.store.outputs(run.id!))
    assert.isNotNull(JSON.parse(outputs.stdout))
  })
})

describe("tasks execute", () => {
  it("prints the new run's id; parameters from --params-json, then --param (text, or JSON with :=)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "airplane-runs-cli-"))
    try {
      writeFileSync(join(dir, "params.json"), JSON.stringify({ name: "from the file", extra: [1, 2] }))
      const result = await cli([
        "tasks",
        "execute",
        "hello_world",
        "--params-json",
        join(dir, "params.json"),
        "--param",
        "name=Ada",
        "-p",
        "count:=3",
        "-p",
        "code=007"
      ], { target: server })
      assert.strictEqual(result.code, 0, result.stderr)
      const id = result.stdout.trim()
      assert.match(result.stdout, /^run\w+\n$/)
      assert.deepStrictEqual(server.store.get(id)!.paramValues, { name: "Ada", extra: [1, 2], count: 3, code: "007" })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("--wait: each change of status on stderr as it happens, then the outputs on stdout", async () => {
    const result = await cli(["tasks", "execute", "hello_world", "--wait", "-p", "name=Ada"], { target: server })
    assert.strictEqual(result.code, 0, result.stderr)
    const [started, ...changes] = lines(result.stderr)
    const id = /^Started (run\w+) \(hello_world\)\.$/.exec(started!)![1]!
    assert.match(changes.at(-1)!, new RegExp(`^\\S+Z  ${id}  Succeeded$`))
    const statuses = changes.map((line) => line.split(/\s+/)[2])
    assert.deepStrictEqual(statuses, [...new Set(statuses)], "each status once")
    assert.deepStrictEqual(JSON.parse(result.stdout), server.store.outputs(id))
  })

  it("--wait on a run that fails exits 1, after its outputs", async () => {
    const result = await cli(["tasks", "execute", "hello_world", "--wait", "-p", "fail:=true"], { target: server })
    assert.strictEqual(result.code, 1)
    assert.match(lines(result.stderr).at(-1)!, /^airplane-runs: run run\w+ ended Failed\.$/)
    assert.property(JSON.parse(result.stdout), "error")
  })
})

describe("runs watch", () => {
  it("prints the run's changes of status until it has finished", async () => {
    const id = (await cli(["tasks", "execute", "hello_world"], { target: server })).stdout.trim()
    const result = await cli(["runs", "watch", id], { target: server })
    assert.strictEqual(result.code, 0, result.stderr)
    const changes = lines(result.stdout)
    assert.match(changes.at(-1)!, new RegExp(`  ${id}  Succeeded$`))
    assert.strictEqual(changes.at(-1)!.split("  ")[0], server.store.get(id)!.succeededAt!.toISOString())
    const finished = await cli(["runs", "watch", server.store.seeded("Cancelled")!.id!], { target: server })
    assert.strictEqual(finished.code, 1, "a run that ended Cancelled")
    assert.strictEqual(lines(finished.stdout).length, 1)
  })
})

describe("runs cancel", () => {
  it("--yes cancels several, in order, and says what each became; a failure sets the exit code", async () => {
    const started = await Promise.all(
      [1, 2, 3].map(() => cli(["tasks", "execute", "hello_world"], { target: stuck }).then((r) => r.stdout.trim()))
    )
    const done = stuck.store.seeded("Succeeded")!.id!
    const result = await cli(["runs", "cancel", "--yes", ...started, done, "run_missing"], { target: stuck })
    assert.deepStrictEqual(lines(result.stdout), [
      ...started.map((id) => `${id}  Cancelled`),
      `${done}  Succeeded (had finished: not cancelled)`,
      `run_missing  not cancelled: POST /v0/runs/cancel answered 404: run run_missing not found (run_not_found). Check the id, and the environment (X-Airplane-Env-Slug) it lives in.`
    ])
    for (const id of started) assert.strictEqual(stuck.store.get(id)!.status, "Cancelled")
    assert.strictEqual(result.code, 1, "the first failure: a finished run, refused with 400")
    assert.strictEqual(result.stderr, "airplane-runs: 2 of 5 runs were not cancelled.\n")
  })

  it("asks first, and without a terminal to ask on, cancels nothing (usage, 2)", async () => {
    const id = (await cli(["tasks", "execute", "hello_world"], { target: stuck })).stdout.trim()
    const result = await cli(["runs", "cancel", id], { target: stuck, input: "y\n" })
    assert.strictEqual(result.code, 2)
    assert.include(result.stderr, "add --yes")
    assert.strictEqual(stuck.store.get(id)!.status, "NotStarted")
  })
})

describe("server", () => {
  it("serves the embedded API with the server's own flags and banner, until stopped", async () => {
    const child = spawn(process.execPath, [inject("cliBin"), "server", "--port", "0", "--runs", "25"])
    let output = ""
    child.stdout.on("data", (chunk) => (output += String(chunk)))
    try {
      while (!output.includes("Ctrl-C stops it.")) {
        if (child.exitCode !== null) assert.fail(`server exited: ${output}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      assert.match(output, /Data {9}25 runs of 5 tasks/)
      const url = /listening on (http:\/\/\S+)/.exec(output)![1]!
      const listed = await cli(["runs", "list", "-o", "ndjson"], { target: { url, apiKey: RunsServer.defaultApiKey } })
      assert.strictEqual(lines(listed.stdout).length, 25)
    } finally {
      const exited = once(child, "exit")
      child.kill("SIGTERM")
      assert.strictEqual((await exited)[0], 0, "stopping is how a server ends")
    }
    const bad = await cli(["server", "--port", "x"])
    assert.strictEqual(bad.code, 2)
    assert.strictEqual(
      bad.stderr,
      "airplane-runs: server: --port takes a whole number of 0 or more, got \"x\". See airplane-runs server --help.\n"
    )
  })
})
