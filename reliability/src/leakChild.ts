/**
 * The child process of part 7: calls through core and the facade, each aborted at a random
 * point (before it starts, in flight, in a wait between attempts, mid-walk), then the client is
 * closed. It prints what it saw as one JSON line and ends by itself: a socket or a timer left
 * open would keep it alive, which the parent (test/Leaks.test.ts) reports as a leak. The server
 * runs in the parent, still up when the child ends, as a real API would be.
 *
 * Run with `node --expose-gc --import tsx src/leakChild.ts`; `LEAK_URL` is the server's origin,
 * `LEAK_IDS` run ids to read, `LEAK_SLUG` a task to start, `LEAK_CALLS` the count.
 */
import { Runs } from "@airplane-runs/core"
import { AirplaneRuns } from "@airplane-runs/promise"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Fiber, Stream } from "effect"
import { secretKey } from "./Settings.js"

const calls = Number(process.env.LEAK_CALLS ?? "100")
const concurrency = 10
/** Aborts fall anywhere from before the call to well after a loaded machine's slowest answer. */
const abortWithinMs = 300
const gc = (globalThis as { gc?: () => void }).gc

const url = process.env.LEAK_URL!
const ids = process.env.LEAK_IDS!.split(",")
const slug = process.env.LEAK_SLUG!
const facade = new AirplaneRuns({
  apiKey: secretKey,
  baseUrl: url,
  retry: { initialDelayMs: 5, maxDelayMs: 20 }
})
const core = await Effect.runPromise(
  Runs.make({ apiKey: secretKey, host: url, retry: { initialDelay: "5 millis", maxDelay: "20 millis" } }).pipe(
    Effect.provide(FetchHttpClient.layer)
  )
)

const outcomes = { aborted: 0, completed: 0, failed: 0 }
const random = (n: number) => Math.floor(Math.random() * n)

/** One facade call, its signal fired after a random delay (0: already aborted). */
const facadeCall = async (i: number) => {
  const abort = new AbortController()
  const delay = random(abortWithinMs)
  if (delay === 0) abort.abort()
  const timer = setTimeout(() => abort.abort(), delay)
  const signal = abort.signal
  const id = ids[i % ids.length]!
  try {
    switch (i % 5) {
      case 0:
        await facade.runs.get({ id }, { signal })
        break
      case 1:
        for await (const _ of facade.runs.list({ limit: 10 }, { signal })) void _
        break
      case 2:
        await facade.runs.execute({ slug }, { signal })
        break
      case 3:
        await facade.runs.awaitCompletion({ id: await facade.runs.execute({ slug }, { signal }) }, { signal })
        break
      default:
        await facade.runs.getOutputs({ id }, { signal })
    }
    outcomes.completed++
  } catch (error) {
    if ((error as Error).name === "AbortedError") outcomes.aborted++
    else outcomes.failed++
  } finally {
    clearTimeout(timer)
  }
}

/** One core call, its fiber interrupted after a random delay. */
const coreCall = (i: number) => {
  const id = ids[i % ids.length]!
  const effect: Effect.Effect<unknown, unknown> = i % 3 === 0
    ? core.get({ id })
    : i % 3 === 1
    ? Stream.runDrain(core.list({ limit: 10 }))
    : core.execute({ slug })
  return Effect.runPromise(Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.either(effect))
    yield* Effect.sleep(random(abortWithinMs))
    const exit = yield* Fiber.interrupt(fiber)
    if (exit._tag === "Success") outcomes.completed++
    else outcomes.aborted++
  }))
}

const round = async (n: number, offset: number) => {
  for (let start = 0; start < n; start += concurrency) {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, n - start) }, (_, k) => {
        const i = offset + start + k
        return i % 2 === 0 ? facadeCall(i) : coreCall(i)
      })
    )
  }
}

const heap = () => {
  gc?.()
  return process.memoryUsage().heapUsed
}

// A warm-up round, then the counted one: the heap after it is compared with the heap before.
await round(Math.max(20, Math.floor(calls / 5)), 0)
Object.assign(outcomes, { aborted: 0, completed: 0, failed: 0 })
const heapBefore = heap()
await round(calls, calls)
const heapAfter = heap()

await facade.close()
// Let closed sockets finish closing before counting what is still open.
await new Promise((resolve) => setTimeout(resolve, 200))

process.stdout.write(
  `${
    JSON.stringify({
      calls,
      ...outcomes,
      heapBefore,
      heapAfter,
      gc: gc !== undefined,
      resources: process.getActiveResourcesInfo()
    })
  }\n`
)
