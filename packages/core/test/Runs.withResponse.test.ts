import { FetchHttpClient, Headers } from "@effect/platform"
import { assert, describe, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as RetryPolicy from "../src/RetryPolicy.js"
import * as Runs from "../src/Runs.js"
import { clients } from "./utils/clients.js"
import { expectTag } from "./utils/errors.js"
import { answer, fresh, lastRequestId, requests, seededRun, testLayer, tinyServer } from "./utils/server.js"

for (const [name, http] of clients) {
  layer(testLayer({ seed: { runs: 30 } }, {}, http), { excludeTestServices: true })(
    `Runs.withResponse over ${name}`,
    (it) => {
      it.effect("get: the run, with the answer's status, headers, request id and one attempt", () =>
        Effect.gen(function*() {
          const server = yield* fresh
          const runs = yield* Runs.Runs
          const id = seededRun(server, "Succeeded").id!
          const { data, response } = yield* runs.withResponse.get({ id })
          assert.deepStrictEqual(data, yield* runs.get({ id }))
          assert.strictEqual(response.status, 200)
          assert.strictEqual(response.requestId, (yield* requests)[0]!.requestId)
          assert.strictEqual(response.headers["x-request-id"], response.requestId)
          assert.match(response.headers["content-type"]!, /^application\/json/)
          for (const header of Object.keys(response.headers)) assert.strictEqual(header, header.toLowerCase())
          assert.strictEqual(response.attempts, 1)
          assert.isAtLeast(response.elapsedMs, 0)
        }))

      it.effect("a retried call: the attempts it took, and the answer of the last", () =>
        Effect.gen(function*() {
          const server = yield* fresh
          const runs = yield* Runs.Runs
          server.faults.add({ route: "runs/get", kind: "status", status: 503, times: 2 })
          const { data, response } = yield* runs.withResponse.get({ id: seededRun(server, "Succeeded").id! })
          assert.strictEqual(data.status, "Succeeded")
          assert.strictEqual(response.attempts, 3)
          assert.strictEqual(response.status, 200)
          assert.strictEqual(response.requestId, yield* lastRequestId)
          assert.deepStrictEqual((yield* requests).map((entry) => entry.status), [503, 503, 200])
        }))

      it.effect("getOutputs, execute, cancel and listPage: what the plain call answers, with its answer", () =>
        Effect.gen(function*() {
          const server = yield* fresh
          const runs = yield* Runs.Runs
          const slug = server.store.tasks[0].slug
          const executed = yield* runs.withResponse.execute({ slug })
          assert.strictEqual(server.store.get(executed.data)?.id, executed.data)
          assert.strictEqual(executed.response.requestId, yield* lastRequestId)

          // A seeded run that stays unfinished for minutes: a started one could finish first.
          const unfinished = seededRun(server, "NotStarted", "Queued", "Active").id!
          const cancelled = yield* runs.withResponse.cancel({ runID: unfinished })
          assert.isUndefined(cancelled.data)
          assert.strictEqual(server.store.get(unfinished)?.status, "Cancelled")
          assert.strictEqual(cancelled.response.requestId, yield* lastRequestId)

          const finished = seededRun(server, "Succeeded").id!
          const outputs = yield* runs.withResponse.getOutputs({ id: finished })
          assert.deepStrictEqual(outputs.data, yield* runs.getOutputs({ id: finished }))

          const page = yield* runs.withResponse.listPage({ taskSlug: slug, limit: 2, page: 1 })
          assert.deepStrictEqual(page.data, yield* runs.listPage({ taskSlug: slug, limit: 2, page: 1 }))
          assert.strictEqual(page.data.page, 1)
          assert.deepStrictEqual(
            (yield* requests).slice(-2).map((entry) => entry.query),
            [{ taskSlug: slug, limit: "2", page: "1" }, { taskSlug: slug, limit: "2", page: "1" }]
          )
          const statuses = [executed, cancelled, outputs, page].map((answered) => answered.response.status)
          assert.deepStrictEqual(statuses, [200, 200, 200, 200])
        }))

      it.effect("fails as the plain call does: typed, with the attempts in the error", () =>
        Effect.gen(function*() {
          yield* fresh
          const runs = yield* Runs.Runs
          const missing = expectTag(yield* Effect.flip(runs.withResponse.get({ id: "run_missing" })), "NotFound")
          assert.strictEqual(missing.requestId, yield* lastRequestId)
          assert.strictEqual(missing.attempts, 1)
          const invalid = yield* Effect.flip(runs.withResponse.listPage({ limit: 51 }, { retry: RetryPolicy.none }))
          assert.strictEqual(invalid._tag, "InvalidRequest")
        }))
    }
  )
}

describe("Runs.withResponse headers", () => {
  const key = "tkn_raw_answer_key_0123456789"
  // What an API or a proxy in front of it might send back: credentials by name, and the key quoted.
  const echoing = answer(200, { id: "run_1" }, {
    "set-cookie": "session=s3cr3t",
    "x-airplane-api-key": "tkn_another_key",
    "x-debug": `key was ${key}`,
    "x-internal-token": "t0ken",
    "x-request-id": "req_1"
  })

  it.scopedLive("credentials are <redacted>: by the platform's names, the key's header, the key in any value", () =>
    Effect.gen(function*() {
      const api = yield* tinyServer(echoing)
      const runs = yield* Runs.make({ apiKey: key, host: api.url })
      const { response } = yield* runs.withResponse.get({ id: "run_1" })
      assert.strictEqual(response.headers["set-cookie"], "<redacted>")
      assert.strictEqual(response.headers["x-airplane-api-key"], "<redacted>")
      assert.strictEqual(response.headers["x-debug"], "key was <redacted>")
      assert.strictEqual(response.headers["x-internal-token"], "t0ken")
      assert.strictEqual(response.requestId, "req_1")
      assert.notInclude(JSON.stringify(response), key)
      assert.notInclude(JSON.stringify(response), "tkn_another_key")
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scopedLive("a name added to Headers.currentRedactedNames is redacted too", () =>
    Effect.gen(function*() {
      const api = yield* tinyServer(echoing)
      const runs = yield* Runs.make({ apiKey: key, host: api.url })
      const { response } = yield* runs.withResponse.get({ id: "run_1" }).pipe(
        Effect.locally(Headers.currentRedactedNames, ["x-internal-token"])
      )
      assert.strictEqual(response.headers["x-internal-token"], "<redacted>")
      assert.strictEqual(response.headers["x-airplane-api-key"], "<redacted>")
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
