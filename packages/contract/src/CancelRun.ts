/**
 * `POST /runs/cancel`: its body and its answer.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { RunIdParam } from "./Ids.js"

/**
 * The body of `POST /runs/cancel`: `{"runID": "..."}` (note the key: `runID`, not `id`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CancelRunBody = Schema.Struct({
  runID: RunIdParam.annotations({ description: "Unique ID of the run to cancel." })
}).annotations({ identifier: "CancelRunBody" })

/**
 * @since 0.1.0
 * @category models
 */
export interface CancelRunBody extends Schema.Schema.Type<typeof CancelRunBody> {}

/**
 * The answer of `POST /runs/cancel`. The spec documents no body; the embedded server answers
 * `{}`, and a client must accept an empty body as well.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CancelRunAnswer = Schema.Struct({}).annotations({ identifier: "CancelRunAnswer" })
