import { assert, describe, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import * as Json from "../src/Json.js"

const accepts = (schema: Schema.Schema<any, any>, input: unknown): boolean =>
  Either.isRight(Schema.decodeUnknownEither(schema)(input))

describe("Json", () => {
  describe("Json", () => {
    it.each([
      null,
      true,
      false,
      0,
      -1.5,
      Number.MAX_SAFE_INTEGER,
      "",
      "text",
      [],
      [1, [2, [3, [null]]]],
      {},
      { a: { b: { c: [1, "x", false, null] } } }
    ])("accepts %j", (value) => {
      assert.isTrue(accepts(Json.Json, value))
      assert.deepStrictEqual(Schema.decodeUnknownSync(Json.Json)(value), value)
    })

    it.each([
      ["NaN", Number.NaN],
      ["Infinity", Number.POSITIVE_INFINITY],
      ["-Infinity", Number.NEGATIVE_INFINITY],
      ["undefined", undefined],
      ["a function", () => 1],
      ["a symbol", Symbol.for("x")],
      ["a bigint", 1n],
      ["NaN in an array", [1, Number.NaN]],
      ["undefined in an object", { a: undefined }],
      ["Infinity deep inside", { a: [{ b: Number.POSITIVE_INFINITY }] }]
    ])("refuses %s", (_, value) => {
      assert.isFalse(accepts(Json.Json, value))
    })
  })

  describe("JsonObject", () => {
    it("accepts objects of JSON values only", () => {
      assert.isTrue(accepts(Json.JsonObject, { limit: 20, user: "eric", list: [1], none: null }))
      assert.isFalse(accepts(Json.JsonObject, [1, 2]))
      assert.isFalse(accepts(Json.JsonObject, "text"))
      assert.isFalse(accepts(Json.JsonObject, null))
      assert.isFalse(accepts(Json.JsonObject, { n: Number.NaN }))
    })
  })

  describe("JsonMapString", () => {
    it("accepts objects of strings only", () => {
      assert.isTrue(accepts(Json.JsonMapString, { db: "res1", cache: "" }))
      assert.isTrue(accepts(Json.JsonMapString, {}))
      assert.isFalse(accepts(Json.JsonMapString, { db: 1 }))
      assert.isFalse(accepts(Json.JsonMapString, { db: null }))
    })
  })
})
