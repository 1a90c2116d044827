/**
 * A small `HttpClient` over `undici.request`: the facade's default transport on Node. On
 * loopback, `undici.request` costs about a third of the CPU of `fetch` per call.
 *
 * Its shape is that of @effect/platform-node's undici client (`NodeHttpClient.layerUndici`, in
 * `src/internal/httpClientUndici.ts` of 0.108; MIT, Copyright (c) 2023 Effectful Technologies
 * Inc.): `HttpClient.make` over `Dispatcher.request`, the request body converted by its tag, a
 * response class over undici's `ResponseData`, an `Agent` made and destroyed with the layer.
 * That package is not a dependency: it would bring the cluster, rpc, sql and workflow packages
 * as peers. This one differs from it in:
 * - content coding: it asks for gzip, deflate and br and decodes them (below); that one sends
 *   no `Accept-Encoding` and hands the body over as it came, compressed or not.
 * - timeouts: undici's are off; that one keeps an hour for the headers, which a `timeoutMs`
 *   over an hour would run into. The core bounds each attempt, headers and body.
 * - the pool: an `Agent` of its own, made at the first request (undici is loaded then), and
 *   destroyed without waiting for it (the facade builds its layer synchronously, and a build
 *   that fails releases it in the same run); that one is made with the layer, waits, and can
 *   use undici's global dispatcher instead.
 * - no undici options per request (that one reads them from the fiber's context), and a
 *   streamed request body goes as a web `ReadableStream`, not a platform-node `NodeStream`.
 * - the path it sends has no fragment (`#...`), which HTTP never sends; that one appends it.
 *
 * Like it, it follows no redirect (`undici.request` has no redirect support without an
 * interceptor), which the core relies on: the API key goes only to the configured origin.
 * What else the core relies on holds too: an interrupted call aborts the request
 * (`HttpClient.make` hands us the signal), and body read failures are `ResponseError`s.
 *
 * Like `fetch`, it asks for gzip, deflate and br and decodes them (see `contentCoding.ts`), as
 * a stream: the core counts the decoded bytes against `maxResponseBytes` and stops reading at
 * the first byte over, and node:zlib inflates no faster than it is read, so a small gzip bomb
 * is never inflated in full. It does not use undici's own `interceptors.decompress` (7.x): that
 * one prints an ExperimentalWarning on the user's process, passes an unknown coding through
 * as is (the bytes would be read as text), skips error answers by default, and takes the
 * legacy `compress` (LZW) for deflate.
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import type * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { pipeline, type Readable } from "node:stream"
import * as zlib from "node:zlib"
import type { Agent, Dispatcher } from "undici"
import * as ContentCoding from "./contentCoding.js"

type UndiciBody = Exclude<Dispatcher.RequestOptions["body"], undefined>

const convertBody = (body: HttpBody.HttpBody): Effect.Effect<UndiciBody> => {
  switch (body._tag) {
    case "Empty":
      return Effect.succeed(null)
    case "Uint8Array":
    case "Raw":
      return Effect.succeed(body.body as UndiciBody)
    case "FormData":
      return Effect.succeed(body.formData as UndiciBody)
    case "Stream":
      // undici sends any async iterable of chunks; a web ReadableStream is one.
      return Effect.map(Stream.toReadableStreamEffect(body.stream), (stream) => stream as unknown as UndiciBody)
  }
}

/**
 * The client over a dispatcher (an `Agent` with its own connection pool), as it comes.
 */
export const make = (dispatcher: Effect.Effect<Dispatcher>): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.flatMap(Effect.zip(convertBody(request.body), dispatcher), ([body, dispatcher]) =>
      Effect.tryPromise({
        try: () =>
          dispatcher.request({
            origin: url.origin,
            path: url.pathname + url.search,
            method: request.method as Dispatcher.HttpMethod,
            headers: request.headers["accept-encoding"] === undefined
              ? { ...request.headers, "accept-encoding": ContentCoding.acceptEncoding }
              : request.headers,
            body,
            signal,
            // The core bounds each attempt, headers and body; undici's defaults (300 s) would
            // cut a longer `timeoutMs` short.
            headersTimeout: 0,
            bodyTimeout: 0
          }),
        catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
      }).pipe(Effect.flatMap((source) => {
        const header = headerValue(source.headers["content-encoding"])
        const coding = ContentCoding.hasBody(source.statusCode) ? ContentCoding.parse(header) : { codings: [] }
        const response = new UndiciResponse(request, source, "codings" in coding ? coding.codings : [])
        if ("codings" in coding) return Effect.succeed<HttpClientResponse.HttpClientResponse>(response)
        // Nobody will read this body: free the connection now.
        source.body.destroy()
        return Effect.fail(ContentCoding.refusal(response, coding.refused))
      })))
  )

// A header sent twice reaches us as an array; RFC 9110 §5.3 lets it be joined with commas.
const headerValue = (value: string | ReadonlyArray<string> | undefined): string | undefined =>
  typeof value === "string" || value === undefined ? value : value.join(", ")

// As lenient as `fetch` (and curl) with an answer whose last block is not flushed.
const decoder = (coding: ContentCoding.Coding) => {
  switch (coding) {
    case "gzip":
      return zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH })
    case "deflate":
      return zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH })
    case "br":
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH
      })
  }
}

/** The body with its codings undone, the last applied first; destroying it destroys the source. */
const decoded = (body: Readable, codings: ReadonlyArray<ContentCoding.Coding>): Readable =>
  (pipeline as (...streams: ReadonlyArray<unknown>) => Readable)(
    body,
    ...[...codings].reverse().map(decoder),
    // A failure reaches the reader through its read; the callback keeps it from being unhandled.
    ignoreError
  )

const readAll = async (body: AsyncIterable<Uint8Array>): Promise<ArrayBuffer> => {
  const chunks: Array<Uint8Array> = []
  let length = 0
  for await (const chunk of body) {
    chunks.push(chunk)
    length += chunk.length
  }
  const all = new Uint8Array(length)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.length
  }
  return all.buffer
}

/**
 * The client over an `Agent` of its own, destroyed (its sockets closed) with the layer.
 *
 * undici is loaded, and the `Agent` made, on the first request, not with the layer: loading it
 * costs about 70 ms and 20 MB, which a program that builds a client and has not called yet (or
 * never does: a CLI's `--help`, a test that closes it) need not pay before it starts.
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.scoped(
  HttpClient.HttpClient,
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => ({ agent: undefined as Promise<Agent> | undefined })),
      // Not awaited: the facade builds its layer synchronously, and a build that fails (bad
      // options) releases it in the same synchronous run. Nothing is in flight by then.
      (pool) => Effect.sync(() => void pool.agent?.then((agent) => agent.destroy()).catch(ignoreError))
    ),
    // undici missing (a broken install) is no failure on the wire to retry: the call ends
    // with the error of loading it, as a static import would have thrown it.
    (pool) => make(Effect.promise(() => pool.agent ??= import("undici").then(({ Agent }) => new Agent())))
  )
)

// A body that errors after the response was handed over (a reset mid-body) must not be an
// unhandled 'error' event: the failure reaches the reader through `text()`.
const ignoreError = (_: unknown) => {}

class UndiciResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private decodedBody: Readable | undefined
  private textRead: Promise<string> | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    private readonly source: Dispatcher.ResponseData,
    /** The codings to undo; none for an answer as sent. */
    private readonly codings: ReadonlyArray<ContentCoding.Coding>
  ) {
    super()
    source.body.on("error", ignoreError)
  }

  /** The body as the caller reads it: decoded, the decoders made at the first read. */
  private get body(): Readable {
    return this.codings.length === 0 ? this.source.body : this.decodedBody ??= decoded(this.source.body, this.codings)
  }

  get status(): number {
    return this.source.statusCode
  }

  // A decoded body is no longer the one `Content-Encoding` and `Content-Length` describe: the
  // core would otherwise trust the compressed length and read the decoded body whole.
  get headers(): Headers.Headers {
    return this.cachedHeaders ??= this.codings.length === 0
      ? Headers.fromInput(this.source.headers)
      : Headers.remove(Headers.fromInput(this.source.headers), ["content-encoding", "content-length"])
  }

  get cookies(): Cookies.Cookies {
    const header = this.source.headers["set-cookie"]
    return header === undefined ? Cookies.empty : Cookies.fromSetCookie(Array.isArray(header) ? header : [header])
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private decodeError(cause: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  private read<A>(f: () => Promise<A>): Effect.Effect<A, HttpClientError.ResponseError> {
    return Effect.tryPromise({ try: f, catch: (cause) => this.decodeError(cause) })
  }

  // The body can be read once; every reader of the text shares that one read.
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return this.read(() =>
      this.textRead ??= this.codings.length === 0
        ? this.source.body.text()
        : readAll(this.body).then((bytes) => new TextDecoder().decode(bytes))
    )
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => (text === "" ? null : JSON.parse(text) as unknown),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => Array.from(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return this.read(() =>
      this.codings.length === 0
        ? this.source.body.arrayBuffer()
        : readAll(this.body)
    )
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return this.read(() =>
      this.codings.length === 0
        ? this.source.body.formData() as Promise<FormData>
        : readAll(this.body).then((bytes) =>
          new Response(bytes, { headers: { "content-type": this.headers["content-type"] ?? "" } }).formData()
        )
    )
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.fromAsyncIterable(this.body, (cause) => this.decodeError(cause))
  }

  override toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}
