/**
 * How a failure of the core becomes the facade's error: the one mapping from core's tagged
 * errors to the `instanceof` classes, and the facade's own aborted, closed and refused-options
 * errors. Made at the caller's `await`, for a stack that leads to their code.
 */
import * as Runs from "@airplane-runs/core/Runs"
import type * as RunsError from "@airplane-runs/core/RunsError"
import * as Cause from "effect/Cause"
import * as Option from "effect/Option"
// The public classes: this module only decides which one a failure is.
import * as Public from "../AirplaneRunsError.js"

/** The client's error for one of core's. */
export const fromRunsError = (error: RunsError.RunsError): Public.AirplaneRunsError => {
  switch (error._tag) {
    case "InvalidRequest":
      return new Public.InvalidRequestError(error.message, { cause: error })
    case "TransportError":
      return new Public.TransportError(error.message, { request: `${error.method} ${error.path}`, cause: error })
    case "Timeout":
      return new Public.TimeoutError(error.message, { request: `${error.method} ${error.path}`, cause: error })
    case "InvalidResponse":
      return new Public.InvalidResponseError(error.message, {
        status: error.status,
        requestId: error.requestId,
        request: `${error.method} ${error.path}`,
        cause: error
      })
    default: {
      const details = {
        status: error.status,
        code: error.code,
        requestId: error.requestId,
        request: `${error.method} ${error.path}`,
        cause: error
      }
      switch (error._tag) {
        case "BadRequest":
          return new Public.BadRequestError(error.message, details)
        case "Unauthorized":
          return new Public.UnauthorizedError(error.message, details)
        case "Forbidden":
          return new Public.ForbiddenError(error.message, details)
        case "NotFound":
          return new Public.NotFoundError(error.message, details)
        case "Conflict":
          return new Public.ConflictError(error.message, details)
        case "RateLimited":
          return new Public.RateLimitedError(error.message, { ...details, retryAfterMs: error.retryAfterMs })
        case "ServerError":
          return new Public.ServerError(error.message, details)
      }
    }
  }
}

export const aborted = (signal: AbortSignal): Public.AbortedError =>
  new Public.AbortedError("The call was aborted by its AbortSignal.", { cause: signal.reason })

export const closed = (): Public.ClientClosedError =>
  new Public.ClientClosedError("The client is closed: make a new AirplaneRuns to call the API again.")

/** Turns what an Effect failed with into the client's error. */
export const fromCause = (
  cause: Cause.Cause<RunsError.RunsError>,
  signal: AbortSignal | undefined,
  closing: AbortSignal
): Public.AirplaneRunsError => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) return fromRunsError(failure.value)
  if (signal?.aborted === true && Cause.isInterruptedOnly(cause)) return aborted(signal)
  if (closing.aborted && Cause.isInterruptedOnly(cause)) return closed()
  return new Public.AirplaneRunsError(`Unexpected failure of the client: ${Cause.pretty(cause)}`, {
    cause: Cause.squash(cause)
  })
}

// The facade's names of core's options; an option whose value came from the environment is
// named by its variable, as core's `Runs.config` reads it.
const optionNames: Readonly<Record<string, string>> = {
  apiKey: "apiKey",
  host: "baseUrl",
  envSlug: "envSlug",
  envId: "envId",
  attemptTimeout: "timeoutMs",
  deadline: "deadlineMs",
  retry: "retry"
}

/**
 * What the constructor throws for options core refused, in the caller's names, not core's:
 * `fromEnvironment` holds core's names of the options whose value came from the environment.
 */
export const unusableOptions = (
  error: RunsError.InvalidRequest,
  fromEnvironment: ReadonlySet<keyof typeof Runs.environmentVariables>
): Public.InvalidRequestError => {
  const labels = { ...optionNames }
  for (const name of fromEnvironment) labels[name] = Runs.environmentVariables[name]
  return new Public.InvalidRequestError(`Unusable client options: ${error.relabel(labels).issues.join("; ")}`)
}
