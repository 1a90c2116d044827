/**
 * What the facade's tests share: the embedded server on a free loopback port, a client of it
 * with quick retries, polling on the real clock, and the seeded runs read from the server.
 */
import type { RunStatus } from "@airplane-runs/contract"
import { AirplaneRuns, type ClientOptions } from "@airplane-runs/promise"
import { RunsServer } from "@airplane-runs/server"
import { afterAll, beforeAll, beforeEach, expect } from "vitest"

const day = 86_400_000

/**
 * The embedded server, its runs seeded a day before now so that every seeded run has
 * finished (none changes, or leaves a walk's window, during a test), and started runs racing
 * through their lifecycle in a few milliseconds.
 */
export const startServer = (options: RunsServer.Options = {}): Promise<RunsServer.RunningServer> =>
  RunsServer.start({
    ...options,
    seed: { until: new Date(Date.now() - day), ...options.seed },
    lifecycle: { queueMs: 5, startMs: 5, runMs: 20, ...options.lifecycle }
  })

/**
 * A server whose time stands still at the end of its seeded window: its newest seeded runs
 * are not started, queued or active, and stay so; runs started by a test never start.
 */
export const startFrozenServer = (options: RunsServer.Options = {}): Promise<RunsServer.RunningServer> =>
  startServer({ ...options, clock: "manual" })

/** A client of the server, with backoffs of a millisecond or two unless told otherwise. */
export const clientOf = (server: RunsServer.RunningServer, options: ClientOptions = {}): AirplaneRuns =>
  new AirplaneRuns({
    apiKey: server.apiKey,
    baseUrl: server.url,
    retry: { initialDelayMs: 1, maxDelayMs: 2 },
    ...options
  })

/** Clears the server's faults and request log, so a test sees only its own requests. */
export const fresh = (server: RunsServer.RunningServer): RunsServer.RunningServer => {
  server.faults.clear()
  server.requestLog.clear()
  return server
}

/** A test file's server and its client, once both have started. */
export interface Api {
  readonly server: RunsServer.RunningServer
  readonly client: AirplaneRuns
}

/**
 * A server (from `start`) and a client of it for a test file: started before its tests, the
 * server made `fresh` before each, both stopped after them. Read them as `api.server` and
 * `api.client` within the tests.
 */
export const useApi = (start: () => Promise<RunsServer.RunningServer>, options: ClientOptions = {}): Api => {
  const api: { server?: RunsServer.RunningServer; client?: AirplaneRuns } = {}
  beforeAll(async () => {
    api.server = await start()
    api.client = clientOf(api.server, options)
  })
  beforeEach(() => {
    fresh(api.server!)
  })
  afterAll(async () => {
    await api.client?.close()
    await api.server?.stop()
  })
  return api as Api
}

/** The API requests the server has logged since the last `fresh` (admin requests left out). */
export const apiRequests = (server: RunsServer.RunningServer, path?: string) =>
  server.requestLog.entries().filter((entry) =>
    path === undefined ? entry.path.startsWith("/v0/") : entry.path === path
  )

/** Waits on the real clock. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `condition` every few milliseconds until it holds; throws after `attempts` polls. */
export const waitFor = async (what: string, condition: () => boolean, attempts = 2_000): Promise<void> => {
  for (let i = 0; i < attempts; i++) {
    if (condition()) return
    await sleep(5)
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** What a promise rejected with; fails the test when it resolved. */
export const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  let value: unknown
  try {
    value = await promise
  } catch (error) {
    return error
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(value)}`)
}

/**
 * The newest seeded run whose status is one of `wanted`, read from the server's store. Runs
 * that tests started (after the seeded window) are passed over: their status changes within
 * milliseconds. Only a {@link startFrozenServer} has seeded runs that have not finished.
 */
export const seededRun = (server: RunsServer.RunningServer, ...wanted: ReadonlyArray<RunStatus.RunStatus>) => {
  const run = server.store.seeded(...wanted)
  if (run === undefined) throw new Error(`no seeded run is ${wanted.join(" or ")}`)
  return run
}

/** The ids of every run in the store, newest first. */
export const allRunIds = (server: RunsServer.RunningServer): ReadonlyArray<string> =>
  server.store.all().map((run) => run.id!)

/**
 * A wait polled more than once and polls no more: `polls` are its requests in the server's
 * log. A poll sent just before the end may reach the log just after it (on a loaded machine):
 * one is allowed, then none.
 */
export const expectPollingStopped = async (polls: () => ReadonlyArray<unknown>): Promise<void> => {
  const sent = polls().length
  expect(sent).toBeGreaterThan(1)
  await sleep(100)
  const settled = polls().length
  expect(settled).toBeLessThanOrEqual(sent + 1)
  await sleep(200)
  expect(polls()).toHaveLength(settled)
}
