/**
 * How a failure of the core becomes the facade's error: the one mapping from core's tagged
 * errors to the `instanceof` classes, and the facade's own aborted, closed and refused-options
 * errors. Made at the caller's `await`, for a stack that leads to their code.
 */
import type { RunsError } from "@airplane-runs/core"
import { Cause, Option } from "effect"
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

/**
 * Core's option names, as the facade's caller wrote them: core names each problem with its
 * option (`host: ... has no scheme`), and the caller must read the name they wrote (`baseUrl`),
 * or the variable the value came from (`AIRPLANE_API_HOST`, as `Runs.config` reads it).
 */
const optionNames: Readonly<Record<string, { readonly option: string; readonly variable?: string }>> = {
  apiKey: { option: "apiKey", variable: "AIRPLANE_API_KEY" },
  host: { option: "baseUrl", variable: "AIRPLANE_API_HOST" },
  envSlug: { option: "envSlug", variable: "AIRPLANE_ENV_SLUG" },
  envId: { option: "envId", variable: "AIRPLANE_ENV_ID" },
  attemptTimeout: { option: "timeoutMs" },
  deadline: { option: "deadlineMs" },
  retry: { option: "retry" }
}

/** Core's issue (`"<option>: <problem>"`), its option named as the caller wrote it. */
const relabel = (issue: string, fromEnvironment: ReadonlySet<string>): string => {
  const name = issue.slice(0, Math.max(0, issue.indexOf(":")))
  if (!Object.hasOwn(optionNames, name)) return issue
  const { option, variable } = optionNames[name]!
  return `${fromEnvironment.has(name) && variable !== undefined ? variable : option}${issue.slice(name.length)}`
}

/**
 * What the constructor throws for options core refused, in the caller's names, not core's:
 * `fromEnvironment` holds core's names of the options whose value came from the environment.
 */
export const unusableOptions = (
  error: RunsError.InvalidRequest,
  fromEnvironment: ReadonlySet<string>
): Public.InvalidRequestError =>
  new Public.InvalidRequestError(
    `Unusable client options: ${error.issues.map((issue) => relabel(issue, fromEnvironment)).join("; ")}`
  )
