/**
 * Attempts again, by the call's policy and the server's word: never before its `Retry-After`,
 * never planned past the deadline, each retry logged at Debug with why and how long.
 */
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleInterval from "effect/ScheduleInterval"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import type { RetryPolicy } from "../RetryPolicy.js"
import type * as RunsError from "../RunsError.js"
import type { Target } from "./send.js"

/** When a deadline passes, in `Clock` milliseconds, and how long it was, for its error. */
export interface Deadline {
  readonly at: number
  readonly timeoutMs: number
}

/** What one call has done so far. */
export interface Progress {
  /** Attempts made, the one in flight included. */
  attempts: number
  /** Why the last attempt failed. */
  failure: RunsError.RunsError | undefined
  /** How long the call waits before its next attempt, as decided. */
  waitMs: number
}

/** How long the API asked to wait before another attempt, when it did. */
export const retryAfterOf = (error: RunsError.RunsError): number | undefined =>
  "retryAfterMs" in error ? error.retryAfterMs : undefined

/**
 * The rules above any policy: no retry is sent before the server's `Retry-After`, and none is
 * planned past the deadline. A wait that would end after the deadline ends the call now, with
 * the failure that asked for it (a `RateLimited` with its `retryAfterMs`), not a `Timeout`
 * after waiting in vain.
 */
const obeyServer = (policy: RetryPolicy, progress: Progress, deadline: Deadline | undefined): RetryPolicy =>
  Schedule.makeWithState(
    policy.initial,
    (now, error: RunsError.RunsError, state) =>
      Effect.map(policy.step(now, error, state), ([next, out, decision]) => {
        progress.failure = error
        if (ScheduleDecision.isDone(decision)) return [next, out, decision] as const
        const planned = ScheduleIntervals.start(decision.intervals)
        const start = Math.max(planned, now + (retryAfterOf(error) ?? 0))
        if (deadline !== undefined && start >= deadline.at) return [next, out, ScheduleDecision.done] as const
        progress.waitMs = Math.max(0, start - now)
        return [
          next,
          out,
          start === planned ? decision : ScheduleDecision.continueWith(ScheduleInterval.after(start))
        ] as const
      })
  )

// Invisible under the default Info level; annotated so a logger can filter or index them.
const logRetries = (policy: RetryPolicy, progress: Progress, { method, path }: Target): RetryPolicy =>
  Schedule.onDecision(policy, (_, decision) => {
    const error = progress.failure
    if (ScheduleDecision.isDone(decision) || error === undefined) return Effect.void
    // The wait as decided, from the time the decision was made: read from the clock again, it
    // would show less than a Retry-After the call obeys.
    const waitMs = progress.waitMs
    const status = "status" in error ? ` ${error.status}` : ""
    return Effect.logDebug(
      `${method} ${path}: attempt ${progress.attempts} failed with ${error._tag}${status}; retrying in ${waitMs} ms`
    ).pipe(Effect.annotateLogs({
      "airplane.http.method": method,
      "airplane.http.path": path,
      "airplane.attempt": progress.attempts,
      "airplane.error": error._tag,
      "airplane.retry_in_ms": waitMs
    }))
  })

/**
 * `attempt` again and again, as `policy` and the server allow, counting the attempts in
 * `progress`. As `Effect.retry` does, but the policy's driver (its state, its clock) is built
 * only when the first attempt fails: most calls succeed at once, and skip it.
 */
export const retry = <A, E extends RunsError.RunsError>(
  attempt: Effect.Effect<A, E>,
  policy: RetryPolicy,
  progress: Progress,
  deadline: Deadline | undefined,
  target: Target
): Effect.Effect<A, E> => {
  const once = Effect.suspend(() => {
    progress.attempts++
    return attempt
  })
  return Effect.catchAll(
    once,
    (first) =>
      Effect.flatMap(
        Schedule.driver(logRetries(obeyServer(policy, progress, deadline), progress, target)),
        (driver) => {
          const again = (error: E): Effect.Effect<A, E> =>
            Effect.matchEffect(driver.next(error), {
              onFailure: () => Effect.fail(error),
              onSuccess: () => Effect.catchAll(once, again)
            })
          return again(first)
        }
      )
  )
}
