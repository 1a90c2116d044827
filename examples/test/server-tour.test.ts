import { assert, describe, it } from "@effect/vitest"
import { tour } from "../server-tour.js"

describe("server-tour", () => {
  it("lists, runs a task to the end, cancels one and rides into a scripted fault", async () => {
    const lines: Array<string> = []
    const result = await tour((line) => lines.push(line))
    assert.strictEqual(result.listed, 5)
    assert.strictEqual(result.executedStatus, "Succeeded")
    assert.strictEqual(result.cancelledStatus, "Cancelled")
    assert.deepStrictEqual(result.faultStatuses, [503, 503, 200])
    assert.isTrue(lines.some((line) => line.includes("-> 400")), "a second cancel is refused")
  })
})
