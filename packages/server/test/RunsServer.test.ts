import { Run, RunsApi } from "@airplane-runs/contract"
import { RunsServer, RunStore } from "@airplane-runs/server"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Schema, Scope, TestClock, Tracer } from "effect"
import { afterAll, beforeAll, beforeEach } from "vitest"
import { admin, get, json, post, refused, send } from "./utils/http.js"

// One server for the Promise-API tests of this file, on a manual clock so that run statuses
// and idempotency expiry move only when a test says so.
let server: RunsServer.RunningServer

beforeAll(async () => {
  server = await RunsServer.start({ clock: "manual" })
})

afterAll(async () => {
  await server.stop()
})

beforeEach(() => {
  server.faults.clear()
  server.requestLog.clear()
})

/** The newest seeded run whose status is one of `wanted`. */
const seededRun = (...wanted: ReadonlyArray<string>) => {
  const run = server.store.all().find((r) => wanted.includes(r.status!))
  if (run === undefined) throw new Error(`no seeded run is ${wanted.join(" or ")}`)
  return run
}

const execute = async (body: unknown, headers: Record<string, string> = {}) => {
  const answer = await post(server, "/tasks/execute", body, { headers })
  assert.strictEqual(answer.status, 200, answer.text)
  return json(answer).runID as string
}

describe("RunsServer.start", () => {
  it("listens on a free loopback port and says where", () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.notStrictEqual(server.port, 0)
    assert.strictEqual(server.url, `http://127.0.0.1:${server.port}`)
    assert.strictEqual(server.apiUrl, `${server.url}/v0`)
    assert.strictEqual(server.apiKey, RunsServer.defaultApiKey)
    assert.strictEqual(typeof server.advance, "function")
  })

  it("rejects options with an invalid fault spec", async () => {
    let failure: unknown
    await RunsServer.start({ faults: [{ kind: "explode" as "status" }] }).catch((error) => {
      failure = error
    })
    assert.isDefined(failure)
    assert.include(String(failure), "kind")
  })
})

describe("GET /v0/runs/get", () => {
  it("answers the run object, flat, as JSON", async () => {
    const run = seededRun("Succeeded")
    const answer = await get(server, `/runs/get?id=${run.id}`)
    assert.strictEqual(answer.status, 200)
    assert.match(answer.headers.get("content-type")!, /^application\/json/)
    const body = json(answer)
    assert.strictEqual(body.id, run.id)
    assert.strictEqual(body.status, "Succeeded")
    assert.strictEqual(body.taskID, run.taskID)
    assert.strictEqual(body.teamID, RunStore.teamId)
    assert.strictEqual(body.createdBy, RunStore.userId)
    const written = Schema.decodeUnknownSync(Run.Run)(body)
    assert.deepStrictEqual(written.createdAt, run.createdAt)
    assert.deepStrictEqual(written.succeededAt, run.succeededAt)
    assert.isNull(body.failedAt)
    assert.isNull(body.cancelledAt)
    for (
      const field of [
        "sessionID",
        "activeAt",
        "cancelledBy",
        "isPrivate",
        "paramValues",
        "params",
        "permissions",
        "resources",
        "constraints",
        "runtime",
        "timeout",
        "zoneID"
      ]
    ) {
      assert.property(body, field)
    }
    assert.notProperty(body, "_tag")
  })

  it("answers 404 run_not_found for an unknown id", async () => {
    const answer = await get(server, "/runs/get?id=run20200101znothere00")
    assert.strictEqual(answer.status, 404)
    assert.deepStrictEqual(json(answer), { error: "run run20200101znothere00 not found", code: "run_not_found" })
  })

  it("answers 400 with the API's error body when id is missing or empty", async () => {
    for (const path of ["/runs/get", "/runs/get?id=", "/runs/getOutputs"]) {
      const answer = await get(server, path)
      assert.strictEqual(answer.status, 400, path)
      const body = json(answer)
      assert.isString(body.error, path)
      assert.include(body.error, "id", path)
      assert.deepStrictEqual(Object.keys(body).filter((k) => k !== "error" && k !== "code"), [], path)
    }
  })
})

describe("GET /v0/runs/getOutputs", () => {
  it("answers {output} for a finished run and 404 for an unknown one", async () => {
    const run = seededRun("Succeeded", "Failed")
    const answer = await get(server, `/runs/getOutputs?id=${run.id}`)
    assert.strictEqual(answer.status, 200)
    const body = json(answer)
    assert.deepStrictEqual(Object.keys(body), ["output"])
    assert.deepStrictEqual(body.output, server.store.outputs(run.id!))

    const missing = await get(server, "/runs/getOutputs?id=run20200101znothere00")
    assert.strictEqual(missing.status, 404)
    assert.strictEqual(json(missing).code, "run_not_found")
  })
})

describe("GET /v0/runs/list", () => {
  it("answers {runs} with the first page of 50, newest first", async () => {
    const answer = await get(server, "/runs/list")
    assert.strictEqual(answer.status, 200)
    const runs: Array<any> = json(answer).runs
    assert.strictEqual(runs.length, 50)
    const times = runs.map((run) => Date.parse(run.createdAt))
    assert.deepStrictEqual(times, [...times].sort((a, b) => b - a))
    assert.deepStrictEqual(runs.map((run) => run.id), server.store.list({}).map((run) => run.id))
  })

  it("answers 400 for a limit over 50, a negative page, bad dates and since after until", async () => {
    for (
      const query of [
        "limit=51",
        "limit=-1",
        "limit=ten",
        "page=-1",
        "page=1.5",
        "since=yesterday",
        "since=2025-12-02T00:00:00Z&until=2025-12-01T00:00:00Z"
      ]
    ) {
      const answer = await get(server, `/runs/list?${query}`)
      assert.strictEqual(answer.status, 400, query)
      assert.isString(json(answer).error, query)
    }
  })
})

describe("POST /v0/tasks/execute and /v0/runs/cancel", () => {
  it("starts a run by slug or by id, with its params and resources", async () => {
    const task = server.store.tasks[1]!
    const bySlug = await execute({ slug: task.slug, paramValues: { n: 1, name: "x" }, resources: { db: "res1" } })
    const byId = await execute({ id: task.id })
    assert.notStrictEqual(bySlug, byId)
    const run = json(await get(server, `/runs/get?id=${bySlug}`))
    assert.strictEqual(run.taskID, task.id)
    assert.strictEqual(run.status, "NotStarted")
    assert.deepStrictEqual(run.paramValues, { n: 1, name: "x" })
    assert.deepStrictEqual(run.resources, { db: "res1" })
    assert.strictEqual(json(await get(server, `/runs/get?id=${byId}`)).taskID, task.id)
  })

  it("answers 404 task_not_found for a task that does not exist, by slug or by id", async () => {
    const size = server.store.size()
    const task = server.store.tasks[0]!
    for (
      const [body, named] of [
        [{ slug: "no_such_task" }, "no_such_task"],
        [{ id: "tsk20200101znothere00" }, "tsk20200101znothere00"],
        [{ id: "tsk20200101znothere00", slug: task.slug }, "tsk20200101znothere00"]
      ] as const
    ) {
      const answer = await post(server, "/tasks/execute", body)
      assert.strictEqual(answer.status, 404, JSON.stringify(body))
      assert.deepStrictEqual(json(answer), { error: `task ${named} not found`, code: "task_not_found" })
    }
    assert.strictEqual(server.store.size(), size)
  })

  it("answers 400 task_mismatch, naming both, for an id and a slug of different tasks", async () => {
    const size = server.store.size()
    const [a, b] = server.store.tasks
    const mismatch = await post(server, "/tasks/execute", { id: a!.id, slug: b!.slug })
    assert.strictEqual(mismatch.status, 400)
    assert.deepStrictEqual(json(mismatch), {
      error: `the id and the slug name different tasks: ${a!.id} is ${a!.slug}, the slug ${b!.slug} is task ${
        b!.id
      }; send one`,
      code: "task_mismatch"
    })
    // an id that exists with a slug that names no task: the id's task is there, so not a 404
    const unknownSlug = await post(server, "/tasks/execute", { id: a!.id, slug: "no_such_task" })
    assert.strictEqual(unknownSlug.status, 400)
    assert.strictEqual(json(unknownSlug).code, "task_mismatch")
    assert.include(json(unknownSlug).error, `${a!.id} is ${a!.slug}, no task has the slug no_such_task`)
    assert.strictEqual(server.store.size(), size)
  })

  it("answers 400 for a body that is not JSON or does not fit", async () => {
    const notJson = await post(server, "/tasks/execute", "{\"slug\": ")
    assert.strictEqual(notJson.status, 400)
    assert.deepStrictEqual(json(notJson), { error: "Invalid body", code: "invalid_body" })
    for (
      const [path, body] of [["/tasks/execute", {}], ["/runs/cancel", {}], ["/runs/cancel", { id: "run1" }]] as const
    ) {
      const answer = await post(server, path, body)
      assert.strictEqual(answer.status, 400, `${path} ${JSON.stringify(body)}`)
      assert.isString(json(answer).error)
    }
  })

  it("cancels a run that has not finished, and refuses a finished or unknown one", async () => {
    const runID = await execute({ slug: "hello_world" })
    const cancel = await post(server, "/runs/cancel", { runID })
    assert.strictEqual(cancel.status, 200)
    assert.deepStrictEqual(json(cancel), {})
    const run = json(await get(server, `/runs/get?id=${runID}`))
    assert.strictEqual(run.status, "Cancelled")
    assert.strictEqual(run.cancelledBy, RunStore.userId)
    assert.strictEqual(run.cancelledAt, new Date(server.store.now()).toISOString())

    const again = await post(server, "/runs/cancel", { runID })
    assert.strictEqual(again.status, 400)
    assert.strictEqual(json(again).code, "run_terminal")
    assert.include(json(again).error, "Cancelled")

    const unknown = await post(server, "/runs/cancel", { runID: "run20200101znothere00" })
    assert.strictEqual(unknown.status, 404)
    assert.strictEqual(json(unknown).code, "run_not_found")
  })
})

describe("authentication", () => {
  const requests = [
    () => ["GET", "/runs/get?id=x"] as const,
    () => ["GET", "/runs/getOutputs?id=x"] as const,
    () => ["GET", "/runs/list"] as const,
    () => ["POST", "/runs/cancel"] as const,
    () => ["POST", "/tasks/execute"] as const
  ]

  const call = (method: string, path: string, key: string | null) =>
    method === "GET"
      ? get(server, path, { key })
      : post(server, path, path === "/runs/cancel" ? { runID: "x" } : { slug: "hello_world" }, { key })

  it("answers 401 missing_api_key on every endpoint when the key is missing", async () => {
    for (const request of requests) {
      const [method, path] = request()
      const answer = await call(method, path, null)
      assert.strictEqual(answer.status, 401, path)
      assert.deepStrictEqual(json(answer), {
        error: "missing API key: send it in the X-Airplane-API-Key header",
        code: "missing_api_key"
      })
    }
  })

  it("answers 401 invalid_api_key on every endpoint for a wrong key, and changes nothing", async () => {
    const size = server.store.size()
    for (const request of requests) {
      const [method, path] = request()
      const answer = await call(method, path, "tkn_wrong")
      assert.strictEqual(answer.status, 401, path)
      assert.deepStrictEqual(json(answer), { error: "invalid API key", code: "invalid_api_key" })
    }
    assert.strictEqual(server.store.size(), size)
  })

  it("reads the key header case-insensitively", async () => {
    const answer = await send(`${server.apiUrl}/runs/list?limit=1`, {
      headers: { "X-AIRPLANE-API-KEY": server.apiKey }
    })
    assert.strictEqual(answer.status, 200)
  })
})

describe("errors", () => {
  it("answers 404 route_not_found as JSON for an unknown endpoint under /v0", async () => {
    const answer = await get(server, "/runs/nothing")
    assert.strictEqual(answer.status, 404)
    assert.match(answer.headers.get("content-type")!, /^application\/json/)
    assert.deepStrictEqual(json(answer), { error: "no such endpoint: GET /v0/runs/nothing", code: "route_not_found" })
  })

  it("answers 404 for a path outside the API and the admin routes", async () => {
    const answer = await send(`${server.url}/v1/runs/get?id=x`)
    assert.strictEqual(answer.status, 404)
  })
})

describe("admin routes", () => {
  it("GET and DELETE /_admin/requests read and clear the request log, with no API key", async () => {
    await get(server, "/runs/list?limit=1")
    const answer = await admin(server, "/_admin/requests")
    assert.strictEqual(answer.status, 200)
    const requests: Array<any> = json(answer).requests
    assert.strictEqual(requests.length, 1)
    assert.strictEqual(requests[0].path, "/v0/runs/list")
    assert.strictEqual(requests[0].status, 200)

    const cleared = await admin(server, "/_admin/requests", { method: "DELETE" })
    assert.strictEqual(cleared.status, 204)
    assert.deepStrictEqual(json(await admin(server, "/_admin/requests")), { requests: [] })
    assert.deepStrictEqual(server.requestLog.entries(), [])
  })

  it("GET, POST and DELETE /_admin/faults script the faults", async () => {
    const one = await admin(server, "/_admin/faults", {
      method: "POST",
      body: { route: "runs/get", kind: "status", status: 500, times: 1 }
    })
    assert.strictEqual(one.status, 201)
    const added = json(one).faults
    assert.strictEqual(added.length, 1)
    assert.include(added[0], { route: "runs/get", kind: "status", status: 500, times: 1, hits: 0 })
    assert.isNumber(added[0].id)

    const many = await admin(server, "/_admin/faults", {
      method: "POST",
      body: [{ kind: "empty" }, { route: "runs/list", kind: "slow", delayMs: 1 }]
    })
    assert.strictEqual(many.status, 201)
    assert.deepStrictEqual(json(many).faults.map((f: any) => f.route), ["*", "runs/list"])

    const listed = json(await admin(server, "/_admin/faults")).faults
    assert.deepStrictEqual(listed.map((f: any) => f.kind), ["status", "empty", "slow"])
    assert.deepStrictEqual(server.faults.list().map((f) => f.kind), ["status", "empty", "slow"])

    const cleared = await admin(server, "/_admin/faults", { method: "DELETE" })
    assert.strictEqual(cleared.status, 204)
    assert.deepStrictEqual(json(await admin(server, "/_admin/faults")), { faults: [] })
  })

  it("POST /_admin/faults answers 400 for a body that is not JSON or not a fault", async () => {
    for (
      const body of ["{not json", { kind: "explode" }, { kind: "status", status: 99 }, { kind: "slow", route: "x" }]
    ) {
      const answer = await admin(server, "/_admin/faults", { method: "POST", body })
      assert.strictEqual(answer.status, 400, JSON.stringify(body))
      assert.isString(json(answer).error)
    }
    assert.deepStrictEqual(server.faults.list(), [])
  })

  it("POST /_admin/clock/advance moves the manual clock, and with it the runs", async () => {
    const runID = await execute({ slug: "hello_world" })
    const before = server.store.now()
    const answer = await admin(server, "/_admin/clock/advance", { method: "POST", body: { ms: 60_000 } })
    assert.strictEqual(answer.status, 200)
    assert.deepStrictEqual(json(answer), { now: new Date(before + 60_000).toISOString() })
    assert.strictEqual(server.store.now(), before + 60_000)
    assert.strictEqual(json(await get(server, `/runs/get?id=${runID}`)).status, "Succeeded")

    for (const body of [{ ms: -1 }, {}, "nope"]) {
      const bad = await admin(server, "/_admin/clock/advance", { method: "POST", body })
      assert.strictEqual(bad.status, 400, JSON.stringify(body))
    }
    assert.strictEqual(server.store.now(), before + 60_000)
  })
})

describe("documentation", () => {
  it("serves the OpenAPI document of the contract at /openapi.json", async () => {
    const answer = await send(`${server.url}/openapi.json`)
    assert.strictEqual(answer.status, 200)
    const doc = json(answer)
    assert.deepStrictEqual(doc, JSON.parse(JSON.stringify(RunsApi.openApi())))
    assert.includeMembers(Object.keys(doc.paths), [
      "/v0/runs/get",
      "/v0/runs/getOutputs",
      "/v0/runs/list",
      "/v0/runs/cancel",
      "/v0/tasks/execute"
    ])
    assert.deepInclude(doc.components.securitySchemes.ApiKeyAuth, {
      type: "apiKey",
      name: "X-Airplane-API-Key",
      in: "header"
    })
  })

  it("serves Swagger UI at /docs", async () => {
    const answer = await send(`${server.url}/docs`)
    assert.strictEqual(answer.status, 200)
    assert.match(answer.headers.get("content-type")!, /^text\/html/)
    assert.include(answer.text, "swagger-ui")
    assert.include(answer.text, "Airplane Runs API")
  })
})

describe("RunsServer.layer", () => {
  it.effect("is reachable inside the layer's scope and closed after it", () =>
    Effect.gen(function*() {
      const inside = yield* Effect.gen(function*() {
        const running = yield* RunsServer.RunsServer
        const answer = yield* Effect.promise(() => get(running, "/runs/list?limit=2"))
        assert.strictEqual(answer.status, 200)
        assert.strictEqual(json(answer).runs.length, 2)
        return running.url
      }).pipe(Effect.provide(RunsServer.layer({ seed: { runs: 10 } })))
      assert.isTrue(yield* Effect.promise(() => refused(`${inside}/v0/runs/list`)))
    }))

  it.scoped("closes when its scope is closed", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(RunsServer.layer({ seed: { runs: 3 } }), scope)
      const running = Context.get(context, RunsServer.RunsServer)
      assert.strictEqual(running.store.size(), 3)
      assert.strictEqual(json(yield* Effect.promise(() => get(running, "/runs/list"))).runs.length, 3)
      yield* Scope.close(scope, Exit.void)
      assert.isTrue(yield* Effect.promise(() => refused(`${running.apiUrl}/runs/list`)))
    }))

  it.effect("accepts the configured API keys only", () =>
    Effect.gen(function*() {
      const running = yield* RunsServer.RunsServer
      assert.strictEqual(running.apiKey, "tkn_first")
      const status = (key: string) =>
        Effect.promise(() => get(running, "/runs/list?limit=1", { key })).pipe(Effect.map((a) => a.status))
      assert.strictEqual(yield* status("tkn_first"), 200)
      assert.strictEqual(yield* status("tkn_second"), 200)
      assert.strictEqual(yield* status(RunsServer.defaultApiKey), 401)
    }).pipe(Effect.provide(RunsServer.layer({ apiKeys: ["tkn_first", "tkn_second"] }))))

  it.effect("runs the lifecycle on the TestClock of the context by default", () =>
    Effect.gen(function*() {
      const running = yield* RunsServer.RunsServer
      assert.isUndefined(running.advance)
      const status = (id: string) =>
        Effect.promise(() => get(running, `/runs/get?id=${id}`)).pipe(Effect.map((a) => json(a).status))
      const answer = yield* Effect.promise(() => post(running, "/tasks/execute", { slug: "hello_world" }))
      const runID: string = json(answer).runID
      assert.strictEqual(yield* status(runID), "NotStarted")
      yield* TestClock.adjust("50 millis")
      assert.strictEqual(yield* status(runID), "Queued")
      yield* TestClock.adjust("100 millis")
      assert.strictEqual(yield* status(runID), "Active")
      yield* TestClock.adjust("500 millis")
      assert.strictEqual(yield* status(runID), "Succeeded")
      // no manual clock to move
      const advance = yield* Effect.promise(() =>
        admin(running, "/_admin/clock/advance", { method: "POST", body: { ms: 1 } })
      )
      assert.strictEqual(advance.status, 409)
    }).pipe(Effect.provide(RunsServer.layer({ seed: { runs: 5 } }))))

  it.live("redacts the API key in its own spans, as it redacts authorization", () => {
    const spans: Array<Tracer.Span> = []
    const recording = Layer.unwrapEffect(Effect.map(Effect.tracer, (base) =>
      Layer.setTracer(Tracer.make({
        span: (...args) => {
          const span = base.span(...args)
          spans.push(span)
          return span
        },
        context: base.context
      }))))
    return Effect.gen(function*() {
      const running = yield* RunsServer.RunsServer
      const answer = yield* Effect.promise(() => get(running, "/runs/list?limit=1", { key: "tkn_traced_secret" }))
      assert.strictEqual(answer.status, 200)
      const served = spans.filter((span) => span.name.startsWith("http.server"))
      assert.isNotEmpty(served)
      const attributes = served.flatMap((
        span
      ) => [...(span as unknown as Tracer.Span & { attributes: Map<string, unknown> }).attributes])
      assert.deepInclude(attributes, ["http.request.header.x-airplane-api-key", "<redacted>"])
      assert.notInclude(JSON.stringify(attributes), "tkn_traced_secret")
    }).pipe(Effect.provide(RunsServer.layer({ apiKeys: ["tkn_traced_secret"] }).pipe(Layer.provide(recording))))
  })

  it.effect("fails with a ServeError when the port is taken", () =>
    Effect.gen(function*() {
      const running = yield* RunsServer.RunsServer
      const exit = yield* Effect.exit(
        Effect.provide(RunsServer.RunsServer, RunsServer.layer({ port: running.port, seed: { runs: 1 } }))
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) assert.include(String(exit.cause), "ServeError")
      // and the first one still answers
      assert.strictEqual((yield* Effect.promise(() => get(running, "/runs/list?limit=1"))).status, 200)
    }).pipe(Effect.provide(RunsServer.layer({ seed: { runs: 1 } }))))
})
