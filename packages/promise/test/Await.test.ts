/**
 * Waiting for a run: the poll interval the caller asks for, and a deadline over the whole wait.
 * The server's time stands still, so the runs waited for here never finish.
 */
import { AbortedError, TimeoutError } from "@airplane-runs/promise"
import { describe, expect, it } from "vitest"
import {
  apiRequests,
  expectPollingStopped,
  fresh,
  rejection,
  startFrozenServer,
  useApi,
  waitFor
} from "./utils/server.js"

const api = useApi(() => startFrozenServer({ seed: { runs: 20 } }))

/** A run that will not finish: started on a server whose time does not move. */
const neverFinishing = async (): Promise<string> => {
  const id = await api.client.runs.execute({ slug: api.server.store.tasks[0]!.slug })
  fresh(api.server)
  return id
}

const polls = () => apiRequests(api.server, "/v0/runs/get")

/** The milliseconds between consecutive polls, by the server's arrival times. */
const gaps = () => {
  const times = polls().map((entry) => Date.parse(entry.at))
  return times.slice(1).map((time, i) => time - times[i]!)
}

describe("pollIntervalMs", () => {
  it("polls at the interval asked for, not on the default schedule (250 ms, doubling)", async () => {
    const id = await neverFinishing()
    const controller = new AbortController()
    const call = rejection(api.client.runs.awaitCompletion({ id }, { pollIntervalMs: 2, signal: controller.signal }))
    // The default schedule takes over 20 s to poll 10 times: this wait (at most ~10 s) would fail.
    await waitFor("ten polls", () => polls().length >= 10)
    controller.abort()
    expect(await call).toBeInstanceOf(AbortedError)
    // No gap of the default schedule is under 250 ms; at 2 ms, most are far under, however slow the machine.
    const quick = gaps().filter((gap) => gap < 200)
    expect(quick.length).toBeGreaterThanOrEqual(gaps().length / 2)
  })

  it("awaitOutputs polls at it too", async () => {
    const id = await neverFinishing()
    const controller = new AbortController()
    const call = rejection(api.client.runs.awaitOutputs({ id }, { pollIntervalMs: 2, signal: controller.signal }))
    await waitFor("ten polls", () => polls().length >= 10)
    controller.abort()
    expect(await call).toBeInstanceOf(AbortedError)
    expect(gaps().filter((gap) => gap < 200).length).toBeGreaterThanOrEqual(gaps().length / 2)
  })
})

describe("deadlineMs", () => {
  it("bounds the whole of awaitCompletion, not each poll: TimeoutError, and polling stops", async () => {
    const id = await neverFinishing()
    // Each poll is quick; only a deadline over the whole wait can end it.
    const error = await rejection(api.client.runs.awaitCompletion({ id }, { pollIntervalMs: 10, deadlineMs: 300 }))
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).message).toMatch(/deadline/)
    // It spanned several polls, and it sent none after it failed.
    await expectPollingStopped(polls)
  })

  it("bounds the whole of awaitOutputs likewise", async () => {
    const id = await neverFinishing()
    const error = await rejection(api.client.runs.awaitOutputs({ id }, { pollIntervalMs: 10, deadlineMs: 300 }))
    expect(error).toBeInstanceOf(TimeoutError)
    await expectPollingStopped(polls)
    expect(apiRequests(api.server, "/v0/runs/getOutputs")).toHaveLength(0)
  })
})
