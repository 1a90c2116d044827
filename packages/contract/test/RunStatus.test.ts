import { assert, describe, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import * as RunStatus from "../src/RunStatus.js"

describe("RunStatus", () => {
  it("has the six statuses of the API, in lifecycle order", () => {
    assert.deepStrictEqual(RunStatus.values, ["NotStarted", "Queued", "Active", "Succeeded", "Failed", "Cancelled"])
  })

  it.each(RunStatus.values)("decodes %s to itself", (status) => {
    assert.strictEqual(Schema.decodeUnknownSync(RunStatus.RunStatus)(status), status)
    assert.strictEqual(Schema.encodeSync(RunStatus.RunStatus)(status), status)
  })

  it.each(["succeeded", "Running", "Canceled", "", " Active", null, 3])("refuses %j", (input) => {
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(RunStatus.RunStatus)(input)))
  })

  it.each(
    [
      ["NotStarted", false],
      ["Queued", false],
      ["Active", false],
      ["Succeeded", true],
      ["Failed", true],
      ["Cancelled", true]
    ] as const
  )("isTerminal(%s) is %s", (status, terminal) => {
    assert.strictEqual(RunStatus.isTerminal(status), terminal)
    assert.strictEqual(RunStatus.terminal.has(status), terminal)
  })

  it("counts exactly three terminal statuses", () => {
    assert.deepStrictEqual(RunStatus.values.filter(RunStatus.isTerminal), ["Succeeded", "Failed", "Cancelled"])
    assert.strictEqual(RunStatus.terminal.size, 3)
  })
})
