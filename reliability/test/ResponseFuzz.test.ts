/**
 * Part 5, response fuzzing: answers are crafted by a `fetch` of the test's own (the unit of
 * interest is decoding, not the wire). Bodies drawn from the wire schemas always decode;
 * corrupted ones always fail with InvalidResponse (or, when the corruption happens to leave a
 * valid answer, decode); no answer ever ends in a defect, another error, or a hang.
 */
import { CancelRun, ExecuteTask, ListRuns, Run, RunOutputs } from "@airplane-runs/contract"
import { RetryPolicy, Runs, RunsError } from "@airplane-runs/core"
import { FetchHttpClient } from "@effect/platform"
import { Arbitrary, Cause, Effect, Exit, FastCheck as fc, Layer, Schema, Stream } from "effect"
import { afterAll, assert, describe, it } from "vitest"
import type { Operation } from "../src/Cases.js"
import * as Secrets from "../src/Secrets.js"
import { count, secretKey } from "../src/Settings.js"
import * as Tally from "../src/Tally.js"

const numRuns = count(25, 300)
// Small values: a Run drawn at fast-check's default size is ~20 kB of nested JSON, and costs
// tens of milliseconds to draw; the full run draws more of them instead.
fc.configureGlobal({ baseSize: "xsmall" })
const tally = Tally.row("5 response fuzzing")

afterAll(() => {
  tally.notes.push(`${numRuns} runs per property and operation`)
  Tally.write(tally)
  assert.deepStrictEqual(Secrets.watch.leaks, [])
})

/** The wire schema of each operation's answer. */
const wire: Record<Operation, Schema.Schema<any, any>> = {
  get: Run.Run,
  getOutputs: RunOutputs.RunOutputs,
  cancel: CancelRun.CancelRunAnswer,
  list: ListRuns.ListRunsAnswer,
  execute: ExecuteTask.ExecuteTaskAnswer
}

const operations = Object.keys(wire) as Array<Operation>

/** Answers every request with what `respond` makes. */
const fetchOf = (respond: () => Response): typeof globalThis.fetch => (async () => respond()) as typeof fetch

type Outcome =
  | { readonly _tag: "Success"; readonly value: unknown }
  | { readonly _tag: "Failure"; readonly error: RunsError.RunsError }
  | { readonly _tag: "Defect"; readonly cause: string }
  | { readonly _tag: "Hang" }

/** One call of the operation against the crafted answer, bounded so a hang shows as such. */
const call = (operation: Operation, respond: () => Response): Promise<Outcome> => {
  const program = Effect.gen(function*() {
    const runs = yield* Runs.make({
      apiKey: secretKey,
      host: "http://localhost",
      retry: RetryPolicy.none,
      attemptTimeout: "200 millis"
    })
    switch (operation) {
      case "get":
        return yield* runs.get({ id: "run1" })
      case "getOutputs":
        return yield* runs.getOutputs({ id: "run1" })
      case "cancel":
        return yield* runs.cancel({ runID: "run1" })
      case "list":
        return yield* runs.listPage({})
      case "execute":
        return yield* runs.execute({ slug: "task" })
    }
  })
  return Effect.runPromise(
    program.pipe(
      Effect.timeoutFail({ duration: "3 seconds", onTimeout: () => "hang" as const }),
      Effect.exit,
      Effect.map((exit): Outcome => {
        if (Exit.isSuccess(exit)) return { _tag: "Success", value: exit.value }
        const failure = Cause.failureOption(exit.cause)
        if (failure._tag === "Some" && failure.value === "hang") return { _tag: "Hang" }
        if (failure._tag === "Some" && RunsError.isRunsError(failure.value)) {
          Secrets.scan("fuzz error", failure.value)
          return { _tag: "Failure", error: failure.value }
        }
        return { _tag: "Defect", cause: Cause.pretty(exit.cause) }
      }),
      Effect.provide(
        FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetchOf(respond))))
      ),
      Effect.provide(Secrets.layer)
    )
  )
}

const json = (body: string | Uint8Array<ArrayBuffer>, status = 200, contentType = "application/json") => () =>
  // 204, 205 and 304 carry no body: the Response constructor refuses one.
  new Response([204, 205, 304].includes(status) ? null : body, { status, headers: { "content-type": contentType } })

const describeOutcome = (outcome: Outcome) =>
  outcome._tag === "Failure"
    ? `${outcome.error._tag}: ${outcome.error.message}`
    : outcome._tag === "Defect"
    ? `a defect: ${outcome.cause}`
    : outcome._tag

/** Asserts the outcome is one of `allowed`, then counts it. */
const expectOutcome = (outcome: Outcome, allowed: ReadonlyArray<"Success" | RunsError.RunsError["_tag"]>) => {
  tally.tried++
  const got = outcome._tag === "Failure" ? outcome.error._tag : outcome._tag
  if (!(allowed as ReadonlyArray<string>).includes(got)) {
    tally.unexpected++
    assert.fail(`expected ${allowed.join(" or ")}, got ${describeOutcome(outcome)}`)
  }
  if (got === "Success") tally.survived++
  else tally.failedAsExpected++
}

/**
 * A valid wire body of the operation, with an unknown field or two. A run answered to `get`
 * is the run asked for (`run1`): another id, or none, is not the answer; execute's `runID` is
 * not empty.
 */
const validBody = (operation: Operation) =>
  fc.tuple(Arbitrary.make(wire[operation]), fc.dictionary(fc.constantFrom("zz_extra", "x_new"), fc.jsonValue()))
    .map(([value, extra]) => ({
      ...Schema.encodeSync(wire[operation])(value),
      ...(operation === "get" ? { id: "run1" } : {}),
      // A new run's id names a run: an empty one is not an answer.
      ...(operation === "execute" && (value as { runID: string }).runID === "" ? { runID: "run1" } : {}),
      ...extra
    }))

/**
 * What to replace a field's value with so that it is of the wrong type, per operation (the
 * output of getOutputs is any JSON, and cancel's answer is any object: no field can be wrong).
 */
const wrongTypes: Record<Operation, fc.Arbitrary<Record<string, unknown>> | undefined> = {
  get: fc.oneof(
    fc.record({ status: fc.oneof(fc.integer(), fc.constant("Exploded"), fc.constant(true)) }),
    fc.record({ createdAt: fc.oneof(fc.constant("yesterday"), fc.integer(), fc.constant("2022-13-45T00:00:00Z")) }),
    fc.record({ id: fc.oneof(fc.integer(), fc.constant([]), fc.constant({})) }),
    fc.record({ paramValues: fc.oneof(fc.constant("x"), fc.constant(3)) })
  ),
  getOutputs: undefined,
  cancel: undefined,
  list: fc.oneof(
    fc.record({ runs: fc.oneof(fc.constant("x"), fc.integer(), fc.constant({})) }),
    fc.record({ runs: fc.constant([{ status: 7 }]) })
  ),
  execute: fc.record({ runID: fc.oneof(fc.integer(), fc.constant(null), fc.constant([])) })
}

describe("bodies drawn from the wire schemas decode", () => {
  for (const operation of operations) {
    it(`${operation}: a valid body, with unknown fields, decodes`, async () => {
      await fc.assert(
        fc.asyncProperty(validBody(operation), async (body) => {
          const outcome = await call(operation, json(JSON.stringify(body)))
          expectOutcome(outcome, ["Success"])
          if (operation === "get" && outcome._tag === "Success") {
            // What decodes encodes back to what was sent, but the unknown fields.
            const { x_new: _a, zz_extra: _b, ...known } = body as Record<string, unknown>
            assert.deepStrictEqual(Schema.encodeSync(Run.Run)(outcome.value as Run.Run), known)
          }
        }),
        { numRuns }
      )
    })
  }
})

describe("corrupted bodies fail with InvalidResponse, never a defect or a hang", () => {
  for (const operation of operations) {
    // cancel takes an empty body (a cut at 0) and any object as its answer.
    const emptyOk: ReadonlyArray<"Success"> = operation === "cancel" ? ["Success"] : []

    it(`${operation}: cut short anywhere`, async () => {
      const cut = validBody(operation).chain((body) => {
        const text = JSON.stringify(body)
        return fc.integer({ min: 0, max: text.length - 1 }).map((at) => text.slice(0, at))
      })
      await fc.assert(
        fc.asyncProperty(cut, async (text) => {
          expectOutcome(
            await call(operation, json(text)),
            text === "" ? [...emptyOk, "InvalidResponse"] : [
              "InvalidResponse"
            ]
          )
        }),
        { numRuns }
      )
    })

    it(`${operation}: a field of the wrong type, or a body of the wrong shape`, async () => {
      const shapes = fc.oneof(
        fc.array(fc.jsonValue()),
        fc.string(),
        fc.double({ noNaN: true, noDefaultInfinity: true })
      )
        .map((value) => JSON.stringify(value))
      const fields = wrongTypes[operation]
      const wrong = fields === undefined ? fc.oneof(shapes, fc.constant("null")) : fc.oneof(
        fc.tuple(validBody(operation), fields).map(([body, bad]) => JSON.stringify({ ...body, ...bad })),
        shapes,
        fc.constant("null")
      )
      await fc.assert(
        fc.asyncProperty(wrong, async (text) => {
          // cancel documents no body, and reads none: any JSON but null passes as its answer.
          const allowed = operation === "cancel" && text !== "null"
            ? ["Success" as const]
            : ["InvalidResponse" as const]
          expectOutcome(await call(operation, json(text)), allowed)
        }),
        { numRuns }
      )
    })

    it(`${operation}: random bytes, any content type`, async () => {
      const bytes = fc.tuple(fc.uint8Array({ maxLength: 256 }), fc.constantFrom("application/json", "text/html", ""))
      await fc.assert(
        fc.asyncProperty(bytes, async ([body, type]) => {
          // Random bytes may still spell a valid answer (`{}`, or any JSON for cancel): either is fine.
          const copy = new Uint8Array(body.length)
          copy.set(body)
          expectOutcome(await call(operation, json(copy, 200, type)), ["Success", "InvalidResponse"])
        }),
        { numRuns }
      )
    })

    it(`${operation}: any status with any body ends in a typed error of that status`, async () => {
      const answer = fc.tuple(
        fc.integer({ min: 300, max: 599 }),
        fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)))
      )
      await fc.assert(
        fc.asyncProperty(answer, async ([status, body]) => {
          const outcome = await call(operation, json(body, status))
          tally.tried++
          assert.strictEqual(outcome._tag, "Failure", describeOutcome(outcome))
          const error = (outcome as { error: RunsError.RunsError }).error
          if (status < 400) assert.strictEqual(error._tag, "InvalidResponse")
          else assert.strictEqual((error as { status?: number }).status, status, error.message)
          tally.failedAsExpected++
        }),
        { numRuns }
      )
    })
  }

  it("a body that breaks off fails with TransportError, one that stalls with Timeout", async () => {
    for (const operation of operations) {
      const broken = () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode("{\"runs\": ["))
              controller.error(new Error("socket hang up"))
            }
          }),
          { status: 200 }
        )
      expectOutcome(await call(operation, broken), ["TransportError"])
      const stalled = () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode("{\"id\": \"run"))
            }
          }),
          { status: 200 }
        )
      expectOutcome(await call(operation, stalled), ["Timeout"])
    }
  })

  it("list walks stop at the first corrupt page with InvalidResponse", async () => {
    let page = 0
    const respond = () =>
      page++ === 0
        ? json(JSON.stringify({ runs: Array.from({ length: 50 }, (_, i) => ({ id: `run${i}` })) }))()
        : json("{\"runs\": [{\"id\": ")()
    const exit = await Effect.runPromiseExit(
      Effect.flatMap(
        Runs.make({ apiKey: secretKey, host: "http://localhost", retry: RetryPolicy.none }),
        (runs) => Stream.runCollect(runs.list({}, { prefetch: 0 }))
      ).pipe(
        Effect.provide(
          FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetchOf(respond))))
        )
      )
    )
    tally.tried++
    assert.isTrue(Exit.isFailure(exit))
    const failure = Cause.failureOption((exit as Exit.Failure<unknown, RunsError.RunsError>).cause)
    assert.strictEqual(failure._tag === "Some" ? failure.value._tag : "none", "InvalidResponse")
    tally.failedAsExpected++
  })
})
