/**
 * faults: the client riding through what production networks do, and what it does not hide.
 *
 * The example tells the embedded server when to fail: a 429 with `Retry-After`, 503s, a
 * connection reset after the work was done, a 503 marked not retryable, a page walk with random
 * 503s. The client retries what may pass, waits at least as long as `Retry-After` asks, sends a
 * retried POST with the same `Idempotency-Key` so the work is done once, and gives up at once on
 * what will not pass, with a typed error. Each retry is a Debug log line of the client's own;
 * this example prints them.
 *
 * It always runs on the embedded server: a real API cannot be told to fail.
 *
 *   pnpm demo faults
 */
import { Runs, RunsError } from "@airplane-runs/core"
import type { RequestLog, RunStore } from "@airplane-runs/server"
import { Console, Effect, HashMap, Logger, LogLevel, Option, Schedule, Stream } from "effect"
import { ExampleTarget, layerEmbedded, layerRuns, settledSeed } from "./shared/Target.js"

/** What each scenario did, for the reader and the example's test. */
export interface Survived {
  /** `retryAfterMs`: what the 429 asked for; `gapMs`: from the 429 to the retry, on the server's clock. */
  readonly get: {
    readonly statuses: ReadonlyArray<number | null>
    readonly retryAfterMs: number
    readonly gapMs: number
  }
  readonly execute: { readonly runID: string; readonly statuses: ReadonlyArray<number | null> }
  readonly refused: { readonly tag: string; readonly status: number; readonly attempts: number }
  /** `expected`: the runs last updated at or before the walk's start, as the store has them. */
  readonly walk: { readonly runs: number; readonly expected: number; readonly seeded: number; readonly faults: number }
  /** The client's retry lines, in the order it logged them. */
  readonly retries: ReadonlyArray<Retry>
}

/** A retry the client logged: its own words, and the wait it chose. */
export interface Retry {
  readonly message: string
  readonly waitMs: number
}

// Every fault carries this as the API's `error`: an error message that quotes it says who
// failed the call.
const scripted = "scripted by the faults example"

const number = (n: number) => Math.round(n).toLocaleString("en-US")

// The client logs each retry at Debug, annotated with the wait it chose. This logger prints
// those lines as they come, indented under the scenario that caused them, and keeps them for
// the summary; any other Debug line stays hidden.
const retryLogger = (retries: Array<Retry>) =>
  Logger.make(({ annotations, message }) => {
    const waitMs = HashMap.get(annotations, "airplane.retry_in_ms")
    if (Option.isNone(waitMs) || typeof waitMs.value !== "number") return
    const text = (Array.isArray(message) ? message.join(" ") : String(message))
      .replace(/retrying in (\d+) ms$/, (_, ms: string) => `retrying in ${number(Number(ms))} ms`)
    retries.push({ message: text, waitMs: waitMs.value })
    console.log(`     retry: ${text}`)
  })

// The requests to `path` after the one numbered `seq`. The path matters: a walk's pages
// fetched ahead may still be landing when the next scenario starts.
const since = (log: RequestLog.Service, seq: number, path: string) =>
  log.entries().filter((entry) => entry.seq > seq && entry.path === path)
const last = (log: RequestLog.Service) => log.entries().at(-1)?.seq ?? 0
const statuses = (entries: ReadonlyArray<RequestLog.Entry>) => entries.map((entry) => entry.status)

// How many runs the store holds that were last updated at or before `at`: what a walk that pins
// `until` to `at` may see, the API filtering on a run's last update.
const updatedBy = (store: RunStore.Service, at: Date) => store.all({ until: at }).length

export const program = Effect.gen(function*() {
  const runs = yield* Runs.Runs
  const { server } = yield* ExampleTarget
  if (server === undefined) return yield* Effect.dieMessage("the faults example needs the embedded server")
  const { faults, requestLog: log, store } = server
  const seeded = store.size()
  yield* Console.log(
    `Calls go to the embedded server at ${server.url} (${number(seeded)} seeded runs, all finished).\n` +
      `This example tells it when to fail: every 429, 503 and reset below is scripted, not a fault\n` +
      `of the client, the server or this machine.\n`
  )
  const retries: Array<Retry> = []
  /** Shows the client's retry lines while `self` runs. */
  const showingRetries = <A, E, R>(self: Effect.Effect<A, E, R>) =>
    self.pipe(
      Logger.withMinimumLogLevel(LogLevel.Debug),
      Effect.provide(Logger.replace(Logger.defaultLogger, retryLogger(retries)))
    )
  const id = store.list({ limit: 1 })[0]!.id!

  // 1. A get meets a 429 asking for 1 s, then two 503s: four attempts, one answer.
  const retryAfter = 1
  yield* Console.log(`1. runs.get; the server is told to answer 429 (Retry-After: ${retryAfter}), then 503 twice`)
  faults.add({
    route: "runs/get",
    kind: "status",
    status: 429,
    retryAfter: String(retryAfter),
    times: 1,
    error: scripted
  })
  faults.add({ route: "runs/get", kind: "status", status: 503, times: 2, error: scripted })
  let mark = last(log)
  const run = yield* showingRetries(runs.get({ id }))
  const get = since(log, mark, "/v0/runs/get")
  // When the retry reached the server after the 429, on the server's clock: what the rule is about.
  const gapMs = Date.parse(get[1]!.at) - Date.parse(get[0]!.at)
  const gap = number(gapMs)
  yield* Console.log(
    `  -> ${run.id} ${run.status} after ${get.length} attempts; the server answered ${statuses(get).join(", ")}.\n` +
      `     The server asked for ${retryAfter} s; the retry reached it ${gap} ms after the 429: never sooner.\n` +
      `     The client adds a jitter of up to a tenth, so clients told the same second do not all come back at once.\n`
  )

  // 2. An execute whose connection breaks after the server started the run. The retry carries
  // the same Idempotency-Key, so the server replays its first answer: one run, not two.
  yield* Console.log("2. tasks.execute; the server is told to reset the connection after it has started the run")
  faults.add({ route: "tasks/execute", kind: "resetMidBody", times: 1 })
  mark = last(log)
  const before = store.size()
  const runID = yield* showingRetries(runs.execute({ slug: "hello_world" }))
  const execute = since(log, mark, "/v0/tasks/execute")
  const keys = new Set(execute.map((entry) => entry.headers["idempotency-key"]))
  yield* Console.log(
    `  -> ${runID}; ${execute.length} attempts with ${keys.size} Idempotency-Key, ${
      execute.filter((entry) => entry.replayed).length
    } replayed; runs created: ${store.size() - before}\n`
  )

  // 3. A 503 the API marks `X-Airplane-Retryable: false`: no retry, a typed error at once.
  yield* Console.log(`3. runs.cancel ${runID}; the server is told to answer 503 with X-Airplane-Retryable: false`)
  faults.add({ route: "runs/cancel", kind: "status", status: 503, retryable: false, times: 1, error: scripted })
  mark = last(log)
  const error = yield* showingRetries(runs.cancel({ runID })).pipe(
    Effect.zipRight(Effect.dieMessage("the cancel was meant to fail")),
    Effect.flip
  )
  const attempts = since(log, mark, "/v0/runs/cancel").length
  const status = "status" in error ? error.status : 0
  yield* Console.log(`  -> ${error._tag} (${status}) after ${attempts} attempt: ${error.message}`)
  // The cancel never reached the API: the run goes on. Wait for its end, so that it does not
  // change during the walk below (which sees only runs last updated before it began).
  const finished = yield* runs.awaitCompletion({ id: runID }, { schedule: Schedule.spaced("50 millis") })
  yield* Console.log(`     so ${runID} went on: ${finished.status}\n`)

  // 4. A walk over every page while one request in five fails with a 503.
  yield* Console.log("4. runs.list over every page; the server is told to answer 503 to 1 request in 5")
  const expected = updatedBy(store, new Date(store.now()))
  faults.add({ route: "runs/list", kind: "status", status: 503, probability: 0.2, error: scripted })
  mark = last(log)
  const count = yield* runs.list({}, { prefetch: 4 }).pipe(Stream.runCount)
  faults.clear()
  const walkFaults = since(log, mark, "/v0/runs/list").filter((entry) => entry.status === 503).length
  yield* Console.log(
    `  -> ${number(count)} of ${number(expected)} runs, ${walkFaults} 503s ridden through (retries not shown);\n` +
      `     ${number(seeded)} seeded and ${number(expected - seeded)} started in 2, all finished before the walk began`
  )

  return {
    get: { statuses: statuses(get), retryAfterMs: retryAfter * 1_000, gapMs },
    execute: { runID, statuses: statuses(execute) },
    refused: { tag: error._tag, status, attempts },
    walk: { runs: count, expected, seeded, faults: walkFaults },
    retries
  } satisfies Survived
})

/** The data set: a thousand runs, all finished; retries start at 100 ms. */
export const main: Effect.Effect<Survived, RunsError.RunsError> = Effect.suspend(() =>
  program.pipe(
    Effect.provide(layerRuns(layerEmbedded({ seed: settledSeed(1_000) }), { retry: { initialDelay: "100 millis" } }))
  )
)
