/**
 * Where an example runs. By default, on the embedded Runs API server, started in process on a
 * free loopback port with a seeded data set, and stopped when the example ends. With
 * `AIRPLANE_API_KEY` set (and `AIRPLANE_API_HOST`, default https://api.airplane.dev), on that
 * API instead: the example's own calls are real then, so it starts and cancels real runs. The
 * variables are read by core's `Runs.config`, as the clients read them: one set but empty
 * counts as unset.
 */
import { Runs } from "@airplane-runs/core"
import { RunsServer, type RunStore } from "@airplane-runs/server"
import { FetchHttpClient } from "@effect/platform"
import { Context, Effect, Layer, Redacted } from "effect"

export interface Target {
  readonly apiKey: Redacted.Redacted<string>
  /** The API's origin, e.g. `http://127.0.0.1:49152`. */
  readonly host: string
  /** The embedded server, when the example runs on it: its store, faults and request log. */
  readonly server: RunsServer.Service | undefined
  /** A line for the reader: where the calls go. */
  readonly description: string
}

export class ExampleTarget extends Context.Tag("@airplane-runs/examples/Target")<ExampleTarget, Target>() {}

/** The API the environment points at, if it holds a key. */
const realApi = (environment: Runs.Environment): Target | undefined => {
  if (environment.apiKey === undefined) return undefined
  const host = environment.host ?? Runs.defaultHost
  return {
    apiKey: environment.apiKey,
    host,
    server: undefined,
    description: `the API at ${host} (AIRPLANE_API_KEY is set)`
  }
}

const embedded = (server: RunsServer.Service): Target => ({
  apiKey: Redacted.make(server.apiKey),
  host: server.url,
  server,
  description: `the embedded server at ${server.url} (${server.store.size().toLocaleString("en-US")} seeded runs)`
})

/**
 * A seeded data set of `runs` runs over the 30 days up to an hour ago. The newest seeded runs
 * finish in the quarter hour after the window's end, so every run of this one has finished
 * when the server starts: nothing changes while an example walks it. (The API filters `since`
 * and `until` on a run's last update, and a walk pins `until` to its start: a run that changes
 * during a walk is out of the pages after that, and the offsets of later runs move.)
 */
export const settledSeed = (runs: number): RunStore.SeedOptions => ({
  runs,
  until: new Date(Date.now() - 60 * 60 * 1_000)
})

/** The embedded server seeded by `options`, listening while the layer lives. */
export const layerEmbedded = (options: RunsServer.Options): Layer.Layer<ExampleTarget> =>
  Layer.effect(ExampleTarget, Effect.map(RunsServer.RunsServer, embedded)).pipe(
    Layer.provide(Layer.orDie(RunsServer.layer(options)))
  )

/** The target of an Effect example: the real API when configured, else the embedded server. */
export const layer = (options: RunsServer.Options): Layer.Layer<ExampleTarget> =>
  Layer.unwrapEffect(Effect.map(Effect.orDie(Runs.config), (environment) => {
    const target = realApi(environment)
    return target === undefined ? layerEmbedded(options) : Layer.succeed(ExampleTarget, target)
  }))

/** The target of a Promise example; `await using` stops the embedded server at the end. */
export const open = async (options: RunsServer.Options): Promise<Target & AsyncDisposable> => {
  const target = realApi(await Effect.runPromise(Runs.config))
  if (target !== undefined) return { ...target, [Symbol.asyncDispose]: async () => {} }
  const server = await RunsServer.start(options)
  return { ...embedded(server), [Symbol.asyncDispose]: server.stop }
}

/**
 * The `Runs` client of a target, over the platform's fetch, with the target beside it.
 * `runs` options (retry, prefetch, timeouts) are passed to `Runs.layer`.
 */
export const layerRuns = (
  target: Layer.Layer<ExampleTarget>,
  runs: Omit<Runs.Options, "apiKey" | "host"> = {}
): Layer.Layer<Runs.Runs | ExampleTarget> =>
  Layer.unwrapEffect(
    Effect.map(ExampleTarget, (found) => Runs.layer({ ...runs, apiKey: found.apiKey, host: found.host }))
  ).pipe(
    Layer.orDie,
    Layer.provide(FetchHttpClient.layer),
    Layer.provideMerge(target)
  )
