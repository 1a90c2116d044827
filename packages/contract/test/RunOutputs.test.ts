import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as RunOutputs from "../src/RunOutputs.js"
import { accepted, refusal } from "./utils/Decode.js"

describe("RunOutputs", () => {
  describe("RunOutputs", () => {
    it.each([
      ["an object (the spec's example)", { element: "hydrogen", weight: "1.008" }],
      ["a nested object", { rows: [{ id: 1, name: "a", tags: ["x"], deleted: null }], total: 1 }],
      ["an array", [1, "two", { three: 3 }, [4], null, false]],
      ["a string", "done"],
      ["the empty string", ""],
      ["a number", 42.5],
      ["a negative integer", -3],
      ["true", true],
      ["false", false],
      ["null", null],
      ["an empty object", {}],
      ["an empty array", []]
    ])("decodes %s", (_, output) => {
      assert.deepStrictEqual<unknown>(accepted(RunOutputs.RunOutputs, { output }), { output })
    })

    it.effect("decodes a missing output to null", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* Schema.decodeUnknown(RunOutputs.RunOutputs)({}), { output: null })
        assert.deepStrictEqual(yield* Schema.decodeUnknown(RunOutputs.RunOutputs)({ other: 1 }), { output: null })
      }))

    it("refuses an output JSON cannot carry, naming the path", () => {
      const message = refusal(RunOutputs.RunOutputs, { output: { weight: Number.NaN } }).message
      assert.include(message, "[\"output\"]")
      assert.include(message, "[\"weight\"]")
      assert.include(refusal(RunOutputs.RunOutputs, { output: [Number.POSITIVE_INFINITY] }).message, "[0]")
    })

    it("encodes the output as it is", () => {
      assert.deepStrictEqual(Schema.encodeSync(RunOutputs.RunOutputs)({ output: [1, { a: "b" }] }), {
        output: [1, { a: "b" }]
      })
      assert.deepStrictEqual(Schema.encodeSync(RunOutputs.RunOutputs)({ output: null }), { output: null })
    })
  })

  describe("GetOutputsParams", () => {
    it("requires a non-empty id", () => {
      assert.deepStrictEqual<unknown>(accepted(RunOutputs.GetOutputsParams, { id: "run20220215zv10o6s52qj" }), {
        id: "run20220215zv10o6s52qj"
      })
      assert.include(refusal(RunOutputs.GetOutputsParams, { id: "" }).message, "[\"id\"]")
      assert.include(refusal(RunOutputs.GetOutputsParams, {}).message, "[\"id\"]")
    })
  })
})
