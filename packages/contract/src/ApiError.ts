/**
 * The API's error answers: `{"error": "<message>", "code": "<optional machine code>"}`, with
 * the HTTP status telling the kind.
 *
 * One class per status, so the HTTP API definition can say which status each failure has, and
 * the server can answer each with the exact body of the real API: the classes carry a `_tag`
 * once decoded, but never write it.
 *
 * @since 0.1.0
 */
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * The fields of every error body.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ErrorBodyFields = {
  error: Schema.String.annotations({ description: "A human readable message." }),
  code: Schema.optionalWith(Schema.String, { exact: true }).annotations({
    description: "A machine readable code, when the API has one."
  })
}

// The status classes share one shape, and a union of classes of the same shape encodes any
// of them as the first. A `_tag` that lives on the decoded side only tells them apart without
// putting anything on the wire.
const tag = <Tag extends string>(tag: Tag) =>
  Schema.optionalToRequired(Schema.Literal(tag), Schema.Literal(tag), {
    decode: () => tag,
    encode: () => Option.none()
  }).pipe(Schema.withConstructorDefault(() => tag))

/**
 * The error body, whatever its status.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ErrorBody = Schema.Struct(ErrorBodyFields).annotations({ identifier: "ErrorBody" })

/**
 * @since 0.1.0
 * @category models
 */
export interface ErrorBody extends Schema.Schema.Type<typeof ErrorBody> {}

/**
 * 400: the body or query is invalid.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Schema.Class<BadRequest>("BadRequest")(
  { _tag: tag("BadRequest"), ...ErrorBodyFields },
  HttpApiSchema.annotations({ status: 400, description: "The body or query is invalid." })
) {}

/**
 * 401: the API key is missing or invalid.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.Class<Unauthorized>("Unauthorized")(
  { _tag: tag("Unauthorized"), ...ErrorBodyFields },
  HttpApiSchema.annotations({ status: 401, description: "The API key is missing or invalid." })
) {}

/**
 * 403: the key may not do this.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.Class<Forbidden>("Forbidden")(
  { _tag: tag("Forbidden"), ...ErrorBodyFields },
  HttpApiSchema.annotations({ status: 403, description: "The API key has no permission for this." })
) {}

/**
 * 404: no such run or task.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Schema.Class<NotFound>("NotFound")(
  { _tag: tag("NotFound"), ...ErrorBodyFields },
  HttpApiSchema.annotations({ status: 404, description: "No such run or task." })
) {}

/**
 * 409: the request conflicts with another active request.
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends Schema.Class<Conflict>("Conflict")(
  { _tag: tag("Conflict"), ...ErrorBodyFields },
  HttpApiSchema.annotations({ status: 409, description: "The request conflicts with another active request." })
) {}

/**
 * 423: the resource is locked by another active request.
 *
 * @since 0.1.0
 * @category errors
 */
export class Locked extends Schema.Class<Locked>("Locked")(
  { _tag: tag("Locked"), ...ErrorBodyFields },
  HttpApiSchema.annotations({ status: 423, description: "The resource is locked by another active request." })
) {}

/**
 * 429: too many requests; the answer carries `Retry-After`.
 *
 * @since 0.1.0
 * @category errors
 */
export class TooManyRequests extends Schema.Class<TooManyRequests>("TooManyRequests")(
  { _tag: tag("TooManyRequests"), ...ErrorBodyFields },
  HttpApiSchema.annotations({ status: 429, description: "Too many requests: wait for Retry-After, then retry." })
) {}

/**
 * 500: the server failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class InternalServerError extends Schema.Class<InternalServerError>("InternalServerError")(
  { _tag: tag("InternalServerError"), ...ErrorBodyFields },
  HttpApiSchema.annotations({ status: 500, description: "The server failed." })
) {}
