/**
 * One call to the API: build the request, send it with a timeout per attempt, read and
 * classify the answer, retry by the policy, bound the whole by a deadline. Everything the
 * platform can fail with becomes a RunsError here; nothing else escapes.
 */
import { ApiError, Endpoints } from "@airplane-runs/contract"
import { FetchHttpClient, Headers, HttpClient, HttpClientRequest } from "@effect/platform"
import type { HttpClientError, HttpClientResponse } from "@effect/platform"
import {
  Clock,
  Duration,
  Effect,
  Either,
  Option,
  ParseResult,
  Redacted,
  Schedule,
  ScheduleDecision,
  ScheduleInterval,
  ScheduleIntervals,
  Schema,
  Stream
} from "effect"
import type { RetryPolicy } from "../RetryPolicy.js"
import * as RunsError from "../RunsError.js"

export interface Settings {
  /** The origin, e.g. `https://api.airplane.dev`. */
  readonly origin: string
  readonly apiKey: Redacted.Redacted<string>
  readonly envSlug: string | undefined
  readonly envId: string | undefined
  readonly retry: RetryPolicy
  readonly attemptTimeout: Duration.Duration
  readonly deadline: Duration.Duration | undefined
  /** The most bytes a response body may have. */
  readonly maxResponseBytes: number
}

export interface CallOptions {
  readonly retry?: RetryPolicy | undefined
  readonly attemptTimeout?: Duration.DurationInput | undefined
  readonly deadline?: Duration.DurationInput | undefined
  readonly idempotencyKey?: string | undefined
  /**
   * A deadline already running (an `awaitCompletion`'s, over its polls): the call ends by this
   * time of the `Clock`, and `deadline` is ignored.
   */
  readonly deadlineAt?: Deadline | undefined
}

/** When a deadline passes, in `Clock` milliseconds, and how long it was, for its error. */
export interface Deadline {
  readonly at: number
  readonly timeoutMs: number
}

/** A response schema's decoder, built once per schema by the caller (see {@link decoder}). */
export type Decoder<A> = (json: unknown) => Either.Either<A, ParseResult.ParseError>

/** Builds a decoder once; decoding is synchronous, so a plain Either, and it runs on every call. */
export const decoder = <A, I>(schema: Schema.Schema<A, I>): Decoder<A> => Schema.decodeUnknownEither(schema)

/** A problem of an answer, and the field it is at. */
export interface Problem {
  readonly reason: string
  readonly path: string
}

/** See {@link Call.check}. */
export type Check<A> = (answer: A, json: unknown) => Problem | undefined

export interface Call<A> {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly urlParams?: Record<string, string> | undefined
  readonly body?: unknown
  readonly decode: Decoder<A>
  /** An empty 2xx body decodes as this JSON (cancel documents no body). */
  readonly emptyBody?: unknown
  /**
   * What the schema cannot say of an answer that decoded: a 2xx that is not the answer asked
   * for (another run's id, an error body). Given the decoded answer and the JSON it came from;
   * answers the problem and the field, or `undefined`.
   */
  readonly check?: Check<A> | undefined
}

const requestIdHeaders = ["x-request-id", "x-airplane-request-id", "request-id"]
const apiKeyHeaderName = Endpoints.apiKeyHeader.toLowerCase()

const requestIdOf = (headers: Headers.Headers): string | undefined => {
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

const ErrorBody = Schema.parseJson(ApiError.ErrorBody)
const decodeErrorBody = Schema.decodeUnknownOption(ErrorBody)

const httpError = (
  method: string,
  path: string,
  response: HttpClientResponse.HttpClientResponse,
  text: string,
  now: number
): RunsError.HttpError | RunsError.InvalidResponse => {
  const status = response.status
  const body = decodeErrorBody(text)
  // "True" or " false " mean what they say; anything else is no verdict.
  const retryable = response.headers[Endpoints.retryableHeader.toLowerCase()]?.trim().toLowerCase()
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

const decodeFailure = (
  method: string,
  path: string,
  status: number,
  requestId: string | undefined,
  error: ParseResult.ParseError
): RunsError.InvalidResponse => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  return new RunsError.InvalidResponse({
    method,
    path,
    status,
    requestId,
    reason: issue === undefined ? error.message : issue.message,
    schemaPath: issue === undefined ? [] : issue.path.map(String)
  })
}

// fetch reports "fetch failed" and keeps the reason ("other side closed", ECONNREFUSED) as its cause.
const describeCause = (cause: unknown): string | undefined => {
  const parts: Array<string> = []
  for (let c = cause, depth = 0; c instanceof Error && depth < 3; c = c.cause, depth++) parts.push(c.message)
  return parts.length === 0 ? undefined : parts.join(": ")
}

const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || hostname === "::1" || /^127(\.\d{1,3}){3}$/.test(hostname)

const hasScheme = /^[a-z][a-z\d+.-]*:\/\//i

/**
 * Checks the origin: https, or plain http only to a loopback host; no credentials. Answers the
 * origin, or the problem in words that show the fix. `localhost:4010` parses as a URL of
 * scheme `localhost:`, so a missing `scheme://` is looked for first.
 */
export const checkOrigin = (host: string): string | { readonly issue: string } => {
  if (!hasScheme.test(host)) {
    const guess = URL.canParse(`http://${host}`) ? new URL(`http://${host}`) : undefined
    const fix = guess === undefined
      ? "e.g. https://api.airplane.dev"
      : isLoopback(guess.hostname)
      ? `write http://${guess.host} (plain http is allowed to a loopback host) or https://${guess.host}`
      : `write https://${guess.host}`
    const shown = guess === undefined || (guess.username === "" && guess.password === "") ? host : guess.host
    return { issue: `host: ${JSON.stringify(shown)} has no scheme: ${fix}` }
  }
  if (!URL.canParse(host)) return { issue: "host: is not a URL (e.g. https://api.airplane.dev)" }
  const url = new URL(host)
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    return {
      issue: url.protocol === "http:"
        ? `host: http://${url.host} is plain http to another machine: the API key is sent only over https ` +
          `(plain http only to a loopback host); write https://${url.host}`
        : `host: ${url.protocol}//${url.host} is not an http(s) URL: write https://${url.host}`
    }
  }
  if (url.username !== "" || url.password !== "") {
    return { issue: "host: must not carry credentials: send the API key as apiKey, nothing in the URL" }
  }
  return url.origin
}

/** A header value may not carry CR, LF or NUL: it would split or corrupt the request. */
export const checkHeaderValue = (name: string, value: string | undefined): string | undefined =>
  value !== undefined && /[\r\n\0]/.test(value) ? `${name}: must not contain CR, LF or NUL` : undefined

/** What one call has done so far: its attempts, and when it began (`Clock` milliseconds). */
interface Progress {
  attempts: number
  startedAt: number
  /** Why the last attempt failed. */
  failure: RunsError.RunsError | undefined
  /** How long the call waits before its next attempt, as decided. */
  waitMs: number
}

/** How long the API asked to wait before another attempt, when it did. */
export const retryAfterOf = (error: RunsError.RunsError): number | undefined =>
  "retryAfterMs" in error ? error.retryAfterMs : undefined

/**
 * The rules above any policy: no retry is sent before the server's `Retry-After`, and none is
 * planned past the deadline. A wait that would end after the deadline ends the call now, with
 * the failure that asked for it (a `RateLimited` with its `retryAfterMs`), not a `Timeout`
 * after waiting in vain.
 */
const obeyServer = (policy: RetryPolicy, progress: Progress, deadline: Deadline | undefined): RetryPolicy =>
  Schedule.makeWithState(
    policy.initial,
    (now, error: RunsError.RunsError, state) =>
      Effect.map(policy.step(now, error, state), ([next, out, decision]) => {
        if (ScheduleDecision.isDone(decision)) return [next, out, decision] as const
        const planned = ScheduleIntervals.start(decision.intervals)
        const start = Math.max(planned, now + (retryAfterOf(error) ?? 0))
        if (deadline !== undefined && start >= deadline.at) return [next, out, ScheduleDecision.done] as const
        progress.waitMs = Math.max(0, start - now)
        return [
          next,
          out,
          start === planned ? decision : ScheduleDecision.continueWith(ScheduleInterval.after(start))
        ] as const
      })
  ).pipe(Schedule.tapInput((error: RunsError.RunsError) => Effect.sync(() => progress.failure = error)))

// Each retry is logged at Debug (invisible under the default Info level): why the attempt
// failed and how long the call waits, annotated so a logger can filter or index them.
const logRetries = (policy: RetryPolicy, progress: Progress, method: string, path: string): RetryPolicy =>
  Schedule.onDecision(policy, (_, decision) => {
    const error = progress.failure
    if (ScheduleDecision.isDone(decision) || error === undefined) return Effect.void
    // The wait as decided, from the time the decision was made: read from the clock again, it
    // would show less than a Retry-After the call obeys.
    const waitMs = progress.waitMs
    const status = "status" in error ? ` ${error.status}` : ""
    return Effect.logDebug(
      `${method} ${path}: attempt ${progress.attempts} failed with ${error._tag}${status}; retrying in ${waitMs} ms`
    ).pipe(Effect.annotateLogs({
      "airplane.http.method": method,
      "airplane.http.path": path,
      "airplane.attempt": progress.attempts,
      "airplane.error": error._tag,
      "airplane.retry_in_ms": waitMs
    }))
  })

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

/** The error with some fields changed: errors are immutable, so it is a new one of its class. */
const rebuild = <E extends RunsError.RunsError>(error: E, changes: Readonly<Record<string, unknown>>): E => {
  const fields: Record<string, unknown> = {}
  // Fields that are not known stay absent, so that an error prints only what it knows.
  for (const [name, value] of Object.entries({ ...error, ...changes })) {
    if (name !== "_tag" && value !== undefined) fields[name] = value
  }
  return new (error.constructor as new(fields: Record<string, unknown>) => E)(fields)
}

/**
 * An answer may quote the key back (in its error text, a request id, a body that is not
 * JSON, a schema path): whatever an error took from the answer is cleared of it, so no error
 * holds the key.
 */
const withoutKey = (key: string) => <E extends RunsError.RunsError>(error: E): E => {
  const clear = (text: string) => text.split(key).join("<redacted>")
  const changes: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(error)) {
    if (typeof value === "string" && value.includes(key)) {
      changes[name] = clear(value)
    } else if (Array.isArray(value) && value.some((item) => typeof item === "string" && item.includes(key))) {
      changes[name] = value.map((item) => (typeof item === "string" ? clear(item) : item))
    }
  }
  return Object.keys(changes).length === 0 ? error : rebuild(error, changes)
}

const redactKey = (names: ReadonlyArray<string | RegExp>) =>
  names.includes(apiKeyHeaderName) ? names : [...names, apiKeyHeaderName]

/**
 * The answer with every header value that holds the key cleared of it. The platform's
 * `http.client` span lists the answer's headers, redacted by name only: a server or proxy that
 * echoes the key under another name (`x-debug`) would put it in the span.
 */
const scrubHeaders = (response: HttpClientResponse.HttpClientResponse, key: string) => {
  let scrubbed: Record<string, string> | undefined
  for (const [name, value] of Object.entries(response.headers)) {
    if (value.includes(key)) (scrubbed ??= { ...response.headers })[name] = value.split(key).join("<redacted>")
  }
  if (scrubbed === undefined) return response
  const headers = Headers.fromInput(scrubbed)
  return new Proxy(response, {
    get: (target, property) => {
      if (property === "headers") return headers
      const value = Reflect.get(target, property, target)
      return typeof value === "function" ? value.bind(target) : value
    }
  })
}

/**
 * The client the calls go through: the caller's, under a layer that clears the key from the
 * answers' headers before the platform's span records them. The span is the platform's own
 * (made around this layer, with trace propagation); the caller's client runs untraced inside
 * it, so there is one `http.client` span per attempt, not two.
 */
export const guardKey = (client: HttpClient.HttpClient, apiKey: Redacted.Redacted<string>): HttpClient.HttpClient => {
  const key = Redacted.value(apiKey)
  const untraced = Effect.locally(HttpClient.currentTracerDisabledWhen, () => true)
  return HttpClient.make((request) =>
    Effect.map(untraced(client.execute(request)), (response) => scrubHeaders(response, key))
  )
}

/**
 * Runs one call with its retries, over a client made by {@link guardKey}. The key is redacted
 * from the platform's spans and logs, and fetch is told not to follow redirects, so the key
 * never reaches another origin.
 */
export const execute = <A>(
  client: HttpClient.HttpClient,
  settings: Settings,
  call: Call<A>,
  options: CallOptions | undefined
): Effect.Effect<A, RunsError.HttpError | RunsError.TransportError | RunsError.Timeout | RunsError.InvalidResponse> => {
  const { method, path } = call
  const attemptTimeout = options?.attemptTimeout === undefined
    ? settings.attemptTimeout
    : Duration.decode(options.attemptTimeout)
  const deadlineInput = options?.deadline ?? settings.deadline
  const headers: Record<string, string> = {
    [Endpoints.apiKeyHeader]: Redacted.value(settings.apiKey),
    accept: "application/json"
  }
  if (settings.envSlug !== undefined) headers[Endpoints.envSlugHeader] = settings.envSlug
  if (settings.envId !== undefined) headers[Endpoints.envIdHeader] = settings.envId
  if (method === "POST") {
    // One key for every attempt, so a retried POST is done once.
    headers[Endpoints.idempotencyKeyHeader] = options?.idempotencyKey ?? crypto.randomUUID()
  }
  let request = HttpClientRequest.make(method)(`${settings.origin}${path}`, {
    headers,
    ...(call.urlParams === undefined ? {} : { urlParams: call.urlParams })
  })
  if (method === "POST") request = HttpClientRequest.bodyUnsafeJson(request, call.body ?? {})
  const { check, decode } = call
  const key = Redacted.value(settings.apiKey)

  const answer = (response: HttpClientResponse.HttpClientResponse, text: string) => {
    const requestId = requestIdOf(response.headers)
    if (response.status < 200 || response.status >= 300) {
      return Effect.flatMap(
        Clock.currentTimeMillis,
        (now) => Effect.fail(httpError(method, path, response, text, now))
      )
    }
    let json: unknown
    if (text.trim() === "" && call.emptyBody !== undefined) {
      json = call.emptyBody
    } else {
      try {
        json = JSON.parse(text)
      } catch (error) {
        const contentType = response.headers["content-type"] ?? "no content type"
        return Effect.fail(
          new RunsError.InvalidResponse({
            method,
            path,
            status: response.status,
            requestId,
            reason: text === ""
              ? "an empty body where JSON was expected"
              : `not JSON (${contentType}, ${text.length} characters): ${(error as Error).message}`
          })
        )
      }
    }
    return Either.flatMap(
      Either.mapLeft(decode(json), (error) => decodeFailure(method, path, response.status, requestId, error)),
      (decoded) => {
        const problem = check?.(decoded, json)
        return problem === undefined ? Either.right(decoded) : Either.left(
          new RunsError.InvalidResponse({
            method,
            path,
            status: response.status,
            requestId,
            reason: problem.reason,
            schemaPath: [problem.path]
          })
        )
      }
    )
  }

  return Effect.suspend(() => {
    const progress: Progress = { attempts: 0, startedAt: 0, failure: undefined, waitMs: 0 }
    const wire = (error: HttpClientError.HttpClientError) =>
      new RunsError.TransportError({
        method,
        path,
        reason: error.reason === "InvalidUrl"
          ? `invalid URL ${settings.origin}${path}`
          : describeCause(error.cause) ?? error.message
      })
    const attempt = Effect.suspend(() => {
      progress.attempts++
      return client.execute(request)
    }).pipe(
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
        Effect.mapBoth(readText(response, settings.maxResponseBytes), {
          onFailure: wire,
          onSuccess: (text) => ({ response, text })
        })
      ),
      Effect.timeoutFail({
        duration: attemptTimeout,
        onTimeout: () =>
          new RunsError.Timeout({ method, path, scope: "attempt", timeoutMs: Duration.toMillis(attemptTimeout) })
      }),
      Effect.flatMap(({ response, text }) =>
        text === undefined
          ? Effect.fail(
            new RunsError.InvalidResponse({
              method,
              path,
              status: response.status,
              requestId: requestIdOf(response.headers),
              reason: `the body is larger than the cap of ${settings.maxResponseBytes} bytes (maxResponseBytes)`
            })
          )
          : answer(response, text)
      ),
      Effect.mapError(withoutKey(key))
    )
    return Effect.flatMap(Clock.currentTimeMillis, (now) => {
      progress.startedAt = now
      const deadline: Deadline | undefined = options?.deadlineAt ?? (deadlineInput === undefined
        ? undefined
        : { at: now + Duration.toMillis(deadlineInput), timeoutMs: Duration.toMillis(deadlineInput) })
      const policy = logRetries(
        obeyServer(options?.retry ?? settings.retry, progress, deadline),
        progress,
        method,
        path
      )
      const retried = Effect.retry(attempt, policy)
      const bounded = deadline === undefined ? retried : Effect.timeoutFail(retried, {
        duration: Math.max(0, deadline.at - now),
        onTimeout: () => new RunsError.Timeout({ method, path, scope: "deadline", timeoutMs: deadline.timeoutMs })
      })
      // The error that ends the call says how hard the call tried.
      return Effect.catchAll(
        bounded,
        (error) =>
          Effect.flatMap(
            Clock.currentTimeMillis,
            (end) => Effect.fail(rebuild(error, { attempts: progress.attempts, elapsedMs: end - progress.startedAt }))
          )
      )
    })
  }).pipe(
    Effect.locallyWith(Headers.currentRedactedNames, redactKey),
    Effect.provideServiceEffect(
      FetchHttpClient.RequestInit,
      Effect.map(
        Effect.serviceOption(FetchHttpClient.RequestInit),
        (init): RequestInit => ({ ...Option.getOrElse(init, () => ({})), redirect: "manual" })
      )
    )
  )
}
