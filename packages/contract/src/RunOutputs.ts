/**
 * The answer of `/runs/getOutputs`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { RunIdParam } from "./Ids.js"
import { Json } from "./Json.js"

/**
 * The query of `GET /runs/getOutputs`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetOutputsParams = Schema.Struct({
  id: RunIdParam.annotations({ description: "ID of the run to retrieve." })
})

/**
 * A run's outputs: `{"output": <any JSON>}`. The spec types `output` as a map of strings, but
 * a task can output any JSON value; before a run has output it is `null`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RunOutputs = Schema.Struct({
  output: Schema.optionalWith(Json, { default: () => null })
}).annotations({ identifier: "RunOutputs", description: "Outputs from a run." })

/**
 * @since 0.1.0
 * @category models
 */
export interface RunOutputs extends Schema.Schema.Type<typeof RunOutputs> {}
