/**
 * promise: the jobs of `compose`, through the Promise facade, in plain async/await.
 *
 * For one task it starts a run and awaits its outputs, walks the task's runs of the past week
 * with `for await` (counting the failures, keeping the runs not finished), and cancels the
 * unfinished ones, four at a time. Errors are thrown, and `instanceof` tells them apart: a run that
 * is gone (`NotFoundError`), a run that finished before its cancel (`BadRequestError` with code
 * `run_terminal`), an API that keeps answering 429 (`RateLimitedError`). Anything else is
 * rethrown. Last, an `AbortSignal.timeout` gives up on a call that is taking too long.
 *
 *   pnpm demo promise
 */
import type { Run } from "@airplane-runs/promise"
import { AbortedError, AirplaneRuns, BadRequestError, NotFoundError, RateLimitedError } from "@airplane-runs/promise"
import type { RunsServer } from "@airplane-runs/server"
import { Redacted } from "effect"
import { open, type Target } from "./shared/Target.js"

const taskSlug = "send_invoice"
const week = 7 * 24 * 60 * 60 * 1_000

/** What the program did, for the reader and for the example's test. */
export interface Result {
  readonly runID: string
  readonly status: Run["status"]
  readonly output: unknown
  /** The start of the week walked; the walk ends when it started. */
  readonly since: Date
  readonly listed: number
  readonly failures: ReadonlyArray<string>
  readonly cancelled: ReadonlyArray<string>
  readonly alreadyFinished: ReadonlyArray<string>
  readonly missing: Run | undefined
  readonly rateLimited: boolean
  /** Whether the call given 500 ms was aborted (on a real API it may well answer in time). */
  readonly aborted: boolean
  /** The status read by the call after the aborted one. */
  readonly statusAfterAbort: Run["status"]
}

/** The embedded server of `main`: two thousand runs over the 30 days up to its start, runs that finish fast. */
export const serverOptions: RunsServer.Options = {
  seed: { runs: 2_000 },
  lifecycle: { queueMs: 50, startMs: 100, runMs: 300 }
}

/** The jobs, against a target that is already open (a test passes its own). */
export const program = async (target: Target, print: (line: string) => void = console.log): Promise<Result> => {
  // `await using` closes the client however this function ends: calls still in flight then
  // reject with ClientClosedError, and nothing more is sent.
  await using client = new AirplaneRuns({ apiKey: Redacted.value(target.apiKey), baseUrl: target.host })
  print(`Calls go to ${target.description}.`)

  // Start a run and wait for its outputs. The default polling (250 ms apart, doubling up to
  // 5 s) suits long runs; this task takes well under a second, so poll every 100 ms.
  const started = Date.now()
  const runID = await client.runs.execute({ slug: taskSlug, paramValues: { customer: "acme", amount: 42 } })
  const { output, run } = await client.runs.awaitOutputs({ id: runID }, { pollIntervalMs: 100 })
  print(`Started      ${runID}: ${run.status} after ${Date.now() - started} ms, output ${JSON.stringify(output)}`)

  // A run id kept from long ago: NotFoundError is an expected answer here, not a failure.
  // Any other error (the API down, a bad key) is not ours to swallow.
  let missing: Run | undefined
  try {
    missing = await client.runs.get({ id: "run_deleted_long_ago" })
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error
    print(`Looked up    run_deleted_long_ago: ${error.status} ${error.code}, skipped`)
  }

  // The week's runs of the task, walked once. Pages are fetched ahead while the loop reads,
  // and the walk ends at the time it started, so runs started meanwhile do not shift pages.
  const since = new Date(Date.now() - week)
  let listed = 0
  const failures: Array<string> = []
  const active: Array<string> = []
  for await (const r of client.runs.list({ taskSlug, since })) {
    listed++
    if (r.status === "Failed") failures.push(r.id!)
    if (r.status === "NotStarted" || r.status === "Queued" || r.status === "Active") active.push(r.id!)
  }
  print(`Past 7 days  ${taskSlug}: ${listed} runs, ${failures.length} failed, ${active.length} not finished`)

  // Cancel the unfinished ones, 4 at a time. One that finished in the meantime is refused with
  // code `run_terminal`; that is fine, any other error is not.
  const outcomes = await mapLimit(active, 4, async (id) => {
    try {
      await client.runs.cancel({ runID: id })
      return { id, cancelled: true }
    } catch (error) {
      if (error instanceof BadRequestError && error.code === "run_terminal") return { id, cancelled: false }
      throw error
    }
  })
  const cancelled = outcomes.filter((o) => o.cancelled).map((o) => o.id)
  const alreadyFinished = outcomes.filter((o) => !o.cancelled).map((o) => o.id)
  print(`Cancelled    ${cancelled.length}; ${alreadyFinished.length} had finished already`)

  // The embedded server is told to play an API under load: its next three lists answer 429.
  // A real API cannot be told, and this line does nothing there.
  const scripted = target.server !== undefined
  target.server?.faults.add({
    route: "runs/list",
    kind: "status",
    status: 429,
    retryAfter: "0",
    times: 3,
    error: "scripted by the promise example"
  })
  // A report that may be skipped gives up sooner than the client's default (4 retries): after
  // 2 retries, still rate limited, it is skipped, not failed.
  let rateLimited = false
  try {
    const page = await client.runs.list({ taskSlug, limit: 10 }, { maxRetries: 2 }).page(0)
    print(`Report       latest ${page.runs.length} runs read`)
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error
    rateLimited = true
    print(
      `Report       skipped: still rate limited (${error.status}) after 3 attempts${
        scripted ? "; the example told the server to answer 429 three times" : ""
      }`
    )
  }

  // A status check that is worth nothing after half a second. The embedded server is told to
  // take 2 s over it (on a real API this line does nothing, and the call likely answers in
  // time). The signal stops the request in flight and any wait between retries; the call
  // rejects with AbortedError, whose cause is the signal's reason.
  target.server?.faults.add({ route: "runs/get", kind: "slow", delayMs: 2_000, times: 1 })
  let aborted = false
  try {
    const quick = await client.runs.get({ id: runID }, { signal: AbortSignal.timeout(500) })
    print(`Quick check  ${runID}: ${quick.status} within 500 ms`)
  } catch (error) {
    if (!(error instanceof AbortedError)) throw error
    aborted = true
    print(
      `Quick check  ${runID}: no answer within 500 ms, the signal aborted the call (${error.name})${
        scripted ? "; the example told the server to take 2 s" : ""
      }`
    )
  }
  // An aborted call leaves the client as it was: the next one goes through.
  const after = await client.runs.get({ id: runID })
  print(`Checked      ${runID} again: ${after.status}`)

  return {
    runID,
    status: run.status,
    output,
    since,
    listed,
    failures,
    cancelled,
    alreadyFinished,
    missing,
    rateLimited,
    aborted,
    statusAfterAbort: after.status
  }
}

// `f` over every item, at most `limit` at once, the results in the items' order. The first
// error rejects at once; the calls already started end on their own (or when the client is
// closed), and no new one is started.
const mapLimit = async <A, B>(
  items: ReadonlyArray<A>,
  limit: number,
  f: (item: A) => Promise<B>
): Promise<Array<B>> => {
  const results = new Array<B>(items.length)
  let next = 0
  let failed = false
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++
      try {
        results[index] = await f(items[index]!)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** Runs the program against the example's target, the embedded server unless configured. */
export const main = async (print: (line: string) => void = console.log): Promise<Result> => {
  await using target = await open(serverOptions)
  // `return await`: the target must stay open until the program is done, not only started.
  return await program(target, print)
}
