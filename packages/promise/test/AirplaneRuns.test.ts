import {
  AirplaneRuns,
  AirplaneRunsError,
  ClientClosedError,
  InvalidRequestError,
  type Run,
  ServerError
} from "@airplane-runs/promise"
import type { RunsServer } from "@airplane-runs/server"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { withEnv } from "./utils/env.js"
import {
  allRunIds,
  apiRequests,
  clientOf,
  fresh,
  rejection,
  seededRun,
  sleep,
  startFrozenServer,
  startServer,
  waitFor
} from "./utils/server.js"

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

let server: RunsServer.RunningServer
let client: AirplaneRuns
// Where seeded runs have not finished: to cancel one, or read the outputs of one.
let frozen: RunsServer.RunningServer
let frozenClient: AirplaneRuns

beforeAll(async () => {
  server = await startServer({ seed: { runs: 300 } })
  client = clientOf(server)
  frozen = await startFrozenServer({ seed: { runs: 300 } })
  frozenClient = clientOf(frozen)
})

afterAll(async () => {
  await client?.close()
  await server?.stop()
  await frozenClient?.close()
  await frozen?.stop()
})

const taskOf = (run: Run) => server.store.tasks.find((task) => task.id === run.taskID)!

describe("runs over HTTP", () => {
  it("get answers the run, with Date fields", async () => {
    fresh(server)
    const expected = seededRun(server, "Succeeded")
    const run = await client.runs.get({ id: expected.id! })
    expect(run.id).toBe(expected.id)
    expect(run.status).toBe("Succeeded")
    expect(run.taskID).toBe(expected.taskID)
    expect(run.createdAt).toBeInstanceOf(Date)
    expect(run.createdAt!.getTime()).toBe(expected.createdAt!.getTime())
    expect(run.succeededAt).toBeInstanceOf(Date)
    expect(run.failedAt).toBeNull()
    expect(run.paramValues).toEqual(expected.paramValues)
    const [request] = apiRequests(server)
    expect(request).toMatchObject({ method: "GET", path: "/v0/runs/get", query: { id: expected.id }, status: 200 })
    expect(request!.headers["x-airplane-api-key"]).toBe("[redacted]")
  })

  it("get URL-encodes the id", async () => {
    fresh(server)
    const error = await rejection(client.runs.get({ id: "run/../x?y=1&z" }))
    expect(error).toBeInstanceOf(AirplaneRunsError)
    expect(apiRequests(server)).toMatchObject([{ path: "/v0/runs/get", query: { id: "run/../x?y=1&z" } }])
  })

  it("getOutputs answers a finished run's outputs, and null for one that has not finished", async () => {
    const done = seededRun(server, "Succeeded")
    expect(await client.runs.getOutputs({ id: done.id! })).toEqual(server.store.outputs(done.id!))
    const queued = seededRun(frozen, "Queued", "NotStarted")
    expect(await frozenClient.runs.getOutputs({ id: queued.id! })).toBeNull()
  })

  it("execute starts a run by slug, and awaitCompletion and awaitOutputs wait for it", async () => {
    fresh(server)
    const task = server.store.tasks[0]!
    const runID = await client.runs.execute({ slug: task.slug, paramValues: { name: "Ada" } })
    expect(runID).toMatch(/^run/)
    const [request] = apiRequests(server)
    expect(request).toMatchObject({ method: "POST", path: "/v0/tasks/execute", status: 200 })
    expect(JSON.parse(request!.body!)).toEqual({ slug: task.slug, paramValues: { name: "Ada" } })

    const run = await client.runs.awaitCompletion({ id: runID }, { pollIntervalMs: 5 })
    expect(run.id).toBe(runID)
    expect(run.status).toBe("Succeeded")
    expect(run.taskID).toBe(task.id)

    const completed = await client.runs.awaitOutputs({ id: runID }, { pollIntervalMs: 5 })
    expect(completed.run.status).toBe("Succeeded")
    expect(completed.output).toEqual({
      task: task.slug,
      paramValues: { name: "Ada" },
      message: `${task.name} finished`
    })
  })

  it("execute starts a run by task id; a failing run completes as Failed", async () => {
    const task = server.store.tasks[1]!
    const runID = await client.runs.execute({ id: task.id, paramValues: { fail: true } })
    const completed = await client.runs.awaitOutputs({ id: runID }, { pollIntervalMs: 5 })
    expect(completed.run.status).toBe("Failed")
    expect(completed.run.taskID).toBe(task.id)
    expect(completed.output).toEqual({ error: `${task.name} failed: paramValues.fail was true` })
  })

  it("cancel cancels a run that has not finished, sending runID", async () => {
    fresh(frozen)
    const active = seededRun(frozen, "Active")
    await expect(frozenClient.runs.cancel({ runID: active.id! })).resolves.toBeUndefined()
    expect((await frozenClient.runs.get({ id: active.id! })).status).toBe("Cancelled")
    const [request] = apiRequests(frozen, "/v0/runs/cancel")
    expect(request).toMatchObject({ method: "POST", status: 200 })
    expect(JSON.parse(request!.body!)).toEqual({ runID: active.id })
  })

  it("list iterates a task's runs, newest first", async () => {
    const task = taskOf(seededRun(server, "Succeeded"))
    const ids: Array<string> = []
    // No prefetch: no request for a page past the last one is left to reach the server during the next test.
    for await (const run of client.runs.list({ taskSlug: task.slug, limit: 20 }, { prefetch: 0 })) {
      expect(run.taskID).toBe(task.id)
      ids.push(run.id!)
    }
    const expected = allRunIds(server).filter((id) => server.store.get(id)!.taskID === task.id)
    expect(expected.length).toBeGreaterThan(20)
    expect(ids).toEqual(expected)
  })
})

describe("construction", () => {
  it("throws InvalidRequestError without an API key, also when AIRPLANE_API_KEY is unset or empty", async () => {
    await withEnv({ AIRPLANE_API_KEY: undefined }, () => {
      expect(() => new AirplaneRuns({ baseUrl: server.url })).toThrow(InvalidRequestError)
      expect(() => new AirplaneRuns({ baseUrl: server.url })).toThrow(/Missing API key/)
      expect(() => new AirplaneRuns({ apiKey: "", baseUrl: server.url })).toThrow(InvalidRequestError)
    })
    await withEnv({ AIRPLANE_API_KEY: "" }, () => {
      expect(() => new AirplaneRuns({ baseUrl: server.url })).toThrow(InvalidRequestError)
    })
  })

  it("refuses plain http to a host that is not loopback, and a header value with a line break", () => {
    let error: unknown
    try {
      new AirplaneRuns({ apiKey: server.apiKey, baseUrl: "http://example.com" })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidRequestError)
    expect((error as Error).message).toMatch(/baseUrl: http:\/\/example\.com is plain http/)
    expect(() => new AirplaneRuns({ apiKey: server.apiKey, baseUrl: server.url, envSlug: "prod\r\nX-Evil: 1" }))
      .toThrow(InvalidRequestError)
    expect(() => new AirplaneRuns({ apiKey: server.apiKey, baseUrl: "not a url" })).toThrow(InvalidRequestError)
  })

  it("takes the key, host and environment from AIRPLANE_API_KEY, AIRPLANE_API_HOST and AIRPLANE_ENV_SLUG", async () => {
    fresh(server)
    const expected = seededRun(server, "Succeeded")
    await withEnv(
      { AIRPLANE_API_KEY: server.apiKey, AIRPLANE_API_HOST: server.url, AIRPLANE_ENV_SLUG: "staging" },
      async () => {
        await using fromEnv = new AirplaneRuns()
        const run = await fromEnv.runs.get({ id: expected.id! })
        expect(run.id).toBe(expected.id)
      }
    )
    const [request] = apiRequests(server)
    expect(request).toMatchObject({ path: "/v0/runs/get", status: 200 })
    expect(request!.headers["x-airplane-env-slug"]).toBe("staging")
  })

  it("options win over the environment; envId is sent as X-Airplane-Env-ID", async () => {
    fresh(server)
    const expected = seededRun(server, "Succeeded")
    await withEnv({ AIRPLANE_API_KEY: "tkn_wrong", AIRPLANE_API_HOST: "https://api.airplane.dev" }, async () => {
      await using explicit = clientOf(server, { envId: "env20220111abc" })
      expect((await explicit.runs.get({ id: expected.id! })).id).toBe(expected.id)
    })
    expect(apiRequests(server)[0]!.headers["x-airplane-env-id"]).toBe("env20220111abc")
  })

  it("sends every request with the fetch it was given", async () => {
    fresh(server)
    const urls: Array<string> = []
    const counting: typeof globalThis.fetch = (input, init) => {
      urls.push(input instanceof Request ? input.url : String(input))
      return globalThis.fetch(input, init)
    }
    await using withFetch = clientOf(server, { fetch: counting })
    const run = seededRun(server, "Succeeded")
    await withFetch.runs.get({ id: run.id! })
    await withFetch.runs.getOutputs({ id: run.id! })
    await withFetch.runs.list({ limit: 5 }).page(0)
    expect(urls).toHaveLength(3)
    expect(apiRequests(server)).toHaveLength(3)
    expect(urls.every((url) => url.startsWith(`${server.url}/v0/runs/`))).toBe(true)
  })
})

describe("retries", () => {
  it("per-call maxRetries 0 gives up on the first 503; the default retries through two", async () => {
    fresh(server)
    const run = seededRun(server, "Succeeded")
    server.faults.add({ route: "runs/get", kind: "status", status: 503, times: 2 })
    const error = await rejection(client.runs.get({ id: run.id! }, { maxRetries: 0 }))
    expect(error).toBeInstanceOf(ServerError)
    expect(apiRequests(server, "/v0/runs/get")).toHaveLength(1)

    fresh(server)
    server.faults.add({ route: "runs/get", kind: "status", status: 503, times: 2 })
    expect((await client.runs.get({ id: run.id! })).id).toBe(run.id)
    expect(apiRequests(server, "/v0/runs/get").map((entry) => entry.status)).toEqual([503, 503, 200])
  })

  it("per-call maxRetries overrides the client's in both directions", async () => {
    fresh(server)
    const run = seededRun(server, "Succeeded")
    await using never = clientOf(server, { maxRetries: 0 })
    server.faults.add({ route: "runs/get", kind: "status", status: 503, times: 2 })
    expect(await rejection(never.runs.get({ id: run.id! }))).toBeInstanceOf(ServerError)
    expect(apiRequests(server, "/v0/runs/get")).toHaveLength(1)
    // One fault left: a call allowed one retry rides through it.
    expect((await never.runs.get({ id: run.id! }, { maxRetries: 1 })).id).toBe(run.id)
    expect(apiRequests(server, "/v0/runs/get").map((entry) => entry.status)).toEqual([503, 503, 200])
  })

  it("maxRetries: 2 makes exactly 3 attempts, set on the client or on the call", async () => {
    const run = seededRun(server, "Succeeded")
    const attempts = () => apiRequests(server).length
    await using twice = clientOf(server, { maxRetries: 2 })
    await using never = clientOf(server, { maxRetries: 0 })
    for (
      const call of [
        () => twice.runs.get({ id: run.id! }),
        () => twice.runs.list().page(0),
        () => client.runs.get({ id: run.id! }, { maxRetries: 2 }),
        // The call's own wins over the client's, either way.
        () => never.runs.get({ id: run.id! }, { maxRetries: 2 })
      ]
    ) {
      fresh(server)
      server.faults.add({ route: "*", kind: "status", status: 503 })
      expect(await rejection(call())).toBeInstanceOf(ServerError)
      expect(attempts()).toBe(3)
    }
    fresh(server)
    server.faults.add({ route: "*", kind: "status", status: 503 })
    expect(await rejection(twice.runs.get({ id: run.id! }, { maxRetries: 1 }))).toBeInstanceOf(ServerError)
    expect(attempts()).toBe(2)
    server.faults.clear()
  })

  it("sends the caller's idempotencyKey on cancel and execute, the same on every attempt", async () => {
    fresh(frozen)
    fresh(server)
    const active = seededRun(frozen, "Active")
    frozen.faults.add({ route: "runs/cancel", kind: "status", status: 503, times: 1 })
    await frozenClient.runs.cancel({ runID: active.id! }, { idempotencyKey: "cancel-key-1" })
    const cancels = apiRequests(frozen, "/v0/runs/cancel")
    expect(cancels.map((entry) => entry.status)).toEqual([503, 200])
    expect(cancels.map((entry) => entry.headers["idempotency-key"])).toEqual(["cancel-key-1", "cancel-key-1"])

    const slug = server.store.tasks[0]!.slug
    const first = await client.runs.execute({ slug }, { idempotencyKey: "execute-key-1" })
    // The server replays the first answer to the same key: the task is started once.
    const again = await client.runs.execute({ slug }, { idempotencyKey: "execute-key-1" })
    expect(again).toBe(first)
    const executes = apiRequests(server, "/v0/tasks/execute")
    expect(executes.map((entry) => entry.headers["idempotency-key"])).toEqual(["execute-key-1", "execute-key-1"])
    expect(executes.map((entry) => entry.replayed)).toEqual([false, true])
  })

  it("makes one idempotency key per call when none is given, kept across its retries", async () => {
    fresh(server)
    const slug = server.store.tasks[0]!.slug
    server.faults.add({ route: "tasks/execute", kind: "status", status: 503, times: 1 })
    const first = await client.runs.execute({ slug })
    const second = await client.runs.execute({ slug })
    expect(second).not.toBe(first)
    const keys = apiRequests(server, "/v0/tasks/execute").map((entry) => entry.headers["idempotency-key"])
    expect(keys).toHaveLength(3)
    expect(keys[0]).toMatch(uuid)
    expect(keys[1]).toBe(keys[0])
    expect(keys[2]).toMatch(uuid)
    expect(keys[2]).not.toBe(keys[0])
  })
})

describe("closing", () => {
  it("close() makes every later call fail with ClientClosedError, and sends nothing", async () => {
    fresh(server)
    const closing = clientOf(server)
    const run = seededRun(server, "Succeeded")
    await closing.runs.get({ id: run.id! })
    await closing.close()
    await closing.close() // twice is fine
    fresh(server)
    const error = await rejection(closing.runs.get({ id: run.id! }))
    expect(error).toBeInstanceOf(ClientClosedError)
    expect(error).toBeInstanceOf(AirplaneRunsError)
    expect(await rejection(closing.runs.execute({ slug: "hello_world" }))).toBeInstanceOf(ClientClosedError)
    expect(await rejection(closing.runs.list().page(0))).toBeInstanceOf(ClientClosedError)
    const iterating = (async () => {
      for await (const _ of closing.runs.list()) return "iterated"
      return "empty"
    })()
    expect(await rejection(iterating)).toBeInstanceOf(ClientClosedError)
    expect(apiRequests(server)).toHaveLength(0)
  })

  it("close() stops a call waiting between attempts: ClientClosedError, and no further attempt", async () => {
    fresh(server)
    const closing = clientOf(server)
    server.faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "30", times: 5 })
    const call = rejection(closing.runs.get({ id: seededRun(server, "Succeeded").id! }))
    await waitFor("the first attempt", () => apiRequests(server).length === 1)
    await closing.close()
    expect(await call).toBeInstanceOf(ClientClosedError)
    await sleep(50)
    expect(apiRequests(server)).toHaveLength(1)
  })

  it("close() stops an iteration: ClientClosedError at the next step, and no further request", async () => {
    fresh(server)
    const closing = clientOf(server)
    let seen = 0
    const iterating = rejection((async () => {
      for await (const _ of closing.runs.list({}, { prefetch: 0 })) {
        if (++seen === 1) await closing.close()
      }
    })())
    expect(await iterating).toBeInstanceOf(ClientClosedError)
    expect(seen).toBe(1)
    await sleep(50)
    expect(apiRequests(server, "/v0/runs/list")).toHaveLength(1)
  })

  it("many calls at once raise no listener warning, and close() stops every one", async () => {
    fresh(server)
    const closing = clientOf(server)
    const warnings: Array<string> = []
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`)
    process.on("warning", onWarning)
    server.faults.add({ route: "*", kind: "status", status: 429, retryAfter: "30" })
    const id = seededRun(server, "Succeeded").id!
    const calls = Array.from({ length: 25 }, () => rejection(closing.runs.get({ id })))
    const walks = Array.from({ length: 15 }, () =>
      rejection((async () => {
        for await (const _ of closing.runs.list({}, { prefetch: 0 })) void _
      })()))
    await waitFor("every first attempt", () => apiRequests(server).length === 40)
    await closing.close()
    for (const error of await Promise.all([...calls, ...walks])) expect(error).toBeInstanceOf(ClientClosedError)
    // Node emits its warnings on a later tick.
    await sleep(20)
    process.off("warning", onWarning)
    server.faults.clear()
    expect(warnings).toEqual([])
    expect(apiRequests(server)).toHaveLength(40)
  })

  it("await using closes the client at the end of its scope", async () => {
    const run = seededRun(server, "Succeeded")
    let escaped: AirplaneRuns | undefined
    {
      await using scoped = clientOf(server)
      escaped = scoped
      expect((await scoped.runs.get({ id: run.id! })).id).toBe(run.id)
    }
    expect(await rejection(escaped.runs.get({ id: run.id! }))).toBeInstanceOf(ClientClosedError)
  })
})
