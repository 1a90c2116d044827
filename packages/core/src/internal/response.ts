/**
 * The raw answer behind a result (`runs.withResponse`): its status, its headers with every
 * credential redacted, its request id, and how hard the call tried.
 */
import * as Headers from "@effect/platform/Headers"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Redacted from "effect/Redacted"
import type * as ResponseInfo from "../ResponseInfo.js"
import type { Answered } from "./call.js"
import { requestIdOf } from "./classify.js"
import { redactKeyHeader } from "./secret.js"

/**
 * The answer's headers, names in lower case, those the platform redacts by name (and the key's)
 * written `<redacted>`. A value that quotes the key was already cleared of it as the answer
 * came in (`guardKey`).
 */
const visibleHeaders = (headers: Headers.Headers, names: ReadonlyArray<string | RegExp>) => {
  const visible: Record<string, string> = {}
  for (const [name, value] of Object.entries(Headers.redact(headers, redactKeyHeader(names)))) {
    visible[name] = Redacted.isRedacted(value) ? "<redacted>" : value
  }
  return visible
}

/** A result with the answer it came from. */
export const withResponse = <A>(answered: Answered<A>): Effect.Effect<ResponseInfo.WithResponse<A>> =>
  Effect.map(FiberRef.get(Headers.currentRedactedNames), (names) => ({
    data: answered.value,
    response: {
      status: answered.response.status,
      headers: visibleHeaders(answered.response.headers, names),
      requestId: requestIdOf(answered.response.headers),
      attempts: answered.attempts,
      elapsedMs: answered.elapsedMs
    }
  }))
