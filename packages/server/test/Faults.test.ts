import { Faults, RunsServer } from "@airplane-runs/server"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Schema } from "effect"
import { afterAll, beforeAll, beforeEach } from "vitest"
import { admin, get, json, post } from "./utils/http.js"

// One server for the file; each test scripts its own faults on a clean list and log.
let server: RunsServer.RunningServer

beforeAll(async () => {
  server = await RunsServer.start({ clock: "manual", seed: { runs: 60 } })
})

afterAll(async () => {
  await server.stop()
})

beforeEach(() => {
  server.faults.clear()
  server.requestLog.clear()
})

const listPath = "/runs/list?limit=5"

/** The answer runs/list gives without a fault, for comparison. */
const realList = async () => {
  const answer = await get(server, listPath)
  assert.strictEqual(answer.status, 200)
  return answer.text
}

const parses = (text: string): boolean => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

const logged = () => server.requestLog.entries().map((entry) => ({ status: entry.status, fault: entry.fault }))

describe("fault kinds over HTTP", () => {
  it("status: the status, the API's error body, Retry-After and X-Airplane-Retryable", async () => {
    server.faults.add({
      route: "runs/list",
      kind: "status",
      status: 429,
      retryAfter: "3",
      retryable: false,
      error: "slow down",
      code: "rate_limited",
      times: 1
    })
    const answer = await get(server, listPath)
    assert.strictEqual(answer.status, 429)
    assert.match(answer.headers.get("content-type")!, /^application\/json/)
    assert.deepStrictEqual(json(answer), { error: "slow down", code: "rate_limited" })
    assert.strictEqual(answer.headers.get("retry-after"), "3")
    assert.strictEqual(answer.headers.get("x-airplane-retryable"), "false")
    assert.deepStrictEqual(logged(), [{ status: 429, fault: "status" }])
  })

  it("status: 503 by default, with no retry headers unless asked", async () => {
    server.faults.add({ route: "runs/get", kind: "status", times: 1 })
    const answer = await get(server, "/runs/get?id=anything")
    assert.strictEqual(answer.status, 503)
    assert.deepStrictEqual(json(answer), { error: "injected fault: 503" })
    assert.isNull(answer.headers.get("retry-after"))
    assert.isNull(answer.headers.get("x-airplane-retryable"))
  })

  it("reset: the connection closes before any answer, so fetch rejects", async () => {
    server.faults.add({ route: "runs/list", kind: "reset", times: 1 })
    let failure: unknown
    await get(server, listPath).catch((error) => {
      failure = error
    })
    assert.instanceOf(failure, TypeError)
    assert.deepStrictEqual(logged(), [{ status: null, fault: "reset" }])
    // the next request is answered
    assert.strictEqual((await get(server, listPath)).status, 200)
  })

  it("resetMidBody: the headers arrive, then the body breaks off", async () => {
    const full = await realList()
    server.requestLog.clear()
    server.faults.add({ route: "runs/list", kind: "resetMidBody", times: 1 })
    const response = await fetch(server.apiUrl + listPath, { headers: { "x-airplane-api-key": server.apiKey } })
    assert.strictEqual(response.status, 200)
    const length = Number(response.headers.get("content-length"))
    assert.strictEqual(length, new TextEncoder().encode(full).length)
    const received = await response.arrayBuffer().then((body) => body.byteLength, () => "rejected" as const)
    if (received !== "rejected") assert.isBelow(received, length)
    assert.deepStrictEqual(logged(), [{ status: null, fault: "resetMidBody" }])
  })

  it("truncated: a 200 JSON answer cut in half, its length consistent, that does not parse", async () => {
    const full = await realList()
    server.faults.add({ route: "runs/list", kind: "truncated", times: 1 })
    const answer = await get(server, listPath)
    assert.strictEqual(answer.status, 200)
    assert.match(answer.headers.get("content-type")!, /^application\/json/)
    assert.strictEqual(Number(answer.headers.get("content-length")), answer.text.length)
    assert.isBelow(answer.text.length, full.length)
    assert.isTrue(full.startsWith(answer.text))
    assert.throws(() => JSON.parse(answer.text), SyntaxError)
  })

  it("malformed: a 200 labelled JSON that is not JSON", async () => {
    server.faults.add({ route: "runs/get", kind: "malformed", times: 1 })
    const answer = await get(server, "/runs/get?id=anything")
    assert.strictEqual(answer.status, 200)
    assert.match(answer.headers.get("content-type")!, /^application\/json/)
    assert.isAbove(answer.text.length, 0)
    assert.throws(() => JSON.parse(answer.text), SyntaxError)
  })

  it("html: a proxy's 502 error page, or the status given", async () => {
    server.faults.add({ route: "runs/list", kind: "html", times: 1 })
    server.faults.add({ route: "runs/list", kind: "html", status: 504, times: 1 })
    const first = await get(server, listPath)
    assert.strictEqual(first.status, 502)
    assert.match(first.headers.get("content-type")!, /^text\/html/)
    assert.match(first.text, /^<html>/)
    assert.isFalse(parses(first.text))
    const second = await get(server, listPath)
    assert.strictEqual(second.status, 504)
    assert.match(second.headers.get("content-type")!, /^text\/html/)
  })

  it("wrongContentType: the real answer, labelled text/plain", async () => {
    const full = await realList()
    server.faults.add({ route: "runs/list", kind: "wrongContentType", times: 1 })
    const answer = await get(server, listPath)
    assert.strictEqual(answer.status, 200)
    assert.match(answer.headers.get("content-type")!, /^text\/plain/)
    assert.strictEqual(answer.text, full)
  })

  it("empty: a 200 with no body at all", async () => {
    server.faults.add({ route: "runs/get", kind: "empty", times: 1 })
    const answer = await get(server, "/runs/get?id=anything")
    assert.strictEqual(answer.status, 200)
    assert.strictEqual(answer.text, "")
    assert.throws(() => JSON.parse(answer.text), SyntaxError)
  })

  it("slow: the real answer comes, after answers to later requests", async () => {
    const id = server.store.list({ limit: 1 })[0]!.id!
    server.faults.add({ route: "runs/get", kind: "slow", delayMs: 500, times: 1 })
    const slow = get(server, `/runs/get?id=${id}`)
    // the fault is taken when the request arrives: from then on the slow request is waiting
    while (server.faults.list().length > 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const fast = await get(server, "/runs/list?limit=1")
    assert.strictEqual(fast.status, 200)
    const answer = await slow
    assert.strictEqual(answer.status, 200)
    assert.strictEqual(json(answer).id, id)
    const entries = server.requestLog.entries()
    assert.deepStrictEqual(entries.map((e) => [e.path, e.fault]), [["/v0/runs/list", null], ["/v0/runs/get", "slow"]])
    assert.isBelow(entries[0]!.seq, entries[1]!.seq)
  })

  it("rateLimit: a token bucket, 429 with the whole seconds to the next token, refilled by the clock", async () => {
    server.faults.add({ route: "runs/list", kind: "rateLimit", rate: 2, burst: 3 })
    const statuses = async (n: number) => {
      const out: Array<[number, string | null]> = []
      for (let i = 0; i < n; i++) {
        const answer = await get(server, listPath)
        out.push([answer.status, answer.headers.get("retry-after")])
      }
      return out
    }
    assert.deepStrictEqual(await statuses(4), [[200, null], [200, null], [200, null], [429, "1"]])
    const limited = await get(server, listPath)
    assert.deepStrictEqual(json(limited), { error: "rate limit exceeded", code: "rate_limited" })
    // the manual clock has not moved: the bucket stays empty until it does
    server.advance!(500)
    assert.deepStrictEqual(await statuses(2), [[200, null], [429, "1"]])
    server.advance!(10_000)
    assert.deepStrictEqual(await statuses(4), [[200, null], [200, null], [200, null], [429, "1"]])
    // other routes are not limited
    assert.strictEqual((await get(server, `/runs/get?id=${server.store.list({ limit: 1 })[0]!.id}`)).status, 200)
    assert.deepStrictEqual(logged().filter((e) => e.fault !== null).map((e) => e.status), [429, 429, 429, 429])
  })

  it("rateLimit: a slow refill asks for more seconds, rounded up", async () => {
    server.faults.add({ route: "runs/list", kind: "rateLimit", rate: 0.3 })
    assert.strictEqual((await get(server, listPath)).status, 200)
    const limited = await get(server, listPath)
    assert.strictEqual(limited.status, 429)
    assert.strictEqual(limited.headers.get("retry-after"), "4") // 1 / 0.3 = 3.33 s
  })

  it("oversized: a JSON body of the size asked for, 8 MiB by default", async () => {
    server.faults.add({ route: "runs/list", kind: "oversized", bytes: 100_000, times: 1 })
    server.faults.add({ route: "runs/list", kind: "oversized", times: 1 })
    const sized = await get(server, listPath)
    assert.strictEqual(sized.status, 200)
    assert.match(sized.headers.get("content-type")!, /^application\/json/)
    assert.isAtLeast(sized.text.length, 100_000)
    assert.isString(json(sized).padding)
    const large = await get(server, listPath)
    assert.isAtLeast(large.text.length, 8 * 1024 * 1024)
  })

  it("a fault that replaces the answer runs nothing: execute starts no run; one that alters it does", async () => {
    const size = server.store.size()
    server.faults.add({ route: "tasks/execute", kind: "status", status: 500, times: 1 })
    assert.strictEqual((await post(server, "/tasks/execute", { slug: "hello_world" })).status, 500)
    assert.strictEqual(server.store.size(), size)
    server.faults.add({ route: "tasks/execute", kind: "truncated", times: 1 })
    const truncated = await post(server, "/tasks/execute", { slug: "hello_world" })
    assert.strictEqual(truncated.status, 200)
    assert.isFalse(parses(truncated.text))
    assert.strictEqual(server.store.size(), size + 1)
  })
})

describe("targeting", () => {
  it("`times` faults the next K requests to the route, then is gone", async () => {
    server.faults.add({ route: "runs/list", kind: "status", status: 500, times: 2 })
    assert.strictEqual((await get(server, listPath)).status, 500)
    assert.deepStrictEqual(server.faults.list().map((f) => f.hits), [1])
    assert.strictEqual((await get(server, listPath)).status, 500)
    assert.deepStrictEqual(server.faults.list(), [])
    assert.strictEqual((await get(server, listPath)).status, 200)
    assert.strictEqual((await get(server, listPath)).status, 200)
    assert.deepStrictEqual(logged().map((e) => e.status), [500, 500, 200, 200])
  })

  it("a fault on one route leaves the others alone; `*` hits them all; without `times` it stays", async () => {
    server.faults.add({ route: "runs/getOutputs", kind: "status", status: 418 })
    assert.strictEqual((await get(server, listPath)).status, 200)
    assert.strictEqual((await get(server, "/runs/getOutputs?id=x")).status, 418)
    assert.strictEqual((await get(server, "/runs/getOutputs?id=x")).status, 418)
    assert.strictEqual(server.faults.list()[0]!.hits, 2)
    server.faults.clear()
    server.faults.add({ route: "*", kind: "status", status: 500, times: 3 })
    assert.strictEqual((await get(server, listPath)).status, 500)
    assert.strictEqual((await get(server, "/runs/get?id=x")).status, 500)
    assert.strictEqual((await post(server, "/runs/cancel", { runID: "x" })).status, 500)
    assert.strictEqual((await get(server, "/runs/get?id=x")).status, 404)
  })

  it("the first matching fault wins", async () => {
    server.faults.add({ route: "runs/list", kind: "status", status: 502, times: 1 })
    server.faults.add({ route: "*", kind: "status", status: 503, times: 1 })
    assert.strictEqual((await get(server, listPath)).status, 502)
    assert.strictEqual((await get(server, listPath)).status, 503)
    assert.strictEqual((await get(server, listPath)).status, 200)
  })

  it("faults apply to the API only, not to the admin routes or the documentation", async () => {
    server.faults.add({ route: "*", kind: "status", status: 500 })
    assert.strictEqual((await admin(server, "/_admin/requests")).status, 200)
    assert.strictEqual((await admin(server, "/openapi.json")).status, 200)
    assert.strictEqual((await get(server, listPath)).status, 500)
  })

  it("probability draws from the seed: the same seed gives the same faults, another seed others", async () => {
    const pattern = async (seed: number) => {
      const other = await RunsServer.start({
        seed: { seed, runs: 5 },
        faults: [{ route: "runs/list", kind: "status", status: 500, probability: 0.5 }]
      })
      try {
        const statuses: Array<number> = []
        for (let i = 0; i < 24; i++) statuses.push((await get(other, "/runs/list")).status)
        return statuses
      } finally {
        await other.stop()
      }
    }
    const a = await pattern(11)
    const b = await pattern(11)
    const c = await pattern(12)
    assert.deepStrictEqual(a, b)
    assert.includeMembers(a, [200, 500])
    assert.notDeepEqual(a, c)
  })

  it("probability 0 never fires and 1 always does", async () => {
    server.faults.add({ route: "runs/list", kind: "status", status: 500, probability: 0 })
    server.faults.add({ route: "runs/get", kind: "status", status: 500, probability: 1 })
    for (let i = 0; i < 5; i++) {
      assert.strictEqual((await get(server, listPath)).status, 200)
      assert.strictEqual((await get(server, "/runs/get?id=x")).status, 500)
    }
  })
})

describe("faults scripted over /_admin/faults", () => {
  it("work like faults added in code, and show their hits", async () => {
    const added = await admin(server, "/_admin/faults", {
      method: "POST",
      body: [
        { route: "runs/list", kind: "status", status: 429, retryAfter: "1", retryable: true, times: 2 },
        { route: "runs/list", kind: "html", times: 1 }
      ]
    })
    assert.strictEqual(added.status, 201)
    const first = await get(server, listPath)
    assert.strictEqual(first.status, 429)
    assert.strictEqual(first.headers.get("retry-after"), "1")
    assert.strictEqual(first.headers.get("x-airplane-retryable"), "true")
    const listed = json(await admin(server, "/_admin/faults")).faults
    assert.deepStrictEqual(listed.map((f: any) => [f.kind, f.hits]), [["status", 1], ["html", 0]])
    assert.strictEqual((await get(server, listPath)).status, 429)
    assert.strictEqual((await get(server, listPath)).status, 502)
    assert.strictEqual((await get(server, listPath)).status, 200)
    assert.deepStrictEqual(json(await admin(server, "/_admin/faults")), { faults: [] })
  })

  it("DELETE stops a fault that has no end", async () => {
    await admin(server, "/_admin/faults", { method: "POST", body: { kind: "reset" } })
    await get(server, listPath).then(() => assert.fail("expected a reset"), () => undefined)
    assert.strictEqual((await admin(server, "/_admin/faults", { method: "DELETE" })).status, 204)
    assert.strictEqual((await get(server, listPath)).status, 200)
  })
})

describe("the request log", () => {
  it("records each fault's kind and the status answered, null for a reset", async () => {
    server.faults.add({ route: "runs/list", kind: "status", status: 500, times: 1 })
    server.faults.add({ route: "runs/list", kind: "reset", times: 1 })
    server.faults.add({ route: "runs/list", kind: "html", times: 1 })
    server.faults.add({ route: "runs/list", kind: "empty", times: 1 })
    await get(server, listPath)
    await get(server, listPath).catch(() => undefined)
    await get(server, listPath)
    await get(server, listPath)
    await get(server, listPath)
    assert.deepStrictEqual(logged(), [
      { status: 500, fault: "status" },
      { status: null, fault: "reset" },
      { status: 502, fault: "html" },
      { status: 200, fault: "empty" },
      { status: 200, fault: null }
    ])
  })

  it("keeps the time a request arrived, however long its answer took", async () => {
    const arrived = server.store.now()
    server.faults.add({ route: "runs/get", kind: "slow", delayMs: 200, times: 1 })
    const request = get(server, "/runs/get?id=anything")
    while (server.faults.list().length > 0) await new Promise((resolve) => setTimeout(resolve, 5))
    server.advance!(60_000)
    assert.strictEqual((await request).status, 404)
    const entries = server.requestLog.entries()
    assert.deepStrictEqual(entries.map((e) => [e.path, e.status, e.fault]), [["/v0/runs/get", 404, "slow"]])
    assert.strictEqual(entries[0]!.at, new Date(arrived).toISOString())
  })
})

describe("Faults.make", () => {
  it.effect("decodes its specs, defaulting the route to *", () =>
    Effect.gen(function*() {
      const faults = yield* Faults.make({ faults: [{ kind: "slow", delayMs: 5 }] })
      assert.deepStrictEqual(faults.list(), [{ route: "*", kind: "slow", delayMs: 5, id: 1, hits: 0 }])
      const bad = yield* Effect.exit(Faults.make({ faults: [{ kind: "status", status: 700 }] }))
      assert.isTrue(Exit.isFailure(bad))
      assert.isTrue(Schema.is(Faults.FaultKind)("resetMidBody"))
      assert.isFalse(Schema.is(Faults.FaultRoute)("runs/delete"))
    }))

  it.effect("take counts hits, drops a fault after `times` and draws probabilities from the seed", () =>
    Effect.gen(function*() {
      const faults = yield* Faults.make()
      faults.add({ route: "runs/get", kind: "status", times: 2 })
      assert.isUndefined(faults.take("runs/list"))
      assert.strictEqual(faults.take("runs/get")!.hits, 1)
      assert.strictEqual(faults.take("runs/get")!.hits, 2)
      assert.isUndefined(faults.take("runs/get"))

      const draws = (seed: number) =>
        Effect.map(
          Faults.make({ seed, faults: [{ kind: "empty", probability: 0.3 }] }),
          (f) => Array.from({ length: 40 }, () => f.take("runs/list") !== undefined)
        )
      const a = yield* draws(5)
      assert.deepStrictEqual(yield* draws(5), a)
      assert.notDeepEqual(yield* draws(6), a)
      const fired = a.filter(Boolean).length
      assert.isAbove(fired, 0)
      assert.isBelow(fired, 40)
    }))
})
