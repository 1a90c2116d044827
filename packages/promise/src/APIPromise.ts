/**
 * What a one-request call answers: a promise of its result, and `.withResponse()` for the answer
 * it came from (status, headers, request id, attempts), as openai-node's `APIPromise` does.
 * Types only: the promises are made by the client.
 *
 * @since 0.2.0
 */

/**
 * The answer a result came from, after the call's retries: the last attempt's. Core's
 * `ResponseInfo.ResponseInfo`, stated again (a type test keeps the two equal): the published
 * package bundles core and does not depend on it, so its declarations cannot name it.
 *
 * @since 0.2.0
 * @category models
 */
export interface ResponseInfo {
  /** The HTTP status of the answer (a 2xx). */
  readonly status: number
  /**
   * The answer's headers, names in lower case. Credentials are `<redacted>`: `authorization`,
   * `cookie`, `set-cookie`, `x-api-key`, the API key's header, and the key itself in any value
   * that quotes it.
   */
  readonly headers: Readonly<Record<string, string>>
  /** The id the API (or a proxy) gave the request (`X-Request-Id`), for its support to find it. */
  readonly requestId: string | undefined
  /** The attempts the call made, this one included: 1 unless it was retried. */
  readonly attempts: number
  /** From the call's start to this answer, retries and the waits between them included. */
  readonly elapsedMs: number
}

/**
 * A result with the answer it came from.
 *
 * @since 0.2.0
 * @category models
 */
export interface WithResponse<T> {
  readonly data: T
  readonly response: ResponseInfo
}

/**
 * A promise of a call's result, with `.withResponse()` for `{ data, response }`. It is a plain
 * `Promise` with one method more; the call is sent once, when it is made, whichever is awaited,
 * and fails the same way through both.
 *
 * @example
 * ```ts
 * import type { AirplaneRuns } from "@airplane-runs/promise"
 *
 * export const show = async (client: AirplaneRuns, id: string) => {
 *   const { data: run, response } = await client.runs.get({ id }).withResponse()
 *   console.log(run.status, response.requestId, response.attempts)
 * }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface APIPromise<T> extends Promise<T> {
  /**
   * The result with the answer it came from.
   *
   * @since 0.2.0
   */
  withResponse(): Promise<WithResponse<T>>
}
