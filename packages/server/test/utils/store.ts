/**
 * A store on a clock the test moves, and the ways the tests read it: every page of a walk,
 * a run's last update.
 */
import { ListRuns, type Run } from "@airplane-runs/contract"
import { RunStore } from "@airplane-runs/server"
import { Effect } from "effect"

/** Where the tests' manual clocks start, unless a test says otherwise. */
export const start = Date.parse("2026-01-01T00:00:00Z")

export const minute = 60_000
export const day = 86_400_000

/** A store whose clock is a variable the test moves, starting at `at`. */
export const manualStore = (
  options: Omit<NonNullable<Parameters<typeof RunStore.make>[0]>, "now"> = {},
  at = start
) => {
  const clock = { time: at }
  return Effect.map(RunStore.make({ ...options, now: () => clock.time }), (store) => ({ store, clock }))
}

/**
 * Every page of a store, as a client walks them: from page 0 to the first short one. For the
 * tests of paging; every run at once is `store.all`.
 */
export const walk = (
  store: RunStore.Service,
  params: Omit<ListRuns.ListRunsParams, "page"> = {}
): Array<ReadonlyArray<Run.Run>> => {
  const pages: Array<ReadonlyArray<Run.Run>> = []
  const limit = ListRuns.pageSize(params.limit)
  for (let page = 0;; page++) {
    const runs = store.list({ ...params, page })
    pages.push(runs)
    if (runs.length < limit) return pages
  }
}

/** When a run was last updated, from what it shows: the latest of its times. */
export const lastUpdated = (run: Run.Run): number =>
  Math.max(
    ...[run.createdAt, run.activeAt, run.succeededAt, run.failedAt, run.cancelledAt].map((date) =>
      date == null ? Number.NEGATIVE_INFINITY : date.getTime()
    )
  )
