import { type Run, RunStatus } from "@airplane-runs/contract"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { day, lastUpdated, manualStore, minute, start, walk } from "./utils/store.js"

const ids = (runs: ReadonlyArray<Run.Run>) => runs.map((r) => r.id)

describe("list", () => {
  it.effect("pages newest first, `limit` at a time, the last page short, then empty", () =>
    Effect.gen(function*() {
      const { store } = yield* manualStore({ seed: { runs: 200 } })
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
      const { store } = yield* manualStore({ seed: { runs: 200 } })
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
        const found = ids(walk(store, { limit }).flat())
        assert.strictEqual(found.length, 137, `limit ${limit}`)
        assert.strictEqual(new Set(found).size, 137, `limit ${limit}`)
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
        assert.deepStrictEqual(ids(bySlug), ids(byId))
        assert.deepStrictEqual(ids(walk(store, { taskID: task.id as any, taskSlug: task.slug }).flat()), ids(byId))
        assert.deepStrictEqual(ids(store.all({ taskSlug: task.slug })), ids(byId))
        total += byId.length
      }
      assert.strictEqual(total, store.size())
      const [a, b] = store.tasks
      assert.deepStrictEqual(store.list({ taskID: a!.id as any, taskSlug: b!.slug }), [])
      assert.deepStrictEqual(store.list({ taskID: "tsk20200101znothere00" as any }), [])
      assert.deepStrictEqual(store.list({ taskSlug: "no_such_task" }), [])
      assert.deepStrictEqual(store.all({ taskID: a!.id as any, taskSlug: b!.slug }), [])
      assert.deepStrictEqual(store.all({ taskSlug: "no_such_task" }), [])
    }))
})

describe("list: since and until, on the time a run was last updated", () => {
  it.effect("a run created before `since` and updated after it is in; one updated after `until` is out", () =>
    Effect.gen(function*() {
      const { clock, store } = yield* manualStore({ seed: { runs: 0 } })
      const id = store.execute({ slug: "hello_world" })!.id!
      // created at the start, active at +150 ms, succeeded at +650 ms
      clock.time += 10_000
      const at = (ms: number) => new Date(start + ms)
      const found = (params: { since?: Date; until?: Date }) => ids(store.list(params))
      assert.deepStrictEqual(found({ since: at(100) }), [id])
      assert.deepStrictEqual(found({ since: at(650) }), [id])
      assert.deepStrictEqual(found({ since: at(651) }), [])
      assert.deepStrictEqual(found({ until: at(100) }), [])
      assert.deepStrictEqual(found({ until: at(649) }), [])
      assert.deepStrictEqual(found({ until: at(650) }), [id])
      assert.deepStrictEqual(found({ since: at(0), until: at(650) }), [id])
    }))

  it.effect("the last update is the latest time that has come: start, end or cancel, as the clock moves", () =>
    Effect.gen(function*() {
      const { clock, store } = yield* manualStore({ seed: { runs: 0 } })
      const id = store.execute({ slug: "hello_world" })!.id!
      const window = { since: new Date(start + 1), until: new Date(start + 10 * minute) }
      // created at the start: before `since` until it does something more
      assert.deepStrictEqual(ids(store.list(window)), [])
      clock.time += 150
      assert.deepStrictEqual(ids(store.list(window)), [id])
      // a cancel after `until` takes it out of the window that held it
      clock.time = start + 20 * minute
      const other = store.execute({ slug: "hello_world" })!.id!
      clock.time += 100
      store.cancel(other)
      const later = { since: new Date(start + 15 * minute), until: new Date(start + 30 * minute) }
      assert.deepStrictEqual(ids(store.list(later)), [other])
      assert.deepStrictEqual(ids(store.list({ until: new Date(start + 20 * minute + 99) })), [id])
      assert.deepStrictEqual(ids(store.list({ until: new Date(start + 20 * minute + 100) })), [other, id])
    }))

  it.effect("seeded runs: the window selects by last update, both ends inclusive, newest created first", () =>
    Effect.gen(function*() {
      const { clock, store } = yield* manualStore()
      clock.time += day
      const all = walk(store).flat()
      const since = lastUpdated(all[150]!)
      const until = lastUpdated(all[20]!)
      const expected = all.filter((run) => lastUpdated(run) >= since && lastUpdated(run) <= until)
      const inRange = walk(store, { since: new Date(since), until: new Date(until) }).flat()
      assert.deepStrictEqual(ids(inRange), ids(expected))
      assert.include(ids(inRange), all[150]!.id)
      assert.include(ids(inRange), all[20]!.id)
      assert.isAbove(inRange.length, 100)
      assert.isEmpty(walk(store, { since: new Date(since + 1), until: new Date(since + 1) }).flat())
      assert.isEmpty(store.list({ since: new Date(start + 2 * day) }))
      assert.isEmpty(store.list({ until: new Date(start - 40 * day) }))
      // with a task filter too
      const task = store.tasks[0]!
      const ofTask = walk(store, { taskSlug: task.slug, since: new Date(since), until: new Date(until) }).flat()
      assert.deepStrictEqual(ids(ofTask), ids(expected.filter((run) => run.taskID === task.id)))
    }))

  it.effect("any window, page and limit, or every page at once, answers what filtering every run would, while runs start, end and cancel", () =>
    Effect.gen(function*() {
      // The store looks at runs one by one only near `since` and `until`: checked here
      // against the plain filter, at times when the newest runs are still going.
      const { clock, store } = yield* manualStore({ seed: { runs: 300, days: 1 }, lifecycle: { runMs: 5 * minute } })
      const everyRun = () => walk(store).flat()
      const plain = (since: number | undefined, until: number | undefined) =>
        everyRun().filter((run) => {
          const updated = lastUpdated(run)
          return (since === undefined || updated >= since) && (until === undefined || updated <= until)
        })
      const bounds = [
        undefined,
        start - day - minute,
        start - 20 * minute,
        start - 5 * minute,
        start - 1,
        start,
        start + 3 * minute,
        start + 8 * minute
      ]
      let checked = 0
      for (const advance of [0, 2 * minute, 4 * minute, 7 * minute, 30 * minute]) {
        clock.time = start + advance
        if (advance === 2 * minute) store.execute({ slug: "hello_world" })
        if (advance === 4 * minute) {
          const going = everyRun().find((run) => run.status === "Active" || run.status === "Queued")
          if (going !== undefined) store.cancel(going.id!)
        }
        for (const since of bounds) {
          for (const until of bounds) {
            if (since !== undefined && until !== undefined && since > until) continue
            const window = {
              ...(since === undefined ? {} : { since: new Date(since) }),
              ...(until === undefined ? {} : { until: new Date(until) })
            }
            const expected = ids(plain(since, until))
            assert.deepStrictEqual(ids(store.all(window)), expected, `all at +${advance} ms: ${JSON.stringify(window)}`)
            for (const [limit, page] of [[50, 0], [7, 1], [13, 2], [1, 5]] as const) {
              const params = { ...window, limit, page }
              assert.deepStrictEqual(
                ids(store.list(params)),
                expected.slice(page * limit, (page + 1) * limit),
                `at +${advance} ms: ${JSON.stringify(params)}`
              )
              checked++
            }
          }
        }
      }
      assert.isAbove(checked, 800)
    }))
})

describe("list: a walk pinned to `until` while runs change", () => {
  it.effect("a run updated during the walk leaves it, older runs move up by one, and new runs never enter", () =>
    Effect.gen(function*() {
      const { clock, store } = yield* manualStore({ seed: { runs: 30, days: 1 } })
      const until = new Date(clock.time)
      const page0 = store.list({ until, limit: 10 })
      const before = walk(store, { until, limit: 10 }).flat()
      // one seeded run is still going at the start: the newest
      const going = before.filter((run) => !RunStatus.isTerminal(run.status!))
      assert.deepStrictEqual(ids(going), [before[0]!.id])
      clock.time += 20 * minute
      store.execute({ slug: "hello_world" })
      const after = walk(store, { until, limit: 10 }).flat()
      assert.deepStrictEqual(ids(after), ids(before).slice(1))
      // A walk that read page 0 before the change and page 1 after it misses the run that
      // moved from the top of page 1 to the bottom of page 0: one run hidden by one that changed.
      const page1 = store.list({ until, limit: 10, page: 1 })
      assert.strictEqual(ids(page1)[0], before[11]!.id)
      assert.notInclude(ids([...page0, ...page1]), before[10]!.id)
    }))
})
