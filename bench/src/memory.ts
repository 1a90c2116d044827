/**
 * Figure 3, memory: the peak RSS of a child process that streams the first 10,000, then the
 * first 100,000 runs of a list through core's `list` (default prefetch) and counts them,
 * keeping none. Bounded memory means the two peaks are close.
 */
import { entry, nodeBundle } from "./build.js"
import { runNode } from "./child.js"
import type { ServerInfo } from "./server.js"
import { median, round } from "./stats.js"

/** Against a server of at least 100,000 runs. */
export const measureMemory = async (
  server: ServerInfo,
  rounds: number,
  log: (line: string) => void
): Promise<{ readonly runs10kPeakMb: number; readonly runs100kPeakMb: number }> => {
  const file = await nodeBundle(entry("./children/memory.ts"))
  const env = { AIRPLANE_API_KEY: server.apiKey, AIRPLANE_API_HOST: server.url }
  const peak = async (runs: number) => {
    const samples: Array<number> = []
    for (let r = 0; r < rounds; r++) {
      const out = JSON.parse((await runNode(file, [String(runs)], env)).stdout) as {
        count: number
        peakRssMb: number
      }
      if (out.count !== runs) throw new Error(`bench: streamed ${out.count} runs, not ${runs}`)
      samples.push(out.peakRssMb)
    }
    return round(median(samples), 1)
  }
  const result = { runs10kPeakMb: await peak(10_000), runs100kPeakMb: await peak(100_000) }
  log(`  peak RSS: 10k runs ${result.runs10kPeakMb} MB, 100k runs ${result.runs100kPeakMb} MB`)
  return result
}
