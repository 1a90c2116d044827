/**
 * The clients measured side by side, each behind one small interface: `get` and `listPage`
 * run `n` calls one after another and check every answer, so no work can be skipped.
 */
import { Runs } from "@airplane-runs/core"
import { AirplaneRuns } from "@airplane-runs/promise"
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, ManagedRuntime } from "effect"
import createClient from "openapi-fetch"
import { Agent, request } from "undici"
import * as FacadeUndici from "../../packages/promise/src/internal/undiciHttpClient.js"
import type { paths } from "./generated/airplane-openapi.js"
import type { ServerInfo } from "./server.js"

export interface Subject {
  readonly name: string
  readonly get: (n: number) => Promise<void>
  readonly listPage: (n: number) => Promise<void>
  readonly close: () => Promise<void>
}

export interface Target {
  readonly server: ServerInfo
  /** A run that `get` asks for. */
  readonly runId: string
  /** Runs per page of `listPage`. */
  readonly limit: number
}

const check = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`bench: unexpected answer from ${what}`)
}

const headersOf = (server: ServerInfo) => ({ "x-airplane-api-key": server.apiKey, accept: "application/json" })

/** `fetch` and `JSON.parse`, nothing checked but the status: the floor for a fetch-based client. */
export const rawFetch = ({ limit, runId, server }: Target): Subject => {
  const headers = headersOf(server)
  const getUrl = `${server.apiUrl}/runs/get?id=${encodeURIComponent(runId)}`
  const listUrl = `${server.apiUrl}/runs/list?limit=${limit}&page=0`
  return {
    name: "rawFetch",
    get: async (n) => {
      for (let i = 0; i < n; i++) {
        const response = await fetch(getUrl, { headers })
        check(response.ok && (JSON.parse(await response.text()) as { id: string }).id === runId, "rawFetch")
      }
    },
    listPage: async (n) => {
      for (let i = 0; i < n; i++) {
        const response = await fetch(listUrl, { headers })
        check(response.ok && (JSON.parse(await response.text()) as { runs: Array<unknown> }).runs.length === limit, "")
      }
    },
    close: async () => {}
  }
}

/** `undici.request` and `JSON.parse`: the floor for any client in Node. */
export const rawUndici = ({ limit, runId, server }: Target): Subject => {
  const headers = headersOf(server)
  const agent = new Agent()
  const getUrl = `${server.apiUrl}/runs/get?id=${encodeURIComponent(runId)}`
  const listUrl = `${server.apiUrl}/runs/list?limit=${limit}&page=0`
  return {
    name: "rawUndici",
    get: async (n) => {
      for (let i = 0; i < n; i++) {
        const response = await request(getUrl, { headers, dispatcher: agent })
        const body = JSON.parse(await response.body.text()) as { id: string }
        check(response.statusCode === 200 && body.id === runId, "rawUndici")
      }
    },
    listPage: async (n) => {
      for (let i = 0; i < n; i++) {
        const response = await request(listUrl, { headers, dispatcher: agent })
        const body = JSON.parse(await response.body.text()) as { runs: Array<unknown> }
        check(response.statusCode === 200 && body.runs.length === limit, "rawUndici")
      }
    },
    close: () => agent.close()
  }
}

/** What a user would pick instead of us: a client generated from the OpenAPI document, types only. */
export const openapiFetch = ({ limit, runId, server }: Target): Subject => {
  const client = createClient<paths>({ baseUrl: server.apiUrl, headers: headersOf(server) })
  return {
    name: "openapiFetch",
    get: async (n) => {
      for (let i = 0; i < n; i++) {
        const { data } = await client.GET("/runs/get", { params: { query: { id: runId } } })
        check(data?.id === runId, "openapiFetch")
      }
    },
    listPage: async (n) => {
      for (let i = 0; i < n; i++) {
        const { data } = await client.GET("/runs/list", { params: { query: { limit, page: 0 } } })
        check(data?.runs?.length === limit, "openapiFetch")
      }
    },
    close: async () => {}
  }
}

/**
 * The Effect client over an HttpClient layer, driven as an Effect program drives it: a loop
 * inside one Effect, so the cost measured is the client's, not that of entering the runtime.
 */
export const core = (
  name: string,
  http: Layer.Layer<HttpClient.HttpClient>,
  { limit, runId, server }: Target
): Subject => {
  const runtime = ManagedRuntime.make(
    Runs.layer({ apiKey: server.apiKey, host: server.url }).pipe(
      Layer.provide(http),
      Layer.orDie
    )
  )
  const loop = <A>(n: number, call: (runs: Runs.Service) => Effect.Effect<A, unknown>, ok: (a: A) => boolean) =>
    runtime.runPromise(Effect.flatMap(Runs.Runs, (runs) =>
      Effect.repeatN(
        Effect.flatMap(call(runs), (a) => (ok(a) ? Effect.void : Effect.die(new Error(`bench: ${name}`)))),
        n - 1
      )))
  return {
    name,
    get: (n) => loop(n, (runs) => runs.get({ id: runId }), (run) => run.id === runId),
    listPage: (n) => loop(n, (runs) => runs.listPage({ limit, page: 0 }), (page) => page.runs.length === limit),
    close: () => runtime.dispose()
  }
}

export const coreFetch = (target: Target) => core("coreFetch", FetchHttpClient.layer, target)
export const coreUndici = (target: Target) => core("coreUndici", NodeHttpClient.layerUndici, target)
/** The core over the facade's own undici client: the facade's cost without the Promise layer. */
export const coreFacadeUndici = (target: Target) => core("coreFacadeUndici", FacadeUndici.layer, target)

/** The Promise facade, with its default transport unless given a `fetch`. */
export const promise = (
  name: string,
  { limit, runId, server }: Target,
  fetch?: typeof globalThis.fetch
): Subject => {
  const client = new AirplaneRuns({ apiKey: server.apiKey, baseUrl: server.url, ...(fetch ? { fetch } : {}) })
  const list = client.runs.list({ limit })
  return {
    name,
    get: async (n) => {
      for (let i = 0; i < n; i++) check((await client.runs.get({ id: runId })).id === runId, name)
    },
    listPage: async (n) => {
      for (let i = 0; i < n; i++) check((await list.page(0)).runs.length === limit, name)
    },
    close: () => client.close()
  }
}

/** Every subject of the overhead figure, the six first. */
export const all = (target: Target): ReadonlyArray<Subject> => [
  rawFetch(target),
  rawUndici(target),
  openapiFetch(target),
  coreFetch(target),
  coreUndici(target),
  promise("promise", target),
  coreFacadeUndici(target),
  promise("promiseFetch", target, globalThis.fetch)
]
