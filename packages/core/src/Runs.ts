/**
 * The Runs service: get, getOutputs, cancel, list (every page, as a Stream), execute and
 * await completion, over any `HttpClient`.
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
import type { Json, Run as RunModule } from "@airplane-runs/contract"
import {
  CancelRun,
  ExecuteTask,
  GetRun,
  Ids,
  ListRuns,
  Run as RunSchemas,
  RunOutputs,
  RunsApi,
  RunStatus
} from "@airplane-runs/contract"
import { HttpClient } from "@effect/platform"
import {
  Chunk,
  Clock,
  Config,
  type ConfigError,
  Context,
  Duration,
  Effect,
  Either,
  Fiber,
  Layer,
  Option,
  ParseResult,
  Redacted,
  Schedule,
  Schema,
  Stream
} from "effect"
import * as http from "./internal/http.js"
import * as RetryPolicy from "./RetryPolicy.js"
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
 * How to wait for a run: the polling schedule and the options of each `get`.
 *
 * @since 0.1.0
 * @category models
 */
export interface AwaitOptions extends CallOptions {
  /** When to poll again. Default: from 250 ms, doubling, at most every 5 s. */
  readonly schedule?: Schedule.Schedule<unknown, Run> | undefined
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
  /** Polls a run until it has finished (Succeeded, Failed or Cancelled) and answers it. */
  readonly awaitCompletion: (
    params: { readonly id: string },
    options?: AwaitOptions
  ) => Effect.Effect<Run, RunsError.RunsError>
  /** Waits for a run to finish, then reads its outputs. */
  readonly awaitOutputs: (
    params: { readonly id: string },
    options?: AwaitOptions
  ) => Effect.Effect<Completed, RunsError.RunsError>
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
}

/**
 * The API host when none is configured.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultHost = "https://api.airplane.dev"

/**
 * Pages `list` fetches ahead by default. Measured on a walk of 101 pages with 20 ms of
 * server latency (5,000 runs, loopback): prefetch 0 took 2.9-3.2 s, 1 took 2.0-2.2 s,
 * 2 took 1.5-1.9 s, 4 took 1.1-1.3 s, 8 took 0.9-1.1 s. Past 4 the gain is small while the
 * load on the API keeps growing, and memory holds at most 5 pages.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPrefetch = 4

/**
 * The largest response body read by default: 32 MiB, far above any page of runs, so that only
 * a broken or hostile answer meets it.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxResponseBytes = 32 * 1024 * 1024

const endpoints = RunsApi.RunsApi.groups
const paths = {
  get: endpoints.runs.endpoints.get.path,
  getOutputs: endpoints.runs.endpoints.getOutputs.path,
  list: endpoints.runs.endpoints.list.path,
  cancel: endpoints.runs.endpoints.cancel.path,
  execute: endpoints.tasks.endpoints.execute.path
}

const invalid = (operation: string, error: ParseResult.ParseError) =>
  new RunsError.InvalidRequest({
    operation,
    issues: ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) =>
      issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`
    )
  })

const definedOnly = <A extends object>(record: A): { [K in keyof A]: Exclude<A[K], undefined> } => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value
  return out as { [K in keyof A]: Exclude<A[K], undefined> }
}

// Checks what the caller gave against the contract's request schemas, then writes it as the
// wire wants it: one schema says both what is valid and how it is sent. Synchronous (an
// Either is an Effect too), as it runs before every request.
const encoder = <A, I>(operation: string, schema: Schema.Schema<A, I>) => {
  const validate = Schema.validateEither(Schema.typeSchema(schema))
  const encode = Schema.encodeEither(schema)
  // Optional fields the caller set to `undefined` are absent, as the schemas say.
  return (input: object): Either.Either<I, RunsError.InvalidRequest> =>
    Either.mapLeft(Either.flatMap(validate(definedOnly(input)), encode), (error) => invalid(operation, error))
}

const encodeGet = encoder("get", GetRun.GetRunParams)
const encodeGetOutputs = encoder("getOutputs", RunOutputs.GetOutputsParams)
const encodeList = encoder("list", ListRuns.ListRunsParams)
const encodeCancel = encoder("cancel", CancelRun.CancelRunBody)
const encodeExecute = encoder("execute", ExecuteTask.ExecuteTaskBody)
const encodeExecuteQuery = encoder("execute", ExecuteTask.ExecuteTaskParams)

// Each answer's decoder, built once: the calls are many, the schemas few.
const decodeRun = http.decoder(RunSchemas.Run)
const decodeOutputs = http.decoder(RunOutputs.RunOutputs)
const decodeCancel = http.decoder(CancelRun.CancelRunAnswer)
const decodeExecute = http.decoder(ExecuteTask.ExecuteTaskAnswer)
const decodePage = http.decoder(ListRuns.ListRunsAnswer)

// Outputs may come without their key (a Go `omitempty` before a run has any), and cancel
// answers any object: neither schema can tell an error body sent with 200 from an answer. A
// body whose only word is an `error` text, without the key the answer carries, is that.
const notAnError = (key?: string): http.Check<unknown> => (_, json) =>
  typeof json === "object" && json !== null && "error" in json && typeof json.error === "string" &&
    (key === undefined || !(key in json))
    ? { reason: `the API answered success with an error body: ${json.error}`, path: "error" }
    : undefined

const defaultAwaitSchedule: Schedule.Schedule<unknown, Run> = Schedule.exponential("250 millis").pipe(
  Schedule.either(Schedule.spaced("5 seconds"))
)

const checkPrefetch = (prefetch: number): string | undefined =>
  Number.isInteger(prefetch) && prefetch >= 0 ? undefined : "prefetch: must be a whole number of 0 or more"

// Every option is checked, and every problem named, before anything is built.
const settingsOf = (options: Options): Either.Either<http.Settings, RunsError.InvalidRequest> => {
  const issues: Array<string> = []
  const origin = http.checkOrigin(options.host ?? defaultHost)
  if (typeof origin !== "string") issues.push(origin.issue)
  const apiKey = typeof options.apiKey === "string" ? Redacted.make(options.apiKey) : options.apiKey
  const key = Redacted.value(apiKey)
  if (key === "") issues.push("apiKey: is empty: pass your API key (tkn_...), or set AIRPLANE_API_KEY")
  for (
    const issue of [
      http.checkHeaderValue("apiKey", key),
      http.checkHeaderValue("envSlug", options.envSlug),
      http.checkHeaderValue("envId", options.envId),
      options.prefetch === undefined ? undefined : checkPrefetch(options.prefetch)
    ]
  ) {
    if (issue !== undefined) issues.push(issue)
  }
  if (
    options.maxResponseBytes !== undefined &&
    !(Number.isSafeInteger(options.maxResponseBytes) && options.maxResponseBytes > 0)
  ) {
    issues.push("maxResponseBytes: must be a whole number of 1 or more")
  }
  if (issues.length > 0 || typeof origin !== "string") {
    return Either.left(new RunsError.InvalidRequest({ operation: "configure", issues }))
  }
  return Either.right({
    origin,
    apiKey,
    envSlug: options.envSlug,
    envId: options.envId,
    retry: options.retry === undefined
      ? RetryPolicy.defaultPolicy
      : Schedule.isSchedule(options.retry)
      ? options.retry
      : RetryPolicy.make(options.retry),
    attemptTimeout: Duration.decode(options.attemptTimeout ?? "30 seconds"),
    deadline: options.deadline === undefined ? undefined : Duration.decode(options.deadline),
    maxResponseBytes: options.maxResponseBytes ?? defaultMaxResponseBytes
  })
}

// Issues read "<option>: <problem>"; a caller that took the value from elsewhere (a variable
// of the environment) renames the option to what its user wrote.
const relabel = (error: RunsError.InvalidRequest, labels: Readonly<Record<string, string>>) =>
  new RunsError.InvalidRequest({
    operation: error.operation,
    issues: error.issues.map((issue) => {
      const name = issue.slice(0, issue.indexOf(":"))
      return Object.hasOwn(labels, name) ? `${labels[name]}${issue.slice(name.length)}` : issue
    })
  })

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
    const settings = yield* settingsOf(options)
    const client = http.guardKey(yield* HttpClient.HttpClient, settings.apiKey)
    const defaultPrefetchPages = options.prefetch ?? defaultPrefetch

    // A 2xx that is not the run asked for (`{}`, an error body, another run) is no answer.
    const isRun = (id: string): http.Check<Run> => (run) =>
      run.id === id ? undefined : {
        reason: run.id == null
          ? "the answer is not a run: it has no id"
          : `the answer is another run (${run.id}) than the one asked for`,
        path: "id"
      }

    // Without a status, whether a run has finished can never be seen: a wait fails, not polls for ever.
    const hasStatus = (run: Run): http.Problem | undefined =>
      run.status == null
        ? { reason: "the run has no status, so whether it has finished cannot be known", path: "status" }
        : undefined

    const getRun = (
      params: { readonly id: string },
      callOptions: http.CallOptions | undefined,
      check: http.Check<Run> = isRun(params.id)
    ) =>
      encodeGet(params).pipe(
        Effect.flatMap((urlParams) =>
          http.execute(
            client,
            settings,
            { method: "GET", path: paths.get, urlParams, decode: decodeRun, check },
            callOptions
          )
        ),
        // No stack trace on the spans: it would point into this file, not at the caller, and
        // capturing one costs about as much as the span itself.
        Effect.withSpan("Runs.get", {
          kind: "client",
          captureStackTrace: false,
          attributes: { "airplane.run.id": params.id }
        })
      )

    const get: Service["get"] = (params, callOptions) => getRun(params, callOptions)

    const getOutputs: Service["getOutputs"] = (params, callOptions) =>
      encodeGetOutputs(params).pipe(
        Effect.flatMap((urlParams) =>
          http.execute(
            client,
            settings,
            { method: "GET", path: paths.getOutputs, urlParams, decode: decodeOutputs, check: notAnError("output") },
            callOptions
          )
        ),
        Effect.map((answer) => answer.output),
        Effect.withSpan("Runs.getOutputs", {
          kind: "client",
          captureStackTrace: false,
          attributes: { "airplane.run.id": params.id }
        })
      )

    const cancel: Service["cancel"] = (params, callOptions) =>
      encodeCancel(params).pipe(
        Effect.flatMap((body) =>
          http.execute(
            client,
            settings,
            { method: "POST", path: paths.cancel, body, decode: decodeCancel, emptyBody: {}, check: notAnError() },
            callOptions
          )
        ),
        Effect.asVoid,
        Effect.withSpan("Runs.cancel", {
          kind: "client",
          captureStackTrace: false,
          attributes: { "airplane.run.id": params.runID }
        })
      )

    const execute: Service["execute"] = (params, callOptions) =>
      Effect.all([
        encodeExecute({
          id: params.id,
          slug: params.slug,
          paramValues: params.paramValues,
          resources: params.resources
        }),
        encodeExecuteQuery({ envSlug: params.envSlug })
      ]).pipe(
        Effect.flatMap(([body, query]) =>
          http.execute(
            client,
            settings,
            {
              method: "POST",
              path: paths.execute,
              body,
              urlParams: query,
              decode: decodeExecute,
              // An empty id names no run: awaiting it would be refused later, far from the cause.
              check: (answer) =>
                answer.runID === "" ? { reason: "the new run's id is empty", path: "runID" } : undefined
            },
            callOptions
          )
        ),
        Effect.map((answer) => answer.runID),
        Effect.tap((runID) => Effect.annotateCurrentSpan("airplane.run.id", runID)),
        Effect.withSpan("Runs.execute", {
          kind: "client",
          captureStackTrace: false,
          // Absent, not "undefined": an exporter writes an undefined attribute as that string.
          attributes: definedOnly({ "airplane.task.id": params.id, "airplane.task.slug": params.slug })
        })
      )

    const fetchPage = (params: ListParams, page: number, callOptions: CallOptions | undefined) =>
      encodeList({ ...params, page }).pipe(
        Effect.flatMap((query) =>
          http.execute(
            client,
            settings,
            { method: "GET", path: paths.list, urlParams: query, decode: decodePage },
            callOptions
          )
        ),
        // A Go backend writes an empty list as `null`.
        Effect.map((answer): RunsPage => ({ page, runs: answer.runs ?? [] })),
        Effect.withSpan("Runs.listPage", {
          kind: "client",
          captureStackTrace: false,
          attributes: definedOnly({
            "airplane.page": page,
            "airplane.task.id": params.taskID,
            "airplane.task.slug": params.taskSlug
          })
        })
      )

    const listPage: Service["listPage"] = (params = {}, callOptions) => {
      const { page, ...rest } = params
      return fetchPage(rest, page ?? 0, callOptions)
    }

    const listPages: Service["listPages"] = (params = {}, listOptions) =>
      Stream.unwrap(Effect.gen(function*() {
        // Check once, before any request: a bad parameter fails the stream with nothing sent.
        yield* encodeList(params)
        const prefetch = listOptions?.prefetch ?? defaultPrefetchPages
        const prefetchIssue = checkPrefetch(prefetch)
        if (prefetchIssue !== undefined) {
          return yield* new RunsError.InvalidRequest({ operation: "list", issues: [prefetchIssue] })
        }
        // A `since` ahead of the clock (a server's timestamp, a skewed clock) is an empty walk,
        // not a `since` after an `until` the caller never gave.
        const until = params.until ?? new Date(Math.max(yield* Clock.currentTimeMillis, params.since?.getTime() ?? 0))
        const pinned: ListParams = { ...params, until }
        const limit = ListRuns.pageSize(params.limit)
        // Reading page k, pages k+1..k+prefetch are on their way, and no more: a page is asked
        // for only when the reader pulls the one `prefetch` before it, so breaking off early
        // costs at most `prefetch` requests and memory holds at most `prefetch + 1` pages.
        const pages = Stream.unwrapScoped(Effect.map(Effect.scope, (scope) => {
          const ahead: Array<Fiber.Fiber<RunsPage, RunsError.RunsError>> = []
          let next = 0
          return Stream.repeatEffect(Effect.suspend(() => {
            const start = Effect.forEach(
              Array.from({ length: prefetch + 1 - ahead.length }, () => next++),
              (page) => Effect.map(Effect.forkIn(fetchPage(pinned, page, listOptions), scope), (f) => ahead.push(f)),
              { discard: true }
            )
            return Effect.flatMap(start, () => Fiber.join(ahead.shift()!))
          }))
        }))
        return pages.pipe(
          Stream.takeUntil((page) => page.runs.length < limit),
          // With `until` pinned, pages do not shift. Should they (an `until` in the future, runs
          // inserted between two requests), a run pushed over the boundary shows again at the
          // top of the next page: the ids of the page before catch that, in bounded memory, for
          // shifts of up to a page between two requests.
          Stream.mapAccumEffect(new Set<string>(), (previous, page) => {
            const runs = page.runs.filter((run) => run.id == null || !previous.has(run.id))
            // A full page of nothing but the page before: the API does not page (it ignores
            // `page`), and the walk would go on for ever. Stop, and say so.
            if (runs.length === 0 && page.runs.length >= limit && previous.size > 0) {
              return Effect.fail(
                new RunsError.InvalidResponse({
                  method: "GET",
                  path: paths.list,
                  status: 200,
                  reason: `page ${page.page} holds only the runs of page ${page.page - 1}: ` +
                    "the API did not move to the next page, so the walk stops rather than loop for ever",
                  schemaPath: ["runs"]
                })
              )
            }
            const ids = new Set(page.runs.flatMap((run) => (run.id == null ? [] : [run.id])))
            return Effect.succeed([ids, { page: page.page, runs }] as const)
          })
        )
      }))

    const list: Service["list"] = (params, listOptions) =>
      Stream.mapConcatChunk(listPages(params, listOptions), (page) => Chunk.unsafeFromArray(page.runs.slice()))

    // A call's deadline bounds the whole wait, polls and pauses included: each poll ends by it
    // too, so a `Retry-After` past it ends the wait at once.
    const awaitWithin = <A>(
      awaitOptions: AwaitOptions | undefined,
      wait: (options: http.CallOptions) => Effect.Effect<A, RunsError.RunsError>
    ) => {
      const deadline = awaitOptions?.deadline
      if (deadline === undefined) return wait({ ...awaitOptions })
      const timeoutMs = Duration.toMillis(deadline)
      return Effect.flatMap(
        Clock.currentTimeMillis,
        (now) =>
          wait({ ...awaitOptions, deadline: undefined, deadlineAt: { at: now + timeoutMs, timeoutMs } }).pipe(
            Effect.timeoutFail({
              duration: deadline,
              onTimeout: () => new RunsError.Timeout({ method: "GET", path: paths.get, scope: "deadline", timeoutMs })
            })
          )
      )
    }

    const pollUntilFinished = (
      params: { readonly id: string },
      schedule: Schedule.Schedule<unknown, Run>,
      callOptions: http.CallOptions
    ) =>
      Effect.gen(function*() {
        const driver = yield* Schedule.driver(schedule)
        const check: http.Check<Run> = (run, json) => isRun(params.id)(run, json) ?? hasStatus(run)
        for (;;) {
          const run = yield* getRun(params, callOptions, check)
          if (run.status != null && RunStatus.isTerminal(run.status)) return run
          // A schedule that gives up answers the run as it last was.
          if (Option.isNone(yield* Effect.option(driver.next(run)))) return run
        }
      })

    const awaitCompletion: Service["awaitCompletion"] = (params, awaitOptions) =>
      awaitWithin(
        awaitOptions,
        (callOptions) => pollUntilFinished(params, awaitOptions?.schedule ?? defaultAwaitSchedule, callOptions)
      ).pipe(
        Effect.withSpan("Runs.awaitCompletion", {
          captureStackTrace: false,
          attributes: { "airplane.run.id": params.id }
        })
      )

    const awaitOutputs: Service["awaitOutputs"] = (params, awaitOptions) =>
      awaitWithin(awaitOptions, (callOptions) =>
        Effect.flatMap(
          pollUntilFinished(params, awaitOptions?.schedule ?? defaultAwaitSchedule, callOptions),
          (run) => Effect.map(getOutputs(params, callOptions), (output) => ({ run, output }))
        ))

    return Runs.of({ get, getOutputs, cancel, execute, listPage, listPages, list, awaitCompletion, awaitOutputs })
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
 * The one reader of the environment, for `layerConfig` and the Promise facade alike. A
 * `Config` is an `Effect`: `Effect.runSync(Runs.config)` reads `process.env`.
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Environment> = Config.all({
  apiKey: Config.map(variable("AIRPLANE_API_KEY"), (key) => key === undefined ? undefined : Redacted.make(key)),
  host: variable("AIRPLANE_API_HOST"),
  envSlug: variable("AIRPLANE_ENV_SLUG"),
  envId: variable("AIRPLANE_ENV_ID")
})

// A configuration issue names the variable the value came from, not the option it became.
const variables: Record<string, string> = {
  apiKey: "AIRPLANE_API_KEY",
  host: "AIRPLANE_API_HOST",
  envSlug: "AIRPLANE_ENV_SLUG",
  envId: "AIRPLANE_ENV_ID"
}

/**
 * The Runs service from configuration: `AIRPLANE_API_KEY` (redacted), `AIRPLANE_API_HOST`
 * (default `https://api.airplane.dev`), `AIRPLANE_ENV_SLUG`, `AIRPLANE_ENV_ID` (see
 * {@link config}); other options as given. Without a key it fails with `InvalidRequest`
 * saying what to set.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Omit<Options, "apiKey" | "host" | "envSlug" | "envId"> = {}
): Layer.Layer<Runs, RunsError.InvalidRequest | ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(
    Runs,
    Effect.flatMap(config, (environment) =>
      environment.apiKey === undefined
        ? Effect.fail(
          new RunsError.InvalidRequest({
            operation: "configure",
            issues: ["AIRPLANE_API_KEY: is not set: set it to your API key (tkn_...), or pass apiKey to Runs.layer"]
          })
        )
        : Effect.mapError(
          make({ ...options, ...environment, apiKey: environment.apiKey }),
          (error) => relabel(error, variables)
        ))
  )
