import { assert, describe, it, vi } from "@effect/vitest"
import { Effect, Option } from "effect"
import { program, seed } from "../compose.js"
import { ExampleTarget, layerEmbedded, layerRuns } from "../shared/Target.js"
import { assertWeekJobs } from "./utils/jobs.js"

describe("compose", () => {
  it.live("runs a task, counts the week's failures, cancels the unfinished runs, handles errors by tag", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const printed = vi.spyOn(console, "log").mockImplementation((line) => lines.push(String(line)))
      const result = yield* Effect.ensuring(program, Effect.sync(() => printed.mockRestore()))
      assert.include(lines[0], "the embedded server")
      // The 429s are the example's doing, and the line says so where it happens.
      assert.include(
        lines,
        "Report       skipped: still rate limited (429) after 3 attempts; the example told the server to answer 429 three times"
      )
      const { server } = yield* ExampleTarget
      assert.isTrue(Option.isNone(result.missing))
      assertWeekJobs(server!, result)
      // The report's own policy: 3 attempts, not the client's 5.
      const reports = server!.requestLog.entries().filter((e) => e.query["limit"] === "10")
      assert.deepStrictEqual(reports.map((e) => e.status), [429, 429, 429])
    }).pipe(
      Effect.provide(layerRuns(layerEmbedded({ seed, lifecycle: { queueMs: 50, startMs: 100, runMs: 300 } })))
    ))
})
