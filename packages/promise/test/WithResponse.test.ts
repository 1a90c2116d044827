/**
 * `.withResponse()` on the promise of each one-request call: the result with the answer it came
 * from, from the same single request as the result, failing as the result does.
 */
import { AbortedError, NotFoundError } from "@airplane-runs/promise"
import { describe, expect, it } from "vitest"
import { apiRequests, rejection, seededRun, startFrozenServer, useApi } from "./utils/server.js"

const api = useApi(() => startFrozenServer({ seed: { runs: 20 } }))

describe("withResponse", () => {
  it("get: the run, with the status, headers, request id and attempts of its answer", async () => {
    const id = seededRun(api.server, "Succeeded").id!
    const { data, response } = await api.client.runs.get({ id }).withResponse()
    expect(data).toEqual(await api.client.runs.get({ id }))
    expect(response.status).toBe(200)
    expect(response.requestId).toBe(apiRequests(api.server)[0]!.requestId)
    expect(response.headers["x-request-id"]).toBe(response.requestId)
    expect(response.headers["content-type"]).toMatch(/^application\/json/)
    for (const name of Object.keys(response.headers)) expect(name).toBe(name.toLowerCase())
    expect(response.attempts).toBe(1)
    expect(response.elapsedMs).toBeGreaterThanOrEqual(0)
    expect(JSON.stringify(response)).not.toContain(api.server.apiKey)
  })

  it("a retried call: the attempts it took, and the answer of the last", async () => {
    api.server.faults.add({ route: "runs/get", kind: "status", status: 503, times: 2 })
    const { response } = await api.client.runs.get({ id: seededRun(api.server, "Succeeded").id! }).withResponse()
    expect(response.attempts).toBe(3)
    expect(apiRequests(api.server).map((entry) => entry.status)).toEqual([503, 503, 200])
    expect(response.requestId).toBe(apiRequests(api.server)[2]!.requestId)
  })

  it("getOutputs, execute, cancel and a page: what the plain call answers, with its answer", async () => {
    const slug = api.server.store.tasks[0].slug
    const executed = await api.client.runs.execute({ slug }).withResponse()
    expect(api.server.store.get(executed.data)?.id).toBe(executed.data)
    const cancelled = await api.client.runs.cancel({ runID: executed.data }).withResponse()
    expect(cancelled.data).toBeUndefined()
    expect(api.server.store.get(executed.data)?.status).toBe("Cancelled")
    const finished = seededRun(api.server, "Succeeded").id!
    const outputs = await api.client.runs.getOutputs({ id: finished }).withResponse()
    expect(outputs.data).toEqual(await api.client.runs.getOutputs({ id: finished }))
    const page = await api.client.runs.list({ taskSlug: slug, limit: 3 }).page(1).withResponse()
    expect(page.data).toEqual(await api.client.runs.list({ taskSlug: slug, limit: 3 }).page(1))
    const ids = [executed, cancelled, outputs, page].map((answered) => answered.response.requestId)
    const logged = apiRequests(api.server).map((entry) => entry.requestId)
    expect(ids).toEqual([logged[0], logged[1], logged[2], logged[4]])
  })

  it("one request, whichever is awaited, and as often", async () => {
    const call = api.client.runs.get({ id: seededRun(api.server, "Succeeded").id! })
    const [run, answered, again] = await Promise.all([call, call.withResponse(), call])
    expect(answered.data).toBe(run)
    expect(again).toBe(run)
    expect(apiRequests(api.server)).toHaveLength(1)
    // A plain promise with one method more: nothing of a subclass to surprise `await` or a spy.
    expect(Object.getPrototypeOf(call)).toBe(Promise.prototype)
  })

  it("fails as the result does, and leaves the unread result's rejection handled", async () => {
    const unhandled: Array<unknown> = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on("unhandledRejection", onUnhandled)
    try {
      const missing = await rejection(api.client.runs.get({ id: "run_missing" }).withResponse())
      expect(missing).toBeInstanceOf(NotFoundError)
      expect((missing as NotFoundError).requestId).toBe(apiRequests(api.server)[0]!.requestId)
      const controller = new AbortController()
      const aborted = api.client.runs.get({ id: "run_missing" }, { signal: controller.signal }).withResponse()
      controller.abort()
      expect(await rejection(aborted)).toBeInstanceOf(AbortedError)
      // Node reports an unhandled rejection after the microtasks of the turn: let them run.
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(unhandled).toEqual([])
    } finally {
      process.off("unhandledRejection", onUnhandled)
    }
  })
})
