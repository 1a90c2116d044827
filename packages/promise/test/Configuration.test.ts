/**
 * How the constructor reads its options and the environment, and how it reports options it
 * cannot use: named as the caller wrote them (`baseUrl`, or the variable the value came from),
 * never in core's names or wording.
 */
import { Runs } from "@airplane-runs/core"
import { AirplaneRuns, InvalidRequestError } from "@airplane-runs/promise"
import type { RunsServer } from "@airplane-runs/server"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer } from "effect"
import { inspect } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { withEnv } from "./utils/env.js"
import { apiRequests, fresh, seededRun, startServer } from "./utils/server.js"

let server: RunsServer.RunningServer

beforeAll(async () => {
  server = await startServer({ seed: { runs: 20 } })
})

afterAll(async () => {
  await server?.stop()
})

// None of the client's variables is set unless a test sets it.
const unset = {
  AIRPLANE_API_KEY: undefined,
  AIRPLANE_API_HOST: undefined,
  AIRPLANE_ENV_SLUG: undefined,
  AIRPLANE_ENV_ID: undefined
}

const key = "tkn_configuration_test_5e1d"

/** What the constructor threw, checked to be the facade's error in the facade's words. */
const refused = (make: () => unknown): InvalidRequestError => {
  let thrown: unknown
  try {
    make()
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(InvalidRequestError)
  const error = thrown as InvalidRequestError
  for (const text of [error.message, inspect(error, { depth: 10 })]) {
    // Core's wording and core's name for the origin reach no caller of the facade.
    expect(text).not.toMatch(/\bconfigure\b/i)
    expect(text).not.toMatch(/(^|[^\w])host:/)
    expect(text).not.toContain(key)
  }
  return error
}

describe("unusable options are named as the caller wrote them", () => {
  it("a baseUrl without a scheme: says baseUrl, that the scheme is missing, and the fix", async () => {
    await withEnv(unset, () => {
      const error = refused(() => new AirplaneRuns({ apiKey: key, baseUrl: "localhost:4010" }))
      expect(error.message).toMatch(/baseUrl: "localhost:4010" has no scheme/)
      expect(error.message).toContain("http://localhost:4010")
    })
  })

  it("AIRPLANE_API_HOST without a scheme: says AIRPLANE_API_HOST, not baseUrl", async () => {
    await withEnv({ ...unset, AIRPLANE_API_HOST: "localhost:4010" }, () => {
      const error = refused(() => new AirplaneRuns({ apiKey: key }))
      expect(error.message).toMatch(/AIRPLANE_API_HOST: "localhost:4010" has no scheme/)
      expect(error.message).not.toContain("baseUrl")
    })
  })

  it("a baseUrl wins over AIRPLANE_API_HOST, and is the one named", async () => {
    await withEnv({ ...unset, AIRPLANE_API_HOST: server.url }, () => {
      const error = refused(() => new AirplaneRuns({ apiKey: key, baseUrl: "http://example.com" }))
      expect(error.message).toMatch(/baseUrl: http:\/\/example\.com is plain http/)
      expect(error.message).not.toContain("AIRPLANE_API_HOST")
    })
  })

  it("envSlug, envId and the key: the option when passed, the variable when read from the environment", async () => {
    await withEnv(unset, () => {
      expect(refused(() => new AirplaneRuns({ apiKey: key, baseUrl: server.url, envSlug: "a\nb" })).message)
        .toMatch(/envSlug: must not contain CR, LF or NUL/)
      expect(refused(() => new AirplaneRuns({ apiKey: key, baseUrl: server.url, envId: "a\rb" })).message)
        .toMatch(/envId: must not contain CR, LF or NUL/)
      expect(refused(() => new AirplaneRuns({ apiKey: `${key}\n`, baseUrl: server.url })).message)
        .toMatch(/apiKey: must not contain CR, LF or NUL/)
    })
    await withEnv(
      { ...unset, AIRPLANE_ENV_SLUG: "a\nb", AIRPLANE_ENV_ID: "c\rd", AIRPLANE_API_KEY: `${key}\n` },
      () => {
        const error = refused(() => new AirplaneRuns({ baseUrl: server.url }))
        expect(error.message).toMatch(/AIRPLANE_ENV_SLUG: must not contain CR, LF or NUL/)
        expect(error.message).toMatch(/AIRPLANE_ENV_ID: must not contain CR, LF or NUL/)
        expect(error.message).toMatch(/AIRPLANE_API_KEY: must not contain CR, LF or NUL/)
        expect(error.message).not.toMatch(/(^|[^_])(envSlug|envId|apiKey):/)
      }
    )
  })

  it("every problem at once, each option under its own name", async () => {
    await withEnv(unset, () => {
      const error = refused(() =>
        new AirplaneRuns({ apiKey: key, baseUrl: "ftp://example.com", prefetch: -1, maxResponseBytes: 0 })
      )
      expect(error.message).toMatch(/^Unusable client options: /)
      expect(error.message).toMatch(/baseUrl: ftp:\/\/example\.com/)
      expect(error.message).toMatch(/prefetch: /)
      expect(error.message).toMatch(/maxResponseBytes: /)
    })
  })
})

/** Every URL a `fetch` was asked for, answering each with the run it names. */
const recordingFetch = () => {
  const requests: Array<Request> = []
  const fetch: typeof globalThis.fetch = (input, init) => {
    const request = new Request(input, init)
    requests.push(request)
    const id = new URL(request.url).searchParams.get("id")
    return Promise.resolve(Response.json({ id, status: "Succeeded" }))
  }
  return { requests, fetch }
}

/** Gets a run through core's `Runs.layerConfig`, which reads the environment, over this `fetch`. */
const getThroughCore = (fetch: typeof globalThis.fetch, id: string) =>
  Effect.runPromise(
    Effect.flatMap(Runs.Runs, (runs) => runs.get({ id })).pipe(
      Effect.provide(
        Runs.layerConfig({ retry: { maxAttempts: 1 } }).pipe(
          Layer.provide(FetchHttpClient.layer),
          Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch))
        )
      )
    )
  )

describe("the environment, read once by core's Runs.config", () => {
  it("an empty AIRPLANE_API_HOST is unset, in core and the facade alike: both call https://api.airplane.dev", async () => {
    await withEnv({ ...unset, AIRPLANE_API_KEY: key, AIRPLANE_API_HOST: "" }, async () => {
      const facade = recordingFetch()
      await using client = new AirplaneRuns({ fetch: facade.fetch, maxRetries: 0 })
      await client.runs.get({ id: "run_one" })
      const core = recordingFetch()
      await getThroughCore(core.fetch, "run_one")
      expect(facade.requests.map((request) => request.url)).toEqual(["https://api.airplane.dev/v0/runs/get?id=run_one"])
      expect(core.requests.map((request) => request.url)).toEqual(facade.requests.map((request) => request.url))
    })
  })

  it("an empty AIRPLANE_ENV_SLUG or AIRPLANE_ENV_ID is unset, in core and the facade alike: no header", async () => {
    fresh(server)
    const run = seededRun(server, "Succeeded")
    await withEnv(
      { AIRPLANE_API_KEY: server.apiKey, AIRPLANE_API_HOST: server.url, AIRPLANE_ENV_SLUG: "", AIRPLANE_ENV_ID: "" },
      async () => {
        await using client = new AirplaneRuns({ maxRetries: 0 })
        expect((await client.runs.get({ id: run.id! })).id).toBe(run.id)
        expect((await getThroughCore(globalThis.fetch, run.id!)).id).toBe(run.id)
      }
    )
    const requests = apiRequests(server)
    expect(requests).toHaveLength(2)
    for (const request of requests) {
      expect(request.status).toBe(200)
      expect(request.headers).not.toHaveProperty("x-airplane-env-slug")
      expect(request.headers).not.toHaveProperty("x-airplane-env-id")
    }
  })

  it("a set AIRPLANE_ENV_ID is sent, and options win over every variable", async () => {
    fresh(server)
    const run = seededRun(server, "Succeeded")
    await withEnv(
      { AIRPLANE_API_KEY: "tkn_wrong", AIRPLANE_API_HOST: "https://api.airplane.dev", AIRPLANE_ENV_ID: "env_from_env" },
      async () => {
        await using fromEnv = new AirplaneRuns({ apiKey: server.apiKey, baseUrl: server.url, maxRetries: 0 })
        await fromEnv.runs.get({ id: run.id! })
        await using explicit = new AirplaneRuns({
          apiKey: server.apiKey,
          baseUrl: server.url,
          envId: "env_from_options",
          maxRetries: 0
        })
        await explicit.runs.get({ id: run.id! })
      }
    )
    expect(apiRequests(server).map((request) => [request.status, request.headers["x-airplane-env-id"]])).toEqual([
      [200, "env_from_env"],
      [200, "env_from_options"]
    ])
  })

  it("without a key anywhere (or an empty one), says to pass apiKey or set AIRPLANE_API_KEY", async () => {
    for (const variable of [undefined, ""]) {
      await withEnv({ ...unset, AIRPLANE_API_KEY: variable }, () => {
        const error = refused(() => new AirplaneRuns({ baseUrl: server.url }))
        expect(error.message).toMatch(/apiKey/)
        expect(error.message).toMatch(/AIRPLANE_API_KEY/)
      })
    }
  })
})
