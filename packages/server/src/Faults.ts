/**
 * Scripted faults: what the embedded server does instead of answering, for the next K
 * requests to a route or with a probability, so tests can see a client ride through 429s,
 * 5xx, resets, slow and broken answers.
 *
 * @since 0.1.0
 */
import { Endpoints } from "@airplane-runs/contract"
import type { HttpServerRequest } from "@effect/platform"
import { HttpServerResponse } from "@effect/platform"
import { Context, Effect, Layer, type ParseResult, Schema } from "effect"
import * as Answers from "./internal/answers.js"
import * as ApiHeaders from "./internal/headers.js"
import * as Random from "./internal/random.js"
import * as Reset from "./internal/reset.js"

/**
 * What a fault does:
 * - `status`: answers `status` (default 503) with the API's error body, and `Retry-After` /
 *   `X-Airplane-Retryable` when given;
 * - `reset`: closes the connection before any header;
 * - `resetMidBody`: sends the headers and half of the real answer, then closes the connection;
 * - `truncated`: a 200 whose JSON body is cut in half (and whose length says so);
 * - `malformed`: a 200 whose body is not JSON;
 * - `html`: an HTML error page (default status 502), as a proxy would send;
 * - `wrongContentType`: the real answer, labelled `text/plain`;
 * - `empty`: a 200 with an empty body;
 * - `slow`: the real answer after `delayMs`;
 * - `oversized`: a 200 whose JSON body is `bytes` long (default 8 MiB);
 * - `rateLimit`: a token bucket of `burst` requests (default `rate`, at least 1) refilled at
 *   `rate` per second (default 10): a request that finds it empty gets 429 with a `Retry-After`
 *   of the whole seconds until the next token (at least 1); the others pass.
 *
 * The server applies each kind as its entry of {@link behaviours}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FaultKind = Schema.Literal(
  "status",
  "reset",
  "resetMidBody",
  "truncated",
  "malformed",
  "html",
  "wrongContentType",
  "empty",
  "slow",
  "oversized",
  "rateLimit"
)

/**
 * @since 0.1.0
 * @category models
 */
export type FaultKind = typeof FaultKind.Type

// A route is an endpoint's path under the base path, without its first slash: `runs/get`.
const route = <const P extends string>(endpoint: { readonly path: `/${P}` }): P => endpoint.path.slice(1) as P

/**
 * The routes a fault can target: the API's endpoints, named as their path after `/v0/`, or
 * `*` for all of them.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FaultRoute = Schema.Literal(
  "*",
  route(Endpoints.get),
  route(Endpoints.getOutputs),
  route(Endpoints.list),
  route(Endpoints.cancel),
  route(Endpoints.execute)
)

/**
 * @since 0.1.0
 * @category models
 */
export type FaultRoute = typeof FaultRoute.Type

/**
 * A scripted fault, as given to the server's options or posted to `/_admin/faults`.
 *
 * @example
 * ```ts
 * import type { Faults } from "@airplane-runs/server"
 *
 * // two 503s on runs/get, then normal answers
 * const fault: Faults.FaultSpec = { route: "runs/get", kind: "status", status: 503, times: 2 }
 * // a 429 asking to wait one second, on every route, every time
 * const limit: Faults.FaultSpec = { kind: "status", status: 429, retryAfter: "1" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const FaultSpec = Schema.Struct({
  route: Schema.optionalWith(FaultRoute, { default: () => "*" as const }),
  kind: FaultKind,
  status: Schema.optional(Schema.Int.pipe(Schema.between(100, 599))),
  error: Schema.optional(Schema.String),
  code: Schema.optional(Schema.String),
  retryAfter: Schema.optional(Schema.String),
  retryable: Schema.optional(Schema.Boolean),
  delayMs: Schema.optional(Schema.Int.pipe(Schema.between(0, 600_000))),
  bytes: Schema.optional(Schema.Int.pipe(Schema.between(1, 256 * 1024 * 1024))),
  times: Schema.optional(Schema.Int.pipe(Schema.positive())),
  probability: Schema.optional(Schema.Number.pipe(Schema.between(0, 1))),
  rate: Schema.optional(Schema.Number.pipe(Schema.positive())),
  burst: Schema.optional(Schema.Int.pipe(Schema.positive()))
})

/**
 * @since 0.1.0
 * @category models
 */
export type FaultSpec = typeof FaultSpec.Encoded

/**
 * A fault as the server holds it: its spec, an id, and how many requests it has hit.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fault extends Schema.Schema.Type<typeof FaultSpec> {
  readonly id: number
  readonly hits: number
}

const decodeSpec = Schema.decodeUnknownSync(FaultSpec)

/**
 * What a fault kind does to a request it hits: answer instead of the API, which then never runs
 * (so no `Idempotency-Key` is kept for it), or change the API's answer. An answer of `null` is a
 * connection closed on a socket, with nothing more to answer.
 *
 * @since 0.1.0
 * @category models
 */
export type Behaviour =
  | {
    readonly answersInstead: true
    readonly answer: (
      fault: Fault,
      request: HttpServerRequest.HttpServerRequest
    ) => Effect.Effect<HttpServerResponse.HttpServerResponse | null>
  }
  | {
    readonly answersInstead: false
    readonly change: (
      fault: Fault,
      response: HttpServerResponse.HttpServerResponse,
      request: HttpServerRequest.HttpServerRequest
    ) => Effect.Effect<HttpServerResponse.HttpServerResponse | null>
  }

const answering = (answer: Extract<Behaviour, { answersInstead: true }>["answer"]): Behaviour => ({
  answersInstead: true,
  answer
})

const changing = (change: Extract<Behaviour, { answersInstead: false }>["change"]): Behaviour => ({
  answersInstead: false,
  change
})

// The headers a fault's spec asks its answer to carry.
const headersOf = (fault: Fault): Record<string, string> => ({
  ...(fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter }),
  ...(fault.retryable === undefined ? {} : { [ApiHeaders.retryable]: String(fault.retryable) })
})

/**
 * The behaviour of every fault kind (see {@link FaultKind}): the one table the server applies
 * faults from. Its type names every kind, so a kind without its behaviour does not compile.
 * The delay of a fault (`delayMs`) is not here: the server adds it, with its latency, before
 * any answer.
 *
 * @since 0.1.0
 * @category constants
 */
export const behaviours: { readonly [K in FaultKind]: Behaviour } = {
  status: answering((fault) => {
    const status = fault.status ?? 503
    return Effect.succeed(
      Answers.error(status, fault.error ?? `injected fault: ${status}`, fault.code, headersOf(fault))
    )
  }),
  reset: answering((_, request) => Reset.close(request)),
  resetMidBody: changing((_, response, request) =>
    Reset.close(request, {
      status: response.status,
      contentType: Answers.contentType(response),
      bytes: Answers.bytes(response)
    })
  ),
  truncated: changing((fault, response) => {
    const bytes = Answers.bytes(response)
    return Effect.succeed(
      HttpServerResponse.uint8Array(bytes.subarray(0, Math.floor(bytes.length / 2)), {
        status: response.status,
        contentType: "application/json",
        headers: headersOf(fault)
      })
    )
  }),
  malformed: answering((fault) =>
    Effect.succeed(
      HttpServerResponse.text("{\"runs\": [{\"id\": \"run2022", {
        status: 200,
        contentType: "application/json",
        headers: headersOf(fault)
      })
    )
  ),
  html: answering((fault) => {
    const status = fault.status ?? 502
    return Effect.succeed(
      HttpServerResponse.text(
        `<html><head><title>${status} Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>`,
        { status, contentType: "text/html; charset=utf-8", headers: headersOf(fault) }
      )
    )
  }),
  wrongContentType: changing((fault, response) =>
    Effect.succeed(
      HttpServerResponse.uint8Array(Answers.bytes(response), {
        status: response.status,
        contentType: "text/plain; charset=utf-8",
        headers: headersOf(fault)
      })
    )
  ),
  empty: answering((fault) =>
    Effect.succeed(HttpServerResponse.empty({ status: fault.status ?? 200, headers: headersOf(fault) }))
  ),
  slow: changing((_, response) => Effect.succeed(response)),
  oversized: answering((fault) => {
    const size = fault.bytes ?? 8 * 1024 * 1024
    const padding = Math.max(0, size - "{\"padding\":\"\"}".length)
    return Effect.succeed(
      HttpServerResponse.text(`{"padding":"${"x".repeat(padding)}"}`, {
        status: 200,
        contentType: "application/json",
        headers: headersOf(fault)
      })
    )
  }),
  rateLimit: answering((fault) =>
    Effect.succeed(
      Answers.error(
        fault.status ?? 429,
        fault.error ?? "rate limit exceeded",
        fault.code ?? "rate_limited",
        headersOf(fault)
      )
    )
  )
}

/**
 * The faults of a server.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Adds a fault after the others; the first fault that matches a request wins. Throws a
   * `ParseError` that names the field when the spec is invalid (plain JavaScript callers).
   */
  readonly add: (spec: FaultSpec) => Fault
  readonly list: () => ReadonlyArray<Fault>
  /** Removes every fault. */
  readonly clear: () => void
  /**
   * The fault to apply to a request to this route, if any, counting the hit. A fault with
   * `times` is gone once it has hit that many requests. `now` (epoch milliseconds, default
   * the real time) refills the `rateLimit` buckets; a limited request's fault carries the
   * `retryAfter` it must answer with.
   */
  readonly take: (route: string, now?: number) => Fault | undefined
}

/**
 * The faults of the embedded server.
 *
 * @since 0.1.0
 * @category tags
 */
export class Faults extends Context.Tag("@airplane-runs/server/Faults")<Faults, Service>() {}

/**
 * Makes a fault list. Faults with a probability draw from a generator with this seed, so a
 * test sees the same sequence on every run.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: {
  readonly faults?: ReadonlyArray<FaultSpec> | undefined
  readonly seed?: number | undefined
} = {}): Effect.Effect<Service, ParseResult.ParseError> =>
  Effect.flatMap(Effect.forEach(options.faults ?? [], (spec) => Schema.decodeUnknown(FaultSpec)(spec)), (specs) => {
    const random = Random.make(options.seed ?? 7)
    let faults: Array<Fault> = []
    // The token buckets of the `rateLimit` faults, by fault id.
    const buckets = new Map<number, { readonly tokens: number; readonly at: number }>()
    /** Takes a token when there is one; else answers the milliseconds until there is. */
    const waitForToken = (fault: Fault, now: number): number | undefined => {
      const rate = fault.rate ?? 10
      const burst = fault.burst ?? Math.max(1, Math.floor(rate))
      const bucket = buckets.get(fault.id) ?? { tokens: burst, at: now }
      const tokens = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * rate)
      buckets.set(fault.id, { tokens: tokens >= 1 ? tokens - 1 : tokens, at: now })
      return tokens >= 1 ? undefined : ((1 - tokens) / rate) * 1000
    }
    let nextId = 1
    const insert = (spec: Schema.Schema.Type<typeof FaultSpec>): Fault => {
      const fault: Fault = { ...spec, id: nextId++, hits: 0 }
      faults.push(fault)
      return fault
    }
    for (const spec of specs) insert(spec)
    const service: Service = {
      add: (spec) => insert(decodeSpec(spec)),
      list: () => faults.slice(),
      clear: () => {
        faults = []
        buckets.clear()
      },
      take: (route, now = Date.now()) => {
        let waitMs: number | undefined
        const index = faults.findIndex((fault) =>
          (fault.route === "*" || fault.route === route) &&
          (fault.probability === undefined || random.next() < fault.probability) &&
          (fault.kind !== "rateLimit" || (waitMs = waitForToken(fault, now)) !== undefined)
        )
        if (index < 0) return undefined
        const fault = faults[index]!
        const hit: Fault = waitMs === undefined
          ? { ...fault, hits: fault.hits + 1 }
          // Retry-After counts whole seconds: round up, so a client that obeys finds a token.
          : { ...fault, hits: fault.hits + 1, retryAfter: String(Math.max(1, Math.ceil(waitMs / 1000))) }
        if (fault.times !== undefined && hit.hits >= fault.times) faults.splice(index, 1)
        else faults[index] = hit
        return hit
      }
    }
    return Effect.succeed(service)
  })

/**
 * A layer of the fault list.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Parameters<typeof make>[0]): Layer.Layer<Faults, ParseResult.ParseError> =>
  Layer.effect(Faults, make(options))
