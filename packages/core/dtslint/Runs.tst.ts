import type { Json } from "@airplane-runs/contract"
import type { Ids } from "@airplane-runs/contract"
import type { RunsError } from "@airplane-runs/core"
import type { ResponseInfo } from "@airplane-runs/core"
import { Runs } from "@airplane-runs/core"
import type { HttpClient } from "@effect/platform"
import type { ConfigError, Layer, Stream } from "effect"
import { Effect, Schedule } from "effect"
import { describe, expect, test } from "tstyche"

declare const runs: Runs.Service

describe("Runs operations", () => {
  test("each single call fails with RunsError and needs nothing", () => {
    expect(runs.get({ id: "run1" })).type.toBe<Effect.Effect<Runs.Run, RunsError.RunsError>>()
    expect(runs.getOutputs({ id: "run1" })).type.toBe<Effect.Effect<Json.Json, RunsError.RunsError>>()
    expect(runs.cancel({ runID: "run1" })).type.toBe<Effect.Effect<void, RunsError.RunsError>>()
    expect(runs.execute({ slug: "hello_world" })).type.toBe<Effect.Effect<Ids.RunId, RunsError.RunsError>>()
    expect(runs.listPage({ page: 2 })).type.toBe<Effect.Effect<Runs.RunsPage, RunsError.RunsError>>()
    expect(runs.awaitCompletion({ id: "run1" })).type.toBe<Effect.Effect<Runs.Run, RunsError.RunsError>>()
    expect(runs.awaitOutputs({ id: "run1" })).type.toBe<Effect.Effect<Runs.Completed, RunsError.RunsError>>()
  })

  test("withResponse answers each one-request operation's value with its answer", () => {
    type Answered<A> = Effect.Effect<ResponseInfo.WithResponse<A>, RunsError.RunsError>
    expect(runs.withResponse.get({ id: "run1" })).type.toBe<Answered<Runs.Run>>()
    expect(runs.withResponse.getOutputs({ id: "run1" })).type.toBe<Answered<Json.Json>>()
    expect(runs.withResponse.cancel({ runID: "run1" })).type.toBe<Answered<void>>()
    expect(runs.withResponse.execute({ slug: "hello_world" })).type.toBe<Answered<Ids.RunId>>()
    expect(runs.withResponse.listPage({ page: 2 })).type.toBe<Answered<Runs.RunsPage>>()
    expect<ResponseInfo.ResponseInfo>().type.toBe<{
      readonly status: number
      readonly headers: Readonly<Record<string, string>>
      readonly requestId: string | undefined
      readonly attempts: number
      readonly elapsedMs: number
    }>()
    expect(runs.withResponse).type.not.toHaveProperty("list")
    expect(runs.withResponse).type.not.toHaveProperty("awaitCompletion")
  })

  test("watch is a stream of runs that fails with RunsError and needs nothing", () => {
    expect(runs.watch({ id: "run1" })).type.toBe<Stream.Stream<Runs.Run, RunsError.RunsError>>()
    expect(runs.watch).type.toBeCallableWith({ id: "run1" }, {
      schedule: Schedule.spaced("1 second"),
      deadline: "1 minute"
    })
    expect(runs.watch).type.not.toBeCallableWith({ runID: "run1" })
  })

  test("watchTask is a stream of runs of a task, by slug or id, not both nor neither", () => {
    expect(runs.watchTask({ taskSlug: "hello_world" })).type.toBe<Stream.Stream<Runs.Run, RunsError.RunsError>>()
    expect(runs.watchTask).type.toBeCallableWith({ taskID: "tsk1" }, {
      since: new Date(),
      schedule: Schedule.spaced("1 second")
    })
    expect(runs.watchTask).type.not.toBeCallableWith({})
    expect(runs.watchTask).type.not.toBeCallableWith({ taskID: "tsk1", taskSlug: "hello_world" })
    expect(runs.watchTask).type.not.toBeCallableWith({ taskID: "tsk1" }, { since: "2022-01-01" })
  })

  test("list and listPages are streams that fail with RunsError", () => {
    expect(runs.list()).type.toBe<Stream.Stream<Runs.Run, RunsError.RunsError>>()
    expect(runs.listPages({ taskSlug: "x" }, { prefetch: 4 })).type.toBe<
      Stream.Stream<Runs.RunsPage, RunsError.RunsError>
    >()
  })

  test("execute takes an id or a slug, not neither", () => {
    expect(runs.execute).type.toBeCallableWith({ id: "tsk1" })
    expect(runs.execute).type.toBeCallableWith({ slug: "hello_world", paramValues: { n: 1, tags: ["a"] } })
    expect(runs.execute).type.not.toBeCallableWith({ paramValues: {} })
  })

  test("the wire keys are the API's: cancel takes runID", () => {
    expect(runs.cancel).type.not.toBeCallableWith({ id: "run1" })
  })

  test("list parameters are typed: dates are Dates, limit a number", () => {
    expect(runs.listPage).type.toBeCallableWith({ since: new Date(), limit: 10 })
    expect(runs.listPage).type.not.toBeCallableWith({ since: "2022-01-01", limit: 10 })
    expect(runs.listPage).type.not.toBeCallableWith({ limit: "10" })
  })
})

describe("layers", () => {
  test("layer needs an HttpClient and fails only on unusable options", () => {
    expect(Runs.layer({ apiKey: "tkn_x" })).type.toBe<
      Layer.Layer<Runs.Runs, RunsError.InvalidRequest, HttpClient.HttpClient>
    >()
  })

  test("layerConfig can also fail on configuration", () => {
    expect(Runs.layerConfig()).type.toBe<
      Layer.Layer<Runs.Runs, RunsError.InvalidRequest | ConfigError.ConfigError, HttpClient.HttpClient>
    >()
  })

  test("a program using the service requires the Runs tag, nothing else", () => {
    expect(Effect.flatMap(Runs.Runs, (r) => r.get({ id: "run1" }))).type.toBe<
      Effect.Effect<Runs.Run, RunsError.RunsError, Runs.Runs>
    >()
  })
})
