/**
 * What the parts of the suite share: the embedded server with the suite's key, and the two
 * clients of it (core over fetch, and the Promise facade) running one operation.
 */
import { RetryPolicy, Runs } from "@airplane-runs/core"
import { AirplaneRuns, type ClientOptions } from "@airplane-runs/promise"
import { RunsServer } from "@airplane-runs/server"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Exit, Stream } from "effect"
import type { Operation } from "./Cases.js"
import * as Secrets from "./Secrets.js"
import { day, secretKey } from "./Settings.js"

/**
 * The embedded server on a free loopback port, accepting only the suite's key. Its runs are
 * seeded a day back; a started run stays Queued for ten minutes, so it can be cancelled.
 */
export const startServer = (options: RunsServer.Options = {}): Promise<RunsServer.RunningServer> =>
  RunsServer.start({
    apiKeys: [secretKey],
    ...options,
    seed: { runs: 20, tasks: 2, until: new Date(Date.now() - day), ...options.seed },
    lifecycle: { queueMs: 600_000, ...options.lifecycle }
  })

/** What an operation is called with, on a given server. */
export interface Target {
  readonly id: string
  readonly runID: string
  readonly slug: string
}

/** A seeded run to read, a fresh run to cancel, a task to execute. */
export const targetOf = (server: RunsServer.RunningServer): Target => {
  const slug = server.store.tasks[0]!.slug
  return {
    id: server.store.list({ limit: 1 })[0]!.id!,
    runID: server.store.execute({ slug })!.id!,
    slug
  }
}

/** The value of a call, or the error it failed with. */
export type Result = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown }

/** Runs one operation with core over fetch, its spans and logs watched for the key. */
export const callCore = (
  server: RunsServer.RunningServer,
  operation: Operation,
  target: Target,
  options: Partial<Runs.Options> = {}
): Promise<Result> => {
  const program = Effect.gen(function*() {
    const runs = yield* Runs.make({ apiKey: secretKey, host: server.url, ...options })
    switch (operation) {
      case "get":
        return yield* runs.get({ id: target.id })
      case "getOutputs":
        return yield* runs.getOutputs({ id: target.id })
      case "cancel":
        return yield* runs.cancel({ runID: target.runID })
      case "list":
        return yield* Stream.runCollect(runs.list({}, { prefetch: 0 })).pipe(Effect.map((c) => Array.from(c)))
      case "execute":
        return yield* runs.execute({ slug: target.slug })
    }
  })
  return Effect.runPromiseExit(program.pipe(Effect.provide(FetchHttpClient.layer), Effect.provide(Secrets.layer)))
    .then((exit): Result => {
      if (Exit.isSuccess(exit)) return { ok: true, value: exit.value }
      Secrets.scan(`core ${operation} cause`, exit.cause)
      const failure = exit.cause._tag === "Fail" ? exit.cause.error : exit.cause
      Secrets.scan(`core ${operation} error`, failure)
      return { ok: false, error: failure }
    })
}

/** Runs one operation with the Promise facade (its own default transport). */
export const callFacade = async (
  server: RunsServer.RunningServer,
  operation: Operation,
  target: Target,
  options: ClientOptions = {}
): Promise<Result> => {
  const client = new AirplaneRuns({ apiKey: secretKey, baseUrl: server.url, ...options })
  try {
    switch (operation) {
      case "get":
        return { ok: true, value: await client.runs.get({ id: target.id }) }
      case "getOutputs":
        return { ok: true, value: await client.runs.getOutputs({ id: target.id }) }
      case "cancel":
        return { ok: true, value: await client.runs.cancel({ runID: target.runID }) }
      case "list": {
        const runs: Array<unknown> = []
        for await (const run of client.runs.list({}, { prefetch: 0 })) runs.push(run)
        return { ok: true, value: runs }
      }
      case "execute":
        return { ok: true, value: await client.runs.execute({ slug: target.slug }) }
    }
  } catch (error) {
    Secrets.scan(`facade ${operation} error`, error)
    return { ok: false, error }
  } finally {
    await client.close()
  }
}

/** The ids of every run in the store, newest first. */
export const allIds = (server: RunsServer.RunningServer): Array<string> => server.store.all().map((run) => run.id!)

/** A fast retry policy: waits of a millisecond or two, unless `Retry-After` asks for more. */
export const fastRetry = (maxAttempts: number): RetryPolicy.RetryPolicy =>
  RetryPolicy.make({ maxAttempts, initialDelay: "1 millis", maxDelay: "2 millis" })
