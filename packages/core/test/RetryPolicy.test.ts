import { assert, describe, it } from "@effect/vitest"
import { Chunk, Clock, Duration, Effect, Exit, Fiber, Random, Schedule, TestClock } from "effect"
import * as RetryPolicy from "../src/RetryPolicy.js"
import * as RunsError from "../src/RunsError.js"

const http = { error: "x", method: "GET", path: "/v0/runs/get" } as const

const serverError = (status = 503, extra: { retryAfterMs?: number; retryable?: boolean } = {}) =>
  new RunsError.ServerError({ status, ...http, ...extra })
const rateLimited = (retryAfterMs?: number) =>
  new RunsError.RateLimited({ status: 429, ...http, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })

/**
 * Runs an effect that fails with `errorOf(attempt)` (1-based) until `errorOf` answers
 * `undefined`, retried by `policy`, and moves the TestClock far enough for every wait. Answers
 * when each attempt started, on the TestClock, and how the whole ended.
 */
const drive = (
  policy: RetryPolicy.RetryPolicy,
  errorOf: (attempt: number) => RunsError.RunsError | undefined,
  options: { readonly seed?: number } = {}
) =>
  Effect.gen(function*() {
    const starts: Array<number> = []
    const attempt = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      starts.push(now)
      const error = errorOf(starts.length)
      return error === undefined ? Effect.succeed("ok" as const) : Effect.fail(error)
    })
    const retried = Effect.retry(attempt, policy)
    const fiber = yield* Effect.fork(
      options.seed === undefined ? retried : Effect.withRandom(retried, Random.make(options.seed))
    )
    yield* TestClock.adjust("1 hour")
    const exit = yield* Fiber.await(fiber)
    // On the TestClock, from the first attempt: a test may drive several policies in turn.
    const relative = starts.map((start) => start - starts[0])
    return { starts: relative, exit, waits: relative.slice(1).map((start, i) => start - relative[i]) }
  })

const always = (error: RunsError.RunsError) => () => error

/** The delays the policy picks for a list of failures, without waiting. */
const delays = (policy: RetryPolicy.RetryPolicy, errors: ReadonlyArray<RunsError.RunsError>, seed: number) =>
  Schedule.run(Schedule.delays(policy), 0, errors).pipe(
    Effect.map((out) => Chunk.toArray(out).map(Duration.toMillis)),
    Effect.withRandom(Random.make(seed))
  )

describe("RetryPolicy.isRetryable", () => {
  const fields = (status: number) => ({ status, ...http })
  const table: ReadonlyArray<[string, RunsError.RunsError, boolean]> = [
    ["InvalidRequest", new RunsError.InvalidRequest({ operation: "get", issues: ["id: empty"] }), false],
    ["BadRequest 400", new RunsError.BadRequest(fields(400)), false],
    ["BadRequest 418", new RunsError.BadRequest(fields(418)), false],
    ["Unauthorized 401", new RunsError.Unauthorized(fields(401)), false],
    ["Forbidden 403", new RunsError.Forbidden(fields(403)), false],
    ["NotFound 404", new RunsError.NotFound(fields(404)), false],
    ["Conflict 409", new RunsError.Conflict(fields(409)), false],
    ["Conflict 423", new RunsError.Conflict(fields(423)), false],
    ["RateLimited 429", new RunsError.RateLimited(fields(429)), true],
    ["ServerError 500", new RunsError.ServerError(fields(500)), true],
    ["ServerError 501", new RunsError.ServerError(fields(501)), false],
    ["ServerError 502", new RunsError.ServerError(fields(502)), true],
    ["ServerError 503", new RunsError.ServerError(fields(503)), true],
    ["ServerError 504", new RunsError.ServerError(fields(504)), true],
    ["ServerError 599", new RunsError.ServerError(fields(599)), true],
    ["TransportError", new RunsError.TransportError({ method: "GET", path: "/v0/runs/get", reason: "reset" }), true],
    [
      "Timeout attempt",
      new RunsError.Timeout({ method: "GET", path: "/v0/runs/get", scope: "attempt", timeoutMs: 10 }),
      true
    ],
    [
      "Timeout deadline",
      new RunsError.Timeout({ method: "GET", path: "/v0/runs/get", scope: "deadline", timeoutMs: 10 }),
      false
    ],
    [
      "InvalidResponse",
      new RunsError.InvalidResponse({ method: "GET", path: "/v0/runs/get", status: 200, reason: "x" }),
      false
    ],
    // X-Airplane-Retryable overrides the status, both ways.
    ["Conflict 409, retryable: true", new RunsError.Conflict({ ...fields(409), retryable: true }), true],
    ["BadRequest 400, retryable: true", new RunsError.BadRequest({ ...fields(400), retryable: true }), true],
    ["ServerError 501, retryable: true", new RunsError.ServerError({ ...fields(501), retryable: true }), true],
    ["ServerError 503, retryable: false", new RunsError.ServerError({ ...fields(503), retryable: false }), false],
    ["RateLimited 429, retryable: false", new RunsError.RateLimited({ ...fields(429), retryable: false }), false]
  ]
  for (const [name, error, expected] of table) {
    it(`${name}: ${expected}`, () => {
      assert.strictEqual(RetryPolicy.isRetryable(error), expected)
    })
  }
})

describe("RetryPolicy.make", () => {
  it.effect("makes at most maxAttempts attempts, then fails with the last error", () =>
    Effect.gen(function*() {
      for (const maxAttempts of [1, 2, 3, 7]) {
        const nth = (n: number) => new RunsError.ServerError({ status: 503, ...http, error: `attempt ${n}` })
        const { exit, starts } = yield* drive(RetryPolicy.make({ maxAttempts, initialDelay: "10 millis" }), nth)
        assert.strictEqual(starts.length, maxAttempts)
        assert.deepStrictEqual(exit, Exit.fail(nth(maxAttempts)))
      }
    }))

  it.effect("the default policy makes five attempts", () =>
    Effect.gen(function*() {
      const { exit, starts } = yield* drive(RetryPolicy.defaultPolicy, always(serverError()))
      assert.strictEqual(starts.length, RetryPolicy.defaults.maxAttempts)
      assert.strictEqual(starts.length, 5)
      assert.isTrue(Exit.isFailure(exit))
    }))

  it.effect("succeeds as soon as an attempt does", () =>
    Effect.gen(function*() {
      const { exit, starts } = yield* drive(
        RetryPolicy.make({ maxAttempts: 5 }),
        (n) => (n < 3 ? serverError() : undefined)
      )
      assert.strictEqual(starts.length, 3)
      assert.deepStrictEqual(exit, Exit.succeed("ok"))
    }))

  it.effect("stops at once on an error that may not pass", () =>
    Effect.gen(function*() {
      const once: ReadonlyArray<RunsError.RunsError> = [
        serverError(501),
        serverError(503, { retryable: false }),
        new RunsError.BadRequest({ status: 400, ...http }),
        new RunsError.Unauthorized({ status: 401, ...http }),
        new RunsError.NotFound({ status: 404, ...http }),
        new RunsError.Conflict({ status: 409, ...http }),
        new RunsError.InvalidRequest({ operation: "list", issues: ["limit"] }),
        new RunsError.InvalidResponse({ method: "GET", path: "/v0/runs/get", status: 200, reason: "not JSON" }),
        new RunsError.Timeout({ method: "GET", path: "/v0/runs/get", scope: "deadline", timeoutMs: 1000 })
      ]
      for (const error of once) {
        const { exit, starts } = yield* drive(RetryPolicy.make({ maxAttempts: 5 }), always(error))
        assert.strictEqual(starts.length, 1, error._tag)
        assert.deepStrictEqual(exit, Exit.fail(error))
      }
    }))

  it.effect("retries what may pass: 409 marked retryable, transport failures, attempt timeouts", () =>
    Effect.gen(function*() {
      const retried: ReadonlyArray<RunsError.RunsError> = [
        new RunsError.Conflict({ status: 409, ...http, retryable: true }),
        new RunsError.TransportError({ method: "GET", path: "/v0/runs/get", reason: "ECONNRESET" }),
        new RunsError.Timeout({ method: "GET", path: "/v0/runs/get", scope: "attempt", timeoutMs: 1000 }),
        rateLimited()
      ]
      for (const error of retried) {
        const { exit, starts } = yield* drive(RetryPolicy.make({ maxAttempts: 3 }), always(error))
        assert.strictEqual(starts.length, 3, error._tag)
        assert.deepStrictEqual(exit, Exit.fail(error))
      }
    }))

  it.effect("stops when a retryable error is followed by one that is not", () =>
    Effect.gen(function*() {
      const { exit, starts } = yield* drive(
        RetryPolicy.make({ maxAttempts: 10 }),
        (n) => (n < 3 ? serverError(503) : serverError(501))
      )
      assert.strictEqual(starts.length, 3)
      assert.deepStrictEqual(exit, Exit.fail(serverError(501)))
    }))

  it.effect("no attempt comes before its backoff could have passed, nor after the capped backoff", () =>
    Effect.gen(function*() {
      const policy = RetryPolicy.make({ maxAttempts: 9, initialDelay: "100 millis", maxDelay: "1 second" })
      for (const seed of [1, 2, 3]) {
        const { starts, waits } = yield* drive(policy, always(serverError()), { seed })
        assert.strictEqual(starts.length, 9)
        waits.forEach((wait, n) => {
          assert.isAtLeast(wait, 0)
          assert.isAtMost(wait, Math.min(1_000, 100 * 2 ** n), `wait ${n}`)
        })
      }
    }))

  it.effect("delays are full jitter over the capped exponential backoff", () =>
    Effect.gen(function*() {
      const policy = RetryPolicy.make({ maxAttempts: 13, initialDelay: "50 millis", maxDelay: "2 seconds" })
      const errors = Array.from({ length: 12 }, () => serverError())
      const all: Array<Array<number>> = []
      for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
        const picked = yield* delays(policy, errors, seed)
        assert.strictEqual(picked.length, 12)
        picked.forEach((delay, n) => {
          const cap = Math.min(2_000, 50 * 2 ** n)
          assert.isAtLeast(delay, 0)
          assert.isBelow(delay, cap, `delay ${n} of seed ${seed}`)
        })
        all.push(picked)
      }
      // The same seed picks the same delays; other seeds pick others.
      assert.deepStrictEqual(yield* delays(policy, errors, 3), all[2])
      assert.notDeepEqual(all[0], all[1])
      // Jitter spreads over the whole range, not only near the cap: across seeds, some capped
      // delays fall in the lower half and some in the upper half.
      const capped = all.flatMap((picked) => picked.slice(6))
      assert.isTrue(capped.some((delay) => delay < 1_000))
      assert.isTrue(capped.some((delay) => delay >= 1_000))
    }))

  it.effect("waits as long as Retry-After asks, instead of the backoff, plus at most a tenth", () =>
    Effect.gen(function*() {
      const policy = RetryPolicy.make({ maxAttempts: 3, initialDelay: "1 millis", maxDelay: "1 millis" })
      const { waits } = yield* drive(policy, always(rateLimited(5_000)))
      assert.strictEqual(waits.length, 2)
      for (const wait of waits) {
        assert.isAtLeast(wait, 5_000)
        assert.isAtMost(wait, 5_500)
      }
      const [first, second] = yield* delays(policy, [rateLimited(5_000), serverError(503, { retryAfterMs: 1_500 })], 1)
      assert.isTrue(first >= 5_000 && first <= 5_500, `${first}`)
      assert.isTrue(second >= 1_500 && second <= 1_650, `${second}`)
      // At most a second on top, however long the ask.
      const [long] = yield* delays(policy, [rateLimited(50_000)], 1)
      assert.isTrue(long >= 50_000 && long <= 51_000, `${long}`)
    }))

  it.effect("a crowd told the same Retry-After does not come back in the same millisecond", () =>
    Effect.gen(function*() {
      const comebacks = new Set<number>()
      for (let seed = 0; seed < 20; seed++) {
        const [delay] = yield* delays(RetryPolicy.make(), [rateLimited(1_000)], seed)
        assert.isTrue(delay >= 1_000 && delay <= 1_100, `${delay}`)
        comebacks.add(delay)
      }
      assert.isAbove(comebacks.size, 10)
    }))

  it.effect("the second attempt waits for Retry-After and not a moment less", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const attempt = Effect.flatMap(Clock.currentTimeMillis, (now) => {
        starts.push(now)
        return Effect.fail(rateLimited(2_000))
      })
      const fiber = yield* Effect.fork(Effect.retry(attempt, RetryPolicy.make({ maxAttempts: 2 })))
      yield* TestClock.adjust("1999 millis")
      assert.strictEqual(starts.length, 1)
      yield* TestClock.adjust("201 millis")
      assert.strictEqual(starts.length, 2)
      assert.isAtLeast(starts[1], 2_000)
      assert.isTrue(Exit.isFailure(yield* Fiber.await(fiber)))
    }))

  it.effect("a Retry-After longer than maxRetryAfter ends the call at once, with the error that asked", () =>
    Effect.gen(function*() {
      const policy = RetryPolicy.make({ maxAttempts: 3, maxRetryAfter: "3 seconds" })
      const error = rateLimited(120_000)
      const { exit, starts } = yield* drive(policy, always(error))
      // No retry before the server's time, and no waiting four minutes to learn it.
      assert.deepStrictEqual(starts, [0])
      assert.deepStrictEqual(exit, Exit.fail(error))
      for (const asked of [rateLimited(3_600_000), serverError(503, { retryAfterMs: 61_000 })]) {
        assert.deepStrictEqual((yield* drive(RetryPolicy.make(), always(asked))).starts, [0])
      }
      // The cap itself is waited out, and a Retry-After of zero retries at once.
      const [atCap] = yield* delays(policy, [rateLimited(3_000)], 1)
      assert.isTrue(atCap >= 3_000 && atCap <= 3_300, `${atCap}`)
      assert.deepStrictEqual(yield* delays(policy, [rateLimited(0)], 1), [0])
    }))

  it.effect("stops retrying once maxElapsed has passed", () =>
    Effect.gen(function*() {
      const unbounded = RetryPolicy.make({ maxAttempts: 100 })
      const bounded = RetryPolicy.make({ maxAttempts: 100, maxElapsed: "1 second" })
      const error = always(rateLimited(300))
      const without = yield* drive(unbounded, error)
      assert.strictEqual(without.starts.length, 100)
      const { exit, starts } = yield* drive(bounded, error)
      assert.isTrue(Exit.isFailure(exit))
      assert.isBelow(starts.length, 100)
      // Each retry was decided before the bound had passed; none was after it.
      for (const start of starts.slice(0, -1)) assert.isBelow(start, 1_000)
      assert.isAtLeast(starts[starts.length - 1], 1_000)
      // A wait of 300 plus its jitter, at most a tenth.
      assert.isAtMost(starts[starts.length - 1], 1_000 + 330)
    }))

  it.effect("RetryPolicy.none never retries", () =>
    Effect.gen(function*() {
      for (const error of [serverError(), rateLimited(1), serverError(409, { retryable: true })]) {
        const { exit, starts } = yield* drive(RetryPolicy.none, always(error))
        assert.strictEqual(starts.length, 1)
        assert.deepStrictEqual(exit, Exit.fail(error))
      }
      const ok = yield* drive(RetryPolicy.none, () => undefined)
      assert.deepStrictEqual(ok.exit, Exit.succeed("ok"))
    }))
})
