/**
 * The `fetch` transport: the platform's `FetchHttpClient`, with the rule of `contentCoding.ts`
 * for a compressed answer. `fetch` asks for gzip and deflate (br too, over https) and decodes
 * them itself; two things are left to do here:
 *
 * - an answer in a coding `fetch` does not decode comes through as its compressed bytes, which
 *   the core would read as text: it is refused instead, naming the coding;
 * - a decoded answer keeps its `Content-Length`, the compressed size, and the core reads a body
 *   of a declared length within `maxResponseBytes` whole: a small gzip bomb would be inflated
 *   in full. The decoded answer is handed on without that header, so the core counts the
 *   decoded bytes as they come and stops at the first one over.
 */
import { FetchHttpClient, Headers, HttpClient, HttpClientResponse, HttpIncomingMessage } from "@effect/platform"
import type { HttpClientError } from "@effect/platform"
import { Effect, Inspectable, Layer, Stream } from "effect"
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
  return Effect.succeed(coding.codings.length === 0 ? response : new DecodedResponse(response))
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

/** An answer `fetch` has decoded: the same, without the headers that describe the encoded body. */
class DecodedResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly headers: Headers.Headers

  constructor(private readonly original: HttpClientResponse.HttpClientResponse) {
    super()
    this.headers = Headers.remove(original.headers, ["content-encoding", "content-length"])
  }

  get request() {
    return this.original.request
  }

  get status() {
    return this.original.status
  }

  get cookies() {
    return this.original.cookies
  }

  get remoteAddress() {
    return this.original.remoteAddress
  }

  get stream() {
    return this.original.stream
  }

  get text() {
    return this.original.text
  }

  get json() {
    return this.original.json
  }

  get urlParamsBody() {
    return this.original.urlParamsBody
  }

  get formData() {
    return this.original.formData
  }

  get arrayBuffer() {
    return this.original.arrayBuffer
  }

  override toJSON(): unknown {
    return this.original.toJSON()
  }
}
