/**
 * `pnpm bench [--quick]`: every figure, one after another (never two at once: they would
 * share the CPU), then the results as JSON, a table on stdout, the charts and the README.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { cpus } from "node:os"
import { fileURLToPath } from "node:url"
import { removeBundles } from "./build.js"
import { measureInstall } from "./install.js"
import { measureMemory } from "./memory.js"
import { measureOverhead } from "./overhead.js"
import { installPacked } from "./packed.js"
import { measurePagination } from "./pagination.js"
import { overheadChart, paginationChart, type Results, table, targets, updateReadme, walkChart } from "./report.js"
import { startServer } from "./server.js"
import { measureBundles, measureColdStart, measureStartup } from "./startup.js"
import { measureWalk, walkers, walkRuns } from "./walk.js"

const quick = process.argv.includes("--quick")
const plan = quick
  ? {
    rounds: 3,
    getIterations: 60,
    listIterations: 20,
    warmup: 50,
    walks: 1,
    warmWalk: false,
    memory: 1,
    coldStart: 3,
    processes: 2
  }
  : {
    rounds: 9,
    getIterations: 400,
    listIterations: 120,
    warmup: 300,
    walks: 3,
    warmWalk: true,
    memory: 3,
    coldStart: 7,
    // Fresh processes per whole-process figure (the walks, the start-up).
    processes: 5
  }

const started = performance.now()
const log = (line: string) =>
  console.error(`${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s ${line}`)
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// First, as it builds (CPU the figures must not share): the packed packages, installed.
log(`bench (${quick ? "quick" : "full"}): packing and installing the packages (not measured)`)
const packed = await installPacked(log)
// Removed as the bench ends, whether or not a figure fails.
process.once("exit", packed.remove)
log("overhead per call")
const small = await startServer({ runs: 1_000, latencyMs: 0 })
const overhead = await measureOverhead(small, plan, log)
log("cold start")
const coldStart = await measureColdStart(small, plan.coldStart, log)
await small.stop()
log("pagination")
const pagination = await measurePagination(plan.walks, plan.warmWalk, log)
// Seeding 100,000 runs takes the server seconds: the bundle sizes, which the CPU's load does
// not change, are measured meanwhile.
const large = startServer({ runs: 100_000, latencyMs: 0 })
log("bundle size")
const bundle = await measureBundles(log)
log("memory")
const memoryServer = await large
const memory = await measureMemory(memoryServer, plan.memory, log)
await memoryServer.stop()
removeBundles()
log(`whole process: walk of ${walkRuns} runs, 0 ms latency`)
const walkServer = await startServer({ runs: walkRuns, latencyMs: 0 })
const walk = await measureWalk(packed.children, walkServer, walkers, plan.processes, log)
await walkServer.stop()
log(`whole process: walk of ${walkRuns} runs, 10 ms latency`)
const slowServer = await startServer({ runs: walkRuns, latencyMs: 10 })
const slow = await measureWalk(packed.children, slowServer, ["loop", "facade"], plan.processes, log)
await slowServer.stop()
log("whole process: start-up")
const startup = await measureStartup(packed.children, plan.processes, log)
const install = measureInstall(packed, log)

const suffixed = (values: Record<string, number>) =>
  Object.fromEntries(Object.entries(values).map(([name, us]) => [`${name}Us`, us])) as unknown as Results[
    "overhead"
  ]["get"]

const measured: Omit<Results, "targets"> = {
  mode: quick ? "quick" : "full",
  date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
  machine: { node: process.versions.node, cpus: cpus().length, cpu: cpus()[0]?.model.trim() ?? "unknown" },
  overhead: { get: suffixed(overhead.get), listPage: suffixed(overhead.listPage) },
  pagination,
  memory,
  bundle,
  coldStart,
  walk,
  walkLatency10: { loopWallMs: slow.loopWallMs, facadeWallMs: slow.facadeWallMs },
  startup,
  install
}
const results: Results = { ...measured, targets: targets(measured) }

// A quick run is a rough look: it leaves the figures of the last full run (the JSON, the charts
// and the README's tables) as they are.
if (quick) {
  writeFileSync(here("../results/quick.json"), `${JSON.stringify(results, null, 2)}\n`)
} else {
  writeFileSync(here("../results/latest.json"), `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(here("../results/pagination.svg"), paginationChart(results))
  writeFileSync(here("../results/overhead.svg"), overheadChart(results))
  writeFileSync(here("../results/walk.svg"), walkChart(results))
  const readme = here("../README.md")
  writeFileSync(readme, updateReadme(readFileSync(readme, "utf8"), results))
}
console.log(`\n${table(results)}\n`)
log(
  quick
    ? "wrote bench/results/quick.json"
    : "wrote bench/results/latest.json, pagination.svg, overhead.svg, walk.svg and the tables of bench/README.md"
)
if (!pagination.sameOrder) {
  log("bench: the walks did not see the runs in the same order")
  process.exitCode = 1
}
