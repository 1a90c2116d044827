/**
 * The compatibility suite, as `pnpm test:all` runs it: every runtime of the matrix that
 * installs here, against the embedded server. It prints the matrix, and fails when a cell that
 * expected.json records as passing on this platform (os-arch) no longer passes, or its runtime
 * no longer runs. A runtime
 * or a cell that is not recorded only warns, loudly; `UPDATE_COMPAT_BASELINE=1` records the
 * matrix as measured (after a fix, or a runtime that now installs).
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync, writeFileSync } from "node:fs"
import { mkdir } from "node:fs/promises"
import { sizes } from "../src/build.js"
import { passing, problems, runMatrix, table } from "../src/matrix.js"

const baselinePath = new URL("../expected.json", import.meta.url)
const matrixPath = new URL("../build/matrix.md", import.meta.url)

describe("compat", () => {
  it("runs the checks on every runtime, and each cell that passed before still passes", async () => {
    const reports = await runMatrix()
    const matrix = table(reports)
    const found = problems(reports)
    await mkdir(new URL("../build", import.meta.url), { recursive: true })
    writeFileSync(matrixPath, `${matrix}\n\n${found.join("\n")}\n`)
    console.log(`\n${matrix}\n`)
    if (found.length > 0) console.warn(`\n!!! ${found.join("\n!!! ")}\n`)

    const now = passing(reports)
    // Per platform: the runtimes' binaries are Linux x64 packages, which another platform skips.
    const platform = `${process.platform}-${process.arch}`
    const baselines: Record<string, Record<string, Array<string>>> = JSON.parse(readFileSync(baselinePath, "utf8"))
    if (process.env["UPDATE_COMPAT_BASELINE"] === "1") {
      writeFileSync(baselinePath, `${JSON.stringify({ ...baselines, [platform]: now }, null, 2)}\n`)
      baselines[platform] = now
    }
    const baseline = baselines[platform] ?? {}
    if (baselines[platform] === undefined) {
      console.warn(`\n!!! expected.json has no baseline for ${platform}: nothing here can regress yet\n`)
    }
    const lost: Array<string> = []
    for (const [runtime, cells] of Object.entries(baseline)) {
      const report = reports.find((r) => r.runtime === runtime)
      if (report === undefined || report.missing !== undefined) {
        lost.push(`${runtime}: passed before, and did not run: ${report?.missing ?? "not in the matrix"}`)
        continue
      }
      for (const cell of cells) {
        if (!now[runtime]!.includes(cell)) lost.push(`${runtime} ${cell}: passed before, fails now`)
      }
    }
    const gained = Object.entries(now).flatMap(([runtime, cells]) =>
      cells.filter((cell) => !(baseline[runtime] ?? []).includes(cell)).map((cell) => `${runtime} ${cell}`)
    )
    if (gained.length > 0) {
      console.warn(
        `\n!!! passing, and not in expected.json (UPDATE_COMPAT_BASELINE=1 records them): ${gained.join(", ")}\n`
      )
    }
    assert.deepStrictEqual(lost, [], found.join("\n"))
  }, 300_000)

  it("measures the bundle of each runtime's entry, minified and gzipped", async () => {
    const measured = await sizes()
    console.log(measured.map((s) => `${s.entry} ${s.client}: ${(s.gzipped / 1024).toFixed(1)} KB min+gz`).join("\n"))
    // The facade's transport as each runtime resolves it: undici on Node, fetch on the others,
    // so that Bun, Deno, a Worker, an edge function or a page never load undici.
    assert.deepStrictEqual(
      measured.filter((s) => s.importsUndici).map((s) => `${s.entry} ${s.client}`),
      ["node facade"]
    )
  }, 120_000)
})
