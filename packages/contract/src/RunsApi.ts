/**
 * The HTTP API of the Airplane Runs endpoints, built from their descriptions in `Endpoints`:
 * what the embedded server implements and the OpenAPI document shows. The client executes the
 * same descriptions, so the two cannot drift apart.
 *
 * @since 0.1.0
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as OpenApi from "@effect/platform/OpenApi"
import type * as Schema from "effect/Schema"
import { BadRequest, Forbidden, InternalServerError, TooManyRequests, Unauthorized } from "./ApiError.js"
import * as Endpoints from "./Endpoints.js"

/**
 * The `HttpApiEndpoint` of an endpoint's description, with the types of its query, body,
 * answer and errors.
 *
 * @since 0.1.0
 * @category models
 */
export type HttpApiEndpointOf<E extends Endpoints.Any> = E extends Endpoints.Endpoint<
  infer Name,
  infer Method,
  infer _Path,
  infer Query,
  infer Body,
  infer Answer,
  infer Errors
> ? HttpApiEndpoint.HttpApiEndpoint<
    Name,
    Method,
    never,
    Query extends Schema.Schema.AnyNoContext ? Schema.Schema.Type<Query> : never,
    Body extends Schema.Schema.AnyNoContext ? Schema.Schema.Type<Body> : never,
    never,
    Schema.Schema.Type<Answer>,
    Schema.Schema.Type<Errors[number]>
  >
  : never

type Building = HttpApiEndpoint.HttpApiEndpoint<any, any, any, any, any, any, any, any, any, any>

/**
 * The endpoint of the `HttpApi` that an endpoint's description makes: the one place the
 * description turns into the platform's builder calls.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromEndpoint = <E extends Endpoints.Any>(endpoint: E): HttpApiEndpointOf<E> => {
  // Each step changes the type: the steps work on any endpoint, and the result is cast once,
  // to what the description says.
  let built = HttpApiEndpoint.make(endpoint.method)(endpoint.name, endpoint.path) as unknown as Building
  if (endpoint.query !== undefined) built = built.setUrlParams(endpoint.query)
  if (endpoint.body !== undefined) built = built.setPayload(endpoint.body)
  built = built.addSuccess(endpoint.answer)
  for (const error of endpoint.errors) built = built.addError(error)
  return built
    .annotate(OpenApi.Summary, endpoint.summary)
    .annotate(OpenApi.Description, endpoint.description) as unknown as HttpApiEndpointOf<E>
}

/**
 * The API key security scheme.
 *
 * @since 0.1.0
 * @category security
 */
export class ApiKeyAuth extends HttpApiMiddleware.Tag<ApiKeyAuth>()("@airplane-runs/contract/ApiKeyAuth", {
  failure: Unauthorized,
  security: {
    ApiKeyAuth: HttpApiSecurity.apiKey({ key: Endpoints.apiKeyHeader, in: "header" })
  }
}) {}

/**
 * `/runs/*`: get, getOutputs, list, cancel.
 *
 * @since 0.1.0
 * @category groups
 */
export class RunsGroup extends HttpApiGroup.make("runs")
  .add(fromEndpoint(Endpoints.get))
  .add(fromEndpoint(Endpoints.getOutputs))
  .add(fromEndpoint(Endpoints.list))
  .add(fromEndpoint(Endpoints.cancel))
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
  .add(fromEndpoint(Endpoints.execute))
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
  .prefix(Endpoints.basePath)
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
