import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { RunsServer } from "../src/index.js"

// The in-process server: the same answers as over a socket, through a `fetch` function.
const withServer = <A>(
  f: (fetch: typeof globalThis.fetch, server: RunsServer.Service) => Promise<A>,
  options: Parameters<typeof RunsServer.layerFetch>[0] = {}
) =>
  Effect.gen(function*() {
    const fetch = yield* FetchHttpClient.Fetch
    const server = yield* RunsServer.RunsServer
    return yield* Effect.promise(() => f(fetch, server))
  }).pipe(Effect.provide(RunsServer.layerFetch(options)))

const headers = { "X-Airplane-API-Key": RunsServer.defaultApiKey, "content-type": "application/json" }

describe("RunsServer.layerFetch", () => {
  it.live("answers the API in process, at the in-process origin, without a port", () =>
    withServer(async (fetch, server) => {
      assert.strictEqual(server.url, RunsServer.inProcessUrl)
      assert.strictEqual(server.port, 0)
      const list = await fetch(`${server.apiUrl}/runs/list?limit=3`, { headers })
      assert.strictEqual(list.status, 200)
      const body = await list.json() as { runs: Array<{ id: string }> }
      assert.strictEqual(body.runs.length, 3)
      const one = await fetch(`${server.apiUrl}/runs/get?id=${body.runs[0]!.id}`, { headers })
      assert.strictEqual((await one.json() as { id: string }).id, body.runs[0]!.id)
      const started = await fetch(`${server.apiUrl}/tasks/execute`, {
        method: "POST",
        headers,
        body: JSON.stringify({ slug: "hello_world" })
      })
      assert.strictEqual(started.status, 200)
      assert.strictEqual(server.store.size(), 21)
      assert.deepStrictEqual(server.requestLog.entries().map((e) => e.status), [200, 200, 200])
    }, { seed: { runs: 20 } }))

  it.live("refuses a missing key with the API's 401 body", () =>
    withServer(async (fetch, server) => {
      const answer = await fetch(`${server.apiUrl}/runs/list`)
      assert.strictEqual(answer.status, 401)
      assert.strictEqual((await answer.json() as { code: string }).code, "missing_api_key")
    }))

  it.live("plays a reset as a rejected fetch, logged without a status", () =>
    withServer(async (fetch, server) => {
      server.faults.add({ route: "runs/list", kind: "reset", times: 1 })
      const error = await fetch(`${server.apiUrl}/runs/list`, { headers }).then(() => undefined, (e: unknown) => e)
      assert.instanceOf(error, TypeError)
      assert.include(String((error as TypeError).cause), "other side closed")
      assert.deepStrictEqual(server.requestLog.entries().map((e) => [e.status, e.fault]), [[null, "reset"]])
      assert.strictEqual((await fetch(`${server.apiUrl}/runs/list`, { headers })).status, 200)
    }))

  it.live("plays a reset mid-body as headers, then a body that fails half way", () =>
    withServer(async (fetch, server) => {
      server.faults.add({ route: "runs/list", kind: "resetMidBody", times: 1 })
      const answer = await fetch(`${server.apiUrl}/runs/list?limit=5`, { headers })
      assert.strictEqual(answer.status, 200)
      assert.isNull(answer.headers.get("x-embedded-server-reset"))
      const error = await answer.text().then(() => undefined, (e: unknown) => e)
      assert.instanceOf(error, TypeError)
      assert.deepStrictEqual(server.requestLog.entries().map((e) => [e.status, e.fault]), [[null, "resetMidBody"]])
    }))

  it.live("scripts status faults as over a socket", () =>
    withServer(async (fetch, server) => {
      const statuses: Array<number> = []
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${server.apiUrl}/runs/list`, { headers })).status)
      assert.deepStrictEqual(statuses, [503, 503, 200])
    }, { faults: [{ route: "runs/list", kind: "status", status: 503, times: 2 }] }))
})
