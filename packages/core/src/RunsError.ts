/**
 * Every way a Runs call can fail, as tagged errors: the request was invalid (and nothing was
 * sent), the API answered with an error status, the connection failed, the call timed out,
 * or the answer could not be read.
 *
 * Each error says what happened and what to do in its `message`, and keeps the fields a
 * program branches on. None holds the API key, a raw platform error or a request object.
 *
 * @example
 * ```ts
 * import { Runs, RunsError } from "@airplane-runs/core"
 * import { Effect } from "effect"
 *
 * const run = Runs.Runs.pipe(
 *   Effect.flatMap((runs) => runs.get({ id: "run20220111zlq2ig4" })),
 *   Effect.catchTag("NotFound", () => Effect.succeed(undefined))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * What marks every `RunsError`, whatever copy of this package made it: `isRunsError` checks it,
 * not the `_tag`, which any error may carry.
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@airplane-runs/core/RunsError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * How hard a call tried before it failed, on every error of a call that was sent.
 *
 * @since 0.1.0
 * @category fields
 */
export const EffortFields = {
  /** Attempts made, the first included. */
  attempts: Schema.optional(Schema.Number),
  /** Milliseconds from the first attempt to the failure, waits between attempts included. */
  elapsedMs: Schema.optional(Schema.Number)
}

/**
 * What every error of an HTTP answer keeps.
 *
 * @since 0.1.0
 * @category fields
 */
export const HttpErrorFields = {
  /** The HTTP status. */
  status: Schema.Number,
  /** The API's `error` text. */
  error: Schema.String,
  /** The API's machine readable `code`, when it sent one. */
  code: Schema.optional(Schema.String),
  method: Schema.String,
  /** The request path, without the query. */
  path: Schema.String,
  /** The request id of the answer (`X-Request-ID` or similar), when it carried one. */
  requestId: Schema.optional(Schema.String),
  /** How long the API asked to wait (`Retry-After`), in milliseconds. */
  retryAfterMs: Schema.optional(Schema.Number),
  /** The API's `X-Airplane-Retryable` verdict, when it gave one. */
  retryable: Schema.optional(Schema.Boolean),
  ...EffortFields
}

const describe = (self: { status: number; method: string; path: string; error: string; code?: string | undefined }) =>
  `${self.method} ${self.path} answered ${self.status}: ${self.error}${
    self.code === undefined ? "" : ` (${self.code})`
  }`

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`

// "after 5 attempts over 3.1 s", when the call said.
const effort = (self: { readonly attempts?: number | undefined; readonly elapsedMs?: number | undefined }) =>
  self.attempts === undefined
    ? ""
    : ` after ${self.attempts} attempt${self.attempts === 1 ? "" : "s"}${
      self.elapsedMs === undefined || self.attempts === 1 ? "" : ` over ${seconds(self.elapsedMs)}`
    }`

const retryAfter = (self: { readonly retryAfterMs?: number | undefined }) =>
  self.retryAfterMs === undefined
    ? ""
    : ` The API asked to wait ${seconds(self.retryAfterMs)} before another attempt (Retry-After).`

/**
 * The request was refused before anything was sent: an empty id, a limit out of 0..50, a
 * `since` after `until`... `issues` names each field. With `operation: "configure"`, the
 * client's own options were unusable (a host without a scheme, no API key...).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>("@airplane-runs/core/InvalidRequest")(
  "InvalidRequest",
  {
    operation: Schema.String,
    issues: Schema.Array(Schema.String)
  }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return this.operation === "configure"
      ? `Invalid client options: ${this.issues.join("; ")}`
      : `Invalid ${this.operation} request, nothing was sent: ${this.issues.join("; ")}`
  }

  /**
   * The same error, its issues' options named as the caller wrote them. Each issue reads
   * `<option>: <problem>`; a caller that took a value from elsewhere (a variable of the
   * environment, an option of its own name) renames `<option>` to what its user knows.
   *
   * @since 0.1.0
   */
  relabel(labels: Readonly<Record<string, string>>): InvalidRequest {
    return new InvalidRequest({
      operation: this.operation,
      issues: this.issues.map((issue) => {
        const name = issue.slice(0, Math.max(0, issue.indexOf(":")))
        return Object.hasOwn(labels, name) ? `${labels[name]}${issue.slice(name.length)}` : issue
      })
    })
  }
}

/**
 * 400 (or another 4xx the API does not document): the API refused the request as sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Schema.TaggedError<BadRequest>("@airplane-runs/core/BadRequest")(
  "BadRequest",
  HttpErrorFields
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${describe(this)}. Fix the request; retrying it as is will not help.`
  }
}

/**
 * 401: the API key is missing or invalid.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("@airplane-runs/core/Unauthorized")(
  "Unauthorized",
  HttpErrorFields
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${describe(this)}. Check the API key (AIRPLANE_API_KEY) and the host it is sent to.`
  }
}

/**
 * 403: the key may not do this.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.TaggedError<Forbidden>("@airplane-runs/core/Forbidden")(
  "Forbidden",
  HttpErrorFields
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${describe(this)}. The API key lacks the permission for this (or for this environment).`
  }
}

/**
 * 404: no such run or task.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>("@airplane-runs/core/NotFound")(
  "NotFound",
  HttpErrorFields
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${describe(this)}. Check the id, and the environment (X-Airplane-Env-Slug) it lives in.`
  }
}

/**
 * 409 or 423: the request conflicts with another active request, or the resource is locked.
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends Schema.TaggedError<Conflict>("@airplane-runs/core/Conflict")(
  "Conflict",
  HttpErrorFields
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${describe(this)}. Another request holds the resource; try again once it is done.`
  }
}

/**
 * 429: too many requests. `retryAfterMs` says how long the API asked to wait.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimited extends Schema.TaggedError<RateLimited>("@airplane-runs/core/RateLimited")(
  "RateLimited",
  HttpErrorFields
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${describe(this)}. Rate limited; gave up${effort(this)}.${retryAfter(this)} Send fewer requests, ` +
      "or let calls wait longer (RetryPolicy maxRetryAfter, a longer deadline)."
  }
}

/**
 * 5xx: the API failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>("@airplane-runs/core/ServerError")(
  "ServerError",
  HttpErrorFields
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    if (this.retryable === false) {
      return `${describe(this)}. The API failed and said not to retry (X-Airplane-Retryable: false).`
    }
    if (this.status === 501) return `${describe(this)}. The API does not implement this; a 501 is not retried.`
    return `${describe(this)}. The API failed; gave up${effort(this)}.${retryAfter(this)}`
  }
}

/**
 * The connection failed: refused, reset, closed mid-answer, or the URL could not be reached.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>("@airplane-runs/core/TransportError")(
  "TransportError",
  {
    method: Schema.String,
    path: Schema.String,
    /** What the platform said went wrong. */
    reason: Schema.String,
    ...EffortFields
  }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.method} ${this.path} failed on the wire${effort(this)}: ${this.reason}. ` +
      "Check the host (AIRPLANE_API_HOST) and the network."
  }
}

/**
 * The call took too long: one attempt (`scope: "attempt"`, headers and body) or the whole
 * call with its retries (`scope: "deadline"`).
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends Schema.TaggedError<Timeout>("@airplane-runs/core/Timeout")(
  "Timeout",
  {
    method: Schema.String,
    path: Schema.String,
    scope: Schema.Literal("attempt", "deadline"),
    timeoutMs: Schema.Number,
    ...EffortFields
  }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.method} ${this.path} timed out: the ${
      this.scope === "attempt" ? "attempt" : "call's deadline"
    } of ${this.timeoutMs} ms passed${effort(this)}.`
  }
}

/**
 * The answer could not be read: not JSON, cut short, or not the shape of the contract.
 * `schemaPath` points at the offending field when the shape was wrong.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidResponse extends Schema.TaggedError<InvalidResponse>("@airplane-runs/core/InvalidResponse")(
  "InvalidResponse",
  {
    method: Schema.String,
    path: Schema.String,
    status: Schema.Number,
    reason: Schema.String,
    schemaPath: Schema.optional(Schema.Array(Schema.String)),
    requestId: Schema.optional(Schema.String),
    ...EffortFields
  }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const where = this.schemaPath === undefined || this.schemaPath.length === 0
      ? ""
      : ` at ${this.schemaPath.join(".")}`
    return `${this.method} ${this.path} answered ${this.status} with a body that could not be read${where}: ${this.reason}`
  }
}

/**
 * The errors of an HTTP answer.
 *
 * @since 0.1.0
 * @category models
 */
export type HttpError = BadRequest | Unauthorized | Forbidden | NotFound | Conflict | RateLimited | ServerError

/**
 * Every error a Runs call can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type RunsError = InvalidRequest | HttpError | TransportError | Timeout | InvalidResponse

// Every class carries the type id on its prototype: set once here, for all of them.
for (
  const error of [
    InvalidRequest,
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    RateLimited,
    ServerError,
    TransportError,
    Timeout,
    InvalidResponse
  ]
) {
  Object.defineProperty(error.prototype, TypeId, { value: TypeId })
}

/**
 * Whether a value is one of the {@link RunsError}s, by its type id.
 *
 * @since 0.1.0
 * @category guards
 */
export const isRunsError = (u: unknown): u is RunsError => Predicate.hasProperty(u, TypeId)

/**
 * Whether a value is an error of an HTTP answer.
 *
 * @since 0.1.0
 * @category guards
 */
export const isHttpError = (u: unknown): u is HttpError => isRunsError(u) && "status" in u && "error" in u
