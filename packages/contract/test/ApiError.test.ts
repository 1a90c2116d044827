import { HttpApiSchema } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as ApiError from "../src/ApiError.js"
import * as Endpoints from "../src/Endpoints.js"
import * as RunsApi from "../src/RunsApi.js"
import { accepted, refusal } from "./utils/Decode.js"

const classes = [
  ApiError.BadRequest,
  ApiError.Unauthorized,
  ApiError.Forbidden,
  ApiError.NotFound,
  ApiError.Conflict,
  ApiError.Locked,
  ApiError.TooManyRequests,
  ApiError.InternalServerError
]

/** What every error class is: a schema of an error body, and its constructor. */
type ErrorClass<A extends ApiError.ErrorBody, I> = Schema.Schema<A, I> & {
  new(props: { readonly error: string; readonly code?: string }): A
}

const describeErrorClass = <A extends ApiError.ErrorBody, I>(ErrorClass: ErrorClass<A, I>, status: number) =>
  describe(ErrorClass.name, () => {
    it("encodes to exactly {error}, with no _tag", () => {
      const encoded = Schema.encodeSync(ErrorClass)(new ErrorClass({ error: "boom" }))
      assert.deepStrictEqual<unknown>(encoded, { error: "boom" })
      assert.strictEqual(JSON.stringify(encoded), "{\"error\":\"boom\"}")
    })

    it("encodes to exactly {error, code} when there is a code", () => {
      const encoded = Schema.encodeSync(ErrorClass)(new ErrorClass({ error: "boom", code: "some_code" }))
      assert.deepStrictEqual<unknown>(encoded, { error: "boom", code: "some_code" })
      assert.strictEqual(JSON.stringify(encoded), "{\"error\":\"boom\",\"code\":\"some_code\"}")
    })

    it("decodes the API's body to an instance", () => {
      const decoded = accepted(ErrorClass, { error: "nope", code: "c", extra: true })
      assert.instanceOf(decoded, ErrorClass)
      assert.strictEqual(decoded.error, "nope")
      assert.strictEqual(decoded.code, "c")
      assert.isUndefined(accepted(ErrorClass, { error: "nope" }).code)
    })

    it("refuses a body without a string error, or with a non-string code", () => {
      for (const input of [{}, { error: 1 }, { error: null }, { error: "x", code: null }, { error: "x", code: 1 }]) {
        refusal(ErrorClass, input)
      }
    })

    it(`carries the HTTP status ${status} in its annotation`, () => {
      // -1 as the fallback: a missing annotation must not pass as the default 500
      assert.strictEqual(HttpApiSchema.getStatus(ErrorClass.ast, -1), status)
      assert.strictEqual(HttpApiSchema.getStatusError(ErrorClass), status)
    })
  })

describe("ApiError", () => {
  describeErrorClass(ApiError.BadRequest, 400)
  describeErrorClass(ApiError.Unauthorized, 401)
  describeErrorClass(ApiError.Forbidden, 403)
  describeErrorClass(ApiError.NotFound, 404)
  describeErrorClass(ApiError.Conflict, 409)
  describeErrorClass(ApiError.Locked, 423)
  describeErrorClass(ApiError.TooManyRequests, 429)
  describeErrorClass(ApiError.InternalServerError, 500)

  it("has one class per status", () => {
    const statuses = classes.map((ErrorClass) => HttpApiSchema.getStatus(ErrorClass.ast, -1))
    assert.strictEqual(new Set(statuses).size, classes.length)
    assert.notInclude(statuses, -1)
  })

  describe("ErrorBody", () => {
    it("decodes {error, code?} and encodes it back unchanged", () => {
      assert.deepStrictEqual(Schema.decodeUnknownSync(ApiError.ErrorBody)({ error: "x", extra: 1 }), { error: "x" })
      assert.deepStrictEqual(Schema.encodeSync(ApiError.ErrorBody)({ error: "x", code: "y" }), {
        error: "x",
        code: "y"
      })
      assert.include(refusal(ApiError.ErrorBody, { code: "y" }).message, "[\"error\"]")
    })
  })

  describe("in the generated OpenAPI document", () => {
    it("answers each operation's failures under the classes' statuses", () => {
      const doc = RunsApi.openApi() as any
      for (const [path, method] of [["/runs/get", "get"], ["/runs/cancel", "post"], ["/tasks/execute", "post"]]) {
        const responses = doc.paths[Endpoints.basePath + path][method].responses
        for (const status of [400, 401, 403, 404, 429, 500]) {
          assert.property(responses, String(status), `${method} ${path}`)
        }
        assert.strictEqual(responses["404"].description, "No such run or task.")
        assert.strictEqual(responses["401"].description, "The API key is missing or invalid.")
      }
    })
  })
})
