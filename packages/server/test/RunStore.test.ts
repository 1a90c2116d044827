import { Run, RunStatus } from "@airplane-runs/contract"
import { RunsServer, RunStore } from "@airplane-runs/server"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, TestClock } from "effect"
import { afterAll, beforeAll } from "vitest"
import { get, json, post } from "./utils/http.js"
import { day, lastUpdated, manualStore, minute, start as until } from "./utils/store.js"

const decodeRun = Schema.decodeUnknownSync(Run.Run)
// The query's form of Postgres text: what a client copying a timestamp from an answer sends.
const postgresText = (date: Date) => date.toISOString().replace("T", " ").replace("Z", "+00")

const statuses = RunStatus.values

const snapshot = (store: RunStore.Service) => ({
  tasks: store.tasks,
  runs: store.all().map((run) => ({ ...run, output: store.outputs(run.id!) }))
})

const kindOf = (value: unknown): string => value === null ? "null" : Array.isArray(value) ? "array" : typeof value

const countStatuses = (runs: ReadonlyArray<{ readonly status?: string | null | undefined }>) => {
  const counts = new Map<string, number>()
  for (const run of runs) counts.set(run.status!, (counts.get(run.status!) ?? 0) + 1)
  return counts
}

describe("seeding", () => {
  it.effect("the same seed and window give identical tasks, runs and outputs", () =>
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

  it.effect("defaults: 5 tasks, 500 runs over the 30 days up to the store's start, unique Airplane-shaped ids", () =>
    Effect.gen(function*() {
      // any start: the window follows it
      const started = Date.parse("2031-03-15T08:30:00Z")
      const { store } = yield* manualStore({}, started)
      assert.deepStrictEqual(store.window, { since: new Date(started - 30 * day), until: new Date(started) })
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
      const runs = store.all()
      assert.strictEqual(runs.length, RunStore.defaultSeed.runs)
      assert.strictEqual(new Set(runs.map((r) => r.id)).size, runs.length)
      for (const run of runs) {
        assert.match(run.id!, /^run\d{8}z[0-9a-z]{10}$/)
        const created = run.createdAt!.getTime()
        assert.isAtMost(created, started)
        assert.isAtLeast(created, started - 30 * day)
        assert.strictEqual(run.id!.slice(3, 11), run.createdAt!.toISOString().slice(0, 10).replaceAll("-", ""))
      }
      // the window is used from end to end, and the tasks all get runs
      assert.isBelow(runs[0]!.createdAt!.getTime(), started)
      assert.isAbove(runs[0]!.createdAt!.getTime(), started - 15 * minute)
      assert.isBelow(runs.at(-1)!.createdAt!.getTime(), started - 29 * day)
      assert.strictEqual(new Set(runs.map((r) => r.taskID)).size, 5)
    }))

  it.effect("the window ends when the store is made, unless seed.until pins it", () =>
    Effect.gen(function*() {
      const offsets = (store: RunStore.Service) =>
        store.all().map((run) => store.window.until.getTime() - run.createdAt!.getTime())
      const early = yield* manualStore({}, until)
      const late = yield* manualStore({}, until + 90 * day)
      assert.strictEqual(late.store.window.until.getTime(), until + 90 * day)
      // the same data, moved along with the start
      assert.deepStrictEqual(offsets(late.store), offsets(early.store))
      // pinned: the same runs whenever the store is made
      const pinned = { until: new Date(until) }
      const a = yield* manualStore({ seed: pinned }, until + day)
      const b = yield* manualStore({ seed: pinned }, until + 90 * day)
      assert.deepStrictEqual(a.store.window, b.store.window)
      assert.deepStrictEqual(
        a.store.all().map((r) => [r.id, r.createdAt]),
        b.store.all().map((r) => [r.id, r.createdAt])
      )
    }))

  it.effect("honours tasks, runs, days and until", () =>
    Effect.gen(function*() {
      const end = Date.parse("2024-06-01T00:00:00Z")
      const { store } = yield* manualStore({ seed: { tasks: 10, runs: 30, days: 7, until: new Date(end) } }, end)
      assert.strictEqual(store.tasks.length, 10)
      assert.strictEqual(new Set(store.tasks.map((t) => t.slug)).size, 10)
      assert.strictEqual(store.tasks[8]!.slug, "hello_world_1")
      assert.strictEqual(store.size(), 30)
      assert.deepStrictEqual(store.window, { since: new Date(end - 7 * day), until: new Date(end) })
      for (const run of store.all()) {
        assert.isAtMost(run.createdAt!.getTime(), end)
        assert.isAtLeast(run.createdAt!.getTime(), end - 7 * day)
      }
    }))

  it.effect("at the start, all six statuses, each with the fields it implies; only the newest runs are unfinished", () =>
    Effect.gen(function*() {
      const { store } = yield* manualStore()
      const runs = store.all()
      const counts = countStatuses(runs)
      for (const status of statuses) assert.isAbove(counts.get(status) ?? 0, 0, status)
      assert.isAbove(counts.get("Succeeded")!, counts.get("Failed")!)
      for (const run of runs) {
        const s = run.status!
        if (!RunStatus.isTerminal(s)) {
          // still going: created in the window's last quarter hour, as a live API's runs are
          assert.isAbove(run.createdAt!.getTime(), until - 15 * minute, `${run.id} ${s}`)
        }
        assert.strictEqual(run.activeAt !== null, s !== "NotStarted" && s !== "Queued", `${run.id} ${s} activeAt`)
        assert.strictEqual(run.succeededAt !== null, s === "Succeeded", `${run.id} succeededAt`)
        assert.strictEqual(run.failedAt !== null, s === "Failed", `${run.id} failedAt`)
        assert.strictEqual(run.cancelledAt !== null, s === "Cancelled", `${run.id} cancelledAt`)
        assert.strictEqual(run.cancelledBy, s === "Cancelled" ? RunStore.userId : null)
        if (run.activeAt) assert.isAbove(run.activeAt.getTime(), run.createdAt!.getTime())
        const end = run.succeededAt ?? run.failedAt ?? run.cancelledAt
        if (end) assert.isAbove(end.getTime(), run.activeAt!.getTime())
        // nothing has happened after the start
        for (const date of [run.activeAt, end]) if (date) assert.isAtMost(date.getTime(), until, run.id!)
      }
    }))

  it.effect("the unfinished seeded runs move on as time passes, and all have finished within half an hour", () =>
    Effect.gen(function*() {
      const { clock, store } = yield* manualStore()
      const order = (status: string) => statuses.indexOf(status as RunStatus.RunStatus)
      const seen = new Map(store.all().map((run) => [run.id!, run.status!]))
      const unfinished = [...seen].filter(([, status]) => !RunStatus.isTerminal(status)).map(([id]) => id)
      assert.isNotEmpty(unfinished)
      const moved = new Set<string>()
      for (let elapsed = 0; elapsed < 30 * minute; elapsed += 10_000) {
        clock.time = until + elapsed
        for (const id of unfinished) {
          const status = store.get(id)!.status!
          const before = seen.get(id)!
          // forward only, and once terminal, for good
          if (RunStatus.isTerminal(before)) assert.strictEqual(status, before, id)
          else {assert.isTrue(
              RunStatus.isTerminal(status) || order(status) >= order(before),
              `${id}: ${before}, ${status}`
            )}
          if (status !== before) moved.add(id)
          seen.set(id, status)
        }
      }
      assert.strictEqual(moved.size, unfinished.length)
      for (const id of unfinished) {
        const run = store.get(id)!
        assert.isTrue(RunStatus.isTerminal(run.status!), `${id} ${run.status}`)
        const end = run.succeededAt ?? run.failedAt
        assert.isAbove(end!.getTime(), until, id)
      }
      const counts = countStatuses(store.all())
      assert.deepStrictEqual([...counts.keys()].filter((s) => !RunStatus.isTerminal(s as RunStatus.RunStatus)), [])
    }))

  it.effect("outputs of finished runs come in several JSON shapes; unfinished runs have none", () =>
    Effect.gen(function*() {
      const { store } = yield* manualStore()
      const kinds = new Set<string>()
      for (const run of store.all()) {
        const output = store.outputs(run.id!)
        if (run.status === "Succeeded" || run.status === "Failed") kinds.add(kindOf(output))
        else assert.isNull(output, `${run.id} ${run.status}`)
      }
      assert.includeMembers([...kinds], ["object", "array", "string", "number", "boolean", "null"])
      assert.isUndefined(store.outputs("run20200101znothere00"))
      assert.isUndefined(store.get("run20200101znothere00"))
    }))
})

describe("seeded", () => {
  it.effect("finds the newest seeded run of a status, as it is now, and passes over runs started since", () =>
    Effect.gen(function*() {
      const { store } = yield* manualStore()
      for (const status of RunStatus.values) {
        const found = store.seeded(status)
        const expected = store.all().find((run) => run.status === status)
        assert.strictEqual(found?.id, expected?.id, status)
      }
      // A started run is newer than every seeded one, and NotStarted: it is not offered.
      const started = store.execute({ slug: "hello_world" })!
      assert.strictEqual(store.get(started.id!)!.status, "NotStarted")
      assert.notStrictEqual(store.seeded("NotStarted", "Queued", "Active")?.id, started.id)
      assert.oneOf(store.seeded("Succeeded", "Failed")?.status, ["Succeeded", "Failed"])
      assert.isUndefined(store.seeded())
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
      assert.strictEqual(store.size(), RunStore.defaultSeed.runs + 1)
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

  it.effect("finds a task by id, slug or both; tells an unknown task from an id and a slug of two tasks", () =>
    Effect.gen(function*() {
      const { store } = yield* manualStore()
      const [a, b] = store.tasks
      assert.deepStrictEqual(store.findTask({ slug: a!.slug }), { _tag: "Found", task: a! })
      assert.deepStrictEqual(store.findTask({ id: a!.id }), { _tag: "Found", task: a! })
      assert.deepStrictEqual(store.findTask({ id: a!.id, slug: a!.slug }), { _tag: "Found", task: a! })
      assert.deepStrictEqual(store.findTask({ slug: "nope" }), { _tag: "NotFound" })
      assert.deepStrictEqual(store.findTask({ id: "tsk20200101znothere00" }), { _tag: "NotFound" })
      assert.deepStrictEqual(store.findTask({ id: "tsk20200101znothere00", slug: a!.slug }), { _tag: "NotFound" })
      assert.deepStrictEqual(store.findTask({ id: a!.id, slug: b!.slug }), { _tag: "Mismatch", byId: a!, bySlug: b! })
      assert.deepStrictEqual(store.findTask({ id: a!.id, slug: "nope" }), {
        _tag: "Mismatch",
        byId: a!,
        bySlug: undefined
      })
      // and execute starts a run only for a task found
      assert.isUndefined(store.execute({ slug: "nope" }))
      assert.isUndefined(store.execute({ id: "tsk20200101znothere00" }))
      assert.isUndefined(store.execute({ id: a!.id, slug: b!.slug }))
      assert.isDefined(store.execute({ id: b!.id, slug: b!.slug }))
      assert.strictEqual(store.size(), RunStore.defaultSeed.runs + 1)
    }))

  it.effect("follows the Clock of the context when no `now` is given, its window ending there", () =>
    Effect.gen(function*() {
      // @effect/vitest runs it.effect on the TestClock, at time 0
      const store = yield* RunStore.make({ seed: { runs: 40 } })
      assert.strictEqual(store.now(), 0)
      assert.strictEqual(store.window.until.getTime(), 0)
      const run = store.execute({ slug: "hello_world" })!
      assert.strictEqual(run.createdAt!.getTime(), 0)
      const seeded = store.all().filter((r) => r.id !== run.id)
      assert.strictEqual(seeded.length, 40)
      const unfinished = seeded.filter((r) => !RunStatus.isTerminal(r.status!))
      assert.isNotEmpty(unfinished)
      yield* TestClock.adjust("1 hour")
      for (const { id } of unfinished) assert.isTrue(RunStatus.isTerminal(store.get(id!)!.status!), id!)
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

  it.effect("refuses a finished run, a cancelled one and an unknown one; cancels a seeded run still going", () =>
    Effect.gen(function*() {
      const { clock, store } = yield* manualStore()
      const runs = store.all()
      for (const status of ["Succeeded", "Failed", "Cancelled"] as const) {
        const run = runs.find((r) => r.status === status)!
        const before = store.get(run.id!)
        assert.deepStrictEqual(store.cancel(run.id!), { _tag: "AlreadyTerminal", status })
        assert.deepStrictEqual(store.get(run.id!), before)
      }
      assert.deepStrictEqual(store.cancel("run20200101znothere00"), { _tag: "NotFound" })
      const active = runs.find((r) => r.status === "Active")!
      assert.strictEqual(store.cancel(active.id!)._tag, "Cancelled")
      // past the time it would have finished, it is still cancelled
      clock.time += day
      assert.strictEqual(store.get(active.id!)!.status, "Cancelled")
      assert.strictEqual(store.get(active.id!)!.cancelledAt!.getTime(), until)
      const id = store.execute({ slug: "hello_world" })!.id!
      clock.time += 1_000
      assert.deepStrictEqual(store.cancel(id), { _tag: "AlreadyTerminal", status: "Succeeded" })
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

  it("the manual clock starts at the real time the server starts, and the seeded window ends there", async () => {
    const before = Date.now()
    await using other = await RunsServer.start({ clock: "manual", seed: { runs: 10 } })
    const after = Date.now()
    const started = other.store.now()
    assert.isAtLeast(started, before)
    assert.isAtMost(started, after)
    assert.strictEqual(other.store.window.until.getTime(), started)
    const newest = other.store.list({ limit: 1 })[0]!
    assert.isAtMost(newest.createdAt!.getTime(), started)
    assert.isAbove(newest.createdAt!.getTime(), started - 15 * minute)
    // a manual start, or a pinned window, moves it
    await using pinned = await RunsServer.start({ clock: "manual", manualStart: new Date(until), seed: { runs: 10 } })
    assert.deepStrictEqual(pinned.store.window.until, new Date(until))
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
      times.push(...runs.map((r) => decodeRun(r).createdAt!.getTime()))
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
    const pgSince = new Date(times[30]!)
    const pg = await get(server, `/runs/list?since=${encodeURIComponent(postgresText(pgSince))}`)
    assert.strictEqual(pg.status, 200)
    assert.isNotEmpty(json(pg).runs)
    for (const run of json(pg).runs) assert.isAtLeast(lastUpdated(decodeRun(run)), pgSince.getTime())
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
