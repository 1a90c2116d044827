/**
 * Part 3, consistency: what a walk of every run promises while runs change under it.
 *
 * A walk without `until` pins it to its start, and the API filters on a run's last update: a
 * run created during the walk never enters the window, and a run updated during it leaves the
 * window, moving every older run up one place. So, checked here against the server's store:
 * no run is emitted twice; every run emitted existed at the start; an unchanged run is missed
 * only when runs newer than it changed, at most one per change and page boundary it fell
 * between (see `hiddenPerChange`); and a walk over runs that do not change is exact.
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
/** Runs started just before each walk: the newest of its window, the ones the churn changes. */
const started = 24

const tally = Tally.row("3 consistency")
let changedInAll = 0
let hiddenInAll = 0
/** The most unchanged runs missed per change in one walk, by prefetch. */
const worst = new Map<number, number>()

afterAll(() => {
  tally.notes.push(
    `${seeded} seeded runs and ${started} started before each walk, pages of ${pageSize}, prefetch ${prefetch} and 0`,
    `under churn: ${changedInAll} runs of the windows changed during the walks, ${hiddenInAll} unchanged runs were missed`,
    `unchanged runs missed per change, worst walk: ${
      [...worst].map(([ahead, ratio]) => `prefetch ${ahead} ${ratio.toFixed(2)}`).join(", ")
    } (allowed: ${[...worst.keys()].map((ahead) => hiddenPerChange(ahead)).join(" and ")})`
  )
  Tally.write(tally)
  assert.deepStrictEqual(Secrets.watch.leaks, [])
})

/**
 * How many unchanged runs one change can hide. A change moves the runs older than it up one
 * place, hiding the run that crosses a boundary between a page read before it and the next
 * page read after it. Pages read one at a time (prefetch 0) have one such boundary; with
 * prefetch, the pages in flight together (prefetch + 1 of them) may be answered out of
 * order, and a change can fall between several pairs of them.
 */
const hiddenPerChange = (ahead: number): number => Math.floor((ahead + 3) / 2)

/** Latency, so the churn interleaves with the pages; runs that live long enough to be cancelled. */
const serve = () =>
  startServer({
    seed: { runs: seeded, tasks: 3 },
    latencyMs: 3,
    lifecycle: { queueMs: 20, startMs: 20, runMs: 200 }
  })

/** When a run was last updated: the latest of its times (what `since` and `until` filter on). */
const lastUpdated = (run: Runs.Run): number =>
  Math.max(
    ...[run.createdAt, run.activeAt, run.succeededAt, run.failedAt, run.cancelledAt].map((date) => date?.getTime() ?? 0)
  )

/**
 * The `until` the walk pinned: the latest asked for, as a page prefetched past the end by the
 * walk before may be logged after the log was cleared for this one.
 */
const pinnedUntil = (server: RunsServer.RunningServer): number => {
  const untils = server.requestLog.entries()
    .filter((entry) => entry.path === "/v0/runs/list")
    .map((entry) => Date.parse(entry.query["until"]!))
  assert.isNotEmpty(untils)
  return Math.max(...untils)
}

/**
 * Checks a walk against the store as it is after it: the runs that existed at the pinned
 * `until`, and which of them changed since. Counts into the tally.
 */
const check = (server: RunsServer.RunningServer, walked: ReadonlyArray<string>, ahead: number) => {
  tally.tried++
  const until = pinnedUntil(server)
  const existed = allIds(server).map((id) => server.store.get(id)!).filter((run) => run.createdAt!.getTime() <= until)
  const changed = existed.filter((run) => lastUpdated(run) > until)
  const unchanged = existed.filter((run) => lastUpdated(run) <= until)
  const seen = new Map<string, number>()
  for (const id of walked) seen.set(id, (seen.get(id) ?? 0) + 1)
  const doubled = [...seen].filter(([, n]) => n > 1).map(([id]) => id)
  const strangers = walked.filter((id) => !existed.some((run) => run.id === id))
  const hidden = unchanged.filter((run) => !seen.has(run.id!))
  const allowed = changed.length * hiddenPerChange(ahead)
  changedInAll += changed.length
  hiddenInAll += hidden.length
  if (changed.length > 0) worst.set(ahead, Math.max(worst.get(ahead) ?? 0, hidden.length / changed.length))
  tally.duplicated += doubled.length
  tally.lost += Math.max(0, hidden.length - allowed)
  const kept = doubled.length === 0 && strangers.length === 0 && hidden.length <= allowed
  if (kept) tally.survived++
  else tally.unexpected++
  assert.deepStrictEqual(doubled, [], "runs seen twice")
  assert.deepStrictEqual(strangers, [], "runs that did not exist when the walk began")
  assert.isAtMost(hidden.length, allowed, `unchanged runs missed, with ${changed.length} changed during the walk`)
  return { changed: changed.length, hidden: hidden.length, existed: existed.length }
}

/** Churners at once. */
const churners = 4

/**
 * Starts runs (which never enter a pinned walk's window) and cancels the runs started before
 * the walk (each a change that leaves it), then its own, until interrupted.
 */
const churn = (runs: Runs.Service, slug: string, targets: Array<string>) =>
  Effect.gen(function*() {
    for (;;) {
      const own = yield* runs.execute({ slug })
      // A run that already finished answers 400: churn goes on.
      yield* Effect.ignore(runs.cancel({ runID: targets.pop() ?? own }))
    }
  })

/** Runs started before the walk, by the store directly: the newest runs of its window. */
const startBefore = (server: RunsServer.RunningServer): Array<string> =>
  Array.from({ length: started }, () => server.store.execute({ slug: server.store.tasks[1]!.slug })!.id!)

const coreWalk = (server: RunsServer.RunningServer, ahead: number, churning: boolean) =>
  Effect.gen(function*() {
    const runs = yield* Runs.make({ apiKey: secretKey, host: server.url, retry: fastRetry(5) })
    const targets = churning ? startBefore(server) : []
    const fibers = churning
      ? yield* Effect.forkAll(Array.from({ length: churners }, () => churn(runs, server.store.tasks[0]!.slug, targets)))
      : undefined
    // Let the churn start first, so the walk begins among changes.
    if (churning) yield* Effect.sleep("20 millis")
    server.requestLog.clear()
    const walked = yield* Stream.runCollect(runs.list({ limit: pageSize }, { prefetch: ahead }))
    if (fibers !== undefined) yield* Fiber.interrupt(fibers)
    return Chunk.toArray(walked).map((run) => run.id!)
  }).pipe(Effect.provide(FetchHttpClient.layer), Effect.provide(Secrets.layer))

const facadeWalk = async (server: RunsServer.RunningServer, ahead: number, churning: boolean) => {
  await using client = new AirplaneRuns({ apiKey: secretKey, baseUrl: server.url, prefetch: ahead })
  await using churner = new AirplaneRuns({ apiKey: secretKey, baseUrl: server.url })
  const slug = server.store.tasks[0]!.slug
  const targets = churning ? startBefore(server) : []
  let stop = !churning
  const background = Promise.all(Array.from({ length: churning ? churners : 0 }, async () => {
    while (!stop) {
      const own = await churner.runs.execute({ slug })
      // A run that already finished answers 400: churn goes on.
      await churner.runs.cancel({ runID: targets.pop() ?? own }).catch(() => undefined)
    }
  }))
  if (churning) await new Promise((resolve) => setTimeout(resolve, 20))
  server.requestLog.clear()
  const walked: Array<string> = []
  for await (const run of client.runs.list({ limit: pageSize })) walked.push(run.id!)
  stop = true
  await background
  return walked
}

describe("a walk over runs that do not change", () => {
  it("is exact: every run, once, newest first, through core and the facade, with and without prefetch", async () => {
    await using server = await serve()
    const expected = allIds(server)
    for (const ahead of [0, prefetch]) {
      const core = await Effect.runPromise(coreWalk(server, ahead, false))
      assert.deepStrictEqual(core, expected, `core, prefetch ${ahead}`)
      assert.strictEqual(check(server, core, ahead).hidden, 0)
      const facade = await facadeWalk(server, ahead, false)
      assert.deepStrictEqual(facade, expected, `facade, prefetch ${ahead}`)
      assert.strictEqual(check(server, facade, ahead).hidden, 0)
    }
  }, heavyTimeoutMs)
})

describe("a walk while runs are started, and the newest ones cancelled", () => {
  for (const ahead of [0, prefetch]) {
    it(`through core, prefetch ${ahead}: no run twice, none from after the start, few missed`, async () => {
      for (let i = 0; i < walks; i++) {
        await using server = await serve()
        const walked = await Effect.runPromise(coreWalk(server, ahead, true))
        const { changed } = check(server, walked, ahead)
        assert.isAbove(changed, 0, "runs of the window changed during the walk")
      }
    }, heavyTimeoutMs)

    it(`through the facade, prefetch ${ahead}: no run twice, none from after the start, few missed`, async () => {
      for (let i = 0; i < walks; i++) {
        await using server = await serve()
        const walked = await facadeWalk(server, ahead, true)
        const { changed } = check(server, walked, ahead)
        assert.isAbove(changed, 0, "runs of the window changed during the walk")
      }
    }, heavyTimeoutMs)
  }
})
