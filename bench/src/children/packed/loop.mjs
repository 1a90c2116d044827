// The hand-written loop a user writes without a client: `fetch` page after page, `JSON.parse`,
// `createdAt` to a `Date`, until a short page. Counts the runs and prints the exit report.
// Run by plain `node` in the project of the packed packages (see bench/src/packed.ts);
// AIRPLANE_API_KEY and BENCH_API_URL say where, argv[2] is the page size.
/* global fetch */
import { report } from "./report.mjs"

const limit = Number(process.argv[2])
const headers = { "x-airplane-api-key": process.env.AIRPLANE_API_KEY, accept: "application/json" }
let count = 0
for (let page = 0;; page++) {
  const response = await fetch(`${process.env.BENCH_API_URL}/runs/list?limit=${limit}&page=${page}`, { headers })
  if (!response.ok) throw new Error(`list page ${page}: ${response.status}`)
  const { runs } = JSON.parse(await response.text())
  for (const run of runs) {
    run.createdAt = new Date(run.createdAt)
    count++
  }
  if (runs.length < limit) break
}
report(count)
