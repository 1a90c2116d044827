/**
 * Scripted faults: what the embedded server does instead of answering, for the next K
 * requests to a route or with a probability, so tests can see a client ride through 429s,
 * 5xx, resets, slow and broken answers.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, type ParseResult, Schema } from "effect"
import * as Random from "./internal/random.js"

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

/**
 * The routes a fault can target: the API's endpoints, named as their path after `/v0/`, or
 * `*` for all of them.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FaultRoute = Schema.Literal(
  "*",
  "runs/get",
  "runs/getOutputs",
  "runs/list",
  "runs/cancel",
  "tasks/execute"
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
