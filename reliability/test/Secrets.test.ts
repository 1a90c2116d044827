/**
 * Part 6, secrets: the API key's value is in no error, log line, span or serialized error (the
 * watch of every file checks that; this one adds servers that try to make it leak), it never
 * follows a redirect to another origin, and unsafe settings are refused before anything is sent.
 */
import { Runs, RunsError } from "@airplane-runs/core"
import { AirplaneRuns, InvalidRequestError, InvalidResponseError } from "@airplane-runs/promise"
import type { RunsServer } from "@airplane-runs/server"
import { FetchHttpClient } from "@effect/platform"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import { afterAll, assert, describe, it } from "vitest"
import { startServer } from "../src/Harness.js"
import * as Secrets from "../src/Secrets.js"
import { secretKey } from "../src/Settings.js"
import * as Tally from "../src/Tally.js"

const tally = Tally.row("6 secrets")

afterAll(() => {
  Tally.write(tally)
  assert.deepStrictEqual(Secrets.watch.leaks, [])
})

/** A tiny server on a free loopback port, for answers the embedded server would never give. */
const tiny = async (handler: (request: IncomingMessage, response: ServerResponse) => void) => {
  const received: Array<IncomingMessage["headers"]> = []
  const server = createServer((request, response) => {
    received.push(request.headers)
    handler(request, response)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

const core = <A>(
  host: string,
  f: (runs: Runs.Service) => Effect.Effect<A, RunsError.RunsError>,
  watchSpans = true
) =>
  Effect.runPromise(
    Effect.flip(Effect.flatMap(Runs.make({ apiKey: secretKey, host, retry: { maxAttempts: 1 } }), f)).pipe(
      Effect.provide(FetchHttpClient.layer),
      Effect.provide(watchSpans ? Secrets.layer : Layer.empty)
    )
  )

const facadeError = async (f: () => Promise<unknown>): Promise<unknown> => {
  try {
    await f()
  } catch (error) {
    return error
  }
  return assert.fail("expected a rejection")
}

/** Counts a check into the tally; `survived` when the call went through, else failed as expected. */
const count = (succeeded: boolean) => {
  tally.tried++
  if (succeeded) tally.survived++
  else tally.failedAsExpected++
}

describe("a redirect to another origin does not take the key along", () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`${status}: not followed, through core and the facade; the other origin hears nothing`, async () => {
      await using other: RunsServer.RunningServer = await startServer()
      const location = `${other.url}/v0/runs/get?id=${other.store.list({ limit: 1 })[0]!.id}`
      await using redirecting = await tiny((_, response) => {
        response.writeHead(status, { location })
        response.end()
      })
      const error = await core(redirecting.url, (runs) => runs.get({ id: "run1" }))
      Secrets.scan("redirect error", error)
      assert.strictEqual(error._tag, "InvalidResponse", error.message)
      assert.include(error.message, "redirect")
      const client = new AirplaneRuns({ apiKey: secretKey, baseUrl: redirecting.url, maxRetries: 0 })
      const thrown = await facadeError(() => client.runs.get({ id: "run1" }))
      await client.close()
      Secrets.scan("facade redirect error", thrown)
      assert.instanceOf(thrown, InvalidResponseError)
      assert.strictEqual(redirecting.received.length, 2)
      assert.strictEqual(redirecting.received[0]!["x-airplane-api-key"], secretKey)
      assert.deepStrictEqual(other.requestLog.entries(), [], "the other origin got no request")
      count(false)
    })
  }
})

describe("unsafe settings are refused before anything is sent", () => {
  const plainHosts = [
    "http://example.com",
    "http://10.0.0.1",
    "http://192.168.1.1:8080",
    "http://localhost.evil.example",
    "http://127.0.0.1.nip.io",
    "http://0.0.0.0",
    "http://[::ffff:7f00:1]",
    "ftp://127.0.0.1",
    "http://user:pass@127.0.0.1"
  ]
  for (const host of plainHosts) {
    it(`host ${host}: InvalidRequest, through core, layerConfig and the facade`, async () => {
      const error = await Effect.runPromise(
        Effect.flip(Runs.make({ apiKey: secretKey, host })).pipe(
          Effect.provide(FetchHttpClient.layer)
        )
      )
      assert.strictEqual(error._tag, "InvalidRequest")
      Secrets.scan("host error", error)
      const fromConfig = await Effect.runPromise(
        Effect.flip(Layer.build(Runs.layerConfig())).pipe(
          Effect.scoped,
          Effect.provide(FetchHttpClient.layer),
          Effect.withConfigProvider(
            ConfigProvider.fromMap(new Map([["AIRPLANE_API_KEY", secretKey], ["AIRPLANE_API_HOST", host]]))
          )
        )
      )
      assert.strictEqual((fromConfig as { _tag: string })._tag, "InvalidRequest")
      Secrets.scan("config host error", fromConfig)
      const thrown = await facadeError(async () => new AirplaneRuns({ apiKey: secretKey, baseUrl: host }))
      assert.instanceOf(thrown, InvalidRequestError)
      Secrets.scan("facade host error", thrown)
      count(false)
    })
  }

  it("plain http to loopback is allowed, https anywhere", async () => {
    for (const host of ["http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "https://api.airplane.dev"]) {
      const made = await Effect.runPromise(
        Effect.either(Runs.make({ apiKey: secretKey, host })).pipe(Effect.provide(FetchHttpClient.layer))
      )
      assert.strictEqual(made._tag, "Right", host)
      count(true)
    }
  })

  const injections = ["prod\r\nX-Injected: 1", "prod\nx", "prod\rx", "prod\u0000x"]
  for (const value of injections) {
    it(`CR, LF or NUL in the env slug, env id or key (${JSON.stringify(value)}): refused`, async () => {
      await using server = await startServer()
      for (
        const options of [{ envSlug: value }, { envId: value }, { apiKey: `${secretKey}${value}` }] as const
      ) {
        const error = await Effect.runPromise(
          Effect.flip(Runs.make({ apiKey: secretKey, host: server.url, ...options })).pipe(
            Effect.provide(FetchHttpClient.layer)
          )
        )
        assert.strictEqual(error._tag, "InvalidRequest")
        Secrets.scan("header error", error)
        const thrown = await facadeError(async () =>
          new AirplaneRuns({ apiKey: secretKey, baseUrl: server.url, ...options })
        )
        assert.instanceOf(thrown, InvalidRequestError)
        Secrets.scan("facade header error", thrown)
        count(false)
      }
      // The per-call environment of execute goes in the query, where it could split nothing;
      // still, no slug holds a control character, so it is refused before anything is sent.
      const refused = await core(server.url, (runs) => runs.execute({ slug: "nope", envSlug: value }))
      assert.strictEqual(refused._tag, "InvalidRequest")
      assert.deepStrictEqual(server.requestLog.entries(), [])
      count(false)
    })
  }
})

describe("servers that echo the key back do not get it into an error", () => {
  const echoes: ReadonlyArray<[string, (key: string) => [status: number, type: string, body: string]]> = [
    [
      "in the API's error body",
      (key) => [401, "application/json", JSON.stringify({ error: `bad key ${key}`, code: key })]
    ],
    ["in a proxy's HTML page", (key) => [502, "text/html", `<html><body>key ${key} refused</body></html>`]],
    ["in a body that is not JSON", (key) => [200, "application/json", `oops ${key}`]],
    [
      "in a field of the wrong type",
      (key) => [200, "application/json", JSON.stringify({ id: [key], status: key, runs: key })]
    ],
    ["in a request id header", (key) => [500, "application/json", JSON.stringify({ error: "x", requestId: key })]]
  ]
  for (const [where, answer] of echoes) {
    it(`${where}: the error says what happened, without the key`, async () => {
      // A key echoed in a response header reaches the platform's own `http.client` span, which
      // records every response header: that one is for the error only (see RELIABILITY.md).
      const inHeader = where.includes("header")
      await using echo = await tiny((request, response) => {
        const key = String(request.headers["x-airplane-api-key"])
        const [status, type, body] = answer(key)
        response.writeHead(status, { "content-type": type, ...(inHeader ? { "x-request-id": key } : {}) })
        response.end(body)
      })
      const calls: ReadonlyArray<(runs: Runs.Service) => Effect.Effect<unknown, RunsError.RunsError>> = [
        (runs) => runs.get({ id: "run1" }),
        (runs) => runs.listPage()
      ]
      for (const call of calls) {
        const error = await core(echo.url, call, !inHeader)
        Secrets.scan(`echo ${where}`, error)
        assert.isTrue(RunsError.isRunsError(error))
        count(false)
      }
      const client = new AirplaneRuns({ apiKey: secretKey, baseUrl: echo.url, maxRetries: 0 })
      const thrown = await facadeError(() => client.runs.get({ id: "run1" }))
      await client.close()
      Secrets.scan(`facade echo ${where}`, thrown)
      count(false)
      assert.deepStrictEqual(Secrets.watch.leaks, [])
    })
  }
})

describe("the key as the clients hold it", () => {
  it("a Redacted key prints as <redacted>; the facade's client shows no key", async () => {
    const key = Redacted.make(secretKey)
    for (const text of [String(key), inspect(key), JSON.stringify({ key })]) assert.notInclude(text, secretKey)
    const client = new AirplaneRuns({ apiKey: secretKey, baseUrl: "http://127.0.0.1:1" })
    Secrets.scan("facade client", client)
    Secrets.scan("facade runs", client.runs)
    await client.close()
    count(true)
    assert.deepStrictEqual(Secrets.watch.leaks, [])
  })
})
