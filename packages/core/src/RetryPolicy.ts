/**
 * When a failed Runs call is tried again, and after how long.
 *
 * The default retries only what may pass: 429, 5xx but 501, connection failures and attempt
 * timeouts, unless the API's `X-Airplane-Retryable` header says otherwise. It waits with
 * capped exponential backoff and full jitter, or as long as `Retry-After` asks, plus a little
 * jitter (a longer ask than `maxRetryAfter` ends the call instead).
 * Any `Schedule` of `RunsError`s can replace it, per layer or per call.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import { retryAfterOf } from "./internal/retry.js"
import type { RunsError } from "./RunsError.js"

/**
 * The knobs of the default policy. Every field has a default.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Attempts in all, the first included. Default 5. */
  readonly maxAttempts?: number | undefined
  /** The backoff before the first retry, doubled each time. Default 200 ms. */
  readonly initialDelay?: Duration.DurationInput | undefined
  /** The most any backoff waits. Default 10 s. */
  readonly maxDelay?: Duration.DurationInput | undefined
  /**
   * The longest `Retry-After` waited out. A longer ask is not retried early, as no request may
   * be sent before it (RFC 9110 §10.2.3): the call fails at once with the error that asked,
   * whose `retryAfterMs` says when to come back. Default 60 s.
   */
  readonly maxRetryAfter?: Duration.DurationInput | undefined
  /**
   * Start no retry once this long has passed since the first failure. A wait already decided
   * (a long `Retry-After`) is not cut short: for a hard bound on a call, use its `deadline`.
   * Default: no bound.
   */
  readonly maxElapsed?: Duration.DurationInput | undefined
}

/**
 * A retry policy: fed each failure, it decides whether and when to try again.
 *
 * @since 0.1.0
 * @category models
 */
export type RetryPolicy = Schedule.Schedule<unknown, RunsError>

/**
 * The defaults of {@link Options}.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults = {
  maxAttempts: 5,
  initialDelay: Duration.millis(200),
  maxDelay: Duration.seconds(10),
  maxRetryAfter: Duration.seconds(60)
} as const

/**
 * Whether a failure may pass if tried again. `X-Airplane-Retryable` decides when the API
 * sent it; else 429 and 5xx but 501 are retryable, as are connection failures and attempt
 * timeouts. Invalid requests, invalid answers and an overall deadline never are.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable = (error: RunsError): boolean => {
  switch (error._tag) {
    case "TransportError":
      return true
    case "Timeout":
      return error.scope === "attempt"
    case "InvalidRequest":
    case "InvalidResponse":
      return false
    default:
      return error.retryable ?? (error.status === 429 || (error.status >= 500 && error.status !== 501))
  }
}

/**
 * The default policy with some knobs changed.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@airplane-runs/core"
 *
 * const patient = RetryPolicy.make({ maxAttempts: 10, maxElapsed: "2 minutes" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): RetryPolicy => {
  const maxAttempts = options.maxAttempts ?? defaults.maxAttempts
  const maxDelay = Duration.toMillis(options.maxDelay ?? defaults.maxDelay)
  const maxRetryAfter = Duration.toMillis(options.maxRetryAfter ?? defaults.maxRetryAfter)
  const backoff = Schedule.exponential(options.initialDelay ?? defaults.initialDelay).pipe(
    // Full jitter: a random wait up to the capped exponential delay spreads a crowd of clients.
    Schedule.modifyDelayEffect((_, delay) =>
      Effect.map(Random.next, (r) => Duration.millis(Math.floor(r * Math.min(maxDelay, Duration.toMillis(delay)))))
    )
  )
  const policy = Schedule.recurWhile<RunsError>((error) =>
    isRetryable(error) && !(retryAfterOf(error) !== undefined && retryAfterOf(error)! > maxRetryAfter)
  ).pipe(
    Schedule.intersect(Schedule.recurs(Math.max(0, maxAttempts - 1))),
    Schedule.intersect(backoff),
    Schedule.passthrough,
    Schedule.modifyDelayEffect((error, delay) => {
      const wait = retryAfterOf(error)
      return wait === undefined
        ? Effect.succeed(delay)
        : Effect.map(Random.next, (r) => Duration.millis(wait + Math.floor(r * retryAfterJitter(wait))))
    })
  )
  return options.maxElapsed === undefined ? policy : Schedule.upTo(policy, options.maxElapsed)
}

/**
 * The most added on top of a `Retry-After`: a tenth of it, at most a second. A crowd told to
 * come back in the same whole second then does not come back in the same millisecond, and no
 * one comes back before the server's time.
 *
 * @since 0.1.0
 * @category utils
 */
export const retryAfterJitter = (retryAfterMs: number): number => Math.min(1_000, retryAfterMs / 10)

/**
 * The default policy: 5 attempts, backoff from 200 ms doubling up to 10 s with full jitter,
 * `Retry-After` waited out (plus up to a tenth of it, at most 1 s) up to 60 s; a longer ask
 * fails the call at once.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultPolicy: RetryPolicy = make()

/**
 * Never retry.
 *
 * @since 0.1.0
 * @category constructors
 */
export const none: RetryPolicy = Schedule.stop
