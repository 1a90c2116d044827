/**
 * Any JSON value: what task outputs and parameter values can be.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * A JSON value.
 *
 * @since 0.1.0
 * @category models
 */
export type Json =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<Json>
  | { readonly [key: string]: Json }

/**
 * A JSON value. Unlike `Schema.Unknown` it refuses what JSON cannot carry (`undefined`,
 * functions, non-finite numbers), which keeps generated test data honest.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Json: Schema.Schema<Json> = Schema.Union(
  Schema.Null,
  Schema.Boolean,
  Schema.Number.pipe(Schema.finite()),
  Schema.String,
  Schema.Array(Schema.suspend((): Schema.Schema<Json> => Json)),
  Schema.Record({ key: Schema.String, value: Schema.suspend((): Schema.Schema<Json> => Json) })
).annotations({
  identifier: "Json",
  description: "Any JSON value.",
  jsonSchema: {}
})

/**
 * A JSON object of parameter slugs to values.
 *
 * @since 0.1.0
 * @category schemas
 */
export const JsonObject = Schema.Record({ key: Schema.String, value: Json }).annotations({
  identifier: "JsonObject"
})

/**
 * A JSON object of strings to strings (`sharedtypes.JsonMapString` in the API's spec): the
 * resources a run uses, by slug.
 *
 * @since 0.1.0
 * @category schemas
 */
export const JsonMapString = Schema.Record({ key: Schema.String, value: Schema.String }).annotations({
  identifier: "JsonMapString"
})
