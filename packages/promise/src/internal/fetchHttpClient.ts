/**
 * The `fetch` transport: the platform's `FetchHttpClient`, with the rule of `contentCoding.ts`
 * for a compressed answer. `fetch` asks for gzip and deflate (br too, over https) and decodes
 * them itself, but an answer in a coding it does not decode comes through as its compressed
 * bytes, which the core would read as text: it is refused instead, naming the coding. (The
 * core counts the bytes of any encoded answer against `maxResponseBytes`, whatever its
 * `Content-Length` says, so a gzip bomb is not inflated in full.)
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as ContentCoding from "./contentCoding.js"

const checkCoding = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.ResponseError> => {
  const header = response.headers["content-encoding"]
  if (header === undefined || !ContentCoding.hasBody(response.status)) return Effect.succeed(response)
  const coding = ContentCoding.parse(header)
  if ("refused" in coding) {
    // Reading the first chunk and stopping cancels the body, which frees the connection.
    return Effect.zipRight(
      Effect.ignore(Stream.runHead(response.stream)),
      Effect.fail(ContentCoding.refusal(response, coding.refused))
    )
  }
  return Effect.succeed(response)
}

/**
 * The transport over this `fetch`, or over the global one, looked up at each request as the
 * platform does.
 */
export const layer = (fetch?: typeof globalThis.fetch): Layer.Layer<HttpClient.HttpClient> =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) => HttpClient.transformResponse(client, Effect.flatMap(checkCoding)))
  ).pipe(
    Layer.provide(
      fetch === undefined
        ? FetchHttpClient.layer
        : FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch)))
    )
  )
