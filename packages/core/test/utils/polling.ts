/**
 * For the tests of waits (`awaitCompletion`, `watch`): the polls of one run in the server's
 * request log, and a schedule that moves the server's manual clock between polls.
 */
import { RunsServer } from "@airplane-runs/server"
import { Effect, Schedule } from "effect"
import * as Runs from "../../src/Runs.js"
import { reset } from "./pagination.js"

/** The `get` requests of one run the server received. */
export const gets = (server: RunsServer.Service, id: string) =>
  server.requestLog.entries().filter((entry) => entry.path === "/v0/runs/get" && entry.query["id"] === id)

/**
 * The store's time moves only when a test says so: each pause of this schedule moves it by
 * `stepMs`, so what a poll sees does not depend on how fast the machine is. The statuses the
 * schedule was fed go to `fed`.
 */
export const advancing = (server: RunsServer.Service, stepMs: number, fed: Array<string | null | undefined> = []) =>
  Schedule.spaced("1 millis").pipe(
    Schedule.tapInput((run: Runs.Run) =>
      Effect.sync(() => {
        fed.push(run.status)
        server.advance!(stepMs)
      })
    )
  )

/**
 * The test's server and client, the server's log and faults cleared, and a run of its first
 * task just started, for a wait or a watch to follow.
 */
export const startedRun = Effect.gen(function*() {
  const server = yield* RunsServer.RunsServer
  const runs = yield* Runs.Runs
  yield* reset(server)
  const id = yield* runs.execute({ slug: server.store.tasks[0].slug })
  return { server, runs, id }
})
