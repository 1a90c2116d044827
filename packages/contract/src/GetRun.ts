/**
 * `GET /runs/get`: its query. The answer is the run object itself, not wrapped.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { RunIdParam } from "./Ids.js"

/**
 * The query of `GET /runs/get`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetRunParams = Schema.Struct({
  id: RunIdParam.annotations({ description: "ID of the run to retrieve." })
})
