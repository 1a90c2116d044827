/**
 * What stands in front of the API handlers, as a real API's edge would: the request log,
 * scripted faults and latency, the check that a POST body is JSON, and `Idempotency-Key`
 * replays. It works on raw requests and responses, so faults can break the wire in ways the
 * typed API cannot express.
 */
import { Endpoints } from "@airplane-runs/contract"
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import type { HttpApp } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Cause, Effect, Predicate } from "effect"
import { IncomingMessage } from "node:http"
import type * as Faults from "../Faults.js"
import * as RequestLog from "../RequestLog.js"
import type * as RunStore from "../RunStore.js"

export interface Options {
  readonly store: RunStore.Service
  readonly faults: Faults.Service
  readonly log: RequestLog.Service
  /** Added before every API answer. */
  readonly latencyMs: number
}

const apiPrefix = `${Endpoints.basePath}/`
const idempotencyTtlMs = 60 * 60 * 1000

/** Waits on the real clock whatever the `Clock` of the context: latency is about the wire. */
const sleep = (ms: number): Effect.Effect<void> =>
  ms <= 0 ? Effect.void : Effect.async<void>((resume) => {
    const timer = setTimeout(() => resume(Effect.void), ms)
    return Effect.sync(() => clearTimeout(timer))
  })

const errorBody = (status: number, error: string, code: string | undefined, headers: Record<string, string> = {}) =>
  HttpServerResponse.unsafeJson(code === undefined ? { error } : { error, code }, { status, headers })

const bodyBytes = (response: HttpServerResponse.HttpServerResponse): Uint8Array => {
  const body = response.body
  switch (body._tag) {
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" ? new TextEncoder().encode(body.body) : new Uint8Array()
    default:
      return new Uint8Array()
  }
}

const contentType = (response: HttpServerResponse.HttpServerResponse): string =>
  response.body._tag === "Uint8Array" ? response.body.contentType : "application/json"

/**
 * Marks an answer served in process (no socket) whose connection a fault closed: the
 * in-process fetch turns it into what a client sees on a real socket (see `webFetch`).
 */
export const resetHeader = "x-embedded-server-reset"

/**
 * Closes the connection under the request, optionally after writing part of an answer. On a
 * socket: `null`, nothing more to answer. In process: an answer marked with {@link resetHeader}.
 */
const destroy = (
  request: HttpServerRequest.HttpServerRequest,
  partial?: { readonly status: number; readonly contentType: string; readonly bytes: Uint8Array }
): Effect.Effect<HttpServerResponse.HttpServerResponse | null> => {
  const half = partial === undefined ? undefined : partial.bytes.subarray(0, Math.floor(partial.bytes.length / 2))
  if (!(request.source instanceof IncomingMessage)) {
    return Effect.succeed(
      HttpServerResponse.uint8Array(half ?? new Uint8Array(), {
        status: partial?.status ?? 200,
        contentType: partial?.contentType ?? "application/json",
        headers: { [resetHeader]: partial === undefined ? "before-headers" : "mid-body" }
      })
    )
  }
  return Effect.async<null>((resume) => {
    const res = NodeHttpServerRequest.toServerResponse(request)
    const socket = NodeHttpServerRequest.toIncomingMessage(request).socket
    const close = () => {
      socket.destroy()
      resume(Effect.succeed(null))
    }
    if (partial === undefined || half === undefined) return close()
    res.writeHead(partial.status, {
      "content-type": partial.contentType,
      "content-length": String(partial.bytes.length)
    })
    // Node corks a response's first write until the next tick: destroying the socket now would
    // drop the headers too, and the client would see a plain reset. Close once it is flushed.
    res.write(half, close)
  })
}

interface Stored {
  readonly status: number
  readonly contentType: string
  readonly bytes: Uint8Array
  readonly expiresAt: number
}

export const make = (options: Options) => {
  const { faults, log, store } = options
  const idempotency = new Map<string, Stored | "inFlight">()
  // Expired keys go when the map grows, so a long run with fresh keys stays bounded.
  const sweepAt = 1_000
  const sweep = (now: number) => {
    for (const [scope, entry] of idempotency) {
      if (entry !== "inFlight" && entry.expiresAt <= now) idempotency.delete(scope)
    }
  }

  // POSTs with an Idempotency-Key: the first 2xx answer is kept an hour and replayed. The
  // delay goes before every answer, and within the span that holds the key "in flight": a
  // request interrupted during its delay must release the key.
  const idempotent = <E, R>(
    app: HttpApp.HttpApp<HttpServerResponse.HttpServerResponse, E, R>,
    delay: Effect.Effect<void>,
    request: HttpServerRequest.HttpServerRequest,
    path: string,
    replayed: () => void
  ): HttpApp.HttpApp<HttpServerResponse.HttpServerResponse, E, R> => {
    const key = request.headers["idempotency-key"]
    if (request.method !== "POST" || key === undefined || key === "") return Effect.zipRight(delay, app)
    const scope = `${request.headers["x-airplane-api-key"] ?? ""}\u0000${path}\u0000${key}`
    const echo = { "idempotency-key": key }
    const now = store.now()
    const entry = idempotency.get(scope)
    if (entry === "inFlight") {
      // Passing: once the first request is done, the same key gets its answer. A client whose
      // attempt timed out meets its own first attempt here, and must not give up on a 409.
      return Effect.as(
        delay,
        errorBody(409, "another request with this Idempotency-Key is in progress", "idempotency_conflict", {
          ...echo,
          [Endpoints.retryableHeader.toLowerCase()]: "true"
        })
      )
    }
    if (entry !== undefined && entry.expiresAt > now) {
      replayed()
      return Effect.as(
        delay,
        HttpServerResponse.uint8Array(entry.bytes, {
          status: entry.status,
          contentType: entry.contentType,
          headers: { ...echo, "idempotent-replayed": "true" }
        })
      )
    }
    if (idempotency.size >= sweepAt) sweep(now)
    idempotency.set(scope, "inFlight")
    return Effect.zipRight(delay, app).pipe(
      Effect.map((response) => {
        if (response.status >= 200 && response.status < 300) {
          idempotency.set(scope, {
            status: response.status,
            contentType: contentType(response),
            bytes: bodyBytes(response),
            expiresAt: now + idempotencyTtlMs
          })
        } else {
          idempotency.delete(scope)
        }
        return HttpServerResponse.setHeaders(response, echo)
      }),
      Effect.onExit((exit) => exit._tag === "Failure" ? Effect.sync(() => idempotency.delete(scope)) : Effect.void)
    )
  }

  return <E, R>(
    app: HttpApp.HttpApp<HttpServerResponse.HttpServerResponse, E, R>
  ): HttpApp.HttpApp<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest> =>
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const url = new URL(request.url, "http://localhost")
      if (!url.pathname.startsWith(apiPrefix)) return yield* app
      const route = url.pathname.slice(apiPrefix.length)
      // When it arrived: a `slow` fault or latency must not move it, or a test could not tell
      // whether a client waited out a `Retry-After` before sending again.
      const at = new Date(store.now()).toISOString()
      const body = request.method === "POST" ? yield* Effect.orElseSucceed(request.text, () => "") : null
      let fault: Faults.Fault | undefined
      let replayed = false
      const answer: HttpApp.HttpApp<HttpServerResponse.HttpServerResponse | null, E, R> = Effect.suspend(() => {
        fault = faults.take(route, store.now())
        // A fault that answers instead of the API never runs it: its key must not be left "in flight".
        const reachesApi = fault === undefined || !answersInstead.has(fault.kind)
        // The platform runs this app uninterruptibly, up to the API's handlers: a client that
        // goes away during the delay would hold its request, and an Idempotency-Key, till it ends.
        const delay = Effect.interruptible(sleep(options.latencyMs + (fault?.delayMs ?? 0)))
        const real = body !== null && !isJson(body)
          ? Effect.zipRight(delay, Effect.succeed(errorBody(400, "Invalid body", "invalid_body")))
          : reachesApi
          ? idempotent(app, delay, request, url.pathname, () => {
            replayed = true
          })
          : Effect.zipRight(delay, app)
        return fault === undefined
          ? real
          : reachesApi
          ? applyFault(fault, real, request)
          : Effect.zipRight(delay, applyFault(fault, real, request))
      })
      const response = yield* answer.pipe(
        Effect.catchAllCause((cause) =>
          Cause.isFailType(cause) && Predicate.isTagged(cause.error, "RouteNotFound")
            ? Effect.succeed(errorBody(404, `no such endpoint: ${request.method} ${url.pathname}`, "route_not_found"))
            : Cause.isInterruptedOnly(cause)
            // The client went away (an aborted call): nothing failed, and nobody to answer.
            ? Effect.failCause(cause)
            : Effect.as(
              Effect.logError("the embedded server failed to answer", cause),
              errorBody(500, "internal error of the embedded server", "internal")
            )
        )
      )
      log.record({
        at,
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: RequestLog.redact(request.headers),
        body,
        status: response === null || response.headers[resetHeader] !== undefined ? null : response.status,
        fault: fault === undefined ? null : fault.kind,
        replayed
      })
      return response ?? HttpServerResponse.empty({ status: 499 })
    })
}

/** The faults whose answer does not come from the API. */
const answersInstead: ReadonlySet<Faults.FaultKind> = new Set([
  "status",
  "reset",
  "html",
  "malformed",
  "empty",
  "oversized",
  "rateLimit"
])

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

const applyFault = <E, R>(
  fault: Faults.Fault,
  real: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>,
  request: HttpServerRequest.HttpServerRequest
): Effect.Effect<HttpServerResponse.HttpServerResponse | null, E, R> => {
  const headers: Record<string, string> = {}
  if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter
  if (fault.retryable !== undefined) headers[Endpoints.retryableHeader.toLowerCase()] = String(fault.retryable)
  switch (fault.kind) {
    case "rateLimit":
      return Effect.succeed(
        errorBody(fault.status ?? 429, fault.error ?? "rate limit exceeded", fault.code ?? "rate_limited", headers)
      )
    case "status": {
      const status = fault.status ?? 503
      return Effect.succeed(
        errorBody(status, fault.error ?? `injected fault: ${status}`, fault.code, headers)
      )
    }
    case "html":
      return Effect.succeed(
        HttpServerResponse.text(
          `<html><head><title>${
            fault.status ?? 502
          } Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>`,
          { status: fault.status ?? 502, contentType: "text/html; charset=utf-8", headers }
        )
      )
    case "reset":
      return destroy(request)
    case "resetMidBody":
      return Effect.flatMap(real, (response) =>
        destroy(request, {
          status: response.status,
          contentType: contentType(response),
          bytes: bodyBytes(response)
        }))
    case "truncated":
      return Effect.map(real, (response) => {
        const bytes = bodyBytes(response)
        return HttpServerResponse.uint8Array(bytes.subarray(0, Math.floor(bytes.length / 2)), {
          status: response.status,
          contentType: "application/json",
          headers
        })
      })
    case "malformed":
      return Effect.succeed(
        HttpServerResponse.text("{\"runs\": [{\"id\": \"run2022", {
          status: 200,
          contentType: "application/json",
          headers
        })
      )
    case "wrongContentType":
      return Effect.map(real, (response) =>
        HttpServerResponse.uint8Array(bodyBytes(response), {
          status: response.status,
          contentType: "text/plain; charset=utf-8",
          headers
        }))
    case "empty":
      return Effect.succeed(HttpServerResponse.empty({ status: fault.status ?? 200, headers }))
    case "slow":
      return real
    case "oversized": {
      const size = fault.bytes ?? 8 * 1024 * 1024
      const padding = Math.max(0, size - "{\"padding\":\"\"}".length)
      return Effect.succeed(
        HttpServerResponse.text(`{"padding":"${"x".repeat(padding)}"}`, {
          status: 200,
          contentType: "application/json",
          headers
        })
      )
    }
  }
}
