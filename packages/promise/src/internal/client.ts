/**
 * What runs behind `AirplaneRuns`: core's Runs service in a `ManagedRuntime`, and the two ways
 * out of it, a promise (`call`) and an async iterator (`iterate`), with the caller's
 * `AbortSignal` and the client's `close()` wired to interruption. The public classes reach it
 * through a module-private map, so that their published declarations name no Effect type.
 */
import * as RetryPolicy from "@airplane-runs/core/RetryPolicy"
import * as Runs from "@airplane-runs/core/Runs"
import type * as RunsError from "@airplane-runs/core/RunsError"
// undici.request on Node, the global fetch elsewhere: see the package's `imports`.
import * as defaultHttpClient from "#defaultHttpClient"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as EffectRuntime from "effect/Runtime"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type {
  AwaitOptions,
  ClientOptions,
  ListOptions,
  MutationOptions,
  RequestOptions,
  WatchTaskOptions
} from "../AirplaneRuns.js"
import { InvalidRequestError } from "../AirplaneRunsError.js"
import type { APIPromise, WithResponse } from "../APIPromise.js"
import * as Errors from "./errors.js"
import * as FetchHttpClient from "./fetchHttpClient.js"

// A function, so the compiler does not assume an earlier check still holds after an await.
const isAborted = (signal: AbortSignal | undefined): signal is AbortSignal => signal?.aborted === true

/** The options of any call of the facade; each method takes those it has. */
type FacadeOptions = MutationOptions & ListOptions & AwaitOptions & WatchTaskOptions

/**
 * The same in core's terms. The polling schedule takes any input, so that it fits both
 * `awaitCompletion` (fed runs) and `watchTask` (fed the runs a poll found new).
 */
type CoreOptions = Omit<Runs.PostOptions & Runs.ListOptions & Runs.AwaitOptions, "schedule"> & {
  readonly schedule?: Schedule.Schedule<unknown> | undefined
}

const failed = Symbol("failed")
interface Failed {
  readonly [failed]: Cause.Cause<RunsError.RunsError>
}
const isFailed = (u: unknown): u is Failed => typeof u === "object" && u !== null && failed in u

/**
 * The variables of the options not given, read through core's `Runs.config` (so an empty one
 * counts as unset, as in core), but one by one and only those: on Deno, reading a variable
 * needs a permission (`--allow-env`) that a program passing its options need not grant, and
 * reading all four made the constructor throw Deno's raw `NotCapable` even then. A variable the
 * runtime refuses to show counts as unset; a refused key is reported by the constructor.
 * Without `process` (browsers, Workers, edge runtimes) there is nothing to read.
 */
const readEnvironment = (options: ClientOptions) => {
  const given: Record<keyof typeof Runs.environmentVariables, unknown> = {
    apiKey: options.apiKey,
    host: options.baseUrl,
    envSlug: options.envSlug,
    envId: options.envId
  }
  const env: Record<string, unknown> | undefined = (globalThis as any).process?.env
  const values = new Map<string, string>()
  let keyRefused: string | undefined
  for (const [field, name] of Object.entries(Runs.environmentVariables)) {
    if (env === undefined || given[field as keyof typeof given] !== undefined) continue
    try {
      const value = env[name]
      if (typeof value === "string") values.set(name, value)
    } catch (error) {
      if (field === "apiKey") keyRefused = error instanceof Error ? error.message : String(error)
    }
  }
  const environment = Effect.runSync(Effect.withConfigProvider(Runs.config, ConfigProvider.fromMap(values)))
  return { environment, keyRefused }
}

/** One client's runtime and the calls in flight on it. */
export class Client {
  private readonly runtime: ManagedRuntime.ManagedRuntime<Runs.Runs, RunsError.InvalidRequest>
  private readonly retryOptions: RetryPolicy.Options
  private closed = false
  // Fires on close(): stops the calls and iterations still in flight (a wait between attempts
  // included), so that nothing is sent, and no timer is left, after close().
  private readonly closing = new AbortController()
  // How close() stops them: a set, not listeners on `closing`, which Node warns of as a possible
  // leak (MaxListenersExceededWarning) as soon as more than 10 calls run at once.
  private readonly inFlight = new Set<() => void>()

  /** Throws `InvalidRequestError` for unusable options, in the caller's names. */
  constructor(options: ClientOptions) {
    // Options win over the environment; a variable set but empty counts as unset.
    const { environment, keyRefused } = readEnvironment(options)
    const apiKey = options.apiKey ?? environment.apiKey
    if (apiKey === undefined || apiKey === "") {
      throw new InvalidRequestError(
        keyRefused === undefined
          ? "Missing API key: pass new AirplaneRuns({ apiKey }) or set AIRPLANE_API_KEY."
          : `Missing API key: pass new AirplaneRuns({ apiKey }), or let the runtime read AIRPLANE_API_KEY, which it refused: ${keyRefused}`
      )
    }
    // Core's names of the options whose value came from the environment.
    const fromEnvironment = new Set<keyof typeof Runs.environmentVariables>()
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
      throw Option.isSome(failure)
        ? Errors.unusableOptions(failure.value, fromEnvironment)
        : Cause.squash(built.cause)
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.closing.abort()
    for (const stop of this.inFlight) stop()
    await this.runtime.dispose()
  }

  /** A call's options in core's terms; each operation reads those it has. */
  private coreOptions(options: FacadeOptions): CoreOptions {
    return {
      attemptTimeout: options.timeoutMs,
      deadline: options.deadlineMs,
      retry: options.maxRetries === undefined
        ? undefined
        : RetryPolicy.make({ ...this.retryOptions, maxAttempts: options.maxRetries + 1 }),
      idempotencyKey: options.idempotencyKey,
      prefetch: options.prefetch,
      schedule: options.pollIntervalMs === undefined ? undefined : Schedule.spaced(options.pollIntervalMs)
    }
  }

  /** One call, as a promise. */
  async call<A>(
    options: FacadeOptions,
    f: (runs: Runs.Service, options: CoreOptions) => Effect.Effect<A, RunsError.RunsError>
  ): Promise<A> {
    const signal = this.start(options)
    const stop = new AbortController()
    const stopListening = this.onStop(signal, () => stop.abort())
    try {
      const call = Effect.flatMap(Runs.Runs, (runs) => f(runs, this.coreOptions(options)))
      const exit = await this.runtime.runPromiseExit(call, { signal: stop.signal })
      if (Exit.isSuccess(exit)) return exit.value
      throw Errors.fromCause(exit.cause, signal, this.closing.signal)
    } finally {
      stopListening()
    }
  }

  /**
   * One call of an operation that answers `{ data, response }`, as its result's promise (a
   * plain `Promise`) with `withResponse()`. The result is an `await` of the answer, not a
   * `then`, so the stack of a failure leads to the caller's own `await` (V8 follows a chain of
   * awaits while each promise has one reaction).
   */
  answer<A>(
    options: FacadeOptions,
    f: (runs: Runs.Service, options: CoreOptions) => Effect.Effect<WithResponse<A>, RunsError.RunsError>
  ): APIPromise<A> {
    const answered = this.call(options, f)
    const data = (async () => (await answered).data)()
    return Object.assign(data, {
      withResponse: () => {
        // The result, its caller reading the answer instead, must not end the process with an
        // unhandled rejection.
        data.catch(() => {})
        return answered
      }
    })
  }

  /** A stream, as an async iterator that pulls a chunk (a page) only when asked for more. */
  async *iterate<A>(
    options: FacadeOptions,
    f: (runs: Runs.Service, options: CoreOptions) => Stream.Stream<A, RunsError.RunsError>
  ): AsyncGenerator<A> {
    const signal = this.start(options)
    const runtime = await this.runtime.runtime()
    const stream = Stream.interruptWhen(
      Stream.unwrap(Effect.map(Runs.Runs, (runs) => f(runs, this.coreOptions(options)))),
      Effect.async<never>((resume) => Effect.sync(this.onStop(signal, () => resume(Effect.interrupt))))
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
            throw Errors.fromCause(next.cause as Cause.Cause<never>, signal, this.closing.signal)
          }
          this.ensureGoing(signal)
          return
        }
        for (const value of next.value) {
          if (isFailed(value)) throw Errors.fromCause(value[failed], signal, this.closing.signal)
          // The rest of a page is already here: an abort or a close must not let it through.
          this.ensureGoing(signal)
          yield value as A
        }
      }
    } finally {
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  }

  /** The caller's signal, once the call may start: the client open, the signal not aborted. */
  private start(options: RequestOptions): AbortSignal | undefined {
    if (this.closed) throw Errors.closed()
    if (isAborted(options.signal)) throw Errors.aborted(options.signal)
    return options.signal
  }

  /** Throws if the caller aborted, or the client closed, since the call started. */
  private ensureGoing(signal: AbortSignal | undefined): void {
    if (isAborted(signal)) throw Errors.aborted(signal)
    if (this.closed) throw Errors.closed()
  }

  /** Calls `stop` when the caller's signal aborts or the client closes; answers how to stop listening. */
  private onStop(signal: AbortSignal | undefined, stop: () => void): () => void {
    signal?.addEventListener("abort", stop, { once: true })
    this.inFlight.add(stop)
    return () => {
      signal?.removeEventListener("abort", stop)
      this.inFlight.delete(stop)
    }
  }
}
