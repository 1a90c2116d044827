/**
 * Watching a run: `for await` over its changes of status, ended by the finished run, a
 * `break`, the signal, `close()` or the deadline. The server's time moves only when a test
 * moves it, so what each poll sees is decided by the test, not by the machine's speed.
 */
import { AbortedError, ClientClosedError, NotFoundError, type Run, TimeoutError } from "@airplane-runs/promise"
import { describe, expect, it } from "vitest"
import {
  apiRequests,
  clientOf,
  expectPollingStopped,
  fresh,
  rejection,
  sleep,
  startFrozenServer,
  startServer,
  useApi,
  waitFor
} from "./utils/server.js"

const api = useApi(() => startFrozenServer({ seed: { runs: 20 } }))

/** A run that will not finish unless the test moves the server's time. */
const started = async (): Promise<string> => {
  const id = await api.client.runs.execute({ slug: api.server.store.tasks[0]!.slug })
  fresh(api.server)
  return id
}

const polls = () => apiRequests(api.server, "/v0/runs/get")

/** Reads a watch to its end, or its failure. */
const drain = async (watch: AsyncIterable<Run>, seen: Array<Run> = []): Promise<unknown> => {
  try {
    for await (const run of watch) seen.push(run)
  } catch (error) {
    return error
  }
  return undefined
}

describe("runs.watch", () => {
  it("yields the run as it is, then each new status once, and ends after the finished one without another poll", async () => {
    const id = await started()
    const statuses: Array<string | null | undefined> = []
    // The tests' lifecycle: queued at 5 ms, active at 10 ms, finished at 30 ms. Each step moves
    // the server's time to the next status before the next poll is sent.
    const steps = [7, 5, 20]
    for await (const run of api.client.runs.watch({ id }, { pollIntervalMs: 1 })) {
      expect(run.id).toBe(id)
      statuses.push(run.status)
      const step = steps.shift()
      if (step !== undefined) api.server.advance!(step)
    }
    expect(statuses).toEqual(["NotStarted", "Queued", "Active", "Succeeded"])
    expect(polls()).toHaveLength(4)
    await sleep(100)
    expect(polls()).toHaveLength(4)
  })

  it("a run that has finished already is one run and one request", async () => {
    const finished = api.server.store.seeded("Succeeded", "Failed", "Cancelled")!
    const seen: Array<Run> = []
    expect(await drain(api.client.runs.watch({ id: finished.id! }), seen)).toBeUndefined()
    expect(seen.map((run) => run.status)).toEqual([finished.status])
    await sleep(50)
    expect(polls()).toHaveLength(1)
  })

  it("a break stops it: nothing is polled after the run yielded", async () => {
    const id = await started()
    for await (const run of api.client.runs.watch({ id }, { pollIntervalMs: 1 })) {
      expect(run.status).toBe("NotStarted")
      break
    }
    await sleep(100)
    expect(polls()).toHaveLength(1)
  })

  it("polls at pollIntervalMs while the status stays, and an abort stops it with AbortedError", async () => {
    const id = await started()
    const controller = new AbortController()
    const seen: Array<Run> = []
    const watching = drain(api.client.runs.watch({ id }, { pollIntervalMs: 2, signal: controller.signal }), seen)
    // The default schedule takes over 20 s to poll 10 times: this wait (at most ~10 s) would fail.
    await waitFor("ten polls", () => polls().length >= 10)
    controller.abort()
    expect(await watching).toBeInstanceOf(AbortedError)
    // Ten polls of a run that did not change: one run yielded.
    expect(seen.map((run) => run.status)).toEqual(["NotStarted"])
    await expectPollingStopped(polls)
  })

  it("an aborted signal sends nothing", async () => {
    const id = await started()
    const error = await drain(api.client.runs.watch({ id }, { signal: AbortSignal.abort() }))
    expect(error).toBeInstanceOf(AbortedError)
    expect(polls()).toHaveLength(0)
  })

  it("close() stops it with ClientClosedError", async () => {
    const own = clientOf(api.server)
    const id = await started()
    const watching = drain(own.runs.watch({ id }, { pollIntervalMs: 2 }))
    await waitFor("three polls", () => polls().length >= 3)
    await own.close()
    expect(await watching).toBeInstanceOf(ClientClosedError)
    await expectPollingStopped(polls)
    expect(await drain(own.runs.watch({ id }))).toBeInstanceOf(ClientClosedError)
  })

  it("deadlineMs bounds the whole watch: TimeoutError, and polling stops", async () => {
    const id = await started()
    const seen: Array<Run> = []
    const error = await drain(api.client.runs.watch({ id }, { pollIntervalMs: 10, deadlineMs: 300 }), seen)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).message).toMatch(/deadline/)
    expect(seen).toHaveLength(1)
    await expectPollingStopped(polls)
  })

  it("an unknown run throws NotFoundError from the loop", async () => {
    const error = await rejection((async () => {
      for await (const _ of api.client.runs.watch({ id: "run20220111nosuchrun" })) { /* none */ }
    })())
    expect(error).toBeInstanceOf(NotFoundError)
    expect(polls()).toHaveLength(1)
  })

  it("each iteration is a watch of its own", async () => {
    const finished = api.server.store.seeded("Succeeded", "Failed", "Cancelled")!
    const watch = api.client.runs.watch({ id: finished.id! })
    for (let i = 0; i < 2; i++) {
      for await (const run of watch) expect(run.id).toBe(finished.id)
    }
    expect(polls()).toHaveLength(2)
  })
})

describe("runs.watchTask", () => {
  // Time moves here: runs started by the tests are new, and go through their lifecycle.
  const live = useApi(() => startServer({ seed: { runs: 20, tasks: 2 } }))

  const lists = () => apiRequests(live.server, "/v0/runs/list")

  it("yields each run started after it began once; a break stops the polling", async () => {
    const [task, other] = live.server.store.tasks
    const seen: Array<string> = []
    const started: Array<string> = []
    const watching = (async () => {
      for await (const run of live.client.runs.watchTask({ taskSlug: task!.slug }, { pollIntervalMs: 2 })) {
        seen.push(run.id!)
        if (seen.length === 3) break
      }
    })()
    await waitFor("a first poll", () => lists().length >= 1)
    for (let i = 0; i < 3; i++) {
      started.push(await live.client.runs.execute({ slug: task!.slug }))
      await live.client.runs.execute({ slug: other!.slug })
    }
    await watching
    // Once each; in the order of creation only within a poll (the server's lifecycle moves a
    // run's last update past a poll's window, and the next poll brings it).
    expect([...seen].sort()).toEqual([...started].sort())
    await sleep(100)
    const settled = lists().length
    await sleep(100)
    expect(lists()).toHaveLength(settled)
  })

  it("since reaches back; the signal stops it with AbortedError", async () => {
    const task = live.server.store.tasks[1]!
    const all = live.server.store.all({ taskSlug: task.slug })
    const since = all[2]!.createdAt!
    const controller = new AbortController()
    const seen: Array<string> = []
    const watching = rejection((async () => {
      const watch = live.client.runs.watchTask({ taskID: task.id }, {
        since,
        pollIntervalMs: 2,
        signal: controller.signal
      })
      for await (const run of watch) seen.push(run.id!)
    })())
    await waitFor("five polls", () => lists().length >= 5)
    controller.abort()
    expect(await watching).toBeInstanceOf(AbortedError)
    expect(seen).toEqual(all.slice(0, 3).map((run) => run.id).reverse())
    await sleep(100)
    const settled = lists().length
    await sleep(100)
    expect(lists()).toHaveLength(settled)
  })

  it("close() stops it with ClientClosedError", async () => {
    const own = clientOf(live.server)
    const watching = rejection((async () => {
      for await (const _ of own.runs.watchTask({ taskSlug: live.server.store.tasks[0]!.slug }, { pollIntervalMs: 2 })) {
        /* none */
      }
    })())
    await waitFor("three polls", () => lists().length >= 3)
    await own.close()
    expect(await watching).toBeInstanceOf(ClientClosedError)
    await sleep(100)
    const settled = lists().length
    await sleep(100)
    expect(lists()).toHaveLength(settled)
  })
})
