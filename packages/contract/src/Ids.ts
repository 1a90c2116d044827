/**
 * Branded identifiers of the Airplane API.
 *
 * Airplane ids look like `<prefix><yyyymmdd>z<base36>` (`run20220111zlq2ig4`,
 * `tsk20210728zxb2vxn`), but nothing documents that shape as a guarantee, so the brands check
 * nothing but that a request id is not empty: any string the API hands out is accepted back.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The id of a run, as read from a response.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RunId = Schema.String.pipe(Schema.brand("RunId")).annotations({
  identifier: "RunId",
  description: "Unique ID of a run."
})

/**
 * @since 0.1.0
 * @category models
 */
export type RunId = typeof RunId.Type

/**
 * The id of a task, as read from a response.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TaskId = Schema.String.pipe(Schema.brand("TaskId")).annotations({
  identifier: "TaskId",
  description: "Unique ID of a task."
})

/**
 * @since 0.1.0
 * @category models
 */
export type TaskId = typeof TaskId.Type

// A surrogate of UTF-16 without its other half.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

// C0 and C1 controls and DEL: no id or slug holds one, and a line break in a value splits
// the messages and logs that quote it.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const control = /[\u0000-\u001f\u007f-\u009f]/

/**
 * A non-empty string for a request, every character of it writable as UTF-8, without control
 * characters or surrounding whitespace. A lone UTF-16 surrogate cannot be sent: URL encoding
 * replaces it with U+FFFD, so the API would get another value. Whitespace around an id is a
 * copy-paste slip that would name another run, so it is refused, not trimmed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TextParam = Schema.String.pipe(
  Schema.nonEmptyString({ message: () => "must not be empty" }),
  Schema.filter((text) => !loneSurrogate.test(text), {
    message: () => "must not contain a lone UTF-16 surrogate (it cannot be sent as UTF-8)"
  }),
  Schema.filter((text) => !control.test(text), {
    message: () => "must not contain control characters (line breaks, tabs, NUL...)"
  }),
  Schema.filter((text) => text.trim() === text, {
    message: () => "must not start or end with whitespace"
  })
)

/**
 * A run id in a request: it must not be empty, since `/runs/get?id=` names no run.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RunIdParam = TextParam.pipe(Schema.brand("RunId")).annotations({
  identifier: "RunIdParam",
  description: "Unique ID of a run (not empty)."
})

/**
 * A task id in a request: it must not be empty.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TaskIdParam = TextParam.pipe(Schema.brand("TaskId")).annotations({
  identifier: "TaskIdParam",
  description: "Unique ID of a task (not empty)."
})
