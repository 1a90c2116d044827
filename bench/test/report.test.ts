import { describe, expect, it } from "vitest"
import { overheadChart, paginationChart, type Results, table, targets, updateReadme, walkChart } from "../src/report.js"

const overhead = {
  rawFetchUs: 600,
  rawUndiciUs: 250,
  openapiFetchUs: 650,
  coreFetchUs: 1_000,
  coreUndiciUs: 550,
  promiseUs: 700,
  coreFacadeUndiciUs: 520,
  promiseFetchUs: 1_100
}

const measured: Omit<Results, "targets"> = {
  mode: "quick",
  date: "2026-11-28 14:00 UTC",
  machine: { node: "20.20.2", cpus: 2, cpu: "test" },
  overhead: { get: overhead, listPage: { ...overhead, coreFetchUs: 3_000 } },
  pagination: {
    sequentialMs: 2_600,
    prefetch0Ms: 2_700,
    prefetch1Ms: 1_400,
    prefetch4Ms: 700,
    prefetch8Ms: 500,
    pages: 100,
    runs: 4_990,
    latencyMs: 20,
    sameOrder: true
  },
  memory: { runs10kPeakMb: 100, runs100kPeakMb: 130 },
  bundle: {
    promiseGetKb: 200,
    coreGetKb: 190,
    openapiFetchKb: 3,
    promiseGetNodeKb: 380,
    floorGetKb: 135,
    httpApiClientGetKb: 159
  },
  coldStart: { promiseMs: 400, nodeMs: 80 },
  walk: {
    loopCpuMs: 700,
    loopWallMs: 1_800,
    loopPeakMb: 90,
    openapiFetchCpuMs: 750,
    openapiFetchWallMs: 1_850,
    openapiFetchPeakMb: 92,
    coreCpuMs: 2_450,
    coreWallMs: 3_600,
    corePeakMb: 175,
    facadeCpuMs: 1_000,
    facadeWallMs: 1_700,
    facadePeakMb: 110
  },
  walkLatency10: { loopWallMs: 6_700, facadeWallMs: 1_900 },
  startup: { nodeMs: 80, nodePeakMb: 41, facadeMs: 600, facadePeakMb: 91.5 },
  install: { facadeMb: 51.1 }
}
const results: Results = { ...measured, targets: targets(measured) }

describe("the bench's report", () => {
  it("measures the issue's targets as ratios, each against its limit", () => {
    const byName = Object.fromEntries(results.targets.map((t) => [t.name, t]))
    expect(byName["core get over fetch / raw fetch"]).toMatchObject({ ratio: 1.67, holds: false })
    expect(byName["core get over undici / raw fetch"]).toMatchObject({ ratio: 0.92, holds: true })
    expect(byName["core get over undici / raw undici"]).toMatchObject({ ratio: 2.2, holds: false })
    expect(byName["core list page over fetch / raw fetch"]).toMatchObject({ ratio: 5, holds: false })
    expect(byName["sequential loop / prefetch 8 (speed-up)"]).toMatchObject({ ratio: 5.2, holds: true })
    expect(byName["peak RSS 100k runs / 10k runs"]).toMatchObject({ ratio: 1.3, limit: "<= 1.1", holds: false })
    expect(byName["core list page over undici / raw undici"]).toMatchObject({ ratio: 2.2, holds: false })
  })

  it("measures the whole-process targets against the hand-written loop, and start-up over node -e", () => {
    const byName = Object.fromEntries(results.targets.map((t) => [t.name, t]))
    expect(byName["walk, facade / loop, CPU (whole process)"]).toMatchObject({ ratio: 1.43, holds: true })
    expect(byName["walk, facade / loop, wall (whole process)"]).toMatchObject({ ratio: 0.94, holds: true })
    expect(byName["walk, facade / loop, peak RSS (whole process)"]).toMatchObject({ ratio: 1.22, holds: true })
    expect(byName["walk, core / loop, CPU (whole process)"]).toMatchObject({ ratio: 3.5, holds: false })
    expect(byName["walk, core / loop, wall (whole process)"]).toMatchObject({ ratio: 2, holds: false })
    expect(byName["walk, core / loop, peak RSS (whole process)"]).toMatchObject({ ratio: 1.94, holds: false })
    expect(byName["walk, 10 ms latency, facade / sequential loop, wall (whole process)"]).toMatchObject({
      ratio: 0.28,
      holds: true
    })
    expect(byName["start-up, facade import + construct + close over node -e, wall"]).toMatchObject({
      ratio: 520,
      unit: "ms",
      limit: "<= 150 ms",
      holds: false
    })
    expect(byName["start-up, facade import + construct + close over node -e, peak RSS"]).toMatchObject({
      ratio: 50.5,
      unit: "MB",
      holds: true
    })
    expect(byName["bundle, facade get (browser), min+gz"]).toMatchObject({
      ratio: 200,
      limit: "<= 150 KB",
      holds: false
    })
    expect(byName["install, the facade alone, node_modules"]).toMatchObject({ ratio: 51.1, holds: false })
    expect(table(results)).toContain(
      "| start-up, facade import + construct + close over node -e, wall | 520 ms | <= 150 ms |"
    )
  })

  it("replaces only the results section of the README", () => {
    const readme =
      "# bench\n\nprose\n\n<!-- bench:results:start -->\nSTALE TABLE\n<!-- bench:results:end -->\n\nafter\n"
    const updated = updateReadme(readme, results)
    expect(updated.startsWith("# bench\n\nprose\n\n<!-- bench:results:start -->\n")).toBe(true)
    expect(updated.endsWith("<!-- bench:results:end -->\n\nafter\n")).toBe(true)
    expect(updated).not.toContain("STALE TABLE")
    expect(updated).toContain(table(results))
    expect(() => updateReadme("# no markers", results)).toThrow(/bench:results/)
  })

  it("draws both charts as SVG with every value on them", () => {
    const pagination = paginationChart(results)
    expect(pagination.startsWith("<svg")).toBe(true)
    for (const label of ["2,600 ms", "2,700 ms", "1,400 ms", "700 ms", "500 ms"]) expect(pagination).toContain(label)
    const bars = overheadChart(results)
    expect(bars.match(/<rect /g)?.length).toBe(1 + 2 * Object.keys(overhead).length)
    const walk = walkChart(results)
    expect(walk.match(/<rect /g)?.length).toBe(1 + 3 * 4)
    for (const label of ["2,450", "3,600", "175", "1,850"]) expect(walk).toContain(`>${label}</text>`)
  })
})
