/**
 * Child processes of the bench: running `node` on a file and timing it from spawn to exit,
 * and the report a measured child prints as it ends (its own CPU and peak RSS).
 */
import { spawn } from "node:child_process"

/**
 * Runs `node file args` with env (`file` may be `-e`, then `args[0]` is the script); answers
 * its stdout and its wall time from spawn to exit.
 */
export const runNode = (
  file: string,
  args: ReadonlyArray<string>,
  env: Record<string, string>
): Promise<{ readonly stdout: string; readonly ms: number }> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, [file, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"]
    })
    let stdout = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.once("error", reject)
    child.once("exit", (code) => {
      const ms = performance.now() - start
      if (code === 0) resolve({ stdout, ms })
      else reject(new Error(`bench: node ${file} exited with ${code}`))
    })
  })

/** What a measured child reports as it ends. */
export interface ExitReport {
  /** What it counted (runs walked), 0 when it counts nothing. */
  readonly count: number
  /** `process.cpuUsage()`, user + system, in ms: its whole life, module loading included. */
  readonly cpuMs: number
  /** `process.resourceUsage().maxRSS`, in MB. */
  readonly peakMb: number
}

/**
 * JavaScript statements that print a child's exit report as one line of JSON, `count` in scope:
 * the body of the `report(count)` of the packed children (written as `report.mjs`), and the
 * whole of the `node -e` start-up baseline, so both measure themselves the same way.
 */
export const reportSource = [
  "const cpu = process.cpuUsage();",
  "process.stdout.write(JSON.stringify({ count,",
  "cpuMs: (cpu.user + cpu.system) / 1000,",
  "peakMb: process.resourceUsage().maxRSS / 1024 }) + '\\n');"
].join(" ")

/** The exit report in a child's stdout: its last line. Throws when there is none. */
export const parseReport = (stdout: string): ExitReport => {
  const line = stdout.trim().split("\n").at(-1) ?? ""
  let report: unknown
  try {
    report = JSON.parse(line)
  } catch {
    throw new Error(`bench: a child printed no report: ${JSON.stringify(stdout.slice(-200))}`)
  }
  const { count, cpuMs, peakMb } = (report ?? {}) as Record<string, unknown>
  if (![count, cpuMs, peakMb].every((value) => typeof value === "number" && Number.isFinite(value))) {
    throw new Error(`bench: a child's report lacks count, cpuMs or peakMb: ${line}`)
  }
  return report as ExitReport
}
