/**
 * `runs list` over many runs as a child process under a capped heap: NDJSON streams, so the
 * CLI's memory holds a page, not the listing. A slow suite (`pnpm test:all`): 15,000 runs seeded
 * and listed take seconds.
 */
import { RunsServer } from "@airplane-runs/server"
import { assert, describe, it } from "@effect/vitest"
import { cli } from "../utils/cli.js"

describe("runs list, many runs", () => {
  // 15,000 runs held at once would take some 40 MB of heap on top of the CLI's own 25 or so: under
  // a heap capped at 48 MB, a listing that kept them would die, one that streams them does not.
  it("NDJSON streams in bounded memory: 15,000 runs under a 48 MB heap", async () => {
    const many = await RunsServer.start({ seed: { runs: 15_000, days: 60, until: new Date("2026-01-01T00:00:00Z") } })
    try {
      const result = await cli(["runs", "list", "-o", "ndjson"], { target: many, node: ["--max-old-space-size=48"] })
      assert.strictEqual(result.code, 0, result.stderr.slice(0, 500))
      const ids = result.stdout.trimEnd().split("\n").map((line) => JSON.parse(line).id)
      assert.strictEqual(ids.length, 15_000)
      assert.strictEqual(ids[14_999], many.store.all().at(-1)!.id)
    } finally {
      await many.stop()
    }
  })
})
