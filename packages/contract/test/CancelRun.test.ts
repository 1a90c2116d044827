import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as CancelRun from "../src/CancelRun.js"
import { accepted, refusal } from "./utils/Decode.js"

describe("CancelRun", () => {
  describe("CancelRunBody", () => {
    it.effect("takes the run id under runID, and encodes it back", () =>
      Effect.gen(function*() {
        const body = yield* Schema.decodeUnknown(CancelRun.CancelRunBody)({ runID: "run20220111zlq2ig4" })
        assert.strictEqual(body.runID, "run20220111zlq2ig4")
        assert.deepStrictEqual(yield* Schema.encode(CancelRun.CancelRunBody)(body), { runID: "run20220111zlq2ig4" })
      }))

    it.each([
      ["an empty runID", { runID: "" }],
      ["a missing runID", {}],
      ["the id under id (not the API's key)", { id: "run20220111zlq2ig4" }],
      ["a null runID", { runID: null }]
    ])("refuses %s, naming runID", (_, input) => {
      assert.include(refusal(CancelRun.CancelRunBody, input).message, "[\"runID\"]")
    })
  })

  describe("CancelRunAnswer", () => {
    it("accepts {}, and an object with fields the spec does not document", () => {
      assert.deepStrictEqual(accepted(CancelRun.CancelRunAnswer, {}), {})
      // the answer is undocumented: whatever object the API sends must not fail the cancel
      accepted(CancelRun.CancelRunAnswer, { status: "Cancelled" })
    })

    it("encodes to {}", () => {
      assert.deepStrictEqual(Schema.encodeSync(CancelRun.CancelRunAnswer)({}), {})
    })
  })
})
