import { ApiError, Endpoints, type Run, RunsApi } from "@airplane-runs/contract"
import { HttpApiBuilder, type HttpApiError, type HttpApp, HttpServerResponse } from "@effect/platform"
import { Effect, Layer, Predicate, Redacted } from "effect"
import { RunStore, type Service } from "../RunStore.js"
import { encodeRun } from "./wire.js"

const runNotFound = (id: string) => new ApiError.NotFound({ error: `run ${id} not found`, code: "run_not_found" })

// Runs are written here rather than by the endpoint's schema, which has one way to write a
// date: the store says, run by run, whether its timestamps are RFC 3339 or Postgres text.
const wire = (store: Service, run: Run.Run) => encodeRun(run, store.timestampFormat(run.id!))

/** The runs endpoints, over the store. */
export const runs = HttpApiBuilder.group(RunsApi.RunsApi, "runs", (handlers) =>
  Effect.map(RunStore, (store) =>
    handlers
      .handle("get", ({ urlParams }) => {
        const run = store.get(urlParams.id)
        return run === undefined
          ? Effect.fail(runNotFound(urlParams.id))
          : Effect.sync(() => HttpServerResponse.unsafeJson(wire(store, run)))
      })
      .handle("getOutputs", ({ urlParams }) => {
        const output = store.outputs(urlParams.id)
        return output === undefined ? Effect.fail(runNotFound(urlParams.id)) : Effect.succeed({ output })
      })
      .handle("list", ({ urlParams }) =>
        Effect.sync(() =>
          HttpServerResponse.unsafeJson({ runs: store.list(urlParams).map((run) => wire(store, run)) })
        ))
      .handle("cancel", ({ payload }) => {
        const outcome = store.cancel(payload.runID)
        switch (outcome._tag) {
          case "Cancelled":
            return Effect.succeed({})
          case "NotFound":
            return Effect.fail(runNotFound(payload.runID))
          case "AlreadyTerminal":
            // The Airplane CLI's emulation refuses with this message; the status is a guess.
            return Effect.fail(
              new ApiError.BadRequest({
                error: `cannot cancel run ${payload.runID} (state is already terminal: ${outcome.status})`,
                code: "run_terminal"
              })
            )
        }
      })))

/** The tasks endpoint: execute starts a run in the store. */
export const tasks = HttpApiBuilder.group(
  RunsApi.RunsApi,
  "tasks",
  (handlers) =>
    Effect.map(RunStore, (store) =>
      handlers.handle("execute", ({ payload }) => {
        const found = store.findTask(payload)
        switch (found._tag) {
          case "NotFound":
            return Effect.fail(
              new ApiError.NotFound({ error: `task ${payload.id ?? payload.slug} not found`, code: "task_not_found" })
            )
          case "Mismatch": {
            // Both exist, or the id does: "not found" would send the caller looking for a task
            // that is there. Say which task each names.
            const { byId, bySlug } = found
            const slug = bySlug === undefined
              ? `no task has the slug ${payload.slug}`
              : `the slug ${payload.slug} is task ${bySlug.id}`
            const error = `the id and the slug name different tasks: ${byId.id} is ${byId.slug}, ${slug}; send one`
            return Effect.fail(
              new ApiError.BadRequest({
                error,
                code: "task_mismatch"
              })
            )
          }
          case "Found":
            return Effect.succeed({ runID: store.execute(payload)!.id! })
        }
      }))
)

/** The API key check: the key must be one of `keys`. */
export const auth = (keys: ReadonlySet<string>) =>
  Layer.succeed(
    RunsApi.ApiKeyAuth,
    RunsApi.ApiKeyAuth.of({
      ApiKeyAuth: (key) => {
        const value = Redacted.value(key)
        if (value === "") {
          return Effect.fail(
            new ApiError.Unauthorized({
              error: `missing API key: send it in the ${Endpoints.apiKeyHeader} header`,
              code: "missing_api_key"
            })
          )
        }
        return keys.has(value)
          ? Effect.void
          : Effect.fail(new ApiError.Unauthorized({ error: "invalid API key", code: "invalid_api_key" }))
      }
    })
  )

const describeIssues = (error: HttpApiError.HttpApiDecodeError): string =>
  error.issues.length === 0
    ? error.message
    : error.issues.map((issue) => issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`)
      .join("; ")

/**
 * The API answers an invalid query or body with its own error body (`{"error": ...}`), not
 * with the platform's decode error.
 */
export const decodeErrors = HttpApiBuilder.middleware(RunsApi.RunsApi, (app) =>
  Effect.catchIf(
    // The app's failures are untyped here; the decode error is one of them.
    app as HttpApp.Default<HttpApiError.HttpApiDecodeError>,
    (error) => Predicate.isTagged(error, "HttpApiDecodeError"),
    (error) =>
      Effect.fail(
        new ApiError.BadRequest({ error: `invalid request: ${describeIssues(error)}`, code: "invalid_request" })
      )
  ))
