/**
 * The fault matrix: every kind of fault the issue lists, with the outcome a call must have
 * when the fault hits its first attempt. The same table drives core and the Promise facade.
 */
import type { RunsError } from "@airplane-runs/core"
import type { Faults } from "@airplane-runs/server"

/** The operations of the API. */
export const operations = ["get", "getOutputs", "cancel", "list", "execute"] as const

/** One of {@link operations}. */
export type Operation = typeof operations[number]

/** The route a fault names, per operation. */
export const routes: Record<Operation, Faults.FaultRoute> = {
  get: "runs/get",
  getOutputs: "runs/getOutputs",
  cancel: "runs/cancel",
  list: "runs/list",
  execute: "tasks/execute"
}

/** The path the request log shows, per operation. */
export const paths: Record<Operation, string> = {
  get: "/v0/runs/get",
  getOutputs: "/v0/runs/getOutputs",
  cancel: "/v0/runs/cancel",
  list: "/v0/runs/list",
  execute: "/v0/tasks/execute"
}

/** What the clients of the matrix are told; the faults are sized against it. */
export const clientSettings = {
  /** Attempts in all: enough for one fault and a success, and to see a retry that should not be. */
  maxAttempts: 3,
  /**
   * Small, so a `slow` answer costs little, yet far above a real answer's few milliseconds on
   * a loaded CI machine.
   */
  attemptTimeoutMs: 1000,
  /** The response size cap of the clients. */
  maxResponseBytes: 1024 * 1024
} as const

/** The tag of a core error. */
export type Tag = RunsError.RunsError["_tag"]

/** How many requests a call makes: exactly, or a range. */
export type Attempts = number | readonly [min: number, max: number]

/** What a call ends with, and after how many requests. */
export type Outcome =
  | { readonly _tag: "Success"; readonly attempts: Attempts }
  | { readonly _tag: "Failure"; readonly error: Tag; readonly attempts: number }

const success = (attempts: Attempts): Outcome => ({ _tag: "Success", attempts })
const failure = (error: Tag, attempts: number): Outcome => ({ _tag: "Failure", error, attempts })

/** A fault, as the matrix adds it (its route and `times: 1` come from the runner). */
export type Fault = Omit<Faults.FaultSpec, "route" | "times">

/** A row of the matrix. */
export interface FaultCase {
  readonly name: string
  /** The fault, made at `now` (epoch milliseconds). */
  readonly fault: (now: number) => Fault
  readonly expect: (operation: Operation) => Outcome
  /**
   * The earliest the second attempt may arrive, from the first attempt's arrival: where the
   * fault asks the client to wait (`Retry-After`).
   */
  readonly notBefore?: (firstArrival: number, fault: Fault) => number
}

const always = (outcome: Outcome) => () => outcome

/** The API's error statuses that the default policy retries, then the ones it must not. */
export const cases: ReadonlyArray<FaultCase> = [
  {
    name: "429 with Retry-After in seconds",
    fault: () => ({ kind: "status", status: 429, retryAfter: "1" }),
    expect: always(success(2)),
    notBefore: (first) => first + 1000
  },
  {
    name: "429 with Retry-After as an HTTP date",
    // Two seconds ahead, as HTTP dates count whole seconds: the wait is between 1 and 2 s.
    fault: (now) => ({ kind: "status", status: 429, retryAfter: new Date(now + 2000).toUTCString() }),
    expect: always(success(2)),
    notBefore: (_, fault) => Date.parse(fault.retryAfter!)
  },
  { name: "429 without Retry-After", fault: () => ({ kind: "status", status: 429 }), expect: always(success(2)) },
  { name: "500", fault: () => ({ kind: "status", status: 500 }), expect: always(success(2)) },
  { name: "502", fault: () => ({ kind: "status", status: 502 }), expect: always(success(2)) },
  { name: "503", fault: () => ({ kind: "status", status: 503 }), expect: always(success(2)) },
  { name: "504", fault: () => ({ kind: "status", status: 504 }), expect: always(success(2)) },
  { name: "501", fault: () => ({ kind: "status", status: 501 }), expect: always(failure("ServerError", 1)) },
  {
    name: "503 with X-Airplane-Retryable: false",
    fault: () => ({ kind: "status", status: 503, retryable: false }),
    expect: always(failure("ServerError", 1))
  },
  {
    name: "409 with X-Airplane-Retryable: true",
    fault: () => ({ kind: "status", status: 409, retryable: true }),
    expect: always(success(2))
  },
  { name: "connection reset before headers", fault: () => ({ kind: "reset" }), expect: always(success(2)) },
  // The API acted on a POST before the connection broke: the retry carries the same
  // Idempotency-Key, so it is answered by the replay and nothing is done twice.
  { name: "connection reset mid-body", fault: () => ({ kind: "resetMidBody" }), expect: always(success(2)) },
  // A complete answer whose body is cut: the API acted, and the client cannot know the result.
  // Not retried: an InvalidResponse is never retryable.
  {
    name: "truncated JSON",
    fault: () => ({ kind: "truncated" }),
    expect: always(failure("InvalidResponse", 1))
  },
  { name: "malformed JSON", fault: () => ({ kind: "malformed" }), expect: always(failure("InvalidResponse", 1)) },
  { name: "HTML error page with 502", fault: () => ({ kind: "html", status: 502 }), expect: always(success(2)) },
  // JSON labelled text/plain is read as the JSON it is.
  { name: "wrong content type", fault: () => ({ kind: "wrongContentType" }), expect: always(success(1)) },
  {
    name: "empty 200 body",
    fault: () => ({ kind: "empty" }),
    // cancel documents no body: an empty one is its success.
    expect: (operation) => operation === "cancel" ? success(1) : failure("InvalidResponse", 1)
  },
  {
    name: "slower than the attempt timeout",
    fault: () => ({ kind: "slow", delayMs: clientSettings.attemptTimeoutMs * 3 }),
    // A POST's retry may find its first attempt still in flight on the server (the abort has
    // not reached it yet): the server answers 409, retryable, and the next attempt passes.
    expect: (operation) => success(operation === "cancel" || operation === "execute" ? [2, 3] : 2)
  },
  {
    name: "body larger than the cap",
    fault: () => ({ kind: "oversized", bytes: clientSettings.maxResponseBytes * 2 }),
    expect: always(failure("InvalidResponse", 1))
  }
]
