/**
 * The facade's default transport on Node, over real HTTP: the embedded server for the API's
 * answers, a tiny `node:http` server for what the embedded one cannot do (redirects, a
 * request held open to be aborted).
 */
import { AirplaneRuns, TimeoutError, TransportError } from "@airplane-runs/promise"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import * as UndiciHttpClient from "../src/internal/undiciHttpClient.js"
import { rejection, seededRun, startServer } from "./utils/server.js"

const embedded = Effect.acquireRelease(
  Effect.promise(() => startServer({ seed: { runs: 120 } })),
  (server) => Effect.promise(() => server.stop())
)

interface Tiny {
  readonly url: string
  readonly received: Array<IncomingMessage>
  /** Requests whose connection closed before an answer was sent. */
  readonly closedEarly: Array<string>
}

/** A loopback server with this handler, closed with the scope. */
const tiny = (handler: (request: IncomingMessage, response: ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<Tiny & { readonly close: () => void }>((resume) => {
      const received: Array<IncomingMessage> = []
      const closedEarly: Array<string> = []
      const server = createServer((request, response) => {
        received.push(request)
        response.on("close", () => {
          if (!response.writableFinished) closedEarly.push(request.url ?? "")
        })
        handler(request, response)
      })
      server.listen(0, "127.0.0.1", () => {
        resume(Effect.succeed({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          received,
          closedEarly,
          close: () => {
            server.closeAllConnections()
            server.close()
          }
        }))
      })
    }),
    (server) => Effect.sync(server.close)
  )

const realSleep = (ms: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, ms)))

const withClient = <A, E>(f: (client: HttpClient.HttpClient) => Effect.Effect<A, E>) =>
  Effect.flatMap(HttpClient.HttpClient, f).pipe(Effect.provide(UndiciHttpClient.layer))

describe("the undici HttpClient", () => {
  it.scopedLive("sends method, query and headers, and reads status, headers and body", () =>
    Effect.gen(function*() {
      const server = yield* embedded
      const run = seededRun(server, "Succeeded")
      const response = yield* withClient((client) =>
        client.execute(
          HttpClientRequest.get(`${server.apiUrl}/runs/get`, {
            urlParams: { id: run.id! },
            headers: { "x-airplane-api-key": server.apiKey, "x-trace": "one" }
          })
        ).pipe(Effect.flatMap((response) => Effect.map(response.json, (body) => ({ response, body }))))
      )
      assert.strictEqual(response.response.status, 200)
      assert.include(response.response.headers["content-type"], "application/json")
      assert.strictEqual((response.body as { id: string }).id, run.id)
      const logged = server.requestLog.entries().at(-1)!
      assert.strictEqual(logged.path, "/v0/runs/get")
      assert.strictEqual(logged.headers["x-trace"], "one")
    }))

  it.scopedLive("answers an error status as a response, body and all", () =>
    Effect.gen(function*() {
      const server = yield* embedded
      const { status, text } = yield* withClient((client) =>
        client.get(`${server.apiUrl}/runs/get`, {
          urlParams: { id: "run_missing" },
          headers: { "x-airplane-api-key": server.apiKey }
        }).pipe(Effect.flatMap((response) => Effect.map(response.text, (text) => ({ status: response.status, text }))))
      )
      assert.strictEqual(status, 404)
      assert.include(text, "run_not_found")
    }))

  it.scopedLive("sends a POST body", () =>
    Effect.gen(function*() {
      const server = yield* embedded
      const body = yield* withClient((client) =>
        client.execute(
          HttpClientRequest.post(`${server.apiUrl}/tasks/execute`, {
            headers: { "x-airplane-api-key": server.apiKey, "idempotency-key": "k-1" }
          }).pipe(HttpClientRequest.bodyUnsafeJson({ slug: "hello_world", paramValues: { name: "Ada" } }))
        ).pipe(Effect.flatMap((response) => response.json))
      )
      const runID = (body as { runID: string }).runID
      assert.deepStrictEqual(server.store.get(runID)?.paramValues, { name: "Ada" })
    }))

  it.scopedLive("does not follow a redirect", () =>
    Effect.gen(function*() {
      const elsewhere = yield* tiny((_, response) => response.end("{}"))
      const origin = yield* tiny((_, response) => {
        response.writeHead(302, { location: `${elsewhere.url}/v0/runs/get` })
        response.end()
      })
      const status = yield* withClient((client) =>
        Effect.map(client.get(`${origin.url}/v0/runs/get`), (response) => response.status)
      )
      assert.strictEqual(status, 302)
      assert.strictEqual(origin.received.length, 1)
      assert.strictEqual(elsewhere.received.length, 0)
    }))

  it.scopedLive("an interrupted request is aborted: the server sees its connection close", () =>
    Effect.gen(function*() {
      // Holds every request open and never answers.
      const server = yield* tiny(() => {})
      const fiber = yield* Effect.fork(withClient((client) => client.get(`${server.url}/hold`)))
      for (let i = 0; i < 400 && server.received.length === 0; i++) yield* realSleep(5)
      assert.strictEqual(server.received.length, 1)
      yield* Fiber.interrupt(fiber)
      for (let i = 0; i < 400 && server.closedEarly.length === 0; i++) yield* realSleep(5)
      assert.deepStrictEqual(server.closedEarly, ["/hold"])
    }))

  it.scopedLive("a body cut off mid-way fails the read with a ResponseError", () =>
    Effect.gen(function*() {
      const server = yield* embedded
      server.faults.add({ route: "runs/list", kind: "resetMidBody", times: 1 })
      const error = yield* withClient((client) =>
        client.get(`${server.apiUrl}/runs/list`, { headers: { "x-airplane-api-key": server.apiKey } }).pipe(
          Effect.flatMap((response) => response.text),
          Effect.flip
        )
      )
      assert.strictEqual(error._tag, "ResponseError")
      assert.strictEqual(error.reason, "Decode")
    }))
})

describe("the facade's default transport on Node", () => {
  it.scopedLive("is not fetch: calls succeed with the global fetch broken", () =>
    Effect.gen(function*() {
      const server = yield* embedded
      const run = seededRun(server, "Succeeded")
      const original = globalThis.fetch
      const fetchCalls: Array<unknown> = []
      yield* Effect.acquireRelease(
        Effect.sync(() => {
          globalThis.fetch = (input) => {
            fetchCalls.push(input)
            return Promise.reject(new Error("the global fetch must not be used"))
          }
        }),
        () => Effect.sync(() => (globalThis.fetch = original))
      )
      const client = yield* Effect.acquireRelease(
        Effect.sync(() => new AirplaneRuns({ apiKey: server.apiKey, baseUrl: server.url, maxRetries: 0 })),
        (client) => Effect.promise(() => client.close())
      )
      const got = yield* Effect.promise(() => client.runs.get({ id: run.id! }))
      assert.strictEqual(got.id, run.id)
      assert.strictEqual(fetchCalls.length, 0)
      // The `fetch` option still selects fetch, that fetch.
      const viaFetch = new AirplaneRuns({ apiKey: server.apiKey, baseUrl: server.url, maxRetries: 0, fetch: original })
      yield* Effect.addFinalizer(() => Effect.promise(() => viaFetch.close()))
      const before = server.requestLog.entries().length
      assert.strictEqual((yield* Effect.promise(() => viaFetch.runs.get({ id: run.id! }))).id, run.id)
      assert.strictEqual(server.requestLog.entries().length, before + 1)
    }))

  it.scopedLive("keeps the core's guarantees: timeouts, and a reset mid-body is a TransportError", () =>
    Effect.gen(function*() {
      const server = yield* embedded
      const run = seededRun(server, "Succeeded")
      const client = yield* Effect.acquireRelease(
        Effect.sync(() => new AirplaneRuns({ apiKey: server.apiKey, baseUrl: server.url, maxRetries: 0 })),
        (client) => Effect.promise(() => client.close())
      )
      server.faults.add({ route: "runs/get", kind: "slow", delayMs: 2_000, times: 1 })
      const timedOut = yield* Effect.promise(() => rejection(client.runs.get({ id: run.id! }, { timeoutMs: 50 })))
      assert.instanceOf(timedOut, TimeoutError)
      server.faults.clear()
      server.faults.add({ route: "runs/list", kind: "resetMidBody", times: 1 })
      const reset = yield* Effect.promise(() => rejection(client.runs.list().page(0)))
      assert.instanceOf(reset, TransportError)
    }))
})
