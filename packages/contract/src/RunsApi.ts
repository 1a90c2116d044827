/**
 * The HTTP API definition of the Airplane Runs endpoints: one definition that the embedded
 * server implements and the client derives its requests from, so the two cannot drift apart.
 *
 * @since 0.1.0
 */
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSecurity, OpenApi } from "@effect/platform"
import { BadRequest, Forbidden, InternalServerError, NotFound, TooManyRequests, Unauthorized } from "./ApiError.js"
import { CancelRunAnswer, CancelRunBody } from "./CancelRun.js"
import { ExecuteTaskAnswer, ExecuteTaskBody, ExecuteTaskParams } from "./ExecuteTask.js"
import { GetRunParams } from "./GetRun.js"
import { ListRunsParams, RunsPage } from "./ListRuns.js"
import { Run } from "./Run.js"
import { GetOutputsParams, RunOutputs } from "./RunOutputs.js"

/**
 * The header that carries the API key (`tkn_...`).
 *
 * @since 0.1.0
 * @category constants
 */
export const apiKeyHeader = "X-Airplane-API-Key"

/**
 * The optional headers that pick an environment, by slug or by id.
 *
 * @since 0.1.0
 * @category constants
 */
export const envSlugHeader = "X-Airplane-Env-Slug"

/**
 * @since 0.1.0
 * @category constants
 */
export const envIdHeader = "X-Airplane-Env-ID"

/**
 * The header a server may set to say whether a failed request is worth retrying; it
 * overrides the status rule.
 *
 * @since 0.1.0
 * @category constants
 */
export const retryableHeader = "X-Airplane-Retryable"

/**
 * The header that makes a POST idempotent: the first 2xx answer for a key is replayed.
 *
 * @since 0.1.0
 * @category constants
 */
export const idempotencyKeyHeader = "Idempotency-Key"

/**
 * The path every endpoint is under.
 *
 * @since 0.1.0
 * @category constants
 */
export const basePath = "/v0"

/**
 * The API key security scheme.
 *
 * @since 0.1.0
 * @category security
 */
export class ApiKeyAuth extends HttpApiMiddleware.Tag<ApiKeyAuth>()("@airplane-runs/contract/ApiKeyAuth", {
  failure: Unauthorized,
  security: {
    ApiKeyAuth: HttpApiSecurity.apiKey({ key: apiKeyHeader, in: "header" })
  }
}) {}

/**
 * `/runs/*`: get, getOutputs, list, cancel.
 *
 * @since 0.1.0
 * @category groups
 */
export class RunsGroup extends HttpApiGroup.make("runs")
  .add(
    HttpApiEndpoint.get("get", "/runs/get")
      .setUrlParams(GetRunParams)
      .addSuccess(Run)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Get Run")
      .annotate(OpenApi.Description, "Get information about an existing run.")
  )
  .add(
    HttpApiEndpoint.get("getOutputs", "/runs/getOutputs")
      .setUrlParams(GetOutputsParams)
      .addSuccess(RunOutputs)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Get Run Outputs")
      .annotate(OpenApi.Description, "Get outputs from an existing run.")
  )
  .add(
    HttpApiEndpoint.get("list", "/runs/list")
      .setUrlParams(ListRunsParams)
      .addSuccess(RunsPage)
      .annotate(OpenApi.Summary, "List Runs")
      .annotate(
        OpenApi.Description,
        "List runs, newest first, one page of `limit` at a time; a page shorter than the limit is the last."
      )
  )
  .add(
    HttpApiEndpoint.post("cancel", "/runs/cancel")
      .setPayload(CancelRunBody)
      .addSuccess(CancelRunAnswer)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Cancel Run")
      .annotate(OpenApi.Description, "Cancel a run. A run that has already finished cannot be cancelled (400).")
  )
  .middleware(ApiKeyAuth)
  .annotate(OpenApi.Description, "A run represents an instance of a task's execution.")
{}

/**
 * `/tasks/execute`: starts a run.
 *
 * @since 0.1.0
 * @category groups
 */
export class TasksGroup extends HttpApiGroup.make("tasks")
  .add(
    HttpApiEndpoint.post("execute", "/tasks/execute")
      .setUrlParams(ExecuteTaskParams)
      .setPayload(ExecuteTaskBody)
      .addSuccess(ExecuteTaskAnswer)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "Execute Task")
      .annotate(
        OpenApi.Description,
        "Execute a task with a set of parameter values and receive a run ID to track the task's execution."
      )
  )
  .middleware(ApiKeyAuth)
{}

/**
 * The Airplane Runs API: the runs and tasks groups under `/v0`, every endpoint behind the API
 * key, and the failures any endpoint can answer with. The key is required per group rather
 * than on the whole API, so that routes a server adds beside the API (documentation, admin)
 * are not behind it.
 *
 * @since 0.1.0
 * @category api
 */
export class RunsApi extends HttpApi.make("airplane-runs")
  .add(RunsGroup)
  .add(TasksGroup)
  .prefix(basePath)
  .addError(BadRequest)
  .addError(Forbidden)
  .addError(TooManyRequests)
  .addError(InternalServerError)
  .annotate(OpenApi.Title, "Airplane Runs API")
  .annotate(OpenApi.Version, "0.0.0")
  .annotate(OpenApi.Servers, [{ url: "https://api.airplane.dev", description: "Airplane API" }])
{}

/**
 * The OpenAPI document of {@link RunsApi}. Objects allow properties they do not name, as the
 * API may add fields and the schemas drop unknown ones rather than fail.
 *
 * @since 0.1.0
 * @category api
 */
export const openApi = (): OpenApi.OpenAPISpec => OpenApi.fromApi(RunsApi, { additionalPropertiesStrategy: "allow" })
