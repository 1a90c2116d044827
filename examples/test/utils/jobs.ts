/**
 * What the compose and promise examples have in common, checked against the embedded server:
 * they do the same jobs, one in Effect, one with async/await.
 */
import type { RunsServer, RunStore } from "@airplane-runs/server"
import { assert } from "@effect/vitest"

/** What both examples report of the week's jobs. */
export interface WeekJobs {
  readonly runID: string
  readonly status: string | null | undefined
  readonly output: unknown
  readonly since: Date
  readonly listed: number
  readonly failures: ReadonlyArray<string>
  readonly cancelled: ReadonlyArray<string>
  readonly alreadyFinished: ReadonlyArray<string>
  readonly rateLimited: boolean
}

// The runs of `send_invoice` the store holds from `since` on: how many, and which failed.
const storeWindow = (store: RunStore.Service, since: Date) => {
  const runs = store.all({ taskSlug: "send_invoice", since })
  return { failed: runs.filter((run) => run.status === "Failed").map((run) => run.id!), listed: runs.length }
}

/** Checks each job of the week against the server's store and request log. */
export const assertWeekJobs = (server: RunsServer.Service, result: WeekJobs) => {
  assert.strictEqual(result.status, "Succeeded")
  assert.strictEqual(server.store.get(result.runID)?.status, "Succeeded")
  assert.isNotNull(result.output)
  assert.deepStrictEqual(result.output, server.store.outputs(result.runID))

  // The walk saw every run of the window (none was created after it started), and its
  // failures are the store's, but for unfinished runs that failed before their cancel came.
  const inStore = storeWindow(server.store, result.since)
  assert.strictEqual(result.listed, inStore.listed)
  assert.isNotEmpty(result.failures)
  assert.deepStrictEqual(
    [...result.failures].sort(),
    inStore.failed.filter((id) => !result.alreadyFinished.includes(id)).sort()
  )

  assert.isNotEmpty(result.cancelled)
  for (const id of result.cancelled) assert.strictEqual(server.store.get(id)?.status, "Cancelled", id)
  for (const id of result.alreadyFinished) {
    assert.include(["Succeeded", "Failed", "Cancelled"], server.store.get(id)?.status, id)
  }
  const cancels = server.requestLog.entries().filter((e) => e.path === "/v0/runs/cancel")
  assert.strictEqual(cancels.length, result.cancelled.length + result.alreadyFinished.length)

  assert.isTrue(result.rateLimited)
  const limited = server.requestLog.entries().filter((e) => e.path === "/v0/runs/list" && e.status === 429)
  assert.strictEqual(limited.length, 3)
}
