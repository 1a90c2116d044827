/**
 * What the pagination and await tests share: an embedded server with a client pointed at it,
 * over real HTTP on loopback, and readers of the server's store and request log.
 */
import type { Run } from "@airplane-runs/contract"
import { RunsServer, type RunStore } from "@airplane-runs/server"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer } from "effect"
import * as Runs from "../../src/Runs.js"

/**
 * An embedded server and a `Runs` client of it. Retries wait 1 ms at most, so a test that
 * rides through faults stays fast.
 */
export const serverAndClient = (
  serverOptions: RunsServer.Options,
  clientOptions: Omit<Runs.Options, "apiKey" | "host"> = {}
): Layer.Layer<RunsServer.RunsServer | Runs.Runs> => {
  const client = Layer.unwrapEffect(
    Effect.map(RunsServer.RunsServer, (server) =>
      Runs.layer({
        apiKey: server.apiKey,
        host: server.url,
        retry: { initialDelay: "1 millis", maxDelay: "1 millis" },
        ...clientOptions
      }))
  ).pipe(Layer.provide(FetchHttpClient.layer))
  return Layer.provideMerge(client, RunsServer.layer(serverOptions)).pipe(Layer.orDie)
}

/** Every run the store answers for these parameters, page after page, newest first. */
export const storeRuns = (server: RunsServer.Service, params: RunStore.Selection = {}): ReadonlyArray<Run.Run> =>
  server.store.all(params)

/** The ids of runs, in order. */
export const ids = (runs: ReadonlyArray<{ readonly id?: string | null | undefined }>): Array<string> =>
  runs.map((run) => run.id!)

/** The `runs/list` requests the server saw, oldest first. */
export const listRequests = (server: RunsServer.Service) =>
  server.requestLog.entries().filter((entry) => entry.path === "/v0/runs/list")

/** The page numbers of the `runs/list` requests the server saw (an absent page is page 0). */
export const requestedPages = (server: RunsServer.Service): Array<number> =>
  listRequests(server).map((entry) => Number(entry.query["page"] ?? "0"))

/**
 * Lets requests that a stream already sent (and then interrupted) reach the request log, so a
 * count of requests is not read too early.
 */
export const settle: Effect.Effect<void> = Effect.sleep("30 millis")

/** Forgets earlier tests: faults and the request log, once their last requests are in. */
export const reset = (server: RunsServer.Service): Effect.Effect<void> =>
  Effect.zipRight(
    settle,
    Effect.sync(() => {
      server.faults.clear()
      server.requestLog.clear()
    })
  )

/** The creation times of a store's runs, for windows of an exact size. */
export const createdAt = (run: Run.Run): Date => run.createdAt!
