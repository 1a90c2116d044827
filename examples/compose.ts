/**
 * compose: the Runs client as one service among others in an Effect program.
 *
 * For one task it starts a run and waits for it on a Schedule of its own, reads the run's
 * outputs, lists the task's failures of the past week, and cancels the runs not finished yet, a
 * few at a time. Errors are values in the error channel: a run that is gone (`NotFound`) and
 * an API that keeps answering 429 (`RateLimited`) are handled by tag; anything else fails the
 * program with a typed error. One call carries a retry policy of its own.
 *
 *   pnpm demo compose
 */
import { RetryPolicy, Runs, RunsError } from "@airplane-runs/core"
import { Chunk, Console, Duration, Effect, Option, Schedule, Stream } from "effect"
import { ExampleTarget, layer, layerRuns } from "./shared/Target.js"

const taskSlug = "send_invoice"
const week = Duration.toMillis("7 days")
const unfinished = new Set<Runs.Run["status"]>(["NotStarted", "Queued", "Active"])

/** What the program did, for the reader and for the example's test. */
export interface Composed {
  readonly runID: string
  readonly status: string | null | undefined
  readonly output: unknown
  /** The start of the week walked; the walk ends when it started. */
  readonly since: Date
  readonly listed: number
  readonly failures: ReadonlyArray<string>
  readonly cancelled: ReadonlyArray<string>
  readonly alreadyFinished: ReadonlyArray<string>
  readonly missing: Option.Option<Runs.Run>
  readonly rateLimited: boolean
}

export const program = Effect.gen(function*() {
  const runs = yield* Runs.Runs
  const target = yield* ExampleTarget
  yield* Console.log(`Calls go to ${target.description}.`)

  // Start a run, then poll it every 100 ms (at most 100 times) until it has finished.
  const runID = yield* runs.execute({ slug: taskSlug, paramValues: { customer: "acme", amount: 42 } })
  const [took, run] = yield* runs.awaitCompletion({ id: runID }, {
    schedule: Schedule.spaced("100 millis").pipe(Schedule.intersect(Schedule.recurs(100)))
  }).pipe(Effect.timed)
  const output = yield* runs.getOutputs({ id: runID })
  yield* Console.log(
    `Started      ${runID}: ${run.status} after ${Math.round(Duration.toMillis(took))} ms, output ${
      JSON.stringify(output)
    }`
  )

  // A run id kept from long ago: NotFound is an expected answer here, not a failure.
  const missing = yield* runs.get({ id: "run_deleted_long_ago" }).pipe(
    Effect.map(Option.some),
    Effect.catchTag(
      "NotFound",
      (error) =>
        Effect.as(
          Console.log(`Looked up    run_deleted_long_ago: ${error.status} ${error.code}, skipped`),
          Option.none()
        )
    )
  )

  // The week's runs of the task, walked once, pages fetched ahead while the stream is read.
  const since = new Date((yield* Effect.clockWith((clock) => clock.currentTimeMillis)) - week)
  const recent = yield* runs.list({ taskSlug, since }).pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
  const failures = recent.filter((r) => r.status === "Failed").map((r) => r.id!)
  const active = recent.filter((r) => unfinished.has(r.status)).map((r) => r.id!)
  yield* Console.log(
    `Past 7 days  ${taskSlug}: ${recent.length} runs, ${failures.length} failed, ${active.length} not finished`
  )

  // Cancel the unfinished ones, 4 at a time. One that finished in the meantime is refused with
  // code `run_terminal`; that is fine, any other error is not.
  const outcomes = yield* Effect.forEach(
    active,
    (id) =>
      runs.cancel({ runID: id }).pipe(
        Effect.as({ id, cancelled: true }),
        Effect.catchIf(
          (error) => error._tag === "BadRequest" && error.code === "run_terminal",
          () => Effect.succeed({ id, cancelled: false })
        )
      ),
    { concurrency: 4 }
  )
  const cancelled = outcomes.filter((o) => o.cancelled).map((o) => o.id)
  const alreadyFinished = outcomes.filter((o) => !o.cancelled).map((o) => o.id)
  yield* Console.log(`Cancelled    ${cancelled.length}; ${alreadyFinished.length} had finished already`)

  // The embedded server is told to play an API under load: its next three lists answer 429.
  // A real API cannot be told, and this line does nothing there.
  const scripted = target.server !== undefined
  target.server?.faults.add({
    route: "runs/list",
    kind: "status",
    status: 429,
    retryAfter: "0",
    times: 3,
    error: "scripted by the compose example"
  })
  // A report that may be skipped gives up sooner than the client's default (5 attempts):
  // 3 attempts, 50 ms apart at first. Still rate limited then, it is skipped, not failed.
  const rateLimited = yield* runs.listPage({ taskSlug, limit: 10 }, {
    retry: RetryPolicy.make({ maxAttempts: 3, initialDelay: "50 millis" })
  }).pipe(
    Effect.tap((page) => Console.log(`Report       latest ${page.runs.length} runs read`)),
    Effect.as(false),
    Effect.catchTag("RateLimited", (error) =>
      Effect.as(
        Console.log(
          `Report       skipped: still rate limited (${error.status}) after ${error.attempts} attempts${
            scripted ? "; the example told the server to answer 429 three times" : ""
          }`
        ),
        true
      ))
  )

  return {
    runID,
    status: run.status,
    output,
    since,
    listed: recent.length,
    failures,
    cancelled,
    alreadyFinished,
    missing,
    rateLimited
  }
})

/** The seeded data set: two thousand runs over the 30 days up to the server's start. */
export const seed = { runs: 2_000 } as const

/** Runs the program against the example's target, the embedded server unless configured. */
export const main: Effect.Effect<Composed, RunsError.RunsError> = program.pipe(
  Effect.provide(layerRuns(layer({ seed, lifecycle: { queueMs: 50, startMs: 100, runMs: 300 } })))
)
