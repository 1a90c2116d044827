/**
 * The CLI, `bin/airplane-runs-server.ts`, run as a user runs it: a process on a free port that
 * says where it listens and which window of runs it serves.
 */
import { Run, RunStatus } from "@airplane-runs/contract"
import { RunsServer } from "@airplane-runs/server"
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import { fileURLToPath } from "node:url"
import { get, json } from "./utils/http.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const day = 86_400_000

const run = (args: ReadonlyArray<string>): { child: ChildProcess; output: () => string } => {
  const child = spawn(process.execPath, ["--import", "tsx", "bin/airplane-runs-server.ts", ...args], { cwd: root })
  let output = ""
  child.stdout!.on("data", (chunk) => (output += String(chunk)))
  child.stderr!.on("data", (chunk) => (output += String(chunk)))
  return { child, output: () => output }
}

/** Starts the CLI and waits for its banner; the caller stops it. */
const serve = async (args: ReadonlyArray<string>) => {
  const started = run(["--port", "0", ...args])
  while (!started.output().includes("Ctrl-C stops it.")) {
    if (started.child.exitCode !== null) assert.fail(`the CLI exited: ${started.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const url = /listening on (http:\/\/\S+)/.exec(started.output())![1]!
  const target = { url, apiUrl: `${url}/v0`, apiKey: RunsServer.defaultApiKey }
  const stop = async () => {
    const exited = once(started.child, "exit")
    started.child.kill("SIGTERM")
    const [code] = await exited
    assert.strictEqual(code, 0)
  }
  return { banner: started.output(), target, stop }
}

const decodeRuns = (body: unknown) =>
  Schema.decodeUnknownSync(Schema.Struct({ runs: Schema.Array(Run.Run) }))(body).runs

describe("airplane-runs-server", () => {
  it("serves and prints the window of days up to its start, the newest runs still going", async () => {
    const before = Date.now()
    const { banner, stop, target } = await serve(["--days", "7", "--timestamps", "postgres"])
    try {
      assert.match(banner, /Data {9}500 runs of 5 tasks/)
      assert.include(banner, "(7 days); the newest are still running")
      assert.include(banner, "Timestamps   all in Postgres text")
      const [, from, to] = /created (\S+ \S+) UTC to (\S+ \S+) UTC/.exec(banner)!
      const end = Date.parse(`${to!.replace(" ", "T")}Z`)
      // the banner says minutes: the start falls within the minute it names
      assert.isAtLeast(end, before - 60_000)
      assert.isAtMost(end, Date.now())
      assert.strictEqual(Date.parse(`${from!.replace(" ", "T")}Z`), end - 7 * day)
      const body = json(await get(target, "/runs/list?limit=50"))
      for (const wire of body.runs) assert.match(wire.createdAt, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[.\d]*\+00$/)
      const runs = decodeRuns(body)
      assert.isAbove(runs[0]!.createdAt!.getTime(), before - 15 * 60_000)
      assert.isTrue(runs.some((r) => !RunStatus.isTerminal(r.status!)))
      const oldest = decodeRuns(json(await get(target, "/runs/list?limit=50&page=9"))).at(-1)!
      assert.isBelow(oldest.createdAt!.getTime(), end - 6 * day)
    } finally {
      await stop()
    }
  }, 30_000)
})
