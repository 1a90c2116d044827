/**
 * `POST /tasks/execute`: how runs are born.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { RunId, TaskIdParam, TextParam } from "./Ids.js"
import { JsonMapString, JsonObject } from "./Json.js"

/**
 * The query of `POST /tasks/execute`: the environment to execute the task in.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExecuteTaskParams = Schema.Struct({
  envSlug: Schema.optionalWith(TextParam, { exact: true }).annotations({
    description: "Environment to execute the task in."
  })
})

/**
 * The body of `POST /tasks/execute`: the task, by `id` or by `slug` (one of them is required),
 * and its parameter values.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExecuteTaskBody = Schema.Struct({
  id: Schema.optionalWith(TaskIdParam, { exact: true }).annotations({
    description: "Unique ID of the task. Either an ID or a slug must be provided."
  }),
  slug: Schema.optionalWith(TextParam, { exact: true }).annotations({
    description: "Unique slug of the task. Either an ID or a slug must be provided."
  }),
  paramValues: Schema.optionalWith(JsonObject, { exact: true }).annotations({
    description: "Mapping of parameter slug to value."
  }),
  resources: Schema.optionalWith(JsonMapString, { exact: true })
}).pipe(
  Schema.filter((body) =>
    body.id !== undefined || body.slug !== undefined
      ? undefined
      : { path: ["id"], message: "either an id or a slug of the task must be provided" }
  )
).annotations({ identifier: "ExecuteTaskBody" })

/**
 * @since 0.1.0
 * @category models
 */
export type ExecuteTaskBody = typeof ExecuteTaskBody.Type

/**
 * The answer of `POST /tasks/execute`: the id of the new run.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExecuteTaskAnswer = Schema.Struct({
  runID: RunId.annotations({ description: "Unique ID of the task execution's run." })
}).annotations({ identifier: "ExecuteTaskAnswer" })

/**
 * @since 0.1.0
 * @category models
 */
export interface ExecuteTaskAnswer extends Schema.Schema.Type<typeof ExecuteTaskAnswer> {}
