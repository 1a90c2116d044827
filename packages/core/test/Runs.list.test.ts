import type { Ids } from "@airplane-runs/contract"
import { RunsServer } from "@airplane-runs/server"
import { assert, layer } from "@effect/vitest"
import { Chunk, Effect, Either, Fiber, Ref, Stream, TestClock, TestContext } from "effect"
import * as RetryPolicy from "../src/RetryPolicy.js"
import * as Runs from "../src/Runs.js"
import type * as RunsError from "../src/RunsError.js"
import { ids, listRequests, requestedPages, reset, serverAndClient, settle, storeRuns } from "./utils/pagination.js"

const day = 86_400_000
// Seeded runs end a day before the real now, so a walk pinned to the real clock sees them all.
const seedUntil = new Date(Date.now() - day)

const range = (from: number, to: number): Array<number> => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** Collects a stream that may fail: what it emitted, and how it ended. */
const collectEither = <A>(stream: Stream.Stream<A, RunsError.RunsError>) =>
  Effect.gen(function*() {
    const emitted = yield* Ref.make<Array<A>>([])
    const end = yield* stream.pipe(
      Stream.tap((a) => Ref.update(emitted, (all) => [...all, a])),
      Stream.runDrain,
      Effect.either
    )
    return { emitted: yield* Ref.get(emitted), end }
  })

const collect = <A, E>(stream: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(stream), Chunk.toArray)

layer(serverAndClient({ seed: { runs: 0, until: seedUntil } }), { excludeTestServices: true })(
  "Runs.list on an empty store",
  (it) => {
    it.effect("is an empty stream after exactly one request", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        assert.strictEqual(server.store.size(), 0)
        const all = yield* collect(runs.list({}, { prefetch: 0 }))
        assert.deepStrictEqual(all, [])
        assert.deepStrictEqual(requestedPages(server), [0])
        const pages = yield* collect(runs.listPages({}, { prefetch: 0 }))
        assert.deepStrictEqual(pages, [{ page: 0, runs: [] }])
      }))
  }
)

layer(serverAndClient({ seed: { runs: 1_234, tasks: 5, seed: 7, until: seedUntil } }), { excludeTestServices: true })(
  "Runs.list over 1,234 runs",
  (it) => {
    /** When a run was last updated: the latest of its times, which `since` and `until` filter on. */
    const lastUpdated = (run: Runs.Run) =>
      Math.max(
        ...[run.createdAt, run.activeAt, run.succeededAt, run.failedAt, run.cancelledAt].map((d) => d?.getTime() ?? 0)
      )

    /** A window of exactly `count` runs, from the `skip`th last updated; `expected` newest created first. */
    const window = (server: RunsServer.Service, skip: number, count: number) => {
      const byUpdate = [...storeRuns(server)].sort((a, b) => lastUpdated(b) - lastUpdated(a)).slice(skip, skip + count)
      const since = new Date(lastUpdated(byUpdate[count - 1]))
      const until = new Date(lastUpdated(byUpdate[0]))
      const expected = storeRuns(server, { since, until })
      assert.strictEqual(expected.length, count)
      return { expected, since, until }
    }

    it.effect("an empty window, with the default prefetch, asks for no page past the prefetched ones", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        // Between two runs: nothing was created in it.
        const since = new Date(storeRuns(server)[10].createdAt!.getTime() + 1)
        assert.strictEqual(storeRuns(server, { since, until: since }).length, 0)
        const all = yield* collect(runs.list({ since, until: since }))
        assert.deepStrictEqual(all, [])
        yield* settle
        const pages = requestedPages(server)
        assert.include(pages, 0)
        assert.isAtMost(pages.length, 1 + Runs.defaultPrefetch)
        for (const page of pages) assert.isAtMost(page, Runs.defaultPrefetch)
      }))

    it.effect("a window of 30 runs is one page and one request", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const { expected, since, until } = window(server, 100, 30)
        const all = yield* collect(runs.list({ since, until }, { prefetch: 0 }))
        assert.deepStrictEqual(ids(all), ids(expected))
        const requests = listRequests(server)
        assert.strictEqual(requests.length, 1)
        assert.strictEqual(requests[0].query["page"], "0")
        assert.strictEqual(requests[0].query["since"], since.toISOString())
        assert.strictEqual(requests[0].query["until"], until.toISOString())
        assert.strictEqual(requests[0].status, 200)
      }))

    it.effect("exactly full pages end with an empty page: 50, 50, 0", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const { expected, since, until } = window(server, 7, 100)
        const pages = yield* collect(runs.listPages({ since, until, limit: 50 }, { prefetch: 0 }))
        assert.deepStrictEqual(pages.map((p) => [p.page, p.runs.length]), [[0, 50], [1, 50], [2, 0]])
        assert.deepStrictEqual(ids(pages.flatMap((p) => p.runs)), ids(expected))
        const requests = listRequests(server)
        assert.deepStrictEqual(
          requests.map((r) => ({ page: r.query["page"], limit: r.query["limit"], status: r.status })),
          [
            { page: "0", limit: "50", status: 200 },
            { page: "1", limit: "50", status: 200 },
            { page: "2", limit: "50", status: 200 }
          ]
        )
        for (const request of requests) {
          assert.strictEqual(request.method, "GET")
          assert.strictEqual(request.query["since"], since.toISOString())
          assert.strictEqual(request.query["until"], until.toISOString())
        }
      }))

    it.effect("every run of many pages, exactly once, newest first, whatever the prefetch", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        const expected = ids(storeRuns(server))
        assert.strictEqual(expected.length, 1_234)
        for (const prefetch of [0, 1, 4, 8]) {
          yield* reset(server)
          const all = ids(yield* collect(runs.list({}, { prefetch })))
          assert.strictEqual(all.length, 1_234, `prefetch ${prefetch}`)
          assert.strictEqual(new Set(all).size, 1_234, `prefetch ${prefetch}`)
          assert.deepStrictEqual(all, expected, `prefetch ${prefetch}`)
          yield* settle
          const pages = requestedPages(server)
          // 24 full pages and a short one; a prefetch may ask past it, never more than it allows.
          for (const page of range(0, 24)) assert.include(pages, page, `prefetch ${prefetch}`)
          assert.strictEqual(new Set(pages).size, pages.length, `prefetch ${prefetch}: a page asked twice`)
          assert.isAtMost(Math.max(...pages), 24 + prefetch, `prefetch ${prefetch}`)
        }
      }))

    it.effect("listPages numbers pages from 0, consecutively, full but the last", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        for (const prefetch of [0, 3]) {
          const pages = yield* collect(runs.listPages({ limit: 37 }, { prefetch }))
          assert.deepStrictEqual(pages.map((p) => p.page), range(0, 33))
          for (const page of pages.slice(0, -1)) assert.strictEqual(page.runs.length, 37)
          assert.strictEqual(pages[33].runs.length, 1_234 - 33 * 37)
          assert.deepStrictEqual(ids(pages.flatMap((p) => p.runs)), ids(storeRuns(server)))
        }
      }))

    it.effect("limit 0 is the API's default page size: pages of 50, and the walk ends at the short one", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const pages = yield* collect(runs.listPages({ limit: 0 }, { prefetch: 0 }))
        // 1,234 runs: 24 full pages and one of 34. Read as pages of another size, the walk would
        // stop early or never end.
        assert.deepStrictEqual(pages.map((p) => p.runs.length), [...range(0, 23).map(() => 50), 34])
        assert.deepStrictEqual(ids(pages.flatMap((p) => p.runs)), ids(storeRuns(server)))
        assert.deepStrictEqual(requestedPages(server), range(0, 24))
        assert.isTrue(listRequests(server).every((entry) => entry.query["limit"] === "0"))
      }))

    it.effect("a list of one page costs one request, whatever the prefetch", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        const { expected, since, until } = window(server, 100, 30)
        for (const prefetch of [0, 1, 4, 8]) {
          yield* reset(server)
          const all = yield* collect(runs.list({ since, until }, { prefetch }))
          assert.deepStrictEqual(ids(all), ids(expected))
          yield* settle
          // The first page is asked for alone; prefetch starts only once a full page came back.
          assert.deepStrictEqual(requestedPages(server), [0], `prefetch ${prefetch}`)
        }
      }))

    it.effect("listPage reads one page, by number", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const page = yield* runs.listPage({ page: 3, limit: 20 })
        assert.strictEqual(page.page, 3)
        assert.deepStrictEqual(ids(page.runs), ids(storeRuns(server).slice(60, 80)))
        const first = yield* runs.listPage()
        assert.strictEqual(first.page, 0)
        assert.deepStrictEqual(ids(first.runs), ids(storeRuns(server).slice(0, 50)))
      }))

    it.effect("taskSlug, taskID, since and until reach the API and select what the store selects", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        const all = storeRuns(server)
        const task = server.store.tasks[1]
        const other = server.store.tasks[3]
        const since = all[900].createdAt!
        const until = all[150].createdAt!
        const cases = [
          { params: { taskSlug: task.slug }, store: { taskSlug: task.slug } },
          { params: { taskID: other.id }, store: { taskID: other.id as Ids.TaskId } },
          { params: { since, until }, store: { since, until } },
          { params: { since }, store: { since } },
          { params: { taskSlug: task.slug, since, until }, store: { taskSlug: task.slug, since, until } },
          {
            params: { taskID: task.id, taskSlug: other.slug },
            store: { taskID: task.id as Ids.TaskId, taskSlug: other.slug }
          }
        ]
        for (const { params, store } of cases) {
          yield* reset(server)
          const expected = ids(storeRuns(server, store))
          const got = ids(yield* collect(runs.list(params, { prefetch: 2 })))
          assert.deepStrictEqual(got, expected, JSON.stringify(params))
          for (const request of listRequests(server)) {
            assert.strictEqual(request.query["taskSlug"], params.taskSlug, JSON.stringify(params))
            assert.strictEqual(request.query["taskID"], params.taskID, JSON.stringify(params))
            assert.strictEqual(request.query["since"], params.since?.toISOString(), JSON.stringify(params))
            if (params.until !== undefined) assert.strictEqual(request.query["until"], params.until.toISOString())
          }
        }
        // The filters did select something, and not everything.
        const bySlug = storeRuns(server, { taskSlug: task.slug }).length
        assert.isAbove(bySlug, 0)
        assert.isBelow(bySlug, all.length)
      }))

    it.effect("without an until, every page asks for the same until: the walk's start on the Clock", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const start = new Date(Date.now() - 1_000)
        // The client's Clock, not the wall clock: a TestClock set to a second ago.
        const all = yield* collect(runs.list({ limit: 40 }, { prefetch: 0 })).pipe(
          (effect) => Effect.zipRight(TestClock.setTime(start.getTime()), effect),
          Effect.provide(TestContext.TestContext)
        )
        assert.strictEqual(all.length, 1_234)
        const requests = listRequests(server)
        assert.strictEqual(requests.length, 31)
        for (const request of requests) assert.strictEqual(request.query["until"], start.toISOString())
      }))

    it.effect("a failure on page k fails the stream with the typed error; the pages before it stay emitted", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const expected = storeRuns(server)
        const { emitted, end } = yield* collectEither(
          runs.listPages({}, { prefetch: 0, retry: RetryPolicy.none }).pipe(
            // Once page 2 is read, the next request fails.
            Stream.tap((page) =>
              Effect.sync(() => {
                if (page.page === 2) server.faults.add({ route: "runs/list", kind: "status", status: 503, times: 1 })
              })
            )
          )
        )
        assert.deepStrictEqual(emitted.map((p) => p.page), [0, 1, 2])
        assert.deepStrictEqual(ids(emitted.flatMap((p) => p.runs)), ids(expected.slice(0, 150)))
        assert.isTrue(Either.isLeft(end) && end.left._tag === "ServerError")
        if (Either.isLeft(end) && end.left._tag === "ServerError") {
          assert.strictEqual(end.left.status, 503)
          assert.strictEqual(end.left.method, "GET")
          assert.strictEqual(end.left.path, "/v0/runs/list")
        }
        assert.deepStrictEqual(
          listRequests(server).map((r) => [r.query["page"], r.status]),
          [["0", 200], ["1", 200], ["2", 200], ["3", 503]]
        )
      }))

    it.effect("a failure that outlasts the retries fails the stream after the policy's attempts", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const { emitted, end } = yield* collectEither(
          runs.list({}, { prefetch: 0, retry: RetryPolicy.make({ maxAttempts: 3, initialDelay: "1 millis" }) }).pipe(
            Stream.tap(() =>
              Effect.sync(() => {
                if (server.faults.list().length === 0 && listRequests(server).length === 1) {
                  server.faults.add({ route: "runs/list", kind: "status", status: 502, times: 100 })
                }
              })
            )
          )
        )
        server.faults.clear()
        assert.strictEqual(emitted.length, 50)
        assert.isTrue(Either.isLeft(end) && end.left._tag === "ServerError" && end.left.status === 502)
        assert.deepStrictEqual(
          listRequests(server).map((r) => [r.query["page"], r.status]),
          [["0", 200], ["1", 502], ["1", 502], ["1", 502]]
        )
      }))

    it.effect("a failure the retries ride through loses and repeats nothing", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const expected = ids(storeRuns(server))
        server.faults.add({ route: "runs/list", kind: "status", status: 503, times: 2 })
        const all = ids(yield* collect(runs.list({}, { prefetch: 0 })))
        assert.deepStrictEqual(all, expected)
        const statuses = listRequests(server).map((r) => [r.query["page"], r.status])
        assert.deepStrictEqual(statuses.slice(0, 3), [["0", 503], ["0", 503], ["0", 200]])
        assert.strictEqual(statuses.length, 27)
      }))

    it.effect("with a prefetch, a failure still leaves a prefix of the pages, in order", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        for (const prefetch of [1, 4]) {
          yield* reset(server)
          const { emitted, end } = yield* collectEither(
            runs.listPages({}, { prefetch, retry: RetryPolicy.none }).pipe(
              Stream.tap((page) =>
                Effect.sync(() => {
                  if (page.page === 5) server.faults.add({ route: "runs/list", kind: "status", status: 500 })
                })
              )
            )
          )
          server.faults.clear()
          assert.isTrue(Either.isLeft(end) && end.left._tag === "ServerError", `prefetch ${prefetch}`)
          const pages = emitted.map((p) => p.page)
          assert.deepStrictEqual(pages, range(0, pages.length - 1), `prefetch ${prefetch}`)
          assert.isAtLeast(pages.length, 6, `prefetch ${prefetch}`)
          assert.isBelow(pages.length, 25, `prefetch ${prefetch}`)
          assert.deepStrictEqual(
            ids(emitted.flatMap((p) => p.runs)),
            ids(storeRuns(server).slice(0, pages.length * 50)),
            `prefetch ${prefetch}`
          )
        }
      }))

    it.effect("bad parameters fail the stream with InvalidRequest and send nothing", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const cases: ReadonlyArray<[Runs.ListParams, Runs.ListOptions, string]> = [
          [{ limit: 51 }, {}, "limit"],
          [{ limit: -1 }, {}, "limit"],
          [{ limit: 2.5 }, {}, "limit"],
          [{ since: new Date("2025-02-01T00:00:00Z"), until: new Date("2025-01-01T00:00:00Z") }, {}, "since"],
          [{ since: new Date("not a date") }, {}, "since"],
          [{ taskSlug: "" }, {}, "taskSlug"],
          [{ taskID: "" }, {}, "taskID"],
          [{}, { prefetch: -1 }, "prefetch"],
          [{}, { prefetch: 1.5 }, "prefetch"]
        ]
        for (const [params, options, field] of cases) {
          for (const stream of [runs.list(params, options), runs.listPages(params, options)]) {
            const { emitted, end } = yield* collectEither(stream as Stream.Stream<unknown, RunsError.RunsError>)
            assert.deepStrictEqual(emitted, [])
            assert.isTrue(Either.isLeft(end), field)
            if (Either.isLeft(end)) {
              assert.strictEqual(end.left._tag, "InvalidRequest", field)
              if (end.left._tag === "InvalidRequest") {
                assert.strictEqual(end.left.operation, "list")
                assert.isTrue(end.left.issues.some((issue) => issue.includes(field)), end.left.issues.join("; "))
              }
            }
          }
        }
        for (const params of [{ page: -1 }, { page: 0.5 }, { limit: 51 }]) {
          const end = yield* Effect.either(runs.listPage(params))
          assert.isTrue(Either.isLeft(end) && end.left._tag === "InvalidRequest", JSON.stringify(params))
        }
        assert.deepStrictEqual(server.requestLog.entries(), [])
      }))

    it.effect("a since in the future, without an until, is an empty walk, not an invalid request", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const all = yield* collect(runs.list({ since: new Date(Date.now() + day) }, { prefetch: 0 }))
        assert.deepStrictEqual(all, [])
        assert.deepStrictEqual(requestedPages(server), [0])
      }))

    it.effect("taking a few runs stops asking for pages", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        const expected = ids(storeRuns(server))
        for (const prefetch of [0, 1, 2, 4]) {
          yield* reset(server)
          const three = ids(yield* collect(runs.list({}, { prefetch }).pipe(Stream.take(3))))
          assert.deepStrictEqual(three, expected.slice(0, 3))
          yield* settle
          const pages = requestedPages(server)
          assert.include(pages, 0, `prefetch ${prefetch}`)
          assert.isAtMost(pages.length, 1 + prefetch, `prefetch ${prefetch}: ${pages}`)
        }
        yield* reset(server)
        const some = ids(yield* collect(runs.list({}, { prefetch: 0 }).pipe(Stream.take(120))))
        assert.deepStrictEqual(some, expected.slice(0, 120))
        yield* settle
        assert.deepStrictEqual(requestedPages(server), [0, 1, 2])
      }))

    it.effect("a slow reader keeps the pages asked ahead within the prefetch", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        for (const prefetch of [1, 3]) {
          yield* reset(server)
          const fiber = yield* runs.listPages({}, { prefetch }).pipe(
            Stream.take(2),
            Stream.tap(() => Effect.sleep("50 millis")),
            Stream.runCollect,
            Effect.fork
          )
          const pages = yield* Fiber.join(fiber)
          assert.deepStrictEqual(Chunk.toArray(pages).map((p) => p.page), [0, 1])
          yield* settle
          // Reading page 1, at most `prefetch` pages past it were asked for.
          assert.isAtMost(Math.max(...requestedPages(server)), 1 + prefetch, `prefetch ${prefetch}`)
        }
      }))
  }
)

// Started runs finish within 30 ms: one still going when a later test's walk starts would be
// updated after the walk's pinned `until` and leave its window, moving the pages under it.
layer(
  serverAndClient({
    seed: { runs: 60, tasks: 3, seed: 11, until: seedUntil },
    lifecycle: { queueMs: 5, startMs: 5, runMs: 20 }
  }),
  { excludeTestServices: true }
)(
  "Runs.list while runs are being created",
  (it) => {
    const execute = (server: RunsServer.Service, count: number) =>
      Array.from({ length: count }, () => server.store.execute({ slug: server.store.tasks[0].slug })!.id!)

    it.effect("runs created after the walk's start neither appear nor push runs out", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const before = ids(storeRuns(server))
        // The walk starts a second ago on the client's Clock; the runs made now are after it.
        const created = execute(server, 4)
        const all = yield* collect(runs.list({ limit: 10 }, { prefetch: 0 })).pipe(
          (effect) => Effect.zipRight(TestClock.setTime(Date.now() - 1_000), effect),
          Effect.provide(TestContext.TestContext)
        )
        assert.deepStrictEqual(ids(all), before)
        for (const id of created) assert.notInclude(ids(all), id)
        // Unpinned, they would be there: the store has them, newest.
        assert.deepStrictEqual(ids(storeRuns(server)).slice(0, 4), [...created].reverse())
      }))

    it.effect("runs created during the walk, between pages, neither appear nor push runs out", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const before = ids(storeRuns(server))
        const created: Array<string> = []
        const pages = yield* collect(
          runs.listPages({ limit: 10 }, { prefetch: 0 }).pipe(
            Stream.tap((page) =>
              page.page < 3
                // A millisecond later than the walk's start, whatever the clock's resolution.
                ? Effect.zipRight(Effect.sleep("2 millis"), Effect.sync(() => created.push(...execute(server, 3))))
                : Effect.void
            )
          )
        )
        const all = ids(pages.flatMap((p) => p.runs))
        assert.strictEqual(created.length, 9)
        assert.deepStrictEqual(all, before)
        for (const id of created) assert.notInclude(all, id)
        // Every page was full but the last: nothing was dropped as a repeat.
        assert.deepStrictEqual(pages.map((p) => p.runs.length).slice(0, -1), Array(pages.length - 1).fill(10))
        const untils = new Set(listRequests(server).map((r) => r.query["until"]))
        assert.strictEqual(untils.size, 1)
      }))

    it.effect("with an until in the future, pages shift as runs are created: no run is emitted twice", () =>
      Effect.gen(function*() {
        const server = yield* RunsServer.RunsServer
        const runs = yield* Runs.Runs
        yield* reset(server)
        const until = new Date(Date.now() + day)
        const before = ids(storeRuns(server, { until }))
        const created: Array<string> = []
        const pages = yield* collect(
          runs.listPages({ limit: 10, until }, { prefetch: 0 }).pipe(
            Stream.tap((page) =>
              page.page === 0 || page.page === 2
                ? Effect.sync(() => created.push(...execute(server, 3)))
                : Effect.void
            )
          )
        )
        const all = ids(pages.flatMap((p) => p.runs))
        assert.strictEqual(new Set(all).size, all.length)
        // Every run there was at the start, once, in order; the new ones came in above the
        // pages already read, so none of them shows.
        assert.deepStrictEqual(all, before)
        for (const id of created) assert.notInclude(all, id)
        // The repeats were there on the wire, and dropped: pages 1 and 3 lost three runs each.
        assert.strictEqual(pages[1].runs.length, 7)
        assert.strictEqual(pages[3].runs.length, 7)
        assert.deepStrictEqual(pages.map((p) => p.page), range(0, pages.length - 1))
      }))
  }
)
