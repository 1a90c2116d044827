/**
 * The client over real HTTP to the embedded server: each operation's success path over fetch,
 * what it sends and what it answers, then the same calls over undici.
 */
import { RetryPolicy, Runs } from "@airplane-runs/core"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, layer } from "@effect/vitest"
import { Chunk, ConfigProvider, Effect, Schedule, Stream } from "effect"
import { expectTag } from "./utils/errors.js"
import { allRuns, fresh, quickly, requests, seededRun, slowAnswersLanded, slowMs, testLayer } from "./utils/server.js"
import { paths, uuid } from "./utils/wire.js"

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
