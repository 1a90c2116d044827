/**
 * Part 3, consistency: a walk of every run, pages prefetched, while another fiber starts new
 * runs and cancels some: every run that existed when the walk began appears exactly once.
 */
import { Runs } from "@airplane-runs/core"
import { AirplaneRuns } from "@airplane-runs/promise"
import type { RunsServer } from "@airplane-runs/server"
import { FetchHttpClient } from "@effect/platform"
import { Chunk, Effect, Fiber, Stream } from "effect"
import { afterAll, assert, describe, it } from "vitest"
import { allIds, fastRetry, startServer } from "../src/Harness.js"
import * as Secrets from "../src/Secrets.js"
import { count, heavyTimeoutMs, secretKey } from "../src/Settings.js"
import * as Tally from "../src/Tally.js"

const seeded = count(300, 2_000)
const walks = count(1, 5)
const pageSize = 20
const prefetch = 4

const tally = Tally.row("3 consistency")
let churned = 0

afterAll(() => {
  tally.notes.push(
    `${seeded} seeded runs, pages of ${pageSize}, prefetch ${prefetch}; ${churned} runs started or cancelled during the walks`
  )
  Tally.write(tally)
  assert.deepStrictEqual(Secrets.watch.leaks, [])
})

/** Latency, so the churn interleaves with the pages; runs that live long enough to be cancelled. */
const serve = () =>
  startServer({
    seed: { runs: seeded, tasks: 3 },
    latencyMs: 3,
    lifecycle: { queueMs: 20, startMs: 20, runMs: 200 }
  })

/** Checks a walk against the runs that existed when it began; counts into the tally. */
const check = (before: ReadonlyArray<string>, walked: ReadonlyArray<string>) => {
  tally.tried++
  const seen = new Map<string, number>()
  for (const id of walked) seen.set(id, (seen.get(id) ?? 0) + 1)
  const lost = before.filter((id) => !seen.has(id))
  const doubled = [...seen.values()].filter((n) => n > 1).length
  tally.lost += lost.length
  tally.duplicated += doubled
  if (lost.length === 0 && doubled === 0) tally.survived++
  else tally.unexpected++
  assert.deepStrictEqual(lost, [], "runs lost")
  assert.strictEqual(doubled, 0, "runs seen twice")
}

/** Churners at once, each starting runs and cancelling every other one. */
const churners = 4

/** Starts runs and cancels every other one, until interrupted. */
const churn = (runs: Runs.Service, slug: string) =>
  Effect.gen(function*() {
    const started: Array<string> = []
    for (;;) {
      started.push(yield* runs.execute({ slug }))
      churned++
      if (started.length % 2 === 0) {
        // A run that already finished answers 400: churn goes on.
        yield* Effect.ignore(runs.cancel({ runID: started[started.length - 2]! }))
        churned++
      }
    }
  })

const coreWalk = (server: RunsServer.RunningServer) =>
  Effect.gen(function*() {
    const runs = yield* Runs.make({ apiKey: secretKey, host: server.url, retry: fastRetry(5) })
    const before = allIds(server)
    const churning = yield* Effect.forkAll(
      Array.from({ length: churners }, () => churn(runs, server.store.tasks[0]!.slug))
    )
    // Let the churn start first, so the walk begins among new runs.
    yield* Effect.sleep("20 millis")
    const snapshot = allIds(server)
    const walked = yield* Stream.runCollect(runs.list({ limit: pageSize }, { prefetch }))
    yield* Fiber.interrupt(churning)
    assert.isAbove(server.store.size(), before.length, "runs were started during the walk")
    return { snapshot, walked: Chunk.toArray(walked).map((run) => run.id!) }
  }).pipe(Effect.provide(FetchHttpClient.layer), Effect.provide(Secrets.layer))

describe("a walk under churn", () => {
  it("through core: every run that existed at the start, exactly once", async () => {
    for (let i = 0; i < walks; i++) {
      await using server = await serve()
      const { snapshot, walked } = await Effect.runPromise(coreWalk(server))
      check(snapshot, walked)
    }
  }, heavyTimeoutMs)

  it("through the facade: every run that existed at the start, exactly once", async () => {
    for (let i = 0; i < walks; i++) {
      await using server = await serve()
      await using client = new AirplaneRuns({ apiKey: secretKey, baseUrl: server.url, prefetch })
      await using churner = new AirplaneRuns({ apiKey: secretKey, baseUrl: server.url })
      const slug = server.store.tasks[0]!.slug
      let stop = false
      const churning = Promise.all(Array.from({ length: churners }, async () => {
        let previous: string | undefined
        while (!stop) {
          const id = await churner.runs.execute({ slug })
          churned++
          if (previous !== undefined) {
            await churner.runs.cancel({ runID: previous }).catch(() => undefined)
            churned++
            previous = undefined
          } else previous = id
        }
      }))
      await new Promise((resolve) => setTimeout(resolve, 20))
      const snapshot = allIds(server)
      const walked: Array<string> = []
      for await (const run of client.runs.list({ limit: pageSize })) walked.push(run.id!)
      stop = true
      await churning
      check(snapshot, walked)
    }
  }, heavyTimeoutMs)
})
