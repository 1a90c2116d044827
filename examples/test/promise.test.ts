import { assert, describe, it, vi } from "@effect/vitest"
import { program, serverOptions } from "../promise.js"
import { open } from "../shared/Target.js"
import { assertWeekJobs } from "./utils/jobs.js"

describe("promise", () => {
  it("runs a task, counts the week's failures, cancels the unfinished runs and aborts a slow call", async () => {
    // The embedded server, whatever the environment says: a test never calls a real API.
    vi.stubEnv("AIRPLANE_API_KEY", "")
    await using target = await open(serverOptions)
    vi.unstubAllEnvs()
    const lines: Array<string> = []
    const result = await program(target, (line) => lines.push(line))

    assert.include(lines[0], "the embedded server")
    assert.isUndefined(result.missing)
    assertWeekJobs(target.server!, result)

    // The 429s and the slow answer are the example's doing, and the lines say so where they happen.
    assert.include(
      lines,
      "Report       skipped: still rate limited (429) after 3 attempts; the example told the server to answer 429 three times"
    )
    assert.isTrue(result.aborted)
    assert.include(
      lines,
      `Quick check  ${result.runID}: no answer within 500 ms, the signal aborted the call (AbortedError); ` +
        "the example told the server to take 2 s"
    )
    assert.strictEqual(result.statusAfterAbort, "Succeeded")
  })
})
