/**
 * `GET /runs/list`: its query and its answer.
 *
 * The API pages by index: `page` 0, 1, 2... of `limit` runs each, newest first. There is no
 * cursor, total or "has more": a page shorter than the limit is the last one.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { TaskIdParam, TextParam } from "./Ids.js"
import { Run } from "./Run.js"
import { Timestamp } from "./Timestamp.js"

/**
 * The most runs one page can hold, and the page size when `limit` is not given.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxLimit = 50

/**
 * The runs a page holds for a `limit`: the limit itself, or {@link maxLimit} when it is not set
 * or 0 (which the API's Go backend reads as "not set", as for any zero value). A walk ends at
 * the first page shorter than this.
 *
 * @since 0.1.0
 * @category constructors
 */
export const pageSize = (limit: number | undefined): number => (limit === undefined || limit === 0 ? maxLimit : limit)

const limitDescription = `Number of results per call. Accepted values: 0 - ${maxLimit}. Default: ${maxLimit}.`
const Limit = Schema.NumberFromString.pipe(
  Schema.int(),
  Schema.between(0, maxLimit, { message: () => `limit must be an integer from 0 to ${maxLimit}` })
).annotations({
  description: limitDescription,
  // On the wire it is a query string; in the document, the integer the API takes.
  jsonSchema: { type: "integer", minimum: 0, maximum: maxLimit, description: limitDescription }
})

const pageDescription = "The offset used for this page of results: a 0-based page index."
const Page = Schema.NumberFromString.pipe(
  Schema.int(),
  Schema.nonNegative({ message: () => "page must be an integer of 0 or more" })
).annotations({
  description: pageDescription,
  jsonSchema: { type: "integer", minimum: 0, description: pageDescription }
})

/**
 * The query of `GET /runs/list`; every field is optional. Runs are filtered by task (id or
 * slug) and by the time they were last updated (`since` <= t <= `until`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListRunsParams = Schema.Struct({
  taskID: Schema.optionalWith(TaskIdParam, { exact: true }).annotations({
    description: "Unique ID of the task to fetch runs for."
  }),
  taskSlug: Schema.optionalWith(TextParam, { exact: true }).annotations({
    description: "Unique slug of the task to fetch runs for."
  }),
  since: Schema.optionalWith(Timestamp, { exact: true }).annotations({
    description: "Fetch runs last updated after this time (RFC 3339 format)."
  }),
  until: Schema.optionalWith(Timestamp, { exact: true }).annotations({
    description: "Fetch runs last updated before this time (RFC 3339 format)."
  }),
  limit: Schema.optionalWith(Limit, { exact: true }),
  page: Schema.optionalWith(Page, { exact: true })
}).pipe(
  Schema.filter((params) =>
    params.since === undefined || params.until === undefined || params.since.getTime() <= params.until.getTime()
      ? undefined
      : { path: ["since"], message: "since must not be after until" }
  )
)

/**
 * @since 0.1.0
 * @category models
 */
export type ListRunsParams = typeof ListRunsParams.Type

/**
 * The answer of `GET /runs/list`: one page of runs, newest first. `runs` must be there: an
 * answer without it (`{}`, an error body sent with 200) is not a page, and reading it as an
 * empty one would end a walk early without a word. A Go backend writes an empty list as
 * `null`, which is accepted as such (the client reads it as an empty page).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListRunsAnswer = Schema.Struct({
  runs: Schema.NullOr(Schema.Array(Run)).annotations({ description: "Retrieved runs." })
}).annotations({ identifier: "ListRunsAnswer" })

/**
 * @since 0.1.0
 * @category models
 */
export interface ListRunsAnswer extends Schema.Schema.Type<typeof ListRunsAnswer> {}
