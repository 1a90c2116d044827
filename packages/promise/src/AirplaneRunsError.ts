/**
 * The errors the client throws: one class per kind of failure, all under
 * {@link AirplaneRunsError}, so `instanceof` tells them apart. None holds the API key.
 *
 * The names follow core's error tags by one rule: the tag `X` is the class `XError`, and a
 * tag that already ends in `Error` keeps its name (`NotFound` is `NotFoundError`,
 * `TransportError` is `TransportError`). `AbortedError` and `ClientClosedError` are the
 * facade's own: they come from an `AbortSignal` and from `close()`.
 *
 * @since 0.1.0
 */
/**
 * What every error carries, when it applies.
 *
 * @since 0.1.0
 * @category errors
 */
export interface ErrorDetails {
  /**
   * The HTTP status of the API's answer.
   *
   * @since 0.1.0
   */
  readonly status?: number | undefined
  /**
   * The API's machine readable code.
   *
   * @since 0.1.0
   */
  readonly code?: string | undefined
  /**
   * The request id of the API's answer.
   *
   * @since 0.1.0
   */
  readonly requestId?: string | undefined
  /**
   * The request, as `METHOD /path`.
   *
   * @since 0.1.0
   */
  readonly request?: string | undefined
  readonly cause?: unknown
}

/**
 * The base class of every error the client throws.
 *
 * @since 0.1.0
 * @category errors
 */
export class AirplaneRunsError extends Error {
  /**
   * The HTTP status of the API's answer, when there was one.
   *
   * @since 0.1.0
   */
  declare readonly status: number | undefined
  /**
   * The API's machine-readable code, e.g. `run_not_found`.
   *
   * @since 0.1.0
   */
  declare readonly code: string | undefined
  /**
   * The request id of the API's answer, to quote to its operators.
   *
   * @since 0.1.0
   */
  declare readonly requestId: string | undefined
  /**
   * The request, as `METHOD /path`, when one was made.
   *
   * @since 0.1.0
   */
  declare readonly request: string | undefined

  // The fields are `declare`d and set only when known: an own property holding `undefined`
  // would print as `status: undefined` in `console.log` and `util.inspect`. Read, an unset
  // field is `undefined` all the same.
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    setKnown(this, "status", details.status)
    setKnown(this, "code", details.code)
    setKnown(this, "requestId", details.requestId)
    setKnown(this, "request", details.request)
  }
}

const setKnown = (error: AirplaneRunsError, field: string, value: unknown): void => {
  if (value !== undefined) (error as unknown as Record<string, unknown>)[field] = value
}

/**
 * The arguments were refused before anything was sent (an empty id, a limit over 50...).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequestError extends AirplaneRunsError {}
/**
 * 400: the API refused the request as sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequestError extends AirplaneRunsError {}
/**
 * 401: the API key is missing or invalid.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnauthorizedError extends AirplaneRunsError {}
/**
 * 403: the key may not do this.
 *
 * @since 0.1.0
 * @category errors
 */
export class ForbiddenError extends AirplaneRunsError {}
/**
 * 404: no such run or task.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFoundError extends AirplaneRunsError {}
/**
 * 409 or 423: the request conflicts with another, or the resource is locked.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConflictError extends AirplaneRunsError {}
/**
 * 429: rate limited, and the retries ran out.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitedError extends AirplaneRunsError {
  /**
   * How long the API asked to wait, in milliseconds.
   *
   * @since 0.1.0
   */
  declare readonly retryAfterMs: number | undefined
  constructor(message: string, details: ErrorDetails & { readonly retryAfterMs?: number | undefined } = {}) {
    super(message, details)
    setKnown(this, "retryAfterMs", details.retryAfterMs)
  }
}
/**
 * 5xx: the API failed, and the retries ran out.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends AirplaneRunsError {}
/**
 * Core's `TransportError`: the request or its answer failed on the wire (refused, reset,
 * closed mid-answer), or the answer came in a `Content-Encoding` the client cannot decode.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends AirplaneRunsError {}
/**
 * An attempt, or the whole call, took longer than allowed.
 *
 * @since 0.1.0
 * @category errors
 */
export class TimeoutError extends AirplaneRunsError {}
/**
 * The answer could not be read: not JSON, cut short, or not the API's shape.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidResponseError extends AirplaneRunsError {}
/**
 * The call's `AbortSignal` fired; the request and any wait were stopped.
 *
 * @since 0.1.0
 * @category errors
 */
export class AbortedError extends AirplaneRunsError {}
/**
 * The client was closed; make a new one.
 *
 * @since 0.1.0
 * @category errors
 */
export class ClientClosedError extends AirplaneRunsError {}

// Each class's name, written out: a minifier renames classes, so reading the constructor's name
// (`new.target.name`) gave "_F" in a bundled program. On the prototype, so it prints as Error's.
const names = {
  AirplaneRunsError,
  InvalidRequestError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  RateLimitedError,
  ServerError,
  TransportError,
  TimeoutError,
  InvalidResponseError,
  AbortedError,
  ClientClosedError
}
for (const [name, error] of Object.entries(names)) error.prototype.name = name
