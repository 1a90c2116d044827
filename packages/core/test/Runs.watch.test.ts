import { RunsServer } from "@airplane-runs/server"
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it, layer } from "@effect/vitest"
import { Chunk, Effect, Either, Fiber, Schedule, Stream } from "effect"
import * as Runs from "../src/Runs.js"
import { reset, serverAndClient, settle } from "./utils/pagination.js"
import { advancing, gets, startedRun } from "./utils/polling.js"
import { answer, tinyServer } from "./utils/server.js"

const statuses = (runs: Chunk.Chunk<Runs.Run>) => Chunk.toArray(runs).map((run) => run.status)

layer(serverAndClient({ clock: "manual", seed: { runs: 10 } }), { excludeTestServices: true })(
  "Runs.watch on a manual clock",
  (it) => {
    it.effect("emits the run as it is, then once per change of status, and ends after the finished one", () =>
      Effect.gen(function*() {
        const { id, runs, server } = yield* startedRun
        const fed: Array<string | null | undefined> = []
        // Default lifecycle: queued at 50 ms, active at 150 ms, finished at 650 ms.
        const seen = yield* Stream.runCollect(runs.watch({ id }, { schedule: advancing(server, 100, fed) }))
        assert.deepStrictEqual(statuses(seen), ["NotStarted", "Queued", "Active", "Succeeded"])
        assert.isTrue(Chunk.every(seen, (run) => run.id === id))
        assert.instanceOf(Chunk.unsafeLast(seen).succeededAt, Date)
        // Every poll but the last fed the schedule; the finished run asked it for no pause.
        assert.deepStrictEqual(fed, ["NotStarted", "Queued", "Active", "Active", "Active", "Active", "Active"])
        assert.strictEqual(gets(server, id).length, 8)
        yield* settle
        assert.strictEqual(gets(server, id).length, 8, "no poll after the end")
      }))

    it.effect("a run that has finished already is one element and one request", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const finished = server.store.seeded("Failed", "Succeeded", "Cancelled")!
        const seen = yield* Stream.runCollect(runs.watch({ id: finished.id! }, { schedule: advancing(server, 0) }))
        assert.deepStrictEqual(statuses(seen), [finished.status])
        yield* settle
        assert.strictEqual(gets(server, finished.id!).length, 1)
      }))

    it.effect("a run cancelled while watched ends the stream with Cancelled", () =>
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
        const seen = yield* Stream.runCollect(runs.watch({ id }, { schedule }))
        assert.deepStrictEqual(statuses(seen), ["NotStarted", "Queued", "Cancelled"])
      }))

    it.effect("a schedule of its own sets the polls; one that gives up ends the stream, unfinished", () =>
      Effect.gen(function*() {
        const { id, runs, server } = yield* startedRun
        const schedule = Schedule.recurs(4).pipe(Schedule.intersect(Schedule.spaced("1 millis")))
        const seen = yield* Stream.runCollect(runs.watch({ id }, { schedule }))
        // The clock stands still: five polls of a run that did not change, one element.
        assert.deepStrictEqual(statuses(seen), ["NotStarted"])
        yield* settle
        assert.strictEqual(gets(server, id).length, 5)
      }))

    it.effect("polls only as the reader pulls: taking the first run sends one request", () =>
      Effect.gen(function*() {
        const { id, runs, server } = yield* startedRun
        const first = yield* Stream.runCollect(Stream.take(runs.watch({ id }, { schedule: advancing(server, 100) }), 1))
        assert.deepStrictEqual(statuses(first), ["NotStarted"])
        yield* settle
        assert.strictEqual(gets(server, id).length, 1)
      }))

    it.effect("interrupting the watch stops the polling", () =>
      Effect.gen(function*() {
        // The clock stands still: this watch would never end.
        const { id, runs, server } = yield* startedRun
        const watching = yield* Effect.fork(
          Stream.runDrain(runs.watch({ id }, { schedule: Schedule.spaced("2 millis") }))
        )
        while (gets(server, id).length < 3) yield* Effect.sleep("2 millis")
        yield* Fiber.interrupt(watching)
        yield* settle
        const polls = gets(server, id).length
        yield* Effect.sleep("60 millis")
        assert.strictEqual(gets(server, id).length, polls, "no poll after the interruption")
      }))

    it.effect("a deadline bounds the whole watch: Timeout after the runs seen, and no poll after it", () =>
      Effect.gen(function*() {
        const { id, runs, server } = yield* startedRun
        const seen: Array<Runs.Run> = []
        const error = yield* Effect.flip(Stream.runForEach(
          runs.watch({ id }, { schedule: Schedule.spaced("10 millis"), deadline: "150 millis" }),
          (run) => Effect.sync(() => seen.push(run))
        ))
        assert.strictEqual(error._tag, "Timeout")
        if (error._tag !== "Timeout") return
        assert.strictEqual(error.scope, "deadline")
        assert.strictEqual(error.timeoutMs, 150)
        assert.deepStrictEqual(seen.map((run) => run.status), ["NotStarted"])
        yield* settle
        const polls = gets(server, id).length
        assert.isAbove(polls, 1)
        yield* Effect.sleep("60 millis")
        assert.strictEqual(gets(server, id).length, polls, "no poll after the deadline")
      }))

    it.effect("fails typed: NotFound for an unknown run, InvalidRequest (nothing sent) for an empty id", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const missing = yield* Effect.either(Stream.runCollect(runs.watch({ id: "run20220111nosuchrun" })))
        assert.isTrue(Either.isLeft(missing) && missing.left._tag === "NotFound")
        assert.strictEqual(gets(server, "run20220111nosuchrun").length, 1)
        const empty = yield* Effect.either(Stream.runCollect(runs.watch({ id: "" })))
        assert.isTrue(Either.isLeft(empty) && empty.left._tag === "InvalidRequest")
        const badDeadline = yield* Effect.either(
          Stream.runCollect(runs.watch({ id: "run_1" }, { deadline: "soon" as never }))
        )
        assert.isTrue(Either.isLeft(badDeadline) && badDeadline.left._tag === "InvalidRequest")
        assert.strictEqual(server.requestLog.entries().length, 1)
      }))
  }
)

describe("Runs.watch on answers the embedded server never gives", () => {
  it.scopedLive("a run without a status fails the watch with InvalidResponse rather than poll for ever", () =>
    Effect.gen(function*() {
      const api = yield* tinyServer(answer(200, { id: "run_1" }))
      const runs = yield* Runs.make({ apiKey: "tkn_watch", host: api.url })
      const error = yield* Effect.flip(
        Stream.runCollect(runs.watch({ id: "run_1" }, { schedule: Schedule.spaced("1 millis") }))
      )
      assert.strictEqual(error._tag, "InvalidResponse")
      if (error._tag !== "InvalidResponse") return
      assert.deepStrictEqual(error.schemaPath, ["status"])
      assert.strictEqual(api.received.length, 1)
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
