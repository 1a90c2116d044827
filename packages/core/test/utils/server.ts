/**
 * What the core tests share: the embedded server with a client pointed at it, small waits on
 * the real clock, a recording tracer, a capturing logger, and tiny `node:http` servers for
 * answers the embedded server cannot give (redirects, bodies of the wrong shape).
 */
import type { RunStatus } from "@airplane-runs/contract"
import { RetryPolicy, Runs } from "@airplane-runs/core"
import { RunsServer } from "@airplane-runs/server"
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import type { Context, Exit } from "effect"
import { Effect, Layer, Logger, Option, Schedule, Tracer } from "effect"
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

/** Retries with waits of a millisecond or two, so a test that retries stays fast. */
export const fastRetry: RetryPolicy.RetryPolicy = RetryPolicy.make({ initialDelay: "1 millis", maxDelay: "2 millis" })

/** Polls the run every few milliseconds, so awaiting a 30 ms lifecycle stays quick. */
export const quickly = Schedule.spaced("5 millis")

/**
 * The embedded server on a free loopback port, its seeded window ending when it starts: the
 * newest seeded runs are still NotStarted, Queued or Active then, for minutes (the rest have
 * finished), and started runs race through their lifecycle in a few milliseconds.
 */
export const serverLayer = (options: RunsServer.Options = {}) =>
  RunsServer.layer({
    lifecycle: { queueMs: 5, startMs: 5, runMs: 20 },
    ...options
  })

/** The Runs client of the server in the context, with fast retries unless told otherwise. */
export const clientLayer = (
  options: Partial<Runs.Options> = {}
): Layer.Layer<Runs.Runs, never, RunsServer.RunsServer | HttpClient.HttpClient> =>
  Layer.unwrapEffect(Effect.map(RunsServer.RunsServer, (server) =>
    Runs.layer({
      apiKey: server.apiKey,
      host: server.url,
      retry: { initialDelay: "1 millis", maxDelay: "2 millis" },
      ...options
    }))).pipe(Layer.orDie)

/** A server and a client of it over `http` (fetch by default). */
export const testLayer = (
  serverOptions: RunsServer.Options = {},
  clientOptions: Partial<Runs.Options> = {},
  http: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer
): Layer.Layer<Runs.Runs | RunsServer.RunsServer> =>
  clientLayer(clientOptions).pipe(Layer.provideMerge(serverLayer(serverOptions)), Layer.provide(http), Layer.orDie)

/** Clears the server's faults and request log, so a test sees only its own requests. */
export const fresh = Effect.flatMap(RunsServer.RunsServer, (server) =>
  Effect.sync(() => {
    server.faults.clear()
    server.requestLog.clear()
    return server
  }))

/** The requests the server has logged since the last `fresh`. */
export const requests = Effect.map(RunsServer.RunsServer, (server) => server.requestLog.entries())

/** The `X-Request-Id` the server gave its last answer (each is `req_` and 24 hex digits). */
export const lastRequestId = Effect.map(requests, (log) => {
  const id = log.at(-1)?.requestId
  if (id == null || !/^req_[0-9a-f]{24}$/.test(id)) throw new Error(`no request id in the server's last entry: ${id}`)
  return id
})

/** Waits on the real clock, whatever `Clock` the test runs with. */
export const realSleep = (ms: number): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    const timer = setTimeout(() => resume(Effect.void), ms)
    return Effect.sync(() => clearTimeout(timer))
  })

/** How long a `slow` fault of the tests holds its answer. */
export const slowMs = 150

/**
 * Waits out a slow answer the client gave up on. The server may still log it when its delay
 * ends (or not, when it saw the connection close first): either way it must not land in the
 * log of the next test.
 */
export const slowAnswersLanded: Effect.Effect<void> = Effect.suspend(() => realSleep(slowMs + 150))

/** Polls `condition` on the real clock until it holds; dies after `attempts` polls. */
export const waitFor = <E, R>(
  what: string,
  condition: Effect.Effect<boolean, E, R>,
  attempts = 1_000
): Effect.Effect<void, E, R> =>
  Effect.gen(function*() {
    for (let i = 0; i < attempts; i++) {
      if (yield* condition) return
      yield* realSleep(5)
    }
    return yield* Effect.dieMessage(`timed out waiting for ${what}`)
  })

/**
 * The newest seeded run whose status is one of `wanted`, read from the server's store. Runs
 * that tests started are passed over: their status changes within milliseconds.
 */
export const seededRun = (server: RunsServer.Service, ...wanted: ReadonlyArray<RunStatus.RunStatus>) => {
  const run = server.store.seeded(...wanted)
  if (run === undefined) throw new Error(`no seeded run is ${wanted.join(" or ")}`)
  return run
}

/** Every seeded run, newest first, read from the server's store. */
export const allRuns = (server: RunsServer.Service): ReadonlyArray<Runs.Run> => server.store.all()

/** A span as the recording tracer keeps it. */
export class RecordedSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId: string
  readonly traceId: string
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly events: Array<{ readonly name: string; readonly attributes: Record<string, unknown> }> = []
  readonly links: Array<Tracer.SpanLink>

  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind,
    id: number
  ) {
    this.status = { _tag: "Started", startTime }
    this.traceId = Option.match(parent, { onNone: () => `trace${id}`, onSome: (p) => p.traceId })
    this.spanId = `span${id}`
    this.links = links.slice()
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
  }

  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }

  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    this.events.push({ name, attributes: attributes ?? {} })
  }

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}

/** A tracer that keeps every span it starts. */
export const recordingTracer = (): { readonly tracer: Tracer.Tracer; readonly spans: Array<RecordedSpan> } => {
  const spans: Array<RecordedSpan> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const span = new RecordedSpan(name, parent, context, links, startTime, kind, spans.length + 1)
      spans.push(span)
      return span
    },
    context: (f) => f()
  })
  return { tracer, spans }
}

/** A logger that keeps each line, as logfmt and as JSON, in place of the default one. */
export const capturingLogger = (): { readonly layer: Layer.Layer<never>; readonly lines: Array<string> } => {
  const lines: Array<string> = []
  const logger = Logger.make<unknown, void>((options) => {
    lines.push(Logger.logfmtLogger.log(options), Logger.jsonLogger.log(options))
  })
  return { layer: Logger.replace(Logger.defaultLogger, logger), lines }
}

/** A request a tiny server received. */
export interface Received {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
}

/** A tiny `node:http` server on a free loopback port, closed with the scope. */
export interface TinyServer {
  readonly url: string
  readonly received: ReadonlyArray<Received>
}

export const tinyServer = (
  handler: (request: IncomingMessage, response: ServerResponse) => void
) =>
  Effect.acquireRelease(
    Effect.async<TinyServer & { readonly close: () => void }>((resume) => {
      const received: Array<Received> = []
      const server = createServer((request, response) => {
        received.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers })
        handler(request, response)
      })
      server.listen(0, "127.0.0.1", () => {
        const port = (server.address() as AddressInfo).port
        resume(Effect.succeed({
          url: `http://127.0.0.1:${port}`,
          received,
          close: () => {
            server.closeAllConnections()
            server.close()
          }
        }))
      })
    }),
    (server) => Effect.sync(server.close)
  )

/** Answers every request with this status, headers and JSON body. */
export const answer =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (_request: IncomingMessage, response: ServerResponse) => {
    const text = body === undefined ? "" : JSON.stringify(body)
    response.writeHead(status, { "content-type": "application/json", ...headers })
    response.end(text)
  }
