/**
 * The answer's status, read: the one mapping of an HTTP status (and the API's headers) to the
 * error a program branches on. A 2xx is no error; anything else is one.
 */
import * as ApiError from "@airplane-runs/contract/ApiError"
import * as Endpoints from "@airplane-runs/contract/Endpoints"
import type * as Headers from "@effect/platform/Headers"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as RunsError from "../RunsError.js"

const requestIdHeaders = ["x-request-id", "x-airplane-request-id", "request-id"]

/** The request id an answer carries, under any of the names APIs and proxies use. */
export const requestIdOf = (headers: Headers.Headers): string | undefined => {
  for (const name of requestIdHeaders) {
    const value = headers[name]
    if (value !== undefined && value !== "") return value
  }
  return undefined
}

// The three forms of an HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850
// and asctime forms a recipient must still read. Date.parse alone takes nearly anything
// ("-5" and "1.5" are dates of 2001 to V8), which would turn a broken header into "retry now".
const httpDate = [
  /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/
]

/**
 * `Retry-After` as milliseconds from now: delay seconds or an HTTP date; `undefined` for a
 * value that is neither, which is then no ask at all. A fraction of a second ("1.5"), which the
 * RFC does not allow but servers send, is read as written, rounded up.
 */
export const parseRetryAfter = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  if (/^\d+\.\d+$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000)
  if (!httpDate.some((form) => form.test(trimmed))) return undefined
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

const decodeErrorBody = Schema.decodeUnknownOption(Schema.parseJson(ApiError.ErrorBody))
const retryableHeader = Endpoints.retryableHeader.toLowerCase()

/** Whether an answer's status says it is the answer: a 2xx. */
export const isSuccess = (status: number): boolean => status >= 200 && status < 300

/**
 * The error of an answer that is not a 2xx (see {@link isSuccess}), `undefined` for a 2xx.
 * `now` (the `Clock`'s) turns a `Retry-After` date into a wait.
 */
export const classify = (
  method: string,
  path: string,
  response: HttpClientResponse.HttpClientResponse,
  text: string,
  now: number
): RunsError.HttpError | RunsError.InvalidResponse | undefined => {
  const status = response.status
  if (isSuccess(status)) return undefined
  const body = decodeErrorBody(text)
  // "True" or " false " mean what they say; anything else is no verdict.
  const retryable = response.headers[retryableHeader]?.trim().toLowerCase()
  const requestId = requestIdOf(response.headers)
  const fields = {
    status,
    error: Option.match(body, {
      onNone: () => (text.trim() === "" ? `HTTP ${status}` : `HTTP ${status}, not the API's error body`),
      onSome: (b) => b.error
    }),
    code: Option.getOrUndefined(Option.flatMapNullable(body, (b) => b.code)),
    method,
    path,
    requestId,
    retryAfterMs: parseRetryAfter(response.headers["retry-after"], now),
    retryable: retryable === "true" ? true : retryable === "false" ? false : undefined
  }
  if (status === 400) return new RunsError.BadRequest(fields)
  if (status === 401) return new RunsError.Unauthorized(fields)
  if (status === 403) return new RunsError.Forbidden(fields)
  if (status === 404) return new RunsError.NotFound(fields)
  if (status === 409 || status === 423) return new RunsError.Conflict(fields)
  if (status === 429) return new RunsError.RateLimited(fields)
  if (status >= 500) return new RunsError.ServerError(fields)
  if (status >= 400) return new RunsError.BadRequest(fields)
  return new RunsError.InvalidResponse({
    method,
    path,
    status,
    requestId,
    reason: status >= 300 && status < 400
      ? `an unexpected redirect${
        response.headers["location"] === undefined ? "" : ` to ${response.headers["location"]}`
      }: redirects are not followed, so the API key never leaves the configured host`
      : `an unexpected status ${status}`
  })
}
