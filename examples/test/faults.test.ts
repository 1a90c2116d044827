import { assert, describe, it, vi } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { program } from "../faults.js"
import { layerEmbedded, layerRuns } from "../shared/Target.js"

describe("faults", () => {
  it.live("rides through 429s, 503s and a reset, and surfaces a non-retryable 503 typed", () =>
    Effect.gen(function*() {
      const logged: Array<string> = []
      const lines: Array<string> = []
      const printed = vi.spyOn(console, "log").mockImplementation((line) => lines.push(String(line)))
      const result = yield* program.pipe(
        Effect.provide(
          Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logged.push(String(message))))
        ),
        Effect.ensuring(Effect.sync(() => printed.mockRestore()))
      )
      assert.isTrue(lines.some((line) => line.includes("ServerError (503) after 1 attempt")))
      assert.deepStrictEqual(result.get.statuses, [429, 503, 503, 200])
      // The reset lost the first answer; the retry was replayed from the first attempt's work.
      assert.deepStrictEqual(result.execute.statuses, [null, 200])
      assert.strictEqual(result.walk.runs, result.walk.expected)
      assert.isAbove(result.walk.faults, 0)
      assert.deepStrictEqual(result.refused, { tag: "ServerError", status: 503, attempts: 1 })
      // One Debug line per retry of the scenarios that show them: 3 for the get, 1 for the execute.
      assert.strictEqual(logged.length, 4)
      assert.include(logged[0], "attempt 1 failed with RateLimited 429; retrying in")
    }).pipe(
      Effect.provide(layerRuns(layerEmbedded({ seed: { runs: 300 } }), { retry: { initialDelay: "1 millis" } }))
    ))
})
