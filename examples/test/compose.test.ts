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
      assert.isTrue(lines.some((line) => line.startsWith("Report       skipped: still rate limited (429)")))
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
