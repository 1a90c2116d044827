/**
 * One attempt on the wire: send the request and read the answer's body, within the attempt's
 * time and under the size cap. What the platform fails with becomes a `RunsError` here.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as RunsError from "../RunsError.js"
import { requestIdOf } from "./classify.js"

/** An answer, its body read. */
export interface Sent {
  readonly response: HttpClientResponse.HttpClientResponse
  readonly text: string
}

/** Where a request goes, for the errors of its attempts. */
export interface Target {
  readonly method: string
  readonly path: string
}

// fetch reports "fetch failed" and keeps the reason ("other side closed", ECONNREFUSED) as its cause.
const describeCause = (cause: unknown): string | undefined => {
  const parts: Array<string> = []
  for (let c = cause, depth = 0; c instanceof Error && depth < 3; c = c.cause, depth++) parts.push(c.message)
  return parts.length === 0 ? undefined : parts.join(": ")
}

/**
 * Reads a body as text, up to `maxBytes`: `undefined` past it. A body of a declared length
 * within the cap, not encoded, is read whole; any other is counted as it comes, and left unread
 * (its stream cancelled) at the first byte over, so a huge answer never sits in memory.
 */
const readText = (response: HttpClientResponse.HttpClientResponse, maxBytes: number) => {
  // The length of an encoded answer is its compressed size, and fetch decodes gzip without a
  // word: a small bomb would be inflated whole. Only counting what comes bounds it.
  const coding = response.headers["content-encoding"]
  const encoded = coding !== undefined && coding.trim() !== "" && coding.trim().toLowerCase() !== "identity"
  const declared = encoded ? Number.NaN : Number(response.headers["content-length"] ?? Number.NaN)
  if (Number.isInteger(declared) && declared <= maxBytes) return response.text
  return Effect.map(
    Stream.runFoldWhile(
      // No body at all (a 204, a 304) is an empty one, as `text` reads it.
      Stream.catchAll(response.stream, (error) => error.reason === "EmptyBody" ? Stream.empty : Stream.fail(error)),
      { bytes: 0, chunks: [] as Array<Uint8Array> },
      (read) => read.bytes <= maxBytes,
      (read, chunk) => {
        read.chunks.push(chunk)
        return { bytes: read.bytes + chunk.length, chunks: read.chunks }
      }
    ),
    ({ bytes, chunks }) => {
      if (bytes > maxBytes) return undefined
      const all = new Uint8Array(bytes)
      let at = 0
      for (const chunk of chunks) {
        all.set(chunk, at)
        at += chunk.length
      }
      return new TextDecoder().decode(all)
    }
  )
}

/**
 * Sends the request and reads the whole answer, within `attemptTimeout` (headers and body
 * both) and `maxResponseBytes`.
 */
export const send = (
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  target: Target,
  limits: { readonly attemptTimeout: Duration.Duration; readonly maxResponseBytes: number }
): Effect.Effect<Sent, RunsError.TransportError | RunsError.Timeout | RunsError.InvalidResponse> => {
  const { method, path } = target
  const wire = (error: HttpClientError.HttpClientError) =>
    new RunsError.TransportError({
      method,
      path,
      reason: error.reason === "InvalidUrl"
        ? `invalid URL ${error.request.url}`
        : describeCause(error.cause) ?? error.message
    })
  return client.execute(request).pipe(
    // An answer the HTTP client itself refused (a content coding it cannot decode) would be
    // refused again: it is no wire failure to retry, but an answer that cannot be read.
    Effect.mapError((error) =>
      error._tag === "ResponseError"
        ? new RunsError.InvalidResponse({
          method,
          path,
          status: error.response.status,
          requestId: requestIdOf(error.response.headers),
          reason: describeCause(error.cause) ?? error.message
        })
        : wire(error)
    ),
    Effect.flatMap((response) =>
      Effect.mapBoth(readText(response, limits.maxResponseBytes), {
        onFailure: wire,
        onSuccess: (text) => ({ response, text })
      })
    ),
    Effect.timeoutFail({
      duration: limits.attemptTimeout,
      onTimeout: () =>
        new RunsError.Timeout({ method, path, scope: "attempt", timeoutMs: Duration.toMillis(limits.attemptTimeout) })
    }),
    Effect.flatMap(({ response, text }) =>
      text === undefined
        ? Effect.fail(
          new RunsError.InvalidResponse({
            method,
            path,
            status: response.status,
            requestId: requestIdOf(response.headers),
            reason: `the body is larger than the cap of ${limits.maxResponseBytes} bytes (maxResponseBytes)`
          })
        )
        : Effect.succeed({ response, text })
    )
  )
}
