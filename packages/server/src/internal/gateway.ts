/**
 * What stands in front of the API handlers, as a real API's edge would: the request log,
 * scripted faults and latency, the check that a POST body is JSON, and `Idempotency-Key`
 * replays. It works on raw requests and responses, so faults can break the wire in ways the
 * typed API cannot express.
 *
 * A request goes through stages, each taking and returning values: its arrival (time, route,
 * body), the fault that hits it, its delay, its idempotency claim, the answer (the fault's or
 * the API's, after the delay), the fault's change to the API's answer, and the log entry.
 */
import { Endpoints } from "@airplane-runs/contract"
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import type { HttpApp } from "@effect/platform"
import { Cause, Effect, Predicate } from "effect"
import * as Faults from "../Faults.js"
import * as RequestLog from "../RequestLog.js"
import type * as RunStore from "../RunStore.js"
import * as Answers from "./answers.js"
import * as Idempotency from "./idempotency.js"
import * as Reset from "./reset.js"

export interface Options {
  readonly store: RunStore.Service
  readonly faults: Faults.Service
  readonly log: RequestLog.Service
  /** Added before every API answer. */
  readonly latencyMs: number
}

type Response = HttpServerResponse.HttpServerResponse

const apiPrefix = `${Endpoints.basePath}/`

const requestIdHeader = "x-request-id"

/** A request to the API as it arrived. */
interface Arrival {
  /** When it arrived, on the store's clock (ISO 8601). */
  readonly at: string
  readonly url: URL
  /** The path under the base path, as faults name it: `runs/get`. */
  readonly route: string
  /** The body of a POST (empty when it could not be read); `null` for other methods. */
  readonly body: string | null
}

// The arrival time is read first: a `slow` fault or latency must not move it, or a test could
// not tell whether a client waited out a `Retry-After` before sending again.
const arrive = (request: HttpServerRequest.HttpServerRequest, url: URL, now: () => number): Effect.Effect<Arrival> => {
  const at = new Date(now()).toISOString()
  const route = url.pathname.slice(apiPrefix.length)
  return request.method === "POST"
    ? Effect.map(Effect.orElseSucceed(request.text, () => ""), (body) => ({ at, url, route, body }))
    : Effect.succeed({ at, url, route, body: null })
}

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/**
 * Waits on the real clock whatever the `Clock` of the context: latency is about the wire. The
 * platform runs the app uninterruptibly up to the API's handlers: the wait is interruptible, or
 * a client that goes away during it would hold its request, and an `Idempotency-Key`, till it ends.
 */
const pause = (ms: number): Effect.Effect<void> =>
  ms <= 0 ? Effect.void : Effect.interruptible(Effect.async<void>((resume) => {
    const timer = setTimeout(() => resume(Effect.void), ms)
    return Effect.sync(() => clearTimeout(timer))
  }))

// What the server answers when the answer failed: the API's error body, never the platform's.
const recover = (request: HttpServerRequest.HttpServerRequest, url: URL) => <E>(cause: Cause.Cause<E>) =>
  Cause.isFailType(cause) && Predicate.isTagged(cause.error, "RouteNotFound")
    ? Effect.succeed(Answers.error(404, `no such endpoint: ${request.method} ${url.pathname}`, "route_not_found"))
    : Cause.isInterruptedOnly(cause)
    // The client went away (an aborted call): nothing failed, and nobody to answer.
    ? Effect.failCause(cause)
    : Effect.as(
      Effect.logError("the embedded server failed to answer", cause),
      Answers.error(500, "internal error of the embedded server", "internal")
    )

/** The fault that hit a request, with what its kind does. */
interface Hit {
  readonly fault: Faults.Fault
  readonly behaviour: Faults.Behaviour
}

const hit = (fault: Faults.Fault | undefined): Hit | undefined =>
  fault === undefined ? undefined : { fault, behaviour: Faults.behaviours[fault.kind] }

// The fault's change to the API's answer, when its kind changes rather than answers.
const change = <E, R>(
  hit: Hit | undefined,
  request: HttpServerRequest.HttpServerRequest,
  answered: Effect.Effect<Response | null, E, R>
): Effect.Effect<Response | null, E, R> => {
  if (hit === undefined || hit.behaviour.answersInstead) return answered
  const { behaviour, fault } = hit
  return Effect.flatMap(
    answered,
    (response) => response === null ? Effect.succeed(null) : behaviour.change(fault, response, request)
  )
}

export const make = (options: Options) => {
  const { faults, log, store } = options
  const keys = Idempotency.make(store.now)

  return <E, R>(
    app: HttpApp.HttpApp<Response, E, R>
  ): HttpApp.HttpApp<Response, E, R | HttpServerRequest.HttpServerRequest> =>
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const url = new URL(request.url, "http://localhost")
      if (!url.pathname.startsWith(apiPrefix)) return yield* app
      const arrival = yield* arrive(request, url, store.now)
      const fault = hit(faults.take(arrival.route, store.now()))
      const delayMs = options.latencyMs + (fault?.fault.delayMs ?? 0)
      const invalidBody = arrival.body !== null && !isJson(arrival.body)
      // A fault that answers instead of the API never runs it: its key must not be left "in flight".
      const claim = fault?.behaviour.answersInstead === true || invalidBody
        ? Idempotency.none
        : keys.claim(request, url.pathname)
      const source: HttpApp.HttpApp<Response | null, E, R> = fault?.behaviour.answersInstead === true
        ? fault.behaviour.answer(fault.fault, request)
        : invalidBody
        ? Effect.succeed(Answers.error(400, "Invalid body", "invalid_body"))
        : keys.answer(claim, app)
      // The one place latency is added: before every answer, within the span that holds a key "in flight".
      const answered = keys.settle(claim, Effect.zipRight(pause(delayMs), source))
      const answer = yield* change(fault, request, answered).pipe(Effect.catchAllCause(recover(request, url)))
      // Every answer, the API's, a fault's or an error, carries an id, as a real API's edge
      // gives one: a client reports it with its errors and raw answers.
      const status = Reset.statusSeen(answer)
      const requestId = status === null ? null : `req_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`
      const response = answer === null || requestId === null
        ? answer
        : HttpServerResponse.setHeader(answer, requestIdHeader, requestId)
      log.record({
        at: arrival.at,
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: RequestLog.redact(request.headers),
        body: arrival.body,
        status,
        fault: fault === undefined ? null : fault.fault.kind,
        replayed: claim._tag === "Replay",
        requestId
      })
      return response ?? HttpServerResponse.empty({ status: 499 })
    })
}
