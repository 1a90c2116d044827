import { RunsServer } from "@airplane-runs/server"
import { assert, layer } from "@effect/vitest"
import { Effect, Either, Fiber, Schedule } from "effect"
import * as Runs from "../src/Runs.js"
import type * as RunsError from "../src/RunsError.js"
import { reset, serverAndClient } from "./utils/pagination.js"
import { advancing, gets, startedRun } from "./utils/polling.js"

layer(serverAndClient({ clock: "manual", seed: { runs: 10 } }), { excludeTestServices: true })(
  "Runs.awaitCompletion on a manual clock",
  (it) => {
    it.effect("polls until the run has succeeded, and answers the finished run", () =>
      Effect.gen(function*() {
        const { id, runs, server } = yield* startedRun
        const seen: Array<string | null | undefined> = []
        // Default lifecycle: queued at 50 ms, active at 150 ms, finished at 650 ms.
        const run = yield* runs.awaitCompletion({ id }, { schedule: advancing(server, 100, seen) })
        assert.strictEqual(run.id, id)
        assert.strictEqual(run.status, "Succeeded")
        assert.instanceOf(run.succeededAt, Date)
        assert.isNull(run.failedAt)
        assert.deepStrictEqual(seen, ["NotStarted", "Queued", "Active", "Active", "Active", "Active", "Active"])
        // One request per poll: seven that were not finished, then the one that was.
        assert.strictEqual(gets(server, id).length, 8)
      }))

    it.effect("answers a failed run as Failed", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const id = yield* runs.execute({ slug: server.store.tasks[1].slug, paramValues: { fail: true } })
        const run = yield* runs.awaitCompletion({ id }, { schedule: advancing(server, 200) })
        assert.strictEqual(run.status, "Failed")
        assert.instanceOf(run.failedAt, Date)
        assert.isNull(run.succeededAt)
      }))

    it.effect("a schedule that ends first answers the last run it saw, unfinished", () =>
      Effect.gen(function*() {
        const { id, runs, server } = yield* startedRun
        const schedule = Schedule.recurs(2).pipe(Schedule.intersect(Schedule.spaced("1 millis")))
        const run = yield* runs.awaitCompletion({ id }, { schedule })
        assert.strictEqual(run.id, id)
        assert.strictEqual(run.status, "NotStarted")
        // The first poll and two more.
        assert.strictEqual(gets(server, id).length, 3)
        // The run is still going: nothing cancelled or ended it.
        assert.strictEqual(server.store.get(id)!.status, "NotStarted")
      }))

    it.effect("awaitOutputs answers the finished run and its outputs", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const task = server.store.tasks[2]
        const id = yield* runs.execute({ slug: task.slug, paramValues: { name: "Ada", n: 3 } })
        const done = yield* runs.awaitOutputs({ id }, { schedule: advancing(server, 250) })
        assert.strictEqual(done.run.id, id)
        assert.strictEqual(done.run.status, "Succeeded")
        assert.deepStrictEqual(done.output, {
          task: task.slug,
          paramValues: { name: "Ada", n: 3 },
          message: `${task.name} finished`
        })
        assert.deepStrictEqual(done.output, server.store.outputs(id))
        const outputs = server.requestLog.entries().filter((e) => e.path === "/v0/runs/getOutputs")
        assert.strictEqual(outputs.length, 1)
        assert.strictEqual(outputs[0].query["id"], id)

        const failed = yield* runs.execute({ slug: task.slug, paramValues: { fail: true } })
        const failedDone = yield* runs.awaitOutputs({ id: failed }, { schedule: advancing(server, 250) })
        assert.strictEqual(failedDone.run.status, "Failed")
        assert.deepStrictEqual(failedDone.output, { error: `${task.name} failed: paramValues.fail was true` })
      }))

    it.effect("a run cancelled in the store ends the wait as Cancelled", () =>
      Effect.gen(function*() {
        const { id, runs, server } = yield* startedRun
        const schedule = Schedule.spaced("1 millis").pipe(
          Schedule.tapInput((run: Runs.Run) =>
            Effect.sync(() => {
              server.advance!(60)
              if (run.status === "Queued") server.store.cancel(id)
            })
          )
        )
        const run = yield* runs.awaitCompletion({ id }, { schedule })
        assert.strictEqual(run.status, "Cancelled")
        assert.instanceOf(run.cancelledAt, Date)
        assert.isNull(run.succeededAt)
      }))

    it.effect("a run cancelled through the API by another fiber ends the wait as Cancelled", () =>
      Effect.gen(function*() {
        const { id, runs, server } = yield* startedRun
        // The clock stands still: without the cancel, this wait would never end.
        const waiting = yield* Effect.fork(runs.awaitCompletion({ id }, { schedule: Schedule.spaced("2 millis") }))
        yield* Effect.sleep("10 millis")
        yield* runs.cancel({ runID: id })
        const run = yield* Fiber.join(waiting)
        assert.strictEqual(run.status, "Cancelled")
        assert.isAbove(gets(server, id).length, 1)
      }))

    it.effect("a clock moved by another fiber finishes the run", () =>
      Effect.gen(function*() {
        const { id, runs, server } = yield* startedRun
        const ticking = yield* Effect.fork(
          Effect.forever(Effect.zipRight(Effect.sleep("1 millis"), Effect.sync(() => server.advance!(25))))
        )
        const run = yield* runs.awaitCompletion({ id }, { schedule: Schedule.spaced("1 millis") })
        yield* Fiber.interrupt(ticking)
        assert.strictEqual(run.status, "Succeeded")
      }))

    it.effect("a failed poll is retried by the call's policy; the wait goes on", () =>
      Effect.gen(function*() {
        const { id, runs, server } = yield* startedRun
        server.faults.add({ route: "runs/get", kind: "status", status: 503, times: 2 })
        const run = yield* runs.awaitCompletion({ id }, { schedule: advancing(server, 400) })
        assert.strictEqual(run.status, "Succeeded")
        assert.deepStrictEqual(gets(server, id).slice(0, 3).map((e) => e.status), [503, 503, 200])
      }))

    it.effect("a deadline bounds the whole wait, not each poll, and no poll follows it", () =>
      Effect.gen(function*() {
        // The store's clock stands still: the run never finishes, and every poll is quick.
        const { id, runs, server } = yield* startedRun
        const options = { schedule: Schedule.spaced("10 millis"), deadline: "150 millis" } as const
        const waits: ReadonlyArray<Effect.Effect<unknown, RunsError.RunsError>> = [
          runs.awaitCompletion({ id }, options),
          runs.awaitOutputs({ id }, options)
        ]
        for (const wait of waits) {
          const error = yield* Effect.flip(wait)
          assert.strictEqual(error._tag, "Timeout")
          if (error._tag !== "Timeout") return
          assert.strictEqual(error.scope, "deadline")
          assert.strictEqual(error.timeoutMs, 150)
          // A poll cut by the deadline may still reach the log as its answer is written.
          yield* Effect.sleep("30 millis")
          const polls = gets(server, id).length
          assert.isAbove(polls, 1, "it polled more than once within the deadline")
          yield* Effect.sleep("60 millis")
          assert.strictEqual(gets(server, id).length, polls, "no poll after the deadline")
          yield* reset(server)
        }
      }))

    it.effect("an unknown run fails the wait with NotFound at once; an empty id sends nothing", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const missing = yield* Effect.either(runs.awaitCompletion({ id: "run20220111nosuchrun" }))
        assert.isTrue(Either.isLeft(missing) && missing.left._tag === "NotFound")
        assert.strictEqual(gets(server, "run20220111nosuchrun").length, 1)
        const empty = yield* Effect.either(runs.awaitOutputs({ id: "" }))
        assert.isTrue(Either.isLeft(empty) && empty.left._tag === "InvalidRequest")
        assert.strictEqual(server.requestLog.entries().length, 1)
      }))
  }
)

layer(
  serverAndClient({ seed: { runs: 5 }, lifecycle: { queueMs: 5, startMs: 5, runMs: 20 } }),
  { excludeTestServices: true }
)("Runs.awaitCompletion in real time", (it) => {
  it.effect("with the default schedule, answers a run of a short lifecycle once it has succeeded", () =>
    Effect.gen(function*() {
      const server = yield* RunsServer.RunsServer
      const runs = yield* Runs.Runs
      const id = yield* runs.execute({ slug: server.store.tasks[0].slug })
      const run = yield* runs.awaitCompletion({ id })
      assert.strictEqual(run.status, "Succeeded")
      assert.strictEqual(server.store.get(id)!.status, "Succeeded")
    }))

  it.effect("with a schedule of its own, answers a failing run as Failed, with its outputs", () =>
    Effect.gen(function*() {
      const server = yield* RunsServer.RunsServer
      const runs = yield* Runs.Runs
      const id = yield* runs.execute({ slug: server.store.tasks[0].slug, paramValues: { fail: true } })
      const done = yield* runs.awaitOutputs({ id }, { schedule: Schedule.spaced("5 millis") })
      assert.strictEqual(done.run.status, "Failed")
      assert.deepStrictEqual(done.output, server.store.outputs(id))
      assert.isNotNull(done.output)
    }))
})
