import { AbortedError, type AirplaneRuns, AirplaneRunsError } from "@airplane-runs/promise"
import type { RunsServer } from "@airplane-runs/server"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  apiRequests,
  clientOf,
  fresh,
  rejection,
  seededRun,
  sleep,
  startFrozenServer,
  waitFor
} from "./utils/server.js"

// Every rejection that nobody handled while this file ran; the last test asserts there is none.
const unhandled: Array<unknown> = []
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason)
}
process.on("unhandledRejection", onUnhandled)

let server: RunsServer.RunningServer
let client: AirplaneRuns

beforeAll(async () => {
  // Time stands still: runs stay unfinished, so there is time to abort a wait for one.
  server = await startFrozenServer({ seed: { runs: 120 } })
  client = clientOf(server)
})

beforeEach(() => {
  fresh(server)
})

afterAll(async () => {
  process.off("unhandledRejection", onUnhandled)
  await client?.close()
  await server?.stop()
})

/** Asserts an `AbortedError` that keeps the signal's reason as its cause. */
const expectAborted = (error: unknown, signal: AbortSignal) => {
  expect(error).toBeInstanceOf(AbortedError)
  expect(error).toBeInstanceOf(AirplaneRunsError)
  expect((error as AbortedError).cause).toBe(signal.reason)
}

/** Whether the server has taken the fault it was given: the request arrived (it logs it once answered). */
const faultHit = () => server.faults.list().some((fault) => fault.hits > 0)

describe("abort before the call", () => {
  it("every method rejects with AbortedError, and nothing is sent", async () => {
    const controller = new AbortController()
    controller.abort()
    const { signal } = controller
    const run = seededRun(server, "Active")
    expectAborted(await rejection(client.runs.get({ id: run.id! }, { signal })), signal)
    expectAborted(await rejection(client.runs.getOutputs({ id: run.id! }, { signal })), signal)
    expectAborted(await rejection(client.runs.cancel({ runID: run.id! }, { signal })), signal)
    expectAborted(await rejection(client.runs.execute({ slug: "hello_world" }, { signal })), signal)
    expectAborted(await rejection(client.runs.awaitCompletion({ id: run.id! }, { signal })), signal)
    expectAborted(await rejection(client.runs.awaitOutputs({ id: run.id! }, { signal })), signal)
    expectAborted(await rejection(client.runs.list({}, { signal }).page(0)), signal)
    const iterating = (async () => {
      for await (const _ of client.runs.list({}, { signal })) return "iterated"
      return "empty"
    })()
    expectAborted(await rejection(iterating), signal)
    const paging = (async () => {
      for await (const _ of client.runs.list({}, { signal }).pages()) return "iterated"
      return "empty"
    })()
    expectAborted(await rejection(paging), signal)
    await sleep(20)
    expect(apiRequests(server)).toHaveLength(0)
    expect(server.store.get(run.id!)!.status).toBe("Active")
  })

  it("AbortSignal.abort(reason) keeps the reason as the cause", async () => {
    const signal = AbortSignal.abort(new Error("shutting down"))
    const error = await rejection(client.runs.get({ id: "run_any" }, { signal }))
    expectAborted(error, signal)
    expect(((error as AbortedError).cause as Error).message).toBe("shutting down")
  })
})

describe("abort during a call", () => {
  it("during a request: rejects before the server has answered", async () => {
    server.faults.add({ route: "runs/get", kind: "slow", delayMs: 5_000 })
    const controller = new AbortController()
    const call = rejection(client.runs.get({ id: seededRun(server, "Succeeded").id! }, { signal: controller.signal }))
    await waitFor("the request to reach the server", faultHit)
    controller.abort()
    expectAborted(await call, controller.signal)
    // The server logs a request once it has answered it: it had not, so the abort did not wait for it.
    expect(apiRequests(server)).toHaveLength(0)
  })

  it("during the wait between attempts: rejects, and no further attempt is made", async () => {
    server.faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "30", times: 5 })
    const controller = new AbortController()
    const call = rejection(client.runs.get({ id: "run_any" }, { signal: controller.signal }))
    await waitFor("the first attempt", () => apiRequests(server).length === 1)
    controller.abort()
    expectAborted(await call, controller.signal)
    await sleep(50)
    expect(apiRequests(server).map((entry) => entry.status)).toEqual([429])
    expect(server.faults.list()[0]!.hits).toBe(1)
  })

  it("during a cancel's retries: rejects, and no further attempt is made", async () => {
    server.faults.add({ route: "runs/cancel", kind: "status", status: 503, retryAfter: "30", times: 5 })
    const controller = new AbortController()
    const run = seededRun(server, "Active")
    const call = rejection(client.runs.cancel({ runID: run.id! }, { signal: controller.signal }))
    await waitFor("the first attempt", () => apiRequests(server).length === 1)
    controller.abort()
    expectAborted(await call, controller.signal)
    await sleep(50)
    expect(apiRequests(server)).toHaveLength(1)
    expect(server.store.get(run.id!)!.status).toBe("Active")
  })

  it("while awaiting completion: rejects, and polling stops", async () => {
    const runID = await client.runs.execute({ slug: server.store.tasks[0]!.slug })
    fresh(server)
    const controller = new AbortController()
    const call = rejection(client.runs.awaitCompletion({ id: runID }, { signal: controller.signal, pollIntervalMs: 5 }))
    await waitFor("a few polls", () => apiRequests(server).length >= 3)
    controller.abort()
    expectAborted(await call, controller.signal)
    const polls = apiRequests(server).length
    await sleep(50)
    expect(apiRequests(server)).toHaveLength(polls)
  })

  it("one signal aborts every call that shares it", async () => {
    server.faults.add({ route: "*", kind: "slow", delayMs: 5_000 })
    const controller = new AbortController()
    const { signal } = controller
    const run = seededRun(server, "Succeeded")
    const calls = [
      rejection(client.runs.get({ id: run.id! }, { signal })),
      rejection(client.runs.getOutputs({ id: run.id! }, { signal })),
      rejection(client.runs.list({}, { signal }).page(0))
    ]
    await waitFor("the three requests", () => server.faults.list()[0]!.hits === 3)
    controller.abort()
    for (const error of await Promise.all(calls)) expectAborted(error, signal)
  })
})

describe("a signal that does not fire", () => {
  it("changes nothing, and aborting it after the call is harmless", async () => {
    const controller = new AbortController()
    const run = seededRun(server, "Succeeded")
    expect((await client.runs.get({ id: run.id! }, { signal: controller.signal })).id).toBe(run.id)
    let seen = 0
    for await (const _ of client.runs.list({ limit: 50 }, { signal: controller.signal, prefetch: 0 })) seen++
    expect(seen).toBe(server.store.size())
    controller.abort()
    await sleep(20)
    expect(unhandled).toEqual([])
  })
})

it("no rejection went unhandled", async () => {
  await sleep(20)
  expect(unhandled).toEqual([])
})
