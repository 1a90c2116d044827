/**
 * The shapes of the run object that the API's document shows, as the server writes them: each
 * decodes with the contract's `Run` schema to what the store holds, and each is there.
 */
import { Endpoints, Run, RunsApi } from "@airplane-runs/contract"
import { RunsServer, RunStore } from "@airplane-runs/server"
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { afterAll, beforeAll } from "vitest"
import { get, json, post, type Target } from "./utils/http.js"

const decodeRun = Schema.decodeUnknownSync(Run.Run)

const timestampFields = ["createdAt", "activeAt", "succeededAt", "failedAt", "cancelledAt"] as const
// `2022-01-11 22:32:45.601486+00`, as the spec's examples; the fraction is cut at its last non-zero digit.
const postgresText = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{0,5}[1-9])?\+00$/
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** Every run of the server as written on the wire, page by page. */
const wireRuns = async (server: Target): Promise<Array<Record<string, any>>> => {
  const runs: Array<Record<string, any>> = []
  for (let page = 0;; page++) {
    const answer = await get(server, `/runs/list?page=${page}`)
    assert.strictEqual(answer.status, 200)
    const body = json(answer)
    assert.isArray(body.runs)
    runs.push(...body.runs)
    if (body.runs.length < 50) return runs
  }
}

/** The timestamps a run has, as written. */
const timestampsOf = (wire: Record<string, any>): Array<string> =>
  timestampFields.flatMap((field) => (wire[field] == null ? [] : [wire[field] as string]))

/** Decodes a run as written and checks it is the store's run. */
const decodesToStored = (server: RunsServer.RunningServer, wire: Record<string, any>) => {
  const decoded = decodeRun(wire)
  const stored = server.store.get(wire["id"])!
  for (const field of timestampFields) assert.deepStrictEqual(decoded[field], stored[field], `${wire["id"]} ${field}`)
  assert.deepStrictEqual(decoded, stored)
  return decoded
}

describe("the seeded runs, as written by default", () => {
  let server: RunsServer.RunningServer
  let runs: Array<Record<string, any>>

  beforeAll(async () => {
    server = await RunsServer.start({ clock: "manual" })
    runs = await wireRuns(server)
  })

  afterAll(async () => {
    await server.stop()
  })

  it("each decodes with the contract's Run schema to what the store holds", () => {
    assert.strictEqual(runs.length, RunStore.defaultSeed.runs)
    for (const wire of runs) decodesToStored(server, wire)
  })

  it("a share writes its timestamps in Postgres text, every one of them; the rest in RFC 3339", () => {
    const postgres = runs.filter((wire) => postgresText.test(wire["createdAt"]))
    const iso = runs.filter((wire) => rfc3339.test(wire["createdAt"]))
    assert.strictEqual(postgres.length + iso.length, runs.length)
    // about a quarter: enough for every page of 50 to hold both
    assert.isAbove(postgres.length, runs.length * 0.15)
    assert.isBelow(postgres.length, runs.length * 0.35)
    for (const wire of postgres) {
      for (const text of timestampsOf(wire)) assert.match(text, postgresText, wire["id"])
      assert.strictEqual(server.store.timestampFormat(wire["id"]), "postgres")
    }
    for (const wire of iso) for (const text of timestampsOf(wire)) assert.match(text, rfc3339, wire["id"])
    // with microseconds, as a Postgres backend keeps them
    assert.isTrue(postgres.some((wire) => /\.\d{6}\+00$/.test(wire["createdAt"])))
    // runs/get writes a run as runs/list does
    return Promise.all([postgres[0]!, iso[0]!].map(async (wire) => {
      const answer = await get(server, `/runs/get?id=${wire["id"]}`)
      assert.deepStrictEqual(json(answer), wire)
    }))
  })

  it("a share of each optional shape the spec shows, consistent with one another", () => {
    const share = (what: string, has: (wire: Record<string, any>) => boolean) => {
      const count = runs.filter(has).length
      assert.isAbove(count, 0, what)
      assert.isBelow(count, runs.length, what)
    }
    share("params", (wire) => wire["params"].length > 0)
    share("nested params", (wire) => wire["params"].some((p: any) => p.params?.length > 0 || p.values != null))
    share("a parameter component", (wire) => wire["params"].some((p: any) => p.component === "textarea"))
    share("isPrivate", (wire) => wire["isPrivate"] === true)
    share("permissions", (wire) => wire["permissions"].length > 0)
    share("labels", (wire) => wire["constraints"].labels.length > 0)
    share("workflow", (wire) => wire["runtime"] === "workflow")
    share("standard", (wire) => wire["runtime"] === "standard")
    share("sessionID", (wire) => wire["sessionID"] !== null)
    share("zoneID", (wire) => wire["zoneID"] !== null)
    for (const wire of runs) {
      // explicit permissions belong to private runs
      assert.strictEqual(wire["permissions"].length > 0, wire["isPrivate"], wire["id"])
      if (wire["sessionID"] !== null) assert.match(wire["sessionID"], /^ses\d{8}z[0-9a-z]{10}$/)
      // a run carries its task's parameter definitions, and values for them
      const task = server.store.tasks.find((t) => t.id === wire["taskID"])!
      assert.deepStrictEqual(wire["params"], task.params)
      for (const slug of Object.keys(wire["paramValues"])) {
        assert.include(task.params.map((p) => p.slug), slug, wire["id"])
      }
    }
  })
})

describe("timestamps: postgres", () => {
  it("writes every timestamp in Postgres text, to the microsecond, trailing zeros dropped", async () => {
    const start = new Date("2026-01-01T00:00:00Z")
    await using server = await RunsServer.start({
      clock: "manual",
      manualStart: start,
      timestamps: "postgres",
      seed: { runs: 120 }
    })
    const runs = await wireRuns(server)
    assert.strictEqual(runs.length, 120)
    for (const wire of runs) {
      for (const text of timestampsOf(wire)) assert.match(text, postgresText, wire["id"])
      decodesToStored(server, wire)
    }
    // a run started on the whole second: no fraction then; 150 ms and 650 ms later, microseconds
    const started = await post(server, "/tasks/execute", { slug: "hello_world" })
    const runID: string = json(started).runID
    server.advance!(1_000)
    const wire = json(await get(server, `/runs/get?id=${runID}`))
    assert.strictEqual(wire.createdAt, "2026-01-01 00:00:00+00")
    assert.strictEqual(wire.activeAt, "2026-01-01 00:00:00.15055+00")
    assert.strictEqual(wire.succeededAt, "2026-01-01 00:00:00.65005+00")
    assert.isNull(wire.failedAt)
    decodesToStored(server, wire)
  })

  it("rfc3339 writes every timestamp in RFC 3339", async () => {
    await using server = await RunsServer.start({ clock: "manual", timestamps: "rfc3339", seed: { runs: 120 } })
    for (const wire of await wireRuns(server)) {
      for (const text of timestampsOf(wire)) assert.match(text, rfc3339, wire["id"])
    }
  })

  it.live("a client derived from the contract reads the Postgres-text answers as the store's dates", () =>
    Effect.gen(function*() {
      const server = yield* RunsServer.RunsServer
      const client = yield* HttpApiClient.make(RunsApi.RunsApi, {
        baseUrl: server.url,
        transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader(Endpoints.apiKeyHeader, server.apiKey))
      })
      const page = yield* client.runs.list({ urlParams: { limit: 50 } })
      const runs = page.runs ?? []
      assert.strictEqual(runs.length, 50)
      for (const run of runs) {
        const stored = server.store.get(run.id!)!
        assert.instanceOf(run.createdAt, Date)
        assert.deepStrictEqual(run, stored)
      }
      const finished = runs.find((run) => run.succeededAt != null)!
      assert.deepStrictEqual(yield* client.runs.get({ urlParams: { id: finished.id! } }), finished)
      // the wire said Postgres text
      const raw = yield* Effect.promise(() => get(server, `/runs/get?id=${finished.id}`))
      assert.match(json(raw).succeededAt, postgresText)
    }).pipe(
      Effect.provide(FetchHttpClient.layer),
      Effect.provide(RunsServer.layer({ clock: "manual", timestamps: "postgres", seed: { runs: 60 } }))
    ))
})
