/**
 * The API key reaches no error, log line or span. First a server that accepts only a
 * recognisable key, and one error of each kind from real calls; then the key echoed back in
 * the answer's headers, under names no redaction list knows, while the platform's
 * `http.client` span still lists the headers (one span per attempt, trace context sent).
 */
import { RetryPolicy, Runs, type RunsError } from "@airplane-runs/core"
import type { Faults } from "@airplane-runs/server"
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it, layer } from "@effect/vitest"
import { Cause, Effect, Exit, Logger, LogLevel, Option } from "effect"
import { inspect } from "node:util"
import { clients } from "./utils/clients.js"
import { leaks, secret, wrongSecret } from "./utils/secrets.js"
import {
  capturingLogger,
  fresh,
  quickly,
  recordingTracer,
  seededRun,
  slowAnswersLanded,
  slowMs,
  testLayer,
  tinyServer
} from "./utils/server.js"

const key = "tkn_SECRET_echo_7b3e9d"
const echoLeaks = (text: string) => text.includes(key) || text.includes("SECRET_echo")

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
    yield* fault({ kind: "malformed" })
    yield* collect(runs.get({ id: "run_x" }, once))
    // The timeouts last: a request the client gave up on can reach the server after the next
    // fault is set (seen on a busy machine, in a cold process) and take that fault instead of
    // the call it was meant for.
    yield* fault({ kind: "slow", delayMs: slowMs })
    yield* collect(runs.get({ id: "run_x" }, { ...once, attemptTimeout: "10 millis" }))
    yield* fault({ kind: "slow", delayMs: slowMs })
    yield* collect(runs.get({ id: "run_x" }, { ...once, deadline: "10 millis" }))
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

describe("a key echoed in response headers", () => {
  for (const [name, http] of clients) {
    it.scopedLive(`${name}: reaches no span, log or error, whatever the header's name`, () =>
      Effect.gen(function*() {
        let calls = 0
        const api = yield* tinyServer((request, response) => {
          calls++
          const echoed = request.headers["x-airplane-api-key"] as string
          response.writeHead(calls === 1 ? 503 : 200, {
            "content-type": "application/json",
            "x-debug": `key=${echoed}; region=eu`,
            "x-echo-api-key": echoed,
            "x-request-id": `req_${echoed}`,
            "x-plain": "kept"
          })
          response.end(JSON.stringify(calls === 1 ? { error: `bad ${echoed}` } : { id: "run_1", status: "Succeeded" }))
        })
        const { spans, tracer } = recordingTracer()
        const { layer: logger, lines } = capturingLogger()
        const runs = yield* Runs.make({
          apiKey: key,
          host: api.url,
          retry: RetryPolicy.make({ initialDelay: "1 millis" })
        })
        const run = yield* runs.get({ id: "run_1" }).pipe(
          Effect.withTracer(tracer),
          Logger.withMinimumLogLevel(LogLevel.Debug),
          Effect.provide(logger)
        )
        assert.strictEqual(run.id, "run_1")

        const httpSpans = spans.filter((span) => span.kind === "client" && span.name.startsWith("http.client"))
        assert.strictEqual(httpSpans.length, 2, "one http.client span per attempt, not two")
        for (const span of httpSpans) {
          assert.strictEqual(span.attributes.get("http.response.header.x-plain"), "kept")
          assert.include(String(span.attributes.get("http.response.header.x-debug")), "region=eu")
          for (const [attribute, value] of span.attributes) {
            assert.isFalse(echoLeaks(`${attribute}=${String(value)}`), `${span.name} ${attribute}`)
          }
        }
        for (const span of spans) {
          for (const [attribute, value] of span.attributes) assert.isFalse(echoLeaks(String(value)), attribute)
        }
        // The trace context still reaches the API, from the span that lists the headers.
        assert.match(String(api.received[0].headers["traceparent"]), /^00-/)
        assert.isNotEmpty(lines, "the retry was logged")
        for (const line of lines) assert.isFalse(echoLeaks(line), line)

        // An error built from such an answer holds no key either.
        calls = 0
        const error = yield* Effect.flip(runs.get({ id: "run_1" }, { retry: RetryPolicy.none }))
        assert.strictEqual(error._tag, "ServerError")
        for (const shown of [JSON.stringify(error), inspect(error, { depth: 10 }), error.message]) {
          assert.isFalse(echoLeaks(shown), shown)
        }
      }).pipe(Effect.provide(http)))
  }
})
