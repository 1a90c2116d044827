/**
 * The client's options, decoded once by a Schema into the settings every call reads: the
 * origin (https, or plain http to a loopback host), header-safe strings, whole numbers, a
 * retry policy, durations. Every problem is named at once, as `<option>: <problem>`.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as RetryPolicy from "../RetryPolicy.js"
import type { Options } from "../Runs.js"
import * as RunsError from "../RunsError.js"

/** What the options come to, read by every call. */
export interface Settings {
  /** The origin, e.g. `https://api.airplane.dev`. */
  readonly origin: string
  readonly apiKey: Redacted.Redacted<string>
  readonly envSlug: string | undefined
  readonly envId: string | undefined
  readonly retry: RetryPolicy.RetryPolicy
  readonly attemptTimeout: Duration.Duration
  readonly deadline: Duration.Duration | undefined
  /** The most bytes a response body may have. */
  readonly maxResponseBytes: number
  /** Pages fetched ahead by a walk. */
  readonly prefetch: number
  /** The caller's own middleware, applied to the client once. */
  readonly transformClient: (client: HttpClient.HttpClient) => HttpClient.HttpClient
}

/** The API host when none is configured. */
export const defaultHost = "https://api.airplane.dev"

/**
 * Pages fetched ahead by default. Measured on a walk of 101 pages with 20 ms of server
 * latency (5,000 runs, loopback): prefetch 0 took 2.9-3.2 s, 1 took 2.0-2.2 s, 2 took 1.5-1.9 s,
 * 4 took 1.1-1.3 s, 8 took 0.9-1.1 s. Past 4 the gain is small while the load on the API keeps
 * growing, and memory holds at most 5 pages.
 */
export const defaultPrefetch = 4

/** 32 MiB, far above any page of runs, so that only a broken or hostile answer meets it. */
export const defaultMaxResponseBytes = 32 * 1024 * 1024

const defaultAttemptTimeout = Duration.seconds(30)

/** A schema whose only failure says `message`, whatever went wrong inside it. */
const saying = <A, I>(schema: Schema.Schema<A, I>, message: string) =>
  schema.annotations({ message: () => ({ message, override: true }) })

const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || hostname === "::1" || /^127(\.\d{1,3}){3}$/.test(hostname)

const hasScheme = /^[a-z][a-z\d+.-]*:\/\//i

/**
 * The origin of a host, or the problem in words that show the fix. `localhost:4010` parses as
 * a URL of scheme `localhost:`, so a missing `scheme://` is looked for first. The host is
 * never quoted with its credentials.
 */
const originOf = (host: string): Either.Either<string, string> => {
  if (!hasScheme.test(host)) {
    const guess = URL.canParse(`http://${host}`) ? new URL(`http://${host}`) : undefined
    const fix = guess === undefined
      ? "e.g. https://api.airplane.dev"
      : isLoopback(guess.hostname)
      ? `write http://${guess.host} (plain http is allowed to a loopback host) or https://${guess.host}`
      : `write https://${guess.host}`
    const shown = guess === undefined || (guess.username === "" && guess.password === "") ? host : guess.host
    return Either.left(`${JSON.stringify(shown)} has no scheme: ${fix}`)
  }
  if (!URL.canParse(host)) return Either.left("is not a URL (e.g. https://api.airplane.dev)")
  const url = new URL(host)
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    return Either.left(
      url.protocol === "http:"
        ? `http://${url.host} is plain http to another machine: the API key is sent only over https ` +
          `(plain http only to a loopback host); write https://${url.host}`
        : `${url.protocol}//${url.host} is not an http(s) URL: write https://${url.host}`
    )
  }
  if (url.username !== "" || url.password !== "") {
    return Either.left("must not carry credentials: send the API key as apiKey, nothing in the URL")
  }
  return Either.right(url.origin)
}

const Origin = Schema.transformOrFail(Schema.String, Schema.String, {
  strict: true,
  decode: (host, _, ast) =>
    Either.match(originOf(host), {
      onLeft: (problem) => ParseResult.fail(new ParseResult.Type(ast, host, problem)),
      onRight: ParseResult.succeed
    }),
  encode: ParseResult.succeed
})

const noLineBreak = (text: string) => !/[\r\n\0]/.test(text)

/** A value that goes in a header: a CR, LF or NUL would split or corrupt the request. */
const HeaderValue = Schema.String.pipe(Schema.filter(noLineBreak, { message: () => "must not contain CR, LF or NUL" }))

// A key of the wrong type is named as such, never quoted in the message.
const KeyInput = saying(
  Schema.Union(Schema.String, Schema.RedactedFromSelf(Schema.String)),
  "must be a string, or a Redacted string"
)

const ApiKey = Schema.transform(KeyInput, Schema.RedactedFromSelf(Schema.String), {
  strict: true,
  decode: (key) => (Redacted.isRedacted(key) ? key : Redacted.make(key)),
  encode: identity
}).pipe(
  Schema.filter((key) => Redacted.value(key) !== "", {
    message: () => "is empty: pass your API key (tkn_...), or set AIRPLANE_API_KEY"
  }),
  Schema.filter((key) => noLineBreak(Redacted.value(key)), { message: () => "must not contain CR, LF or NUL" })
)

/**
 * Pages fetched ahead: a whole number of 0 or more. Checked here for the client's default, and
 * by a walk for a call's own.
 */
export const Prefetch = saying(Schema.Int.pipe(Schema.nonNegative()), "must be a whole number of 0 or more")

const ByteCap = saying(
  Schema.Int.pipe(Schema.positive(), Schema.filter(Number.isSafeInteger)),
  "must be a whole number of 1 or more"
)

/** Anything `Duration.decode` takes, as a `Duration`. */
const DurationInput = Schema.transformOrFail(Schema.Unknown, Schema.DurationFromSelf, {
  strict: true,
  decode: (input, _, ast) =>
    Either.fromOption(
      Duration.decodeUnknown(input),
      () => new ParseResult.Type(ast, input, "must be a duration (e.g. \"10 seconds\", or milliseconds)")
    ),
  encode: ParseResult.succeed
})

const Policy = Schema.declare((u: unknown): u is RetryPolicy.RetryPolicy => Schedule.isSchedule(u), {
  identifier: "RetryPolicy"
})

// The knobs of the default policy, checked; a Schedule of the caller's is taken as it is.
const PolicyOptions = Schema.Struct({
  maxAttempts: Schema.optionalWith(
    saying(Schema.Int.pipe(Schema.positive()), "must be a whole number of 1 or more"),
    { exact: true }
  ),
  initialDelay: Schema.optionalWith(DurationInput, { exact: true }),
  maxDelay: Schema.optionalWith(DurationInput, { exact: true }),
  maxRetryAfter: Schema.optionalWith(DurationInput, { exact: true }),
  maxElapsed: Schema.optionalWith(DurationInput, { exact: true })
})

// A Schedule of the caller's is taken as it is; anything else must be the default policy's
// knobs, and its problems are theirs (not a union's "expected a Schedule" as well).
const Retry = Schema.transformOrFail(Schema.Unknown, Schema.Union(Policy, Schema.typeSchema(PolicyOptions)), {
  strict: true,
  decode: (input) =>
    Schedule.isSchedule(input)
      ? ParseResult.succeed(input as RetryPolicy.RetryPolicy)
      : ParseResult.decodeUnknown(PolicyOptions)(Predicate.isRecord(input) ? definedOnly(input) : input),
  encode: ParseResult.succeed
})

const Middleware = Schema.declare(
  (u: unknown): u is (client: HttpClient.HttpClient) => HttpClient.HttpClient => Predicate.isFunction(u),
  { identifier: "transformClient", message: () => "must be a function of an HttpClient" }
)

const OptionsSchema = Schema.Struct({
  apiKey: ApiKey,
  host: Schema.optionalWith(Origin, { exact: true, default: () => defaultHost }),
  envSlug: Schema.optionalWith(HeaderValue, { exact: true }),
  envId: Schema.optionalWith(HeaderValue, { exact: true }),
  retry: Schema.optionalWith(Retry, { exact: true }),
  attemptTimeout: Schema.optionalWith(DurationInput, { exact: true }),
  deadline: Schema.optionalWith(DurationInput, { exact: true }),
  prefetch: Schema.optionalWith(Prefetch, { exact: true }),
  maxResponseBytes: Schema.optionalWith(ByteCap, { exact: true }),
  transformClient: Schema.optionalWith(Middleware, { exact: true })
})

const decodeOptions = Schema.decodeUnknownEither(OptionsSchema, { errors: "all" })

const CallOptionsSchema = Schema.Struct({
  retry: Schema.optionalWith(Retry, { exact: true }),
  attemptTimeout: Schema.optionalWith(DurationInput, { exact: true }),
  deadline: Schema.optionalWith(DurationInput, { exact: true }),
  idempotencyKey: Schema.optionalWith(
    HeaderValue.pipe(Schema.nonEmptyString({ message: () => "must not be empty" })),
    { exact: true }
  )
})

const decodeCallOptions = Schema.decodeUnknownEither(CallOptionsSchema, { errors: "all" })
const callOptionNames = Object.keys(CallOptionsSchema.fields)

/** A call's own options, checked: what it changes of the client's settings. */
export interface CallSettings {
  readonly retry: RetryPolicy.RetryPolicy | undefined
  readonly attemptTimeout: Duration.Duration | undefined
  readonly deadline: Duration.Duration | undefined
  readonly idempotencyKey: string | undefined
}

const noCallOptions: Either.Either<CallSettings, ReadonlyArray<string>> = Either.right({
  retry: undefined,
  attemptTimeout: undefined,
  deadline: undefined,
  idempotencyKey: undefined
})

/** A call's options, or their problems as the issues of an `InvalidRequest`. */
export const fromCallOptions = (options: object | undefined): Either.Either<CallSettings, ReadonlyArray<string>> =>
  // Most calls set none: they skip the decoding, a few microseconds on every call.
  options === undefined || !callOptionNames.some((name) => (options as Record<string, unknown>)[name] !== undefined)
    ? noCallOptions
    : Either.match(decodeCallOptions(definedOnly(options)), {
      onLeft: (error) => Either.left(issuesOf(error)),
      onRight: (decoded) =>
        Either.right({
          retry: decoded.retry === undefined ? undefined : policyOf(decoded.retry),
          attemptTimeout: decoded.attemptTimeout,
          deadline: decoded.deadline,
          idempotencyKey: decoded.idempotencyKey
        })
    })

const policyOf = (retry: typeof Retry.Type): RetryPolicy.RetryPolicy =>
  Schedule.isSchedule(retry) ? retry : RetryPolicy.make(retry)

/** A schema's failures as the issues of an `InvalidRequest`: `<path>: <problem>` each. */
export const issuesOf = (error: ParseResult.ParseError): ReadonlyArray<string> =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) =>
    issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`
  )

/**
 * The settings of the options, or every problem of them in one `InvalidRequest` (operation
 * `configure`). Options set to `undefined` are as good as absent.
 */
export const fromOptions = (options: Options): Either.Either<Settings, RunsError.InvalidRequest> =>
  Either.match(decodeOptions(definedOnly(options)), {
    onLeft: (error) => Either.left(new RunsError.InvalidRequest({ operation: "configure", issues: issuesOf(error) })),
    onRight: (decoded) =>
      Either.right({
        origin: decoded.host,
        apiKey: decoded.apiKey,
        envSlug: decoded.envSlug,
        envId: decoded.envId,
        retry: decoded.retry === undefined ? RetryPolicy.defaultPolicy : policyOf(decoded.retry),
        attemptTimeout: decoded.attemptTimeout ?? defaultAttemptTimeout,
        deadline: decoded.deadline,
        maxResponseBytes: decoded.maxResponseBytes ?? defaultMaxResponseBytes,
        prefetch: decoded.prefetch ?? defaultPrefetch,
        transformClient: decoded.transformClient ?? identity
      })
  })

/** The fields of a record that are not `undefined`. */
export const definedOnly = <A extends object>(record: A): { [K in keyof A]: Exclude<A[K], undefined> } => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value
  return out as { [K in keyof A]: Exclude<A[K], undefined> }
}
