// The peer: openapi-fetch (at run time only `createClient`; the types are the bench's
// generated file), page after page, `createdAt` to a `Date`, until a short page. Counts the
// runs and prints the exit report. AIRPLANE_API_KEY and BENCH_API_URL say where, argv[2] is
// the page size.
import createClient from "openapi-fetch"
import { report } from "./report.mjs"

const limit = Number(process.argv[2])
const client = createClient({
  baseUrl: process.env.BENCH_API_URL,
  headers: { "x-airplane-api-key": process.env.AIRPLANE_API_KEY, accept: "application/json" }
})
let count = 0
for (let page = 0;; page++) {
  const { data, error } = await client.GET("/runs/list", { params: { query: { limit, page } } })
  if (data === undefined) throw new Error(`list page ${page}: ${JSON.stringify(error)}`)
  for (const run of data.runs) {
    run.createdAt = new Date(run.createdAt)
    count++
  }
  if (data.runs.length < limit) break
}
report(count)
