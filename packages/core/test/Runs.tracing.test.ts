/**
 * Tracing: a call is traced when its spans have somewhere to go (an installed tracer, or a
 * trace to carry on), and costs nothing for it otherwise. Over real HTTP, on both transports:
 * what reaches the API in `traceparent` says which.
 */
import { Runs } from "@airplane-runs/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { clients } from "./utils/clients.js"
import { recordingTracer, tinyServer } from "./utils/server.js"

const traceIdOf = (traceparent: unknown) => String(traceparent).split("-")[1]

for (const [transport, client] of clients) {
  describe(`tracing (${transport})`, () => {
    const withRun = <A, E>(use: (runs: Runs.Service, received: () => ReadonlyArray<unknown>) => Effect.Effect<A, E>) =>
      Effect.gen(function*() {
        const api = yield* tinyServer((_, response) => {
          response.writeHead(200, { "content-type": "application/json" })
          response.end(JSON.stringify({ id: "run_1", status: "Succeeded" }))
        })
        const runs = yield* Runs.make({ apiKey: "tkn_trace", host: api.url })
        return yield* use(runs, () => api.received.map((request) => request.headers["traceparent"]))
      }).pipe(Effect.scoped, Effect.provide(client))

    it.effect("with a tracer installed, each call is a span whose trace the request carries", () => {
      const { spans, tracer } = recordingTracer()
      return withRun((runs, traceparents) =>
        Effect.gen(function*() {
          yield* runs.get({ id: "run_1" })
          const call = spans.find((span) => span.name === "Runs.get")
          assert.isDefined(call)
          assert.strictEqual(call!.kind, "client")
          assert.isTrue(spans.some((span) => span.name.startsWith("http.client")), "the platform's span")
          assert.strictEqual(traceIdOf(traceparents()[0]), call!.traceId)
        })
      ).pipe(Effect.provide(Layer.setTracer(tracer)))
    })

    it.effect("with no tracer installed and no trace to carry on, no span is made and none is sent", () =>
      withRun((runs, traceparents) =>
        Effect.gen(function*() {
          yield* runs.get({ id: "run_1" })
          yield* runs.awaitCompletion({ id: "run_1" })
          assert.deepStrictEqual(traceparents(), [undefined, undefined])
        })
      ))

    it.effect("with no tracer installed, a caller's span is still carried on to the API", () =>
      withRun((runs, traceparents) =>
        Effect.gen(function*() {
          const parent = yield* Effect.currentSpan.pipe(
            Effect.zipLeft(runs.get({ id: "run_1" })),
            Effect.withSpan("handler")
          )
          assert.strictEqual(traceIdOf(traceparents()[0]), parent.traceId)
        })
      ))
  })
}
