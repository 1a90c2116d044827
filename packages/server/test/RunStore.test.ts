import type { Run } from "@airplane-runs/contract"
import { RunsServer, RunStore } from "@airplane-runs/server"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { afterAll, beforeAll } from "vitest"
import { get, json, post } from "./utils/http.js"

const until = Date.parse("2026-01-01T00:00:00Z")
const day = 86_400_000
const statuses = ["NotStarted", "Queued", "Active", "Succeeded", "Failed", "Cancelled"] as const
const terminal = new Set(["Succeeded", "Failed", "Cancelled"])

/** A store whose clock is a variable the test moves. */
const manualStore = (options: Omit<NonNullable<Parameters<typeof RunStore.make>[0]>, "now"> = {}, start = until) => {
  const clock = { time: start }
  return Effect.map(RunStore.make({ ...options, now: () => clock.time }), (store) => ({ store, clock }))
}

/** Every run of a store, page by page, as a client would walk them. */
const walk = (store: RunStore.Service, params: Omit<Parameters<RunStore.Service["list"]>[0], "page"> = {}) => {
  const pages: Array<ReadonlyArray<Run.Run>> = []
  const limit = params.limit === undefined || params.limit === 0 ? 50 : params.limit
  for (let page = 0;; page++) {
    const runs = store.list({ ...params, page })
    pages.push(runs)
    if (runs.length < limit) return pages
  }
}

const snapshot = (store: RunStore.Service) => ({
  tasks: store.tasks,
  runs: walk(store).flat().map((run) => ({ ...run, output: store.outputs(run.id!) }))
})

const kindOf = (value: unknown): string => value === null ? "null" : Array.isArray(value) ? "array" : typeof value

describe("seeding", () => {
  it.effect("the same seed gives identical tasks, runs and outputs", () =>
    Effect.gen(function*() {
      const a = yield* manualStore({ seed: { seed: 1234, runs: 120 } })
      const b = yield* manualStore({ seed: { seed: 1234, runs: 120 } })
      assert.deepStrictEqual(snapshot(a.store), snapshot(b.store))
      assert.strictEqual(a.store.size(), 120)
    }))

  it.effect("a different seed gives different data", () =>
    Effect.gen(function*() {
      const a = snapshot((yield* manualStore({ seed: { seed: 1 } })).store)
      const b = snapshot((yield* manualStore({ seed: { seed: 2 } })).store)
      assert.notDeepEqual(a.tasks.map((t) => t.id), b.tasks.map((t) => t.id))
      const idsA = new Set(a.runs.map((r) => r.id))
      assert.isFalse(b.runs.some((r) => idsA.has(r.id)))
      assert.notDeepEqual(a.runs.map((r) => r.status), b.runs.map((r) => r.status))
    }))

  it.effect("defaults: 5 tasks, 200 runs over the 30 days before 2026-01-01, unique Airplane-shaped ids", () =>
    Effect.gen(function*() {
      const { store } = yield* manualStore()
      assert.strictEqual(store.tasks.length, 5)
      assert.deepStrictEqual(store.tasks.map((t) => t.slug), [
        "hello_world",
        "send_invoice",
        "sync_users",
        "nightly_report",
        "resize_images"
      ])
      assert.strictEqual(store.tasks[0]!.name, "Hello World")
      for (const task of store.tasks) assert.match(task.id, /^tsk20210728z[0-9a-z]{10}$/)
      const runs = walk(store).flat()
      assert.strictEqual(runs.length, 200)
      assert.strictEqual(new Set(runs.map((r) => r.id)).size, 200)
      for (const run of runs) {
        assert.match(run.id!, /^run\d{8}z[0-9a-z]{10}$/)
        const created = run.createdAt!.getTime()
        assert.isAtMost(created, until)
        assert.isAtLeast(created, until - 31 * day)
        assert.strictEqual(run.id!.slice(3, 11), run.createdAt!.toISOString().slice(0, 10).replaceAll("-", ""))
      }
      // the tasks all get runs
      assert.strictEqual(new Set(runs.map((r) => r.taskID)).size, 5)
    }))

  it.effect("honours tasks, runs and until", () =>
    Effect.gen(function*() {
      const end = Date.parse("2024-06-01T00:00:00Z")
      const { store } = yield* manualStore({ seed: { tasks: 10, runs: 30, until: new Date(end) } }, end)
      assert.strictEqual(store.tasks.length, 10)
      assert.strictEqual(new Set(store.tasks.map((t) => t.slug)).size, 10)
      assert.strictEqual(store.tasks[8]!.slug, "hello_world_1")
      assert.strictEqual(store.size(), 30)
      const newest = store.list({ limit: 1 })[0]!
      assert.isAtMost(newest.createdAt!.getTime(), end)
      assert.isAbove(newest.createdAt!.getTime(), end - day)
    }))

  it.effect("200 runs spread over all six statuses, each with the fields its status implies", () =>
    Effect.gen(function*() {
      // a day after the newest run, every seeded run has reached its final state
      const { store } = yield* manualStore({}, until + day)
      const runs = walk(store).flat()
      const counts = new Map<string, number>()
      for (const run of runs) counts.set(run.status!, (counts.get(run.status!) ?? 0) + 1)
      for (const status of statuses) assert.isAbove(counts.get(status) ?? 0, 0, status)
      assert.isAbove(counts.get("Succeeded")!, counts.get("Failed")!)
      for (const run of runs) {
        const s = run.status!
        assert.strictEqual(run.activeAt !== null, s !== "NotStarted" && s !== "Queued", `${run.id} ${s} activeAt`)
        assert.strictEqual(run.succeededAt !== null, s === "Succeeded", `${run.id} succeededAt`)
        assert.strictEqual(run.failedAt !== null, s === "Failed", `${run.id} failedAt`)
        assert.strictEqual(run.cancelledAt !== null, s === "Cancelled", `${run.id} cancelledAt`)
        assert.strictEqual(run.cancelledBy, s === "Cancelled" ? RunStore.userId : null)
        if (run.activeAt) assert.isAbove(run.activeAt.getTime(), run.createdAt!.getTime())
        const end = run.succeededAt ?? run.failedAt ?? run.cancelledAt
        if (end) assert.isAbove(end.getTime(), run.activeAt!.getTime())
      }
    }))

  it.effect("outputs of finished runs come in several JSON shapes; unfinished runs have none", () =>
    Effect.gen(function*() {
      const { store } = yield* manualStore({}, until + day)
      const kinds = new Set<string>()
      for (const run of walk(store).flat()) {
        const output = store.outputs(run.id!)
        if (run.status === "Succeeded" || run.status === "Failed") kinds.add(kindOf(output))
        else assert.isNull(output, `${run.id} ${run.status}`)
      }
      assert.includeMembers([...kinds], ["object", "array", "string", "number", "boolean", "null"])
      assert.isUndefined(store.outputs("run20200101znothere00"))
      assert.isUndefined(store.get("run20200101znothere00"))
    }))
})

describe("list", () => {
  it.effect("pages newest first, `limit` at a time, the last page short, then empty", () =>
    Effect.gen(function*() {
      const { store } = yield* manualStore()
      const pages = walk(store, { limit: 7 })
      assert.deepStrictEqual(pages.map((p) => p.length), [...Array(28).fill(7), 4])
      const runs = pages.flat()
      const times = runs.map((r) => r.createdAt!.getTime())
      for (let i = 1; i < times.length; i++) assert.isBelow(times[i]!, times[i - 1]!)
      assert.deepStrictEqual(store.list({ limit: 7, page: 29 }), [])
      assert.deepStrictEqual(store.list({ limit: 7, page: 1000 }), [])
    }))

  it.effect("limit 0 or none means 50", () =>
    Effect.gen(function*() {
      const { store } = yield* manualStore()
      const ids = (runs: ReadonlyArray<Run.Run>) => runs.map((r) => r.id)
      assert.strictEqual(store.list({}).length, 50)
      assert.deepStrictEqual(ids(store.list({ limit: 0 })), ids(store.list({})))
      assert.deepStrictEqual(ids(store.list({ limit: 0, page: 3 })), ids(store.list({ limit: 50, page: 3 })))
      assert.strictEqual(store.list({ page: 3 }).length, 50)
      assert.strictEqual(store.list({ page: 4 }).length, 0)
    }))

  it.effect("walking every page gives every run exactly once, for any limit", () =>
    Effect.gen(function*() {
      const { store } = yield* manualStore({ seed: { runs: 137 } })
      for (const limit of [1, 7, 49, 50]) {
        const ids = walk(store, { limit }).flat().map((r) => r.id)
        assert.strictEqual(ids.length, 137, `limit ${limit}`)
        assert.strictEqual(new Set(ids).size, 137, `limit ${limit}`)
      }
    }))

  it.effect("filters by taskID and taskSlug; an unknown or mismatched task gives nothing", () =>
    Effect.gen(function*() {
      const { store } = yield* manualStore()
      let total = 0
      for (const task of store.tasks) {
        const byId = walk(store, { taskID: task.id as any }).flat()
        const bySlug = walk(store, { taskSlug: task.slug }).flat()
        assert.isAbove(byId.length, 0)
        for (const run of byId) assert.strictEqual(run.taskID, task.id)
        assert.deepStrictEqual(bySlug.map((r) => r.id), byId.map((r) => r.id))
        assert.deepStrictEqual(
          walk(store, { taskID: task.id as any, taskSlug: task.slug }).flat().map((r) => r.id),
          byId.map((r) => r.id)
        )
        total += byId.length
      }
      assert.strictEqual(total, 200)
      const [a, b] = store.tasks
      assert.deepStrictEqual(store.list({ taskID: a!.id as any, taskSlug: b!.slug }), [])
      assert.deepStrictEqual(store.list({ taskID: "tsk20200101znothere00" as any }), [])
      assert.deepStrictEqual(store.list({ taskSlug: "no_such_task" }), [])
    }))

  it.effect("filters by since and until, both inclusive", () =>
    Effect.gen(function*() {
      const { store } = yield* manualStore()
      const all = walk(store).flat()
      const since = all[150]!.createdAt!
      const end = all[20]!.createdAt!
      const inRange = walk(store, { since, until: end }).flat()
      assert.deepStrictEqual(inRange.map((r) => r.id), all.slice(20, 151).map((r) => r.id))
      assert.deepStrictEqual(walk(store, { since }).flat().map((r) => r.id), all.slice(0, 151).map((r) => r.id))
      assert.deepStrictEqual(walk(store, { until: end }).flat().map((r) => r.id), all.slice(20).map((r) => r.id))
      const justAfter = new Date(since.getTime() + 1)
      assert.strictEqual(walk(store, { since: justAfter, until: end }).flat().length, 130)
      assert.deepStrictEqual(store.list({ since: new Date(until + 1) }), [])
      assert.deepStrictEqual(store.list({ until: new Date(until - 40 * day) }), [])
      // with a task filter too
      const task = store.tasks[0]!
      for (const run of walk(store, { taskSlug: task.slug, since, until: end }).flat()) {
        assert.strictEqual(run.taskID, task.id)
        assert.isAtLeast(run.createdAt!.getTime(), since.getTime())
        assert.isAtMost(run.createdAt!.getTime(), end.getTime())
      }
    }))
})

describe("lifecycle", () => {
  it.effect("a started run is NotStarted, then Queued, Active and Succeeded at the default delays", () =>
    Effect.gen(function*() {
      const { clock, store } = yield* manualStore()
      const run = store.execute({ slug: "send_invoice", paramValues: { amount: 3 }, resources: { db: "r" } })!
      const id = run.id!
      assert.strictEqual(run.status, "NotStarted")
      assert.strictEqual(run.createdAt!.getTime(), until)
      assert.deepStrictEqual(run.paramValues, { amount: 3 })
      assert.deepStrictEqual(run.resources, { db: "r" })
      assert.isNull(store.outputs(id))
      assert.strictEqual(store.size(), 201)
      assert.strictEqual(store.list({ limit: 1 })[0]!.id, id)

      const steps: Array<[number, string]> = [
        [RunStore.defaultLifecycle.queueMs - 1, "NotStarted"],
        [1, "Queued"],
        [RunStore.defaultLifecycle.startMs - 1, "Queued"],
        [1, "Active"],
        [RunStore.defaultLifecycle.runMs - 1, "Active"],
        [1, "Succeeded"]
      ]
      for (const [ms, status] of steps) {
        clock.time += ms
        assert.strictEqual(store.get(id)!.status, status, `at +${clock.time - until} ms`)
      }
      const done = store.get(id)!
      assert.strictEqual(done.activeAt!.getTime(), until + 150)
      assert.strictEqual(done.succeededAt!.getTime(), until + 650)
      assert.isNull(done.failedAt)
      assert.deepStrictEqual(store.outputs(id), {
        task: "send_invoice",
        paramValues: { amount: 3 },
        message: "Send Invoice finished"
      })
      // and it stays done
      clock.time += 10 * day
      assert.strictEqual(store.get(id)!.status, "Succeeded")
    }))

  it.effect("a run with paramValues.fail true fails, with its error as output", () =>
    Effect.gen(function*() {
      const { clock, store } = yield* manualStore({ lifecycle: { queueMs: 1, startMs: 2, runMs: 3 } })
      const id = store.execute({ id: store.tasks[0]!.id, paramValues: { fail: true } })!.id!
      const notFailing = store.execute({ slug: "hello_world", paramValues: { fail: "yes" } })!.id!
      clock.time += 5
      assert.strictEqual(store.get(id)!.status, "Active")
      clock.time += 1
      const run = store.get(id)!
      assert.strictEqual(run.status, "Failed")
      assert.strictEqual(run.failedAt!.getTime(), until + 6)
      assert.isNull(run.succeededAt)
      assert.deepStrictEqual(store.outputs(id), { error: "Hello World failed: paramValues.fail was true" })
      assert.strictEqual(store.get(notFailing)!.status, "Succeeded")
    }))

  it.effect("execute of an unknown task, or an id and slug of two tasks, starts nothing", () =>
    Effect.gen(function*() {
      const { store } = yield* manualStore()
      assert.isUndefined(store.execute({ slug: "nope" }))
      assert.isUndefined(store.execute({ id: "tsk20200101znothere00" }))
      assert.isUndefined(store.execute({ id: store.tasks[0]!.id, slug: store.tasks[1]!.slug }))
      assert.isDefined(store.execute({ id: store.tasks[1]!.id, slug: store.tasks[1]!.slug }))
      assert.strictEqual(store.size(), 201)
    }))

  it.effect("follows the Clock of the context when no `now` is given", () =>
    Effect.gen(function*() {
      // @effect/vitest runs it.effect on the TestClock, at time 0
      const store = yield* RunStore.make({ seed: { runs: 3 } })
      assert.strictEqual(store.now(), 0)
      const run = store.execute({ slug: "hello_world" })!
      assert.strictEqual(run.createdAt!.getTime(), 0)
      // the seeded runs, created in 2025, have not begun at time 0
      for (const seeded of store.list({})) {
        if (seeded.id !== run.id) assert.strictEqual(seeded.status, "NotStarted")
      }
    }))
})

describe("cancel", () => {
  it.effect("cancels NotStarted, Queued and Active runs, for good", () =>
    Effect.gen(function*() {
      const { clock, store } = yield* manualStore()
      const [fresh, queued, active] = [1, 2, 3].map(() => store.execute({ slug: "hello_world" })!.id!)

      assert.strictEqual(store.get(fresh!)!.status, "NotStarted")
      const outcome = store.cancel(fresh!)
      assert.strictEqual(outcome._tag, "Cancelled")
      if (outcome._tag === "Cancelled") {
        assert.strictEqual(outcome.run.id, fresh)
        assert.strictEqual(outcome.run.status, "Cancelled")
        assert.strictEqual(outcome.run.cancelledAt!.getTime(), until)
        assert.strictEqual(outcome.run.cancelledBy, RunStore.userId)
        assert.isNull(outcome.run.activeAt)
      }

      clock.time += 60
      assert.strictEqual(store.get(queued!)!.status, "Queued")
      assert.strictEqual(store.cancel(queued!)._tag, "Cancelled")

      clock.time += 140
      assert.strictEqual(store.get(active!)!.status, "Active")
      assert.strictEqual(store.cancel(active!)._tag, "Cancelled")
      assert.strictEqual(store.get(active!)!.cancelledAt!.getTime(), until + 200)
      assert.isNotNull(store.get(active!)!.activeAt)

      // past the time they would have finished, they are still cancelled
      clock.time += day
      for (const id of [fresh!, queued!, active!]) {
        const run = store.get(id)!
        assert.strictEqual(run.status, "Cancelled", id)
        assert.isNull(run.succeededAt)
        assert.isNull(store.outputs(id))
      }
    }))

  it.effect("refuses a finished run, a cancelled one and an unknown one", () =>
    Effect.gen(function*() {
      const { clock, store } = yield* manualStore({}, until + day)
      const runs = walk(store).flat()
      for (const status of ["Succeeded", "Failed", "Cancelled"] as const) {
        const run = runs.find((r) => r.status === status)!
        const before = store.get(run.id!)
        assert.deepStrictEqual(store.cancel(run.id!), { _tag: "AlreadyTerminal", status })
        assert.deepStrictEqual(store.get(run.id!), before)
      }
      const id = store.execute({ slug: "hello_world" })!.id!
      clock.time += 1_000
      assert.deepStrictEqual(store.cancel(id), { _tag: "AlreadyTerminal", status: "Succeeded" })
      assert.deepStrictEqual(store.cancel("run20200101znothere00"), { _tag: "NotFound" })
      // a seeded run that never ends can be cancelled
      const active = runs.find((r) => !terminal.has(r.status!))!
      assert.strictEqual(store.cancel(active.id!)._tag, "Cancelled")
    }))
})

describe("over HTTP", () => {
  let server: RunsServer.RunningServer

  beforeAll(async () => {
    server = await RunsServer.start({ clock: "manual", seed: { runs: 120 }, lifecycle: { queueMs: 10 } })
  })

  afterAll(async () => {
    await server.stop()
  })

  it("the manual clock starts at the newest seeded run's time", () => {
    assert.strictEqual(server.store.now(), until)
    const newest = server.store.list({ limit: 1 })[0]!
    assert.isAtMost(newest.createdAt!.getTime(), until)
  })

  it("limit 51 is refused with 400; limit 0 answers 50 runs", async () => {
    const over = await get(server, "/runs/list?limit=51")
    assert.strictEqual(over.status, 400)
    assert.include(json(over).error, "limit")
    const zero = await get(server, "/runs/list?limit=0")
    assert.strictEqual(zero.status, 200)
    assert.strictEqual(json(zero).runs.length, 50)
    const fifty = await get(server, "/runs/list?limit=50&page=2")
    assert.strictEqual(json(fifty).runs.length, 20)
  })

  it("pages over HTTP give every run once, newest first, with the filters of the query", async () => {
    const ids: Array<string> = []
    const times: Array<number> = []
    for (let page = 0;; page++) {
      const answer = await get(server, `/runs/list?limit=13&page=${page}`)
      assert.strictEqual(answer.status, 200)
      const runs: Array<any> = json(answer).runs
      ids.push(...runs.map((r) => r.id))
      times.push(...runs.map((r) => Date.parse(r.createdAt)))
      if (runs.length < 13) break
    }
    assert.strictEqual(ids.length, server.store.size())
    assert.strictEqual(new Set(ids).size, ids.length)
    assert.deepStrictEqual(times, [...times].sort((a, b) => b - a))

    const task = server.store.tasks[2]!
    const since = new Date(times[90]!).toISOString()
    const end = new Date(times[10]!).toISOString()
    const query = new URLSearchParams({ taskSlug: task.slug, since, until: end })
    const filtered: Array<any> = json(await get(server, `/runs/list?${query}`)).runs
    const expected = server.store.list({ taskSlug: task.slug, since: new Date(since), until: new Date(end) })
    assert.isAbove(filtered.length, 0)
    assert.deepStrictEqual(filtered.map((r) => r.id), expected.map((r) => r.id))
    const byId: Array<any> = json(await get(server, `/runs/list?taskID=${task.id}&limit=50`)).runs
    for (const run of byId) assert.strictEqual(run.taskID, task.id)
    // Postgres-style timestamps are accepted too
    const pg = await get(server, `/runs/list?since=${encodeURIComponent("2025-12-31 00:00:00+00")}`)
    assert.strictEqual(pg.status, 200)
    for (const run of json(pg).runs) assert.isAtLeast(Date.parse(run.createdAt), Date.parse("2025-12-31T00:00:00Z"))
  })

  it("runs started over HTTP follow the manual clock moved by advance()", async () => {
    const started = await post(server, "/tasks/execute", { slug: "hello_world", paramValues: { fail: true } })
    const runID: string = json(started).runID
    const status = async () => json(await get(server, `/runs/get?id=${runID}`)).status
    assert.strictEqual(await status(), "NotStarted")
    server.advance!(10)
    assert.strictEqual(await status(), "Queued")
    server.advance!(RunStore.defaultLifecycle.startMs)
    assert.strictEqual(await status(), "Active")
    assert.isNull(json(await get(server, `/runs/getOutputs?id=${runID}`)).output)
    server.advance!(RunStore.defaultLifecycle.runMs)
    assert.strictEqual(await status(), "Failed")
    assert.deepStrictEqual(json(await get(server, `/runs/getOutputs?id=${runID}`)), {
      output: { error: "Hello World failed: paramValues.fail was true" }
    })
    const cancel = await post(server, "/runs/cancel", { runID })
    assert.strictEqual(cancel.status, 400)
    assert.strictEqual(json(cancel).code, "run_terminal")
    assert.include(json(cancel).error, "Failed")
  })
})
