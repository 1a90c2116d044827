import { RunsServer } from "@airplane-runs/server"
import { assert, layer } from "@effect/vitest"
import { Chunk, Effect, Either, Fiber, Schedule, Stream } from "effect"
import * as RetryPolicy from "../src/RetryPolicy.js"
import * as Runs from "../src/Runs.js"
import { ids, listRequests, reset, serverAndClient, settle } from "./utils/pagination.js"

// Waits on the real clock until `condition` holds, for at most about 5 s.
const until = (condition: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 1_000 && !condition(); i++) yield* Effect.sleep("5 millis")
    assert.isTrue(condition(), "timed out")
  })

layer(
  serverAndClient({ seed: { runs: 300, tasks: 2 }, lifecycle: { queueMs: 5, startMs: 5, runMs: 20 } }),
  { excludeTestServices: true }
)("Runs.watchTask", (it) => {
  it.effect("emits each run started after the watch began once, and only of its task", () =>
    Effect.gen(function*() {
      const server = yield* RunsServer.RunsServer
      const runs = yield* Runs.Runs
      yield* reset(server)
      const [task, other] = server.store.tasks
      const seen: Array<Runs.Run> = []
      const watching = yield* Effect.fork(Stream.runForEach(
        runs.watchTask({ taskSlug: task.slug }, { schedule: Schedule.spaced("5 millis") }),
        (run) => Effect.sync(() => seen.push(run))
      ))
      yield* until(() => listRequests(server).length >= 1)
      const started: Array<string> = []
      for (let i = 0; i < 3; i++) {
        started.push(yield* runs.execute({ slug: task.slug }))
        yield* runs.execute({ slug: other.slug })
        yield* Effect.sleep("3 millis")
      }
      yield* until(() => seen.length >= 3)
      // The runs go through their lifecycle meanwhile, and so come back in later windows:
      // many more polls see them, and none is emitted again.
      const polls = listRequests(server).length
      yield* until(() => listRequests(server).length >= polls + 10)
      yield* until(() => started.every((id) => server.store.get(id)!.status === "Succeeded"))
      yield* until(() => listRequests(server).length >= polls + 20)
      // Once each. In the order of creation only within a poll: a run updated after a poll's
      // window closed comes with the next poll, after newer ones.
      assert.deepStrictEqual([...ids(seen)].sort(), [...started].sort())
      yield* Fiber.interrupt(watching)
      yield* settle
      const after = listRequests(server).length
      yield* Effect.sleep("50 millis")
      assert.strictEqual(listRequests(server).length, after, "no poll after the interruption")
    }))

  it.effect("with since, the runs created from then on, across pages, once each", () =>
    Effect.gen(function*() {
      const server = yield* RunsServer.RunsServer
      const runs = yield* Runs.Runs
      yield* reset(server)
      const task = server.store.tasks[0]
      const all = server.store.all({ taskSlug: task.slug })
      // 120 runs: three pages of the list endpoint in the first poll.
      const since = all[119].createdAt!
      const expected = ids(all.filter((run) => run.createdAt! >= since)).reverse()
      assert.isAtLeast(expected.length, 120)
      // Three polls, then the schedule gives up and the watch ends.
      const schedule = Schedule.recurs(2).pipe(Schedule.intersect(Schedule.spaced("5 millis")))
      const seen = yield* Stream.runCollect(runs.watchTask({ taskID: task.id }, { since, schedule }))
      assert.deepStrictEqual(ids(Chunk.toArray(seen)), expected)
      const requests = listRequests(server)
      assert.isAtLeast(requests.length, 5, "three pages, then two more polls")
      assert.isTrue(requests.every((entry) => entry.query["taskID"] === task.id))
      assert.isTrue(requests.every((entry) => entry.query["until"] !== undefined), "every window pinned")
    }))

  it.effect("taking runs ends the watch: nothing is polled after", () =>
    Effect.gen(function*() {
      const server = yield* RunsServer.RunsServer
      const runs = yield* Runs.Runs
      yield* reset(server)
      const task = server.store.tasks[1]
      const since = server.store.all({ taskSlug: task.slug })[1].createdAt!
      const two = yield* Stream.runCollect(Stream.take(runs.watchTask({ taskSlug: task.slug }, { since }), 2))
      assert.strictEqual(two.length, 2)
      yield* settle
      assert.strictEqual(listRequests(server).length, 1)
    }))

  it.effect("fails typed: InvalidRequest for a bad since (nothing sent), the list's error otherwise", () =>
    Effect.gen(function*() {
      const server = yield* RunsServer.RunsServer
      const runs = yield* Runs.Runs
      yield* reset(server)
      const task = server.store.tasks[0]
      const bad = yield* Effect.either(
        Stream.runCollect(runs.watchTask({ taskSlug: task.slug }, { since: new Date(Number.NaN) }))
      )
      assert.isTrue(Either.isLeft(bad) && bad.left._tag === "InvalidRequest")
      assert.strictEqual(server.requestLog.entries().length, 0)
      server.faults.add({ route: "runs/list", kind: "status", status: 503, times: 1 })
      const failed = yield* Effect.either(
        Stream.runCollect(runs.watchTask({ taskSlug: task.slug }, { retry: RetryPolicy.none }))
      )
      assert.isTrue(Either.isLeft(failed) && failed.left._tag === "ServerError")
    }))
})

layer(serverAndClient({ clock: "manual", seed: { runs: 20, tasks: 2 } }), { excludeTestServices: true })(
  "Runs.watchTask with the API's clock behind this one",
  (it) => {
    it.effect("a run stamped before the last window's end, by the API's clock, is still seen", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const task = server.store.tasks[0]
        // The API's clock a second behind this one (within Runs.watchTaskOverlap).
        const behind = () => server.advance!(Date.now() - 1_000 - server.advance!(0))
        behind()
        const since = new Date(server.advance!(0))
        const seen: Array<Runs.Run> = []
        const watching = yield* Effect.fork(Stream.runForEach(
          runs.watchTask({ taskSlug: task.slug }, { since, schedule: Schedule.spaced("5 millis") }),
          (run) => Effect.sync(() => seen.push(run))
        ))
        const started: Array<string> = []
        for (let i = 0; i < 3; i++) {
          const polls = listRequests(server).length
          yield* until(() => listRequests(server).length >= polls + 2)
          behind()
          started.push(yield* runs.execute({ slug: task.slug }))
        }
        yield* until(() => seen.length >= 3)
        // Once each. In the order of creation only within a poll: a run updated after a poll's
        // window closed comes with the next poll, after newer ones.
        assert.deepStrictEqual([...ids(seen)].sort(), [...started].sort())
        yield* Fiber.interrupt(watching)
      }))
  }
)
