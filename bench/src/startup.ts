/**
 * Figure 4, bundle size: esbuild, minified and gzipped, of a file that makes one `get` with
 * the Promise facade, with core's `Runs` and FetchHttpClient, and with the openapi-fetch
 * peer, bundled for the browser (where size counts; the facade then uses fetch), and the
 * facade once more for Node (undici included).
 *
 * Figure 5, cold start: the wall time of a child process (a Node bundle of the facade's
 * file) from spawn to exit, one `get` made; against the same for an empty script.
 *
 * Figure 7, start-up of the packed facade, whole process: a child of the installed tarballs
 * (`src/children/packed/facadeStartup.mjs`) that imports the facade, constructs a client and
 * awaits its `close()`, against `node -e` of nothing but the exit report; wall from spawn to
 * exit and peak RSS of each, taking turns.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { entry, gzippedKb, nodeBundle } from "./build.js"
import { parseReport, reportSource, runNode } from "./child.js"
import { someRunId } from "./overhead.js"
import type { ServerInfo } from "./server.js"
import { median, medians, msAndMb, round } from "./stats.js"

export const measureBundles = async (log: (line: string) => void) => {
  const result = {
    promiseGetKb: round(await gzippedKb(entry("./bundle/promiseGet.ts"), "browser"), 1),
    coreGetKb: round(await gzippedKb(entry("./bundle/coreGet.ts"), "browser"), 1),
    openapiFetchKb: round(await gzippedKb(entry("./bundle/openapiFetchGet.ts"), "browser"), 1),
    promiseGetNodeKb: round(await gzippedKb(entry("./bundle/promiseGet.ts"), "node"), 1),
    // Why core executes the contract's descriptions rather than HttpApiClient (core README).
    floorGetKb: round(await gzippedKb(entry("./bundle/floorGet.ts"), "browser"), 1),
    httpApiClientGetKb: round(await gzippedKb(entry("./bundle/httpApiClientGet.ts"), "browser"), 1)
  }
  log(
    `  gzipped: promise ${result.promiseGetKb} KB (node ${result.promiseGetNodeKb} KB), core ${result.coreGetKb} KB, openapi-fetch ${result.openapiFetchKb} KB, ` +
      `by hand ${result.floorGetKb} KB, HttpApiClient ${result.httpApiClientGetKb} KB`
  )
  return result
}

export const measureColdStart = async (server: ServerInfo, rounds: number, log: (line: string) => void) => {
  const file = await nodeBundle(entry("./bundle/promiseGet.ts"))
  const empty = file.replace(/\.mjs$/, ".empty.mjs")
  writeFileSync(empty, "")
  const runId = await someRunId(server)
  const env = { AIRPLANE_API_KEY: server.apiKey, AIRPLANE_API_HOST: server.url, RUN_ID: runId }
  const promiseMs: Array<number> = []
  const nodeMs: Array<number> = []
  for (let r = 0; r < rounds; r++) {
    const { ms, stdout } = await runNode(file, [], env)
    if (stdout.trim() !== runId) throw new Error(`bench: the cold start child printed ${stdout}`)
    promiseMs.push(ms)
    nodeMs.push((await runNode(empty, [], {})).ms)
  }
  const result = { promiseMs: round(median(promiseMs)), nodeMs: round(median(nodeMs)) }
  log(`  cold start: promise get ${result.promiseMs} ms (node alone ${result.nodeMs} ms)`)
  return result
}

/** `children` is the project of `installPacked`. */
export const measureStartup = async (children: string, rounds: number, log: (line: string) => void) => {
  const samples: Array<{ nodeMs: number; nodePeakMb: number; facadeMs: number; facadePeakMb: number }> = []
  for (let r = 0; r < rounds; r++) {
    const node = await runNode("-e", [`const count = 0; ${reportSource}`], {})
    const facade = await runNode(join(children, "facadeStartup.mjs"), [], {})
    samples.push({
      nodeMs: node.ms,
      nodePeakMb: parseReport(node.stdout).peakMb,
      facadeMs: facade.ms,
      facadePeakMb: parseReport(facade.stdout).peakMb
    })
  }
  const result = medians(samples, ["nodeMs", "nodePeakMb", "facadeMs", "facadePeakMb"], msAndMb)
  log(
    `  start-up: facade ${result.facadeMs} ms, ${result.facadePeakMb} MB; node -e ${result.nodeMs} ms, ${result.nodePeakMb} MB`
  )
  return result
}
