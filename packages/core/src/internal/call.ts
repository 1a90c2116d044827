/**
 * One call of an endpoint, from its description in the contract: the input checked and
 * written as the wire wants it (query and body), then the stages: send and read, classify,
 * decode, retry, deadline. Everything it can fail with is a `RunsError`; the one that ends a
 * call says how many attempts it made over how long, and so does its answer.
 */
import * as Endpoints from "@airplane-runs/contract/Endpoints"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import type { PostOptions } from "../Runs.js"
import * as RunsError from "../RunsError.js"
import { classify, isSuccess } from "./classify.js"
import { type Check, decoder } from "./decode.js"
import { rebuild } from "./errors.js"
import { type Deadline, type Progress, retry } from "./retry.js"
import { withoutKey } from "./secret.js"
import { send, type Target } from "./send.js"
import { type CallSettings, definedOnly, fromCallOptions, issuesOf, type Settings } from "./settings.js"

/** What a caller may set for one call (see `Runs.PostOptions`), and what a wait sets for its polls. */
export interface CallOptions extends PostOptions {
  /**
   * A deadline already running (an `awaitCompletion`'s, over its polls): the call ends by this
   * time of the `Clock`, and `deadline` is ignored.
   */
  readonly deadlineAt?: Deadline | undefined
}

type Schemas = Schema.Schema.AnyNoContext | undefined

// Checks what the caller gave against a request schema of the contract, then writes it as the
// wire wants it: one schema says both what is valid and how it is sent. Synchronous (an Either
// is an Effect too), as it runs before every request. The schema's own fields are picked from
// the input, so one input can feed a query and a body.
const encoder = (schema: Schemas) => {
  if (schema === undefined) return undefined
  const keys = SchemaAST.getPropertySignatures(schema.ast).map((signature) => signature.name)
  const validate = Schema.validateEither(Schema.typeSchema(schema))
  const encode = Schema.encodeEither(schema)
  return (input: Readonly<Record<PropertyKey, unknown>>) => {
    const picked: Record<PropertyKey, unknown> = {}
    for (const key of keys) picked[key] = input[key]
    // Optional fields the caller set to `undefined` are absent, as the schemas say.
    return Either.flatMap(validate(definedOnly(picked)), encode)
  }
}

/** Where an endpoint's requests go, as its errors name it: `GET /v0/runs/get`. */
export const targetOf = (endpoint: Endpoints.Any): Target => ({
  method: endpoint.method,
  path: `${Endpoints.basePath}${endpoint.path}`
})

/** A call's decoded answer, with the response it came in and how hard the call tried. */
export interface Answered<A> {
  readonly value: A
  /** The last attempt's response, its body read. */
  readonly response: HttpClientResponse.HttpClientResponse
  readonly attempts: number
  readonly elapsedMs: number
}

/** The value of an answer. */
export const valueOf = <A>(answered: Answered<A>): A => answered.value

/** The answer with its value changed. */
export const mapValue = <A, B>(f: (value: A) => B) => (answered: Answered<A>): Answered<B> => ({
  ...answered,
  value: f(answered.value)
})

/** An endpoint's call, given the client and settings of a `Runs` service. */
export type Call<E extends Endpoints.Any> = (
  client: HttpClient.HttpClient,
  settings: Settings,
  input: object,
  options: CallOptions | undefined,
  check?: Check<Schema.Schema.Type<E["answer"]>>
) => Effect.Effect<Answered<Schema.Schema.Type<E["answer"]>>, RunsError.RunsError>

/**
 * The call of an endpoint. Its codecs are built here, once per endpoint: the calls are many,
 * the endpoints few.
 */
export const make = <E extends Endpoints.Any>(endpoint: E): Call<E> => {
  const target = targetOf(endpoint)
  const encodeQuery = encoder(endpoint.query)
  const encodeBody = encoder(endpoint.body)
  const decodeAnswer = decoder(endpoint.answer, endpoint.emptyAnswer)

  const request = (input: object, call: CallSettings) => {
    const record = input as Readonly<Record<PropertyKey, unknown>>
    const query = encodeQuery?.(record) ?? Either.right(undefined)
    const body = encodeBody?.(record) ?? Either.right(undefined)
    if (Either.isLeft(query) || Either.isLeft(body)) {
      const issues = [query, body].flatMap((part) => Either.isLeft(part) ? issuesOf(part.left) : [])
      return Either.left(new RunsError.InvalidRequest({ operation: endpoint.name, issues }))
    }
    let built = HttpClientRequest.make(endpoint.method)(endpoint.path, {
      ...(query.right === undefined ? {} : { urlParams: query.right as Record<string, string> })
    })
    if (endpoint.method === "POST") {
      // One key for every attempt, so a retried POST is done once.
      built = HttpClientRequest.setHeader(
        HttpClientRequest.bodyUnsafeJson(built, body.right ?? {}),
        Endpoints.idempotencyKeyHeader,
        call.idempotencyKey ?? crypto.randomUUID()
      )
    }
    return Either.right(built)
  }

  const prepare = (input: object, options: CallOptions | undefined) =>
    Either.flatMap(
      Either.mapLeft(
        fromCallOptions(options),
        (issues) => new RunsError.InvalidRequest({ operation: endpoint.name, issues })
      ),
      (call) => Either.map(request(input, call), (built) => ({ call, request: built }))
    )

  return (client, settings, input, options, check) =>
    Effect.flatMap(prepare(input, options), ({ call, request }) =>
      Effect.suspend(() => {
        const progress: Progress = { attempts: 0, failure: undefined, waitMs: 0 }
        const attemptTimeout = call.attemptTimeout ?? settings.attemptTimeout
        const attempt = send(client, request, target, {
          attemptTimeout,
          maxResponseBytes: settings.maxResponseBytes
        }).pipe(
          Effect.flatMap((sent) =>
            isSuccess(sent.response.status)
              ? Either.map(decodeAnswer(target, sent, check), (value) => ({ value, response: sent.response }))
              // The clock only for an error's Retry-After: a success, the common case, skips it.
              : Effect.flatMap(
                Clock.currentTimeMillis,
                (now) => Effect.fail(classify(target.method, target.path, sent.response, sent.text, now)!)
              )
          ),
          Effect.mapError(withoutKey(settings.apiKey))
        )
        return Effect.flatMap(Clock.currentTimeMillis, (startedAt) => {
          const deadlineFor = call.deadline ?? settings.deadline
          const deadline: Deadline | undefined = options?.deadlineAt ?? (deadlineFor === undefined
            ? undefined
            : { at: startedAt + Duration.toMillis(deadlineFor), timeoutMs: Duration.toMillis(deadlineFor) })
          const retried = retry(attempt, call.retry ?? settings.retry, progress, deadline, target)
          const bounded = deadline === undefined ? retried : Effect.timeoutFail(retried, {
            duration: Math.max(0, deadline.at - startedAt),
            onTimeout: () => new RunsError.Timeout({ ...target, scope: "deadline", timeoutMs: deadline.timeoutMs })
          })
          // The answer, or the error, that ends the call says how hard the call tried.
          return Effect.matchEffect(bounded, {
            onFailure: (error) =>
              Effect.flatMap(Clock.currentTimeMillis, (end) =>
                Effect.fail(rebuild(error, { attempts: progress.attempts, elapsedMs: end - startedAt }))),
            onSuccess: ({ response, value }) =>
              Effect.map(Clock.currentTimeMillis, (end): Answered<Schema.Schema.Type<E["answer"]>> => ({
                value,
                response,
                attempts: progress.attempts,
                elapsedMs: end - startedAt
              }))
          })
        })
      }))
}
