/**
 * The embedded server's in-memory data: tasks and runs, seeded deterministically, and the
 * lifecycle of every run, seeded or started by `tasks/execute`.
 *
 * A run's status is not advanced by timers: it is read off the store's clock each time the
 * run is looked at (NotStarted, then Queued, Active, and Succeeded, Failed or Cancelled at set
 * times). So the lifecycle follows whatever `Clock` the store was made with: real time by
 * default, `TestClock` in an Effect test, or a manual clock the tests move.
 *
 * The seeded runs span the days up to the store's start. The older ones have finished; the
 * newest few are still NotStarted, Queued or Active then, and finish in the minutes after, as
 * on a live API. Every run ends: none stays Active forever.
 *
 * @since 0.1.0
 */
import { type Ids, type Json, ListRuns, type Run, RunStatus } from "@airplane-runs/contract"
import { Context, Effect, Layer } from "effect"
import * as Random from "./internal/random.js"
import * as Seed from "./internal/seed.js"
import type { StoredRun } from "./internal/seed.js"

/**
 * A task that runs can be started from, with what every run of it carries: its parameter
 * definitions, its runtime and its timeout.
 *
 * @since 0.1.0
 * @category models
 */
export interface Task {
  readonly id: string
  readonly slug: string
  readonly name: string
  readonly params: ReadonlyArray<Run.Parameter>
  readonly runtime: "standard" | "workflow"
  /** Seconds. */
  readonly timeout: number
}

/**
 * How the seeded data set looks. The same options give the same tasks, runs, ids, outputs and
 * times relative to `until` on every machine; pin `until` too for the very same data.
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedOptions {
  /** The seed of the generator. Default 42. */
  readonly seed?: number | undefined
  /** How many tasks. Default 5. */
  readonly tasks?: number | undefined
  /** How many runs, spread over the tasks and the `days` before `until`. Default 500. */
  readonly runs?: number | undefined
  /** How many days the runs span, up to `until`. Default 30. */
  readonly days?: number | undefined
  /**
   * The end of the window: the newest runs are still going then and finish in the minutes
   * after it. Default: the store's time when it is made, that is the server's start (the start
   * of a manual clock).
   */
  readonly until?: Date | undefined
}

/**
 * The seeded data set when no option says otherwise: 500 runs (some 25 a week for each task,
 * so a week of one task holds a few failures) of 5 tasks over 30 days.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSeed = { seed: 42, tasks: 5, runs: 500, days: 30 } as const

/**
 * How the API writes a timestamp: RFC 3339 (`2022-01-11T22:32:45.601Z`) or Postgres text
 * (`2022-01-11 22:32:45.601486+00`, as in the API's own examples).
 *
 * @since 0.1.0
 * @category models
 */
export type TimestampFormat = "rfc3339" | "postgres"

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
 * Which task an execute names: found, none, or an `id` and a `slug` that are not the same task.
 *
 * @since 0.1.0
 * @category models
 */
export type TaskLookup =
  | { readonly _tag: "Found"; readonly task: Task }
  | { readonly _tag: "NotFound" }
  | { readonly _tag: "Mismatch"; readonly byId: Task; readonly bySlug: Task | undefined }

/**
 * Which runs a listing selects, its page and limit aside: a task, by id, slug or both, and a
 * window of last updates.
 *
 * @since 0.1.0
 * @category models
 */
export type Selection = Omit<ListRuns.ListRunsParams, "page" | "limit">

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
  /** When the seeded runs were created: the `days` up to `until`. */
  readonly window: { readonly since: Date; readonly until: Date }
  /** How many runs the store holds. */
  readonly size: () => number
  /** A run as it is now, or `undefined`. */
  readonly get: (id: string) => Run.Run | undefined
  /** A run's outputs: `null` until it has finished; `undefined` when there is no such run. */
  readonly outputs: (id: string) => Json.Json | undefined
  /**
   * One page of runs, newest created first, of those last updated between `since` and `until`
   * (both inclusive), as the API documents: the latest of a run's creation, start, success,
   * failure and cancel times that have come by now.
   */
  readonly list: (params: ListRuns.ListRunsParams) => ReadonlyArray<Run.Run>
  /**
   * Every run `list` selects with these params, newest created first, in one array: what
   * reading its pages from 0 to the first short one gives, at one instant.
   */
  readonly all: (params?: Selection) => ReadonlyArray<Run.Run>
  /**
   * The newest seeded run (one the store was made with, not one started since) whose status is
   * one of `statuses`, as it is now; `undefined` when none is. What a test of your own reaches
   * for: a run to get, to cancel, or to find in a list.
   */
  readonly seeded: (...statuses: ReadonlyArray<RunStatus.RunStatus>) => Run.Run | undefined
  readonly cancel: (id: string) => CancelOutcome
  /** Which task a request names, by id, slug or both. */
  readonly findTask: (request: { readonly id?: string | undefined; readonly slug?: string | undefined }) => TaskLookup
  /** Starts a run of a task named by id or slug; `undefined` when `findTask` finds none. */
  readonly execute: (request: {
    readonly id?: string | undefined
    readonly slug?: string | undefined
    readonly paramValues?: { readonly [key: string]: Json.Json } | undefined
    readonly resources?: { readonly [key: string]: string } | undefined
  }) => Run.Run | undefined
  /** How the API writes this run's timestamps (`rfc3339` for a run it does not hold). */
  readonly timestampFormat: (id: string) => TimestampFormat
}

/**
 * The store of the embedded server.
 *
 * @since 0.1.0
 * @category tags
 */
export class RunStore extends Context.Tag("@airplane-runs/server/RunStore")<RunStore, Service>() {}

const day = 86_400_000

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
  const { extras, task } = stored
  return {
    id: stored.id as Ids.RunId,
    status,
    taskID: task.id as Ids.TaskId,
    sessionID: extras.sessionID,
    teamID: teamId,
    createdAt: new Date(stored.createdAt),
    createdBy: userId,
    activeAt: date(stored.activeAt, at >= stored.activeAt),
    succeededAt: date(stored.endsAt, status === "Succeeded"),
    failedAt: date(stored.endsAt, status === "Failed"),
    cancelledAt: date(at, cancelled),
    cancelledBy: cancelled ? userId : null,
    isPrivate: extras.isPrivate,
    paramValues: stored.paramValues,
    params: task.params,
    permissions: extras.permissions,
    resources: stored.resources,
    constraints: { labels: extras.labels },
    runtime: task.runtime,
    timeout: task.timeout,
    zoneID: extras.zoneID
  }
}

// When a run was last updated as of `now`: the latest of the times `toRun` shows. A cancel
// comes only before a run's end, so it is the last of them when it has come.
const lastUpdate = (run: StoredRun, now: number): number =>
  run.cancelledAt !== undefined && run.cancelledAt <= now
    ? run.cancelledAt
    : run.endsAt <= now
    ? run.endsAt
    : run.activeAt <= now
    ? run.activeAt
    : run.createdAt

// When a run can change no more: its cancel, or else its end.
const settledAt = (run: StoredRun): number => run.cancelledAt ?? run.endsAt

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
  /**
   * How the API writes timestamps: `"mixed"` (the default) answers a quarter of the seeded
   * runs in Postgres text and the others in RFC 3339; `"rfc3339"` or `"postgres"` answers
   * every run so.
   */
  readonly timestamps?: TimestampFormat | "mixed" | undefined
} = {}): Effect.Effect<Service> =>
  Effect.map(Effect.clock, (clock) => {
    const seed = options.seed ?? {}
    const lifecycle = {
      queueMs: options.lifecycle?.queueMs ?? defaultLifecycle.queueMs,
      startMs: options.lifecycle?.startMs ?? defaultLifecycle.startMs,
      runMs: options.lifecycle?.runMs ?? defaultLifecycle.runMs
    }
    const now = options.now ?? (() => clock.unsafeCurrentTimeMillis())
    const until = seed.until?.getTime() ?? now()
    const since = until - Math.max(0, seed.days ?? defaultSeed.days) * day
    const random = Random.make(seed.seed ?? defaultSeed.seed)
    const tasks = Seed.seedTasks(random, seed.tasks ?? defaultSeed.tasks)
    const count = Math.max(0, seed.runs ?? defaultSeed.runs)
    const all = Seed.seedRuns(random, tasks, { count, since, until, userId })
    const byId = new Map(all.map((run) => [run.id, run]))
    const seededIds: ReadonlySet<string> = new Set(byId.keys())
    const byTask = new Map<string, Array<StoredRun>>(tasks.map((task) => [task.id, []]))
    for (const run of all) byTask.get(run.task.id)!.push(run)
    // The longest time from a run's creation to its last change: it bounds which runs a
    // `since` or `until` must look at one by one (see `list`). Cancels only shorten it.
    let lifetime = all.reduce((longest, run) => Math.max(longest, settledAt(run) - run.createdAt), 0)

    const insert = (runs: Array<StoredRun>, run: StoredRun) => {
      // Creation times only grow with a real clock, but a test clock may be set back.
      const at = lowerBound(runs, run.createdAt + 1)
      runs.splice(at, 0, run)
    }

    const findTask: Service["findTask"] = (request) => {
      const bySlug = request.slug === undefined ? undefined : tasks.find((t) => t.slug === request.slug)
      if (request.id === undefined) return bySlug === undefined ? { _tag: "NotFound" } : { _tag: "Found", task: bySlug }
      const byId = tasks.find((t) => t.id === request.id)
      if (byId === undefined) return { _tag: "NotFound" }
      return request.slug === undefined || bySlug === byId
        ? { _tag: "Found", task: byId }
        : { _tag: "Mismatch", byId, bySlug }
    }

    // The runs of the task the params name, or every run when they name none; `undefined` when
    // they name no task (an unknown one, or an id and a slug of two tasks).
    const ofTask = (params: Selection): Array<StoredRun> | undefined => {
      if (params.taskID === undefined && params.taskSlug === undefined) return all
      const found = findTask({ id: params.taskID, slug: params.taskSlug })
      return found._tag === "Found" ? byTask.get(found.task.id)! : undefined
    }

    // The runs `params` select, newest created first, from the `skip`th on, at most `limit`.
    const select = (params: Selection, skip: number, limit: number): Array<Run.Run> => {
      const runs = ofTask(params)
      if (runs === undefined) return []
      const time = now()
      const from = params.since?.getTime()
      const to = params.until?.getTime()
      const inWindow = (run: StoredRun) => {
        const updated = lastUpdate(run, time)
        return (from === undefined || updated >= from) && (to === undefined || updated <= to)
      }
      // A run's last update falls between its creation and `lifetime` later, and never after
      // now. So of the runs created by `to`, those created over `lifetime` before `from` are
      // out, those created from `from` on are in unless `to` is behind the clock and they
      // were created within `lifetime` of it: only the two bands in between are looked at
      // one by one, and a page of a large store costs them, not the whole store.
      const hi = to === undefined ? runs.length : lowerBound(runs, to + 1)
      const lo = from === undefined ? 0 : Math.min(hi, lowerBound(runs, from - lifetime))
      const sure = from === undefined ? lo : Math.max(lo, Math.min(hi, lowerBound(runs, from)))
      const top = to === undefined || to >= time ? hi : Math.max(sure, lowerBound(runs, to - lifetime + 1))
      const page: Array<Run.Run> = []
      const take = (run: StoredRun) => {
        if (skip > 0) skip--
        else page.push(toRun(run, time))
      }
      // Newest first: the band below `hi`, the sure runs (skipped over by arithmetic), the band above `lo`.
      for (let i = hi - 1; i >= top && page.length < limit; i--) if (inWindow(runs[i]!)) take(runs[i]!)
      const skipped = Math.min(skip, top - sure)
      skip -= skipped
      for (let i = top - 1 - skipped; i >= sure && page.length < limit; i--) take(runs[i]!)
      for (let i = sure - 1; i >= lo && page.length < limit; i--) if (inWindow(runs[i]!)) take(runs[i]!)
      return page
    }

    const service: Service = {
      now,
      tasks,
      window: { since: new Date(since), until: new Date(until) },
      size: () => all.length,
      get: (id) => {
        const run = byId.get(id)
        return run === undefined ? undefined : toRun(run, now())
      },
      outputs: (id) => {
        const run = byId.get(id)
        if (run === undefined) return undefined
        // A run has its output once it reached its outcome; a cancelled run never does.
        return toRun(run, now()).status === run.outcome ? run.output : null
      },
      list: (params) => {
        const limit = ListRuns.pageSize(params.limit)
        return select(params, (params.page ?? 0) * limit, limit)
      },
      all: (params = {}) => select(params, 0, Number.POSITIVE_INFINITY),
      seeded: (...statuses) =>
        select({}, 0, Number.POSITIVE_INFINITY).find((run) =>
          seededIds.has(run.id!) && run.status != null && statuses.includes(run.status)
        ),
      cancel: (id) => {
        const run = byId.get(id)
        if (run === undefined) return { _tag: "NotFound" }
        const time = now()
        const current = toRun(run, time)
        if (RunStatus.isTerminal(current.status!)) return { _tag: "AlreadyTerminal", status: current.status! }
        run.cancelledAt = time
        return { _tag: "Cancelled", run: toRun(run, time) }
      },
      findTask,
      execute: (request) => {
        const found = findTask(request)
        if (found._tag !== "Found") return undefined
        const task = found.task
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
            : { error: `${task.name} failed: paramValues.fail was true` },
          extras: Seed.plainExtras
        }
        lifetime = Math.max(lifetime, settledAt(run) - createdAt)
        byId.set(run.id, run)
        insert(all, run)
        insert(byTask.get(task.id)!, run)
        return toRun(run, createdAt)
      },
      timestampFormat: (id) => {
        if (options.timestamps !== undefined && options.timestamps !== "mixed") return options.timestamps
        return byId.get(id)?.extras.timestamps ?? "rfc3339"
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
