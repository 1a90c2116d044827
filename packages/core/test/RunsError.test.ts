import { RunsError } from "@airplane-runs/core"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Schema } from "effect"

const http = {
  status: 404,
  error: "run run_1 not found",
  code: "run_not_found",
  method: "GET",
  path: "/v0/runs/get"
}

/** One of each error, with what its message must say (what happened, and what to do). */
const examples: ReadonlyArray<{ readonly error: RunsError.RunsError; readonly says: ReadonlyArray<string> }> = [
  {
    error: new RunsError.InvalidRequest({ operation: "list", issues: ["limit: must be 0..50", "page: must be >= 0"] }),
    says: ["Invalid list request", "nothing was sent", "limit: must be 0..50; page: must be >= 0"]
  },
  {
    error: new RunsError.BadRequest({ ...http, status: 400, error: "cannot cancel", code: "run_terminal" }),
    says: ["GET /v0/runs/get answered 400: cannot cancel (run_terminal)", "Fix the request", "will not help"]
  },
  {
    error: new RunsError.Unauthorized({ ...http, status: 401, error: "invalid API key", code: undefined }),
    says: ["answered 401: invalid API key.", "Check the API key (AIRPLANE_API_KEY)"]
  },
  {
    error: new RunsError.Forbidden({ ...http, status: 403, error: "forbidden" }),
    says: ["answered 403", "lacks the permission"]
  },
  {
    error: new RunsError.NotFound(http),
    says: ["answered 404: run run_1 not found (run_not_found)", "Check the id", "X-Airplane-Env-Slug"]
  },
  {
    error: new RunsError.Conflict({ ...http, status: 423, error: "locked" }),
    says: ["answered 423: locked", "try again once it is done"]
  },
  {
    error: new RunsError.RateLimited({ ...http, status: 429, error: "slow down", retryAfterMs: 2000 }),
    says: ["answered 429: slow down", "Rate limited; gave up.", "asked to wait 2 s before another attempt"]
  },
  {
    error: new RunsError.RateLimited({ ...http, status: 429, error: "slow down", attempts: 5, elapsedMs: 3_140 }),
    says: ["Rate limited; gave up after 5 attempts over 3.1 s.", "Send fewer requests"]
  },
  {
    error: new RunsError.ServerError({ ...http, status: 503, error: "unavailable", retryable: true, attempts: 1 }),
    says: ["answered 503: unavailable", "The API failed; gave up after 1 attempt."]
  },
  {
    error: new RunsError.ServerError({ ...http, status: 503, error: "down for maintenance", retryable: false }),
    says: ["answered 503: down for maintenance", "said not to retry (X-Airplane-Retryable: false)"]
  },
  {
    error: new RunsError.ServerError({ ...http, status: 501, error: "not implemented" }),
    says: ["answered 501: not implemented", "does not implement this; a 501 is not retried"]
  },
  {
    error: new RunsError.TransportError({ method: "POST", path: "/v0/runs/cancel", reason: "socket hang up" }),
    says: ["POST /v0/runs/cancel failed on the wire: socket hang up", "Check the host (AIRPLANE_API_HOST)"]
  },
  {
    error: new RunsError.TransportError({
      method: "GET",
      path: "/v0/runs/get",
      reason: "connect ECONNREFUSED 127.0.0.1:9",
      attempts: 5,
      elapsedMs: 2_960
    }),
    says: ["GET /v0/runs/get failed on the wire after 5 attempts over 3 s: connect ECONNREFUSED 127.0.0.1:9"]
  },
  {
    error: new RunsError.Timeout({ method: "GET", path: "/v0/runs/list", scope: "attempt", timeoutMs: 100 }),
    says: ["GET /v0/runs/list timed out", "the attempt of 100 ms passed"]
  },
  {
    error: new RunsError.Timeout({ method: "GET", path: "/v0/runs/list", scope: "deadline", timeoutMs: 5000 }),
    says: ["the call's deadline of 5000 ms passed"]
  },
  {
    error: new RunsError.InvalidResponse({
      method: "GET",
      path: "/v0/runs/list",
      status: 200,
      reason: "Expected string, actual 5",
      schemaPath: ["runs", "1", "id"]
    }),
    says: ["GET /v0/runs/list answered 200 with a body that could not be read at runs.1.id: Expected string, actual 5"]
  }
]

describe("RunsError", () => {
  it("every error's message says what happened and what to do", () => {
    for (const { error, says } of examples) {
      for (const text of says) assert.include(error.message, text, error._tag)
      assert.include(String(error), error.message)
    }
  })

  it("a message leaves out what the API did not send", () => {
    const plain = new RunsError.ServerError({ ...http, status: 500, error: "HTTP 500", code: undefined })
    assert.isTrue(plain.message.startsWith("GET /v0/runs/get answered 500: HTTP 500. "), plain.message)
    assert.notInclude(plain.message, "undefined")
    assert.notInclude(new RunsError.RateLimited({ ...http, status: 429 }).message, "asked to wait")
    const noPath = new RunsError.InvalidResponse({
      method: "GET",
      path: "/v0/runs/get",
      status: 200,
      reason: "not JSON"
    })
    assert.notInclude(noPath.message, " at ")
    const emptyPath = new RunsError.InvalidResponse({
      method: "GET",
      path: "/v0/runs/get",
      status: 200,
      reason: "x",
      schemaPath: []
    })
    assert.notInclude(emptyPath.message, " at ")
  })

  it("every class has its tag, and is an Error", () => {
    const tags = examples.map(({ error }) => error._tag)
    assert.deepStrictEqual([...new Set(tags)].sort(), [
      "BadRequest",
      "Conflict",
      "Forbidden",
      "InvalidRequest",
      "InvalidResponse",
      "NotFound",
      "RateLimited",
      "ServerError",
      "Timeout",
      "TransportError",
      "Unauthorized"
    ])
    for (const { error } of examples) assert.instanceOf(error, Error)
  })

  it("isRunsError is true for each error class, by the type id each carries", () => {
    for (const { error } of examples) {
      assert.isTrue(RunsError.isRunsError(error), error._tag)
      assert.isTrue(RunsError.TypeId in error)
    }
  })

  it("isRunsError is false for plain errors, look-alike objects and other values", () => {
    const values: ReadonlyArray<unknown> = [
      new Error("NotFound"),
      new TypeError("fetch failed"),
      { _tag: "NotFound", status: 404, error: "x", method: "GET", path: "/" },
      { _tag: "Timeout", message: "timed out" },
      Object.assign(new Error("x"), { _tag: "SomethingElse" }),
      // An Error of someone else's with one of our tags: the type id tells them apart.
      Object.assign(new Error("a timeout of someone else's"), { _tag: "Timeout" }),
      "NotFound",
      404,
      null,
      undefined
    ]
    for (const value of values) assert.isFalse(RunsError.isRunsError(value), String(value))
  })

  it("isHttpError is true only for the errors of an HTTP answer", () => {
    const httpTags = new Set([
      "BadRequest",
      "Unauthorized",
      "Forbidden",
      "NotFound",
      "Conflict",
      "RateLimited",
      "ServerError"
    ])
    for (const { error } of examples) {
      assert.strictEqual(RunsError.isHttpError(error), httpTags.has(error._tag), error._tag)
    }
    assert.isFalse(RunsError.isHttpError({ _tag: "NotFound", status: 404, error: "x" }))
  })

  it.effect("errors are yieldable and caught by tag", () =>
    Effect.gen(function*() {
      const failing = Effect.gen(function*() {
        yield* new RunsError.NotFound(http)
        return "unreachable"
      })
      const exit = yield* Effect.exit(failing)
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const failure = Cause.failureOption(exit.cause)
        assert.isTrue(failure._tag === "Some" && failure.value._tag === "NotFound")
      }

      const recovered = yield* failing.pipe(
        Effect.catchTag("NotFound", (error) => Effect.succeed(`recovered ${error.status} ${error.code}`))
      )
      assert.strictEqual(recovered, "recovered 404 run_not_found")

      const byTags = yield* Effect.fail<RunsError.RunsError>(
        new RunsError.RateLimited({ ...http, status: 429, retryAfterMs: 1500 })
      ).pipe(
        Effect.catchTags({
          NotFound: () => Effect.succeed("not found"),
          RateLimited: (e) => Effect.succeed(`wait ${e.retryAfterMs}`)
        }),
        Effect.catchAll(() => Effect.succeed("other"))
      )
      assert.strictEqual(byTags, "wait 1500")

      // A tag the error is not stays in the error channel.
      const other = yield* Effect.flip(
        Effect.fail(new RunsError.Timeout({ method: "GET", path: "/", scope: "deadline", timeoutMs: 1 })).pipe(
          Effect.catchTag("Timeout", (e) => e.scope === "attempt" ? Effect.succeed("attempt") : Effect.fail(e))
        )
      )
      assert.strictEqual(other._tag, "Timeout")
    }))

  it("errors are schemas: they encode to plain data and decode back", () => {
    const error = new RunsError.NotFound({ ...http, requestId: "req_1", retryable: false })
    const encoded = Schema.encodeSync(RunsError.NotFound)(error)
    assert.deepStrictEqual({ ...encoded }, { _tag: "NotFound", ...http, requestId: "req_1", retryable: false })
    const decoded = Schema.decodeUnknownSync(RunsError.NotFound)(encoded)
    assert.instanceOf(decoded, RunsError.NotFound)
    assert.strictEqual(decoded.message, error.message)
    assert.throws(() => Schema.decodeUnknownSync(RunsError.NotFound)({ ...encoded, status: "404" }))
  })

  it("JSON of an error is its fields, with no request or platform object", () => {
    const error = new RunsError.TransportError({ method: "GET", path: "/v0/runs/get", reason: "connect ECONNREFUSED" })
    const json = JSON.parse(JSON.stringify(error))
    assert.strictEqual(json._tag, "TransportError")
    assert.strictEqual(json.reason, "connect ECONNREFUSED")
    assert.deepStrictEqual(Object.keys(json).sort(), ["_tag", "method", "path", "reason"])
  })
})
