import type * as Runs from "@airplane-runs/core/Runs"
import { assert, describe, it } from "@effect/vitest"
import * as OutputFormat from "../src/OutputFormat.js"

// Ids as the decoder brands them; the writers take them as text.
const run = (id: string, extra: Partial<Runs.Run> = {}): Runs.Run => ({
  id: id as NonNullable<Runs.Run["id"]>,
  status: "Succeeded",
  taskID: "tsk_1" as NonNullable<Runs.Run["taskID"]>,
  createdAt: new Date("2026-01-01T00:00:00Z"),
  activeAt: new Date("2026-01-01T00:00:10Z"),
  succeededAt: new Date("2026-01-01T00:01:15Z"),
  ...extra
})

const write = (writer: OutputFormat.Writer, batches: ReadonlyArray<ReadonlyArray<Runs.Run>>) =>
  writer.begin() + batches.map(writer.rows).join("") + writer.end()

describe("OutputFormat", () => {
  it("csv quotes what needs it, per RFC 4180", () => {
    const text = write(OutputFormat.writer("csv"), [[run("a,b", { paramValues: { say: "\"hi\"\nthere" } })]])
    assert.strictEqual(
      text.split("\r\n")[1],
      "\"a,b\",Succeeded,tsk_1,2026-01-01T00:00:00.000Z,,2026-01-01T00:00:10.000Z,2026-01-01T00:01:15.000Z,,,,\"{\"\"say\"\":\"\"\\\"\"hi\\\"\"\\nthere\"\"}\""
    )
  })

  it("json is one array across batches, and an empty one for none", () => {
    const text = write(OutputFormat.writer("json"), [[run("a")], [], [run("b"), run("c")]])
    assert.deepStrictEqual(JSON.parse(text).map((r: { id: string }) => r.id), ["a", "b", "c"])
    assert.deepStrictEqual(JSON.parse(write(OutputFormat.writer("json"), [[]])), [])
  })

  it("a table lays out from its first batch, gives up its last columns to fit, says when empty", () => {
    const wide = write(OutputFormat.writer("table"), [[run("run_1")], [
      run("run_2", { status: "Active", succeededAt: null })
    ]]).split("\n")
    assert.deepStrictEqual(wide.slice(0, 3), [
      "ID     STATUS     CREATED (UTC)        TASK   DURATION",
      "run_1  Succeeded  2026-01-01 00:00:00  tsk_1  1m05s",
      "run_2  Active     2026-01-01 00:00:00  tsk_1  -"
    ])
    const narrow = write(OutputFormat.writer("table", { width: 40 }), [[run("run_1")]]).split("\n")
    assert.deepStrictEqual(narrow[0], "ID     STATUS     CREATED (UTC)")
    const tiny = write(OutputFormat.writer("table", { width: 10 }), [[run("run_1")]]).split("\n")
    assert.deepStrictEqual(tiny.slice(0, 2), ["ID     ST…", "run_1  Su…"])
    assert.strictEqual(write(OutputFormat.writer("table"), [[]]), "No runs found.\n")
  })
})
