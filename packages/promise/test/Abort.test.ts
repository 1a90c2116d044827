import { AbortedError, AirplaneRunsError } from "@airplane-runs/promise"
import { afterAll, describe, expect, it } from "vitest"
import { apiRequests, fresh, rejection, seededRun, sleep, startFrozenServer, useApi, waitFor } from "./utils/server.js"

// Every rejection that nobody handled while this file ran; the last test asserts there is none.
const unhandled: Array<unknown> = []
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason)
}
process.on("unhandledRejection", onUnhandled)

// Time stands still: runs stay unfinished, so there is time to abort a wait for one.
const api = useApi(() => startFrozenServer({ seed: { runs: 120 } }))

afterAll(() => {
  process.off("unhandledRejection", onUnhandled)
})

/** Asserts an `AbortedError` that keeps the signal's reason as its cause. */
const expectAborted = (error: unknown, signal: AbortSignal) => {
  expect(error).toBeInstanceOf(AbortedError)
  expect(error).toBeInstanceOf(AirplaneRunsError)
  expect((error as AbortedError).cause).toBe(signal.reason)
}

/** Whether the server has taken the fault it was given: the request arrived (it logs it once answered). */
const faultHit = () => api.server.faults.list().some((fault) => fault.hits > 0)

describe("abort before the call", () => {
  it("every method rejects with AbortedError, and nothing is sent", async () => {
    const controller = new AbortController()
    controller.abort()
    const { signal } = controller
    const run = seededRun(api.server, "Active")
    expectAborted(await rejection(api.client.runs.get({ id: run.id! }, { signal })), signal)
    expectAborted(await rejection(api.client.runs.getOutputs({ id: run.id! }, { signal })), signal)
    expectAborted(await rejection(api.client.runs.cancel({ runID: run.id! }, { signal })), signal)
    expectAborted(await rejection(api.client.runs.execute({ slug: "hello_world" }, { signal })), signal)
    expectAborted(await rejection(api.client.runs.awaitCompletion({ id: run.id! }, { signal })), signal)
    expectAborted(await rejection(api.client.runs.awaitOutputs({ id: run.id! }, { signal })), signal)
    expectAborted(await rejection(api.client.runs.list({}, { signal }).page(0)), signal)
    const iterating = (async () => {
      for await (const _ of api.client.runs.list({}, { signal })) return "iterated"
      return "empty"
    })()
    expectAborted(await rejection(iterating), signal)
    const paging = (async () => {
      for await (const _ of api.client.runs.list({}, { signal }).pages()) return "iterated"
      return "empty"
    })()
    expectAborted(await rejection(paging), signal)
    await sleep(20)
    expect(apiRequests(api.server)).toHaveLength(0)
    expect(api.server.store.get(run.id!)!.status).toBe("Active")
  })

  it("AbortSignal.abort(reason) keeps the reason as the cause", async () => {
    const signal = AbortSignal.abort(new Error("shutting down"))
    const error = await rejection(api.client.runs.get({ id: "run_any" }, { signal }))
    expectAborted(error, signal)
    expect(((error as AbortedError).cause as Error).message).toBe("shutting down")
  })
})

describe("abort during a call", () => {
  it("during a request: rejects before the server has answered", async () => {
    api.server.faults.add({ route: "runs/get", kind: "slow", delayMs: 5_000 })
    const controller = new AbortController()
    const call = rejection(
      api.client.runs.get({ id: seededRun(api.server, "Succeeded").id! }, { signal: controller.signal })
    )
    await waitFor("the request to reach the server", faultHit)
    controller.abort()
    expectAborted(await call, controller.signal)
    // The server logs a request once it has answered it: it had not, so the abort did not wait for it.
    expect(apiRequests(api.server)).toHaveLength(0)
  })

  it("during the wait between attempts: rejects, and no further attempt is made", async () => {
    api.server.faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "30", times: 5 })
    const controller = new AbortController()
    const call = rejection(api.client.runs.get({ id: "run_any" }, { signal: controller.signal }))
    await waitFor("the first attempt", () => apiRequests(api.server).length === 1)
    controller.abort()
    expectAborted(await call, controller.signal)
    await sleep(50)
    expect(apiRequests(api.server).map((entry) => entry.status)).toEqual([429])
    expect(api.server.faults.list()[0]!.hits).toBe(1)
  })

  it("during a cancel's retries: rejects, and no further attempt is made", async () => {
    api.server.faults.add({ route: "runs/cancel", kind: "status", status: 503, retryAfter: "30", times: 5 })
    const controller = new AbortController()
    const run = seededRun(api.server, "Active")
    const call = rejection(api.client.runs.cancel({ runID: run.id! }, { signal: controller.signal }))
    await waitFor("the first attempt", () => apiRequests(api.server).length === 1)
    controller.abort()
    expectAborted(await call, controller.signal)
    await sleep(50)
    expect(apiRequests(api.server)).toHaveLength(1)
    expect(api.server.store.get(run.id!)!.status).toBe("Active")
  })

  it("while awaiting completion: rejects, and polling stops", async () => {
    const runID = await api.client.runs.execute({ slug: api.server.store.tasks[0]!.slug })
    fresh(api.server)
    const controller = new AbortController()
    const call = rejection(
      api.client.runs.awaitCompletion({ id: runID }, { signal: controller.signal, pollIntervalMs: 5 })
    )
    await waitFor("a few polls", () => apiRequests(api.server).length >= 3)
    controller.abort()
    expectAborted(await call, controller.signal)
    const polls = apiRequests(api.server).length
    await sleep(50)
    expect(apiRequests(api.server)).toHaveLength(polls)
  })

  it("one signal aborts every call that shares it", async () => {
    api.server.faults.add({ route: "*", kind: "slow", delayMs: 5_000 })
    const controller = new AbortController()
    const { signal } = controller
    const run = seededRun(api.server, "Succeeded")
    const calls = [
      rejection(api.client.runs.get({ id: run.id! }, { signal })),
      rejection(api.client.runs.getOutputs({ id: run.id! }, { signal })),
      rejection(api.client.runs.list({}, { signal }).page(0))
    ]
    await waitFor("the three requests", () => api.server.faults.list()[0]!.hits === 3)
    controller.abort()
    for (const error of await Promise.all(calls)) expectAborted(error, signal)
  })
})

describe("a signal that does not fire", () => {
  it("changes nothing, and aborting it after the call is harmless", async () => {
    const controller = new AbortController()
    const run = seededRun(api.server, "Succeeded")
    expect((await api.client.runs.get({ id: run.id! }, { signal: controller.signal })).id).toBe(run.id)
    let seen = 0
    for await (const _ of api.client.runs.list({ limit: 50 }, { signal: controller.signal, prefetch: 0 })) seen++
    expect(seen).toBe(api.server.store.size())
    controller.abort()
    await sleep(20)
    expect(unhandled).toEqual([])
  })
})

it("no rejection went unhandled", async () => {
  await sleep(20)
  expect(unhandled).toEqual([])
})
