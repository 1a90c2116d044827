/**
 * The Promise facade's error class for each of core's error tags: a case expecting a tag
 * through core expects this class through the facade.
 */
import type { RunsError } from "@airplane-runs/core"
import {
  type AirplaneRunsError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  InvalidResponseError,
  NotFoundError,
  RateLimitedError,
  ServerError,
  TimeoutError,
  TransportError,
  UnauthorizedError
} from "@airplane-runs/promise"

export const errorClass: Record<RunsError.RunsError["_tag"], new(...args: any) => AirplaneRunsError> = {
  InvalidRequest: InvalidRequestError,
  BadRequest: BadRequestError,
  Unauthorized: UnauthorizedError,
  Forbidden: ForbiddenError,
  NotFound: NotFoundError,
  Conflict: ConflictError,
  RateLimited: RateLimitedError,
  ServerError,
  TransportError,
  Timeout: TimeoutError,
  InvalidResponse: InvalidResponseError
}

/** What a value thrown or failed with is, for a test's message. */
export const describeError = (error: unknown): string =>
  error instanceof Error
    ? `${error.constructor.name}${"_tag" in error ? ` (${String(error._tag)})` : ""}: ${error.message}`
    : String(error)
