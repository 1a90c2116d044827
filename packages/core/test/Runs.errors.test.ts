/**
 * How each way a call can fail reaches the caller, over real HTTP to the embedded server:
 * the API's own errors by status, then the wire's (resets, slow answers, deadlines) and
 * answers the client cannot read.
 */
import { RetryPolicy, Runs, RunsError } from "@airplane-runs/core"
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Fiber, TestClock, TestContext } from "effect"
import { expectTag, type Tag } from "./utils/errors.js"
import { fresh, lastRequestId, requests, seededRun, slowAnswersLanded, slowMs, testLayer } from "./utils/server.js"
import { paths } from "./utils/wire.js"

// The main server: real time, real HTTP, fast retries by default.
layer(testLayer(), { excludeTestServices: true })("Runs over fetch", (it) => {
  describe("errors of the API", () => {
    it.effect("a wrong key: Unauthorized with the API's error", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.make({ apiKey: "tkn_wrong_key", host: server.url })
        const error = expectTag(
          yield* Effect.flip(runs.get({ id: seededRun(server, "Succeeded").id! })),
          "Unauthorized"
        )
        assert.strictEqual(error.status, 401)
        assert.strictEqual(error.method, "GET")
        assert.strictEqual(error.path, paths.get)
        assert.isNotEmpty(error.error)
        assert.strictEqual(error.requestId, yield* lastRequestId)
        assert.isUndefined(error.retryAfterMs)
        assert.isUndefined(error.retryable)
        // 401 is not retried, even by the default policy.
        assert.strictEqual((yield* requests).length, 1)
      }).pipe(Effect.provide(FetchHttpClient.layer)))

    it.effect("an unknown run or task: NotFound with the API's code", () =>
      Effect.gen(function*() {
        yield* fresh
        const runs = yield* Runs.Runs
        const get = expectTag(yield* Effect.flip(runs.get({ id: "run_missing" })), "NotFound")
        assert.strictEqual(get.status, 404)
        assert.strictEqual(get.code, "run_not_found")
        assert.include(get.error, "run_missing")
        assert.strictEqual(get.method, "GET")
        assert.strictEqual(get.path, paths.get)
        assert.strictEqual(get.requestId, yield* lastRequestId)
        assert.isUndefined(get.retryAfterMs)
        assert.isUndefined(get.retryable)

        const outputs = expectTag(yield* Effect.flip(runs.getOutputs({ id: "run_missing" })), "NotFound")
        assert.strictEqual(outputs.path, paths.getOutputs)

        const execute = expectTag(yield* Effect.flip(runs.execute({ slug: "no_such_task" })), "NotFound")
        assert.strictEqual(execute.code, "task_not_found")
        assert.strictEqual(execute.method, "POST")
        assert.strictEqual(execute.path, paths.execute)
        assert.strictEqual((yield* requests).length, 3)
      }))

    it.effect("cancel of a finished run: BadRequest run_terminal, not retried", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const id = seededRun(server, "Succeeded").id!
        const error = expectTag(yield* Effect.flip(runs.cancel({ runID: id })), "BadRequest")
        assert.strictEqual(error.status, 400)
        assert.strictEqual(error.code, "run_terminal")
        assert.include(error.error, id)
        assert.strictEqual(error.method, "POST")
        assert.strictEqual(error.path, paths.cancel)
        assert.strictEqual(error.requestId, yield* lastRequestId)
        assert.isUndefined(error.retryable)
        assert.strictEqual((yield* requests).length, 1)
        assert.strictEqual(server.store.get(id)!.status, "Succeeded")
      }))

    const statusCases: ReadonlyArray<{ readonly status: number; readonly tag: Tag }> = [
      { status: 403, tag: "Forbidden" },
      { status: 409, tag: "Conflict" },
      { status: 423, tag: "Conflict" },
      { status: 418, tag: "BadRequest" },
      { status: 500, tag: "ServerError" },
      { status: 501, tag: "ServerError" },
      { status: 502, tag: "ServerError" },
      { status: 503, tag: "ServerError" },
      { status: 504, tag: "ServerError" }
    ]
    for (const { status, tag } of statusCases) {
      it.effect(`${status}: ${tag} with status, error, code, method and path`, () =>
        Effect.gen(function*() {
          const server = yield* fresh
          const runs = yield* Runs.Runs
          server.faults.add({
            route: "runs/get",
            kind: "status",
            status,
            error: `injected ${status}`,
            code: `code_${status}`,
            times: 1
          })
          const error = yield* Effect.flip(runs.get({ id: "run_x" }, { retry: RetryPolicy.none }))
          const http = expectTag(error, tag) as RunsError.HttpError
          assert.strictEqual(http.status, status)
          assert.strictEqual(http.error, `injected ${status}`)
          assert.strictEqual(http.code, `code_${status}`)
          assert.strictEqual(http.method, "GET")
          assert.strictEqual(http.path, paths.get)
          assert.isUndefined(http.retryAfterMs)
          assert.isUndefined(http.retryable)
          assert.strictEqual(http.requestId, yield* lastRequestId)
          assert.isTrue(RunsError.isHttpError(http))
          assert.include(http.message, `answered ${status}`)
          const log = yield* requests
          assert.strictEqual(log.length, 1)
          assert.strictEqual(log[0].fault, "status")
        }))
    }

    it.effect("a status on a POST names the method and path of the POST", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/cancel", kind: "status", status: 403, error: "no", times: 1 })
        const error = expectTag(yield* Effect.flip(runs.cancel({ runID: "run_x" })), "Forbidden")
        assert.strictEqual(error.method, "POST")
        assert.strictEqual(error.path, paths.cancel)
        assert.isUndefined(error.code)
      }))

    it.effect("429 with Retry-After in seconds: RateLimited with retryAfterMs", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/list", kind: "status", status: 429, retryAfter: "2", times: 1 })
        const error = expectTag(yield* Effect.flip(runs.listPage({}, { retry: RetryPolicy.none })), "RateLimited")
        assert.strictEqual(error.status, 429)
        assert.strictEqual(error.retryAfterMs, 2000)
        assert.strictEqual(error.path, paths.list)
        assert.strictEqual(error.method, "GET")
        assert.isUndefined(error.retryable)
        assert.strictEqual(error.requestId, yield* lastRequestId)
        assert.include(error.message, "wait 2 s before another attempt (Retry-After)")
      }))

    it.effect("429 with Retry-After as an HTTP date: retryAfterMs from the clock's now", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"))
        server.faults.add({ kind: "status", status: 429, retryAfter: "Thu, 01 Jan 2026 00:00:07 GMT", times: 1 })
        const error = expectTag(
          yield* Effect.flip(runs.get({ id: "run_x" }, { retry: RetryPolicy.none })),
          "RateLimited"
        )
        assert.strictEqual(error.retryAfterMs, 7000)

        server.faults.add({ kind: "status", status: 429, retryAfter: "Wed, 31 Dec 2025 23:59:00 GMT", times: 1 })
        const past = expectTag(
          yield* Effect.flip(runs.get({ id: "run_x" }, { retry: RetryPolicy.none })),
          "RateLimited"
        )
        assert.strictEqual(past.retryAfterMs, 0)
      }).pipe(Effect.provide(TestContext.TestContext)))

    it.effect("X-Airplane-Retryable is kept on the error", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/get", kind: "status", status: 503, retryable: false, times: 1 })
        const error = expectTag(yield* Effect.flip(runs.get({ id: "run_x" })), "ServerError")
        assert.strictEqual(error.retryable, false)
        assert.strictEqual(error.error, "injected fault: 503")
      }))

    it.effect("an HTML error page from a proxy: ServerError, saying the body was not the API's", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/get", kind: "html", times: 1 })
        const error = expectTag(
          yield* Effect.flip(runs.get({ id: "run_x" }, { retry: RetryPolicy.none })),
          "ServerError"
        )
        assert.strictEqual(error.status, 502)
        assert.strictEqual(error.error, "HTTP 502, not the API's error body")
        assert.isUndefined(error.code)
      }))
  })

  describe("errors of the wire and of time", () => {
    it.effect("a connection reset before the headers: TransportError", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/get", kind: "reset", times: 1 })
        const error = expectTag(
          yield* Effect.flip(runs.get({ id: "run_x" }, { retry: RetryPolicy.none })),
          "TransportError"
        )
        assert.strictEqual(error.method, "GET")
        assert.strictEqual(error.path, paths.get)
        assert.isNotEmpty(error.reason)
        const log = yield* requests
        assert.strictEqual(log.length, 1)
        assert.isNull(log[0].status)
      }))

    it.effect("a connection reset in the middle of the body: TransportError", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/list", kind: "resetMidBody", times: 1 })
        const error = expectTag(
          yield* Effect.flip(runs.listPage({}, { retry: RetryPolicy.none })),
          "TransportError"
        )
        assert.strictEqual(error.path, paths.list)
        assert.isNotEmpty(error.reason)
        assert.strictEqual((yield* requests).length, 1)
      }))

    it.effect("an attempt slower than attemptTimeout: Timeout of scope attempt", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/get", kind: "slow", delayMs: slowMs, times: 1 })
        const error = expectTag(
          yield* Effect.flip(runs.get({ id: "run_x" }, { retry: RetryPolicy.none, attemptTimeout: "20 millis" })),
          "Timeout"
        )
        assert.strictEqual(error.scope, "attempt")
        assert.strictEqual(error.timeoutMs, 20)
        assert.strictEqual(error.method, "GET")
        assert.strictEqual(error.path, paths.get)
        yield* slowAnswersLanded
      }))

    it.effect("a call slower than its deadline: Timeout of scope deadline", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/getOutputs", kind: "slow", delayMs: slowMs, times: 1 })
        const error = expectTag(
          yield* Effect.flip(runs.getOutputs({ id: "run_x" }, { deadline: "30 millis" })),
          "Timeout"
        )
        assert.strictEqual(error.scope, "deadline")
        assert.strictEqual(error.timeoutMs, 30)
        assert.strictEqual(error.path, paths.getOutputs)
        yield* slowAnswersLanded
      }))

    it.effect("a wait that would outlast the deadline ends the call at once, with the error that asked for it", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        // The server asks for 30 s; the deadline leaves 10: no retry can be sent in time.
        server.faults.add({ route: "runs/get", kind: "status", status: 503, retryAfter: "30" })
        const fiber = yield* Effect.fork(Effect.flip(runs.get({ id: "run_x" }, { deadline: "10 seconds" })))
        const error = expectTag(yield* Fiber.join(fiber), "ServerError")
        assert.strictEqual(error.retryAfterMs, 30_000)
        assert.strictEqual(error.attempts, 1)
        assert.strictEqual((yield* requests).length, 1)
      }).pipe(Effect.provide(TestContext.TestContext)))

    it.effect("a truncated JSON body: InvalidResponse, not retried", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/get", kind: "truncated", times: 1 })
        const error = expectTag(
          yield* Effect.flip(runs.get({ id: seededRun(server, "Succeeded").id! })),
          "InvalidResponse"
        )
        assert.strictEqual(error.status, 200)
        assert.strictEqual(error.method, "GET")
        assert.strictEqual(error.path, paths.get)
        assert.include(error.reason, "not JSON")
        assert.isUndefined(error.schemaPath)
        assert.strictEqual(error.requestId, yield* lastRequestId)
        assert.strictEqual((yield* requests).length, 1)
      }))

    it.effect("a malformed body: InvalidResponse", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/list", kind: "malformed", times: 1 })
        const error = expectTag(yield* Effect.flip(runs.listPage()), "InvalidResponse")
        assert.strictEqual(error.path, paths.list)
        assert.include(error.reason, "not JSON (application/json")
      }))

    it.effect("an empty body: InvalidResponse for a get, success for a cancel (which documents none)", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/get", kind: "empty", times: 1 })
        const error = expectTag(yield* Effect.flip(runs.get({ id: "run_x" })), "InvalidResponse")
        assert.strictEqual(error.status, 200)
        assert.include(error.reason, "empty body")

        server.faults.add({ route: "runs/cancel", kind: "empty", times: 1 })
        yield* runs.cancel({ runID: "run_x" })
        const log = yield* requests
        assert.deepStrictEqual(log.map((entry) => entry.fault), ["empty", "empty"])
      }))

    it.effect("a JSON answer labelled text/plain is still read", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/get", kind: "wrongContentType", times: 1 })
        const id = seededRun(server, "Succeeded").id!
        const run = yield* runs.get({ id })
        assert.strictEqual(run.id, id)
        assert.strictEqual((yield* requests)[0].fault, "wrongContentType")
      }))

    it.effect("an answer of the wrong shape: InvalidResponse with the schema path", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        // `{"padding": "..."}`: valid JSON, but no runID.
        server.faults.add({ route: "tasks/execute", kind: "oversized", bytes: 64, times: 1 })
        const error = expectTag(
          yield* Effect.flip(runs.execute({ slug: server.store.tasks[0].slug })),
          "InvalidResponse"
        )
        assert.strictEqual(error.status, 200)
        assert.strictEqual(error.method, "POST")
        assert.strictEqual(error.path, paths.execute)
        assert.deepStrictEqual(error.schemaPath, ["runID"])
        assert.include(error.message, "at runID")
      }))
  })
})
