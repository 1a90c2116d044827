/**
 * The exit codes of `airplane-runs`, one per kind of failure, so a script can tell "no such
 * run" from "the API is down" without reading the message.
 *
 * @example
 * ```ts
 * import { ExitCode } from "@airplane-runs/cli"
 * import { RunsError } from "@airplane-runs/core"
 *
 * const error = new RunsError.NotFound({ status: 404, error: "no such run", method: "GET", path: "/v0/runs/get" })
 * ExitCode.ofRunsError(error) // 3
 * ```
 *
 * @since 0.2.0
 */
import type * as RunsError from "@airplane-runs/core/RunsError"

/**
 * Each exit code by name.
 *
 * @since 0.2.0
 * @category constants
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  notFound: 3,
  unauthorized: 4,
  rateLimited: 5,
  serverError: 6,
  connection: 7,
  timeout: 8,
  invalidAnswer: 9,
  interrupted: 130,
  terminated: 143
} as const

/**
 * An exit code.
 *
 * @since 0.2.0
 * @category models
 */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/**
 * What each exit code means, in order: the table of the package's README, which a test keeps
 * equal to this.
 *
 * @since 0.2.0
 * @category constants
 */
export const meanings: ReadonlyArray<readonly [code: ExitCode, meaning: string]> = [
  [ExitCode.ok, "done"],
  [
    ExitCode.failed,
    "the run waited for or watched ended Failed or Cancelled; a cancel was declined; the API refused the request (400, 409, 423)"
  ],
  [
    ExitCode.usage,
    "usage: an unknown command or flag, a bad value, no API key, a host the client refuses; nothing was sent"
  ],
  [ExitCode.notFound, "not found (404): no such run or task"],
  [ExitCode.unauthorized, "unauthorized or forbidden (401, 403): check the API key"],
  [ExitCode.rateLimited, "rate limited (429), after the retries"],
  [ExitCode.serverError, "the API failed (5xx), after the retries"],
  [ExitCode.connection, "the connection failed (refused, reset, unreachable), after the retries"],
  [ExitCode.timeout, "timed out (`--timeout`, or an attempt's 30 s)"],
  [ExitCode.invalidAnswer, "the answer could not be read (not JSON, not the shape of the API)"],
  [ExitCode.interrupted, "interrupted by Ctrl-C (SIGINT), its requests aborted (`server` stops and exits 0)"],
  [ExitCode.terminated, "stopped by SIGTERM, as by Ctrl-C"]
]

/**
 * The exit code of a client error.
 *
 * @since 0.2.0
 * @category mapping
 */
export const ofRunsError = (error: RunsError.RunsError): ExitCode => {
  switch (error._tag) {
    case "InvalidRequest":
      return ExitCode.usage
    case "NotFound":
      return ExitCode.notFound
    case "Unauthorized":
    case "Forbidden":
      return ExitCode.unauthorized
    case "RateLimited":
      return ExitCode.rateLimited
    case "ServerError":
      return ExitCode.serverError
    case "TransportError":
      return ExitCode.connection
    case "Timeout":
      return ExitCode.timeout
    case "InvalidResponse":
      return ExitCode.invalidAnswer
    case "BadRequest":
    case "Conflict":
      return ExitCode.failed
  }
}
