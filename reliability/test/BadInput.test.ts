/**
 * Part 4, bad input: property tests over every request parameter. Valid inputs, drawn from
 * the contract's own schemas (plus ids full of characters that URLs treat specially), reach
 * the server exactly as given; invalid ones fail with the invalid-request error and send
 * nothing at all.
 */
import { ExecuteTask, Ids, Json, ListRuns } from "@airplane-runs/contract"
import { Runs, RunsError } from "@airplane-runs/core"
import { AirplaneRuns, InvalidRequestError } from "@airplane-runs/promise"
import type { RunsServer } from "@airplane-runs/server"
import { FetchHttpClient } from "@effect/platform"
import { Arbitrary, Effect, FastCheck as fc, Schema, Stream } from "effect"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { startServer } from "../src/Harness.js"
import * as Secrets from "../src/Secrets.js"
import { count, secretKey } from "../src/Settings.js"
import * as Tally from "../src/Tally.js"

const numRuns = count(40, 400)
// Small values: a Run drawn at fast-check's default size is ~20 kB of nested JSON, and costs
// tens of milliseconds to draw; the full run draws more of them instead.
fc.configureGlobal({ baseSize: "xsmall" })
const tally = Tally.row("4 bad input")

let server: RunsServer.RunningServer
let runs: Runs.Service
let facade: AirplaneRuns

beforeAll(async () => {
  server = await startServer({ seed: { runs: 5 } })
  runs = await Effect.runPromise(
    Runs.make({ apiKey: secretKey, host: server.url, retry: { maxAttempts: 1 } }).pipe(
      Effect.provide(FetchHttpClient.layer)
    )
  )
  facade = new AirplaneRuns({ apiKey: secretKey, baseUrl: server.url, maxRetries: 0 })
})

afterAll(async () => {
  tally.notes.push(`${numRuns} runs per property`)
  Tally.write(tally)
  await facade?.close()
  await server?.stop()
  assert.deepStrictEqual(Secrets.watch.leaks, [])
})

const run = <A>(effect: Effect.Effect<A, RunsError.RunsError>) =>
  Effect.runPromise(Effect.either(effect).pipe(Effect.provide(Secrets.layer)))

/** The API requests the server got since the last call of this. */
const sent = () => {
  const entries = server.requestLog.entries().filter((entry) => entry.path.startsWith("/v0/"))
  server.requestLog.clear()
  return entries
}

/** Characters that mean something in a URL or a query, spaces, and text beyond ASCII. */
const special = fc.string({
  unit: fc.constantFrom(
    "&",
    "/",
    "?",
    "#",
    "%",
    "%20",
    "+",
    "=",
    " ",
    "\t",
    ";",
    "é",
    "日本",
    "😀",
    "\u00a0",
    "a",
    "1"
  ),
  minLength: 1,
  maxLength: 12
})
/**
 * A valid run or task id: what the contract's schema draws, or one of special characters;
 * whatever the contract refuses (whitespace around it, a tab inside) is not one.
 */
const validId = fc.oneof(
  Arbitrary.make(Ids.RunIdParam).map((id) => id as string),
  special,
  fc.string({ unit: "grapheme", minLength: 1 })
).filter(Schema.is(Ids.TextParam))

/** Values a plain JavaScript caller may pass where a non-empty string is due. */
const notAnId = fc.oneof(
  fc.constantFrom<unknown>("", null, undefined, 0, 42, true, {}, [], ["run1"]),
  // Whitespace around an id, or a control character in it: a copy-paste slip, a split header.
  fc.constantFrom<unknown>(" run1", "run1 ", "run1\n", "run\t1", "run\u0000", "\u00a0"),
  // A lone surrogate: URL encoding would send U+FFFD in its place, another id.
  fc.tuple(fc.string(), fc.integer({ min: 0xd800, max: 0xdfff })).map(([text, unit]) =>
    `${text}${String.fromCharCode(unit)}`
  )
)

const expectInvalid = async (what: string, effect: Effect.Effect<unknown, RunsError.RunsError>) => {
  const result = await run(effect)
  assert.strictEqual(result._tag, "Left", `${what}: expected InvalidRequest, got a success`)
  const error = (result as { left: RunsError.RunsError }).left
  Secrets.scan("bad input error", error)
  assert.strictEqual(error._tag, "InvalidRequest", `${what}: ${error.message}`)
  assert.deepStrictEqual(sent(), [], `${what}: nothing is sent`)
  tally.tried++
  tally.failedAsExpected++
}

const property = async <T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>) => {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      try {
        await predicate(value)
      } catch (error) {
        tally.unexpected++
        throw error
      }
    }),
    { numRuns }
  )
}

describe("valid inputs reach the server intact", () => {
  it("ids of get and getOutputs round-trip through the query", async () => {
    sent()
    await property(fc.tuple(validId, fc.boolean()), async ([id, outputs]) => {
      const result = await run<unknown>(outputs ? runs.getOutputs({ id }) : runs.get({ id }))
      const [entry, ...more] = sent()
      assert.deepStrictEqual(more, [])
      assert.strictEqual(entry!.path, outputs ? "/v0/runs/getOutputs" : "/v0/runs/get")
      assert.deepStrictEqual(entry!.query, { id })
      // No such run: the server's 404, with the id as sent.
      assert.strictEqual(result._tag === "Left" ? result.left._tag : "success", "NotFound")
      tally.tried++
      tally.survived++
    })
  })

  it("the runID of cancel round-trips through the body", async () => {
    sent()
    await property(validId, async (runID) => {
      await run(runs.cancel({ runID }))
      const [entry] = sent()
      assert.deepStrictEqual(JSON.parse(entry!.body!), { runID })
      tally.tried++
      tally.survived++
    })
  })

  it("execute's slug or id, parameter values and resources round-trip through the body", async () => {
    sent()
    const body = Arbitrary.make(ExecuteTask.ExecuteTaskBody)
    const envSlugs = fc.option(special.filter(Schema.is(Ids.TextParam)), { nil: undefined })
    await property(fc.tuple(body, envSlugs), async ([params, envSlug]) => {
      const call = params.id !== undefined
        ? { id: params.id, paramValues: params.paramValues, resources: params.resources, envSlug }
        : { slug: params.slug!, paramValues: params.paramValues, resources: params.resources, envSlug }
      await run(runs.execute(call))
      const [entry] = sent()
      // The client takes an id or a slug, the id first.
      const { slug: _slug, ...byId } = params
      const expected = Schema.encodeSync(ExecuteTask.ExecuteTaskBody)(params.id !== undefined ? byId : params)
      assert.deepStrictEqual(JSON.parse(entry!.body!), JSON.parse(JSON.stringify(expected)))
      assert.deepStrictEqual(entry!.query, envSlug === undefined ? {} : { envSlug })
      tally.tried++
      tally.survived++
    })
  })

  it("every list parameter drawn from ListRunsParams round-trips through the query", async () => {
    sent()
    const params = Arbitrary.make(ListRuns.ListRunsParams)
    await property(params, async (p) => {
      const result = await run(runs.listPage(p))
      const [entry] = sent()
      assert.deepStrictEqual(entry!.query, Schema.encodeSync(ListRuns.ListRunsParams)({ ...p, page: p.page ?? 0 }))
      // The server takes every valid parameter the client sends.
      assert.notStrictEqual(result._tag === "Left" ? result.left._tag : "success", "BadRequest", JSON.stringify(p))
      tally.tried++
      tally.survived++
    })
  })
})

describe("invalid inputs fail with InvalidRequest and send nothing", () => {
  it("ids that are empty or not strings, in every operation", async () => {
    sent()
    await property(notAnId, async (id) => {
      const bad = id as string
      await expectInvalid("get", runs.get({ id: bad }))
      await expectInvalid("getOutputs", runs.getOutputs({ id: bad }))
      await expectInvalid("cancel", runs.cancel({ runID: bad }))
      await expectInvalid("execute by id", runs.execute({ id: bad }))
      await expectInvalid("execute by slug", runs.execute({ slug: bad }))
      if (bad !== undefined) {
        await expectInvalid("list by taskID", runs.listPage({ taskID: bad }))
        await expectInvalid("list by taskSlug", runs.listPage({ taskSlug: bad }))
      }
    })
  })

  it("list limits, pages and dates out of their ranges", async () => {
    sent()
    const badNumber = fc.oneof(
      fc.double({ noInteger: true, noDefaultInfinity: true, noNaN: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)
    )
    const badParams = fc.oneof(
      fc.record({ limit: fc.oneof(fc.integer({ min: 51 }), fc.integer({ max: -1 }), badNumber) }),
      fc.record({ page: fc.oneof(fc.integer({ max: -1 }), badNumber) }),
      fc.record({ since: fc.constant(new Date(Number.NaN)) }),
      fc.record({ until: fc.constant(new Date(Number.NaN)) }),
      fc.tuple(fc.date({ noInvalidDate: true }), fc.integer({ min: 1, max: 1e9 })).map(([until, ms]) => ({
        until,
        since: new Date(until.getTime() + ms)
      }))
    )
    await property(badParams, async (params) => {
      await expectInvalid(`listPage ${JSON.stringify(params)}`, runs.listPage(params as Runs.ListParams))
      const { page: _page, ...walk } = params as Runs.ListParams & { page?: number }
      if (Object.keys(walk).length > 0) {
        await expectInvalid(`list ${JSON.stringify(walk)}`, Stream.runDrain(runs.list(walk)))
      }
    })
  })

  it("a prefetch that is not a whole number of 0 or more", async () => {
    sent()
    await property(fc.oneof(fc.integer({ max: -1 }), fc.double({ noInteger: true })), async (prefetch) => {
      await expectInvalid("list prefetch", Stream.runDrain(runs.list({}, { prefetch })))
    })
  })

  it("execute without a task, or with parameter values that are not JSON", async () => {
    sent()
    const notJson = fc.constantFrom<unknown>(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      undefined,
      () => 1,
      Symbol("s"),
      BigInt(1)
      // Not here: a Map, a Date or a class instance. The contract's Json takes any object as a
      // record of its own keys, so they pass, and go as `{}` or their toJSON (see RELIABILITY.md).
    )
    const badCall = fc.oneof(
      fc.constant({}),
      fc.record({
        slug: fc.string({ minLength: 1 }),
        paramValues: fc.dictionary(fc.string(), notJson, { minKeys: 1 })
      }),
      fc.record({ slug: fc.string({ minLength: 1 }), resources: fc.dictionary(fc.string(), notJson, { minKeys: 1 }) })
    )
    await property(badCall, async (call) => {
      await expectInvalid("execute", runs.execute(call as Runs.ExecuteParams))
    })
  })

  it("through the facade: InvalidRequestError, nothing sent", async () => {
    sent()
    await property(notAnId, async (id) => {
      for (
        const call of [
          () => facade.runs.get({ id: id as string }),
          () => facade.runs.cancel({ runID: id as string }),
          () => facade.runs.execute({ slug: id as string }),
          () => facade.runs.list({ limit: 51 }).page(0)
        ]
      ) {
        let thrown: unknown
        try {
          await call()
        } catch (error) {
          thrown = error
        }
        assert.deepStrictEqual(sent(), [])
        Secrets.scan("facade bad input", thrown)
        assert.instanceOf(thrown, InvalidRequestError)
        tally.tried++
        tally.failedAsExpected++
      }
    })
  })
})

// Json is in the contract: make sure what the tests draw parameter values from is the API's.
void Json
