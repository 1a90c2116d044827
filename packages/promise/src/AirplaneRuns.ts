/**
 * The client: `new AirplaneRuns(options)`, then `client.runs.*`. Every call runs through the
 * Effect core (validation, retries, timeouts, pagination); this class only turns its results
 * into promises, async iterables and `instanceof` errors.
 *
 * @since 0.1.0
 */
import { RetryPolicy, Runs, RunsError } from "@airplane-runs/core"
// undici.request on Node, the global fetch elsewhere: see the package's `imports`.
import * as defaultHttpClient from "#defaultHttpClient"
import {
  Cause,
  Effect,
  Exit,
  Layer,
  ManagedRuntime,
  Option,
  Runtime as EffectRuntime,
  Schedule,
  Scope,
  Stream
} from "effect"
import {
  AbortedError,
  AirplaneRunsError,
  ClientClosedError,
  fromRunsError,
  InvalidRequestError
} from "./AirplaneRunsError.js"
import * as FetchHttpClient from "./internal/fetchHttpClient.js"
import type { Completed, Json, Run, RunsPage } from "./Run.js"

/**
 * How to reach the API, and how patient to be. Every option has a default.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientOptions {
  /**
   * The API key (`tkn_...`). Default `process.env.AIRPLANE_API_KEY`; without one the constructor throws.
   *
   * @since 0.1.0
   */
  readonly apiKey?: string | undefined
  /**
   * The API's origin, with its scheme. Default `process.env.AIRPLANE_API_HOST`, else
   * `https://api.airplane.dev`. An environment variable set to the empty string counts as unset.
   *
   * @since 0.1.0
   */
  readonly baseUrl?: string | undefined
  /**
   * The environment, by slug. Default `process.env.AIRPLANE_ENV_SLUG`.
   *
   * @since 0.1.0
   */
  readonly envSlug?: string | undefined
  /**
   * The environment, by id. Default `process.env.AIRPLANE_ENV_ID`.
   *
   * @since 0.1.0
   */
  readonly envId?: string | undefined
  /**
   * Retries after the first attempt. Default 4.
   *
   * @since 0.1.0
   */
  readonly maxRetries?: number | undefined
  /**
   * The backoff between retries.
   *
   * @since 0.1.0
   */
  readonly retry?: {
    /** Default 200. */
    readonly initialDelayMs?: number | undefined
    /** Default 10,000. */
    readonly maxDelayMs?: number | undefined
    /**
     * The longest `Retry-After` waited out. Default 60,000. No retry is sent before the API's
     * `Retry-After`: a longer ask fails the call at once, with its `retryAfterMs`.
     */
    readonly maxRetryAfterMs?: number | undefined
  } | undefined
  /**
   * Each attempt, headers and body. Default 30,000.
   *
   * @since 0.1.0
   */
  readonly timeoutMs?: number | undefined
  /**
   * Pages fetched ahead while iterating a list. Default 4.
   *
   * @since 0.1.0
   */
  readonly prefetch?: number | undefined
  /**
   * The most bytes a response body may have, decompressed; reading stops at the first byte
   * over, and the call fails with `InvalidResponseError`. Default 32 MiB.
   *
   * @since 0.1.0
   */
  readonly maxResponseBytes?: number | undefined
  /**
   * The `fetch` to send requests with. Default: on Node, `undici.request` (no `fetch` at all,
   * for a fraction of its CPU per call); elsewhere the global `fetch`. Either way an answer in
   * gzip, deflate or br is decoded, and one in any other coding fails with `TransportError`.
   *
   * @since 0.1.0
   */
  readonly fetch?: typeof globalThis.fetch | undefined
}

/**
 * Options of one call.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestOptions {
  /**
   * Aborts the call: the request in flight and any wait between attempts.
   *
   * @since 0.1.0
   */
  readonly signal?: AbortSignal | undefined
  /**
   * Each attempt of this call.
   *
   * @since 0.1.0
   */
  readonly timeoutMs?: number | undefined
  /**
   * The whole call, retries and the waits between them included; past it the call fails with
   * `TimeoutError`. For `awaitCompletion` and `awaitOutputs` it is the whole wait: every poll
   * and every pause between polls, not each poll.
   *
   * @since 0.1.0
   */
  readonly deadlineMs?: number | undefined
  /**
   * Retries after the first attempt, for this call.
   *
   * @since 0.1.0
   */
  readonly maxRetries?: number | undefined
}

/**
 * Options of a call that changes something.
 *
 * @since 0.1.0
 * @category models
 */
export interface MutationOptions extends RequestOptions {
  /**
   * Sent as `Idempotency-Key` on every attempt; one is made per call otherwise.
   *
   * @since 0.1.0
   */
  readonly idempotencyKey?: string | undefined
}

/**
 * What to list: a task (by id or slug) and a window of creation times; every field optional.
 *
 * @since 0.1.0
 * @category models
 */
export type ListParams = Runs.ListParams

/**
 * How to iterate a list.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListOptions extends RequestOptions {
  /**
   * Pages fetched ahead, concurrently; order is kept.
   *
   * @since 0.1.0
   */
  readonly prefetch?: number | undefined
}

/**
 * What a task is started with: its slug or its id, parameter values, resources.
 *
 * @since 0.1.0
 * @category models
 */
export type ExecuteParams = Runs.ExecuteParams

/**
 * How to wait for a run.
 *
 * @since 0.1.0
 * @category models
 */
export interface AwaitOptions extends RequestOptions {
  /**
   * Milliseconds between polls. Default: from 250, doubling, at most 5,000.
   *
   * @since 0.1.0
   */
  readonly pollIntervalMs?: number | undefined
}

type Runtime = ManagedRuntime.ManagedRuntime<Runs.Runs, RunsError.InvalidRequest>

/**
 * Core's option names, as the facade's caller wrote them: core names each problem with its
 * option (`host: ... has no scheme`), and the caller must read the name they wrote (`baseUrl`),
 * or the variable the value came from (`AIRPLANE_API_HOST`, as `Runs.config` reads it).
 */
const optionNames: Readonly<Record<string, { readonly option: string; readonly variable?: string }>> = {
  apiKey: { option: "apiKey", variable: "AIRPLANE_API_KEY" },
  host: { option: "baseUrl", variable: "AIRPLANE_API_HOST" },
  envSlug: { option: "envSlug", variable: "AIRPLANE_ENV_SLUG" },
  envId: { option: "envId", variable: "AIRPLANE_ENV_ID" },
  attemptTimeout: { option: "timeoutMs" },
  deadline: { option: "deadlineMs" },
  retry: { option: "retry" }
}

/** Core's issue (`"<option>: <problem>"`), its option named as the caller wrote it. */
const relabel = (issue: string, fromEnvironment: ReadonlySet<string>): string => {
  const name = issue.slice(0, Math.max(0, issue.indexOf(":")))
  if (!Object.hasOwn(optionNames, name)) return issue
  const { option, variable } = optionNames[name]!
  return `${fromEnvironment.has(name) && variable !== undefined ? variable : option}${issue.slice(name.length)}`
}

/** What the constructor throws for options core refused: in the caller's names, not core's words. */
const optionsError = (error: RunsError.InvalidRequest, fromEnvironment: ReadonlySet<string>): InvalidRequestError =>
  new InvalidRequestError(
    `Unusable client options: ${error.issues.map((issue) => relabel(issue, fromEnvironment)).join("; ")}`
  )

// A function, so the compiler does not assume an earlier check still holds after an await.
const isAborted = (signal: AbortSignal | undefined): signal is AbortSignal => signal?.aborted === true

const abortedError = (signal: AbortSignal): AbortedError =>
  new AbortedError("The call was aborted by its AbortSignal.", { cause: signal.reason })

const closedError = (): ClientClosedError =>
  new ClientClosedError("The client is closed: make a new AirplaneRuns to call the API again.")

/** Turns what an Effect failed with into the client's error, made here, at the caller's await. */
const toError = (
  cause: Cause.Cause<RunsError.RunsError>,
  signal: AbortSignal | undefined,
  closing: AbortSignal
): AirplaneRunsError => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) return fromRunsError(failure.value)
  if (signal?.aborted === true && Cause.isInterruptedOnly(cause)) return abortedError(signal)
  if (closing.aborted && Cause.isInterruptedOnly(cause)) return closedError()
  return new AirplaneRunsError(`Unexpected failure of the client: ${Cause.pretty(cause)}`, {
    cause: Cause.squash(cause)
  })
}

/**
 * A list of runs: iterate it for every run, `pages()` for every page, or `page(n)` for one.
 *
 * @since 0.1.0
 * @category models
 */
export class RunList implements AsyncIterable<Run> {
  /** @internal */
  constructor(
    private readonly client: AirplaneRuns,
    private readonly params: ListParams,
    private readonly options: ListOptions
  ) {}

  /**
   * Every run across every page, newest first. Breaking out stops further page requests.
   *
   * @since 0.1.0
   */
  [Symbol.asyncIterator](): AsyncIterator<Run> {
    return this.client.iterate((runs) => runs.list(this.params, this.client.listOptions(this.options)), this.options)
  }

  /**
   * Every page.
   *
   * @since 0.1.0
   */
  pages(): AsyncIterable<RunsPage> {
    return {
      [Symbol.asyncIterator]: () =>
        this.client.iterate((runs) => runs.listPages(this.params, this.client.listOptions(this.options)), this.options)
    }
  }

  /**
   * One page, by its 0-based index.
   *
   * @since 0.1.0
   */
  page(page: number): Promise<RunsPage> {
    return this.client.call(
      (runs) => runs.listPage({ ...this.params, page }, this.client.callOptions(this.options)),
      this.options
    )
  }
}

/**
 * The runs of the API.
 *
 * @since 0.1.0
 * @category models
 */
export class RunsResource {
  /** @internal */
  constructor(private readonly client: AirplaneRuns) {}

  /**
   * A run by id.
   *
   * @since 0.1.0
   */
  get(params: { readonly id: string }, options: RequestOptions = {}): Promise<Run> {
    return this.client.call((runs) => runs.get(params, this.client.callOptions(options)), options)
  }

  /**
   * A run's outputs, any JSON; `null` until it has some.
   *
   * @since 0.1.0
   */
  getOutputs(params: { readonly id: string }, options: RequestOptions = {}): Promise<Json> {
    return this.client.call((runs) => runs.getOutputs(params, this.client.callOptions(options)), options)
  }

  /**
   * Cancels a run that has not finished.
   *
   * @since 0.1.0
   */
  cancel(params: { readonly runID: string }, options: MutationOptions = {}): Promise<void> {
    return this.client.call((runs) => runs.cancel(params, this.client.callOptions(options)), options)
  }

  /**
   * Starts a run of a task, by slug or id; answers the new run's id.
   *
   * @since 0.1.0
   */
  execute(params: ExecuteParams, options: MutationOptions = {}): Promise<string> {
    return this.client.call((runs) => runs.execute(params, this.client.callOptions(options)), options)
  }

  /**
   * Runs, across pages: `for await (const run of client.runs.list({ taskSlug }))`.
   *
   * @since 0.1.0
   */
  list(params: ListParams = {}, options: ListOptions = {}): RunList {
    return new RunList(this.client, params, options)
  }

  /**
   * Polls a run until it has finished, and answers it. `deadlineMs` bounds the whole wait.
   *
   * @since 0.1.0
   */
  awaitCompletion(params: { readonly id: string }, options: AwaitOptions = {}): Promise<Run> {
    return this.client.call((runs) => runs.awaitCompletion(params, this.client.awaitOptions(options)), options)
  }

  /**
   * Waits for a run to finish, then reads its outputs. `deadlineMs` bounds the whole of it.
   *
   * @since 0.1.0
   */
  awaitOutputs(params: { readonly id: string }, options: AwaitOptions = {}): Promise<Completed> {
    return this.client.call((runs) => runs.awaitOutputs(params, this.client.awaitOptions(options)), options)
  }
}

/**
 * The Airplane Runs API client.
 *
 * The constructor throws `InvalidRequestError` when the options are unusable: no API key, a
 * plain-http host that is not loopback, a header value with a line break.
 *
 * @example
 * ```ts
 * import { AirplaneRuns } from "@airplane-runs/promise"
 *
 * const client = new AirplaneRuns() // AIRPLANE_API_KEY
 * const run = await client.runs.get({ id: "run20220111zlq2ig4" })
 * for await (const r of client.runs.list({ taskSlug: "hello_world" })) console.log(r.id, r.status)
 * await client.close()
 * ```
 *
 * @since 0.1.0
 * @category client
 */
export class AirplaneRuns {
  /**
   * The runs of the API.
   *
   * @since 0.1.0
   */
  readonly runs: RunsResource
  private readonly runtime: Runtime
  private readonly retryOptions: RetryPolicy.Options
  private closed = false
  // Fires on close(): stops the calls and iterations still in flight (a wait between attempts
  // included), so that nothing is sent, and no timer is left, after close().
  private readonly closing = new AbortController()
  // How close() stops them: a set, not listeners on `closing`, which Node warns of as a possible
  // leak (MaxListenersExceededWarning) as soon as more than 10 calls run at once.
  private readonly inFlight = new Set<() => void>()

  constructor(options: ClientOptions = {}) {
    // Options win over the environment; a variable set but empty counts as unset.
    const environment = Effect.runSync(Runs.config)
    const apiKey = options.apiKey ?? environment.apiKey
    if (apiKey === undefined || apiKey === "") {
      throw new InvalidRequestError(
        "Missing API key: pass new AirplaneRuns({ apiKey }) or set AIRPLANE_API_KEY."
      )
    }
    // Core's names of the options whose value came from the environment.
    const fromEnvironment = new Set<string>()
    if (options.apiKey === undefined) fromEnvironment.add("apiKey")
    if (options.baseUrl === undefined && environment.host !== undefined) fromEnvironment.add("host")
    if (options.envSlug === undefined && environment.envSlug !== undefined) fromEnvironment.add("envSlug")
    if (options.envId === undefined && environment.envId !== undefined) fromEnvironment.add("envId")
    this.retryOptions = {
      maxAttempts: options.maxRetries === undefined ? undefined : options.maxRetries + 1,
      initialDelay: options.retry?.initialDelayMs,
      maxDelay: options.retry?.maxDelayMs,
      maxRetryAfter: options.retry?.maxRetryAfterMs
    }
    const http = options.fetch === undefined ? defaultHttpClient.layer : FetchHttpClient.layer(options.fetch)
    const layer = Runs.layer({
      apiKey,
      host: options.baseUrl ?? environment.host,
      envSlug: options.envSlug ?? environment.envSlug,
      envId: options.envId ?? environment.envId,
      retry: this.retryOptions,
      attemptTimeout: options.timeoutMs,
      prefetch: options.prefetch,
      maxResponseBytes: options.maxResponseBytes
    }).pipe(Layer.provide(http))
    this.runtime = ManagedRuntime.make(layer)
    // Build now, so unusable options throw here rather than at the first call.
    const built = this.runtime.runSyncExit(Effect.void)
    if (Exit.isFailure(built)) {
      void this.runtime.dispose()
      const failure = Cause.failureOption(built.cause)
      throw Option.isSome(failure) ? optionsError(failure.value, fromEnvironment) : Cause.squash(built.cause)
    }
    this.runs = new RunsResource(this)
  }

  /**
   * Releases the client. Calls made after it fail with `ClientClosedError`.
   *
   * @since 0.1.0
   */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.closing.abort()
    for (const stop of this.inFlight) stop()
    await this.runtime.dispose()
  }

  /**
   * `await using client = new AirplaneRuns()` closes it at the end of the scope.
   *
   * @since 0.1.0
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  /** @internal */
  callOptions(options: MutationOptions): Runs.PostOptions {
    return {
      attemptTimeout: options.timeoutMs,
      deadline: options.deadlineMs,
      retry: options.maxRetries === undefined
        ? undefined
        : RetryPolicy.make({ ...this.retryOptions, maxAttempts: options.maxRetries + 1 }),
      idempotencyKey: options.idempotencyKey
    }
  }

  /** @internal */
  listOptions(options: ListOptions): Runs.ListOptions {
    return { ...this.callOptions(options), prefetch: options.prefetch }
  }

  /** @internal */
  awaitOptions(options: AwaitOptions): Runs.AwaitOptions {
    return {
      ...this.callOptions(options),
      schedule: options.pollIntervalMs === undefined ? undefined : Schedule.spaced(options.pollIntervalMs)
    }
  }

  /** @internal */
  async call<A>(
    f: (runs: Runs.Service) => Effect.Effect<A, RunsError.RunsError>,
    options: RequestOptions
  ): Promise<A> {
    this.ensureOpen()
    const signal = options.signal
    if (signal?.aborted === true) throw abortedError(signal)
    const stop = new AbortController()
    const onStop = () => stop.abort()
    signal?.addEventListener("abort", onStop, { once: true })
    this.inFlight.add(onStop)
    try {
      const exit = await this.runtime.runPromiseExit(Effect.flatMap(Runs.Runs, f), { signal: stop.signal })
      if (Exit.isSuccess(exit)) return exit.value
      throw toError(exit.cause, signal, this.closing.signal)
    } finally {
      signal?.removeEventListener("abort", onStop)
      this.inFlight.delete(onStop)
    }
  }

  /** @internal */
  async *iterate<A>(
    f: (runs: Runs.Service) => Stream.Stream<A, RunsError.RunsError>,
    options: RequestOptions
  ): AsyncGenerator<A> {
    this.ensureOpen()
    const signal = options.signal
    if (signal?.aborted === true) throw abortedError(signal)
    const runtime = await this.runtime.runtime()
    const stream = Stream.interruptWhen(
      Stream.unwrap(Effect.map(Runs.Runs, f)),
      Effect.async<never>((resume) => {
        const onAbort = () => resume(Effect.interrupt)
        signal?.addEventListener("abort", onAbort, { once: true })
        this.inFlight.add(onAbort)
        return Effect.sync(() => {
          signal?.removeEventListener("abort", onAbort)
          this.inFlight.delete(onAbort)
        })
      })
    )
    // Failures come out as the Effect error; keep it as a value to rethrow ours at this await.
    // The stream is pulled a chunk (a page) at a time, only when the caller asks for more:
    // `Stream.toAsyncIterable` would run it ahead by one element, so that a `break` after a
    // page could still send the request for the next one, whatever the `prefetch`.
    const run = EffectRuntime.runPromiseExit(runtime)
    const scope = Effect.runSync(Scope.make())
    try {
      const pull = await EffectRuntime.runPromise(runtime)(Scope.extend(
        Stream.toPull(Stream.catchAllCause(stream, (cause) => Stream.succeed({ [failed]: cause } as Failed))),
        scope
      ))
      for (;;) {
        const next = await run(pull)
        if (Exit.isFailure(next)) {
          // The stream's failures are values by now: the only failure left is its end.
          if (!Cause.isFailure(next.cause)) {
            throw toError(next.cause as Cause.Cause<never>, signal, this.closing.signal)
          }
          if (isAborted(signal)) throw abortedError(signal)
          this.ensureOpen()
          return
        }
        for (const value of next.value) {
          if (isFailed(value)) throw toError(value[failed], signal, this.closing.signal)
          // The rest of a page is already here: an abort or a close must not let it through.
          if (isAborted(signal)) throw abortedError(signal)
          this.ensureOpen()
          yield value as A
        }
      }
    } finally {
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  }

  /** @internal */
  private ensureOpen(): void {
    if (this.closed) throw closedError()
  }
}

const failed = Symbol("failed")
interface Failed {
  readonly [failed]: Cause.Cause<RunsError.RunsError>
}
const isFailed = (u: unknown): u is Failed => typeof u === "object" && u !== null && failed in u
