import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as ExecuteTask from "../src/ExecuteTask.js"
import { accepted, refusal } from "./utils/Decode.js"

describe("ExecuteTask", () => {
  describe("ExecuteTaskBody", () => {
    it("takes the task by id", () => {
      assert.deepStrictEqual<unknown>(accepted(ExecuteTask.ExecuteTaskBody, { id: "tsk20210728zxb2vxn" }), {
        id: "tsk20210728zxb2vxn"
      })
    })

    it("takes the task by slug, with parameter values and resources", () => {
      const body = accepted(ExecuteTask.ExecuteTaskBody, {
        slug: "hello_world",
        paramValues: { limit: 20, user: "eric", flags: [true, null], nested: { a: "b" } },
        resources: { db: "res20220111zabc" }
      })
      assert.strictEqual(body.slug, "hello_world")
      assert.isUndefined(body.id)
      assert.deepStrictEqual(body.paramValues, { limit: 20, user: "eric", flags: [true, null], nested: { a: "b" } })
      assert.deepStrictEqual(body.resources, { db: "res20220111zabc" })
    })

    it.each([{}, { paramValues: { a: 1 } }, { resources: {} }])(
      "refuses %j, which has neither id nor slug, saying so",
      (input) => {
        assert.include(
          refusal(ExecuteTask.ExecuteTaskBody, input).message,
          "either an id or a slug of the task must be provided"
        )
      }
    )

    it.each([
      ["an empty id", { id: "" }, "[\"id\"]"],
      ["an empty slug", { slug: "" }, "[\"slug\"]"],
      ["paramValues that are not an object", { id: "tsk1", paramValues: [1, 2] }, "[\"paramValues\"]"],
      ["a non-string resource", { slug: "s", resources: { db: 1 } }, "[\"resources\"]"],
      ["a non-finite parameter value", { slug: "s", paramValues: { n: Number.POSITIVE_INFINITY } }, "[\"n\"]"]
    ])("refuses %s", (_, input, path) => {
      assert.include(refusal(ExecuteTask.ExecuteTaskBody, input).message, path)
    })

    it.effect("encodes without adding fields", () =>
      Effect.gen(function*() {
        const body = yield* Schema.decodeUnknown(ExecuteTask.ExecuteTaskBody)({ slug: "hello_world" })
        assert.deepStrictEqual(yield* Schema.encode(ExecuteTask.ExecuteTaskBody)(body), { slug: "hello_world" })
      }))
  })

  describe("ExecuteTaskParams", () => {
    it("takes an optional, non-empty envSlug", () => {
      assert.deepStrictEqual(accepted(ExecuteTask.ExecuteTaskParams, {}), {})
      assert.deepStrictEqual(accepted(ExecuteTask.ExecuteTaskParams, { envSlug: "prod" }), { envSlug: "prod" })
      assert.include(refusal(ExecuteTask.ExecuteTaskParams, { envSlug: "" }).message, "[\"envSlug\"]")
    })
  })

  describe("ExecuteTaskAnswer", () => {
    it("decodes the new run's id, dropping unknown fields", () => {
      assert.deepStrictEqual<unknown>(
        accepted(ExecuteTask.ExecuteTaskAnswer, { runID: "run20220215zv10o6s52qj", extra: 1 }),
        { runID: "run20220215zv10o6s52qj" }
      )
    })

    it.each([{}, { runID: null }, { runID: 1 }, { id: "run1" }])("refuses %j, naming runID", (input) => {
      assert.include(refusal(ExecuteTask.ExecuteTaskAnswer, input).message, "[\"runID\"]")
    })
  })
})
