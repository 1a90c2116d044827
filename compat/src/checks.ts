/**
 * The program every runtime runs: the same checks, once through the Promise facade and once
 * through core over `FetchHttpClient`, against the embedded server the Node orchestrator
 * started. It uses nothing but what every runtime has (`fetch`, `AbortController`, timers),
 * so the runtime-specific part is only how it is loaded and how its results get back
 * (harness/*.ts).
 *
 * Each check says what it saw when it fails; none asserts how long anything took, except that
 * a retry after a 429 was not sent before the `Retry-After` the server asked for, which the
 * server's own clock tells.
 */
import { Runs, RunsError } from "@airplane-runs/core"
import * as Facade from "@airplane-runs/promise"
import { FetchHttpClient } from "@effect/platform"
import { Cause, Effect, Exit, Layer, Schedule, Stream } from "effect"

/** Where the program finds the server, and what it should find there. */
export interface Target {
  /** The API's origin, given to the clients (`baseUrl` / `host`). */
  readonly apiHost: string
  /** The key given to the clients. Behind the browser's proxy, a placeholder the proxy replaces. */
  readonly apiKey: string
  /** The server's admin routes (faults, request log), without a trailing slash. */
  readonly adminUrl: string
  /** The end of the seeded window: listing up to it finds exactly the seeded runs. */
  readonly listUntil: string
  /** How many runs were seeded. */
  readonly seededRuns: number
}

export const checkNames = [
  "execute+await",
  "outputs",
  "list pages",
  "not found",
  "503 retried",
  "429 Retry-After",
  "abort"
] as const

export type CheckName = typeof checkNames[number]

export const clientNames = ["facade", "core"] as const

export type ClientName = typeof clientNames[number]

export interface Result {
  readonly client: ClientName
  readonly check: CheckName
  readonly ok: boolean
  readonly detail: string
}

/** What a check needs of a client, written once per client below. */
interface Client {
  readonly execute: (slug: string, paramValues: { readonly name: string }) => Promise<string>
  readonly awaitOutputs: (
    id: string
  ) => Promise<{ readonly status: string | null | undefined; readonly output: unknown }>
  readonly getOutputs: (id: string) => Promise<unknown>
  /** Every run of every page up to `until`, `limit` a page, pages fetched ahead. */
  readonly listAll: (until: Date, limit: number) => Promise<ReadonlyArray<{ readonly id?: string | null | undefined }>>
  readonly get: (id: string) => Promise<{ readonly id?: string | null | undefined }>
  /** Whether a failure of `get` is this client's typed NotFound; a description if not. */
  readonly notFound: (error: unknown) => true | string
  /** A `get` under this signal: "aborted" when it ended because of it, else what it ended with. */
  readonly getAborted: (id: string, signal: AbortSignal) => Promise<string>
  readonly close: () => Promise<void>
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)

const facadeClient = (target: Target): Client => {
  const client = new Facade.AirplaneRuns({
    apiKey: target.apiKey,
    baseUrl: target.apiHost,
    // Quick retries after a 503: the check is that it retries, not how long it waits.
    retry: { initialDelayMs: 20, maxDelayMs: 200 }
  })
  return {
    execute: (slug, paramValues) => client.runs.execute({ slug, paramValues }),
    awaitOutputs: async (id) => {
      const { output, run } = await client.runs.awaitOutputs({ id }, { pollIntervalMs: 50 })
      return { status: run.status, output }
    },
    getOutputs: (id) => client.runs.getOutputs({ id }),
    listAll: async (until, limit) => {
      const runs: Array<Facade.Run> = []
      for await (const run of client.runs.list({ until, limit }, { prefetch: 3 })) runs.push(run)
      return runs
    },
    get: (id) => client.runs.get({ id }),
    notFound: (error) =>
      error instanceof Facade.NotFoundError && error instanceof Facade.AirplaneRunsError && error.status === 404
        ? true
        : `not a NotFoundError: ${describe(error)}`,
    getAborted: async (id, signal) => {
      try {
        const run = await client.runs.get({ id }, { signal })
        return `resolved with run ${run.id}`
      } catch (error) {
        if (error instanceof Facade.AbortedError && error.cause === signal.reason) return "aborted"
        return `rejected with ${describe(error)}`
      }
    },
    close: () => client.close()
  }
}

const coreClient = (target: Target): Client => {
  const layer = Runs.layer({
    apiKey: target.apiKey,
    host: target.apiHost,
    retry: { initialDelay: "20 millis", maxDelay: "200 millis" }
  }).pipe(Layer.provide(FetchHttpClient.layer))
  // Each call is its own program, as an Effect user calling from a Promise world would write it.
  const run = <A, E>(effect: Effect.Effect<A, E, Runs.Runs>, signal?: AbortSignal) =>
    Effect.runPromiseExit(Effect.provide(effect, layer), signal === undefined ? undefined : { signal })
  const unwrap = async <A, E>(effect: Effect.Effect<A, E, Runs.Runs>): Promise<A> => {
    const exit = await run(effect)
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  }
  return {
    execute: (slug, paramValues) => unwrap(Effect.flatMap(Runs.Runs, (runs) => runs.execute({ slug, paramValues }))),
    awaitOutputs: (id) =>
      unwrap(
        Effect.flatMap(Runs.Runs, (runs) => runs.awaitOutputs({ id }, { schedule: Schedule.spaced("50 millis") })).pipe(
          Effect.map(({ output, run }) => ({ status: run.status, output }))
        )
      ),
    getOutputs: (id) => unwrap(Effect.flatMap(Runs.Runs, (runs) => runs.getOutputs({ id }))),
    listAll: (until, limit) =>
      unwrap(
        Effect.flatMap(Runs.Runs, (runs) =>
          runs.list({ until, limit }, { prefetch: 3 }).pipe(
            Stream.runCollect,
            Effect.map((chunk) => Array.from(chunk))
          ))
      ),
    get: (id) => unwrap(Effect.flatMap(Runs.Runs, (runs) => runs.get({ id }))),
    notFound: (error) =>
      error instanceof RunsError.NotFound && error._tag === "NotFound" && error.status === 404
        ? true
        : `not a NotFound: ${describe(error)}`,
    getAborted: async (id, signal) => {
      const exit = await run(Effect.flatMap(Runs.Runs, (runs) => runs.get({ id })), signal)
      if (Exit.isSuccess(exit)) return `succeeded with run ${exit.value.id}`
      return Cause.isInterruptedOnly(exit.cause) ? "aborted" : `failed with ${Cause.pretty(exit.cause)}`
    },
    close: async () => {}
  }
}

interface LogEntry {
  readonly at: string
  readonly path: string
  readonly status: number | null
}

const admin = (target: Target) => {
  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    const response = await fetch(`${target.adminUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } })
    })
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
    const text = await response.text()
    return text === "" ? undefined : JSON.parse(text)
  }
  return {
    reset: async () => {
      await call("DELETE", "/faults")
      await call("DELETE", "/requests")
    },
    fault: (spec: Record<string, unknown>) => call("POST", "/faults", spec),
    faults: async (): Promise<ReadonlyArray<unknown>> => (await call("GET", "/faults")).faults,
    requests: async (path: string): Promise<ReadonlyArray<LogEntry>> =>
      ((await call("GET", "/requests")).requests as ReadonlyArray<LogEntry>).filter((entry) => entry.path === path)
  }
}

/** A check: resolves with what it saw when it passed, throws what went wrong when not. */
type Check = (client: Client, target: Target, shared: { runID?: string }) => Promise<string>

const expect = (condition: boolean, message: string): void => {
  if (!condition) throw new Error(message)
}

const checks: Record<CheckName, Check> = {
  "execute+await": async (client, _, shared) => {
    const id = await client.execute("hello_world", { name: "Ada" })
    shared.runID = id
    const { output, status } = await client.awaitOutputs(id)
    expect(status === "Succeeded", `run ${id} ended ${status}`)
    expect(
      JSON.stringify(output) === JSON.stringify({
        task: "hello_world",
        paramValues: { name: "Ada" },
        message: "Hello World finished"
      }),
      `awaitOutputs gave ${JSON.stringify(output)}`
    )
    return id
  },
  "outputs": async (client, _, shared) => {
    expect(shared.runID !== undefined, "no run was executed")
    const output = await client.getOutputs(shared.runID!)
    expect((output as any)?.paramValues?.name === "Ada", `getOutputs gave ${JSON.stringify(output)}`)
    return JSON.stringify(output)
  },
  "list pages": async (client, target) => {
    // 7 a page: the seeded runs span many pages, the last one short.
    const runs = await client.listAll(new Date(target.listUntil), 7)
    const ids = new Set(runs.map((run) => run.id))
    expect(runs.length === target.seededRuns, `${runs.length} runs listed, ${target.seededRuns} seeded`)
    expect(ids.size === runs.length, `${runs.length - ids.size} runs listed twice`)
    const pages = (await admin(target).requests("/v0/runs/list")).length
    expect(pages >= Math.ceil(target.seededRuns / 7), `only ${pages} pages asked for`)
    return `${runs.length} runs, ${pages} pages`
  },
  "not found": async (client) => {
    try {
      const run = await client.get("run_no_such_run")
      throw new Error(`resolved with ${run.id}`)
    } catch (error) {
      const typed = client.notFound(error)
      if (typed !== true) throw new Error(typed)
      return "typed NotFound"
    }
  },
  "503 retried": async (client, target, shared) => {
    await admin(target).fault({ route: "runs/get", kind: "status", status: 503, times: 1 })
    const run = await client.get(shared.runID!)
    expect(run.id === shared.runID, `got run ${run.id}`)
    const statuses = (await admin(target).requests("/v0/runs/get")).map((entry) => entry.status)
    expect(JSON.stringify(statuses) === "[503,200]", `the server answered ${JSON.stringify(statuses)}`)
    return "503, then 200"
  },
  "429 Retry-After": async (client, target, shared) => {
    await admin(target).fault({ route: "runs/get", kind: "status", status: 429, retryAfter: "1", times: 1 })
    const run = await client.get(shared.runID!)
    expect(run.id === shared.runID, `got run ${run.id}`)
    const entries = await admin(target).requests("/v0/runs/get")
    const statuses = entries.map((entry) => entry.status)
    expect(JSON.stringify(statuses) === "[429,200]", `the server answered ${JSON.stringify(statuses)}`)
    // The server's clock, both ends: the retry arrived no sooner than the 1 s it asked for.
    const waited = Date.parse(entries[1]!.at) - Date.parse(entries[0]!.at)
    expect(waited >= 1000, `retried ${waited} ms after a Retry-After of 1 s`)
    return `429, then 200 ${waited} ms later`
  },
  "abort": async (client, target, shared) => {
    // The answer would come, a success, 10 s later: only the abort can end the call before it.
    await admin(target).fault({ route: "runs/get", kind: "slow", delayMs: 10_000, times: 1 })
    const controller = new AbortController()
    const pending = client.getAborted(shared.runID!, controller.signal)
    // Aborted once the request has reached the server, so that it is a request in flight.
    for (let i = 0; i < 200; i++) {
      // A fault with `times` leaves the table once it has met its request.
      if ((await admin(target).faults()).length === 0) break
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    controller.abort(new Error("stopped by the compat check"))
    const outcome = await pending
    expect(outcome === "aborted", outcome)
    return "aborted in flight"
  }
}

/** Runs every check on one client. A check that throws fails alone; the others still run. */
export const runClient = async (name: ClientName, target: Target): Promise<Array<Result>> => {
  const results: Array<Result> = []
  const shared: { runID?: string } = {}
  let client: Client
  try {
    client = name === "facade" ? facadeClient(target) : coreClient(target)
  } catch (error) {
    return checkNames.map((check) => ({ client: name, check, ok: false, detail: `construct: ${describe(error)}` }))
  }
  for (const check of checkNames) {
    try {
      await admin(target).reset()
      const detail = await checks[check](client, target, shared)
      results.push({ client: name, check, ok: true, detail })
    } catch (error) {
      results.push({ client: name, check, ok: false, detail: describe(error) })
    }
  }
  await client.close().catch(() => undefined)
  return results
}

/**
 * Where the program runs, as the runtime itself says (`navigator.userAgent`, or Node 20's
 * `process.version`, or the edge runtime's `EdgeRuntime`): the orchestrator checks it, so a
 * harness that ran the program somewhere else than it claims cannot pass.
 */
export const agent = (): string => {
  const g = globalThis as any
  if (typeof g.EdgeRuntime === "string") return `EdgeRuntime ${g.EdgeRuntime}`
  if (typeof g.navigator?.userAgent === "string") return g.navigator.userAgent
  return typeof g.process?.version === "string" ? `Node.js ${g.process.version}` : "unknown"
}

export interface Report {
  readonly agent: string
  readonly results: ReadonlyArray<Result>
}

/** Both clients, one after the other (they share the server's fault table and request log). */
export const runAll = async (target: Target): Promise<Report> => ({
  agent: agent(),
  results: [...await runClient("facade", target), ...await runClient("core", target)]
})
