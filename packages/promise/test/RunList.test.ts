import {
  AbortedError,
  type AirplaneRuns,
  AirplaneRunsError,
  InvalidRequestError,
  type Run,
  type RunsPage,
  ServerError
} from "@airplane-runs/promise"
import type { RunsServer } from "@airplane-runs/server"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { allRunIds, apiRequests, clientOf, fresh, rejection, sleep, startServer, waitFor } from "./utils/server.js"

const seeded = 1_234
const listPath = "/v0/runs/list"

let server: RunsServer.RunningServer
let client: AirplaneRuns
let expectedIds: ReadonlyArray<string>

beforeAll(async () => {
  server = await startServer({ seed: { runs: seeded } })
  client = clientOf(server)
  expectedIds = allRunIds(server)
})

// A walk with prefetch may leave requests for pages past the end on their way to the server:
// wait for the log to settle, then start each test with an empty log and no fault.
beforeEach(async () => {
  let count = -1
  while (count !== server.requestLog.entries().length) {
    count = server.requestLog.entries().length
    await sleep(20)
  }
  fresh(server)
})

afterAll(async () => {
  await client?.close()
  await server?.stop()
})

const listRequests = () => apiRequests(server, listPath)

const collect = async (runs: AsyncIterable<Run>): Promise<Array<Run>> => {
  const out: Array<Run> = []
  for await (const run of runs) out.push(run)
  return out
}

describe("for await", () => {
  it("yields every run exactly once, newest first, across every page", async () => {
    expect(expectedIds).toHaveLength(seeded)
    const runs = await collect(client.runs.list())
    const ids = runs.map((run) => run.id!)
    expect(ids).toHaveLength(seeded)
    expect(new Set(ids).size).toBe(seeded)
    expect(ids).toEqual(expectedIds)
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i]!.createdAt!.getTime()).toBeLessThanOrEqual(runs[i - 1]!.createdAt!.getTime())
    }
  })

  it("gives the same runs whatever the prefetch and page size", async () => {
    for (const prefetch of [0, 1, 8]) {
      const ids = (await collect(client.runs.list({ limit: 37 }, { prefetch }))).map((run) => run.id)
      expect(ids).toEqual(expectedIds)
    }
  })

  it("pins until to the start of the walk: every page request carries the same until", async () => {
    await collect(client.runs.list({}, { prefetch: 0 }))
    const requests = listRequests()
    expect(requests).toHaveLength(Math.ceil(seeded / 50))
    const untils = new Set(requests.map((entry) => entry.query["until"]))
    expect(untils.size).toBe(1)
    expect([...untils][0]).toBeDefined()
  })

  it("filters by task", async () => {
    const task = server.store.tasks[2]!
    const runs = await collect(client.runs.list({ taskID: task.id }))
    expect(runs.length).toBeGreaterThan(50)
    expect(runs.every((run) => run.taskID === task.id)).toBe(true)
    expect(runs.map((run) => run.id)).toEqual(expectedIds.filter((id) => server.store.get(id)!.taskID === task.id))
  })

  it("can be iterated again, making new requests", async () => {
    const list = client.runs.list({ limit: 50 }, { prefetch: 0 })
    const first = await collect(list)
    const second = await collect(list)
    expect(second.map((run) => run.id)).toEqual(first.map((run) => run.id))
    expect(listRequests()).toHaveLength(2 * Math.ceil(seeded / 50))
  })
})

describe("pages", () => {
  it("pages() yields consecutive pages, the last one short", async () => {
    const pages: Array<RunsPage> = []
    for await (const page of client.runs.list({}, { prefetch: 0 }).pages()) pages.push(page)
    const count = Math.ceil(seeded / 50)
    expect(pages.map((page) => page.page)).toEqual(Array.from({ length: count }, (_, i) => i))
    expect(pages.slice(0, -1).every((page) => page.runs.length === 50)).toBe(true)
    expect(pages.at(-1)!.runs).toHaveLength(seeded % 50)
    expect(pages.flatMap((page) => page.runs.map((run) => run.id))).toEqual(expectedIds)
    expect(listRequests().map((entry) => entry.query["page"])).toEqual(pages.map((page) => String(page.page)))
  })

  it("page(n) answers one page, by its 0-based index", async () => {
    const page = await client.runs.list().page(2)
    expect(page.page).toBe(2)
    expect(page.runs.map((run) => run.id)).toEqual(expectedIds.slice(100, 150))
    const small = await client.runs.list({ limit: 10 }).page(3)
    expect(small.runs.map((run) => run.id)).toEqual(expectedIds.slice(30, 40))
    expect(listRequests().map((entry) => [entry.query["page"], entry.query["limit"]])).toEqual([
      ["2", undefined],
      ["3", "10"]
    ])
    const past = await client.runs.list().page(1_000)
    expect(past.runs).toEqual([])
  })
})

describe("stopping early", () => {
  it("break after the first page, with prefetch 0, sends no further request", async () => {
    // Several walks, each stopped after page 0: a walk that read ahead would show as an extra request.
    const walks = 10
    for (let walk = 0; walk < walks; walk++) {
      let seen = 0
      for await (const _ of client.runs.list({}, { prefetch: 0 })) {
        if (++seen === 50) break
      }
      expect(listRequests()).toHaveLength(walk + 1)
    }
    await sleep(50)
    expect(listRequests().map((entry) => entry.query["page"])).toEqual(Array(walks).fill("0"))

    fresh(server)
    for (let walk = 0; walk < walks; walk++) {
      for await (const page of client.runs.list({}, { prefetch: 0 }).pages()) {
        expect(page.page).toBe(0)
        break
      }
    }
    await sleep(50)
    expect(listRequests().map((entry) => entry.query["page"])).toEqual(Array(walks).fill("0"))
  })

  it("with prefetch 0, nothing is asked for while the loop body awaits, so a break then sends nothing more", async () => {
    for await (const page of client.runs.list({}, { prefetch: 0 }).pages()) {
      await sleep(50) // the caller's own async work on the page
      expect(listRequests()).toHaveLength(page.page + 1)
      if (page.page === 1) break
    }
    await sleep(50)
    expect(listRequests().map((entry) => entry.query["page"])).toEqual(["0", "1"])

    fresh(server)
    let seen = 0
    for await (const _ of client.runs.list({}, { prefetch: 0 })) {
      await sleep(1)
      if (++seen === 50) break
    }
    await sleep(50)
    expect(listRequests()).toHaveLength(1)
  })

  it("break with prefetch asks for at most that many pages ahead", async () => {
    for await (const _ of client.runs.list({}, { prefetch: 2 }).pages()) break
    await sleep(50)
    const pages = listRequests().map((entry) => Number(entry.query["page"]))
    expect(pages.length).toBeGreaterThanOrEqual(1)
    expect(pages.length).toBeLessThanOrEqual(3)
    expect(Math.max(...pages)).toBeLessThanOrEqual(2)
  })

  it("the client's prefetch option is the default of its lists", async () => {
    const walks = 5
    for (let walk = 0; walk < walks; walk++) {
      await using eager = clientOf(server, { prefetch: 0 })
      for await (const _ of eager.runs.list().pages()) break
    }
    await sleep(50)
    expect(listRequests().map((entry) => entry.query["page"])).toEqual(Array(walks).fill("0"))
  })

  it("a throw in the loop body stops the requests too", async () => {
    const thrown = await rejection((async () => {
      for await (const _ of client.runs.list({}, { prefetch: 0 })) throw new Error("the caller's own")
    })())
    expect((thrown as Error).message).toBe("the caller's own")
    await sleep(50)
    expect(listRequests()).toHaveLength(1)
  })
})

describe("failures", () => {
  it("a failure mid-iteration is thrown as the facade's error, after the runs before it", async () => {
    const seen: Array<string> = []
    const error = await rejection((async () => {
      for await (const run of client.runs.list({}, { prefetch: 0, maxRetries: 0 })) {
        seen.push(run.id!)
        // Page 1 is asked for only once page 0 is read: fail it.
        if (seen.length === 50) server.faults.add({ route: "runs/list", kind: "status", status: 503, times: 1 })
      }
    })())
    expect(error).toBeInstanceOf(ServerError)
    expect(error).toBeInstanceOf(AirplaneRunsError)
    expect(error).toMatchObject({ status: 503, request: "GET /v0/runs/list" })
    expect((error as Error).stack).toContain("RunList.test")
    expect(seen).toEqual(expectedIds.slice(0, 50))
    expect(listRequests().map((entry) => entry.status)).toEqual([200, 503])
  })

  it("a failure in pages() likewise", async () => {
    server.faults.add({ route: "runs/list", kind: "malformed", times: 1 })
    const error = await rejection((async () => {
      for await (const _ of client.runs.list().pages()) {
        // never reached
      }
    })())
    expect(error).toBeInstanceOf(AirplaneRunsError)
    expect((error as AirplaneRunsError).name).toBe("InvalidResponseError")
  })

  it("bad parameters fail the first step with InvalidRequestError, and nothing is sent", async () => {
    const error = await rejection(collect(client.runs.list({ limit: 51 })))
    expect(error).toBeInstanceOf(InvalidRequestError)
    expect(await rejection(collect(client.runs.list({}, { prefetch: -1 })))).toBeInstanceOf(InvalidRequestError)
    expect(listRequests()).toHaveLength(0)
  })

  it("an abort during iteration throws AbortedError at the next step, and stops the requests", async () => {
    const controller = new AbortController()
    let seen = 0
    const error = await rejection((async () => {
      for await (const _ of client.runs.list({}, { signal: controller.signal, prefetch: 0 })) {
        seen++
        if (seen === 1) controller.abort()
      }
    })())
    expect(error).toBeInstanceOf(AbortedError)
    // The rest of page 0 was already here, but an aborted iteration yields none of it.
    expect(seen).toBe(1)
    await sleep(50)
    expect(listRequests()).toHaveLength(1)
  })

  it("an abort in the loop body on the last run makes the next step throw AbortedError, not end quietly", async () => {
    for (const prefetch of [0, 4]) {
      const controller = new AbortController()
      const seen: Array<string> = []
      const error = await rejection((async () => {
        for await (const run of client.runs.list({}, { signal: controller.signal, prefetch })) {
          seen.push(run.id!)
          if (run.id === expectedIds.at(-1)) controller.abort()
        }
      })())
      expect(error, `prefetch ${prefetch}`).toBeInstanceOf(AbortedError)
      expect(seen).toEqual(expectedIds)

      const pages = new AbortController()
      const last = Math.ceil(seeded / 50) - 1
      const pageError = await rejection((async () => {
        for await (const page of client.runs.list({}, { signal: pages.signal, prefetch }).pages()) {
          if (page.page === last) pages.abort()
        }
      })())
      expect(pageError, `pages, prefetch ${prefetch}`).toBeInstanceOf(AbortedError)
    }
  })

  it("an abort while a page is on its way throws AbortedError", async () => {
    const controller = new AbortController()
    const pages: Array<number> = []
    const walk = rejection((async () => {
      for await (const page of client.runs.list({}, { signal: controller.signal, prefetch: 0 }).pages()) {
        pages.push(page.page)
        if (page.page === 0) server.faults.add({ route: "runs/list", kind: "slow", delayMs: 5_000 })
      }
    })())
    await waitFor("page 1 to reach the server", () => server.faults.list().some((fault) => fault.hits === 1))
    controller.abort()
    expect(await walk).toBeInstanceOf(AbortedError)
    expect(pages).toEqual([0])
    // Page 1 was never answered: the server logs a request once it answers it.
    expect(listRequests()).toHaveLength(1)
  })
})
