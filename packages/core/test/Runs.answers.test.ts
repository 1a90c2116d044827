/**
 * Answers that are wrong in ways the embedded server never is: a 2xx that is not the answer
 * asked for, a run without a status, a body that quotes the key inside a record, a body with
 * no length that never ends; a redirect, a refused connection. Each comes from a tiny `node:http`
 * server on loopback.
 */
import { RetryPolicy, Runs, RunsError } from "@airplane-runs/core"
import { FetchHttpClient, HttpClient, HttpClientError } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schedule, Stream } from "effect"
import { inspect } from "node:util"
import { gzipSync } from "node:zlib"
import { clients } from "./utils/clients.js"
import { expectTag } from "./utils/errors.js"
import { leaks, secret } from "./utils/secrets.js"
import { answer, tinyServer } from "./utils/server.js"
import { paths } from "./utils/wire.js"

const key = "tkn_SECRET_answers_5e1d"

const expectInvalid = (error: RunsError.RunsError): RunsError.InvalidResponse => {
  assert.strictEqual(error._tag, "InvalidResponse", error.message)
  return error as RunsError.InvalidResponse
}

describe("a 2xx that is not the answer", () => {
  const notARun: ReadonlyArray<readonly [string, unknown]> = [
    ["200 {}", {}],
    ["200 {\"error\":\"internal\"}", { error: "internal" }],
    ["200 {\"runs\":[]}", { runs: [] }],
    ["200 with another run", { id: "run_other", status: "Succeeded" }]
  ]
  for (const [name, body] of notARun) {
    it.scopedLive(`get: ${name} is InvalidResponse at id, not a blank run`, () =>
      Effect.gen(function*() {
        const api = yield* tinyServer(answer(200, body))
        const runs = yield* Runs.make({ apiKey: key, host: api.url })
        const error = expectInvalid(yield* Effect.flip(runs.get({ id: "run_1" })))
        assert.strictEqual(error.status, 200)
        assert.deepStrictEqual(error.schemaPath, ["id"])
        assert.match(error.reason, /not a run|another run \(run_other\)/)
        // The same answer would come back: not retried.
        assert.strictEqual(api.received.length, 1)
      }).pipe(Effect.provide(FetchHttpClient.layer)))
  }

  for (const [name, body] of [["200 {}", {}], ["200 {\"error\":\"internal\"}", { error: "internal" }]] as const) {
    it.scopedLive(`list: ${name} is InvalidResponse at runs, not an empty last page`, () =>
      Effect.gen(function*() {
        const api = yield* tinyServer(answer(200, body))
        const runs = yield* Runs.make({ apiKey: key, host: api.url })
        const error = expectInvalid(yield* Effect.flip(runs.listPage()))
        assert.deepStrictEqual(error.schemaPath, ["runs"])
        const walk = expectInvalid(yield* Effect.flip(Stream.runCollect(runs.list())))
        assert.deepStrictEqual(walk.schemaPath, ["runs"])
      }).pipe(Effect.provide(FetchHttpClient.layer)))
  }

  it.scopedLive("list: `runs: null`, a Go backend's empty list, is an empty last page", () =>
    Effect.gen(function*() {
      const api = yield* tinyServer(answer(200, { runs: null }))
      const runs = yield* Runs.make({ apiKey: key, host: api.url })
      assert.deepStrictEqual(yield* runs.listPage(), { page: 0, runs: [] })
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scopedLive("getOutputs and cancel: an error body sent with 200 is InvalidResponse, not null or done", () =>
    Effect.gen(function*() {
      const api = yield* tinyServer(answer(200, { error: "internal", code: "oops" }))
      const runs = yield* Runs.make({ apiKey: key, host: api.url })
      for (const call of [runs.getOutputs({ id: "run_1" }), runs.cancel({ runID: "run_1" })]) {
        const error = expectInvalid(yield* Effect.flip(call as Effect.Effect<unknown, RunsError.RunsError>))
        assert.deepStrictEqual(error.schemaPath, ["error"])
        assert.include(error.reason, "error body: internal")
      }
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scopedLive("getOutputs without its key is no output yet; cancel's {} and an empty body are done", () =>
    Effect.gen(function*() {
      for (const body of [{}, undefined]) {
        const api = yield* tinyServer(answer(200, body))
        const runs = yield* Runs.make({ apiKey: key, host: api.url })
        yield* runs.cancel({ runID: "run_1" })
        if (body !== undefined) assert.isNull(yield* runs.getOutputs({ id: "run_1" }))
      }
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scopedLive("execute: an empty runID is InvalidResponse", () =>
    Effect.gen(function*() {
      const api = yield* tinyServer(answer(200, { runID: "" }))
      const runs = yield* Runs.make({ apiKey: key, host: api.url })
      const error = expectInvalid(yield* Effect.flip(runs.execute({ slug: "hello_world" })))
      assert.deepStrictEqual(error.schemaPath, ["runID"])
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  const waits: ReadonlyArray<readonly [string, unknown, ReadonlyArray<string>]> = [
    ["{}", {}, ["id"]],
    ["{\"error\":\"internal\"}", { error: "internal" }, ["id"]],
    ["a run without a status", { id: "run_1" }, ["status"]],
    ["a run with a null status", { id: "run_1", status: null }, ["status"]]
  ]
  for (const [name, body, schemaPath] of waits) {
    it.scopedLive(`awaitCompletion on ${name} fails at once instead of polling for ever`, () =>
      Effect.gen(function*() {
        const api = yield* tinyServer(answer(200, body))
        const runs = yield* Runs.make({ apiKey: key, host: api.url })
        const error = expectInvalid(
          yield* Effect.flip(runs.awaitCompletion({ id: "run_1" }, { schedule: Schedule.spaced("1 millis") }))
        )
        assert.deepStrictEqual(error.schemaPath, schemaPath)
        assert.strictEqual(api.received.length, 1)
      }).pipe(Effect.provide(FetchHttpClient.layer)))
  }
})

describe("the key quoted back inside an answer", () => {
  it.scopedLive("a record key or an array item that is the key: no error holds it, schemaPath included", () =>
    Effect.gen(function*() {
      const bodies = [
        { id: "run_1", resources: { [key]: 5 } },
        { id: "run_1", resources: { db: "res_1", [key]: [key] } },
        { id: "run_1", status: key },
        { runs: [{ id: "run_1" }, { id: "run_2", resources: { [key]: null } }] }
      ]
      for (const body of bodies) {
        const api = yield* tinyServer(answer(200, body))
        const runs = yield* Runs.make({ apiKey: key, host: api.url })
        const call: Effect.Effect<unknown, RunsError.RunsError> = "runs" in body
          ? runs.listPage()
          : runs.get({ id: "run_1" })
        const error = expectInvalid(yield* Effect.flip(call))
        assert.isDefined(error.schemaPath)
        for (const shown of [JSON.stringify(error), error.message, String(error), error.stack ?? ""]) {
          assert.notInclude(shown, key)
          assert.notInclude(shown, "SECRET_answers")
        }
      }
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})

describe("a body with no declared length over maxResponseBytes", () => {
  for (const [name, http] of clients) {
    it.scopedLive(`${name}: is abandoned at the cap, not read to its end`, () =>
      Effect.gen(function*() {
        let written = 0
        let closedEarly = false
        const chunk = Buffer.alloc(64 * 1024, "x")
        const api = yield* tinyServer((request, response) => {
          // Chunked, no content-length: a body only counting can bound. It would go on for 64 MiB.
          response.writeHead(200, { "content-type": "application/json" })
          response.write("{\"id\":\"run_1\",\"padding\":\"")
          const more = () => {
            while (written < 64 * 1024 * 1024) {
              written += chunk.length
              if (!response.write(chunk)) return void response.once("drain", more)
            }
            response.end("\"}")
          }
          response.on("close", () => closedEarly = !response.writableFinished)
          more()
          void request
        })
        const runs = yield* Runs.make({
          apiKey: key,
          host: api.url,
          maxResponseBytes: 256 * 1024,
          retry: RetryPolicy.none
        })
        const error = expectInvalid(yield* Effect.flip(runs.get({ id: "run_1" })))
        assert.include(error.reason, "larger than the cap of 262144 bytes")
        // The client hung up long before the end: the server could not write it all.
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 100)))
        assert.isTrue(closedEarly, "the connection was closed before the body ended")
        assert.isBelow(written, 16 * 1024 * 1024)
      }).pipe(Effect.provide(http)))
  }
})

describe("a compressed body", () => {
  it.scopedLive("fetch: a small gzip of a body over maxResponseBytes is not inflated whole", () =>
    Effect.gen(function*() {
      // 64 KiB on the wire, 64 MiB once inflated, with an honest Content-Length of the wire size.
      const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, " "))
      const api = yield* tinyServer((_request, response) => {
        response.writeHead(200, {
          "content-type": "application/json",
          "content-encoding": "gzip",
          "content-length": String(bomb.length)
        })
        response.end(bomb)
      })
      const runs = yield* Runs.make({ apiKey: key, host: api.url, maxResponseBytes: 1024 * 1024 })
      const error = expectInvalid(yield* Effect.flip(runs.get({ id: "run_1" })))
      assert.include(error.reason, "larger than the cap of 1048576 bytes")
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scopedLive("fetch: a gzip answer within the cap is read", () =>
    Effect.gen(function*() {
      const body = gzipSync(JSON.stringify({ id: "run_1", status: "Succeeded" }))
      const api = yield* tinyServer((_request, response) => {
        response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
        response.end(body)
      })
      const runs = yield* Runs.make({ apiKey: key, host: api.url })
      assert.strictEqual((yield* runs.get({ id: "run_1" })).status, "Succeeded")
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})

describe("an API that does not page", () => {
  it.scopedLive("answering every page with page 0: the walk fails instead of looping for ever", () =>
    Effect.gen(function*() {
      const page = { runs: Array.from({ length: 50 }, (_, i) => ({ id: `run_${i}`, status: "Succeeded" })) }
      const api = yield* tinyServer(answer(200, page))
      const runs = yield* Runs.make({ apiKey: key, host: api.url, prefetch: 2 })
      const error = expectInvalid(yield* Effect.flip(Stream.runCount(runs.list())))
      assert.include(error.reason, "page 1 holds only the runs of page 0")
      // Page 0, page 1, and at most the pages fetched ahead.
      assert.isAtMost(api.received.length, 4)
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})

describe("what an error prints", () => {
  it.scopedLive("only the fields it knows: no 'undefined' for a request id or Retry-After that never came", () =>
    Effect.gen(function*() {
      const api = yield* tinyServer(answer(404, { error: "run run_1 not found" }))
      const runs = yield* Runs.make({ apiKey: key, host: api.url })
      const error = yield* Effect.flip(runs.get({ id: "run_1" }))
      assert.strictEqual(error._tag, "NotFound")
      for (const absent of ["requestId", "retryAfterMs", "retryable", "code"]) assert.isFalse(absent in error, absent)
      assert.notInclude(inspect(error), "undefined")
      assert.strictEqual(error._tag === "NotFound" ? error.attempts : 0, 1)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scopedLive("an answer the HTTP client refuses is InvalidResponse, not a wire failure to retry", () =>
    Effect.gen(function*() {
      const api = yield* tinyServer(answer(200, { id: "run_1" }, { "x-request-id": "req_9" }))
      const runs = yield* Runs.make({ apiKey: key, host: api.url })
      const error = expectInvalid(yield* Effect.flip(runs.get({ id: "run_1" })))
      assert.strictEqual(error.status, 200)
      assert.strictEqual(error.requestId, "req_9")
      assert.include(error.reason, "no thanks")
      assert.strictEqual(api.received.length, 1)
    }).pipe(
      Effect.provide(
        Layer.effect(
          HttpClient.HttpClient,
          Effect.map(
            HttpClient.HttpClient,
            (client) =>
              HttpClient.transformResponse(
                client,
                Effect.flatMap((response) =>
                  Effect.fail(
                    new HttpClientError.ResponseError({
                      request: response.request,
                      response,
                      reason: "Decode",
                      cause: new Error("no thanks")
                    })
                  )
                )
              )
          )
        ).pipe(Layer.provide(FetchHttpClient.layer))
      )
    ))
})

describe("answers the embedded server cannot give", () => {
  for (const [name, http] of clients) {
    it.scopedLive(`${name}: a redirect to another origin is not followed, and the key stays home`, () =>
      Effect.gen(function*() {
        const elsewhere = yield* tinyServer(answer(200, { id: "run_elsewhere", status: "Succeeded" }))
        const origin = yield* tinyServer(
          answer(302, { error: "moved" }, { location: `${elsewhere.url}/v0/runs/get?id=run_1` })
        )
        const runs = yield* Runs.make({ apiKey: secret, host: origin.url, retry: RetryPolicy.none })
        const error = expectTag(yield* Effect.flip(runs.get({ id: "run_1" })), "InvalidResponse")
        assert.strictEqual(error.status, 302)
        assert.strictEqual(error.method, "GET")
        assert.strictEqual(error.path, paths.get)
        assert.include(error.reason, "redirect")
        assert.isFalse(leaks(JSON.stringify(error)))
        // The origin got the key; the other origin got nothing at all.
        assert.strictEqual(origin.received.length, 1)
        assert.strictEqual(origin.received[0].headers["x-airplane-api-key"], secret)
        assert.isTrue(elsewhere.received.every((request) => request.headers["x-airplane-api-key"] === undefined))
        assert.strictEqual(elsewhere.received.length, 0)
      }).pipe(Effect.provide(http)))

    it.scopedLive(`${name}: a 307 on a POST is not followed either`, () =>
      Effect.gen(function*() {
        const elsewhere = yield* tinyServer(answer(200, {}))
        const origin = yield* tinyServer(answer(307, undefined, { location: `${elsewhere.url}/v0/runs/cancel` }))
        const runs = yield* Runs.make({ apiKey: secret, host: origin.url, retry: RetryPolicy.none })
        const error = expectTag(yield* Effect.flip(runs.cancel({ runID: "run_1" })), "InvalidResponse")
        assert.strictEqual(error.status, 307)
        assert.strictEqual(error.method, "POST")
        assert.strictEqual(elsewhere.received.length, 0)
      }).pipe(Effect.provide(http)))
  }

  const shapes: ReadonlyArray<{
    readonly name: string
    readonly body: unknown
    readonly call: (runs: Runs.Service) => Effect.Effect<unknown, RunsError.RunsError>
    readonly schemaPath: ReadonlyArray<string>
  }> = [
    {
      name: "an unknown status",
      body: { id: "run_1", status: "Exploded" },
      call: (runs) => runs.get({ id: "run_1" }),
      schemaPath: ["status"]
    },
    {
      name: "a date that is not a date",
      body: { id: "run_1", createdAt: "yesterday" },
      call: (runs) => runs.get({ id: "run_1" }),
      schemaPath: ["createdAt"]
    },
    {
      name: "a run id that is a number, deep in a page",
      body: { runs: [{ id: "run_1" }, { id: 5 }] },
      call: (runs) => runs.listPage(),
      schemaPath: ["runs", "1", "id"]
    }
  ]
  for (const { body, call, name, schemaPath } of shapes) {
    it.scopedLive(`${name}: InvalidResponse at ${schemaPath.join(".")}`, () =>
      Effect.gen(function*() {
        const api = yield* tinyServer(answer(200, body))
        const runs = yield* Runs.make({ apiKey: secret, host: api.url })
        const error = expectTag(yield* Effect.flip(call(runs)), "InvalidResponse")
        assert.strictEqual(error.status, 200)
        assert.deepStrictEqual(error.schemaPath, schemaPath)
        assert.include(error.message, `at ${schemaPath.join(".")}`)
        assert.isNotEmpty(error.reason)
        // An invalid answer is not retried.
        assert.strictEqual(api.received.length, 1)
      }).pipe(Effect.provide(FetchHttpClient.layer)))
  }

  it.scopedLive("the request id and Retry-After of an answer are kept; a body not the API's is described", () =>
    Effect.gen(function*() {
      const api = yield* tinyServer((_request, response) => {
        response.writeHead(503, { "content-type": "text/plain", "x-request-id": "req_123", "retry-after": "4" })
        response.end("upstream exploded")
      })
      const runs = yield* Runs.make({ apiKey: secret, host: api.url, retry: RetryPolicy.none })
      const error = expectTag(yield* Effect.flip(runs.get({ id: "run_1" })), "ServerError")
      assert.strictEqual(error.requestId, "req_123")
      assert.strictEqual(error.retryAfterMs, 4000)
      assert.strictEqual(error.error, "HTTP 503, not the API's error body")
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.live("a refused connection: TransportError", () =>
    Effect.gen(function*() {
      // Bind a port, then close it, so nothing listens there.
      const url = yield* Effect.scoped(Effect.map(tinyServer(answer(200, {})), (server) => server.url))
      const runs = yield* Runs.make({ apiKey: secret, host: url, retry: RetryPolicy.none })
      const error = expectTag(yield* Effect.flip(runs.get({ id: "run_1" })), "TransportError")
      assert.strictEqual(error.path, paths.get)
      assert.isFalse(leaks(JSON.stringify(error)))
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
