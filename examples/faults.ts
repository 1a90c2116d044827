/**
 * faults: the client riding through what production networks do, and what it does not hide.
 *
 * The embedded server is told to fail: 429s with `Retry-After`, 503s, a connection reset after
 * the work was done, a page walk with random 503s. The client retries what may pass, waits as
 * long as `Retry-After` asks, sends a retried POST with the same `Idempotency-Key` so the work is
 * done once, and gives up at once on what will not pass, with a typed error. Each retry is a
 * Debug log line of the client's own; this example prints them.
 *
 * It always runs on the embedded server: a real API cannot be told to fail.
 *
 *   pnpm demo faults
 */
import { Runs, RunsError } from "@airplane-runs/core"
import type { RequestLog } from "@airplane-runs/server"
import { Console, Effect, Logger, LogLevel, Stream } from "effect"
import { ExampleTarget, layerEmbedded, layerRuns } from "./shared/Target.js"

/** What each scenario did, for the reader and the example's test. */
export interface Survived {
  readonly get: { readonly statuses: ReadonlyArray<number | null> }
  readonly execute: { readonly runID: string; readonly statuses: ReadonlyArray<number | null> }
  readonly walk: { readonly runs: number; readonly expected: number; readonly faults: number }
  readonly refused: { readonly tag: string; readonly status: number; readonly attempts: number }
}

// The client's retry lines, indented under the scenario that caused them. They go through the
// program's Console, like the rest of its output.
const retryLogger = Logger.withConsoleLog(
  Logger.make(({ message }) => `     retry: ${Array.isArray(message) ? message.join(" ") : String(message)}`)
)
/** Shows the client's Debug lines (its retries) while `self` runs. */
const showingRetries = Logger.withMinimumLogLevel(LogLevel.Debug)

// The requests to `path` after the one numbered `seq`. The path matters: a walk's pages
// fetched ahead may still be landing when the next scenario starts.
const since = (log: RequestLog.Service, seq: number, path: string) =>
  log.entries().filter((entry) => entry.seq > seq && entry.path === path)
const last = (log: RequestLog.Service) => log.entries().at(-1)?.seq ?? 0
const statuses = (entries: ReadonlyArray<RequestLog.Entry>) => entries.map((entry) => entry.status)

export const program = Effect.gen(function*() {
  const runs = yield* Runs.Runs
  const { server } = yield* ExampleTarget
  if (server === undefined) return yield* Effect.dieMessage("the faults example needs the embedded server")
  const { faults, requestLog: log } = server
  yield* Console.log(`Calls go to the embedded server at ${server.url}, which is told to fail.\n`)
  const id = server.store.list({ limit: 1 })[0]!.id!

  // 1. A get meets a 429 asking for 1 s, then two 503s: four attempts, one answer.
  yield* Console.log("runs.get while the API is busy: a 429 (Retry-After: 1), then two 503s")
  faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "1", times: 1 })
  faults.add({ route: "runs/get", kind: "status", status: 503, times: 2 })
  let mark = last(log)
  const run = yield* showingRetries(runs.get({ id }))
  const get = since(log, mark, "/v0/runs/get")
  yield* Console.log(`  -> ${run.id} ${run.status}; the server answered ${statuses(get).join(", ")}\n`)

  // 2. An execute whose connection breaks after the server started the run. The retry carries
  // the same Idempotency-Key, so the server replays its first answer: one run, not two.
  yield* Console.log("tasks.execute whose connection resets after the run was started")
  faults.add({ route: "tasks/execute", kind: "resetMidBody", times: 1 })
  mark = last(log)
  const before = server.store.size()
  const runID = yield* showingRetries(runs.execute({ slug: "hello_world" }))
  const execute = since(log, mark, "/v0/tasks/execute")
  const keys = new Set(execute.map((entry) => entry.headers["idempotency-key"]))
  yield* Console.log(
    `  -> ${runID}; ${execute.length} attempts with ${keys.size} Idempotency-Key, ${
      execute.filter((entry) => entry.replayed).length
    } replayed; runs created: ${server.store.size() - before}\n`
  )

  // 3. A walk over every page while one request in five fails with a 503.
  yield* Console.log("runs.list over every page while 1 request in 5 answers 503")
  const expected = server.store.size()
  faults.add({ route: "runs/list", kind: "status", status: 503, probability: 0.2 })
  mark = last(log)
  const count = yield* runs.list({}, { prefetch: 4 }).pipe(Stream.runCount)
  faults.clear()
  const walkFaults = since(log, mark, "/v0/runs/list").filter((entry) => entry.status === 503).length
  yield* Console.log(`  -> ${count} of ${expected} runs, ${walkFaults} 503s ridden through (retries not shown)\n`)

  // 4. A 503 the API marks `X-Airplane-Retryable: false`: no retry, a typed error at once.
  yield* Console.log("runs.cancel answered 503 with X-Airplane-Retryable: false")
  faults.add({ route: "runs/cancel", kind: "status", status: 503, retryable: false, times: 1 })
  mark = last(log)
  const error = yield* showingRetries(runs.cancel({ runID })).pipe(
    Effect.zipRight(Effect.dieMessage("the cancel was meant to fail")),
    Effect.flip
  )
  const attempts = since(log, mark, "/v0/runs/cancel").length
  const status = "status" in error ? error.status : 0
  yield* Console.log(`  -> ${error._tag} (${status}) after ${attempts} attempt: ${error.message}`)

  return {
    get: { statuses: statuses(get) },
    execute: { runID, statuses: statuses(execute) },
    walk: { runs: count, expected, faults: walkFaults },
    refused: { tag: error._tag, status, attempts }
  } satisfies Survived
})

/** The data set: a thousand runs; retries start at 100 ms. */
export const main: Effect.Effect<Survived, RunsError.RunsError> = program.pipe(
  Effect.provide(Logger.replace(Logger.defaultLogger, retryLogger)),
  Effect.provide(layerRuns(layerEmbedded({ seed: { runs: 1_000 } }), { retry: { initialDelay: "100 millis" } }))
)
