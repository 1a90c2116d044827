import { RetryPolicy, Runs, RunsError } from "@airplane-runs/core"
import type { Faults } from "@airplane-runs/server"
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it, layer } from "@effect/vitest"
import {
  Cause,
  Chunk,
  Clock,
  ConfigProvider,
  Effect,
  Exit,
  Fiber,
  Layer,
  Logger,
  LogLevel,
  Option,
  Schedule,
  Stream,
  TestClock,
  TestContext
} from "effect"
import { inspect } from "node:util"
import {
  allRuns,
  answer,
  capturingLogger,
  fastRetry,
  fresh,
  realSleep,
  recordingTracer,
  requests,
  seededRun,
  slowAnswersLanded,
  slowMs,
  testLayer,
  tinyServer,
  waitFor
} from "./utils/server.js"

type Tag = RunsError.RunsError["_tag"]
type ErrorOf<T extends Tag> = Extract<RunsError.RunsError, { readonly _tag: T }>

/** Asserts the error's tag and narrows it. */
const expectTag = <T extends Tag>(error: RunsError.RunsError, tag: T): ErrorOf<T> => {
  assert.strictEqual(error._tag, tag, `expected ${tag}, got ${error._tag}: ${error.message}`)
  assert.isTrue(RunsError.isRunsError(error))
  return error as ErrorOf<T>
}

const paths = {
  get: "/v0/runs/get",
  getOutputs: "/v0/runs/getOutputs",
  list: "/v0/runs/list",
  cancel: "/v0/runs/cancel",
  execute: "/v0/tasks/execute"
} as const

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Polls the run every few milliseconds, so awaiting a 30 ms lifecycle stays quick. */
const quickly = Schedule.spaced("5 millis")

const kindOf = (json: unknown): string => (json === null ? "null" : Array.isArray(json) ? "array" : typeof json)

// The main server: real time, real HTTP, fast retries by default.
layer(testLayer(), { excludeTestServices: true })("Runs over fetch", (it) => {
  describe("success paths", () => {
    it.effect("get answers the run with Date fields and a literal status", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const expected = seededRun(server, "Succeeded")
        const run = yield* runs.get({ id: expected.id! })
        assert.strictEqual(run.id, expected.id)
        assert.strictEqual(run.status, "Succeeded")
        assert.strictEqual(run.taskID, expected.taskID)
        assert.instanceOf(run.createdAt, Date)
        assert.strictEqual(run.createdAt!.getTime(), expected.createdAt!.getTime())
        assert.instanceOf(run.activeAt, Date)
        assert.instanceOf(run.succeededAt, Date)
        assert.strictEqual(run.succeededAt!.getTime(), expected.succeededAt!.getTime())
        assert.isNull(run.failedAt)
        assert.isNull(run.cancelledAt)

        const active = yield* runs.get({ id: seededRun(server, "Active").id! })
        assert.strictEqual(active.status, "Active")
        assert.instanceOf(active.activeAt, Date)
        assert.isNull(active.succeededAt)

        const log = yield* requests
        assert.strictEqual(log.length, 2)
        assert.strictEqual(log[0].method, "GET")
        assert.strictEqual(log[0].path, paths.get)
        assert.deepStrictEqual(log[0].query, { id: expected.id! })
        assert.strictEqual(log[0].headers["x-airplane-api-key"], "[redacted]")
        assert.strictEqual(log[0].headers["accept"], "application/json")
        assert.isUndefined(log[0].headers["idempotency-key"])
        assert.strictEqual(log[0].status, 200)
      }))

    it.effect("get sends an id with reserved characters URL-encoded, intact", () =>
      Effect.gen(function*() {
        yield* fresh
        const runs = yield* Runs.Runs
        const id = "run 1/2?x=&y#z"
        const error = expectTag(yield* Effect.flip(runs.get({ id })), "NotFound")
        assert.strictEqual(error.code, "run_not_found")
        const log = yield* requests
        assert.strictEqual(log.length, 1)
        assert.strictEqual(log[0].path, paths.get)
        assert.deepStrictEqual(log[0].query, { id })
      }))

    it.effect("getOutputs answers outputs of several JSON shapes, and null before a run finishes", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const finished = allRuns(server).filter((r) => r.status === "Succeeded" || r.status === "Failed").slice(0, 21)
        const kinds = new Set<string>()
        for (const run of finished) {
          const output = yield* runs.getOutputs({ id: run.id! })
          assert.deepStrictEqual(output, server.store.outputs(run.id!))
          kinds.add(kindOf(output))
        }
        for (const kind of ["object", "array", "string", "number", "boolean"]) assert.isTrue(kinds.has(kind), kind)

        assert.isNull(yield* runs.getOutputs({ id: seededRun(server, "Active").id! }))
        const log = yield* requests
        assert.strictEqual(log.length, finished.length + 1)
        assert.isTrue(log.every((entry) => entry.path === paths.getOutputs && entry.status === 200))
      }))

    it.effect("cancel of an active run cancels it on the server, with an Idempotency-Key", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const id = seededRun(server, "Active").id!
        yield* runs.cancel({ runID: id })
        assert.strictEqual(server.store.get(id)!.status, "Cancelled")
        const run = yield* runs.get({ id })
        assert.strictEqual(run.status, "Cancelled")
        assert.instanceOf(run.cancelledAt, Date)

        const [post] = yield* requests
        assert.strictEqual(post.method, "POST")
        assert.strictEqual(post.path, paths.cancel)
        assert.deepStrictEqual(JSON.parse(post.body!), { runID: id })
        assert.match(post.headers["idempotency-key"]!, uuid)
        assert.match(post.headers["content-type"]!, /^application\/json/)
        assert.strictEqual(post.status, 200)
      }))

    it.effect("execute by slug, then awaitCompletion and awaitOutputs follow the run to Succeeded", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const task = server.store.tasks[0]
        const runID = yield* runs.execute({ slug: task.slug, paramValues: { name: "Ada", n: 3 } })
        assert.match(runID, /^run/)
        assert.isDefined(server.store.get(runID))

        const run = yield* runs.awaitCompletion({ id: runID }, { schedule: quickly })
        assert.strictEqual(run.id, runID)
        assert.strictEqual(run.status, "Succeeded")
        assert.instanceOf(run.succeededAt, Date)

        const completed = yield* runs.awaitOutputs({ id: runID }, { schedule: quickly })
        assert.strictEqual(completed.run.status, "Succeeded")
        assert.deepStrictEqual(completed.output, {
          task: task.slug,
          paramValues: { name: "Ada", n: 3 },
          message: `${task.name} finished`
        })

        const log = yield* requests
        assert.strictEqual(log[0].path, paths.execute)
        assert.deepStrictEqual(JSON.parse(log[0].body!), { slug: task.slug, paramValues: { name: "Ada", n: 3 } })
        assert.match(log[0].headers["idempotency-key"]!, uuid)
        assert.strictEqual(log.at(-1)!.path, paths.getOutputs)
      }))

    it.effect("execute by id of a failing run: awaitOutputs answers Failed and the error output", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const task = server.store.tasks[1]
        const runID = yield* runs.execute({ id: task.id, paramValues: { fail: true } })
        const { output, run } = yield* runs.awaitOutputs({ id: runID }, { schedule: quickly })
        assert.strictEqual(run.status, "Failed")
        assert.instanceOf(run.failedAt, Date)
        assert.deepStrictEqual(output, { error: `${task.name} failed: paramValues.fail was true` })
        const [post] = yield* requests
        assert.deepStrictEqual(JSON.parse(post.body!), { id: task.id, paramValues: { fail: true } })
      }))

    it.effect("execute sends envSlug in the query", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        yield* runs.execute({ slug: server.store.tasks[0].slug, envSlug: "staging" })
        const [post] = yield* requests
        assert.deepStrictEqual(post.query, { envSlug: "staging" })
      }))

    it.effect("awaitCompletion answers the run as last seen when the schedule gives up", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const id = seededRun(server, "Queued", "NotStarted").id!
        const run = yield* runs.awaitCompletion({ id }, { schedule: Schedule.recurs(2) })
        assert.include(["Queued", "NotStarted"], run.status)
        assert.strictEqual((yield* requests).length, 3)
      }))

    it.effect("listPage answers one page, newest first, with the query as sent", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const page = yield* runs.listPage({ limit: 10, page: 1 })
        assert.strictEqual(page.page, 1)
        assert.deepStrictEqual(
          page.runs.map((r) => r.id),
          server.store.list({ limit: 10, page: 1 }).map((r) => r.id)
        )
        assert.strictEqual(page.runs.length, 10)
        const times = page.runs.map((r) => r.createdAt!.getTime())
        assert.deepStrictEqual(times, [...times].sort((a, b) => b - a))

        const task = server.store.tasks[2]
        const since = new Date("2020-01-01T00:00:00.000Z")
        const until = new Date(Date.now())
        const filtered = yield* runs.listPage({ taskSlug: task.slug, since, until })
        assert.isAbove(filtered.runs.length, 0)
        assert.isTrue(filtered.runs.every((r) => r.taskID === task.id))
        assert.strictEqual(filtered.page, 0)

        const log = yield* requests
        assert.deepStrictEqual(log[0].query, { limit: "10", page: "1" })
        assert.deepStrictEqual(log[1].query, {
          taskSlug: task.slug,
          since: since.toISOString(),
          until: until.toISOString(),
          page: "0"
        })
      }))

    it.effect("list and listPages walk every page of a task's runs, once each", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const task = server.store.tasks[3]
        const expected = allRuns(server).filter((r) => r.taskID === task.id).map((r) => r.id)
        assert.isAbove(expected.length, 20)
        const listed = yield* Stream.runCollect(runs.list({ taskSlug: task.slug, limit: 10 }, { prefetch: 0 }))
        assert.deepStrictEqual(Chunk.toReadonlyArray(listed).map((r) => r.id), expected)

        const pages = Chunk.toReadonlyArray(
          yield* Stream.runCollect(runs.listPages({ taskID: task.id, limit: 10 }, { prefetch: 0 }))
        )
        assert.deepStrictEqual(pages.map((p) => p.page), pages.map((_, i) => i))
        assert.strictEqual(pages.length, Math.floor(expected.length / 10) + 1)
        assert.isBelow(pages.at(-1)!.runs.length, 10)
        assert.deepStrictEqual(pages.flatMap((p) => p.runs.map((r) => r.id)), expected)
      }))

    it.effect("a client with an environment sends X-Airplane-Env-Slug on every request", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.make({ apiKey: server.apiKey, host: server.url, envSlug: "staging" })
        yield* runs.get({ id: seededRun(server, "Succeeded").id! })
        const [entry] = yield* requests
        assert.strictEqual(entry.headers["x-airplane-env-slug"], "staging")
      }).pipe(Effect.provide(FetchHttpClient.layer)))

    it.effect("layerConfig reads the key, host and environment from configuration", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const provider = ConfigProvider.fromMap(
          new Map([
            ["AIRPLANE_API_KEY", server.apiKey],
            ["AIRPLANE_API_HOST", server.url],
            ["AIRPLANE_ENV_ID", "env20220101abc"]
          ])
        )
        const run = yield* Effect.flatMap(Runs.Runs, (runs) => runs.get({ id: seededRun(server, "Failed").id! })).pipe(
          Effect.provide(Runs.layerConfig({ retry: RetryPolicy.none })),
          Effect.withConfigProvider(provider),
          Effect.provide(FetchHttpClient.layer)
        )
        assert.strictEqual(run.status, "Failed")
        const [entry] = yield* requests
        assert.strictEqual(entry.headers["x-airplane-env-id"], "env20220101abc")
        assert.strictEqual(entry.status, 200)
      }))
  })

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
        assert.isUndefined(error.requestId)
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
        assert.isUndefined(get.requestId)
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
        assert.isUndefined(error.requestId)
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
          assert.isUndefined(http.requestId)
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
        assert.isUndefined(error.requestId)
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
        assert.isUndefined(error.requestId)
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

  describe("retries", () => {
    it.effect("two 503s, then 200: three attempts, one result", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/get", kind: "status", status: 503, times: 2 })
        const id = seededRun(server, "Succeeded").id!
        const run = yield* runs.get({ id })
        assert.strictEqual(run.id, id)
        const log = yield* requests
        assert.deepStrictEqual(log.map((entry) => entry.status), [503, 503, 200])
      }))

    it.effect("501 is not retried", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/get", kind: "status", status: 501, times: 3 })
        const error = expectTag(yield* Effect.flip(runs.get({ id: "run_x" }, { retry: fastRetry })), "ServerError")
        assert.strictEqual(error.status, 501)
        assert.strictEqual((yield* requests).length, 1)
      }))

    it.effect("a 503 marked X-Airplane-Retryable: false is not retried", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/get", kind: "status", status: 503, retryable: false, times: 3 })
        expectTag(yield* Effect.flip(runs.get({ id: "run_x" })), "ServerError")
        assert.strictEqual((yield* requests).length, 1)
      }))

    it.effect("a 409 marked X-Airplane-Retryable: true is retried; an unmarked 409 is not", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const id = seededRun(server, "Succeeded").id!
        server.faults.add({ route: "runs/get", kind: "status", status: 409, retryable: true, times: 1 })
        assert.strictEqual((yield* runs.get({ id })).id, id)
        assert.deepStrictEqual((yield* requests).map((entry) => entry.status), [409, 200])

        yield* fresh
        server.faults.add({ route: "runs/get", kind: "status", status: 409, times: 1 })
        expectTag(yield* Effect.flip(runs.get({ id })), "Conflict")
        assert.strictEqual((yield* requests).length, 1)
      }))

    it.effect("429 and a connection reset are retried", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/list", kind: "status", status: 429, retryAfter: "0", times: 1 })
        server.faults.add({ route: "runs/list", kind: "reset", times: 1 })
        const page = yield* runs.listPage({ limit: 5 })
        assert.strictEqual(page.runs.length, 5)
        assert.deepStrictEqual((yield* requests).map((entry) => entry.status), [429, null, 200])
      }))

    it.effect("maxAttempts bounds the attempts; the last error is the call's", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/get", kind: "status", status: 500 })
        const policy = RetryPolicy.make({ maxAttempts: 3, initialDelay: "1 millis", maxDelay: "1 millis" })
        const error = expectTag(yield* Effect.flip(runs.get({ id: "run_x" }, { retry: policy })), "ServerError")
        assert.strictEqual(error.status, 500)
        assert.strictEqual((yield* requests).length, 3)
      }))

    it.effect("a retried cancel sends the same Idempotency-Key on every attempt", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const id = seededRun(server, "Active").id!
        server.faults.add({ route: "runs/cancel", kind: "status", status: 503, times: 2 })
        yield* runs.cancel({ runID: id })
        const log = yield* requests
        assert.deepStrictEqual(log.map((entry) => entry.status), [503, 503, 200])
        const keys = new Set(log.map((entry) => entry.headers["idempotency-key"]))
        assert.strictEqual(keys.size, 1)
        assert.match([...keys][0]!, uuid)
        assert.strictEqual(server.store.get(id)!.status, "Cancelled")

        // Another call, another key.
        yield* Effect.flip(runs.cancel({ runID: id }))
        const again = (yield* requests).at(-1)!
        assert.isFalse(keys.has(again.headers["idempotency-key"]))
      }))

    it.effect("a caller's idempotencyKey is the one sent", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "tasks/execute", kind: "status", status: 502, times: 1 })
        const before = server.store.size()
        yield* runs.execute({ slug: server.store.tasks[0].slug }, { idempotencyKey: "my-key-42" })
        const log = yield* requests
        assert.deepStrictEqual(log.map((entry) => entry.headers["idempotency-key"]), ["my-key-42", "my-key-42"])
        assert.strictEqual(server.store.size(), before + 1)
      }))

    it.effect("a cancel whose answer was cut is retried and the server replays its first answer", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const id = seededRun(server, "Active").id!
        server.faults.add({ route: "runs/cancel", kind: "resetMidBody", times: 1 })
        // Without the same key the second attempt would meet a finished run: 400 run_terminal.
        yield* runs.cancel({ runID: id })
        const log = yield* requests
        assert.strictEqual(log.length, 2)
        assert.strictEqual(log[0].headers["idempotency-key"], log[1].headers["idempotency-key"])
        assert.isTrue(log[1].replayed)
        assert.strictEqual(server.store.get(id)!.status, "Cancelled")
      }))

    it.effect("Retry-After is obeyed: no second attempt before it has passed (TestClock)", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const id = seededRun(server, "Succeeded").id!
        server.faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "5", times: 1 })
        const fiber = yield* Effect.fork(runs.get({ id }, { retry: fastRetry, attemptTimeout: "1 minute" }))
        // The TestClock starts at 0: the wait for Retry-After ends at 5000, plus at most 500 of jitter.
        yield* waitFor(
          "the Retry-After wait",
          Effect.map(TestClock.sleeps(), Chunk.some((at) => at >= 5_000 && at <= 5_500))
        )
        yield* TestClock.adjust("4999 millis")
        yield* realSleep(50)
        assert.strictEqual((yield* requests).length, 1)
        assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))

        yield* TestClock.adjust("501 millis")
        const run = yield* Fiber.join(fiber)
        assert.strictEqual(run.id, id)
        assert.deepStrictEqual((yield* requests).map((entry) => entry.status), [429, 200])
      }).pipe(Effect.provide(TestContext.TestContext)))

    it.effect("each retry is logged at Debug with its reason and wait; nothing at the default level", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        const id = seededRun(server, "Succeeded").id!
        const { layer: logger, lines } = capturingLogger()
        const rideThroughA429 = (logged: (self: Effect.Effect<Runs.Run, RunsError.RunsError>) => typeof self) =>
          Effect.gen(function*() {
            server.faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "3", times: 1 })
            const fiber = yield* runs.get({ id }, { retry: fastRetry }).pipe(
              logged,
              Effect.provide(logger),
              Effect.fork
            )
            // This wait, not any other sleep of the TestClock: Retry-After 3 s plus at most 300 ms.
            const start = yield* Clock.currentTimeMillis
            yield* waitFor(
              "the Retry-After wait",
              Effect.map(TestClock.sleeps(), Chunk.some((at) => at >= start + 3_000 && at <= start + 3_300))
            )
            yield* TestClock.adjust("3300 millis")
            yield* Fiber.join(fiber)
          })
        yield* rideThroughA429((self) => self)
        assert.deepStrictEqual(lines, [], "no log under the default Info level")
        yield* rideThroughA429(Logger.withMinimumLogLevel(LogLevel.Debug))
        const [logfmt, json] = lines
        assert.strictEqual(lines.length, 2)
        assert.match(logfmt, /GET \/v0\/runs\/get: attempt 1 failed with RateLimited 429; retrying in 3\d{3} ms/)
        assert.include(logfmt, "level=DEBUG")
        const entry = JSON.parse(json)
        const { "airplane.retry_in_ms": waited, ...annotations } = entry.annotations
        assert.deepStrictEqual(annotations, {
          "airplane.http.method": "GET",
          "airplane.http.path": "/v0/runs/get",
          "airplane.attempt": 1,
          "airplane.error": "RateLimited"
        })
        assert.isAtLeast(waited, 3000)
        assert.isAtMost(waited, 3300)
      }).pipe(Effect.provide(TestContext.TestContext)))

    it.effect("an interrupted call stops during its wait: no further attempt", () =>
      Effect.gen(function*() {
        const server = yield* fresh
        const runs = yield* Runs.Runs
        server.faults.add({ route: "runs/get", kind: "status", status: 503, retryAfter: "20" })
        const fiber = yield* Effect.fork(runs.get({ id: "run_x" }, { retry: fastRetry, attemptTimeout: "1 minute" }))
        yield* waitFor(
          "the Retry-After wait",
          Effect.map(TestClock.sleeps(), Chunk.some((at) => at >= 20_000 && at <= 21_000))
        )
        const exit = yield* Fiber.interrupt(fiber)
        assert.isTrue(Exit.isInterrupted(exit))
        yield* TestClock.adjust("2 minutes")
        yield* realSleep(50)
        assert.strictEqual((yield* requests).length, 1)
      }).pipe(Effect.provide(TestContext.TestContext)))
  })

  describe("bad input fails with InvalidRequest and sends nothing", () => {
    const cases: ReadonlyArray<{
      readonly name: string
      readonly operation: string
      readonly field: string
      readonly call: (runs: Runs.Service) => Effect.Effect<unknown, RunsError.RunsError>
    }> = [
      { name: "get with an empty id", operation: "get", field: "id", call: (runs) => runs.get({ id: "" }) },
      {
        name: "getOutputs with an empty id",
        operation: "getOutputs",
        field: "id",
        call: (runs) => runs.getOutputs({ id: "" })
      },
      {
        name: "cancel with an empty runID",
        operation: "cancel",
        field: "runID",
        call: (runs) => runs.cancel({ runID: "" })
      },
      { name: "limit 51", operation: "list", field: "limit", call: (runs) => runs.listPage({ limit: 51 }) },
      { name: "limit 1.5", operation: "list", field: "limit", call: (runs) => runs.listPage({ limit: 1.5 }) },
      { name: "limit -1", operation: "list", field: "limit", call: (runs) => runs.listPage({ limit: -1 }) },
      { name: "page -1", operation: "list", field: "page", call: (runs) => runs.listPage({ page: -1 }) },
      { name: "page 0.5", operation: "list", field: "page", call: (runs) => runs.listPage({ page: 0.5 }) },
      {
        name: "since after until",
        operation: "list",
        field: "since",
        call: (runs) =>
          runs.listPage({ since: new Date("2024-02-01T00:00:00Z"), until: new Date("2024-01-01T00:00:00Z") })
      },
      {
        name: "an invalid Date",
        operation: "list",
        field: "until",
        call: (runs) => runs.listPage({ until: new Date("not a date") })
      },
      {
        name: "an empty taskSlug",
        operation: "list",
        field: "taskSlug",
        call: (runs) => runs.listPage({ taskSlug: "" })
      },
      {
        name: "list (the stream) with limit 51",
        operation: "list",
        field: "limit",
        call: (runs) => Stream.runDrain(runs.list({ limit: 51 }))
      },
      {
        name: "listPages with a negative prefetch",
        operation: "list",
        field: "prefetch",
        call: (runs) => Stream.runDrain(runs.listPages({}, { prefetch: -1 }))
      },
      {
        name: "execute without id or slug",
        operation: "execute",
        field: "id",
        call: (runs) => runs.execute({ paramValues: { a: 1 } } as unknown as Runs.ExecuteParams)
      },
      {
        name: "execute with an empty slug",
        operation: "execute",
        field: "slug",
        call: (runs) => runs.execute({ slug: "" })
      },
      {
        name: "execute with an empty envSlug",
        operation: "execute",
        field: "envSlug",
        call: (runs) => runs.execute({ slug: "hello_world", envSlug: "" })
      },
      {
        name: "get with an id ending in a newline",
        operation: "get",
        field: "id",
        call: (runs) => runs.get({ id: "run20220111zlq2ig4\n" })
      },
      {
        name: "getOutputs with an id in spaces",
        operation: "getOutputs",
        field: "id",
        call: (runs) => runs.getOutputs({ id: " run20220111zlq2ig4 " })
      },
      {
        name: "cancel with a NUL in the runID",
        operation: "cancel",
        field: "runID",
        call: (runs) => runs.cancel({ runID: "run\u0000x" })
      },
      {
        name: "a taskID with a tab",
        operation: "list",
        field: "taskID",
        call: (runs) => runs.listPage({ taskID: "tsk\t1" })
      },
      {
        name: "awaitCompletion with an empty id",
        operation: "get",
        field: "id",
        call: (runs) => runs.awaitCompletion({ id: "" })
      }
    ]
    for (const { call, field, name, operation } of cases) {
      it.effect(name, () =>
        Effect.gen(function*() {
          yield* fresh
          const runs = yield* Runs.Runs
          const error = expectTag(yield* Effect.flip(call(runs)), "InvalidRequest")
          assert.strictEqual(error.operation, operation)
          assert.isTrue(error.issues.some((issue) => issue.includes(field)), error.issues.join(" | "))
          assert.include(error.message, "nothing was sent")
          // One line, whatever the input held.
          assert.notMatch(error.message, /[\r\n\0]/)
          assert.strictEqual((yield* requests).length, 0)
        }))
    }
  })
})

describe("configuration", () => {
  const make = (options: Runs.Options) => Effect.flip(Runs.make(options)).pipe(Effect.provide(FetchHttpClient.layer))

  it.effect("plain http to a host that is not loopback is refused", () =>
    Effect.gen(function*() {
      const error = yield* make({ apiKey: "tkn_x", host: "http://example.com" })
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.strictEqual(error.operation, "configure")
      assert.isTrue(error.issues.some((issue) => issue.startsWith("host:")), error.issues.join(" | "))
    }))

  it.effect("an empty key is refused", () =>
    Effect.gen(function*() {
      const error = yield* make({ apiKey: "", host: "http://127.0.0.1:1" })
      assert.strictEqual(error.operation, "configure")
      assert.isTrue(error.issues.some((issue) => issue.startsWith("apiKey:")), error.issues.join(" | "))
    }))

  it.effect("header values with CR or LF are refused", () =>
    Effect.gen(function*() {
      const slug = yield* make({ apiKey: "tkn_x", envSlug: "prod\r\nx-evil: 1" })
      assert.strictEqual(slug.operation, "configure")
      assert.isTrue(slug.issues.some((issue) => issue.startsWith("envSlug:")), slug.issues.join(" | "))
      const key = yield* make({ apiKey: "tkn_x\nx-evil: 1" })
      assert.isTrue(key.issues.some((issue) => issue.startsWith("apiKey:")), key.issues.join(" | "))
      // The key is not echoed in the error.
      assert.notInclude(JSON.stringify(key), "tkn_x")
    }))

  it.effect("a host that is not a URL, or that carries credentials, is refused", () =>
    Effect.gen(function*() {
      const notUrl = yield* make({ apiKey: "tkn_x", host: "api.airplane.dev" })
      assert.isTrue(notUrl.issues.some((issue) => issue.startsWith("host:")))
      const credentials = yield* make({ apiKey: "tkn_x", host: "https://user:pw@api.airplane.dev" })
      assert.isTrue(credentials.issues.some((issue) => issue.startsWith("host:")))
    }))

  it.effect("https anywhere and plain http to loopback are accepted", () =>
    Effect.gen(function*() {
      for (
        const host of ["https://api.airplane.dev", "http://localhost:4010", "http://127.0.0.1:4010", "http://[::1]:1"]
      ) {
        const exit = yield* Effect.exit(Runs.make({ apiKey: "tkn_x", host }))
        assert.isTrue(Exit.isSuccess(exit), host)
      }
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.effect("layer fails the same way", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Layer.build(Runs.layer({ apiKey: "tkn_x", host: "http://10.0.0.1" })).pipe(Effect.scoped)
      )
      assert.strictEqual(error.operation, "configure")
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})

// A server that accepts only a recognisable secret, so any leak of it is easy to spot.
const secret = "tkn_SECRET_3f9a7c1e5b2d"
const wrongSecret = "tkn_WRONG_8d1e4b7a2c6f"

const leaks = (text: string) => text.includes(secret) || text.includes(wrongSecret) || text.includes("SECRET_3f9a")

layer(testLayer({ apiKeys: [secret] }), { excludeTestServices: true })("the API key", (it) => {
  /** One error of each kind, from real calls (a few faults, a wrong key, bad input). */
  const everyError = Effect.gen(function*() {
    const server = yield* fresh
    assert.strictEqual(server.apiKey, secret)
    const runs = yield* Runs.Runs
    const wrong = yield* Runs.make({ apiKey: wrongSecret, host: server.url, retry: RetryPolicy.none }).pipe(
      Effect.provide(FetchHttpClient.layer)
    )
    const once = { retry: RetryPolicy.none }
    const fault = (spec: Faults.FaultSpec) =>
      Effect.sync(() => server.faults.add({ route: "runs/get", times: 1, ...spec }))
    const errors: Array<RunsError.RunsError> = []
    // A fault a call did not use (its request gave up before reaching the server) must not
    // answer the next call.
    const collect = (effect: Effect.Effect<unknown, RunsError.RunsError>) =>
      Effect.flatMap(Effect.flip(effect), (error) =>
        Effect.sync(() => {
          errors.push(error)
          server.faults.clear()
        }))

    yield* collect(runs.get({ id: "" }))
    yield* collect(wrong.get({ id: "run_x" }))
    yield* collect(runs.get({ id: "run_missing" }))
    yield* collect(runs.cancel({ runID: seededRun(server, "Succeeded").id! }))
    for (const status of [403, 409, 429, 503]) {
      yield* fault({ kind: "status", status, retryAfter: "1" })
      yield* collect(runs.get({ id: "run_x" }, once))
    }
    yield* fault({ kind: "reset" })
    yield* collect(runs.get({ id: "run_x" }, once))
    yield* fault({ kind: "slow", delayMs: slowMs })
    yield* collect(runs.get({ id: "run_x" }, { ...once, attemptTimeout: "10 millis" }))
    yield* fault({ kind: "slow", delayMs: slowMs })
    yield* collect(runs.get({ id: "run_x" }, { ...once, deadline: "10 millis" }))
    yield* fault({ kind: "malformed" })
    yield* collect(runs.get({ id: "run_x" }, once))
    yield* slowAnswersLanded
    return errors
  })

  it.effect("appears in no error, whatever its kind, however it is printed", () =>
    Effect.gen(function*() {
      const errors = yield* everyError
      assert.deepStrictEqual(
        [...new Set(errors.map((error) => error._tag))].sort(),
        [
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
        ]
      )
      for (const error of errors) {
        const printed = [
          error.message,
          String(error),
          error.toString(),
          JSON.stringify(error),
          inspect(error, { depth: 10 }),
          Cause.pretty(Cause.fail(error))
        ]
        for (const text of printed) assert.isFalse(leaks(text), `${error._tag} leaks the key: ${text}`)
        assert.isNotEmpty(error.message)
      }
    }))

  it.effect("appears in no log line", () =>
    Effect.gen(function*() {
      const { layer: logger, lines } = capturingLogger()
      const errors = yield* everyError.pipe(
        Effect.tap((errors) => Effect.forEach(errors, (error) => Effect.logError("a Runs call failed", error))),
        Effect.provide(logger)
      )
      yield* Effect.gen(function*() {
        const runs = yield* Runs.Runs
        yield* runs.get({ id: "run_missing" }).pipe(Effect.tapErrorCause(Effect.logError), Effect.ignore)
        yield* runs.listPage({ limit: 51 }).pipe(Effect.tapErrorCause(Effect.logError), Effect.ignore)
      }).pipe(Effect.provide(logger))
      assert.strictEqual(lines.length, 2 * (errors.length + 2))
      const all = lines.join("\n")
      assert.include(all, "Unauthorized")
      assert.include(all, "run_missing")
      assert.include(all, "limit")
      for (const line of lines) assert.isFalse(leaks(line), line)
    }))

  it.effect("appears in no span, while every operation is a span with its attributes", () =>
    Effect.gen(function*() {
      const server = yield* fresh
      const runs = yield* Runs.Runs
      const { spans, tracer } = recordingTracer()
      const done = seededRun(server, "Succeeded").id!
      const active = seededRun(server, "Active").id!
      const task = server.store.tasks[0]
      const runID = yield* Effect.gen(function*() {
        yield* runs.get({ id: done })
        yield* runs.getOutputs({ id: done })
        yield* runs.cancel({ runID: active })
        const runID = yield* runs.execute({ slug: task.slug })
        yield* runs.awaitCompletion({ id: runID }, { schedule: quickly })
        yield* runs.listPage({ taskSlug: task.slug, page: 1, limit: 5 })
        yield* Effect.flip(runs.get({ id: "run_missing" }))
        const wrong = yield* Runs.make({ apiKey: wrongSecret, host: server.url }).pipe(
          Effect.provide(FetchHttpClient.layer)
        )
        yield* Effect.flip(wrong.get({ id: done }))
        return runID
      }).pipe(Effect.withTracer(tracer))

      const named = (name: string) => spans.filter((span) => span.name === name)
      const [get] = named("Runs.get")
      assert.strictEqual(get.attributes.get("airplane.run.id"), done)
      assert.strictEqual(get.kind, "client")
      assert.strictEqual(named("Runs.getOutputs")[0].attributes.get("airplane.run.id"), done)
      assert.strictEqual(named("Runs.cancel")[0].attributes.get("airplane.run.id"), active)
      const [execute] = named("Runs.execute")
      assert.strictEqual(execute.attributes.get("airplane.task.slug"), task.slug)
      assert.strictEqual(execute.attributes.get("airplane.run.id"), runID)
      assert.isFalse(execute.attributes.has("airplane.task.id"), "no attribute for what was not given")
      assert.strictEqual(named("Runs.awaitCompletion")[0].attributes.get("airplane.run.id"), runID)
      const [page] = named("Runs.listPage")
      assert.strictEqual(page.attributes.get("airplane.page"), 1)
      assert.strictEqual(page.attributes.get("airplane.task.slug"), task.slug)
      assert.isFalse(page.attributes.has("airplane.task.id"))
      // The get spans of awaitCompletion are its children.
      const awaitSpan = named("Runs.awaitCompletion")[0]
      assert.isTrue(
        named("Runs.get").some((span) => Option.isSome(span.parent) && span.parent.value.spanId === awaitSpan.spanId)
      )

      // The HTTP client's spans record the request headers, the key's redacted.
      const httpSpans = spans.filter((span) => span.attributes.has("http.request.method"))
      assert.isAtLeast(httpSpans.length, 8, "one per request: 7 calls, and awaitCompletion polls at least once")
      for (const span of httpSpans) {
        const header = span.attributes.get("http.request.header.x-airplane-api-key")
        assert.isDefined(header, span.name)
        assert.notStrictEqual(header, secret)
      }

      for (const span of spans) {
        assert.strictEqual(span.status._tag, "Ended", span.name)
        const texts = [
          span.name,
          ...[...span.attributes].map(([key, value]) => `${key}=${String(value)} ${JSON.stringify(value)}`),
          ...span.events.map((event) => `${event.name} ${JSON.stringify(event.attributes)}`),
          span.status._tag === "Ended" && Exit.isFailure(span.status.exit) ? Cause.pretty(span.status.exit.cause) : ""
        ]
        for (const text of texts) assert.isFalse(leaks(text), `${span.name}: ${text}`)
      }
    }))
})

layer(testLayer({}, {}, NodeHttpClient.layerUndici), { excludeTestServices: true })("Runs over undici", (it) => {
  it.effect("gets a run, lists a page and executes a task", () =>
    Effect.gen(function*() {
      const server = yield* fresh
      const runs = yield* Runs.Runs
      const id = seededRun(server, "Succeeded").id!
      const run = yield* runs.get({ id })
      assert.strictEqual(run.status, "Succeeded")
      assert.instanceOf(run.createdAt, Date)
      const page = yield* runs.listPage({ limit: 3 })
      assert.strictEqual(page.runs.length, 3)
      const runID = yield* runs.execute({ slug: server.store.tasks[0].slug })
      const done = yield* runs.awaitCompletion({ id: runID }, { schedule: quickly })
      assert.strictEqual(done.status, "Succeeded")
    }))

  it.effect("maps errors the same way", () =>
    Effect.gen(function*() {
      const server = yield* fresh
      const runs = yield* Runs.Runs
      const once = { retry: RetryPolicy.none }
      const notFound = expectTag(yield* Effect.flip(runs.get({ id: "run_missing" }, once)), "NotFound")
      assert.strictEqual(notFound.code, "run_not_found")
      assert.strictEqual(notFound.path, paths.get)

      server.faults.add({ route: "runs/get", kind: "reset", times: 1 })
      expectTag(yield* Effect.flip(runs.get({ id: "run_x" }, once)), "TransportError")
      server.faults.add({ route: "runs/list", kind: "resetMidBody", times: 1 })
      expectTag(yield* Effect.flip(runs.listPage({}, once)), "TransportError")
      server.faults.add({ route: "runs/get", kind: "slow", delayMs: slowMs, times: 1 })
      const timeout = expectTag(
        yield* Effect.flip(runs.get({ id: "run_x" }, { ...once, attemptTimeout: "20 millis" })),
        "Timeout"
      )
      assert.strictEqual(timeout.scope, "attempt")
      yield* slowAnswersLanded
      server.faults.clear()
      server.faults.add({ route: "runs/get", kind: "truncated", times: 1 })
      expectTag(yield* Effect.flip(runs.get({ id: seededRun(server, "Succeeded").id! }, once)), "InvalidResponse")
      server.faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "3", times: 1 })
      const limited = expectTag(yield* Effect.flip(runs.get({ id: "run_x" }, once)), "RateLimited")
      assert.strictEqual(limited.retryAfterMs, 3000)
    }))

  it.effect("retries a cancel with one Idempotency-Key", () =>
    Effect.gen(function*() {
      const server = yield* fresh
      const runs = yield* Runs.Runs
      const id = seededRun(server, "Active").id!
      server.faults.add({ route: "runs/cancel", kind: "status", status: 503, times: 2 })
      yield* runs.cancel({ runID: id })
      const log = yield* requests
      assert.strictEqual(log.length, 3)
      assert.strictEqual(new Set(log.map((entry) => entry.headers["idempotency-key"])).size, 1)
      assert.strictEqual(server.store.get(id)!.status, "Cancelled")
    }))
})

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["fetch", FetchHttpClient.layer],
  ["undici", NodeHttpClient.layerUndici]
]

describe("answers the embedded server cannot give", () => {
  for (const [name, http] of clients) {
    it.scopedLive(`${name}: a redirect to another origin is not followed, and the key stays home`, () =>
      Effect.gen(function*() {
        const elsewhere = yield* tinyServer(answer(200, { id: "run_elsewhere", status: "Succeeded" }))
        const origin = yield* tinyServer(
          answer(302, { error: "moved" }, { location: `${elsewhere.url}/v0/runs/get?id=run_1` })
        )
        const runs = yield* Runs.make({ apiKey: secret, host: origin.url, retry: RetryPolicy.none })
        const error = expectTag(yield* Effect.flip(runs.get({ id: "run_1" })), "InvalidResponse")
        assert.strictEqual(error.status, 302)
        assert.strictEqual(error.method, "GET")
        assert.strictEqual(error.path, paths.get)
        assert.include(error.reason, "redirect")
        assert.isFalse(leaks(JSON.stringify(error)))
        // The origin got the key; the other origin got nothing at all.
        assert.strictEqual(origin.received.length, 1)
        assert.strictEqual(origin.received[0].headers["x-airplane-api-key"], secret)
        assert.isTrue(elsewhere.received.every((request) => request.headers["x-airplane-api-key"] === undefined))
        assert.strictEqual(elsewhere.received.length, 0)
      }).pipe(Effect.provide(http)))

    it.scopedLive(`${name}: a 307 on a POST is not followed either`, () =>
      Effect.gen(function*() {
        const elsewhere = yield* tinyServer(answer(200, {}))
        const origin = yield* tinyServer(answer(307, undefined, { location: `${elsewhere.url}/v0/runs/cancel` }))
        const runs = yield* Runs.make({ apiKey: secret, host: origin.url, retry: RetryPolicy.none })
        const error = expectTag(yield* Effect.flip(runs.cancel({ runID: "run_1" })), "InvalidResponse")
        assert.strictEqual(error.status, 307)
        assert.strictEqual(error.method, "POST")
        assert.strictEqual(elsewhere.received.length, 0)
      }).pipe(Effect.provide(http)))
  }

  const shapes: ReadonlyArray<{
    readonly name: string
    readonly body: unknown
    readonly call: (runs: Runs.Service) => Effect.Effect<unknown, RunsError.RunsError>
    readonly schemaPath: ReadonlyArray<string>
  }> = [
    {
      name: "an unknown status",
      body: { id: "run_1", status: "Exploded" },
      call: (runs) => runs.get({ id: "run_1" }),
      schemaPath: ["status"]
    },
    {
      name: "a date that is not a date",
      body: { id: "run_1", createdAt: "yesterday" },
      call: (runs) => runs.get({ id: "run_1" }),
      schemaPath: ["createdAt"]
    },
    {
      name: "a run id that is a number, deep in a page",
      body: { runs: [{ id: "run_1" }, { id: 5 }] },
      call: (runs) => runs.listPage(),
      schemaPath: ["runs", "1", "id"]
    }
  ]
  for (const { body, call, name, schemaPath } of shapes) {
    it.scopedLive(`${name}: InvalidResponse at ${schemaPath.join(".")}`, () =>
      Effect.gen(function*() {
        const api = yield* tinyServer(answer(200, body))
        const runs = yield* Runs.make({ apiKey: secret, host: api.url })
        const error = expectTag(yield* Effect.flip(call(runs)), "InvalidResponse")
        assert.strictEqual(error.status, 200)
        assert.deepStrictEqual(error.schemaPath, schemaPath)
        assert.include(error.message, `at ${schemaPath.join(".")}`)
        assert.isNotEmpty(error.reason)
        // An invalid answer is not retried.
        assert.strictEqual(api.received.length, 1)
      }).pipe(Effect.provide(FetchHttpClient.layer)))
  }

  it.scopedLive("the request id and Retry-After of an answer are kept; a body not the API's is described", () =>
    Effect.gen(function*() {
      const api = yield* tinyServer((_request, response) => {
        response.writeHead(503, { "content-type": "text/plain", "x-request-id": "req_123", "retry-after": "4" })
        response.end("upstream exploded")
      })
      const runs = yield* Runs.make({ apiKey: secret, host: api.url, retry: RetryPolicy.none })
      const error = expectTag(yield* Effect.flip(runs.get({ id: "run_1" })), "ServerError")
      assert.strictEqual(error.requestId, "req_123")
      assert.strictEqual(error.retryAfterMs, 4000)
      assert.strictEqual(error.error, "HTTP 503, not the API's error body")
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.live("a refused connection: TransportError", () =>
    Effect.gen(function*() {
      // Bind a port, then close it, so nothing listens there.
      const url = yield* Effect.scoped(Effect.map(tinyServer(answer(200, {})), (server) => server.url))
      const runs = yield* Runs.make({ apiKey: secret, host: url, retry: RetryPolicy.none })
      const error = expectTag(yield* Effect.flip(runs.get({ id: "run_1" })), "TransportError")
      assert.strictEqual(error.path, paths.get)
      assert.isFalse(leaks(JSON.stringify(error)))
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
