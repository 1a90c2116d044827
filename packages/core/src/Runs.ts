/**
 * The Runs service: get, getOutputs, cancel, list (every page, as a Stream), execute, await
 * completion and watch a run or a task's new runs (as Streams), over any `HttpClient`.
 *
 * @example
 * ```ts
 * import { Runs } from "@airplane-runs/core"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer, Redacted, Stream } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const runs = yield* Runs.Runs
 *   const runID = yield* runs.execute({ slug: "hello_world", paramValues: { name: "Ada" } })
 *   const run = yield* runs.awaitCompletion({ id: runID })
 *   const failures = yield* runs.list({ taskSlug: "hello_world" }).pipe(
 *     Stream.filter((r) => r.status === "Failed"),
 *     Stream.runCollect
 *   )
 *   return { run, failures }
 * })
 *
 * program.pipe(
 *   Effect.provide(Runs.layerConfig()), // AIRPLANE_API_KEY, AIRPLANE_API_HOST...
 *   Effect.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Endpoints from "@airplane-runs/contract/Endpoints"
import type * as Ids from "@airplane-runs/contract/Ids"
import type * as Json from "@airplane-runs/contract/Json"
import type * as RunModule from "@airplane-runs/contract/Run"
import * as RunStatus from "@airplane-runs/contract/RunStatus"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import * as Call from "./internal/call.js"
import * as Client from "./internal/client.js"
import type { Check, Problem } from "./internal/decode.js"
import * as Pages from "./internal/pages.js"
import { withResponse as withResponseOf } from "./internal/response.js"
import * as Settings from "./internal/settings.js"
import type * as ResponseInfo from "./ResponseInfo.js"
import type * as RetryPolicy from "./RetryPolicy.js"
import * as RunsError from "./RunsError.js"

/**
 * A run, as the API describes it: every field optional and nullable, dates as `Date`.
 *
 * @since 0.1.0
 * @category models
 */
export type Run = RunModule.Run

/**
 * One page of runs, newest first, and its index.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunsPage {
  readonly page: number
  readonly runs: ReadonlyArray<Run>
}

/**
 * What to list: a task (by id or slug) and a window of creation times; every field optional.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListParams {
  readonly taskID?: string | undefined
  readonly taskSlug?: string | undefined
  readonly since?: Date | undefined
  readonly until?: Date | undefined
  /** Runs per page, 1..50. Default 50. */
  readonly limit?: number | undefined
}

/**
 * How to walk the pages of a list.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListOptions extends CallOptions {
  /** Pages fetched ahead of the one being read, concurrently; order is kept. */
  readonly prefetch?: number | undefined
}

/**
 * What a task is started with: its id or its slug, parameter values, resources.
 *
 * @since 0.1.0
 * @category models
 */
export type ExecuteParams =
  & (
    | { readonly slug: string; readonly id?: undefined }
    | { readonly id: string; readonly slug?: undefined }
  )
  & {
    readonly paramValues?: { readonly [slug: string]: Json.Json } | undefined
    readonly resources?: { readonly [slug: string]: string } | undefined
    /** The environment to run in, when not the client's. */
    readonly envSlug?: string | undefined
  }

/**
 * Per-call options: a retry policy, timeouts, and for POSTs the idempotency key.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  /** Replaces the layer's retry policy for this call. `RetryPolicy.none` never retries. */
  readonly retry?: RetryPolicy.RetryPolicy | undefined
  /** Each attempt, headers and body, must finish within this. */
  readonly attemptTimeout?: Duration.DurationInput | undefined
  /** The whole call, retries and waits included, must finish within this. */
  readonly deadline?: Duration.DurationInput | undefined
}

/**
 * Options of a POST: an `Idempotency-Key` of your own (one is made per call otherwise, and
 * sent on every attempt).
 *
 * @since 0.1.0
 * @category models
 */
export interface PostOptions extends CallOptions {
  readonly idempotencyKey?: string | undefined
}

/**
 * How to wait for a run, or watch it: the polling schedule and the options of each `get`
 * (`deadline` bounds the whole wait).
 *
 * @since 0.1.0
 * @category models
 */
export interface AwaitOptions extends CallOptions {
  /** When to poll again. Default: from 250 ms, doubling, at most every 5 s. */
  readonly schedule?: Schedule.Schedule<unknown, Run> | undefined
}

/**
 * The task whose runs to watch, by slug or by id.
 *
 * @since 0.2.0
 * @category models
 */
export type WatchTaskParams =
  | { readonly taskSlug: string; readonly taskID?: undefined }
  | { readonly taskID: string; readonly taskSlug?: undefined }

/**
 * How to watch a task's runs: from when, the polling schedule, and the options of each list
 * request.
 *
 * @since 0.2.0
 * @category models
 */
export interface WatchTaskOptions extends CallOptions {
  /** Runs created from this time on are new. Default: when the watch starts. */
  readonly since?: Date | undefined
  /**
   * When to poll again, fed the runs the last poll found new. Default
   * {@link defaultWatchTaskSchedule}. A schedule that gives up ends the watch.
   */
  readonly schedule?: Schedule.Schedule<unknown, ReadonlyArray<Run>> | undefined
}

/**
 * A finished run and its outputs.
 *
 * @since 0.1.0
 * @category models
 */
export interface Completed {
  readonly run: Run
  readonly output: Json.Json
}

/**
 * The Runs operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `GET /runs/get`: a run by id. */
  readonly get: (params: { readonly id: string }, options?: CallOptions) => Effect.Effect<Run, RunsError.RunsError>
  /** `GET /runs/getOutputs`: a run's outputs, any JSON; `null` until it has some. */
  readonly getOutputs: (
    params: { readonly id: string },
    options?: CallOptions
  ) => Effect.Effect<Json.Json, RunsError.RunsError>
  /** `POST /runs/cancel`: cancels a run that has not finished. */
  readonly cancel: (
    params: { readonly runID: string },
    options?: PostOptions
  ) => Effect.Effect<void, RunsError.RunsError>
  /** `POST /tasks/execute`: starts a run of a task; answers its id. */
  readonly execute: (params: ExecuteParams, options?: PostOptions) => Effect.Effect<Ids.RunId, RunsError.RunsError>
  /** `GET /runs/list`: one page. */
  readonly listPage: (
    params?: ListParams & { readonly page?: number | undefined },
    options?: CallOptions
  ) => Effect.Effect<RunsPage, RunsError.RunsError>
  /**
   * Every page, from page 0 to the first short one. Without an `until`, the walk pins it
   * to its start, so runs created meanwhile do not shift the pages; a run seen on the page
   * before is never emitted twice.
   */
  readonly listPages: (params?: ListParams, options?: ListOptions) => Stream.Stream<RunsPage, RunsError.RunsError>
  /** Every run of every page, newest first. */
  readonly list: (params?: ListParams, options?: ListOptions) => Stream.Stream<Run, RunsError.RunsError>
  /**
   * The run each time its status changes, from the one it has now, polled on the `schedule`
   * (fed each run; default from 250 ms, doubling, at most every 5 s). The stream ends with the
   * first finished status (Succeeded, Failed or Cancelled), or when the schedule gives up; no
   * poll is sent after that, nor after the reader stops pulling. `deadline` bounds the whole
   * watch.
   *
   * @since 0.2.0
   */
  readonly watch: (
    params: { readonly id: string },
    options?: AwaitOptions
  ) => Stream.Stream<Run, RunsError.RunsError>
  /**
   * Each new run of a task (created from `since`, by default the watch's start) once, as polls
   * of the list endpoint find it (oldest first within a poll; a run updated after a poll's window
   * closed comes with the next), until interrupted (or the schedule gives up).
   * Each poll lists a window of last updates pinned to its start, which begins a little before
   * the previous one ended ({@link watchTaskOverlap}); runs are told apart by id, so none is
   * emitted twice. Polls are sent only while the reader pulls.
   *
   * @since 0.2.0
   */
  readonly watchTask: (
    params: WatchTaskParams,
    options?: WatchTaskOptions
  ) => Stream.Stream<Run, RunsError.RunsError>
  /**
   * Polls a run until it has finished (Succeeded, Failed or Cancelled) and answers it: the
   * last poll of {@link Service.watch}'s wait.
   */
  readonly awaitCompletion: (
    params: { readonly id: string },
    options?: AwaitOptions
  ) => Effect.Effect<Run, RunsError.RunsError>
  /** Waits for a run to finish, then reads its outputs. */
  readonly awaitOutputs: (
    params: { readonly id: string },
    options?: AwaitOptions
  ) => Effect.Effect<Completed, RunsError.RunsError>
  /**
   * The one-request operations again, each answering its result with the answer it came from:
   * `const { data, response } = yield* runs.withResponse.get({ id })`.
   *
   * @since 0.2.0
   */
  readonly withResponse: WithResponseService
}

/**
 * The operations that send one request (and its retries), answering the result with the answer
 * it came from (`{ data, response }`): the HTTP status, the headers (credentials redacted), the
 * request id, the attempts and the time they took. Each is the operation of the same name in
 * {@link Service}, with the same span, retries and errors.
 *
 * @since 0.2.0
 * @category models
 */
export interface WithResponseService {
  readonly get: (
    params: { readonly id: string },
    options?: CallOptions
  ) => Effect.Effect<ResponseInfo.WithResponse<Run>, RunsError.RunsError>
  readonly getOutputs: (
    params: { readonly id: string },
    options?: CallOptions
  ) => Effect.Effect<ResponseInfo.WithResponse<Json.Json>, RunsError.RunsError>
  readonly cancel: (
    params: { readonly runID: string },
    options?: PostOptions
  ) => Effect.Effect<ResponseInfo.WithResponse<void>, RunsError.RunsError>
  readonly execute: (
    params: ExecuteParams,
    options?: PostOptions
  ) => Effect.Effect<ResponseInfo.WithResponse<Ids.RunId>, RunsError.RunsError>
  readonly listPage: (
    params?: ListParams & { readonly page?: number | undefined },
    options?: CallOptions
  ) => Effect.Effect<ResponseInfo.WithResponse<RunsPage>, RunsError.RunsError>
}

/**
 * The Runs client.
 *
 * @since 0.1.0
 * @category tags
 */
export class Runs extends Context.Tag("@airplane-runs/core/Runs")<Runs, Service>() {}

/**
 * How to reach the API.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly apiKey: Redacted.Redacted<string> | string
  /** The API's origin. Default `https://api.airplane.dev`; plain http only to loopback. */
  readonly host?: string | undefined
  /** The environment, by slug (`X-Airplane-Env-Slug`) or id (`X-Airplane-Env-ID`). */
  readonly envSlug?: string | undefined
  readonly envId?: string | undefined
  /** Default {@link RetryPolicy.defaultPolicy}; options make a variant, any Schedule replaces it. */
  readonly retry?: RetryPolicy.RetryPolicy | RetryPolicy.Options | undefined
  /** Each attempt, headers and body. Default 30 s. */
  readonly attemptTimeout?: Duration.DurationInput | undefined
  /** The whole of each call, retries included. Default: none. */
  readonly deadline?: Duration.DurationInput | undefined
  /** Pages fetched ahead by `list` and `listPages`. Default {@link defaultPrefetch}. */
  readonly prefetch?: number | undefined
  /**
   * The most bytes a response body may have; a larger one fails with `InvalidResponse`,
   * unread. Default {@link defaultMaxResponseBytes}.
   */
  readonly maxResponseBytes?: number | undefined
  /**
   * Middleware of your own for the client every call goes through (applied once, when the
   * service is made): `HttpClient.tapRequest`, a proxy's headers, your own tracing. It sees
   * each request with the API's origin and headers, and each answer before it is read.
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * The API host when none is configured.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultHost: string = Settings.defaultHost

/**
 * Pages `list` fetches ahead by default. Measured on a walk of 101 pages with 20 ms of
 * server latency (5,000 runs, loopback): prefetch 0 took 2.9-3.2 s, 1 took 2.0-2.2 s,
 * 2 took 1.5-1.9 s, 4 took 1.1-1.3 s, 8 took 0.9-1.1 s. Past 4 the gain is small while the
 * load on the API keeps growing, and memory holds at most 5 pages.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPrefetch: number = Settings.defaultPrefetch

/**
 * The largest response body read by default: 32 MiB, far above any page of runs, so that only
 * a broken or hostile answer meets it.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxResponseBytes: number = Settings.defaultMaxResponseBytes

// Each endpoint's call, built once from its description in the contract: the calls are many,
// the endpoints few.
const calls = {
  get: Call.make(Endpoints.get),
  getOutputs: Call.make(Endpoints.getOutputs),
  list: Call.make(Endpoints.list),
  cancel: Call.make(Endpoints.cancel),
  execute: Call.make(Endpoints.execute)
}

// Effect's own tracer, the one in place when none is installed: its spans go nowhere.
let nativeTracer: Tracer.Tracer | undefined

// A call is traced when its spans have somewhere to go: a tracer is installed, or there is a
// trace to carry on (a parent span, whose trace id the request's `traceparent` continues).
// Otherwise its span and the platform's `http.client` span would be work for nothing (about
// 40 us of a call): both are left out, and no `traceparent` is sent.
// No stack trace on the spans: it would point into this module, not at the caller, and
// capturing one costs about as much as the span itself. An attribute is left out, not written
// as "undefined" (as an exporter would write it), when there is nothing to say.
const span = (
  name: string,
  attributes: Record<string, string | number | undefined>,
  kind: Tracer.SpanKind | undefined = "client"
) =>
<A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.tracerWith((tracer) => {
    nativeTracer ??= Effect.runSync(Effect.tracer)
    // Built only when traced: an untraced call skips the span's options too.
    const traced = () =>
      Effect.withSpan(self, name, {
        ...(kind === undefined ? {} : { kind }),
        captureStackTrace: false,
        attributes: Settings.definedOnly(attributes)
      })
    return tracer !== nativeTracer ? traced() : Effect.flatMap(
      Effect.serviceOption(Tracer.ParentSpan),
      (parent) =>
        Option.isSome(parent) ? traced() : Effect.locally(self, HttpClient.currentTracerDisabledWhen, () => true)
    )
  })

// A 2xx that is not the run asked for (`{}`, an error body, another run) is no answer.
const isRun = (id: string): Check<Run> => (run) =>
  run.id === id ? undefined : {
    reason: run.id == null
      ? "the answer is not a run: it has no id"
      : `the answer is another run (${run.id}) than the one asked for`,
    path: "id"
  }

// Without a status, whether a run has finished can never be seen: a wait fails, not polls for ever.
const hasStatus = (run: Run): Problem | undefined =>
  run.status == null
    ? { reason: "the run has no status, so whether it has finished cannot be known", path: "status" }
    : undefined

// Outputs may come without their key (a Go `omitempty` before a run has any), and cancel
// answers any object: neither schema can tell an error body sent with 200 from an answer. A
// body whose only word is an `error` text, without the key the answer carries, is that.
const notAnError = (key?: string): Check<unknown> => (_, json) =>
  typeof json === "object" && json !== null && "error" in json && typeof json.error === "string" &&
    (key === undefined || !(key in json))
    ? { reason: `the API answered success with an error body: ${json.error}`, path: "error" }
    : undefined

// An empty id names no run: awaiting it would be refused later, far from the cause.
const hasRunId: Check<{ readonly runID: string }> = (answer) =>
  answer.runID === "" ? { reason: "the new run's id is empty", path: "runID" } : undefined

const defaultAwaitSchedule: Schedule.Schedule<unknown, Run> = Schedule.exponential("250 millis").pipe(
  Schedule.either(Schedule.spaced("5 seconds"))
)

/**
 * How often `watchTask` polls by default: every 2 s, a new run showing within about that.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultWatchTaskSchedule: Schedule.Schedule<number> = Schedule.spaced("2 seconds")

/**
 * How far back each poll of `watchTask` reaches before the previous poll's end: the window of
 * a poll is pinned on this client's clock, so a run stamped by an API whose clock is behind by
 * up to this much is still seen (and seen once: runs already emitted are known by id).
 *
 * @since 0.2.0
 * @category constants
 */
export const watchTaskOverlap: Duration.Duration = Duration.seconds(5)

const overlapMs = Duration.toMillis(watchTaskOverlap)

// A run's last update, as the API's `since` and `until` filter on it.
const lastUpdateOf = (run: Run): number =>
  Math.max(
    ...[run.createdAt, run.activeAt, run.succeededAt, run.failedAt, run.cancelledAt].map((date) =>
      date?.getTime() ?? Number.NEGATIVE_INFINITY
    )
  )

// Whether a run can change no more.
const isFinished = (run: Run): boolean => run.status != null && RunStatus.isTerminal(run.status)

// The one loop of every poll (`watch`, the waits, `watchTask`): `poll` at once, then again after
// each pause the schedule decides, fed the last answer, until the schedule gives up or an answer
// is the last (`isLast`). A poll is sent only when the reader pulls: nothing is polled after the
// end, nor after the reader stopped.
const polling = <A>(
  schedule: Schedule.Schedule<unknown, A>,
  poll: Effect.Effect<A, RunsError.RunsError>,
  isLast: (answer: A) => boolean
): Stream.Stream<A, RunsError.RunsError> =>
  Stream.unwrap(Effect.map(Schedule.driver(schedule), (driver) =>
    // The last answer, none before the first poll, "done" once an answer was the last.
    Stream.unfoldEffect(Option.none<A>() as Option.Option<A> | "done", (last) =>
      Effect.gen(function*() {
        if (last === "done") return Option.none()
        if (Option.isSome(last) && Option.isNone(yield* Effect.option(driver.next(last.value)))) return Option.none()
        const answer = yield* poll
        return Option.some([answer, isLast(answer) ? "done" as const : Option.some(answer)] as const)
      }))))

/**
 * Makes the service over the `HttpClient` of the context. Fails with `InvalidRequest` when
 * the options are unusable (a host without a scheme, a plain-http host that is not loopback,
 * an empty key, a header value with a line break).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, RunsError.InvalidRequest, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const settings = yield* Settings.fromOptions(options)
    const client = Client.make(yield* HttpClient.HttpClient, settings)

    // Each one-request operation once: its call, what it answers of the wire's answer, its span.
    // The plain operation keeps the value; `withResponse`'s keeps the answer with it.
    const answered = {
      get: (params: { readonly id: string }, options: Call.CallOptions | undefined, check = isRun(params.id)) =>
        calls.get(client, settings, params, options, check).pipe(span("Runs.get", { "airplane.run.id": params.id })),
      getOutputs: (params: { readonly id: string }, options: CallOptions | undefined) =>
        calls.getOutputs(client, settings, params, options, notAnError("output")).pipe(
          Effect.map(Call.mapValue((answer) => answer.output)),
          span("Runs.getOutputs", { "airplane.run.id": params.id })
        ),
      cancel: (params: { readonly runID: string }, options: PostOptions | undefined) =>
        calls.cancel(client, settings, params, options, notAnError()).pipe(
          Effect.map(Call.mapValue((): void => undefined)),
          span("Runs.cancel", { "airplane.run.id": params.runID })
        ),
      execute: (params: ExecuteParams, options: PostOptions | undefined) =>
        calls.execute(client, settings, params, options, hasRunId).pipe(
          Effect.map(Call.mapValue((answer) => answer.runID)),
          Effect.tap(({ value }) => Effect.annotateCurrentSpan("airplane.run.id", value)),
          span("Runs.execute", { "airplane.task.id": params.id, "airplane.task.slug": params.slug })
        ),
      listPage: (params: ListParams, page: number, options: CallOptions | undefined) =>
        calls.list(client, settings, { ...params, page }, options).pipe(
          // A Go backend writes an empty list as `null`.
          Effect.map(Call.mapValue((answer): RunsPage => ({ page, runs: answer.runs ?? [] }))),
          span("Runs.listPage", {
            "airplane.page": page,
            "airplane.task.id": params.taskID,
            "airplane.task.slug": params.taskSlug
          })
        )
    }

    const getRun = (params: { readonly id: string }, options: Call.CallOptions | undefined, check?: Check<Run>) =>
      Effect.map(answered.get(params, options, check), Call.valueOf)

    const get: Service["get"] = (params, options) => getRun(params, options)

    const getOutputs: Service["getOutputs"] = (params, options) =>
      Effect.map(answered.getOutputs(params, options), Call.valueOf)

    const cancel: Service["cancel"] = (params, options) => Effect.map(answered.cancel(params, options), Call.valueOf)

    const execute: Service["execute"] = (params, options) => Effect.map(answered.execute(params, options), Call.valueOf)

    const fetchPage = (params: ListParams, page: number, options: CallOptions | undefined) =>
      Effect.map(answered.listPage(params, page, options), Call.valueOf)

    const listPage: Service["listPage"] = (params = {}, options) => {
      const { page, ...rest } = params
      return fetchPage(rest, page ?? 0, options)
    }

    const withResponse: WithResponseService = {
      get: (params, options) => Effect.flatMap(answered.get(params, options), withResponseOf),
      getOutputs: (params, options) => Effect.flatMap(answered.getOutputs(params, options), withResponseOf),
      cancel: (params, options) => Effect.flatMap(answered.cancel(params, options), withResponseOf),
      execute: (params, options) => Effect.flatMap(answered.execute(params, options), withResponseOf),
      listPage: (params = {}, options) => {
        const { page, ...rest } = params
        return Effect.flatMap(answered.listPage(rest, page ?? 0, options), withResponseOf)
      }
    }

    const listPages: Service["listPages"] = (params = {}, options) =>
      Pages.walk(params, options?.prefetch ?? settings.prefetch, (pinned, page) => fetchPage(pinned, page, options))

    const list: Service["list"] = (params, options) =>
      Stream.mapConcatChunk(listPages(params, options), (page) => Chunk.unsafeFromArray(page.runs.slice()))

    const watchTask: Service["watchTask"] = (params, options) =>
      Stream.unwrap(Effect.gen(function*() {
        const { schedule, since: from, ...callOptions } = options ?? {}
        const since = from?.getTime() ?? (yield* Clock.currentTimeMillis)
        const task = { taskID: params.taskID, taskSlug: params.taskSlug }
        // The runs emitted that may show again: until a run has finished, each change brings it
        // back into a later window; once finished, it is forgotten when the windows pass it.
        const emitted = new Map<string, Run>()
        let windowStart = since
        const poll = Effect.gen(function*() {
          const until = Math.max(yield* Clock.currentTimeMillis, windowStart)
          // prefetch 0: a run updated during the walk shifts the pages less.
          const found = yield* Stream.runCollect(Pages.walk(
            { ...task, since: new Date(windowStart), until: new Date(until) },
            0,
            (pinned, page) => fetchPage(pinned, page, callOptions)
          ))
          const fresh: Array<Run> = []
          // Pages come newest first: new runs are emitted oldest first.
          for (const page of Chunk.toArray(Chunk.reverse(found))) {
            for (const run of page.runs.slice().reverse()) {
              if (run.id == null || (run.createdAt != null && run.createdAt.getTime() < since)) continue
              if (!emitted.has(run.id)) fresh.push(run)
              emitted.set(run.id, run)
            }
          }
          windowStart = Math.max(since, until - overlapMs)
          for (const [id, run] of emitted) {
            if (isFinished(run) && lastUpdateOf(run) < windowStart) {
              emitted.delete(id)
            }
          }
          return fresh
        })
        return Stream.flattenIterables(polling(schedule ?? defaultWatchTaskSchedule, poll, () => false))
      }))

    // A call's deadline bounds the whole wait, polls and pauses included: each poll ends by it
    // too, so a `Retry-After` past it ends the wait at once. A wait is a stream (`watch`), and the
    // effects that wait (`awaitCompletion`, `awaitOutputs`) run one to its end, so the deadline
    // is put on the stream: its clock starts when the stream does.
    const awaitWithin = <A>(
      options: AwaitOptions | undefined,
      wait: (options: Call.CallOptions) => Stream.Stream<A, RunsError.RunsError>
    ): Stream.Stream<A, RunsError.RunsError> => {
      // The call's options are checked by the one rule for them, before any poll.
      const checked = Settings.fromCallOptions(options)
      if (Either.isLeft(checked)) {
        return Stream.fail(new RunsError.InvalidRequest({ operation: Endpoints.get.name, issues: checked.left }))
      }
      const deadline = checked.right.deadline
      if (deadline === undefined) return Stream.suspend(() => wait({ ...options }))
      const timeoutMs = Duration.toMillis(deadline)
      return Stream.unwrap(Effect.map(
        Clock.currentTimeMillis,
        (now) =>
          wait({ ...options, deadline: undefined, deadlineAt: { at: now + timeoutMs, timeoutMs } }).pipe(
            Stream.interruptWhen(Effect.zipRight(
              Effect.sleep(deadline),
              Effect.fail(
                new RunsError.Timeout({
                  ...Call.targetOf(Endpoints.get),
                  scope: "deadline",
                  timeoutMs
                })
              )
            ))
          )
      ))
    }

    // A wait: the run polled until a poll sees it finished, or the schedule (fed each run) gives
    // up. Every poll is emitted.
    const polls = (
      params: { readonly id: string },
      schedule: Schedule.Schedule<unknown, Run> | undefined,
      options: Call.CallOptions
    ): Stream.Stream<Run, RunsError.RunsError> => {
      const check: Check<Run> = (run, json) => isRun(params.id)(run, json) ?? hasStatus(run)
      return polling(schedule ?? defaultAwaitSchedule, getRun(params, options, check), isFinished)
    }

    // A wait's first poll emits or fails: a wait never ends empty.
    const lastOf = <A>(waiting: Stream.Stream<A, RunsError.RunsError>) =>
      Effect.map(Stream.runLast(waiting), Option.getOrThrow)

    const watch: Service["watch"] = (params, options) =>
      awaitWithin(options, (callOptions) =>
        Stream.changesWith(
          polls(params, options?.schedule, callOptions),
          (a, b) => a.status === b.status
        ))

    // The last poll, not the last change: a schedule that gives up answers the run as it last was.
    const awaitCompletion: Service["awaitCompletion"] = (params, options) =>
      lastOf(awaitWithin(options, (callOptions) => polls(params, options?.schedule, callOptions))).pipe(
        span("Runs.awaitCompletion", { "airplane.run.id": params.id }, undefined)
      )

    const awaitOutputs: Service["awaitOutputs"] = (params, options) =>
      lastOf(awaitWithin(options, (callOptions) =>
        // The outputs of the last poll only, read within the same deadline.
        Stream.mapEffect(
          Stream.takeRight(polls(params, options?.schedule, callOptions), 1),
          (run) => Effect.map(getOutputs(params, callOptions), (output): Completed => ({ run, output }))
        )))

    return Runs.of({
      get,
      getOutputs,
      cancel,
      execute,
      listPage,
      listPages,
      list,
      watch,
      watchTask,
      awaitCompletion,
      awaitOutputs,
      withResponse
    })
  })

/**
 * The Runs service from options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Runs, RunsError.InvalidRequest, HttpClient.HttpClient> =>
  Layer.effect(Runs, make(options))

/**
 * What the environment says of the client: `AIRPLANE_API_KEY` (held redacted),
 * `AIRPLANE_API_HOST`, `AIRPLANE_ENV_SLUG` and `AIRPLANE_ENV_ID`. A variable that is set but
 * empty (`AIRPLANE_ENV_SLUG=`) counts as unset, as a shell user means by it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Environment {
  readonly apiKey: Redacted.Redacted<string> | undefined
  readonly host: string | undefined
  readonly envSlug: string | undefined
  readonly envId: string | undefined
}

const variable = (name: string): Config.Config<string | undefined> =>
  Config.map(
    Config.option(Config.string(name)),
    (value) => Option.getOrUndefined(Option.filter(value, (v) => v !== ""))
  )

/**
 * The variable of the environment each of the key, host and environment comes from: what
 * {@link config} reads, and the name a problem with a value read from one is reported under.
 *
 * @since 0.1.0
 * @category config
 */
export const environmentVariables = {
  apiKey: "AIRPLANE_API_KEY",
  host: "AIRPLANE_API_HOST",
  envSlug: "AIRPLANE_ENV_SLUG",
  envId: "AIRPLANE_ENV_ID"
} as const

const fromEnvironment = {
  apiKey: Config.map(
    variable(environmentVariables.apiKey),
    (key) => key === undefined ? undefined : Redacted.make(key)
  ),
  host: variable(environmentVariables.host),
  envSlug: variable(environmentVariables.envSlug),
  envId: variable(environmentVariables.envId)
}

/**
 * The one reader of the environment, for `layerConfig` and the Promise facade alike. A
 * `Config` is an `Effect`: `Effect.runSync(Runs.config)` reads `process.env`.
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Environment> = Config.all(fromEnvironment)

/**
 * The options of {@link layerConfig}: where each of the key, host and environment comes from
 * (a `Config` each, by default the `AIRPLANE_*` variable that {@link config} reads), and the
 * other options as given.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions extends Omit<Options, "apiKey" | "host" | "envSlug" | "envId"> {
  readonly apiKey?: Config.Config<Redacted.Redacted<string> | undefined> | undefined
  readonly host?: Config.Config<string | undefined> | undefined
  readonly envSlug?: Config.Config<string | undefined> | undefined
  readonly envId?: Config.Config<string | undefined> | undefined
}

/**
 * The Runs service from configuration: the key, host and environment from a `Config` each
 * (by default `AIRPLANE_API_KEY`, `AIRPLANE_API_HOST`, `AIRPLANE_ENV_SLUG`,
 * `AIRPLANE_ENV_ID`, as {@link config} reads them); other options as given. Without a key it
 * fails with `InvalidRequest` saying what to set; a bad value is named by the variable it came
 * from.
 *
 * @example
 * ```ts
 * import { Runs } from "@airplane-runs/core"
 * import { Config } from "effect"
 *
 * const staging = Runs.layerConfig({ envSlug: Config.succeed("staging"), prefetch: 8 })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: ConfigOptions = {}
): Layer.Layer<Runs, RunsError.InvalidRequest | ConfigError.ConfigError, HttpClient.HttpClient> => {
  const { apiKey, envId, envSlug, host, ...rest } = options
  // A value read from a variable of ours is named by it; one from a Config of the caller's, by
  // the option it fills.
  const labels = Object.fromEntries(
    Object.entries(environmentVariables).filter(([field]) =>
      options[field as keyof typeof environmentVariables] === undefined
    )
  )
  return Layer.effect(
    Runs,
    Effect.flatMap(
      Config.all({
        apiKey: apiKey ?? fromEnvironment.apiKey,
        host: host ?? fromEnvironment.host,
        envSlug: envSlug ?? fromEnvironment.envSlug,
        envId: envId ?? fromEnvironment.envId
      }).pipe(
        // A runtime may refuse to show its environment: on Deno without --allow-env a read
        // throws, which Config reports as a defect. It is the caller's to fix, so it is typed.
        Effect.catchAllDefect((defect) =>
          Effect.fail(
            new RunsError.InvalidRequest({
              operation: "configure",
              issues: [
                `the environment could not be read (${defect instanceof Error ? defect.message : String(defect)}): ` +
                `pass the options to Runs.layer, or let the runtime read ${
                  Object.values(environmentVariables).join(", ")
                } (Deno: --allow-env)`
              ]
            })
          )
        )
      ),
      (read) =>
        read.apiKey === undefined
          ? Effect.fail(
            new RunsError.InvalidRequest({
              operation: "configure",
              issues: [
                `${
                  labels["apiKey"] ?? "apiKey"
                }: is not set: set it to your API key (tkn_...), or pass apiKey to Runs.layer`
              ]
            })
          )
          : Effect.mapError(
            make({ ...rest, ...read, apiKey: read.apiKey }),
            (error) => error.relabel(labels)
          )
    )
  )
}
