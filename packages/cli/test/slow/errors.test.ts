/**
 * Every kind of failure as a user meets it: one line on stderr that says what happened and what
 * to do, no stack, the exit code of its kind (README), and never the API key.
 */
import { RunsServer } from "@airplane-runs/server"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { createServer } from "node:net"
import { cli, type Result } from "../utils/cli.js"

const key = "tkn_cli_secret_0123456789"
let server: RunsServer.RunningServer
let target: { url: string; apiKey: string }
let id: string

beforeAll(async () => {
  server = await RunsServer.start({ apiKeys: [key], seed: { runs: 30, until: new Date("2026-01-01T00:00:00Z") } })
  target = { url: server.url, apiKey: key }
  id = server.store.seeded("Succeeded")!.id!
})
afterAll(() => server.stop())

/** One line on stderr, no stack, never the key; the exit code given. */
const failsWith = (result: Result, code: number, pattern: RegExp) => {
  assert.strictEqual(result.code, code, `${result.stdout}\n${result.stderr}`)
  assert.strictEqual(result.stdout, "")
  const stderr = result.stderr.trimEnd().split("\n")
  assert.match(stderr.at(-1)!, /^airplane-runs: /)
  assert.match(result.stderr, pattern)
  assert.notMatch(result.stderr, /\n\s+at |Error:/, "no stack")
  assert.notInclude(result.stderr, key)
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

describe("exit codes", () => {
  it("2, usage: a bad flag or value, no key, two tasks, a host refused; nothing is sent", async () => {
    const before = server.requestLog.entries().length
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp, Record<string, string>?]> = [
      [["runs", "list", "--bogus"], /Received unknown argument: '--bogus'/],
      [["runs", "list", "--since", "yesterday"], /--since: expected an RFC 3339 time/],
      [["runs", "list", "--status", "done"], /--status takes NotStarted, Queued/],
      [["runs", "list", "--max", "0"], /--max takes 1 or more/],
      [["runs", "get", id], /no API key: set AIRPLANE_API_KEY/, { AIRPLANE_API_HOST: server.url }],
      [["runs", "list", "--task-slug", "a", "--task-id", "b"], /--task-slug and --task-id both name the task/],
      [["runs", "get", id, "--host", "ftp://example.com"], /--host: .*http/],
      [["runs", "get", id, "--host", "http://example.com"], /--host: /],
      [["runs", "get", " "], /Invalid get request, nothing was sent/],
      [["tasks", "execute", "x", "-p", "n:={"], /takes JSON/]
    ]
    // Side by side: each is its own process, and none reaches the server.
    const results = await Promise.all(
      cases.map(([args, , env]) => cli(args, env === undefined ? { target } : { env }))
    )
    results.forEach((result, i) => failsWith(result, 2, cases[i]![1]))
    assert.strictEqual(server.requestLog.entries().length, before)
  })

  it("3, not found; 4, unauthorized, the wrong key never printed", async () => {
    failsWith(await cli(["runs", "get", "run_missing"], { target }), 3, /answered 404: .*Check the id/)
    failsWith(await cli(["tasks", "execute", "no_such_task"], { target }), 3, /task_not_found/)
    const wrong = "tkn_wrong_key_9876543210"
    const result = await cli(["runs", "get", id, "--api-key", wrong], { target })
    failsWith(result, 4, /answered 401: .*Check the API key/)
    assert.notInclude(result.stderr, wrong)
  })

  it("5, rate limited; 6, server error; 9, an answer that cannot be read: after the retries asked for", async () => {
    server.faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "1", times: 1 })
    failsWith(await cli(["runs", "get", id, "--max-retries", "0"], { target }), 5, /answered 429: .*Rate limited/)
    server.faults.add({ route: "runs/get", kind: "status", status: 503, times: 2 })
    failsWith(
      await cli(["runs", "get", id, "--max-retries", "1"], { target }),
      6,
      /answered 503: .*gave up after 2 attempts/
    )
    server.faults.add({ route: "runs/get", kind: "malformed", times: 1 })
    failsWith(await cli(["runs", "get", id, "--max-retries", "0"], { target }), 9, /could not be read/)
  })

  it("7, the connection failed; 8, timed out", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`
    failsWith(
      await cli(["runs", "get", id, "--host", closed, "--max-retries", "0"], { target }),
      7,
      /failed on the wire/
    )
    server.faults.add({ route: "runs/get", kind: "slow", delayMs: 5_000, times: 1 })
    failsWith(
      await cli(["runs", "get", id, "--timeout", "300ms", "--max-retries", "0"], { target }),
      8,
      /timed out: the call's deadline of 300 ms passed/
    )
    failsWith(await cli(["runs", "get", id, "--timeout", "soon"], { target }), 2, /--timeout: expected a span/)
  })

  it("--verbose logs each retry on stderr, never the key", async () => {
    server.faults.add({ route: "runs/get", kind: "status", status: 503, times: 2 })
    const result = await cli(["runs", "get", id, "--verbose", "--api-key", key], { target: { ...target, apiKey: "x" } })
    assert.strictEqual(result.code, 0, result.stderr)
    const retries = result.stderr.trimEnd().split("\n")
    assert.strictEqual(retries.length, 2, result.stderr)
    assert.match(retries[0]!, /level=DEBUG .*attempt 1 failed with ServerError 503; retrying in \d+ ms/)
    assert.notInclude(result.stderr + result.stdout, key)
    assert.strictEqual(JSON.parse(result.stdout).id, id)
    const quiet = await cli(["runs", "get", id], { target })
    assert.strictEqual(quiet.stderr, "")
  })
})
