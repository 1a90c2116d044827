import type { RunsError } from "@airplane-runs/core"
import {
  AbortedError,
  AirplaneRuns,
  AirplaneRunsError,
  BadRequestError,
  ClientClosedError,
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  InvalidResponseError,
  NotFoundError,
  RateLimitedError,
  ServerError,
  TimeoutError,
  TransportError,
  UnauthorizedError
} from "@airplane-runs/promise"
import * as Facade from "@airplane-runs/promise"
import type { RunsServer } from "@airplane-runs/server"
import { inspect } from "node:util"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { apiRequests, clientOf, fresh, seededRun, startServer } from "./utils/server.js"

// Keys that must never show in an error: the accepted one, and a wrong one the server refuses.
const secretKey = "tkn_promise_secret_4f9c2a7e1b"
const wrongKey = "tkn_promise_wrong_8d3e6b0a5c"

let server: RunsServer.RunningServer
let client: AirplaneRuns

beforeAll(async () => {
  server = await startServer({ apiKeys: [secretKey], seed: { runs: 120 } })
  client = clientOf(server, { apiKey: secretKey })
})

// Each test starts with no fault in force and an empty request log.
beforeEach(() => {
  fresh(server)
})

afterAll(async () => {
  await client?.close()
  await server?.stop()
})

type ErrorClass = abstract new(...args: ReadonlyArray<any>) => AirplaneRunsError

/**
 * What the call rejected with. The `await` is here, in this file, so the error's stack must
 * name it: the facade makes its errors at the caller's await.
 */
const failure = async (promise: Promise<unknown>): Promise<AirplaneRunsError> => {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AirplaneRunsError)
    return error as AirplaneRunsError
  }
  throw new Error("expected the call to fail")
}

/** Every text an error shows: its own, and that of each error in its cause chain. */
const textsOf = (error: Error): Array<string> => {
  const texts = [error.message, String(error), JSON.stringify(error), error.stack ?? "", inspect(error, { depth: 10 })]
  for (let cause: unknown = error.cause, depth = 0; cause !== undefined && depth < 10; depth++) {
    texts.push(String(cause), JSON.stringify(cause) ?? "", inspect(cause, { depth: 10 }))
    if (cause instanceof Error) {
      texts.push(cause.message, cause.stack ?? "")
      cause = cause.cause
    } else {
      cause = undefined
    }
  }
  return texts
}

/** The checks every error passes, whatever its class. */
const expectError = <C extends ErrorClass>(
  error: AirplaneRunsError,
  errorClass: C,
  fields: Partial<Record<"status" | "code" | "request" | "requestId" | "retryAfterMs", unknown>> = {}
): InstanceType<C> => {
  expect(error).toBeInstanceOf(errorClass)
  expect(error).toBeInstanceOf(AirplaneRunsError)
  expect(error).toBeInstanceOf(Error)
  expect(error.name).toBe(errorClass.name)
  expect(String(error)).toBe(`${errorClass.name}: ${error.message}`)
  expect(error.message.length).toBeGreaterThan(0)
  for (const [field, value] of Object.entries(fields)) {
    expect((error as unknown as Record<string, unknown>)[field], field).toEqual(value)
    // An unknown field is no own property, so that it does not print as `status: undefined`.
    if (value === undefined) expect(Object.hasOwn(error, field), field).toBe(false)
  }
  for (const text of textsOf(error)) {
    expect(text).not.toContain(secretKey)
    expect(text).not.toContain(wrongKey)
  }
  expect(error.stack).toContain("AirplaneRunsError.test")
  // Core's error, when there is one, is named by the rule: tag `X` is the class `XError`.
  const tag = (error.cause as { readonly _tag?: unknown } | undefined)?._tag
  if (typeof tag === "string") expect(error.name).toBe(facadeName(tag))
  return error as InstanceType<C>
}

/** The facade's class name for a core error tag: `X` is `XError`; a tag ending in `Error` keeps its name. */
const facadeName = (tag: string): string => (tag.endsWith("Error") ? tag : `${tag}Error`)

// Every core tag (the compiler checks that none is missing) and the facade class it becomes.
const classOfTag: Record<RunsError.RunsError["_tag"], ErrorClass> = {
  InvalidRequest: InvalidRequestError,
  BadRequest: BadRequestError,
  Unauthorized: UnauthorizedError,
  Forbidden: ForbiddenError,
  NotFound: NotFoundError,
  Conflict: ConflictError,
  RateLimited: RateLimitedError,
  ServerError,
  TransportError,
  Timeout: TimeoutError,
  InvalidResponse: InvalidResponseError
}

/** How the error itself prints, its cause (core's error, printed by core) left out. */
const printed = (error: Error): string => inspect(error).split("[cause]")[0]!

describe("names and printing", () => {
  it("each core error tag X is the facade class XError; a tag ending in Error keeps its name", () => {
    for (const [tag, errorClass] of Object.entries(classOfTag)) {
      expect(errorClass.name, tag).toBe(facadeName(tag))
      expect((Facade as Record<string, unknown>)[facadeName(tag)], tag).toBe(errorClass)
    }
    // And the facade's own, which no core tag gives.
    expect(Facade.AbortedError.name).toBe("AbortedError")
    expect(Facade.ClientClosedError.name).toBe("ClientClosedError")
    expect("ConnectionError" in Facade).toBe(false)
  })

  it("an error prints only the fields it knows: no status, code or requestId shown as undefined", async () => {
    server.faults.add({ route: "runs/get", kind: "reset", times: 1 })
    const transport = await failure(client.runs.get({ id: "run_any" }, { maxRetries: 0 }))
    expect(transport).toBeInstanceOf(TransportError)
    expect(printed(transport)).not.toContain("undefined")
    expect(printed(transport)).toContain("request: 'GET /v0/runs/get'")
    // Unknown, they still read as undefined.
    expect(transport.status).toBeUndefined()
    expect(transport.code).toBeUndefined()
    expect(transport.requestId).toBeUndefined()

    const notFound = await failure(client.runs.get({ id: "run_no_such_run" }))
    const shown = printed(notFound)
    expect(shown).toContain("status: 404")
    expect(shown).toContain("code: 'run_not_found'")
    expect(notFound.requestId).toMatch(/^req_[0-9a-f]{24}$/)
    expect(shown).toContain(`requestId: '${notFound.requestId}'`)
    expect(shown).not.toContain("undefined")

    server.faults.add({ route: "runs/list", kind: "status", status: 429, times: 1 })
    const limited = await failure(client.runs.list({}, { maxRetries: 0 }).page(0))
    expect(printed(limited)).toContain("status: 429")
    expect(printed(limited)).not.toContain("retryAfterMs")
    expect((limited as RateLimitedError).retryAfterMs).toBeUndefined()
  })
})

describe("HTTP errors", () => {
  it("BadRequestError: 400, cancelling a finished run", async () => {
    const done = seededRun(server, "Succeeded")
    const error = await failure(client.runs.cancel({ runID: done.id! }))
    expectError(error, BadRequestError, {
      status: 400,
      code: "run_terminal",
      request: "POST /v0/runs/cancel",
      requestId: apiRequests(server)[0]!.requestId
    })
    expect(error.message).toMatch(/POST \/v0\/runs\/cancel answered 400/)
    // Not retried: the request is wrong, not the moment.
    expect(apiRequests(server)).toHaveLength(1)
  })

  it("UnauthorizedError: 401, a key the server does not accept", async () => {
    await using wrong = clientOf(server, { apiKey: wrongKey })
    const error = await failure(wrong.runs.get({ id: seededRun(server, "Succeeded").id! }))
    expectError(error, UnauthorizedError, { status: 401, code: "invalid_api_key", request: "GET /v0/runs/get" })
    expect(error.message).toMatch(/AIRPLANE_API_KEY/)
  })

  it("ForbiddenError: 403", async () => {
    server.faults.add({ route: "runs/get", kind: "status", status: 403, error: "not allowed", code: "forbidden" })
    const error = await failure(client.runs.get({ id: "run_any" }))
    expectError(error, ForbiddenError, { status: 403, code: "forbidden", request: "GET /v0/runs/get" })
    expect(error.message).toMatch(/not allowed/)
  })

  it("NotFoundError: 404, an unknown run", async () => {
    const error = await failure(client.runs.get({ id: "run_no_such_run" }))
    expectError(error, NotFoundError, { status: 404, code: "run_not_found", request: "GET /v0/runs/get" })
    expect(error.message).toMatch(/run_no_such_run/)
  })

  it("NotFoundError: 404, an unknown task", async () => {
    const error = await failure(client.runs.execute({ slug: "no_such_task" }))
    expectError(error, NotFoundError, { status: 404, code: "task_not_found", request: "POST /v0/tasks/execute" })
  })

  it("ConflictError: 409 and 423", async () => {
    server.faults.add({ route: "runs/cancel", kind: "status", status: 409, code: "conflict", times: 1 })
    server.faults.add({ route: "runs/cancel", kind: "status", status: 423, code: "locked", times: 1 })
    const conflict = await failure(client.runs.cancel({ runID: "run_any" }))
    expectError(conflict, ConflictError, { status: 409, code: "conflict", request: "POST /v0/runs/cancel" })
    const locked = await failure(client.runs.cancel({ runID: "run_any" }))
    expectError(locked, ConflictError, { status: 423, code: "locked", request: "POST /v0/runs/cancel" })
  })

  it("RateLimitedError: 429 with Retry-After, once retries run out", async () => {
    server.faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "7", times: 1 })
    const error = await failure(client.runs.get({ id: "run_any" }, { maxRetries: 0 }))
    const limited = expectError(error, RateLimitedError, {
      status: 429,
      request: "GET /v0/runs/get",
      retryAfterMs: 7_000
    })
    expect(limited.message).toMatch(/\b7(000 ms| s)\b/)

    // Retry-After 0: retried at once, and the error comes from the last attempt.
    fresh(server)
    server.faults.add({ route: "runs/get", kind: "status", status: 429, retryAfter: "0", times: 2 })
    const last = await failure(client.runs.get({ id: "run_any" }, { maxRetries: 1 }))
    expectError(last, RateLimitedError, { status: 429, retryAfterMs: 0 })
    expect(apiRequests(server).map((entry) => entry.status)).toEqual([429, 429])
  })

  it("ServerError: 5xx once retries run out; 501 is not retried", async () => {
    server.faults.add({ route: "runs/get", kind: "status", status: 503, code: "unavailable" })
    const error = await failure(client.runs.get({ id: "run_any" }, { maxRetries: 2 }))
    expectError(error, ServerError, { status: 503, code: "unavailable", request: "GET /v0/runs/get" })
    expect(apiRequests(server)).toHaveLength(3)

    fresh(server)
    server.faults.add({ route: "runs/get", kind: "status", status: 501 })
    expectError(await failure(client.runs.get({ id: "run_any" })), ServerError, { status: 501 })
    expect(apiRequests(server)).toHaveLength(1)
  })

  it("requestId carries the answer's X-Request-ID", async () => {
    // The embedded server sends no request id; a fetch that stamps one on the real answer plays a gateway that does.
    const stamping: typeof globalThis.fetch = async (input, init) => {
      const response = await globalThis.fetch(input, init)
      const headers = new Headers(response.headers)
      headers.set("x-request-id", "req_0123456789")
      return new Response(response.body, { status: response.status, headers })
    }
    await using stamped = clientOf(server, { apiKey: secretKey, fetch: stamping })
    const error = await failure(stamped.runs.get({ id: "run_no_such_run" }))
    expectError(error, NotFoundError, { status: 404, requestId: "req_0123456789" })
  })
})

describe("transport and answer errors", () => {
  it("TransportError: the connection closed before any header", async () => {
    server.faults.add({ route: "runs/get", kind: "reset" })
    const error = await failure(client.runs.get({ id: "run_any" }, { maxRetries: 0 }))
    expectError(error, TransportError, { status: undefined, request: "GET /v0/runs/get" })
  })

  it("TransportError: the connection closed mid-body, after retries", async () => {
    server.faults.add({ route: "runs/list", kind: "resetMidBody" })
    const error = await failure(client.runs.list().page(0))
    expectError(error, TransportError, { request: "GET /v0/runs/list" })
    // The default client retries 4 times.
    expect(apiRequests(server)).toHaveLength(5)
  })

  it("TransportError: nothing listens on the port", async () => {
    const closed = await startServer({ apiKeys: [secretKey], seed: { runs: 1 } })
    await closed.stop()
    await using refused = clientOf(closed, { apiKey: secretKey, maxRetries: 0 })
    const error = await failure(refused.runs.get({ id: "run_any" }))
    expectError(error, TransportError, { request: "GET /v0/runs/get" })
  })

  it("TimeoutError: an attempt over timeoutMs, and a call over deadlineMs", async () => {
    server.faults.add({ route: "runs/get", kind: "slow", delayMs: 1_000, times: 1 })
    const attempt = await failure(client.runs.get({ id: "run_any" }, { timeoutMs: 20, maxRetries: 0 }))
    expectError(attempt, TimeoutError, { status: undefined, request: "GET /v0/runs/get" })
    expect(attempt.message).toMatch(/attempt.* 20 ms/)

    // Attempts that each may take a second, and a call that may not: the deadline ends it.
    server.faults.add({ route: "runs/get", kind: "slow", delayMs: 1_000, times: 1 })
    const deadline = await failure(client.runs.get({ id: "run_any" }, { timeoutMs: 900, deadlineMs: 50 }))
    expectError(deadline, TimeoutError, { request: "GET /v0/runs/get" })
    expect(deadline.message).toMatch(/deadline.* 50 ms/)
  })

  it("TimeoutError: the client's timeoutMs", async () => {
    server.faults.add({ route: "runs/getOutputs", kind: "slow", delayMs: 1_000, times: 1 })
    await using impatient = clientOf(server, { apiKey: secretKey, timeoutMs: 20, maxRetries: 0 })
    const error = await failure(impatient.runs.getOutputs({ id: "run_any" }))
    expectError(error, TimeoutError, { request: "GET /v0/runs/getOutputs" })
  })

  it("InvalidResponseError: a 200 whose body is not JSON, or cut short", async () => {
    const run = seededRun(server, "Succeeded")
    server.faults.add({ route: "runs/get", kind: "malformed", times: 1 })
    const malformed = await failure(client.runs.get({ id: run.id! }))
    expectError(malformed, InvalidResponseError, { status: 200, request: "GET /v0/runs/get" })
    // Not retried: the same answer would come back.
    expect(apiRequests(server)).toHaveLength(1)

    server.faults.add({ route: "runs/get", kind: "truncated", times: 1 })
    expectError(await failure(client.runs.get({ id: run.id! })), InvalidResponseError, { status: 200 })
  })
})

describe("errors made by the client", () => {
  it("InvalidRequestError: bad arguments, and nothing is sent", async () => {
    const empty = await failure(client.runs.get({ id: "" }))
    expectError(empty, InvalidRequestError, { status: undefined, request: undefined })
    expect(empty.message).toMatch(/id/)
    expectError(await failure(client.runs.list({ limit: 51 }).page(0)), InvalidRequestError)
    expectError(await failure(client.runs.list().page(-1)), InvalidRequestError)
    expectError(
      await failure(client.runs.list({ since: new Date("2024-02-01"), until: new Date("2024-01-01") }).page(0)),
      InvalidRequestError
    )
    expect(apiRequests(server)).toHaveLength(0)
  })

  it("InvalidRequestError: unusable options, at construction", () => {
    let error: unknown
    try {
      new AirplaneRuns({ apiKey: secretKey, baseUrl: "http://example.com" })
    } catch (e) {
      error = e
    }
    expectError(error as AirplaneRunsError, InvalidRequestError)
    let lineBreak: unknown
    try {
      new AirplaneRuns({ apiKey: `${secretKey}\r\nX-Injected: 1`, baseUrl: server.url })
    } catch (e) {
      lineBreak = e
    }
    expectError(lineBreak as AirplaneRunsError, InvalidRequestError)
    expect((lineBreak as Error).message).toMatch(/apiKey/)
  })

  it("AbortedError: the signal fired; the reason is the cause", async () => {
    const controller = new AbortController()
    const reason = new Error("the user left")
    controller.abort(reason)
    const error = await failure(client.runs.get({ id: "run_any" }, { signal: controller.signal }))
    expectError(error, AbortedError, { status: undefined })
    expect(error.cause).toBe(reason)
  })

  it("ClientClosedError: a call after close()", async () => {
    const closing = clientOf(server, { apiKey: secretKey })
    await closing.close()
    expectError(await failure(closing.runs.get({ id: "run_any" })), ClientClosedError)
  })

  it("an error of the API keeps core's error as its cause", async () => {
    const error = await failure(client.runs.get({ id: "run_no_such_run" }))
    expect(error.cause).toBeInstanceOf(Error)
    expect((error.cause as { _tag: string })._tag).toBe("NotFound")
  })
})
