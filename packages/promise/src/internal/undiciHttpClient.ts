/**
 * A small `HttpClient` over `undici.request`: the facade's default transport on Node. On
 * loopback, `undici.request` costs about a third of the CPU of `fetch` per call, and it
 * brings no more than undici itself (`@effect/platform-node`, which has one, would pull in
 * the cluster, rpc, sql and workflow packages).
 *
 * What the core relies on holds here too: redirects are never followed (`undici.request`
 * has no redirect support without an interceptor), an interrupted call aborts the request
 * (`HttpClient.make` hands us the signal), body read failures are `ResponseError`s, and the
 * timeouts are the core's (undici's own are off, so a long `timeoutMs` is not cut short).
 */
import {
  Cookies,
  Headers,
  HttpClient,
  HttpClientError,
  HttpClientResponse,
  HttpIncomingMessage
} from "@effect/platform"
import type { HttpBody, HttpClientRequest, UrlParams } from "@effect/platform"
import { Effect, Inspectable, Layer, Option, Stream } from "effect"
import { Agent, type Dispatcher } from "undici"

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
 * The client over a dispatcher (an `Agent` with its own connection pool).
 */
export const make = (dispatcher: Dispatcher): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.flatMap(convertBody(request.body), (body) =>
      Effect.tryPromise({
        try: () =>
          dispatcher.request({
            origin: url.origin,
            path: url.pathname + url.search,
            method: request.method as Dispatcher.HttpMethod,
            headers: request.headers,
            body,
            signal,
            // The core bounds each attempt, headers and body; undici's defaults (300 s) would
            // cut a longer `timeoutMs` short.
            headersTimeout: 0,
            bodyTimeout: 0
          }),
        catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
      }).pipe(Effect.map((response) => new UndiciResponse(request, response) as HttpClientResponse.HttpClientResponse)))
  )

/**
 * The client over an `Agent` of its own, destroyed (its sockets closed) with the layer.
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.scoped(
  HttpClient.HttpClient,
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => new Agent()),
      // Not awaited: the facade builds its layer synchronously, and a build that fails (bad
      // options) releases it in the same synchronous run. Nothing is in flight by then.
      (agent) => Effect.sync(() => void agent.destroy().catch(ignoreError))
    ),
    make
  )
)

// A body that errors after the response was handed over (a reset mid-body) must not be an
// unhandled 'error' event: the failure reaches the reader through `text()`.
const ignoreError = (_: unknown) => {}

class UndiciResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private textRead: Promise<string> | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    private readonly source: Dispatcher.ResponseData
  ) {
    super()
    source.body.on("error", ignoreError)
  }

  get status(): number {
    return this.source.statusCode
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.source.headers)
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
    return this.read(() => this.textRead ??= this.source.body.text())
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
    return this.read(() => this.source.body.arrayBuffer())
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return this.read(() => this.source.body.formData() as Promise<FormData>)
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.fromAsyncIterable(this.source.body, (cause) => this.decodeError(cause))
  }

  override toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}
