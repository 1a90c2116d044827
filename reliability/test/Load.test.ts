/**
 * Part 2, load: many calls at once against a server that rate-limits with 429 + Retry-After
 * (a token bucket). Every call must succeed, no retry may be sent before its Retry-After, and
 * the total time is set against the ideal, calls / rate.
 */
import { RetryPolicy, Runs } from "@airplane-runs/core"
import type { RequestLog } from "@airplane-runs/server"
import { FetchHttpClient } from "@effect/platform"
import { Effect } from "effect"
import { afterAll, assert, it } from "vitest"
import { allIds, startServer } from "../src/Harness.js"
import * as Secrets from "../src/Secrets.js"
import { clockGranularityMs, count, heavyTimeoutMs, secretKey } from "../src/Settings.js"
import * as Tally from "../src/Tally.js"

const calls = count(100, 2_000)
const concurrency = count(50, 200)
/** Requests per second the server lets through: well below what client and server manage. */
const rate = count(50, 100)
/** Requests the bucket holds: a tenth of a second's worth, so the limit bites from the start. */
const burst = Math.max(1, Math.round(rate / 10))

const tally = Tally.row("2 load")

afterAll(() => {
  Tally.write(tally)
  assert.deepStrictEqual(Secrets.watch.leaks, [])
})

it(`${calls} calls at concurrency ${concurrency} against a limit of ${rate}/s`, async () => {
  await using server = await startServer({
    seed: { runs: calls },
    logCapacity: calls * 20,
    faults: [{ route: "runs/get", kind: "rateLimit", rate, burst }]
  })
  const ids = allIds(server)
  assert.strictEqual(ids.length, calls)
  const started = Date.now()
  const results = await Effect.runPromise(
    Effect.gen(function*() {
      const runs = yield* Runs.make({
        apiKey: secretKey,
        host: server.url,
        // Enough attempts to outlast the crowd: a call may lose the race for tokens a few times.
        retry: RetryPolicy.make({ maxAttempts: 50 })
      })
      return yield* Effect.forEach(
        ids,
        (id) => Effect.either(runs.get({ id })),
        { concurrency }
      )
    }).pipe(Effect.provide(FetchHttpClient.layer), Effect.provide(Secrets.layer))
  )
  const elapsedMs = Date.now() - started
  tally.tried += calls
  results.forEach((result, i) => {
    if (result._tag === "Right" && result.right.id === ids[i]) tally.survived++
    else {
      tally.unexpected++
      tally.lost++
      if (result._tag === "Left") Secrets.scan("load error", result.left)
    }
  })

  // Per call (one run id each), its requests in order: each after a 429 must come at least the
  // Retry-After later. With a rate above 1/s the bucket refills within a second, so every 429
  // says `Retry-After: 1`.
  const byId = new Map<string, Array<RequestLog.Entry>>()
  for (const entry of server.requestLog.entries()) {
    const list = byId.get(entry.query.id!) ?? []
    list.push(entry)
    byId.set(entry.query.id!, list)
  }
  let limited = 0
  let early = 0
  let minGap = Number.POSITIVE_INFINITY
  for (const entries of byId.values()) {
    entries.sort((a, b) => a.seq - b.seq)
    for (let i = 0; i + 1 < entries.length; i++) {
      if (entries[i]!.status !== 429) continue
      limited++
      const gap = Date.parse(entries[i + 1]!.at) - Date.parse(entries[i]!.at)
      minGap = Math.min(minGap, gap)
      if (gap < 1000 - clockGranularityMs) early++
    }
  }
  const attempts = server.requestLog.entries().length
  const idealMs = (calls / rate) * 1000
  tally.notes.push(
    `${calls} calls, concurrency ${concurrency}, limit ${rate}/s: ${attempts} requests, ${limited} answered 429`,
    `total ${(elapsedMs / 1000).toFixed(2)} s vs ideal ${(idealMs / 1000).toFixed(2)} s (calls / rate), x${
      (elapsedMs / idealMs).toFixed(2)
    }`,
    `shortest wait after a 429: ${minGap} ms (Retry-After 1 s); retries sent early: ${early}`
  )
  assert.strictEqual(tally.survived, calls, "every call succeeded")
  assert.isAbove(limited, 0, "the limit was hit")
  assert.strictEqual(early, 0, `no retry before its Retry-After (shortest wait ${minGap} ms)`)
  assert.strictEqual(byId.size, calls)
}, heavyTimeoutMs)
