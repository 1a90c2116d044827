/**
 * `.withResponse()` on the promise of each one-request call: the result with the answer it came
 * from, from the same single request as the result, failing as the result does.
 */
import { AbortedError, type AirplaneRuns, NotFoundError } from "@airplane-runs/promise"
import type { RunsServer } from "@airplane-runs/server"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { apiRequests, clientOf, fresh, rejection, seededRun, startFrozenServer } from "./utils/server.js"

let server: RunsServer.RunningServer
let client: AirplaneRuns

beforeAll(async () => {
  server = await startFrozenServer({ seed: { runs: 20 } })
  client = clientOf(server)
})

beforeEach(() => {
  fresh(server)
})

afterAll(async () => {
  await client?.close()
  await server?.stop()
})

describe("withResponse", () => {
  it("get: the run, with the status, headers, request id and attempts of its answer", async () => {
    const id = seededRun(server, "Succeeded").id!
    const { data, response } = await client.runs.get({ id }).withResponse()
    expect(data).toEqual(await client.runs.get({ id }))
    expect(response.status).toBe(200)
    expect(response.requestId).toBe(apiRequests(server)[0]!.requestId)
    expect(response.headers["x-request-id"]).toBe(response.requestId)
    expect(response.headers["content-type"]).toMatch(/^application\/json/)
    for (const name of Object.keys(response.headers)) expect(name).toBe(name.toLowerCase())
    expect(response.attempts).toBe(1)
    expect(response.elapsedMs).toBeGreaterThanOrEqual(0)
    expect(JSON.stringify(response)).not.toContain(server.apiKey)
  })

  it("a retried call: the attempts it took, and the answer of the last", async () => {
    server.faults.add({ route: "runs/get", kind: "status", status: 503, times: 2 })
    const { response } = await client.runs.get({ id: seededRun(server, "Succeeded").id! }).withResponse()
    expect(response.attempts).toBe(3)
    expect(apiRequests(server).map((entry) => entry.status)).toEqual([503, 503, 200])
    expect(response.requestId).toBe(apiRequests(server)[2]!.requestId)
  })

  it("getOutputs, execute, cancel and a page: what the plain call answers, with its answer", async () => {
    const slug = server.store.tasks[0].slug
    const executed = await client.runs.execute({ slug }).withResponse()
    expect(server.store.get(executed.data)?.id).toBe(executed.data)
    const cancelled = await client.runs.cancel({ runID: executed.data }).withResponse()
    expect(cancelled.data).toBeUndefined()
    expect(server.store.get(executed.data)?.status).toBe("Cancelled")
    const finished = seededRun(server, "Succeeded").id!
    const outputs = await client.runs.getOutputs({ id: finished }).withResponse()
    expect(outputs.data).toEqual(await client.runs.getOutputs({ id: finished }))
    const page = await client.runs.list({ taskSlug: slug, limit: 3 }).page(1).withResponse()
    expect(page.data).toEqual(await client.runs.list({ taskSlug: slug, limit: 3 }).page(1))
    const ids = [executed, cancelled, outputs, page].map((answered) => answered.response.requestId)
    const logged = apiRequests(server).map((entry) => entry.requestId)
    expect(ids).toEqual([logged[0], logged[1], logged[2], logged[4]])
  })

  it("one request, whichever is awaited, and as often", async () => {
    const call = client.runs.get({ id: seededRun(server, "Succeeded").id! })
    const [run, answered, again] = await Promise.all([call, call.withResponse(), call])
    expect(answered.data).toBe(run)
    expect(again).toBe(run)
    expect(apiRequests(server)).toHaveLength(1)
    // A plain promise with one method more: nothing of a subclass to surprise `await` or a spy.
    expect(Object.getPrototypeOf(call)).toBe(Promise.prototype)
  })

  it("fails as the result does, and leaves the unread result's rejection handled", async () => {
    const unhandled: Array<unknown> = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on("unhandledRejection", onUnhandled)
    try {
      const missing = await rejection(client.runs.get({ id: "run_missing" }).withResponse())
      expect(missing).toBeInstanceOf(NotFoundError)
      expect((missing as NotFoundError).requestId).toBe(apiRequests(server)[0]!.requestId)
      const controller = new AbortController()
      const aborted = client.runs.get({ id: "run_missing" }, { signal: controller.signal }).withResponse()
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
