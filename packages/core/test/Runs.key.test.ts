/**
 * The key echoed back in the answer's headers, under names no redaction list knows: it must
 * reach no span, log line or error, while the platform's `http.client` span still lists the
 * headers (one span per attempt, trace context sent).
 */
import { RetryPolicy, Runs } from "@airplane-runs/core"
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger, LogLevel } from "effect"
import { inspect } from "node:util"
import { capturingLogger, recordingTracer, tinyServer } from "./utils/server.js"

const key = "tkn_SECRET_echo_7b3e9d"
const leaks = (text: string) => text.includes(key) || text.includes("SECRET_echo")

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["fetch", FetchHttpClient.layer],
  ["undici", NodeHttpClient.layerUndici]
]

describe("a key echoed in response headers", () => {
  for (const [name, http] of clients) {
    it.scopedLive(`${name}: reaches no span, log or error, whatever the header's name`, () =>
      Effect.gen(function*() {
        let calls = 0
        const api = yield* tinyServer((request, response) => {
          calls++
          const echoed = request.headers["x-airplane-api-key"] as string
          response.writeHead(calls === 1 ? 503 : 200, {
            "content-type": "application/json",
            "x-debug": `key=${echoed}; region=eu`,
            "x-echo-api-key": echoed,
            "x-request-id": `req_${echoed}`,
            "x-plain": "kept"
          })
          response.end(JSON.stringify(calls === 1 ? { error: `bad ${echoed}` } : { id: "run_1", status: "Succeeded" }))
        })
        const { spans, tracer } = recordingTracer()
        const { layer: logger, lines } = capturingLogger()
        const runs = yield* Runs.make({
          apiKey: key,
          host: api.url,
          retry: RetryPolicy.make({ initialDelay: "1 millis" })
        })
        const run = yield* runs.get({ id: "run_1" }).pipe(
          Effect.withTracer(tracer),
          Logger.withMinimumLogLevel(LogLevel.Debug),
          Effect.provide(logger)
        )
        assert.strictEqual(run.id, "run_1")

        const httpSpans = spans.filter((span) => span.kind === "client" && span.name.startsWith("http.client"))
        assert.strictEqual(httpSpans.length, 2, "one http.client span per attempt, not two")
        for (const span of httpSpans) {
          assert.strictEqual(span.attributes.get("http.response.header.x-plain"), "kept")
          assert.include(String(span.attributes.get("http.response.header.x-debug")), "region=eu")
          for (const [attribute, value] of span.attributes) {
            assert.isFalse(leaks(`${attribute}=${String(value)}`), `${span.name} ${attribute}`)
          }
        }
        for (const span of spans) {
          for (const [attribute, value] of span.attributes) assert.isFalse(leaks(String(value)), attribute)
        }
        // The trace context still reaches the API, from the span that lists the headers.
        assert.match(String(api.received[0].headers["traceparent"]), /^00-/)
        assert.isNotEmpty(lines, "the retry was logged")
        for (const line of lines) assert.isFalse(leaks(line), line)

        // An error built from such an answer holds no key either.
        calls = 0
        const error = yield* Effect.flip(runs.get({ id: "run_1" }, { retry: RetryPolicy.none }))
        assert.strictEqual(error._tag, "ServerError")
        for (const shown of [JSON.stringify(error), inspect(error, { depth: 10 }), error.message]) {
          assert.isFalse(leaks(shown), shown)
        }
      }).pipe(Effect.provide(http)))
  }
})
