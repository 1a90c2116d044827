import { RetryPolicy, Runs, RunsError } from "@airplane-runs/core"
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { inspect } from "node:util"
import { clients } from "./utils/clients.js"
import { tinyServer } from "./utils/server.js"

const secret = "tkn_limits_test_secret_0d9e"

const invalidResponse = (error: RunsError.RunsError): RunsError.InvalidResponse => {
  assert.strictEqual(error._tag, "InvalidResponse", error.message)
  return error as RunsError.InvalidResponse
}

describe("the response size cap", () => {
  for (const [name, http] of clients) {
    it.scopedLive(`${name}: a body over maxResponseBytes fails with InvalidResponse, declared or streamed`, () =>
      Effect.gen(function*() {
        const big = `{"id": "run_1", "padding": "${"x".repeat(4096)}"}`
        const declared = yield* tinyServer((_, response) => {
          response.writeHead(200, { "content-type": "application/json", "content-length": String(big.length) })
          response.end(big)
        })
        // No content-length: the size shows only while reading, and reading stops past the cap.
        const streamed = yield* tinyServer((_, response) => {
          response.writeHead(200, { "content-type": "application/json" })
          response.write("{\"id\": \"run_1\", \"padding\": \"")
          for (let i = 0; i < 64; i++) response.write("x".repeat(4096))
          response.end("\"}")
        })
        for (const server of [declared, streamed]) {
          const runs = yield* Runs.make({
            apiKey: secret,
            host: server.url,
            retry: RetryPolicy.none,
            maxResponseBytes: 1024
          })
          const error = invalidResponse(yield* Effect.flip(runs.get({ id: "run_1" })))
          assert.include(error.reason, "larger than the cap of 1024 bytes")
          assert.strictEqual(error.status, 200)
          // Not an answer that may pass if tried again.
          assert.isFalse(RetryPolicy.isRetryable(error))
          // Within the cap, the same answer reads.
          const roomy = yield* Runs.make({ apiKey: secret, host: server.url, maxResponseBytes: 1024 * 1024 })
          assert.strictEqual((yield* roomy.get({ id: "run_1" })).id, "run_1")
        }
      }).pipe(Effect.provide(http)))
  }

  for (const [name, http] of clients) {
    it.scopedLive(`${name}: an answer without a body reads as an empty one`, () =>
      Effect.gen(function*() {
        for (const status of [204, 304]) {
          const server = yield* tinyServer((_, response) => {
            response.writeHead(status)
            response.end()
          })
          const runs = yield* Runs.make({ apiKey: secret, host: server.url, retry: RetryPolicy.none })
          // cancel documents no body: an empty 2xx is its success.
          const cancelled = yield* Effect.either(runs.cancel({ runID: "run_1" }))
          if (status === 204) assert.strictEqual(cancelled._tag, "Right")
          else assert.strictEqual(cancelled._tag === "Left" ? cancelled.left._tag : "none", "InvalidResponse")
          const error = invalidResponse(yield* Effect.flip(runs.get({ id: "run_1" })))
          assert.strictEqual(error.status, status)
        }
      }).pipe(Effect.provide(http)))
  }

  it.effect("refuses a cap that is not a whole number of 1 or more", () =>
    Effect.gen(function*() {
      for (const maxResponseBytes of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        const error = yield* Effect.flip(Runs.make({ apiKey: secret, host: "http://127.0.0.1:1", maxResponseBytes }))
        assert.strictEqual(error._tag, "InvalidRequest")
        assert.include(error.message, "maxResponseBytes")
      }
      assert.strictEqual(Runs.defaultMaxResponseBytes, 32 * 1024 * 1024)
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})

describe("an answer that quotes the key back", () => {
  const quotes: ReadonlyArray<readonly [string, number, Record<string, string>, (key: string) => string]> = [
    ["the API's error and code", 401, {}, (key) => JSON.stringify({ error: `bad key ${key}`, code: key })],
    ["a request id", 500, { "x-request-id": "KEY" }, () => JSON.stringify({ error: "failed" })],
    ["a body that is not JSON", 200, {}, (key) => `not json ${key}`],
    ["a field of the wrong type", 200, {}, (key) => JSON.stringify({ id: [key] })]
  ]
  for (const [where, status, headers, body] of quotes) {
    it.scopedLive(`in ${where}: the error keeps what happened, not the key`, () =>
      Effect.gen(function*() {
        const server = yield* tinyServer((request, response) => {
          const key = String(request.headers["x-airplane-api-key"])
          response.writeHead(status, {
            "content-type": "application/json",
            ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.replace("KEY", key)]))
          })
          response.end(body(key))
        })
        const runs = yield* Runs.make({ apiKey: secret, host: server.url, retry: RetryPolicy.none })
        const error = yield* Effect.flip(runs.get({ id: "run_1" }))
        assert.strictEqual(server.received[0]!.headers["x-airplane-api-key"], secret)
        assert.isTrue(RunsError.isRunsError(error))
        for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 5 }), String(error.stack)]) {
          assert.notInclude(text, secret)
        }
        if (status === 401) assert.include((error as RunsError.Unauthorized).error, "bad key <redacted>")
      }).pipe(Effect.provide(FetchHttpClient.layer)))
  }
})
