import { assert, describe, it } from "@effect/vitest"
import * as cli from "../../cli.js"

describe("cli example", () => {
  it("lists every run to a file, waits for one, watches one and cancels two, each command exiting 0", async () => {
    await using session = await cli.main()
    assert.deepStrictEqual(session.exitCodes, [0, 0, 0, 0, 0, 0, 0, 0])
    assert.strictEqual(session.listed, 5_000, "every seeded run: the clock stands still while the walk runs")
    assert.strictEqual(session.server.store.get(session.waited)!.status, "Succeeded")
    assert.strictEqual(session.server.store.get(session.watched)!.status, "Succeeded")
    for (const id of session.cancelled) assert.strictEqual(session.server.store.get(id)!.status, "Cancelled")
  }, 60_000)
})
