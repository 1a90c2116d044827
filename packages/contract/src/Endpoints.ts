/**
 * Each endpoint of the Runs API, described once: its method and path, the schemas of its
 * query, body and answer, and the errors it documents; and what every call carries (the base
 * path, the header names). The embedded server's `HttpApi` and the OpenAPI document are built
 * from these descriptions (see `RunsApi`), and the client executes them, without the `HttpApi`
 * machinery in its bundle.
 *
 * @example
 * ```ts
 * import { Endpoints } from "@airplane-runs/contract"
 *
 * // GET /v0/runs/get?id=...
 * console.log(Endpoints.get.method, `${Endpoints.basePath}${Endpoints.get.path}`)
 * ```
 *
 * @since 0.1.0
 */
import type * as Schema from "effect/Schema"
import { NotFound } from "./ApiError.js"
import { CancelRunAnswer, CancelRunBody } from "./CancelRun.js"
import { ExecuteTaskAnswer, ExecuteTaskBody, ExecuteTaskParams } from "./ExecuteTask.js"
import { GetRunParams } from "./GetRun.js"
import { ListRunsAnswer, ListRunsParams } from "./ListRuns.js"
import { Run } from "./Run.js"
import { GetOutputsParams, RunOutputs } from "./RunOutputs.js"

/**
 * The path every endpoint is under.
 *
 * @since 0.1.0
 * @category constants
 */
export const basePath = "/v0"

/**
 * The header that carries the API key (`tkn_...`).
 *
 * @since 0.1.0
 * @category headers
 */
export const apiKeyHeader = "X-Airplane-API-Key"

/**
 * The optional header that picks an environment by slug.
 *
 * @since 0.1.0
 * @category headers
 */
export const envSlugHeader = "X-Airplane-Env-Slug"

/**
 * The optional header that picks an environment by id.
 *
 * @since 0.1.0
 * @category headers
 */
export const envIdHeader = "X-Airplane-Env-ID"

/**
 * The header a server may set to say whether a failed request is worth retrying; it
 * overrides the status rule.
 *
 * @since 0.1.0
 * @category headers
 */
export const retryableHeader = "X-Airplane-Retryable"

/**
 * The header that makes a POST idempotent: the first 2xx answer for a key is replayed.
 *
 * @since 0.1.0
 * @category headers
 */
export const idempotencyKeyHeader = "Idempotency-Key"

/**
 * One endpoint: where it is, what it takes and what it answers. A GET takes a query; a POST
 * takes a JSON body, and may take a query too.
 *
 * @since 0.1.0
 * @category models
 */
export interface Endpoint<
  out Name extends string,
  out Method extends "GET" | "POST",
  out Path extends `/${string}`,
  out Query extends Schema.Schema.AnyNoContext | undefined,
  out Body extends Schema.Schema.AnyNoContext | undefined,
  out Answer extends Schema.Schema.AnyNoContext,
  out Errors extends ReadonlyArray<Schema.Schema.AnyNoContext>
> {
  readonly name: Name
  readonly method: Method
  /** Under {@link basePath}. */
  readonly path: Path
  readonly query: Query
  readonly body: Body
  readonly answer: Answer
  /** What an empty 2xx body stands for, when the API documents no body. */
  readonly emptyAnswer?: Schema.Schema.Encoded<Answer> | undefined
  /** The errors of this endpoint; those of every endpoint are the API's (see `RunsApi`). */
  readonly errors: Errors
  readonly summary: string
  readonly description: string
}

/**
 * Any endpoint.
 *
 * @since 0.1.0
 * @category models
 */
export type Any = Endpoint<
  string,
  "GET" | "POST",
  `/${string}`,
  Schema.Schema.AnyNoContext | undefined,
  Schema.Schema.AnyNoContext | undefined,
  Schema.Schema.AnyNoContext,
  ReadonlyArray<Schema.Schema.AnyNoContext>
>

/**
 * Describes an endpoint, its types kept exact.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <
  const Name extends string,
  const Method extends "GET" | "POST",
  const Path extends `/${string}`,
  Answer extends Schema.Schema.AnyNoContext,
  const Errors extends ReadonlyArray<Schema.Schema.AnyNoContext>,
  Query extends Schema.Schema.AnyNoContext | undefined = undefined,
  Body extends Schema.Schema.AnyNoContext | undefined = undefined
>(endpoint: {
  readonly name: Name
  readonly method: Method
  readonly path: Path
  readonly query?: Query
  readonly body?: Body
  readonly answer: Answer
  readonly emptyAnswer?: Schema.Schema.Encoded<Answer> | undefined
  readonly errors: Errors
  readonly summary: string
  readonly description: string
}): Endpoint<Name, Method, Path, Query, Body, Answer, Errors> => ({
  ...endpoint,
  query: endpoint.query as Query,
  body: endpoint.body as Body
})

/**
 * `GET /runs/get?id=`: a run, answered flat.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const get = make({
  name: "get",
  method: "GET",
  path: "/runs/get",
  query: GetRunParams,
  answer: Run,
  errors: [NotFound],
  summary: "Get Run",
  description: "Get information about an existing run."
})

/**
 * `GET /runs/getOutputs?id=`: a run's outputs, `{"output": <any JSON>}`.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const getOutputs = make({
  name: "getOutputs",
  method: "GET",
  path: "/runs/getOutputs",
  query: GetOutputsParams,
  answer: RunOutputs,
  errors: [NotFound],
  summary: "Get Run Outputs",
  description: "Get outputs from an existing run."
})

/**
 * `GET /runs/list`: one page of runs, newest first.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const list = make({
  name: "list",
  method: "GET",
  path: "/runs/list",
  query: ListRunsParams,
  answer: ListRunsAnswer,
  errors: [],
  summary: "List Runs",
  description:
    "List runs, newest first, one page of `limit` at a time; a page shorter than the limit is the last. `since` and `until` select runs by the time they were last updated."
})

/**
 * `POST /runs/cancel` with `{"runID": "..."}`; the API documents no answer body.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const cancel = make({
  name: "cancel",
  method: "POST",
  path: "/runs/cancel",
  body: CancelRunBody,
  answer: CancelRunAnswer,
  emptyAnswer: {},
  errors: [NotFound],
  summary: "Cancel Run",
  description: "Cancel a run. A run that has already finished cannot be cancelled (400)."
})

/**
 * `POST /tasks/execute`: starts a run of a task, answers `{"runID": "..."}`.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const execute = make({
  name: "execute",
  method: "POST",
  path: "/tasks/execute",
  query: ExecuteTaskParams,
  body: ExecuteTaskBody,
  answer: ExecuteTaskAnswer,
  errors: [NotFound],
  summary: "Execute Task",
  description: "Execute a task with a set of parameter values and receive a run ID to track the task's execution."
})
