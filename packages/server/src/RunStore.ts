/**
 * The embedded server's in-memory data: tasks and runs, seeded deterministically, and the
 * lifecycle of the runs that `tasks/execute` starts.
 *
 * A run's status is not advanced by timers: it is read off the store's clock each time the
 * run is looked at (NotStarted, then Queued, Active, and Succeeded or Failed at fixed delays
 * after its creation). So the lifecycle follows whatever `Clock` the store was made with: real
 * time by default, `TestClock` in an Effect test, or a manual clock the tests move.
 *
 * @since 0.1.0
 */
import type { Ids, Json, ListRuns, Run, RunStatus } from "@airplane-runs/contract"
import { Context, Effect, Layer } from "effect"
import * as Random from "./internal/random.js"

/**
 * A task that runs can be started from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Task {
  readonly id: string
  readonly slug: string
  readonly name: string
}

/**
 * How the seeded data set looks. The same options give the same tasks, runs, ids, times and
 * outputs on every machine.
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedOptions {
  /** The seed of the generator. Default 42. */
  readonly seed?: number | undefined
  /** How many tasks. Default 5. */
  readonly tasks?: number | undefined
  /** How many runs, spread over the tasks, statuses and the 30 days before `until`. Default 200. */
  readonly runs?: number | undefined
  /** When the newest seeded run was created. Default 2026-01-01T00:00:00Z. */
  readonly until?: Date | undefined
}

/**
 * The delays of a started run, from its creation: it is queued after `queueMs`, active
 * `startMs` later, and finished `runMs` after that. A run whose `paramValues.fail` is `true`
 * fails; any other succeeds.
 *
 * @since 0.1.0
 * @category models
 */
export interface LifecycleOptions {
  readonly queueMs?: number | undefined
  readonly startMs?: number | undefined
  readonly runMs?: number | undefined
}

/**
 * What the store does on its own: the default lifecycle delays.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultLifecycle = { queueMs: 50, startMs: 100, runMs: 500 } as const

/**
 * The user every run started or cancelled through the embedded server is attributed to.
 *
 * @since 0.1.0
 * @category constants
 */
export const userId = "usr20220103zlufhym"

/**
 * The team that owns every run.
 *
 * @since 0.1.0
 * @category constants
 */
export const teamId = "tea20220103zvy4auu"

/**
 * Why a cancel did not happen.
 *
 * @since 0.1.0
 * @category models
 */
export type CancelOutcome =
  | { readonly _tag: "Cancelled"; readonly run: Run.Run }
  | { readonly _tag: "NotFound" }
  | { readonly _tag: "AlreadyTerminal"; readonly status: RunStatus.RunStatus }

/**
 * The store.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The store's current time, in epoch milliseconds. */
  readonly now: () => number
  readonly tasks: ReadonlyArray<Task>
  /** How many runs the store holds. */
  readonly size: () => number
  /** A run as it is now, or `undefined`. */
  readonly get: (id: string) => Run.Run | undefined
  /** A run's outputs: `null` until it has finished; `undefined` when there is no such run. */
  readonly outputs: (id: string) => Json.Json | undefined
  /** One page of runs, newest first. */
  readonly list: (params: ListRuns.ListRunsParams) => ReadonlyArray<Run.Run>
  readonly cancel: (id: string) => CancelOutcome
  /** Starts a run of a task named by id or slug; `undefined` when there is no such task. */
  readonly execute: (request: {
    readonly id?: string | undefined
    readonly slug?: string | undefined
    readonly paramValues?: { readonly [key: string]: Json.Json } | undefined
    readonly resources?: { readonly [key: string]: string } | undefined
  }) => Run.Run | undefined
}

/**
 * The store of the embedded server.
 *
 * @since 0.1.0
 * @category tags
 */
export class RunStore extends Context.Tag("@airplane-runs/server/RunStore")<RunStore, Service>() {}

interface StoredRun {
  readonly id: string
  readonly task: Task
  readonly createdAt: number
  readonly queuedAt: number
  readonly activeAt: number
  readonly endsAt: number
  readonly outcome: "Succeeded" | "Failed"
  readonly paramValues: { readonly [key: string]: Json.Json }
  readonly resources: { readonly [key: string]: string }
  readonly output: Json.Json
  cancelledAt?: number
}

const taskSlugs = [
  "hello_world",
  "send_invoice",
  "sync_users",
  "nightly_report",
  "resize_images",
  "rotate_keys",
  "backfill_orders",
  "deploy_service"
]

const outputShapes: ReadonlyArray<(random: Random.Random, index: number) => Json.Json> = [
  () => ({ element: "hydrogen", weight: "1.008" }),
  (random) => Array.from({ length: 1 + random.int(3) }, (_, i) => ({ row: i, ok: random.next() > 0.2 })),
  (_, index) => `processed batch ${index}`,
  (random) => Math.round(random.next() * 100_000) / 100,
  (random) => random.next() > 0.5,
  () => null,
  (random, index) => ({ summary: { index, items: [random.int(10), random.int(10)] }, tags: ["seeded"] })
]

const day = 86_400_000
const never = Number.POSITIVE_INFINITY

const toRun = (stored: StoredRun, now: number): Run.Run => {
  const cancelled = stored.cancelledAt !== undefined && stored.cancelledAt <= now
  const at = cancelled ? stored.cancelledAt! : now
  const status: RunStatus.RunStatus = cancelled
    ? "Cancelled"
    : at >= stored.endsAt
    ? stored.outcome
    : at >= stored.activeAt
    ? "Active"
    : at >= stored.queuedAt
    ? "Queued"
    : "NotStarted"
  const date = (time: number, shown: boolean) => (shown ? new Date(time) : null)
  return {
    id: stored.id as Ids.RunId,
    status,
    taskID: stored.task.id as Ids.TaskId,
    sessionID: null,
    teamID: teamId,
    createdAt: new Date(stored.createdAt),
    createdBy: userId,
    activeAt: date(stored.activeAt, at >= stored.activeAt),
    succeededAt: date(stored.endsAt, status === "Succeeded"),
    failedAt: date(stored.endsAt, status === "Failed"),
    cancelledAt: date(at, cancelled),
    cancelledBy: cancelled ? userId : null,
    isPrivate: false,
    paramValues: stored.paramValues,
    params: [],
    permissions: [],
    resources: stored.resources,
    constraints: { labels: [] },
    runtime: "standard",
    timeout: 3600,
    zoneID: null
  }
}

// The first index in `runs` (sorted by creation, oldest first) created at or after `time`.
const lowerBound = (runs: ReadonlyArray<StoredRun>, time: number): number => {
  let lo = 0, hi = runs.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (runs[mid]!.createdAt < time) lo = mid + 1
    else hi = mid
  }
  return lo
}

const seedRuns = (random: Random.Random, tasks: ReadonlyArray<Task>, options: SeedOptions): Array<StoredRun> => {
  const count = options.runs ?? 200
  const until = (options.until ?? new Date("2026-01-01T00:00:00Z")).getTime()
  const step = Math.max(1, Math.floor((30 * day) / Math.max(count, 1)))
  const runs: Array<StoredRun> = []
  for (let i = 0; i < count; i++) {
    const task = tasks[random.int(tasks.length)]!
    // Distinct, increasing creation times with some jitter inside each step.
    const createdAt = until - (count - 1 - i) * step - random.int(Math.max(1, Math.floor(step / 2)))
    const roll = random.next()
    const queuedAt = createdAt + 200 + random.int(800)
    const activeAt = queuedAt + 500 + random.int(4_000)
    const endsAt = activeAt + 1_000 + random.int(600_000)
    // 60% succeeded, 15% failed, 10% cancelled, 8% active, 4% queued, 3% not started.
    const base = {
      id: Random.id(random, "run", createdAt),
      task,
      createdAt,
      paramValues: { batch: i, dryRun: random.next() > 0.7 },
      resources: { db: "res20220111zdbmain" },
      output: outputShapes[i % outputShapes.length]!(random, i)
    }
    if (roll < 0.6) runs.push({ ...base, queuedAt, activeAt, endsAt, outcome: "Succeeded" })
    else if (roll < 0.75) runs.push({ ...base, queuedAt, activeAt, endsAt, outcome: "Failed" })
    else if (roll < 0.85) {
      runs.push({ ...base, queuedAt, activeAt, endsAt: never, outcome: "Succeeded", cancelledAt: activeAt + 1_000 })
    } else if (roll < 0.93) runs.push({ ...base, queuedAt, activeAt, endsAt: never, outcome: "Succeeded" })
    else if (roll < 0.97) runs.push({ ...base, queuedAt, activeAt: never, endsAt: never, outcome: "Succeeded" })
    else runs.push({ ...base, queuedAt: never, activeAt: never, endsAt: never, outcome: "Succeeded" })
  }
  return runs.sort((a, b) => a.createdAt - b.createdAt)
}

/**
 * Makes a store: the seeded data set, with time read from `now` or else from the `Clock` of
 * the context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: {
  readonly seed?: SeedOptions | undefined
  readonly lifecycle?: LifecycleOptions | undefined
  /** The store's time in epoch milliseconds; by default the `Clock` of the context. */
  readonly now?: (() => number) | undefined
} = {}): Effect.Effect<Service> =>
  Effect.map(Effect.clock, (clock) => {
    const seed = options.seed ?? {}
    const lifecycle = {
      queueMs: options.lifecycle?.queueMs ?? defaultLifecycle.queueMs,
      startMs: options.lifecycle?.startMs ?? defaultLifecycle.startMs,
      runMs: options.lifecycle?.runMs ?? defaultLifecycle.runMs
    }
    const random = Random.make(seed.seed ?? 42)
    const tasks: Array<Task> = Array.from({ length: Math.max(1, seed.tasks ?? 5) }, (_, i) => {
      const slug = taskSlugs[i % taskSlugs.length]! +
        (i < taskSlugs.length ? "" : `_${Math.floor(i / taskSlugs.length)}`)
      return {
        id: Random.id(random, "tsk", Date.UTC(2021, 6, 28)),
        slug,
        name: slug.split("_").map((w) => w[0]!.toUpperCase() + w.slice(1)).join(" ")
      }
    })
    const all = seedRuns(random, tasks, seed)
    const byId = new Map(all.map((run) => [run.id, run]))
    const byTask = new Map<string, Array<StoredRun>>(tasks.map((task) => [task.id, []]))
    for (const run of all) byTask.get(run.task.id)!.push(run)
    const now = options.now ?? (() => clock.unsafeCurrentTimeMillis())

    const insert = (runs: Array<StoredRun>, run: StoredRun) => {
      // Creation times only grow with a real clock, but a test clock may be set back.
      const at = lowerBound(runs, run.createdAt + 1)
      runs.splice(at, 0, run)
    }

    const service: Service = {
      now,
      tasks,
      size: () => all.length,
      get: (id) => {
        const run = byId.get(id)
        return run === undefined ? undefined : toRun(run, now())
      },
      outputs: (id) => {
        const run = byId.get(id)
        if (run === undefined) return undefined
        const status = toRun(run, now()).status
        return status === "Succeeded" || status === "Failed" ? run.output : null
      },
      list: (params) => {
        let task: Task | undefined
        if (params.taskID !== undefined) {
          task = tasks.find((t) => t.id === params.taskID)
          if (task === undefined) return []
        }
        if (params.taskSlug !== undefined) {
          if (task !== undefined && task.slug !== params.taskSlug) return []
          task = tasks.find((t) => t.slug === params.taskSlug)
          if (task === undefined) return []
        }
        const runs = task === undefined ? all : byTask.get(task.id)!
        const lo = params.since === undefined ? 0 : lowerBound(runs, params.since.getTime())
        const hi = params.until === undefined ? runs.length : lowerBound(runs, params.until.getTime() + 1)
        // Limit 0 is "not set" for the API's Go backend, as for any zero value: the default.
        const limit = params.limit === undefined || params.limit === 0 ? 50 : params.limit
        const start = hi - 1 - (params.page ?? 0) * limit
        const time = now()
        const page: Array<Run.Run> = []
        for (let i = start; i >= lo && i > start - limit; i--) page.push(toRun(runs[i]!, time))
        return page
      },
      cancel: (id) => {
        const run = byId.get(id)
        if (run === undefined) return { _tag: "NotFound" }
        const time = now()
        const current = toRun(run, time)
        if (current.status === "Succeeded" || current.status === "Failed" || current.status === "Cancelled") {
          return { _tag: "AlreadyTerminal", status: current.status }
        }
        run.cancelledAt = time
        return { _tag: "Cancelled", run: toRun(run, time) }
      },
      execute: (request) => {
        const task = request.id !== undefined
          ? tasks.find((t) => t.id === request.id)
          : tasks.find((t) => t.slug === request.slug)
        if (task === undefined || (request.slug !== undefined && task.slug !== request.slug)) return undefined
        const createdAt = now()
        const queuedAt = createdAt + lifecycle.queueMs
        const activeAt = queuedAt + lifecycle.startMs
        const paramValues = request.paramValues ?? {}
        const outcome = paramValues["fail"] === true ? "Failed" : "Succeeded"
        const run: StoredRun = {
          id: Random.id(random, "run", createdAt),
          task,
          createdAt,
          queuedAt,
          activeAt,
          endsAt: activeAt + lifecycle.runMs,
          outcome,
          paramValues,
          resources: request.resources ?? {},
          output: outcome === "Succeeded"
            ? { task: task.slug, paramValues, message: `${task.name} finished` }
            : { error: `${task.name} failed: paramValues.fail was true` }
        }
        byId.set(run.id, run)
        insert(all, run)
        insert(byTask.get(task.id)!, run)
        return toRun(run, createdAt)
      }
    }
    return service
  })

/**
 * A layer of the store.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Parameters<typeof make>[0]): Layer.Layer<RunStore> =>
  Layer.effect(RunStore, make(options))
