/**
 * The orchestrator: builds the entries, starts one embedded server per runtime (on Node, on an
 * ephemeral 127.0.0.1 port, so that runtimes running side by side do not share a fault table
 * or a request log), runs each runtime's entry against it, and gathers a matrix of
 * runtime x client x check. Everything it starts is stopped before it answers.
 */
import { RunsServer } from "@airplane-runs/server"
import { buildEntries, type EntryName } from "./build.js"
import { checkNames, clientNames, type Result, type Target } from "./checks.js"
import { chromiumVersion, type Runtime, runtimes } from "./runtimes.js"

export interface RuntimeReport {
  readonly runtime: string
  /** The runtime's version, when it ran. */
  readonly version?: string
  /** Where the program found itself running. */
  readonly agent?: string
  /** Why it did not run: not installed here, or it failed before any result. */
  readonly missing?: string
  readonly error?: string
  readonly results: ReadonlyArray<Result>
}

// Seeded runs are created up to this time, and all have finished within the half hour after
// it: listing up to an hour later finds exactly them, never a run a check executed.
const seedUntil = new Date("2026-01-01T00:00:00Z")
const listUntil = new Date(seedUntil.getTime() + 3_600_000)

const runOne = async (runtime: Runtime, paths: Record<EntryName, string>): Promise<RuntimeReport> => {
  const found = runtime.find()
  if ("missing" in found) return { runtime: runtime.name, missing: found.missing, results: [] }
  const version = runtime.name === "chromium"
    ? (await chromiumVersion()).replace(/ built on .*$/, "")
    : found.version
  const server = await RunsServer.start({
    seed: { seed: 16, runs: 40, tasks: 3, days: 2, until: seedUntil },
    // A started run finishes quickly: the checks wait for one.
    lifecycle: { queueMs: 10, startMs: 10, runMs: 50 }
  })
  try {
    const target: Target = {
      apiHost: server.url,
      apiKey: server.apiKey,
      adminUrl: `${server.url}/_admin`,
      listUntil: listUntil.toISOString(),
      seededRuns: server.store.all({ until: listUntil }).length
    }
    const { agent, results } = await found.run(paths[runtime.entry], target, { apiKey: server.apiKey })
    if (!runtime.agent.test(agent)) {
      return {
        runtime: runtime.name,
        version,
        agent,
        error: `the program ran on "${agent}", not ${runtime.name}`,
        results
      }
    }
    return { runtime: runtime.name, version, agent, results }
  } catch (error) {
    return {
      runtime: runtime.name,
      version,
      error: error instanceof Error ? error.message : String(error),
      results: []
    }
  } finally {
    await server.stop()
  }
}

/** Runs every runtime (or those named), two at a time. */
export const runMatrix = async (only?: ReadonlyArray<string>): Promise<Array<RuntimeReport>> => {
  const paths = await buildEntries()
  const selected = runtimes.filter((runtime) => only === undefined || only.length === 0 || only.includes(runtime.name))
  const reports: Array<RuntimeReport> = new Array(selected.length)
  let next = 0
  const worker = async () => {
    while (next < selected.length) {
      const index = next++
      reports[index] = await runOne(selected[index]!, paths)
    }
  }
  await Promise.all([worker(), worker()])
  return reports
}

/** The status of one cell: "pass", "FAIL", or "-" when the runtime did not run. */
export const cell = (report: RuntimeReport, client: string, check: string): "pass" | "FAIL" | "-" => {
  if (report.missing !== undefined) return "-"
  if (report.error !== undefined) return "FAIL"
  const result = report.results.find((r) => r.client === client && r.check === check)
  return result?.ok === true ? "pass" : "FAIL"
}

/** The matrix as a Markdown table: a row per runtime and client, a column per check. */
export const table = (reports: ReadonlyArray<RuntimeReport>): string => {
  const header = `| runtime | client | ${checkNames.join(" | ")} |`
  const rule = `| --- | --- | ${checkNames.map(() => "---").join(" | ")} |`
  const rows = reports.flatMap((report) =>
    clientNames.map((client) =>
      `| ${report.runtime}${report.version === undefined ? "" : ` (${report.version})`} | ${client} | ${
        checkNames.map((check) => cell(report, client, check)).join(" | ")
      } |`
    )
  )
  return [header, rule, ...rows].join("\n")
}

/** The cells that passed, runtime by runtime, as `client/check`: the form of expected.json. */
export const passing = (reports: ReadonlyArray<RuntimeReport>): Record<string, Array<string>> =>
  Object.fromEntries(
    reports.filter((report) => report.missing === undefined).map((report) => [
      report.runtime,
      clientNames.flatMap((client) =>
        checkNames.filter((check) => cell(report, client, check) === "pass").map((check) => `${client}/${check}`)
      )
    ])
  )

/** What went wrong, runtime by runtime: a missing runtime's reason, each failed check's detail. */
export const problems = (reports: ReadonlyArray<RuntimeReport>): Array<string> =>
  reports.flatMap((report) => {
    if (report.missing !== undefined) return [`${report.runtime}: NOT RUN: ${report.missing}`]
    if (report.error !== undefined) return [`${report.runtime}: ${report.error}`]
    return report.results.filter((r) => !r.ok).map((r) => `${report.runtime} ${r.client} ${r.check}: ${r.detail}`)
  })
