/**
 * The client: `new AirplaneRuns(options)`, then `client.runs.*`. Every call runs through the
 * Effect core (validation, retries, timeouts, pagination); this class only turns its results
 * into promises, async iterables and `instanceof` errors.
 *
 * @since 0.1.0
 */
import type { APIPromise } from "./APIPromise.js"
import { Client } from "./internal/client.js"
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
   * `TimeoutError`. For `awaitCompletion`, `awaitOutputs` and `watch` it is the whole wait:
   * every poll and every pause between polls, not each poll.
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
 * Core's `Runs.ListParams`, stated again (a type test keeps the two equal): the published
 * package bundles core and does not depend on it, so its declarations cannot name it.
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
 * What a task is started with: its slug or its id, parameter values, resources. Core's
 * `Runs.ExecuteParams`, stated again, as `ListParams` is.
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
    readonly paramValues?: { readonly [slug: string]: Json } | undefined
    readonly resources?: { readonly [slug: string]: string } | undefined
    /** The environment to run in, when not the client's. */
    readonly envSlug?: string | undefined
  }

/**
 * How to wait for a run, or watch it.
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

/**
 * The task whose runs to watch, by slug or by id. Core's `Runs.WatchTaskParams`, stated again,
 * as `ListParams` is.
 *
 * @since 0.2.0
 * @category models
 */
export type WatchTaskParams =
  | { readonly taskSlug: string; readonly taskID?: undefined }
  | { readonly taskID: string; readonly taskSlug?: undefined }

/**
 * How to watch a task's runs.
 *
 * @since 0.2.0
 * @category models
 */
export interface WatchTaskOptions extends RequestOptions {
  /**
   * Runs created from this time on are new. Default: when the iteration starts.
   *
   * @since 0.2.0
   */
  readonly since?: Date | undefined
  /**
   * Milliseconds between polls. Default 2,000.
   *
   * @since 0.2.0
   */
  readonly pollIntervalMs?: number | undefined
}

// A client's engine, for the classes beside it. It is all Effect types, so it stays out of the
// classes' declarations, which are what the facade's users see: a private field of
// `AirplaneRuns` (declared as `#private`), read here through its static block.
let clientOf: (client: AirplaneRuns) => Client

/**
 * A list of runs: iterate it for every run, `pages()` for every page, or `page(n)` for one.
 *
 * @since 0.1.0
 * @category models
 */
export class RunList implements AsyncIterable<Run> {
  /** @internal */
  readonly #client: Client
  /** @internal */
  readonly #params: ListParams
  /** @internal */
  readonly #options: ListOptions

  /** @internal */
  constructor(client: AirplaneRuns, params: ListParams, options: ListOptions) {
    this.#client = clientOf(client)
    this.#params = params
    this.#options = options
  }

  /**
   * Every run across every page, newest first. Breaking out stops further page requests.
   *
   * @since 0.1.0
   */
  [Symbol.asyncIterator](): AsyncIterator<Run> {
    return this.#client.iterate(this.#options, (runs, options) => runs.list(this.#params, options))
  }

  /**
   * Every page.
   *
   * @since 0.1.0
   */
  pages(): AsyncIterable<RunsPage> {
    return {
      [Symbol.asyncIterator]: () =>
        this.#client.iterate(this.#options, (runs, options) => runs.listPages(this.#params, options))
    }
  }

  /**
   * One page, by its 0-based index; `.withResponse()` gives its answer too.
   *
   * @since 0.1.0
   */
  page(page: number): APIPromise<RunsPage> {
    return this.#client.answer(
      this.#options,
      (runs, options) => runs.withResponse.listPage({ ...this.#params, page }, options)
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
  readonly #owner: AirplaneRuns
  /** @internal */
  readonly #client: Client

  /** @internal */
  constructor(client: AirplaneRuns) {
    this.#owner = client
    this.#client = clientOf(client)
  }

  /**
   * A run by id. `.withResponse()` gives the answer it came from too, as for each call that
   * sends one request (see {@link APIPromise}).
   *
   * @since 0.1.0
   */
  get(params: { readonly id: string }, options: RequestOptions = {}): APIPromise<Run> {
    return this.#client.answer(options, (runs, coreOptions) => runs.withResponse.get(params, coreOptions))
  }

  /**
   * A run's outputs, any JSON; `null` until it has some.
   *
   * @since 0.1.0
   */
  getOutputs(params: { readonly id: string }, options: RequestOptions = {}): APIPromise<Json> {
    return this.#client.answer(options, (runs, coreOptions) => runs.withResponse.getOutputs(params, coreOptions))
  }

  /**
   * Cancels a run that has not finished.
   *
   * @since 0.1.0
   */
  cancel(params: { readonly runID: string }, options: MutationOptions = {}): APIPromise<void> {
    return this.#client.answer(options, (runs, coreOptions) => runs.withResponse.cancel(params, coreOptions))
  }

  /**
   * Starts a run of a task, by slug or id; answers the new run's id.
   *
   * @since 0.1.0
   */
  execute(params: ExecuteParams, options: MutationOptions = {}): APIPromise<string> {
    return this.#client.answer(options, (runs, coreOptions) => runs.withResponse.execute(params, coreOptions))
  }

  /**
   * Runs, across pages: `for await (const run of client.runs.list({ taskSlug }))`.
   *
   * @since 0.1.0
   */
  list(params: ListParams = {}, options: ListOptions = {}): RunList {
    return new RunList(this.#owner, params, options)
  }

  /**
   * The run each time its status changes, from the one it has now, until it has finished:
   * `for await (const run of client.runs.watch({ id }))`. Polls every `pollIntervalMs` (by
   * default from 250 ms, doubling, at most 5,000), and only while you iterate: a `break`, the
   * `signal` or `close()` stops it, and nothing is polled after the finished run. `deadlineMs`
   * bounds the whole watch. Each iteration is a watch of its own.
   *
   * @example
   * ```ts
   * import type { AirplaneRuns } from "@airplane-runs/promise"
   *
   * export const follow = async (client: AirplaneRuns, runID: string) => {
   *   for await (const run of client.runs.watch({ id: runID })) console.log(run.status)
   * }
   * ```
   *
   * @since 0.2.0
   */
  watch(params: { readonly id: string }, options: AwaitOptions = {}): AsyncIterable<Run> {
    return {
      [Symbol.asyncIterator]: () =>
        this.#client.iterate(options, (runs, coreOptions) => runs.watch(params, coreOptions))
    }
  }

  /**
   * Each new run of a task (created from `since`, by default the start of the iteration), once,
   * as it appears (oldest first within a poll; a run updated after a poll's window closed comes
   * with the next): `for await (const run of client.runs.watchTask({ taskSlug }))`.
   * It goes on until you stop it: a `break`, the `signal` or `close()`. Polls every
   * `pollIntervalMs` (default 2,000) while you iterate; `timeoutMs`, `deadlineMs` and
   * `maxRetries` apply to each request. Each iteration is a watch of its own.
   *
   * @since 0.2.0
   */
  watchTask(params: WatchTaskParams, options: WatchTaskOptions = {}): AsyncIterable<Run> {
    return {
      [Symbol.asyncIterator]: () =>
        this.#client.iterate(
          options,
          (runs, coreOptions) => runs.watchTask(params, { ...coreOptions, since: options.since })
        )
    }
  }

  /**
   * Polls a run until it has finished, and answers it. `deadlineMs` bounds the whole wait.
   *
   * @since 0.1.0
   */
  awaitCompletion(params: { readonly id: string }, options: AwaitOptions = {}): Promise<Run> {
    return this.#client.call(options, (runs, coreOptions) => runs.awaitCompletion(params, coreOptions))
  }

  /**
   * Waits for a run to finish, then reads its outputs. `deadlineMs` bounds the whole of it.
   *
   * @since 0.1.0
   */
  awaitOutputs(params: { readonly id: string }, options: AwaitOptions = {}): Promise<Completed> {
    return this.#client.call(options, (runs, coreOptions) => runs.awaitOutputs(params, coreOptions))
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
  /** @internal */
  readonly #client: Client

  static {
    clientOf = (client) => client.#client
  }

  constructor(options: ClientOptions = {}) {
    this.#client = new Client(options)
    this.runs = new RunsResource(this)
  }

  /**
   * Releases the client. Calls made after it fail with `ClientClosedError`.
   *
   * @since 0.1.0
   */
  close(): Promise<void> {
    return this.#client.close()
  }

  /**
   * `await using client = new AirplaneRuns()` closes it at the end of the scope.
   *
   * @since 0.1.0
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}
