/**
 * `Idempotency-Key` on the POSTs: the first 2xx answer replayed for an hour, per API key,
 * endpoint and key.
 */
import { RunsServer } from "@airplane-runs/server"
import { assert, describe, it } from "@effect/vitest"
import { afterAll, beforeAll, beforeEach } from "vitest"
import { get, json, post } from "./utils/http.js"

// Two accepted keys, on a manual clock so that expiry moves only when a test says so.
const otherKey = "tkn_embedded_second_key"
let server: RunsServer.RunningServer

beforeAll(async () => {
  server = await RunsServer.start({ clock: "manual", apiKeys: [RunsServer.defaultApiKey, otherKey] })
})

afterAll(async () => {
  await server.stop()
})

beforeEach(() => {
  server.faults.clear()
  server.requestLog.clear()
})

const execute = async (body: unknown, headers: Record<string, string> = {}, key?: string) => {
  const answer = await post(server, "/tasks/execute", body, { headers, ...(key === undefined ? {} : { key }) })
  assert.strictEqual(answer.status, 200, answer.text)
  return json(answer).runID as string
}

describe("Idempotency-Key", () => {
  it("replays the first 2xx answer of a POST, echoing the key", async () => {
    const size = server.store.size()
    const headers = { "idempotency-key": "key-replay-1" }
    const first = await post(server, "/tasks/execute", { slug: "sync_users" }, { headers })
    const second = await post(server, "/tasks/execute", { slug: "sync_users" }, { headers })
    assert.strictEqual(first.status, 200)
    assert.strictEqual(second.status, 200)
    assert.strictEqual(first.headers.get("idempotency-key"), "key-replay-1")
    assert.isNull(first.headers.get("idempotent-replayed"))
    assert.strictEqual(second.headers.get("idempotency-key"), "key-replay-1")
    assert.strictEqual(second.headers.get("idempotent-replayed"), "true")
    assert.strictEqual(second.text, first.text)
    assert.strictEqual(server.store.size(), size + 1)
    assert.deepStrictEqual(server.requestLog.entries().map((entry) => entry.replayed), [false, true])
  })

  it("keeps a key per API key: another API key with the same Idempotency-Key starts its own run", async () => {
    // A scope without the API key would hand one caller's run (and its answer) to another.
    const size = server.store.size()
    const headers = { "idempotency-key": "key-shared-by-two-callers" }
    const first = await post(server, "/tasks/execute", { slug: "sync_users" }, { headers })
    const second = await post(server, "/tasks/execute", { slug: "sync_users" }, { headers, key: otherKey })
    assert.strictEqual(first.status, 200)
    assert.strictEqual(second.status, 200)
    assert.isNull(second.headers.get("idempotent-replayed"))
    assert.notStrictEqual(json(second).runID, json(first).runID)
    assert.strictEqual(server.store.size(), size + 2)
    // and each caller's retry gets its own first answer back
    const againFirst = await post(server, "/tasks/execute", { slug: "sync_users" }, { headers })
    const againSecond = await post(server, "/tasks/execute", { slug: "sync_users" }, { headers, key: otherKey })
    assert.strictEqual(againFirst.text, first.text)
    assert.strictEqual(againSecond.text, second.text)
    assert.strictEqual(againSecond.headers.get("idempotent-replayed"), "true")
    assert.strictEqual(server.store.size(), size + 2)
  })

  it("executes again for another key, and without a key", async () => {
    const a = await execute({ slug: "sync_users" }, { "idempotency-key": "key-a" })
    const b = await execute({ slug: "sync_users" }, { "idempotency-key": "key-b" })
    const c = await execute({ slug: "sync_users" })
    const d = await execute({ slug: "sync_users" })
    assert.strictEqual(new Set([a, b, c, d]).size, 4)
  })

  it("keeps a key per endpoint: the same key on cancel does not replay execute", async () => {
    const headers = { "idempotency-key": "key-per-path" }
    const runID = await execute({ slug: "hello_world" }, headers)
    const cancel = await post(server, "/runs/cancel", { runID }, { headers })
    assert.strictEqual(cancel.status, 200)
    assert.deepStrictEqual(json(cancel), {})
    assert.isNull(cancel.headers.get("idempotent-replayed"))
    assert.strictEqual(server.store.get(runID)!.status, "Cancelled")
    // and a retried cancel with its key gets the first answer, not run_terminal
    const retried = await post(server, "/runs/cancel", { runID }, { headers })
    assert.strictEqual(retried.status, 200)
    assert.strictEqual(retried.headers.get("idempotent-replayed"), "true")
  })

  it("does not keep an error answer: the same key then succeeds", async () => {
    const headers = { "idempotency-key": "key-after-404" }
    const missing = await post(server, "/tasks/execute", { slug: "no_such_task" }, { headers })
    assert.strictEqual(missing.status, 404)
    assert.strictEqual(missing.headers.get("idempotency-key"), "key-after-404")
    const ok = await post(server, "/tasks/execute", { slug: "hello_world" }, { headers })
    assert.strictEqual(ok.status, 200)
    assert.isNull(ok.headers.get("idempotent-replayed"))
  })

  it("lets a POST that met an injected fault be retried with its key", async () => {
    server.faults.add({ route: "tasks/execute", kind: "status", status: 503, times: 1 })
    const headers = { "idempotency-key": "key-after-fault" }
    const size = server.store.size()
    const failed = await post(server, "/tasks/execute", { slug: "hello_world" }, { headers })
    assert.strictEqual(failed.status, 503)
    assert.strictEqual(server.store.size(), size)
    const retried = await post(server, "/tasks/execute", { slug: "hello_world" }, { headers })
    assert.strictEqual(retried.status, 200, retried.text)
    assert.isNull(retried.headers.get("idempotent-replayed"))
    const replayed = await post(server, "/tasks/execute", { slug: "hello_world" }, { headers })
    assert.strictEqual(replayed.headers.get("idempotent-replayed"), "true")
    assert.strictEqual(replayed.text, retried.text)
    assert.strictEqual(server.store.size(), size + 1)
  })

  it("releases the key of a request whose client went away during its delay", async () => {
    server.faults.add({ route: "tasks/execute", kind: "slow", delayMs: 5_000, times: 1 })
    const headers = { "idempotency-key": "key-abandoned" }
    const abort = new AbortController()
    const first = fetch(`${server.apiUrl}/tasks/execute`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-airplane-api-key": server.apiKey, ...headers },
      body: JSON.stringify({ slug: "hello_world" }),
      signal: abort.signal
    }).catch(() => "aborted")
    while (server.faults.list().length > 0) await new Promise((resolve) => setTimeout(resolve, 5))
    abort.abort()
    assert.strictEqual(await first, "aborted")
    const size = server.store.size()
    // The server learns of the abort a moment later; until then the key is in flight (409).
    let retried = await post(server, "/tasks/execute", { slug: "hello_world" }, { headers })
    for (let i = 0; i < 100 && retried.status === 409; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      retried = await post(server, "/tasks/execute", { slug: "hello_world" }, { headers })
    }
    assert.strictEqual(retried.status, 200, retried.text)
    assert.strictEqual(server.store.size(), size + 1)
  })

  it("answers 409 to a request whose key is still in flight, then replays", async () => {
    server.faults.add({ route: "tasks/execute", kind: "slow", delayMs: 300, times: 1 })
    const headers = { "idempotency-key": "key-in-flight" }
    const first = post(server, "/tasks/execute", { slug: "hello_world" }, { headers })
    // the fault is taken when the first request arrives: from then on it is in flight
    while (server.faults.list().length > 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const conflict = await post(server, "/tasks/execute", { slug: "hello_world" }, { headers })
    assert.strictEqual(conflict.status, 409)
    assert.strictEqual(json(conflict).code, "idempotency_conflict")
    assert.strictEqual(conflict.headers.get("x-airplane-retryable"), "true")
    assert.strictEqual(conflict.headers.get("idempotency-key"), "key-in-flight")
    const answer = await first
    assert.strictEqual(answer.status, 200)
    const replay = await post(server, "/tasks/execute", { slug: "hello_world" }, { headers })
    assert.strictEqual(replay.headers.get("idempotent-replayed"), "true")
    assert.strictEqual(replay.text, answer.text)
  })

  it("keeps a key for an hour of the server's clock", async () => {
    const headers = { "idempotency-key": "key-expiry" }
    const first = await execute({ slug: "hello_world" }, headers)
    server.advance!(60 * 60 * 1000 - 1)
    assert.strictEqual(await execute({ slug: "hello_world" }, headers), first)
    server.advance!(1)
    assert.notStrictEqual(await execute({ slug: "hello_world" }, headers), first)
  })

  it("ignores the key on GET", async () => {
    const headers = { "idempotency-key": "key-on-get" }
    await get(server, "/runs/list?limit=1", { headers })
    const second = await get(server, "/runs/list?limit=1", { headers })
    assert.strictEqual(second.status, 200)
    assert.isNull(second.headers.get("idempotent-replayed"))
    assert.isNull(second.headers.get("idempotency-key"))
  })
})
