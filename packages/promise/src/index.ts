/**
 * The Airplane Runs API for plain async/await code.
 *
 * ```ts
 * import { AirplaneRuns, NotFoundError } from "@airplane-runs/promise"
 *
 * const client = new AirplaneRuns({ apiKey: process.env.AIRPLANE_API_KEY })
 * try {
 *   const run = await client.runs.get({ id: "run20220111zlq2ig4" })
 * } catch (error) {
 *   if (error instanceof NotFoundError) console.log("no such run")
 * }
 * ```
 *
 * @since 0.1.0
 */
export {
  AirplaneRuns,
  type AwaitOptions,
  type ClientOptions,
  type ExecuteParams,
  type ListOptions,
  type ListParams,
  type MutationOptions,
  type RequestOptions,
  RunList,
  RunsResource,
  type WatchTaskOptions,
  type WatchTaskParams
} from "./AirplaneRuns.js"
export {
  AbortedError,
  AirplaneRunsError,
  BadRequestError,
  ClientClosedError,
  ConflictError,
  type ErrorDetails,
  ForbiddenError,
  InvalidRequestError,
  InvalidResponseError,
  NotFoundError,
  RateLimitedError,
  ServerError,
  TimeoutError,
  TransportError,
  UnauthorizedError
} from "./AirplaneRunsError.js"
export type { APIPromise, ResponseInfo, WithResponse } from "./APIPromise.js"
export type { Completed, Json, Parameter, Permission, Run, RunsPage, RunStatus } from "./Run.js"
