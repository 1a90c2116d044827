/**
 * Part 1, the fault matrix: every operation, under every fault kind, through core and through
 * the Promise facade. The fault hits the first attempt; the request log counts the attempts.
 * Cases run side by side, each against its own server.
 */
import { RunsError } from "@airplane-runs/core"
import { AirplaneRunsError } from "@airplane-runs/promise"
import type { RunsServer } from "@airplane-runs/server"
import { afterAll, assert, describe, it } from "vitest"
import { cases, clientSettings, type FaultCase, type Operation, operations, paths, routes } from "../src/Cases.js"
import { describeError, errorClass } from "../src/Facade.js"
import { callCore, callFacade, fastRetry, type Result, startServer, type Target, targetOf } from "../src/Harness.js"
import * as Secrets from "../src/Secrets.js"
import { clockGranularityMs } from "../src/Settings.js"
import * as Tally from "../src/Tally.js"

const tally = Tally.row("1 fault matrix")
let minRetryAfterMarginMs = Number.POSITIVE_INFINITY

afterAll(() => {
  tally.notes.push(
    `${operations.length} operations x ${cases.length} faults x 2 clients`,
    `least margin over a Retry-After: ${minRetryAfterMarginMs} ms`
  )
  Tally.write(tally)
  assert.deepStrictEqual(Secrets.watch.leaks.slice(0, 3), [])
})

const clients = {
  core: (server: RunsServer.RunningServer, operation: Operation, target: Target) =>
    callCore(server, operation, target, {
      retry: fastRetry(clientSettings.maxAttempts),
      attemptTimeout: clientSettings.attemptTimeoutMs,
      maxResponseBytes: clientSettings.maxResponseBytes
    }),
  facade: (server: RunsServer.RunningServer, operation: Operation, target: Target) =>
    callFacade(server, operation, target, {
      maxRetries: clientSettings.maxAttempts - 1,
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
      timeoutMs: clientSettings.attemptTimeoutMs,
      maxResponseBytes: clientSettings.maxResponseBytes
    })
}

/** Checks that a successful call answered what the server holds; counts lost and doubled runs. */
const checkValue = (server: RunsServer.RunningServer, operation: Operation, target: Target, value: unknown) => {
  switch (operation) {
    case "get":
      return assert.strictEqual((value as { id: string }).id, target.id)
    case "getOutputs":
      return assert.deepStrictEqual(value, server.store.outputs(target.id))
    case "cancel":
      if (server.store.get(target.runID)?.status !== "Cancelled") tally.lost++
      return assert.strictEqual(server.store.get(target.runID)?.status, "Cancelled", "the run was cancelled")
    case "list": {
      const ids = (value as ReadonlyArray<{ id: string }>).map((run) => run.id)
      const expected = server.store.size()
      tally.lost += Math.max(0, expected - new Set(ids).size)
      tally.duplicated += ids.length - new Set(ids).size
      return assert.strictEqual(new Set(ids).size, ids.length) ?? assert.strictEqual(ids.length, expected)
    }
    case "execute":
      return assert.isDefined(server.store.get(value as string))
  }
}

const runCase = async (
  server: RunsServer.RunningServer,
  client: keyof typeof clients,
  operation: Operation,
  faultCase: FaultCase
) => {
  server.faults.clear()
  server.requestLog.clear()
  const target = targetOf(server)
  const runsBefore = server.store.size()
  const fault = faultCase.fault(Date.now())
  server.faults.add({ ...fault, route: routes[operation], times: 1 })
  tally.tried++
  const result: Result = await clients[client](server, operation, target)
  const answered = server.requestLog.entries().filter((entry) => entry.path === paths[operation])
  // The server logs what it answered: an attempt the client gave up on (a `slow` fault past the
  // attempt timeout) shows as the fault taken, and gone from the list.
  const abandoned = fault.kind === "slow" && server.faults.list().length === 0 ? 1 : 0
  const attempts = { length: answered.length + abandoned }
  const expected = faultCase.expect(operation)
  const seen = result.ok ? "success" : describeError(result.error)
  if (expected._tag === "Success") {
    assert.isTrue(result.ok, `expected success after ${expected.attempts} attempts, got ${seen}`)
    // An empty 200 is cancel's documented success, even one a proxy made up: nothing to check.
    if (!(operation === "cancel" && fault.kind === "empty")) {
      checkValue(server, operation, target, (result as { value: unknown }).value)
    }
  } else {
    assert.isFalse(result.ok, `expected ${expected.error}, got a success`)
    const error = (result as { error: unknown }).error
    if (client === "core") {
      assert.isTrue(RunsError.isRunsError(error), `expected a RunsError, got ${seen}`)
      assert.strictEqual((error as RunsError.RunsError)._tag, expected.error, seen)
    } else {
      assert.instanceOf(error, errorClass[expected.error], seen)
      assert.instanceOf(error, AirplaneRunsError)
    }
  }
  const [min, max] = typeof expected.attempts === "number" ? [expected.attempts, expected.attempts] : expected.attempts
  assert.isTrue(
    attempts.length >= min && attempts.length <= max,
    `${attempts.length} attempts logged, expected ${expected.attempts} (outcome: ${seen})`
  )
  // A POST is sent with one Idempotency-Key for all its attempts.
  if (operation === "cancel" || operation === "execute") {
    assert.strictEqual(new Set(answered.map((entry) => entry.headers["idempotency-key"])).size, 1)
  }
  if (operation === "execute") {
    const created = server.store.size() - runsBefore
    // A fault that answers in place of the API starts no run; one that lets the API act
    // starts exactly one, however many attempts there were.
    if (result.ok && created === 0) tally.lost++
    if (created > 1) tally.duplicated += created - 1
    assert.isAtMost(created, 1, "runs started")
    if (result.ok) assert.strictEqual(created, 1, "runs started")
  }
  if (faultCase.notBefore !== undefined && answered.length >= 2) {
    const [first, second] = [Date.parse(answered[0]!.at), Date.parse(answered[1]!.at)]
    const notBefore = faultCase.notBefore(first, fault)
    minRetryAfterMarginMs = Math.min(minRetryAfterMarginMs, second - notBefore)
    assert.isAtLeast(second, notBefore - clockGranularityMs, "the retry waited out Retry-After")
  }
  if (expected._tag === "Success") tally.survived++
  else tally.failedAsExpected++
}

// One server per client and operation, its cases one after the other (a fault is for the
// next request to the route); the ten groups run side by side.
for (const client of ["core", "facade"] as const) {
  describe(`through ${client}`, () => {
    for (const operation of operations) {
      it.concurrent(`${operation}: every fault kind`, async () => {
        await using server = await startServer()
        const failures: Array<string> = []
        for (const faultCase of cases) {
          try {
            await runCase(server, client, operation, faultCase)
          } catch (error) {
            tally.unexpected++
            failures.push(`${faultCase.name}: ${error instanceof Error ? error.message : String(error)}`)
          }
        }
        assert.deepStrictEqual(failures, [])
      })
    }
  })
}
