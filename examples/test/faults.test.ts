import { assert, describe, it, vi } from "@effect/vitest"
import { Effect } from "effect"
import { program } from "../faults.js"
import { ExampleTarget, layerEmbedded, layerRuns, settledSeed } from "../shared/Target.js"

describe("faults", () => {
  it.live("rides through 429s, 503s and a reset, and surfaces a non-retryable 503 typed", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const printed = vi.spyOn(console, "log").mockImplementation((line) => lines.push(String(line)))
      const result = yield* Effect.ensuring(program, Effect.sync(() => printed.mockRestore()))
      const { server } = yield* ExampleTarget
      const output = lines.join("\n")

      // The reader is told, before any of it, that the failures are the example's doing.
      assert.include(lines[0], "This example tells it when to fail: every 429, 503 and reset below is scripted")

      assert.deepStrictEqual(result.get.statuses, [429, 503, 503, 200])
      // The reset lost the first answer; the retry was replayed from the first attempt's work.
      assert.deepStrictEqual(result.execute.statuses, [null, 200])
      assert.deepStrictEqual(result.refused, { tag: "ServerError", status: 503, attempts: 1 })
      // The refusal quotes the fault's own words: who failed the call.
      assert.include(output, "ServerError (503) after 1 attempt: POST /v0/runs/cancel answered 503: scripted by")
      assert.include(["Succeeded", "Failed"], server!.store.get(result.execute.runID)?.status)

      // One line per retry, printed as the client logged it: 3 for the get, 1 for the execute,
      // none for the refused cancel.
      assert.deepStrictEqual(
        result.retries.map((retry) => retry.message.replace(/; retrying in .*$/, "")),
        [
          "GET /v0/runs/get: attempt 1 failed with RateLimited 429",
          "GET /v0/runs/get: attempt 2 failed with ServerError 503",
          "GET /v0/runs/get: attempt 3 failed with ServerError 503",
          "POST /v0/tasks/execute: attempt 1 failed with TransportError"
        ]
      )
      for (const retry of result.retries) {
        assert.include(lines, `     retry: ${retry.message}`)
        assert.include(retry.message, `; retrying in ${retry.waitMs.toLocaleString("en-US")} ms`)
      }
      // The wait after the 429 is explained with what the server saw (its request log's times).
      const [limited, retried] = server!.requestLog.entries().filter((entry) => entry.path === "/v0/runs/get")
      assert.strictEqual(result.get.retryAfterMs, 1_000)
      assert.strictEqual(result.get.gapMs, Date.parse(retried!.at) - Date.parse(limited!.at))
      assert.include(
        output,
        `The server asked for 1 s; the retry reached it ${result.get.gapMs.toLocaleString("en-US")} ms after the 429`
      )

      // The walk saw every run last updated before it began: the seeded ones and the one the
      // example started (finished before the walk), whatever the 503s did.
      assert.strictEqual(result.walk.seeded, 300)
      assert.strictEqual(result.walk.expected, 301)
      assert.strictEqual(result.walk.runs, result.walk.expected)
      assert.isAbove(result.walk.faults, 0)
      assert.include(output, "301 of 301 runs")
      assert.include(output, "300 seeded and 1 started in 2, all finished before the walk began")
    }).pipe(
      Effect.provide(layerRuns(layerEmbedded({ seed: settledSeed(300) }), { retry: { initialDelay: "1 millis" } }))
    ))
})
