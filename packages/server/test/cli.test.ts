import { RunsServer, RunStore } from "@airplane-runs/server"
import { assert, describe, it } from "@effect/vitest"
import * as Cli from "../src/Cli.js"

describe("Cli.parse", () => {
  it("defaults to port 4010 and the default seed, its window ending at the start", () => {
    const parsed = Cli.parse([])
    assert.strictEqual(parsed._tag, "Serve")
    if (parsed._tag !== "Serve") return
    assert.strictEqual(parsed.options.port, 4010)
    assert.deepStrictEqual(parsed.options.seed, { ...RunStore.defaultSeed, until: undefined })
    assert.isUndefined(parsed.options.timestamps)
    assert.isUndefined(parsed.options.clock)
  })

  it("reads --days, --until, --timestamps and the rest", () => {
    const parsed = Cli.parse([
      "--days",
      "7",
      "--until",
      "2026-01-01T00:00:00Z",
      "--timestamps",
      "postgres",
      "--runs",
      "50",
      "--key",
      "tkn_a",
      "--key",
      "tkn_b",
      "--clock",
      "manual"
    ])
    assert.deepStrictEqual(parsed, {
      _tag: "Serve",
      options: {
        port: 4010,
        host: "127.0.0.1",
        apiKeys: ["tkn_a", "tkn_b"],
        seed: { seed: 42, tasks: 5, runs: 50, days: 7, until: new Date("2026-01-01T00:00:00Z") },
        timestamps: "postgres",
        latencyMs: 0,
        clock: "manual"
      }
    })
    assert.deepStrictEqual(Cli.parse(["-h"]), { _tag: "Help" })
  })

  it("refuses what it cannot use, saying why", () => {
    const cases: ReadonlyArray<[ReadonlyArray<string>, string]> = [
      [["--days", "0"], "--days takes a whole number of 1 or more, got \"0\""],
      [["--days", "1.5"], "--days takes a whole number of 1 or more, got \"1.5\""],
      [["--runs", "many"], "--runs takes a whole number of 0 or more, got \"many\""],
      [["--until", "yesterday"], "--until takes a time such as 2026-01-01T00:00:00Z, got \"yesterday\""],
      [["--timestamps", "iso"], "--timestamps takes \"mixed\", \"postgres\", \"rfc3339\", got \"iso\""],
      [["--clock", "slow"], "--clock takes \"effect\", \"manual\", got \"slow\""],
      [["--bogus"], "Unknown option '--bogus'"]
    ]
    for (const [args, says] of cases) {
      const parsed = Cli.parse(args)
      assert.strictEqual(parsed._tag, "Invalid", args.join(" "))
      if (parsed._tag === "Invalid") assert.include(parsed.message, says, args.join(" "))
    }
  })
})

describe("Cli.banner", () => {
  it("says where the server listens, and the window and the form of the data it serves", async () => {
    const parsed = Cli.parse(["--port", "0", "--days", "7", "--until", "2026-01-01T00:00:00Z", "--runs", "50"])
    if (parsed._tag !== "Serve") return assert.fail(parsed._tag)
    await using server = await RunsServer.start(parsed.options)
    const banner = Cli.banner(server, parsed.options)
    assert.include(banner, `listening on ${server.url}`)
    assert.include(banner, "Data         50 runs of 5 tasks (hello_world, send_invoice, sync_users, nightly_report")
    // pinned in the past: no run is still going
    assert.include(banner, "created 2025-12-25 00:00 UTC to 2026-01-01 00:00 UTC (7 days)\n")
    assert.include(banner, "Timestamps   RFC 3339, a quarter of the seeded runs in Postgres text")
    assert.include(banner, `curl -s -H 'X-Airplane-API-Key: ${server.apiKey}' '${server.apiUrl}/runs/list?limit=2'`)
  })
})
