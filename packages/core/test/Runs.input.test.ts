/**
 * Parameters the client refuses before sending anything: each names the operation and the
 * field, in a message of one line whatever the input held.
 */
import { Runs, type RunsError } from "@airplane-runs/core"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { expectTag } from "./utils/errors.js"
import { fresh, requests, testLayer } from "./utils/server.js"

layer(testLayer(), { excludeTestServices: true })("Runs over fetch", (it) => {
  describe("bad input fails with InvalidRequest and sends nothing", () => {
    const cases: ReadonlyArray<{
      readonly name: string
      readonly operation: string
      readonly field: string
      readonly call: (runs: Runs.Service) => Effect.Effect<unknown, RunsError.RunsError>
    }> = [
      { name: "get with an empty id", operation: "get", field: "id", call: (runs) => runs.get({ id: "" }) },
      {
        name: "getOutputs with an empty id",
        operation: "getOutputs",
        field: "id",
        call: (runs) => runs.getOutputs({ id: "" })
      },
      {
        name: "cancel with an empty runID",
        operation: "cancel",
        field: "runID",
        call: (runs) => runs.cancel({ runID: "" })
      },
      { name: "limit 51", operation: "list", field: "limit", call: (runs) => runs.listPage({ limit: 51 }) },
      { name: "limit 1.5", operation: "list", field: "limit", call: (runs) => runs.listPage({ limit: 1.5 }) },
      { name: "limit -1", operation: "list", field: "limit", call: (runs) => runs.listPage({ limit: -1 }) },
      { name: "page -1", operation: "list", field: "page", call: (runs) => runs.listPage({ page: -1 }) },
      { name: "page 0.5", operation: "list", field: "page", call: (runs) => runs.listPage({ page: 0.5 }) },
      {
        name: "since after until",
        operation: "list",
        field: "since",
        call: (runs) =>
          runs.listPage({ since: new Date("2024-02-01T00:00:00Z"), until: new Date("2024-01-01T00:00:00Z") })
      },
      {
        name: "an invalid Date",
        operation: "list",
        field: "until",
        call: (runs) => runs.listPage({ until: new Date("not a date") })
      },
      {
        name: "an empty taskSlug",
        operation: "list",
        field: "taskSlug",
        call: (runs) => runs.listPage({ taskSlug: "" })
      },
      {
        name: "list (the stream) with limit 51",
        operation: "list",
        field: "limit",
        call: (runs) => Stream.runDrain(runs.list({ limit: 51 }))
      },
      {
        name: "listPages with a negative prefetch",
        operation: "list",
        field: "prefetch",
        call: (runs) => Stream.runDrain(runs.listPages({}, { prefetch: -1 }))
      },
      {
        name: "execute without id or slug",
        operation: "execute",
        field: "id",
        call: (runs) => runs.execute({ paramValues: { a: 1 } } as unknown as Runs.ExecuteParams)
      },
      {
        name: "execute with an empty slug",
        operation: "execute",
        field: "slug",
        call: (runs) => runs.execute({ slug: "" })
      },
      {
        name: "execute with an empty envSlug",
        operation: "execute",
        field: "envSlug",
        call: (runs) => runs.execute({ slug: "hello_world", envSlug: "" })
      },
      {
        name: "get with an id ending in a newline",
        operation: "get",
        field: "id",
        call: (runs) => runs.get({ id: "run20220111zlq2ig4\n" })
      },
      {
        name: "getOutputs with an id in spaces",
        operation: "getOutputs",
        field: "id",
        call: (runs) => runs.getOutputs({ id: " run20220111zlq2ig4 " })
      },
      {
        name: "cancel with a NUL in the runID",
        operation: "cancel",
        field: "runID",
        call: (runs) => runs.cancel({ runID: "run\u0000x" })
      },
      {
        name: "a taskID with a tab",
        operation: "list",
        field: "taskID",
        call: (runs) => runs.listPage({ taskID: "tsk\t1" })
      },
      {
        name: "awaitCompletion with an empty id",
        operation: "get",
        field: "id",
        call: (runs) => runs.awaitCompletion({ id: "" })
      }
    ]
    for (const { call, field, name, operation } of cases) {
      it.effect(name, () =>
        Effect.gen(function*() {
          yield* fresh
          const runs = yield* Runs.Runs
          const error = expectTag(yield* Effect.flip(call(runs)), "InvalidRequest")
          assert.strictEqual(error.operation, operation)
          assert.isTrue(error.issues.some((issue) => issue.includes(field)), error.issues.join(" | "))
          assert.include(error.message, "nothing was sent")
          // One line, whatever the input held.
          assert.notMatch(error.message, /[\r\n\0]/)
          assert.strictEqual((yield* requests).length, 0)
        }))
    }
  })
})
