/**
 * The embedded Airplane Runs API server: the API of the contract over an in-memory store,
 * with scripted faults, a request log, the OpenAPI document and Swagger UI. It plays the real
 * API on a laptop, in tests and in CI.
 *
 * From Effect, provide `RunsServer.layer()` and `yield* RunsServer` for its URL, key and
 * controls; from plain async code, `await RunsServer.start()` and `await server.stop()`.
 *
 * @since 0.1.0
 */
import { Endpoints, RunsApi } from "@airplane-runs/contract"
import {
  FetchHttpClient,
  Headers as HttpHeaders,
  HttpApi,
  HttpApiBuilder,
  HttpApiSwagger,
  HttpApp,
  type HttpRouter,
  HttpServer,
  OpenApi
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import type { ServeError } from "@effect/platform/HttpServerError"
import { Context, Effect, Layer, ManagedRuntime, type ParseResult } from "effect"
import { createServer, type Server } from "node:http"
import * as Faults from "./Faults.js"
import * as admin from "./internal/admin.js"
import * as gateway from "./internal/gateway.js"
import * as handlers from "./internal/handlers.js"
import * as ApiHeaders from "./internal/headers.js"
import * as Reset from "./internal/reset.js"
import * as RequestLog from "./RequestLog.js"
import * as RunStore from "./RunStore.js"

/**
 * The API key the server accepts when no other is configured.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultApiKey = "tkn_embedded_test_key"

/**
 * The interface the server listens on when no other is configured: loopback only, so a server
 * started for tests or development is not reachable from the network.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultHost = "127.0.0.1"

/**
 * How to run the server. Every option has a default: `start()` alone serves 500 seeded runs of
 * the last 30 days on a free loopback port and accepts {@link defaultApiKey}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The port; 0 (the default) picks a free one. */
  readonly port?: number | undefined
  /** The interface to listen on. Default {@link defaultHost}, `127.0.0.1`. */
  readonly host?: string | undefined
  /** The API keys the server accepts. Default `[defaultApiKey]`. */
  readonly apiKeys?: ReadonlyArray<string> | undefined
  /**
   * The seeded data set: by default 500 runs of 5 tasks over the 30 days up to the server's
   * start (`RunStore.defaultSeed`). Pin `seed.until` for the same data on every run.
   */
  readonly seed?: RunStore.SeedOptions | undefined
  /** The delays of runs that `tasks/execute` starts. */
  readonly lifecycle?: RunStore.LifecycleOptions | undefined
  /**
   * How timestamps are written: `"mixed"` (the default) answers a quarter of the seeded runs
   * in Postgres text (`2022-01-11 22:32:45.601486+00`, as the API's own examples) and the
   * rest in RFC 3339; `"postgres"` or `"rfc3339"` answers every timestamp so.
   */
  readonly timestamps?: RunStore.TimestampFormat | "mixed" | undefined
  /**
   * The store's clock: `"effect"` (the default) reads the `Clock` of the layer's context,
   * which is real time unless a test provides `TestClock`; `"manual"` starts at `manualStart`
   * (default the seed's `until`, else the real time the server starts) and moves only with
   * `advance`. Either way the seeded window ends at the clock's start unless `seed.until` says.
   */
  readonly clock?: "effect" | "manual" | undefined
  readonly manualStart?: Date | undefined
  /** Faults in force from the start. */
  readonly faults?: ReadonlyArray<Faults.FaultSpec> | undefined
  /** Milliseconds added before every API answer. Default 0. */
  readonly latencyMs?: number | undefined
  /** How many requests the log keeps. Default 10,000. */
  readonly logCapacity?: number | undefined
}

/**
 * A running server.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The origin, e.g. `http://127.0.0.1:49152`: what a client takes as its API host. */
  readonly url: string
  /** The API's base URL, the origin with `/v0`. */
  readonly apiUrl: string
  readonly port: number
  /** The first accepted API key. */
  readonly apiKey: string
  readonly store: RunStore.Service
  readonly faults: Faults.Service
  readonly requestLog: RequestLog.Service
  /** Moves a manual clock forward and returns the new time; `undefined` on the Effect clock. */
  readonly advance: ((ms: number) => number) | undefined
}

/**
 * The embedded server.
 *
 * @since 0.1.0
 * @category tags
 */
export class RunsServer extends Context.Tag("@airplane-runs/server/RunsServer")<RunsServer, Service>() {}

/**
 * The server's whole answer to a request, as an `HttpApp`: what the socket server and the
 * in-process fetch both serve.
 *
 * @since 0.1.0
 * @category tags
 */
export class RunsApp extends Context.Tag("@airplane-runs/server/RunsApp")<
  RunsApp,
  HttpApp.Default<never, HttpRouter.HttpRouter.DefaultServices>
>() {}

/**
 * Builds the {@link RunsApp} over the store, faults and log of the context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerApp = (options: {
  readonly apiKeys: ReadonlyArray<string>
  readonly latencyMs?: number | undefined
  readonly advance?: ((ms: number) => number) | undefined
}): Layer.Layer<RunsApp, never, RunStore.RunStore | Faults.Faults | RequestLog.RequestLog> =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const store = yield* RunStore.RunStore
    const faults = yield* Faults.Faults
    const log = yield* RequestLog.RequestLog
    const api = HttpApiBuilder.api(RunsApi.RunsApi).pipe(
      Layer.provide([handlers.runs, handlers.tasks]),
      Layer.provide(handlers.auth(new Set(options.apiKeys))),
      Layer.provide(Layer.succeed(RunStore.RunStore, store))
    )
    const edge = gateway.make({ store, faults, log, latencyMs: options.latencyMs ?? 0 })
    // The gateway wraps the API's app, not the server's: a middleware given to
    // `HttpApiBuilder.serve` runs after the app's answer is already written, too late to
    // replace, cut or label it (truncated, resetMidBody, wrongContentType, the idempotency echo).
    const app = Layer.effect(RunsApp, Effect.map(HttpApiBuilder.httpApp, edge)).pipe(
      Layer.provide([HttpApiBuilder.Router.Live, HttpApiBuilder.Middleware.layer])
    )
    return app.pipe(
      Layer.provide(handlers.decodeErrors),
      Layer.provide(admin.layer({ faults, log, advance: options.advance })),
      Layer.provide(HttpApiSwagger.layer({ path: "/docs" }).pipe(Layer.provide(layerSelfServed))),
      Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json", additionalPropertiesStrategy: "allow" })),
      Layer.provide(api)
    )
  }))

// Swagger UI sends "Try it out" to the document's first server. The contract names the real
// API there, so the page served here names this server instead (a URL relative to the page):
// otherwise it would send the key typed into /docs to api.airplane.dev.
const layerSelfServed = Layer.effect(
  HttpApi.Api,
  Effect.map(HttpApi.Api, ({ api, context }) => ({
    api: api.annotate(OpenApi.Servers, [{ url: "/", description: "This embedded server" }]),
    context
  }))
)

const layerState = (options: Options) => {
  // Read when the store is built (it asks for the time then), not when the layer is described.
  let manualNow: number | undefined
  const manualTime = () => (manualNow ??= (options.manualStart ?? options.seed?.until)?.getTime() ?? Date.now())
  const manual = options.clock === "manual"
  const advance = manual ? (ms: number) => (manualNow = manualTime() + ms) : undefined
  const apiKeys = options.apiKeys ?? [defaultApiKey]
  const state = Layer.mergeAll(
    RunStore.layer({
      seed: options.seed,
      lifecycle: options.lifecycle,
      now: manual ? manualTime : undefined,
      timestamps: options.timestamps
    }),
    Faults.layer({ faults: options.faults, seed: options.seed?.seed }),
    RequestLog.layer({ capacity: options.logCapacity })
  )
  const app = layerApp({ apiKeys, latencyMs: options.latencyMs, advance })
  const service = (url: string, port: number) =>
    Layer.effect(
      RunsServer,
      Effect.gen(function*() {
        return {
          url,
          apiUrl: `${url}${Endpoints.basePath}`,
          port,
          apiKey: apiKeys[0] ?? defaultApiKey,
          store: yield* RunStore.RunStore,
          faults: yield* Faults.Faults,
          requestLog: yield* RequestLog.RequestLog,
          advance
        }
      })
    )
  return { state, app, service }
}

/**
 * The server on a Node HTTP server, as a layer: it listens when the layer is built and
 * closes when its scope ends.
 *
 * @example
 * ```ts
 * import { RunsServer } from "@airplane-runs/server"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const server = yield* RunsServer.RunsServer
 *   console.log(server.url, server.apiKey)
 * }).pipe(Effect.provide(RunsServer.layer({ seed: { runs: 1_000 } })))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<RunsServer, ServeError | ParseResult.ParseError> => {
  const { app, service, state } = layerState(options)
  // The server's own spans list request headers: the API key among them is redacted, as the
  // platform redacts `authorization`, for a program that traces the client and the server.
  const served = Layer.unwrapEffect(Effect.map(RunsApp, (httpApp) => HttpServer.serve(httpApp))).pipe(
    Layer.locallyWith(HttpHeaders.currentRedactedNames, (names) => [...names, ApiHeaders.apiKey])
  )
  const described = Layer.unwrapEffect(Effect.gen(function*() {
    const address = (yield* HttpServer.HttpServer).address
    if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("the embedded server listens on TCP")
    const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname
    return service(`http://${host}:${address.port}`, address.port)
  }))
  return Layer.merge(described, served).pipe(
    Layer.provide(app),
    Layer.provide(state),
    Layer.provide(
      NodeHttpServer.layer(createClosingServer, { port: options.port ?? 0, host: options.host ?? defaultHost })
    )
  )
}

// A test server stops at once: `close` also ends open connections, where Node would wait for
// keep-alive sockets (one left by an aborted request held a stop for seconds).
const createClosingServer = (): Server => {
  const server = createServer()
  const close = server.close.bind(server)
  server.close = ((callback?: (error?: Error) => void) => {
    close(callback)
    server.closeAllConnections()
    return server
  }) as Server["close"]
  return server
}

/**
 * The origin of a server answering in process, without a socket.
 *
 * @since 0.1.0
 * @category constants
 */
export const inProcessUrl = "http://localhost"

/**
 * The server without a socket: a `fetch` (as the `FetchHttpClient.Fetch` service) that
 * answers in process, so an Effect program's tests need no port and no network. A client
 * over `FetchHttpClient.layer` with host {@link inProcessUrl} talks to it. Connection faults
 * are played as fetch plays them: `reset` rejects the fetch, `resetMidBody` fails the body
 * half way.
 *
 * @example
 * ```ts
 * import { RunsServer } from "@airplane-runs/server"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 *
 * // Runs.layer({ apiKey: RunsServer.defaultApiKey, host: RunsServer.inProcessUrl }), then:
 * const http = FetchHttpClient.layer.pipe(Layer.provideMerge(RunsServer.layerFetch({ seed: { runs: 100 } })))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFetch = (
  options: Omit<Options, "port" | "host"> = {}
): Layer.Layer<RunsServer | FetchHttpClient.Fetch, ParseResult.ParseError> => {
  const { app, service, state } = layerState(options)
  const fetch = Layer.effect(
    FetchHttpClient.Fetch,
    Effect.gen(function*() {
      const httpApp = yield* RunsApp
      const runtime = yield* Effect.runtime<HttpRouter.HttpRouter.DefaultServices>()
      const handler = HttpApp.toWebHandlerRuntime(runtime)(httpApp)
      return Reset.webFetch((request) => handler(request))
    })
  )
  return Layer.merge(service(inProcessUrl, 0), fetch).pipe(
    Layer.provide(app),
    Layer.provide(state),
    Layer.provide(NodeHttpServer.layerContext)
  )
}

/**
 * A server started from plain async code.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunningServer extends Service {
  /** Closes the server and its open connections. */
  readonly stop: () => Promise<void>
  readonly [Symbol.asyncDispose]: () => Promise<void>
}

/**
 * Starts the server and resolves once it listens.
 *
 * @example
 * ```ts
 * import { RunsServer } from "@airplane-runs/server"
 *
 * const server = await RunsServer.start({ faults: [{ route: "runs/get", kind: "status", status: 503, times: 2 }] })
 * // ... point a client at server.url with server.apiKey
 * await server.stop()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = async (options: Options = {}): Promise<RunningServer> => {
  const runtime = ManagedRuntime.make(layer(options))
  const service = await runtime.runPromise(RunsServer)
  const stop = () => runtime.dispose()
  return { ...service, stop, [Symbol.asyncDispose]: stop }
}
