import { RequestLog, RunsServer } from "@airplane-runs/server"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { afterAll, beforeAll, beforeEach } from "vitest"
import { admin, get, json, post, send } from "./utils/http.js"

// A key that is easy to spot anywhere in a serialized log.
const apiKey = "tkn_very_secret_value_0123456789"
const capacity = 5

let server: RunsServer.RunningServer

beforeAll(async () => {
  server = await RunsServer.start({ clock: "manual", apiKeys: [apiKey], logCapacity: capacity, seed: { runs: 20 } })
})

afterAll(async () => {
  await server.stop()
})

beforeEach(() => {
  server.faults.clear()
  server.requestLog.clear()
})

describe("entries", () => {
  it("have the method, the path without the query, the decoded query, headers, body and status", async () => {
    const since = "2025-12-01T00:00:00Z"
    await get(server, `/runs/list?taskSlug=hello_world&since=${encodeURIComponent(since)}&limit=3`, {
      headers: { "X-Custom-Header": "Some Value" }
    })
    const [entry] = server.requestLog.entries()
    assert.isDefined(entry)
    assert.strictEqual(entry!.method, "GET")
    assert.strictEqual(entry!.path, "/v0/runs/list")
    assert.deepStrictEqual(entry!.query, { taskSlug: "hello_world", since, limit: "3" })
    assert.strictEqual(entry!.headers["x-custom-header"], "Some Value")
    assert.strictEqual(entry!.headers["host"], `127.0.0.1:${server.port}`)
    for (const name of Object.keys(entry!.headers)) assert.strictEqual(name, name.toLowerCase())
    assert.isNull(entry!.body)
    assert.strictEqual(entry!.status, 200)
    assert.isNull(entry!.fault)
    assert.isFalse(entry!.replayed)
    assert.strictEqual(entry!.at, new Date(server.store.now()).toISOString())
  })

  it("hold the X-Request-Id of each answer, the API's, an error's and a fault's; none when the connection was cut", async () => {
    const ok = await get(server, "/runs/list?limit=1")
    const missing = await get(server, "/runs/get?id=run_missing")
    server.faults.add({ route: "runs/get", kind: "status", status: 503, times: 1 })
    const faulted = await get(server, "/runs/get?id=run_any")
    server.faults.add({ route: "runs/list", kind: "reset", times: 1 })
    await get(server, "/runs/list").catch(() => undefined)
    const ids = [ok, missing, faulted].map((answer) => answer.headers.get("x-request-id"))
    assert.deepStrictEqual([ok.status, missing.status, faulted.status], [200, 404, 503])
    for (const id of ids) assert.match(id ?? "", /^req_[0-9a-f]{24}$/)
    assert.strictEqual(new Set(ids).size, 3)
    assert.deepStrictEqual(server.requestLog.entries().map((entry) => entry.requestId), [...ids, null])
  })

  it("keep a POST body exactly as sent, and a query key sent twice with its last value", async () => {
    const body = "{ \"slug\" :  \"hello_world\",\n \"paramValues\": {\"n\": 1} }"
    const answer = await post(server, "/tasks/execute?envSlug=prod", body)
    assert.strictEqual(answer.status, 200)
    await get(server, "/runs/getOutputs?id=first&id=second")
    const [execute, outputs] = server.requestLog.entries()
    assert.strictEqual(execute!.method, "POST")
    assert.strictEqual(execute!.path, "/v0/tasks/execute")
    assert.deepStrictEqual(execute!.query, { envSlug: "prod" })
    assert.strictEqual(execute!.body, body)
    assert.strictEqual(execute!.headers["content-type"], "application/json")
    assert.strictEqual(outputs!.query.id, "second")
  })

  it("record refused requests with their status: 401, 400, 404", async () => {
    await get(server, "/runs/list", { key: null })
    await get(server, "/runs/list?limit=99")
    await get(server, "/runs/get?id=run20200101znothere00")
    await get(server, "/runs/nowhere")
    await post(server, "/runs/cancel", "not json")
    assert.deepStrictEqual(
      server.requestLog.entries().map((entry) => [entry.method, entry.path, entry.status]),
      [
        ["GET", "/v0/runs/list", 401],
        ["GET", "/v0/runs/list", 400],
        ["GET", "/v0/runs/get", 404],
        ["GET", "/v0/runs/nowhere", 404],
        ["POST", "/v0/runs/cancel", 400]
      ]
    )
  })

  it("number requests in order, and mark Idempotency-Key replays", async () => {
    const headers = { "idempotency-key": "log-replay" }
    await post(server, "/tasks/execute", { slug: "hello_world" }, { headers })
    await post(server, "/tasks/execute", { slug: "hello_world" }, { headers })
    const entries = server.requestLog.entries()
    assert.strictEqual(entries.length, 2)
    assert.strictEqual(entries[1]!.seq, entries[0]!.seq + 1)
    assert.deepStrictEqual(entries.map((entry) => entry.replayed), [false, true])
    assert.strictEqual(entries[1]!.headers["idempotency-key"], "log-replay")
  })

  it("leave out the admin routes and the documentation", async () => {
    await admin(server, "/_admin/requests")
    await admin(server, "/_admin/faults")
    await send(`${server.url}/openapi.json`)
    await get(server, "/runs/list?limit=1")
    assert.deepStrictEqual(server.requestLog.entries().map((entry) => entry.path), ["/v0/runs/list"])
  })
})

describe("redaction", () => {
  it("logs the API key as [redacted], and its value appears nowhere in the log", async () => {
    await get(server, "/runs/list?limit=1")
    await post(server, "/tasks/execute", { slug: "hello_world" })
    await get(server, "/runs/list?limit=1", { key: `${apiKey}_wrong` })
    const entries = server.requestLog.entries()
    assert.strictEqual(entries.length, 3)
    for (const entry of entries) assert.strictEqual(entry.headers["x-airplane-api-key"], "[redacted]")
    assert.notInclude(JSON.stringify(entries), apiKey)
    const overHttp = await admin(server, "/_admin/requests")
    assert.strictEqual(json(overHttp).requests.length, 3)
    assert.notInclude(overHttp.text, apiKey)
    assert.notInclude(overHttp.text, "very_secret")
  })

  it("redacts Authorization and X-Airplane-Token too", async () => {
    await get(server, "/runs/list?limit=1", {
      headers: { Authorization: "Bearer secret-bearer", "X-Airplane-Token": "secret-token" }
    })
    const [entry] = server.requestLog.entries()
    assert.strictEqual(entry!.headers["authorization"], "[redacted]")
    assert.strictEqual(entry!.headers["x-airplane-token"], "[redacted]")
    assert.notInclude(JSON.stringify(entry), "secret-")
  })

  it("RequestLog.redact matches header names in any case and keeps other values", () => {
    assert.deepStrictEqual(
      RequestLog.redact({ "X-Airplane-API-Key": "tkn_1", AUTHORIZATION: "Basic x", Accept: "application/json" }),
      { "X-Airplane-API-Key": "[redacted]", AUTHORIZATION: "[redacted]", Accept: "application/json" }
    )
  })
})

describe("capacity", () => {
  it("keeps the newest entries up to the capacity, numbering on", async () => {
    for (let i = 0; i < capacity + 3; i++) await get(server, `/runs/list?limit=1&i=${i}`)
    const entries = server.requestLog.entries()
    assert.strictEqual(entries.length, capacity)
    assert.deepStrictEqual(entries.map((entry) => entry.query["i"]), ["3", "4", "5", "6", "7"])
    for (let i = 1; i < entries.length; i++) assert.strictEqual(entries[i]!.seq, entries[i - 1]!.seq + 1)

    server.requestLog.clear()
    assert.deepStrictEqual(server.requestLog.entries(), [])
    await get(server, "/runs/list?limit=1")
    assert.strictEqual(server.requestLog.entries()[0]!.seq, entries[capacity - 1]!.seq + 1)
  })

  it.effect("RequestLog.make bounds the log; entries() is a copy", () =>
    Effect.gen(function*() {
      const log = yield* RequestLog.make({ capacity: 2 })
      const entry = (path: string) => ({
        at: "2026-01-01T00:00:00.000Z",
        method: "GET",
        path,
        query: {},
        headers: {},
        requestId: null,
        body: null,
        status: 200,
        fault: null,
        replayed: false
      })
      assert.strictEqual(log.record(entry("/a")).seq, 1)
      log.record(entry("/b"))
      const before = log.entries()
      log.record(entry("/c"))
      assert.deepStrictEqual(before.map((e) => e.path), ["/a", "/b"])
      assert.deepStrictEqual(log.entries().map((e) => [e.seq, e.path]), [[2, "/b"], [3, "/c"]])
    }))
})
