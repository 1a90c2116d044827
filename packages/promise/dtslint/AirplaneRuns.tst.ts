import type { Json as ContractJson, Run as ContractRun } from "@airplane-runs/contract"
import type { ResponseInfo as CoreResponseInfo, Runs } from "@airplane-runs/core"
import * as Facade from "@airplane-runs/promise"
import { AirplaneRuns } from "@airplane-runs/promise"
import type {
  AirplaneRunsError,
  APIPromise,
  Completed,
  ExecuteParams,
  Json,
  ListParams,
  RateLimitedError,
  ResponseInfo,
  Run,
  RunList,
  RunsPage,
  TransportError,
  WithResponse
} from "@airplane-runs/promise"
import { describe, expect, test } from "tstyche"

const client = new AirplaneRuns({ apiKey: "tkn_x" })

describe("the facade's plain types", () => {
  test("Json is the contract's; what the core decodes fits the facade's Run and RunsPage", () => {
    expect<Json>().type.toBe<ContractJson.Json>()
    expect<ContractRun.Run>().type.toBeAssignableTo<Run>()
    expect<Runs.RunsPage>().type.toBeAssignableTo<RunsPage>()
    expect<Runs.Completed>().type.toBeAssignableTo<Completed>()
  })

  test("ListParams and ExecuteParams are core's, stated again", () => {
    expect<ListParams>().type.toBe<Runs.ListParams>()
    expect<ExecuteParams>().type.toBe<Runs.ExecuteParams>()
  })

  test("and the facade's Run names no field the contract lacks", () => {
    expect<keyof Run>().type.toBe<keyof ContractRun.Run>()
  })
})

describe("methods answer promises of plain types", () => {
  test("single calls", () => {
    expect(client.runs.get({ id: "run1" })).type.toBe<APIPromise<Run>>()
    expect(client.runs.getOutputs({ id: "run1" })).type.toBe<APIPromise<Json>>()
    expect(client.runs.cancel({ runID: "run1" })).type.toBe<APIPromise<void>>()
    expect(client.runs.execute({ slug: "hello_world" })).type.toBe<APIPromise<string>>()
    expect(client.runs.awaitOutputs({ id: "run1" })).type.toBe<Promise<Completed>>()
  })

  test("the promise of a one-request call is a Promise, with withResponse()", () => {
    expect<APIPromise<Run>>().type.toBeAssignableTo<Promise<Run>>()
    expect(client.runs.get({ id: "run1" }).withResponse()).type.toBe<Promise<WithResponse<Run>>>()
    expect(client.runs.list().page(0).withResponse()).type.toBe<Promise<WithResponse<RunsPage>>>()
    expect(client.runs.awaitCompletion({ id: "run1" })).type.not.toHaveProperty("withResponse")
  })

  test("ResponseInfo and WithResponse are core's, stated again", () => {
    expect<ResponseInfo>().type.toBe<CoreResponseInfo.ResponseInfo>()
    expect<WithResponse<Run>>().type.toBe<CoreResponseInfo.WithResponse<Run>>()
  })

  test("lists iterate runs and pages", () => {
    expect(client.runs.list({ taskSlug: "x" })).type.toBe<RunList>()
    expect(client.runs.list()).type.toBeAssignableTo<AsyncIterable<Run>>()
    expect(client.runs.list().pages()).type.toBe<AsyncIterable<RunsPage>>()
    expect(client.runs.list().page(1)).type.toBe<APIPromise<RunsPage>>()
  })

  test("watch iterates runs, with the options of a wait", () => {
    expect(client.runs.watch({ id: "run1" })).type.toBe<AsyncIterable<Run>>()
    expect(client.runs.watch).type.toBeCallableWith({ id: "run1" }, {
      pollIntervalMs: 100,
      deadlineMs: 60_000,
      signal: AbortSignal.timeout(1_000)
    })
    expect(client.runs.watch).type.not.toBeCallableWith({ runID: "run1" })
  })

  test("watchTask iterates runs of a task, by slug or id", () => {
    expect(client.runs.watchTask({ taskSlug: "hello_world" })).type.toBe<AsyncIterable<Run>>()
    expect(client.runs.watchTask).type.toBeCallableWith({ taskID: "tsk1" }, { since: new Date(), pollIntervalMs: 500 })
    expect(client.runs.watchTask).type.not.toBeCallableWith({})
    expect(client.runs.watchTask).type.not.toBeCallableWith({ taskSlug: "a" }, { schedule: "x" })
  })

  test("execute needs an id or a slug; cancel takes runID", () => {
    expect(client.runs.execute).type.not.toBeCallableWith({ paramValues: {} })
    expect(client.runs.cancel).type.not.toBeCallableWith({ id: "run1" })
  })
})

describe("errors", () => {
  test("fields known or not have the same types (an unknown one is absent at run time, read as undefined)", () => {
    expect<AirplaneRunsError["status"]>().type.toBe<number | undefined>()
    expect<AirplaneRunsError["code"]>().type.toBe<string | undefined>()
    expect<AirplaneRunsError["requestId"]>().type.toBe<string | undefined>()
    expect<AirplaneRunsError["request"]>().type.toBe<string | undefined>()
    expect<RateLimitedError["retryAfterMs"]>().type.toBe<number | undefined>()
  })

  test("core's TransportError is the facade's TransportError; there is no ConnectionError", () => {
    expect<TransportError>().type.toBeAssignableTo<AirplaneRunsError>()
    expect<typeof Facade>().type.not.toHaveProperty("ConnectionError")
    expect<typeof Facade>().type.toHaveProperty("TransportError")
  })
})
