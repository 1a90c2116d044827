/**
 * `pnpm reliability`: the whole suite at its full counts (RELIABILITY_FULL=1), then the summary
 * table of what each part tried and saw, as Markdown (docs/RELIABILITY.md keeps the latest).
 */
import { spawnSync } from "node:child_process"
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import type { Row } from "./src/Tally.js"
import { resultsDir } from "./src/Tally.js"

interface Result extends Row {
  readonly full: boolean
  readonly secrets: {
    readonly scanned: number
    readonly logLines: number
    readonly spans: number
    readonly leaks: number
  }
}

rmSync(resultsDir, { recursive: true, force: true })
const started = Date.now()
const vitest = spawnSync("npx", ["vitest", "run", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, RELIABILITY_FULL: process.env.RELIABILITY_FULL ?? "1" }
})
const seconds = ((Date.now() - started) / 1000).toFixed(1)

const results: Array<Result> = readdirSync(resultsDir, { withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
  .map((entry) => JSON.parse(readFileSync(`${resultsDir}${entry.name}`, "utf8")) as Result)
  .sort((a, b) => a.part.localeCompare(b.part))

const secrets = results.reduce(
  (sum, r) => ({
    scanned: sum.scanned + r.secrets.scanned,
    logLines: sum.logLines + r.secrets.logLines,
    spans: sum.spans + r.secrets.spans,
    leaks: sum.leaks + r.secrets.leaks
  }),
  { scanned: 0, logLines: 0, spans: 0, leaks: 0 }
)
const cell = (n: number | null) => (n === null ? "-" : String(n))
const lines = [
  `| part | cases tried | survived | failed as expected | unexpected | lost runs | duplicated runs | leaked handles |`,
  `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ...results.map((r) =>
    `| ${r.part} | ${r.tried} | ${r.survived} | ${r.failedAsExpected} | ${r.unexpected} | ${r.lost} | ${r.duplicated} | ${
      cell(r.leaked)
    } |`
  ),
  "",
  `Secrets watch, all parts: ${secrets.scanned} errors, log lines and spans searched (${secrets.logLines} log lines, ${secrets.spans} spans); the key found ${secrets.leaks} times.`,
  "",
  ...results.flatMap((r) => r.notes.map((note) => `- ${r.part}: ${note}`)),
  "",
  `${results.every((r) => r.full) ? "Full counts" : "Reduced (CI) counts"}; ${seconds} s in all; exit ${vitest.status}.`
]
const table = lines.join("\n")
writeFileSync(`${resultsDir}summary.md`, `${table}\n`)
process.stdout.write(`\n${table}\n\n(also in ${resultsDir}summary.md)\n`)
process.exit(vitest.status ?? 1)
