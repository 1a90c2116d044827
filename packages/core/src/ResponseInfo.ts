/**
 * What came back with a result: the HTTP status, the headers, the request id and how hard the
 * call tried. `runs.withResponse.get(...)` (and the other one-request operations there) answer
 * the value with it, as `{ data, response }`.
 *
 * @example
 * ```ts
 * import { Runs } from "@airplane-runs/core"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const runs = yield* Runs.Runs
 *   const { data: run, response } = yield* runs.withResponse.get({ id: "run20220111zlq2ig4" })
 *   yield* Effect.log(`${run.status}: request ${response.requestId}, ${response.attempts} attempt(s)`)
 * })
 * ```
 *
 * @since 0.2.0
 */

/**
 * The answer a result came from, after the call's retries: the last attempt's.
 *
 * @since 0.2.0
 * @category models
 */
export interface ResponseInfo {
  /** The HTTP status of the answer (a 2xx). */
  readonly status: number
  /**
   * The answer's headers, names in lower case. Credentials are `<redacted>`: the headers the
   * platform redacts by name (`authorization`, `cookie`, `set-cookie`, `x-api-key`, and any
   * added to `Headers.currentRedactedNames`), the API key's header, and the key itself in any
   * value that quotes it.
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
export interface WithResponse<A> {
  readonly data: A
  readonly response: ResponseInfo
}
