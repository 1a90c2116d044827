/**
 * `runs list` as a child process against the embedded server, each format read back and
 * compared with the server's store: every run, once, newest first, its fields as the API has
 * them. The seeded runs end before the window's pinned end, so none changes under the test.
 */
import * as Run from "@airplane-runs/contract/Run"
import { RunsServer } from "@airplane-runs/server"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { cli, parseCsv } from "../utils/cli.js"

const encode = Schema.encodeSync(Run.Run)
let server: RunsServer.RunningServer

beforeAll(async () => {
  server = await RunsServer.start({ seed: { runs: 230, days: 20, until: new Date("2026-01-01T00:00:00Z") } })
})
afterAll(() => server.stop())

const ndjson = (text: string) => text.trimEnd().split("\n").map((line) => JSON.parse(line))

describe("runs list", () => {
  it("--output ndjson: every run of the store, newest first, each as the API writes it", async () => {
    const result = await cli(["runs", "list", "--output", "ndjson"], { target: server })
    assert.strictEqual(result.code, 0, result.stderr)
    assert.deepStrictEqual(ndjson(result.stdout), server.store.all().map((run) => encode(run)))
    // Piped: no progress line.
    assert.strictEqual(result.stderr, "")
  })

  it("--output csv: a header, then a row per run that a CSV reader reads back as the store's", async () => {
    const result = await cli(["runs", "list", "-o", "csv"], { target: server })
    assert.strictEqual(result.code, 0, result.stderr)
    const rows = parseCsv(result.stdout)
    const runs = server.store.all()
    assert.strictEqual(rows.length, runs.length)
    rows.forEach((row, i) => {
      const run = runs[i]!
      assert.deepStrictEqual(
        [row["id"], row["status"], row["taskID"], row["createdAt"], row["createdBy"]],
        [run.id, run.status, run.taskID, run.createdAt!.toISOString(), run.createdBy]
      )
      const end = run.succeededAt ?? run.failedAt ?? run.cancelledAt
      assert.strictEqual(row[`${run.status!.toLowerCase()}At`], end!.toISOString())
      assert.deepStrictEqual(JSON.parse(row["paramValues"]!), run.paramValues)
    })
    assert.isTrue(result.stdout.includes("\"\""), "some paramValues carry quotes, doubled")
  })

  it("--output json: one array of them", async () => {
    const result = await cli(["runs", "list", "-o", "json", "--max", "60"], { target: server })
    assert.strictEqual(result.code, 0, result.stderr)
    assert.deepStrictEqual(JSON.parse(result.stdout), server.store.all().slice(0, 60).map((run) => encode(run)))
  })

  it("filters by task, time and status, and stops at --max", async () => {
    const task = server.store.tasks[1]!
    const since = "2025-12-20T00:00:00Z"
    const result = await cli(
      ["runs", "list", "--task-slug", task.slug, "--since", since, "--status", "failed,Cancelled", "-o", "ndjson"],
      { target: server }
    )
    assert.strictEqual(result.code, 0, result.stderr)
    const expected = server.store.all({ taskSlug: task.slug, since: new Date(since) })
      .filter((run) => run.status === "Failed" || run.status === "Cancelled")
      .map((run) => run.id)
    assert.isAbove(expected.length, 1)
    assert.deepStrictEqual(ndjson(result.stdout).map((run) => run.id), expected)

    const relative = await cli(["runs", "list", "--since", "10000d", "--max", "3", "-o", "ndjson"], { target: server })
    assert.deepStrictEqual(
      ndjson(relative.stdout).map((run) => run.id),
      server.store.all().slice(0, 3).map((r) => r.id)
    )
    const none = await cli(["runs", "list", "--since", "1h", "-o", "csv"], { target: server })
    assert.strictEqual(none.stdout.trimEnd().split("\n").length, 1, "a header alone: the runs are older")
  })

  it("a table that fits the width it is given, giving up its last columns first", async () => {
    const wide = await cli(["runs", "list", "--max", "55"], { target: server, env: { COLUMNS: "200" } })
    const narrow = await cli(["runs", "list", "--max", "55"], { target: server, env: { COLUMNS: "56" } })
    for (const result of [wide, narrow]) assert.strictEqual(result.code, 0, result.stderr)
    const [wideHeader, ...wideRows] = wide.stdout.trimEnd().split("\n")
    assert.match(wideHeader!, /^ID +STATUS +CREATED \(UTC\) +TASK +DURATION$/)
    assert.strictEqual(wideRows.length, 55)
    const runs = server.store.all().slice(0, 55)
    wideRows.forEach((row, i) => assert.match(row, new RegExp(`^${runs[i]!.id} +${runs[i]!.status} `)))
    const lines = narrow.stdout.trimEnd().split("\n")
    assert.match(lines[0]!, /^ID +STATUS +CREATED \(UTC\)$/)
    for (const line of lines) assert.isAtMost(line.length, 56, line)
    const tiny = await cli(["runs", "list", "--max", "2"], { target: server, env: { COLUMNS: "20" } })
    for (const line of tiny.stdout.trimEnd().split("\n")) assert.isAtMost(line.length, 20, line)
  })
})
