/**
 * RFC 9110 §10.2.3 over real HTTP: no request is sent before the server's `Retry-After`,
 * whatever the policy; an ask longer than the policy's cap, or than the deadline leaves, ends
 * the call at once with the error that asked. And the error that ends a call says how hard it
 * tried.
 */
import { RetryPolicy, Runs, RunsError } from "@airplane-runs/core"
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it, layer } from "@effect/vitest"
import { Chunk, Clock, Effect, Fiber, Logger, LogLevel, Option, Random, Schedule, TestClock, TestContext } from "effect"
import { createServer } from "node:net"
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

const expectTag = <T extends RunsError.RunsError["_tag"]>(error: RunsError.RunsError, tag: T) => {
  assert.strictEqual(error._tag, tag, error.message)
  return error as Extract<RunsError.RunsError, { readonly _tag: T }>
}

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
