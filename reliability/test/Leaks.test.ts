/**
 * Part 7, interruption and leaks: a child process makes calls aborted at random points, closes
 * its client and server, and must then end by itself; it reports the resources still active
 * and the heap before and after the counted round.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { afterAll, assert, it } from "vitest"
import { startServer } from "../src/Harness.js"
import { count, heavyTimeoutMs } from "../src/Settings.js"
import * as Tally from "../src/Tally.js"

const calls = count(100, 1_000)
// The child starts a TypeScript runtime of its own: seconds on a loaded CI machine.
const timeoutMs = Math.max(60_000, heavyTimeoutMs)
const tally = Tally.row("7 interruption and leaks")

afterAll(() => {
  Tally.write(tally)
})

// Handles of the child's own stdio, not of the client.
const stdio = new Set(["PipeWrap", "TTYWrap", "ProcessWrap"])
/** Heap growth allowed over the counted round: a fraction of what leaking every call would cost. */
const maxGrowthBytes = 8 * 1024 * 1024

interface Report {
  readonly calls: number
  readonly aborted: number
  readonly completed: number
  readonly failed: number
  readonly heapBefore: number
  readonly heapAfter: number
  readonly gc: boolean
  readonly resources: ReadonlyArray<string>
}

it(`${calls} calls aborted at random points leave nothing open; the process ends by itself`, async () => {
  await using server = await startServer({
    seed: { runs: 120 },
    lifecycle: { queueMs: 10, startMs: 10, runMs: 60_000 },
    // The log keeps one entry, its `seq` counting them all.
    logCapacity: 1,
    faults: [
      { kind: "slow", delayMs: 40, probability: 0.3 },
      { kind: "status", status: 503, probability: 0.1 },
      { kind: "status", status: 429, retryAfter: "1", probability: 0.05 },
      { kind: "reset", probability: 0.05 }
    ]
  })
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", "src/leakChild.ts"], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env: {
      ...process.env,
      LEAK_CALLS: String(calls),
      LEAK_URL: server.url,
      LEAK_IDS: server.store.list({ limit: 50 }).map((run) => run.id!).join(","),
      LEAK_SLUG: server.store.tasks[0]!.slug
    },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  let reportedAt = 0
  child.stdout.on("data", (chunk) => {
    stdout += chunk
    reportedAt = Date.now()
  })
  child.stderr.on("data", (chunk) => (stderr += chunk))
  // Time to do the work, then to end once it is done: a leaked handle keeps it alive.
  const ended = await new Promise<{ code: number | null; byItself: boolean; lingeredMs: number }>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      resolve({ code: null, byItself: false, lingeredMs: Date.now() - reportedAt })
    }, timeoutMs - 5_000)
    child.on("exit", (code) => {
      clearTimeout(timer)
      resolve({ code, byItself: true, lingeredMs: Date.now() - reportedAt })
    })
  })
  const line = stdout.trim().split("\n").at(-1) ?? ""
  assert.isTrue(line.startsWith("{"), `the child reported nothing: ${stderr.slice(0, 2_000)}`)
  const report = JSON.parse(line) as Report
  const leaked = report.resources.filter((name) => !stdio.has(name))
  const growth = report.heapAfter - report.heapBefore
  const requests = server.requestLog.entries().at(-1)?.seq ?? 0
  tally.tried += report.calls
  tally.failedAsExpected += report.aborted
  tally.survived += report.completed
  tally.unexpected += report.failed
  tally.leaked = leaked.length + (ended.byItself ? 0 : 1)
  tally.notes.push(
    `${report.calls} calls (half facade with an AbortSignal, half core with a fiber interrupt), ${requests} requests in all (warm-up round included)`,
    `${report.aborted} aborted, ${report.completed} done first, ${report.failed} failed otherwise`,
    `active resources at the end, the server still up: [${
      report.resources.join(", ")
    }]; exited by itself: ${ended.byItself}, ${ended.lingeredMs} ms after its report`,
    `heap ${(report.heapBefore / 1e6).toFixed(1)} MB -> ${
      (report.heapAfter / 1e6).toFixed(1)
    } MB over the counted round (gc: ${report.gc})`
  )
  assert.isTrue(ended.byItself, `the child did not end by itself; resources: ${report.resources.join(", ")}`)
  assert.strictEqual(ended.code, 0, stderr.slice(0, 2_000))
  assert.deepStrictEqual(leaked, [])
  assert.isTrue(report.gc)
  assert.isBelow(growth, maxGrowthBytes, `heap grew by ${growth} bytes`)
  assert.isAbove(report.aborted, 0)
}, timeoutMs)
