/**
 * Figure 6, the walk as a user feels it: every one of 20,000 runs (400 pages of 50) listed by a
 * fresh `node` process on a child of the packed packages (`src/children/packed`), the embedded
 * server in a process of its own on loopback. The hand-written `fetch` loop, openapi-fetch,
 * core's `Stream.runCount` of `list` and the facade's `for await`, the last two with their
 * default prefetch. Each child reports its CPU (module loading included) and peak RSS; its
 * wall time runs from spawn to exit. Every walk must count exactly the 20,000 runs. The
 * walkers take turns within a round, in a rotating order; the figures are the medians.
 */
import { join } from "node:path"
import { type ExitReport, parseReport, runNode } from "./child.js"
import type { ServerInfo } from "./server.js"
import { medians, msAndMb } from "./stats.js"

export const walkRuns = 20_000
export const walkLimit = 50

export const walkers = ["loop", "openapiFetch", "core", "facade"] as const
export type Walker = (typeof walkers)[number]
export type WalkFigure = "CpuMs" | "WallMs" | "PeakMb"

/** The figures of a walk, keyed as in the results: `loopCpuMs`, `facadePeakMb`, ... */
export type WalkFigures<W extends Walker> = Record<`${W}${WalkFigure}`, number>

/** A child's report and wall time as the figures' keys of its walker. */
export const walkSample = <W extends Walker>(walker: W, report: ExitReport, wallMs: number): WalkFigures<W> =>
  ({
    [`${walker}CpuMs`]: report.cpuMs,
    [`${walker}WallMs`]: wallMs,
    [`${walker}PeakMb`]: report.peakMb
  }) as WalkFigures<W>

/** Against a server of exactly `walkRuns` runs; `children` is the project of `installPacked`. */
export const measureWalk = async <W extends Walker>(
  children: string,
  server: ServerInfo,
  who: ReadonlyArray<W>,
  rounds: number,
  log: (line: string) => void
): Promise<WalkFigures<W>> => {
  const env = { AIRPLANE_API_KEY: server.apiKey, AIRPLANE_API_HOST: server.url, BENCH_API_URL: server.apiUrl }
  const samples: Array<WalkFigures<W>> = []
  for (let r = 0; r < rounds; r++) {
    const sample = {} as WalkFigures<W>
    for (let k = 0; k < who.length; k++) {
      const walker = who[(k + r) % who.length]
      const { ms, stdout } = await runNode(join(children, `${walker}.mjs`), [String(walkLimit)], env)
      const report = parseReport(stdout)
      if (report.count !== walkRuns) throw new Error(`bench: ${walker} walked ${report.count} runs, not ${walkRuns}`)
      Object.assign(sample, walkSample(walker, report, ms))
    }
    samples.push(sample)
  }
  const keys = who.flatMap((walker) => (["CpuMs", "WallMs", "PeakMb"] as const).map((f) => `${walker}${f}` as const))
  const result = medians(samples, keys, msAndMb) as WalkFigures<W>
  log(
    `  ${
      who.map((w) => {
        const f = result as Record<string, number>
        return `${w} ${f[`${w}CpuMs`]} ms CPU, ${f[`${w}WallMs`]} ms wall, ${f[`${w}PeakMb`]} MB`
      }).join("; ")
    }`
  )
  return result
}
