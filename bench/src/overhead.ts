/**
 * Figure 1, CPU per call: process.cpuUsage (user + system) of this process, where only the
 * client runs (the server has a process of its own), over `iterations` sequential calls,
 * after a warm-up; the median of `rounds` rounds. The subjects take turns within a round,
 * in a rotating order, so that a noisy moment on the machine spreads over all of them.
 */
import * as Clients from "./clients.js"
import type { ServerInfo } from "./server.js"
import { median, round } from "./stats.js"

export interface OverheadOptions {
  readonly rounds: number
  readonly getIterations: number
  readonly listIterations: number
  readonly warmup: number
}

export type PerSubject = Record<string, number>

const cpuMicros = async (f: () => Promise<void>): Promise<number> => {
  const start = process.cpuUsage()
  await f()
  const used = process.cpuUsage(start)
  return used.user + used.system
}

/** The newest run of the server. */
export const someRunId = async (server: ServerInfo): Promise<string> => {
  const first = await fetch(`${server.apiUrl}/runs/list?limit=1`, { headers: { "x-airplane-api-key": server.apiKey } })
  return ((await first.json()) as { runs: Array<{ id: string }> }).runs[0].id
}

/** Against a server of at least 50 runs, without latency. */
export const measureOverhead = async (
  server: ServerInfo,
  options: OverheadOptions,
  log: (line: string) => void
): Promise<{ readonly get: PerSubject; readonly listPage: PerSubject }> => {
  const limit = 50
  const subjects = Clients.all({ server, runId: await someRunId(server), limit })
  const results = { get: {} as PerSubject, listPage: {} as PerSubject }
  for (const op of ["get", "listPage"] as const) {
    const iterations = op === "get" ? options.getIterations : options.listIterations
    // A list page costs a few times a get: warm it up for as long, not as many times.
    const warmup = op === "get" ? options.warmup : Math.ceil(options.warmup / 3)
    for (const subject of subjects) await subject[op](warmup)
    const samples = new Map<string, Array<number>>(subjects.map((s) => [s.name, []]))
    for (let r = 0; r < options.rounds; r++) {
      for (let k = 0; k < subjects.length; k++) {
        const subject = subjects[(k + r) % subjects.length]
        samples.get(subject.name)!.push((await cpuMicros(() => subject[op](iterations))) / iterations)
      }
    }
    for (const [name, values] of samples) results[op][name] = round(median(values))
    log(`  ${op}: ${subjects.map((s) => `${s.name} ${results[op][s.name]} us`).join(", ")}`)
  }
  for (const subject of subjects) await subject.close()
  return results
}
