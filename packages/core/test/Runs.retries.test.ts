/**
 * Retries over real HTTP: which failures are retried and how often, one Idempotency-Key for
 * every attempt of a call, a retry logged at Debug, and an interrupted wait sending nothing.
 * Then RFC 9110 §10.2.3: no request is sent before the server's `Retry-After`, whatever the
 * policy; an ask longer than the policy's cap, or than the deadline leaves, ends the call at
 * once with the error that asked. And the error that ends a call says how hard it tried.
 */
import { RetryPolicy, Runs, type RunsError } from "@airplane-runs/core"
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it, layer } from "@effect/vitest"
import {
  Chunk,
  Clock,
  Effect,
  Exit,
  Fiber,
  Logger,
  LogLevel,
  Option,
  Random,
  Schedule,
  TestClock,
  TestContext
} from "effect"
import { createServer } from "node:net"
import { expectTag } from "./utils/errors.js"
import {
  capturingLogger,
  fastRetry,
  fresh,
  realSleep,
  requests,
  seededRun,
  testLayer,
  waitFor
} from "./utils/server.js"
import { uuid } from "./utils/wire.js"

layer(testLayer(), { excludeTestServices: true })("Runs over fetch", (it) => {
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
})

layer(testLayer(), { excludeTestServices: true })("Retry-After over HTTP", (it) => {
  it.effect("an ask longer than maxRetryAfter fails at once with RateLimited and retryAfterMs", () =>
    Effect.gen(function*() {
      const server = yield* fresh
      const runs = yield* Runs.Runs
      server.faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "3600" })
      const error = expectTag(yield* Effect.flip(runs.get({ id: seededRun(server, "Succeeded").id! })), "RateLimited")
      assert.strictEqual(error.retryAfterMs, 3_600_000)
      assert.strictEqual(error.attempts, 1)
      assert.include(error.message, "asked to wait 3600 s")
      assert.strictEqual((yield* requests).length, 1)
    }))

  it.effect("a 503 asking longer than the facade-style cap fails at once with ServerError", () =>
    Effect.gen(function*() {
      const server = yield* fresh
      const runs = yield* Runs.Runs
      server.faults.add({ route: "runs/list", kind: "status", status: 503, retryAfter: "120" })
      const error = expectTag(
        yield* Effect.flip(runs.listPage({}, { retry: RetryPolicy.make({ maxRetryAfter: "1 minute" }) })),
        "ServerError"
      )
      assert.strictEqual(error.retryAfterMs, 120_000)
      assert.strictEqual((yield* requests).length, 1)
    }))

  it.effect("an ask longer than what is left of the deadline fails at once, not with a Timeout later", () =>
    Effect.gen(function*() {
      const server = yield* fresh
      const runs = yield* Runs.Runs
      server.faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "2" })
      const fiber = yield* Effect.fork(
        Effect.flip(runs.get({ id: seededRun(server, "Succeeded").id! }, { deadline: "1 second" }))
      )
      // The TestClock never moves: a call that sat out the deadline (or the wait) would never end.
      yield* waitFor("the call to end on its own", Effect.map(Fiber.poll(fiber), Option.isSome))
      const error = expectTag(yield* Fiber.join(fiber), "RateLimited")
      assert.strictEqual(error.retryAfterMs, 2_000)
      assert.strictEqual((yield* requests).length, 1)
    }).pipe(Effect.provide(TestContext.TestContext)))

  it.effect("a policy that ignores Retry-After still sends nothing before it", () =>
    Effect.gen(function*() {
      const server = yield* fresh
      const runs = yield* Runs.Runs
      const id = seededRun(server, "Succeeded").id!
      server.faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "5", times: 1 })
      // Retries at once, as far as the policy is concerned.
      const eager = Schedule.recurs(3)
      const start = yield* Clock.currentTimeMillis
      const fiber = yield* Effect.fork(runs.get({ id }, { retry: eager }))
      yield* waitFor(
        "the Retry-After wait",
        Effect.map(TestClock.sleeps(), Chunk.some((at) => at === start + 5_000))
      )
      yield* TestClock.adjust("4999 millis")
      yield* realSleep(50)
      assert.strictEqual((yield* requests).length, 1)
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* Fiber.join(fiber)).id, id)
      assert.deepStrictEqual((yield* requests).map((entry) => entry.status), [429, 200])
    }).pipe(Effect.provide(TestContext.TestContext)))

  it.effect("the retry's log line shows the wait as decided, never less than the Retry-After", () =>
    Effect.gen(function*() {
      const server = yield* fresh
      const runs = yield* Runs.Runs
      server.faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "1", times: 1 })
      const { layer: logger, lines } = capturingLogger()
      yield* runs.get({ id: seededRun(server, "Succeeded").id! }).pipe(
        Logger.withMinimumLogLevel(LogLevel.Debug),
        Effect.provide(logger),
        // No jitter, so the wait decided is the Retry-After to the millisecond.
        Effect.withRandom(Random.fixed([0]))
      )
      assert.include(lines[0], "retrying in 1000 ms")
      assert.strictEqual(JSON.parse(lines[1]).annotations["airplane.retry_in_ms"], 1_000)
    }))

  it.effect("a deadline's Timeout says how many attempts it made", () =>
    Effect.gen(function*() {
      const server = yield* fresh
      const runs = yield* Runs.Runs
      // A 503 at once, then an answer that takes longer than the deadline leaves.
      server.faults.add({ route: "runs/get", kind: "status", status: 503, times: 1 })
      server.faults.add({ route: "runs/get", kind: "slow", delayMs: 600, times: 1 })
      const error = expectTag(yield* Effect.flip(runs.get({ id: "run_x" }, { deadline: "300 millis" })), "Timeout")
      assert.strictEqual(error.scope, "deadline")
      assert.strictEqual(error.attempts, 2)
      assert.include(error.message, "after 2 attempts")
      // The slow answer lands (or not) before the next test reads the log.
      yield* realSleep(400)
    }))
})

/** A loopback port nothing listens on: taken, then let go. */
const closedPort = Effect.async<number>((resume) => {
  const probe = createServer()
  probe.listen(0, "127.0.0.1", () => {
    const port = (probe.address() as { port: number }).port
    probe.close(() => resume(Effect.succeed(port)))
  })
})

describe("a refused connection", () => {
  it.live("says how many attempts were made over how long", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      const runs = yield* Runs.make({ apiKey: "tkn_x", host: `http://127.0.0.1:${port}`, retry: fastRetry })
      const error = expectTag(yield* Effect.flip(runs.get({ id: "run_1" })), "TransportError")
      assert.strictEqual(error.attempts, 5)
      assert.isAtLeast(error.elapsedMs!, 0)
      assert.match(error.message, /failed on the wire after 5 attempts over \d+(\.\d)? s: /)
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
